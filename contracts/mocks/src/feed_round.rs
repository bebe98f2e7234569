//! The latest round of a Chainlink-style feed.

use alloy_primitives::{aliases::U80, I256, U256};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageI256, StorageU256, StorageUint};

use crate::abi::NoDataPresent;

/// `(roundId, answer, startedAt, updatedAt, answeredInRound)` as
/// `latestRoundData` returns it.
pub type RoundData = (U80, I256, U256, U256, U80);

/// Errors of the feed mocks.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum FeedError {
    /// See [`NoDataPresent`]: only the latest round is kept.
    NoDataPresent(NoDataPresent),
}

/// The fields of the latest round.
#[storage]
pub struct FeedRound {
    round_id: StorageUint<80, 2>,
    answer: StorageI256,
    started_at: StorageU256,
    updated_at: StorageU256,
    answered_in_round: StorageUint<80, 2>,
}

impl FeedRound {
    /// The latest round.
    pub fn latest(&self) -> RoundData {
        (
            self.round_id.get(),
            self.answer.get(),
            self.started_at.get(),
            self.updated_at.get(),
            self.answered_in_round.get(),
        )
    }

    /// Round `round_id`, which must be the latest.
    pub fn get(&self, round_id: U80) -> Result<RoundData, FeedError> {
        if round_id != self.round_id.get() {
            return Err(FeedError::NoDataPresent(NoDataPresent {
                roundId: round_id,
            }));
        }
        Ok(self.latest())
    }

    /// Overwrites the latest round.
    pub fn set(
        &mut self,
        (round_id, answer, started_at, updated_at, answered_in_round): RoundData,
    ) {
        self.round_id.set(round_id);
        self.answer.set(answer);
        self.started_at.set(started_at);
        self.updated_at.set(updated_at);
        self.answered_in_round.set(answered_in_round);
    }

    /// Starts the next round with `answer`, started at `started_at`, updated at `now`.
    /// The round id wraps to 1 after the largest `uint80` (unreachable in tests).
    pub fn start_next(&mut self, answer: I256, started_at: U256, now: U256) {
        let next = self
            .round_id
            .get()
            .checked_add(U80::from(1u8))
            .unwrap_or(U80::from(1u8));
        self.set((next, answer, started_at, now, next));
    }
}

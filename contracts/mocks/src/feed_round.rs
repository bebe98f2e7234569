//! The latest round of a Chainlink-style feed, stored as Chainlink's OCR2
//! aggregator stores a transmission: the answer as `int192` and the
//! timestamps as 64-bit values, packed into two slots. A `latestRoundData`
//! then reads two cold slots, about what a real feed costs, not the five a
//! field per slot would (which `keel gas` would charge to every priced
//! operation).

use alloy_primitives::{aliases::U80, Signed, Uint, I256, U256};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageSigned, StorageU64, StorageUint};

use crate::abi::{NoDataPresent, RoundValueOutOfRange};

/// `(roundId, answer, startedAt, updatedAt, answeredInRound)` as
/// `latestRoundData` returns it.
pub type RoundData = (U80, I256, U256, U256, U80);

/// Chainlink's answer type.
type I192 = Signed<192, 3>;

/// Errors of the feed mocks.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum FeedError {
    /// See [`NoDataPresent`]: only the latest round is kept.
    NoDataPresent(NoDataPresent),
    /// See [`RoundValueOutOfRange`].
    RoundValueOutOfRange(RoundValueOutOfRange),
}

/// The fields of the latest round: answer and update time in one slot,
/// the round ids and start time in the next.
#[storage]
pub struct FeedRound {
    answer: StorageSigned<192, 3>,
    updated_at: StorageU64,
    round_id: StorageUint<80, 2>,
    answered_in_round: StorageUint<80, 2>,
    started_at: StorageU64,
}

impl FeedRound {
    /// The latest round.
    pub fn latest(&self) -> RoundData {
        (
            self.round_id.get(),
            widen(self.answer.get()),
            U256::from(self.started_at.get()),
            U256::from(self.updated_at.get()),
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
    ///
    /// Errors: `RoundValueOutOfRange` when the answer does not fit `int192`
    /// or a time does not fit 64 bits (what a Chainlink aggregator stores).
    pub fn set(
        &mut self,
        (round_id, answer, started_at, updated_at, answered_in_round): RoundData,
    ) -> Result<(), FeedError> {
        let out_of_range = || FeedError::RoundValueOutOfRange(RoundValueOutOfRange {});
        let answer = narrow(answer).ok_or_else(out_of_range)?;
        let started_at = u64::try_from(started_at).map_err(|_| out_of_range())?;
        let updated_at = u64::try_from(updated_at).map_err(|_| out_of_range())?;
        self.round_id.set(round_id);
        self.answer.set(answer);
        self.started_at.set(alloy_primitives::U64::from(started_at));
        self.updated_at.set(alloy_primitives::U64::from(updated_at));
        self.answered_in_round.set(answered_in_round);
        Ok(())
    }

    /// Starts the next round with `answer`, started at `started_at`, updated at `now`.
    /// The round id wraps to 1 after the largest `uint80` (unreachable in tests).
    ///
    /// Errors: as [`FeedRound::set`].
    pub fn start_next(
        &mut self,
        answer: I256,
        started_at: U256,
        now: U256,
    ) -> Result<(), FeedError> {
        let next = self
            .round_id
            .get()
            .checked_add(U80::from(1u8))
            .unwrap_or(U80::ONE);
        self.set((next, answer, started_at, now, next))
    }
}

/// `answer` sign-extended to 256 bits.
fn widen(answer: I192) -> I256 {
    let low = U256::from(answer.into_raw());
    let high = match answer.is_negative() {
        true => U256::MAX.wrapping_shl(192),
        false => U256::ZERO,
    };
    I256::from_raw(low | high)
}

/// `answer` as `int192`, or `None` when it does not fit.
fn narrow(answer: I256) -> Option<I192> {
    let low: Uint<192, 3> = Uint::from_limbs_slice(&answer.into_raw().as_limbs()[..3]);
    let narrowed = I192::from_raw(low);
    (widen(narrowed) == answer).then_some(narrowed)
}

#[cfg(test)]
// Test values from small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::{narrow, widen};
    use alloy_primitives::I256;

    #[test]
    fn answers_within_int192_round_trip_and_others_are_refused() {
        let max = I256::from_raw(
            (alloy_primitives::U256::from(1) << 191) - alloy_primitives::U256::from(1),
        );
        for answer in [
            I256::ZERO,
            I256::ONE,
            I256::MINUS_ONE,
            max,
            -max,
            -max - I256::ONE,
        ] {
            assert_eq!(narrow(answer).map(widen), Some(answer));
        }
        assert_eq!(narrow(max + I256::ONE), None);
        assert_eq!(narrow(-max - I256::ONE - I256::ONE), None);
        assert_eq!(narrow(I256::MAX), None);
    }
}

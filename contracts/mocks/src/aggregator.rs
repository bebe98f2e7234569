//! `MockAggregator`: a Chainlink `AggregatorV3Interface` price feed with
//! settable answer, decimals and round fields.

use alloc::string::String;

use alloy_primitives::{aliases::U80, I256, U256};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageString, StorageU8};

use crate::feed_round::{FeedError, FeedRound, RoundData};

/// `version()` of the mock, as Chainlink's current aggregators report.
const VERSION: u64 = 4;

/// A price feed whose rounds the test sets.
#[storage]
#[cfg_attr(feature = "aggregator", entrypoint)]
pub struct MockAggregator {
    round: FeedRound,
    decimals: StorageU8,
    description: StorageString,
}

crate::top_level_without_entrypoint!(MockAggregator, "aggregator");

#[public]
impl MockAggregator {
    /// Sets decimals and description; round 1 carries `answer`, started and
    /// updated at deployment.
    #[constructor]
    pub fn constructor(
        &mut self,
        decimals: u8,
        description: String,
        answer: I256,
    ) -> Result<(), FeedError> {
        self.decimals
            .set(alloy_primitives::aliases::U8::from(decimals));
        self.description.set_str(description);
        self.set_answer(answer)
    }

    /// Decimals of the answer.
    pub fn decimals(&self) -> u8 {
        self.decimals.get().to()
    }

    /// What the feed prices.
    pub fn description(&self) -> String {
        self.description.get_string()
    }

    /// The aggregator version (4).
    pub fn version(&self) -> U256 {
        U256::from(VERSION)
    }

    /// Round `round_id`; only the latest round is kept, others revert with `NoDataPresent`.
    pub fn get_round_data(&self, round_id: U80) -> Result<RoundData, FeedError> {
        self.round.get(round_id)
    }

    /// The latest round.
    pub fn latest_round_data(&self) -> RoundData {
        self.round.latest()
    }

    /// Starts the next round with `answer`, started and updated now.
    ///
    /// Errors: `RoundValueOutOfRange` beyond `int192`.
    pub fn set_answer(&mut self, answer: I256) -> Result<(), FeedError> {
        let now = U256::from(self.vm().block_timestamp());
        self.round.start_next(answer, now, now)
    }

    /// Overwrites the latest round with arbitrary values (within `int192`
    /// and 64-bit times: `RoundValueOutOfRange` otherwise).
    pub fn set_round_data(
        &mut self,
        round_id: U80,
        answer: I256,
        started_at: U256,
        updated_at: U256,
        answered_in_round: U80,
    ) -> Result<(), FeedError> {
        self.round
            .set((round_id, answer, started_at, updated_at, answered_in_round))
    }

    /// Changes the decimals reported (the answer is not rescaled).
    pub fn set_decimals(&mut self, decimals: u8) {
        self.decimals
            .set(alloy_primitives::aliases::U8::from(decimals));
    }
}

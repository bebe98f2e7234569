//! `MockSequencerUptimeFeed`: Chainlink's L2 sequencer uptime feed. Answer 0
//! means the sequencer is up, 1 down; `startedAt` is when that status began.
//! A fresh feed has round 0 with every field zero, as an uninitialised feed
//! reports on chain.

use alloc::string::String;

use alloy_primitives::{aliases::U80, I256, U256};
use stylus_sdk::prelude::*;

use crate::feed_round::{FeedError, FeedRound, RoundData};

/// `description()` of Chainlink's sequencer uptime feeds.
const DESCRIPTION: &str = "L2 Sequencer Uptime Status Feed";

/// The sequencer status feed.
#[storage]
#[cfg_attr(feature = "sequencer-uptime-feed", entrypoint)]
pub struct MockSequencerUptimeFeed {
    round: FeedRound,
}

crate::top_level_without_entrypoint!(MockSequencerUptimeFeed, "sequencer-uptime-feed");

#[public]
impl MockSequencerUptimeFeed {
    /// Decimals of the answer (0).
    pub fn decimals(&self) -> u8 {
        0
    }

    /// The feed description.
    pub fn description(&self) -> String {
        String::from(DESCRIPTION)
    }

    /// The aggregator version (1).
    pub fn version(&self) -> U256 {
        U256::from(1u8)
    }

    /// Round `round_id`; only the latest round is kept, others revert with `NoDataPresent`.
    pub fn get_round_data(&self, round_id: U80) -> Result<RoundData, FeedError> {
        self.round.get(round_id)
    }

    /// The latest round.
    pub fn latest_round_data(&self) -> RoundData {
        self.round.latest()
    }

    /// Starts the next round: answer 1 when `is_down`, else 0; the status
    /// began at `started_at`; updated now.
    ///
    /// Errors: `RoundValueOutOfRange` when `started_at` exceeds 64 bits.
    pub fn set_status(&mut self, is_down: bool, started_at: U256) -> Result<(), FeedError> {
        let answer = if is_down { I256::ONE } else { I256::ZERO };
        let now = U256::from(self.vm().block_timestamp());
        self.round.start_next(answer, started_at, now)
    }
}

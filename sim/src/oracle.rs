//! The Chainlink-style feeds: a new round when the heartbeat has passed or
//! the source moved by the deviation threshold, so the market's price lags
//! the source between rounds.

use alloy_primitives::Address;
use anyhow::{anyhow, Result};
use keel_devnet::address_of;
use keel_mocks::abi::{AggregatorV3Interface, IMockAggregator};

use crate::market::SimMarket;
use crate::scenario::OracleParams;
use crate::units::feed_answer;

/// Sends the feeds' rounds (the mocks are open to anyone).
fn transmitter() -> Address {
    address_of("keel-sim feed transmitter")
}

/// Each feed's last answer and its time.
pub struct Feeds {
    params: OracleParams,
    last_price: Vec<f64>,
    last_update_seconds: Vec<u64>,
}

impl Feeds {
    /// No round sent yet.
    pub fn new(params: OracleParams, collaterals: usize) -> Self {
        Self {
            params,
            last_price: vec![f64::NAN; collaterals],
            last_update_seconds: vec![0; collaterals],
        }
    }

    /// The last answer of collateral `index`'s feed.
    pub fn price(&self, index: usize) -> f64 {
        self.last_price[index]
    }

    /// Seconds of the last round of collateral `index`'s feed.
    pub fn updated_at(&self, index: usize) -> u64 {
        self.last_update_seconds[index]
    }

    /// Sends a round for every feed whose heartbeat passed or whose source
    /// moved past the deviation; returns the indices of the collaterals
    /// whose feed got a round.
    pub fn update(&mut self, m: &mut SimMarket, now: u64, sources: &[f64]) -> Result<Vec<usize>> {
        let mut changed = Vec::new();
        for (index, &source) in sources.iter().enumerate() {
            let last = self.last_price[index];
            let due = now.saturating_sub(self.last_update_seconds[index])
                >= self.params.heartbeat_seconds;
            // The first round (no last answer: NaN) always counts as moved.
            let moved = last.is_nan() || (source / last - 1.0).abs() >= self.params.deviation;
            if due || moved {
                self.push(m, index, source, now)?;
                changed.push(index);
            }
        }
        Ok(changed)
    }

    fn push(&mut self, m: &mut SimMarket, index: usize, price: f64, now: u64) -> Result<()> {
        let collateral = m.collaterals[index].clone();
        let answer = feed_answer(price, collateral.feed_decimals);
        m.net
            .call(
                transmitter(),
                collateral.feed,
                &IMockAggregator::setAnswerCall { answer },
            )
            .map_err(|r| anyhow!("setAnswer: {r}"))?;
        if let Some(base_feed) = collateral.base_feed {
            // The base asset's feed only needs to stay fresh: same answer again.
            let round = m
                .net
                .view(base_feed, &AggregatorV3Interface::latestRoundDataCall {})
                .map_err(|r| anyhow!("latestRoundData: {r}"))?;
            let again = IMockAggregator::setAnswerCall {
                answer: round.answer,
            };
            m.net
                .call(transmitter(), base_feed, &again)
                .map_err(|r| anyhow!("setAnswer: {r}"))?;
        }
        self.last_price[index] = price;
        self.last_update_seconds[index] = now;
        Ok(())
    }
}

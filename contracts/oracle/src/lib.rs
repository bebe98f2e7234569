//! Keel oracle adapter: Chainlink-compatible feeds to the market's validated 1e36 prices
//! (docs/DESIGN.md section 7).
//!
//! The market reads feeds **directly** through this crate (static calls from its own code):
//! an extra Stylus contract in between would cost a program-init on every valuation.
//!
//! # Layers
//!
//! - Pure core, no host: [`validate_round`] (answer, completeness, future, staleness, band),
//!   [`compose_price`] (answers and decimals to a [`Price`], one floor at the end) and
//!   [`check_sequencer`] (uptime feed status and grace period).
//! - Host shell: [`read_latest_round`], [`read_decimals`], [`check_has_code`], and the
//!   composition of both layers, [`read_price`] and [`check_price_source`].
//! - Storage the market embeds: [`PriceSource`] (one per collateral) and
//!   [`SequencerUptimeFeed`] (one per market); slot maps in the [`storage`] module docs.
//!
//! # Prices
//!
//! A [`Price`] is the value of one smallest collateral unit in smallest base units, scaled by
//! 1e36. A collateral feed either quotes the base asset directly (ETH/USDC: no base feed) or a
//! reference currency, in which case a base feed quotes the base asset in the same currency
//! (ETH/USD over USDC/USD). Tokens and feeds of 0 to 36 decimals are supported; see
//! [`compose_price`] for the exact formula and its limits.
//!
//! # Sequencer
//!
//! [`SequencerUptimeFeed::check_borrow_allowed`] is for new borrows and collateral withdrawals
//! only. Repay, supply, supplyCollateral and liquidation must never call it: blocking them
//! during an outage would stop borrowers from saving positions and let bad debt grow.
//!
//! # Errors
//!
//! One type, [`OracleError`], that carries any of the crate's Solidity custom errors (`sol!`)
//! ABI-encoded, so `Vec<u8>::from(error)` is the revert data and a market forwards it as it is
//! (keel-abi's `module_errors!`). Tests ask `error.is::<crate::PriceStale>()` or
//! `error.decode::<PriceStale>()`.
//!
//! # Use from the market
//!
//! ```text
//! use keel_oracle::{FeedConfig, PriceSource, PriceSourceConfig, SequencerUptimeFeed};
//!
//! #[storage]
//! pub struct Collateral { /* risk parameters ... */ price_source: PriceSource }
//!
//! #[storage]
//! #[entrypoint]
//! pub struct KeelMarket { collaterals: StorageMap<Address, Collateral>, sequencer: SequencerUptimeFeed, /* ... */ }
//!
//! // Owner, when listing a collateral (validates bounds, code, decimals and a live price):
//! let base_token_decimals = keel_oracle::read_decimals(self.vm(), base_token)?;
//! let collateral_token_decimals = keel_oracle::read_decimals(self.vm(), collateral_token)?;
//! let config = PriceSourceConfig {
//!     collateral_feed: FeedConfig { feed: eth_usd, feed_decimals: 8, heartbeat_seconds: 86_400 + 600, band: None },
//!     base_feed: Some(FeedConfig { feed: usdc_usd, feed_decimals: 8, heartbeat_seconds: 86_400 + 600, band: None }),
//!     collateral_token_decimals,
//!     base_token_decimals,
//! };
//! let now = self.vm().block_timestamp();
//! let price = self.collaterals.setter(collateral_token).price_source.configure(&config, now)?;
//!
//! // Every valuation (borrow, withdrawCollateral, liquidate, views):
//! let price = self.collaterals.getter(token).price_source.price(now)?;
//! let value_down = price.to_base_down(amount)?;
//!
//! // Only in borrow and withdrawCollateral, before the health check:
//! self.sequencer.check_borrow_allowed(now)?;
//! ```
#![warn(missing_docs)]

extern crate alloc;

mod compose;
mod error;
mod feed;
mod round;
mod sequencer;
mod source;
pub mod storage;
#[cfg(test)]
mod test_devnet;

pub use compose::{check_decimals, compose_price, FeedAnswer, MAX_DECIMALS};
pub use error::*;
pub use feed::{check_has_code, read_decimals, read_latest_round};
pub use keel_math::Price;
pub use round::{
    validate_round, AnswerBand, FeedConfig, RoundData, MAX_HEARTBEAT_SECONDS, MIN_HEARTBEAT_SECONDS,
};
pub use sequencer::{check_sequencer, MAX_GRACE_PERIOD_SECONDS, MIN_GRACE_PERIOD_SECONDS};
pub use source::{check_price_source, read_price, PriceSourceConfig};
pub use storage::{PriceSource, SequencerUptimeFeed};

//! The deployed market a simulation drives: the devnet, the market's
//! address and the mock tokens and feeds behind it. keel-sim does not
//! deploy markets itself: a [`Deployer`] (keel-cli's, from a market
//! configuration file) does, so the market's deployment plan stays in one
//! place.

use alloy_primitives::Address;
use anyhow::Result;
use keel_devnet::Devnet;

/// Which engine runs the market's programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// The contracts' Rust code compiled for this machine (fast).
    #[default]
    Native,
    /// The processed wasm `keel build` writes, metered as Nitro meters it.
    Wasm,
}

/// One listed collateral and the mocks standing in for its token and feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimCollateral {
    /// Ticker, for reports.
    pub symbol: String,
    /// The mock ERC-20.
    pub token: Address,
    /// `decimals()` of the token.
    pub token_decimals: u8,
    /// The mock Chainlink aggregator pricing it in the base asset.
    pub feed: Address,
    /// `decimals()` of the feed.
    pub feed_decimals: u8,
    /// The base asset's feed when the collateral is priced in another unit.
    pub base_feed: Option<Address>,
    /// The market's staleness bound for the feed (heartbeat plus margin), seconds.
    pub max_age_seconds: u32,
}

/// A market deployed on a devnet with mock tokens and feeds.
pub struct SimMarket {
    /// The chain.
    pub net: Devnet,
    /// The market's address (one ABI: `IKeelMarket`).
    pub market: Address,
    /// The market's owner.
    pub owner: Address,
    /// The base asset (a mock ERC-20).
    pub base: Address,
    /// `decimals()` of the base asset.
    pub base_decimals: u8,
    /// Collaterals in listing order.
    pub collaterals: Vec<SimCollateral>,
    /// The L2 sequencer uptime feed, when the market has one.
    pub sequencer: Option<Address>,
}

/// Deploys the market described by a market configuration (the TOML of
/// `deploy/markets/*.toml`) on a fresh devnet with the given backend.
pub type Deployer<'a> = &'a dyn Fn(&str, Backend) -> Result<SimMarket>;

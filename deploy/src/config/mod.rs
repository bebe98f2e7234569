//! Market configuration files (`deploy/markets/*.toml`): the schema as
//! written by people ([`MarketFile`]) and its validation into typed,
//! ABI-ready parameters ([`validate::MarketParams`]).
//!
//! Factors are decimal strings (`ltv = "0.80"`), parsed exactly to WAD;
//! interest rates are APRs (`base_apr = "0.02"`) turned into per-second WAD
//! rates rounded down; amounts are whole tokens as decimal strings (`"1000"`,
//! `"0.5"`) or `"unlimited"`. Token and feed addresses are optional: the
//! devnet deploys mocks in their place; a real chain needs all of them.

pub mod validate;

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::Path;

/// A market configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketFile {
    /// Human-readable name, printed in reports.
    pub name: String,
    /// The chain this file is for; `--rpc` refuses another chain.
    pub chain_id: Option<u64>,
    /// The StylusDeployer contract (default: the canonical address).
    pub stylus_deployer: Option<String>,
    /// The CREATE2 factory that stores code fragments (default: the
    /// deterministic deployment proxy `0x4e59...956C`).
    pub create2_factory: Option<String>,
    /// CREATE2 salt label (hashed with keccak256); a new label gives a new address.
    pub salt: String,
    /// Final owner of the market.
    pub owner: String,
    /// Guardian who may pause (absent or zero: none).
    pub guardian: Option<String>,
    /// The base asset.
    pub base: TokenFile,
    /// Interest rate model.
    pub rate_model: RateModelFile,
    /// Share of interest kept as reserves.
    pub reserve_factor: String,
    /// Total supply cap in whole base tokens, or `"unlimited"`.
    pub supply_cap: String,
    /// Total borrow cap in whole base tokens, or `"unlimited"`.
    pub borrow_cap: String,
    /// Liquidation parameters.
    pub liquidation: LiquidationFile,
    /// Optional L2 sequencer uptime feed.
    pub sequencer: Option<SequencerFile>,
    /// Collateral assets, 1 to 8.
    pub collaterals: Vec<CollateralFile>,
}

/// An ERC-20 token.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenFile {
    /// Ticker, for reports.
    pub symbol: String,
    /// `decimals()` of the token.
    pub decimals: u8,
    /// Its address (absent: the devnet deploys a mock).
    pub address: Option<String>,
}

/// The kinked rate model, as APRs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateModelFile {
    /// Borrow APR at zero utilisation.
    pub base_apr: String,
    /// APR added from zero to the optimal utilisation.
    pub slope_below_optimal_apr: String,
    /// APR added from the optimal to full utilisation.
    pub slope_above_optimal_apr: String,
    /// The kink.
    pub optimal_utilisation: String,
}

/// Liquidation parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiquidationFile {
    /// Largest share of the debt one liquidation repays while HF >= full HF.
    pub close_factor: String,
    /// Health factor under which the whole debt may be repaid.
    pub full_liquidation_health_factor: String,
    /// Protocol's share of the bonus.
    pub protocol_fee: String,
    /// Debt or collateral value (whole base tokens) under which a position may be fully liquidated.
    pub min_partial_liquidation_value: String,
    /// Smallest remainder (whole base tokens) a partial liquidation may leave.
    pub dust_threshold: String,
    /// Delay after a liquidation unpause, seconds (absent: the contract's default, 0).
    pub grace_period_seconds: Option<u32>,
}

/// The L2 sequencer uptime feed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequencerFile {
    /// The feed (absent: the devnet deploys a mock).
    pub address: Option<String>,
    /// Seconds after the sequencer is back before borrowing resumes.
    pub grace_period_seconds: u32,
}

/// One collateral.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollateralFile {
    /// The token.
    #[serde(flatten)]
    pub token: TokenFile,
    /// Loan-to-value.
    pub ltv: String,
    /// Liquidation threshold.
    pub liquidation_threshold: String,
    /// Liquidation bonus.
    pub bonus: String,
    /// Cap on the market's total of this collateral, whole tokens, or `"unlimited"`.
    pub cap: String,
    /// Feed pricing the collateral (in the base asset, or in the base feed's unit).
    pub feed: FeedFile,
    /// Optional feed pricing the base asset in the same unit (e.g. USDC/USD).
    pub base_feed: Option<FeedFile>,
}

/// A Chainlink-compatible feed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedFile {
    /// The feed (absent: the devnet deploys a mock).
    pub address: Option<String>,
    /// `decimals()` of the feed.
    pub decimals: u8,
    /// Largest accepted answer age, seconds (the feed's heartbeat plus a margin).
    pub heartbeat_seconds: u32,
    /// Optional inclusive band of accepted answers, raw feed units.
    pub min_answer: Option<String>,
    /// Upper end of the band.
    pub max_answer: Option<String>,
    /// The devnet mock's answer, as a decimal price (e.g. `"2000"`).
    pub devnet_price: String,
}

/// Reads and parses a configuration file (no validation).
///
/// Errors: the file is unreadable or not valid TOML for [`MarketFile`]
/// (unknown keys are refused).
pub fn load(path: &Path) -> Result<MarketFile> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Parses configuration text (no validation).
///
/// Errors: not valid TOML for [`MarketFile`].
pub fn parse(text: &str) -> Result<MarketFile> {
    Ok(toml::from_str(text)?)
}

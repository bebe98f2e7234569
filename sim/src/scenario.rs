//! Scenario files (`deploy/scenarios/*.toml`): the market configuration
//! they run on, the agents, the price paths, the pools, the oracle and the
//! sequencer's downtime. Amounts are whole tokens, prices base per whole
//! collateral token, times seconds from the run's start.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::prices::PricePath;

/// A scenario as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Title of plots and the summary.
    pub name: String,
    /// Seed of every random stream.
    pub seed: u64,
    /// Blocks to simulate.
    pub blocks: u64,
    /// Seconds between blocks.
    pub block_seconds: u64,
    /// Every position is re-read at least this often (besides after each
    /// oracle update and each of its own transactions), seconds.
    #[serde(default = "default_refresh_seconds")]
    pub refresh_seconds: u64,
    /// The market configuration, relative to the scenario file.
    pub market_file: PathBuf,
    /// Lenders.
    pub suppliers: Suppliers,
    /// Borrowers.
    pub borrowers: Borrowers,
    /// Liquidators (keepers).
    pub liquidators: Vec<LiquidatorParams>,
    /// Per collateral, in the market's listing order.
    pub collaterals: Vec<CollateralSim>,
    /// Arbitrage between the pools and the reference price.
    pub arbitrage: Arbitrage,
    /// The Chainlink-style feeds' update rule.
    pub oracle: OracleParams,
    /// Sequencer downtime windows (the market needs a sequencer feed).
    #[serde(default)]
    pub sequencer_down: Vec<Window>,
    /// The directory of the scenario file (paths resolve against it).
    #[serde(skip)]
    pub dir: PathBuf,
    /// The market configuration's text, after sweep overrides.
    #[serde(skip)]
    pub market_toml: String,
}

fn default_refresh_seconds() -> u64 {
    3_600
}

/// Lenders, who supply at the start.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppliers {
    /// How many.
    pub count: u32,
    /// Base asset supplied by all of them together.
    pub total: f64,
}

/// Borrowers, drawn at the start.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Borrowers {
    /// How many.
    pub count: u32,
    /// Relative weight of each collateral (listing order) as a borrower's only collateral.
    pub collateral_weights: Vec<f64>,
    /// Median collateral value at the start, base tokens (log-normal sizes).
    pub median_collateral_value: f64,
    /// Standard deviation of the log of the size.
    pub size_sigma: f64,
    /// Debt as a fraction of borrow power (LTV), uniform in this range.
    pub ltv_usage: [f64; 2],
    /// Share of borrowers who repay when their HF falls below their buffer.
    pub manager_share: f64,
    /// A manager's buffer HF, uniform in this range; they repay back to buffer + 0.1.
    pub buffer_hf: [f64; 2],
}

/// One liquidator.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LiquidatorParams {
    /// Base asset it holds to repay debt.
    pub capital: f64,
    /// Cost of one liquidation transaction, base tokens.
    pub gas_cost: f64,
    /// Smallest profit after gas it acts for, base tokens.
    pub min_profit: f64,
    /// Blocks it waits after first seeing a position liquidatable.
    #[serde(default)]
    pub delay_blocks: u64,
    /// Liquidates through a flash-liquidator contract of its own (the sale
    /// of the collateral repays inside the market's callback), so it needs
    /// no capital; on the devnet the simulation deploys that contract.
    #[serde(default)]
    pub flash: bool,
}

/// Per-collateral simulation settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollateralSim {
    /// Its reference price path.
    pub price: PricePath,
    /// Base-asset side of its pool at the start, base tokens (its depth).
    pub pool_depth: f64,
    /// Pool fee, basis points.
    #[serde(default = "default_pool_fee_bps")]
    pub pool_fee_bps: u32,
}

fn default_pool_fee_bps() -> u32 {
    30
}

/// How fast arbitrageurs pull a pool toward the reference.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arbitrage {
    /// Fraction of the log-price gap closed per block (0: none, 1: all).
    pub rate: f64,
}

/// Where the feed reads its price.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OracleSource {
    /// The external reference (a CEX-weighted feed).
    Reference,
    /// The on-chain pool (a manipulable, cascade-prone source).
    Pool,
}

/// A Chainlink-style update rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OracleParams {
    /// A new round at least this often, seconds.
    pub heartbeat_seconds: u64,
    /// A new round when the source moved this fraction from the last answer.
    pub deviation: f64,
    /// The price the feed reads.
    pub source: OracleSource,
}

/// A time window, seconds from the run's start.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Start (included).
    pub from_seconds: u64,
    /// End (excluded).
    pub to_seconds: u64,
}

impl Window {
    /// Whether `seconds` falls inside.
    pub fn contains(&self, seconds: u64) -> bool {
        (self.from_seconds..self.to_seconds).contains(&seconds)
    }
}

impl Scenario {
    /// Reads a scenario and its market configuration.
    ///
    /// Errors: unreadable files, unknown keys, inconsistent sizes.
    pub fn load(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut scenario: Scenario =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        scenario.dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let market_path = scenario.dir.join(&scenario.market_file);
        scenario.market_toml = std::fs::read_to_string(&market_path)
            .with_context(|| format!("reading {}", market_path.display()))?;
        scenario.check()?;
        Ok(scenario)
    }

    /// Consistency checks the types cannot express.
    pub fn check(&self) -> Result<()> {
        let n = self.collaterals.len();
        if n == 0 || self.borrowers.collateral_weights.len() != n {
            bail!("`collaterals` and `borrowers.collateral_weights` need one entry per market collateral");
        }
        if self.blocks == 0 || self.block_seconds == 0 {
            bail!("`blocks` and `block_seconds` must be positive");
        }
        if self.liquidators.is_empty() {
            bail!("at least one liquidator");
        }
        Ok(())
    }

    /// The time at block `block`, seconds from the start.
    pub fn seconds_at(&self, block: u64) -> u64 {
        block.saturating_mul(self.block_seconds)
    }

    /// Whether the sequencer is down at `seconds`.
    pub fn sequencer_down_at(&self, seconds: u64) -> bool {
        self.sequencer_down.iter().any(|w| w.contains(seconds))
    }
}

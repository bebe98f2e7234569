//! The position monitor: alerts when a position's health factor crosses
//! one of the configured thresholds downward (with its liquidation price
//! per collateral), when utilisation passes a bound, and when a feed's
//! answer ages past a share of the market's staleness bound.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::Address;
use anyhow::{Context, Result};
use keel_mocks::abi::IERC20;
use serde::Serialize;

use crate::book::PositionBook;
use crate::chain::{view, AccountView, Chain};
use crate::market::SimMarket;
use crate::units::{price36_to_f64, wad_to_f64};

/// A watched feed.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchedCollateral {
    /// Ticker.
    pub symbol: String,
    /// The feed.
    pub feed: Address,
    /// `decimals()` of the token.
    pub token_decimals: u8,
    /// The market's staleness bound for the feed, seconds.
    pub max_age_seconds: u32,
}

/// A collateral's feed and the market's staleness bound for it, as given
/// to `keel watch --rpc` (the market has no view of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedBound {
    /// The collateral's price feed.
    pub feed: Address,
    /// The market's staleness bound for the feed, seconds.
    pub max_age_seconds: u32,
}

/// What to alert on.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchConfig {
    /// Health-factor thresholds (e.g. 1.10 and 1.02), any order.
    pub alert_hf: Vec<f64>,
    /// Utilisation above which to alert (e.g. 0.95).
    pub max_utilisation: f64,
    /// Share of the staleness bound at which a feed's age alerts (e.g. 0.8).
    pub oracle_age_share: f64,
    /// The collaterals in listing order.
    pub collaterals: Vec<WatchedCollateral>,
    /// `decimals()` of the base asset.
    pub base_decimals: u8,
}

impl WatchConfig {
    /// The thresholds and bounds given, for the collaterals of `m`.
    pub fn for_market(
        m: &SimMarket,
        alert_hf: Vec<f64>,
        max_utilisation: f64,
        oracle_age_share: f64,
    ) -> Self {
        let collaterals = m
            .collaterals
            .iter()
            .map(|c| WatchedCollateral {
                symbol: c.symbol.clone(),
                feed: c.feed,
                token_decimals: c.token_decimals,
                max_age_seconds: c.max_age_seconds,
            })
            .collect();
        Self {
            alert_hf,
            max_utilisation,
            oracle_age_share,
            collaterals,
            base_decimals: m.base_decimals,
        }
    }
}

impl WatchConfig {
    /// The thresholds and bounds given, for the market behind `chain`: its
    /// collaterals in listing order, their symbols and decimals read from
    /// the tokens, their feeds from `feeds`.
    ///
    /// Errors: a listed collateral missing from `feeds`, a failed call.
    pub fn from_chain(
        chain: &mut dyn Chain,
        feeds: &BTreeMap<Address, FeedBound>,
        alert_hf: Vec<f64>,
        max_utilisation: f64,
        oracle_age_share: f64,
    ) -> Result<Self> {
        let mut collaterals = Vec::new();
        for token in chain.collaterals()? {
            let bound = feeds
                .get(&token)
                .with_context(|| format!("no feed given for collateral {token}"))?;
            collaterals.push(WatchedCollateral {
                symbol: view(chain, token, &IERC20::symbolCall {})?,
                feed: bound.feed,
                token_decimals: view(chain, token, &IERC20::decimalsCall {})?,
                max_age_seconds: bound.max_age_seconds,
            });
        }
        let base = chain.base_asset();
        Ok(Self {
            alert_hf,
            max_utilisation,
            oracle_age_share,
            collaterals,
            base_decimals: view(chain, base, &IERC20::decimalsCall {})?,
        })
    }
}

/// One alert line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "alert", rename_all = "snake_case")]
pub enum Alert {
    /// A position's HF fell below `threshold`.
    Position {
        /// Block number.
        block: u64,
        /// The borrower.
        account: Address,
        /// Its health factor.
        health_factor: f64,
        /// The threshold crossed.
        threshold: f64,
        /// Debt, base tokens.
        debt: f64,
        /// Per held collateral, the price (base per whole token) at which HF reaches 1.
        liquidation_prices: BTreeMap<String, f64>,
    },
    /// Utilisation rose above the bound.
    Utilisation {
        /// Block number.
        block: u64,
        /// Borrow / (supply + reserves).
        utilisation: f64,
        /// The bound.
        max: f64,
    },
    /// A feed's answer is old against the market's staleness bound.
    OracleAge {
        /// Block number.
        block: u64,
        /// The collateral.
        symbol: String,
        /// Seconds since its last round.
        age_seconds: u64,
        /// The market's bound (the feed's heartbeat plus margin).
        max_age_seconds: u32,
    },
}

/// The monitor and the alerts it already raised (each fires on crossing,
/// not again every block while the condition lasts).
pub struct Watcher {
    config: WatchConfig,
    thresholds: Vec<f64>,
    crossed: BTreeMap<Address, usize>,
    utilisation_high: bool,
    stale: BTreeSet<Address>,
}

impl Watcher {
    /// A monitor with `config`.
    pub fn new(config: WatchConfig) -> Self {
        let mut thresholds = config.alert_hf.clone();
        thresholds.sort_by(|a, b| b.total_cmp(a)); // highest first
        Self {
            config,
            thresholds,
            crossed: BTreeMap::new(),
            utilisation_high: false,
            stale: BTreeSet::new(),
        }
    }

    /// Checks the book's positions, the market and the feeds.
    pub fn check(&mut self, chain: &mut dyn Chain, book: &PositionBook) -> Result<Vec<Alert>> {
        let block = chain.block_number()?;
        let mut alerts: Vec<Alert> = book
            .positions()
            .filter_map(|v| self.position(block, v))
            .collect();
        let utilisation = wad_to_f64(chain.market()?.utilisation_wad);
        let high = utilisation > self.config.max_utilisation;
        if high && !self.utilisation_high {
            alerts.push(Alert::Utilisation {
                block,
                utilisation,
                max: self.config.max_utilisation,
            });
        }
        self.utilisation_high = high;
        let now = chain.now()?;
        for c in self.config.collaterals.clone() {
            let age_seconds = now.saturating_sub(chain.feed_updated_at(c.feed)?);
            let old =
                age_seconds as f64 > self.config.oracle_age_share * f64::from(c.max_age_seconds);
            if old && self.stale.insert(c.feed) {
                alerts.push(Alert::OracleAge {
                    block,
                    symbol: c.symbol,
                    age_seconds,
                    max_age_seconds: c.max_age_seconds,
                });
            } else if !old {
                self.stale.remove(&c.feed);
            }
        }
        Ok(alerts)
    }

    /// An alert when `v` sits below a lower threshold than before.
    fn position(&mut self, block: u64, v: &AccountView) -> Option<Alert> {
        let health_factor = wad_to_f64(v.health_factor_wad);
        let level = match v.debt_assets.is_zero() {
            true => 0,
            false => self
                .thresholds
                .iter()
                .filter(|t| health_factor < **t)
                .count(),
        };
        let before = self.crossed.insert(v.account, level).unwrap_or(0);
        if level <= before {
            return None;
        }
        let base = self.config.base_decimals;
        let liquidation_prices = self
            .config
            .collaterals
            .iter()
            .zip(&v.liquidation_prices_36)
            .zip(&v.collateral_balances)
            .filter(|(_, balance)| !balance.is_zero())
            .map(|((c, p), _)| (c.symbol.clone(), price36_to_f64(*p, base, c.token_decimals)))
            .collect();
        Some(Alert::Position {
            block,
            account: v.account,
            health_factor,
            threshold: self.thresholds[level - 1],
            debt: crate::units::to_whole(v.debt_assets, base),
            liquidation_prices,
        })
    }
}

/// An alert as one line of text.
pub fn describe(alert: &Alert) -> String {
    match alert {
        Alert::Position { block, account, health_factor, threshold, debt, liquidation_prices } => {
            let prices: Vec<String> = liquidation_prices.iter().map(|(s, p)| format!("{s} at {p:.2}")).collect();
            format!("block {block}: {account} HF {health_factor:.4} < {threshold} (debt {debt:.2}); liquidated when {}", prices.join(", "))
        }
        Alert::Utilisation { block, utilisation, max } => format!("block {block}: utilisation {:.2}% > {:.2}%", utilisation * 100.0, max * 100.0),
        Alert::OracleAge { block, symbol, age_seconds, max_age_seconds } => format!("block {block}: {symbol} feed is {age_seconds} s old (market accepts {max_age_seconds} s)"),
    }
}

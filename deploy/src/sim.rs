//! The risk lab's deployer: keel-sim drives a market but does not deploy
//! one; this turns a market configuration into a devnet market (the same
//! plan as `keel deploy`) and hands keel-sim what it drives. Also the
//! arguments of `keel keeper --rpc` and `keel watch --rpc`.

use alloy_primitives::Address;
use anyhow::{bail, Result};
use keel_sim::bot_loop::RpcTarget;
use keel_sim::market::{Backend, SimCollateral, SimMarket};
use keel_sim::watch::FeedBound;

use crate::config::{parse, validate};
use crate::deploy::KeySource;
use crate::devnet::{self, DevnetMarket};

/// Validates and deploys the market configuration `config_toml` on a fresh
/// devnet; on [`Backend::Wasm`] the market's programs then run as the
/// wasm `keel build` wrote (the deployment itself runs natively: same state).
///
/// Errors: an invalid configuration (every field problem), a reverted step,
/// a missing wasm file.
pub fn deploy(config_toml: &str, backend: Backend) -> Result<SimMarket> {
    let params = validate::validate(&parse(config_toml)?)?;
    let mut m = devnet::deploy(&params)?;
    if backend == Backend::Wasm {
        let (wasm_dir, _) = crate::gas::default_paths()?;
        crate::gas::use_wasm_programs(&mut m, &wasm_dir, true)?;
    }
    let collaterals = params
        .collaterals
        .iter()
        .zip(&m.externals.collaterals)
        .map(|(c, ext)| SimCollateral {
            symbol: c.token.symbol.clone(),
            token: ext.token,
            token_decimals: c.token.decimals,
            feed: ext.feed,
            feed_decimals: c.feed.decimals,
            base_feed: (!ext.base_feed.is_zero()).then_some(ext.base_feed),
            max_age_seconds: c.feed.heartbeat_seconds,
        })
        .collect();
    let DevnetMarket {
        net,
        market,
        externals,
        deployer,
        ..
    } = m;
    Ok(SimMarket {
        net,
        market,
        owner: deployer,
        base: externals.base,
        base_decimals: params.base.decimals,
        collaterals,
        sequencer: externals.sequencer,
    })
}

/// `keel keeper --rpc` and `keel watch --rpc`: the market on a node and
/// the polling.
#[derive(clap::Args)]
pub struct RpcMarketArgs {
    /// JSON-RPC endpoint: run against that chain instead of a scenario.
    #[arg(long, value_name = "URL", requires_all = ["market", "base"])]
    rpc: Option<String>,
    /// The market's address.
    #[arg(long)]
    market: Option<Address>,
    /// The market's base asset.
    #[arg(long)]
    base: Option<Address>,
    /// First block whose Borrow logs are read.
    #[arg(long, default_value_t = 0)]
    from_block: u64,
    /// Polls before stopping (default: forever).
    #[arg(long)]
    polls: Option<u64>,
    /// Seconds between polls.
    #[arg(long, default_value_t = 5)]
    interval_seconds: u64,
}

impl RpcMarketArgs {
    /// The endpoint, when the bot runs against a node.
    pub fn url(&self) -> Option<String> {
        self.rpc.clone()
    }

    /// The target at `url`, with `pools` to sell into.
    fn target(self, url: String, pools: Vec<(Address, Address)>) -> RpcTarget {
        RpcTarget {
            url,
            market: self.market.unwrap_or_default(),
            base: self.base.unwrap_or_default(),
            pools: pools.into_iter().collect(),
            from_block: self.from_block,
            polls: self.polls,
            interval: std::time::Duration::from_secs(self.interval_seconds),
        }
    }
}

/// `keel keeper --rpc`: the market on a node, the pools, the costs, the key.
#[derive(clap::Args)]
pub struct RpcKeeperArgs {
    #[command(flatten)]
    market: RpcMarketArgs,
    /// TOKEN=POOL: the constant-product pool a collateral is sold into (repeat).
    #[arg(long = "pool", value_parser = parse_pool)]
    pools: Vec<(Address, Address)>,
    /// Cost of a liquidation, base tokens.
    #[arg(long, default_value_t = 1.0)]
    gas_cost: f64,
    /// Smallest profit after gas to act for, base tokens.
    #[arg(long, default_value_t = 1.0)]
    min_profit: f64,
    /// Environment variable holding the keeper's hex private key.
    #[arg(long, default_value = "KEEL_KEEPER_KEY", value_name = "VAR")]
    key_env: String,
    /// Liquidate without capital through this flash liquidator (a
    /// `MockFlashLiquidator` the key deployed on the market), selling into
    /// the --pool of the collateral inside the market's callback.
    #[arg(long, value_name = "ADDR")]
    flash_liquidator: Option<Address>,
}

fn parse_pool(text: &str) -> Result<(Address, Address)> {
    let (token, pool) = text
        .split_once('=')
        .ok_or_else(|| anyhow::anyhow!("expected TOKEN=POOL"))?;
    Ok((token.parse()?, pool.parse()?))
}

impl RpcKeeperArgs {
    /// The endpoint, when the keeper runs against a node.
    pub fn url(&self) -> Option<String> {
        self.market.url()
    }

    /// Runs the keeper against the node at `url`.
    ///
    /// Errors: no key, a malformed URL, an RPC failure.
    pub fn run(self, url: String) -> Result<()> {
        let Some(signer) = KeySource::Env(self.key_env.clone()).signer()? else {
            bail!("no keeper key: set the environment variable named by --key-env");
        };
        let params = keel_sim::scenario::LiquidatorParams {
            capital: 0.0, // unused: the wallet's balance is the capital
            gas_cost: self.gas_cost,
            min_profit: self.min_profit,
            delay_blocks: 0,
            flash: self.flash_liquidator.is_some(),
        };
        let keeper = keel_sim::bot_loop::RpcKeeper {
            target: self.market.target(url, self.pools),
            params,
            flash_liquidator: self.flash_liquidator,
        };
        keel_sim::bot_loop::run_rpc(keeper, signer)
    }
}

/// `keel watch --rpc`: the market on a node and its collaterals' feeds.
#[derive(clap::Args)]
pub struct RpcWatchArgs {
    #[command(flatten)]
    market: RpcMarketArgs,
    /// TOKEN=FEED:SECONDS: a collateral's feed and the market's staleness
    /// bound for it (repeat, one per listed collateral).
    #[arg(long = "feed", value_parser = parse_feed)]
    feeds: Vec<(Address, FeedBound)>,
}

fn parse_feed(text: &str) -> Result<(Address, FeedBound)> {
    let (token, bound) = text
        .split_once('=')
        .ok_or_else(|| anyhow::anyhow!("expected TOKEN=FEED:SECONDS"))?;
    let (feed, seconds) = bound
        .split_once(':')
        .ok_or_else(|| anyhow::anyhow!("expected TOKEN=FEED:SECONDS"))?;
    let bound = FeedBound {
        feed: feed.parse()?,
        max_age_seconds: seconds.parse()?,
    };
    Ok((token.parse()?, bound))
}

impl RpcWatchArgs {
    /// The endpoint, when the watcher runs against a node.
    pub fn url(&self) -> Option<String> {
        self.market.url()
    }

    /// Runs the watcher against the node at `url` with the alerts of
    /// `alerts`; returns how many fired.
    ///
    /// Errors: a malformed URL, a collateral without --feed, an RPC failure.
    pub fn run(self, url: String, alerts: &keel_sim::cli::WatchArgs) -> Result<usize> {
        let watch = keel_sim::bot_loop::RpcWatch {
            target: self.market.target(url, Vec::new()),
            feeds: self.feeds.into_iter().collect(),
            alert_hf: alerts.alert_hf.clone(),
            max_utilisation: alerts.max_utilisation,
            oracle_age_share: alerts.oracle_age_share,
            json: alerts.json,
        };
        keel_sim::bot_loop::watch_rpc(watch)
    }
}

/// How the risk-lab commands run the market.
#[derive(clap::Args)]
pub struct SimRun {
    /// `wasm`: the market's programs run as the wasm `keel build` wrote.
    #[arg(long, default_value = "native", value_parser = ["native", "wasm"])]
    backend: String,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

impl SimRun {
    /// The engine options these flags ask for.
    pub fn options(&self) -> keel_sim::engine::Options {
        keel_sim::engine::Options {
            backend: match self.backend.as_str() {
                "wasm" => keel_sim::market::Backend::Wasm,
                _ => keel_sim::market::Backend::Native,
            },
            progress: !self.quiet,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_argument_is_token_feed_and_seconds() {
        let token = "0x00000000000000000000000000000000000000e1";
        let feed = "0x00000000000000000000000000000000000000f1";
        let (parsed_token, bound) = parse_feed(&format!("{token}={feed}:3600")).unwrap();
        assert_eq!(parsed_token, token.parse::<Address>().unwrap());
        assert_eq!(bound.feed, feed.parse::<Address>().unwrap());
        assert_eq!(bound.max_age_seconds, 3_600);
        for bad in [
            format!("{token}={feed}"),
            format!("{token}:{feed}=1"),
            format!("{token}={feed}:-1"),
        ] {
            assert!(parse_feed(&bad).is_err(), "{bad}");
        }
    }
}

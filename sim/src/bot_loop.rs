//! `keel keeper --rpc` and `keel watch --rpc`: a bot polling a chain:
//! discover borrowers from new `Borrow` logs, re-read every position, act
//! (keeper) or check (watcher), print each decision or alert as a line,
//! sleep, again. The loop runs over any [`Chain`]: [`RpcChain`] on a node,
//! the devnet in tests.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use alloy_network::EthereumWallet;
use alloy_primitives::Address;
use alloy_provider::{Provider, ProviderBuilder};
use alloy_signer_local::PrivateKeySigner;
use anyhow::{Context, Result};

use crate::book::PositionBook;
use crate::chain::Chain;
use crate::keeper::Keeper;
use crate::rpc_chain::RpcChain;
use crate::scenario::LiquidatorParams;
use crate::watch::{describe, FeedBound, WatchConfig, Watcher};

/// A market on a node, and how often to poll it.
pub struct RpcTarget {
    /// JSON-RPC endpoint.
    pub url: String,
    /// The market.
    pub market: Address,
    /// The market's base asset.
    pub base: Address,
    /// Collateral token -> the pool its seizures are sold into (keeper only).
    pub pools: BTreeMap<Address, Address>,
    /// First block whose `Borrow` logs are read.
    pub from_block: u64,
    /// Polls before stopping (`None`: forever).
    pub polls: Option<u64>,
    /// Pause between polls.
    pub interval: Duration,
}

impl RpcTarget {
    /// The market over `provider`.
    fn chain<P: Provider>(self, provider: P) -> Result<RpcChain<P>> {
        RpcChain::new(
            provider,
            self.market,
            self.base,
            self.pools,
            self.from_block,
        )
    }

    /// The endpoint as the HTTP transport's URL type.
    fn parsed_url<U>(&self) -> Result<U>
    where
        U: std::str::FromStr,
        U::Err: std::error::Error + Send + Sync + 'static,
    {
        self.url
            .parse()
            .with_context(|| format!("RPC URL {}", self.url))
    }
}

/// How the keeper runs against a node.
pub struct RpcKeeper {
    /// The market and the polling.
    pub target: RpcTarget,
    /// Gas cost, minimum profit and reaction delay (capital is the wallet's).
    pub params: LiquidatorParams,
    /// The keeper's flash liquidator (a `MockFlashLiquidator` the key
    /// deployed on the market), to liquidate without capital.
    pub flash_liquidator: Option<Address>,
}

/// Runs the keeper with `signer`'s wallet, printing decisions on stdout.
///
/// Errors: a malformed URL, an RPC failure.
pub fn run_rpc(keeper: RpcKeeper, signer: PrivateKeySigner) -> Result<()> {
    let address = signer.address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(keeper.target.parsed_url()?);
    let (polls, interval) = (keeper.target.polls, keeper.target.interval);
    let mut chain = keeper.target.chain(provider)?;
    let mut bot = Keeper::new(address, keeper.params, chain.base_decimals()?);
    if let Some(contract) = keeper.flash_liquidator {
        bot = bot.with_flash_liquidator(contract);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    poll(&mut chain, polls, interval, &mut |chain, book| {
        keep(chain, book, &mut bot, &mut out)
    })
}

/// How the watcher runs against a node.
pub struct RpcWatch {
    /// The market and the polling.
    pub target: RpcTarget,
    /// Per collateral token, its feed and the market's staleness bound (the
    /// market has no view of them).
    pub feeds: BTreeMap<Address, FeedBound>,
    /// HF thresholds.
    pub alert_hf: Vec<f64>,
    /// Utilisation bound.
    pub max_utilisation: f64,
    /// Share of the staleness bound at which a feed's age alerts.
    pub oracle_age_share: f64,
    /// JSON lines instead of text.
    pub json: bool,
}

/// Runs the watcher (read only: no key), printing alerts on stdout;
/// returns how many fired.
///
/// Errors: a malformed URL, a collateral without a feed, an RPC failure.
pub fn watch_rpc(watch: RpcWatch) -> Result<usize> {
    let provider = ProviderBuilder::new().connect_http(watch.target.parsed_url()?);
    let (polls, interval) = (watch.target.polls, watch.target.interval);
    let mut chain = watch.target.chain(provider)?;
    let config = WatchConfig::from_chain(
        &mut chain,
        &watch.feeds,
        watch.alert_hf,
        watch.max_utilisation,
        watch.oracle_age_share,
    )?;
    let mut watcher = Watcher::new(config);
    let mut fired = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    poll(&mut chain, polls, interval, &mut |chain, book| {
        fired += check(chain, book, &mut watcher, watch.json, &mut out)?;
        Ok(())
    })?;
    Ok(fired)
}

/// What a bot does once per poll, after the book is up to date.
pub type Pass<'p> = &'p mut dyn FnMut(&mut dyn Chain, &mut PositionBook) -> Result<()>;

/// The polling loop over any [`Chain`]: `polls` times (or forever), bring
/// the book up to date (new borrowers, every position re-read), then `pass`.
pub fn poll(
    chain: &mut dyn Chain,
    polls: Option<u64>,
    interval: Duration,
    pass: Pass,
) -> Result<()> {
    let mut book = PositionBook::new();
    poll_book(chain, &mut book, polls, interval, pass)
}

/// [`poll`] with a book the caller keeps (it may already follow positions).
pub fn poll_book(
    chain: &mut dyn Chain,
    book: &mut PositionBook,
    polls: Option<u64>,
    interval: Duration,
    pass: Pass,
) -> Result<()> {
    let mut done = 0u64;
    while polls.is_none_or(|n| done < n) {
        book.discover(chain)?;
        book.refresh_all(chain)?;
        pass(chain, book)?;
        done += 1;
        if polls.is_none_or(|n| done < n) {
            std::thread::sleep(interval);
        }
    }
    Ok(())
}

/// The keeper's pass: act on the book, print each decision as a JSON line.
///
/// Errors: an RPC failure, a failed write.
pub fn keep(
    chain: &mut dyn Chain,
    book: &mut PositionBook,
    keeper: &mut Keeper,
    out: &mut dyn Write,
) -> Result<()> {
    let collaterals = chain.collaterals()?;
    let block = chain.block_number()?;
    for decision in keeper.step(chain, book, &collaterals, block)? {
        writeln!(out, "{}", serde_json::to_string(&decision)?)?;
    }
    Ok(())
}

/// The watcher's pass: check the book, the market and the feeds, print each
/// alert (a JSON line or text); returns how many fired.
///
/// Errors: an RPC failure, a failed write.
pub fn check(
    chain: &mut dyn Chain,
    book: &PositionBook,
    watcher: &mut Watcher,
    json: bool,
    out: &mut dyn Write,
) -> Result<usize> {
    let alerts = watcher.check(chain, book)?;
    for alert in &alerts {
        match json {
            true => writeln!(out, "{}", serde_json::to_string(alert)?)?,
            false => writeln!(out, "{}", describe(alert))?,
        }
    }
    Ok(alerts.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc_chain::mocked::{borrow_log, chain, ALICE, MARKET};
    use alloy_primitives::aliases::U80;
    use alloy_primitives::{address, Bytes, I256, U256, U64};
    use alloy_provider::mock::Asserter;
    use alloy_sol_types::SolCall;
    use keel_bindings::IKeelMarket;
    use keel_mocks::abi::{AggregatorV3Interface, IERC20};

    const WETH: Address = address!("00000000000000000000000000000000000000e1");
    const WETH_FEED: Address = address!("00000000000000000000000000000000000000f1");
    const NOW: u64 = 10_000;

    fn wad(share: u64, per_mille: u64) -> U256 {
        U256::from(share * 1_000 + per_mille) * U256::from(10u64).pow(U256::from(15u64))
    }

    fn ok<C: SolCall>(asserter: &Asserter, returned: &C::Return) {
        asserter.push_success(&Bytes::from(C::abi_encode_returns(returned)));
    }

    /// Alice: 1,000 USDC owed on 1 WETH, HF 1.05, liquidated at 1,500 USDC.
    fn alice_snapshot(asserter: &Asserter) {
        let snapshot = IKeelMarket::accountSnapshotReturn {
            supplyShares: U256::ZERO,
            supplyAssets: U256::ZERO,
            borrowShares: U256::from(1_000_000_000u64),
            debtAssets: U256::from(1_000_000_000u64),
            collateralBalances: vec![U256::from(10u64).pow(U256::from(18u64))],
            collateralValue: U256::from(1_575_000_000u64),
            borrowPower: U256::from(1_200_000_000u64),
            liquidationValue: U256::from(1_050_000_000u64),
            healthFactor: wad(1, 50),
            // 1,500e6 base units per 1e18 token units, scaled by 1e36.
            liquidationPrices: vec![U256::from(15u64) * U256::from(10u64).pow(U256::from(26u64))],
        };
        ok::<IKeelMarket::accountSnapshotCall>(asserter, &snapshot);
    }

    /// One `check`: the block, the market at 97% utilisation, the time and
    /// the WETH feed's round, 3,000 s old.
    fn check_answers(asserter: &Asserter) {
        asserter.push_success(&U64::from(9));
        let market = IKeelMarket::marketSnapshotReturn {
            totalSupplyAssets: U256::from(100u64),
            totalSupplyShares: U256::from(100u64),
            totalBorrowAssets: U256::from(97u64),
            totalBorrowShares: U256::from(97u64),
            reserves: U256::ZERO,
            utilisation: wad(0, 970),
            borrowApr: U256::ZERO,
            supplyApr: U256::ZERO,
            lastAccrual: NOW,
        };
        ok::<IKeelMarket::marketSnapshotCall>(asserter, &market);
        let mut block = alloy_rpc_types_eth::Block::<alloy_rpc_types_eth::Transaction>::default();
        block.header.inner.timestamp = NOW;
        asserter.push_success(&block);
        let round = AggregatorV3Interface::latestRoundDataReturn {
            roundId: U80::from(1),
            answer: I256::try_from(1_575i64).unwrap(),
            startedAt: U256::from(NOW - 3_000),
            updatedAt: U256::from(NOW - 3_000),
            answeredInRound: U80::from(1),
        };
        ok::<AggregatorV3Interface::latestRoundDataCall>(asserter, &round);
    }

    #[test]
    fn watch_over_rpc_alerts_once_per_crossing_with_liquidation_prices() {
        let asserter = Asserter::new();
        // The watch configuration: the market's collaterals, then their
        // symbols and decimals, then the base asset's decimals.
        ok::<IKeelMarket::collateralsCall>(&asserter, &vec![WETH]);
        ok::<IERC20::symbolCall>(&asserter, &"WETH".to_string());
        ok::<IERC20::decimalsCall>(&asserter, &18u8);
        ok::<IERC20::decimalsCall>(&asserter, &6u8);
        // Poll 1: Alice's Borrow log, her position (discovered, refreshed),
        // then the checks.
        asserter.push_success(&U64::from(9));
        asserter.push_success(&vec![borrow_log(ALICE)]);
        alice_snapshot(&asserter);
        alice_snapshot(&asserter);
        check_answers(&asserter);
        // Poll 2: no new block for logs; the same state.
        asserter.push_success(&U64::from(9));
        alice_snapshot(&asserter);
        check_answers(&asserter);

        let mut chain = chain(&asserter);
        assert_eq!(chain.market_address(), MARKET);
        let bound = FeedBound {
            feed: WETH_FEED,
            max_age_seconds: 3_600,
        };
        let feeds = BTreeMap::from([(WETH, bound)]);
        let config = WatchConfig::from_chain(&mut chain, &feeds, vec![1.10, 1.02], 0.95, 0.8);
        let mut watcher = Watcher::new(config.unwrap());
        let (mut fired, mut out) = (Vec::new(), Vec::new());
        poll(&mut chain, Some(2), Duration::ZERO, &mut |chain, book| {
            fired.push(check(chain, book, &mut watcher, true, &mut out)?);
            Ok(())
        })
        .unwrap();
        assert!(asserter.read_q().is_empty(), "every answer was asked for");

        assert_eq!(fired, vec![3, 0], "each alert fires once per crossing");
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["alert"], "position");
        assert_eq!(lines[0]["account"], serde_json::to_value(ALICE).unwrap());
        assert_eq!(lines[0]["threshold"], 1.10);
        assert_eq!(lines[0]["debt"], 1_000.0);
        let price = lines[0]["liquidation_prices"]["WETH"].as_f64().unwrap();
        assert!((price - 1_500.0).abs() < 1e-9, "{price}");
        assert_eq!(lines[1]["alert"], "utilisation");
        assert_eq!(lines[1]["utilisation"], 0.97);
        assert_eq!(lines[2]["alert"], "oracle_age");
        assert_eq!(lines[2]["symbol"], "WETH");
        assert_eq!(lines[2]["age_seconds"], 3_000);
    }

    #[test]
    fn watch_over_rpc_needs_a_feed_for_every_collateral() {
        let asserter = Asserter::new();
        ok::<IKeelMarket::collateralsCall>(&asserter, &vec![WETH]);
        let mut chain = chain(&asserter);
        let error = WatchConfig::from_chain(&mut chain, &BTreeMap::new(), vec![1.1], 0.95, 0.8)
            .unwrap_err();
        assert!(error.to_string().contains("no feed given"), "{error:#}");
    }
}

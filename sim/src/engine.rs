//! The block loop: prices, arbitrage, oracle rounds, borrowers and keepers
//! acting on the real market, and one [`BlockRecord`] per block.

use std::time::Instant;

use alloy_primitives::{Address, U256};
use anyhow::{anyhow, bail, Result};
use keel_bindings::IKeelMarket;
use keel_devnet::address_of;
use keel_mocks::abi::IMockSequencerUptimeFeed;

use crate::book::PositionBook;
use crate::borrowers::{self, Borrower};
use crate::chain::Chain;
use crate::devnet_chain::{revert_reason, DevnetChain};
use crate::keeper::{Action, Decision, Keeper};
use crate::market::{Backend, Deployer};
use crate::oracle::Feeds;
use crate::pool::{self, mint_and_approve};
use crate::prices;
use crate::progress::Progress;
use crate::record::{BlockRecord, Summary, HF_THRESHOLDS};
use crate::rng::Stream;
use crate::scenario::{OracleSource, Scenario};
use crate::units::{to_units, to_whole, wad_to_f64};

/// How to run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The engine of the market's programs.
    pub backend: Backend,
    /// Draw a progress bar on stderr.
    pub progress: bool,
}

/// Everything a run produced.
pub struct Run {
    /// One record per block (block 0 is the state after set-up).
    pub records: Vec<BlockRecord>,
    /// Every keeper decision, in order.
    pub decisions: Vec<Decision>,
    /// The figures.
    pub summary: Summary,
    /// Collateral symbols, in listing order.
    pub symbols: Vec<String>,
}

/// Cumulative figures carried from block to block.
#[derive(Default)]
struct Totals {
    liquidations: u32,
    liquidated_debt: f64,
    bad_debt: f64,
    liquidator_profit: f64,
    skips: u32,
    peak_liquidatable: u32,
}

/// A simulation in progress.
pub struct Sim<'s> {
    scenario: &'s Scenario,
    /// The chain and pools.
    pub chain: DevnetChain,
    /// The positions, as an indexer sees them.
    pub book: PositionBook,
    /// The keepers, one per scenario liquidator.
    pub keepers: Vec<Keeper>,
    borrowers: Vec<Borrower>,
    feeds: Feeds,
    reference: Vec<Vec<f64>>,
    collaterals: Vec<Address>,
    start_timestamp: u64,
    last_refresh_seconds: u64,
    sequencer_down: bool,
    positions_opened: u32,
    totals: Totals,
    liquidatable_before_keepers: Vec<Address>,
}

/// Called after every block with the simulation, the block's record and
/// its keeper decisions (`keel keeper` prints them, `keel watch` checks).
pub type Observer<'o> = &'o mut dyn FnMut(&mut Sim, &BlockRecord, &[Decision]) -> Result<()>;

/// Runs `scenario` on a market from `deployer`.
pub fn run(scenario: &Scenario, deployer: Deployer, options: Options) -> Result<Run> {
    run_observed(scenario, deployer, options, &mut |_, _, _| Ok(()))
}

/// [`run`], calling `observer` after every block.
pub fn run_observed(
    scenario: &Scenario,
    deployer: Deployer,
    options: Options,
    observer: Observer,
) -> Result<Run> {
    let mut sim = Sim::setup(scenario, deployer, options.backend)?;
    let mut records = vec![sim.record(0, 0, 0.0)?];
    let mut decisions = Vec::new();
    let mut progress = Progress::new(scenario.blocks, options.progress);
    let started = Instant::now();
    for block in 1..=scenario.blocks {
        let (record, mut made) = sim.step(block)?;
        observer(&mut sim, &record, &made)?;
        records.push(record);
        decisions.append(&mut made);
        progress.set(block);
    }
    progress.finish();
    let summary = sim.summary(&records, started.elapsed().as_secs_f64());
    let symbols = sim
        .chain
        .m
        .collaterals
        .iter()
        .map(|c| c.symbol.clone())
        .collect();
    Ok(Run {
        records,
        decisions,
        summary,
        symbols,
    })
}

impl<'s> Sim<'s> {
    /// Deploys the market and pools, sends the first oracle rounds, and
    /// opens the suppliers', borrowers' and keepers' accounts.
    pub fn setup(scenario: &'s Scenario, deployer: Deployer, backend: Backend) -> Result<Self> {
        let mut m = deployer(&scenario.market_toml, backend)?;
        if m.collaterals.len() != scenario.collaterals.len() {
            bail!(
                "the scenario describes {} collaterals, the market lists {}",
                scenario.collaterals.len(),
                m.collaterals.len()
            );
        }
        if !scenario.sequencer_down.is_empty() && m.sequencer.is_none() {
            bail!("sequencer downtime needs a market with a `[sequencer]` feed");
        }
        let reference = reference_paths(scenario)?;
        let start_prices: Vec<f64> = reference.iter().map(|p| p[0]).collect();
        let mut pools = Vec::new();
        for (index, c) in scenario.collaterals.iter().enumerate() {
            pools.push(pool::deploy_pool(
                &mut m,
                index,
                start_prices[index],
                c.pool_depth,
                c.pool_fee_bps,
            )?);
        }
        let start_timestamp = m.net.timestamp();
        let mut feeds = Feeds::new(scenario.oracle.clone(), pools.len());
        feeds.update(&mut m, start_timestamp, &start_prices)?;
        if let Some(feed) = m.sequencer {
            // Up since a day before the start: past any grace period.
            let since = U256::from(start_timestamp.saturating_sub(86_400));
            let call = IMockSequencerUptimeFeed::setStatusCall {
                isDown: false,
                startedAt: since,
            };
            m.net
                .call(sequencer_reporter(), feed, &call)
                .map_err(|r| anyhow!("setStatus: {r}"))?;
        }
        let mut chain = DevnetChain::new(m, pools);
        let collaterals = chain.collaterals()?;
        let mut sim = Self {
            scenario,
            chain,
            book: PositionBook::new(),
            keepers: Vec::new(),
            borrowers: Vec::new(),
            feeds,
            reference,
            collaterals,
            start_timestamp,
            last_refresh_seconds: 0,
            sequencer_down: false,
            positions_opened: 0,
            totals: Totals::default(),
            liquidatable_before_keepers: Vec::new(),
        };
        sim.open_suppliers()?;
        sim.open_borrowers(&start_prices)?;
        sim.open_keepers()?;
        Ok(sim)
    }

    fn open_suppliers(&mut self) -> Result<()> {
        let s = &self.scenario.suppliers;
        let (market, base, decimals) = (
            self.chain.m.market,
            self.chain.m.base,
            self.chain.m.base_decimals,
        );
        let each = to_units(s.total / f64::from(s.count.max(1)), decimals);
        for i in 0..s.count {
            let supplier = address_of(&format!("keel-sim supplier {i}"));
            mint_and_approve(&mut self.chain.m, base, supplier, each, market)?;
            let call = IKeelMarket::supplyCall {
                assets: each,
                onBehalf: supplier,
            };
            self.chain
                .send(supplier, market, &call)
                .map_err(|r| anyhow!("supply: {}", revert_reason(&r)))?;
        }
        Ok(())
    }

    fn open_borrowers(&mut self, start_prices: &[f64]) -> Result<()> {
        let mut rng = Stream::new(self.scenario.seed, "borrowers");
        self.borrowers = borrowers::draw(&self.scenario.borrowers, start_prices, &mut rng);
        for b in &self.borrowers {
            if borrowers::open(&mut self.chain, b)? {
                self.positions_opened += 1;
            }
        }
        self.book.discover(&mut self.chain)
    }

    fn open_keepers(&mut self) -> Result<()> {
        let (market, base, decimals) = (
            self.chain.m.market,
            self.chain.m.base,
            self.chain.m.base_decimals,
        );
        for (i, params) in self.scenario.liquidators.iter().enumerate() {
            let address = address_of(&format!("keel-sim liquidator {i}"));
            mint_and_approve(
                &mut self.chain.m,
                base,
                address,
                to_units(params.capital, decimals),
                market,
            )?;
            self.keepers
                .push(Keeper::new(address, params.clone(), decimals));
        }
        Ok(())
    }

    /// The positions below HF 1 when the keepers' turn began in the last
    /// live block (empty while the sequencer is down).
    pub fn liquidatable_before_keepers(&self) -> &[Address] {
        &self.liquidatable_before_keepers
    }

    /// Advances one block and records it.
    pub fn step(&mut self, block: u64) -> Result<(BlockRecord, Vec<Decision>)> {
        let seconds = self.scenario.seconds_at(block);
        let now = self.start_timestamp + seconds;
        self.chain.m.net.set_timestamp(now);
        self.chain.m.net.advance_blocks(1);
        self.set_sequencer(self.scenario.sequencer_down_at(seconds), now)?;
        let mut repriced = Vec::new();
        if !self.sequencer_down {
            repriced = self.move_markets(block, now)?;
        }
        // Interest moves every position slowly: all of them now and then.
        if seconds.saturating_sub(self.last_refresh_seconds) >= self.scenario.refresh_seconds {
            self.book.refresh_all(&mut self.chain)?;
            self.last_refresh_seconds = seconds;
        } else if !repriced.is_empty() {
            self.book.refresh_holders(&mut self.chain, &repriced)?;
        }
        self.liquidatable_before_keepers.clear();
        let decisions = match self.sequencer_down {
            true => Vec::new(), // nothing reaches the chain
            false => self.act(block)?,
        };
        let (count, repaid) = self.tally(&decisions);
        Ok((self.record(block, count, repaid)?, decisions))
    }

    /// The sequencer feed follows the scenario's windows; while it is down
    /// no transaction of an agent, an arbitrageur or a feed gets through.
    fn set_sequencer(&mut self, down: bool, now: u64) -> Result<()> {
        if down == self.sequencer_down {
            return Ok(());
        }
        self.sequencer_down = down;
        let feed = self
            .chain
            .m
            .sequencer
            .ok_or_else(|| anyhow!("no sequencer feed"))?;
        let call = IMockSequencerUptimeFeed::setStatusCall {
            isDown: down,
            startedAt: U256::from(now),
        };
        self.chain
            .m
            .net
            .call(sequencer_reporter(), feed, &call)
            .map_err(|r| anyhow!("setStatus: {r}"))?;
        Ok(())
    }

    /// Arbitrage, then oracle rounds; returns the collaterals repriced.
    fn move_markets(&mut self, block: u64, now: u64) -> Result<Vec<usize>> {
        let mut sources = Vec::new();
        for index in 0..self.reference.len() {
            let reference = self.reference[index][block as usize];
            pool::arbitrage(
                &mut self.chain,
                index,
                reference,
                self.scenario.arbitrage.rate,
            )?;
            sources.push(match self.scenario.oracle.source {
                OracleSource::Reference => reference,
                OracleSource::Pool => pool::spot_price(&mut self.chain, index)?,
            });
        }
        self.feeds.update(&mut self.chain.m, now, &sources)
    }

    /// Managers repay, then keepers act (starting with a different keeper
    /// each block, so none is always first).
    fn act(&mut self, block: u64) -> Result<Vec<Decision>> {
        for account in borrowers::manage(&mut self.chain, &self.book, &self.borrowers)? {
            self.book.refresh(&mut self.chain, account)?;
        }
        self.liquidatable_before_keepers = self.book.below(1.0).map(|v| v.account).collect();
        let mut decisions = Vec::new();
        let n = self.keepers.len();
        for turn in 0..n {
            let keeper = &mut self.keepers[(block as usize + turn) % n];
            decisions.extend(keeper.step(
                &mut self.chain,
                &mut self.book,
                &self.collaterals,
                block,
            )?);
        }
        Ok(decisions)
    }

    /// Adds the block's decisions to the totals; returns the block's
    /// liquidation count and repaid debt.
    fn tally(&mut self, decisions: &[Decision]) -> (u32, f64) {
        let (mut count, mut repaid) = (0, 0.0);
        for d in decisions {
            match d.action {
                Action::Liquidated | Action::LiquidatedHeld => {
                    count += 1;
                    repaid += d.repaid;
                    self.totals.bad_debt += d.bad_debt;
                    self.totals.liquidator_profit += d.realised_profit;
                }
                Action::Skipped => self.totals.skips += 1,
                Action::Failed => {}
            }
        }
        self.totals.liquidations += count;
        self.totals.liquidated_debt += repaid;
        (count, repaid)
    }

    fn record(
        &mut self,
        block: u64,
        liquidations: u32,
        liquidated_debt: f64,
    ) -> Result<BlockRecord> {
        let decimals = self.chain.m.base_decimals;
        let market = self.chain.market()?;
        let mut pool_prices = Vec::new();
        for index in 0..self.reference.len() {
            pool_prices.push(pool::spot_price(&mut self.chain, index)?);
        }
        let hf_below: Vec<u32> = HF_THRESHOLDS
            .iter()
            .map(|t| self.book.below(*t).count() as u32)
            .collect();
        self.totals.peak_liquidatable = self.totals.peak_liquidatable.max(hf_below[0]);
        Ok(BlockRecord {
            block,
            seconds: self.scenario.seconds_at(block),
            sequencer_up: !self.sequencer_down,
            reference: self.reference.iter().map(|p| p[block as usize]).collect(),
            pool: pool_prices,
            oracle: (0..self.reference.len())
                .map(|i| self.feeds.price(i))
                .collect(),
            total_supply: to_whole(market.total_supply_assets, decimals),
            total_borrow: to_whole(market.total_borrow_assets, decimals),
            utilisation: wad_to_f64(market.utilisation_wad),
            borrow_apr: wad_to_f64(market.borrow_apr_wad),
            supply_apr: wad_to_f64(market.supply_apr_wad),
            hf_below,
            liquidations,
            liquidated_debt,
            cum_liquidations: self.totals.liquidations,
            cum_liquidated_debt: self.totals.liquidated_debt,
            cum_bad_debt: self.totals.bad_debt,
            cum_liquidator_profit: self.totals.liquidator_profit,
            protocol_fees: self.protocol_fees()?,
            underwater_debt: to_whole(self.book.underwater_debt(), decimals),
        })
    }

    /// The liquidation fees the market holds, valued at the feeds' answers.
    fn protocol_fees(&mut self) -> Result<f64> {
        let mut value = 0.0;
        for index in 0..self.collaterals.len() {
            let token = self.collaterals[index];
            let info = self
                .chain
                .market_view(&IKeelMarket::collateralInfoCall { token })?;
            let decimals = self.chain.m.collaterals[index].token_decimals;
            value += to_whole(info.feeReserves, decimals) * self.feeds.price(index);
        }
        Ok(value)
    }

    fn summary(&self, records: &[BlockRecord], wall_seconds: f64) -> Summary {
        let last = records.last();
        Summary {
            name: self.scenario.name.clone(),
            seed: self.scenario.seed,
            blocks: self.scenario.blocks,
            borrowers: self.scenario.borrowers.count,
            positions_opened: self.positions_opened,
            liquidations: self.totals.liquidations,
            liquidated_debt: self.totals.liquidated_debt,
            bad_debt: self.totals.bad_debt,
            underwater_debt: last.map_or(0.0, |r| r.underwater_debt),
            protocol_fees: last.map_or(0.0, |r| r.protocol_fees),
            liquidator_profit: self.totals.liquidator_profit,
            peak_liquidatable: self.totals.peak_liquidatable,
            keeper_skips: self.totals.skips,
            wall_seconds,
        }
    }
}

/// Sends the sequencer feed's rounds.
fn sequencer_reporter() -> Address {
    address_of("keel-sim sequencer reporter")
}

/// Every collateral's reference path, each from its own random stream.
fn reference_paths(scenario: &Scenario) -> Result<Vec<Vec<f64>>> {
    scenario
        .collaterals
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let mut rng = Stream::new(scenario.seed, &format!("price {index}"));
            prices::generate(
                &c.price,
                scenario.blocks,
                scenario.block_seconds,
                &mut rng,
                &scenario.dir,
            )
        })
        .collect()
}

//! The block loop: prices, arbitrage, oracle rounds, borrowers and keepers
//! acting on the real market, and one [`BlockRecord`] per block.

mod measure;
mod setup;

use std::time::Instant;

use alloy_primitives::{Address, U256};
use anyhow::{anyhow, Result};
use keel_mocks::abi::IMockSequencerUptimeFeed;

use crate::book::PositionBook;
use crate::borrowers::{self, Borrower};
use crate::devnet_chain::DevnetChain;
use crate::keeper::{Decision, Keeper};
use crate::market::{Backend, Deployer};
use crate::oracle::Feeds;
use crate::pool;
use crate::progress::Progress;
use crate::record::{BlockRecord, Summary};
use crate::scenario::{OracleSource, Scenario};

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

impl Sim<'_> {
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
            .call(setup::sequencer_reporter(), feed, &call)
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
}

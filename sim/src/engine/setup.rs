//! A simulation's set-up: the market, its pools and feeds, then the
//! suppliers', borrowers' and keepers' accounts.

use alloy_primitives::{Address, U256};
use anyhow::{anyhow, bail, Result};
use keel_bindings::IKeelMarket;
use keel_devnet::{address_of, native};
use keel_mocks::abi::{FlashLiquidatorConstructor, IMockSequencerUptimeFeed};
use keel_mocks::MockFlashLiquidator;

use super::{Sim, Totals};
use crate::book::PositionBook;
use crate::borrowers;
use crate::chain::Chain;
use crate::devnet_chain::{revert_reason, DevnetChain};
use crate::keeper::Keeper;
use crate::market::{Backend, Deployer, SimMarket};
use crate::oracle::Feeds;
use crate::pool::{self, mint_and_approve};
use crate::prices;
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::units::to_units;

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
        let pools = deploy_pools(&mut m, scenario, &start_prices)?;
        let start_timestamp = m.net.timestamp();
        let mut feeds = Feeds::new(scenario.oracle.clone(), pools.len());
        feeds.update(&mut m, start_timestamp, &start_prices)?;
        start_sequencer(&mut m, start_timestamp)?;
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
            let keeper = Keeper::new(address, params.clone(), decimals);
            self.keepers.push(match params.flash {
                true => keeper
                    .with_flash_liquidator(deploy_flash_liquidator(&mut self.chain.m, address)?),
                false => keeper,
            });
        }
        Ok(())
    }
}

/// Deploys `keeper`'s flash liquidator (it is the contract's owner) on the
/// market. The market calls back into it during its own call: re-entrant.
fn deploy_flash_liquidator(m: &mut SimMarket, keeper: Address) -> Result<Address> {
    let args = FlashLiquidatorConstructor::constructorCall { market: m.market };
    let program = native::<MockFlashLiquidator>().reentrant();
    m.net
        .deploy_with(keeper, program, &args)
        .map_err(|r| anyhow!("flash liquidator: {r}"))
}

/// One pool per collateral at its starting reference price.
fn deploy_pools(
    m: &mut SimMarket,
    scenario: &Scenario,
    start_prices: &[f64],
) -> Result<Vec<Address>> {
    let mut pools = Vec::new();
    for (index, c) in scenario.collaterals.iter().enumerate() {
        pools.push(pool::deploy_pool(
            m,
            index,
            start_prices[index],
            c.pool_depth,
            c.pool_fee_bps,
        )?);
    }
    Ok(pools)
}

/// Reports the sequencer up since a day before the start (past any grace
/// period): a fresh uptime feed has no round, which the market refuses.
fn start_sequencer(m: &mut SimMarket, start_timestamp: u64) -> Result<()> {
    let Some(feed) = m.sequencer else {
        return Ok(());
    };
    let since = U256::from(start_timestamp.saturating_sub(86_400));
    let call = IMockSequencerUptimeFeed::setStatusCall {
        isDown: false,
        startedAt: since,
    };
    m.net
        .call(sequencer_reporter(), feed, &call)
        .map_err(|r| anyhow!("setStatus: {r}"))?;
    Ok(())
}

/// Sends the sequencer feed's rounds.
pub(super) fn sequencer_reporter() -> Address {
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

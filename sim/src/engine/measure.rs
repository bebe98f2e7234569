//! What a simulation measures: the totals, one record per block, the summary.

use anyhow::Result;
use keel_bindings::IKeelMarket;

use super::Sim;
use crate::chain::Chain;
use crate::keeper::{Action, Decision};
use crate::pool;
use crate::record::{BlockRecord, Summary, HF_THRESHOLDS};
use crate::units::{to_whole, wad_to_f64};

impl Sim<'_> {
    /// Adds the block's decisions to the totals; returns the block's
    /// liquidation count and repaid debt.
    pub(super) fn tally(&mut self, decisions: &[Decision]) -> (u32, f64) {
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

    pub(super) fn record(
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

    pub(super) fn summary(&self, records: &[BlockRecord], wall_seconds: f64) -> Summary {
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

//! The liquidation keeper: for every followed position with HF < 1 it
//! previews a liquidation against each collateral the borrower holds,
//! values what it would receive at the pool's quote (for that amount, so
//! the sale's price impact is in it), subtracts the repaid debt and its gas
//! cost, and acts only when the best profit reaches its minimum.
//!
//! Capital-based, it repays from its own balance and then sells what it
//! received into the collateral's pool with the break-even floor as the
//! swap's minimum. With a flash liquidator ([`Keeper::with_flash_liquidator`])
//! it needs no capital: its contract sells inside the market's callback with
//! that floor, so a sale that would lose reverts the whole liquidation. As
//! a large sale moves the pool against itself, the flash keeper also prices
//! smaller repayments (halving, [`FLASH_SIZE_STEPS`] times) and takes the
//! most profitable. Every decision is a [`Decision`], printed as one JSON
//! line by `keel keeper`.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, U256};
use anyhow::Result;
use serde::Serialize;

use crate::book::PositionBook;
use crate::chain::{Chain, LiquidationDone, LiquidationOutcome, LiquidationPreview};
use crate::scenario::LiquidatorParams;
use crate::units::{to_units_up, to_whole};

/// What a keeper did about one position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// Block of the decision.
    pub block: u64,
    /// The keeper's address.
    pub keeper: Address,
    /// The position.
    pub borrower: Address,
    /// The chosen collateral (zero when none).
    pub collateral: Address,
    /// What happened.
    pub action: Action,
    /// Debt repaid, base tokens.
    pub repaid: f64,
    /// Profit after gas expected from the preview and the pool's quote, base tokens.
    pub expected_profit: f64,
    /// Profit after gas realised (sale proceeds - repaid - gas), base tokens;
    /// zero unless liquidated.
    pub realised_profit: f64,
    /// Debt written off by the liquidation, base tokens.
    pub bad_debt: f64,
    /// Why, for skips and failures.
    pub reason: String,
    /// Through the keeper's flash liquidator (no capital) rather than its balance.
    pub flash: bool,
}

/// A [`Decision`]'s outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Liquidated and sold the collateral (a flash liquidation always is).
    Liquidated,
    /// Liquidated, but the sale would not cover the cost: collateral kept.
    LiquidatedHeld,
    /// Not worth it (or no capital): nothing sent.
    Skipped,
    /// The liquidation reverted.
    Failed,
}

/// One keeper and what it remembers between blocks.
pub struct Keeper {
    /// Its address (the sender and the receiver of collateral).
    pub address: Address,
    /// Capital, costs, minimum profit, reaction delay.
    pub params: LiquidatorParams,
    /// `decimals()` of the base asset.
    pub base_decimals: u8,
    /// Its flash-liquidator contract (a `MockFlashLiquidator` it deployed),
    /// when it liquidates without capital.
    pub flash_liquidator: Option<Address>,
    first_seen_block: BTreeMap<Address, u64>,
    skipped: BTreeSet<Address>,
}

/// How many halvings of the largest repayment a flash keeper also prices:
/// a smaller sale moves the pool less, so it can be worth it when the
/// largest is not (four previews and quotes more per collateral at most).
pub const FLASH_SIZE_STEPS: usize = 4;

/// The most profitable liquidation of one position.
struct Plan {
    token: Address,
    preview: LiquidationPreview,
    profit: f64,
    /// The quote covers repayment, gas and the minimum profit.
    worth_it: bool,
}

impl Keeper {
    /// A keeper at `address`.
    pub fn new(address: Address, params: LiquidatorParams, base_decimals: u8) -> Self {
        Self {
            address,
            params,
            base_decimals,
            flash_liquidator: None,
            first_seen_block: BTreeMap::new(),
            skipped: BTreeSet::new(),
        }
    }

    /// The same keeper liquidating through `contract`, its flash liquidator.
    pub fn with_flash_liquidator(self, contract: Address) -> Self {
        Self {
            flash_liquidator: Some(contract),
            ..self
        }
    }

    /// One pass over the book's liquidatable positions at `block`; refreshes
    /// every position it liquidates.
    pub fn step(
        &mut self,
        chain: &mut dyn Chain,
        book: &mut PositionBook,
        collaterals: &[Address],
        block: u64,
    ) -> Result<Vec<Decision>> {
        let candidates: Vec<Address> = book.below(1.0).map(|v| v.account).collect();
        self.first_seen_block.retain(|a, _| candidates.contains(a));
        self.skipped.retain(|a| candidates.contains(a));
        let mut decisions = Vec::new();
        for borrower in candidates {
            let seen = *self.first_seen_block.entry(borrower).or_insert(block);
            if block.saturating_sub(seen) < self.params.delay_blocks {
                continue;
            }
            if let Some(decision) = self.consider(chain, book, collaterals, borrower, block)? {
                decisions.push(decision);
            }
        }
        Ok(decisions)
    }

    fn consider(
        &mut self,
        chain: &mut dyn Chain,
        book: &mut PositionBook,
        collaterals: &[Address],
        borrower: Address,
        block: u64,
    ) -> Result<Option<Decision>> {
        // A flash liquidation repays from the sale: no capital bound.
        let capital_units = match self.flash_liquidator {
            Some(_) => U256::MAX,
            None => chain.base_balance(self.address)?,
        };
        let held = book
            .get(borrower)
            .map(|v| v.collateral_balances.clone())
            .unwrap_or_default();
        let tokens: Vec<Address> = collaterals
            .iter()
            .zip(&held)
            .filter(|(_, balance)| !balance.is_zero())
            .map(|(token, _)| *token)
            .collect();
        let best = self.best_plan(chain, borrower, &tokens, capital_units)?;
        let decision = Decision {
            block,
            keeper: self.address,
            borrower,
            collateral: Address::ZERO,
            action: Action::Skipped,
            repaid: 0.0,
            expected_profit: 0.0,
            realised_profit: 0.0,
            bad_debt: 0.0,
            reason: String::new(),
            flash: self.flash_liquidator.is_some(),
        };
        let plan = match best {
            Some(plan) if plan.worth_it => plan,
            // Log a skip once per stretch of unprofitability, not every block.
            other if self.skipped.insert(borrower) => {
                return Ok(Some(Decision {
                    expected_profit: other.as_ref().map_or(0.0, |p| p.profit),
                    reason: skip_reason(other.is_some(), capital_units.is_zero()),
                    ..decision
                }))
            }
            _ => return Ok(None),
        };
        self.skipped.remove(&borrower);
        let executed = self.execute(chain, borrower, &plan, decision)?;
        book.refresh(chain, borrower)?;
        Ok(Some(executed))
    }

    /// Previews every held collateral (a flash keeper: at smaller
    /// repayments too) and keeps the most profitable after gas.
    fn best_plan(
        &self,
        chain: &mut dyn Chain,
        borrower: Address,
        tokens: &[Address],
        capital_units: U256,
    ) -> Result<Option<Plan>> {
        let mut best: Option<Plan> = None;
        for &token in tokens {
            let mut max_repay_assets = capital_units;
            let steps = match self.flash_liquidator {
                Some(_) => FLASH_SIZE_STEPS + 1,
                None => 1,
            };
            for _ in 0..steps {
                let Some(plan) = self.plan(chain, borrower, token, max_repay_assets)? else {
                    break;
                };
                max_repay_assets = plan.preview.repaid_assets / U256::from(2);
                best = better(best, plan);
                if max_repay_assets.is_zero() {
                    break;
                }
            }
        }
        Ok(best)
    }

    /// The liquidation of at most `max_repay_assets` against `token`, valued
    /// at the pool's quote for what it gives; `None` when the market
    /// refuses it or it gives nothing.
    fn plan(
        &self,
        chain: &mut dyn Chain,
        borrower: Address,
        token: Address,
        max_repay_assets: U256,
    ) -> Result<Option<Plan>> {
        let Some(preview) = chain.preview_liquidation(borrower, token, max_repay_assets)? else {
            return Ok(None);
        };
        if preview.repaid_assets.is_zero() || preview.liquidator_collateral.is_zero() {
            return Ok(None);
        }
        let proceeds_units = chain.quote_sale(token, preview.liquidator_collateral)?;
        let profit =
            self.base(proceeds_units) - self.base(preview.repaid_assets) - self.params.gas_cost;
        // Decided in integers: the sale's floor must be reachable exactly.
        let worth_it = proceeds_units >= self.sale_floor_units(preview.repaid_assets);
        Ok(Some(Plan {
            token,
            preview,
            profit,
            worth_it,
        }))
    }

    /// Liquidates at most the previewed repayment. With capital it then
    /// sells for at least the repayment plus gas plus the minimum profit;
    /// through the flash liquidator the sale happens inside the liquidation
    /// with that floor (or the whole liquidation reverts), and the profit is
    /// what the contract's balance gained.
    fn execute(
        &self,
        chain: &mut dyn Chain,
        borrower: Address,
        plan: &Plan,
        decision: Decision,
    ) -> Result<Decision> {
        let decision = Decision {
            collateral: plan.token,
            expected_profit: plan.profit,
            ..decision
        };
        let (outcome, flash_before_units) = self.send(chain, borrower, plan)?;
        let done = match outcome {
            Ok(done) => done,
            Err(reason) => {
                return Ok(Decision {
                    action: Action::Failed,
                    reason,
                    ..decision
                })
            }
        };
        let decision = Decision {
            repaid: self.base(done.repaid_assets),
            bad_debt: self.base(done.bad_debt_assets),
            ..decision
        };
        match flash_before_units {
            Some((contract, before_units)) => {
                let gained_units = chain.base_balance(contract)?.saturating_sub(before_units);
                Ok(Decision {
                    action: Action::Liquidated,
                    realised_profit: self.base(gained_units) - self.params.gas_cost,
                    ..decision
                })
            }
            None => self.sell_seized(chain, plan, &done, decision),
        }
    }

    /// Sends the plan's liquidation, capital-based or through the flash
    /// liquidator (then also its base balance before, to measure the gain).
    fn send(
        &self,
        chain: &mut dyn Chain,
        borrower: Address,
        plan: &Plan,
    ) -> Result<(LiquidationOutcome, Option<(Address, U256)>)> {
        let max_repay_assets = plan.preview.repaid_assets;
        let Some(contract) = self.flash_liquidator else {
            let outcome = chain.liquidate(self.address, borrower, plan.token, max_repay_assets)?;
            return Ok((outcome, None));
        };
        let before_units = chain.base_balance(contract)?;
        let outcome = chain.flash_liquidate(
            self.address,
            contract,
            borrower,
            plan.token,
            max_repay_assets,
            self.sale_floor_units(max_repay_assets),
        )?;
        Ok((outcome, Some((contract, before_units))))
    }

    /// Sells what a capital-based liquidation gave, never below repayment +
    /// gas + minimum profit: a refused sale keeps the collateral rather
    /// than locking in a loss.
    fn sell_seized(
        &self,
        chain: &mut dyn Chain,
        plan: &Plan,
        done: &LiquidationDone,
        decision: Decision,
    ) -> Result<Decision> {
        let min_out = self.sale_floor_units(done.repaid_assets);
        let received = plan.preview.liquidator_collateral;
        match chain.sell(self.address, plan.token, received, min_out) {
            Ok(proceeds) => Ok(Decision {
                action: Action::Liquidated,
                realised_profit: self.base(proceeds) - decision.repaid - self.params.gas_cost,
                ..decision
            }),
            Err(error) => Ok(Decision {
                action: Action::LiquidatedHeld,
                reason: format!("sale refused: {error:#}"),
                ..decision
            }),
        }
    }

    /// What a sale must pay for a liquidation repaying `repaid_units` to
    /// break even with gas and the minimum profit, base units (rounded up).
    fn sale_floor_units(&self, repaid_units: U256) -> U256 {
        let cost_units = to_units_up(
            self.params.gas_cost + self.params.min_profit,
            self.base_decimals,
        );
        repaid_units.saturating_add(cost_units)
    }

    fn base(&self, units: U256) -> f64 {
        to_whole(units, self.base_decimals)
    }
}

/// The better of two plans: one worth doing over one that is not, then the
/// higher profit (the first on a tie).
fn better(best: Option<Plan>, plan: Plan) -> Option<Plan> {
    match best {
        Some(b) if b.worth_it && (!plan.worth_it || plan.profit <= b.profit) => Some(b),
        Some(b) if !b.worth_it && !plan.worth_it && plan.profit <= b.profit => Some(b),
        _ => Some(plan),
    }
}

fn skip_reason(had_preview: bool, no_capital: bool) -> String {
    match (had_preview, no_capital) {
        (_, true) => "no capital".into(),
        (true, false) => "profit after gas below minimum".into(),
        (false, false) => "no liquidation possible (market refused every preview)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::{AccountView, LiquidationDone, MarketView};
    use alloy_primitives::address;

    const BORROWER: Address = address!("00000000000000000000000000000000000000b0");
    const WETH: Address = address!("00000000000000000000000000000000000000e1");
    const WBTC: Address = address!("00000000000000000000000000000000000000e2");

    const FLASH: Address = address!("00000000000000000000000000000000000000f1");

    /// A chain with one underwater borrower holding both collaterals:
    /// a preview repays up to 1,000 base units (decimals 0) and gives one
    /// collateral unit per 100 repaid; the pool pays `quotes[token]` per 10
    /// units, less `impact` times the squared amount (its price impact).
    struct FakeChain {
        quotes: BTreeMap<Address, u64>,
        impact: u64,
        liquidations: Vec<Address>,
        /// Flash liquidations sent: (token, max repay, sale floor).
        flash: Vec<(Address, u64, u64)>,
        flash_balance: u64,
    }

    impl FakeChain {
        fn new(quotes: [(Address, u64); 2]) -> Self {
            Self {
                quotes: quotes.into(),
                impact: 0,
                liquidations: vec![],
                flash: vec![],
                flash_balance: 0,
            }
        }

        fn sale(&self, token: Address, amount: u64) -> u64 {
            (self.quotes[&token] * amount / 10).saturating_sub(self.impact * amount * amount)
        }
    }

    fn small(value: U256) -> u64 {
        u64::try_from(value).unwrap_or(u64::MAX)
    }

    impl Chain for FakeChain {
        // The keeper reads through the views, overridden below: the raw
        // static call and the addresses behind them are never needed.
        fn market_address(&self) -> Address {
            Address::ZERO
        }
        fn base_asset(&self) -> Address {
            Address::ZERO
        }
        fn pool_of(&self, _: Address) -> Result<Address> {
            Ok(Address::ZERO)
        }
        fn static_call(&mut self, to: Address, _: Vec<u8>) -> Result<crate::chain::CallOutcome> {
            anyhow::bail!("unexpected static call to {to}")
        }
        fn transact(
            &mut self,
            _: Address,
            to: Address,
            _: Vec<u8>,
        ) -> Result<crate::chain::SendOutcome> {
            anyhow::bail!("unexpected transaction to {to}")
        }
        fn now(&mut self) -> Result<u64> {
            Ok(0)
        }
        fn block_number(&mut self) -> Result<u64> {
            Ok(0)
        }
        fn collaterals(&mut self) -> Result<Vec<Address>> {
            Ok(vec![WETH, WBTC])
        }
        fn new_borrowers(&mut self) -> Result<Vec<Address>> {
            Ok(vec![BORROWER])
        }
        fn account(&mut self, account: Address) -> Result<Option<AccountView>> {
            let liquidated = !self.liquidations.is_empty();
            Ok(Some(AccountView {
                account,
                debt_assets: U256::from(if liquidated { 0 } else { 2_000 }),
                collateral_balances: vec![U256::from(20); 2],
                collateral_value: U256::from(1_900),
                liquidation_value: U256::from(1_500),
                health_factor_wad: U256::from(750_000_000_000_000_000u64),
                liquidation_prices_36: vec![U256::ZERO; 2],
            }))
        }
        fn market(&mut self) -> Result<MarketView> {
            unreachable!("the keeper does not read the market's totals")
        }
        fn preview_liquidation(
            &mut self,
            _: Address,
            _: Address,
            max: U256,
        ) -> Result<Option<LiquidationPreview>> {
            let repaid = small(max).min(1_000);
            Ok(Some(LiquidationPreview {
                repaid_assets: U256::from(repaid),
                seized_collateral: U256::from(repaid / 100 + 1),
                protocol_fee: U256::from(1),
                liquidator_collateral: U256::from(repaid / 100),
                bad_debt_assets: U256::ZERO,
            }))
        }
        fn feed_updated_at(&mut self, _: Address) -> Result<u64> {
            Ok(0)
        }
        fn base_balance(&mut self, holder: Address) -> Result<U256> {
            Ok(U256::from(match holder {
                FLASH => self.flash_balance,
                _ => 1_000_000,
            }))
        }
        fn quote_sale(&mut self, token: Address, amount: U256) -> Result<U256> {
            Ok(U256::from(self.sale(token, small(amount))))
        }
        fn flash_liquidate(
            &mut self,
            _: Address,
            contract: Address,
            _: Address,
            token: Address,
            max: U256,
            min_sale: U256,
        ) -> Result<std::result::Result<LiquidationDone, String>> {
            assert_eq!(contract, FLASH);
            let (repaid, floor) = (small(max).min(1_000), small(min_sale));
            self.flash.push((token, repaid, floor));
            let sale = self.sale(token, repaid / 100);
            if sale < floor {
                return Ok(Err("PoolInsufficientOutput".into()));
            }
            self.flash_balance += sale - repaid;
            Ok(Ok(LiquidationDone {
                repaid_assets: U256::from(repaid),
                seized_collateral: U256::from(repaid / 100 + 1),
                bad_debt_assets: U256::ZERO,
            }))
        }
        fn liquidate(
            &mut self,
            _: Address,
            _: Address,
            token: Address,
            max: U256,
        ) -> Result<std::result::Result<LiquidationDone, String>> {
            self.liquidations.push(token);
            Ok(Ok(LiquidationDone {
                repaid_assets: max,
                seized_collateral: U256::from(11),
                bad_debt_assets: U256::ZERO,
            }))
        }
        fn sell(
            &mut self,
            _: Address,
            token: Address,
            amount: U256,
            min_out: U256,
        ) -> Result<U256> {
            let out = U256::from(self.sale(token, small(amount)));
            anyhow::ensure!(out >= min_out, "below minimum");
            Ok(out)
        }
    }

    fn keeper(gas_cost: f64, min_profit: f64, delay_blocks: u64) -> Keeper {
        let params = LiquidatorParams {
            capital: 0.0,
            gas_cost,
            min_profit,
            delay_blocks,
            flash: false,
        };
        Keeper::new(
            address!("00000000000000000000000000000000000000c0"),
            params,
            0,
        )
    }

    fn run(keeper: &mut Keeper, chain: &mut FakeChain, block: u64) -> Vec<Decision> {
        let mut book = PositionBook::new();
        book.discover(chain).unwrap();
        keeper.step(chain, &mut book, &[WETH, WBTC], block).unwrap()
    }

    #[test]
    fn picks_the_most_profitable_collateral_after_gas() {
        let mut chain = FakeChain::new([(WETH, 1_040), (WBTC, 1_070)]);
        let decisions = run(&mut keeper(20.0, 10.0, 0), &mut chain, 1);
        assert_eq!(chain.liquidations, vec![WBTC]);
        assert_eq!(decisions[0].action, Action::Liquidated);
        assert_eq!(decisions[0].realised_profit, 1_070.0 - 1_000.0 - 20.0);
    }

    #[test]
    fn sends_nothing_when_the_sale_would_not_cover_repayment_gas_and_minimum() {
        // 1,030 - 1,000 - 20 = 10 < 11: one unit short of the minimum.
        let mut chain = FakeChain::new([(WETH, 1_030), (WBTC, 900)]);
        let mut k = keeper(20.0, 11.0, 0);
        let decisions = run(&mut k, &mut chain, 1);
        assert!(chain.liquidations.is_empty());
        assert_eq!(decisions[0].action, Action::Skipped);
        // The skip is logged once, not every block.
        assert!(run(&mut k, &mut chain, 2).is_empty());
    }

    #[test]
    fn waits_its_reaction_delay() {
        let mut chain = FakeChain::new([(WETH, 2_000), (WBTC, 2_000)]);
        let mut k = keeper(0.0, 0.0, 3);
        assert!(run(&mut k, &mut chain, 10).is_empty());
        assert!(run(&mut k, &mut chain, 12).is_empty());
        assert_eq!(run(&mut k, &mut chain, 13).len(), 1);
        assert_eq!(chain.liquidations.len(), 1);
    }

    /// Per 100 repaid the WETH pool pays 130 for one unit, less 4 x
    /// units^2 (its price impact); WBTC is worth nothing.
    fn thin_pool() -> FakeChain {
        let mut chain = FakeChain::new([(WETH, 1_300), (WBTC, 0)]);
        chain.impact = 4;
        chain
    }

    #[test]
    fn a_flash_keeper_without_capital_sizes_the_sale_for_the_pools_price_impact() {
        // Repaying 1,000 sells 10 units for 900 (a loss), 500 sells 5 for
        // 550 (+50), 250 sells 2 for 244 (-6): the keeper repays 500.
        let mut chain = thin_pool();
        let mut k = keeper(10.0, 10.0, 0).with_flash_liquidator(FLASH);
        let decisions = run(&mut k, &mut chain, 1);
        // Nothing capital-based: no liquidate or sell from the keeper itself.
        assert!(chain.liquidations.is_empty());
        // The floor is the repayment plus gas plus the minimum profit.
        assert_eq!(chain.flash, vec![(WETH, 500, 520)]);
        let d = &decisions[0];
        assert_eq!(
            (d.action, d.flash, d.collateral),
            (Action::Liquidated, true, WETH)
        );
        assert_eq!((d.repaid, d.expected_profit), (500.0, 40.0));
        assert_eq!(d.realised_profit, 550.0 - 500.0 - 10.0);
    }

    #[test]
    fn a_flash_keeper_sends_nothing_when_no_size_covers_its_costs() {
        // 1,000 -> 900, 500 -> 550, 250 -> 244, 125 -> 1 unit -> 126, 62 -> 0 units.
        let mut chain = thin_pool();
        // 550 - 500 - 30 = 20 < 21: one unit short at the best size.
        let mut k = keeper(30.0, 21.0, 0).with_flash_liquidator(FLASH);
        let decisions = run(&mut k, &mut chain, 1);
        assert!(chain.flash.is_empty() && chain.liquidations.is_empty());
        assert_eq!(decisions[0].action, Action::Skipped);
        assert_eq!(decisions[0].expected_profit, 20.0);
    }
}

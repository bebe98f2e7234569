//! The liquidation keeper: for every followed position with HF < 1 it
//! previews a liquidation against each collateral the borrower holds,
//! values what it would receive at the pool's quote, subtracts the repaid
//! debt and its gas cost, and acts only when the best profit reaches its
//! minimum. It repays from its own capital and sells what it receives into
//! the collateral's pool at once (capital-based; a flash liquidation would
//! do both in the market's callback, in the one call of
//! [`crate::chain::liquidate_call`]). Every decision is a [`Decision`],
//! printed as one JSON line by `keel keeper`.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, U256};
use anyhow::Result;
use serde::Serialize;

use crate::book::PositionBook;
use crate::chain::{Chain, LiquidationPreview};
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
}

/// A [`Decision`]'s outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Liquidated and sold the collateral.
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
    first_seen_block: BTreeMap<Address, u64>,
    skipped: BTreeSet<Address>,
}

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
            first_seen_block: BTreeMap::new(),
            skipped: BTreeSet::new(),
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
        let capital_units = chain.base_balance(self.address)?;
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
        };
        let plan = match best {
            Some(plan) if plan.worth_it => plan,
            // Log a skip once per stretch of unprofitability, not every block.
            other if self.skipped.insert(borrower) => {
                return Ok(Some(Decision {
                    expected_profit: other.as_ref().map_or(0.0, |p| p.profit),
                    reason: skip_reason(other.is_some(), capital_units),
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

    /// Previews every held collateral and keeps the most profitable after gas.
    fn best_plan(
        &self,
        chain: &mut dyn Chain,
        borrower: Address,
        tokens: &[Address],
        capital_units: U256,
    ) -> Result<Option<Plan>> {
        let mut best: Option<Plan> = None;
        for &token in tokens {
            let Some(preview) = chain.preview_liquidation(borrower, token, capital_units)? else {
                continue;
            };
            if preview.repaid_assets.is_zero() || preview.liquidator_collateral.is_zero() {
                continue;
            }
            let proceeds_units = chain.quote_sale(token, preview.liquidator_collateral)?;
            let profit =
                self.base(proceeds_units) - self.base(preview.repaid_assets) - self.params.gas_cost;
            // Decided in integers: the sale's floor must be reachable exactly.
            let floor_units = preview.repaid_assets.saturating_add(self.cost_units());
            if proceeds_units < floor_units {
                best = best.or(Some(Plan {
                    token,
                    preview,
                    profit,
                    worth_it: false,
                }));
                continue;
            }
            if best
                .as_ref()
                .is_none_or(|b| !b.worth_it || profit > b.profit)
            {
                best = Some(Plan {
                    token,
                    preview,
                    profit,
                    worth_it: true,
                });
            }
        }
        Ok(best)
    }

    /// Liquidates at most the previewed repayment, then sells for at least
    /// the repayment plus gas plus the minimum profit.
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
        let done = match chain.liquidate(
            self.address,
            borrower,
            plan.token,
            plan.preview.repaid_assets,
        )? {
            Ok(done) => done,
            Err(reason) => {
                return Ok(Decision {
                    action: Action::Failed,
                    reason,
                    ..decision
                })
            }
        };
        let repaid = self.base(done.repaid_assets);
        // Never sell below repayment + gas + minimum profit: a refused sale
        // keeps the collateral rather than locking in a loss.
        let min_out = done.repaid_assets.saturating_add(self.cost_units());
        let decision = Decision {
            repaid,
            bad_debt: self.base(done.bad_debt_assets),
            ..decision
        };
        let received = plan.preview.liquidator_collateral;
        match chain.sell(self.address, plan.token, received, min_out) {
            Ok(proceeds) => Ok(Decision {
                action: Action::Liquidated,
                realised_profit: self.base(proceeds) - repaid - self.params.gas_cost,
                ..decision
            }),
            Err(error) => Ok(Decision {
                action: Action::LiquidatedHeld,
                reason: format!("sale refused: {error:#}"),
                ..decision
            }),
        }
    }

    /// Gas cost plus minimum profit in base units, rounded up.
    fn cost_units(&self) -> U256 {
        to_units_up(
            self.params.gas_cost + self.params.min_profit,
            self.base_decimals,
        )
    }

    fn base(&self, units: U256) -> f64 {
        to_whole(units, self.base_decimals)
    }
}

fn skip_reason(had_preview: bool, capital_units: U256) -> String {
    match (had_preview, capital_units.is_zero()) {
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

    /// A chain with one underwater borrower holding both collaterals:
    /// every preview repays 1,000 base units (decimals 0) and gives 10
    /// collateral units; the pool pays `quotes[token]` for them.
    struct FakeChain {
        quotes: BTreeMap<Address, u64>,
        liquidations: Vec<Address>,
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
            _: U256,
        ) -> Result<Option<LiquidationPreview>> {
            Ok(Some(LiquidationPreview {
                repaid_assets: U256::from(1_000),
                seized_collateral: U256::from(11),
                protocol_fee: U256::from(1),
                liquidator_collateral: U256::from(10),
                bad_debt_assets: U256::ZERO,
            }))
        }
        fn feed_updated_at(&mut self, _: Address) -> Result<u64> {
            Ok(0)
        }
        fn base_balance(&mut self, _: Address) -> Result<U256> {
            Ok(U256::from(1_000_000))
        }
        fn quote_sale(&mut self, token: Address, _: U256) -> Result<U256> {
            Ok(U256::from(self.quotes[&token]))
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
        fn sell(&mut self, _: Address, token: Address, _: U256, min_out: U256) -> Result<U256> {
            let out = U256::from(self.quotes[&token]);
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
        let mut chain = FakeChain {
            quotes: [(WETH, 1_040), (WBTC, 1_070)].into(),
            liquidations: vec![],
        };
        let decisions = run(&mut keeper(20.0, 10.0, 0), &mut chain, 1);
        assert_eq!(chain.liquidations, vec![WBTC]);
        assert_eq!(decisions[0].action, Action::Liquidated);
        assert_eq!(decisions[0].realised_profit, 1_070.0 - 1_000.0 - 20.0);
    }

    #[test]
    fn sends_nothing_when_the_sale_would_not_cover_repayment_gas_and_minimum() {
        // 1,030 - 1,000 - 20 = 10 < 11: one unit short of the minimum.
        let mut chain = FakeChain {
            quotes: [(WETH, 1_030), (WBTC, 900)].into(),
            liquidations: vec![],
        };
        let mut k = keeper(20.0, 11.0, 0);
        let decisions = run(&mut k, &mut chain, 1);
        assert!(chain.liquidations.is_empty());
        assert_eq!(decisions[0].action, Action::Skipped);
        // The skip is logged once, not every block.
        assert!(run(&mut k, &mut chain, 2).is_empty());
    }

    #[test]
    fn waits_its_reaction_delay() {
        let mut chain = FakeChain {
            quotes: [(WETH, 2_000), (WBTC, 2_000)].into(),
            liquidations: vec![],
        };
        let mut k = keeper(0.0, 0.0, 3);
        assert!(run(&mut k, &mut chain, 10).is_empty());
        assert!(run(&mut k, &mut chain, 12).is_empty());
        assert_eq!(run(&mut k, &mut chain, 13).len(), 1);
        assert_eq!(chain.liquidations.len(), 1);
    }
}

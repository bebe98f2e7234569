//! Invariant 10, which needs the chain itself: everyone exits, on a
//! snapshot that is then discarded.

use alloy_primitives::U256;
use keel_tests::model::{big, Action, Actor, Quantity};
use keel_tests::IKeelMarket;
use num_bigint::BigUint;
use num_traits::Zero;

use crate::chain::{ACCOUNTS, RESCUER};
use crate::errors::describe;
use crate::harness::{ensure, Harness, StepResult};

impl Harness {
    /// DESIGN 10: repay-all and withdraw-all (when liquidity allows) always
    /// succeed. On a snapshot that is then discarded: every supplier in turn
    /// withdraws all its shares, which must succeed whenever withdrawals are
    /// not paused and its balance is non-zero and within the liquidity left;
    /// then the rescuer repays every debt with `type(uint256).max`, which
    /// must succeed (repay is never paused) and leave no borrow shares.
    /// Exact: the model predicts each payment to the unit.
    pub(crate) fn inv_10_repay_all_and_withdraw_all_succeed(&mut self) -> StepResult<()> {
        let snapshot = self.chain.fx.net.snapshot();
        let (model, coverage) = (self.model.clone(), self.coverage.clone());
        let result = self.exit_everyone();
        self.chain.fx.net.restore(snapshot);
        (self.model, self.coverage) = (model, coverage);
        result.map_err(|error| format!("inv 10: {error}"))
    }

    pub(crate) fn exit_everyone(&mut self) -> StepResult<()> {
        for actor in 0..ACCOUNTS {
            let shares = self.model.account(actor).supply_shares.clone();
            if shares.is_zero() {
                continue;
            }
            let totals = self.model.accrued_totals();
            let assets = totals.supply.to_assets_down(&shares);
            let paused = self.model.pauses().actions[Action::Withdraw as usize];
            let allowed = !paused && !assets.is_zero() && assets <= totals.liquidity();
            let done = self
                .withdraw(actor, actor, actor, &Quantity::Shares(shares))?
                .is_some();
            ensure(!allowed || done, || {
                format!("withdraw-all of account {actor} ({assets}) failed")
            })?;
            ensure(!done || self.chain_shares(actor)?.0.is_zero(), || {
                format!("account {actor} kept supply shares")
            })?;
        }
        for actor in 0..ACCOUNTS {
            if self.model.account(actor).borrow_shares.is_zero() {
                continue;
            }
            let done = self
                .repay(RESCUER, actor, &Quantity::Assets(big(U256::MAX)))?
                .is_some();
            ensure(done, || format!("repay-all of account {actor} failed"))?;
            ensure(self.chain_shares(actor)?.1.is_zero(), || {
                format!("account {actor} kept borrow shares")
            })?;
        }
        Ok(())
    }

    /// `actor`'s supply and borrow shares on the chain.
    pub(crate) fn chain_shares(&mut self, actor: Actor) -> StepResult<(BigUint, BigUint)> {
        let account = self.chain.account(actor);
        let snapshot = self
            .chain
            .fx
            .view(&IKeelMarket::accountSnapshotCall { account })
            .map_err(|e| format!("accountSnapshot reverted: {}", describe(&e)))?;
        Ok((big(snapshot.supplyShares), big(snapshot.borrowShares)))
    }
}

//! The pool and collateral calls on the chain and in the model, compared
//! with [`Harness::agree`], and the round trips of invariant 9.

use alloy_primitives::U256;
use alloy_sol_types::SolCall;
use keel_tests::model::{big, Actor, Expected, Holder, Moved, Quantity, Token, View};
use keel_tests::IKeelMarket;
use num_bigint::BigUint;

use crate::checks::RoundTripRecord;
use crate::harness::{abi, headroom, Harness, StepResult};
use crate::ops::{Amount, RoundTrip};

impl Harness {
    /// Sends `call` from `caller` and compares a call without return value
    /// with the model; returns whether it went through.
    pub(crate) fn call<C: SolCall>(
        &mut self,
        caller: Actor,
        name: &'static str,
        expected: &Expected<()>,
        call: &C,
    ) -> StepResult<bool> {
        let from = self.chain.account(caller);
        let actual = self.chain.transact(from, call)?.map(|_| ());
        self.agree(name, expected, &actual)?;
        Ok(expected.is_ok())
    }

    pub(crate) fn supply(
        &mut self,
        caller: Actor,
        on_behalf: Actor,
        assets: U256,
    ) -> StepResult<Option<BigUint>> {
        let expected = self.model.supply(caller, on_behalf, &big(assets));
        let call = IKeelMarket::supplyCall {
            assets,
            onBehalf: self.chain.account(on_behalf),
        };
        let actual = self
            .chain
            .transact(self.chain.account(caller), &call)?
            .map(big);
        self.agree("supply", &expected, &actual)?;
        Ok(expected.ok())
    }

    pub(crate) fn withdraw(
        &mut self,
        caller: Actor,
        on_behalf: Actor,
        receiver: Actor,
        quantity: &Quantity,
    ) -> StepResult<Option<Moved>> {
        let expected = self.model.withdraw(caller, on_behalf, receiver, quantity);
        let (from, on_behalf, receiver) = (
            self.chain.account(caller),
            self.chain.account(on_behalf),
            self.chain.account(receiver),
        );
        match quantity {
            Quantity::Assets(assets) => {
                let call = IKeelMarket::withdrawCall {
                    assets: abi(assets),
                    onBehalf: on_behalf,
                    receiver,
                };
                let actual = self.chain.transact(from, &call)?.map(big);
                self.agree("withdraw", &expected.clone().map(|m| m.shares), &actual)?;
            }
            Quantity::Shares(shares) => {
                let call = IKeelMarket::withdrawSharesCall {
                    shares: abi(shares),
                    onBehalf: on_behalf,
                    receiver,
                };
                let actual = self.chain.transact(from, &call)?.map(big);
                self.agree(
                    "withdrawShares",
                    &expected.clone().map(|m| m.assets),
                    &actual,
                )?;
            }
        }
        Ok(expected.ok())
    }

    pub(crate) fn borrow(
        &mut self,
        caller: Actor,
        on_behalf: Actor,
        receiver: Actor,
        assets: U256,
    ) -> StepResult<Option<BigUint>> {
        let expected = self.model.borrow(caller, on_behalf, receiver, &big(assets));
        let call = IKeelMarket::borrowCall {
            assets,
            onBehalf: self.chain.account(on_behalf),
            receiver: self.chain.account(receiver),
        };
        let actual = self
            .chain
            .transact(self.chain.account(caller), &call)?
            .map(big);
        self.agree("borrow", &expected, &actual)?;
        Ok(expected.ok())
    }

    pub(crate) fn repay(
        &mut self,
        caller: Actor,
        on_behalf: Actor,
        quantity: &Quantity,
    ) -> StepResult<Option<Moved>> {
        let expected = self.model.repay(caller, on_behalf, quantity);
        let (from, on_behalf) = (self.chain.account(caller), self.chain.account(on_behalf));
        let actual = match quantity {
            Quantity::Assets(assets) => {
                let call = IKeelMarket::repayCall {
                    assets: abi(assets),
                    onBehalf: on_behalf,
                };
                self.chain.transact(from, &call)?
            }
            Quantity::Shares(shares) => {
                let call = IKeelMarket::repaySharesCall {
                    shares: abi(shares),
                    onBehalf: on_behalf,
                };
                self.chain.transact(from, &call)?
            }
        };
        self.agree(
            "repay",
            &expected.clone().map(|m| m.assets),
            &actual.map(big),
        )?;
        Ok(expected.ok())
    }

    pub(crate) fn supply_collateral(
        &mut self,
        caller: Actor,
        on_behalf: Actor,
        index: usize,
        amount: U256,
    ) -> StepResult<bool> {
        let expected = self
            .model
            .supply_collateral(caller, on_behalf, index, &big(amount));
        let call = IKeelMarket::supplyCollateralCall {
            token: self.chain.token(Token::Collateral(index)),
            amount,
            onBehalf: self.chain.account(on_behalf),
        };
        self.call(caller, "supplyCollateral", &expected, &call)
    }

    pub(crate) fn withdraw_collateral(
        &mut self,
        caller: Actor,
        on_behalf: Actor,
        receiver: Actor,
        index: usize,
        amount: U256,
    ) -> StepResult<bool> {
        let expected =
            self.model
                .withdraw_collateral(caller, on_behalf, receiver, index, &big(amount));
        let call = IKeelMarket::withdrawCollateralCall {
            token: self.chain.token(Token::Collateral(index)),
            amount,
            onBehalf: self.chain.account(on_behalf),
            receiver: self.chain.account(receiver),
        };
        self.call(caller, "withdrawCollateral", &expected, &call)
    }

    /// Two legs by `actor` in one block (invariant 9); the record when both
    /// went through.
    pub(crate) fn round_trip(
        &mut self,
        before: &View,
        actor: Actor,
        kind: RoundTrip,
        amount: Amount,
    ) -> StepResult<Option<RoundTripRecord>> {
        let token = match kind {
            RoundTrip::Collateral(index) => Token::Collateral(index),
            _ => Token::Base,
        };
        let wallet_before = self.chain.balance(token, Holder::Actor(actor));
        let supplied = amount.resolve(&wallet_before);
        let borrowed = amount.resolve(&headroom(before, actor));
        let completed = match kind {
            RoundTrip::SupplyThenWithdrawShares => match self.supply(actor, actor, supplied)? {
                Some(shares) => self
                    .withdraw(actor, actor, actor, &Quantity::Shares(shares))?
                    .is_some(),
                None => false,
            },
            RoundTrip::SupplyThenWithdrawAssets => {
                self.supply(actor, actor, supplied)?.is_some()
                    && self
                        .withdraw(actor, actor, actor, &Quantity::Assets(big(supplied)))?
                        .is_some()
            }
            RoundTrip::BorrowThenRepayShares => match self.borrow(actor, actor, actor, borrowed)? {
                Some(shares) => self
                    .repay(actor, actor, &Quantity::Shares(shares))?
                    .is_some(),
                None => false,
            },
            RoundTrip::BorrowThenRepayAssets => {
                self.borrow(actor, actor, actor, borrowed)?.is_some()
                    && self
                        .repay(actor, actor, &Quantity::Assets(big(borrowed)))?
                        .is_some()
            }
            RoundTrip::Collateral(index) => {
                self.supply_collateral(actor, actor, index, supplied)?
                    && self.withdraw_collateral(actor, actor, actor, index, supplied)?
            }
        };
        let wallet_after = self.chain.balance(token, Holder::Actor(actor));
        Ok(completed.then_some(RoundTripRecord {
            actor,
            token,
            wallet: (wallet_before, wallet_after),
        }))
    }
}

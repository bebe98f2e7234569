//! The owner's, guardian's and strangers' administrative calls.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use keel_tests::model::{big, Expected, LiquidationParams, Role, Token, View};
use keel_tests::IKeelMarket;
use num_bigint::BigUint;

use crate::harness::{Harness, StepResult};
use crate::ops::Change;

impl Harness {
    /// Runs `change` as `role`; returns whether it lowered a collateral's
    /// liquidation threshold (invariant 4 exempts that).
    pub(crate) fn admin(&mut self, role: Role, change: &Change, before: &View) -> StepResult<bool> {
        let from = match role {
            Role::Owner => self.chain.fx.owner,
            Role::Guardian => self.chain.fx.guardian,
            Role::Other => self.chain.fx.stranger,
        };
        let mut lowers_threshold = false;
        match *change {
            Change::Pause { action, paused } => {
                let expected = self.model.set_paused(role, action, paused);
                self.admin_call(
                    from,
                    "setPaused",
                    &expected,
                    &IKeelMarket::setPausedCall { action, paused },
                )?;
            }
            Change::LiquidationPause { paused } => {
                let expected = self.model.set_liquidation_paused(role, paused);
                self.admin_call(
                    from,
                    "setLiquidationPaused",
                    &expected,
                    &IKeelMarket::setLiquidationPausedCall { paused },
                )?;
            }
            Change::GracePeriod { seconds } => {
                let expected = self.model.set_liquidation_grace_period(role, seconds);
                let call = IKeelMarket::setLiquidationGracePeriodCall {
                    gracePeriodSeconds: seconds,
                };
                self.admin_call(from, "setLiquidationGracePeriod", &expected, &call)?;
            }
            Change::RateModel(model) => {
                let expected = self.model.set_rate_model(role, model);
                let call = IKeelMarket::setRateModelCall {
                    rateModel: (
                        model.base,
                        model.slope_below,
                        model.slope_above,
                        model.optimal,
                    ),
                };
                self.admin_call(from, "setRateModel", &expected, &call)?;
            }
            Change::ReserveFactor(reserve_factor) => {
                let expected = self.model.set_reserve_factor(role, reserve_factor);
                let call = IKeelMarket::setReserveFactorCall {
                    reserveFactor: reserve_factor,
                };
                self.admin_call(from, "setReserveFactor", &expected, &call)?;
            }
            Change::Caps { supply, borrow } => {
                let m = &before.market;
                let (supply_cap, borrow_cap) = (
                    supply.resolve(&(&m.supply_assets * 2u32)),
                    borrow.resolve(&(&m.borrow_assets * 2u32)),
                );
                let expected = self
                    .model
                    .set_caps(role, &big(supply_cap), &big(borrow_cap));
                let call = IKeelMarket::setCapsCall {
                    supplyCap: supply_cap,
                    borrowCap: borrow_cap,
                };
                self.admin_call(from, "setCaps", &expected, &call)?;
            }
            Change::LiquidationParams {
                close_factor,
                full_liquidation_hf,
                fee,
                min_partial_value,
                dust,
            } => {
                let params = LiquidationParams {
                    close_factor,
                    full_liquidation_hf,
                    fee,
                    min_partial_value: BigUint::from(min_partial_value),
                    dust: BigUint::from(dust),
                };
                let expected = self.model.set_liquidation_params(role, params);
                let call = IKeelMarket::setLiquidationParamsCall {
                    liquidation: (
                        close_factor,
                        full_liquidation_hf,
                        fee,
                        U256::from(min_partial_value),
                        U256::from(dust),
                    ),
                };
                self.admin_call(from, "setLiquidationParams", &expected, &call)?;
            }
            Change::CollateralRisk { collateral, risk } => {
                let threshold = self.model.collateral(collateral).risk.liquidation_threshold;
                let expected = self.model.set_collateral_risk(role, collateral, risk);
                let call = IKeelMarket::setCollateralRiskCall {
                    token: self.chain.token(Token::Collateral(collateral)),
                    risk: (risk.ltv, risk.liquidation_threshold, risk.bonus),
                };
                let changed = self.admin_call(from, "setCollateralRisk", &expected, &call)?;
                lowers_threshold = changed && risk.liquidation_threshold < threshold;
            }
            Change::CollateralCap { collateral, cap } => {
                let cap = cap.resolve(&(&before.collaterals[collateral].total * 2u32));
                let expected = self.model.set_collateral_cap(role, collateral, &big(cap));
                let call = IKeelMarket::setCollateralCapCall {
                    token: self.chain.token(Token::Collateral(collateral)),
                    cap,
                };
                self.admin_call(from, "setCollateralCap", &expected, &call)?;
            }
            Change::WithdrawReserves { collateral, amount } => {
                let (token, reserves) = match collateral {
                    Some(index) => (
                        Token::Collateral(index),
                        &before.collaterals[index].fee_reserves,
                    ),
                    None => (Token::Base, &before.market.reserves),
                };
                let amount = amount.resolve(reserves);
                let expected = self.model.withdraw_reserves(role, token, &big(amount));
                let call = IKeelMarket::withdrawReservesCall {
                    asset: self.chain.token(token),
                    amount,
                    to: self.chain.fx.treasury,
                };
                self.admin_call(from, "withdrawReserves", &expected, &call)?;
            }
        }
        Ok(lowers_threshold)
    }

    pub(crate) fn admin_call<C: SolCall>(
        &mut self,
        from: Address,
        name: &'static str,
        expected: &Expected<()>,
        call: &C,
    ) -> StepResult<bool> {
        let actual = self.chain.transact(from, call)?.map(|_| ());
        self.agree(name, expected, &actual)?;
        Ok(expected.is_ok())
    }
}

//! keel-liquidation's decision function on arbitrary positions, parameters
//! and requests. It must never panic. On inputs within its documented
//! preconditions (validated parameters, `borrow_shares <= total_shares`,
//! balances and totals below `2^128`, prices below `2^128`) it must not fail
//! on arithmetic, must refuse exactly the healthy positions, must never
//! refuse a `type(uint256).max` request on an unhealthy position for dust or
//! rounding, and every outcome must respect docs/DESIGN.md sections 6 and 8: repaid
//! within the bound and priced up, seizure within repaid value x (1 + bonus)
//! and the balance, fee within the seizure, bad debt only without collateral.
#![no_main]

use keel_fuzz::{big, stored_amount, u256, wad_in};
use keel_liquidation::{
    decide_liquidation, validate_collateral_risk, validate_liquidation_params,
    CollateralRiskParams, CollateralSnapshot, DebtSnapshot, LiquidationLeavesDust,
    LiquidationOutcome, LiquidationParams, LiquidationRequest, PositionHealthy, PositionSnapshot,
    Price, Wad, ZeroRepay, U256,
};
use keel_tests::model::{mul_div_down, price_scale, wad, Pool};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use num_bigint::BigUint;

fuzz_target!(|data: &[u8]| {
    // Running out of bytes ends the case before the decision is made.
    if let Ok(case) = Case::new(&mut Unstructured::new(data)) {
        case.check();
    }
});

const PERCENT: u64 = 10_000_000_000_000_000;

struct Case {
    collaterals: Vec<CollateralSnapshot>,
    debt: DebtSnapshot,
    params: LiquidationParams,
    request: LiquidationRequest,
}

impl Case {
    /// Half the time within the documented preconditions, half anything.
    fn new(u: &mut Unstructured) -> Result<Self> {
        let within = u.arbitrary::<bool>()?;
        let amount = |u: &mut Unstructured| if within { stored_amount(u) } else { u256(u) };
        let count = u.int_in_range(1..=8)?;
        let mut collaterals = Vec::with_capacity(count);
        for _ in 0..count {
            let held = u.ratio(2u8, 3)?;
            collaterals.push(CollateralSnapshot {
                balance: if held { amount(u)? } else { U256::ZERO },
                price: Price(amount(u)?),
                liquidation_threshold: Wad(wad_in(u, 0, 100 * PERCENT)?),
                bonus: Wad(wad_in(u, 0, 25 * PERCENT)?),
            });
        }
        let total_borrow_shares = amount(u)?;
        let borrow_shares = if within {
            amount(u)?.min(total_borrow_shares)
        } else {
            amount(u)?
        };
        Ok(Self {
            collaterals,
            debt: DebtSnapshot {
                borrow_shares,
                total_borrow_assets: amount(u)?,
                total_borrow_shares,
            },
            params: LiquidationParams {
                close_factor: Wad(wad_in(u, 0, 110 * PERCENT)?),
                full_liquidation_hf: Wad(wad_in(u, 0, 110 * PERCENT)?),
                min_partial_liquidation_value: amount(u)?,
                dust_threshold: amount(u)?,
                liquidation_fee: Wad(wad_in(u, 0, 60 * PERCENT)?),
            },
            request: LiquidationRequest {
                collateral_index: u.int_in_range(0..=8)?,
                max_repay_assets: if u.ratio(1u8, 4)? {
                    U256::MAX
                } else {
                    u256(u)?
                },
            },
        })
    }

    /// Within every precondition the crate documents (`new` only bounds sizes).
    fn within_preconditions(&self) -> bool {
        let risk_valid = self.collaterals.iter().all(|c| {
            validate_collateral_risk(&CollateralRiskParams {
                ltv: Wad::ZERO,
                liquidation_threshold: c.liquidation_threshold,
                bonus: c.bonus,
            })
            .is_ok()
        });
        let below_2_128 = |x: U256| x <= U256::from(u128::MAX);
        let sizes = self
            .collaterals
            .iter()
            .all(|c| below_2_128(c.balance) && below_2_128(c.price.0))
            && [
                self.debt.borrow_shares,
                self.debt.total_borrow_assets,
                self.debt.total_borrow_shares,
            ]
            .into_iter()
            .all(below_2_128);
        risk_valid
            && sizes
            && self.debt.borrow_shares <= self.debt.total_borrow_shares
            && validate_liquidation_params(&self.params).is_ok()
            && below_2_128(self.params.min_partial_liquidation_value)
            && below_2_128(self.params.dust_threshold)
    }

    fn chosen(&self) -> Option<&CollateralSnapshot> {
        self.collaterals
            .get(usize::from(self.request.collateral_index))
    }

    fn borrow_pool(&self) -> Pool {
        Pool {
            assets: big(self.debt.total_borrow_assets),
            shares: big(self.debt.total_borrow_shares),
        }
    }

    /// The health factor from unbounded integers: `floor(W * 1e18 / D)`.
    fn healthy(&self) -> bool {
        let debt = self
            .borrow_pool()
            .to_assets_up(&big(self.debt.borrow_shares));
        let weighted: BigUint = self
            .collaterals
            .iter()
            .map(|c| {
                let value = big(c.balance) * big(c.price.0) / price_scale();
                mul_div_down(&value, &big(c.liquidation_threshold.0), &wad())
            })
            .sum();
        debt == BigUint::ZERO || weighted * wad() / debt >= wad()
    }

    fn check(&self) {
        let position = PositionSnapshot {
            collaterals: &self.collaterals,
            debt: self.debt,
        };
        let result = decide_liquidation(&position, &self.params, &self.request);
        let Some(chosen) = self
            .chosen()
            .filter(|c| !c.balance.is_zero() && !c.price.0.is_zero())
        else {
            return;
        };
        if !self.within_preconditions() || self.request.max_repay_assets.is_zero() {
            return;
        }
        match result {
            Ok(outcome) => {
                assert!(
                    !self.healthy(),
                    "liquidated a healthy position: {outcome:?}"
                );
                self.check_outcome(chosen, &outcome);
            }
            Err(error) if error.is::<PositionHealthy>() => {
                assert!(self.healthy(), "refused an unhealthy position")
            }
            Err(error) => {
                let maximum = self.request.max_repay_assets == U256::MAX;
                let amount_rule = error.is::<ZeroRepay>() || error.is::<LiquidationLeavesDust>();
                assert!(
                    amount_rule && !maximum,
                    "{error:?} within the preconditions"
                );
            }
        }
    }

    fn check_outcome(&self, chosen: &CollateralSnapshot, o: &LiquidationOutcome) {
        let repaid = big(o.amounts.repaid_assets);
        assert!(
            o.amounts.repaid_assets <= self.request.max_repay_assets,
            "repaid past the bound"
        );
        assert!(
            !o.amounts.repaid_shares.is_zero()
                && o.amounts.repaid_shares <= self.debt.borrow_shares,
            "shares {o:?}"
        );
        assert_eq!(
            repaid,
            self.borrow_pool()
                .to_assets_up(&big(o.amounts.repaid_shares)),
            "repaid not the shares' cost rounded up"
        );
        let one_plus_bonus_scaled = (wad() + big(chosen.bonus.0)) * wad();
        let seized = big(o.amounts.seized_collateral);
        assert!(seized <= big(chosen.balance), "seized past the balance");
        assert!(
            &seized * big(chosen.price.0) <= &repaid * &one_plus_bonus_scaled,
            "DESIGN 12: {o:?}"
        );
        assert!(
            o.amounts.protocol_fee_collateral <= o.amounts.seized_collateral,
            "fee past the seizure"
        );
        assert_eq!(
            o.amounts.liquidator_collateral + o.amounts.protocol_fee_collateral,
            o.amounts.seized_collateral
        );
        let collateral_left = self.collaterals.iter().enumerate().any(|(i, c)| {
            if i == usize::from(self.request.collateral_index) {
                !o.remaining_collateral.is_zero()
            } else {
                !c.balance.is_zero()
            }
        });
        assert!(
            collateral_left || o.remaining_debt_shares.is_zero(),
            "DESIGN 7: debt left without collateral"
        );
        assert!(
            o.bad_debt_assets.is_zero() || !collateral_left,
            "bad debt with collateral left"
        );
    }
}

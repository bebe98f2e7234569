//! The liquidation rules of the crate docs and docs/DESIGN.md section 8 (invariants 5, 6, 7, 12) as
//! properties of `decide_liquidation`, checked against the model.

use keel_liquidation::{
    decide_liquidation, decide_liquidation_amounts, LiquidationError, LiquidationOutcome,
    PositionHealthy, U256,
};
use num_bigint::BigUint;
use num_traits::Zero;
use proptest::prelude::*;

use crate::model::{
    assets_up, big, ceil_div, debt_assets, health_factor, offset_totals, price_scale, value_down,
    wad, weighted_down, weighted_total,
};
use crate::strategies::{case, config, Case};

fn decide(case: &Case) -> Result<LiquidationOutcome, LiquidationError> {
    decide_liquidation(&case.position(), &case.params, &case.request)
}

/// The model's health factor before the liquidation.
fn health_factor_before(case: &Case) -> BigUint {
    health_factor(&weighted_total(&case.collaterals), &debt_assets(&case.debt))
}

/// The request names a held, priced collateral and a non-zero bound.
fn well_formed(case: &Case) -> bool {
    let index = usize::from(case.request.collateral_index);
    case.collaterals.get(index).is_some_and(|collateral| {
        !keel_math::is_zero(collateral.balance) && !keel_math::is_zero(collateral.price.0)
    }) && !keel_math::is_zero(case.request.max_repay_assets)
}

/// `(1e18 + bonus) * 1e18` of the chosen collateral: `1 + bonus` at the price scale.
fn one_plus_bonus_scaled(case: &Case) -> BigUint {
    (wad() + big(case.chosen().bonus.0)) * wad()
}

/// `ceil(B * p / ((1 + b) * 1e36))`: the repayment that seizes the whole chosen balance.
fn all_collateral_repay(case: &Case) -> BigUint {
    let chosen = case.chosen();
    ceil_div(
        &(big(chosen.balance) * big(chosen.price.0)),
        &one_plus_bonus_scaled(case),
    )
}

/// Whether the close factor limits this position (no full-liquidation trigger).
fn close_factor_applies(case: &Case) -> bool {
    let min_partial = big(case.params.min_partial_liquidation_value);
    health_factor_before(case) >= big(case.params.full_liquidation_hf.0)
        && debt_assets(&case.debt) >= min_partial
        && value_down(case.chosen().balance, &case.chosen()) >= min_partial
}

/// Both some debt and some of the chosen collateral remain.
fn is_partial(outcome: &LiquidationOutcome) -> bool {
    !keel_math::is_zero(outcome.remaining_debt_shares)
        && !keel_math::is_zero(outcome.remaining_collateral)
}

/// Seizure, fee and repayment are the documented formulas, each rounded against the liquidator.
fn check_pricing(case: &Case, outcome: &LiquidationOutcome) -> Result<(), TestCaseError> {
    let chosen = case.chosen();
    let (repaid, seized) = (
        big(outcome.amounts.repaid_assets),
        big(outcome.amounts.seized_collateral),
    );
    let price = big(chosen.price.0);
    // Invariant 12: seized value <= repaid value x (1 + bonus), exactly.
    prop_assert!(&seized * &price <= &repaid * one_plus_bonus_scaled(case));
    let exact_seizure = &repaid * one_plus_bonus_scaled(case) / &price;
    prop_assert_eq!(&seized, &exact_seizure.min(big(chosen.balance)));
    let fee_numerator = &seized * big(chosen.bonus.0) * big(case.params.liquidation_fee.0);
    let fee = ceil_div(&fee_numerator, &one_plus_bonus_scaled(case));
    prop_assert_eq!(big(outcome.amounts.protocol_fee_collateral), fee);
    prop_assert_eq!(
        big(outcome.amounts.liquidator_collateral) + big(outcome.amounts.protocol_fee_collateral),
        seized
    );
    let debt = &case.debt;
    let shares = outcome.amounts.repaid_shares;
    prop_assert_eq!(
        repaid,
        assets_up(shares, debt.total_borrow_assets, debt.total_borrow_shares)
    );
    prop_assert!(!keel_math::is_zero(shares) && shares <= debt.borrow_shares);
    prop_assert!(outcome.amounts.repaid_assets <= case.request.max_repay_assets);
    Ok(())
}

/// The model's weighted value once the seizure is made.
fn weighted_after(case: &Case, outcome: &LiquidationOutcome) -> BigUint {
    let chosen = case.chosen();
    weighted_total(&case.collaterals) - weighted_down(chosen.balance, &chosen)
        + weighted_down(outcome.remaining_collateral, &chosen)
}

/// Invariant 6 with its rounding made explicit (crate docs, "Why liquidation helps").
fn check_health_factor(case: &Case, outcome: &LiquidationOutcome) -> Result<(), TestCaseError> {
    let (weighted, debt) = (weighted_total(&case.collaterals), debt_assets(&case.debt));
    let weighted_after = weighted_after(case, outcome);
    let debt_after = big(outcome.remaining_debt_assets);
    prop_assert_eq!(
        big(outcome.health_factor_before.0),
        health_factor(&weighted, &debt)
    );
    prop_assert_eq!(
        big(outcome.health_factor_after.0),
        health_factor(&weighted_after, &debt_after)
    );
    // Solvent for this collateral: W / D >= LT (1 + b).
    let threshold = big(case.chosen().liquidation_threshold.0);
    let break_even = &debt * &threshold * one_plus_bonus_scaled(case);
    if &weighted * price_scale() * wad() < break_even || debt_after.is_zero() {
        return Ok(());
    }
    prop_assert!(
        (&weighted_after + 2u32) * &debt >= &weighted * (&debt_after - 1u32),
        "the health factor fell by more than the rounding"
    );
    let margin = &debt * price_scale() * wad() / 100u32;
    if &weighted * price_scale() * wad() >= break_even + margin
        && outcome.amounts.repaid_assets >= U256::from(10_000)
    {
        prop_assert!(outcome.health_factor_after >= outcome.health_factor_before);
    }
    Ok(())
}

/// A partial liquidation leaves debt and chosen collateral value at or above the threshold.
fn check_dust(case: &Case, outcome: &LiquidationOutcome) -> Result<(), TestCaseError> {
    if !is_partial(outcome) {
        return Ok(());
    }
    let dust = big(case.params.dust_threshold);
    let debt = &case.debt;
    let left_shares = debt.borrow_shares - outcome.amounts.repaid_shares;
    let left_at_snapshot = assets_up(
        left_shares,
        debt.total_borrow_assets,
        debt.total_borrow_shares,
    );
    prop_assert!(left_at_snapshot >= dust, "debt dust left");
    prop_assert!(big(outcome.remaining_debt_assets) + 1u32 >= dust);
    let chosen = case.chosen();
    prop_assert!(
        value_down(outcome.remaining_collateral, &chosen) >= dust,
        "collateral dust left"
    );
    Ok(())
}

/// Invariant 7 and the totals: without collateral the borrower keeps no debt.
fn check_debt_after(case: &Case, outcome: &LiquidationOutcome) -> Result<(), TestCaseError> {
    let debt = &case.debt;
    let index = usize::from(case.request.collateral_index);
    let holds = !keel_math::is_zero(outcome.remaining_collateral)
        || case
            .collaterals
            .iter()
            .enumerate()
            .any(|(i, c)| i != index && !keel_math::is_zero(c.balance));
    let left = debt.borrow_shares - outcome.amounts.repaid_shares;
    let total_assets = debt
        .total_borrow_assets
        .saturating_sub(outcome.amounts.repaid_assets);
    let total_shares = debt.total_borrow_shares - outcome.amounts.repaid_shares;
    let left_assets = assets_up(left, total_assets, total_shares);
    if holds || keel_math::is_zero(left) {
        prop_assert_eq!(outcome.bad_debt_shares, U256::ZERO);
        prop_assert_eq!(outcome.remaining_debt_shares, left);
        prop_assert_eq!(big(outcome.remaining_debt_assets), left_assets.clone());
        let bound = debt_assets(debt) + 1u32 - big(outcome.amounts.repaid_assets);
        prop_assert!(left_assets <= bound, "debt after exceeds D - repaid + 1");
    } else {
        prop_assert_eq!(outcome.remaining_debt_shares, U256::ZERO);
        prop_assert_eq!(outcome.remaining_debt_assets, U256::ZERO);
        prop_assert_eq!(outcome.bad_debt_shares, left);
        prop_assert_eq!(
            big(outcome.bad_debt_assets),
            left_assets.min(big(total_assets))
        );
    }
    prop_assert_eq!(
        outcome.total_borrow_shares_after,
        total_shares - outcome.bad_debt_shares
    );
    prop_assert_eq!(
        outcome.total_borrow_assets_after,
        total_assets - outcome.bad_debt_assets
    );
    Ok(())
}

/// The close factor binds partial liquidations; the maximum request takes all it may; a
/// smaller bound never repays more than the maximum.
fn check_amount(case: &Case, outcome: &LiquidationOutcome) -> Result<(), TestCaseError> {
    let debt = debt_assets(&case.debt);
    let cap = if close_factor_applies(case) {
        ceil_div(&(&debt * big(case.params.close_factor.0)), &wad()).min(debt)
    } else {
        debt
    };
    if is_partial(outcome) && outcome.amounts.repaid_shares > U256::from(1) {
        prop_assert!(
            big(outcome.amounts.repaid_assets) <= cap,
            "close factor exceeded"
        );
    }
    let maximum = decide(&case.with_maximum_request());
    prop_assert!(maximum.is_ok(), "{:?}", maximum);
    let maximum = maximum.unwrap_or(*outcome);
    prop_assert!(maximum.amounts.repaid_shares >= outcome.amounts.repaid_shares);
    if is_partial(&maximum) {
        let next = maximum.amounts.repaid_shares + U256::from(1);
        let next_cost = assets_up(
            next,
            case.debt.total_borrow_assets,
            case.debt.total_borrow_shares,
        );
        prop_assert!(
            next_cost > cap.min(all_collateral_repay(case)),
            "maximum left room"
        );
    }
    Ok(())
}

/// A borrower liquidating itself loses the fee and the repayment's rounding, never gains:
/// `(liquidator - seized) * p / 1e36 + shares * (A + 1) / (S + 1e6) - repaid <= 0`.
fn check_self_liquidation(case: &Case, outcome: &LiquidationOutcome) -> Result<(), TestCaseError> {
    let price = big(case.chosen().price.0);
    let (assets, shares) =
        offset_totals(case.debt.total_borrow_assets, case.debt.total_borrow_shares);
    let received = big(outcome.amounts.liquidator_collateral) * &price * &shares
        + big(outcome.amounts.repaid_shares) * assets * price_scale();
    let given = big(outcome.amounts.seized_collateral) * &price * &shares
        + big(outcome.amounts.repaid_assets) * shares * price_scale();
    prop_assert!(received <= given);
    Ok(())
}

type Check = fn(&Case, &LiquidationOutcome) -> Result<(), TestCaseError>;

/// Runs `check` on the outcome when the case liquidates (errors are the other properties').
fn on_liquidation(case: &Case, check: Check) -> Result<(), TestCaseError> {
    match decide(case) {
        Ok(outcome) => check(case, &outcome),
        Err(_) => Ok(()),
    }
}

proptest! {
    #![proptest_config(config())]

    /// Invariant 5: a position with HF >= 1 is refused with its health factor; nothing is seized.
    #[test]
    fn healthy_position_is_never_liquidatable(case in case()) {
        let health_factor = health_factor_before(&case);
        let result = decide(&case);
        if well_formed(&case) && health_factor >= wad() {
            let expected = PositionHealthy { healthFactorWad: U256::from_le_slice(&health_factor.to_bytes_le()) };
            prop_assert_eq!(result, Err(LiquidationError::from(expected)));
        } else if result.is_ok() {
            prop_assert!(health_factor < wad());
        }
    }

    /// The maximum request on an unhealthy position with the collateral held always succeeds.
    #[test]
    fn maximum_request_never_reverts_on_an_unhealthy_position(case in case()) {
        let case = case.with_maximum_request();
        if well_formed(&case) && health_factor_before(&case) < wad() {
            let result = decide(&case);
            prop_assert!(result.is_ok(), "{:?}", result);
        }
    }

    /// Invariant 12 and every rounding against the liquidator.
    #[test]
    fn seizure_is_priced_against_the_liquidator(case in case()) {
        on_liquidation(&case, check_pricing)?;
    }

    /// Invariant 6, exact up to the named rounding, strict with a margin.
    #[test]
    fn solvent_liquidation_never_lowers_the_health_factor(case in case()) {
        on_liquidation(&case, check_health_factor)?;
    }

    #[test]
    fn partial_liquidation_never_leaves_dust(case in case()) {
        on_liquidation(&case, check_dust)?;
    }

    /// Invariant 7: a borrower left without collateral is left without debt.
    #[test]
    fn bad_debt_is_written_off_exactly_when_no_collateral_remains(case in case()) {
        on_liquidation(&case, check_debt_after)?;
    }

    #[test]
    fn amount_respects_the_close_factor_and_the_request(case in case()) {
        on_liquidation(&case, check_amount)?;
    }

    /// See `check_self_liquidation`.
    #[test]
    fn self_liquidation_is_never_profitable(case in case()) {
        on_liquidation(&case, check_self_liquidation)?;
    }

    /// What `liquidate` executes is what the preview's outcome shows, and it fails alike.
    #[test]
    fn executed_amounts_are_the_outcomes(case in case()) {
        let amounts = decide_liquidation_amounts(&case.position(), &case.params, &case.request);
        prop_assert_eq!(amounts, decide(&case).map(|outcome| outcome.amounts));
    }
}

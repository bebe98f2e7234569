//! The twelve invariants of docs/DESIGN.md section 8, checked on what the chain shows
//! before and after every step (`View`s read from the contract), plus the
//! documented liquidation amount rules. Invariant 10 needs the chain itself
//! and lives in the harness (`Harness::inv_10_repay_all_and_withdraw_all_succeed`).
//!
//! Each check states its tolerance: most are exact, because the contract
//! rounds every quantity in the protocol's favour and the comparison is
//! between integers it reports; where rounding can move a quantity against
//! the protocol's own statement (invariant 6), the allowance is the one the
//! crate documents, and it is one-sided.

use keel_tests::model::{
    price_scale, wad, Actor, Holder, Liquidated, LiquidationContext, Token, View,
};
use num_bigint::BigUint;
use num_traits::Zero;

/// What a step was, for the invariants that depend on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// A call by an account (lending, borrowing, liquidation, operators).
    Account,
    /// A feed moved.
    PriceMove,
    /// Time passed (interest accrued in the views).
    TimeJump,
    /// An administrative call; `lowers_threshold` when it lowered a
    /// collateral's liquidation threshold.
    Governance { lowers_threshold: bool },
}

/// A liquidation attempted in a step.
#[derive(Clone, Debug)]
pub struct LiquidationRecord {
    /// The liquidated account.
    pub borrower: Actor,
    /// The liquidator's bound.
    pub max_repay: BigUint,
    /// The model's view of the position just before.
    pub context: LiquidationContext,
    /// The repaid shares and what the model computed for them, when the
    /// liquidation went through.
    pub outcome: Option<(BigUint, BigUint, Liquidated)>,
}

/// A round trip whose two legs both succeeded.
#[derive(Clone, Debug)]
pub struct RoundTripRecord {
    /// Who made it.
    pub actor: Actor,
    /// The token that went in and came out.
    pub token: Token,
    /// `actor`'s token balance on the chain before and after.
    pub wallet: (BigUint, BigUint),
}

/// Everything the checks need to know about a step besides the two views.
#[derive(Clone, Debug)]
pub struct StepRecord {
    /// What kind of step.
    pub kind: StepKind,
    /// Accounts the caller could act for (itself and those that made it
    /// their operator), before the step; empty for steps no account made.
    pub acting_for: Vec<Actor>,
    /// The liquidation attempted, if any.
    pub liquidation: Option<LiquidationRecord>,
    /// The round trip completed, if any.
    pub round_trip: Option<RoundTripRecord>,
    /// Bad debt socialised to suppliers (`BadDebt.fromSuppliers`) in the step.
    pub socialised: BigUint,
}

impl StepRecord {
    /// A step of `kind` that no account made.
    pub fn of(kind: StepKind) -> Self {
        Self {
            kind,
            acting_for: Vec::new(),
            liquidation: None,
            round_trip: None,
            socialised: BigUint::zero(),
        }
    }

    fn liquidated(&self) -> Option<(&LiquidationRecord, &BigUint, &BigUint, &Liquidated)> {
        let record = self.liquidation.as_ref()?;
        let (shares, seized, liquidated) = record.outcome.as_ref()?;
        Some((record, shares, seized, liquidated))
    }
}

type Check = Result<(), String>;

fn ensure(condition: bool, message: impl FnOnce() -> String) -> Check {
    match condition {
        true => Ok(()),
        false => Err(message()),
    }
}

/// Every invariant but the tenth, on the views before and after `step`.
pub fn check_all(before: &View, after: &View, step: &StepRecord) -> Check {
    inv_01_borrow_within_supply_and_reserves(after)?;
    inv_02_shares_and_collateral_sum_to_totals(after)?;
    inv_03_token_balances_cover_what_the_market_owes(after)?;
    inv_04_only_prices_and_interest_make_positions_unhealthy(before, after, step)?;
    inv_05_healthy_positions_keep_their_collateral(before, after, step)?;
    inv_06_liquidating_a_solvent_position_does_not_lower_its_health(before, after, step)?;
    inv_07_no_collateral_means_no_debt(after)?;
    inv_08_supply_share_price_falls_only_with_bad_debt(before, after, step)?;
    inv_09_round_trips_pay_out_no_more_than_went_in(before, after, step)?;
    inv_11_nobody_unauthorised_worsens_an_account(before, after, step)?;
    inv_12_seizure_within_repaid_value_plus_bonus(step)?;
    rule_liquidation_amount_respects_bound_close_factor_and_dust(step)
}

/// DESIGN 1: `totalBorrowAssets <= totalSupplyAssets + reserves` (reserves
/// are lent like supplied assets). Exact: interest grows both sides by the
/// same amount and bad debt leaves both.
pub fn inv_01_borrow_within_supply_and_reserves(after: &View) -> Check {
    let m = &after.market;
    ensure(m.borrow_assets <= &m.supply_assets + &m.reserves, || {
        format!(
            "inv 1: borrow {} > supply {} + reserves {}",
            m.borrow_assets, m.supply_assets, m.reserves
        )
    })
}

/// DESIGN 2: account shares sum to the totals (supply and borrow), and
/// collateral balances to each collateral's total. Exact: shares and
/// collateral are never rounded, only converted.
pub fn inv_02_shares_and_collateral_sum_to_totals(after: &View) -> Check {
    let sum = |field: fn(&keel_tests::model::AccountView) -> &BigUint| -> BigUint {
        after.accounts.iter().map(field).sum()
    };
    let supply = sum(|a| &a.supply_shares);
    ensure(supply == after.market.supply_shares, || {
        format!(
            "inv 2: supply shares sum to {supply}, total {}",
            after.market.supply_shares
        )
    })?;
    let borrow = sum(|a| &a.borrow_shares);
    ensure(borrow == after.market.borrow_shares, || {
        format!(
            "inv 2: borrow shares sum to {borrow}, total {}",
            after.market.borrow_shares
        )
    })?;
    for (index, collateral) in after.collaterals.iter().enumerate() {
        let held: BigUint = after.accounts.iter().map(|a| &a.collateral[index]).sum();
        ensure(held == collateral.total, || {
            format!(
                "inv 2: collateral {index} balances sum to {held}, total {}",
                collateral.total
            )
        })?;
    }
    Ok(())
}

/// DESIGN 3: the market holds at least `supply + reserves - borrow` of the
/// base asset and `total + feeReserves` of each collateral. One-sided: the
/// rounding of repayments (up) and write-offs leaves dust in the market,
/// never a deficit.
pub fn inv_03_token_balances_cover_what_the_market_owes(after: &View) -> Check {
    let m = &after.market;
    let owed = &m.supply_assets + &m.reserves - &m.borrow_assets;
    let held = after.balance(Token::Base, Holder::Market);
    ensure(*held >= owed, || {
        format!("inv 3: the market holds {held} of the base asset, owes {owed}")
    })?;
    for (index, collateral) in after.collaterals.iter().enumerate() {
        let owed = &collateral.total + &collateral.fee_reserves;
        let held = after.balance(Token::Collateral(index), Holder::Market);
        ensure(*held >= owed, || {
            format!("inv 3: the market holds {held} of collateral {index}, owes {owed}")
        })?;
    }
    Ok(())
}

fn healthy(account: &keel_tests::model::AccountView) -> bool {
    account.health_factor >= wad()
}

/// DESIGN 4: a position with `HF >= 1` keeps `HF >= 1` through every step but
/// a price move and time (interest). Governance lowering a collateral's
/// liquidation threshold is exempt too: it moves a parameter the health
/// factor is defined by, like a price (the README's decisions list it). Exact:
/// borrowing and withdrawing check the LTV, which is below the threshold, on
/// debt rounded up and value rounded down.
pub fn inv_04_only_prices_and_interest_make_positions_unhealthy(
    before: &View,
    after: &View,
    step: &StepRecord,
) -> Check {
    let exempt = matches!(
        step.kind,
        StepKind::PriceMove
            | StepKind::TimeJump
            | StepKind::Governance {
                lowers_threshold: true
            }
    );
    if exempt {
        return Ok(());
    }
    for (actor, (was, is)) in before.accounts.iter().zip(&after.accounts).enumerate() {
        ensure(!healthy(was) || healthy(is), || {
            format!(
                "inv 4: account {actor} went from HF {} to {}",
                was.health_factor, is.health_factor
            )
        })?;
    }
    Ok(())
}

/// DESIGN 5: a liquidation of a healthy position is refused, and a healthy
/// position's collateral only leaves at the request of the account or its
/// operator. Exact.
pub fn inv_05_healthy_positions_keep_their_collateral(
    before: &View,
    after: &View,
    step: &StepRecord,
) -> Check {
    if let Some(record) = &step.liquidation {
        ensure(
            !healthy(&before.accounts[record.borrower]) || record.outcome.is_none(),
            || format!("inv 5: healthy account {} was liquidated", record.borrower),
        )?;
    }
    for (actor, (was, is)) in before.accounts.iter().zip(&after.accounts).enumerate() {
        if !healthy(was) || step.acting_for.contains(&actor) {
            continue;
        }
        let kept = was
            .collateral
            .iter()
            .zip(&is.collateral)
            .all(|(b, a)| a >= b);
        ensure(kept, || {
            format!(
                "inv 5: healthy account {actor} lost collateral: {:?} -> {:?}",
                was.collateral, is.collateral
            )
        })?;
    }
    Ok(())
}

/// DESIGN 6: liquidating a solvent position does not lower its health
/// factor. "Solvent" is `W / D >= LT (1 + bonus)` of the chosen collateral,
/// where the statement holds in exact arithmetic (keel-liquidation, "Why
/// liquidation helps"). Tolerance, as documented there: the weighted value
/// can lose 2 units more than exact and the remaining debt round up 1, so the
/// check is `(W' + 2) D >= W (D' - 1)`; with a 1% margin above solvency and a
/// repayment of at least 10,000 units, the rounded health factor must not
/// fall at all. A write-off (no debt left) is infinite health.
pub fn inv_06_liquidating_a_solvent_position_does_not_lower_its_health(
    before: &View,
    after: &View,
    step: &StepRecord,
) -> Check {
    let Some((record, _, _, liquidated)) = step.liquidated() else {
        return Ok(());
    };
    let context = &record.context;
    let (was, is) = (
        &before.accounts[record.borrower],
        &after.accounts[record.borrower],
    );
    if !context.solvent_for_chosen(0) || is.debt.is_zero() {
        return Ok(());
    }
    let (w, d, w_after, d_after) = (
        &was.liquidation_value,
        &was.debt,
        &is.liquidation_value,
        &is.debt,
    );
    ensure((w_after + 2u32) * d >= w * (d_after - 1u32), || {
        format!(
            "inv 6: health factor fell beyond rounding: W {w} D {d} -> W' {w_after} D' {d_after}"
        )
    })?;
    let well_solvent = context.solvent_for_chosen(1);
    let large = liquidated.repaid_assets >= BigUint::from(10_000u32);
    ensure(
        !(well_solvent && large) || is.health_factor >= was.health_factor,
        || {
            format!(
                "inv 6: health factor fell from {} to {}",
                was.health_factor, is.health_factor
            )
        },
    )
}

/// DESIGN 7: an account without collateral has no debt (a liquidation that
/// takes the last collateral writes the rest off in the same transaction;
/// nothing else can leave debt uncollateralised). Exact, on every account
/// after every step.
pub fn inv_07_no_collateral_means_no_debt(after: &View) -> Check {
    for (actor, account) in after.accounts.iter().enumerate() {
        let holds = account.collateral.iter().any(|b| !b.is_zero());
        ensure(holds || account.borrow_shares.is_zero(), || {
            format!(
                "inv 7: account {actor} owes {} without collateral",
                account.debt
            )
        })?;
    }
    Ok(())
}

/// DESIGN 8: the supply share price `(A + 1) / (S + 1e6)` never falls, except
/// in a step that socialised bad debt. Exact (cross-multiplied): every
/// conversion rounds in the pool's favour, interest only adds.
pub fn inv_08_supply_share_price_falls_only_with_bad_debt(
    before: &View,
    after: &View,
    step: &StepRecord,
) -> Check {
    if !step.socialised.is_zero() {
        return Ok(());
    }
    ensure(
        after.supply_pool().price_at_least(&before.supply_pool()),
        || {
            format!(
                "inv 8: supply share price fell: {:?} -> {:?}",
                before.supply_pool(),
                after.supply_pool()
            )
        },
    )
}

/// DESIGN 9: a round trip in one block never pays out more than went in: the
/// wallet ends no richer (exactly as rich for collateral, which never
/// rounds) and the position no better (no more supply shares or collateral,
/// no fewer borrow shares). Exact.
pub fn inv_09_round_trips_pay_out_no_more_than_went_in(
    before: &View,
    after: &View,
    step: &StepRecord,
) -> Check {
    let Some(trip) = &step.round_trip else {
        return Ok(());
    };
    let (wallet_before, wallet_after) = &trip.wallet;
    let exact = matches!(trip.token, Token::Collateral(_));
    ensure(
        wallet_after <= wallet_before && (!exact || wallet_after == wallet_before),
        || {
            format!(
                "inv 9: {:?} wallet went from {wallet_before} to {wallet_after}",
                trip.token
            )
        },
    )?;
    let (was, is) = (&before.accounts[trip.actor], &after.accounts[trip.actor]);
    let no_better = is.supply_shares <= was.supply_shares
        && is.borrow_shares >= was.borrow_shares
        && is
            .collateral
            .iter()
            .zip(&was.collateral)
            .all(|(a, b)| a <= b);
    ensure(no_better, || {
        format!("inv 9: the position improved: {was:?} -> {is:?}")
    })
}

/// DESIGN 11: for every account the caller may not act for, supply shares
/// and collateral do not fall and borrow shares do not rise; the one
/// exception is the collateral a liquidation seizes (invariant 5 checks the
/// borrower was unhealthy). Exact.
pub fn inv_11_nobody_unauthorised_worsens_an_account(
    before: &View,
    after: &View,
    step: &StepRecord,
) -> Check {
    let seized_from = step.liquidated().map(|(record, ..)| record.borrower);
    for (actor, (was, is)) in before.accounts.iter().zip(&after.accounts).enumerate() {
        if step.acting_for.contains(&actor) {
            continue;
        }
        let collateral_kept = seized_from == Some(actor)
            || was
                .collateral
                .iter()
                .zip(&is.collateral)
                .all(|(b, a)| a >= b);
        let intact = is.supply_shares >= was.supply_shares
            && is.borrow_shares <= was.borrow_shares
            && collateral_kept;
        ensure(intact, || {
            format!("inv 11: account {actor} changed without authorisation: {was:?} -> {is:?}")
        })?;
    }
    Ok(())
}

/// DESIGN 12: seized value <= repaid value x (1 + bonus), exactly, with
/// every rounding against the liquidator: the repayment is the shares' cost
/// rounded up, the seizure `floor(repaid (1 + b) 1e36 / p)` capped by the
/// balance, the fee rounded up and the receiver gets the rest.
pub fn inv_12_seizure_within_repaid_value_plus_bonus(step: &StepRecord) -> Check {
    let Some((record, shares, seized, liquidated)) = step.liquidated() else {
        return Ok(());
    };
    let context = &record.context;
    let repaid = &liquidated.repaid_assets;
    ensure(
        seized * &context.price <= repaid * context.one_plus_bonus_scaled(),
        || {
            format!(
                "inv 12: seized {seized} at {} for {repaid} repaid",
                context.price
            )
        },
    )?;
    ensure(*repaid == context.cost_up(shares), || {
        format!("inv 12: {repaid} repaid for {shares} shares")
    })?;
    ensure(*seized == context.seized_down(repaid), || {
        format!(
            "inv 12: seized {seized}, the rounded-down seizure of {repaid} is {}",
            context.seized_down(repaid)
        )
    })?;
    ensure(
        liquidated.fee == context.fee_up(seized)
            && &liquidated.fee + &liquidated.to_receiver == *seized,
        || {
            format!(
                "inv 12: fee {} and receiver {} of {seized}",
                liquidated.fee, liquidated.to_receiver
            )
        },
    )
}

/// docs/DESIGN.md section 6 on the amount: never more than the liquidator's bound;
/// past the close factor only when it applies not (HF below the full
/// liquidation level, or debt or collateral value below
/// `minPartialLiquidationValue`) or to clear the position (the dust rule's
/// extension); a partial liquidation leaves debt (at the snapshot's share
/// price) and collateral value at or above the dust threshold. Exact.
pub fn rule_liquidation_amount_respects_bound_close_factor_and_dust(step: &StepRecord) -> Check {
    let Some((record, shares, seized, liquidated)) = step.liquidated() else {
        return Ok(());
    };
    let context = &record.context;
    let repaid = &liquidated.repaid_assets;
    ensure(*repaid <= record.max_repay && !shares.is_zero(), || {
        format!(
            "rule: repaid {repaid} ({shares} shares) for a bound of {}",
            record.max_repay
        )
    })?;
    let debt_left = context.cost_up(&(&context.borrow_shares - shares));
    let collateral_left = &context.balance - seized;
    let partial = !debt_left.is_zero() && !collateral_left.is_zero();
    ensure(
        !context.close_factor_applies() || *repaid <= context.close_factor_cap() || !partial,
        || {
            format!(
                "rule: repaid {repaid} past the close-factor cap {}",
                context.close_factor_cap()
            )
        },
    )?;
    let value_left = collateral_left * &context.price / price_scale();
    let dust = &context.params.dust;
    ensure(
        !partial || (debt_left >= *dust && value_left >= *dust),
        || format!("rule: partial leaves debt {debt_left}, value {value_left} (dust {dust})"),
    )
}

//! The decision function: a position snapshot, the market's parameters and a request in, the
//! outcome out. The crate docs give the rules and formulas step by step.

use keel_debt::Pool;
use keel_math::{
    checked_add, checked_sub, in_code, min, to_u128, zero_floor_sub, MathError, Wad, U256, WAD,
};

use crate::errors::{
    position_healthy, CollateralNotHeld, CollateralPriceZero, LiquidationLeavesDust, ZeroRepay,
};
use crate::seizure::{protocol_fee_collateral_up, repay_for_collateral_up, seized_collateral_down};
use crate::shares::BorrowShares;
use crate::valuation::{
    debt_assets_up, health_factor_down, liquidation_value_down, lt_weighted_value_down,
};
use crate::{
    CollateralSnapshot, LiquidationAmounts, LiquidationError, LiquidationOutcome,
    LiquidationParams, LiquidationRequest, PositionSnapshot,
};

/// Decides what a liquidation does, or why there is none, with its consequences: the
/// amounts of [`decide_liquidation_amounts`] and the position and borrow totals they leave
/// (what `previewLiquidation` shows and the tests check).
///
/// Deterministic and total: the same inputs always give the same result, and no input panics.
/// The rules, in order, are those of the crate docs ("Decision").
///
/// # Errors
/// Those of [`decide_liquidation_amounts`], and
/// [`LiquidationArithmetic`](crate::LiquidationArithmetic) when a consequence does not fit.
pub fn decide_liquidation(
    position: &PositionSnapshot<'_>,
    params: &LiquidationParams,
    request: &LiquidationRequest,
) -> Result<LiquidationOutcome, LiquidationError> {
    let (liquidation, amounts) = decided(position, params, request)?;
    Ok(liquidation.outcome(amounts)?)
}

/// Decides what a liquidation repays, seizes and pays, or why there is none: what the market
/// executes. The consequences (health factor after, remaining debt, bad debt) are left to the
/// keel-debt calls that apply the amounts, so `liquidate` computes them once.
///
/// # Errors
/// [`CollateralNotHeld`], [`CollateralPriceZero`],
/// [`ZeroRepay`], [`PositionHealthy`](crate::PositionHealthy),
/// [`LiquidationLeavesDust`] (never for a request of `U256::MAX`), and
/// [`LiquidationArithmetic`](crate::LiquidationArithmetic) when an amount does not fit in 256 bits or the
/// snapshot is inconsistent.
pub fn decide_liquidation_amounts(
    position: &PositionSnapshot<'_>,
    params: &LiquidationParams,
    request: &LiquidationRequest,
) -> Result<LiquidationAmounts, LiquidationError> {
    Ok(decided(position, params, request)?.1)
}

/// Steps 1 to 8 of the crate docs.
fn decided<'a>(
    position: &'a PositionSnapshot<'a>,
    params: &'a LiquidationParams,
    request: &LiquidationRequest,
) -> Result<(Liquidation<'a>, LiquidationAmounts), LiquidationError> {
    let chosen = chosen_collateral(position.collaterals, request.collateral_index)?;
    if keel_math::is_zero(request.max_repay_assets) {
        return Err(zero_repay());
    }
    let liquidation = Liquidation::new(position, params, request.collateral_index, chosen)?;
    let shares = liquidation.repaid_shares(request.max_repay_assets)?;
    let amounts = liquidation.amounts(shares)?;
    Ok((liquidation, amounts))
}

fn chosen_collateral(
    collaterals: &[CollateralSnapshot],
    index: u8,
) -> Result<CollateralSnapshot, LiquidationError> {
    let chosen = collaterals
        .get(usize::from(index))
        .filter(|collateral| !keel_math::is_zero(collateral.balance))
        .ok_or_else(|| LiquidationError::from(CollateralNotHeld { index }))?;
    if keel_math::is_zero(chosen.price.0) {
        return Err(LiquidationError::from(CollateralPriceZero { index }));
    }
    Ok(*chosen)
}

fn zero_repay() -> LiquidationError {
    LiquidationError::from(ZeroRepay {})
}

/// An unhealthy position and what is known about it before choosing the amount.
struct Liquidation<'a> {
    position: &'a PositionSnapshot<'a>,
    params: &'a LiquidationParams,
    index: usize,
    chosen: CollateralSnapshot,
    shares: BorrowShares,
    /// `D = to_assets_up(borrow_shares)`.
    debt_assets: U256,
    /// `W = sum_i floor(LT_i * floor(balance_i * price_i / 1e36))`.
    weighted_value: U256,
    health_factor: Wad,
    /// `R = repay_for_collateral_up(balance)`: the smallest repayment that seizes all of the
    /// chosen collateral.
    all_collateral_repay: U256,
}

impl<'a> Liquidation<'a> {
    fn new(
        position: &'a PositionSnapshot<'a>,
        params: &'a LiquidationParams,
        index: u8,
        chosen: CollateralSnapshot,
    ) -> Result<Self, LiquidationError> {
        let debt_assets = debt_assets_up(&position.debt)?;
        let weighted_value = liquidation_value_down(position.collaterals)?;
        let health_factor = health_factor_down(weighted_value, debt_assets)?;
        if health_factor.0 >= in_code(WAD) {
            return Err(position_healthy(health_factor.0));
        }
        Ok(Self {
            position,
            params,
            index: usize::from(index),
            chosen,
            shares: BorrowShares::of(&position.debt),
            debt_assets,
            weighted_value,
            health_factor,
            all_collateral_repay: repay_for_collateral_up(
                chosen.balance,
                chosen.price,
                chosen.bonus,
            )?,
        })
    }

    fn borrow_shares(&self) -> U256 {
        self.position.debt.borrow_shares
    }

    /// Shares to burn for a request bounded by `max_repay_assets` (steps 3 to 6 of the docs).
    fn repaid_shares(&self, max_repay_assets: U256) -> Result<U256, LiquidationError> {
        let capped = min(
            min(max_repay_assets, self.close_factor_cap_assets()?),
            self.all_collateral_repay,
        );
        let mut shares = self.shares_within(capped)?;
        if keel_math::is_zero(shares) {
            shares = self.one_share_within(max_repay_assets)?;
        }
        if !self.leaves_dust(shares)? {
            return Ok(shares);
        }
        let full_repay = self.full_clearance_repay_assets()?;
        if full_repay <= max_repay_assets {
            return Ok(self.shares_within(full_repay)?);
        }
        match self.trimmed_to_dust_threshold(shares)? {
            trimmed if keel_math::is_zero(trimmed) => {
                Err(LiquidationError::from(LiquidationLeavesDust {
                    fullRepayAssets: full_repay,
                }))
            }
            trimmed => Ok(trimmed),
        }
    }

    /// Whether the whole debt may be repaid at once: `HF < fullLiquidationHf`, or the debt or
    /// the chosen collateral's value below `minPartialLiquidationValue`.
    fn full_liquidation_allowed(&self) -> Result<bool, MathError> {
        let min_partial = self.params.min_partial_liquidation_value;
        Ok(self.health_factor < self.params.full_liquidation_hf
            || self.debt_assets < min_partial
            || self.chosen.price.to_base_down(self.chosen.balance)? < min_partial)
    }

    /// `D` when a full liquidation is allowed, else `min(D, ceil(closeFactor * D))`.
    fn close_factor_cap_assets(&self) -> Result<U256, MathError> {
        if self.full_liquidation_allowed()? {
            return Ok(self.debt_assets);
        }
        Ok(min(
            self.debt_assets,
            self.params.close_factor.mul_up(self.debt_assets)?,
        ))
    }

    /// `min(borrow_shares, to_shares_down(min(assets, D)))`: the most debt a payment of
    /// `assets` clears. Clamping by `D = cost_up(borrow_shares)` changes nothing (any payment of
    /// at least `D` covers every share) and keeps the conversion of a huge bound from
    /// overflowing.
    fn shares_within(&self, assets: U256) -> Result<U256, MathError> {
        Ok(min(
            self.borrow_shares(),
            self.shares
                .max_shares_within(min(assets, self.debt_assets))?,
        ))
    }

    /// One share when the caps allow less than one share's cost but the request allows it.
    fn one_share_within(&self, max_repay_assets: U256) -> Result<U256, LiquidationError> {
        let one = U256::from(1);
        if self.shares.cost_up(one)? <= max_repay_assets {
            Ok(one)
        } else {
            Err(zero_repay())
        }
    }

    /// The smallest payment that clears the debt or seizes all of the chosen collateral:
    /// `D` if `R >= D`, else `cost_up(min_shares_reaching(R))` (the smallest achievable payment
    /// of at least `R`, at most `D`).
    fn full_clearance_repay_assets(&self) -> Result<U256, MathError> {
        if self.all_collateral_repay >= self.debt_assets {
            return Ok(self.debt_assets);
        }
        let shares = self.shares.min_shares_reaching(self.all_collateral_repay)?;
        self.shares.cost_up(min(self.borrow_shares(), shares))
    }

    /// Whether burning `shares` leaves both debt and chosen collateral, one of them below the
    /// dust threshold (remaining debt valued at the snapshot's share price, rounded up;
    /// remaining collateral valued at its price, rounded down).
    fn leaves_dust(&self, shares: U256) -> Result<bool, MathError> {
        let repaid = self.shares.cost_up(shares)?;
        if shares >= self.borrow_shares() || repaid >= self.all_collateral_repay {
            return Ok(false);
        }
        let dust = self.params.dust_threshold;
        let remaining_debt = self
            .shares
            .cost_up(checked_sub(self.borrow_shares(), shares)?)?;
        let seized = seized_collateral_down(repaid, self.chosen.price, self.chosen.bonus)?;
        let remaining_collateral = checked_sub(self.chosen.balance, seized)?;
        Ok(remaining_debt < dust || self.chosen.price.to_base_down(remaining_collateral)? < dust)
    }

    /// The largest share count up to `shares` that leaves the debt and the chosen collateral's
    /// value at or above the dust threshold (0 if there is none).
    fn trimmed_to_dust_threshold(&self, shares: U256) -> Result<U256, MathError> {
        let dust = self.params.dust_threshold;
        if dust > self.debt_assets {
            return Ok(U256::ZERO);
        }
        let dust_shares = self.shares.min_shares_reaching(dust)?;
        let debt_limit = zero_floor_sub(self.borrow_shares(), dust_shares);
        Ok(min(
            min(shares, debt_limit),
            self.shares_keeping_collateral_value()?,
        ))
    }

    /// The most shares whose seizure leaves at least `keep = to_collateral_up(dust)` of the
    /// chosen collateral: payments up to `repay_for_collateral_up(balance - keep + 1) - 1` seize
    /// at most `balance - keep`.
    fn shares_keeping_collateral_value(&self) -> Result<U256, MathError> {
        let chosen = self.chosen;
        let keep = chosen.price.to_collateral_up(self.params.dust_threshold)?;
        let Some(max_seized) = chosen.balance.checked_sub(keep) else {
            return Ok(U256::ZERO);
        };
        let first_excess = checked_add(max_seized, U256::from(1))?;
        let repay_limit = checked_sub(
            repay_for_collateral_up(first_excess, chosen.price, chosen.bonus)?,
            U256::from(1),
        )?;
        self.shares_within(repay_limit)
    }

    /// What burning `shares` repays, seizes and pays (steps 7 and 8 of the docs).
    fn amounts(&self, shares: U256) -> Result<LiquidationAmounts, MathError> {
        let chosen = self.chosen;
        let repaid_assets = self.shares.cost_up(shares)?;
        let seized = min(
            chosen.balance,
            seized_collateral_down(repaid_assets, chosen.price, chosen.bonus)?,
        );
        let fee = protocol_fee_collateral_up(seized, chosen.bonus, self.params.liquidation_fee)?;
        Ok(LiquidationAmounts {
            repaid_assets,
            repaid_shares: shares,
            seized_collateral: seized,
            protocol_fee_collateral: fee,
            liquidator_collateral: checked_sub(seized, fee)?,
        })
    }

    /// `amounts` with what they leave (step 9 of the docs).
    fn outcome(&self, amounts: LiquidationAmounts) -> Result<LiquidationOutcome, MathError> {
        let remaining_collateral = checked_sub(self.chosen.balance, amounts.seized_collateral)?;
        let debt = self.debt_after(
            amounts.repaid_shares,
            amounts.repaid_assets,
            remaining_collateral,
        )?;
        Ok(LiquidationOutcome {
            amounts,
            health_factor_before: self.health_factor,
            health_factor_after: health_factor_down(
                self.weighted_value_after(remaining_collateral)?,
                debt.remaining_assets,
            )?,
            remaining_collateral,
            remaining_debt_shares: debt.remaining_shares,
            remaining_debt_assets: debt.remaining_assets,
            bad_debt_shares: debt.bad_shares,
            bad_debt_assets: debt.bad_assets,
            total_borrow_assets_after: U256::from(debt.pool.assets),
            total_borrow_shares_after: U256::from(debt.pool.shares),
        })
    }

    /// `W - w(balance) + w(remaining)`: the LT-weighted value once the seizure is made.
    fn weighted_value_after(&self, remaining_collateral: U256) -> Result<U256, MathError> {
        let before = lt_weighted_value_down(&self.chosen)?;
        let after = lt_weighted_value_down(&CollateralSnapshot {
            balance: remaining_collateral,
            ..self.chosen
        })?;
        checked_add(checked_sub(self.weighted_value, before)?, after)
    }

    /// Whether the borrower still holds any collateral once `remaining_collateral` is left of
    /// the chosen one.
    fn holds_collateral_after(&self, remaining_collateral: U256) -> bool {
        !keel_math::is_zero(remaining_collateral)
            || self
                .position
                .collaterals
                .iter()
                .enumerate()
                .any(|(index, collateral)| {
                    index != self.index && !keel_math::is_zero(collateral.balance)
                })
    }

    /// The debt side after burning `shares` for `repaid_assets`, with the write-off of what is
    /// left when the borrower holds no collateral (as Morpho Blue realises bad debt). The
    /// borrow pool follows keel-debt's rules ([`Pool::after_repay`],
    /// [`Pool::bad_debt_assets`]), the ones the market applies when it executes the outcome.
    fn debt_after(
        &self,
        shares: U256,
        repaid_assets: U256,
        remaining_collateral: U256,
    ) -> Result<DebtAfter, MathError> {
        let debt = &self.position.debt;
        let pool = Pool {
            assets: to_u128(debt.total_borrow_assets)?,
            shares: to_u128(debt.total_borrow_shares)?,
        };
        let after = pool.after_repay(repaid_assets, to_u128(shares)?)?;
        let remaining_shares = to_u128(checked_sub(debt.borrow_shares, shares)?)?;
        let remaining_assets = after.to_assets_up(remaining_shares)?;
        if remaining_shares == 0 || self.holds_collateral_after(remaining_collateral) {
            return Ok(DebtAfter {
                remaining_shares: U256::from(remaining_shares),
                remaining_assets,
                bad_shares: U256::ZERO,
                bad_assets: U256::ZERO,
                pool: after,
            });
        }
        let bad_assets = after.bad_debt_assets(remaining_shares)?;
        Ok(DebtAfter {
            remaining_shares: U256::ZERO,
            remaining_assets: U256::ZERO,
            bad_shares: U256::from(remaining_shares),
            bad_assets,
            pool: after.after_repay(bad_assets, remaining_shares)?,
        })
    }
}

/// The borrower's debt and the market's borrow pool after the repayment and any write-off.
struct DebtAfter {
    remaining_shares: U256,
    remaining_assets: U256,
    bad_shares: U256,
    bad_assets: U256,
    pool: Pool,
}

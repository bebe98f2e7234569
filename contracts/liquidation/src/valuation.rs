//! Valuation: collateral values weighted by LT (or LTV), debt, health factor.
//!
//! These value the position inside the liquidation decision (and `previewLiquidation`'s
//! health factors before and after). Each collateral's term is keel-vault's
//! `weighted_value_down` (`floor(factor * floor(balance * price / 1e36))`), the term the
//! market's views (`value_position`) and LTV checks (`borrow_power_down`) sum too, so the
//! health factor a dapp sees is the one a liquidation acts on (keel-tests' liquidation tests
//! compare `healthFactorBefore` with the view's).

use keel_math::{checked_add, to_assets_up, w_div_down, MathError, Wad, U256};
use keel_vault::weighted_value_down;

use crate::{CollateralSnapshot, DebtSnapshot, PositionSnapshot};

/// `sum_i weighted_value_down(balance_i, price_i, LT_i)`: the collateral value that backs the
/// debt for liquidation purposes (the numerator of the health factor), base units.
///
/// # Errors
/// [`MathError::Overflow`] if a value or the sum does not fit in 256 bits.
pub fn liquidation_value_down(collaterals: &[CollateralSnapshot]) -> Result<U256, MathError> {
    collaterals.iter().try_fold(U256::ZERO, |sum, collateral| {
        checked_add(sum, lt_weighted_value_down(collateral)?)
    })
}

/// The LT-weighted value of one collateral snapshot, base units, rounded down.
pub(crate) fn lt_weighted_value_down(collateral: &CollateralSnapshot) -> Result<U256, MathError> {
    weighted_value_down(
        collateral.balance,
        collateral.price,
        collateral.liquidation_threshold,
    )
}

/// `floor(weighted_value * 1e18 / debt_assets)`: the health factor, WAD, rounded down (a lower
/// health factor is the cautious side). `U256::MAX` (infinite) when `debt_assets == 0`, and
/// saturated at `U256::MAX` when the ratio does not fit in 256 bits (such a position is healthy
/// whatever its exact ratio).
///
/// With `weighted_value` weighted by LTV instead of LT, the same ratio below 1.0 means the
/// position is over its borrowing limit.
///
/// # Errors
/// None in practice; the `Result` keeps the signature uniform with the other helpers.
pub fn health_factor_down(weighted_value: U256, debt_assets: U256) -> Result<Wad, MathError> {
    if keel_math::is_zero(debt_assets) {
        return Ok(Wad(U256::MAX));
    }
    match w_div_down(weighted_value, debt_assets) {
        Err(MathError::Overflow) => Ok(Wad(U256::MAX)),
        ratio => ratio.map(Wad),
    }
}

/// `to_assets_up(borrow_shares, total_borrow_assets, total_borrow_shares)`: the borrower's debt
/// in base units, rounded up.
///
/// # Errors
/// [`MathError::Overflow`] if a total plus its virtual offset, or the debt, exceeds 256 bits.
pub fn debt_assets_up(debt: &DebtSnapshot) -> Result<U256, MathError> {
    to_assets_up(
        debt.borrow_shares,
        debt.total_borrow_assets,
        debt.total_borrow_shares,
    )
}

impl PositionSnapshot<'_> {
    /// [`health_factor_down`] of [`liquidation_value_down`] over [`debt_assets_up`]. The
    /// position is liquidatable iff this is below 1.0 (`Wad::ONE`).
    ///
    /// # Errors
    /// [`MathError::Overflow`] if a value does not fit in 256 bits.
    pub fn health_factor_down(&self) -> Result<Wad, MathError> {
        health_factor_down(
            liquidation_value_down(self.collaterals)?,
            debt_assets_up(&self.debt)?,
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use super::*;
    use keel_math::WAD;

    fn wad_percent(percent: u64) -> Wad {
        Wad(U256::from(percent) * U256::from(10_000_000_000_000_000_u64))
    }

    #[test]
    fn health_factor_is_infinite_without_debt_and_saturates() {
        assert_eq!(
            health_factor_down(U256::from(5), U256::ZERO),
            Ok(Wad(U256::MAX))
        );
        assert_eq!(
            health_factor_down(U256::MAX, U256::from(1)),
            Ok(Wad(U256::MAX))
        );
        // 97 / 100 = 0.97.
        assert_eq!(
            health_factor_down(U256::from(97), U256::from(100)),
            Ok(wad_percent(97))
        );
        // 2 / 3 rounds down to 0.666..66.
        assert_eq!(
            health_factor_down(U256::from(2), U256::from(3)),
            Ok(Wad(U256::from(666_666_666_666_666_666_u64)))
        );
        assert_eq!(wad_percent(100).0, WAD);
    }

    #[test]
    fn debt_rounds_up() {
        // 1 share of a pool with 1 asset and 1e6 shares (+ offsets): ceil(1 * 2 / 2e6) = 1.
        let debt = DebtSnapshot {
            borrow_shares: U256::from(1),
            total_borrow_assets: U256::from(1),
            total_borrow_shares: U256::from(1_000_000),
        };
        assert_eq!(debt_assets_up(&debt), Ok(U256::from(1)));
    }
}

//! Pricing of a seizure: collateral for a repayment, repayment for collateral, protocol fee.
//!
//! Each is one `mul_div` of exact integers, so each rounds exactly once. With
//! `k = (1e18 + bonus) * 1e18` (that is `(1 + bonus) * 1e36`):
//!
//! - `seized_collateral_down(r) = floor(r * k / price)`,
//! - `repay_for_collateral_up(c) = ceil(c * price / k)`,
//!
//! and the two form a Galois connection: `seized_collateral_down(r) >= c` iff
//! `r >= repay_for_collateral_up(c)`. So `repay_for_collateral_up(c)` is the smallest repayment
//! that buys `c` units of collateral, and never less than its value divided by `1 + bonus`.

use keel_math::{
    checked_add, checked_mul, in_code, mul_div_down, mul_div_up, MathError, Price, Wad, U256, WAD,
};

/// `(1e18 + bonus) * 1e18`: the factor `1 + bonus` at the price scale 1e36.
fn bonus_price_scale(bonus: Wad) -> Result<U256, MathError> {
    let wad = in_code(WAD);
    checked_mul(checked_add(wad, bonus.0)?, wad)
}

/// `floor(repaid_assets * (1 + bonus) * 1e36 / price)`: the collateral bought by a repayment,
/// bonus included, rounded down (the liquidator takes less).
///
/// # Errors
/// [`MathError::DivisionByZero`] if the price is 0; [`MathError::Overflow`] if the result does
/// not fit in 256 bits.
pub fn seized_collateral_down(
    repaid_assets: U256,
    price: Price,
    bonus: Wad,
) -> Result<U256, MathError> {
    mul_div_down(repaid_assets, bonus_price_scale(bonus)?, price.0)
}

/// `ceil(collateral * price / ((1 + bonus) * 1e36))`: the smallest repayment whose seizure
/// reaches `collateral`, rounded up (the liquidator repays more).
///
/// # Errors
/// [`MathError::Overflow`] if the result does not fit in 256 bits.
pub fn repay_for_collateral_up(
    collateral: U256,
    price: Price,
    bonus: Wad,
) -> Result<U256, MathError> {
    mul_div_up(collateral, price.0, bonus_price_scale(bonus)?)
}

/// `ceil(seized * bonus * fee / ((1 + bonus) * 1e36))`: the protocol's share `fee` of the bonus
/// part `seized * bonus / (1 + bonus)` of a seizure, in collateral units, rounded up (the
/// liquidator receives less). At most `seized` whenever `fee <= 1`.
///
/// # Errors
/// [`MathError::Overflow`] if the result does not fit in 256 bits.
pub fn protocol_fee_collateral_up(
    seized_collateral: U256,
    bonus: Wad,
    liquidation_fee: Wad,
) -> Result<U256, MathError> {
    mul_div_up(
        seized_collateral,
        checked_mul(bonus.0, liquidation_fee.0)?,
        bonus_price_scale(bonus)?,
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use super::*;
    use keel_math::PRICE_SCALE;

    fn percent(value: u64) -> Wad {
        Wad(U256::from(value) * WAD / U256::from(100))
    }

    #[test]
    fn seizure_and_its_inverse_at_par() {
        let par = Price(PRICE_SCALE);
        // 100 base units at par with 5% bonus buy floor(105) = 105 units.
        assert_eq!(
            seized_collateral_down(U256::from(100), par, percent(5)),
            Ok(U256::from(105))
        );
        // 101 units need ceil(101 / 1.05) = ceil(96.19) = 97; 97 buys floor(101.85) = 101.
        assert_eq!(
            repay_for_collateral_up(U256::from(101), par, percent(5)),
            Ok(U256::from(97))
        );
        assert_eq!(
            seized_collateral_down(U256::from(96), par, percent(5)),
            Ok(U256::from(100)),
            "96 * 1.05 = 100.8 buys only 100 < 101"
        );
    }

    #[test]
    fn fee_rounds_up() {
        // Bonus part of 105 seized at 5%: 105 * 0.05 / 1.05 = 5; 10% of it = 0.5 -> 1.
        assert_eq!(
            protocol_fee_collateral_up(U256::from(105), percent(5), percent(10)),
            Ok(U256::from(1))
        );
        // 210 seized: bonus part 10, fee exactly 1.
        assert_eq!(
            protocol_fee_collateral_up(U256::from(210), percent(5), percent(10)),
            Ok(U256::from(1))
        );
        // No fee when the protocol's share is 0.
        assert_eq!(
            protocol_fee_collateral_up(U256::from(210), percent(5), Wad::ZERO),
            Ok(U256::ZERO)
        );
    }

    #[test]
    fn zero_price_cannot_be_seized() {
        assert_eq!(
            seized_collateral_down(U256::from(1), Price(U256::ZERO), percent(5)),
            Err(MathError::DivisionByZero)
        );
    }
}

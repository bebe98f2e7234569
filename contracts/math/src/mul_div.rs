//! `x * y / d` with a 512-bit intermediate, rounded down or up, and the WAD helpers built on it.

use alloy_primitives::U512;

use crate::{MathError, U256, WAD};

/// `floor(x * y / d)`; the product `x * y` is computed in 512 bits and never overflows.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`; [`MathError::Overflow`] if the quotient exceeds
/// `U256::MAX`.
pub fn mul_div_down(x: U256, y: U256, d: U256) -> Result<U256, MathError> {
    let (quotient, _) = mul_div_floor_with_remainder(x, y, d)?;
    Ok(quotient)
}

/// `ceil(x * y / d)`; the product `x * y` is computed in 512 bits and never overflows.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`; [`MathError::Overflow`] if the rounded-up
/// quotient exceeds `U256::MAX`.
pub fn mul_div_up(x: U256, y: U256, d: U256) -> Result<U256, MathError> {
    let (quotient, has_remainder) = mul_div_floor_with_remainder(x, y, d)?;
    if has_remainder {
        quotient
            .checked_add(U256::from(1))
            .ok_or(MathError::Overflow)
    } else {
        Ok(quotient)
    }
}

/// `floor(x * y / d)` and whether the division left a non-zero remainder.
fn mul_div_floor_with_remainder(x: U256, y: U256, d: U256) -> Result<(U256, bool), MathError> {
    if d.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    // Fast path: the product fits in 256 bits (the common case), one 256-bit division.
    if let Some(product) = x.checked_mul(y) {
        let (quotient, remainder) = product.div_rem(d);
        return Ok((quotient, !remainder.is_zero()));
    }
    let product: U512 = x.widening_mul(y);
    let (quotient, remainder) = product.div_rem(U512::from_limbs_slice(d.as_limbs()));
    let quotient =
        U256::checked_from_limbs_slice(quotient.as_limbs()).ok_or(MathError::Overflow)?;
    Ok((quotient, !remainder.is_zero()))
}

/// `floor(x * y / WAD)`: product of two WAD numbers (or an amount and a WAD factor), rounded
/// down.
///
/// # Errors
/// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
pub fn w_mul_down(x: U256, y: U256) -> Result<U256, MathError> {
    mul_div_down(x, y, WAD)
}

/// `ceil(x * y / WAD)`: product of two WAD numbers (or an amount and a WAD factor), rounded up.
///
/// # Errors
/// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
pub fn w_mul_up(x: U256, y: U256) -> Result<U256, MathError> {
    mul_div_up(x, y, WAD)
}

/// `floor(x * WAD / y)`: quotient of two values as a WAD number, rounded down.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `y == 0`; [`MathError::Overflow`] if the result exceeds
/// `U256::MAX`.
pub fn w_div_down(x: U256, y: U256) -> Result<U256, MathError> {
    mul_div_down(x, WAD, y)
}

/// `ceil(x * WAD / y)`: quotient of two values as a WAD number, rounded up.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `y == 0`; [`MathError::Overflow`] if the result exceeds
/// `U256::MAX`.
pub fn w_div_up(x: U256, y: U256) -> Result<U256, MathError> {
    mul_div_up(x, WAD, y)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use super::*;

    #[test]
    fn full_width_product_is_not_lost() {
        // (2^255) * 4 / 8 = 2^254 needs the 512-bit path.
        let half = U256::from(1) << 255;
        let expected = U256::from(1) << 254;
        assert_eq!(
            mul_div_down(half, U256::from(4), U256::from(8)),
            Ok(expected)
        );
        assert_eq!(mul_div_up(half, U256::from(4), U256::from(8)), Ok(expected));
    }

    #[test]
    fn max_times_max_over_max_is_max() {
        assert_eq!(mul_div_down(U256::MAX, U256::MAX, U256::MAX), Ok(U256::MAX));
        assert_eq!(mul_div_up(U256::MAX, U256::MAX, U256::MAX), Ok(U256::MAX));
    }

    #[test]
    fn quotient_past_max_is_an_overflow() {
        let almost = U256::MAX - U256::from(1);
        // MAX * MAX / (MAX - 1) = MAX + 1 + 1 / (MAX - 1).
        assert_eq!(
            mul_div_down(U256::MAX, U256::MAX, almost),
            Err(MathError::Overflow)
        );
        // (2^192 - 1)(2^192 + 1) / 2^128 = (2^384 - 1) / 2^128: floor is MAX, ceil is MAX + 1.
        let two_192 = U256::from(1) << 192;
        let (x, y) = (two_192 - U256::from(1), two_192 + U256::from(1));
        let d = U256::from(1) << 128;
        assert_eq!(mul_div_down(x, y, d), Ok(U256::MAX));
        assert_eq!(mul_div_up(x, y, d), Err(MathError::Overflow));
    }

    #[test]
    fn zero_divisor_is_an_error() {
        assert_eq!(
            mul_div_down(U256::from(1), U256::from(1), U256::ZERO),
            Err(MathError::DivisionByZero)
        );
        assert_eq!(
            w_div_up(U256::from(1), U256::ZERO),
            Err(MathError::DivisionByZero)
        );
    }

    #[test]
    fn wad_helpers_round_as_named() {
        let third = w_div_down(U256::from(1), U256::from(3)).unwrap();
        assert_eq!(third, U256::from(333_333_333_333_333_333_u64));
        assert_eq!(
            w_div_up(U256::from(1), U256::from(3)),
            Ok(third + U256::from(1))
        );
        assert_eq!(w_mul_down(third, U256::from(3)), Ok(U256::ZERO));
        assert_eq!(w_mul_up(third, U256::from(3)), Ok(U256::from(1)));
    }
}

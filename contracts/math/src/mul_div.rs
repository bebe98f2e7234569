//! `x * y / d` with a 512-bit intermediate, rounded down or up, and the WAD helpers built on it.

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
///
/// One division routine serves every width (code size: ruint's `div_rem` is instantiated per
/// limb count, about 11 KB of raw wasm each, 22 KB for the 256- and 512-bit divisions the
/// market used; a Stylus code account holds 24,576 bytes compressed, docs/DESIGN.md section 9).
fn mul_div_floor_with_remainder(x: U256, y: U256, d: U256) -> Result<(U256, bool), MathError> {
    let (lo, hi) = match x.checked_mul(y) {
        Some(product) => (product, U256::ZERO),
        None => {
            let product = x.widening_mul::<256, 4, 512, 8>(y);
            let limbs = product.as_limbs();
            (
                U256::from_limbs([limbs[0], limbs[1], limbs[2], limbs[3]]),
                U256::from_limbs([limbs[4], limbs[5], limbs[6], limbs[7]]),
            )
        }
    };
    div_wide(hi, lo, d)
}

/// `floor(x / d)`.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`.
pub fn div_down(x: U256, d: U256) -> Result<U256, MathError> {
    div_wide(U256::ZERO, x, d).map(|(quotient, _)| quotient)
}

/// `floor((hi * 2^256 + lo) / d)` and whether the remainder is non-zero, by binary long
/// division (restoring, one quotient bit per step, leading zero bits of `lo` skipped when `hi`
/// is zero). The remainder stays below `d` between steps; a shifted remainder that carries out
/// of 256 bits exceeds `d`, so the wrapping subtraction is exact.
fn div_wide(hi: U256, lo: U256, d: U256) -> Result<(U256, bool), MathError> {
    if d.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    if hi >= d {
        return Err(MathError::Overflow);
    }
    let (mut remainder, steps) = if hi.is_zero() {
        // The top `bit_len(d) - 1` bits of `lo` are below `d`: start with them.
        let (n, m) = (lo.bit_len(), d.bit_len());
        if n < m {
            return Ok((U256::ZERO, !lo.is_zero()));
        }
        let skipped = n.saturating_sub(m).saturating_add(1);
        (lo.wrapping_shr(skipped), skipped)
    } else {
        (hi, 256)
    };
    let mut quotient = U256::ZERO;
    for i in (0..steps).rev() {
        let carry = remainder.bit(255);
        remainder = remainder.wrapping_shl(1);
        if lo.bit(i) {
            remainder.set_bit(0, true);
        }
        if carry || remainder >= d {
            remainder = remainder.wrapping_sub(d);
            quotient.set_bit(i, true);
        }
    }
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
    fn div_down_floors_and_rejects_zero() {
        assert_eq!(div_down(U256::from(7), U256::from(2)), Ok(U256::from(3)));
        assert_eq!(div_down(U256::from(1), U256::from(2)), Ok(U256::ZERO));
        assert_eq!(div_down(U256::MAX, U256::MAX), Ok(U256::from(1)));
        assert_eq!(div_down(U256::MAX, U256::from(1)), Ok(U256::MAX));
        assert_eq!(div_down(U256::ZERO, U256::from(5)), Ok(U256::ZERO));
        assert_eq!(
            div_down(U256::from(1), U256::ZERO),
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

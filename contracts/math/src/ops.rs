//! Exact integer helpers: checked arithmetic with named errors, floors, min/max, narrowing.
//!
//! None of these round: each either returns the exact result or an error.

use crate::{checked_mul, MathError, U256};

/// `a + b`, exact.
///
/// # Errors
/// [`MathError::Overflow`] if the sum exceeds `U256::MAX`.
pub fn checked_add(a: U256, b: U256) -> Result<U256, MathError> {
    a.checked_add(b).ok_or(MathError::Overflow)
}

/// `a - b`, exact.
///
/// # Errors
/// [`MathError::Underflow`] if `b > a`.
pub fn checked_sub(a: U256, b: U256) -> Result<U256, MathError> {
    a.checked_sub(b).ok_or(MathError::Underflow)
}

/// `10^exponent`, exact (decimal scales of tokens and feeds).
///
/// Native `u128` powers of at most `10^38` each, so the usual exponents (below 39) take no
/// 256-bit multiplication at all (every price valuation computes two).
///
/// # Errors
/// [`MathError::Overflow`] if `exponent > 77`.
pub fn checked_pow10(exponent: u32) -> Result<U256, MathError> {
    /// The largest power of ten in a `u128`.
    const MAX_U128_EXPONENT: u32 = 38;
    // Called with exponents of at most 38 only: `checked_pow` never fails here.
    let power_u128 = |exponent: u32| U256::from(10_u128.checked_pow(exponent).unwrap_or(0));
    let mut power = power_u128(exponent.min(MAX_U128_EXPONENT));
    let mut rest = exponent.saturating_sub(MAX_U128_EXPONENT);
    while rest > 0 {
        let step = rest.min(MAX_U128_EXPONENT);
        power = checked_mul(power, power_u128(step))?;
        rest = rest.saturating_sub(step);
    }
    Ok(power)
}

/// `max(a - b, 0)`: subtraction that stops at zero instead of failing.
///
/// Use it only where a negative result really means "nothing left" (for example the part of a
/// debt not covered by reserves); use [`checked_sub`] where it would reveal a bug.
#[must_use]
pub fn zero_floor_sub(a: U256, b: U256) -> U256 {
    a.saturating_sub(b)
}

/// The smaller of `a` and `b`.
#[must_use]
pub fn min(a: U256, b: U256) -> U256 {
    core::cmp::min(a, b)
}

/// The larger of `a` and `b`.
#[must_use]
pub fn max(a: U256, b: U256) -> U256 {
    core::cmp::max(a, b)
}

/// Narrows `x` to the `u128` used in storage.
///
/// # Errors
/// [`MathError::ExceedsU128`] if `x > u128::MAX`.
pub fn to_u128(x: U256) -> Result<u128, MathError> {
    u128::try_from(x).map_err(|_| MathError::ExceedsU128)
}

//! Interest compounding: per-second compounding by exponentiation by squaring.

use crate::{checked_add, checked_sub, w_mul_down, MathError, U256, WAD};

/// Interest growth over `elapsed_seconds` at `rate_per_second_wad`, compounded every second:
/// `(1 + r)^t - 1` in WAD, rounded down.
///
/// Multiply a balance by the result (e.g. with [`crate::w_mul_down`]) to get the interest it
/// accrues. `(1 + r)^t` is computed exactly by square-and-multiply over the bits of `t`, each
/// step a [`w_mul_down`]; at most `2 * 64` steps, and about `2 * log2(t)` in general.
///
/// # Rounding and error
/// With `r` the rate as a real number (`rate_per_second_wad / 1e18`) and `t` the elapsed
/// seconds, the result `g` (as a real, `result / 1e18`) satisfies
///
/// ```text
/// e^(r t) - 1 - e^(r t) * t * (r^2 / 2 + 1e-18)  <=  g  <=  e^(r t) - 1
/// ```
///
/// that is, in WAD units the result is never above the exact continuous value and at most
/// `e^(r t) * t * (rate_per_second_wad^2 / 2e18 + 1)` wei below it. Two effects make up the
/// gap: per-second compounding itself (`(1 + r)^t >= e^(r t - t r^2 / 2)` because
/// `ln(1 + r) >= r - r^2 / 2`), and the `t - 1` units of rounding that the floors of the
/// square-and-multiply chain can add up to (each floor loses less than 1 wei on a value of
/// at least 1, and a loss at a step is raised to the power of the bits that follow). Relative
/// to the growth factor `e^(r t)`, the shortfall is below `1.6e-5` at 1,000% APR over 10 years
/// and below `2e-10` at 10% APR over a year. Rounding down never books more interest than the exact exponential; the same
/// factor grows debt and supply, so it moves no value between borrowers and lenders.
///
/// The result is non-decreasing in the rate. Unlike a truncated Taylor series, per-second
/// compounding is multiplicative: accruing `t1` then `t2` equals accruing `t1 + t2`, up to
/// rounding.
///
/// # Errors
/// [`MathError::Overflow`] if `WAD + rate_per_second_wad` or `(1 + r)^t` in WAD exceeds
/// `U256::MAX` (for per-second rates of realistic size: when `r t` exceeds about 136).
pub fn compounded_interest_wad(
    rate_per_second_wad: U256,
    elapsed_seconds: u64,
) -> Result<U256, MathError> {
    let growth_factor = w_pow_down(checked_add(WAD, rate_per_second_wad)?, elapsed_seconds)?;
    checked_sub(growth_factor, WAD)
}

/// `base^exponent` for a WAD `base >= WAD`, rounded down at every step.
///
/// Left-to-right square-and-multiply: every intermediate is `base` raised to a prefix of the
/// exponent's bits, so no intermediate exceeds the result and none overflows spuriously.
fn w_pow_down(base: U256, exponent: u64) -> Result<U256, MathError> {
    if exponent == 0 {
        return Ok(WAD);
    }
    let significant_bits = u64::BITS.saturating_sub(exponent.leading_zeros());
    let mut power = base;
    for bit in (0..significant_bits.saturating_sub(1)).rev() {
        power = w_mul_down(power, power)?;
        if is_bit_set(exponent, bit) {
            power = w_mul_down(power, base)?;
        }
    }
    Ok(power)
}

fn is_bit_set(value: u64, bit: u32) -> bool {
    value
        .checked_shr(bit)
        .is_some_and(|shifted| shifted & 1 == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_time_or_no_rate_accrues_nothing() {
        assert_eq!(
            compounded_interest_wad(U256::from(123_456_789), 0),
            Ok(U256::ZERO)
        );
        assert_eq!(
            compounded_interest_wad(U256::ZERO, u64::MAX),
            Ok(U256::ZERO)
        );
    }

    #[test]
    fn one_second_accrues_the_rate() {
        let rate = U256::from(3_170_979_198_u64); // about 10% APR
        assert_eq!(compounded_interest_wad(rate, 1), Ok(rate));
    }

    #[test]
    fn doubling_every_second_is_exact() {
        // (1 + 1)^10 - 1 = 1023: no rounding on powers of two in WAD.
        assert_eq!(
            compounded_interest_wad(WAD, 10),
            Ok(WAD.checked_mul(U256::from(1023)).unwrap())
        );
    }

    #[test]
    fn huge_growth_is_an_overflow_not_a_wrap() {
        assert_eq!(compounded_interest_wad(WAD, 256), Err(MathError::Overflow));
        assert_eq!(
            compounded_interest_wad(U256::MAX, 1),
            Err(MathError::Overflow)
        );
    }
}

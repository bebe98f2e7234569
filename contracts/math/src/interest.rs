//! Interest compounding: per-second compounding by exponentiation by squaring, saturating at a
//! caller's cap.

use crate::{checked_add, checked_mul, checked_sub, div_down, mul_div_down, MathError, U256, WAD};

/// `RAY / WAD` = 1e9.
const RAY_PER_WAD: U256 = U256::from_limbs([1_000_000_000, 0, 0, 0]);

/// Internal precision of the power: 1e27 ("ray"), i.e. WAD with nine more digits.
const RAY: U256 = match RAY_PER_WAD.checked_mul(WAD) {
    Some(ray) => ray,
    None => panic!("1e27 fits in 256 bits"),
};

/// Interest growth over `elapsed_seconds` at `rate_per_second_wad`, compounded every second
/// and saturating at `cap_wad`: `min((1 + r)^t - 1, cap_wad)` in WAD, rounded down.
///
/// Multiply a balance by the result (e.g. with [`crate::w_mul_down`]) to get the interest it
/// accrues. `(1 + r)^t` is computed by square-and-multiply over the bits of `t` at 1e27
/// precision, every step rounded down, then rounded down to WAD: one squaring per bit of `t`
/// after the first and one multiplication per further set bit, at most 126 steps (20 for a
/// day, 33 for a year).
///
/// # Saturation
/// Every step of the chain is at least the one before (the base is at least 1), so once an
/// intermediate power exceeds `1 + cap_wad`, or a step would exceed `U256`, the result is
/// `cap_wad` without computing further: exactly `min(chain, cap_wad)`, where `chain` is the
/// value the unbounded chain would give. Because the chain never exceeds the exact power, the
/// result never exceeds the exact growth either. A caller passes the growth at which its
/// totals would stop being representable (keel-debt's accrual), so a market left untouched
/// for centuries at the highest rate accrues up to that ceiling instead of failing; pass
/// `U256::MAX` for no cap.
///
/// # Rounding and error
/// With `r` the rate as a real number (`rate_per_second_wad / 1e18`), `t` the elapsed seconds
/// and `g` the unsaturated result as a real (`result / 1e18`):
///
/// ```text
/// e^(r t) - 1 - e^(r t) * (t r^2 / 2 + (t - 1) * 1e-27) - 1e-18  <=  g  <=  e^(r t) - 1
/// ```
///
/// So the result is never above the exact continuous value, and in WAD units at most
/// `e^(r t) * (t * rate_per_second_wad^2 / 2e18 + (t - 1) / 1e9) + 1` wei below it. The gap has
/// three parts: per-second compounding itself (`(1 + r)^t >= e^(r t - t r^2 / 2)` because
/// `ln(1 + r) >= r - r^2 / 2`); the floors of the square-and-multiply chain, each losing less
/// than `1e-27` of a value of at least 1, which add up to at most `t - 1` such losses (a loss
/// at a step is raised to the power of the bits that follow); and the final floor to WAD.
/// Relative to the growth factor `e^(r t)` the shortfall is below `1.6e-5` at 1,000% APR over
/// 10 years and below `1.6e-10` at 10% APR over a year. Rounding down never books more
/// interest than the exact exponential; the same factor grows debt and supply, so it moves no
/// value between borrowers and lenders.
///
/// # Monotonicity
/// Non-decreasing in the rate and in the cap (the same steps on larger inputs). Non-decreasing
/// in the elapsed time up to `1e9` seconds (about 31 years): at a non-zero rate, growing `t` by
/// `d` raises `(1 + r)^t` by at least a factor `1 + d * 1e-18`, more than the relative
/// `(t + d) * 1e-27` that the floors of the longer chain can take; at a zero rate the result is
/// always 0.
///
/// Unlike a truncated Taylor series, per-second compounding is multiplicative in exact
/// arithmetic (`(1 + r)^(t1 + t2) = (1 + r)^t1 * (1 + r)^t2`), so how often interest is accrued
/// changes the total only by the rounding above: a few wei plus `(t1 + t2) * 1e-27` relative.
///
/// # Errors
/// [`MathError::Overflow`] only if `(WAD + rate_per_second_wad) * 1e9` overflows (a rate of
/// about `1e59` per second; Keel's rates are at most `3.2e11`).
pub fn compounded_interest_wad(
    rate_per_second_wad: U256,
    elapsed_seconds: u64,
    cap_wad: U256,
) -> Result<U256, MathError> {
    let base_ray = checked_mul(checked_add(WAD, rate_per_second_wad)?, RAY_PER_WAD)?;
    let cap_ray = WAD.saturating_add(cap_wad).saturating_mul(RAY_PER_WAD);
    let Some(growth_ray) = ray_pow_down_below(base_ray, elapsed_seconds, cap_ray) else {
        return Ok(cap_wad);
    };
    let growth_wad = checked_sub(div_down(growth_ray, RAY_PER_WAD)?, WAD)?;
    Ok(growth_wad.min(cap_wad))
}

/// `base^exponent` for a ray (1e27-scaled) `base >= RAY`, rounded down at every step, or
/// `None` as soon as an intermediate exceeds `cap` or `U256`.
///
/// Left-to-right square-and-multiply: every intermediate is `base` raised to a prefix of the
/// exponent's bits, so no intermediate exceeds the result and none overflows spuriously.
fn ray_pow_down_below(base: U256, exponent: u64, cap: U256) -> Option<U256> {
    if exponent == 0 {
        return Some(RAY);
    }
    let significant_bits = u64::BITS.saturating_sub(exponent.leading_zeros());
    let below_cap = |power: U256| (power <= cap).then_some(power);
    let mut power = below_cap(base)?;
    for bit in (0..significant_bits.saturating_sub(1)).rev() {
        power = below_cap(mul_div_down(power, power, RAY).ok()?)?;
        if is_bit_set(exponent, bit) {
            power = below_cap(mul_div_down(power, base, RAY).ok()?)?;
        }
    }
    Some(power)
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
    fn ray_is_1e27() {
        assert_eq!(RAY, U256::from(10_u128.pow(27)));
    }

    #[test]
    fn no_time_or_no_rate_accrues_nothing() {
        assert_eq!(
            compounded_interest_wad(U256::from(123_456_789), 0, U256::MAX),
            Ok(U256::ZERO)
        );
        assert_eq!(
            compounded_interest_wad(U256::ZERO, u64::MAX, U256::MAX),
            Ok(U256::ZERO)
        );
    }

    #[test]
    fn one_second_accrues_the_rate() {
        let rate = U256::from(3_170_979_198_u64); // about 10% APR
        assert_eq!(compounded_interest_wad(rate, 1, U256::MAX), Ok(rate));
    }

    #[test]
    fn doubling_every_second_is_exact() {
        // (1 + 1)^10 - 1 = 1023: no rounding on powers of two in WAD.
        assert_eq!(
            compounded_interest_wad(WAD, 10, U256::MAX),
            Ok(WAD.checked_mul(U256::from(1023)).unwrap())
        );
    }

    #[test]
    fn huge_growth_saturates_at_the_cap_never_wraps() {
        // 2^256 - 1 would need 256 doublings: the chain leaves U256 first.
        assert_eq!(compounded_interest_wad(WAD, 256, U256::MAX), Ok(U256::MAX));
        let cap = WAD.checked_mul(U256::from(1_000)).unwrap();
        // (1 + 1)^10 - 1 = 1023 > 1000: capped; 2^9 - 1 = 511 is not.
        assert_eq!(compounded_interest_wad(WAD, 10, cap), Ok(cap));
        assert_eq!(
            compounded_interest_wad(WAD, 9, cap),
            Ok(WAD.checked_mul(U256::from(511)).unwrap())
        );
        // A thousand years at 1,000% APR, capped well inside U256.
        let max_rate = U256::from(317_097_919_837_u64);
        let thousand_years = 31_536_000_000;
        assert_eq!(
            compounded_interest_wad(max_rate, thousand_years, cap),
            Ok(cap)
        );
        assert_eq!(
            compounded_interest_wad(U256::MAX, 1, U256::MAX),
            Err(MathError::Overflow)
        );
    }
}

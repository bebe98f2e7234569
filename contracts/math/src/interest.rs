//! Interest compounding: per-second compounding by exponentiation by squaring in Q96 fixed
//! point, saturating at a caller's cap.

use crate::mul_div::q96_mul_down;
use crate::{checked_add, checked_sub, in_code, mul_div_down, MathError, U256, WAD};

/// The power's fixed-point one: `2^96` (Q96). A product of two Q96 numbers is divided by a
/// power of two, which [`q96_mul_down`] does without a division: the squarings cost about
/// half the ink they cost at 1e27 (a decimal scale needs a long division per product).
const Q96_ONE: U256 = U256::from_limbs([0, 1 << 32, 0, 0]);

/// Interest growth over `elapsed_seconds` at `rate_per_second_wad`, compounded every second
/// and saturating at `cap_wad`: `min((1 + r)^t - 1, cap_wad)` in WAD, rounded down.
///
/// Multiply a balance by the result (e.g. with [`crate::w_mul_down`]) to get the interest it
/// accrues. `1 + r` is converted to Q96 fixed point (one is `2^96`) rounding down,
/// `(1 + r)^t` is computed by square-and-multiply over the bits of `t`, every product
/// rounded down, and the power is converted back to WAD rounding down: one squaring per bit
/// of `t` after the first and one multiplication per further set bit, at most 126 steps (20
/// for a day, 33 for a year).
///
/// # Saturation
/// The result is `min(chain, cap_wad)`, where `chain` is the growth the steps above give and
/// counts as unbounded when a step leaves `U256` (every step is at least the one before: the
/// base is at least one). Because the chain never exceeds the exact power, the result never
/// exceeds the exact growth either. A caller passes the growth at which its totals would stop
/// being representable (keel-debt's accrual), so a market left untouched for centuries at the
/// highest rate accrues up to that ceiling instead of failing; pass `U256::MAX` for no cap.
///
/// # Rounding and error
/// With `r` the rate as a real number (`rate_per_second_wad / 1e18`), `t` the elapsed seconds
/// and `g` the unsaturated result as a real (`result / 1e18`):
///
/// ```text
/// e^(r t) - 1 - e^(r t) * (t r^2 / 2 + t * 2^-95) - 1e-18  <=  g  <=  e^(r t) - 1
/// ```
///
/// So the result is never above the exact continuous value, and in WAD units at most
/// `e^(r t) * (t * rate_per_second_wad^2 / 2e18 + t * 1e18 / 2^95) + 1` wei below it. The gap
/// has four parts: per-second compounding itself (`(1 + r)^t >= e^(r t - t r^2 / 2)` because
/// `ln(1 + r) >= r - r^2 / 2`); the base's conversion to Q96, below `1 + r` by less than
/// `2^-96`, which the power raises to at most `t * 2^-96` relative; the floors of the chain,
/// each losing less than `2^-96` of a value of at least 1, which add up to at most `t - 1`
/// such losses (a loss at a step is raised to the power of the bits that follow); and the
/// final floor to WAD. (One second at a rate `r` therefore accrues `r` or, when `r * 2^96` is
/// not a multiple of `1e18`, one wei of WAD less.) Relative to the growth factor `e^(r t)` the
/// shortfall is below `1.6e-5` at 1,000% APR over 10 years and below `1.6e-10` at 10% APR
/// over a year. Rounding down never books more interest than the exact exponential; the same
/// factor grows debt and supply, so it moves no value between borrowers and lenders.
///
/// # Monotonicity
/// Non-decreasing in the rate and in the cap (the same steps on larger inputs). Non-decreasing
/// in the elapsed time up to `1e9` seconds (about 31 years): at a non-zero rate, growing `t` by
/// `d` raises the Q96 power by at least a factor `1 + d * 0.99e-18` (the smallest rate, one
/// wei, converts to more than `0.99e-18`), more than the relative `(t + d) * 2^-96` that the
/// floors of the longer chain can take; at a zero rate the result is always 0.
///
/// Unlike a truncated Taylor series, per-second compounding is multiplicative in exact
/// arithmetic (`(1 + r)^(t1 + t2) = (1 + r)^t1 * (1 + r)^t2`), so how often interest is accrued
/// changes the total only by the rounding above: a few wei plus `(t1 + t2) * 2^-95` relative.
///
/// # Errors
/// [`MathError::Overflow`] only if `1 + r` does not fit Q96 in 256 bits (a rate above about
/// `1.4e66` per second; Keel's rates are at most `3.2e11`).
pub fn compounded_interest_wad(
    rate_per_second_wad: U256,
    elapsed_seconds: u64,
    cap_wad: U256,
) -> Result<U256, MathError> {
    let (q96_one, wad) = (in_code(Q96_ONE), in_code(WAD));
    let base = checked_add(q96_one, mul_div_down(rate_per_second_wad, q96_one, wad)?)?;
    let Some(power) = q96_pow_down(base, elapsed_seconds) else {
        return Ok(cap_wad);
    };
    // A power of at most `U256::MAX` is below `2^160` in WAD: the conversion fits.
    let growth_wad = checked_sub(q96_mul_down(power, wad)?, wad)?;
    Ok(growth_wad.min(cap_wad))
}

/// `base^exponent` for a Q96 `base >= 2^96`, rounded down at every step, or `None` as soon as
/// a step leaves `U256`.
///
/// Left-to-right square-and-multiply: every intermediate is `base` raised to a prefix of the
/// exponent's bits, so no intermediate exceeds the result and none overflows spuriously.
fn q96_pow_down(base: U256, exponent: u64) -> Option<U256> {
    if exponent == 0 {
        return Some(in_code(Q96_ONE));
    }
    let significant_bits = u64::BITS.saturating_sub(exponent.leading_zeros());
    let mut power = base;
    for bit in (0..significant_bits.saturating_sub(1)).rev() {
        power = q96_mul_down(power, power).ok()?;
        if is_bit_set(exponent, bit) {
            power = q96_mul_down(power, base).ok()?;
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
    fn q96_one_is_2_to_the_96() {
        assert_eq!(Q96_ONE, U256::from(1) << 96);
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
    fn one_second_accrues_the_rate_or_one_wei_less() {
        // About 10% APR: `r * 2^96` is not a multiple of 1e18, so the base's conversion to
        // Q96 rounds down and the floor to WAD takes the one wei.
        let rate = U256::from(3_170_979_198_u64);
        assert_eq!(
            compounded_interest_wad(rate, 1, U256::MAX),
            Ok(rate - U256::from(1))
        );
        // 5^18 wei per second: `r * 2^96 / 1e18 = 2^78` exactly.
        let exact = U256::from(3_814_697_265_625_u64);
        assert_eq!(compounded_interest_wad(exact, 1, U256::MAX), Ok(exact));
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

//! `x * y / d` with a 512-bit intermediate, rounded down or up, and the WAD helpers built on it.

use core::num::{NonZeroU32, NonZeroU64};

use crate::{in_code, MathError, U256, WAD};

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
/// The product is computed in 64-bit limbs ([`multiply`]: only the operands' significant
/// limbs; amounts and WAD factors are one or two limbs each) and divided in base-`2^32`
/// digits by [`long_division`]. One non-generic routine on fixed arrays serves every width
/// and both rounding directions: no heap, one copy of the code in every program (ruint's
/// `div_rem` is instantiated per limb count, several KB of wasm each, and its 256-bit
/// multiplication costs more ink than the limb products it replaces).
fn mul_div_floor_with_remainder(x: U256, y: U256, d: U256) -> Result<(U256, bool), MathError> {
    let n = digit_count(d);
    if n == 0 {
        return Err(MathError::DivisionByZero);
    }
    let mut v = to_digits(&d);
    // The product, with one spare digit for the division's normalisation.
    let mut u = [0u32; 17];
    let m = product_digits(multiply(&x, &y), &mut u);
    let mut q = [0u32; 16];
    let has_remainder = long_division(&mut u, m, &mut v[..n], &mut q);
    // The quotient has at most `m - n + 1` digits; more than eight do not fit 256 bits.
    let quotient_digits = m.saturating_sub(n).wrapping_add(1).min(16);
    if quotient_digits > 8 && significant_digits(&q[8..quotient_digits]) > 0 {
        return Err(MathError::Overflow);
    }
    Ok((from_digits(&q), has_remainder))
}

/// `floor(x * y / 2^96)`: the product of two Q96 fixed-point numbers (one is `2^96`), or of
/// a Q96 number and an integer, rounded down. The divisor is a power of two, so the quotient
/// is the 512-bit product without its low 96 bits: no division at all
/// (the compounding's squarings, `interest.rs`, are most of an accrual's multiplications).
///
/// # Errors
/// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
pub(crate) fn q96_mul_down(x: U256, y: U256) -> Result<U256, MathError> {
    let (p, _) = multiply(&x, &y);
    // Bits 96..352 of the product are the result; any bit above them overflows.
    if p[5] >> 32 != 0 || p[6] != 0 || p[7] != 0 {
        return Err(MathError::Overflow);
    }
    Ok(U256::from_limbs([
        (p[1] >> 32) | (p[2] << 32),
        (p[2] >> 32) | (p[3] << 32),
        (p[3] >> 32) | (p[4] << 32),
        (p[4] >> 32) | (p[5] << 32),
    ]))
}

/// `a * b`, exact (no scaling; for WAD products use [`crate::w_mul_down`] or
/// [`crate::w_mul_up`]). The limb product of [`mul_div_down`] with its high half checked:
/// one multiplication routine in every program instead of ruint's `checked_mul` beside it.
///
/// # Errors
/// [`MathError::Overflow`] if the product exceeds `U256::MAX`.
pub fn checked_mul(a: U256, b: U256) -> Result<U256, MathError> {
    let (p, _) = multiply(&a, &b);
    if p[4] | p[5] | p[6] | p[7] != 0 {
        return Err(MathError::Overflow);
    }
    Ok(U256::from_limbs([p[0], p[1], p[2], p[3]]))
}

/// Number of 64-bit limbs of `value` up to its most significant non-zero one.
fn limb_count(value: &U256) -> usize {
    value.bit_len().div_ceil(64)
}

/// Number of base-`2^32` digits of `value` up to its most significant non-zero one.
fn digit_count(value: U256) -> usize {
    value.bit_len().div_ceil(DIGIT_BITS as usize)
}

/// `floor(x / d)`.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`.
pub fn div_down(x: U256, d: U256) -> Result<U256, MathError> {
    mul_div_down(x, U256::from(1), d)
}

/// `(floor(x / d), x mod d)` for a divisor below `2^32`: one native 64-bit division per
/// 32-bit digit of `x`, no normalisation (accrual's split of interest into whole units and
/// nano-units).
#[must_use]
#[inline(never)]
pub fn div_rem_u32(x: U256, d: NonZeroU32) -> (U256, u32) {
    let mut q = [0u32; 16];
    let remainder = short_division(&to_digits(&x), NonZeroU64::from(d), &mut q);
    // Below `d`, so below `2^32`.
    (from_digits(&q), remainder as u32)
}

/// Digits of the long division: 32 bits, so that every digit product and every two-digit
/// dividend fits a `u64` and the quotient estimate is one native 64-bit division (wasm has
/// `i64.div_u`; a 128-bit division would call a software routine).
const DIGIT_BITS: u32 = 32;

/// `x * y` in 64-bit limbs, least significant first, and its number of significant limbs.
/// Only the significant limbs of `x` and
/// `y` are multiplied, each pair by [`wide_mul`] in locals: on wasm a branch costs about as
/// much ink as a load or store, and multiplying 64-bit limbs instead of 32-bit digits does a
/// quarter of the loads, stores and loop branches for the same product (most of an
/// accrual's ink is here).
fn multiply(x: &U256, y: &U256) -> ([u64; 8], usize) {
    let (x, y) = (
        &x.as_limbs()[..limb_count(x)],
        &y.as_limbs()[..limb_count(y)],
    );
    let mut product = [0u64; 8];
    if x.is_empty() || y.is_empty() {
        return (product, 0);
    }
    let mut i: usize = 0;
    while i < x.len() {
        let mut carry = 0u64;
        let mut j: usize = 0;
        while j < y.len() {
            let k = i.wrapping_add(j);
            // `x_i * y_j + product_k + carry <= (2^64 - 1)^2 + 2 (2^64 - 1) = 2^128 - 1`: the
            // high limb plus both carries cannot overflow.
            let (low, high) = wide_mul(x[i], y[j]);
            let (sum, carry_a) = low.overflowing_add(product[k]);
            let (sum, carry_b) = sum.overflowing_add(carry);
            product[k] = sum;
            carry = high
                .wrapping_add(u64::from(carry_a))
                .wrapping_add(u64::from(carry_b));
            j = j.wrapping_add(1);
        }
        product[i.wrapping_add(y.len())] = carry;
        i = i.wrapping_add(1);
    }
    // Non-zero factors of `a` and `b` limbs make a product of `a + b - 1` or `a + b`.
    let limbs = x.len().wrapping_add(y.len());
    match product.get(limbs.wrapping_sub(1)) {
        Some(0) => (product, limbs.wrapping_sub(1)),
        _ => (product, limbs),
    }
}

/// The 128-bit product `a * b` as `(low, high)` limbs, from four 32-by-32-bit products (a
/// `u128` product would call compiler-builtins' `__multi3`).
#[inline(always)]
fn wide_mul(a: u64, b: u64) -> (u64, u64) {
    const LOW: u64 = u32::MAX as u64;
    let (a0, a1, b0, b1) = (a & LOW, a >> 32, b & LOW, b >> 32);
    // Each partial product is below 2^64; `middle` is below 3 * 2^32.
    let (p00, p01, p10, p11) = (
        a0.wrapping_mul(b0),
        a0.wrapping_mul(b1),
        a1.wrapping_mul(b0),
        a1.wrapping_mul(b1),
    );
    let middle = (p00 >> 32).wrapping_add(p01 & LOW).wrapping_add(p10 & LOW);
    let low = (p00 & LOW) | (middle << 32);
    let high = p11
        .wrapping_add(p01 >> 32)
        .wrapping_add(p10 >> 32)
        .wrapping_add(middle >> 32);
    (low, high)
}

/// The base-`2^32` digits of the low `limbs` limbs of a product (its significant ones) into
/// `digits` (zeroed); returns the number of significant digits.
fn product_digits((product, limbs): ([u64; 8], usize), digits: &mut [u32; 17]) -> usize {
    let mut index: usize = 0;
    while index < limbs && index < 8 {
        digits[index.wrapping_mul(2)] = product[index] as u32;
        digits[index.wrapping_mul(2).wrapping_add(1)] = (product[index] >> DIGIT_BITS) as u32;
        index = index.wrapping_add(1);
    }
    // The top limb is non-zero: its high digit may be zero, not both.
    match digits.get(index.wrapping_mul(2).wrapping_sub(1)) {
        Some(0) => index.wrapping_mul(2).wrapping_sub(1),
        Some(_) => index.wrapping_mul(2),
        None => 0,
    }
}

/// `floor(u / v)` into `q` and whether the remainder is non-zero, by schoolbook long
/// division in base `2^32` (Knuth, TAOCP vol. 2, 4.3.1, algorithm D): one quotient digit per
/// step, estimated from the top two digits of the partial remainder and the top digit of the
/// normalised divisor, corrected with the next divisor digit (then at most one too large),
/// and fixed by one add-back in the rare case it still is. A 512-by-256-bit division takes
/// at most 9 steps of 8 digit products, instead of 256 shift-and-subtract steps of 256-bit
/// values; a divisor of one digit takes the short path.
///
/// `u` holds the `m` significant digits of the dividend and a spare digit above them; `v`
/// is the divisor's significant digits (at least one; `u` and `v` are overwritten).
fn long_division(u: &mut [u32; 17], m: usize, v: &mut [u32], q: &mut [u32; 16]) -> bool {
    let n = v.len();
    if m < n {
        // The dividend is below the divisor.
        return m > 0;
    }
    // The top digit of the divisor is non-zero (`v` holds its significant digits).
    let top_divisor = NonZeroU64::new(u64::from(v[n.wrapping_sub(1)])).unwrap_or(NonZeroU64::MIN);
    if n == 1 {
        return short_division(&u[..m], top_divisor, q) != 0;
    }
    // Normalise: the divisor's top digit gets its top bit set, which bounds the estimate's
    // error; the dividend is shifted alike into its spare digit.
    let shift = top_divisor.leading_zeros().wrapping_sub(DIGIT_BITS);
    shift_left(v, shift);
    u[m] = shift_left(&mut u[..m], shift);
    let mut j = m.wrapping_sub(n).wrapping_add(1);
    while j > 0 {
        j = j.wrapping_sub(1);
        q[j] = quotient_digit(&mut u[j..=j.wrapping_add(n)], v);
    }
    significant_digits(&u[..n]) != 0
}

/// One step of algorithm D: the quotient digit of the `n + 1`-digit partial remainder `u` by
/// the normalised `n`-digit divisor `v` (`n >= 2`, `u`'s top digits below `v`), leaving the
/// new partial remainder in `u`.
fn quotient_digit(u: &mut [u32], v: &[u32]) -> u32 {
    let n = v.len();
    // Normalised: the top digit has its top bit set.
    let top_divisor = NonZeroU64::new(u64::from(v[n.wrapping_sub(1)])).unwrap_or(NonZeroU64::MAX);
    let next_divisor = u64::from(v[n.wrapping_sub(2)]);
    let top = two_digits(u[n], u[n.wrapping_sub(1)]);
    // `u[n] <= v[n - 1]`, so the estimate is at most 2^32 and at most two too large.
    let mut estimate = top / top_divisor;
    let mut rest = top % top_divisor;
    while estimate > u64::from(u32::MAX)
        || estimate.wrapping_mul(next_divisor) > two_digits_u64(rest, u[n.wrapping_sub(2)])
    {
        estimate = estimate.wrapping_sub(1);
        rest = rest.wrapping_add(top_divisor.get());
        if rest > u64::from(u32::MAX) {
            break;
        }
    }
    // Multiply and subtract: u -= estimate * v, digit by digit with a signed borrow (each
    // intermediate lies in (-2^33, 2^33)).
    // Index loops, as in the conversions below.
    let mut borrow: i64 = 0;
    let mut i: usize = 0;
    while i < n {
        let product = estimate.wrapping_mul(u64::from(v[i]));
        let t = i64::from(u[i])
            .wrapping_sub(borrow)
            .wrapping_sub(low_digit(product));
        u[i] = t as u32;
        borrow = high_digit(product).wrapping_sub(t.wrapping_shr(DIGIT_BITS));
        i = i.wrapping_add(1);
    }
    let t = i64::from(u[n]).wrapping_sub(borrow);
    u[n] = t as u32;
    if t >= 0 {
        return estimate as u32;
    }
    // The estimate was one too large (probability about 2^-31): add the divisor back.
    let mut carry: u64 = 0;
    let mut i: usize = 0;
    while i < n {
        let sum = u64::from(u[i])
            .wrapping_add(u64::from(v[i]))
            .wrapping_add(carry);
        u[i] = sum as u32;
        carry = sum.wrapping_shr(DIGIT_BITS);
        i = i.wrapping_add(1);
    }
    u[n] = u[n].wrapping_add(carry as u32);
    estimate.wrapping_sub(1) as u32
}

/// `digits / divisor` for a one-digit `divisor`, quotient digits into `q`; returns the
/// remainder. Each step divides a value below `divisor * 2^32`, so its quotient is one digit.
fn short_division(digits: &[u32], divisor: NonZeroU64, q: &mut [u32; 16]) -> u64 {
    let mut remainder = 0u64;
    for (index, &digit) in digits.iter().enumerate().rev() {
        let current = two_digits_u64(remainder, digit);
        q[index] = (current / divisor) as u32;
        remainder = current % divisor;
    }
    remainder
}

/// Shifts `digits` left by `shift < 32` bits in place; returns the bits shifted out.
fn shift_left(digits: &mut [u32], shift: u32) -> u32 {
    if shift == 0 {
        return 0;
    }
    let mut carry = 0u32;
    for digit in digits.iter_mut() {
        let shifted = digit.wrapping_shl(shift) | carry;
        carry = digit.wrapping_shr(DIGIT_BITS.wrapping_sub(shift));
        *digit = shifted;
    }
    carry
}

/// `high * 2^32 + low`.
fn two_digits(high: u32, low: u32) -> u64 {
    two_digits_u64(u64::from(high), low)
}

/// `high * 2^32 + low` for `high < 2^32`.
fn two_digits_u64(high: u64, low: u32) -> u64 {
    high.wrapping_shl(DIGIT_BITS) | u64::from(low)
}

/// The low digit of `value`, as a signed 64-bit number.
fn low_digit(value: u64) -> i64 {
    i64::from(value as u32)
}

/// The high digit of `value`, as a signed 64-bit number.
fn high_digit(value: u64) -> i64 {
    i64::from((value >> DIGIT_BITS) as u32)
}

// The conversions below are plain index loops or none at all: with iterator
// adapters (`zip`, `chunks_exact`, `rposition`) the size-optimised wasm kept
// the adapters as calls, which made them a third of a mul_div's ink
// (`keel gas --profile`).

/// Number of digits up to the most significant non-zero one (0 for zero).
fn significant_digits(digits: &[u32]) -> usize {
    let mut count = digits.len();
    while count > 0 && digits[count.wrapping_sub(1)] == 0 {
        count = count.wrapping_sub(1);
    }
    count
}

/// The eight base-`2^32` digits of `value`, least significant first (no loop and no
/// index: this runs three times per mul_div).
fn to_digits(value: &U256) -> [u32; 8] {
    let [a, b, c, d] = *value.as_limbs();
    let high = |limb: u64| (limb >> DIGIT_BITS) as u32;
    [
        a as u32,
        high(a),
        b as u32,
        high(b),
        c as u32,
        high(c),
        d as u32,
        high(d),
    ]
}

/// The `U256` of the low eight digits (a quotient that fits 256 bits: `hi < d`).
fn from_digits(digits: &[u32; 16]) -> U256 {
    let mut limbs = [0u64; 4];
    let mut index: usize = 0;
    while index < 4 {
        let low = digits[index.wrapping_mul(2)];
        limbs[index] = two_digits(digits[index.wrapping_mul(2).wrapping_add(1)], low);
        index = index.wrapping_add(1);
    }
    U256::from_limbs(limbs)
}

/// `floor(x * y / WAD)`: product of two WAD numbers (or an amount and a WAD factor), rounded
/// down.
///
/// # Errors
/// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
pub fn w_mul_down(x: U256, y: U256) -> Result<U256, MathError> {
    mul_div_down(x, y, in_code(WAD))
}

/// `ceil(x * y / WAD)`: product of two WAD numbers (or an amount and a WAD factor), rounded up.
///
/// # Errors
/// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
pub fn w_mul_up(x: U256, y: U256) -> Result<U256, MathError> {
    mul_div_up(x, y, in_code(WAD))
}

/// `floor(x * WAD / y)`: quotient of two values as a WAD number, rounded down.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `y == 0`; [`MathError::Overflow`] if the result exceeds
/// `U256::MAX`.
pub fn w_div_down(x: U256, y: U256) -> Result<U256, MathError> {
    mul_div_down(x, in_code(WAD), y)
}

/// `ceil(x * WAD / y)`: quotient of two values as a WAD number, rounded up.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `y == 0`; [`MathError::Overflow`] if the result exceeds
/// `U256::MAX`.
pub fn w_div_up(x: U256, y: U256) -> Result<U256, MathError> {
    mul_div_up(x, in_code(WAD), y)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use super::*;
    use alloy_primitives::ruint::UintTryFrom;
    use alloy_primitives::U512;

    #[test]
    fn checked_mul_overflows_exactly_past_256_bits() {
        let two_128 = U256::from(1) << 128;
        let below = two_128 - U256::from(1);
        // (2^128 - 1)(2^128 + 1) = 2^256 - 1 fits; 2^128 * 2^128 does not.
        assert_eq!(checked_mul(below, two_128 + U256::from(1)), Ok(U256::MAX));
        assert_eq!(checked_mul(two_128, two_128), Err(MathError::Overflow));
        assert_eq!(checked_mul(U256::MAX, U256::from(1)), Ok(U256::MAX));
        assert_eq!(
            checked_mul(U256::MAX, U256::from(2)),
            Err(MathError::Overflow)
        );
        assert_eq!(checked_mul(U256::ZERO, U256::MAX), Ok(U256::ZERO));
    }

    #[test]
    fn division_by_a_small_divisor_matches_ruint() {
        let divisors = [1_u32, 2, 3, 1_000_000_000, u32::MAX >> 1, u32::MAX];
        let values = [
            U256::ZERO,
            U256::from(999_999_999_u64),
            U256::from(u64::MAX),
            U256::MAX,
            U256::MAX >> 1,
            U256::from(1_u64) << 200,
            (U256::from(1_u64) << 160) + U256::from(12_345),
        ];
        for d in divisors {
            for x in values {
                let (q, r) = div_rem_u32(x, NonZeroU32::new(d).unwrap());
                let wide = U256::from(d);
                assert_eq!((q, U256::from(r)), (x / wide, x % wide), "{x} / {d}");
            }
        }
    }

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
    fn a_zero_factor_gives_zero_without_remainder() {
        for d in [U256::from(1), U256::from(7), U256::MAX] {
            assert_eq!(mul_div_down(U256::ZERO, U256::MAX, d), Ok(U256::ZERO));
            assert_eq!(mul_div_up(U256::MAX, U256::ZERO, d), Ok(U256::ZERO));
        }
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

    /// Inputs whose first estimated quotient digit is still one too large after the two-digit
    /// correction, so algorithm D adds the divisor back (found by search; the step is rare).
    #[test]
    fn add_back_step_gives_exact_results() {
        let hex = |s: &str| U256::from_str_radix(s, 16).unwrap();
        let cases = [
            ("fffffffefffffffefffffffe", "fffffffefffffffeffffffff"),
            (
                "fffffffe000000008000000000000000ffffffff",
                "7fffffff7ffffffffffffffe",
            ),
        ];
        for (numerator, divisor) in cases {
            let (x, d) = (hex(numerator), hex(divisor));
            let expected = x / d;
            assert_eq!(div_down(x, d), Ok(expected));
            assert_eq!(mul_div_down(x, U256::from(1), d), Ok(expected));
            let exact = expected * d == x;
            let up = expected + U256::from(u8::from(!exact));
            assert_eq!(mul_div_up(x, U256::from(1), d), Ok(up));
        }
    }

    #[test]
    fn every_divisor_width_divides_exactly() {
        // Divisors of 1 to 8 digits against a 512-bit product.
        let x = U256::MAX - U256::from(12_345);
        for digits in 1..=8u32 {
            let d = (U256::from(1) << (32 * digits - 1)) + U256::from(977);
            let product = x.widening_mul::<256, 4, 512, 8>(x - U256::from(1));
            let quotient = product / U512::from(d);
            let expected = U256::uint_try_from(quotient).map_err(|_| MathError::Overflow);
            let result = mul_div_down(x, x - U256::from(1), d);
            assert_eq!(result, expected, "{digits} digits");
        }
    }

    #[test]
    fn q96_products_drop_the_low_96_bits() {
        let one = U256::from(1) << 96;
        assert_eq!(q96_mul_down(one, one), Ok(one));
        assert_eq!(q96_mul_down(one, WAD), Ok(WAD));
        // (2^96 + 1)^2 / 2^96 = 2^96 + 2 + 2^-96: floored.
        let above = one + U256::from(1);
        assert_eq!(q96_mul_down(above, above), Ok(one + U256::from(2)));
        assert_eq!(q96_mul_down(U256::from(7), U256::from(9)), Ok(U256::ZERO));
        assert_eq!(q96_mul_down(U256::ZERO, U256::MAX), Ok(U256::ZERO));
        // MAX * 2^96 / 2^96 = MAX; one more bit does not fit.
        assert_eq!(q96_mul_down(U256::MAX, one), Ok(U256::MAX));
        assert_eq!(q96_mul_down(U256::MAX, one << 1), Err(MathError::Overflow));
        // Against the 512-bit product for wide operands.
        let (x, y) = (
            U256::MAX - U256::from(12_345),
            (U256::from(1) << 90) + U256::from(977),
        );
        let expected = U256::uint_try_from(x.widening_mul::<256, 4, 512, 8>(y) >> 96).unwrap();
        assert_eq!(q96_mul_down(x, y), Ok(expected));
    }

    /// Operands of every limb count and pattern (zero, all ones, single bits, random), from
    /// a fixed xorshift sequence.
    fn operands() -> [U256; 64] {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        core::array::from_fn(|_| {
            let limbs = (next() % 5) as usize;
            let mut value = [0u64; 4];
            for limb in value.iter_mut().take(limbs) {
                *limb = match next() % 4 {
                    0 => u64::MAX,
                    1 => 1 << (next() % 64),
                    _ => next(),
                };
            }
            U256::from_limbs(value)
        })
    }

    #[test]
    fn q96_products_are_the_512_bit_product_shifted() {
        let values = operands();
        for &x in &values {
            for &y in &values {
                let wide = x.widening_mul::<256, 4, 512, 8>(y) >> 96;
                let expected = U256::uint_try_from(wide).map_err(|_| MathError::Overflow);
                assert_eq!(q96_mul_down(x, y), expected, "{x} * {y}");
            }
        }
    }

    #[test]
    fn mul_div_is_the_512_bit_quotient_on_limb_patterns() {
        let values = operands();
        for &x in &values {
            for &y in &values {
                for &d in values.iter().filter(|d| !crate::is_zero(**d)) {
                    let wide = x.widening_mul::<256, 4, 512, 8>(y);
                    let d_wide = alloy_primitives::U512::from(d);
                    let (quotient, remainder) = wide.div_rem(d_wide);
                    let up = quotient
                        + alloy_primitives::U512::from(remainder != alloy_primitives::U512::ZERO);
                    let fit = |value| U256::uint_try_from(value).map_err(|_| MathError::Overflow);
                    assert_eq!(mul_div_down(x, y, d), fit(quotient), "{x} * {y} / {d}");
                    assert_eq!(mul_div_up(x, y, d), fit(up), "{x} * {y} / {d} up");
                }
            }
        }
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

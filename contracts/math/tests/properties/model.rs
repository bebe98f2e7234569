//! The reference model: exact rational arithmetic on unbounded integers (num-bigint), sharing no
//! code with the crate's ruint-based implementation, and the checks that compare the two.

use keel_math::{MathError, U256};
use num_bigint::BigUint;
use num_traits::{One, Zero};
use proptest::prelude::*;

/// `x` as an unbounded integer.
pub fn big(x: U256) -> BigUint {
    x.as_limbs()
        .iter()
        .rev()
        .fold(BigUint::zero(), |acc, &limb| (acc << 64u32) + limb)
}

/// `2^256`: the first value that does not fit in a `U256`.
pub fn two_pow_256() -> BigUint {
    BigUint::one() << 256u32
}

fn ceil_div(numerator: &BigUint, denominator: &BigUint) -> BigUint {
    (numerator + denominator - 1u32) / denominator
}

/// A rounding direction.
#[derive(Clone, Copy, Debug)]
enum Rounding {
    Down,
    Up,
}

/// `result` is `numerator / denominator` rounded as said, checked against the exact quotient
/// without dividing: down `r * den <= num < (r + 1) * den`, up `(r - 1) * den < num <= r * den`;
/// or the error the crate promises (zero divisor, or a rounded quotient above `U256::MAX`).
fn check_rounded(
    result: Result<U256, MathError>,
    numerator: &BigUint,
    denominator: &BigUint,
    rounding: Rounding,
) -> Result<(), TestCaseError> {
    if denominator.is_zero() {
        prop_assert_eq!(result, Err(MathError::DivisionByZero));
        return Ok(());
    }
    let rounded = match rounding {
        Rounding::Down => numerator / denominator,
        Rounding::Up => ceil_div(numerator, denominator),
    };
    let fits = rounded < two_pow_256();
    match result {
        Ok(value) => {
            prop_assert!(
                fits,
                "{rounding:?}: a quotient above U256::MAX must be an error"
            );
            let (value, n, d) = (big(value), numerator, denominator);
            let within = match rounding {
                Rounding::Down => &value * d <= *n && *n < (&value + 1u32) * d,
                Rounding::Up => *n <= &value * d && (value.is_zero() || (&value - 1u32) * d < *n),
            };
            prop_assert!(within, "{rounding:?}: {value} is not the rounded {n} / {d}");
        }
        Err(error) => {
            prop_assert_eq!(error, MathError::Overflow);
            prop_assert!(
                !fits,
                "{rounding:?}: overflow reported for a quotient that fits"
            );
        }
    }
    Ok(())
}

/// A down/up pair for the same exact quotient: each checked against the model, and when both
/// are values, `0 <= up - down <= 1`.
pub fn check_down_up(
    down: Result<U256, MathError>,
    up: Result<U256, MathError>,
    numerator: &BigUint,
    denominator: &BigUint,
) -> Result<(), TestCaseError> {
    check_rounded(down, numerator, denominator, Rounding::Down)?;
    check_rounded(up, numerator, denominator, Rounding::Up)?;
    if let (Ok(down), Ok(up)) = (down, up) {
        prop_assert!(down <= up && big(up) - big(down) <= BigUint::one());
    }
    Ok(())
}

/// `f(smaller) <= f(larger)` for a function evaluated at two ordered inputs; an overflow at the
/// smaller input must stay an overflow at the larger one.
pub fn check_non_decreasing(
    at_smaller: Result<U256, MathError>,
    at_larger: Result<U256, MathError>,
) -> Result<(), TestCaseError> {
    match (at_smaller, at_larger) {
        (Ok(small), Ok(large)) => prop_assert!(small <= large, "{small} > {large}"),
        (Ok(_), Err(error)) => prop_assert_eq!(error, MathError::Overflow),
        (Err(error), at_larger) => {
            prop_assert_eq!(error, MathError::Overflow);
            prop_assert_eq!(at_larger, Err(MathError::Overflow));
        }
    }
    Ok(())
}

/// Bits of the fixed-point scale used for the exponential: values are multiples of `2^-256`,
/// so rescaling is a shift.
const EXP_SCALE_BITS: u32 = 256;

/// `2^256`, the scale of [`exp_scaled_bounds`].
pub fn exp_scale() -> BigUint {
    BigUint::one() << EXP_SCALE_BITS
}

/// `(lower, upper)` with `lower <= e^(numerator / denominator) * 2^256 <= upper`.
///
/// `e^x = (e^(x / 2^k))^(2^k)` with `x / 2^k < 2^-8`; the inner exponential is a Taylor sum
/// taken once with floors (every term positive, tail dropped: a lower bound) and once with
/// ceilings plus a bound on the tail (an upper bound), then squared `k` times rounding the same
/// way. Both ends agree to about `2^-220` relative, far below one wei of any WAD value tested.
pub fn exp_scaled_bounds(numerator: &BigUint, denominator: &BigUint) -> (BigUint, BigUint) {
    let halvings = (numerator / denominator).bits() + 8;
    let reduced_denominator = denominator << halvings;
    let scaled_numerator = numerator << EXP_SCALE_BITS;
    let y_lower = &scaled_numerator / &reduced_denominator;
    let y_upper = ceil_div(&scaled_numerator, &reduced_denominator);
    let mut lower = taylor_exp_lower(&y_lower);
    let mut upper = taylor_exp_upper(&y_upper);
    for _ in 0..halvings {
        lower = (&lower * &lower) >> EXP_SCALE_BITS;
        upper = shift_down_ceil(&upper * &upper);
    }
    (lower, upper)
}

/// `ceil(value / 2^256)`.
fn shift_down_ceil(value: BigUint) -> BigUint {
    if value.is_zero() {
        value
    } else {
        ((value - 1u32) >> EXP_SCALE_BITS) + 1u32
    }
}

/// `sum floor(y^n / n!)` in scale `2^256` until the terms vanish: at most `e^y * 2^256`.
fn taylor_exp_lower(y: &BigUint) -> BigUint {
    let (mut sum, mut term, mut n) = (exp_scale(), exp_scale(), 1u32);
    loop {
        term = ((term * y) >> EXP_SCALE_BITS) / n;
        if term.is_zero() {
            return sum;
        }
        sum += &term;
        n += 1;
    }
}

/// `sum ceil(y^n / n!)` in scale `2^256` until a term is at most one unit, plus that term again
/// as a bound on the tail (the tail after term `n` is below `term_n * y / (1 - y)`, `y < 2^-8`):
/// at least `e^y * 2^256`.
fn taylor_exp_upper(y: &BigUint) -> BigUint {
    let (mut sum, mut term, mut n) = (exp_scale(), exp_scale(), 1u32);
    loop {
        term = ceil_div(&shift_down_ceil(term * y), &BigUint::from(n));
        sum += &term;
        if term <= BigUint::one() {
            return sum + term;
        }
        n += 1;
    }
}

#[test]
fn exponential_bounds_bracket_known_values() {
    // floor(e * 10^50), e = 2.71828182845904523536028747135266249775724709369995...
    let e_50 = "271828182845904523536028747135266249775724709369995"
        .parse::<BigUint>()
        .unwrap();
    let (lower, upper) = exp_scaled_bounds(&BigUint::one(), &BigUint::one());
    let to_decimal = |scaled: BigUint| (scaled * BigUint::from(10u32).pow(50)) >> EXP_SCALE_BITS;
    assert!(to_decimal(lower) <= e_50 && e_50 <= to_decimal(upper));
    assert!(upper_minus_lower_is_tiny(&BigUint::from(100u32)));
    // e^0 = 1 exactly at both ends.
    let (lower, upper) = exp_scaled_bounds(&BigUint::zero(), &BigUint::one());
    assert_eq!((lower, upper), (exp_scale(), exp_scale()));
}

/// At `e^x` the two bounds differ by less than `2^-200` of the value.
fn upper_minus_lower_is_tiny(x: &BigUint) -> bool {
    let (lower, upper) = exp_scaled_bounds(x, &BigUint::one());
    (upper - &lower) << 200u32 < lower
}

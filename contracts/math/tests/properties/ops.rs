//! Exact helpers against the model: checked arithmetic, zero-floor subtraction, narrowing.

use keel_math::{
    checked_add, checked_mul, checked_pow10, checked_sub, max, min, to_u128, zero_floor_sub,
    MathError,
};
use num_bigint::BigUint;
use proptest::prelude::*;

use crate::model::{big, two_pow_256};
use crate::strategies::{config, u256};

/// `result` equals `exact` when it fits in 256 bits, and is `error` otherwise.
fn check_exact(
    result: Result<keel_math::U256, MathError>,
    exact: Option<BigUint>,
    error: MathError,
) -> Result<(), TestCaseError> {
    match exact.filter(|value| *value < two_pow_256()) {
        Some(value) => prop_assert_eq!(result.map(big), Ok(value)),
        None => prop_assert_eq!(result, Err(error)),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn checked_arithmetic_is_exact_or_a_named_error(a in u256(), b in u256()) {
        let (x, y) = (big(a), big(b));
        check_exact(checked_add(a, b), Some(&x + &y), MathError::Overflow)?;
        check_exact(checked_mul(a, b), Some(&x * &y), MathError::Overflow)?;
        check_exact(checked_sub(a, b), (x >= y).then(|| &x - &y), MathError::Underflow)?;
    }

    #[test]
    fn powers_of_ten_are_exact_or_overflow(exponent in 0_u32..200) {
        let exact = BigUint::from(10_u8).pow(exponent);
        check_exact(checked_pow10(exponent), Some(exact), MathError::Overflow)?;
    }

    #[test]
    fn zero_floor_sub_min_and_max_are_exact(a in u256(), b in u256()) {
        let (x, y) = (big(a), big(b));
        let floored = if x >= y { &x - &y } else { BigUint::ZERO };
        prop_assert_eq!(big(zero_floor_sub(a, b)), floored);
        prop_assert_eq!(big(min(a, b)), (&x).min(&y).clone());
        prop_assert_eq!(big(max(a, b)), x.max(y));
    }

    #[test]
    fn to_u128_keeps_the_value_or_refuses(x in u256()) {
        let value = big(x);
        match to_u128(x) {
            Ok(narrow) => prop_assert_eq!(BigUint::from(narrow), value),
            Err(error) => {
                prop_assert_eq!(error, MathError::ExceedsU128);
                prop_assert!(value > BigUint::from(u128::MAX));
            }
        }
    }
}

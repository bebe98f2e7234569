//! `mul_div_*`, the WAD helpers and the `Wad` / `Price` conversions against the model.

use keel_math::{
    checked_mul, mul_div_down, mul_div_up, w_div_down, w_div_up, w_mul_down, w_mul_up, MathError,
    Price, Wad, PRICE_SCALE, U256, WAD,
};
use proptest::prelude::*;

use crate::model::{big, check_down_up, check_non_decreasing, two_pow_256};
use crate::strategies::{config, digit_pattern_u256, ordered_pair, u256};

fn nonzero_u256() -> impl Strategy<Value = U256> + Clone {
    u256().prop_map(|d| d.max(U256::from(1)))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mul_div_is_floor_and_ceil_of_exact(x in u256(), y in u256(), d in u256()) {
        check_down_up(mul_div_down(x, y, d), mul_div_up(x, y, d), &(big(x) * big(y)), &big(d))?;
    }

    /// The long division's digit estimates on the inputs that make them wrong (digits at
    /// their extremes, every divisor width).
    #[test]
    fn mul_div_is_exact_on_extreme_digit_patterns(
        x in digit_pattern_u256(),
        y in digit_pattern_u256(),
        d in digit_pattern_u256(),
    ) {
        check_down_up(mul_div_down(x, y, d), mul_div_up(x, y, d), &(big(x) * big(y)), &big(d))?;
    }

    /// `checked_mul` shares the limb product: its carries on the same extreme patterns.
    #[test]
    fn checked_mul_is_exact_on_extreme_digit_patterns(
        x in digit_pattern_u256(),
        y in digit_pattern_u256(),
    ) {
        let exact = big(x) * big(y);
        match checked_mul(x, y) {
            Ok(product) => prop_assert_eq!(big(product), exact),
            Err(error) => {
                prop_assert_eq!(error, MathError::Overflow);
                prop_assert!(exact >= two_pow_256());
            }
        }
    }

    #[test]
    fn w_mul_is_floor_and_ceil_of_exact(x in u256(), y in u256()) {
        check_down_up(w_mul_down(x, y), w_mul_up(x, y), &(big(x) * big(y)), &big(WAD))?;
    }

    #[test]
    fn w_div_is_floor_and_ceil_of_exact(x in u256(), y in u256()) {
        check_down_up(w_div_down(x, y), w_div_up(x, y), &(big(x) * big(WAD)), &big(y))?;
    }

    #[test]
    fn wad_factor_is_floor_and_ceil_of_exact(factor in u256(), amount in u256()) {
        let wad = Wad(factor);
        check_down_up(wad.mul_down(amount), wad.mul_up(amount), &(big(amount) * big(factor)), &big(WAD))?;
    }

    #[test]
    fn price_conversions_are_floor_and_ceil_of_exact(price in u256(), amount in u256()) {
        let p = Price(price);
        let (value, scale) = (big(amount) * big(price), big(PRICE_SCALE));
        check_down_up(p.to_base_down(amount), p.to_base_up(amount), &value, &scale)?;
        let collateral = big(amount) * big(PRICE_SCALE);
        check_down_up(p.to_collateral_down(amount), p.to_collateral_up(amount), &collateral, &big(price))?;
    }

    #[test]
    fn mul_div_is_non_decreasing_in_x((x, x_larger) in ordered_pair(u256()), y in u256(), d in nonzero_u256()) {
        check_non_decreasing(mul_div_down(x, y, d), mul_div_down(x_larger, y, d))?;
        check_non_decreasing(mul_div_up(x, y, d), mul_div_up(x_larger, y, d))?;
    }

    #[test]
    fn mul_div_is_non_decreasing_in_y(x in u256(), (y, y_larger) in ordered_pair(u256()), d in nonzero_u256()) {
        check_non_decreasing(mul_div_down(x, y, d), mul_div_down(x, y_larger, d))?;
        check_non_decreasing(mul_div_up(x, y, d), mul_div_up(x, y_larger, d))?;
    }

    #[test]
    fn mul_div_is_non_increasing_in_d(x in u256(), y in u256(), (d, d_larger) in ordered_pair(nonzero_u256())) {
        check_non_decreasing(mul_div_down(x, y, d_larger), mul_div_down(x, y, d))?;
        check_non_decreasing(mul_div_up(x, y, d_larger), mul_div_up(x, y, d))?;
    }
}

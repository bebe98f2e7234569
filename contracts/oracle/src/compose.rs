//! Feed answers and token decimals to the market's 1e36 price. Pure: no host, no storage.

use keel_math::{checked_mul, checked_pow10, div_down, mul_div_down, Price, U256};

use crate::error::{price_overflow, price_rounds_to_zero, unsupported_decimals, OracleError};

/// Most decimals a token or a feed may have: 36.
pub const MAX_DECIMALS: u8 = 36;

/// `log10(PRICE_SCALE)`: prices are scaled by 1e36.
const PRICE_SCALE_DECIMALS: u8 = 36;

/// Largest power of ten that fits in a `U256` (`10^77 < 2^256 < 10^78`).
const MAX_POW10_EXPONENT: u32 = 77;

/// A validated feed answer and the feed's decimals: the feed's price is
/// `answer / 10^feed_decimals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedAnswer {
    /// The answer, positive (as `validate_round` returns it).
    pub answer: U256,
    /// `decimals()` of the feed, at most [`MAX_DECIMALS`].
    pub feed_decimals: u8,
}

/// The price of one smallest collateral unit in smallest base units, scaled by 1e36
/// (docs/DESIGN.md section 4), from the collateral feed's answer and, optionally, a base
/// feed's answer.
///
/// - With `base == None`, the collateral feed quotes the collateral directly in the base asset
///   (for example ETH/USDC for collateral WETH and base USDC).
/// - With a base feed, both feeds quote the same reference (for example ETH/USD over USDC/USD):
///   the collateral's price in the base asset is `collateral / base`.
///
/// Exactly, with `Pc`, `Pb` the answers, `dc`, `db` the feeds' decimals (`Pb = 1`, `db = 0`
/// without a base feed) and `tc`, `tb` the tokens' decimals:
///
/// `price = floor(Pc * 10^(db + tb + 36) / (Pb * 10^(dc + tc)))`
///
/// Rounding: one floor, at the end (a single `mul_div_down` after exact power-of-ten scaling),
/// so the result is never above the exact price: collateral is valued down.
///
/// # Errors
/// - `UnsupportedDecimals(d)` if any of the four decimals exceeds [`MAX_DECIMALS`];
/// - `PriceOverflow` if the exact price is at least 2^256. For answers below 2^128 this is the
///   only cause; with larger answers and more than 77 net decimals of upscaling, the exact
///   intermediate `Pc * 10^(net - 77)` can overflow first (also `PriceOverflow`). A zero base
///   answer (rejected earlier by `validate_round`) is an infinite price: `PriceOverflow`.
/// - `PriceRoundsToZero` if the exact price is below 1 (which includes a zero collateral
///   answer): a zero price would make the collateral worthless and seizures divide by zero.
pub fn compose_price(
    collateral: FeedAnswer,
    base: Option<FeedAnswer>,
    collateral_token_decimals: u8,
    base_token_decimals: u8,
) -> Result<Price, OracleError> {
    // A direct quote is a base feed that always answers 1 with 0 decimals.
    let base = base.unwrap_or_else(|| FeedAnswer {
        answer: keel_math::in_code(U256::ONE),
        feed_decimals: 0,
    });
    for decimals in [
        collateral.feed_decimals,
        base.feed_decimals,
        collateral_token_decimals,
        base_token_decimals,
    ] {
        check_decimals(decimals)?;
    }
    let numerator_exponent = exponent_sum(&[
        base.feed_decimals,
        base_token_decimals,
        PRICE_SCALE_DECIMALS,
    ]);
    let denominator_exponent = exponent_sum(&[collateral.feed_decimals, collateral_token_decimals]);
    let price = scaled_ratio_down(
        collateral.answer,
        numerator_exponent,
        base.answer,
        denominator_exponent,
    )?;
    if keel_math::is_zero(price) {
        return Err(price_rounds_to_zero());
    }
    Ok(Price(price))
}

/// Checks that a token or feed has at most [`MAX_DECIMALS`] decimals.
///
/// # Errors
/// `UnsupportedDecimals(decimals)` if `decimals > 36`.
pub fn check_decimals(decimals: u8) -> Result<(), OracleError> {
    if decimals > MAX_DECIMALS {
        return Err(unsupported_decimals(decimals));
    }
    Ok(())
}

/// Sum of decimal exponents (each at most 36, so the sum never saturates).
fn exponent_sum(exponents: &[u8]) -> u32 {
    exponents.iter().fold(0_u32, |sum, &exponent| {
        sum.saturating_add(u32::from(exponent))
    })
}

/// `floor(numerator * 10^numerator_exponent / (denominator * 10^denominator_exponent))`, with
/// the common powers of ten cancelled first and one rounding, in the final division.
fn scaled_ratio_down(
    numerator: U256,
    numerator_exponent: u32,
    denominator: U256,
    denominator_exponent: u32,
) -> Result<U256, OracleError> {
    let net_exponent = numerator_exponent.abs_diff(denominator_exponent);
    if numerator_exponent >= denominator_exponent {
        // Up to 10^77 goes into the 512-bit product; any rest scales the numerator exactly.
        let rest = net_exponent.saturating_sub(MAX_POW10_EXPONENT);
        let scaled = checked_mul(numerator, pow10(rest)?).map_err(|_| price_overflow())?;
        let scale = pow10(net_exponent.min(MAX_POW10_EXPONENT))?;
        // Overflow, or a zero divisor (zero base answer): an infinite price.
        mul_div_down(scaled, scale, denominator).map_err(|_| price_overflow())
    } else {
        // A scaled denominator beyond 2^256 exceeds any numerator: the exact ratio is below 1.
        let scaled =
            checked_mul(denominator, pow10(net_exponent)?).map_err(|_| price_rounds_to_zero())?;
        // Floor division; a zero divisor (zero base answer) is an infinite price.
        div_down(numerator, scaled).map_err(|_| price_overflow())
    }
}

/// `10^exponent`.
///
/// # Errors
/// `PriceOverflow` if `exponent > 77` (never for the exponents `compose_price` builds).
fn pow10(exponent: u32) -> Result<U256, OracleError> {
    checked_pow10(exponent).map_err(|_| price_overflow())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use super::*;

    fn answer(answer: u128, feed_decimals: u8) -> FeedAnswer {
        FeedAnswer {
            answer: U256::from(answer),
            feed_decimals,
        }
    }

    fn e(exponent: u32) -> U256 {
        U256::from(10).pow(U256::from(exponent))
    }

    #[test]
    fn eth_usd_over_usdc_usd_prices_weth_in_usdc() {
        // 1 WETH (1e18 wei) = 2000 USDC (2000e6): 2000e6 / 1e18 * 1e36 = 2e27 per wei.
        let price = compose_price(
            answer(2_000 * 10u128.pow(8), 8),
            Some(answer(10u128.pow(8), 8)),
            18,
            6,
        );
        assert_eq!(price, Ok(Price(U256::from(2_000) * e(24))));
    }

    #[test]
    fn direct_eth_usdc_feed_gives_the_same_price() {
        let price = compose_price(answer(2_000 * 10u128.pow(18), 18), None, 18, 6);
        assert_eq!(price, Ok(Price(U256::from(2_000) * e(24))));
    }

    #[test]
    fn depegged_base_raises_the_collateral_price_in_base_units() {
        // USDC at 0.5 USD: 1 WETH = 4000 USDC.
        let price = compose_price(
            answer(2_000 * 10u128.pow(8), 8),
            Some(answer(5 * 10u128.pow(17), 18)),
            18,
            6,
        );
        assert_eq!(price, Ok(Price(U256::from(4_000) * e(24))));
    }

    #[test]
    fn wbtc_8_decimals_in_dai_18_decimals() {
        // 1 WBTC (1e8) = 60000 DAI (60000e18): 60000e18 / 1e8 * 1e36 = 6e50.
        let price = compose_price(
            answer(60_000 * 10u128.pow(8), 8),
            Some(answer(10u128.pow(6), 6)),
            8,
            18,
        );
        assert_eq!(price, Ok(Price(U256::from(6) * e(50))));
    }

    #[test]
    fn the_single_floor_is_taken_at_the_end() {
        // Collateral at 2 / base at 3, equal decimals: 2/3 * 1e36, floored once.
        let price = compose_price(answer(2, 0), Some(answer(3, 0)), 0, 0).unwrap();
        assert_eq!(price.0, (U256::from(2) * e(36)) / U256::from(3));
        // Net downscaling: 7 / 10^(36 + 36 - 36) * 1e36... = 7 * 1e36 / 1e72 rounds to zero.
        let tiny = compose_price(answer(7, 36), None, 36, 0);
        assert_eq!(tiny, Err(price_rounds_to_zero()));
        // 7e36 / 1e36 / 1e36 * 1e36 = 7.
        assert_eq!(
            compose_price(answer(7 * 10u128.pow(36), 36), None, 36, 0),
            Ok(Price(U256::from(7)))
        );
    }

    #[test]
    fn decimals_above_36_are_unsupported_in_every_position() {
        let ok = answer(1, 8);
        assert_eq!(
            compose_price(answer(1, 37), Some(ok), 8, 8),
            Err(unsupported_decimals(37))
        );
        assert_eq!(
            compose_price(ok, Some(answer(1, 40)), 8, 8),
            Err(unsupported_decimals(40))
        );
        assert_eq!(
            compose_price(ok, Some(ok), 37, 8),
            Err(unsupported_decimals(37))
        );
        assert_eq!(
            compose_price(ok, Some(ok), 8, 255),
            Err(unsupported_decimals(255))
        );
        assert!(compose_price(answer(1, 36), Some(answer(1, 36)), 36, 36).is_ok());
    }

    #[test]
    fn largest_upscaling_uses_the_exact_rest_beyond_ten_to_the_77() {
        // Net exponent 36 + 36 + 36 = 108: 1 * 10^108 / 10^38 = 10^70.
        let price = compose_price(answer(1, 0), Some(answer(10u128.pow(38), 36)), 0, 36);
        assert_eq!(price, Ok(Price(e(70))));
        // Collateral answer 2^200: 2^200 * 10^31 overflows before the division.
        let huge = FeedAnswer {
            answer: U256::from(1) << 200,
            feed_decimals: 0,
        };
        assert_eq!(
            compose_price(huge, Some(answer(1, 36)), 0, 36),
            Err(price_overflow())
        );
    }

    #[test]
    fn results_past_2_pow_256_overflow() {
        let huge = FeedAnswer {
            answer: U256::MAX,
            feed_decimals: 0,
        };
        assert_eq!(compose_price(huge, None, 0, 0), Err(price_overflow()));
    }

    #[test]
    fn zero_answers_never_give_a_price() {
        assert_eq!(
            compose_price(answer(0, 8), None, 18, 6),
            Err(price_rounds_to_zero())
        );
        assert_eq!(
            compose_price(answer(1, 8), Some(answer(0, 8)), 18, 6),
            Err(price_overflow())
        );
        // Zero base answer on the downscaling path.
        assert_eq!(
            compose_price(answer(1, 36), Some(answer(0, 0)), 36, 0),
            Err(price_overflow())
        );
    }

    #[test]
    fn scaled_denominator_beyond_2_pow_256_rounds_to_zero() {
        let huge_base = FeedAnswer {
            answer: U256::MAX,
            feed_decimals: 0,
        };
        assert_eq!(
            compose_price(answer(1, 36), Some(huge_base), 36, 0),
            Err(price_rounds_to_zero())
        );
    }
}

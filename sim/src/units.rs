//! Conversions between on-chain integers and the simulator's floating-point
//! quantities. Agents decide in floats (whole tokens, prices in base per
//! whole collateral token); everything sent to the chain is an integer in
//! smallest units, and everything measured is read back from the chain.

use alloy_primitives::{I256, U256};

/// 1e18, the market's factor scale.
pub const WAD_F64: f64 = 1e18;

/// `amount_whole` tokens in smallest units, rounded down (negative and NaN
/// give zero; beyond `u128` saturates).
pub fn to_units(amount_whole: f64, decimals: u8) -> U256 {
    let scaled = amount_whole * 10f64.powi(i32::from(decimals));
    // `as` saturates and maps NaN to 0: the intended clamp.
    U256::from(scaled as u128)
}

/// `amount_whole` tokens in smallest units, rounded up (a cost or a floor).
pub fn to_units_up(amount_whole: f64, decimals: u8) -> U256 {
    let scaled = amount_whole * 10f64.powi(i32::from(decimals));
    U256::from(scaled.ceil() as u128)
}

/// Smallest units as whole tokens .
pub fn to_whole(amount_units: U256, decimals: u8) -> f64 {
    u256_to_f64(amount_units) / 10f64.powi(i32::from(decimals))
}

/// A U256 as the nearest f64 (to 53 bits; `U256::MAX`, an infinite health
/// factor, is about 1.2e77). Prices in 1e36 exceed `u128` for collaterals
/// with fewer decimals than the base, so no shortcut through `u128`.
pub fn u256_to_f64(value: U256) -> f64 {
    value.as_limbs().iter().rev().fold(0.0, |acc, limb| {
        acc * 18_446_744_073_709_551_616.0 + *limb as f64
    })
}

/// A WAD factor (health factor, utilisation, APR) as a float.
pub fn wad_to_f64(value_wad: U256) -> f64 {
    u256_to_f64(value_wad) / WAD_F64
}

/// A decimal price as a feed answer with `decimals` decimals.
pub fn feed_answer(price: f64, decimals: u8) -> I256 {
    I256::try_from(to_units(price, decimals)).unwrap_or(I256::MAX)
}

/// The market's 1e36 price (base smallest units per collateral smallest
/// unit, scaled by 1e36) as base whole tokens per collateral whole token.
pub fn price36_to_f64(price_36: U256, base_decimals: u8, collateral_decimals: u8) -> f64 {
    let raw = u256_to_f64(price_36) / 1e36;
    raw * 10f64.powi(i32::from(collateral_decimals) - i32::from(base_decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_whole_amounts() {
        assert_eq!(to_units(1.5, 6), U256::from(1_500_000u64));
        assert_eq!(to_whole(U256::from(2_500_000u64), 6), 2.5);
        assert_eq!(to_units(-3.0, 6), U256::ZERO);
    }

    #[test]
    fn market_price_scales_by_decimals() {
        // 2,000 USDC (6) per WETH (18): 2e9 / 1e18 base units per unit, x 1e36.
        let price_36 = U256::from(2_000u64) * U256::from(10u64).pow(U256::from(24u64));
        assert!((price36_to_f64(price_36, 6, 18) - 2_000.0).abs() < 1e-9);
        assert_eq!(
            feed_answer(2_000.0, 8),
            I256::try_from(200_000_000_000i64).unwrap()
        );
    }

    #[test]
    fn converts_beyond_u128() {
        assert!(wad_to_f64(U256::MAX) > 1e58);
        let big = U256::from(6u64) * U256::from(10u64).pow(U256::from(38u64));
        assert!((u256_to_f64(big) / 6e38 - 1.0).abs() < 1e-15);
        assert_eq!(u256_to_f64(U256::from(12_345u64)), 12_345.0);
    }
}

//! Inputs shared by Keel's fuzz targets: numbers drawn from libFuzzer's bytes
//! with a bias towards the places where rounding and overflow live (zero,
//! one, powers of two and their neighbours, the top of `u128` and `U256`),
//! and the market state the devnet targets start from.

use alloy_primitives::U256;
use keel_tests::{units, usdc, Fixture};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use num_bigint::BigUint;

/// The fixture's market with lenders, carol liquidatable (HF 0.97 after BTC
/// falls to 42,000) and dave borrowing against WETH: the start of the devnet
/// targets.
pub fn market_with_a_liquidatable_borrower() -> Fixture {
    let mut fx = Fixture::new();
    fx.standard_positions();
    let (carol, dave, weth) = (fx.carol, fx.dave, fx.weth);
    fx.borrow(carol, usdc(50_000)).unwrap();
    fx.supply_collateral(dave, weth, units(10, 18));
    fx.borrow(dave, usdc(5_000)).unwrap();
    fx.set_btc_price(42_000);
    fx
}

/// A `U256` of any size, often a boundary.
pub fn u256(u: &mut Unstructured) -> Result<U256> {
    let value = match u.int_in_range(0u8..=6)? {
        0 => U256::from(u.int_in_range(0u8..=3)?),
        1 => U256::MAX - U256::from(u.int_in_range(0u8..=3)?),
        2 => near_power_of_two(u, 255)?,
        3 => U256::from(u.arbitrary::<u64>()?),
        4 => U256::from(u.arbitrary::<u128>()?),
        _ => U256::from_be_bytes(u.arbitrary::<[u8; 32]>()?),
    };
    Ok(value)
}

/// An amount the market can store: below `2^128`, often a boundary.
pub fn stored_amount(u: &mut Unstructured) -> Result<U256> {
    let value = match u.int_in_range(0u8..=4)? {
        0 => U256::from(u.int_in_range(0u8..=3)?),
        1 => U256::from(u128::MAX - u128::from(u.int_in_range(0u8..=3)?)),
        2 => near_power_of_two(u, 127)?,
        3 => U256::from(u.arbitrary::<u64>()?),
        _ => U256::from(u.arbitrary::<u128>()?),
    };
    Ok(value.min(U256::from(u128::MAX)))
}

/// `2^k - 1`, `2^k` or `2^k + 1` for `k <= max_exponent`.
fn near_power_of_two(u: &mut Unstructured, max_exponent: usize) -> Result<U256> {
    let power = U256::from(1) << u.int_in_range(0..=max_exponent)?;
    Ok(match u.int_in_range(0u8..=2)? {
        0 => power.saturating_sub(U256::from(1)),
        1 => power,
        _ => power.saturating_add(U256::from(1)),
    })
}

/// A WAD factor in `[min, max]`.
pub fn wad_in(u: &mut Unstructured, min: u64, max: u64) -> Result<U256> {
    Ok(U256::from(u.int_in_range(min..=max)?))
}

/// `x` as an unbounded integer.
pub fn big(x: U256) -> BigUint {
    BigUint::from_bytes_le(&x.to_le_bytes::<32>())
}

//! Share <-> asset conversions with virtual offsets, as in Morpho Blue.
//!
//! A pool of `total_assets` backed by `total_shares` converts as if it held
//! `VIRTUAL_ASSETS` more assets and `VIRTUAL_SHARES` more shares. The offsets make the first
//! share cost `1e-6` asset units, so an attacker who donates to an empty pool to inflate the
//! share price must donate about a million times what they hope to steal from rounding.

use crate::{
    checked_add, in_code, mul_div_down, mul_div_up, MathError, U256, VIRTUAL_ASSETS, VIRTUAL_SHARES,
};

/// Shares worth `assets`, rounded down: `floor(assets * (S + 1e6) / (A + 1))`.
///
/// Use for shares minted on supply by assets and debt shares burnt on repay by assets.
///
/// # Errors
/// [`MathError::Overflow`] if the result or `total_shares + VIRTUAL_SHARES` exceeds `U256::MAX`.
pub fn to_shares_down(
    assets: U256,
    total_assets: U256,
    total_shares: U256,
) -> Result<U256, MathError> {
    convert(
        assets,
        total_assets,
        total_shares,
        Direction::ToShares,
        Rounding::Down,
    )
}

/// Shares worth `assets`, rounded up: `ceil(assets * (S + 1e6) / (A + 1))`.
///
/// Use for shares burnt on withdraw by assets and debt shares minted on borrow by assets.
///
/// # Errors
/// [`MathError::Overflow`] if the result or `total_shares + VIRTUAL_SHARES` exceeds `U256::MAX`.
pub fn to_shares_up(
    assets: U256,
    total_assets: U256,
    total_shares: U256,
) -> Result<U256, MathError> {
    convert(
        assets,
        total_assets,
        total_shares,
        Direction::ToShares,
        Rounding::Up,
    )
}

/// Assets worth `shares`, rounded down: `floor(shares * (A + 1) / (S + 1e6))`.
///
/// Use for assets paid out on withdraw by shares, assets lent on borrow by shares, and the
/// supply balance shown to a lender.
///
/// # Errors
/// [`MathError::Overflow`] if the result or `total_assets + VIRTUAL_ASSETS` exceeds `U256::MAX`.
pub fn to_assets_down(
    shares: U256,
    total_assets: U256,
    total_shares: U256,
) -> Result<U256, MathError> {
    convert(
        shares,
        total_assets,
        total_shares,
        Direction::ToAssets,
        Rounding::Down,
    )
}

/// Assets worth `shares`, rounded up: `ceil(shares * (A + 1) / (S + 1e6))`.
///
/// Use for assets taken in on supply by shares and repay by shares, and for a borrower's debt.
///
/// # Errors
/// [`MathError::Overflow`] if the result or `total_assets + VIRTUAL_ASSETS` exceeds `U256::MAX`.
pub fn to_assets_up(
    shares: U256,
    total_assets: U256,
    total_shares: U256,
) -> Result<U256, MathError> {
    convert(
        shares,
        total_assets,
        total_shares,
        Direction::ToAssets,
        Rounding::Up,
    )
}

/// Which way [`convert`] goes.
#[derive(Clone, Copy)]
enum Direction {
    ToShares,
    ToAssets,
}

/// How [`convert`] rounds.
#[derive(Clone, Copy)]
enum Rounding {
    Down,
    Up,
}

/// The four conversions in one routine: `x * (S + 1e6) / (A + 1)` to shares, `x * (A + 1) /
/// (S + 1e6)` to assets, rounded as asked. Not inlined, so each program has one copy (four
/// inlined conversions were about 1.2 KB of the core).
#[inline(never)]
fn convert(
    x: U256,
    total_assets: U256,
    total_shares: U256,
    direction: Direction,
    rounding: Rounding,
) -> Result<U256, MathError> {
    let assets = checked_add(total_assets, in_code(VIRTUAL_ASSETS))?;
    let shares = checked_add(total_shares, in_code(VIRTUAL_SHARES))?;
    let (numerator, denominator) = match direction {
        Direction::ToShares => (shares, assets),
        Direction::ToAssets => (assets, shares),
    };
    match rounding {
        Rounding::Down => mul_div_down(x, numerator, denominator),
        Rounding::Up => mul_div_up(x, numerator, denominator),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_pool_prices_one_asset_at_a_million_shares() {
        let one = U256::from(1);
        assert_eq!(
            to_shares_down(one, U256::ZERO, U256::ZERO),
            Ok(U256::from(1_000_000))
        );
        assert_eq!(
            to_assets_down(U256::from(1_000_000), U256::ZERO, U256::ZERO),
            Ok(one)
        );
        assert_eq!(
            to_assets_down(U256::from(999_999), U256::ZERO, U256::ZERO),
            Ok(U256::ZERO)
        );
        assert_eq!(to_assets_up(U256::from(1), U256::ZERO, U256::ZERO), Ok(one));
    }

    #[test]
    fn totals_at_the_top_of_the_range_are_an_overflow_not_a_wrap() {
        let one = U256::from(1);
        assert_eq!(
            to_shares_down(one, U256::ZERO, U256::MAX),
            Err(MathError::Overflow)
        );
        assert_eq!(
            to_assets_up(one, U256::MAX, U256::ZERO),
            Err(MathError::Overflow)
        );
    }
}

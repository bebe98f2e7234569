//! The reference model: the valuation rules in unbounded integers (num-bigint), written from
//! the crate docs and sharing no code with the crate or keel-math.

use keel_liquidation::{CollateralSnapshot, DebtSnapshot, U256};
use num_bigint::BigUint;
use num_traits::{One, Zero};

/// `x` as an unbounded integer.
pub fn big(x: U256) -> BigUint {
    BigUint::from_bytes_le(&x.to_le_bytes::<32>())
}

pub fn wad() -> BigUint {
    BigUint::from(10u32).pow(18)
}

pub fn price_scale() -> BigUint {
    BigUint::from(10u32).pow(36)
}

pub fn ceil_div(numerator: &BigUint, denominator: &BigUint) -> BigUint {
    (numerator + denominator - BigUint::one()) / denominator
}

/// `(A + 1, S + 1e6)`: the offset totals that price borrow shares.
pub fn offset_totals(total_assets: U256, total_shares: U256) -> (BigUint, BigUint) {
    (
        big(total_assets) + 1u32,
        big(total_shares) + BigUint::from(1_000_000u32),
    )
}

/// `ceil(shares * (A + 1) / (S + 1e6))`.
pub fn assets_up(shares: U256, total_assets: U256, total_shares: U256) -> BigUint {
    let (assets, all_shares) = offset_totals(total_assets, total_shares);
    ceil_div(&(big(shares) * assets), &all_shares)
}

/// The borrower's debt, rounded up.
pub fn debt_assets(debt: &DebtSnapshot) -> BigUint {
    assets_up(
        debt.borrow_shares,
        debt.total_borrow_assets,
        debt.total_borrow_shares,
    )
}

/// `floor(balance * price / 1e36)`.
pub fn value_down(balance: U256, collateral: &CollateralSnapshot) -> BigUint {
    big(balance) * big(collateral.price.0) / price_scale()
}

/// `floor(LT * floor(balance * price / 1e36) / 1e18)`.
pub fn weighted_down(balance: U256, collateral: &CollateralSnapshot) -> BigUint {
    value_down(balance, collateral) * big(collateral.liquidation_threshold.0) / wad()
}

/// `W`: the LT-weighted value of every collateral.
pub fn weighted_total(collaterals: &[CollateralSnapshot]) -> BigUint {
    collaterals
        .iter()
        .map(|collateral| weighted_down(collateral.balance, collateral))
        .sum()
}

/// `floor(W * 1e18 / D)`, or `U256::MAX` when `D = 0` or the ratio exceeds it.
pub fn health_factor(weighted: &BigUint, debt: &BigUint) -> BigUint {
    let max = big(U256::MAX);
    if debt.is_zero() {
        return max;
    }
    (weighted * wad() / debt).min(max)
}

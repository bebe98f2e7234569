//! Unbounded integers and the rounding rules of docs/DESIGN.md section 4, written from
//! the design and the crate docs (no ruint, no keel-math).

use alloy_primitives::U256;
use num_bigint::BigUint;
use num_traits::{One, Zero};

/// `x` as an unbounded integer.
pub fn big(x: U256) -> BigUint {
    BigUint::from_bytes_le(&x.to_le_bytes::<32>())
}

/// `x` as a `U256`; `None` when it needs more than 256 bits.
pub fn to_u256(x: &BigUint) -> Option<U256> {
    U256::try_from_le_slice(&x.to_bytes_le())
}

/// `10^exponent`.
pub fn pow10(exponent: u32) -> BigUint {
    BigUint::from(10u32).pow(exponent)
}

/// 1e18: 1.0 for factors and per-second rates.
pub fn wad() -> BigUint {
    pow10(18)
}

/// 1e36: the scale of prices.
pub fn price_scale() -> BigUint {
    pow10(36)
}

/// `2^128 - 1`: storage holds amounts, totals and shares in `u128`.
pub fn u128_max() -> BigUint {
    BigUint::from(u128::MAX)
}

/// `2^256 - 1`.
pub fn u256_max() -> BigUint {
    big(U256::MAX)
}

/// Whether `x` fits the `u128` of storage.
pub fn fits_u128(x: &BigUint) -> bool {
    *x <= u128_max()
}

/// `ceil(numerator / denominator)`.
pub fn div_up(numerator: &BigUint, denominator: &BigUint) -> BigUint {
    (numerator + denominator - BigUint::one()) / denominator
}

/// `floor(x * y / d)`.
pub fn mul_div_down(x: &BigUint, y: &BigUint, d: &BigUint) -> BigUint {
    x * y / d
}

/// `ceil(x * y / d)`.
pub fn mul_div_up(x: &BigUint, y: &BigUint, d: &BigUint) -> BigUint {
    div_up(&(x * y), d)
}

/// `max(a - b, 0)`. Model updates use it where the contract's checked
/// subtraction fails first (the model then also records the rejection, and
/// the transaction's changes are discarded).
pub fn sub_floor(a: &BigUint, b: &BigUint) -> BigUint {
    if a > b {
        a - b
    } else {
        BigUint::zero()
    }
}

/// Assets and the shares that claim them (the supply pool or the borrow
/// pool), converted with the virtual offsets of docs/DESIGN.md section 4: 1 asset
/// and 1e6 shares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pool {
    /// Total assets, base units.
    pub assets: BigUint,
    /// Total shares.
    pub shares: BigUint,
}

impl Pool {
    /// `(A + 1, S + 1e6)`.
    fn offset(&self) -> (BigUint, BigUint) {
        (
            &self.assets + 1u32,
            &self.shares + BigUint::from(1_000_000u32),
        )
    }

    /// `floor(assets * (S + 1e6) / (A + 1))`.
    pub fn to_shares_down(&self, assets: &BigUint) -> BigUint {
        let (all_assets, all_shares) = self.offset();
        mul_div_down(assets, &all_shares, &all_assets)
    }

    /// `ceil(assets * (S + 1e6) / (A + 1))`.
    pub fn to_shares_up(&self, assets: &BigUint) -> BigUint {
        let (all_assets, all_shares) = self.offset();
        mul_div_up(assets, &all_shares, &all_assets)
    }

    /// `floor(shares * (A + 1) / (S + 1e6))`.
    pub fn to_assets_down(&self, shares: &BigUint) -> BigUint {
        let (all_assets, all_shares) = self.offset();
        mul_div_down(shares, &all_assets, &all_shares)
    }

    /// `ceil(shares * (A + 1) / (S + 1e6))`.
    pub fn to_assets_up(&self, shares: &BigUint) -> BigUint {
        let (all_assets, all_shares) = self.offset();
        mul_div_up(shares, &all_assets, &all_shares)
    }

    /// Whether the share price `(A + 1) / (S + 1e6)` of `self` is at least
    /// that of `other` (exact cross-multiplication).
    pub fn price_at_least(&self, other: &Pool) -> bool {
        let (assets, shares) = self.offset();
        let (other_assets, other_shares) = other.offset();
        assets * other_shares >= other_assets * shares
    }
}

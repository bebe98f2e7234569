//! Keel fixed-point math: every money computation of the protocol goes through this crate.
//!
//! `no_std`, no storage access, no host calls, no floats ([`PackedWord`] only lays out the
//! bytes of a storage slot). Units and the rounding policy are those of
//! docs/DESIGN.md section 4:
//!
//! - token amounts: smallest units, [`U256`] (narrow to `u128` for storage with [`to_u128`]);
//! - factors and per-second rates: [`WAD`] = 1e18 (newtype [`Wad`]);
//! - prices: base-asset smallest units per collateral smallest unit, scaled by
//!   [`PRICE_SCALE`] = 1e36 (newtype [`Price`]);
//! - shares: converted with [`VIRTUAL_SHARES`] = 1e6 and [`VIRTUAL_ASSETS`] = 1 of offset.
//!
//! # Errors, never panics
//!
//! `U256` operators wrap silently, so this crate never uses them: every fallible function
//! returns `Result<_, MathError>` and no input makes anything panic or wrap. Products are taken
//! in 512 bits, so `x * y / d` fails only when the *result* does not fit.
//!
//! # Rounding table
//!
//! Rounding always favours the protocol and its solvency, never the caller: each function
//! names its direction, and the caller picks the one whose error lands on the protocol's side.
//!
//! | function | rounds | use in Keel | favours |
//! |---|---|---|---|
//! | [`mul_div_down`]`(x, y, d)` | down | building block for results the protocol pays out or credits | protocol, when the result is a payout or credit |
//! | [`mul_div_up`]`(x, y, d)` | up | building block for results owed to the protocol | protocol, when the result is owed to it |
//! | [`w_mul_down`]`(x, y)` | down | value times a factor that limits the caller (borrow power, collateral x LT), interest amounts | protocol |
//! | [`w_mul_up`]`(x, y)` | up | amounts owed times a factor (fees, reserve share) | protocol |
//! | [`w_div_down`]`(x, y)` | down | health factor (a lower HF is the cautious side) | protocol |
//! | [`w_div_up`]`(x, y)` | up | amount the caller must bring to reach a ratio | protocol |
//! | [`to_shares_down`]`(assets, A, S)` | down | shares minted on supply by assets; debt shares burnt on repay by assets | protocol: fewer shares minted, less debt cleared |
//! | [`to_shares_up`]`(assets, A, S)` | up | shares burnt on withdraw by assets; debt shares minted on borrow by assets | protocol: more shares burnt, more debt booked |
//! | [`to_assets_down`]`(shares, A, S)` | down | assets paid on withdraw by shares or lent on borrow by shares; supply balances | protocol: less paid out |
//! | [`to_assets_up`]`(shares, A, S)` | up | assets taken on supply by shares or repay by shares; a position's debt | protocol: more taken in, debt rounds up |
//! | [`compounded_interest_wad`]`(r, t, cap)` | down: `(1 + r)^t - 1` in Q96 fixed point, floored at every step, then `min` with `cap`; never above `e^(r t) - 1`, at most `e^(r t) (t r^2 / 2 + t 2^-95) + 1e-18` below it when not capped | interest growth factor for accrual (the cap keeps totals representable) | neither side: the same factor grows debt and supply; no interest is booked that the exact exponential would not give |
//! | [`Wad::mul_down`]`(amount)` | down | collateral value x LTV or LT, borrow power | protocol |
//! | [`Wad::mul_up`]`(amount)` | up | fees, the protocol's part of a bonus | protocol |
//! | [`Price::to_base_down`]`(collateral)` | down | collateral value | protocol: collateral counts for less |
//! | [`Price::to_base_up`]`(collateral)` | up | debt repaid for a seizure capped by the balance | protocol: the liquidator repays more |
//! | [`Price::to_collateral_down`]`(base)` | down | seized collateral | protocol: the liquidator takes less |
//! | [`Price::to_collateral_up`]`(base)` | up | collateral required to cover a value | protocol |
//! | [`checked_add`], [`checked_sub`], [`checked_mul`] | exact, or error | plain arithmetic with named errors | nobody |
//! | [`div_rem_u32`]`(x, d)` | down, with the remainder | accrual's whole units and nano-units | nobody (the remainder is carried) |
//! | [`zero_floor_sub`]`(a, b)` | exact, floored at 0 | what is left after a deduction (e.g. bad debt beyond reserves) | nobody |
//! | [`min`], [`max`] | exact | caps and bounds | nobody |
//! | [`to_u128`]`(x)` | exact, or error | narrowing for storage | nobody |
//!
//! (`A` is the total assets and `S` the total shares of the pool.)
//!
//! # Tests
//!
//! Property tests in `tests/properties/` check every rounding function against an independent
//! big-integer model (num-bigint). They run 10,000 cases per property by default; set
//! `KEEL_PROPTEST_CASES` (e.g. `KEEL_PROPTEST_CASES=1000000 cargo test -p keel-math --release`)
//! for a deeper run. `cargo bench -p keel-math` benchmarks the hot functions.
#![warn(missing_docs)]
#![no_std]

mod error;
mod in_code;
mod interest;
mod mul_div;
mod ops;
mod shares;
mod types;
mod word;

pub use alloy_primitives::U256;
pub use error::MathError;
pub use in_code::{in_code, is_zero};
pub use interest::compounded_interest_wad;
pub use mul_div::{
    checked_mul, div_down, div_rem_u32, mul_div_down, mul_div_up, w_div_down, w_div_up, w_mul_down,
    w_mul_up,
};
pub use ops::{checked_add, checked_pow10, checked_sub, max, min, to_u128, zero_floor_sub};
pub use shares::{to_assets_down, to_assets_up, to_shares_down, to_shares_up};
pub use types::{Price, Wad};
pub use word::PackedWord;

/// 1.0 for factors and rates: 1e18.
pub const WAD: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// Scale of prices: 1e36.
pub const PRICE_SCALE: U256 = match WAD.checked_mul(WAD) {
    Some(scale) => scale,
    None => panic!("1e36 fits in 256 bits"),
};

/// Shares added to the total shares in every conversion: 1e6.
pub const VIRTUAL_SHARES: U256 = U256::from_limbs([1_000_000, 0, 0, 0]);

/// Assets added to the total assets in every conversion: 1.
pub const VIRTUAL_ASSETS: U256 = U256::from_limbs([1, 0, 0, 0]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_have_their_documented_values() {
        assert_eq!(WAD, U256::from(10_u128.pow(18)));
        assert_eq!(PRICE_SCALE, U256::from(10_u128.pow(36)));
        assert_eq!(VIRTUAL_SHARES, U256::from(1_000_000));
        assert_eq!(VIRTUAL_ASSETS, U256::from(1));
    }
}

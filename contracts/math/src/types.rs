//! Thin newtypes that keep WAD factors and 1e36 prices from being mixed up with amounts.
//!
//! Both wrap a public `U256` so storage and ABI code can convert with `.0` / `Wad(x)`; what they
//! add is a name in signatures and conversions whose scale and rounding are in the method name.

use crate::{
    in_code, mul_div_down, mul_div_up, w_mul_down, w_mul_up, MathError, PRICE_SCALE, U256, WAD,
};

/// A factor scaled by [`WAD`] (`Wad::ONE` is 1.0): LTV, liquidation threshold, bonus, close
/// factor, fees, utilization, health factor, per-second rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Wad(pub U256);

impl Wad {
    /// 0.0
    pub const ZERO: Self = Self(U256::ZERO);
    /// 1.0
    pub const ONE: Self = Self(WAD);

    /// `floor(amount * self)`: the factor applied to an amount, rounded down (e.g. collateral
    /// value times LTV).
    ///
    /// # Errors
    /// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
    pub fn mul_down(self, amount: U256) -> Result<U256, MathError> {
        w_mul_down(amount, self.0)
    }

    /// `ceil(amount * self)`: the factor applied to an amount, rounded up (e.g. a fee).
    ///
    /// # Errors
    /// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
    pub fn mul_up(self, amount: U256) -> Result<U256, MathError> {
        w_mul_up(amount, self.0)
    }
}

/// A price: base-asset smallest units per one collateral smallest unit, scaled by
/// [`PRICE_SCALE`] (1e36), so it is independent of the tokens' decimals (docs/DESIGN.md section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Price(pub U256);

impl Price {
    /// `floor(collateral * price / 1e36)`: value of a collateral amount in base units, rounded
    /// down (collateral value).
    ///
    /// # Errors
    /// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
    pub fn to_base_down(self, collateral: U256) -> Result<U256, MathError> {
        mul_div_down(collateral, self.0, in_code(PRICE_SCALE))
    }

    /// `ceil(collateral * price / 1e36)`: value of a collateral amount in base units, rounded up
    /// (debt repaid when a seizure is capped by the collateral balance).
    ///
    /// # Errors
    /// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
    pub fn to_base_up(self, collateral: U256) -> Result<U256, MathError> {
        mul_div_up(collateral, self.0, in_code(PRICE_SCALE))
    }

    /// `floor(base * 1e36 / price)`: collateral amount worth `base` base units, rounded down
    /// (seized collateral).
    ///
    /// # Errors
    /// [`MathError::DivisionByZero`] if the price is 0; [`MathError::Overflow`] if the result
    /// exceeds `U256::MAX`.
    pub fn to_collateral_down(self, base: U256) -> Result<U256, MathError> {
        mul_div_down(base, in_code(PRICE_SCALE), self.0)
    }

    /// `ceil(base * 1e36 / price)`: collateral amount worth `base` base units, rounded up.
    ///
    /// # Errors
    /// [`MathError::DivisionByZero`] if the price is 0; [`MathError::Overflow`] if the result
    /// exceeds `U256::MAX`.
    pub fn to_collateral_up(self, base: U256) -> Result<U256, MathError> {
        mul_div_up(base, in_code(PRICE_SCALE), self.0)
    }
}

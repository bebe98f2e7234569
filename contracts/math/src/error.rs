//! The one error type of the crate.

use core::fmt;

/// Why a math operation refused to produce a value.
///
/// Every fallible function of the crate returns `Result<_, MathError>`; nothing in the crate
/// panics or wraps. Callers map these to their Solidity errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MathError {
    /// The exact result (or a required intermediate such as `total + VIRTUAL_SHARES`) does not
    /// fit in 256 bits.
    Overflow,
    /// A divisor was zero.
    DivisionByZero,
    /// A subtraction would go below zero.
    Underflow,
    /// A value does not fit in the `u128` used for storage.
    ExceedsU128,
}

impl MathError {
    /// The stable code the protocol's Solidity errors carry for this error
    /// (`DebtMathError(kind)`, `VaultMathError(kind)`,
    /// `LiquidationArithmetic(reason)`): 1 overflow, 2 division by zero,
    /// 3 underflow, 4 above `u128`.
    pub const fn code(self) -> u8 {
        match self {
            Self::Overflow => 1,
            Self::DivisionByZero => 2,
            Self::Underflow => 3,
            Self::ExceedsU128 => 4,
        }
    }
}

impl fmt::Display for MathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Overflow => "math overflow: result does not fit in 256 bits",
            Self::DivisionByZero => "math error: division by zero",
            Self::Underflow => "math underflow: result below zero",
            Self::ExceedsU128 => "math error: value does not fit in u128",
        })
    }
}

impl core::error::Error for MathError {}

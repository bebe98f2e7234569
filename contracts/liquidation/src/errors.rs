//! The crate's Solidity custom errors and the one Rust error type that carries them.
//!
//! Each reason has its own error so that a liquidator, a dapp or an auditor reading a revert
//! knows what went wrong without decoding a code. keel-market lists these structs as variants
//! of its `#[derive(SolidityError)]` enum (one arm per [`LiquidationError`] variant), or returns
//! the bytes of [`LiquidationError`] through its `From<LiquidationError> for Vec<u8>`.

use alloc::vec::Vec;

use alloy_primitives::U256;
use alloy_sol_types::{sol, SolError};
use keel_math::MathError;

sol! {
    /// The position's health factor `healthFactorWad` is at least 1.0 (`1e18`): it may not be
    /// liquidated. `type(uint256).max` means the position has no debt.
    #[derive(Debug, PartialEq, Eq)]
    error PositionHealthy(uint256 healthFactorWad);

    /// The borrower holds none of collateral `index` (or the market has no collateral there).
    #[derive(Debug, PartialEq, Eq)]
    error CollateralNotHeld(uint8 index);

    /// The price of collateral `index` is 0: its seizure cannot be valued.
    #[derive(Debug, PartialEq, Eq)]
    error CollateralPriceZero(uint8 index);

    /// The request allows no repayment: `maxRepayAssets` is 0, or smaller than the cost of a
    /// single borrow share.
    #[derive(Debug, PartialEq, Eq)]
    error ZeroRepay();

    /// Every amount within the request would leave dust (debt, or value of the chosen
    /// collateral, below the market's dust threshold), and the full liquidation needs
    /// `fullRepayAssets`, more than the request allows. Ask for `fullRepayAssets` (or the
    /// maximum `uint256`) instead.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidationLeavesDust(uint256 fullRepayAssets);

    /// An intermediate amount does not fit in 256 bits or the snapshot is inconsistent.
    /// `reason`: [`MathError::code`]: 1 overflow, 2 division by zero, 3 underflow, 4 value above `uint128`.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidationArithmetic(uint8 reason);

    /// Configuration: the loan-to-value `ltvWad` must be strictly below the liquidation
    /// threshold `liquidationThresholdWad`.
    #[derive(Debug, PartialEq, Eq)]
    error LtvNotBelowThreshold(uint256 ltvWad, uint256 liquidationThresholdWad);

    /// Configuration: `liquidationThreshold * (1 + bonus)` must be strictly below 1.0, so that
    /// liquidating a solvent position raises its health factor.
    #[derive(Debug, PartialEq, Eq)]
    error ThresholdWithBonusNotBelowOne(uint256 liquidationThresholdWad, uint256 bonusWad);

    /// Configuration: the liquidation bonus `bonusWad` must be in `(0, maxBonusWad]`.
    #[derive(Debug, PartialEq, Eq)]
    error BonusOutOfBounds(uint256 bonusWad, uint256 maxBonusWad);

    /// Configuration: the protocol's share of the bonus `feeWad` must be in `[0, maxFeeWad]`.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidationFeeOutOfBounds(uint256 feeWad, uint256 maxFeeWad);

    /// Configuration: the close factor `closeFactorWad` must be in `(0, 1e18]`.
    #[derive(Debug, PartialEq, Eq)]
    error CloseFactorOutOfBounds(uint256 closeFactorWad);

    /// Configuration: the health factor below which 100% may be liquidated,
    /// `fullLiquidationHfWad`, must be at most `1e18`.
    #[derive(Debug, PartialEq, Eq)]
    error FullLiquidationHfOutOfBounds(uint256 fullLiquidationHfWad);
}

/// Every error of the crate: one variant per Solidity error above, wrapping its struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiquidationError {
    /// See [`PositionHealthy`].
    PositionHealthy(PositionHealthy),
    /// See [`CollateralNotHeld`].
    CollateralNotHeld(CollateralNotHeld),
    /// See [`CollateralPriceZero`].
    CollateralPriceZero(CollateralPriceZero),
    /// See [`ZeroRepay`].
    ZeroRepay(ZeroRepay),
    /// See [`LiquidationLeavesDust`].
    LiquidationLeavesDust(LiquidationLeavesDust),
    /// See [`LiquidationArithmetic`].
    LiquidationArithmetic(LiquidationArithmetic),
    /// See [`LtvNotBelowThreshold`].
    LtvNotBelowThreshold(LtvNotBelowThreshold),
    /// See [`ThresholdWithBonusNotBelowOne`].
    ThresholdWithBonusNotBelowOne(ThresholdWithBonusNotBelowOne),
    /// See [`BonusOutOfBounds`].
    BonusOutOfBounds(BonusOutOfBounds),
    /// See [`LiquidationFeeOutOfBounds`].
    LiquidationFeeOutOfBounds(LiquidationFeeOutOfBounds),
    /// See [`CloseFactorOutOfBounds`].
    CloseFactorOutOfBounds(CloseFactorOutOfBounds),
    /// See [`FullLiquidationHfOutOfBounds`].
    FullLiquidationHfOutOfBounds(FullLiquidationHfOutOfBounds),
}

impl LiquidationError {
    /// The ABI encoding of the error: 4-byte selector then the arguments, as a revert carries it.
    #[must_use]
    pub fn abi_encode(&self) -> Vec<u8> {
        match self {
            Self::PositionHealthy(e) => e.abi_encode(),
            Self::CollateralNotHeld(e) => e.abi_encode(),
            Self::CollateralPriceZero(e) => e.abi_encode(),
            Self::ZeroRepay(e) => e.abi_encode(),
            Self::LiquidationLeavesDust(e) => e.abi_encode(),
            Self::LiquidationArithmetic(e) => e.abi_encode(),
            Self::LtvNotBelowThreshold(e) => e.abi_encode(),
            Self::ThresholdWithBonusNotBelowOne(e) => e.abi_encode(),
            Self::BonusOutOfBounds(e) => e.abi_encode(),
            Self::LiquidationFeeOutOfBounds(e) => e.abi_encode(),
            Self::CloseFactorOutOfBounds(e) => e.abi_encode(),
            Self::FullLiquidationHfOutOfBounds(e) => e.abi_encode(),
        }
    }
}

impl From<LiquidationError> for Vec<u8> {
    fn from(error: LiquidationError) -> Self {
        error.abi_encode()
    }
}

impl From<MathError> for LiquidationError {
    fn from(error: MathError) -> Self {
        Self::LiquidationArithmetic(LiquidationArithmetic {
            reason: error.code(),
        })
    }
}

/// [`LiquidationError::PositionHealthy`] for a health factor (WAD).
pub(crate) fn position_healthy(health_factor_wad: U256) -> LiquidationError {
    LiquidationError::PositionHealthy(PositionHealthy {
        healthFactorWad: health_factor_wad,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_starts_with_the_solidity_selector() {
        let error = position_healthy(U256::from(7));
        let bytes: Vec<u8> = error.into();
        assert_eq!(&bytes[..4], PositionHealthy::SELECTOR.as_slice());
        assert_eq!(U256::from_be_slice(&bytes[4..]), U256::from(7));
        assert_eq!(
            PositionHealthy::SIGNATURE,
            "PositionHealthy(uint256)",
            "the ABI name is what dapps decode"
        );
    }

    #[test]
    fn math_errors_keep_their_reason() {
        let reasons = [
            (MathError::Overflow, 1),
            (MathError::DivisionByZero, 2),
            (MathError::Underflow, 3),
            (MathError::ExceedsU128, 4),
        ];
        for (error, reason) in reasons {
            assert_eq!(
                LiquidationError::from(error),
                LiquidationError::LiquidationArithmetic(LiquidationArithmetic { reason })
            );
        }
    }
}

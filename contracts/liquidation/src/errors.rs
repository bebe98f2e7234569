//! The crate's Solidity custom errors and the one Rust error type that carries them.
//!
//! Each reason has its own error so that a liquidator, a dapp or an auditor reading a revert
//! knows what went wrong without decoding a code. [`LiquidationError`] carries any of them
//! ABI-encoded: keel-market forwards it as it is.

use alloy_primitives::U256;
use alloy_sol_types::sol;
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

keel_abi::module_errors! {
    /// Every error of the crate: one of the Solidity errors above, ABI-encoded where it is
    /// raised (keel-abi's crate documentation says why); `Vec<u8>::from(error)` is the revert
    /// data.
    pub struct LiquidationError;
    PositionHealthy { healthFactorWad },
    CollateralNotHeld { index },
    CollateralPriceZero { index },
    ZeroRepay {},
    LiquidationLeavesDust { fullRepayAssets },
    LiquidationArithmetic { reason },
    LtvNotBelowThreshold { ltvWad, liquidationThresholdWad },
    ThresholdWithBonusNotBelowOne { liquidationThresholdWad, bonusWad },
    BonusOutOfBounds { bonusWad, maxBonusWad },
    LiquidationFeeOutOfBounds { feeWad, maxFeeWad },
    CloseFactorOutOfBounds { closeFactorWad },
    FullLiquidationHfOutOfBounds { fullLiquidationHfWad },
}

impl From<MathError> for LiquidationError {
    fn from(error: MathError) -> Self {
        LiquidationArithmetic {
            reason: error.code(),
        }
        .into()
    }
}

/// [`PositionHealthy`] for a health factor (WAD).
pub(crate) fn position_healthy(health_factor_wad: U256) -> LiquidationError {
    LiquidationError::from(PositionHealthy {
        healthFactorWad: health_factor_wad,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use alloy_sol_types::SolError;

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
                LiquidationError::from(LiquidationArithmetic { reason })
            );
        }
    }
}

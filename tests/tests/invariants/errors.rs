//! The model's rejections as the contract's Solidity errors.

use alloy_primitives::hex;
use alloy_sol_types::SolError;
use keel_devnet::Revert;
use keel_tests::model::Reject;
use keel_tests::{
    ActionPaused, LiquidationPaused, ParameterOutOfBounds, TokenTransferFailed, Unauthorized,
};

/// Every rejection, for decoding revert data back to a name.
const ALL: [Reject; 34] = [
    Reject::Unauthorized,
    Reject::ActionPaused,
    Reject::LiquidationPaused,
    Reject::ParameterOutOfBounds,
    Reject::TokenTransferFailed,
    Reject::ZeroAmount,
    Reject::AmountExceedsU128,
    Reject::AmountRoundsToZero,
    Reject::SupplyCapExceeded,
    Reject::BorrowCapExceeded,
    Reject::InsufficientLiquidity,
    Reject::InsufficientSupplyShares,
    Reject::InsufficientReserves,
    Reject::NoDebt,
    Reject::OptimalUtilisationOutOfBounds,
    Reject::MaxBorrowRateTooHigh,
    Reject::ReserveFactorTooHigh,
    Reject::DebtMathError,
    Reject::ZeroCollateralAmount,
    Reject::CollateralAmountExceedsU128,
    Reject::InsufficientCollateral,
    Reject::CollateralCapExceeded,
    Reject::LtvExceeded,
    Reject::VaultMathError,
    Reject::PositionHealthy,
    Reject::CollateralNotHeld,
    Reject::ZeroRepay,
    Reject::LiquidationLeavesDust,
    Reject::BonusOutOfBounds,
    Reject::LtvNotBelowThreshold,
    Reject::ThresholdWithBonusNotBelowOne,
    Reject::CloseFactorOutOfBounds,
    Reject::FullLiquidationHfOutOfBounds,
    Reject::LiquidationFeeOutOfBounds,
];

/// The selector of the Solidity error the contract uses for `reason`.
fn selector(reason: Reject) -> [u8; 4] {
    use keel_debt as debt;
    use keel_liquidation as liquidation;
    use keel_vault as vault;
    match reason {
        Reject::Unauthorized => Unauthorized::SELECTOR,
        Reject::ActionPaused => ActionPaused::SELECTOR,
        Reject::LiquidationPaused => LiquidationPaused::SELECTOR,
        Reject::ParameterOutOfBounds => ParameterOutOfBounds::SELECTOR,
        Reject::TokenTransferFailed => TokenTransferFailed::SELECTOR,
        Reject::ZeroAmount => debt::ZeroAmount::SELECTOR,
        Reject::AmountExceedsU128 => debt::AmountExceedsU128::SELECTOR,
        Reject::AmountRoundsToZero => debt::AmountRoundsToZero::SELECTOR,
        Reject::SupplyCapExceeded => debt::SupplyCapExceeded::SELECTOR,
        Reject::BorrowCapExceeded => debt::BorrowCapExceeded::SELECTOR,
        Reject::InsufficientLiquidity => debt::InsufficientLiquidity::SELECTOR,
        Reject::InsufficientSupplyShares => debt::InsufficientSupplyShares::SELECTOR,
        Reject::InsufficientReserves => debt::InsufficientReserves::SELECTOR,
        Reject::NoDebt => debt::NoDebt::SELECTOR,
        Reject::OptimalUtilisationOutOfBounds => debt::OptimalUtilisationOutOfBounds::SELECTOR,
        Reject::MaxBorrowRateTooHigh => debt::MaxBorrowRateTooHigh::SELECTOR,
        Reject::ReserveFactorTooHigh => debt::ReserveFactorTooHigh::SELECTOR,
        Reject::DebtMathError => debt::DebtMathError::SELECTOR,
        Reject::ZeroCollateralAmount => vault::ZeroCollateralAmount::SELECTOR,
        Reject::CollateralAmountExceedsU128 => vault::CollateralAmountExceedsU128::SELECTOR,
        Reject::InsufficientCollateral => vault::InsufficientCollateral::SELECTOR,
        Reject::CollateralCapExceeded => vault::CollateralCapExceeded::SELECTOR,
        Reject::LtvExceeded => vault::LtvExceeded::SELECTOR,
        Reject::VaultMathError => vault::VaultMathError::SELECTOR,
        Reject::PositionHealthy => liquidation::PositionHealthy::SELECTOR,
        Reject::CollateralNotHeld => liquidation::CollateralNotHeld::SELECTOR,
        Reject::ZeroRepay => liquidation::ZeroRepay::SELECTOR,
        Reject::LiquidationLeavesDust => liquidation::LiquidationLeavesDust::SELECTOR,
        Reject::BonusOutOfBounds => liquidation::BonusOutOfBounds::SELECTOR,
        Reject::LtvNotBelowThreshold => liquidation::LtvNotBelowThreshold::SELECTOR,
        Reject::ThresholdWithBonusNotBelowOne => {
            liquidation::ThresholdWithBonusNotBelowOne::SELECTOR
        }
        Reject::CloseFactorOutOfBounds => liquidation::CloseFactorOutOfBounds::SELECTOR,
        Reject::FullLiquidationHfOutOfBounds => liquidation::FullLiquidationHfOutOfBounds::SELECTOR,
        Reject::LiquidationFeeOutOfBounds => liquidation::LiquidationFeeOutOfBounds::SELECTOR,
    }
}

/// The rejection whose error the revert carries, if any.
pub fn decode(revert: &Revert) -> Option<Reject> {
    let data = revert.data.get(..4)?;
    ALL.into_iter().find(|&reason| selector(reason) == data)
}

/// Whether the revert carries one of `reasons`' errors.
pub fn is_one_of(revert: &Revert, reasons: &[Reject]) -> bool {
    decode(revert).is_some_and(|reason| reasons.contains(&reason))
}

/// The revert's error name and data, for messages.
pub fn describe(revert: &Revert) -> String {
    match decode(revert) {
        Some(reason) => format!("{reason:?} (0x{})", hex::encode(&revert.data)),
        None if revert.data.is_empty() => "no data (a trap or a refused call)".to_string(),
        None => format!("an unknown error 0x{}", hex::encode(&revert.data)),
    }
}

//! The market's Solidity custom errors: every rejection has a name.
//!
//! Each module (keel-debt, keel-vault, keel-oracle, keel-liquidation) defines
//! its own errors; [`MarketError`] lists them all, plus the market's own, so
//! the ABI carries every error an entry point can return. (A `SolidityError`
//! enum cannot nest another, hence one flat enum and `From` conversions.)
//!
//! `ParameterOutOfBounds.parameter` ids:
//!
//! | id | parameter |
//! |---|---|
//! | 1 | liquidation grace period (seconds) |
//! | 2 | pausable action code |
//! | 3 | minimum partial liquidation value or dust threshold (must fit `uint128`) |

use crate::error_abi::market_errors;
use alloy_primitives::U256;
use alloy_sol_types::sol;

sol! {
    /// The caller may not perform this action.
    #[derive(Debug, PartialEq, Eq)]
    error Unauthorized(address caller);
    /// An address argument that must be set was zero.
    #[derive(Debug, PartialEq, Eq)]
    error ZeroAddress();
    /// A state-changing call is already in progress (re-entry refused).
    #[derive(Debug, PartialEq, Eq)]
    error Reentrancy();
    /// The guardian paused this action (see `Action` codes).
    #[derive(Debug, PartialEq, Eq)]
    error ActionPaused(uint8 action);
    /// Liquidation is paused, or resumes at `resumesAt` after an unpause.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidationPaused(bool paused, uint64 resumesAt);
    /// A parameter setter was given a value outside `[min, max]`.
    #[derive(Debug, PartialEq, Eq)]
    error ParameterOutOfBounds(uint8 parameter, uint256 value, uint256 min, uint256 max);
    /// An ERC-20 transfer reverted, returned false or returned malformed data.
    #[derive(Debug, PartialEq, Eq)]
    error TokenTransferFailed(address token, address from, address to, uint256 amount);
    /// An address that must be a contract has no code.
    #[derive(Debug, PartialEq, Eq)]
    error NotAContract(address account);
    /// The token is not a collateral of this market.
    #[derive(Debug, PartialEq, Eq)]
    error UnknownCollateral(address token);
    /// The token is already a collateral (or is the base asset).
    #[derive(Debug, PartialEq, Eq)]
    error CollateralAlreadyListed(address token);
    /// The market already has the maximum of 8 collaterals.
    #[derive(Debug, PartialEq, Eq)]
    error TooManyCollaterals();
    /// No entry point of the market has this selector.
    #[derive(Debug, PartialEq, Eq)]
    error UnknownSelector(bytes4 selector);
    /// A module program was called directly instead of through the market.
    #[derive(Debug, PartialEq, Eq)]
    error ModuleCalledDirectly();
    /// The market was already initialised.
    #[derive(Debug, PartialEq, Eq)]
    error AlreadyInitialized();
    /// An inbound transfer of `token` delivered `received` instead of
    /// `expected` (fee-on-transfer or rebasing tokens are not supported).
    #[derive(Debug, PartialEq, Eq)]
    error TransferAmountMismatch(address token, uint256 expected, uint256 received);
    /// The calldata has a selector this program knows but its arguments do
    /// not decode (too short, too long, or a value out of its type's range).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidCalldata(bytes4 selector);
    /// The call sent ether; no entry point of the market is payable.
    #[derive(Debug, PartialEq, Eq)]
    error NotPayable();
    /// The liquidator's `onKeelLiquidate` callback reverted; `reason` is the
    /// selector of its revert data (zero when it had none).
    #[derive(Debug, PartialEq, Eq)]
    error LiquidationCallbackFailed(address liquidator, bytes4 reason);
    /// The market's own arithmetic (outside the debt, vault and liquidation
    /// modules: collateral fee reserves, the views' conversions) did not fit;
    /// `kind` is keel-math's reason code (as in `DebtMathError`).
    #[derive(Debug, PartialEq, Eq)]
    error MarketMathError(uint8 kind);
}

market_errors! {
    Unauthorized(Unauthorized) { caller },
    ZeroAddress(ZeroAddress) {  },
    Reentrancy(Reentrancy) {  },
    ActionPaused(ActionPaused) { action },
    LiquidationPaused(LiquidationPaused) { paused, resumesAt },
    ParameterOutOfBounds(ParameterOutOfBounds) { parameter, value, min, max },
    TokenTransferFailed(TokenTransferFailed) { token, from, to, amount },
    NotAContract(NotAContract) { account },
    UnknownCollateral(UnknownCollateral) { token },
    CollateralAlreadyListed(CollateralAlreadyListed) { token },
    TooManyCollaterals(TooManyCollaterals) {  },
    UnknownSelector(UnknownSelector) { selector },
    ModuleCalledDirectly(ModuleCalledDirectly) {  },
    AlreadyInitialized(AlreadyInitialized) {  },
    TransferAmountMismatch(TransferAmountMismatch) { token, expected, received },
    InvalidCalldata(InvalidCalldata) { selector },
    NotPayable(NotPayable) {  },
    LiquidationCallbackFailed(LiquidationCallbackFailed) { liquidator, reason },
    MarketMathError(MarketMathError) { kind },
    ZeroAmount(keel_debt::ZeroAmount) {  },
    AmountExceedsU128(keel_debt::AmountExceedsU128) { amount },
    AmountRoundsToZero(keel_debt::AmountRoundsToZero) { amount },
    SupplyCapExceeded(keel_debt::SupplyCapExceeded) { totalAfter, cap },
    BorrowCapExceeded(keel_debt::BorrowCapExceeded) { totalAfter, cap },
    InsufficientLiquidity(keel_debt::InsufficientLiquidity) { requested, available },
    InsufficientSupplyShares(keel_debt::InsufficientSupplyShares) { requested, balance },
    InsufficientReserves(keel_debt::InsufficientReserves) { requested, reserves },
    NoDebt(keel_debt::NoDebt) {  },
    OptimalUtilisationOutOfBounds(keel_debt::OptimalUtilisationOutOfBounds) { value, min, max },
    MaxBorrowRateTooHigh(keel_debt::MaxBorrowRateTooHigh) { maxRatePerSecond, limit },
    ReserveFactorTooHigh(keel_debt::ReserveFactorTooHigh) { value, max },
    DebtMathError(keel_debt::DebtMathError) { kind },
    ZeroCollateralAmount(keel_vault::ZeroCollateralAmount) { index },
    CollateralIndexOutOfRange(keel_vault::CollateralIndexOutOfRange) { index },
    CollateralAmountExceedsU128(keel_vault::CollateralAmountExceedsU128) { index, amount },
    InsufficientCollateral(keel_vault::InsufficientCollateral) { index, requested, balance },
    CollateralCapExceeded(keel_vault::CollateralCapExceeded) { index, totalAfter, cap },
    LtvExceeded(keel_vault::LtvExceeded) { debtAssets, borrowPower },
    VaultMathError(keel_vault::VaultMathError) { kind },
    PriceNotPositive(keel_oracle::PriceNotPositive) { feed, answer },
    RoundIncomplete(keel_oracle::RoundIncomplete) { feed },
    PriceStale(keel_oracle::PriceStale) { feed, updatedAt, heartbeat },
    PriceFromFuture(keel_oracle::PriceFromFuture) { feed, updatedAt, now },
    PriceOutOfBand(keel_oracle::PriceOutOfBand) { feed, answer, minAnswer, maxAnswer },
    FeedCallFailed(keel_oracle::FeedCallFailed) { feed },
    UnsupportedDecimals(keel_oracle::UnsupportedDecimals) { decimals },
    PriceOverflow(keel_oracle::PriceOverflow) {  },
    PriceRoundsToZero(keel_oracle::PriceRoundsToZero) {  },
    SequencerDown(keel_oracle::SequencerDown) {  },
    SequencerGracePeriod(keel_oracle::SequencerGracePeriod) { recoversAt },
    SequencerFeedInvalid(keel_oracle::SequencerFeedInvalid) { answer, startedAt },
    FeedHasNoCode(keel_oracle::FeedHasNoCode) { feed },
    FeedDecimalsMismatch(keel_oracle::FeedDecimalsMismatch) { feed, configured, reported },
    HeartbeatOutOfBounds(keel_oracle::HeartbeatOutOfBounds) { feed, heartbeatSeconds },
    InvalidAnswerBand(keel_oracle::InvalidAnswerBand) { feed, minAnswer, maxAnswer },
    GracePeriodOutOfBounds(keel_oracle::GracePeriodOutOfBounds) { gracePeriodSeconds },
    PositionHealthy(keel_liquidation::PositionHealthy) { healthFactorWad },
    CollateralNotHeld(keel_liquidation::CollateralNotHeld) { index },
    CollateralPriceZero(keel_liquidation::CollateralPriceZero) { index },
    ZeroRepay(keel_liquidation::ZeroRepay) {  },
    LiquidationLeavesDust(keel_liquidation::LiquidationLeavesDust) { fullRepayAssets },
    LiquidationArithmetic(keel_liquidation::LiquidationArithmetic) { reason },
    LtvNotBelowThreshold(keel_liquidation::LtvNotBelowThreshold) { ltvWad, liquidationThresholdWad },
    ThresholdWithBonusNotBelowOne(keel_liquidation::ThresholdWithBonusNotBelowOne) { liquidationThresholdWad, bonusWad },
    BonusOutOfBounds(keel_liquidation::BonusOutOfBounds) { bonusWad, maxBonusWad },
    LiquidationFeeOutOfBounds(keel_liquidation::LiquidationFeeOutOfBounds) { feeWad, maxFeeWad },
    CloseFactorOutOfBounds(keel_liquidation::CloseFactorOutOfBounds) { closeFactorWad },
    FullLiquidationHfOutOfBounds(keel_liquidation::FullLiquidationHfOutOfBounds) { fullLiquidationHfWad },
}

/// Maps each variant of a module's error enum to the market variant of the
/// same Solidity error.
macro_rules! forward_errors {
    ($source:path { $($from:ident => $to:ident),* $(,)? }) => {
        impl From<$source> for MarketError {
            fn from(error: $source) -> Self {
                use $source as Source;
                match error {
                    $(Source::$from(inner) => MarketError::$to(inner),)*
                }
            }
        }
    };
}

forward_errors!(keel_debt::DebtError {
    ZeroAmount => ZeroAmount,
    AmountExceedsU128 => AmountExceedsU128,
    AmountRoundsToZero => AmountRoundsToZero,
    SupplyCapExceeded => SupplyCapExceeded,
    BorrowCapExceeded => BorrowCapExceeded,
    InsufficientLiquidity => InsufficientLiquidity,
    InsufficientSupplyShares => InsufficientSupplyShares,
    InsufficientReserves => InsufficientReserves,
    NoDebt => NoDebt,
    OptimalUtilisationOutOfBounds => OptimalUtilisationOutOfBounds,
    MaxBorrowRateTooHigh => MaxBorrowRateTooHigh,
    ReserveFactorTooHigh => ReserveFactorTooHigh,
    Math => DebtMathError,
});

forward_errors!(keel_vault::VaultError {
    ZeroCollateralAmount => ZeroCollateralAmount,
    CollateralIndexOutOfRange => CollateralIndexOutOfRange,
    CollateralAmountExceedsU128 => CollateralAmountExceedsU128,
    InsufficientCollateral => InsufficientCollateral,
    CollateralCapExceeded => CollateralCapExceeded,
    LtvExceeded => LtvExceeded,
    Math => VaultMathError,
});

forward_errors!(keel_oracle::OracleError {
    PriceNotPositive => PriceNotPositive,
    RoundIncomplete => RoundIncomplete,
    PriceStale => PriceStale,
    PriceFromFuture => PriceFromFuture,
    PriceOutOfBand => PriceOutOfBand,
    FeedCallFailed => FeedCallFailed,
    UnsupportedDecimals => UnsupportedDecimals,
    PriceOverflow => PriceOverflow,
    PriceRoundsToZero => PriceRoundsToZero,
    SequencerDown => SequencerDown,
    SequencerGracePeriod => SequencerGracePeriod,
    SequencerFeedInvalid => SequencerFeedInvalid,
    FeedHasNoCode => FeedHasNoCode,
    FeedDecimalsMismatch => FeedDecimalsMismatch,
    HeartbeatOutOfBounds => HeartbeatOutOfBounds,
    InvalidAnswerBand => InvalidAnswerBand,
    GracePeriodOutOfBounds => GracePeriodOutOfBounds,
});

forward_errors!(keel_liquidation::LiquidationError {
    PositionHealthy => PositionHealthy,
    CollateralNotHeld => CollateralNotHeld,
    CollateralPriceZero => CollateralPriceZero,
    ZeroRepay => ZeroRepay,
    LiquidationLeavesDust => LiquidationLeavesDust,
    LiquidationArithmetic => LiquidationArithmetic,
    LtvNotBelowThreshold => LtvNotBelowThreshold,
    ThresholdWithBonusNotBelowOne => ThresholdWithBonusNotBelowOne,
    BonusOutOfBounds => BonusOutOfBounds,
    LiquidationFeeOutOfBounds => LiquidationFeeOutOfBounds,
    CloseFactorOutOfBounds => CloseFactorOutOfBounds,
    FullLiquidationHfOutOfBounds => FullLiquidationHfOutOfBounds,
});

/// The market's own keel-math arithmetic (share conversions and rates in the
/// views, collateral fee reserves) that does not fit is `MarketMathError`:
/// each module's error names the module that hit the limit.
impl From<keel_math::MathError> for MarketError {
    fn from(error: keel_math::MathError) -> Self {
        MarketError::MarketMathError(MarketMathError { kind: error.code() })
    }
}

/// `ParameterOutOfBounds` for `parameter` (an id of the module table).
pub(crate) fn out_of_bounds(parameter: u8, value: U256, min: U256, max: U256) -> MarketError {
    MarketError::ParameterOutOfBounds(ParameterOutOfBounds {
        parameter,
        value,
        min,
        max,
    })
}

/// `ZeroAddress`.
pub(crate) fn zero_address() -> MarketError {
    MarketError::ZeroAddress(ZeroAddress {})
}

/// Fails with `ZeroAddress` when `account` is zero.
pub(crate) fn ensure_nonzero(account: alloy_primitives::Address) -> Result<(), MarketError> {
    if account.is_zero() {
        return Err(zero_address());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_math::MathError;

    #[test]
    fn the_markets_own_arithmetic_is_named_for_the_market() {
        assert_eq!(
            MarketError::from(MathError::DivisionByZero),
            MarketError::MarketMathError(MarketMathError { kind: 2 })
        );
        // A module's arithmetic keeps its module's name.
        assert_eq!(
            MarketError::from(keel_debt::DebtError::from(MathError::Overflow)),
            MarketError::DebtMathError(keel_debt::DebtMathError { kind: 1 })
        );
    }
}

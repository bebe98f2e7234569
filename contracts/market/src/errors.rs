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

use alloy_primitives::U256;
use alloy_sol_types::sol;
use stylus_sdk::prelude::*;

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
}

/// Every error a market entry point can return.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum MarketError {
    /// See [`Unauthorized`].
    Unauthorized(Unauthorized),
    /// See [`ZeroAddress`].
    ZeroAddress(ZeroAddress),
    /// See [`Reentrancy`].
    Reentrancy(Reentrancy),
    /// See [`ActionPaused`].
    ActionPaused(ActionPaused),
    /// See [`LiquidationPaused`].
    LiquidationPaused(LiquidationPaused),
    /// See [`ParameterOutOfBounds`].
    ParameterOutOfBounds(ParameterOutOfBounds),
    /// See [`TokenTransferFailed`].
    TokenTransferFailed(TokenTransferFailed),
    /// See [`NotAContract`].
    NotAContract(NotAContract),
    /// See [`UnknownCollateral`].
    UnknownCollateral(UnknownCollateral),
    /// See [`CollateralAlreadyListed`].
    CollateralAlreadyListed(CollateralAlreadyListed),
    /// See [`TooManyCollaterals`].
    TooManyCollaterals(TooManyCollaterals),
    /// See [`UnknownSelector`].
    UnknownSelector(UnknownSelector),
    /// See [`ModuleCalledDirectly`].
    ModuleCalledDirectly(ModuleCalledDirectly),
    /// See [`AlreadyInitialized`].
    AlreadyInitialized(AlreadyInitialized),
    /// See [`keel_debt::ZeroAmount`].
    ZeroAmount(keel_debt::ZeroAmount),
    /// See [`keel_debt::AmountExceedsU128`].
    AmountExceedsU128(keel_debt::AmountExceedsU128),
    /// See [`keel_debt::AmountRoundsToZero`].
    AmountRoundsToZero(keel_debt::AmountRoundsToZero),
    /// See [`keel_debt::SupplyCapExceeded`].
    SupplyCapExceeded(keel_debt::SupplyCapExceeded),
    /// See [`keel_debt::BorrowCapExceeded`].
    BorrowCapExceeded(keel_debt::BorrowCapExceeded),
    /// See [`keel_debt::InsufficientLiquidity`].
    InsufficientLiquidity(keel_debt::InsufficientLiquidity),
    /// See [`keel_debt::InsufficientSupplyShares`].
    InsufficientSupplyShares(keel_debt::InsufficientSupplyShares),
    /// See [`keel_debt::InsufficientReserves`].
    InsufficientReserves(keel_debt::InsufficientReserves),
    /// See [`keel_debt::NoDebt`].
    NoDebt(keel_debt::NoDebt),
    /// See [`keel_debt::OptimalUtilisationOutOfBounds`].
    OptimalUtilisationOutOfBounds(keel_debt::OptimalUtilisationOutOfBounds),
    /// See [`keel_debt::MaxBorrowRateTooHigh`].
    MaxBorrowRateTooHigh(keel_debt::MaxBorrowRateTooHigh),
    /// See [`keel_debt::ReserveFactorTooHigh`].
    ReserveFactorTooHigh(keel_debt::ReserveFactorTooHigh),
    /// See [`keel_debt::DebtMathError`].
    DebtMathError(keel_debt::DebtMathError),
    /// See [`keel_vault::ZeroCollateralAmount`].
    ZeroCollateralAmount(keel_vault::ZeroCollateralAmount),
    /// See [`keel_vault::CollateralIndexOutOfRange`].
    CollateralIndexOutOfRange(keel_vault::CollateralIndexOutOfRange),
    /// See [`keel_vault::CollateralAmountExceedsU128`].
    CollateralAmountExceedsU128(keel_vault::CollateralAmountExceedsU128),
    /// See [`keel_vault::InsufficientCollateral`].
    InsufficientCollateral(keel_vault::InsufficientCollateral),
    /// See [`keel_vault::CollateralCapExceeded`].
    CollateralCapExceeded(keel_vault::CollateralCapExceeded),
    /// See [`keel_vault::LtvExceeded`].
    LtvExceeded(keel_vault::LtvExceeded),
    /// See [`keel_vault::VaultMathError`].
    VaultMathError(keel_vault::VaultMathError),
    /// See [`keel_oracle::PriceNotPositive`].
    PriceNotPositive(keel_oracle::PriceNotPositive),
    /// See [`keel_oracle::RoundIncomplete`].
    RoundIncomplete(keel_oracle::RoundIncomplete),
    /// See [`keel_oracle::PriceStale`].
    PriceStale(keel_oracle::PriceStale),
    /// See [`keel_oracle::PriceFromFuture`].
    PriceFromFuture(keel_oracle::PriceFromFuture),
    /// See [`keel_oracle::PriceOutOfBand`].
    PriceOutOfBand(keel_oracle::PriceOutOfBand),
    /// See [`keel_oracle::FeedCallFailed`].
    FeedCallFailed(keel_oracle::FeedCallFailed),
    /// See [`keel_oracle::UnsupportedDecimals`].
    UnsupportedDecimals(keel_oracle::UnsupportedDecimals),
    /// See [`keel_oracle::PriceOverflow`].
    PriceOverflow(keel_oracle::PriceOverflow),
    /// See [`keel_oracle::PriceRoundsToZero`].
    PriceRoundsToZero(keel_oracle::PriceRoundsToZero),
    /// See [`keel_oracle::SequencerDown`].
    SequencerDown(keel_oracle::SequencerDown),
    /// See [`keel_oracle::SequencerGracePeriod`].
    SequencerGracePeriod(keel_oracle::SequencerGracePeriod),
    /// See [`keel_oracle::SequencerFeedInvalid`].
    SequencerFeedInvalid(keel_oracle::SequencerFeedInvalid),
    /// See [`keel_oracle::FeedHasNoCode`].
    FeedHasNoCode(keel_oracle::FeedHasNoCode),
    /// See [`keel_oracle::FeedDecimalsMismatch`].
    FeedDecimalsMismatch(keel_oracle::FeedDecimalsMismatch),
    /// See [`keel_oracle::HeartbeatOutOfBounds`].
    HeartbeatOutOfBounds(keel_oracle::HeartbeatOutOfBounds),
    /// See [`keel_oracle::InvalidAnswerBand`].
    InvalidAnswerBand(keel_oracle::InvalidAnswerBand),
    /// See [`keel_oracle::GracePeriodOutOfBounds`].
    GracePeriodOutOfBounds(keel_oracle::GracePeriodOutOfBounds),
    /// See [`keel_liquidation::PositionHealthy`].
    PositionHealthy(keel_liquidation::PositionHealthy),
    /// See [`keel_liquidation::CollateralNotHeld`].
    CollateralNotHeld(keel_liquidation::CollateralNotHeld),
    /// See [`keel_liquidation::CollateralPriceZero`].
    CollateralPriceZero(keel_liquidation::CollateralPriceZero),
    /// See [`keel_liquidation::ZeroRepay`].
    ZeroRepay(keel_liquidation::ZeroRepay),
    /// See [`keel_liquidation::LiquidationLeavesDust`].
    LiquidationLeavesDust(keel_liquidation::LiquidationLeavesDust),
    /// See [`keel_liquidation::LiquidationArithmetic`].
    LiquidationArithmetic(keel_liquidation::LiquidationArithmetic),
    /// See [`keel_liquidation::LtvNotBelowThreshold`].
    LtvNotBelowThreshold(keel_liquidation::LtvNotBelowThreshold),
    /// See [`keel_liquidation::ThresholdWithBonusNotBelowOne`].
    ThresholdWithBonusNotBelowOne(keel_liquidation::ThresholdWithBonusNotBelowOne),
    /// See [`keel_liquidation::BonusOutOfBounds`].
    BonusOutOfBounds(keel_liquidation::BonusOutOfBounds),
    /// See [`keel_liquidation::LiquidationFeeOutOfBounds`].
    LiquidationFeeOutOfBounds(keel_liquidation::LiquidationFeeOutOfBounds),
    /// See [`keel_liquidation::CloseFactorOutOfBounds`].
    CloseFactorOutOfBounds(keel_liquidation::CloseFactorOutOfBounds),
    /// See [`keel_liquidation::FullLiquidationHfOutOfBounds`].
    FullLiquidationHfOutOfBounds(keel_liquidation::FullLiquidationHfOutOfBounds),
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

impl From<keel_math::MathError> for MarketError {
    fn from(error: keel_math::MathError) -> Self {
        keel_debt::DebtError::from(error).into()
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

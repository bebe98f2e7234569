//! The market's Solidity custom errors: every rejection has a name.
//!
//! Each module (keel-debt, keel-vault, keel-oracle, keel-liquidation) defines
//! its own errors and error type; [`MarketError`] carries the market's own or
//! a module's, ABI-encoded (a module's error converts by a move). The table
//! below lists them all, so the exported ABI carries every error an entry
//! point can return.
//!
//! `ParameterOutOfBounds.parameter` ids:
//!
//! | id | parameter |
//! |---|---|
//! | 1 | liquidation grace period (seconds) |
//! | 2 | pausable action code |
//! | 3 | minimum partial liquidation value or dust threshold (must fit `uint128`) |

use crate::market_errors::market_errors;
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
    own: [
        Unauthorized { caller },
        ZeroAddress {},
        Reentrancy {},
        ActionPaused { action },
        LiquidationPaused { paused, resumesAt },
        ParameterOutOfBounds { parameter, value, min, max },
        TokenTransferFailed { token, from, to, amount },
        NotAContract { account },
        UnknownCollateral { token },
        CollateralAlreadyListed { token },
        TooManyCollaterals {},
        UnknownSelector { selector },
        ModuleCalledDirectly {},
        AlreadyInitialized {},
        TransferAmountMismatch { token, expected, received },
        InvalidCalldata { selector },
        NotPayable {},
        LiquidationCallbackFailed { liquidator, reason },
        MarketMathError { kind },
    ],
    modules: [
        keel_debt::DebtError,
        keel_vault::VaultError,
        keel_oracle::OracleError,
        keel_liquidation::LiquidationError,
    ],
}

/// The market's own keel-math arithmetic (share conversions and rates in the
/// views, collateral fee reserves) that does not fit is `MarketMathError`:
/// each module's error names the module that hit the limit.
impl From<keel_math::MathError> for MarketError {
    fn from(error: keel_math::MathError) -> Self {
        MarketError::from(MarketMathError { kind: error.code() })
    }
}

/// `ParameterOutOfBounds` for `parameter` (an id of the module table).
pub(crate) fn out_of_bounds(parameter: u8, value: U256, min: U256, max: U256) -> MarketError {
    MarketError::from(ParameterOutOfBounds {
        parameter,
        value,
        min,
        max,
    })
}

/// `ZeroAddress`.
pub(crate) fn zero_address() -> MarketError {
    MarketError::from(ZeroAddress {})
}

/// Fails with `ZeroAddress` when `account` is zero.
pub(crate) fn ensure_nonzero(account: alloy_primitives::Address) -> Result<(), MarketError> {
    if keel_abi::is_zero_address(account) {
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
            MarketError::from(MarketMathError { kind: 2 })
        );
        // A module's arithmetic keeps its module's name.
        assert_eq!(
            MarketError::from(keel_debt::DebtError::from(MathError::Overflow)),
            MarketError::from(keel_debt::DebtError::from(keel_debt::DebtMathError {
                kind: 1
            }))
        );
    }
}

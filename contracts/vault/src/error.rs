//! Errors of the vault: one Solidity custom error per rejection, and [`VaultError`], which
//! carries any of them ABI-encoded (the market forwards it as it is).

use alloy_sol_types::sol;
use keel_math::MathError;

sol! {
    /// A deposit, withdrawal or seizure of zero units of collateral `index`.
    #[derive(Debug, PartialEq, Eq)]
    error ZeroCollateralAmount(uint8 index);
    /// A collateral index at or above `MAX_COLLATERALS` (8).
    #[derive(Debug, PartialEq, Eq)]
    error CollateralIndexOutOfRange(uint8 index);
    /// An amount of collateral `index` above `u128::MAX`, the width of balances in storage.
    #[derive(Debug, PartialEq, Eq)]
    error CollateralAmountExceedsU128(uint8 index, uint256 amount);
    /// A withdrawal or seizure of `requested` units of collateral `index` from an account
    /// holding only `balance`.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientCollateral(uint8 index, uint256 requested, uint256 balance);
    /// A deposit that would take the total of collateral `index` to `totalAfter`, above `cap`.
    #[derive(Debug, PartialEq, Eq)]
    error CollateralCapExceeded(uint8 index, uint256 totalAfter, uint256 cap);
    /// A position whose debt (rounded up) is above its borrow power (rounded down).
    #[derive(Debug, PartialEq, Eq)]
    error LtvExceeded(uint256 debtAssets, uint256 borrowPower);
    /// Arithmetic that does not fit (a keel-math error; `kind`: 1 overflow, 2 division by zero,
    /// 3 underflow, 4 value above `u128`). Unreachable with consistent state and bounded prices.
    #[derive(Debug, PartialEq, Eq)]
    error VaultMathError(uint8 kind);
}

keel_abi::module_errors! {
    /// Every rejection of the vault: one of the Solidity errors above, ABI-encoded where it is
    /// raised (keel-abi's crate documentation says why).
    pub struct VaultError;
    ZeroCollateralAmount { index },
    CollateralIndexOutOfRange { index },
    CollateralAmountExceedsU128 { index, amount },
    InsufficientCollateral { index, requested, balance },
    CollateralCapExceeded { index, totalAfter, cap },
    LtvExceeded { debtAssets, borrowPower },
    VaultMathError { kind },
}

impl From<MathError> for VaultError {
    fn from(error: MathError) -> Self {
        VaultMathError { kind: error.code() }.into()
    }
}

#[cfg(test)]
// Test arithmetic on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use alloy_sol_types::SolError;

    #[test]
    fn math_errors_keep_their_kind() {
        let kinds = [
            (MathError::Overflow, 1),
            (MathError::DivisionByZero, 2),
            (MathError::Underflow, 3),
            (MathError::ExceedsU128, 4),
        ];
        for (error, kind) in kinds {
            assert_eq!(
                VaultError::from(error),
                VaultError::from(VaultMathError { kind })
            );
        }
    }

    #[test]
    fn errors_encode_as_their_solidity_selector() {
        let error = VaultError::from(LtvExceeded {
            debtAssets: keel_math::U256::from(2),
            borrowPower: keel_math::U256::from(1),
        });
        let encoded = Vec::<u8>::from(error);
        assert_eq!(encoded.get(..4), Some(LtvExceeded::SELECTOR.as_slice()));
        assert_eq!(encoded.len(), 4 + 64);
    }
}

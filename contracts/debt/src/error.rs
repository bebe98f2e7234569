//! Errors of the debt module: one Solidity custom error per rejection, and [`DebtError`],
//! which carries any of them ABI-encoded (the market forwards it as it is).

use alloy_sol_types::sol;
use keel_math::MathError;

sol! {
    /// A supply, withdrawal, borrow, repayment or reserves withdrawal of zero assets or shares.
    #[derive(Debug, PartialEq, Eq)]
    error ZeroAmount();
    /// An amount of assets or shares above `u128::MAX`, the width of storage.
    #[derive(Debug, PartialEq, Eq)]
    error AmountExceedsU128(uint256 amount);
    /// An amount too small to mint or burn a share, or to pay out an asset, after rounding in
    /// the protocol's favour: the caller would give something for nothing.
    #[derive(Debug, PartialEq, Eq)]
    error AmountRoundsToZero(uint256 amount);
    /// A supply that would take total supply assets to `totalAfter`, above `cap`.
    #[derive(Debug, PartialEq, Eq)]
    error SupplyCapExceeded(uint256 totalAfter, uint256 cap);
    /// A borrow that would take total borrow assets to `totalAfter`, above `cap`.
    #[derive(Debug, PartialEq, Eq)]
    error BorrowCapExceeded(uint256 totalAfter, uint256 cap);
    /// A withdrawal or borrow of `requested` assets when only `available`
    /// (supply + reserves - borrow) is in the market.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientLiquidity(uint256 requested, uint256 available);
    /// A withdrawal burning `requested` supply shares from an account holding `balance`.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientSupplyShares(uint256 requested, uint256 balance);
    /// A reserves withdrawal of `requested` assets when the reserves are `reserves`.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientReserves(uint256 requested, uint256 reserves);
    /// A repayment or write-off for an account without debt.
    #[derive(Debug, PartialEq, Eq)]
    error NoDebt();
    /// A rate model whose optimal utilisation is outside `[min, max]`.
    #[derive(Debug, PartialEq, Eq)]
    error OptimalUtilisationOutOfBounds(uint256 value, uint256 min, uint256 max);
    /// A rate model whose rate at full utilisation (`base + slopeBelow + slopeAbove`, per
    /// second, WAD) is above `limit`.
    #[derive(Debug, PartialEq, Eq)]
    error MaxBorrowRateTooHigh(uint256 maxRatePerSecond, uint256 limit);
    /// A reserve factor above `max` (WAD).
    #[derive(Debug, PartialEq, Eq)]
    error ReserveFactorTooHigh(uint256 value, uint256 max);
    /// Arithmetic that does not fit (a keel-math error; `kind`: 1 overflow, 2 division by zero,
    /// 3 underflow, 4 value above `u128`), e.g. a deposit that would take a total beyond
    /// `u128`. Interest accrual never raises it: it saturates (`MAX_ACCRUED_TOTAL`). The market
    /// reports its own keel-math failures with this error too (keel-market's `MarketError`).
    #[derive(Debug, PartialEq, Eq)]
    error DebtMathError(uint8 kind);
}

keel_abi::module_errors! {
    /// Every rejection of the debt module: one of the Solidity errors above, ABI-encoded
    /// where it is raised (keel-abi's crate documentation says why).
    pub struct DebtError;
    ZeroAmount {},
    AmountExceedsU128 { amount },
    AmountRoundsToZero { amount },
    SupplyCapExceeded { totalAfter, cap },
    BorrowCapExceeded { totalAfter, cap },
    InsufficientLiquidity { requested, available },
    InsufficientSupplyShares { requested, balance },
    InsufficientReserves { requested, reserves },
    NoDebt {},
    OptimalUtilisationOutOfBounds { value, min, max },
    MaxBorrowRateTooHigh { maxRatePerSecond, limit },
    ReserveFactorTooHigh { value, max },
    DebtMathError { kind },
}

impl From<MathError> for DebtError {
    fn from(error: MathError) -> Self {
        DebtMathError { kind: error.code() }.into()
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
                DebtError::from(error),
                DebtError::from(DebtMathError { kind })
            );
        }
    }

    #[test]
    fn errors_encode_as_their_solidity_selector() {
        let error = DebtError::from(InsufficientLiquidity {
            requested: keel_math::U256::from(2),
            available: keel_math::U256::from(1),
        });
        let encoded = Vec::<u8>::from(error);
        assert_eq!(
            encoded.get(..4),
            Some(InsufficientLiquidity::SELECTOR.as_slice())
        );
        assert_eq!(encoded.len(), 4 + 64);
    }
}

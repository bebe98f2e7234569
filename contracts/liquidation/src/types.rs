//! Plain values in and out of the decision function: the position snapshot, the market's
//! parameters, the liquidator's request and the outcome the market applies.

use keel_math::{Price, Wad, U256};

/// One collateral of the borrower, as the market reads it at the time of the liquidation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CollateralSnapshot {
    /// The borrower's balance, in the collateral's smallest units; 0 means not held.
    pub balance: U256,
    /// Oracle price: base smallest units per collateral smallest unit, scaled by 1e36.
    pub price: Price,
    /// Liquidation threshold (LT) of this collateral, WAD.
    pub liquidation_threshold: Wad,
    /// Liquidation bonus of this collateral, WAD (0.05e18 = the liquidator gets 5% more value).
    /// Only the chosen collateral's is read, so a caller may leave the others' at 0.
    pub bonus: Wad,
}

/// The borrower's debt and the market's borrow totals, after interest accrual.
///
/// Precondition (the market's ledger guarantees it): `borrow_shares <= total_borrow_shares`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DebtSnapshot {
    /// The borrower's borrow shares.
    pub borrow_shares: U256,
    /// The market's total borrowed assets (base smallest units), interest included.
    pub total_borrow_assets: U256,
    /// The market's total borrow shares.
    pub total_borrow_shares: U256,
}

/// A borrower's position: every collateral slot of the market (at most 8; a slot with balance
/// 0 is not held) and the debt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionSnapshot<'a> {
    /// The collaterals, indexed as in the market's configuration.
    pub collaterals: &'a [CollateralSnapshot],
    /// The debt.
    pub debt: DebtSnapshot,
}

/// The market's liquidation parameters; check them with
/// [`validate_liquidation_params`](crate::validate_liquidation_params) when they are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiquidationParams {
    /// Share of the debt one liquidation may repay while partial liquidation applies, WAD.
    pub close_factor: Wad,
    /// Below this health factor (WAD) the whole debt may be repaid at once.
    pub full_liquidation_hf: Wad,
    /// Debt or chosen-collateral value (base units) under which the whole debt may be repaid.
    pub min_partial_liquidation_value: U256,
    /// Smallest non-zero debt or chosen-collateral value (base units) a partial liquidation may
    /// leave behind.
    pub dust_threshold: U256,
    /// The protocol's share of the bonus, WAD; kept as collateral reserves.
    pub liquidation_fee: Wad,
}

/// Default close factor: 50%.
pub const DEFAULT_CLOSE_FACTOR: Wad = Wad(U256::from_limbs([500_000_000_000_000_000, 0, 0, 0]));

/// Default health factor below which a full liquidation is allowed: 0.95.
pub const DEFAULT_FULL_LIQUIDATION_HF: Wad =
    Wad(U256::from_limbs([950_000_000_000_000_000, 0, 0, 0]));

/// A liquidator's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiquidationRequest {
    /// Index of the collateral to seize in [`PositionSnapshot::collaterals`].
    pub collateral_index: u8,
    /// Upper bound on the base assets the liquidator pays; `U256::MAX` asks for as much as the
    /// rules allow. The outcome never repays more.
    pub max_repay_assets: U256,
}

impl LiquidationRequest {
    /// The request for as much as the rules allow against collateral `collateral_index`.
    #[must_use]
    pub const fn maximum(collateral_index: u8) -> Self {
        Self {
            collateral_index,
            max_repay_assets: U256::MAX,
        }
    }
}

/// What a liquidation repays, seizes and pays: the part of the decision the market executes
/// (crate docs, "Applying the outcome").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiquidationAmounts {
    /// Base assets the liquidator pays: `to_assets_up(repaid_shares)`.
    pub repaid_assets: U256,
    /// Borrow shares burnt from the borrower by the repayment.
    pub repaid_shares: U256,
    /// Collateral taken from the borrower (liquidator's part plus the protocol fee).
    pub seized_collateral: U256,
    /// Part of the seizure kept by the protocol as collateral reserves.
    pub protocol_fee_collateral: U256,
    /// Part of the seizure sent to the liquidator: `seized_collateral - protocol_fee_collateral`.
    pub liquidator_collateral: U256,
}

/// What a liquidation does and leaves: its [`LiquidationAmounts`] and their consequences, as
/// `previewLiquidation` reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiquidationOutcome {
    /// What is repaid, seized and paid.
    pub amounts: LiquidationAmounts,
    /// Health factor before, WAD, rounded down (below 1.0).
    pub health_factor_before: Wad,
    /// Health factor after the liquidation and any write-off, WAD, rounded down; `U256::MAX`
    /// when no debt remains.
    pub health_factor_after: Wad,
    /// The borrower's balance of the chosen collateral afterwards.
    pub remaining_collateral: U256,
    /// The borrower's borrow shares afterwards (0 after a write-off).
    pub remaining_debt_shares: U256,
    /// The borrower's debt afterwards at the new totals, rounded up (0 after a write-off).
    pub remaining_debt_assets: U256,
    /// Borrow shares written off because the borrower holds no collateral any more.
    pub bad_debt_shares: U256,
    /// Base assets written off with them (against reserves, then suppliers).
    pub bad_debt_assets: U256,
    /// The market's total borrow assets afterwards.
    pub total_borrow_assets_after: U256,
    /// The market's total borrow shares afterwards.
    pub total_borrow_shares_after: U256,
}

/// Risk parameters of one collateral, checked by
/// [`validate_collateral_risk`](crate::validate_collateral_risk) when they are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollateralRiskParams {
    /// Loan-to-value for borrowing and withdrawing, WAD.
    pub ltv: Wad,
    /// Liquidation threshold, WAD.
    pub liquidation_threshold: Wad,
    /// Liquidation bonus, WAD.
    pub bonus: Wad,
}

/// Largest accepted liquidation bonus: 20%.
pub const MAX_LIQUIDATION_BONUS: Wad = Wad(U256::from_limbs([200_000_000_000_000_000, 0, 0, 0]));

/// Largest accepted protocol share of the bonus: 50%.
pub const MAX_LIQUIDATION_FEE: Wad = Wad(U256::from_limbs([500_000_000_000_000_000, 0, 0, 0]));

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use super::*;
    use keel_math::WAD;

    #[test]
    fn constants_have_their_documented_values() {
        let percent = WAD / U256::from(100);
        assert_eq!(DEFAULT_CLOSE_FACTOR.0, percent * U256::from(50));
        assert_eq!(DEFAULT_FULL_LIQUIDATION_HF.0, percent * U256::from(95));
        assert_eq!(MAX_LIQUIDATION_BONUS.0, percent * U256::from(20));
        assert_eq!(MAX_LIQUIDATION_FEE.0, percent * U256::from(50));
    }
}

//! Plain values of the debt state: the two share pools, the market totals, an account's
//! shares, and the conversions and ratios read from them.

use keel_math::{
    checked_add, in_code, min, mul_div_down, to_assets_down, to_assets_up, zero_floor_sub,
    MathError, Wad, U256, WAD,
};

/// Assets and the shares that claim them: the supply pool or the borrow pool. One slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pool {
    /// Total assets: supplied (with interest) or owed (with interest), base-asset units.
    pub assets: u128,
    /// Total shares over all accounts.
    pub shares: u128,
}

impl Pool {
    /// `shares` in assets, rounded up (a borrower's debt), with the virtual offsets.
    ///
    /// # Errors
    /// `MathError::Overflow` only for totals beyond any real token.
    pub fn to_assets_up(self, shares: u128) -> Result<U256, MathError> {
        to_assets_up(
            U256::from(shares),
            U256::from(self.assets),
            U256::from(self.shares),
        )
    }

    /// The borrow pool after `shares` worth `assets` are repaid or written off: assets fall
    /// by `assets`, floored at 0 (`to_assets_up` can take one unit more than the pool holds),
    /// shares by `shares`. The one rule for the borrow pool of `repay`, of the bad-debt
    /// write-off and of keel-liquidation's outcome.
    ///
    /// # Errors
    /// `MathError::Overflow` when `shares` exceed the pool's (inconsistent inputs).
    pub fn after_repay(self, assets: U256, shares: u128) -> Result<Pool, MathError> {
        // In `u128`: the assets left are at most the pool's (an `assets` beyond `u128` leaves
        // none), and shares only fall.
        Ok(Pool {
            assets: u128::try_from(assets).map_or(0, |assets| self.assets.saturating_sub(assets)),
            shares: self
                .shares
                .checked_sub(shares)
                .ok_or(MathError::Underflow)?,
        })
    }

    /// The debt written off for an account left with `shares` and no collateral:
    /// `min(to_assets_up(shares), assets)` (never more than the pool owes).
    ///
    /// # Errors
    /// `MathError::Overflow` only for totals beyond any real token.
    pub fn bad_debt_assets(self, shares: u128) -> Result<U256, MathError> {
        Ok(min(self.to_assets_up(shares)?, U256::from(self.assets)))
    }

    /// `shares` in assets, rounded down (a lender's balance), with the virtual offsets.
    ///
    /// # Errors
    /// `MathError::Overflow` only for totals beyond any real token.
    pub fn to_assets_down(self, shares: u128) -> Result<U256, MathError> {
        to_assets_down(
            U256::from(shares),
            U256::from(self.assets),
            U256::from(self.shares),
        )
    }
}

/// The market totals (slots `D + 0` to `D + 2`, see the crate documentation).
///
/// Accounting identity: the market holds `supply.assets + reserves - borrow.assets` base
/// tokens (at least that many: rounding leaves dust in the market, never the other way).
/// Reserves are the protocol's own base assets; they earn no interest, are lendable like
/// supplied assets, and are the first to absorb bad debt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Supplied assets (with interest) and supply shares.
    pub supply: Pool,
    /// Borrowed assets (with interest) and borrow shares.
    pub borrow: Pool,
    /// Protocol reserves, base-asset units.
    pub reserves: u128,
    /// Time of the last accrual, seconds (`block_timestamp`).
    pub last_accrual_seconds: u64,
    /// Interest accrued but not yet booked: fractions of a unit, carried to the next accrual.
    pub unbooked: UnbookedInterest,
}

/// What accrual has not booked yet because it books whole base-asset units: suppliers' and
/// reserves' parts, in nano-units (1e-9 of a base-asset unit), each below one unit (1e9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnbookedInterest {
    /// Suppliers' part.
    pub to_suppliers_nano: u32,
    /// Reserves' part.
    pub to_reserves_nano: u32,
}

impl Totals {
    /// Base assets in the market that are not lent: `supply + reserves - borrow` (floored at
    /// 0). Withdrawals, borrows and reserves withdrawals never take more.
    ///
    /// # Errors
    /// None in practice: the sum of two `u128` fits in 256 bits.
    pub fn available_liquidity(&self) -> Result<U256, MathError> {
        Ok(zero_floor_sub(
            checked_add(U256::from(self.supply.assets), U256::from(self.reserves))?,
            U256::from(self.borrow.assets),
        ))
    }

    /// Utilisation `borrow / (supply + reserves)`, WAD, rounded down and at most 1; 0 when
    /// nothing is supplied. The denominator counts reserves because reserves are lent too, so
    /// utilisation is the lent fraction of the assets that can be lent.
    ///
    /// # Errors
    /// None in practice (`u128` inputs).
    pub fn utilisation(&self) -> Result<Wad, MathError> {
        let lendable = checked_add(U256::from(self.supply.assets), U256::from(self.reserves))?;
        if keel_math::is_zero(lendable) {
            return Ok(Wad::ZERO);
        }
        let borrowed = U256::from(self.borrow.assets);
        let wad = in_code(WAD);
        Ok(Wad(min(mul_div_down(borrowed, wad, lendable)?, wad)))
    }
}

/// One account's shares (one slot: supply shares low, borrow shares high).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccountShares {
    /// Supply shares: the lender's claim on `Totals::supply`.
    pub supply: u128,
    /// Borrow shares: the borrower's part of `Totals::borrow`.
    pub borrow: u128,
}

#[cfg(test)]
// Test arithmetic on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::testing::{self, fresh_pool};

    fn totals(supply: u128, borrow: u128, reserves: u128) -> Totals {
        testing::totals(fresh_pool(supply), fresh_pool(borrow), reserves)
    }

    #[test]
    fn liquidity_counts_reserves_and_floors_at_zero() {
        assert_eq!(totals(100, 30, 5).available_liquidity(), Ok(U256::from(75)));
        assert_eq!(totals(10, 30, 5).available_liquidity(), Ok(U256::ZERO));
    }

    #[test]
    fn utilisation_is_borrow_over_supply_plus_reserves() {
        let half = WAD / U256::from(2);
        assert_eq!(totals(90, 50, 10).utilisation(), Ok(Wad(half)));
        assert_eq!(totals(0, 0, 0).utilisation(), Ok(Wad::ZERO));
        assert_eq!(totals(1, 5, 0).utilisation(), Ok(Wad::ONE));
        // 1 / 3 rounds down.
        assert_eq!(
            totals(3, 1, 0).utilisation(),
            Ok(Wad(U256::from(333_333_333_333_333_333_u64)))
        );
    }

    #[test]
    fn conversions_round_in_their_named_direction() {
        let pool = Pool {
            assets: 10,
            shares: 3_000_000,
        };
        // 1e6 shares are worth 11 * 1e6 / 4e6 = 2.75 assets.
        assert_eq!(pool.to_assets_down(1_000_000), Ok(U256::from(2)));
        assert_eq!(pool.to_assets_up(1_000_000), Ok(U256::from(3)));
    }
}

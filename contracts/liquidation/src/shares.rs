//! Borrow shares as the unit of repayment.
//!
//! A repayment burns whole borrow shares and costs `cost_up(shares) = to_assets_up(shares)`
//! base assets: the liquidator never pays less than the debt it clears. Costs only take the
//! values of this grid, so amounts are chosen as share counts through two exact inverses of
//! `cost_up` (both follow from `ceil(x) <= m  <=>  x <= m` for an integer `m`):
//!
//! - `max_shares_within(m) = to_shares_down(m)` is the largest `s` with `cost_up(s) <= m`;
//! - `min_shares_reaching(m) = to_shares_down(m - 1) + 1` (0 for `m = 0`) is the smallest `s`
//!   with `cost_up(s) >= m`.

use keel_math::{checked_add, checked_sub, to_assets_up, to_shares_down, MathError, U256};

use crate::DebtSnapshot;

/// The market's borrow totals at the snapshot, pricing borrow shares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BorrowShares {
    total_assets: U256,
    total_shares: U256,
}

impl BorrowShares {
    pub(crate) fn of(debt: &DebtSnapshot) -> Self {
        Self {
            total_assets: debt.total_borrow_assets,
            total_shares: debt.total_borrow_shares,
        }
    }

    /// `to_assets_up(shares)`: what burning `shares` costs, rounded up.
    pub(crate) fn cost_up(&self, shares: U256) -> Result<U256, MathError> {
        to_assets_up(shares, self.total_assets, self.total_shares)
    }

    /// The largest share count whose [`Self::cost_up`] is at most `assets`.
    pub(crate) fn max_shares_within(&self, assets: U256) -> Result<U256, MathError> {
        to_shares_down(assets, self.total_assets, self.total_shares)
    }

    /// The smallest share count whose [`Self::cost_up`] is at least `assets`.
    pub(crate) fn min_shares_reaching(&self, assets: U256) -> Result<U256, MathError> {
        if keel_math::is_zero(assets) {
            return Ok(U256::ZERO);
        }
        let below = self.max_shares_within(checked_sub(assets, U256::from(1))?)?;
        checked_add(below, U256::from(1))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use super::*;

    fn grid(total_assets: u64, total_shares: u64) -> BorrowShares {
        BorrowShares::of(&DebtSnapshot {
            borrow_shares: U256::ZERO,
            total_borrow_assets: U256::from(total_assets),
            total_borrow_shares: U256::from(total_shares),
        })
    }

    #[test]
    fn inverses_bracket_the_cost_on_a_coarse_grid() {
        // (A + 1) / (S + 1e6) = 3e6 / 1e6: one share costs exactly 3 assets.
        let coarse = grid(2_999_999, 0);
        for assets in 0..20_u64 {
            let assets = U256::from(assets);
            let within = coarse.max_shares_within(assets).unwrap();
            assert!(coarse.cost_up(within).unwrap() <= assets);
            assert!(coarse.cost_up(within + U256::from(1)).unwrap() > assets);
            let reaching = coarse.min_shares_reaching(assets).unwrap();
            assert!(coarse.cost_up(reaching).unwrap() >= assets);
            if !keel_math::is_zero(reaching) {
                assert!(coarse.cost_up(reaching - U256::from(1)).unwrap() < assets);
            }
        }
    }

    #[test]
    fn fine_grid_reaches_every_amount_exactly() {
        // 1e-6 asset per share plus interest: (A + 1) / (S + 1e6) = 1.1e6 / 1e12.
        let fine = grid(1_099_999, 999_999_000_000);
        for assets in [1_u64, 2, 999, 1_000_001] {
            let assets = U256::from(assets);
            let shares = fine.max_shares_within(assets).unwrap();
            assert_eq!(fine.cost_up(shares), Ok(assets));
        }
    }
}

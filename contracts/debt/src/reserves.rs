//! Bad-debt write-off and reserves withdrawal.

use keel_math::{min, to_u128, zero_floor_sub, U256};

use crate::error::{DebtError, InsufficientReserves, NoDebt};
use crate::ops::{check_liquidity, checked_amount};
use crate::pool::{AccountShares, Pool, Totals};

/// The result of writing off an account's remaining debt, for storage and the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteOff {
    /// Totals after the write-off.
    pub totals: Totals,
    /// The account's shares after the write-off (no borrow shares).
    pub account: AccountShares,
    /// Borrow shares removed.
    pub shares: u128,
    /// Debt removed: `to_assets_up(shares)`, at most the borrow pool's assets.
    pub assets: u128,
    /// Part of `assets` absorbed by reserves.
    pub from_reserves: u128,
    /// Part of `assets` socialised to suppliers (the supply share price falls by it).
    pub from_suppliers: u128,
}

/// Writes off all of an account's remaining debt: the liquidation left it without
/// collateral (docs/DESIGN.md section 6).
///
/// Removes the account's borrow shares and their assets (rounded up, capped at the pool's
/// assets) from the borrow pool; the loss is taken first from reserves, then from the supply
/// pool's assets. `from_reserves + from_suppliers == assets` whenever borrow is at most
/// supply + reserves, which every operation keeps.
///
/// # Errors
/// [`NoDebt`] when the account has no borrow shares.
pub fn write_off_bad_debt(totals: &Totals, account: AccountShares) -> Result<WriteOff, DebtError> {
    if account.borrow == 0 {
        return Err(NoDebt {}.into());
    }
    let assets = totals.borrow.bad_debt_assets(account.borrow)?;
    let from_reserves = min(assets, U256::from(totals.reserves));
    let from_suppliers = min(
        zero_floor_sub(assets, from_reserves),
        U256::from(totals.supply.assets),
    );
    let after = Totals {
        supply: Pool {
            assets: to_u128(zero_floor_sub(
                U256::from(totals.supply.assets),
                from_suppliers,
            ))?,
            ..totals.supply
        },
        borrow: totals.borrow.after_repay(assets, account.borrow)?,
        reserves: to_u128(zero_floor_sub(U256::from(totals.reserves), from_reserves))?,
        ..*totals
    };
    Ok(WriteOff {
        totals: after,
        account: AccountShares {
            borrow: 0,
            ..account
        },
        shares: account.borrow,
        assets: to_u128(assets)?,
        from_reserves: to_u128(from_reserves)?,
        from_suppliers: to_u128(from_suppliers)?,
    })
}

/// The owner's withdrawal of `assets` of reserves (to a treasury): returns the reserves after.
///
/// # Errors
/// [`ZeroAmount`](crate::ZeroAmount); [`AmountExceedsU128`](crate::AmountExceedsU128);
/// [`InsufficientReserves`] above the reserves; [`InsufficientLiquidity`](crate::InsufficientLiquidity)
/// above [`Totals::available_liquidity`] (reserves lent out come back with repayments).
pub fn withdraw_reserves(totals: &Totals, assets: U256) -> Result<u128, DebtError> {
    let assets = checked_amount(assets)?;
    let reserves = U256::from(totals.reserves);
    if assets > reserves {
        return Err(InsufficientReserves {
            requested: assets,
            reserves,
        }
        .into());
    }
    check_liquidity(totals, assets)?;
    Ok(to_u128(zero_floor_sub(reserves, assets))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::InsufficientLiquidity;
    use crate::testing::{pool, totals};

    fn borrower(shares: u128) -> AccountShares {
        AccountShares {
            supply: 3,
            borrow: shares,
        }
    }

    #[test]
    fn bad_debt_comes_from_reserves_first_then_suppliers() {
        let before = totals(pool(100, 100_000_000), pool(60, 60_000_000), 5);
        // 20e6 shares at 61 / 61e6 -> 20 assets.
        let write_off = write_off_bad_debt(&before, borrower(20_000_000)).unwrap();
        assert_eq!(
            (
                write_off.shares,
                write_off.assets,
                write_off.from_reserves,
                write_off.from_suppliers
            ),
            (20_000_000, 20, 5, 15)
        );
        assert_eq!(
            write_off.totals,
            totals(pool(85, 100_000_000), pool(40, 40_000_000), 0)
        );
        assert_eq!(
            write_off.account,
            AccountShares {
                supply: 3,
                borrow: 0
            }
        );
    }

    #[test]
    fn reserves_alone_absorb_a_small_loss() {
        let before = totals(pool(100, 100_000_000), pool(60, 60_000_000), 30);
        let write_off = write_off_bad_debt(&before, borrower(20_000_000)).unwrap();
        assert_eq!((write_off.from_reserves, write_off.from_suppliers), (20, 0));
        assert_eq!(
            write_off.totals,
            totals(pool(100, 100_000_000), pool(40, 40_000_000), 10)
        );
    }

    #[test]
    fn write_off_is_capped_at_the_pool() {
        // 5e6 shares are worth ceil(5e6 * 2 / 6e6) = 2 assets; the pool only has 1.
        let before = totals(pool(10, 10_000_000), pool(1, 5_000_000), 0);
        let write_off = write_off_bad_debt(&before, borrower(5_000_000)).unwrap();
        assert_eq!((write_off.assets, write_off.from_suppliers), (1, 1));
        assert_eq!(write_off.totals, totals(pool(9, 10_000_000), pool(0, 0), 0));
    }

    #[test]
    fn write_off_without_debt_is_refused() {
        let before = totals(pool(10, 10_000_000), pool(1, 1_000_000), 0);
        assert_eq!(
            write_off_bad_debt(&before, borrower(0)),
            Err(NoDebt {}.into())
        );
    }

    #[test]
    fn reserves_withdrawal_is_bounded_by_reserves_and_liquidity() {
        // Liquidity 10 + 20 - 25 = 5.
        let before = totals(pool(10, 10_000_000), pool(25, 25_000_000), 20);
        assert_eq!(withdraw_reserves(&before, U256::from(5)), Ok(15));
        assert_eq!(
            withdraw_reserves(&before, U256::from(6)),
            Err(InsufficientLiquidity {
                requested: U256::from(6),
                available: U256::from(5)
            }
            .into())
        );
        assert_eq!(
            withdraw_reserves(&before, U256::from(21)),
            Err(InsufficientReserves {
                requested: U256::from(21),
                reserves: U256::from(20)
            }
            .into())
        );
        assert_eq!(
            withdraw_reserves(&before, U256::ZERO),
            Err(crate::ZeroAmount {}.into())
        );
        assert!(withdraw_reserves(&before, U256::MAX)
            .is_err_and(|e| e.is::<crate::AmountExceedsU128>()));
    }
}

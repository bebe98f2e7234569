//! Supply, withdraw, borrow and repay: pure functions from the totals and an account's shares
//! to the new pool and account, with the rounding of docs/DESIGN.md section 4.
//!
//! All of them expect totals already accrued to the current time ([`crate::accrue`]).

use keel_math::{
    checked_add, checked_sub, to_assets_down, to_shares_down, to_shares_up, to_u128, U256,
};

use crate::error::{
    AmountExceedsU128, AmountRoundsToZero, BorrowCapExceeded, DebtError, InsufficientLiquidity,
    InsufficientSupplyShares, NoDebt, SupplyCapExceeded, ZeroAmount,
};
use crate::pool::{AccountShares, Pool, Totals};

/// How a withdrawal or a repayment is sized: by an amount of assets or by an amount of shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Base-asset units.
    Assets(U256),
    /// Supply or borrow shares (as the operation implies).
    Shares(U256),
}

/// The result of an operation on one pool for one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Step {
    /// The pool after the operation: the supply pool for supply and withdraw, the borrow pool
    /// for borrow and repay.
    pub pool: Pool,
    /// The account's shares after the operation.
    pub account: AccountShares,
    /// Assets moved: received from the caller (supply, repay) or paid out (withdraw, borrow).
    pub assets: u128,
    /// Shares minted (supply, borrow) or burnt (withdraw, repay).
    pub shares: u128,
}

/// `supply` by assets: mints supply shares `to_shares_down(assets)` for `assets` received.
/// `supply_cap` bounds the supply pool's assets after the supply.
///
/// There is no supply by shares: the market has no such entry point, and the program would
/// carry its code on every call.
///
/// # Errors
/// [`ZeroAmount`]; [`AmountExceedsU128`]; [`AmountRoundsToZero`] when the assets buy no
/// share; [`SupplyCapExceeded`]; `DebtMathError` if the shares exceed `u128`.
pub fn supply(
    supply_pool: Pool,
    account: AccountShares,
    assets: U256,
    supply_cap: u128,
) -> Result<Step, DebtError> {
    let assets = checked_amount(assets)?;
    let shares = to_shares_down(assets, pool_assets(supply_pool), pool_shares(supply_pool))?;
    if keel_math::is_zero(shares) {
        return Err(AmountRoundsToZero { amount: assets }.into());
    }
    let total_after = checked_add(pool_assets(supply_pool), assets)?;
    if total_after > U256::from(supply_cap) {
        return Err(SupplyCapExceeded {
            totalAfter: total_after,
            cap: U256::from(supply_cap),
        }
        .into());
    }
    Ok(Step {
        pool: Pool {
            assets: to_u128(total_after)?,
            shares: add_u128(supply_pool.shares, shares)?,
        },
        account: AccountShares {
            supply: add_u128(account.supply, shares)?,
            ..account
        },
        assets: to_u128(assets)?,
        shares: to_u128(shares)?,
    })
}

/// `withdraw`: burns supply shares and pays out assets, within available liquidity.
///
/// By assets: shares burnt `to_shares_up(assets)`. By shares: assets paid
/// `to_assets_down(shares)`. Withdraw-all is by shares, with the account's whole balance.
///
/// # Errors
/// [`ZeroAmount`]; [`AmountExceedsU128`]; [`InsufficientSupplyShares`] when the shares burnt
/// exceed the account's; [`AmountRoundsToZero`] when the shares pay out no asset;
/// [`InsufficientLiquidity`] when the assets exceed [`Totals::available_liquidity`].
pub fn withdraw(
    totals: &Totals,
    account: AccountShares,
    quantity: Quantity,
) -> Result<Step, DebtError> {
    let pool = totals.supply;
    let (assets, shares) = match quantity {
        Quantity::Assets(assets) => {
            let assets = checked_amount(assets)?;
            (
                assets,
                to_shares_up(assets, pool_assets(pool), pool_shares(pool))?,
            )
        }
        Quantity::Shares(shares) => {
            let shares = checked_amount(shares)?;
            (
                to_assets_down(shares, pool_assets(pool), pool_shares(pool))?,
                shares,
            )
        }
    };
    if shares > U256::from(account.supply) {
        return Err(InsufficientSupplyShares {
            requested: shares,
            balance: U256::from(account.supply),
        }
        .into());
    }
    if keel_math::is_zero(assets) {
        return Err(AmountRoundsToZero { amount: shares }.into());
    }
    check_liquidity(totals, assets)?;
    let shares = to_u128(shares)?;
    Ok(Step {
        pool: Pool {
            assets: to_u128(checked_sub(pool_assets(pool), assets)?)?,
            shares: sub_u128(pool.shares, shares)?,
        },
        account: AccountShares {
            supply: sub_u128(account.supply, shares)?,
            ..account
        },
        assets: to_u128(assets)?,
        shares,
    })
}

/// `borrow` by assets: books borrow shares `to_shares_up(assets)` and pays out `assets`.
///
/// The caller then checks the LTV with the account's new debt
/// `step.pool.to_assets_up(step.account.borrow)`.
///
/// # Errors
/// [`ZeroAmount`]; [`AmountExceedsU128`]; [`InsufficientLiquidity`]; [`BorrowCapExceeded`]
/// when the borrow pool's assets would exceed `borrow_cap`; `DebtMathError` if the shares
/// exceed `u128`.
pub fn borrow(
    totals: &Totals,
    account: AccountShares,
    assets: U256,
    borrow_cap: u128,
) -> Result<Step, DebtError> {
    let assets = checked_amount(assets)?;
    check_liquidity(totals, assets)?;
    let pool = totals.borrow;
    let total_after = checked_add(pool_assets(pool), assets)?;
    if total_after > U256::from(borrow_cap) {
        return Err(BorrowCapExceeded {
            totalAfter: total_after,
            cap: U256::from(borrow_cap),
        }
        .into());
    }
    let shares = to_u128(to_shares_up(assets, pool_assets(pool), pool_shares(pool))?)?;
    Ok(Step {
        pool: Pool {
            assets: to_u128(total_after)?,
            shares: add_u128(pool.shares, U256::from(shares))?,
        },
        account: AccountShares {
            borrow: add_u128(account.borrow, U256::from(shares))?,
            ..account
        },
        assets: to_u128(assets)?,
        shares,
    })
}

/// `repay`: burns borrow shares for assets received. Never refused for size: any amount at
/// or above the debt repays it all (so `U256::MAX` means "all"), and repay is never blocked
/// by caps or liquidity.
///
/// By assets: below the debt, shares burnt `to_shares_down(assets)` and exactly `assets`
/// taken; at or above the debt `to_assets_up(all shares)`, all shares are burnt and the payer
/// pays that debt, not the amount offered. By shares: capped at the account's shares, assets
/// taken `to_assets_up(shares)`. The pool's assets fall by the assets taken, floored at 0
/// (rounding up can take one unit more than the pool's total).
///
/// A partial repayment by shares worth nothing rounded down is refused: it would take a whole
/// unit (rounded up) out of the pool's assets for shares worth less, and repeating a borrow of
/// one unit and a repayment of one share on a nearly empty pool doubles the pool's shares each
/// time, until no borrow fits `u128` shares (about 110 rounds, one transaction).
///
/// # Errors
/// [`ZeroAmount`]; [`NoDebt`] when the account owes nothing; [`AmountRoundsToZero`] when a
/// partial repayment by assets burns no share or a partial repayment by shares is worth no
/// asset rounded down.
pub fn repay(
    borrow_pool: Pool,
    account: AccountShares,
    quantity: Quantity,
) -> Result<Step, DebtError> {
    let amount = match quantity {
        Quantity::Assets(amount) | Quantity::Shares(amount) => amount,
    };
    if keel_math::is_zero(amount) {
        return Err(ZeroAmount {}.into());
    }
    if account.borrow == 0 {
        return Err(NoDebt {}.into());
    }
    let (assets, shares) = repaid(borrow_pool, account.borrow, quantity)?;
    repayment(borrow_pool, account, assets, shares)
}

/// The repayment of a liquidation: `shares` (at most the account's) burnt for
/// `to_assets_up(shares)`, the pool's assets falling by that much, floored at 0.
///
/// keel-liquidation decides the shares and prices them against the liquidator (its outcome
/// applies [`Pool::after_repay`] the same way), so none of [`repay`]'s refusals apply: a
/// liquidation may pay a whole unit for shares worth less.
///
/// # Errors
/// `DebtMathError` only for inconsistent inputs.
pub fn repay_liquidated(
    borrow_pool: Pool,
    account: AccountShares,
    shares: u128,
) -> Result<Step, DebtError> {
    let shares = shares.min(account.borrow);
    repayment(
        borrow_pool,
        account,
        borrow_pool.to_assets_up(shares)?,
        shares,
    )
}

/// The step that burns `shares` of `account`'s debt for `assets`.
fn repayment(
    pool: Pool,
    account: AccountShares,
    assets: U256,
    shares: u128,
) -> Result<Step, DebtError> {
    Ok(Step {
        pool: pool.after_repay(assets, shares)?,
        account: AccountShares {
            borrow: sub_u128(account.borrow, shares)?,
            ..account
        },
        assets: to_u128(assets)?,
        shares,
    })
}

/// Assets taken and shares burnt by a repayment of a non-zero `quantity` of a non-zero debt.
fn repaid(pool: Pool, account_shares: u128, quantity: Quantity) -> Result<(U256, u128), DebtError> {
    let debt_up = pool.to_assets_up(account_shares)?;
    match quantity {
        Quantity::Assets(assets) if assets >= debt_up => Ok((debt_up, account_shares)),
        Quantity::Assets(assets) => {
            let shares = to_shares_down(assets, pool_assets(pool), pool_shares(pool))?;
            if keel_math::is_zero(shares) {
                return Err(AmountRoundsToZero { amount: assets }.into());
            }
            Ok((assets, to_u128(shares)?))
        }
        Quantity::Shares(requested) => {
            let shares = to_u128(requested).map_or(account_shares, |s| s.min(account_shares));
            if shares < account_shares && keel_math::is_zero(pool.to_assets_down(shares)?) {
                return Err(AmountRoundsToZero { amount: requested }.into());
            }
            Ok((pool.to_assets_up(shares)?, shares))
        }
    }
}

/// Fails with [`InsufficientLiquidity`] if `assets` exceed the liquidity of `totals`.
pub(crate) fn check_liquidity(totals: &Totals, assets: U256) -> Result<(), DebtError> {
    let available = totals.available_liquidity()?;
    if assets > available {
        return Err(InsufficientLiquidity {
            requested: assets,
            available,
        }
        .into());
    }
    Ok(())
}

/// A non-zero amount that fits in `u128`, widened back for the share math.
pub(crate) fn checked_amount(amount: U256) -> Result<U256, DebtError> {
    if keel_math::is_zero(amount) {
        return Err(ZeroAmount {}.into());
    }
    if to_u128(amount).is_err() {
        return Err(AmountExceedsU128 { amount }.into());
    }
    Ok(amount)
}

fn pool_assets(pool: Pool) -> U256 {
    U256::from(pool.assets)
}

fn pool_shares(pool: Pool) -> U256 {
    U256::from(pool.shares)
}

fn add_u128(a: u128, b: U256) -> Result<u128, DebtError> {
    Ok(to_u128(checked_add(U256::from(a), b)?)?)
}

fn sub_u128(a: u128, b: u128) -> Result<u128, DebtError> {
    Ok(a.checked_sub(b).ok_or(keel_math::MathError::Underflow)?)
}

#[cfg(test)]
// Test arithmetic on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::error::DebtMathError;
    use crate::testing::{pool, totals};

    const MAX_CAP: u128 = u128::MAX;

    fn account(supply: u128, borrow: u128) -> AccountShares {
        AccountShares { supply, borrow }
    }

    fn assets(x: u128) -> Quantity {
        Quantity::Assets(U256::from(x))
    }

    fn shares(x: u128) -> Quantity {
        Quantity::Shares(U256::from(x))
    }

    fn above_u128() -> U256 {
        U256::from(u128::MAX) + U256::from(1)
    }

    #[test]
    fn supply_by_assets_mints_shares_rounded_down() {
        // Price: (10 + 1) / (3e6 + 1e6) assets per share -> 5 assets buy floor(5 * 4e6 / 11).
        let step = supply(pool(10, 3_000_000), account(7, 9), U256::from(5), MAX_CAP).unwrap();
        assert_eq!(step.shares, 1_818_181);
        assert_eq!(step.assets, 5);
        assert_eq!(step.pool, pool(15, 4_818_181));
        assert_eq!(step.account, account(1_818_188, 9));
    }

    #[test]
    fn supply_refusals() {
        let empty = pool(0, 0);
        let none = account(0, 0);
        assert_eq!(
            supply(empty, none, U256::from(0), MAX_CAP),
            Err(ZeroAmount {}.into())
        );
        assert_eq!(
            supply(empty, none, above_u128(), MAX_CAP),
            Err(AmountExceedsU128 {
                amount: above_u128()
            }
            .into())
        );
        // A share costs 2e6 assets here: 1 asset buys none.
        assert_eq!(
            supply(pool(2_000_000, 0), none, U256::from(1), MAX_CAP),
            Err(AmountRoundsToZero {
                amount: U256::from(1)
            }
            .into())
        );
        assert_eq!(
            supply(pool(90, 90_000_000), none, U256::from(11), 100),
            Err(SupplyCapExceeded {
                totalAfter: U256::from(101),
                cap: U256::from(100)
            }
            .into())
        );
        assert!(supply(pool(90, 90_000_000), none, U256::from(10), 100).is_ok());
    }

    #[test]
    fn supply_shares_beyond_u128_is_a_math_error() {
        let result = supply(
            pool(0, u128::MAX - 5),
            account(0, 0),
            U256::from(1),
            MAX_CAP,
        );
        assert_eq!(result, Err(DebtMathError { kind: 4 }.into()));
    }

    #[test]
    fn withdraw_by_assets_burns_shares_rounded_up() {
        let t = totals(pool(10, 3_000_000), pool(0, 0), 0);
        // 5 assets burn ceil(5 * 4e6 / 11) = 1_818_182 shares.
        let step = withdraw(&t, account(3_000_000, 0), assets(5)).unwrap();
        assert_eq!((step.assets, step.shares), (5, 1_818_182));
        assert_eq!(step.pool, pool(5, 1_181_818));
        assert_eq!(step.account, account(1_181_818, 0));
    }

    #[test]
    fn withdraw_by_shares_pays_assets_rounded_down_and_all_shares_empty_the_account() {
        let t = totals(pool(10, 3_000_000), pool(0, 0), 0);
        let step = withdraw(&t, account(3_000_000, 4), shares(3_000_000)).unwrap();
        // floor(3e6 * 11 / 4e6) = 8: the virtual shares keep the rest.
        assert_eq!((step.assets, step.shares), (8, 3_000_000));
        assert_eq!(step.account, account(0, 4));
        assert_eq!(step.pool, pool(2, 0));
    }

    #[test]
    fn withdraw_refusals() {
        let t = totals(pool(100, 100_000_000), pool(60, 60_000_000), 5);
        let rich = account(100_000_000, 0);
        assert_eq!(withdraw(&t, rich, shares(0)), Err(ZeroAmount {}.into()));
        assert!(withdraw(&t, rich, Quantity::Assets(above_u128()))
            .is_err_and(|e| e.is::<crate::AmountExceedsU128>()));
        assert_eq!(
            withdraw(&t, account(10, 0), shares(11)),
            Err(InsufficientSupplyShares {
                requested: U256::from(11),
                balance: U256::from(10)
            }
            .into())
        );
        assert_eq!(
            withdraw(&t, rich, shares(1)),
            Err(AmountRoundsToZero {
                amount: U256::from(1)
            }
            .into())
        );
        // Liquidity: 100 + 5 - 60 = 45.
        assert_eq!(
            withdraw(&t, rich, assets(46)),
            Err(InsufficientLiquidity {
                requested: U256::from(46),
                available: U256::from(45)
            }
            .into())
        );
        assert!(withdraw(&t, rich, assets(45)).is_ok());
    }

    #[test]
    fn borrow_books_shares_rounded_up() {
        let t = totals(pool(100, 100_000_000), pool(10, 3_000_000), 0);
        let step = borrow(&t, account(0, 0), U256::from(5), MAX_CAP).unwrap();
        // ceil(5 * 4e6 / 11) = 1_818_182; the debt is at least what was lent.
        assert_eq!((step.assets, step.shares), (5, 1_818_182));
        assert_eq!(step.pool, pool(15, 4_818_182));
        assert!(step.pool.to_assets_up(step.account.borrow).unwrap() >= U256::from(5));
    }

    #[test]
    fn borrow_refusals() {
        let t = totals(pool(100, 100_000_000), pool(60, 60_000_000), 5);
        let none = account(0, 0);
        assert_eq!(
            borrow(&t, none, U256::ZERO, MAX_CAP),
            Err(ZeroAmount {}.into())
        );
        assert!(borrow(&t, none, above_u128(), MAX_CAP)
            .is_err_and(|e| e.is::<crate::AmountExceedsU128>()));
        assert_eq!(
            borrow(&t, none, U256::from(46), MAX_CAP),
            Err(InsufficientLiquidity {
                requested: U256::from(46),
                available: U256::from(45)
            }
            .into())
        );
        assert_eq!(
            borrow(&t, none, U256::from(41), 100),
            Err(BorrowCapExceeded {
                totalAfter: U256::from(101),
                cap: U256::from(100)
            }
            .into())
        );
        assert!(borrow(&t, none, U256::from(40), 100).is_ok());
    }

    #[test]
    fn partial_repay_by_assets_burns_shares_rounded_down() {
        // Debt of 2e6 shares at 11 / 4e6: ceil(5.5) = 6 assets.
        let step = repay(pool(10, 3_000_000), account(0, 2_000_000), assets(5)).unwrap();
        assert_eq!((step.assets, step.shares), (5, 1_818_181));
        assert_eq!(step.account, account(0, 181_819));
        assert_eq!(step.pool, pool(5, 1_181_819));
    }

    #[test]
    fn repay_of_more_than_the_debt_clears_it_for_the_debt_only() {
        for offered in [U256::from(6), U256::from(7), U256::MAX] {
            let step = repay(
                pool(10, 3_000_000),
                account(1, 2_000_000),
                Quantity::Assets(offered),
            )
            .unwrap();
            assert_eq!((step.assets, step.shares), (6, 2_000_000));
            assert_eq!(step.account, account(1, 0));
            assert_eq!(step.pool, pool(4, 1_000_000));
        }
    }

    #[test]
    fn repay_by_shares_takes_assets_rounded_up_and_caps_at_the_debt() {
        let step = repay(
            pool(10, 3_000_000),
            account(0, 2_000_000),
            shares(1_000_000),
        )
        .unwrap();
        assert_eq!((step.assets, step.shares), (3, 1_000_000));
        let all = repay(
            pool(10, 3_000_000),
            account(0, 2_000_000),
            Quantity::Shares(U256::MAX),
        )
        .unwrap();
        assert_eq!((all.assets, all.shares), (6, 2_000_000));
        assert_eq!(all.account.borrow, 0);
    }

    #[test]
    fn repay_all_can_take_one_unit_more_than_the_pool_holds() {
        // After a write-down the shares are worth more than the pool's assets: the pool floors
        // at zero instead of failing.
        let step = repay(
            pool(1, 5_000_000),
            account(0, 5_000_000),
            Quantity::Assets(U256::MAX),
        )
        .unwrap();
        assert_eq!((step.assets, step.shares), (2, 5_000_000));
        assert_eq!(step.pool, pool(0, 0));
    }

    #[test]
    fn repay_refusals() {
        let p = pool(10, 3_000_000);
        assert_eq!(
            repay(p, account(0, 5), assets(0)),
            Err(ZeroAmount {}.into())
        );
        assert_eq!(repay(p, account(9, 0), assets(1)), Err(NoDebt {}.into()));
        // A share costs 2 assets here: 1 asset burns none.
        assert_eq!(
            repay(pool(2_000_000, 0), account(0, 10), assets(1)),
            Err(AmountRoundsToZero {
                amount: U256::from(1)
            }
            .into())
        );
    }

    #[test]
    fn repaying_shares_worth_nothing_is_refused_unless_it_clears_the_debt() {
        // One unit lent for 1e6 shares: a share is worth 2e-6 units, rounded down 0, yet
        // would cost a whole unit rounded up and empty the pool's assets.
        let p = pool(1, 1_000_000);
        assert_eq!(
            repay(p, account(0, 1_000_000), Quantity::Shares(U256::from(1))),
            Err(AmountRoundsToZero {
                amount: U256::from(1)
            }
            .into())
        );
        // The same share is the whole debt of its holder: repaid, for one unit.
        let step = repay(p, account(0, 1), Quantity::Shares(U256::from(1))).unwrap();
        assert_eq!((step.assets, step.shares), (1, 1));
        // At 1e-6 units a share, 1e6 shares are worth one unit rounded down: repaid as usual;
        // one share fewer is worth nothing.
        let p = pool(3, 3_000_000);
        let step = repay(
            p,
            account(0, 3_000_000),
            Quantity::Shares(U256::from(1_000_000)),
        )
        .unwrap();
        assert_eq!((step.assets, step.shares), (1, 1_000_000));
        assert!(repay(
            p,
            account(0, 3_000_000),
            Quantity::Shares(U256::from(999_999))
        )
        .is_err());
    }

    #[test]
    fn a_liquidation_repays_the_shares_it_decided() {
        // One share worth 2e-6 units: refused to a user, repaid by a liquidation for a unit.
        let p = pool(1, 1_000_000);
        let step = repay_liquidated(p, account(0, 1_000_000), 1).unwrap();
        assert_eq!((step.assets, step.shares), (1, 1));
        assert_eq!(step.pool, pool(0, 999_999));
        assert_eq!(step.account, account(0, 999_999));
        // Never more than the account's shares.
        let step = repay_liquidated(p, account(0, 5), 1_000_000).unwrap();
        assert_eq!((step.assets, step.shares), (1, 5));
    }
}

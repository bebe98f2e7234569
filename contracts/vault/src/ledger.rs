//! The collateral ledger: deposits and withdrawals of one collateral of one account.
//!
//! A ledger operation reads and writes exactly one [`LedgerEntry`]: the account's held set,
//! its balance of the collateral and the collateral's total. Nothing rounds here; amounts are
//! exact token units.

use keel_math::{checked_add, checked_sub, to_u128, U256};

use crate::error::{
    CollateralAmountExceedsU128, CollateralCapExceeded, InsufficientCollateral, VaultError,
    ZeroCollateralAmount,
};
use crate::index::{CollateralIndex, HeldSet};

/// What one ledger operation on one collateral of one account reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LedgerEntry {
    /// The account's held set (kept equal to its non-zero balances).
    pub held: HeldSet,
    /// The account's balance of the collateral, token units.
    pub balance: u128,
    /// The collateral's total over all accounts, token units.
    pub total: u128,
}

/// `supplyCollateral`: adds `amount` to the account's balance and the total, and marks the
/// collateral held.
///
/// Arguments: `entry` before the deposit; `index` of the collateral; `amount` in token units
/// as received at the ABI; `cap_total` the collateral's cap on its total (`u128::MAX` for none,
/// 0 to refuse every deposit, e.g. while winding the collateral down).
///
/// # Errors
/// [`ZeroCollateralAmount`] if `amount` is 0; [`CollateralAmountExceedsU128`] if it exceeds
/// `u128::MAX`; [`CollateralCapExceeded`] if the new total exceeds `cap_total`.
pub fn deposit(
    entry: LedgerEntry,
    index: CollateralIndex,
    amount: U256,
    cap_total: u128,
) -> Result<LedgerEntry, VaultError> {
    let amount = checked_amount(index, amount)?;
    let total_after = checked_add(U256::from(entry.total), U256::from(amount))?;
    if total_after > U256::from(cap_total) {
        return Err(CollateralCapExceeded {
            index: index.get(),
            totalAfter: total_after,
            cap: U256::from(cap_total),
        }
        .into());
    }
    let balance = to_u128(checked_add(U256::from(entry.balance), U256::from(amount))?)?;
    Ok(LedgerEntry {
        held: entry.held.with_balance(index, balance),
        balance,
        total: to_u128(total_after)?,
    })
}

/// `withdrawCollateral` and liquidation seizure: removes `amount` from the account's balance
/// and the total, and unmarks the collateral when the balance reaches zero.
///
/// This is only the ledger move: a withdrawal must then pass the LTV check
/// ([`crate::check_within_ltv`]) on the new position, a seizure must not.
///
/// # Errors
/// [`ZeroCollateralAmount`] if `amount` is 0; [`CollateralAmountExceedsU128`] if it exceeds
/// `u128::MAX`; [`InsufficientCollateral`] if it exceeds the account's balance.
pub fn withdraw(
    entry: LedgerEntry,
    index: CollateralIndex,
    amount: U256,
) -> Result<LedgerEntry, VaultError> {
    let amount = checked_amount(index, amount)?;
    let Some(balance) = entry.balance.checked_sub(amount) else {
        return Err(InsufficientCollateral {
            index: index.get(),
            requested: U256::from(amount),
            balance: U256::from(entry.balance),
        }
        .into());
    };
    let total = to_u128(checked_sub(U256::from(entry.total), U256::from(amount))?)?;
    Ok(LedgerEntry {
        held: entry.held.with_balance(index, balance),
        balance,
        total,
    })
}

fn checked_amount(index: CollateralIndex, amount: U256) -> Result<u128, VaultError> {
    if keel_math::is_zero(amount) {
        return Err(ZeroCollateralAmount { index: index.get() }.into());
    }
    to_u128(amount).map_err(|_| {
        CollateralAmountExceedsU128 {
            index: index.get(),
            amount,
        }
        .into()
    })
}

#[cfg(test)]
// Test arithmetic on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::error::VaultMathError;

    fn index(i: u8) -> CollateralIndex {
        CollateralIndex::new(i).unwrap()
    }

    fn entry(held: u8, balance: u128, total: u128) -> LedgerEntry {
        LedgerEntry {
            held: HeldSet::from_bits(held),
            balance,
            total,
        }
    }

    #[test]
    fn deposit_adds_to_balance_and_total_and_marks_held() {
        let after = deposit(entry(0b100, 0, 50), index(1), U256::from(20), 70).unwrap();
        assert_eq!(after, entry(0b110, 20, 70));
    }

    #[test]
    fn deposit_rejects_zero_and_oversized_amounts() {
        assert_eq!(
            deposit(entry(0, 0, 0), index(2), U256::ZERO, u128::MAX),
            Err(ZeroCollateralAmount { index: 2 }.into())
        );
        let too_big = U256::from(u128::MAX) + U256::from(1);
        assert_eq!(
            deposit(entry(0, 0, 0), index(2), too_big, u128::MAX),
            Err(CollateralAmountExceedsU128 {
                index: 2,
                amount: too_big
            }
            .into())
        );
    }

    #[test]
    fn deposit_above_the_cap_is_refused() {
        assert_eq!(
            deposit(entry(1, 10, 60), index(0), U256::from(11), 70),
            Err(CollateralCapExceeded {
                index: 0,
                totalAfter: U256::from(71),
                cap: U256::from(70)
            }
            .into())
        );
        assert_eq!(
            deposit(entry(0, 0, 0), index(0), U256::from(1), 0),
            Err(CollateralCapExceeded {
                index: 0,
                totalAfter: U256::from(1),
                cap: U256::ZERO
            }
            .into())
        );
    }

    #[test]
    fn deposit_beyond_u128_with_no_cap_is_refused_by_the_cap() {
        let result = deposit(entry(1, 1, u128::MAX), index(0), U256::from(1), u128::MAX);
        assert!(result.is_err_and(|e| e.is::<crate::CollateralCapExceeded>()));
    }

    #[test]
    fn withdraw_removes_and_unmarks_at_zero() {
        let partial = withdraw(entry(0b11, 30, 100), index(1), U256::from(10)).unwrap();
        assert_eq!(partial, entry(0b11, 20, 90));
        let all = withdraw(partial, index(1), U256::from(20)).unwrap();
        assert_eq!(all, entry(0b01, 0, 70));
    }

    #[test]
    fn withdraw_rejects_zero_oversized_and_excess_amounts() {
        assert_eq!(
            withdraw(entry(1, 5, 5), index(0), U256::ZERO),
            Err(ZeroCollateralAmount { index: 0 }.into())
        );
        assert!(withdraw(entry(1, 5, 5), index(0), U256::MAX)
            .is_err_and(|e| e.is::<crate::CollateralAmountExceedsU128>()));
        assert_eq!(
            withdraw(entry(1, 5, 9), index(0), U256::from(6)),
            Err(InsufficientCollateral {
                index: 0,
                requested: U256::from(6),
                balance: U256::from(5)
            }
            .into())
        );
    }

    #[test]
    fn withdraw_from_an_inconsistent_total_is_a_math_error() {
        assert_eq!(
            withdraw(entry(1, 5, 4), index(0), U256::from(5)),
            Err(VaultError::from(VaultMathError { kind: 3 }))
        );
    }
}

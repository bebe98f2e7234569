//! Keel vault: the per-account collateral ledger of a market and the valuation of positions
//! for the borrow and `withdrawCollateral` checks (docs/DESIGN.md sections 2, 4 and 5).
//!
//! A functional core of pure functions over plain values, property-tested without a VM:
//!
//! - [`ledger`]: [`deposit`] and [`withdraw`] of one collateral of one account, over a
//!   [`LedgerEntry`] (held set, balance, total). A liquidation seizure is the same
//!   [`withdraw`], without the LTV check.
//! - [`valuation`]: [`value_position`] (collateral value, borrow power `sum(floor(floor(b_i *
//!   p_i) * LTV_i))`, liquidation value with LT instead of LTV, over held collaterals only),
//!   [`check_within_ltv`] (debt rounded up against borrow power rounded down) and
//!   [`max_withdrawable`].
//!
//! under a thin `#[storage]` shell, [`VaultStorage`], that the market embeds as a field.
//! Amounts are token units: `U256` at the ABI, `u128` in storage (larger amounts are refused
//! with [`CollateralAmountExceedsU128`]). Collateral indices are `0..8`
//! ([`CollateralIndex`]); which token has which index, and the LTV, LT and prices, are the
//! market's configuration, passed in as plain values.
//!
//! # Storage slot map
//!
//! Relative to the slot `V` at which the market places its [`VaultStorage`] field (nine
//! consecutive slots, `V..V+8`), for an account `a`:
//!
//! | slot | bytes 0..16 (low) | bytes 16..32 (high) |
//! |---|---|---|
//! | `V + i`, `i` in `0..8` | total of collateral `i` | cap on that total |
//! | `V + 8` | (root of the accounts map, never written) | |
//! | `A = keccak256(pad32(a) . (V + 8))` | held bitmap (byte 0, bit `i` = collateral `i`) | unused |
//! | `A + 1 + k`, `k` in `0..4` | balance of collateral `2k` | balance of collateral `2k + 1` |
//!
//! Writes go only to slots whose value changes.
//!
//! | operation | reads | writes |
//! |---|---|---|
//! | [`VaultStorage::deposit`] (`supplyCollateral`) of `i` | `A`, `A + 1 + i/2`, `V + i` | `A + 1 + i/2`, `V + i`; `A` only when `i` was not held |
//! | [`VaultStorage::withdraw`] (`withdrawCollateral`, seizure) of `i` | `A`, `A + 1 + i/2`, `V + i` | `A + 1 + i/2`, `V + i`; `A` only when the balance reaches 0 |
//! | [`VaultStorage::snapshot`] (valuation, liquidation, views) | `A`, and `A + 1 + k` for each pair `k` holding a collateral | none |
//! | [`VaultStorage::balance`], [`VaultStorage::held`] | `A + 1 + i/2`; `A` | none |
//! | [`VaultStorage::total`], [`VaultStorage::cap_total`] | `V + i` | none |
//! | [`VaultStorage::set_cap_total`] | `V + i` | `V + i` |
//!
//! So a borrower with collaterals 0 and 1 is valued from 2 slots, and `supplyCollateral`
//! into an already held collateral touches 3 slots (the bitmap is read but not written). A
//! Stylus program caches storage within a call, so the snapshot that follows a withdrawal
//! costs no further cold reads.
//!
//! # How the market calls the vault
//!
//! ```ignore
//! // supplyCollateral(asset, amount, onBehalf): no authorisation needed.
//! let index = CollateralIndex::new(self.collateral_index_of(asset)?)?;
//! let entry = self.vault.deposit(on_behalf, index, amount)?; // then transferFrom, event
//!
//! // withdrawCollateral(asset, amount, owner, receiver): write, then check the new position.
//! let entry = self.vault.withdraw(owner, index, amount)?;
//! let debt_up = self.debt.debt_assets_up(owner)?;
//! if !debt_up.is_zero() {
//!     let snapshot = self.vault.snapshot(owner);
//!     let value = value_position(&snapshot, |i| self.collateral_risk(i))?; // oracle reads
//!     check_within_ltv(value.borrow_power_down, debt_up)?;
//! }
//!
//! // liquidate: seize from the chosen collateral (the protocol's fee part of it is kept by the
//! // market as collateral reserves, outside the accounts); bad debt when nothing is left.
//! let entry = self.vault.withdraw(borrower, index, o.seized_collateral)?;
//! if entry.held.is_empty() { /* keel_debt::DebtStorage::write_off_bad_debt */ }
//! ```
//!
//! Errors: every rejection is a Solidity custom error (see [`error`]) wrapped by
//! [`VaultError`]; the market lists those error types as variants of its own
//! `#[derive(SolidityError)]` enum and converts with a `match` on [`VaultError`].

extern crate alloc;

pub mod error;
pub mod index;
pub mod ledger;
pub mod storage;
pub mod valuation;

pub use error::{
    CollateralAmountExceedsU128, CollateralCapExceeded, CollateralIndexOutOfRange,
    InsufficientCollateral, LtvExceeded, VaultError, VaultMathError, ZeroCollateralAmount,
};
pub use index::{CollateralIndex, HeldSet, MAX_COLLATERALS};
pub use ledger::{deposit, withdraw, LedgerEntry};
pub use storage::{AccountCollateralSlots, CollateralTotalSlot, VaultStorage};
pub use valuation::{
    check_within_ltv, liquidation_price_up, max_withdrawable, value_position, CollateralRisk,
    CollateralSnapshot, PositionValue,
};

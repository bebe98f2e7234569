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
//!   [`borrow_power_down`] (the borrow power alone, for the LTV check), both sums of
//!   [`weighted_value_down`] (Keel's one valuation term, which keel-liquidation sums too),
//!   [`check_within_ltv`] (debt rounded up against borrow power rounded down) and
//!   [`max_withdrawable`].
//!
//! under a thin `#[storage]` shell, [`VaultStorage`], that the market embeds as a field.
//! Amounts are token units: `U256` at the ABI, `u128` in storage (larger amounts are refused
//! with [`CollateralAmountExceedsU128`]). Collateral indices are `0..8`
//! ([`CollateralIndex`]); which token has which index, and the LTV, LT and prices, are the
//! market's configuration, passed in as plain values. So is each collateral's total over all
//! accounts ([`CollateralTotal`]): the market keeps it in the word it reads to find the
//! collateral by its token, so a collateral operation reads no slot for it; the shell takes it
//! by value and returns the new total ([`LedgerUpdate`]) for the market to store.
//!
//! # Storage slot map
//!
//! Relative to the slot `V` at which the market places its [`VaultStorage`] field (nine
//! consecutive slots, `V..V+8`), for an account `a`:
//!
//! | slot | bytes 0..16 (low) | bytes 16..32 (high) |
//! |---|---|---|
//! | `V + i`, `i` in `0..8` | cap on collateral `i`'s total | unused |
//! | `V + 8` | (root of the accounts map, never written) | |
//! | `A = keccak256(pad32(a) . (V + 8))` | held bitmap (byte 0, bit `i` = collateral `i`) | balance of collateral 0 |
//! | `A + k`, `k` in `1..5` | balance of collateral `2k - 1` | balance of collateral `2k` (none for `k = 4`) |
//!
//! Writes go only to slots whose value changes. Collateral `i`'s balance is in slot
//! `A + (i + 1) / 2`, written `B(i)` below; `B(0)` is `A`.
//!
//! | operation | reads | writes |
//! |---|---|---|
//! | [`VaultStorage::deposit`] (`supplyCollateral`) of `i` | `B(i)`; `V + i` only when `i` is capped; `A` only when `i` was not held | `B(i)`; `A` only when `i` was not held |
//! | [`VaultStorage::withdraw`] (`withdrawCollateral`, seizure) of `i` | `B(i)`; `A` only when the balance reaches 0 | `B(i)`; `A` only when the balance reaches 0 |
//! | [`VaultStorage::snapshot`] (valuation, liquidation, views) | `A`, and `A + k` for each other slot `k` holding a collateral | none |
//! | [`VaultStorage::balance`], [`VaultStorage::held`] | `B(i)`; `A` | none |
//! | [`VaultStorage::cap_total`] | `V + i` | none |
//! | [`VaultStorage::set_cap_total`] | `V + i` | `V + i` |
//!
//! The first-listed collateral shares the bitmap's slot, as Morpho Blue packs a position's
//! collateral with its debt: a borrower holding collateral 0 alone is valued from one slot, and
//! a first deposit of it creates one slot, not two (a market lists its main collateral first).
//!
//! A borrower with collaterals 1 and 2 is valued from 2 slots, and `supplyCollateral`
//! into an already held, uncapped collateral touches 1 slot of the vault's (the bitmap is not
//! read: only the bit of the collateral can change, and only when its balance crosses zero). A
//! Stylus program caches storage within a call, so the snapshot that follows a withdrawal
//! costs no further cold reads.
//!
//! # How the market calls the vault
//!
//! ```no_run
//! use alloy_primitives::{Address, U256};
//! use keel_vault::{borrow_power_down, check_within_ltv};
//! use keel_vault::{CollateralIndex, CollateralRisk, CollateralTotal, VaultError, VaultStorage};
//!
//! /// `supplyCollateral(token, amount, onBehalf)`: no authorisation needed; `index` and
//! /// `total` are the listed token's (the market's registry). Returns the new total to store;
//! /// then transferFrom (checked by balance delta) and the event.
//! fn supply_collateral(
//!     vault: &mut VaultStorage,
//!     on_behalf: Address,
//!     index: u8,
//!     amount: U256,
//!     total: CollateralTotal,
//! ) -> Result<u128, VaultError> {
//!     Ok(vault.deposit(on_behalf, CollateralIndex::new(index)?, amount, total)?.total)
//! }
//!
//! /// `withdrawCollateral(token, amount, onBehalf, receiver)`: write, then check the new
//! /// position when it has debt (`debt_up`, keel-debt's `debt_assets_up`, accrued first).
//! /// `risk_of` is the market's valuation of a collateral: oracle price, LTV and LT.
//! fn withdraw_collateral(
//!     vault: &mut VaultStorage,
//!     owner: Address,
//!     index: CollateralIndex,
//!     amount: U256,
//!     total: u128,
//!     debt_up: U256,
//!     risk_of: impl FnMut(CollateralIndex) -> Result<CollateralRisk, VaultError>,
//! ) -> Result<u128, VaultError> {
//!     let update = vault.withdraw(owner, index, amount, total)?;
//!     if !debt_up.is_zero() {
//!         let power = borrow_power_down(&vault.snapshot(owner), risk_of)?; // oracle reads
//!         check_within_ltv(power, debt_up)?;
//!     }
//!     Ok(update.total) // stored; then transfer(receiver, amount) and the event
//! }
//!
//! /// `liquidate`: seize from the chosen collateral (the protocol's fee part of it is kept by
//! /// the market as collateral reserves, outside the accounts). Returns whether the borrower
//! /// has no collateral left, in which case the market writes the rest of the debt off
//! /// (keel-debt's `write_off_bad_debt`).
//! fn seize(
//!     vault: &mut VaultStorage,
//!     borrower: Address,
//!     index: CollateralIndex,
//!     seized: U256,
//!     total: u128,
//! ) -> Result<bool, VaultError> {
//!     Ok(!seized.is_zero() && !vault.withdraw(borrower, index, seized, total)?.holds_collateral)
//! }
//! ```
//!
//! Errors: every rejection is a Solidity custom error (see [`error`]), carried ABI-encoded by
//! [`VaultError`] (keel-abi's `module_errors!`); the market forwards it as it is and lists the
//! error types in its exported ABI.
#![warn(missing_docs)]

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
pub use index::{CollateralIndex, HeldSet, MAX_COLLATERALS, MAX_COLLATERALS_LEN};
pub use ledger::{deposit, withdraw, LedgerEntry};
pub use storage::{AccountCollateralSlots, CollateralTotal, LedgerUpdate, VaultStorage};
pub use valuation::{
    borrow_power_down, check_within_ltv, liquidation_price_up, max_withdrawable, value_position,
    weighted_value_down, CollateralRisk, CollateralSnapshot, PositionValue,
};

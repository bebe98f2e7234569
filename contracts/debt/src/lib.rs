//! Keel debt: supply and borrow accounting of a market with virtual-offset shares, interest
//! accrual from `block_timestamp`, the kinked rate model, the reserve factor, protocol
//! reserves and bad-debt write-off (docs/DESIGN.md sections 4, 5, 6 and 8).
//!
//! A functional core of pure functions over plain values ([`Totals`], [`AccountShares`],
//! [`RateModel`]), property-tested without a VM:
//!
//! | function | rounding (docs/DESIGN.md section 4) |
//! |---|---|
//! | [`supply`] by assets | shares minted down |
//! | [`withdraw`] by assets / by shares | shares burnt up / assets paid down |
//! | [`borrow`] by assets | shares booked up |
//! | [`repay`] by assets / by shares | shares burnt down (at or above the debt: all shares, debt taken up) / assets taken up |
//! | [`accrue`] | interest down (never above the exact exponential), reserves' part up |
//! | [`write_off_bad_debt`] | debt written off up, capped at the pool |
//! | [`Pool::to_assets_up`] / [`Pool::to_assets_down`] | a debt / a supply balance |
//!
//! under a thin `#[storage]` shell, [`DebtStorage`], that the market embeds as a field.
//! Amounts are base-asset units: `U256` at the ABI, `u128` in storage (larger amounts are
//! refused with [`AmountExceedsU128`]).
//!
//! # Accounting
//!
//! The market holds (at least) `supply.assets + reserves - borrow.assets` base tokens.
//! Reserves are the protocol's own assets: they earn no interest, are lendable, and absorb bad
//! debt before suppliers. Hence:
//!
//! - liquidity ([`Totals::available_liquidity`]) = `supply + reserves - borrow`; withdrawals,
//!   borrows and reserves withdrawals never take more, so `borrow <= supply + reserves`
//!   always holds (docs/DESIGN.md invariant 1 with reserves);
//! - utilisation ([`Totals::utilisation`]) = `borrow / (supply + reserves)`, at most 1;
//! - interest `I` over `dt` seconds = `borrow * ((1 + r)^dt - 1)` with `r` the rate at the
//!   utilisation before the period, in nano-units (1e-9 of a unit, rounded down); reserves get
//!   `ceil(I * reserveFactor)`, suppliers the rest, each part booked in whole units with the
//!   fractions carried to the next accrual ([`Totals::unbooked`]: accruing every second books
//!   what accruing once a day would), so borrow growth equals supply growth plus reserves
//!   growth exactly (the cash `supply + reserves - borrow` is unchanged) and the supply share
//!   price never falls except through [`write_off_bad_debt`];
//! - supply rate = `borrowRate * (1 - reserveFactor) * borrow / supply` (what suppliers
//!   really earn; equal to `borrowRate * utilisation * (1 - reserveFactor)` without reserves);
//!   APRs are per-second rates x [`SECONDS_PER_YEAR`] ([`annual_rate`]).
//!
//! Rates are per second, WAD, stored as `u64`: the rate model is base rate, slope below and
//! slope above the optimal utilisation (increments over each segment), and the optimal
//! utilisation, bounded by [`RateModel::validate`] (kink in `[1%, 99%]`, rate at full
//! utilisation at most 1,000% APR); the reserve factor is at most 50%
//! ([`validate_reserve_factor`]).
//!
//! # Storage slot map
//!
//! Relative to the slot `D` at which the market places its [`DebtStorage`] field (six
//! consecutive slots), for an account `a`:
//!
//! | slot | contents (from the low bytes) |
//! |---|---|
//! | `D + 0` | total supply assets (16 bytes), total supply shares (16) |
//! | `D + 1` | total borrow assets (16), total borrow shares (16) |
//! | `D + 2` | reserves (16), last accrual timestamp (8), unbooked interest of suppliers (4) and of reserves (4), nano-units |
//! | `D + 3` | base rate, slope below, slope above (per second, 5 bytes each: validated rates are below `2^39`), optimal utilisation (8), reserve factor (8), which caps are none (1: bit 0 supply, bit 1 borrow) |
//! | `D + 4` | supply cap (16), borrow cap (16) |
//! | `D + 5` | (root of the accounts map, never written) |
//! | `A = keccak256(pad32(a) . (D + 5))` | supply shares (16), borrow shares (16) |
//!
//! Writes go only to slots whose value changes (with interest accruing, `accrue` rewrites
//! `D + 0..D + 2` once per block at most: a second accrual in the same second writes nothing).
//!
//! | operation | reads | writes |
//! |---|---|---|
//! | [`DebtStorage::accrue`] | `D + 0..=D + 3` | `D + 2`; `D + 1` and `D + 0` when interest is non-zero |
//! | [`DebtStorage::supply`] | `D + 0`, `D + 3`, `D + 4` (only with a supply cap), `A` | `D + 0`, `A` |
//! | [`DebtStorage::withdraw`] | `D + 0..=D + 2`, `A` | `D + 0`, `A` |
//! | [`DebtStorage::borrow`] | `D + 0..=D + 3`, `D + 4` (only with a borrow cap), `A` | `D + 1`, `A` |
//! | [`DebtStorage::repay`] / [`DebtStorage::repay_liquidated`] | `D + 1`, `A` | `D + 1`, `A` |
//! | [`DebtStorage::write_off_bad_debt`] | `D + 0..=D + 2`, `A` | `D + 1`, `A`; `D + 2` and `D + 0` when they absorb a loss |
//! | [`DebtStorage::withdraw_reserves`] | `D + 0..=D + 2` | `D + 2` |
//! | [`DebtStorage::debt_assets_up`] / [`DebtStorage::supply_assets_down`] | `D + 1` / `D + 0`, `A` | none |
//! | [`DebtStorage::set_rate_model`] / [`DebtStorage::set_reserve_factor`] / [`DebtStorage::set_caps`] | `D + 3` / `D + 3` / `D + 3` | `D + 3` / `D + 3` / `D + 3`, `D + 4` |
//!
//! Every operation first accrues, so `D + 0..=D + 3` are warm (cached by the Stylus host)
//! when the operation itself reads them: `supply`, `withdraw`, `borrow` and `repay` each read
//! five cold slots in all (the accrual's four and `A`), and `supply` and `borrow` one more,
//! `D + 4`, when their cap is set (`D + 3` says which caps are none: a market without caps
//! never reads `D + 4` outside the views); `borrow` adds the vault's collateral slots.
//!
//! # How the market calls it
//!
//! ```no_run
//! use alloy_primitives::{Address, U256};
//! use keel_debt::{DebtError, DebtStorage, Quantity};
//!
//! /// `accrueInterest`, and the start of every base-asset operation below (and of liquidate);
//! /// `supplyCollateral` does not accrue. `now` is the block timestamp.
//! fn accrue_interest(debt: &mut DebtStorage, now: u64) -> Result<(), DebtError> {
//!     let accrual = debt.accrue(now)?;
//!     // event AccrueInterest(accrual.borrow_rate_per_second, accrual.interest, accrual.to_reserves)
//!     let _ = (accrual.interest, accrual.to_reserves);
//!     Ok(())
//! }
//!
//! /// `supply(assets, onBehalf)`; `withdraw` and `withdrawShares` pass `Quantity::Assets`
//! /// and `Quantity::Shares` to `debt.withdraw`.
//! fn supply(debt: &mut DebtStorage, now: u64, on_behalf: Address, assets: U256)
//!     -> Result<U256, DebtError> {
//!     accrue_interest(debt, now)?;
//!     let step = debt.supply(on_behalf, assets)?;
//!     // transferFrom(caller, market, step.assets), checked by balance delta;
//!     // event Supply(.., step.assets, step.shares)
//!     Ok(U256::from(step.assets))
//! }
//!
//! /// `borrow(assets, onBehalf, receiver)`: book, then the market checks the LTV with
//! /// keel-vault (`check_within_ltv(value.borrow_power_down, debt_up)`) on the result.
//! fn borrow(debt: &mut DebtStorage, now: u64, on_behalf: Address, assets: U256)
//!     -> Result<U256, DebtError> {
//!     accrue_interest(debt, now)?;
//!     let step = debt.borrow(on_behalf, assets)?;
//!     let debt_up = step.pool.to_assets_up(step.account.borrow)?;
//!     // LTV check against debt_up, then transfer(receiver, step.assets)
//!     Ok(debt_up)
//! }
//!
//! /// `repay(assets, onBehalf)` / `repayShares(shares, onBehalf)`: never paused;
//! /// `U256::MAX` repays everything.
//! fn repay_all(debt: &mut DebtStorage, now: u64, on_behalf: Address) -> Result<u128, DebtError> {
//!     accrue_interest(debt, now)?;
//!     let step = debt.repay(on_behalf, Quantity::Assets(U256::MAX))?;
//!     // transferFrom(caller, market, step.assets), checked by balance delta
//!     Ok(step.assets)
//! }
//!
//! /// `liquidate`, with the keel-liquidation outcome computed on the accrued totals: repaying
//! /// by shares takes `to_assets_up(repaid_shares)`, the outcome's `repaid_assets`. When the
//! /// borrower has no collateral left (keel-vault's withdrawal says so) the rest is written off.
//! fn apply_liquidation(
//!     debt: &mut DebtStorage,
//!     borrower: Address,
//!     repaid_shares: U256,
//!     no_collateral_left: bool,
//! ) -> Result<(), DebtError> {
//!     let step = debt.repay(borrower, Quantity::Shares(repaid_shares))?;
//!     if no_collateral_left && step.account.borrow != 0 {
//!         let write_off = debt.write_off_bad_debt(borrower)?;
//!         // event BadDebt(.., write_off.from_reserves, write_off.from_suppliers)
//!         let _ = (write_off.from_reserves, write_off.from_suppliers);
//!     }
//!     Ok(())
//! }
//!
//! /// `withdrawReserves(baseAsset, assets, to)`: then transfer(to, assets).
//! fn withdraw_reserves(debt: &mut DebtStorage, now: u64, assets: U256) -> Result<u128, DebtError> {
//!     accrue_interest(debt, now)?;
//!     debt.withdraw_reserves(assets)
//! }
//! ```
//!
//! Views call [`DebtStorage::preview_accrual`] and then the pure functions on its totals
//! ([`Pool::to_assets_up`], [`borrow_rate_per_second`], [`supply_rate_per_second`],
//! [`annual_rate`], [`Totals::utilisation`]).
//!
//! Errors: every rejection is a Solidity custom error (see [`error`]), carried ABI-encoded by
//! [`DebtError`] (keel-abi's `module_errors!`); the market forwards it as it is and lists the
//! error types in its exported ABI.
#![warn(missing_docs)]

extern crate alloc;

pub mod accrual;
pub mod error;
pub mod ops;
pub mod pool;
pub mod rate_model;
pub mod reserves;
pub mod storage;
#[cfg(test)]
mod testing;

pub use accrual::{
    accrue, borrow_rate_per_second, supply_rate_per_second, Accrual, InterestConfig,
    MAX_ACCRUED_TOTAL,
};
pub use error::{
    AmountExceedsU128, AmountRoundsToZero, BorrowCapExceeded, DebtError, DebtMathError,
    InsufficientLiquidity, InsufficientReserves, InsufficientSupplyShares, MaxBorrowRateTooHigh,
    NoDebt, OptimalUtilisationOutOfBounds, ReserveFactorTooHigh, SupplyCapExceeded, ZeroAmount,
};
pub use ops::{borrow, repay, repay_liquidated, supply, withdraw, Quantity, Step};
pub use pool::{AccountShares, Pool, Totals, UnbookedInterest};
pub use rate_model::{
    annual_rate, validate_reserve_factor, RateModel, MAX_BORROW_RATE_PER_SECOND,
    MAX_OPTIMAL_UTILISATION, MAX_RESERVE_FACTOR, MIN_OPTIMAL_UTILISATION, SECONDS_PER_YEAR,
};
pub use reserves::{withdraw_reserves, write_off_bad_debt, WriteOff};
pub use storage::DebtStorage;

//! Market module: the position-valuing borrower operations, `borrow` and
//! `withdrawCollateral`, decoded by hand
//! ([`keel_market::dispatch::borrow_operations`]); the SDK's router serves the
//! constructor.
//!
//! Storage: one [`KeelMarket`] at slot 0, the layout every Keel program
//! shares (slot map in the keel-market docs).
// Not with `export-abi`: `#[public]` then adds an undocumented ABI printer.
#![cfg_attr(not(feature = "export-abi"), warn(missing_docs))]
// `MarketError` is returned by value: boxing it would add allocation code to
// every program for the rare revert path.
#![allow(clippy::result_large_err)]

#[macro_use]
extern crate alloc;

use keel_market::KeelMarket;
use stylus_sdk::prelude::*;

/// The program's storage: the market's.
#[storage]
pub struct KeelBorrowModule {
    market: KeelMarket,
}

keel_market::keel_program!(KeelBorrowModule, keel_market::dispatch::borrow_operations);

#[public]
impl KeelBorrowModule {
    /// Marks this program's own storage as module code, so that calling
    /// the module directly (not through the market) fails with
    /// `ModuleCalledDirectly`.
    #[constructor]
    pub fn constructor(&mut self) {
        self.market.mark_as_module_code();
    }
}

//! Market module: the position-valuing borrower operations.
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

use alloy_primitives::{Address, U256};
use keel_market::{KeelMarket, MarketError};
use stylus_sdk::prelude::*;

/// The program's storage: the market's.
#[storage]
pub struct KeelBorrowModule {
    market: KeelMarket,
}

keel_market::keel_program!(KeelBorrowModule);

#[public]
impl KeelBorrowModule {
    /// Marks this program's own storage as module code, so that calling
    /// the module directly (not through the market) fails with
    /// `ModuleCalledDirectly`.
    #[constructor]
    pub fn constructor(&mut self) {
        self.market.mark_as_module_code();
    }

    /// See [`KeelMarket::borrow`].
    pub fn borrow(
        &mut self,
        assets: U256,
        on_behalf: Address,
        receiver: Address,
    ) -> Result<U256, MarketError> {
        self.market.borrow(assets, on_behalf, receiver)
    }

    /// See [`KeelMarket::withdraw_collateral`].
    pub fn withdraw_collateral(
        &mut self,
        token: Address,
        amount: U256,
        on_behalf: Address,
        receiver: Address,
    ) -> Result<(), MarketError> {
        self.market
            .withdraw_collateral(token, amount, on_behalf, receiver)
    }
}

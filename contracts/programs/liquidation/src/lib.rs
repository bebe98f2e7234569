//! Market module: liquidation (its exact preview is in the views module).
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

use alloy_primitives::{Address, Bytes, U256};
use keel_market::{KeelMarket, MarketError};
use stylus_sdk::prelude::*;

/// The program's storage: the market's.
#[storage]
pub struct KeelLiquidationModule {
    market: KeelMarket,
}

keel_market::keel_program!(KeelLiquidationModule);

#[public]
impl KeelLiquidationModule {
    /// Marks this program's own storage as module code, so that calling
    /// the module directly (not through the market) fails with
    /// `ModuleCalledDirectly`.
    #[constructor]
    pub fn constructor(&mut self) {
        self.market.mark_as_module_code();
    }

    /// See [`KeelMarket::liquidate`].
    pub fn liquidate(
        &mut self,
        borrower: Address,
        token: Address,
        max_repay_assets: U256,
        receiver: Address,
        data: Bytes,
    ) -> Result<(U256, U256), MarketError> {
        self.market
            .liquidate(borrower, token, max_repay_assets, receiver, data)
    }
}

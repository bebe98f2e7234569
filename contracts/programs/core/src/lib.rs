//! The program at the market's address: storage owner, every user operation
//! but `liquidate` (supply, withdraw, collateral, borrow, repay: the hot path
//! starts one program), and the `fallback` that `delegatecall`s every other
//! entry point to its module (see [`keel_market::modules`]).
//!
//! The operations are decoded by hand ([`keel_market::dispatch`], whose
//! `sol!` interface `keel abi` reads for the ABI); the SDK's router serves
//! the constructor and the fallback.
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

use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use keel_market::{KeelMarket, LiquidationInput, ModuleAddresses, RateModelInput};
use stylus_sdk::prelude::*;
use stylus_sdk::ArbResult;

/// The program's storage: the market's.
#[storage]
pub struct KeelMarketCore {
    market: KeelMarket,
}

keel_market::keel_program!(KeelMarketCore, keel_market::dispatch::core_operations);

#[public]
impl KeelMarketCore {
    /// Deploys the market: records the four module addresses (in
    /// [`keel_market::Module`] order), then initialises the market through
    /// the governance module; the other arguments are those of
    /// [`KeelMarket::initialize`].
    ///
    /// Errors: `ZeroAddress` or `NotAContract` for a module, then any error
    /// of `initialize`.
    #[constructor]
    #[allow(clippy::too_many_arguments)]
    pub fn constructor(
        &mut self,
        modules: ModuleAddresses,
        base_asset: Address,
        owner: Address,
        guardian: Address,
        rate_model: RateModelInput,
        reserve_factor: u64,
        liquidation: LiquidationInput,
        supply_cap: U256,
        borrow_cap: U256,
    ) -> Result<(), Vec<u8>> {
        self.market.set_modules(modules)?;
        self.market.initialize_through_governance(
            base_asset,
            owner,
            guardian,
            rate_model,
            reserve_factor,
            liquidation,
            supply_cap,
            borrow_cap,
        )
    }

    /// Every other entry point: runs its module's code on this storage
    /// ([`KeelMarket::route_to_module`]).
    #[fallback]
    pub fn route(&mut self, calldata: &[u8]) -> ArbResult {
        self.market.route_to_module(calldata)
    }
}

//! The program at the market's address: storage owner, the lender, repay and
//! collateral-deposit operations (no prices needed), and the `fallback` that
//! `delegatecall`s every other entry point to its module (see
//! [`keel_market::modules`]).
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
use keel_market::{KeelMarket, LiquidationInput, MarketError, ModuleAddresses, RateModelInput};
use stylus_sdk::prelude::*;
use stylus_sdk::ArbResult;

/// The program's storage: the market's.
#[storage]
pub struct KeelMarketCore {
    market: KeelMarket,
}

keel_market::keel_program!(KeelMarketCore);

#[public]
impl KeelMarketCore {
    /// Deploys the market: records the five module addresses (in
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

    /// See [`KeelMarket::supply`].
    pub fn supply(&mut self, assets: U256, on_behalf: Address) -> Result<U256, MarketError> {
        self.market.supply(assets, on_behalf)
    }

    /// See [`KeelMarket::withdraw`].
    pub fn withdraw(
        &mut self,
        assets: U256,
        on_behalf: Address,
        receiver: Address,
    ) -> Result<U256, MarketError> {
        self.market.withdraw(assets, on_behalf, receiver)
    }

    /// See [`KeelMarket::withdraw_shares`].
    pub fn withdraw_shares(
        &mut self,
        shares: U256,
        on_behalf: Address,
        receiver: Address,
    ) -> Result<U256, MarketError> {
        self.market.withdraw_shares(shares, on_behalf, receiver)
    }

    /// See [`KeelMarket::supply_collateral`].
    pub fn supply_collateral(
        &mut self,
        token: Address,
        amount: U256,
        on_behalf: Address,
    ) -> Result<(), MarketError> {
        self.market.supply_collateral(token, amount, on_behalf)
    }

    /// See [`KeelMarket::repay`].
    pub fn repay(&mut self, assets: U256, on_behalf: Address) -> Result<U256, MarketError> {
        self.market.repay(assets, on_behalf)
    }

    /// See [`KeelMarket::repay_shares`].
    pub fn repay_shares(&mut self, shares: U256, on_behalf: Address) -> Result<U256, MarketError> {
        self.market.repay_shares(shares, on_behalf)
    }

    /// See [`KeelMarket::set_operator`].
    pub fn set_operator(&mut self, operator: Address, approved: bool) -> Result<(), MarketError> {
        self.market.set_operator(operator, approved)
    }

    /// See [`KeelMarket::accrue_interest`].
    pub fn accrue_interest(&mut self) -> Result<(), MarketError> {
        self.market.accrue_interest()
    }
}

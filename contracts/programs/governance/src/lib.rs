//! Market module: initialisation (from the core's constructor only) and
//! market-wide administration.
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
use keel_market::{KeelMarket, LiquidationInput, MarketError, RateModelInput};
use stylus_sdk::prelude::*;

/// The program's storage: the market's.
#[storage]
pub struct KeelGovernanceModule {
    market: KeelMarket,
}

keel_market::keel_program!(KeelGovernanceModule);

#[public]
impl KeelGovernanceModule {
    /// Marks this program's own storage as module code, so that calling
    /// the module directly (not through the market) fails with
    /// `ModuleCalledDirectly`.
    #[constructor]
    pub fn constructor(&mut self) {
        self.market.mark_as_module_code();
    }

    /// See [`KeelMarket::initialize`] (the core's constructor calls it; the
    /// core does not route it afterwards).
    #[allow(clippy::too_many_arguments)]
    pub fn initialize(
        &mut self,
        base_asset: Address,
        owner: Address,
        guardian: Address,
        rate_model: RateModelInput,
        reserve_factor: u64,
        liquidation: LiquidationInput,
        supply_cap: U256,
        borrow_cap: U256,
    ) -> Result<(), MarketError> {
        self.market.initialize(
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

    /// See [`KeelMarket::transfer_ownership`].
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), MarketError> {
        self.market.transfer_ownership(new_owner)
    }

    /// See [`KeelMarket::accept_ownership`].
    pub fn accept_ownership(&mut self) -> Result<(), MarketError> {
        self.market.accept_ownership()
    }

    /// See [`KeelMarket::set_guardian`].
    pub fn set_guardian(&mut self, guardian: Address) -> Result<(), MarketError> {
        self.market.set_guardian(guardian)
    }

    /// See [`KeelMarket::set_paused`].
    pub fn set_paused(&mut self, action: u8, paused: bool) -> Result<(), MarketError> {
        self.market.set_paused(action, paused)
    }

    /// See [`KeelMarket::set_liquidation_paused`].
    pub fn set_liquidation_paused(&mut self, paused: bool) -> Result<(), MarketError> {
        self.market.set_liquidation_paused(paused)
    }

    /// See [`KeelMarket::set_liquidation_grace_period`].
    pub fn set_liquidation_grace_period(
        &mut self,
        grace_period_seconds: u32,
    ) -> Result<(), MarketError> {
        self.market
            .set_liquidation_grace_period(grace_period_seconds)
    }

    /// See [`KeelMarket::set_rate_model`].
    pub fn set_rate_model(&mut self, rate_model: RateModelInput) -> Result<(), MarketError> {
        self.market.set_rate_model(rate_model)
    }

    /// See [`KeelMarket::set_reserve_factor`].
    pub fn set_reserve_factor(&mut self, reserve_factor: u64) -> Result<(), MarketError> {
        self.market.set_reserve_factor(reserve_factor)
    }

    /// See [`KeelMarket::set_caps`].
    pub fn set_caps(&mut self, supply_cap: U256, borrow_cap: U256) -> Result<(), MarketError> {
        self.market.set_caps(supply_cap, borrow_cap)
    }

    /// See [`KeelMarket::set_liquidation_params`].
    pub fn set_liquidation_params(
        &mut self,
        liquidation: LiquidationInput,
    ) -> Result<(), MarketError> {
        self.market.set_liquidation_params(liquidation)
    }

    /// See [`KeelMarket::set_sequencer_feed`].
    pub fn set_sequencer_feed(
        &mut self,
        feed: Address,
        grace_period_seconds: u32,
    ) -> Result<(), MarketError> {
        self.market.set_sequencer_feed(feed, grace_period_seconds)
    }

    /// See [`KeelMarket::withdraw_reserves`].
    pub fn withdraw_reserves(
        &mut self,
        asset: Address,
        amount: U256,
        to: Address,
    ) -> Result<(), MarketError> {
        self.market.withdraw_reserves(asset, amount, to)
    }
}

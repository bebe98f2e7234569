//! Market module: collateral listing and per-collateral parameters (owner).
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
use keel_market::{FeedInput, KeelMarket, MarketError, RiskInput};
use stylus_sdk::prelude::*;

/// The program's storage: the market's.
#[storage]
pub struct KeelCollateralsModule {
    market: KeelMarket,
}

keel_market::keel_program!(KeelCollateralsModule);

#[public]
impl KeelCollateralsModule {
    /// Marks this program's own storage as module code, so that calling
    /// the module directly (not through the market) fails with
    /// `ModuleCalledDirectly`.
    #[constructor]
    pub fn constructor(&mut self) {
        self.market.mark_as_module_code();
    }

    /// See [`KeelMarket::add_collateral`].
    pub fn add_collateral(
        &mut self,
        token: Address,
        risk: RiskInput,
        cap: U256,
        collateral_feed: FeedInput,
        base_feed: FeedInput,
    ) -> Result<u8, MarketError> {
        self.market
            .add_collateral(token, risk, cap, collateral_feed, base_feed)
    }

    /// See [`KeelMarket::set_collateral_risk`].
    pub fn set_collateral_risk(
        &mut self,
        token: Address,
        risk: RiskInput,
    ) -> Result<(), MarketError> {
        self.market.set_collateral_risk(token, risk)
    }

    /// See [`KeelMarket::set_collateral_cap`].
    pub fn set_collateral_cap(&mut self, token: Address, cap: U256) -> Result<(), MarketError> {
        self.market.set_collateral_cap(token, cap)
    }

    /// See [`KeelMarket::set_collateral_price_source`].
    pub fn set_collateral_price_source(
        &mut self,
        token: Address,
        collateral_feed: FeedInput,
        base_feed: FeedInput,
    ) -> Result<(), MarketError> {
        self.market
            .set_collateral_price_source(token, collateral_feed, base_feed)
    }
}

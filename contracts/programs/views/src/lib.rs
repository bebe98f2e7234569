//! Market module: read-only views for dapps and bots.
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
use keel_market::{
    AccountSnapshot, CollateralInfo, KeelMarket, LiquidationPreview, MarketError, MarketSnapshot,
};
use stylus_sdk::prelude::*;

/// The program's storage: the market's.
#[storage]
pub struct KeelViewsModule {
    market: KeelMarket,
}

keel_market::keel_program!(KeelViewsModule);

#[public]
impl KeelViewsModule {
    /// Marks this program's own storage as module code, so that calling
    /// the module directly (not through the market) fails with
    /// `ModuleCalledDirectly`.
    #[constructor]
    pub fn constructor(&mut self) {
        self.market.mark_as_module_code();
    }

    /// See [`KeelMarket::base_asset`].
    pub fn base_asset(&self) -> Address {
        self.market.base_asset()
    }

    /// See [`KeelMarket::owner`].
    pub fn owner(&self) -> Address {
        self.market.owner()
    }

    /// See [`KeelMarket::pending_owner`].
    pub fn pending_owner(&self) -> Address {
        self.market.pending_owner()
    }

    /// See [`KeelMarket::guardian`].
    pub fn guardian(&self) -> Address {
        self.market.guardian()
    }

    /// See [`KeelMarket::is_paused`].
    pub fn is_paused(&self, action: u8) -> bool {
        self.market.is_paused(action)
    }

    /// See [`KeelMarket::liquidation_resumes_at`].
    pub fn liquidation_resumes_at(&self) -> u64 {
        self.market.liquidation_resumes_at()
    }

    /// See [`KeelMarket::is_operator`].
    pub fn is_operator(&self, owner: Address, operator: Address) -> bool {
        self.market.is_operator(owner, operator)
    }

    /// See [`KeelMarket::account_snapshot`].
    pub fn account_snapshot(&self, account: Address) -> Result<AccountSnapshot, MarketError> {
        self.market.account_snapshot(account)
    }

    /// See [`KeelMarket::market_snapshot`].
    pub fn market_snapshot(&self) -> Result<MarketSnapshot, MarketError> {
        self.market.market_snapshot()
    }

    /// See [`KeelMarket::collateral_price`].
    pub fn collateral_price(&self, token: Address) -> Result<U256, MarketError> {
        self.market.collateral_price(token)
    }

    /// See [`KeelMarket::collateral_info`].
    pub fn collateral_info(&self, token: Address) -> Result<CollateralInfo, MarketError> {
        self.market.collateral_info(token)
    }

    /// See [`KeelMarket::collaterals`].
    pub fn collaterals(&self) -> Vec<Address> {
        self.market.collaterals()
    }

    /// See [`KeelMarket::preview_liquidation`].
    pub fn preview_liquidation(
        &self,
        borrower: Address,
        token: Address,
        max_repay_assets: U256,
    ) -> Result<LiquidationPreview, MarketError> {
        self.market
            .preview_liquidation(borrower, token, max_repay_assets)
    }
}

//! `keel-market-ext`: the market's second program, which the core's
//! `fallback` reaches by `delegatecall` (see [`keel_market::ext`]):
//! collateral listing, market-wide administration, `initialize` (from the
//! core's constructor only), views and `previewLiquidation`.
//!
//! Every call is decoded by hand ([`keel_market::dispatch::ext_program`]):
//! no SDK router, no alloy decoder.
//!
//! Storage: one [`keel_market::KeelMarket`] at slot 0, the layout both Keel
//! programs share (slot map in the keel-market docs).
// Not with `export-abi`: `#[public]` then adds an undocumented ABI printer.
#![cfg_attr(not(feature = "export-abi"), warn(missing_docs))]

extern crate alloc;

// The whole program: hand-decoded entry points and constructor.
keel_market::keel_program!(hand keel_market::dispatch::ext_program);

/// The entry points as a `#[public]` interface, for `export-abi` only (the
/// market's ABI: `keel abi` reads them with their Rust names and types):
/// the deployed program runs [`keel_market::dispatch::ext_program`], which
/// decodes the same arguments by hand and calls the same `KeelMarket`
/// methods.
#[cfg(feature = "export-abi")]
#[allow(clippy::result_large_err)]
mod abi {
    use alloc::vec::Vec;
    use alloy_primitives::{Address, U256};
    use keel_market::{
        AccountSnapshot, CollateralInfo, FeedInput, KeelMarket, LiquidationInput,
        LiquidationPreview, MarketError, MarketSnapshot, RateModelInput, RiskInput,
    };
    use stylus_sdk::prelude::*;

    /// The program's storage: the market's.
    #[storage]
    pub struct KeelMarketExt {
        market: KeelMarket,
    }

    #[public]
    impl KeelMarketExt {
        /// Marks this program's own storage as module code, so that calling
        /// it directly (not through the market) fails with
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
}

#[cfg(feature = "export-abi")]
pub use abi::{print_from_args, KeelMarketExt};

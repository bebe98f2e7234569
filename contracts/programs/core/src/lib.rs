//! The program at the market's address: storage owner, every user operation
//! (supply, withdraw, collateral, borrow, repay, liquidate: the hot path
//! starts one program), and the `fallback` that `delegatecall`s every other
//! entry point (administration, views) to `keel-market-ext` (see
//! [`keel_market::ext`]).
//!
//! Every call is decoded by hand ([`keel_market::dispatch::core_program`]:
//! the operations, whose `sol!` interface `keel abi` reads for the ABI, the
//! constructor and the fallback): no SDK router, no alloy decoder.
//!
//! Storage: one [`keel_market::KeelMarket`] at slot 0, the layout both Keel
//! programs share (slot map in the keel-market docs).
// Not with `export-abi`: `#[public]` then adds an undocumented ABI printer.
#![cfg_attr(not(feature = "export-abi"), warn(missing_docs))]

extern crate alloc;

// The whole program: hand-decoded operations, constructor and fallback.
keel_market::keel_program!(hand keel_market::dispatch::core_program);

/// The constructor and the fallback as a `#[public]` interface, for
/// `export-abi` only (the ABI's constructor and `keel abi`'s check of the
/// entry points): the deployed program runs
/// [`keel_market::dispatch::core_program`], which decodes the same
/// arguments by hand and calls the same `KeelMarket::construct`.
#[cfg(feature = "export-abi")]
mod abi {
    use alloc::vec::Vec;
    use alloy_primitives::{Address, U256};
    use alloy_sol_types::SolCall;
    use keel_market::ext::IKeelExt;
    use keel_market::{KeelMarket, LiquidationInput, RateModelInput};
    use stylus_sdk::prelude::*;
    use stylus_sdk::ArbResult;

    /// The program's storage: the market's.
    #[storage]
    pub struct KeelMarketCore {
        market: KeelMarket,
    }

    #[public]
    impl KeelMarketCore {
        /// Deploys the market: records the address of `keel-market-ext`
        /// (`ext`, fixed for good), then initialises the market through it;
        /// the other arguments are those of [`KeelMarket::initialize`].
        ///
        /// Errors: `ZeroAddress` or `NotAContract` for `ext`, then any
        /// error of `initialize`.
        #[constructor]
        #[allow(clippy::too_many_arguments)]
        pub fn constructor(
            &mut self,
            ext: Address,
            base_asset: Address,
            owner: Address,
            guardian: Address,
            rate_model: RateModelInput,
            reserve_factor: u64,
            liquidation: LiquidationInput,
            supply_cap: U256,
            borrow_cap: U256,
        ) -> Result<(), Vec<u8>> {
            let initialize = IKeelExt::initializeCall {
                baseAsset: base_asset,
                owner,
                guardian,
                rateModel: rate_model,
                reserveFactor: reserve_factor,
                liquidation,
                supplyCap: supply_cap,
                borrowCap: borrow_cap,
            };
            let args = initialize.abi_encode();
            self.market
                .construct(ext, args.get(4..).unwrap_or_default())
        }

        /// Every other entry point: runs the ext program's code on this
        /// storage ([`KeelMarket::route_to_ext`]).
        #[fallback]
        pub fn route(&mut self, calldata: &[u8]) -> ArbResult {
            self.market.route_to_ext(calldata)
        }
    }
}

#[cfg(feature = "export-abi")]
pub use abi::{print_from_args, KeelMarketCore};

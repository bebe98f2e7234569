//! Keel's test-only contracts, written as ordinary Stylus contracts so the
//! same code runs natively on the devnet (`keel-devnet`) and builds for wasm32.
//!
//! | contract | ABI ([`abi`]) | purpose |
//! |---|---|---|
//! | [`MockErc20`] | `IERC20` + `IMockErc20`, constructor `TokenConstructor` | standard ERC-20 with mint; switchable to return `false`, to revert, to burn a fee on transfer, and to call back into a target during transfer |
//! | [`NoReturnErc20`] | `IERC20NoReturn` (+ the views and `mint`) | USDT-style token whose `transfer`, `transferFrom` and `approve` return nothing |
//! | [`MockAggregator`] | `AggregatorV3Interface` + `IMockAggregator`, constructor `AggregatorConstructor` | Chainlink price feed with settable rounds |
//! | [`MockSequencerUptimeFeed`] | `AggregatorV3Interface` + `IMockSequencerUptimeFeed` | Chainlink L2 sequencer uptime feed (0 = up, 1 = down) |
//! | [`MockConstantProductPool`] | `IConstantProductPool`, constructor `PoolConstructor` | `x * y = k` pool with a fee, where keel-sim's liquidators sell seized collateral |
//! | [`MockFlashLiquidator`] | `IMockFlashLiquidator`, constructor `FlashLiquidatorConstructor` | liquidates with no capital through the market's `onKeelLiquidate` callback, selling on a `MockConstantProductPool` |
//!
//! The controls (`mint`, `setFailureMode`, `setAnswer`, ...) are open to
//! anyone: these contracts exist for tests and must never be deployed for real
//! use (no `Stylus.toml`, so `keel build` skips the crate).
//!
//! # Entrypoints
//!
//! Several contracts share this crate. The native devnet calls each one's
//! generated ABI router directly and needs no entrypoint; a wasm32 build
//! exports the `user_entrypoint` of the contract selected by one feature
//! (`erc20`, `erc20-no-return`, `aggregator`, `sequencer-uptime-feed`,
//! `constant-product-pool`, `flash-liquidator`; enable
//! exactly one). Without its feature a contract gets only the
//! `TopLevelStorage` marker `#[entrypoint]` would otherwise provide.
#![warn(missing_docs)]
// contracts/clippy.toml refuses ruint's and alloy's `is_zero` for Keel's
// programs (static data is start-up gas on every call); these test contracts
// are not Keel's and keep the plain calls.
#![allow(clippy::disallowed_methods)]
// stylus-core links `std` on every target (through lazy_static), so the
// contracts use std's panic handler: a panic traps and the call reverts.

extern crate alloc;

pub mod abi;
mod aggregator;
mod constant_product_pool;
mod feed_round;
mod flash_liquidator;
mod ledger;
mod mock_erc20;
mod no_return_erc20;
mod sequencer_feed;

pub use aggregator::MockAggregator;
pub use constant_product_pool::{amount_out, MockConstantProductPool};
pub use feed_round::{FeedError, RoundData};
pub use flash_liquidator::{FlashLiquidatorError, MockFlashLiquidator};
pub use ledger::{Erc20Ledger, TokenError};
pub use mock_erc20::{FailureMode, MockErc20};
pub use no_return_erc20::NoReturnErc20;
pub use sequencer_feed::MockSequencerUptimeFeed;

/// Marks `$contract` as top-level storage when its wasm entrypoint feature is
/// off (the entrypoint macro provides the marker otherwise), so the devnet can
/// route calls to it and it can make mutating calls.
macro_rules! top_level_without_entrypoint {
    ($contract:ty, $feature:literal) => {
        #[cfg(not(any(feature = $feature, feature = "contract-client-gen")))]
        // SAFETY: the contract is only ever instantiated as the root storage
        // of a call frame (slot 0, by the SDK router), which is exactly what
        // `TopLevelStorage` asserts and what `#[entrypoint]` would declare.
        #[allow(unsafe_code)]
        unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for $contract {}
    };
}
pub(crate) use top_level_without_entrypoint;

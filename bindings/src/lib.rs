//! Rust bindings of the Keel market's ABI for bots and dapps.
//!
//! Generated at compile time by alloy's `sol!` from the committed
//! `abi/KeelMarket.json` (which `keel abi` generates from the contracts and
//! a keel-cli test keeps in step with them), so a binding cannot disagree
//! with the deployed ABI. One interface covers the market's address whatever
//! programs sit behind it.
//!
//! - [`IKeelMarket`]: every function (`IKeelMarket::supplyCall`, return types
//!   such as `IKeelMarket::accountSnapshotReturn` with named fields), event
//!   (`IKeelMarket::Liquidate`) and custom error (`IKeelMarket::Unauthorized`),
//!   plus `IKeelMarket::IKeelMarketErrors` and `IKeelMarket::IKeelMarketEvents`
//!   to decode any revert or log of the market.
//! - [`KeelMarketConstructor`]: the same module under the name that reads
//!   well for deployment, `KeelMarketConstructor::constructorCall { .. }`
//!   (its arguments, without the Stylus constructor selector).
//!
//! Tuple parameters (rate model, liquidation parameters, risk, feeds) are
//! plain Rust tuples, as in the contract (the JSON names their fields; the
//! Solidity interface, `abi/IKeelMarket.sol`, declares them as structs).
//!
//! ```
//! use alloy_primitives::{address, U256};
//! use alloy_sol_types::SolCall;
//! use keel_bindings::IKeelMarket;
//!
//! let call = IKeelMarket::supplyCall {
//!     assets: U256::from(1_000_000u64),
//!     onBehalf: address!("00000000000000000000000000000000000000a1"),
//! };
//! assert_eq!(call.abi_encode()[..4], IKeelMarket::supplyCall::SELECTOR);
//! ```

// The generated `new` of the constructor takes one argument per parameter.
#[allow(clippy::too_many_arguments)]
mod generated {
    alloy_sol_types::sol!(
        #[sol(all_derives)]
        IKeelMarket,
        "../abi/KeelMarket.json"
    );
}

pub use generated::IKeelMarket;
pub use generated::IKeelMarket as KeelMarketConstructor;

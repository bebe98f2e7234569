//! The entry point both Keel programs declare: a hand-written dispatcher
//! ([`crate::dispatch`]) behind the SDK's `#[entrypoint]`, with no SDK
//! router.
//!
//! [`keel_program!`](crate::keel_program) puts the dispatcher behind the
//! entrypoint and exports it as `entry`, which is what the devnet's native
//! backend calls too, so both backends run the same code path.

/// Declares `entry(&vm, &calldata) -> ArbResult` as the whole program:
///
/// ```no_run
/// extern crate alloc;
/// keel_market::keel_program!(hand keel_market::dispatch::ext_program);
/// # fn main() {}
/// ```
///
/// The program crate then exports `entry`, the function the devnet's native
/// backend runs (`keel_devnet::native_entry`).
#[macro_export]
macro_rules! keel_program {
    (hand $entry:path) => {
        #[cfg(not(feature = "contract-client-gen"))]
        pub use keel_program_entry::entry;

        // `#[entrypoint]` adds a `#[no_mangle] user_entrypoint` export beside
        // `entry` (wasm32 and other builds without the SDK's `stylus-test`),
        // without docs; in a private module it is still exported, and the
        // programs' `missing_docs` lint does not apply to it.
        #[cfg(not(feature = "contract-client-gen"))]
        mod keel_program_entry {
            #[allow(unused_imports)]
            use stylus_sdk::prelude::*;

            /// The program's entry point: its hand-written dispatcher.
            #[stylus_sdk::prelude::entrypoint]
            pub fn entry(
                input: alloc::vec::Vec<u8>,
                vm: stylus_sdk::host::VM,
            ) -> stylus_sdk::ArbResult {
                $entry(&vm, &input)
            }
        }
    };
}

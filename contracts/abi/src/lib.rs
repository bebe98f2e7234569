//! Solidity ABI pieces every Keel module shares: the 32-byte word of a static value
//! ([`AbiWord`]), `selector ++ words` encoding ([`encode_static`]) and a rejection's revert
//! data ([`Revert`], declared per module with [`module_errors!`]).
//!
//! # Why errors are encoded where they are raised
//!
//! Each module defines its Solidity custom errors with alloy's `sol!` (the ABI, the docs, the
//! tests' expected values) and one error type, e.g. `keel_debt::DebtError`, that holds the
//! error already ABI-encoded: a heap buffer behind a pointer. A `Result` then carries 12 bytes
//! on wasm32, not the largest error by value (up to 128 bytes: four 256-bit fields), and the
//! market forwards a module's error by moving that pointer. Measured on the market program,
//! errors held by value cost about a third of its code in copies of `Result`s, per-module
//! conversions and one encoder with an arm per error (DESIGN.md, "Errors").
//!
//! Every Keel error has static fields only, so its encoding is the selector and one word per
//! field; a test in keel-market checks every error against alloy's own `abi_encode`.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;

mod revert;
pub mod sample;
mod word;

pub use alloy_sol_types::SolError;
pub use revert::Revert;
pub use word::{copy_bytes, encode_static, is_zero_address, AbiWord};

#[doc(hidden)]
pub mod __private {
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

//! The `keel` command's library: building and checking contracts, the
//! market's ABI, deployment (devnet, dry run, any Stylus RPC), the demo and
//! `keel node` (the devnet behind JSON-RPC).
//! The binary in `main.rs` is a thin command-line front.

pub mod abi;
pub mod build;
pub mod chain;
pub mod config;
pub mod demo;
pub mod deploy;
pub mod devnet;
pub mod gas;
pub mod node;
pub mod plan;
pub mod report;
pub mod sim;

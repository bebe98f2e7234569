//! placeholder
#![cfg(not(target_arch = "wasm32"))]

mod devnet;
mod exec;
pub mod gas;
mod host;
mod outcome;
mod program;
mod world;

pub use devnet::{address_of, Devnet, Snapshot, STYLUS_DEPLOYER};
pub use exec::{CallKind, Halt, HaltReason, MAX_CALL_DEPTH};
pub use gas::{Charge, GasEntry, GasReport, StoreKind};
pub use host::FrameHost;
pub use outcome::{assert_revert, expect_error, Log, Receipt, Revert};
pub use program::{native, NativeProgram, Program, Status};
pub use world::BlockEnv;

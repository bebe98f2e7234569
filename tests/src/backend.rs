//! The fixture's backend switch: `KEEL_BACKEND=wasm` deploys the market's
//! two programs as the wasm that deploys (`target/keel/*.wasm`, written by
//! `keel build`; `KEEL_WASM_DIR` overrides the directory) on the devnet's
//! wasm backend, metered as Nitro meters them, instead of running the
//! contracts natively. Tokens and feeds stay native. Unset or `native`: the
//! native backend.

use std::path::PathBuf;

use alloy_primitives::Address;
use keel_devnet::{Devnet, Revert, WasmProgram};
use keel_registry::Program;

use crate::KeelMarketConstructor;

/// Which engine runs the market's programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The contracts' Rust code compiled for the test machine.
    Native,
    /// The processed wasm `keel build` writes, on the wasm backend.
    Wasm,
}

/// The backend chosen by `KEEL_BACKEND` (`native` when unset).
pub fn backend() -> Backend {
    match std::env::var("KEEL_BACKEND").as_deref() {
        Ok("wasm") => Backend::Wasm,
        Ok("native") | Err(_) => Backend::Native,
        Ok(other) => panic!("KEEL_BACKEND={other}: expected `native` or `wasm`"),
    }
}

/// Where `keel build` writes the programs.
pub fn wasm_dir() -> PathBuf {
    match std::env::var_os("KEEL_WASM_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/keel"),
    }
}

/// The wasm of `program` from [`wasm_dir`]; panics, saying how to build
/// it, when the file is missing.
pub fn wasm_program(program: Program) -> WasmProgram {
    program
        .wasm(&wasm_dir())
        .unwrap_or_else(|error| panic!("{error}"))
}

/// [`crate::deploy_market`] on the wasm backend: the ext program, then the
/// core with its address, each constructor run as wasm.
pub fn deploy_market_wasm(
    net: &mut Devnet,
    deployer: Address,
    mut args: KeelMarketConstructor::constructorCall,
) -> Result<Address, Revert> {
    args.ext = crate::deploy_ext(net, deployer, wasm_program);
    net.deploy_with(deployer, wasm_program(Program::Core), &args)
}

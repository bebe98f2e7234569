//! The engine interface: what the devnet needs from the code at an address.
//!
//! A [`Program`] runs one call frame against a [`FrameHost`], the way Nitro
//! runs a Stylus program's `user_entrypoint`: it reads its calldata and the
//! world through the host, writes its result with `write_result`, and
//! returns a status. The native backend ([`NativeProgram`]) runs the
//! contract's Rust code compiled for the test machine through the SDK's
//! generated ABI router. A wasm backend would implement the same trait by
//! instantiating the compiled program and routing its `vm_hooks` imports to
//! the same host; the world state, the call semantics and the API stay.

use std::borrow::BorrowMut;

use alloy_primitives::Bytes;
use stylus_sdk::abi::Router;
use stylus_sdk::host::VM;
use stylus_sdk::storage::StorageType;
use stylus_sdk::stylus_core::storage::TopLevelStorage;
use stylus_sdk::stylus_core::{CalldataAccess, MessageAccess, StorageAccess, ValueDenier};
use stylus_sdk::ArbResult;

use crate::host::FrameHost;

/// How a program's frame ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The frame returns its result; its state changes stay.
    Success,
    /// The frame reverts with its result as revert data.
    Revert,
}

/// Executable code deployed at an address (the engine interface).
pub trait Program {
    /// A name for diagnostics.
    fn name(&self) -> &str;
    /// The bytes `code`, `code_size` and `code_hash` see at the address.
    fn code(&self) -> Bytes;
    /// Runs one call frame. Host failures that stop a program on chain (a
    /// write in a static context, a trap) unwind out of this call; the devnet
    /// catches them at the frame boundary.
    fn execute(&self, host: &FrameHost) -> Status;
}

/// The entry a contract's `#[entrypoint]` would generate: the SDK router.
pub type RouterEntry = fn(Vec<u8>, VM) -> ArbResult;

/// A contract's Rust code run natively through its generated ABI router.
#[derive(Debug, Clone)]
pub struct NativeProgram {
    name: String,
    entry: RouterEntry,
    reentrant: bool,
}

/// The native program of contract type `C` (a `#[storage]` struct with a
/// `#[public]` impl). Re-entry is refused, as the SDK's on-chain entrypoint
/// does unless the contract is built with the SDK's `reentrant` feature; see
/// [`NativeProgram::reentrant`].
pub fn native<C>() -> NativeProgram
where
    C: Router<C>
        + StorageType
        + TopLevelStorage
        + ValueDenier
        + BorrowMut<<C as Router<C>>::Storage>,
{
    NativeProgram {
        name: short_type_name(std::any::type_name::<C>()).to_string(),
        entry: stylus_sdk::abi::router_entrypoint::<C, C>,
        reentrant: false,
    }
}

/// The native program of a contract whose entry point is its own function
/// `entry` (what its wasm `#[entrypoint]` runs) rather than the bare SDK
/// router, e.g. a Keel program declared with `keel_market::keel_program!`.
/// `name` is for diagnostics and the code bytes. Re-entry is refused, as by
/// [`native`].
pub fn native_entry(name: &str, entry: RouterEntry) -> NativeProgram {
    NativeProgram {
        name: name.to_string(),
        entry,
        reentrant: false,
    }
}

fn short_type_name(full: &str) -> &str {
    full.rsplit("::").next().unwrap_or(full)
}

impl NativeProgram {
    /// Accepts re-entrant calls, like a contract built with the SDK's
    /// `reentrant` feature (the on-chain entrypoint then skips its guard).
    pub fn reentrant(mut self) -> Self {
        self.reentrant = true;
        self
    }
}

/// Marks the code of native programs: the Stylus `0xEFF000` prefix with a zero
/// dictionary byte, then the contract's type name instead of compressed wasm.
const STYLUS_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];

impl Program for NativeProgram {
    fn name(&self) -> &str {
        &self.name
    }

    fn code(&self) -> Bytes {
        [STYLUS_PREFIX.as_slice(), self.name.as_bytes()]
            .concat()
            .into()
    }

    /// Mirrors the SDK's generated `user_entrypoint`: refuse re-entry unless
    /// opted in, route the calldata, flush the storage cache, write the result.
    fn execute(&self, host: &FrameHost) -> Status {
        if !self.reentrant && host.msg_reentrant() {
            return Status::Revert;
        }
        let vm = VM {
            host: Box::new(host.clone()),
        };
        let input = vm.read_args(host.calldata_len());
        let (data, status) = match (self.entry)(input, vm.clone()) {
            Ok(data) => (data, Status::Success),
            Err(data) => (data, Status::Revert),
        };
        vm.flush_cache(false);
        vm.write_result(&data);
        status
    }
}

/// The selector `router_entrypoint` dispatches to a contract's constructor.
pub(crate) fn constructor_calldata(args: &[u8]) -> Vec<u8> {
    let selector = stylus_sdk::abi::CONSTRUCTOR_SELECTOR.to_be_bytes();
    [selector.as_slice(), args].concat()
}

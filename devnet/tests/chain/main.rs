//! Devnet behaviour tests: one binary, one module per topic.

// The SDK macros used by the test contracts refer to `alloc`.
extern crate alloc;

mod calls;
mod constructed;
mod feeds;
mod gas;
mod probe;
mod snapshots;
mod tokens;
mod wasm;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolCall;
use keel_devnet::{address_of, native, Devnet};

use probe::{IProbe, Probe};

fn alice() -> Address {
    address_of("alice")
}

fn bob() -> Address {
    address_of("bob")
}

fn deploy_probe(devnet: &mut Devnet) -> Address {
    devnet.deploy(alice(), native::<Probe>())
}

fn word(value: u64) -> U256 {
    U256::from(value)
}

/// Calldata of a typed call, as `bytes` for `forward*`.
fn calldata(call: &impl SolCall) -> Bytes {
    call.abi_encode().into()
}

/// Sends `probe.forward(target, data)` from alice and returns its `(success, output)`.
fn forward(devnet: &mut Devnet, probe: Address, target: Address, data: Bytes) -> (bool, Bytes) {
    let returned = devnet
        .call(alice(), probe, &IProbe::forwardCall { target, data })
        .expect("forward never reverts");
    (returned.success, returned.output)
}

/// `probe.store(key, value)` from alice.
fn store(devnet: &mut Devnet, probe: Address, key: u64, value: u64) {
    let call = IProbe::storeCall {
        key: word(key),
        value: word(value),
    };
    devnet
        .call(alice(), probe, &call)
        .expect("store never reverts");
}

/// `probe.load(key)`.
fn load(devnet: &mut Devnet, probe: Address, key: u64) -> U256 {
    devnet
        .view(probe, &IProbe::loadCall { key: word(key) })
        .expect("load never reverts")
}

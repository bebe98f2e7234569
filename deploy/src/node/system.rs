//! The chain contracts a Stylus deployment touches, emulated natively at
//! their canonical addresses (the node runs no EVM bytecode): ArbWasm
//! (`0x71`) here, the StylusDeployer and the deterministic CREATE2 factory
//! in [`super::factories`]. Each is a devnet [`Program`], so what it does is
//! part of the transaction: a revert anywhere rolls back creation,
//! activation and value alike.

use super::code::{StylusCode, WasmCache};
use crate::chain::stylus::{ArbWasm, ARB_WASM};
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{Revert, SolCall, SolError, SolEvent, SolInterface};
use keel_devnet::{FrameHost, Program, Status};
use std::rc::Rc;
use stylus_sdk::stylus_core::{
    AccountAccess, CalldataAccess, MessageAccess, RawLogAccess, StorageAccess,
};

/// The Stylus version activations record (ArbOS 50's `StylusVersion`).
pub const STYLUS_VERSION: u16 = 2;

/// The activation data fee per byte of decompressed wasm, wei. Nitro's
/// data pricer moves with demand; the node charges this flat rate (a
/// 100 KB program costs 0.0001 ETH).
pub const DATA_FEE_WEI_PER_WASM_BYTE: u64 = 1_000_000_000;

/// Ends a frame with `data` as its result.
pub(super) fn finish(host: &FrameHost, status: Status, data: &[u8]) -> Status {
    host.write_result(data);
    status
}

/// Reverts with `Error(message)`.
pub(super) fn revert_message(host: &FrameHost, message: &str) -> Status {
    let data = Revert::from(message).abi_encode();
    finish(host, Status::Revert, &data)
}

pub(super) fn revert_error(host: &FrameHost, error: impl SolError) -> Status {
    finish(host, Status::Revert, &error.abi_encode())
}

/// ArbWasm at `0x71`: activation (decompression, Nitro's checks, the data
/// fee), and the version queries. Activations are recorded in its own
/// storage, one word per code hash, so snapshots and reverts undo them.
pub struct ArbWasmPrecompile {
    /// Compiled programs by code hash.
    pub cache: Rc<WasmCache>,
}

impl ArbWasmPrecompile {
    fn version_of(host: &FrameHost, codehash: B256) -> u16 {
        let word = host.storage_load_bytes32(U256::from_be_bytes(codehash.0));
        u16::try_from(U256::from_be_bytes(word.0)).unwrap_or(u16::MAX)
    }

    fn activate(&self, host: &FrameHost, program: Address) -> Status {
        let deployed = host.code(program);
        let codehash = keccak256(&deployed);
        if Self::version_of(host, codehash) == STYLUS_VERSION {
            return revert_error(host, ArbWasm::ProgramUpToDate {});
        }
        let compiled = match self.cache.compile(&deployed, |a| host.code(a)) {
            Ok(compiled) => compiled,
            Err(problem) => return revert_message(host, &format!("activation failed: {problem}")),
        };
        let fee = U256::from(compiled.wasm_bytes) * U256::from(DATA_FEE_WEI_PER_WASM_BYTE);
        let paid = host.msg_value();
        if paid < fee {
            return revert_error(
                host,
                ArbWasm::ProgramInsufficientValue {
                    have: paid,
                    want: fee,
                },
            );
        }
        host.store_word(
            U256::from_be_bytes(codehash.0),
            B256::from(U256::from(STYLUS_VERSION)),
        );
        let activated = StylusCode::activated(deployed.into(), compiled.program);
        host.replace_code(program, Rc::new(activated));
        // Nitro returns the unused value to the caller without an EVM call.
        if paid > fee
            && host
                .call_with_value(host.msg_sender(), paid - fee, Vec::new())
                .is_err()
        {
            return revert_message(host, "refund of the unused data fee failed");
        }
        let returns =
            ArbWasm::activateProgramCall::abi_encode_returns(&ArbWasm::activateProgramReturn {
                version: STYLUS_VERSION,
                dataFee: fee,
            });
        finish(host, Status::Success, &returns)
    }

    fn version_answer(host: &FrameHost, codehash: B256) -> Status {
        match Self::version_of(host, codehash) {
            0 => revert_error(host, ArbWasm::ProgramNotActivated {}),
            version => finish(
                host,
                Status::Success,
                &ArbWasm::codehashVersionCall::abi_encode_returns(&version),
            ),
        }
    }
}

impl Program for ArbWasmPrecompile {
    fn name(&self) -> &str {
        "ArbWasm"
    }

    fn code(&self) -> Bytes {
        // Precompiles hold no code; a marker byte keeps `eth_getCode`
        // non-empty, as Arbitrum nodes answer for ArbOS precompiles (0xfe).
        Bytes::from_static(&[0xfe])
    }

    fn execute(&self, host: &FrameHost) -> Status {
        match ArbWasm::ArbWasmCalls::abi_decode(host.calldata()) {
            Ok(ArbWasm::ArbWasmCalls::activateProgram(call)) => self.activate(host, call.program),
            Ok(ArbWasm::ArbWasmCalls::codehashVersion(call)) => {
                Self::version_answer(host, call.codehash)
            }
            Ok(ArbWasm::ArbWasmCalls::programVersion(call)) => {
                Self::version_answer(host, keccak256(host.code(call.program)))
            }
            Err(_) => revert_message(
                host,
                "ArbWasm: only activateProgram, codehashVersion and programVersion are emulated",
            ),
        }
    }
}

/// Creates `code` at `address` from a frame: activated at once when ArbWasm
/// already activated its code hash (activation is per code hash).
pub(super) fn create_stylus_account(
    host: &FrameHost,
    cache: &WasmCache,
    address: Address,
    code: &[u8],
) -> bool {
    let codehash = keccak256(code);
    let query = ArbWasm::codehashVersionCall { codehash }.abi_encode();
    let activated = host.call_with_value(ARB_WASM, U256::ZERO, query).is_ok();
    let account = match activated.then(|| cache.compile(code, |a| host.code(a))) {
        Some(Ok(compiled)) => StylusCode::activated(code.to_vec().into(), compiled.program),
        _ => StylusCode::inactive(code.to_vec().into()),
    };
    host.create_account(address, Rc::new(account))
}

/// Emits `event` from the frame's account.
pub(super) fn emit(host: &FrameHost, event: &impl SolEvent) {
    let log = event.encode_log_data();
    let mut input: Vec<u8> = log.topics().iter().flat_map(|t| t.0).collect();
    input.extend_from_slice(&log.data);
    host.emit_log(&input, log.topics().len());
}

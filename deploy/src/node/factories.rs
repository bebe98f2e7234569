//! The StylusDeployer and the CREATE2 factory, emulated natively at their
//! canonical addresses: they create Stylus code accounts (see
//! [`super::system`] for ArbWasm and the shared helpers).

use super::code::{self, WasmCache};
use super::system::{create_stylus_account, emit, finish, revert_error, revert_message};
use crate::chain::stylus::{
    code_of_init_code, deployed_address, ArbWasm, StylusDeployer, ARB_WASM,
};
use alloy_primitives::{keccak256, Bytes, B256, U256};
use alloy_sol_types::SolCall;
use keel_devnet::{FrameHost, Program, Status};
use std::rc::Rc;
use stylus_sdk::stylus_core::{AccountAccess, MessageAccess};

/// The StylusDeployer (nitro-contracts `src/stylus/StylusDeployer.sol`):
/// `deploy(bytecode, initData, initValue, salt)` creates the program with
/// CREATE2, activates it through ArbWasm with the call's value when its
/// code hash is not active yet, calls it with `initData`, and refunds what
/// is left to the caller.
pub struct StylusDeployerContract {
    /// Compiled programs by code hash (shared with ArbWasm).
    pub cache: Rc<WasmCache>,
}

impl StylusDeployerContract {
    fn deploy(&self, host: &FrameHost, call: StylusDeployer::deployCall) -> Status {
        let Some(program_code) = code_of_init_code(&call.bytecode) else {
            return revert_message(host, "StylusDeployer: only Stylus init code (cargo-stylus's prelude) runs here; the node has no EVM");
        };
        if call.salt.is_zero() {
            return revert_message(
                host,
                "StylusDeployer: salt 0 (CREATE) is not emulated; use a salt",
            );
        }
        if call.initData.is_empty() && !call.initValue.is_zero() {
            return revert_error(host, StylusDeployer::InitValueButNotInitData {});
        }
        let paid = host.msg_value();
        let Some(for_activation) = paid.checked_sub(call.initValue) else {
            return revert_message(host, "StylusDeployer: value below initValue");
        };
        let me = host.contract_address();
        let address = deployed_address(
            me,
            call.salt,
            &call.initData,
            call.initValue,
            &call.bytecode,
        );
        if !create_stylus_account(host, &self.cache, address, program_code) {
            return revert_error(
                host,
                StylusDeployer::ContractDeploymentError {
                    bytecode: call.bytecode,
                },
            );
        }
        let mut fee = U256::ZERO;
        let query = ArbWasm::programVersionCall { program: address }.abi_encode();
        if host.call_with_value(ARB_WASM, U256::ZERO, query).is_err() {
            let activate = ArbWasm::activateProgramCall { program: address }.abi_encode();
            match host.call_with_value(ARB_WASM, for_activation, activate) {
                Ok(output) => match ArbWasm::activateProgramCall::abi_decode_returns(&output) {
                    Ok(returns) => fee = returns.dataFee,
                    Err(_) => return revert_message(host, "StylusDeployer: bad ArbWasm answer"),
                },
                Err(data) => return finish(host, Status::Revert, &data),
            }
        }
        if !call.initData.is_empty() {
            if let Err(data) = host.call_with_value(address, call.initValue, call.initData.to_vec())
            {
                let error = StylusDeployer::ContractInitializationError {
                    newContract: address,
                    data: data.into(),
                };
                return revert_error(host, error);
            }
        }
        // The refund comes back from ArbWasm first, so the balance holds it.
        let remaining = paid.saturating_sub(fee).saturating_sub(call.initValue);
        if !remaining.is_zero()
            && host
                .call_with_value(host.msg_sender(), remaining, Vec::new())
                .is_err()
        {
            return revert_message(host, "StylusDeployer: refund failed");
        }
        emit(
            host,
            &StylusDeployer::ContractDeployed {
                deployedContract: address,
            },
        );
        finish(
            host,
            Status::Success,
            &StylusDeployer::deployCall::abi_encode_returns(&address),
        )
    }
}

impl Program for StylusDeployerContract {
    fn name(&self) -> &str {
        "StylusDeployer"
    }

    fn code(&self) -> Bytes {
        Bytes::from_static(b"\xfe keel node: StylusDeployer emulated natively")
    }

    fn execute(&self, host: &FrameHost) -> Status {
        if host.calldata().is_empty() {
            // ArbWasm's refund of the unused data fee.
            return finish(host, Status::Success, &[]);
        }
        match StylusDeployer::deployCall::abi_decode(host.calldata()) {
            Ok(call) => self.deploy(host, call),
            Err(_) => revert_message(
                host,
                "StylusDeployer: only deploy(bytes,bytes,uint256,bytes32) is emulated",
            ),
        }
    }
}

/// The deterministic deployment proxy (Arachnid's CREATE2 factory): calldata
/// `salt ++ init code`, creates at CREATE2(factory, salt, keccak(init code))
/// and returns the 20-byte address. Only Stylus init code runs (code
/// fragments and programs); other init code reverts.
pub struct Create2Factory {
    /// Compiled programs by code hash (shared with ArbWasm).
    pub cache: Rc<WasmCache>,
}

impl Program for Create2Factory {
    fn name(&self) -> &str {
        "Create2Factory"
    }

    fn code(&self) -> Bytes {
        Bytes::from_static(b"\xfe keel node: CREATE2 factory emulated natively")
    }

    fn execute(&self, host: &FrameHost) -> Status {
        let data = host.calldata();
        let (Some(salt), Some(init)) = (data.get(..32), data.get(32..)) else {
            return finish(host, Status::Revert, &[]);
        };
        let Some(stored) = code_of_init_code(init) else {
            return revert_message(host, "CREATE2 factory: only Stylus init code (cargo-stylus's prelude) runs here; the node has no EVM");
        };
        let address = host
            .contract_address()
            .create2(B256::from_slice(salt), keccak256(init));
        if !code::is_stylus(stored) || !create_stylus_account(host, &self.cache, address, stored) {
            return finish(host, Status::Revert, &[]);
        }
        finish(host, Status::Success, address.as_slice())
    }
}

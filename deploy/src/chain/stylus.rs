//! How a Stylus program gets on chain with its constructor.
//!
//! A Stylus constructor is an ordinary call with the selector of
//! `stylus_constructor()` that the SDK runs once (a storage flag guards it).
//! Sent as a separate transaction after deployment it could be front-run by
//! anyone, who would then own the market. So, as `cargo stylus deploy` does,
//! every program goes through the StylusDeployer contract (nitro-contracts
//! `src/stylus/StylusDeployer.sol`), whose `deploy(bytecode, initData,
//! initValue, salt)` in one transaction creates the contract from the init
//! code (CREATE2 with a non-zero salt), activates it through ArbWasm
//! (`0x71`) `activateProgram` paying the data fee out of the call's value
//! (the unused part is refunded to the sender), then calls it with
//! `initData`. With CREATE2 the program's address is known before sending,
//! which the dry run prints and a resumed deployment checks.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::{sol, SolCall};

sol! {
    /// The StylusDeployer contract.
    interface StylusDeployer {
        /// Deploys, activates and initialises a Stylus program.
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt)
            external payable returns (address);
        /// A program was deployed (and activated and initialised).
        event ContractDeployed(address deployedContract);
        /// The init code did not create a contract.
        error ContractDeploymentError(bytes bytecode);
        /// The constructor call reverted with `data`.
        error ContractInitializationError(address newContract, bytes data);
        /// `initValue` without `initData`.
        error InitValueButNotInitData();
    }

    /// The ArbWasm precompile (address `0x71`).
    interface ArbWasm {
        /// Activates the program at `program`; the value pays `dataFee`.
        function activateProgram(address program)
            external payable returns (uint16 version, uint256 dataFee);
        /// The Stylus version the code with this hash is activated at.
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        /// The Stylus version the program at `program` is activated at.
        function programVersion(address program) external view returns (uint16 version);
        /// The code is not an activated program.
        error ProgramNotActivated();
        /// The code is already activated at the current version.
        error ProgramUpToDate();
        /// The value sent does not cover the data fee.
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }

    /// The function a Stylus constructor answers to.
    function stylus_constructor();
}

/// The ArbWasm precompile.
pub const ARB_WASM: Address = Address::new([
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x71,
]);

/// EVM init code that returns `code` (the Stylus-prefixed compressed wasm),
/// as cargo-stylus builds it: `PUSH32 len; DUP1; PUSH1 43; PUSH1 0;
/// CODECOPY; PUSH1 0; RETURN`, a version byte 0, then the code.
pub fn init_code(code: &[u8]) -> Vec<u8> {
    const PRELUDE_BYTES: u8 = 43;
    let mut out = Vec::with_capacity(code.len() + usize::from(PRELUDE_BYTES));
    out.push(0x7f);
    out.extend_from_slice(&U256::from(code.len()).to_be_bytes::<32>());
    out.extend_from_slice(&[
        0x80,
        0x60,
        PRELUDE_BYTES,
        0x60,
        0x00,
        0x39,
        0x60,
        0x00,
        0xf3,
        0x00,
    ]);
    out.extend_from_slice(code);
    out
}

/// The code that init code built by [`init_code`] returns; `None` for any
/// other init code (running arbitrary EVM init code needs an EVM).
pub fn code_of_init_code(init: &[u8]) -> Option<&[u8]> {
    let code = init.get(43..)?;
    (init_code(code) == init).then_some(code)
}

/// `initData` for a program's constructor: the `stylus_constructor()`
/// selector followed by the ABI-encoded arguments.
pub fn constructor_init_data(args: &[u8]) -> Vec<u8> {
    let mut data = stylus_constructorCall::SELECTOR.to_vec();
    data.extend_from_slice(args);
    data
}

/// Where `StylusDeployer.deploy` with a non-zero `salt` puts the program:
/// CREATE2 from the deployer contract with the salt it derives,
/// `keccak256(salt ++ initData ++ initValue)`.
pub fn deployed_address(
    deployer: Address,
    salt: B256,
    init_data: &[u8],
    init_value: U256,
    init_code: &[u8],
) -> Address {
    let mut packed = salt.to_vec();
    packed.extend_from_slice(init_data);
    packed.extend_from_slice(&init_value.to_be_bytes::<32>());
    deployer.create2(keccak256(packed), keccak256(init_code))
}

/// Calldata of `StylusDeployer.deploy`.
pub fn deploy_calldata(init_code: Vec<u8>, init_data: Vec<u8>, salt: B256) -> Vec<u8> {
    StylusDeployer::deployCall {
        bytecode: init_code.into(),
        initData: init_data.into(),
        initValue: U256::ZERO,
        salt,
    }
    .abi_encode()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_code_returns_the_code() {
        let code = [0xEF, 0xF0, 0x00, 0x00, 1, 2, 3];
        let init = init_code(&code);
        assert_eq!(init.len(), 43 + code.len());
        assert_eq!(init[0], 0x7f);
        assert_eq!(init[32], 7, "length word ends with the code length");
        assert_eq!(init[42], 0, "version byte");
        assert_eq!(&init[43..], &code);
    }

    #[test]
    fn code_of_init_code_inverts_init_code_only() {
        let code = [0xEF, 0xF0, 0x00, 0x00, 9, 8];
        let init = init_code(&code);
        assert_eq!(code_of_init_code(&init), Some(code.as_slice()));
        let mut wrong_length = init.clone();
        wrong_length[32] = 7;
        assert_eq!(code_of_init_code(&wrong_length), None);
        assert_eq!(code_of_init_code(&init[..40]), None);
        assert_eq!(code_of_init_code(&[0x60, 0x00]), None);
    }

    #[test]
    fn selectors_are_the_documented_ones() {
        assert_eq!(
            ArbWasm::activateProgramCall::SELECTOR,
            [0x58, 0xc7, 0x80, 0xc2]
        );
        assert_eq!(
            StylusDeployer::deployCall::SIGNATURE,
            "deploy(bytes,bytes,uint256,bytes32)"
        );
        assert_eq!(stylus_constructorCall::SIGNATURE, "stylus_constructor()");
    }
}

//! `Probe`: a test contract that stores, loads, logs, reverts, panics and
//! forwards arbitrary calls, so each devnet rule can be observed.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::sol;
use stylus_sdk::call::{call, delegate_call, static_call};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::StorageMap;
use stylus_sdk::storage::StorageU256;
use stylus_sdk::stylus_core::calls::errors::Error;

sol! {
    interface IProbe {
        function store(uint256 key, uint256 value) external;
        function storeTwice(uint256 key, uint256 first, uint256 second) external;
        function load(uint256 key) external view returns (uint256);
        function loadTwice(uint256 key) external view returns (uint256);
        function storeAndRevert(uint256 key, uint256 value) external;
        function forward(address target, bytes data) external returns (bool success, bytes output);
        function forwardTwice(address target, bytes first, bytes second) external returns (bool firstSucceeded, bool secondSucceeded);
        function forwardStatic(address target, bytes data) external returns (bool success, bytes output);
        function forwardDelegate(address target, bytes data) external returns (bool success, bytes output);
        function context() external payable returns (address sender, address origin, uint256 value, address current);
        function isReentrant() external view returns (bool);
        function explode() external;
        function note(uint256 value) external;
    }

    #[derive(Debug, PartialEq, Eq)]
    event Noted(address indexed by, uint256 value);
    #[derive(Debug, PartialEq, Eq)]
    error Boom(uint256 value);
}

#[derive(SolidityError, Debug)]
pub enum ProbeError {
    Boom(Boom),
}

#[storage]
#[entrypoint]
pub struct Probe {
    values: StorageMap<U256, StorageU256>,
}

/// A call's outcome as `forward*` returns it.
fn outcome(result: Result<Vec<u8>, Error>) -> (bool, Bytes) {
    match result {
        Ok(output) => (true, output.into()),
        Err(error) => (false, Vec::<u8>::from(error).into()),
    }
}

#[public]
impl Probe {
    pub fn store(&mut self, key: U256, value: U256) {
        self.values.setter(key).set(value);
    }

    pub fn store_twice(&mut self, key: U256, first: U256, second: U256) {
        self.values.setter(key).set(first);
        self.values.setter(key).set(second);
    }

    pub fn load(&self, key: U256) -> U256 {
        self.values.get(key)
    }

    pub fn load_twice(&self, key: U256) -> U256 {
        let first = self.values.get(key);
        first.max(self.values.get(key))
    }

    pub fn store_and_revert(&mut self, key: U256, value: U256) -> Result<(), ProbeError> {
        self.store(key, value);
        self.note(value);
        Err(ProbeError::Boom(Boom { value }))
    }

    pub fn forward(&mut self, target: Address, data: Bytes) -> (bool, Bytes) {
        let vm = self.vm().clone();
        outcome(call(&vm, Call::new_mutating(self), target, &data))
    }

    pub fn forward_twice(&mut self, target: Address, first: Bytes, second: Bytes) -> (bool, bool) {
        (
            self.forward(target, first).0,
            self.forward(target, second).0,
        )
    }

    pub fn forward_static(&mut self, target: Address, data: Bytes) -> (bool, Bytes) {
        let vm = self.vm().clone();
        outcome(static_call(&vm, Call::new(), target, &data))
    }

    pub fn forward_delegate(&mut self, target: Address, data: Bytes) -> (bool, Bytes) {
        let vm = self.vm().clone();
        // SAFETY: test contract; the devnet runs the target on this storage.
        outcome(unsafe { delegate_call(&vm, Call::new_mutating(self), target, &data) })
    }

    #[payable]
    pub fn context(&mut self) -> (Address, Address, U256, Address) {
        let vm = self.vm();
        (
            vm.msg_sender(),
            vm.tx_origin(),
            vm.msg_value(),
            vm.contract_address(),
        )
    }

    pub fn is_reentrant(&self) -> bool {
        self.vm().msg_reentrant()
    }

    pub fn explode(&mut self) {
        panic!("probe exploded");
    }

    pub fn note(&mut self, value: U256) {
        let by = self.vm().msg_sender();
        self.vm().log(Noted { by, value });
    }
}

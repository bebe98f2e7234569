//! Test-only host: `TestVM` with static calls that return their own mocked data.
//!
//! `TestVM::mock_static_call` stores one global "return data" (that of the most recently
//! mocked call) and every call reads it back, so a test that mocks `decimals()` and
//! `latestRoundData()` would read the wrong bytes for one of them. `FeedHost` keeps the return
//! data of the call actually made and delegates everything else to `TestVM`.
// Implementing the host traits needs `unsafe impl` and raw pointers, as TestVM itself does.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::slice;

use alloy_primitives::{Address, B256, I256, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::stylus_core::host::*;
use stylus_sdk::testing::TestVM;

use crate::feed::IAggregatorV3;
use crate::round::RoundData;

type CallKey = (Address, Vec<u8>);

/// Mocked static calls: returned data, or revert data.
type StaticCalls = HashMap<CallKey, Result<Vec<u8>, Vec<u8>>>;

/// A `TestVM` whose static calls are answered per `(target, calldata)`.
#[derive(Clone, Default)]
pub(crate) struct FeedHost {
    vm: TestVM,
    static_calls: Rc<RefCell<StaticCalls>>,
    return_data: Rc<RefCell<Vec<u8>>>,
}

impl FeedHost {
    /// The wrapped `TestVM` (block time, code, storage).
    pub(crate) fn test_vm(&self) -> &TestVM {
        &self.vm
    }

    /// Makes `target` a contract (non-empty code).
    pub(crate) fn set_code(&self, target: Address) {
        self.vm.set_code(target, vec![0xfe]);
    }

    /// Static calls of `target` with `calldata` return `Ok(data)` or revert with `Err(data)`.
    pub(crate) fn mock_static_call(
        &self,
        target: Address,
        calldata: Vec<u8>,
        result: Result<Vec<u8>, Vec<u8>>,
    ) {
        self.static_calls
            .borrow_mut()
            .insert((target, calldata), result);
    }

    /// `feed.latestRoundData()` returns `round`.
    pub(crate) fn mock_round(&self, feed: Address, round: RoundData) {
        self.mock_round_bytes(feed, Ok(encode_round(round)));
    }

    /// `feed.latestRoundData()` returns or reverts with raw bytes.
    pub(crate) fn mock_round_bytes(&self, feed: Address, result: Result<Vec<u8>, Vec<u8>>) {
        let calldata = IAggregatorV3::latestRoundDataCall {}.abi_encode();
        self.mock_static_call(feed, calldata, result);
    }

    /// `target.decimals()` returns `decimals`.
    pub(crate) fn mock_decimals(&self, target: Address, decimals: u8) {
        let calldata = IAggregatorV3::decimalsCall {}.abi_encode();
        let returned = IAggregatorV3::decimalsCall::abi_encode_returns(&decimals);
        self.mock_static_call(target, calldata, Ok(returned));
    }
}

/// The ABI encoding of `latestRoundData()`'s return.
pub(crate) fn encode_round(round: RoundData) -> Vec<u8> {
    IAggregatorV3::latestRoundDataCall::abi_encode_returns(&IAggregatorV3::latestRoundDataReturn {
        roundId: round.round_id,
        answer: round.answer,
        startedAt: round.started_at,
        updatedAt: round.updated_at,
        answeredInRound: round.answered_in_round,
    })
}

/// A round answering `answer`, started and updated at `updated_at`.
pub(crate) fn round(answer: i128, updated_at: u64) -> RoundData {
    RoundData {
        round_id: alloy_primitives::aliases::U80::from(7),
        answer: I256::try_from(answer).expect("an i128 fits in an int256"),
        started_at: U256::from(updated_at),
        updated_at: U256::from(updated_at),
        answered_in_round: alloy_primitives::aliases::U80::from(7),
    }
}

impl Host for FeedHost {}

unsafe impl UnsafeCallAccess for FeedHost {
    unsafe fn call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        value: *const u8,
        gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        self.vm
            .call_contract(to, data, data_len, value, gas, outs_len)
    }

    unsafe fn delegate_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        self.vm
            .delegate_call_contract(to, data, data_len, gas, outs_len)
    }

    unsafe fn static_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        let key = (
            Address::from_slice(slice::from_raw_parts(to, 20)),
            slice::from_raw_parts(data, data_len).to_vec(),
        );
        // An account without a mock behaves like one without code: success, no data.
        let result = self
            .static_calls
            .borrow()
            .get(&key)
            .cloned()
            .unwrap_or(Ok(Vec::new()));
        let (status, returned) = match result {
            Ok(returned) => (0, returned),
            Err(reverted) => (1, reverted),
        };
        *outs_len = returned.len();
        *self.return_data.borrow_mut() = returned;
        status
    }
}

impl CalldataAccess for FeedHost {
    fn read_args(&self, len: usize) -> Vec<u8> {
        self.vm.read_args(len)
    }

    fn read_return_data(&self, offset: usize, size: Option<usize>) -> Vec<u8> {
        let data = self.return_data.borrow();
        let start = offset.min(data.len());
        let end = size.map_or(data.len(), |size| {
            start.saturating_add(size).min(data.len())
        });
        data[start..end].to_vec()
    }

    fn return_data_size(&self) -> usize {
        self.return_data.borrow().len()
    }

    fn write_result(&self, data: &[u8]) {
        self.vm.write_result(data);
    }
}

/// Delegates `fn name(&self, args) -> ret` to the wrapped `TestVM`.
macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(fn $name(&self, $($arg: $ty),*) -> $ret { self.vm.$name($($arg),*) })*
    };
}

impl CryptographyAccess for FeedHost {
    delegate! { native_keccak256(input: &[u8]) -> B256; }
}

unsafe impl UnsafeDeploymentAccess for FeedHost {
    unsafe fn create1(
        &self,
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) {
        self.vm
            .create1(code, code_len, endowment, contract, revert_data_len);
    }

    unsafe fn create2(
        &self,
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        salt: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) {
        self.vm
            .create2(code, code_len, endowment, salt, contract, revert_data_len);
    }
}

impl StorageAccess for FeedHost {
    delegate! {
        storage_load_bytes32(key: U256) -> B256;
        flush_cache(clear: bool) -> ();
    }

    unsafe fn storage_cache_bytes32(&self, key: U256, value: B256) {
        self.vm.storage_cache_bytes32(key, value);
    }
}

impl BlockAccess for FeedHost {
    delegate! {
        block_basefee() -> U256;
        block_coinbase() -> Address;
        block_number() -> u64;
        block_timestamp() -> u64;
        block_gas_limit() -> u64;
    }
}

impl ChainAccess for FeedHost {
    delegate! { chain_id() -> u64; }
}

impl AccountAccess for FeedHost {
    delegate! {
        balance(account: Address) -> U256;
        contract_address() -> Address;
        code(account: Address) -> Vec<u8>;
        code_size(account: Address) -> usize;
        code_hash(account: Address) -> B256;
    }
}

impl MemoryAccess for FeedHost {
    delegate! { pay_for_memory_grow(pages: u16) -> (); }
}

impl MessageAccess for FeedHost {
    delegate! {
        msg_sender() -> Address;
        msg_reentrant() -> bool;
        msg_value() -> U256;
        tx_origin() -> Address;
    }
}

impl MeteringAccess for FeedHost {
    delegate! {
        evm_gas_left() -> u64;
        evm_ink_left() -> u64;
        tx_gas_price() -> U256;
        tx_ink_price() -> u32;
    }
}

impl RawLogAccess for FeedHost {
    delegate! {
        emit_log(input: &[u8], num_topics: usize) -> ();
        raw_log(topics: &[B256], data: &[u8]) -> Result<(), &'static str>;
    }
}

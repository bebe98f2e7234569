//! The Stylus host of one call frame: an implementation of `stylus_core`'s
//! `Host` trait family over the devnet's world state.
//!
//! Like Nitro, each frame has its own storage cache: loads that hit it cost
//! no EVM gas, writes stay in it until the program flushes, and a flush
//! prices each changed slot as an SSTORE. The SDK flushes before every call
//! (clearing the cache before mutating calls) and when the entrypoint
//! returns, so callees and callers always see each other's writes.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::resume_unwind;
use std::rc::Rc;

use alloy_primitives::{keccak256, Address, B256, U256};
use stylus_sdk::stylus_core::{
    AccountAccess, BlockAccess, CalldataAccess, ChainAccess, CryptographyAccess, Host,
    MemoryAccess, MessageAccess, MeteringAccess, RawLogAccess, StorageAccess, UnsafeCallAccess,
    UnsafeDeploymentAccess,
};

use crate::exec::{self, CallKind, Halt, HaltReason, HostHalt, Message};
use crate::outcome::Log;
use crate::world::World;

/// Ink per gas reported by `tx_ink_price` (Nitro's default).
const INK_PRICE: u32 = 10_000;

/// A slot in a frame's storage cache: the value the program sees, and the
/// value the state holds when known (a write to an unread slot leaves it
/// unknown, so the flush always writes it).
#[derive(Debug, Clone, Copy)]
struct CachedWord {
    value: B256,
    known: Option<B256>,
}

impl CachedWord {
    fn is_dirty(&self) -> bool {
        self.known != Some(self.value)
    }
}

struct Frame {
    message: Message,
    cache: RefCell<BTreeMap<U256, CachedWord>>,
    return_data: RefCell<Vec<u8>>,
    result: RefCell<Vec<u8>>,
}

/// The host handle of one call frame; cheap to clone (the SDK clones it on
/// every storage access). Backends receive it in [`crate::Program::execute`].
#[derive(Clone)]
pub struct FrameHost {
    world: Rc<RefCell<World>>,
    frame: Rc<Frame>,
}

impl FrameHost {
    pub(crate) fn new(world: Rc<RefCell<World>>, message: Message) -> Self {
        let frame = Frame {
            message,
            cache: RefCell::default(),
            return_data: RefCell::default(),
            result: RefCell::default(),
        };
        Self {
            world,
            frame: Rc::new(frame),
        }
    }

    /// Length of this frame's calldata (the argument of `user_entrypoint`).
    pub fn calldata_len(&self) -> usize {
        self.frame.message.data.len()
    }

    pub(crate) fn take_result(&self) -> Vec<u8> {
        self.frame.result.take()
    }

    fn address(&self) -> Address {
        self.frame.message.address
    }

    pub(crate) fn world(&self) -> &Rc<RefCell<World>> {
        &self.world
    }

    pub(crate) fn message(&self) -> &Message {
        &self.frame.message
    }

    pub(crate) fn write_result_bytes(&self, data: &[u8]) {
        *self.frame.result.borrow_mut() = data.to_vec();
    }

    pub(crate) fn result_len(&self) -> usize {
        self.frame.result.borrow().len()
    }

    /// Stops the program as Nitro does on a forbidden state change: the
    /// frame fails with empty data and everything it did is rolled back.
    fn halt_on_state_change_if_static(&self) {
        if self.frame.message.is_static {
            let halt = Halt {
                address: self.address(),
                reason: HaltReason::StateChangeInStaticContext,
            };
            self.world.borrow_mut().note_halt(halt);
            resume_unwind(Box::new(HostHalt));
        }
    }

    fn run_call(&self, kind: CallKind, to: Address, data: Vec<u8>, value: U256) -> u8 {
        self.world.borrow_mut().touch_account(to);
        let parent = &self.frame.message;
        let message = parent.child(kind, to, value, data);
        let result = exec::call(&self.world, message);
        *self.frame.return_data.borrow_mut() = result.output;
        u8::from(!result.success)
    }
}

/// For programs that emulate system contracts natively (a node's
/// StylusDeployer, CREATE2 factory or ArbWasm): safe calls and contract
/// creation, both part of the frame and rolled back with it.
impl FrameHost {
    /// This frame's calldata.
    pub fn calldata(&self) -> &[u8] {
        &self.frame.message.data
    }

    /// `CALL`s `to` with `value` wei and `data` from this frame's address:
    /// `Ok` with the return data, `Err` with the revert data. A call with
    /// value in a static context halts the frame, as the hostio does.
    pub fn call_with_value(
        &self,
        to: Address,
        value: U256,
        data: Vec<u8>,
    ) -> Result<Vec<u8>, Vec<u8>> {
        if !value.is_zero() {
            self.halt_on_state_change_if_static();
        }
        let failed = self.run_call(CallKind::Call, to, data, value) != 0;
        let output = self.frame.return_data.borrow().clone();
        if failed {
            Err(output)
        } else {
            Ok(output)
        }
    }

    /// Puts `program` at `address` (a contract creation by this frame's
    /// code); false, and nothing changed, when `address` already holds
    /// code. Halts the frame in a static context.
    pub fn create_account(&self, address: Address, program: Rc<dyn crate::Program>) -> bool {
        self.halt_on_state_change_if_static();
        let mut world = self.world.borrow_mut();
        if world.program(address).is_some() {
            return false;
        }
        world.install(address, program);
        true
    }

    /// Writes a storage word of this frame's account straight to the state,
    /// priced as an SSTORE (no Stylus cache): how a natively emulated
    /// system contract keeps its records.
    pub fn store_word(&self, slot: U256, value: B256) {
        self.halt_on_state_change_if_static();
        let address = self.address();
        self.world.borrow_mut().store(address, slot, value);
    }

    /// Replaces the code at `address` (an activation upgrading it in
    /// place); halts the frame in a static context.
    pub fn replace_code(&self, address: Address, program: Rc<dyn crate::Program>) {
        self.halt_on_state_change_if_static();
        self.world.borrow_mut().install(address, program);
    }
}

/// Reads `len` bytes at `ptr` (a hostio argument).
///
/// # Safety
/// `ptr` must be valid for `len` bytes, as the hostio contract requires.
unsafe fn read_bytes(ptr: *const u8, len: usize) -> Vec<u8> {
    if len == 0 {
        return Vec::new();
    }
    // SAFETY: guaranteed by the caller.
    unsafe { std::slice::from_raw_parts(ptr, len) }.to_vec()
}

impl Host for FrameHost {}

impl CryptographyAccess for FrameHost {
    fn native_keccak256(&self, input: &[u8]) -> B256 {
        keccak256(input)
    }
}

impl CalldataAccess for FrameHost {
    fn read_args(&self, len: usize) -> Vec<u8> {
        let data = &self.frame.message.data;
        data[..len.min(data.len())].to_vec()
    }

    fn read_return_data(&self, offset: usize, size: Option<usize>) -> Vec<u8> {
        let data = self.frame.return_data.borrow();
        let start = offset.min(data.len());
        let end = size.map_or(data.len(), |size| {
            start.saturating_add(size).min(data.len())
        });
        data[start..end].to_vec()
    }

    fn return_data_size(&self) -> usize {
        self.frame.return_data.borrow().len()
    }

    fn write_result(&self, data: &[u8]) {
        *self.frame.result.borrow_mut() = data.to_vec();
    }
}

/// Contracts cannot deploy contracts on the devnet: CREATE and CREATE2
/// report failure (zero address, no revert data).
unsafe impl UnsafeDeploymentAccess for FrameHost {
    unsafe fn create1(
        &self,
        _code: *const u8,
        _code_len: usize,
        _endowment: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) {
        self.halt_on_state_change_if_static();
        self.frame.return_data.borrow_mut().clear();
        // SAFETY: the hostio contract gives 20 writable bytes and a writable length.
        unsafe {
            std::ptr::write_bytes(contract, 0, 20);
            *revert_data_len = 0;
        }
    }

    unsafe fn create2(
        &self,
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        _salt: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) {
        // SAFETY: same contract as create1.
        unsafe { self.create1(code, code_len, endowment, contract, revert_data_len) }
    }
}

impl StorageAccess for FrameHost {
    fn storage_load_bytes32(&self, key: U256) -> B256 {
        let address = self.address();
        if let Some(word) = self.frame.cache.borrow().get(&key) {
            self.world.borrow_mut().note_cached_load(address, key);
            return word.value;
        }
        let value = self.world.borrow_mut().load(address, key);
        self.frame.cache.borrow_mut().insert(
            key,
            CachedWord {
                value,
                known: Some(value),
            },
        );
        value
    }

    unsafe fn storage_cache_bytes32(&self, key: U256, value: B256) {
        self.frame
            .cache
            .borrow_mut()
            .entry(key)
            .and_modify(|word| word.value = value)
            .or_insert(CachedWord { value, known: None });
    }

    fn flush_cache(&self, clear: bool) {
        let dirty: Vec<(U256, B256)> = self
            .frame
            .cache
            .borrow()
            .iter()
            .filter(|(_, word)| word.is_dirty())
            .map(|(key, word)| (*key, word.value))
            .collect();
        if !dirty.is_empty() {
            self.halt_on_state_change_if_static();
        }
        let address = self.address();
        for (key, value) in dirty {
            self.world.borrow_mut().store(address, key, value);
            if let Some(word) = self.frame.cache.borrow_mut().get_mut(&key) {
                word.known = Some(value);
            }
        }
        if clear {
            self.frame.cache.borrow_mut().clear();
        }
    }
}

/// The target and calldata of a call hostio.
///
/// # Safety
/// `to` must be valid for 20 bytes and `data` for `data_len` bytes.
unsafe fn call_target(to: *const u8, data: *const u8, data_len: usize) -> (Address, Vec<u8>) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        (
            Address::from_slice(&read_bytes(to, 20)),
            read_bytes(data, data_len),
        )
    }
}

impl FrameHost {
    /// Runs a call hostio and reports the return data length, as Nitro does.
    fn finish_call(
        &self,
        kind: CallKind,
        (to, data): (Address, Vec<u8>),
        value: U256,
        outs_len: &mut usize,
    ) -> u8 {
        let status = self.run_call(kind, to, data, value);
        *outs_len = self.return_data_size();
        status
    }
}

unsafe impl UnsafeCallAccess for FrameHost {
    unsafe fn call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        value: *const u8,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        // SAFETY: the hostio contract: 20-byte address, `data_len` bytes, 32-byte value.
        let (target, value) = unsafe { (call_target(to, data, data_len), read_bytes(value, 32)) };
        let value = U256::from_be_slice(&value);
        if !value.is_zero() {
            self.halt_on_state_change_if_static();
        }
        self.finish_call(CallKind::Call, target, value, outs_len)
    }

    unsafe fn static_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        // SAFETY: the hostio contract: 20-byte address, `data_len` bytes.
        let target = unsafe { call_target(to, data, data_len) };
        self.finish_call(CallKind::Static, target, U256::ZERO, outs_len)
    }

    unsafe fn delegate_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        // SAFETY: the hostio contract: 20-byte address, `data_len` bytes.
        let target = unsafe { call_target(to, data, data_len) };
        self.finish_call(CallKind::Delegate, target, U256::ZERO, outs_len)
    }
}

impl BlockAccess for FrameHost {
    fn block_basefee(&self) -> U256 {
        self.world.borrow().env().basefee
    }

    fn block_coinbase(&self) -> Address {
        self.world.borrow().env().coinbase
    }

    fn block_number(&self) -> u64 {
        self.world.borrow().env().number
    }

    fn block_timestamp(&self) -> u64 {
        self.world.borrow().env().timestamp
    }

    fn block_gas_limit(&self) -> u64 {
        self.world.borrow().env().gas_limit
    }
}

impl ChainAccess for FrameHost {
    fn chain_id(&self) -> u64 {
        self.world.borrow().env().chain_id
    }
}

impl AccountAccess for FrameHost {
    fn balance(&self, account: Address) -> U256 {
        let mut world = self.world.borrow_mut();
        world.touch_account(account);
        world.balance(account)
    }

    fn contract_address(&self) -> Address {
        self.address()
    }

    fn code(&self, account: Address) -> Vec<u8> {
        let mut world = self.world.borrow_mut();
        world.touch_account(account);
        world.code(account).to_vec()
    }

    fn code_size(&self, account: Address) -> usize {
        self.code(account).len()
    }

    /// EXTCODEHASH: zero for an empty account (EIP-161), else keccak of the code.
    fn code_hash(&self, account: Address) -> B256 {
        let code = self.code(account);
        if self.world.borrow().is_empty(account) {
            return B256::ZERO;
        }
        keccak256(code)
    }
}

impl MemoryAccess for FrameHost {
    fn pay_for_memory_grow(&self, _pages: u16) {}
}

impl MessageAccess for FrameHost {
    fn msg_sender(&self) -> Address {
        self.frame.message.caller
    }

    /// True when this contract already has an open frame below this one
    /// (delegate frames do not count), as Nitro computes it.
    fn msg_reentrant(&self) -> bool {
        self.world.borrow().is_reentered(self.address())
    }

    fn msg_value(&self) -> U256 {
        self.frame.message.value
    }

    fn tx_origin(&self) -> Address {
        self.frame.message.origin
    }
}

/// Gas is not metered: the meters report the block gas limit.
impl MeteringAccess for FrameHost {
    fn evm_gas_left(&self) -> u64 {
        self.world.borrow().env().gas_limit
    }

    fn evm_ink_left(&self) -> u64 {
        self.evm_gas_left().saturating_mul(u64::from(INK_PRICE))
    }

    fn tx_gas_price(&self) -> U256 {
        self.world.borrow().env().basefee
    }

    fn tx_ink_price(&self) -> u32 {
        INK_PRICE
    }
}

impl RawLogAccess for FrameHost {
    fn emit_log(&self, input: &[u8], num_topics: usize) {
        self.halt_on_state_change_if_static();
        let topics_len = num_topics.saturating_mul(32);
        if num_topics > 4 || input.len() < topics_len {
            let halt = Halt {
                address: self.address(),
                reason: HaltReason::Panic("malformed log".into()),
            };
            self.world.borrow_mut().note_halt(halt);
            resume_unwind(Box::new(HostHalt));
        }
        let (topics, data) = input.split_at(topics_len);
        let log = Log {
            address: self.address(),
            topics: topics.chunks(32).map(B256::from_slice).collect(),
            data: data.to_vec().into(),
        };
        self.world.borrow_mut().push_log(log);
    }

    fn raw_log(&self, topics: &[B256], data: &[u8]) -> Result<(), &'static str> {
        if topics.len() > 4 {
            return Err("too many topics");
        }
        let input: Vec<u8> = topics
            .iter()
            .flat_map(|topic| topic.0)
            .chain(data.iter().copied())
            .collect();
        self.emit_log(&input, topics.len());
        Ok(())
    }
}

//! Nitro's `vm_hooks` on the devnet: each hostio buys its ink and EVM gas
//! as `crates/wasm-libraries/user-host-trait/lib.rs` does, then works on the
//! frame's world state. Pointers are checked against linear memory; a bad
//! one traps the frame.

use alloy_primitives::{keccak256, Address, B256, U256};
use wasmi::{Caller, Error, Linker, Val};

use super::pricing::{self, hostio as price};
use super::program::{pop_pending, push_pending, CachedWord, Frame};
use super::Trap;
use crate::exec::{self, CallKind, HaltReason};
use crate::outcome::Log;

/// The hostios the devnet provides.
pub(crate) const NAMES: &[&str] = &[
    "read_args",
    "write_result",
    "exit_early",
    "storage_load_bytes32",
    "storage_cache_bytes32",
    "storage_flush_cache",
    "transient_load_bytes32",
    "transient_store_bytes32",
    "call_contract",
    "delegate_call_contract",
    "static_call_contract",
    "create1",
    "create2",
    "read_return_data",
    "return_data_size",
    "emit_log",
    "account_balance",
    "account_code",
    "account_code_size",
    "account_codehash",
    "block_basefee",
    "block_coinbase",
    "block_gas_limit",
    "block_number",
    "block_timestamp",
    "chainid",
    "contract_address",
    "evm_gas_left",
    "evm_ink_left",
    "math_div",
    "math_mod",
    "math_pow",
    "math_add_mod",
    "math_mul_mod",
    "msg_reentrant",
    "msg_sender",
    "msg_value",
    "native_keccak256",
    "tx_gas_price",
    "tx_ink_price",
    "tx_origin",
    "pay_for_memory_grow",
];

/// Why a hostio stopped the program.
#[derive(Debug)]
pub(crate) enum HostStop {
    /// The frame halts with this reason.
    Halt(HaltReason),
    /// `exit_early(status)`: the frame ends with this status.
    Exit(u32),
}

impl std::fmt::Display for HostStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostStop::Halt(reason) => write!(f, "{reason:?}"),
            HostStop::Exit(status) => write!(f, "exit {status}"),
        }
    }
}

impl wasmi::errors::HostError for HostStop {}

type Ctx<'a> = Caller<'a, Frame>;
type HostResult<T> = Result<T, Error>;

fn trap(trap: Trap) -> Error {
    Error::host(HostStop::Halt(HaltReason::Trap(trap)))
}

fn halt(reason: HaltReason) -> Error {
    Error::host(HostStop::Halt(reason))
}

// ---- the meter --------------------------------------------------------------

fn meter(ctx: &Ctx) -> (u64, i32) {
    let frame = ctx.data();
    let (Some(ink), Some(status)) = (frame.ink_left, frame.ink_status) else {
        return (0, 1);
    };
    match (ink.get(ctx), status.get(ctx)) {
        (Val::I64(ink), Val::I32(status)) => (ink as u64, status),
        _ => (0, 1),
    }
}

fn set_meter(ctx: &mut Ctx, ink: u64, status: i32) {
    let frame = ctx.data();
    let (Some(ink_global), Some(status_global)) = (frame.ink_left, frame.ink_status) else {
        return;
    };
    // Both globals are mutable and of these types by construction.
    let _ = ink_global.set(&mut *ctx, Val::I64(ink as i64));
    let _ = status_global.set(&mut *ctx, Val::I32(status));
}

/// `MeteredMachine::buy_ink` for a hostio's own price.
fn buy_ink(ctx: &mut Ctx, ink: u64) -> HostResult<()> {
    ctx.data_mut().hostio_ink = ctx.data().hostio_ink.saturating_add(ink);
    burn_ink(ctx, ink)
}

/// `MeteredMachine::buy_ink`: out of ink exhausts the meter and traps.
fn burn_ink(ctx: &mut Ctx, ink: u64) -> HostResult<()> {
    let (left, status) = meter(ctx);
    if status != 0 || left < ink {
        set_meter(ctx, 0, 1);
        return Err(trap(Trap::OutOfInk));
    }
    set_meter(ctx, left - ink, 0);
    Ok(())
}

/// `MeteredMachine::require_ink`: checks without burning.
fn require_gas(ctx: &mut Ctx, gas: u64) -> HostResult<()> {
    let (left, status) = meter(ctx);
    if status != 0 || left < gas.saturating_mul(pricing::INK_PER_GAS) {
        set_meter(ctx, 0, 1);
        return Err(trap(Trap::OutOfInk));
    }
    Ok(())
}

/// `GasMeteredMachine::buy_gas`, counted as EVM gas of the frame.
fn buy_gas(ctx: &mut Ctx, gas: u64) -> HostResult<()> {
    ctx.data_mut().evm_gas = ctx.data().evm_gas.saturating_add(gas);
    burn_ink(ctx, gas.saturating_mul(pricing::INK_PER_GAS))
}

fn gas_left(ctx: &mut Ctx) -> HostResult<u64> {
    let (left, status) = meter(ctx);
    if status != 0 {
        return Err(trap(Trap::OutOfInk));
    }
    Ok(left / pricing::INK_PER_GAS)
}

// ---- memory -----------------------------------------------------------------

fn read(ctx: &Ctx, ptr: u32, len: u32) -> HostResult<Vec<u8>> {
    let memory = ctx
        .data()
        .memory
        .ok_or_else(|| trap(Trap::MemoryOutOfBounds))?;
    let mut buffer = vec![0u8; len as usize];
    memory
        .read(ctx, ptr as usize, &mut buffer)
        .map_err(|_| trap(Trap::MemoryOutOfBounds))?;
    Ok(buffer)
}

fn read32(ctx: &Ctx, ptr: u32) -> HostResult<[u8; 32]> {
    let bytes = read(ctx, ptr, 32)?;
    let mut word = [0u8; 32];
    word.copy_from_slice(&bytes);
    Ok(word)
}

fn read_address(ctx: &Ctx, ptr: u32) -> HostResult<Address> {
    Ok(Address::from_slice(&read(ctx, ptr, 20)?))
}

fn write(ctx: &mut Ctx, ptr: u32, bytes: &[u8]) -> HostResult<()> {
    let memory = ctx
        .data()
        .memory
        .ok_or_else(|| trap(Trap::MemoryOutOfBounds))?;
    memory
        .write(ctx, ptr as usize, bytes)
        .map_err(|_| trap(Trap::MemoryOutOfBounds))
}

/// The gas of the last priced access the world recorded.
fn last_charge(ctx: &Ctx) -> u64 {
    let state = ctx.data().world.borrow();
    state.tx_gas().entries.last().map_or(0, |entry| entry.gas)
}

fn add_storage_extra(ctx: &Ctx, gas: u64) {
    ctx.data()
        .world
        .borrow_mut()
        .tx_gas_mut()
        .execution
        .storage_extra += gas;
}

fn add_call_extra(ctx: &Ctx, gas: u64) {
    ctx.data()
        .world
        .borrow_mut()
        .tx_gas_mut()
        .execution
        .call_extra += gas;
}

// ---- the hostios ------------------------------------------------------------

fn read_args(mut ctx: Ctx, ptr: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::READ_ARGS)?;
    let args = ctx.data().message.data.clone();
    buy_ink(&mut ctx, pricing::write_price(args.len() as u32))?;
    write(&mut ctx, ptr, &args)
}

fn write_result(mut ctx: Ctx, ptr: u32, len: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::WRITE_RESULT)?;
    buy_ink(&mut ctx, pricing::read_price(len))?;
    buy_ink(&mut ctx, pricing::read_price(len))?;
    let data = read(&ctx, ptr, len)?;
    ctx.data().host.write_result_bytes(&data);
    Ok(())
}

fn exit_early(_ctx: Ctx, status: u32) -> HostResult<()> {
    Err(Error::host(HostStop::Exit(status)))
}

fn storage_load_bytes32(mut ctx: Ctx, key: u32, dest: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::STORAGE_LOAD)?;
    require_gas(
        &mut ctx,
        crate::gas::COLD_SLOAD + pricing::REQUIRED_ACCESS_GAS + pricing::EVM_API_GAS,
    )?;
    let key = U256::from_be_bytes(read32(&ctx, key)?);
    let address = ctx.data().message.address;
    ctx.data_mut().reads += 1;
    let fee = pricing::cache_read_gas(ctx.data().reads);
    let cached = ctx.data().cache.get(&key).map(|word| word.value);
    let (value, cost, extra) = match cached {
        Some(value) => {
            ctx.data().world.borrow_mut().note_cached_load(address, key);
            (value, fee, fee)
        }
        None => {
            let value = ctx.data().world.borrow_mut().load(address, key);
            let sload = last_charge(&ctx);
            let word = CachedWord {
                value,
                known: Some(value),
            };
            ctx.data_mut().cache.insert(key, word);
            let extra = fee + pricing::EVM_API_GAS;
            (value, sload + extra, extra)
        }
    };
    add_storage_extra(&ctx, extra);
    buy_gas(&mut ctx, cost)?;
    write(&mut ctx, dest, value.as_slice())
}

fn storage_cache_bytes32(mut ctx: Ctx, key: u32, value: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::STORAGE_CACHE)?;
    require_gas(
        &mut ctx,
        pricing::SSTORE_SENTRY_GAS + pricing::REQUIRED_ACCESS_GAS,
    )?;
    let key = U256::from_be_bytes(read32(&ctx, key)?);
    let value = B256::from(read32(&ctx, value)?);
    ctx.data_mut().writes += 1;
    let fee = pricing::cache_write_gas(ctx.data().writes);
    ctx.data_mut()
        .cache
        .entry(key)
        .and_modify(|word| word.value = value)
        .or_insert(CachedWord { value, known: None });
    add_storage_extra(&ctx, fee);
    buy_gas(&mut ctx, fee)
}

fn storage_flush_cache(mut ctx: Ctx, clear: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::STORAGE_FLUSH)?;
    require_gas(&mut ctx, pricing::SSTORE_SENTRY_GAS)?;
    let gas_left = gas_left(&mut ctx)?;
    let mut dirty = Vec::new();
    for (key, word) in ctx.data_mut().cache.iter_mut() {
        if word.known != Some(word.value) {
            dirty.push((*key, word.value));
            word.known = Some(word.value);
        }
    }
    if clear != 0 {
        ctx.data_mut().cache.clear();
    }
    if dirty.is_empty() {
        return Ok(());
    }
    if ctx.data().message.is_static {
        return Err(halt(HaltReason::StateChangeInStaticContext));
    }
    let address = ctx.data().message.address;
    let mut cost: u64 = 0;
    for (key, value) in dirty {
        ctx.data().world.borrow_mut().store(address, key, value);
        cost += last_charge(&ctx);
        if cost > gas_left {
            set_meter(&mut ctx, 0, 1);
            return Err(trap(Trap::OutOfInk));
        }
    }
    buy_gas(&mut ctx, cost)
}

fn transient_load_bytes32(mut ctx: Ctx, key: u32, dest: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::TRANSIENT_LOAD)?;
    buy_gas(&mut ctx, crate::gas::WARM_ACCESS)?;
    let key = U256::from_be_bytes(read32(&ctx, key)?);
    let address = ctx.data().message.address;
    let value = ctx.data().world.borrow_mut().transient_load(address, key);
    write(&mut ctx, dest, value.as_slice())
}

fn transient_store_bytes32(mut ctx: Ctx, key: u32, value: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::TRANSIENT_STORE)?;
    buy_gas(&mut ctx, crate::gas::WARM_ACCESS)?;
    let key = U256::from_be_bytes(read32(&ctx, key)?);
    let value = B256::from(read32(&ctx, value)?);
    if ctx.data().message.is_static {
        return Err(halt(HaltReason::StateChangeInStaticContext));
    }
    let address = ctx.data().message.address;
    let world = ctx.data().world.clone();
    world.borrow_mut().transient_store(address, key, value);
    Ok(())
}

/// The shared body of the three call hostios (`user-host-trait`'s
/// `call_contract` and `api.go`'s `doCall`).
#[allow(clippy::too_many_arguments)]
fn do_call(
    ctx: &mut Ctx,
    kind: CallKind,
    contract: u32,
    data: u32,
    data_len: u32,
    value: Option<u32>,
    gas: u64,
    ret_len: u32,
) -> HostResult<u32> {
    buy_ink(ctx, price::CALL_CONTRACT)?;
    buy_ink(ctx, pricing::read_price(data_len))?;
    buy_ink(ctx, pricing::read_price(data_len))?;
    let gas_left = gas_left(ctx)?;
    let gas_req = gas.min(gas_left);
    let to = read_address(ctx, contract)?;
    let input = read(ctx, data, data_len)?;
    let value = match value {
        Some(ptr) => U256::from_be_bytes(read32(ctx, ptr)?),
        None => U256::ZERO,
    };
    let parent = ctx.data().message.clone();
    if parent.is_static && !value.is_zero() {
        ctx.data_mut().return_data.clear();
        write(ctx, ret_len, &0u32.to_le_bytes())?;
        return Ok(2);
    }

    // `WasmCallCost`: warm 100, cold 2,600, value transfer, new account.
    let world = ctx.data().world.clone();
    world.borrow_mut().touch_account(to);
    let mut base = last_charge(ctx);
    if !value.is_zero() {
        let mut extra = pricing::CALL_VALUE_TRANSFER_GAS;
        if world.borrow().is_empty(to) {
            extra += pricing::CALL_NEW_ACCOUNT_GAS;
        }
        add_call_extra(ctx, extra);
        base += extra;
    }
    if base > gas_left {
        buy_gas(ctx, gas_left)?;
        ctx.data_mut().return_data.clear();
        write(ctx, ret_len, &0u32.to_le_bytes())?;
        return Ok(2);
    }
    let start_gas = (gas_left - base) * 63 / 64;
    let mut callee_gas = start_gas.min(gas_req);
    if !value.is_zero() {
        callee_gas += pricing::CALL_STIPEND;
    }

    let message = parent.child(kind, to, value, input);
    let mark = world.borrow().tx_gas().entries.len();
    push_pending(&world, parent.depth + 1, callee_gas);
    let result = exec::call(&world, message);
    let pending = pop_pending(&world);
    let returned = match pending {
        Some(pending) if pending.taken => pending.returned.unwrap_or(0),
        _ => {
            // A native callee (or no code): it used its state access.
            let state = world.borrow();
            let used: u64 = state.tx_gas().entries[mark..]
                .iter()
                .map(|entry| entry.gas)
                .sum();
            callee_gas.saturating_sub(used)
        }
    };
    let cost = base + callee_gas.saturating_sub(returned);
    let len = result.output.len() as u32;
    ctx.data_mut().return_data = result.output;
    buy_gas(ctx, cost)?;
    write(ctx, ret_len, &len.to_le_bytes())?;
    Ok(if result.success { 0 } else { 2 })
}

fn call_contract(
    mut ctx: Ctx,
    contract: u32,
    data: u32,
    data_len: u32,
    value: u32,
    gas: u64,
    ret_len: u32,
) -> HostResult<u32> {
    let kind = CallKind::Call;
    do_call(
        &mut ctx,
        kind,
        contract,
        data,
        data_len,
        Some(value),
        gas,
        ret_len,
    )
}

fn delegate_call_contract(
    mut ctx: Ctx,
    contract: u32,
    data: u32,
    data_len: u32,
    gas: u64,
    ret_len: u32,
) -> HostResult<u32> {
    let kind = CallKind::Delegate;
    do_call(&mut ctx, kind, contract, data, data_len, None, gas, ret_len)
}

fn static_call_contract(
    mut ctx: Ctx,
    contract: u32,
    data: u32,
    data_len: u32,
    gas: u64,
    ret_len: u32,
) -> HostResult<u32> {
    let kind = CallKind::Static;
    do_call(&mut ctx, kind, contract, data, data_len, None, gas, ret_len)
}

/// Deployment from contracts is not supported on the devnet: the zero
/// address, no revert data (as on the native backend).
fn create(
    ctx: &mut Ctx,
    base: u64,
    code_len: u32,
    contract: u32,
    revert_len: u32,
) -> HostResult<()> {
    buy_ink(ctx, base)?;
    buy_ink(ctx, pricing::read_price(code_len))?;
    buy_ink(ctx, pricing::read_price(code_len))?;
    if ctx.data().message.is_static {
        return Err(halt(HaltReason::StateChangeInStaticContext));
    }
    ctx.data_mut().return_data.clear();
    write(ctx, contract, &[0u8; 20])?;
    write(ctx, revert_len, &0u32.to_le_bytes())
}

fn create1(
    mut ctx: Ctx,
    _code: u32,
    code_len: u32,
    _endowment: u32,
    contract: u32,
    revert_len: u32,
) -> HostResult<()> {
    create(&mut ctx, price::CREATE1, code_len, contract, revert_len)
}

#[allow(clippy::too_many_arguments)]
fn create2(
    mut ctx: Ctx,
    _code: u32,
    code_len: u32,
    _endowment: u32,
    _salt: u32,
    contract: u32,
    revert_len: u32,
) -> HostResult<()> {
    create(&mut ctx, price::CREATE2, code_len, contract, revert_len)
}

fn read_return_data(mut ctx: Ctx, dest: u32, offset: u32, size: u32) -> HostResult<u32> {
    buy_ink(&mut ctx, price::READ_RETURN_DATA)?;
    let len = ctx.data().return_data.len() as u32;
    let max = len.saturating_sub(offset);
    buy_ink(&mut ctx, pricing::write_price(size.min(max)))?;
    if max == 0 {
        return Ok(0);
    }
    let start = offset as usize;
    let end = (offset.saturating_add(size).min(len)) as usize;
    let slice = ctx.data().return_data[start..end].to_vec();
    if !slice.is_empty() {
        write(&mut ctx, dest, &slice)?;
    }
    Ok(slice.len() as u32)
}

fn return_data_size(mut ctx: Ctx) -> HostResult<u32> {
    buy_ink(&mut ctx, price::RETURN_DATA_SIZE)?;
    Ok(ctx.data().return_data.len() as u32)
}

fn emit_log(mut ctx: Ctx, data: u32, len: u32, topics: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::EMIT_LOG)?;
    if topics > 4 || len < topics * 32 {
        return Err(trap(Trap::Other("bad topic data".into())));
    }
    buy_ink(&mut ctx, pricing::read_price(len))?;
    buy_gas(&mut ctx, pricing::log_gas(topics, len - topics * 32))?;
    let bytes = read(&ctx, data, len)?;
    if ctx.data().message.is_static {
        return Err(halt(HaltReason::StateChangeInStaticContext));
    }
    let (topic_bytes, body) = bytes.split_at(topics as usize * 32);
    let log = Log {
        address: ctx.data().message.address,
        topics: topic_bytes.chunks(32).map(B256::from_slice).collect(),
        data: body.to_vec().into(),
    };
    ctx.data().world.borrow_mut().push_log(log);
    Ok(())
}

/// Touches `address` (`WasmAccountTouchCost`) and buys its gas.
fn touch(ctx: &mut Ctx, address: Address, with_code: bool) -> HostResult<()> {
    ctx.data().world.borrow_mut().touch_account(address);
    let mut cost = last_charge(ctx);
    if with_code {
        cost += pricing::ACCOUNT_CODE_GAS;
        add_call_extra(ctx, pricing::ACCOUNT_CODE_GAS);
    }
    buy_gas(ctx, cost)
}

fn account_balance(mut ctx: Ctx, address: u32, dest: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::ACCOUNT_BALANCE)?;
    require_gas(&mut ctx, crate::gas::COLD_ACCOUNT_ACCESS)?;
    let address = read_address(&ctx, address)?;
    touch(&mut ctx, address, false)?;
    let balance = ctx.data().world.borrow().balance(address);
    write(&mut ctx, dest, &balance.to_be_bytes::<32>())
}

/// The code of `address` for `account_code` and `account_code_size`: the
/// EVM API charges `WasmAccountTouchCost` with code unless the frame's last
/// code read was of the same account; only a non-empty code is remembered
/// (ArbOS 40's fix; `evm/req.rs`, `account_code`).
fn code_of(ctx: &mut Ctx, address: Address) -> HostResult<alloy_primitives::Bytes> {
    if ctx.data().last_code == Some(address) {
        return Ok(ctx.data().world.borrow().code(address));
    }
    touch(ctx, address, true)?;
    let code = ctx.data().world.borrow().code(address);
    if !code.is_empty() {
        ctx.data_mut().last_code = Some(address);
    }
    Ok(code)
}

fn account_code(mut ctx: Ctx, address: u32, offset: u32, size: u32, dest: u32) -> HostResult<u32> {
    buy_ink(&mut ctx, price::ACCOUNT_CODE)?;
    require_gas(&mut ctx, crate::gas::COLD_ACCOUNT_ACCESS)?;
    let address = read_address(&ctx, address)?;
    let code = code_of(&mut ctx, address)?;
    buy_ink(&mut ctx, pricing::write_price(code.len() as u32))?;
    let start = (offset as usize).min(code.len());
    let end = (offset.saturating_add(size) as usize).min(code.len());
    let slice = code[start..end].to_vec();
    write(&mut ctx, dest, &slice)?;
    Ok(slice.len() as u32)
}

fn account_code_size(mut ctx: Ctx, address: u32) -> HostResult<u32> {
    buy_ink(&mut ctx, price::ACCOUNT_CODE_SIZE)?;
    require_gas(&mut ctx, crate::gas::COLD_ACCOUNT_ACCESS)?;
    let address = read_address(&ctx, address)?;
    Ok(code_of(&mut ctx, address)?.len() as u32)
}

fn account_codehash(mut ctx: Ctx, address: u32, dest: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::ACCOUNT_CODE_HASH)?;
    require_gas(&mut ctx, crate::gas::COLD_ACCOUNT_ACCESS)?;
    let address = read_address(&ctx, address)?;
    touch(&mut ctx, address, false)?;
    let hash = {
        let state = ctx.data().world.borrow();
        if state.is_empty(address) {
            B256::ZERO
        } else {
            keccak256(state.code(address))
        }
    };
    write(&mut ctx, dest, hash.as_slice())
}

fn block_basefee(mut ctx: Ctx, ptr: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::BLOCK_BASEFEE)?;
    let basefee = ctx.data().world.borrow().env().basefee;
    write(&mut ctx, ptr, &basefee.to_be_bytes::<32>())
}

fn block_coinbase(mut ctx: Ctx, ptr: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::BLOCK_COINBASE)?;
    let coinbase = ctx.data().world.borrow().env().coinbase;
    write(&mut ctx, ptr, coinbase.as_slice())
}

fn block_gas_limit(mut ctx: Ctx) -> HostResult<u64> {
    buy_ink(&mut ctx, price::BLOCK_GAS_LIMIT)?;
    Ok(ctx.data().world.borrow().env().gas_limit)
}

fn block_number(mut ctx: Ctx) -> HostResult<u64> {
    buy_ink(&mut ctx, price::BLOCK_NUMBER)?;
    Ok(ctx.data().world.borrow().env().number)
}

fn block_timestamp(mut ctx: Ctx) -> HostResult<u64> {
    buy_ink(&mut ctx, price::BLOCK_TIMESTAMP)?;
    Ok(ctx.data().world.borrow().env().timestamp)
}

fn chainid(mut ctx: Ctx) -> HostResult<u64> {
    buy_ink(&mut ctx, price::CHAIN_ID)?;
    Ok(ctx.data().world.borrow().env().chain_id)
}

fn contract_address(mut ctx: Ctx, ptr: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::ADDRESS)?;
    let address = ctx.data().message.address;
    write(&mut ctx, ptr, address.as_slice())
}

fn evm_gas_left(mut ctx: Ctx) -> HostResult<u64> {
    buy_ink(&mut ctx, price::EVM_GAS_LEFT)?;
    gas_left(&mut ctx)
}

fn evm_ink_left(mut ctx: Ctx) -> HostResult<u64> {
    buy_ink(&mut ctx, price::EVM_INK_LEFT)?;
    Ok(meter(&ctx).0)
}

/// Reads the 32-byte operands at `ptrs`, applies `op`, writes the result
/// over the first.
fn math(ctx: &mut Ctx, ptrs: &[u32], op: impl Fn(&[U256]) -> U256) -> HostResult<()> {
    let mut values = Vec::with_capacity(ptrs.len());
    for ptr in ptrs {
        values.push(U256::from_be_bytes(read32(ctx, *ptr)?));
    }
    let result = op(&values);
    write(ctx, ptrs[0], &result.to_be_bytes::<32>())
}

fn math_div(mut ctx: Ctx, value: u32, divisor: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::MATH_DIV)?;
    math(&mut ctx, &[value, divisor], |v| {
        v[0].checked_div(v[1]).unwrap_or_default()
    })
}

fn math_mod(mut ctx: Ctx, value: u32, modulus: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::MATH_MOD)?;
    math(&mut ctx, &[value, modulus], |v| {
        v[0].checked_rem(v[1]).unwrap_or_default()
    })
}

fn math_pow(mut ctx: Ctx, value: u32, exponent: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::MATH_POW)?;
    let exponent_bytes = read32(&ctx, exponent)?;
    buy_ink(&mut ctx, pricing::pow_price(&exponent_bytes))?;
    math(&mut ctx, &[value, exponent], |v| v[0].wrapping_pow(v[1]))
}

fn math_add_mod(mut ctx: Ctx, value: u32, addend: u32, modulus: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::MATH_ADD_MOD)?;
    math(&mut ctx, &[value, addend, modulus], |v| {
        v[0].add_mod(v[1], v[2])
    })
}

fn math_mul_mod(mut ctx: Ctx, value: u32, multiplier: u32, modulus: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::MATH_MUL_MOD)?;
    math(&mut ctx, &[value, multiplier, modulus], |v| {
        v[0].mul_mod(v[1], v[2])
    })
}

fn msg_reentrant(mut ctx: Ctx) -> HostResult<u32> {
    buy_ink(&mut ctx, price::MSG_REENTRANT)?;
    let address = ctx.data().message.address;
    Ok(u32::from(ctx.data().world.borrow().is_reentered(address)))
}

fn msg_sender(mut ctx: Ctx, ptr: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::MSG_SENDER)?;
    let sender = ctx.data().message.caller;
    write(&mut ctx, ptr, sender.as_slice())
}

fn msg_value(mut ctx: Ctx, ptr: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::MSG_VALUE)?;
    let value = ctx.data().message.value;
    write(&mut ctx, ptr, &value.to_be_bytes::<32>())
}

fn native_keccak256(mut ctx: Ctx, input: u32, len: u32, output: u32) -> HostResult<()> {
    buy_ink(&mut ctx, pricing::keccak_price(len))?;
    let preimage = read(&ctx, input, len)?;
    let digest = keccak256(preimage);
    write(&mut ctx, output, digest.as_slice())
}

fn tx_gas_price(mut ctx: Ctx, ptr: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::TX_GAS_PRICE)?;
    let price = ctx.data().world.borrow().env().basefee;
    write(&mut ctx, ptr, &price.to_be_bytes::<32>())
}

fn tx_ink_price(mut ctx: Ctx) -> HostResult<u32> {
    buy_ink(&mut ctx, price::TX_INK_PRICE)?;
    Ok(pricing::INK_PER_GAS as u32)
}

fn tx_origin(mut ctx: Ctx, ptr: u32) -> HostResult<()> {
    buy_ink(&mut ctx, price::TX_ORIGIN)?;
    let origin = ctx.data().message.origin;
    write(&mut ctx, ptr, origin.as_slice())
}

/// Pays for `pages` new pages before `memory.grow` (`memory.go`'s model over
/// the transaction's open and ever-open pages).
fn pay_for_memory_grow(mut ctx: Ctx, pages: u32) -> HostResult<()> {
    if pages == 0 {
        return buy_ink(&mut ctx, price::PAY_FOR_MEMORY_GROW);
    }
    let pages = u16::try_from(pages).unwrap_or(u16::MAX);
    let (cost, beyond_limit) = {
        let mut state = ctx.data().world.borrow_mut();
        let scratch = state.tx_wasm();
        let cost = pricing::memory_gas(pages, scratch.pages_open, scratch.pages_ever);
        scratch.pages_open = scratch.pages_open.saturating_add(pages);
        scratch.pages_ever = scratch.pages_ever.max(scratch.pages_open);
        (cost, scratch.pages_ever > pricing::PAGE_LIMIT)
    };
    if beyond_limit {
        set_meter(&mut ctx, 0, 1);
        return Err(trap(Trap::MemoryLimit));
    }
    ctx.data().world.borrow_mut().tx_gas_mut().execution.memory += cost;
    buy_gas(&mut ctx, cost)
}

/// Defines every hostio of [`NAMES`] in `linker` under `vm_hooks`.
pub(crate) fn define(linker: &mut Linker<Frame>) -> Result<(), Error> {
    const M: &str = "vm_hooks";
    linker.func_wrap(M, "read_args", read_args)?;
    linker.func_wrap(M, "write_result", write_result)?;
    linker.func_wrap(M, "exit_early", exit_early)?;
    linker.func_wrap(M, "storage_load_bytes32", storage_load_bytes32)?;
    linker.func_wrap(M, "storage_cache_bytes32", storage_cache_bytes32)?;
    linker.func_wrap(M, "storage_flush_cache", storage_flush_cache)?;
    linker.func_wrap(M, "transient_load_bytes32", transient_load_bytes32)?;
    linker.func_wrap(M, "transient_store_bytes32", transient_store_bytes32)?;
    linker.func_wrap(M, "call_contract", call_contract)?;
    linker.func_wrap(M, "delegate_call_contract", delegate_call_contract)?;
    linker.func_wrap(M, "static_call_contract", static_call_contract)?;
    linker.func_wrap(M, "create1", create1)?;
    linker.func_wrap(M, "create2", create2)?;
    linker.func_wrap(M, "read_return_data", read_return_data)?;
    linker.func_wrap(M, "return_data_size", return_data_size)?;
    linker.func_wrap(M, "emit_log", emit_log)?;
    linker.func_wrap(M, "account_balance", account_balance)?;
    linker.func_wrap(M, "account_code", account_code)?;
    linker.func_wrap(M, "account_code_size", account_code_size)?;
    linker.func_wrap(M, "account_codehash", account_codehash)?;
    linker.func_wrap(M, "block_basefee", block_basefee)?;
    linker.func_wrap(M, "block_coinbase", block_coinbase)?;
    linker.func_wrap(M, "block_gas_limit", block_gas_limit)?;
    linker.func_wrap(M, "block_number", block_number)?;
    linker.func_wrap(M, "block_timestamp", block_timestamp)?;
    linker.func_wrap(M, "chainid", chainid)?;
    linker.func_wrap(M, "contract_address", contract_address)?;
    linker.func_wrap(M, "evm_gas_left", evm_gas_left)?;
    linker.func_wrap(M, "evm_ink_left", evm_ink_left)?;
    linker.func_wrap(M, "math_div", math_div)?;
    linker.func_wrap(M, "math_mod", math_mod)?;
    linker.func_wrap(M, "math_pow", math_pow)?;
    linker.func_wrap(M, "math_add_mod", math_add_mod)?;
    linker.func_wrap(M, "math_mul_mod", math_mul_mod)?;
    linker.func_wrap(M, "msg_reentrant", msg_reentrant)?;
    linker.func_wrap(M, "msg_sender", msg_sender)?;
    linker.func_wrap(M, "msg_value", msg_value)?;
    linker.func_wrap(M, "native_keccak256", native_keccak256)?;
    linker.func_wrap(M, "tx_gas_price", tx_gas_price)?;
    linker.func_wrap(M, "tx_ink_price", tx_ink_price)?;
    linker.func_wrap(M, "tx_origin", tx_origin)?;
    linker.func_wrap(M, "pay_for_memory_grow", pay_for_memory_grow)?;
    Ok(())
}

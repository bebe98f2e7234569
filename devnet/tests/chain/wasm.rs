//! The wasm backend on hand-written programs: metering figures computed by
//! hand from Nitro's prices, calls between wasm and native programs, and
//! each kind of trap reported as a halt with its reason.

use alloy_primitives::{B256, U256};
use alloy_sol_types::SolCall;
use keel_devnet::wasm::pricing;
use keel_devnet::{BlockEnv, Devnet, HaltReason, Receipt, Trap, WasmProgram};

use super::probe::IProbe;
use super::{alice, deploy_probe};

fn program(name: &str, text: &str) -> WasmProgram {
    WasmProgram::new(name, &wat::parse_str(text).unwrap()).unwrap()
}

const HOOKS: &str = r#"
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))
  (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
  (import "vm_hooks" "delegate_call_contract" (func $delegate (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $read_return (param i32 i32 i32) (result i32)))
"#;

/// Increments storage slot 0, logs the new value (no topics) and returns it.
fn counter() -> WasmProgram {
    let text = format!(
        r#"(module {HOOKS}
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          (call $load (i32.const 0) (i32.const 32))
          (i32.store8 (i32.const 63) (i32.add (i32.load8_u (i32.const 63)) (i32.const 1)))
          (call $cache (i32.const 0) (i32.const 32))
          (call $flush (i32.const 0))
          (call $log (i32.const 32) (i32.const 32) (i32.const 0))
          (call $write_result (i32.const 32) (i32.const 32))
          (i32.const 0)))"#
    );
    program("counter", &text)
}

/// Delegate-calls the address in its calldata and returns what it returned.
fn proxy() -> WasmProgram {
    let text = format!(
        r#"(module {HOOKS}
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          (local $status i32) (local $len i32)
          (call $read_args (i32.const 0))
          (local.set $status
            (call $delegate (i32.const 0) (i32.const 0) (i32.const 0) (i64.const -1) (i32.const 100)))
          (local.set $len (i32.load (i32.const 100)))
          (drop (call $read_return (i32.const 200) (i32.const 0) (local.get $len)))
          (call $write_result (i32.const 200) (local.get $len))
          (local.get $status)))"#
    );
    program("proxy", &text)
}

fn word(value: u64) -> B256 {
    B256::from(U256::from(value))
}

#[test]
fn a_block_pays_its_instructions_and_the_header() {
    // One block, `i32.const 0` and `end` (1 ink each) + the 2,450-ink header:
    // 2,452 ink, one gas once rounded up.
    let trivial = program(
        "trivial",
        r#"(module (memory (export "memory") 1)
           (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    let startup = trivial.startup_gas(false);
    let mut devnet = Devnet::new();
    let address = devnet.deploy(alice(), trivial);
    let receipt = devnet.transact(alice(), address, U256::ZERO, &[]);
    assert!(receipt.success);
    let gas = receipt.gas.breakdown();
    assert_eq!(gas.ink, 1);
    assert_eq!(gas.startup, startup);
    assert_eq!(gas.intrinsic, 21_000);
    assert_eq!(gas.total, 21_000 + startup + 1);
}

#[test]
fn a_loop_pays_per_iteration() {
    let looping = program(
        "loop",
        r#"(module (memory (export "memory") 1)
           (func (export "user_entrypoint") (param i32) (result i32) (local i32)
             i32.const 100
             local.set 1
             loop
               local.get 1
               i32.const 1
               i32.sub
               local.tee 1
               br_if 0
             end
             i32.const 0))"#,
    );
    let mut devnet = Devnet::new();
    let address = devnet.deploy(alice(), looping);
    let receipt = devnet.transact(alice(), address, U256::ZERO, &[0xAB]);
    // [i32.const, local.set, loop] 1 + 210 + 1; the body 75 + 1 + 70 + 75 +
    // 765, 100 times; [end]; [i32.const, end]: each block + 2,450.
    let ink = (212 + 2_450) + 100 * (986 + 2_450) + (1 + 2_450) + (2 + 2_450);
    assert_eq!(receipt.gas.breakdown().ink, (ink as u64).div_ceil(10_000));
    assert_eq!(receipt.gas.breakdown().intrinsic, 21_000 + 16);
}

#[test]
fn a_profile_attributes_ink_to_functions_by_name() {
    let text = format!(
        r#"(module {HOOKS} (memory (export "memory") 1)
        (func $spin (local i32)
          i32.const 100
          local.set 0
          loop
            local.get 0
            i32.const 1
            i32.sub
            local.tee 0
            br_if 0
          end)
        (func $main (export "user_entrypoint") (param i32) (result i32)
          (call $read_args (i32.const 0))
          (call $spin)
          i32.const 0))"#
    );
    let wasm = wat::parse_str(&text).unwrap();
    let plain = WasmProgram::new("spin", &wasm).unwrap();
    let profiled = plain.profiled().unwrap().with_names(&wasm).unwrap();
    let mut devnet = Devnet::new();
    let address = devnet.deploy(alice(), plain);
    let unprofiled = devnet.transact(alice(), address, U256::ZERO, &[]);
    devnet.set_code(address, profiled);
    let receipt = devnet.transact(alice(), address, U256::ZERO, &[]);
    // Profiling does not change what is charged.
    assert_eq!(receipt.gas.breakdown(), unprofiled.gas.breakdown());
    let profile = &receipt.gas.execution.profile;
    let ink_of = |name: &str| {
        profile
            .iter()
            .find(|entry| entry.name.as_deref() == Some(name))
            .map(|entry| entry.ink)
    };
    // $spin: [i32.const, local.set, loop], 100 bodies, [end], [end].
    let spin = (212 + 2_450) + 100 * (986 + 2_450) + 2 * (1 + 2_450);
    assert_eq!(ink_of("spin"), Some(spin));
    // $main: [i32.const, call], [call], [i32.const, end]; read_args' ink.
    assert_eq!(
        ink_of("main"),
        Some((3_801 + 2_450) + (3_800 + 2_450) + (2 + 2_450))
    );
    assert_eq!(ink_of("(hostios)"), Some(8_400 + 5_040));
    assert_eq!(profile[0].function, Some(9), "after the nine imports");
    // Names of another module (one function fewer) are refused.
    let fewer = wat::parse_str(format!(
        r#"(module {HOOKS} (memory (export "memory") 1)
        (func $main (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    ))
    .unwrap();
    let refused = WasmProgram::new("spin", &wasm).unwrap().with_names(&fewer);
    assert!(refused
        .unwrap_err()
        .contains("of 10 functions, the program has 11"));
    // By body: the two defined functions, in code order.
    let by_body = WasmProgram::new("spin", &wasm)
        .unwrap()
        .with_body_names(vec!["a".into()]);
    assert!(by_body.is_err());
    let by_body = WasmProgram::new("spin", &wasm)
        .unwrap()
        .profiled()
        .unwrap()
        .with_body_names(vec!["spin".into(), "main".into()])
        .unwrap();
    devnet.set_code(address, by_body);
    let again = devnet.transact(alice(), address, U256::ZERO, &[]);
    assert_eq!(again.gas.execution.profile, receipt.gas.execution.profile);
}

#[test]
fn storage_logs_and_return_data_are_priced_as_nitro_does() {
    let counter = counter();
    let startup = counter.startup_gas(false);
    let mut devnet = Devnet::new();
    let address = devnet.deploy(alice(), counter);

    let receipt = devnet.transact(alice(), address, U256::ZERO, &[]);
    assert!(receipt.success);
    assert_eq!(receipt.output.as_ref(), word(1).as_slice());
    assert_eq!(devnet.storage_at(address, U256::ZERO), word(1));
    assert_eq!(receipt.logs.len(), 1);
    assert_eq!(receipt.logs[0].data.as_ref(), word(1).as_slice());
    let gas = receipt.gas.breakdown();
    // Cold SLOAD + 5 (EVM API), then a new slot (warm after the load).
    assert_eq!(gas.storage, 2_100 + 5 + 20_000);
    assert_eq!(gas.logs, 375 + 8 * 32);
    assert_eq!(gas.startup, startup);
    assert_eq!(gas.memory, 0, "one page, within the two free pages");
    assert!(gas.ink > 0);
    assert_eq!(
        gas.total,
        gas.intrinsic + gas.startup + gas.ink + gas.storage + gas.calls + gas.logs + gas.memory
    );

    // Again: a rewrite of a non-zero slot; start-up uncached again (a new
    // transaction), unless the program is in the cache.
    let receipt = devnet.transact(alice(), address, U256::ZERO, &[]);
    assert_eq!(receipt.output.as_ref(), word(2).as_slice());
    assert_eq!(receipt.gas.breakdown().storage, 2_100 + 5 + 2_900);
    assert_eq!(receipt.gas.breakdown().startup, startup);

    let cached = devnet.deploy(alice(), self::counter().cached(true));
    let receipt = devnet.transact(alice(), cached, U256::ZERO, &[]);
    let costs = self::counter().costs();
    assert_eq!(
        receipt.gas.breakdown().startup,
        pricing::cached_gas(costs.cached_init_cost)
    );
}

#[test]
fn wasm_delegate_calls_wasm_and_native_calls_wasm() {
    let mut devnet = Devnet::new();
    let counter = devnet.deploy(alice(), counter());
    let proxy = devnet.deploy(alice(), proxy());

    // The proxy runs the counter's code on its own storage.
    let receipt = devnet.transact(alice(), proxy, U256::ZERO, counter.as_slice());
    assert!(receipt.success, "{:?}", receipt.halts);
    assert_eq!(receipt.output.as_ref(), word(1).as_slice());
    assert_eq!(devnet.storage_at(proxy, U256::ZERO), word(1));
    assert_eq!(devnet.storage_at(counter, U256::ZERO), B256::ZERO);
    assert_eq!(receipt.logs[0].address, proxy);
    let gas = receipt.gas.breakdown();
    let programs: Vec<&str> = receipt
        .gas
        .execution
        .programs
        .iter()
        .map(|entry| entry.name.as_str())
        .collect();
    assert_eq!(programs, ["proxy", "counter"]);
    // The counter's code address is cold: 2,600.
    assert_eq!(gas.calls, 2_600);

    // A native program calls the wasm counter.
    let probe = deploy_probe(&mut devnet);
    let forward = IProbe::forwardCall {
        target: counter,
        data: Default::default(),
    };
    let (success, output) = devnet
        .call(alice(), probe, &forward)
        .map(|ret| (ret.success, ret.output))
        .unwrap();
    assert!(success);
    assert_eq!(output.as_ref(), word(1).as_slice());
    assert_eq!(devnet.storage_at(counter, U256::ZERO), word(1));
}

/// The single halt of a failed transaction.
fn halt_of(receipt: &Receipt) -> HaltReason {
    assert!(!receipt.success);
    assert!(receipt.output.is_empty());
    assert_eq!(receipt.halts.len(), 1, "{:?}", receipt.halts);
    receipt.halts[0].reason.clone()
}

fn run(text: &str) -> Receipt {
    let mut devnet = Devnet::new();
    devnet.set_block_env(BlockEnv {
        gas_limit: 1_000_000,
        ..BlockEnv::default()
    });
    let address = devnet.deploy(alice(), program("trap", text));
    devnet.transact(alice(), address, U256::ZERO, &[])
}

#[test]
fn unreachable_is_a_trap() {
    let receipt = run(r#"(module (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32) unreachable))"#);
    assert_eq!(halt_of(&receipt), HaltReason::Trap(Trap::Unreachable));
    // Nitro's `userFailure` reverts: the ink left goes back. One block,
    // `unreachable` (1 ink) + the header: 2,451 ink, one gas.
    let gas = receipt.gas.breakdown();
    assert_eq!(gas.ink, 1);
    assert_eq!(gas.total, 21_000 + gas.startup + 1);
}

/// Reads its own code size twice, loads transient slot 1, stores 7 there,
/// loads it again and returns both loads (after, before).
const CODE_AND_TRANSIENT: &str = r#"(module
    (import "vm_hooks" "contract_address" (func $address (param i32)))
    (import "vm_hooks" "account_code_size" (func $code_size (param i32) (result i32)))
    (import "vm_hooks" "transient_load_bytes32" (func $tload (param i32 i32)))
    (import "vm_hooks" "transient_store_bytes32" (func $tstore (param i32 i32)))
    (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
    (memory (export "memory") 1)
    (func (export "user_entrypoint") (param i32) (result i32)
      (call $address (i32.const 0))
      (drop (call $code_size (i32.const 0)))
      (drop (call $code_size (i32.const 0)))
      (i32.store8 (i32.const 63) (i32.const 1))
      (i32.store8 (i32.const 95) (i32.const 7))
      (call $tload (i32.const 32) (i32.const 128))
      (call $tstore (i32.const 32) (i32.const 64))
      (call $tload (i32.const 32) (i32.const 96))
      (call $write_result (i32.const 96) (i32.const 64))
      (i32.const 0)))"#;

#[test]
fn code_reads_are_remembered_and_transient_storage_lasts_one_transaction() {
    let mut devnet = Devnet::new();
    let address = devnet.deploy(alice(), program("code", CODE_AND_TRANSIENT));
    for _ in 0..2 {
        let receipt = devnet.transact(alice(), address, U256::ZERO, &[]);
        assert!(receipt.success);
        // The stored 7 comes back in the same transaction; the load before
        // the store sees zero in the second transaction too.
        let expected = [word(7).as_slice(), B256::ZERO.as_slice()].concat();
        assert_eq!(receipt.output.as_ref(), expected.as_slice());
        let gas = receipt.gas.breakdown();
        // Its own (warm) account once: 100 + 700 for the code; the second
        // read is answered by the EVM API's last code (no gas).
        assert_eq!(gas.calls, 100 + pricing::ACCOUNT_CODE_GAS);
        // One TSTORE and two TLOADs, 100 each.
        assert_eq!(gas.storage, 300);
    }
}

#[test]
fn an_endless_loop_runs_out_of_ink() {
    let receipt = run(r#"(module (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          (loop (br 0)) i32.const 0))"#);
    assert_eq!(halt_of(&receipt), HaltReason::Trap(Trap::OutOfInk));
    assert_eq!(receipt.gas.breakdown().total, 1_000_000);
}

#[test]
fn growing_memory_past_128_pages_is_the_memory_limit() {
    let text = format!(
        r#"(module {HOOKS} (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          (drop (memory.grow (i32.const 200))) i32.const 0))"#
    );
    let receipt = run(&text);
    assert_eq!(halt_of(&receipt), HaltReason::Trap(Trap::MemoryLimit));
}

#[test]
fn growing_memory_pays_nitros_page_prices() {
    // 1 initial page + 3: pages 3 and 4 are beyond the two free ones.
    let text = format!(
        r#"(module {HOOKS} (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          (drop (memory.grow (i32.const 3))) i32.const 0))"#
    );
    let mut devnet = Devnet::new();
    let address = devnet.deploy(alice(), program("grow", &text));
    let receipt = devnet.transact(alice(), address, U256::ZERO, &[]);
    assert!(receipt.success);
    assert_eq!(receipt.gas.breakdown().memory, pricing::memory_gas(3, 1, 1));
    assert_eq!(receipt.gas.breakdown().memory, 2_000);
}

#[test]
fn deep_recursion_overflows_the_stack() {
    let receipt = run(r#"(module (memory (export "memory") 1)
        (func $f (param i32) (result i32) (call $f (local.get 0)))
        (func (export "user_entrypoint") (param i32) (result i32) (call $f (local.get 0))))"#);
    assert_eq!(halt_of(&receipt), HaltReason::Trap(Trap::StackOverflow));
}

/// Recursion `depth` deep through a one-parameter function.
fn recursion(depth: u32) -> Receipt {
    run(&format!(
        r#"(module (memory (export "memory") 1)
        (func $f (param i32) (result i32)
          (if (result i32) (i32.eqz (local.get 0))
            (then (i32.const 0))
            (else (call $f (i32.sub (local.get 0) (i32.const 1))))))
        (func (export "user_entrypoint") (param i32) (result i32)
          (drop (call $f (i32.const {depth}))) (i32.const 0)))"#
    ))
}

#[test]
fn nitros_depth_checker_binds_before_the_interpreter() {
    // A few words per frame against 22,000: 1,000 calls fit, 10,000 do not
    // (the interpreter alone would allow 20,000).
    assert!(recursion(1_000).success);
    let receipt = recursion(10_000);
    assert_eq!(halt_of(&receipt), HaltReason::Trap(Trap::StackOverflow));
}

#[test]
fn an_access_outside_memory_is_a_trap() {
    let receipt = run(r#"(module (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          (i32.load (i32.const 65536))))"#);
    assert_eq!(halt_of(&receipt), HaltReason::Trap(Trap::MemoryOutOfBounds));
}

#[test]
fn too_little_gas_for_start_up() {
    let mut devnet = Devnet::new();
    devnet.set_block_env(BlockEnv {
        gas_limit: 25_000,
        ..BlockEnv::default()
    });
    let address = devnet.deploy(alice(), counter());
    let receipt = devnet.transact(alice(), address, U256::ZERO, &[]);
    assert_eq!(halt_of(&receipt), HaltReason::Trap(Trap::OutOfGasAtStartUp));
}

#[test]
fn a_storage_write_under_a_static_call_halts() {
    let mut devnet = Devnet::new();
    let counter = devnet.deploy(alice(), counter());
    let probe = deploy_probe(&mut devnet);
    let forward = IProbe::forwardStaticCall {
        target: counter,
        data: Default::default(),
    };
    let receipt = devnet.transact(alice(), probe, U256::ZERO, &forward.abi_encode());
    assert!(receipt.success, "the probe catches the failure");
    let (success, _) = {
        let ret = IProbe::forwardStaticCall::abi_decode_returns(&receipt.output).unwrap();
        (ret.success, ret.output)
    };
    assert!(!success);
    assert_eq!(
        receipt.halts[0].reason,
        HaltReason::StateChangeInStaticContext
    );
    assert_eq!(receipt.halts[0].address, counter);
    assert_eq!(devnet.storage_at(counter, U256::ZERO), B256::ZERO);
}

#[test]
fn invalid_programs_are_refused() {
    let foreign = wat::parse_str(
        r#"(module (import "env" "f" (func)) (memory (export "memory") 1)
           (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    )
    .unwrap();
    assert!(WasmProgram::new("foreign", &foreign)
        .unwrap_err()
        .contains("outside vm_hooks"));
    let unknown = wat::parse_str(
        r#"(module (import "vm_hooks" "log_txt" (func (param i32 i32))) (memory (export "memory") 1)
           (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    )
    .unwrap();
    assert!(WasmProgram::new("unknown", &unknown)
        .unwrap_err()
        .contains("not provided"));
}

#[test]
fn return_data_costs_at_least_its_evm_memory() {
    // Returns 64 KiB: 2,048 words, 3 x 2,048 + 2,048² / 512 = 14,336 gas of
    // EVM memory, far more than the ink of copying it out (about 724 gas).
    let text = format!(
        r#"(module {HOOKS} (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          (call $write_result (i32.const 0) (i32.const 65536)) i32.const 0))"#
    );
    let returning = program("returning", &text);
    let startup = returning.startup_gas(false);
    assert_eq!(pricing::evm_memory_cost(65_536), 14_336);
    for (room, success) in [(20_000, true), (3_000, false)] {
        let mut devnet = Devnet::new();
        let gas_limit = 21_000 + startup + room;
        devnet.set_block_env(BlockEnv {
            gas_limit,
            ..BlockEnv::default()
        });
        let address = devnet.deploy(alice(), returning.clone());
        let receipt = devnet.transact(alice(), address, U256::ZERO, &[]);
        assert_eq!(receipt.success, success);
        let total = receipt.gas.breakdown().total;
        if success {
            assert_eq!(receipt.output.len(), 65_536);
            // The floor counts from the frame's starting gas: start-up and
            // ink (about 10,000 together) are within it.
            assert!(startup + 1_000 < 14_336);
            assert_eq!(total, 21_000 + 14_336);
        } else {
            // Out of gas: no data, the whole budget used.
            assert!(receipt.output.is_empty());
            assert_eq!(total, gas_limit);
        }
    }
}

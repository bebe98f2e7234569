//! The wasm backend: runs the processed Stylus programs that `keel build`
//! writes (`target/keel/*.wasm`, the bytes that would be activated) in the
//! [wasmi](https://docs.rs/wasmi) interpreter, metered as Nitro meters them.
//!
//! A [`WasmProgram`] is a [`crate::Program`]: it is deployed like a native
//! program and shares the devnet's world state, journal, rollback, logs,
//! snapshots and call frames, so wasm and native programs call each other.
//! Each call frame instantiates the program afresh (as Nitro does), routes
//! its `vm_hooks` imports to the frame (see `hostio.rs`) and runs
//! `user_entrypoint`. A trap (unreachable, out of ink, stack overflow,
//! memory limit, out-of-bounds access, a host failure) stops the frame with
//! empty revert data, consumes its gas and is reported in
//! [`crate::Receipt::halts`] as [`crate::HaltReason::Trap`]; the host never
//! panics on it.
//!
//! # Engine
//!
//! wasmi `=2.0.0`, chosen by measurement against wasmtime `=48.0.8`
//! (Cranelift) on a keel-math kernel compiled to wasm32 (a scratch crate
//! outside the workspace; README, "The wasm backend", has the method):
//! cold builds 31 s dev / 84 s release against 99 s / 571 s; the kernel
//! compiled in 0.3-0.6 ms against 18-47 ms (release) and 180-530 ms (dev);
//! 1,000-1,350 calls per second against 7,500-14,000 (release) and
//! 4,800-5,700 (dev). The devnet's transactions take one to two milliseconds
//! (`keel gas`: about 730 per second) and the test command is dominated by
//! building, so the interpreter's short build and absence of run-time code
//! generation outweigh wasmtime's 7-10x faster arithmetic.
//!
//! # Metering (ArbOS Stylus version 2 defaults)
//!
//! Before execution the program is instrumented as Nitro instruments it at
//! activation (`instrument.rs`, in Nitro's order): each basic block is
//! preceded by a check and charge of its ink, priced per instruction with
//! Nitro's table plus a header cost; `memory.fill` / `memory.copy` pay per
//! byte; each function charges its worst-case stack frame against the
//! instance's depth budget (`depth.rs`); `memory.grow` is preceded by a call
//! of `pay_for_memory_grow`. Hostios charge their ink
//! and EVM gas as `user-host-trait` does. A frame's gas is its start-up
//! cost plus the ink it used divided by 10,000, rounded up, at least the
//! EVM memory cost of its return data. Each receipt's
//! [`GasReport::breakdown`] splits the transaction's gas into intrinsic and
//! calldata, start-up, ink, storage, calls, logs and memory.
//!
//! ## Prices and their sources in Nitro
//!
//! Paths are in `github.com/OffchainLabs/nitro` (commit 6dce8d1, April 2026)
//! unless marked go-ethereum (OffchainLabs' fork).
//!
//! | price | value | source |
//! |---|---|---|
//! | ink per gas | 10,000 | `arbos/programs/params.go`, `initialInkPrice` |
//! | ink per instruction | table in [`pricing::op_ink`] (e.g. `i32.add` 70, `call` 3,800, `br_if` 765, `local.get` 75, `i64.load` 680, `br_table` 2,400 + 325/target, `call_indirect` 13,610 + 650/param; floats and SIMD infinite) | `crates/prover/src/programs/meter.rs`, `pricing_v1` |
//! | basic block ends at | `end`, `else`, `return`, `loop`, `br`, `br_if`, `br_table`, `if`, `call`, `call_indirect` | `crates/arbutil/src/operator.rs`, `ends_basic_block` |
//! | block header | 2,450 ink per block | `crates/prover/src/programs/config.rs`, `CompileConfig::version` (`ink_header_cost`) |
//! | `memory.fill` / `memory.copy` | 100 ink per byte (800 / 8) | `config.rs` (`memory_fill_ink`, `memory_copy_ink`), `dynamic.rs` |
//! | stack depth (no gas; traps) | each call charges its frame (most operands at once + locals + 4 words) against 22,000 words per program instance; frames over 10,240 words or 4,096 operands are refused | `crates/prover/src/programs/depth.rs`; `params.go` (`arbOS50MaxWasmSize` caps `MaxStackDepth`); `config.rs` (`max_frame_size`, `max_frame_contention`) |
//! | hostio base ink | 8,400 (`HOSTIO_INK`), + 5,040 per pointer (`PTR_INK`), + 59,673 through the EVM API (`EVM_API_INK`); per hostio in [`pricing::hostio`] | `crates/arbutil/src/pricing.rs` |
//! | copy into the program | 5,040 + 30 ink per byte beyond 32 | `pricing.rs`, `write_price` |
//! | copy out of the program | 16,381 + 55 ink per byte beyond 32 (twice for `write_result` and calls' calldata) | `pricing.rs`, `read_price`; `user-host-trait/lib.rs` |
//! | keccak | 121,800 + 21,000 ink per word beyond 2 | `pricing.rs`, `keccak_price` |
//! | storage load | 2,100 cold / 100 warm + 5 gas (EVM API) on a cache miss; + cache read fee 0 (reads 1-32), 2 (33-128), 10 | go-ethereum `WasmStateLoadCost`; `user-host-trait/lib.rs` `storage_load_bytes32`; `crates/arbutil/src/evm/req.rs` `get_bytes32`; `evm/storage.rs` `read_gas` |
//! | storage cache write | fee 0 (writes 1-8), 7 (9-64), 10 | `evm/storage.rs`, `write_gas` |
//! | storage flush | EIP-2200/2929/3529 per dirty slot (22,100 new cold, 2,900 reset, 100 no-op / dirty, + 2,100 cold; refunds 4,800 for a clear, 19,900 / 2,800 for a restore), out of gas when the slots cost more than the gas left | go-ethereum `core/vm/operations_acl_arbitrum.go`, `WasmStateStoreCost`; `arbos/programs/api.go` `setTrieSlots`; `user-host-trait/lib.rs` `storage_flush_cache` (+ 2,300 sentry required) |
//! | transient load / store | 100 gas (`TLOAD_GAS`, `TSTORE_GAS`); a store in a static frame fails | `crates/arbutil/src/evm/mod.rs`; `user-host-trait/lib.rs` `transient_load_bytes32`, `transient_store_bytes32` |
//! | call | 100 + 2,500 if cold + 9,000 with value (+ 25,000 to an empty account), 63/64 of the rest to the callee, 2,300 stipend with value | go-ethereum `WasmCallCost`; `api.go` `doCall` |
//! | balance / code hash / code | 2,600 cold / 100 warm; code and code size + 700; reading the frame's last read (non-empty) code again costs no gas | go-ethereum `WasmAccountTouchCost`; `crates/arbutil/src/evm/req.rs` `account_code` (`last_code`) |
//! | log | 375 + 375 per topic + 8 per data byte | `meter.rs`, `pay_for_evm_log` |
//! | memory | 2 free pages per transaction, 1,000 gas per page beyond, plus the exponential table of pages ever open; more than 128 pages never affordable | `arbos/programs/memory.go`, `MemoryModel::GasCost`; `params.go` (`InitialFreePages`, `InitialPageGas`, `initialPageLimit`) |
//! | program start-up, every call | 11 x 32 + ceil(`cached_init_cost` x 100 / 100) | `programs.go`, `cachedGas`; `params.go` (`initialMinCachedGas`, `initialCachedCostScalar`) |
//! | program start-up, uncached | + 69 x 128 + ceil(`init_cost` x 100 / 100) | `programs.go`, `initGas`; `params.go` (`v2MinInitGas`, `initialInitCostScalar`) |
//! | `cached_init_cost` | funcs x 0.1342 + type_len x 0.00089 + wasm bytes x 0.00122 + globals (with Nitro's 4) x 1.628 + data and element segment bytes x 0.75244 + pages x 5, each term rounded down | `crates/prover/src/binary.rs`, `WasmBinary::instrument` |
//! | `init_cost` (version 2, without the cached part) | funcs x 8.252 + type_len x 1.059 + wasm bytes x 0.1286 | same |
//! | cached | a program in ArbWasmCache ([`WasmProgram::cached`]) or already run in the transaction (ArbOS 60's recent-programs cache) | `programs.go`, `CallProgram` |
//! | return data | a call uses at least 3 gas per word + words² / 512 of its return data | `programs.go`, `CallProgram`, `evmMemoryCost` |
//! | a failed frame | out of ink, memory beyond 128 pages and out of stack consume the frame's gas; any other trap (`unreachable`, bad memory access, a hostio failure) returns the ink left to the caller as a revert does | `programs.go`, `userStatus.toResult`; `crates/stylus/src/lib.rs`, `stylus_call` |
//! | the program's own account | a top-level call's target is warm (EIP-2929 access list: sender, recipient, coinbase); a call or `delegatecall` into a program pays `WasmCallCost` like any call; reading ArbOS's program and parameter records is charged to the system, not the caller | go-ethereum `core/state_transition.go` (`Prepare`); `arbos/tx_processor.go` (`NewTxProcessor` opens ArbOS with the system burner), `programs.go` `CallProgram` |
//! | intrinsic | 21,000 + 16 per non-zero and 4 per zero calldata byte (no access list); the EIP-7623 floor (21,000 + 10 per token) applies only with ArbOS's calldata-price increase and never binds here | go-ethereum `core/state_transition.go`, `IntrinsicGas`, `FloorDataGas` |
//! | refund cap | a fifth of the gas used (gas used includes the intrinsic gas; Nitro's non-refundable part is the L1 poster gas, excluded here) | go-ethereum `core/state_transition.go`, `calcRefund` (`RefundQuotientEIP3529`) |
//!
//! ## Calibration
//!
//! Issue 15's figures, measured in Nitro's own Stylus runtime for the
//! programs of commit ea4398d, against the same programs on this backend
//! (`keel gas --programs DIR --step 60`; README, "Gas"): the start-up part
//! (uncached minus cached: 28,707 for one program, 57,846 and 59,702 for
//! two) is equal to the gas, accrual's ink is 43,230 against "about
//! 43,000", and whole operations are 2.4-5.6% above: 5,400-5,900 gas per
//! ERC-20 transfer, the three switch slots our mock ERC-20 reads (6,300 of
//! cold loads) less the EVM opcode gas native mocks do not pay.
//!
//! ## Known differences from Nitro
//!
//! - **Native programs are not metered**: a native program (the mock tokens
//!   and feeds) costs only its state access, logs and calls. Its callees see
//!   the transaction's gas limit as their budget.
//! - **The recent-programs cache lasts one transaction** (the devnet has no
//!   blocks): a program's second start in a transaction is cached, as in
//!   Nitro within a block.
//! - **Code at the address** is the Stylus prefix and the processed wasm,
//!   not its brotli compression: code size and hash differ from the chain's.
//! - **Deployment** is not metered (no activation, no data fee); the
//!   intrinsic gas of a constructor is computed over its calldata.
//! - **No L1 data fee** (Nitro's poster gas, also the refund cap's
//!   non-refundable part), no `create1` / `create2` (they report failure as
//!   on the native backend), and the debug-only `console` hostios are not
//!   provided (Nitro rejects them on non-debug chains).
//! - **ArbOS version**: prices are those of ArbOS 50-60 with Stylus version
//!   2 (`MaxStackDepth` 22,000, EVM API gas in ink since ArbOS 32). Before
//!   ArbOS 60 there is no recent-programs cache: a program entered twice in
//!   a block pays its uncached start-up twice.
//! - **Storage flush order**: Nitro flushes the dirty slots in hash-map
//!   order, the devnet by slot; only a flush that runs out of gas midway can
//!   tell them apart.
//! - A call with value inside a static frame fails with status 2 as in
//!   Nitro; a storage flush or log there halts the frame, as in Nitro.

mod depth;
mod hostio;
mod instrument;
pub mod pricing;
mod program;

use std::collections::HashSet;
use std::fmt;

use alloy_primitives::{Address, B256};

use crate::gas::{Charge, GasReport};

pub use instrument::{ActivationCosts, PROFILE_PREFIX};
pub use program::WasmProgram;

/// Why a wasm frame trapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trap {
    /// An `unreachable` instruction (a Rust panic in the program).
    Unreachable,
    /// The frame's ink ran out (`stylus_ink_status` set).
    OutOfInk,
    /// The frame's gas did not cover its start-up.
    OutOfGasAtStartUp,
    /// Nitro's depth checker found no room for a call's frame (or, beyond
    /// it, the interpreter's own stack ran out).
    StackOverflow,
    /// Memory growth beyond 128 pages in the transaction (Nitro prices it
    /// at `u64::MAX` gas: out of ink).
    MemoryLimit,
    /// A load, store or hostio pointer outside linear memory.
    MemoryOutOfBounds,
    /// Any other trap, with the interpreter's or host's message.
    Other(String),
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trap::Unreachable => write!(f, "unreachable"),
            Trap::OutOfInk => write!(f, "out of ink"),
            Trap::OutOfGasAtStartUp => write!(f, "out of gas at program start-up"),
            Trap::StackOverflow => write!(f, "stack overflow"),
            Trap::MemoryLimit => write!(f, "memory limit (more than 128 pages)"),
            Trap::MemoryOutOfBounds => write!(f, "memory access out of bounds"),
            Trap::Other(message) => write!(f, "{message}"),
        }
    }
}

/// A program started in a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramEntry {
    /// The address whose code ran.
    pub code_address: Address,
    /// The program's name.
    pub name: String,
    /// Whether it started cached.
    pub cached: bool,
    /// Its start-up gas (without memory).
    pub startup: u64,
}

/// Gas of a transaction beyond state access: what wasm execution adds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecutionGas {
    /// 21,000 plus calldata.
    pub intrinsic: u64,
    /// Program start-up of every wasm frame.
    pub startup: u64,
    /// Wasm execution: instructions and hostio ink, in gas.
    pub ink: u64,
    /// Memory: initial pages of each frame and growth.
    pub memory: u64,
    /// Storage costs beyond the EVM's: the storage cache's fees and the EVM
    /// API gas of uncached loads.
    pub storage_extra: u64,
    /// Call costs beyond account access: value transfer, new accounts,
    /// code-size surcharges.
    pub call_extra: u64,
    /// Wasm programs started, in order.
    pub programs: Vec<ProgramEntry>,
    /// Ink per function of profiled programs ([`WasmProgram::profiled`]),
    /// one entry per frame and function that used ink.
    pub profile: Vec<FunctionInk>,
}

/// Ink a function of a profiled program used in one frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionInk {
    /// The program.
    pub program: String,
    /// The function index (imports first); `None` for the hostios' ink.
    pub function: Option<u32>,
    /// Its name, when the program has names ([`WasmProgram::with_names`]).
    pub name: Option<String>,
    /// Ink of its basic blocks (or of the hostios).
    pub ink: u64,
}

/// A transaction's gas, split.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GasBreakdown {
    /// 21,000 plus calldata.
    pub intrinsic: u64,
    /// Program start-up.
    pub startup: u64,
    /// Wasm execution (ink / 10,000).
    pub ink: u64,
    /// Storage loads and writes.
    pub storage: u64,
    /// Calls and account access.
    pub calls: u64,
    /// Logs.
    pub logs: u64,
    /// Memory pages.
    pub memory: u64,
    /// The sum of the above.
    pub gross: u64,
    /// The refund, capped at a fifth of `gross`.
    pub refund: u64,
    /// Gas used: `gross - refund`.
    pub total: u64,
}

impl GasReport {
    /// The transaction's gas split by kind, with the capped refund applied.
    /// Native frames contribute their state access only.
    pub fn breakdown(&self) -> GasBreakdown {
        let execution = &self.execution;
        let storage = self.gas_of(|charge| {
            matches!(
                charge,
                Charge::Load { .. }
                    | Charge::Store { .. }
                    | Charge::CachedLoad
                    | Charge::Transient { .. }
            )
        }) + execution.storage_extra;
        let calls =
            self.gas_of(|charge| matches!(charge, Charge::Account { .. })) + execution.call_extra;
        let logs = self.gas_of(|charge| matches!(charge, Charge::Log { .. }));
        let gross = execution.intrinsic
            + execution.startup
            + execution.ink
            + execution.memory
            + storage
            + calls
            + logs;
        let refund = self.refund.min(gross / 5);
        GasBreakdown {
            intrinsic: execution.intrinsic,
            startup: execution.startup,
            ink: execution.ink,
            storage,
            calls,
            logs,
            memory: execution.memory,
            gross,
            refund,
            total: gross - refund,
        }
    }
}

/// Per-transaction state of the wasm backend (Nitro keeps it in the state
/// database for the transaction).
#[derive(Debug, Default)]
pub(crate) struct TxScratch {
    /// Gas handed to calls made by wasm frames, innermost last.
    pub(crate) pending: Vec<PendingCall>,
    /// Pages open now (`GetStylusPagesOpen`).
    pub(crate) pages_open: u16,
    /// Most pages open at once (`GetStylusPagesEver`).
    pub(crate) pages_ever: u16,
    /// Code hashes started in the transaction (the recent-programs cache).
    pub(crate) recent: HashSet<B256>,
}

/// Gas a wasm frame gave to a call it makes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PendingCall {
    /// Depth of the callee frame.
    pub(crate) depth: usize,
    /// Gas given to the callee.
    pub(crate) gas: u64,
    /// Whether a wasm callee took it.
    pub(crate) taken: bool,
    /// Gas the wasm callee left (none when it trapped).
    pub(crate) returned: Option<u64>,
}

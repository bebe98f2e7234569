//! [`WasmProgram`]: a Stylus program run by the interpreter, one instance
//! per call frame, with Nitro's start-up and ink accounting.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use wasmi::{Config, Engine, Global, Linker, Memory, Module, Store, Val};

use super::depth;
use super::hostio::{self, HostStop};
use super::instrument::{self, ActivationCosts};
use super::{pricing, PendingCall, ProgramEntry, Trap};
use crate::exec::{Halt, HaltReason, Message};
use crate::host::FrameHost;
use crate::program::{Program, Status};
use crate::world::World;

/// The Stylus code prefix (`0xEFF000`) and a zero dictionary byte.
const STYLUS_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];

struct Compiled {
    name: String,
    code: Bytes,
    code_hash: B256,
    engine: Engine,
    module: Module,
    linker: Linker<Frame>,
    costs: ActivationCosts,
    frame_sizes: Vec<u32>,
    /// Whether the module carries the profiling counters.
    profiled: bool,
    /// Imported functions (function indices of defined functions follow).
    imported_funcs: u32,
}

/// A processed Stylus program (the bytes `keel build` writes and Nitro
/// activates), run by the wasm interpreter with Nitro's metering. Cheap to
/// clone: clones share the compiled module.
#[derive(Clone)]
pub struct WasmProgram {
    compiled: Rc<Compiled>,
    cached: bool,
    names: Option<Rc<BTreeMap<u32, String>>>,
}

impl std::fmt::Debug for WasmProgram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmProgram")
            .field("name", &self.compiled.name)
            .field("costs", &self.compiled.costs)
            .field("cached", &self.cached)
            .finish()
    }
}

impl WasmProgram {
    /// Instruments and compiles `wasm`. Fails, naming the rule, on what
    /// Nitro would not activate or run: imports outside `vm_hooks` or
    /// hostios the devnet does not provide, no `user_entrypoint`, a start
    /// function, more than 128 initial pages, unsupported bulk-memory or
    /// table instructions, invalid wasm.
    pub fn new(name: impl Into<String>, wasm: &[u8]) -> Result<Self, String> {
        Self::compile(name.into(), wasm, false)
    }

    fn compile(name: String, wasm: &[u8], profiled: bool) -> Result<Self, String> {
        let instrumented =
            instrument::instrument_with(wasm, profiled).map_err(|e| format!("{name}: {e}"))?;
        let mut config = Config::default();
        config.wasm_multi_value(false);
        // Room beyond Nitro's own depth limit (22,000 words, at least 4 per
        // frame), so that the depth checker, not the interpreter, binds.
        config.set_max_recursion_depth(20_000);
        config.set_max_stack_height(16 << 20);
        let engine = Engine::new(&config);
        let module =
            Module::new(&engine, &instrumented.wasm[..]).map_err(|e| format!("{name}: {e}"))?;
        for import in module.imports() {
            if !hostio::NAMES.contains(&import.name()) {
                return Err(format!(
                    "{name}: hostio vm_hooks::{} is not provided by the devnet",
                    import.name()
                ));
            }
        }
        let mut linker = Linker::new(&engine);
        hostio::define(&mut linker).map_err(|e| format!("{name}: {e}"))?;
        let code: Bytes = [STYLUS_PREFIX.as_slice(), wasm].concat().into();
        let imported_funcs = module
            .imports()
            .filter(|import| matches!(import.ty(), wasmi::ExternType::Func(_)))
            .count() as u32;
        Ok(Self {
            compiled: Rc::new(Compiled {
                code_hash: keccak256(&code),
                name,
                code,
                engine,
                module,
                linker,
                costs: instrumented.costs,
                frame_sizes: instrumented.frame_sizes,
                profiled,
                imported_funcs,
            }),
            cached: false,
            names: None,
        })
    }

    /// Reads and compiles a program file (e.g. `target/keel/<name>.wasm`);
    /// the name is the file stem.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, String> {
        let path = path.as_ref();
        let wasm = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path
            .file_stem()
            .map_or_else(String::new, |stem| stem.to_string_lossy().into_owned());
        Self::new(name, &wasm)
    }

    /// Marks the program as in ArbOS's program cache (ArbWasmCache): every
    /// call then pays the cached start-up only.
    pub fn cached(mut self, cached: bool) -> Self {
        self.cached = cached;
        self
    }

    /// The same program with a profiling counter per function: each frame
    /// records the ink of every function (and of its hostios) in
    /// [`super::ExecutionGas::profile`]. The ink charged does not change.
    pub fn profiled(&self) -> Result<Self, String> {
        let wasm = &self.compiled.code[STYLUS_PREFIX.len()..];
        let mut program = Self::compile(self.compiled.name.clone(), wasm, true)?;
        program.cached = self.cached;
        program.names = self.names.clone();
        Ok(program)
    }

    /// Names the program's functions from the `name` section of `wasm`, a
    /// module with the same functions in the same order. Rust symbol hashes
    /// (`::h` and 16 hex digits) are dropped. Fails when `wasm` has another
    /// number of functions or no function names.
    pub fn with_names(self, wasm: &[u8]) -> Result<Self, String> {
        let (functions, names) = function_names(wasm)?;
        self.named(functions, names)
    }

    /// Names the program's defined functions, `names[i]` being the `i`-th
    /// body of the code section (e.g. from the linker's map of the build
    /// whose custom sections `keel build` stripped). Fails when the count
    /// differs from the program's.
    pub fn with_body_names(self, names: Vec<String>) -> Result<Self, String> {
        let imported = self.compiled.imported_funcs;
        let functions = imported as usize + names.len();
        let names = (imported..).zip(names).collect();
        self.named(functions, names)
    }

    fn named(mut self, functions: usize, names: BTreeMap<u32, String>) -> Result<Self, String> {
        let ours = self.compiled.imported_funcs as usize + self.compiled.frame_sizes.len();
        if functions != ours {
            return Err(format!(
                "{}: the names are of {functions} functions, the program has {ours}",
                self.compiled.name
            ));
        }
        if names.is_empty() {
            return Err(format!("{}: no function names", self.compiled.name));
        }
        self.names = Some(Rc::new(names));
        Ok(self)
    }

    /// What activation would store for the program.
    pub fn costs(&self) -> ActivationCosts {
        self.compiled.costs
    }

    /// The stack frame Nitro's depth checker charges for each defined
    /// function, in words (of the 22,000 each instance has).
    pub fn frame_sizes(&self) -> &[u32] {
        &self.compiled.frame_sizes
    }

    /// Start-up gas of a call, cached or not (memory pages not included).
    pub fn startup_gas(&self, cached: bool) -> u64 {
        let costs = self.compiled.costs;
        let uncached = if cached {
            0
        } else {
            pricing::init_gas(costs.init_cost)
        };
        pricing::cached_gas(costs.cached_init_cost) + uncached
    }
}

/// The function count (imports included) and the function names of the
/// `name` section of `wasm`, without Rust's symbol hashes.
fn function_names(wasm: &[u8]) -> Result<(usize, BTreeMap<u32, String>), String> {
    let mut functions = 0;
    let mut names = BTreeMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.map_err(|error| error.to_string())? {
            wasmparser::Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(|error| error.to_string())?;
                    if matches!(import.ty, wasmparser::TypeRef::Func(_)) {
                        functions += 1;
                    }
                }
            }
            wasmparser::Payload::FunctionSection(reader) => functions += reader.count() as usize,
            wasmparser::Payload::CustomSection(section) => {
                let wasmparser::KnownCustom::Name(reader) = section.as_known() else {
                    continue;
                };
                for name in reader.flatten() {
                    let wasmparser::Name::Function(map) = name else {
                        continue;
                    };
                    for naming in map.into_iter().flatten() {
                        names.insert(naming.index, without_hash(naming.name).to_string());
                    }
                }
            }
            _ => {}
        }
    }
    Ok((functions, names))
}

/// `path::to::f::h0123456789abcdef` without its `::h` hash suffix (the
/// legacy Rust mangling's disambiguator, meaningless to a reader).
fn without_hash(name: &str) -> &str {
    match name.rsplit_once("::h") {
        Some((path, hash))
            if hash.len() == 16 && hash.bytes().all(|byte| byte.is_ascii_hexdigit()) =>
        {
            path
        }
        _ => name,
    }
}

/// A slot in a frame's storage cache (`crates/arbutil/src/evm/storage.rs`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CachedWord {
    pub(crate) value: B256,
    /// The value the state holds, when known.
    pub(crate) known: Option<B256>,
}

/// The store data of one wasm frame: what the hostios work on.
pub(crate) struct Frame {
    pub(crate) host: FrameHost,
    pub(crate) world: Rc<RefCell<World>>,
    pub(crate) message: Message,
    pub(crate) memory: Option<Memory>,
    pub(crate) ink_left: Option<Global>,
    pub(crate) ink_status: Option<Global>,
    pub(crate) stack_left: Option<Global>,
    pub(crate) cache: BTreeMap<U256, CachedWord>,
    pub(crate) reads: usize,
    pub(crate) writes: usize,
    /// EVM gas bought by hostios (storage, calls, logs, memory growth).
    pub(crate) evm_gas: u64,
    /// Ink bought by hostios for themselves (not for EVM gas).
    pub(crate) hostio_ink: u64,
    pub(crate) return_data: Vec<u8>,
    /// The account whose code the frame last read: Nitro's EVM API keeps
    /// it, and reading it again costs no EVM gas (`evm/req.rs`, `account_code`).
    pub(crate) last_code: Option<Address>,
    pub(crate) instance: Option<wasmi::Instance>,
}

/// How a frame's execution ended.
enum Ending {
    Status(i32),
    Trapped(HaltReason),
}

impl Program for WasmProgram {
    fn name(&self) -> &str {
        &self.compiled.name
    }

    fn code(&self) -> Bytes {
        self.compiled.code.clone()
    }

    fn execute(&self, host: &FrameHost) -> Status {
        let world = host.world().clone();
        let message = host.message().clone();
        let (budget, slot) = take_budget(&world, &message);

        // Start-up: memory footprint and program initialisation (`CallProgram`).
        let costs = self.compiled.costs;
        let (open, memory_cost, startup, cached) = {
            let mut state = world.borrow_mut();
            let scratch = state.tx_wasm();
            let open = scratch.pages_open;
            let memory_cost = pricing::memory_gas(costs.footprint, open, scratch.pages_ever);
            let recent_hit = !scratch.recent.insert(self.compiled.code_hash);
            let cached = self.cached || recent_hit;
            (open, memory_cost, self.startup_gas(cached), cached)
        };
        let call_cost = memory_cost.saturating_add(startup);
        {
            let mut state = world.borrow_mut();
            let execution = &mut state.tx_gas_mut().execution;
            execution.programs.push(ProgramEntry {
                code_address: message.code_address,
                name: self.compiled.name.clone(),
                cached,
                startup,
            });
        }
        if budget < call_cost {
            let mut state = world.borrow_mut();
            state.tx_gas_mut().execution.startup += budget;
            finish_slot(&mut state, slot, 0);
            state.note_halt(Halt {
                address: message.address,
                reason: HaltReason::Trap(Trap::OutOfGasAtStartUp),
            });
            host.write_result_bytes(&[]);
            return Status::Revert;
        }
        {
            let mut state = world.borrow_mut();
            let execution = &mut state.tx_gas_mut().execution;
            execution.startup += startup;
            execution.memory += memory_cost;
            let scratch = state.tx_wasm();
            scratch.pages_open = open.saturating_add(costs.footprint);
            scratch.pages_ever = scratch.pages_ever.max(scratch.pages_open);
        }

        let ink = (budget - call_cost).saturating_mul(pricing::INK_PER_GAS);
        let frame = Frame {
            host: host.clone(),
            world: world.clone(),
            message: message.clone(),
            memory: None,
            ink_left: None,
            ink_status: None,
            stack_left: None,
            cache: BTreeMap::new(),
            reads: 0,
            writes: 0,
            evm_gas: 0,
            hostio_ink: 0,
            return_data: Vec::new(),
            last_code: None,
            instance: None,
        };
        let mut store = Store::new(&self.compiled.engine, frame);
        let ending = self.run(&mut store, ink, message.data.len());
        let frame_evm_gas = store.data().evm_gas;
        let ink_left = read_ink(&store);
        if self.compiled.profiled {
            self.record_profile(&store);
        }

        let (status, gas_left) = match ending {
            Ending::Status(code) => {
                let status = if code == 0 {
                    Status::Success
                } else {
                    Status::Revert
                };
                (status, ink_left / pricing::INK_PER_GAS)
            }
            Ending::Trapped(reason) => {
                let gas_left = if burns_all_gas(&reason) {
                    0
                } else {
                    ink_left / pricing::INK_PER_GAS
                };
                world.borrow_mut().note_halt(Halt {
                    address: message.address,
                    reason,
                });
                host.write_result_bytes(&[]);
                (Status::Revert, gas_left)
            }
        };
        let used = budget - gas_left.min(budget);
        let (used, status) = charge_return_data(host, budget, used, status);
        let mut state = world.borrow_mut();
        state.tx_gas_mut().execution.ink +=
            used.saturating_sub(call_cost).saturating_sub(frame_evm_gas);
        state.tx_wasm().pages_open = open;
        finish_slot(&mut state, slot, budget - used);
        status
    }
}

impl WasmProgram {
    /// Adds the frame's ink per function to the transaction's profile.
    fn record_profile(&self, store: &Store<Frame>) {
        let Some(instance) = store.data().instance else {
            return;
        };
        let name = &self.compiled.name;
        let mut entries = Vec::new();
        for index in 0.. {
            let export = format!("{}{index}", instrument::PROFILE_PREFIX);
            let Some(global) = instance.get_global(store, &export) else {
                break;
            };
            let Val::I64(ink) = global.get(store) else {
                continue;
            };
            if ink != 0 {
                let function = self.compiled.imported_funcs + index;
                let names = self.names.as_ref();
                entries.push(super::FunctionInk {
                    program: name.clone(),
                    function: Some(function),
                    name: names.and_then(|names| names.get(&function).cloned()),
                    ink: ink as u64,
                });
            }
        }
        entries.push(super::FunctionInk {
            program: name.clone(),
            function: None,
            name: Some("(hostios)".into()),
            ink: store.data().hostio_ink,
        });
        let mut state = store.data().world.borrow_mut();
        state.tx_gas_mut().execution.profile.extend(entries);
    }

    /// Instantiates the program in `store`, fills its ink and runs
    /// `user_entrypoint(len)`.
    fn run(&self, store: &mut Store<Frame>, ink: u64, len: usize) -> Ending {
        let compiled = &self.compiled;
        let instance = match compiled
            .linker
            .instantiate_and_start(&mut *store, &compiled.module)
        {
            Ok(instance) => instance,
            Err(error) => return Ending::Trapped(classify(&error, 0)),
        };
        let memory = instance.get_memory(&*store, "memory");
        let ink_left = instance.get_global(&*store, instrument::INK_LEFT);
        let ink_status = instance.get_global(&*store, instrument::INK_STATUS);
        let stack_left = instance.get_global(&*store, instrument::STACK_LEFT);
        let (Some(ink_left), Some(ink_status), Some(stack_left)) =
            (ink_left, ink_status, stack_left)
        else {
            return Ending::Trapped(HaltReason::Trap(Trap::Other("no meter globals".into())));
        };
        let depth = Val::I32(depth::MAX_STACK_DEPTH as i32);
        if ink_left.set(&mut *store, Val::I64(ink as i64)).is_err()
            || stack_left.set(&mut *store, depth).is_err()
        {
            return Ending::Trapped(HaltReason::Trap(Trap::Other("meter globals".into())));
        }
        {
            let frame = store.data_mut();
            frame.memory = memory;
            frame.ink_left = Some(ink_left);
            frame.ink_status = Some(ink_status);
            frame.stack_left = Some(stack_left);
            frame.instance = Some(instance);
        }
        let entry = match instance.get_typed_func::<i32, i32>(&*store, "user_entrypoint") {
            Ok(entry) => entry,
            Err(error) => {
                return Ending::Trapped(HaltReason::Trap(Trap::Other(error.to_string())));
            }
        };
        let len = i32::try_from(len).unwrap_or(i32::MAX);
        match entry.call(&mut *store, len) {
            Ok(code) => Ending::Status(code),
            Err(error) => {
                let status = match ink_status.get(&*store) {
                    Val::I32(status) => status,
                    _ => 0,
                };
                if let Some(HostStop::Exit(code)) = error.downcast_ref::<HostStop>() {
                    return Ending::Status(*code as i32);
                }
                let out_of_stack = matches!(stack_left.get(&*store), Val::I32(0));
                if out_of_stack && status == 0 && error.downcast_ref::<HostStop>().is_none() {
                    return Ending::Trapped(HaltReason::Trap(Trap::StackOverflow));
                }
                Ending::Trapped(classify(&error, status))
            }
        }
    }
}

/// The ink left in a frame's meter (zero when exhausted).
fn read_ink(store: &Store<Frame>) -> u64 {
    let frame = store.data();
    let (Some(ink), Some(status)) = (frame.ink_left, frame.ink_status) else {
        return 0;
    };
    match (ink.get(store), status.get(store)) {
        (Val::I64(ink), Val::I32(0)) => ink as u64,
        _ => 0,
    }
}

/// A frame returning data uses at least the EVM's memory cost of it; when
/// its whole budget does not cover that, the call fails out of gas with no
/// data and uses all of it (`programs.go`, `CallProgram`, since ArbOS's
/// `StylusFixes`). Returns the gas used and the status.
fn charge_return_data(host: &FrameHost, budget: u64, used: u64, status: Status) -> (u64, Status) {
    let len = host.result_len();
    if len == 0 {
        return (used, status);
    }
    let cost = pricing::evm_memory_cost(len);
    if cost > budget {
        host.write_result_bytes(&[]);
        return (budget, Status::Revert);
    }
    (used.max(cost), status)
}

/// Whether a trap consumes the frame's gas. Nitro maps out of ink (and
/// memory beyond its limit, priced at `u64::MAX`) to `ErrOutOfGas` and out
/// of stack to `ErrDepth`, errors after which the EVM keeps no gas; any
/// other failure (an `unreachable`, a bad memory access, a hostio error such
/// as a write in a static frame) is `userFailure`, which `toResult` turns
/// into `ErrExecutionReverted`: the ink left goes back to the caller
/// (`arbos/programs/programs.go`, `userStatus.toResult`;
/// `crates/stylus/src/lib.rs`, `stylus_call`).
fn burns_all_gas(reason: &HaltReason) -> bool {
    matches!(
        reason,
        HaltReason::Trap(
            Trap::OutOfInk | Trap::MemoryLimit | Trap::StackOverflow | Trap::OutOfGasAtStartUp
        )
    )
}

/// Why a frame stopped, from the interpreter's error and the ink status.
fn classify(error: &wasmi::Error, ink_status: i32) -> HaltReason {
    if let Some(stop) = error.downcast_ref::<HostStop>() {
        return match stop {
            HostStop::Halt(reason) => reason.clone(),
            HostStop::Exit(code) => HaltReason::Trap(Trap::Other(format!("exit {code}"))),
        };
    }
    if ink_status != 0 {
        return HaltReason::Trap(Trap::OutOfInk);
    }
    let trap = match error.as_trap_code() {
        Some(wasmi::TrapCode::UnreachableCodeReached) => Trap::Unreachable,
        Some(wasmi::TrapCode::StackOverflow) => Trap::StackOverflow,
        Some(wasmi::TrapCode::MemoryOutOfBounds) => Trap::MemoryOutOfBounds,
        Some(code) => Trap::Other(code.to_string()),
        None => Trap::Other(error.to_string()),
    };
    HaltReason::Trap(trap)
}

/// The gas a frame starts with: what its wasm caller gave it, else (a
/// top-level frame) the transaction's gas limit less the intrinsic gas,
/// else (called by a native frame) the transaction's gas limit.
fn take_budget(world: &Rc<RefCell<World>>, message: &Message) -> (u64, Option<usize>) {
    let mut state = world.borrow_mut();
    let limit = state.env().gas_limit;
    let intrinsic = state.tx_gas_mut().execution.intrinsic;
    let scratch = state.tx_wasm();
    let index = scratch.pending.len().checked_sub(1);
    if let Some(index) = index {
        let pending = &mut scratch.pending[index];
        if pending.depth == message.depth && !pending.taken {
            pending.taken = true;
            return (pending.gas, Some(index));
        }
    }
    let budget = if message.depth == 0 {
        limit.saturating_sub(intrinsic)
    } else {
        limit
    };
    (budget, None)
}

fn finish_slot(state: &mut World, slot: Option<usize>, returned: u64) {
    if let Some(index) = slot {
        if let Some(pending) = state.tx_wasm().pending.get_mut(index) {
            pending.returned = Some(returned);
        }
    }
}

/// Registers the gas handed to a call a wasm frame makes; see [`take_budget`].
pub(crate) fn push_pending(world: &Rc<RefCell<World>>, depth: usize, gas: u64) {
    world.borrow_mut().tx_wasm().pending.push(PendingCall {
        depth,
        gas,
        taken: false,
        returned: None,
    });
}

/// Removes the innermost pending call; returns it.
pub(crate) fn pop_pending(world: &Rc<RefCell<World>>) -> Option<PendingCall> {
    world.borrow_mut().tx_wasm().pending.pop()
}

#[cfg(test)]
mod tests {
    use super::without_hash;

    #[test]
    fn symbol_hashes_are_dropped() {
        assert_eq!(
            without_hash("keel_math::wide::div_rem::h0123456789abcdef"),
            "keel_math::wide::div_rem"
        );
        // Not a hash: too short, or not hex.
        assert_eq!(without_hash("a::hash"), "a::hash");
        assert_eq!(without_hash("a::h0123456789abcdeg"), "a::h0123456789abcdeg");
        assert_eq!(without_hash("user_entrypoint"), "user_entrypoint");
    }
}

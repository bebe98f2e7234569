//! Nitro's instrumentation of a Stylus program, rebuilt on wasm-encoder:
//! the ink meter (`crates/prover/src/programs/meter.rs`), the dynamic meter
//! of `memory.fill` / `memory.copy` (`dynamic.rs`) and the heap bound that
//! calls `pay_for_memory_grow` before `memory.grow` (`heap.rs`), applied in
//! Nitro's order, plus the activation measurements that price start-up
//! (`crates/prover/src/binary.rs`, `WasmBinary::instrument`).
//!
//! The meter works on basic blocks: the instructions up to and including one
//! that ends a block (see [`pricing::ends_basic_block`]) are priced with
//! [`pricing::op_ink`], and the block is preceded by a check that the
//! `stylus_ink_left` global holds at least the block's price plus
//! [`pricing::INK_HEADER`] (else `stylus_ink_status` is set to 1 and the
//! program traps) and by its subtraction. Code inserted by the dynamic meter
//! and the heap bound is not itself metered, as in Nitro, where those
//! middlewares run after the meter.

use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ConstExpr, ExportKind, ExportSection, GlobalSection, GlobalType, SectionId,
    ValType,
};
use wasmparser::{BlockType, FunctionBody, Operator, Parser, Payload, TypeRef};

use super::{depth, pricing};

/// Export name of the ink global (Nitro's `STYLUS_INK_LEFT`).
pub const INK_LEFT: &str = "stylus_ink_left";
/// Export name of the ink status global (Nitro's `STYLUS_INK_STATUS`).
pub const INK_STATUS: &str = "stylus_ink_status";
/// Export name of the depth checker's global (Nitro's `STYLUS_STACK_LEFT`).
pub const STACK_LEFT: &str = "stylus_stack_left";
/// Globals Nitro's instrumentation adds: ink left, ink status, the dynamic
/// meter's scratch and the depth checker's stack budget.
const NITRO_ADDED_GLOBALS: u64 = 4;

/// What activation stores for a program (`binary.rs`, `StylusData`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivationCosts {
    /// Start-up cost of an uncached call, before scaling (`init_cost`).
    pub init_cost: u16,
    /// Start-up cost of every call, before scaling (`cached_init_cost`).
    pub cached_init_cost: u16,
    /// Initial memory pages, paid for on every call (`footprint`).
    pub footprint: u16,
}

/// A program ready for the interpreter.
#[derive(Debug)]
pub struct Instrumented {
    /// The instrumented module.
    pub wasm: Vec<u8>,
    /// Its activation measurements (of the original module).
    pub costs: ActivationCosts,
    /// The depth checker's frame size of each defined function, in words.
    pub frame_sizes: Vec<u32>,
}

/// The shape of a module, read before rewriting it.
#[derive(Default)]
struct Shape {
    /// Parameter count of each type index.
    type_params: Vec<u64>,
    /// `params + results` of each type index.
    type_lens: Vec<u64>,
    /// `(params, results)` of each type index.
    signatures: Vec<(u32, u32)>,
    /// Type index of each function, imports first.
    func_types: Vec<u32>,
    imported_funcs: u32,
    imported_globals: u32,
    defined_globals: u32,
    has_global_section: bool,
    has_export_section: bool,
    pay_for_memory_grow: Option<u32>,
    memory_min: Option<u64>,
    memory_max: Option<u64>,
    funcs: u64,
    type_len: u64,
    data_len: u64,
    has_entrypoint: bool,
}

fn read_shape(wasm: &[u8]) -> Result<Shape, String> {
    let mut shape = Shape::default();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|error| error.to_string())? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    let ty = ty.map_err(|error| error.to_string())?;
                    shape.type_params.push(ty.params().len() as u64);
                    shape
                        .signatures
                        .push((ty.params().len() as u32, ty.results().len() as u32));
                    shape
                        .type_lens
                        .push((ty.params().len() + ty.results().len()) as u64);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(|error| error.to_string())?;
                    if import.module != "vm_hooks" {
                        return Err(format!(
                            "import {}::{} is outside vm_hooks",
                            import.module, import.name
                        ));
                    }
                    match import.ty {
                        TypeRef::Func(ty) => {
                            shape.func_types.push(ty);
                            if import.name == "pay_for_memory_grow" {
                                shape.pay_for_memory_grow = Some(shape.imported_funcs);
                            }
                            shape.imported_funcs += 1;
                        }
                        TypeRef::Global(_) => shape.imported_globals += 1,
                        _ => return Err(format!("import {} is not a function", import.name)),
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    let ty = ty.map_err(|error| error.to_string())?;
                    shape.func_types.push(ty);
                    let len = shape.type_lens.get(ty as usize).copied();
                    shape.type_len += len.ok_or("function of an unknown type")?;
                }
            }
            Payload::GlobalSection(reader) => {
                shape.has_global_section = true;
                shape.defined_globals = reader.count();
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    let memory = memory.map_err(|error| error.to_string())?;
                    shape.memory_min = Some(memory.initial);
                    shape.memory_max = memory.maximum;
                }
            }
            Payload::ExportSection(reader) => {
                shape.has_export_section = true;
                for export in reader {
                    let export = export.map_err(|error| error.to_string())?;
                    if export.name == "user_entrypoint" {
                        shape.has_entrypoint = true;
                    }
                }
            }
            Payload::StartSection { .. } => return Err("a start function".into()),
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(|error| error.to_string())?;
                    shape.data_len += data.range.end - data.range.start;
                }
            }
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element.map_err(|error| error.to_string())?;
                    shape.data_len += element.range.end - element.range.start;
                }
            }
            Payload::CodeSectionStart { count, .. } => shape.funcs = u64::from(count),
            _ => {}
        }
    }
    if !shape.has_entrypoint || !shape.has_export_section {
        return Err("no user_entrypoint export".into());
    }
    Ok(shape)
}

/// Nitro's start-up measurements (`binary.rs`, `WasmBinary::instrument`):
/// integer terms over function bodies, parameter-plus-result counts of their
/// types, wasm bytes, globals after instrumentation, encoded bytes of data
/// and element segments and initial pages.
fn activation_costs(shape: &Shape, wasm_len: u64) -> Result<ActivationCosts, String> {
    let globals = u64::from(shape.imported_globals + shape.defined_globals) + NITRO_ADDED_GLOBALS;
    let footprint = shape.memory_min.unwrap_or(0);
    if footprint > u64::from(pricing::PAGE_LIMIT) {
        return Err(format!(
            "memory size {footprint} exceeds bound {}",
            pricing::PAGE_LIMIT
        ));
    }
    let cached = shape.funcs * 13_420 / 100_000
        + shape.type_len * 89 / 100_000
        + wasm_len * 122 / 100_000
        + globals * 1_628 / 1_000
        + shape.data_len * 75_244 / 100_000
        + footprint * 5;
    // Stylus version 2: the cached part is not in `init_cost`.
    let init =
        shape.funcs * 8_252 / 1_000 + shape.type_len * 1_059 / 1_000 + wasm_len * 1_286 / 10_000;
    Ok(ActivationCosts {
        init_cost: u16::try_from(init).map_err(|_| "init cost too high")?,
        cached_init_cost: u16::try_from(cached).map_err(|_| "cached cost too high")?,
        footprint: footprint as u16,
    })
}

/// Export name prefix of the profiling counters: `keel_ink_<i>` holds the
/// ink of the blocks of the `i`-th defined function.
pub const PROFILE_PREFIX: &str = "keel_ink_";

/// Instruments `wasm` (a processed Stylus program) for metered execution.
#[cfg(test)]
pub fn instrument(wasm: &[u8]) -> Result<Instrumented, String> {
    instrument_with(wasm, false)
}

/// [`instrument`], and with `profile` a counter per defined function that
/// each block header adds its ink to (the counters are not metered and do
/// not change the ink charged).
pub fn instrument_with(wasm: &[u8], profile: bool) -> Result<Instrumented, String> {
    let shape = read_shape(wasm)?;
    let costs = activation_costs(&shape, wasm.len() as u64)?;
    let first_new = shape.imported_globals + shape.defined_globals;
    // The heap bound applies only to memories that can grow (`heap.rs`).
    let grows = shape.memory_max != shape.memory_min || shape.memory_min.is_none();
    let mut meter = Meter {
        ink: first_new,
        status: first_new + 1,
        scratch: first_new + 2,
        depth: first_new + 3,
        signatures: shape.signatures,
        func_types: shape.func_types,
        pay_func: if grows {
            shape.pay_for_memory_grow
        } else {
            None
        },
        type_params: shape.type_params,
        needs_global_section: !shape.has_global_section,
        frame_sizes: Vec::new(),
        error: None,
        profile: profile.then_some(Profile {
            first: first_new + 4,
            funcs: shape.funcs as u32,
            current: 0,
        }),
    };
    let mut module = wasm_encoder::Module::new();
    let result = meter.parse_core_module(&mut module, Parser::new(0), wasm);
    if let Some(error) = meter.error.take() {
        return Err(error);
    }
    result.map_err(|error| format!("{error:?}"))?;
    Ok(Instrumented {
        wasm: module.finish(),
        costs,
        frame_sizes: meter.frame_sizes,
    })
}

struct Meter {
    ink: u32,
    status: u32,
    scratch: u32,
    depth: u32,
    signatures: Vec<(u32, u32)>,
    func_types: Vec<u32>,
    pay_func: Option<u32>,
    type_params: Vec<u64>,
    needs_global_section: bool,
    frame_sizes: Vec<u32>,
    error: Option<String>,
    profile: Option<Profile>,
}

/// The profiling counters: one global per defined function from `first`.
struct Profile {
    first: u32,
    funcs: u32,
    current: u32,
}

/// Position of a section in a module (binary format order).
fn section_rank(id: SectionId) -> u8 {
    match id {
        SectionId::Custom => 0,
        SectionId::Type => 1,
        SectionId::Import => 2,
        SectionId::Function => 3,
        SectionId::Table => 4,
        SectionId::Memory => 5,
        SectionId::Tag => 6,
        SectionId::Global => 7,
        SectionId::Export => 8,
        SectionId::Start => 9,
        SectionId::Element => 10,
        SectionId::DataCount => 11,
        SectionId::Code => 12,
        SectionId::Data => 13,
    }
}

impl Meter {
    fn add_globals(&self, globals: &mut GlobalSection) {
        let global = |val_type, mutable| GlobalType {
            val_type,
            mutable,
            shared: false,
        };
        globals.global(global(ValType::I64, true), &ConstExpr::i64_const(0));
        globals.global(global(ValType::I32, true), &ConstExpr::i32_const(0));
        globals.global(global(ValType::I32, true), &ConstExpr::i32_const(0));
        globals.global(global(ValType::I32, true), &ConstExpr::i32_const(0));
        if let Some(profile) = &self.profile {
            for _ in 0..profile.funcs {
                globals.global(global(ValType::I64, true), &ConstExpr::i64_const(0));
            }
        }
    }

    /// Nitro's ink meter (`meter.rs`): before each basic block, a check and
    /// charge of its ink plus the header cost.
    fn meter<'a>(&self, ops: Vec<Operator<'a>>) -> Vec<Operator<'a>> {
        let mut out = Vec::with_capacity(ops.len() * 2);
        let mut block: Vec<Operator<'a>> = Vec::new();
        let mut cost: u64 = 0;
        for op in ops {
            let ends = pricing::ends_basic_block(&op);
            let params = &self.type_params;
            let op_cost = pricing::op_ink(&op, |index| {
                params.get(index as usize).copied().unwrap_or(u64::MAX)
            });
            cost = cost.saturating_add(op_cost);
            block.push(op);
            if ends {
                let value = cost.saturating_add(pricing::INK_HEADER) as i64;
                out.extend([
                    Operator::GlobalGet {
                        global_index: self.ink,
                    },
                    Operator::I64Const { value },
                    Operator::I64LtU,
                    Operator::If {
                        blockty: BlockType::Empty,
                    },
                    Operator::I32Const { value: 1 },
                    Operator::GlobalSet {
                        global_index: self.status,
                    },
                    Operator::Unreachable,
                    Operator::End,
                    Operator::GlobalGet {
                        global_index: self.ink,
                    },
                    Operator::I64Const { value },
                    Operator::I64Sub,
                    Operator::GlobalSet {
                        global_index: self.ink,
                    },
                ]);
                if let Some(profile) = &self.profile {
                    let global_index = profile.first + profile.current;
                    out.extend([
                        Operator::GlobalGet { global_index },
                        Operator::I64Const { value },
                        Operator::I64Add,
                        Operator::GlobalSet { global_index },
                    ]);
                }
                out.append(&mut block);
                cost = 0;
            }
        }
        out.append(&mut block);
        out
    }

    /// Nitro's dynamic meter (`dynamic.rs`): `memory.fill` and `memory.copy`
    /// pay per byte, the size being the operand on top of the stack.
    fn dynamic<'a>(&mut self, ops: Vec<Operator<'a>>) -> Vec<Operator<'a>> {
        let mut out = Vec::with_capacity(ops.len());
        let (ink, status, scratch) = (self.ink, self.status, self.scratch);
        for op in ops {
            let coefficient = match op {
                Operator::MemoryFill { .. } => Some(pricing::MEMORY_FILL_INK_PER_BYTE),
                Operator::MemoryCopy { .. } => Some(pricing::MEMORY_COPY_INK_PER_BYTE),
                Operator::MemoryInit { .. }
                | Operator::DataDrop { .. }
                | Operator::ElemDrop { .. }
                | Operator::TableInit { .. }
                | Operator::TableCopy { .. }
                | Operator::TableFill { .. }
                | Operator::TableGet { .. }
                | Operator::TableSet { .. }
                | Operator::TableGrow { .. }
                | Operator::TableSize { .. } => {
                    self.error
                        .get_or_insert_with(|| format!("opcode not supported: {op:?}"));
                    None
                }
                _ => None,
            };
            if let Some(coefficient) = coefficient {
                out.extend([
                    Operator::GlobalSet {
                        global_index: scratch,
                    },
                    Operator::GlobalGet { global_index: ink },
                    Operator::GlobalGet { global_index: ink },
                    Operator::GlobalGet {
                        global_index: scratch,
                    },
                    Operator::I64ExtendI32U,
                    Operator::I64Const {
                        value: coefficient as i64,
                    },
                    Operator::I64Mul,
                    Operator::I64Sub,
                    Operator::GlobalSet { global_index: ink },
                    Operator::GlobalGet { global_index: ink },
                    Operator::I64LtU,
                    Operator::If {
                        blockty: BlockType::Empty,
                    },
                    Operator::I32Const { value: 1 },
                    Operator::GlobalSet {
                        global_index: status,
                    },
                    Operator::Unreachable,
                    Operator::End,
                    Operator::GlobalGet {
                        global_index: scratch,
                    },
                ]);
            }
            out.push(op);
        }
        out
    }

    /// Nitro's depth checker (`depth.rs`, see [`depth`]): charge the frame on
    /// entry, give it back before every return (an explicit `return` is
    /// added before the function's final `end`).
    fn depth<'a>(&mut self, mut ops: Vec<Operator<'a>>, locals: u32) -> Vec<Operator<'a>> {
        let sigs = depth::Signatures {
            types: &self.signatures,
            funcs: &self.func_types,
        };
        let size = match depth::frame_size(&ops, locals, &sigs) {
            Ok(size) => {
                self.frame_sizes.push(size);
                size as i32
            }
            Err(error) => {
                self.error.get_or_insert(error);
                return ops;
            }
        };
        let global_index = self.depth;
        let mut out = Vec::with_capacity(ops.len() + 16);
        out.extend([
            Operator::GlobalGet { global_index },
            Operator::I32Const { value: size },
            Operator::I32LeU,
            Operator::If {
                blockty: BlockType::Empty,
            },
            Operator::I32Const { value: 0 },
            Operator::GlobalSet { global_index },
            Operator::Unreachable,
            Operator::End,
            Operator::GlobalGet { global_index },
            Operator::I32Const { value: size },
            Operator::I32Sub,
            Operator::GlobalSet { global_index },
        ]);
        if let Some(last) = ops.pop() {
            ops.push(Operator::Return);
            ops.push(last);
        }
        for op in ops {
            if matches!(op, Operator::Return) {
                out.extend([
                    Operator::GlobalGet { global_index },
                    Operator::I32Const { value: size },
                    Operator::I32Add,
                    Operator::GlobalSet { global_index },
                ]);
            }
            out.push(op);
        }
        out
    }

    /// Nitro's heap bound (`heap.rs`): `pay_for_memory_grow` with the pages
    /// about to be added, before each `memory.grow`.
    fn heap_bound<'a>(&self, ops: Vec<Operator<'a>>) -> Vec<Operator<'a>> {
        let Some(function_index) = self.pay_func else {
            return ops;
        };
        let global_index = self.scratch;
        let mut out = Vec::with_capacity(ops.len());
        for op in ops {
            if matches!(op, Operator::MemoryGrow { .. }) {
                out.extend([
                    Operator::GlobalSet { global_index },
                    Operator::GlobalGet { global_index },
                    Operator::GlobalGet { global_index },
                    Operator::Call { function_index },
                ]);
            }
            out.push(op);
        }
        out
    }
}

impl Reencode for Meter {
    type Error = std::convert::Infallible;

    fn parse_global_section(
        &mut self,
        globals: &mut GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        reencode::utils::parse_global_section(self, globals, section)?;
        self.add_globals(globals);
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        let global = section_rank(SectionId::Global);
        let after_ok = after.is_none_or(|id| section_rank(id) < global);
        let before_ok = before.is_none_or(|id| section_rank(id) > global);
        if self.needs_global_section && after_ok && before_ok {
            let mut globals = GlobalSection::new();
            self.add_globals(&mut globals);
            module.section(&globals);
            self.needs_global_section = false;
        }
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        reencode::utils::parse_export_section(self, exports, section)?;
        exports.export(INK_LEFT, ExportKind::Global, self.ink);
        exports.export(INK_STATUS, ExportKind::Global, self.status);
        exports.export(STACK_LEFT, ExportKind::Global, self.depth);
        if let Some(profile) = &self.profile {
            for index in 0..profile.funcs {
                let name = format!("{PROFILE_PREFIX}{index}");
                exports.export(&name, ExportKind::Global, profile.first + index);
            }
        }
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        func: FunctionBody<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        let mut function = self.new_function_with_parsed_locals(&func)?;
        let mut locals: u32 = 0;
        for pair in func.get_locals_reader()? {
            locals = locals.saturating_add(pair?.0);
        }
        let mut reader = func.get_operators_reader()?;
        let mut ops = Vec::new();
        while !reader.eof() {
            ops.push(reader.read()?);
        }
        // Nitro's order: meter, dynamic meter, depth checker, heap bound.
        let ops = self.meter(ops);
        let ops = self.dynamic(ops);
        let ops = self.depth(ops, locals);
        for op in self.heap_bound(ops) {
            function.instruction(&RoundtripReencoder.instruction(op)?);
        }
        code.function(&function);
        if let Some(profile) = &mut self.profile {
            profile.current += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wat(text: &str) -> Vec<u8> {
        wat::parse_str(text).unwrap()
    }

    #[test]
    fn activation_costs_follow_nitro_terms() {
        // 1 function of type (i32) -> i32 (type_len 2), 1 global (+4 added),
        // 4 data bytes in a segment encoded in 9 bytes, 1 page.
        let wasm = wat(r#"(module
            (memory (export "memory") 1)
            (global (mut i32) (i32.const 0))
            (data (i32.const 0) "abcd")
            (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#);
        let out = instrument(&wasm).unwrap();
        let len = wasm.len() as u64;
        let (funcs, type_len, globals, data_len, pages) = (1u64, 2u64, 5u64, 9u64, 1u64);
        let cached = funcs * 13_420 / 100_000
            + type_len * 89 / 100_000
            + len * 122 / 100_000
            + globals * 1_628 / 1_000
            + data_len * 75_244 / 100_000
            + pages * 5;
        let init = funcs * 8_252 / 1_000 + type_len * 1_059 / 1_000 + len * 1_286 / 10_000;
        assert_eq!(out.costs.cached_init_cost as u64, cached);
        assert_eq!(out.costs.init_cost as u64, init);
        assert_eq!(out.costs.footprint, 1);
    }

    #[test]
    fn frame_sizes_match_nitros_depth_test() {
        // Nitro's `crates/stylus/tests/depth.wat` (its import renamed into
        // vm_hooks): `recurse` holds at most 3 values at once, has 2 locals,
        // plus 4: 9 words, as Nitro's `test_depth` expects. The meter's
        // header (2 values) never exceeds that. The entrypoint: the header's
        // 2 values, no locals, plus 4.
        let wasm = wat(r#"(module
            (import "vm_hooks" "exit_early" (func (param i32)))
            (memory 0 0)
            (export "memory" (memory 0))
            (global $depth (export "depth") (mut i32) (i32.const 0))
            (func $recurse (export "recurse") (param $ignored i64) (local f32 f64)
                local.get $ignored
                global.get $depth
                i32.const 1
                i32.add
                global.set $depth
                call $recurse)
            (func (export "user_entrypoint") (param $args_len i32) (result i32)
                (i32.const 0)))"#);
        assert_eq!(instrument(&wasm).unwrap().frame_sizes, [9, 6]);
    }

    #[test]
    fn rejects_what_nitro_rejects() {
        let foreign = wat(r#"(module (import "env" "f" (func))
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#);
        assert!(instrument(&foreign)
            .unwrap_err()
            .contains("outside vm_hooks"));
        let no_entry = wat(r#"(module (func (export "main")))"#);
        assert!(instrument(&no_entry)
            .unwrap_err()
            .contains("user_entrypoint"));
        let start = wat(r#"(module (func $s) (start $s)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#);
        assert!(instrument(&start).unwrap_err().contains("start"));
    }

    #[test]
    fn output_validates_and_exports_the_meter() {
        let wasm = wat(r#"(module
            (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
            (memory (export "memory") 1)
            (func (export "user_entrypoint") (param i32) (result i32)
                (drop (memory.grow (i32.const 1)))
                (memory.fill (i32.const 0) (i32.const 0) (i32.const 8))
                (if (local.get 0) (then (return (i32.const 1))))
                i32.const 0))"#);
        let out = instrument(&wasm).unwrap();
        let mut validator = wasmparser::Validator::new();
        validator.validate_all(&out.wasm).unwrap();
        let exports: Vec<String> = Parser::new(0)
            .parse_all(&out.wasm)
            .filter_map(|payload| match payload.unwrap() {
                Payload::ExportSection(reader) => Some(
                    reader
                        .into_iter()
                        .map(|export| export.unwrap().name.to_string())
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            })
            .flatten()
            .collect();
        assert!(exports.contains(&INK_LEFT.to_string()));
        assert!(exports.contains(&INK_STATUS.to_string()));
    }
}

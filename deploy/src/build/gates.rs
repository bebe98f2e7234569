//! Nitro's activation rules, checked on processed wasm before deployment.
//!
//! ArbOS refuses to activate a program that breaks any of these rules, and
//! the deployment fee is lost with it, so `keel build` fails first and names
//! the rule. Wasm features are checked with wasmparser's validator: the
//! module must validate with exactly the features Nitro supports; when it
//! does not, each forbidden feature is re-enabled in turn (leave-one-out) to
//! name every rule the module breaks.

use crate::build::process::{CodeLayout, MAX_CODE_BYTES, MAX_FRAGMENTS, MAX_WASM_BYTES};
use std::fmt;
use wasmparser::{
    ExternalKind, FuncType, Parser, Payload, TypeRef, ValType, Validator, WasmFeatures,
};

/// The only import module Stylus provides.
pub const HOST_MODULE: &str = "vm_hooks";
/// The exported function Nitro calls with the calldata length.
pub const ENTRYPOINT: &str = "user_entrypoint";
/// Nitro's memory page limit (64 KiB pages, 8 MiB).
pub const MAX_INITIAL_PAGES: u64 = 128;
/// Nitro's limit on function bodies in a module.
pub const MAX_FUNCTIONS: usize = 4_096;

/// One of Nitro's activation rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Rule {
    /// The module must parse and use only features Nitro knows.
    SupportedWasm,
    /// Every import comes from `vm_hooks`.
    ImportsOnlyFromVmHooks,
    /// `user_entrypoint: (i32) -> i32` is exported.
    EntrypointExported,
    /// The linear memory is exported as `memory`.
    MemoryExported,
    /// No reference-types proposal constructs.
    NoReferenceTypes,
    /// No SIMD.
    NoSimd,
    /// No threads (shared memory, atomics).
    NoThreads,
    /// No function or block returning several values.
    NoMultiValue,
    /// No start function.
    NoStartFunction,
    /// At most 128 initial memory pages.
    MaxInitialMemoryPages,
    /// At most 4,096 functions.
    MaxFunctions,
    /// No floating-point type or instruction (they cost infinite ink).
    NoFloatingPoint,
    /// Compressed code fits one account (24,576 bytes), or at most
    /// [`MAX_FRAGMENTS`] fragments of
    /// that size (ArbOS 60+).
    MaxCompressedSize,
    /// Decompressed (processed) wasm is at most `MaxWasmSize` (128 KiB).
    MaxDecompressedSize,
    /// Activation stores the start-up costs as `u16`: larger ones fail.
    InitCostFitsU16,
}

impl Rule {
    /// The rule as users read it in error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Rule::SupportedWasm => "well-formed wasm using only supported features",
            Rule::ImportsOnlyFromVmHooks => "imports only from vm_hooks",
            Rule::EntrypointExported => "user_entrypoint exported as (i32) -> i32",
            Rule::MemoryExported => "memory exported",
            Rule::NoReferenceTypes => "no reference types",
            Rule::NoSimd => "no SIMD",
            Rule::NoThreads => "no threads",
            Rule::NoMultiValue => "no multi-value",
            Rule::NoStartFunction => "no start function",
            Rule::MaxInitialMemoryPages => "at most 128 initial memory pages",
            Rule::MaxFunctions => "at most 4096 functions",
            Rule::NoFloatingPoint => "no floating-point instructions",
            Rule::MaxCompressedSize => {
                "compressed code in one account or at most 2 fragments of 24576 bytes"
            }
            Rule::MaxDecompressedSize => "at most 131072 bytes of decompressed wasm",
            Rule::InitCostFitsU16 => "start-up cost fits u16 (at most 65535)",
        }
    }
}

/// A broken rule and what broke it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule.
    pub rule: Rule,
    /// What in the module breaks it.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule \"{}\": {}", self.rule.describe(), self.detail)
    }
}

fn violation(rule: Rule, detail: impl Into<String>) -> Violation {
    Violation {
        rule,
        detail: detail.into(),
    }
}

/// Features Nitro accepts. `GC_TYPES` only un-gates `funcref` tables, which
/// MVP indirect calls need.
fn supported_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::GC_TYPES
}

fn forbidden_features() -> [(WasmFeatures, Rule); 5] {
    [
        (WasmFeatures::REFERENCE_TYPES, Rule::NoReferenceTypes),
        (
            WasmFeatures::SIMD | WasmFeatures::RELAXED_SIMD,
            Rule::NoSimd,
        ),
        (
            WasmFeatures::THREADS | WasmFeatures::SHARED_EVERYTHING_THREADS,
            Rule::NoThreads,
        ),
        (WasmFeatures::MULTI_VALUE, Rule::NoMultiValue),
        (
            WasmFeatures::FLOATS | WasmFeatures::SATURATING_FLOAT_TO_INT,
            Rule::NoFloatingPoint,
        ),
    ]
}

fn validate(wasm: &[u8], features: WasmFeatures) -> Result<(), String> {
    Validator::new_with_features(features)
        .validate_all(wasm)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn check_features(wasm: &[u8]) -> Vec<Violation> {
    let Err(message) = validate(wasm, supported_features()) else {
        return Vec::new();
    };
    let everything = forbidden_features()
        .iter()
        .fold(supported_features(), |acc, (f, _)| acc | *f);
    if let Err(other) = validate(wasm, everything) {
        return vec![violation(Rule::SupportedWasm, other)];
    }
    let broken: Vec<Violation> = forbidden_features()
        .iter()
        .filter(|(feature, _)| validate(wasm, everything.difference(*feature)).is_err())
        .map(|(_, rule)| violation(*rule, format!("validator: {message}")))
        .collect();
    if broken.is_empty() {
        // Only a combination of forbidden features validates: report them all.
        return vec![violation(Rule::SupportedWasm, message)];
    }
    broken
}

/// What the structural checks need from a module.
#[derive(Default)]
struct Shape {
    imports: Vec<(String, String)>,
    entrypoint_type: Option<Option<FuncType>>,
    memory_exported: bool,
    has_start: bool,
    initial_pages: u64,
    function_bodies: usize,
}

fn read_shape(wasm: &[u8]) -> Result<Shape, String> {
    let mut shape = Shape::default();
    let mut types: Vec<FuncType> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut entry_index = None;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    types.push(ty.map_err(|e| e.to_string())?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(|e| e.to_string())?;
                    if let TypeRef::Func(ty) = import.ty {
                        func_types.push(ty);
                    }
                    shape
                        .imports
                        .push((import.module.to_owned(), import.name.to_owned()));
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    func_types.push(ty.map_err(|e| e.to_string())?);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    let memory = memory.map_err(|e| e.to_string())?;
                    shape.initial_pages = shape.initial_pages.max(memory.initial);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|e| e.to_string())?;
                    match (export.name, export.kind) {
                        (ENTRYPOINT, ExternalKind::Func) => entry_index = Some(export.index),
                        ("memory", ExternalKind::Memory) => shape.memory_exported = true,
                        _ => {}
                    }
                }
            }
            Payload::StartSection { .. } => shape.has_start = true,
            Payload::CodeSectionEntry(_) => shape.function_bodies += 1,
            _ => {}
        }
    }
    shape.entrypoint_type = entry_index.map(|index| {
        let ty = func_types.get(usize::try_from(index).ok()?)?;
        types.get(usize::try_from(*ty).ok()?).cloned()
    });
    Ok(shape)
}

fn check_shape(shape: &Shape) -> Vec<Violation> {
    let mut found = Vec::new();
    for (module, name) in &shape.imports {
        if module != HOST_MODULE {
            found.push(violation(
                Rule::ImportsOnlyFromVmHooks,
                format!("imports {module}.{name}"),
            ));
        }
    }
    let entry = FuncType::new([ValType::I32], [ValType::I32]);
    match &shape.entrypoint_type {
        None => found.push(violation(
            Rule::EntrypointExported,
            "no function export named user_entrypoint",
        )),
        Some(ty) if ty.as_ref() != Some(&entry) => found.push(violation(
            Rule::EntrypointExported,
            format!("user_entrypoint has type {ty:?}"),
        )),
        Some(_) => {}
    }
    if !shape.memory_exported {
        found.push(violation(
            Rule::MemoryExported,
            "no memory export named memory",
        ));
    }
    if shape.has_start {
        found.push(violation(
            Rule::NoStartFunction,
            "the module declares a start function",
        ));
    }
    if shape.initial_pages > MAX_INITIAL_PAGES {
        found.push(violation(
            Rule::MaxInitialMemoryPages,
            format!("{} initial pages", shape.initial_pages),
        ));
    }
    if shape.function_bodies > MAX_FUNCTIONS {
        found.push(violation(
            Rule::MaxFunctions,
            format!("{} functions", shape.function_bodies),
        ));
    }
    found
}

/// Checks every activation rule that depends on the module alone.
///
/// Returns the broken rules, empty when the module may be activated.
pub fn check_module(wasm: &[u8]) -> Vec<Violation> {
    let mut found = check_features(wasm);
    if found.iter().any(|v| v.rule == Rule::SupportedWasm) {
        return found;
    }
    match read_shape(wasm) {
        Ok(shape) => found.extend(check_shape(&shape)),
        Err(message) => found.push(violation(Rule::SupportedWasm, message)),
    }
    found
}

/// Checks that the compressed code fits one account or at most
/// [`MAX_FRAGMENTS`] fragments.
pub fn check_code_size(layout: &CodeLayout) -> Option<Violation> {
    (layout.fragment_count() > MAX_FRAGMENTS).then(|| {
        violation(
            Rule::MaxCompressedSize,
            format!(
                "{} bytes of code need {} fragments of {MAX_CODE_BYTES} bytes (limit {MAX_FRAGMENTS})",
                layout.code_bytes(),
                layout.fragment_count()
            ),
        )
    })
}

/// Checks Nitro's `MaxWasmSize` on the processed (decompressed) wasm.
pub fn check_decompressed_size(processed_len: usize) -> Option<Violation> {
    (processed_len > MAX_WASM_BYTES).then(|| {
        violation(
            Rule::MaxDecompressedSize,
            format!("{processed_len} bytes of wasm (limit {MAX_WASM_BYTES})"),
        )
    })
}

/// Checks that activation can store the start-up costs (`u16` in Nitro).
pub fn check_init_cost(gas: &crate::build::init_gas::InitGas) -> Option<Violation> {
    let limit = u64::from(u16::MAX);
    (gas.init_cost > limit || gas.cached_init_cost > limit).then(|| {
        violation(
            Rule::InitCostFitsU16,
            format!(
                "init cost {} / cached init cost {} (limit {limit})",
                gas.init_cost, gas.cached_init_cost
            ),
        )
    })
}

//! Every Nitro activation gate of `keel build`, each with a module that
//! breaks it, plus a valid module that passes them all; and the check that
//! the deployable bytes embed no path of the machine that built them.

use std::path::PathBuf;

use keel_cli::build::{analyse, ensure_no_local_path, gates::Rule};

/// A minimal valid Stylus program: one host import, the entrypoint, memory.
const VALID: &str = r#"(module
    (import "vm_hooks" "read_args" (func $read_args (param i32)))
    (memory (export "memory") 1)
    (func (export "user_entrypoint") (param i32) (result i32)
        i32.const 0
        call $read_args
        i32.const 0))"#;

/// `VALID` with `extra` added inside the module.
fn valid_with(extra: &str) -> String {
    format!("{} {extra})", VALID.strip_suffix(')').unwrap())
}

fn rules_broken(wat: &str) -> Vec<Rule> {
    let wasm = wat::parse_str(wat).expect("fixture is valid WAT");
    analyse("fixture", &wasm)
        .unwrap()
        .violations
        .iter()
        .map(|v| v.rule)
        .collect()
}

/// Asserts `wat` breaks exactly `rule`, and the error names rule and contract.
fn assert_rejected(wat: &str, rule: Rule) {
    let wasm = wat::parse_str(wat).expect("fixture is valid WAT");
    let analysis = analyse("keel-fixture", &wasm).unwrap();
    let rules: Vec<Rule> = analysis.violations.iter().map(|v| v.rule).collect();
    assert_eq!(rules, vec![rule]);
    let message = analysis.gate().unwrap_err().to_string();
    assert!(message.contains("contract keel-fixture"), "{message}");
    assert!(message.contains(rule.describe()), "{message}");
}

#[test]
fn valid_program_passes_every_gate() {
    assert_eq!(rules_broken(VALID), vec![]);
    let wasm = wat::parse_str(VALID).unwrap();
    let analysis = analyse("ok", &wasm).unwrap();
    assert!(analysis.gate().is_ok());
    assert!(analysis.report.init_gas.is_some());
}

#[test]
fn float_instruction_is_rejected() {
    let wat = valid_with(
        "(func (param i64) (result i64) local.get 0 f64.convert_i64_s f64.const 1 f64.add i64.trunc_f64_s)",
    );
    assert_rejected(&wat, Rule::NoFloatingPoint);
}

#[test]
fn saturating_float_conversion_is_rejected() {
    let wat = valid_with(
        "(func (param i64) (result i64) local.get 0 f32.convert_i64_u i64.trunc_sat_f32_u)",
    );
    assert_rejected(&wat, Rule::NoFloatingPoint);
}

#[test]
fn foreign_import_is_rejected() {
    let wat = VALID.replace(
        "(import \"vm_hooks\" \"read_args\"",
        "(import \"env\" \"abort\" (func)) (import \"vm_hooks\" \"read_args\"",
    );
    assert_rejected(&wat, Rule::ImportsOnlyFromVmHooks);
}

#[test]
fn missing_entrypoint_is_rejected() {
    let wat = VALID.replace("(export \"user_entrypoint\")", "(export \"main\")");
    assert_rejected(&wat, Rule::EntrypointExported);
}

#[test]
fn entrypoint_with_wrong_type_is_rejected() {
    let wat = r#"(module (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i64) (result i32) i32.const 0))"#;
    assert_rejected(wat, Rule::EntrypointExported);
}

#[test]
fn unexported_memory_is_rejected() {
    let wat = VALID.replace("(memory (export \"memory\") 1)", "(memory 1)");
    assert_rejected(&wat, Rule::MemoryExported);
}

#[test]
fn reference_types_are_rejected() {
    let wat = valid_with("(table 1 externref) (func (param externref) local.get 0 drop)");
    assert_rejected(&wat, Rule::NoReferenceTypes);
}

#[test]
fn simd_is_rejected() {
    let wat = valid_with("(func (result i32) v128.const i32x4 1 2 3 4 i32x4.extract_lane 0)");
    assert_rejected(&wat, Rule::NoSimd);
}

#[test]
fn threads_are_rejected() {
    let wat = valid_with("(func (result i32) i32.const 0 i32.atomic.load)");
    assert_rejected(&wat, Rule::NoThreads);
}

#[test]
fn multi_value_is_rejected() {
    let wat = valid_with("(func (result i32 i32) i32.const 1 i32.const 2)");
    assert_rejected(&wat, Rule::NoMultiValue);
}

#[test]
fn start_function_is_rejected() {
    let wat = valid_with("(func $init) (start $init)");
    assert_rejected(&wat, Rule::NoStartFunction);
}

#[test]
fn more_than_128_initial_pages_is_rejected() {
    let wat = VALID.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 129)",
    );
    assert_rejected(&wat, Rule::MaxInitialMemoryPages);
    let at_limit = VALID.replace(
        "(memory (export \"memory\") 1)",
        "(memory (export \"memory\") 128)",
    );
    assert_eq!(rules_broken(&at_limit), vec![]);
}

#[test]
fn more_than_4096_functions_is_rejected() {
    // The entrypoint is one function: 4095 more reach the limit, 4096 pass it.
    let at_limit = valid_with(&"(func)".repeat(4095));
    assert_eq!(rules_broken(&at_limit), vec![]);
    assert_rejected(&valid_with(&"(func)".repeat(4096)), Rule::MaxFunctions);
}

/// Deterministic incompressible bytes, as a WAT string literal.
fn noise_literal(len: usize) -> String {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            format!("\\{:02x}", state as u8)
        })
        .collect()
}

#[test]
fn code_over_one_account_deploys_as_two_fragments() {
    let wat = valid_with(&format!(
        "(data (i32.const 0) \"{}\")",
        noise_literal(30_000)
    ));
    let analysis = analyse("two-fragments", &wat::parse_str(&wat).unwrap()).unwrap();
    assert!(analysis.report.deployable, "{:?}", analysis.violations);
    assert_eq!(analysis.report.fragments, 2);
    assert!(analysis.report.code_bytes > 24_576);
}

#[test]
fn code_needing_three_fragments_is_rejected() {
    let wat = valid_with(&format!(
        "(data (i32.const 0) \"{}\")",
        noise_literal(50_000)
    ));
    assert_rejected(&wat, Rule::MaxCompressedSize);
}

#[test]
fn wasm_over_max_wasm_size_is_rejected_however_well_it_compresses() {
    // 140,000 zero bytes compress to almost nothing but exceed 128 KiB (and,
    // at 0.75 gas per data byte, the u16 start-up cost).
    let wat = valid_with(&format!(
        "(data (i32.const 0) \"{}\")",
        "\\00".repeat(140_000)
    ));
    let rules = rules_broken(&wat);
    assert_eq!(
        rules,
        vec![Rule::MaxDecompressedSize, Rule::InitCostFitsU16]
    );
}

#[test]
fn malformed_features_outside_the_rules_are_reported() {
    // Tail calls are neither allowed nor one of the named rules.
    let wat = valid_with("(func $f (result i32) return_call $f)");
    assert_rejected(&wat, Rule::SupportedWasm);
}

#[test]
fn start_up_cost_beyond_u16_is_rejected() {
    // 90 KB of zero data in two segments (0.75244 gas per encoded byte,
    // compressing to little) push the cached init cost past 65,535.
    let zeros = "\\00".repeat(45_000);
    let wat = valid_with(&format!(
        "(data (i32.const 0) \"{zeros}\") (data (i32.const 0) \"{zeros}\")"
    ));
    assert_rejected(&wat, Rule::InitCostFitsU16);
}

#[test]
fn wasm_embedding_a_local_path_is_rejected() {
    let paths = [
        PathBuf::from("/work/keel"),
        PathBuf::from("/home/me/.cargo"),
    ];
    let clean = b"\0asm vm_hooks read_args /keel/src/lib.rs /cargo/registry";
    assert!(ensure_no_local_path("probe", clean, &paths).is_ok());
    let leaky = b"\0asm /home/me/.cargo/registry/src/alloy/address.rs";
    let error = ensure_no_local_path("probe", leaky, &paths).unwrap_err();
    assert!(error.to_string().contains("/home/me/.cargo"), "{error}");
}

//! `keel gas`: the scenario runs on the wasm backend, its story holds, the
//! committed snapshot is current, and `keel build`'s start-up estimate is
//! what the wasm backend charges.
//!
//! Needs the programs: run `cargo run -p keel-cli --bin keel -- build` first
//! (`scripts/test.sh` does).

use keel_cli::build::init_gas;
use keel_cli::gas;
use keel_cli::plan::Program;

#[test]
fn scenario_runs_and_matches_the_snapshot() {
    let (wasm_dir, snapshot_path) = gas::default_paths().unwrap();
    let (ops, _) = gas::run(&wasm_dir, false).unwrap();
    assert_eq!(ops.len(), 15);
    for op in &ops {
        let (uncached, cached) = (&op.uncached, &op.cached);
        assert!(cached.total < uncached.total, "{}", op.name);
        // Only start-up differs between the runs.
        assert_eq!(
            uncached.total - uncached.startup,
            cached.total - cached.startup,
            "{}",
            op.name
        );
        // Every user operation starts the core alone.
        assert_eq!(op.programs, ["core"], "{}", op.name);
    }
    let table = gas::render(&ops);
    assert!(table.contains("Morpho") && table.contains("liquidate (bad debt)"));
    // The committed figures are this code's.
    let committed = gas::read_snapshot(&snapshot_path).unwrap();
    assert_eq!(gas::check(&ops, &committed).unwrap(), Vec::<String>::new());
    assert_eq!(gas::snapshot(&ops), committed);
}

/// Issue 15's budget for the program every user operation starts, for the
/// parts it meets: static data (0.75 gas per byte on every call, cached or
/// not; no program keeps a constant, selector table or panic string there:
/// docs/DESIGN.md section 9) and the core's start-up, cached and uncached.
#[test]
fn the_programs_keep_no_static_data_and_the_core_stays_within_its_start_up_budget() {
    let (wasm_dir, _) = gas::default_paths().unwrap();
    for program in Program::ALL {
        let package = program.package();
        let wasm = std::fs::read(wasm_dir.join(format!("{package}.wasm"))).unwrap();
        let metrics = init_gas::measure(&wasm).unwrap();
        assert!(
            metrics.data_len <= 64,
            "{package}: {} bytes of static data",
            metrics.data_len
        );
        if program != Program::Core {
            continue;
        }
        let estimate = init_gas::estimate(&metrics);
        assert!(
            estimate.cached_call_gas <= 2_000,
            "{}",
            estimate.cached_call_gas
        );
        assert!(
            estimate.uncached_call_gas <= 25_000,
            "{} gas uncached",
            estimate.uncached_call_gas
        );
    }
}

#[test]
fn build_estimate_is_what_the_wasm_backend_charges() {
    let (wasm_dir, _) = gas::default_paths().unwrap();
    for program in Program::ALL {
        let package = program.package();
        let wasm = std::fs::read(wasm_dir.join(format!("{package}.wasm"))).unwrap();
        let estimate = init_gas::estimate(&init_gas::measure(&wasm).unwrap());
        let program = program.wasm(&wasm_dir).unwrap();
        assert_eq!(
            estimate.uncached_call_gas,
            program.startup_gas(false),
            "{package}"
        );
        assert_eq!(
            estimate.cached_call_gas,
            program.startup_gas(true),
            "{package}"
        );
        assert_eq!(u64::from(program.costs().init_cost), estimate.init_cost);
    }
}

#[test]
fn wasm_mocks_add_their_start_up_and_ink() {
    let (wasm_dir, _) = gas::default_paths().unwrap();
    let (native, _) = gas::run(&wasm_dir, false).unwrap();
    let (wasm, _) = gas::run(&wasm_dir, true).unwrap();
    for (native, wasm) in native.iter().zip(&wasm) {
        assert_eq!(native.name, wasm.name);
        let calls_a_mock = wasm
            .programs
            .iter()
            .any(|p| p.starts_with("erc20") || p.starts_with("aggregator"));
        assert_eq!(
            calls_a_mock,
            native.name != "accrueInterest",
            "{}",
            wasm.name
        );
        if calls_a_mock {
            assert!(
                wasm.uncached.startup > native.uncached.startup,
                "{}",
                wasm.name
            );
            assert!(wasm.uncached.total > native.uncached.total, "{}", wasm.name);
        }
        // The mocks' state access is charged either way; as wasm they add
        // only the storage cache's fees and the EVM API gas of their loads.
        let extra = wasm.uncached.storage - native.uncached.storage;
        assert!(extra < 1_000, "{}: {extra}", wasm.name);
    }
}

#[test]
fn profile_shows_functions_hostios_and_slots() {
    let (wasm_dir, _) = gas::default_paths().unwrap();
    let text = gas::profile(&wasm_dir, "liquidate (partial, HF 0.97)").unwrap();
    assert!(text.starts_with("liquidate (partial, HF 0.97): "), "{text}");
    assert!(text.contains("keel-market-core"));
    assert!(text.contains("ink by function (top 20 of"));
    assert!(text.contains("(hostios)"));
    assert!(text.contains("Load { cold: true } 2100"));
    // Functions are named (Rust paths from the linker's name section), and
    // the accrual's arithmetic is among the top 20.
    let functions: Vec<&str> = text
        .lines()
        .skip_while(|line| !line.starts_with("ink by function"))
        .skip(1)
        .take_while(|line| !line.is_empty())
        .collect();
    assert!(functions.len() > 10, "{text}");
    assert!(
        !functions.iter().any(|line| line.contains("function ")),
        "{text}"
    );
    assert!(
        functions.iter().any(|line| line.contains("keel_math::")),
        "{text}"
    );
    let error = gas::profile(&wasm_dir, "nothing").unwrap_err().to_string();
    assert!(error.contains("no operation"), "{error}");
}

#[test]
fn a_shorter_step_compounds_less_and_changes_nothing_else() {
    let (wasm_dir, _) = gas::default_paths().unwrap();
    let (default, _) = gas::run(&wasm_dir, false).unwrap();
    let (short, _) = gas::run_stepped(&wasm_dir, false, 60).unwrap();
    for (default, short) in default.iter().zip(&short) {
        let (a, b) = (&default.uncached, &short.uncached);
        assert_eq!(a.startup, b.startup, "{}", default.name);
        assert_eq!(a.storage, b.storage, "{}", default.name);
        // Compounding squares once per bit of the elapsed time.
        if !default.name.starts_with("supplyCollateral") {
            assert!(b.ink < a.ink, "{}: {} !< {}", default.name, b.ink, a.ink);
        }
    }
}

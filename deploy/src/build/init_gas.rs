//! Estimate of the gas Nitro charges to start a program on every call.
//!
//! At activation ArbOS measures the module and stores two costs (Nitro's
//! `prover/src/programs`, `WasmBinary::instrument`), each the sum of integer
//! terms, with `funcs` the function bodies, `type_len` the parameters plus
//! results over all function signatures of the bodies, `wasm_len` the
//! decompressed wasm bytes, `globals` the globals after instrumentation (ours
//! plus the 4 that the ink meter, the dynamic meter and the depth checker
//! add), `data_len` the encoded bytes of the data and element segments
//! (wasmparser's `range` of each) and `footprint` the initial pages:
//!
//! ```text
//! cached_init_cost = funcs*13420/100000 + type_len*89/100000 + wasm_len*122/100000
//!                  + globals*1628/1000 + data_len*75244/100000 + footprint*5
//! init_cost        = funcs*8252/1000 + type_len*1059/1000 + wasm_len*1286/10000
//! ```
//!
//! (For Stylus version 2, `init_cost` does not include `cached_init_cost`:
//! only version 1 folded it in. The devnet's wasm backend charges the same
//! figures, `keel_devnet::wasm`.)
//!
//! A call then pays, with the chain parameters at their defaults for Stylus
//! version 2 (min init gas 69, min cached gas 11, both cost scalars 50, i.e.
//! 100%; `arbos/programs`):
//!
//! ```text
//! cached call   = 11*32 + ceil(cached_init_cost * 50*2 / 100)
//! uncached call = 69*128 + ceil(init_cost * 50*2 / 100) + cached call
//! ```
//!
//! A program counts as cached when it is in ArbOS's cache (ArbWasmCache) or
//! was called recently in the same block. The estimate ignores memory-page
//! charges (the first 2 pages of a transaction are free) and chain operators
//! changing the parameters.

use anyhow::{Context, Result};
use serde::Serialize;
use wasmparser::{Parser, Payload};

/// Globals Nitro's instrumentation adds (ink left, ink status, the dynamic
/// meter's scratch, stack depth).
const INSTRUMENTATION_GLOBALS: u64 = 4;
const MIN_INIT_GAS_UNITS: u64 = 69;
const MIN_INIT_GAS_UNIT: u64 = 128;
const MIN_CACHED_GAS_UNITS: u64 = 11;
const MIN_CACHED_GAS_UNIT: u64 = 32;
const COST_SCALAR_PERCENT: u64 = 50 * 2;

/// The module measurements activation uses.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ModuleMetrics {
    /// Function bodies.
    pub funcs: u64,
    /// Parameters plus results over the bodies' signatures.
    pub type_len: u64,
    /// Decompressed wasm bytes.
    pub wasm_len: u64,
    /// Globals after instrumentation.
    pub globals: u64,
    /// Data segment bytes plus element entries.
    pub data_len: u64,
    /// Initial memory pages.
    pub footprint: u64,
}

/// One term of the activation cost formulas: a module measurement and what
/// it adds to each stored cost (gas per call, the cost scalars being 100%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Term {
    /// The measurement (a field of [`ModuleMetrics`]).
    pub name: &'static str,
    /// Its value.
    pub count: u64,
    /// Its part of `init_cost` (paid uncached only).
    pub init_cost: u64,
    /// Its part of `cached_init_cost` (paid on every call).
    pub cached_init_cost: u64,
}

/// Per-call program start-up gas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InitGas {
    /// `init_cost` as stored at activation.
    pub init_cost: u64,
    /// `cached_init_cost` as stored at activation.
    pub cached_init_cost: u64,
    /// Gas for a call when the program is not cached.
    pub uncached_call_gas: u64,
    /// Gas for a call when the program is cached.
    pub cached_call_gas: u64,
    /// The formulas' terms, whose sums are the two costs.
    pub terms: [Term; 6],
}

/// Reads the measurements of a processed module.
pub fn measure(wasm: &[u8]) -> Result<ModuleMetrics> {
    let mut metrics = ModuleMetrics {
        wasm_len: wasm.len() as u64,
        globals: INSTRUMENTATION_GLOBALS,
        ..ModuleMetrics::default()
    };
    let mut param_counts: Vec<u64> = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.context("parsing wasm")? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    let ty = ty?;
                    param_counts.push((ty.params().len() + ty.results().len()) as u64);
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    let count = param_counts.get(usize::try_from(ty?)?).copied();
                    metrics.type_len += count.context("function with unknown type")?;
                }
            }
            Payload::GlobalSection(reader) => metrics.globals += u64::from(reader.count()),
            Payload::MemorySection(reader) => {
                for memory in reader {
                    metrics.footprint = metrics.footprint.max(memory?.initial);
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let range = data?.range;
                    metrics.data_len += range.end - range.start;
                }
            }
            Payload::ElementSection(reader) => {
                for element in reader {
                    let range = element?.range;
                    metrics.data_len += range.end - range.start;
                }
            }
            Payload::CodeSectionStart { count, .. } => metrics.funcs = u64::from(count),
            _ => {}
        }
    }
    Ok(metrics)
}

/// The terms of the activation cost formulas (module documentation), each
/// rounded down on its own as Nitro rounds them.
pub fn terms(m: &ModuleMetrics) -> [Term; 6] {
    // (numerator, denominator) of each term's price in `init_cost` and in
    // `cached_init_cost`.
    let term = |name, count: u64, init: (u64, u64), cached: (u64, u64)| Term {
        name,
        count,
        init_cost: count * init.0 / init.1,
        cached_init_cost: count * cached.0 / cached.1,
    };
    [
        term("funcs", m.funcs, (8_252, 1_000), (13_420, 100_000)),
        term("type_len", m.type_len, (1_059, 1_000), (89, 100_000)),
        term("wasm_len", m.wasm_len, (1_286, 10_000), (122, 100_000)),
        term("globals", m.globals, (0, 1), (1_628, 1_000)),
        term("data_len", m.data_len, (0, 1), (75_244, 100_000)),
        term("footprint", m.footprint, (0, 1), (5, 1)),
    ]
}

/// The fixed part of an uncached call (`69 * 128`).
pub const MIN_UNCACHED_CALL_GAS: u64 = MIN_INIT_GAS_UNITS * MIN_INIT_GAS_UNIT;

/// The fixed part of every call (`11 * 32`).
pub const MIN_CACHED_CALL_GAS: u64 = MIN_CACHED_GAS_UNITS * MIN_CACHED_GAS_UNIT;

/// Applies the activation cost formulas of the module documentation.
pub fn estimate(m: &ModuleMetrics) -> InitGas {
    let terms = terms(m);
    let init_cost = terms.iter().map(|t| t.init_cost).sum::<u64>();
    let cached_init_cost = terms.iter().map(|t| t.cached_init_cost).sum::<u64>();
    let cached_call_gas =
        MIN_CACHED_CALL_GAS + (cached_init_cost * COST_SCALAR_PERCENT).div_ceil(100);
    let uncached_call_gas =
        MIN_UNCACHED_CALL_GAS + (init_cost * COST_SCALAR_PERCENT).div_ceil(100) + cached_call_gas;
    InitGas {
        init_cost,
        cached_init_cost,
        uncached_call_gas,
        cached_call_gas,
        terms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_module_shape() {
        let wasm = wat::parse_str(
            r#"(module
                (memory 2)
                (global (mut i32) (i32.const 0))
                (data (i32.const 0) "abcd")
                (func (param i32 i32) (result i32) local.get 0)
                (func))"#,
        )
        .unwrap();
        let m = measure(&wasm).unwrap();
        assert_eq!(m.funcs, 2);
        assert_eq!(m.type_len, 3);
        assert_eq!(m.globals, 1 + INSTRUMENTATION_GLOBALS);
        // The segment as encoded: flags, `i32.const 0`, `end`, length, 4 bytes.
        assert_eq!(m.data_len, 9);
        assert_eq!(m.footprint, 2);
        assert_eq!(m.wasm_len, wasm.len() as u64);
    }

    #[test]
    fn empty_module_pays_the_minimums() {
        let gas = estimate(&ModuleMetrics::default());
        assert_eq!(gas.cached_call_gas, 352);
        assert_eq!(gas.uncached_call_gas, 8_832 + 352);
    }

    #[test]
    fn formula_matches_hand_computation() {
        // funcs 100, type_len 300, wasm 50_000 bytes, 5 globals, 1_000 data bytes, 2 pages:
        // cached = 13 + 0 + 61 + 8 + 752 + 10 = 844
        // init   = 825 + 317 + 6430 = 7572
        let m = ModuleMetrics {
            funcs: 100,
            type_len: 300,
            wasm_len: 50_000,
            globals: 5,
            data_len: 1_000,
            footprint: 2,
        };
        let gas = estimate(&m);
        assert_eq!(gas.cached_init_cost, 844);
        assert_eq!(gas.init_cost, 7_572);
        let parts = |pick: fn(&Term) -> u64| gas.terms.map(|t| pick(&t));
        assert_eq!(parts(|t| t.init_cost), [825, 317, 6_430, 0, 0, 0]);
        assert_eq!(parts(|t| t.cached_init_cost), [13, 0, 61, 8, 752, 10]);
        assert_eq!(gas.cached_call_gas, 352 + 844);
        assert_eq!(gas.uncached_call_gas, 8_832 + 7_572 + 352 + 844);
    }
}

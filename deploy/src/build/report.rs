//! What `keel build` tells about each contract: a table and a JSON report.

use super::init_gas::{self, InitGas};
use super::process::MAX_WASM_BYTES;
use serde::Serialize;
use std::fmt::Write;

/// Sizes and start-up gas of one contract.
#[derive(Debug, Clone, Serialize)]
pub struct ContractReport {
    /// Cargo package name.
    pub contract: String,
    /// Bytes of the wasm given to processing (rustc's, optimised by
    /// `wasm-opt` in `keel build`).
    pub raw_bytes: usize,
    /// Bytes after stripping and the WAT round trip.
    pub processed_bytes: usize,
    /// Bytes after brotli-11.
    pub compressed_bytes: usize,
    /// Bytes of code deployed on chain, across its fragment accounts
    /// (prefixes plus compressed wasm; a fragmented program's root contract
    /// excluded).
    pub code_bytes: usize,
    /// Code accounts: 1, or the number of fragments (needs ArbOS 60+).
    pub fragments: usize,
    /// Start-up gas per call, when the module could be measured.
    pub init_gas: Option<InitGas>,
    /// Whether the contract passes every activation rule and the size limits.
    pub deployable: bool,
}

impl ContractReport {
    /// Unused bytes below Nitro's decompressed wasm limit (negative when over).
    pub fn wasm_headroom_bytes(&self) -> i64 {
        MAX_WASM_BYTES as i64 - self.processed_bytes as i64
    }
}

/// Renders the per-contract table `keel build` prints.
pub fn table(reports: &[ContractReport]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<24} {:>8} {:>10} {:>9} {:>11} {:>6} {:>7} {:>9} {:>10}",
        "contract",
        "raw",
        "processed",
        "headroom",
        "compressed",
        "code",
        "frags",
        "init gas",
        "cached gas"
    );
    for r in reports {
        let (uncached, cached) = r.init_gas.map_or(("-".into(), "-".into()), |g| {
            (
                g.uncached_call_gas.to_string(),
                g.cached_call_gas.to_string(),
            )
        });
        let _ = writeln!(
            out,
            "{:<24} {:>8} {:>10} {:>9} {:>11} {:>6} {:>7} {:>9} {:>10}",
            r.contract,
            r.raw_bytes,
            r.processed_bytes,
            r.wasm_headroom_bytes(),
            r.compressed_bytes,
            r.code_bytes,
            r.fragments,
            uncached,
            cached
        );
    }
    out.push_str(
        "sizes in bytes; headroom = 131072 (MaxWasmSize) - processed; code = prefixed \
         compressed wasm over `frags` accounts of at most 24576 bytes (more than 1 needs \
         ArbOS 60+, at most 2); gas = estimated program start-up per call (uncached / cached)\n",
    );
    out.push_str(&start_up_terms(reports));
    out
}

/// The start-up formulas' terms per contract: each module measurement with
/// what it adds to an uncached call (`init_cost`) and to every call
/// (`cached_init_cost`), so a change's start-up delta shows where it comes
/// from.
fn start_up_terms(reports: &[ContractReport]) -> String {
    let mut out = format!(
        "start-up per call = {} (uncached only) + {} + the terms below, \
         as measurement: uncached part / part paid on every call\n",
        init_gas::MIN_UNCACHED_CALL_GAS,
        init_gas::MIN_CACHED_CALL_GAS
    );
    for r in reports {
        let Some(gas) = &r.init_gas else { continue };
        let terms: Vec<String> = gas
            .terms
            .iter()
            .map(|t| {
                format!(
                    "{} {}: {}/{}",
                    t.name, t.count, t.init_cost, t.cached_init_cost
                )
            })
            .collect();
        let _ = writeln!(out, "  {:<24} {}", r.contract, terms.join(", "));
    }
    out
}

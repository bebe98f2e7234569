//! What `keel build` tells about each contract: a table and a JSON report.

use super::init_gas::InitGas;
use super::process::MAX_CODE_BYTES;
use serde::Serialize;
use std::fmt::Write;

/// Sizes and start-up gas of one contract.
#[derive(Debug, Clone, Serialize)]
pub struct ContractReport {
    /// Cargo package name.
    pub contract: String,
    /// Bytes of the wasm rustc produced.
    pub raw_bytes: usize,
    /// Bytes after stripping and the WAT round trip.
    pub processed_bytes: usize,
    /// Bytes after brotli-11.
    pub compressed_bytes: usize,
    /// Bytes of code deployed on chain (prefix plus compressed wasm).
    pub code_bytes: usize,
    /// The code size limit.
    pub code_limit_bytes: usize,
    /// Start-up gas per call, when the module could be measured.
    pub init_gas: Option<InitGas>,
    /// Whether the contract passes every activation rule and the size limit.
    pub deployable: bool,
    /// The package's size waiver, when it has one.
    pub size_waiver: Option<String>,
}

impl ContractReport {
    /// Unused code bytes below the limit (negative when over).
    pub fn headroom_bytes(&self) -> i64 {
        MAX_CODE_BYTES as i64 - self.code_bytes as i64
    }
}

/// Renders the per-contract table `keel build` prints.
pub fn table(reports: &[ContractReport]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<14} {:>9} {:>10} {:>11} {:>9} {:>9} {:>13} {:>11}",
        "contract", "raw", "processed", "compressed", "code", "headroom", "init gas", "cached gas"
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
            "{:<14} {:>9} {:>10} {:>11} {:>9} {:>9} {:>13} {:>11}",
            r.contract,
            r.raw_bytes,
            r.processed_bytes,
            r.compressed_bytes,
            r.code_bytes,
            r.headroom_bytes(),
            uncached,
            cached
        );
    }
    out.push_str(
        "sizes in bytes; code = 4-byte prefix + compressed wasm, limit 24576; \
         gas = estimated program start-up per call (uncached / cached)\n",
    );
    out
}

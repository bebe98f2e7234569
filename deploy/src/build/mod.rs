//! `keel build`: compile every deployable contract for wasm32, optimise it
//! with binaryen's `wasm-opt` ([`optimize`]), process it as cargo-stylus
//! does, check Nitro's activation rules, compress and report.
//!
//! Outputs, under `target/keel/`: `<contract>.wasm` (processed),
//! `<contract>.wasm.br` (brotli-11) and `report.json` (every table column).

pub mod cargo;
pub mod gates;
pub mod init_gas;
pub mod mocks;
pub mod optimize;
pub mod process;
pub mod report;

use anyhow::{bail, Context, Result};
use cargo::{Contract, Workspace};
use gates::{Rule, Violation};
use report::ContractReport;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// A contract after processing, with the rules it breaks.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The processed wasm.
    pub processed: Vec<u8>,
    /// The brotli-compressed processed wasm.
    pub compressed: Vec<u8>,
    /// Sizes and gas.
    pub report: ContractReport,
    /// Broken activation rules; empty when deployable.
    pub violations: Vec<Violation>,
}

/// The rules a contract breaks, as one error naming the contract.
#[derive(Debug, Clone)]
pub struct GateFailure {
    /// Cargo package name.
    pub contract: String,
    /// The broken rules.
    pub violations: Vec<Violation>,
}

impl fmt::Display for GateFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for v in &self.violations {
            writeln!(f, "contract {} breaks Nitro activation {v}", self.contract)?;
        }
        Ok(())
    }
}

impl std::error::Error for GateFailure {}

impl Analysis {
    /// `Err` naming the contract and each broken rule, if any.
    pub fn gate(&self) -> Result<(), GateFailure> {
        if self.violations.is_empty() {
            return Ok(());
        }
        Err(GateFailure {
            contract: self.report.contract.clone(),
            violations: self.violations.clone(),
        })
    }
}

/// Processes the linked (and, in `keel build`, optimised) wasm of
/// `contract`, checks it and compresses it.
pub fn analyse(contract: &str, raw: &[u8]) -> Result<Analysis> {
    let processed = process::process(raw).with_context(|| format!("processing {contract}"))?;
    let mut violations = gates::check_module(&processed);
    violations.extend(gates::check_decompressed_size(processed.len()));
    let compressed = process::compress(&processed)?;
    let layout = process::code_layout(&compressed);
    violations.extend(gates::check_code_size(&layout));
    let measurable = !violations.iter().any(|v| v.rule == Rule::SupportedWasm);
    let init_gas = if measurable {
        Some(init_gas::estimate(&init_gas::measure(&processed)?))
    } else {
        None
    };
    violations.extend(init_gas.as_ref().and_then(gates::check_init_cost));
    let report = ContractReport {
        contract: contract.to_owned(),
        raw_bytes: raw.len(),
        processed_bytes: processed.len(),
        compressed_bytes: compressed.len(),
        code_bytes: layout.code_bytes(),
        fragments: layout.fragment_count(),
        init_gas,
        deployable: violations.is_empty(),
    };
    Ok(Analysis {
        processed,
        compressed,
        report,
        violations,
    })
}

/// Builds, checks and writes every deployable contract (or those named).
///
/// Fails after writing the report when any contract breaks a rule.
pub fn run(only: &[String]) -> Result<Vec<ContractReport>> {
    let ws = cargo::workspace()?;
    let contracts: Vec<_> = ws
        .contracts
        .iter()
        .filter(|c| only.is_empty() || only.contains(&c.package))
        .collect();
    if contracts.is_empty() {
        bail!("no deployable contract found (a contract is a package with a Stylus.toml)");
    }
    let out_dir = ws.target_dir.join("keel");
    fs::create_dir_all(&out_dir)?;
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for contract in contracts {
        let analysis = analyse(&contract.package, &build_optimized(&ws, contract, None)?)?;
        write_artifacts(&out_dir, &analysis)?;
        if let Err(failure) = analysis.gate() {
            failures.push(failure);
        }
        reports.push(analysis.report);
    }
    write_atomically(
        &out_dir.join("report.json"),
        serde_json::to_string_pretty(&reports)?.as_bytes(),
    )?;
    print!("{}", report::table(&reports));
    if only.is_empty() {
        mocks::build_mocks(&ws)?;
    }
    println!("artifacts: {}", out_dir.display());
    if !failures.is_empty() {
        let text: String = failures.iter().map(ToString::to_string).collect();
        bail!("{text}");
    }
    Ok(reports)
}

/// Compiles `contract` ([`cargo::build`]), checks that the wasm embeds no
/// local path, and optimises it ([`optimize::optimize`]): the wasm that
/// [`analyse`] processes, checks and compresses.
pub fn build_optimized(
    ws: &Workspace,
    contract: &Contract,
    opt_level: Option<&str>,
) -> Result<Vec<u8>> {
    let wasm = cargo::build(ws, contract, opt_level)?;
    let raw = fs::read(&wasm).with_context(|| format!("reading {}", wasm.display()))?;
    ensure_no_local_path(&contract.package, &raw, &cargo::local_paths(ws))?;
    optimize::optimize(ws, &wasm, &raw)
}

/// Fails when `wasm` embeds one of `paths`: the deployable bytes would then
/// depend on the machine that built them.
pub fn ensure_no_local_path(
    contract: &str,
    wasm: &[u8],
    paths: &[std::path::PathBuf],
) -> Result<()> {
    for path in paths {
        let needle = path.to_string_lossy();
        if !needle.is_empty() && wasm.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            bail!(
                "{contract} embeds the local path {needle}: its bytes would depend on the machine that built it"
            );
        }
    }
    Ok(())
}

fn write_artifacts(out_dir: &Path, analysis: &Analysis) -> Result<()> {
    let name = &analysis.report.contract;
    write_atomically(&out_dir.join(format!("{name}.wasm")), &analysis.processed)?;
    write_atomically(
        &out_dir.join(format!("{name}.wasm.br")),
        &analysis.compressed,
    )
}

/// Writes `bytes` to a temporary file beside `path`, then renames it: a
/// `keel deploy` or `keel node` reading the artifacts while another `keel
/// build` rewrites them (tests run them side by side) never sees a partly
/// written file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = private_temporary(path);
    fs::write(&temporary, bytes).with_context(|| format!("writing {}", path.display()))?;
    fs::rename(&temporary, path).with_context(|| format!("writing {}", path.display()))
}

/// `path` with this process's id appended: a file beside it that no other
/// process writes, to be renamed into place.
pub(crate) fn private_temporary(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{}.tmp", std::process::id()));
    PathBuf::from(name)
}

/// Builds `package` at each opt-level and prints the processed and
/// compressed sizes, to choose the release profile by measurement.
pub fn measure_opt_levels(package: &str, levels: &[String]) -> Result<()> {
    let ws = cargo::workspace()?;
    let Some(contract) = ws.contracts.iter().find(|c| c.package == package) else {
        bail!("{package} is not a deployable contract");
    };
    println!(
        "{:<10} {:>9} {:>10} {:>11}",
        "opt-level", "raw", "processed", "compressed"
    );
    for level in levels {
        let analysis = analyse(package, &build_optimized(&ws, contract, Some(level))?)?;
        let r = &analysis.report;
        println!(
            "{:<10} {:>9} {:>10} {:>11}",
            level, r.raw_bytes, r.processed_bytes, r.compressed_bytes
        );
    }
    Ok(())
}

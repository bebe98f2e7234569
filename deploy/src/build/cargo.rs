//! Finding and compiling the deployable contracts.
//!
//! A deployable contract is a workspace package whose directory holds a
//! `Stylus.toml` (the file cargo-stylus reads) and whose library builds a
//! `cdylib`. Test-only contracts (contracts/mocks) have no `Stylus.toml`.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The wasm target Stylus runs.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// A deployable contract of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    /// Cargo package name, e.g. `keel-market`.
    pub package: String,
    /// Library target name, e.g. `keel_market` (the `.wasm` file stem).
    pub lib_name: String,
    /// The package's directory (where its `Cargo.toml` and `src/` are).
    pub dir: PathBuf,
}

/// Where the workspace builds.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace root.
    pub root: PathBuf,
    /// cargo's target directory.
    pub target_dir: PathBuf,
    /// The deployable contracts, by package name.
    pub contracts: Vec<Contract>,
}

#[derive(Deserialize)]
struct Metadata {
    workspace_root: PathBuf,
    target_directory: PathBuf,
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    manifest_path: PathBuf,
    targets: Vec<Target>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    crate_types: Vec<String>,
}

/// A `cargo` command (the one running us when there is one).
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Reads the workspace layout with `cargo metadata`.
pub fn workspace() -> Result<Workspace> {
    let output = cargo()
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let meta: Metadata =
        serde_json::from_slice(&output.stdout).context("reading cargo metadata")?;
    let mut contracts: Vec<Contract> = meta.packages.iter().filter_map(deployable).collect();
    contracts.sort_by(|a, b| a.package.cmp(&b.package));
    Ok(Workspace {
        root: meta.workspace_root,
        target_dir: meta.target_directory,
        contracts,
    })
}

fn deployable(package: &Package) -> Option<Contract> {
    let dir = package.manifest_path.parent()?;
    if !dir.join("Stylus.toml").is_file() {
        return None;
    }
    let lib = package
        .targets
        .iter()
        .find(|t| t.crate_types.iter().any(|c| c == "cdylib"))?;
    Some(Contract {
        package: package.name.clone(),
        lib_name: lib.name.replace('-', "_"),
        dir: dir.to_path_buf(),
    })
}

/// Compiles `contract` for wasm32 in release mode and returns the `.wasm`.
///
/// `opt_level` overrides the release profile's opt-level (for measuring);
/// such builds go to their own target directory so they do not evict the
/// regular build.
pub fn build(ws: &Workspace, contract: &Contract, opt_level: Option<&str>) -> Result<PathBuf> {
    let target_dir = match opt_level {
        Some(level) => ws.target_dir.join("keel").join(format!("opt-{level}")),
        None => ws.target_dir.clone(),
    };
    let mut command = cargo();
    command
        .current_dir(&ws.root)
        .args(["build", "--release", "--lib", "--target", WASM_TARGET, "-p"])
        .arg(&contract.package)
        .arg("--target-dir")
        .arg(&target_dir)
        // The bytes must not depend on the caller's environment: an
        // incremental build (CARGO_INCREMENTAL=1 overrides the profile's
        // `incremental = false`) partitions code differently, and `keel gas`
        // snapshots the gas of these exact bytes.
        .env("CARGO_INCREMENTAL", "0");
    if let Some(level) = opt_level {
        command.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", level);
    }
    let status = command.status().context("running cargo build")?;
    if !status.success() {
        bail!(
            "cargo build of {} for {WASM_TARGET} failed",
            contract.package
        );
    }
    Ok(wasm_path(&target_dir, contract))
}

fn wasm_path(target_dir: &Path, contract: &Contract) -> PathBuf {
    target_dir
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{}.wasm", contract.lib_name))
}

//! Finding and compiling the deployable contracts.
//!
//! A deployable contract is a workspace package whose directory holds a
//! `Stylus.toml` (the file cargo-stylus reads) and whose library builds a
//! `cdylib`. Test-only contracts (contracts/mocks) have no `Stylus.toml`.
//!
//! The deployable wasm is built with the pinned nightly named by the root
//! `Cargo.toml`'s `[workspace.metadata.keel] wasm-toolchain` (installed with
//! `rust-src` by `scripts/setup.sh`), rebuilding std with
//! `-Zbuild-std=std,panic_abort` and `panic = "immediate-abort"`: a panic
//! traps at once, without std's formatting machinery and without panic
//! location strings (which made the bytes depend on the checkout path).
//! Measured on the liquidation program: 141,148 -> 105,886 raw bytes. This is
//! what cargo-stylus does on a nightly toolchain. Everything else (tests,
//! clippy, the devnet's native backend) stays on the stable toolchain of
//! `rust-toolchain.toml`.

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
    /// The rustup toolchain the deployable wasm is built with.
    pub wasm_toolchain: String,
    /// The version of binaryen's npm package whose `wasm-opt` optimises the
    /// deployable wasm ([`super::optimize`]).
    pub binaryen: String,
}

#[derive(Deserialize)]
struct Metadata {
    workspace_root: PathBuf,
    target_directory: PathBuf,
    packages: Vec<Package>,
    metadata: Option<WorkspaceMetadata>,
}

#[derive(Deserialize)]
struct WorkspaceMetadata {
    keel: Option<KeelMetadata>,
}

#[derive(Deserialize)]
struct KeelMetadata {
    #[serde(rename = "wasm-toolchain")]
    wasm_toolchain: Option<String>,
    binaryen: Option<String>,
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
    let keel = meta
        .metadata
        .and_then(|m| m.keel)
        .context("Cargo.toml has no [workspace.metadata.keel]")?;
    Ok(Workspace {
        root: meta.workspace_root,
        target_dir: meta.target_directory,
        contracts,
        wasm_toolchain: keel
            .wasm_toolchain
            .context("Cargo.toml has no [workspace.metadata.keel] wasm-toolchain")?,
        binaryen: keel
            .binaryen
            .context("Cargo.toml has no [workspace.metadata.keel] binaryen")?,
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

/// Compiles `contract` for wasm32 in release mode with the pinned nightly
/// (module docs) and returns the `.wasm`.
///
/// The build has its own target directory (`target/keel/wasm`): std is
/// rebuilt there, and the stable toolchain's artifacts stay untouched.
/// `opt_level` overrides the release profile's opt-level (for measuring);
/// such builds go to a directory of their own too.
pub fn build(ws: &Workspace, contract: &Contract, opt_level: Option<&str>) -> Result<PathBuf> {
    let build_dir = ws.target_dir.join("keel");
    let target_dir = match opt_level {
        Some(level) => build_dir.join(format!("opt-{level}")),
        None => build_dir.join("wasm"),
    };
    let mut command = Command::new("rustup");
    command
        .current_dir(&ws.root)
        .args([
            "run",
            &ws.wasm_toolchain,
            "cargo",
            "build",
            "--locked",
            "--release",
            "--lib",
        ])
        .args(["--target", WASM_TARGET, "-Zbuild-std=std,panic_abort"])
        .args(["-Zpanic-immediate-abort", "--config"])
        .arg("profile.release.panic=\"immediate-abort\"")
        .arg("--config")
        .arg(wasm_rustflags(ws, &target_dir.join(LINK_MAP)))
        .arg("-p")
        .arg(&contract.package)
        .arg("--target-dir")
        .arg(&target_dir)
        // The stable toolchain running `keel` must not leak into the nightly build.
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .env_remove("RUSTC")
        // The bytes must not depend on the caller's environment: an
        // incremental build (CARGO_INCREMENTAL=1 overrides the profile's
        // `incremental = false`) partitions code differently, and `keel gas`
        // snapshots the gas of these exact bytes.
        .env("CARGO_INCREMENTAL", "0");
    if let Some(level) = opt_level {
        command.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", level);
    }
    // A stale map must not be taken for this contract's when cargo finds
    // it up to date and does not link.
    let _ = std::fs::remove_file(target_dir.join(LINK_MAP));
    let status = command
        .status()
        .context("running rustup (scripts/setup.sh installs the wasm toolchain)")?;
    if !status.success() {
        bail!(
            "cargo build of {} for {WASM_TARGET} with {} failed (scripts/setup.sh installs it with rust-src)",
            contract.package,
            ws.wasm_toolchain
        );
    }
    let wasm = wasm_path(&target_dir, contract);
    let _ = std::fs::rename(target_dir.join(LINK_MAP), wasm.with_extension("map"));
    Ok(wasm)
}

/// The linker's map of the last link (`wasm-ld --Map`), moved next to each
/// contract's `.wasm` as `<lib_name>.map`: which function each body of the
/// code section is, for `keel gas --profile`. The deployable bytes are the
/// same with or without it (one fixed path, so the flags, and so cargo's
/// fingerprints, do not change from contract to contract).
const LINK_MAP: &str = "link.map";

/// The machine's paths a build could embed in the wasm (the checkout and
/// cargo's home, where dependencies' sources are), for the remapping and
/// the check that none is left.
pub fn local_paths(ws: &Workspace) -> Vec<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    [Some(ws.root.clone()), cargo_home]
        .into_iter()
        .flatten()
        .collect()
}

/// A `--config` value adding `--remap-path-prefix` for each of
/// [`local_paths`] to the wasm target's rustflags (cargo appends it to those
/// of `.cargo/config.toml`): the deployable bytes must not depend on where
/// the repository or cargo's home are, so that anyone can rebuild a deployed
/// program and compare. Each registry's source directory (its name carries a
/// hash of the registry) becomes `/c`: a dependency's panic location keeps
/// only `crate-version/src/file.rs`, and static data costs start-up gas on
/// every call (0.75 gas per byte). Rustc applies the last matching prefix,
/// so these follow cargo's home. Also asks the linker for its map at
/// `link_map`.
fn wasm_rustflags(ws: &Workspace, link_map: &Path) -> String {
    let paths = local_paths(ws);
    let registries = paths
        .get(1)
        .and_then(|home| std::fs::read_dir(home.join("registry").join("src")).ok())
        .into_iter()
        .flatten()
        .filter_map(|entry| Some((entry.ok()?.path(), "/c")));
    let mut flags: Vec<String> = paths
        .iter()
        .cloned()
        .zip(["/keel", "/cargo"])
        .chain(registries)
        .map(|(path, neutral)| format!("\"--remap-path-prefix={}={neutral}\"", path.display()))
        .collect();
    flags.push(format!("\"-Clink-arg=--Map={}\"", link_map.display()));
    format!("target.{WASM_TARGET}.rustflags=[{}]", flags.join(", "))
}

fn wasm_path(target_dir: &Path, contract: &Contract) -> PathBuf {
    target_dir
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{}.wasm", contract.lib_name))
}

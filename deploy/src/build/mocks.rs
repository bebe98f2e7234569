//! The mock tokens and feeds (keel-mocks) as Stylus programs, so that `keel
//! gas` and `keel demo` can meter every contract of a transaction on the
//! devnet's wasm backend, as a Nitro chain running the same mocks would.
//! Each mock is one wasm32 build of keel-mocks with the feature that
//! exports its entrypoint, processed as the market's programs are
//! (cargo-stylus's stripping and WAT round trip) and written to
//! `target/keel/mocks/<name>.wasm`. The mocks are test contracts: no Nitro
//! gate is applied.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::cargo::{cargo, Workspace, WASM_TARGET};
use super::process;

/// The mocks built: (keel-mocks feature, file name).
pub const MOCKS: [(&str, &str); 2] = [
    ("erc20", "keel-mocks-erc20"),
    ("aggregator", "keel-mocks-aggregator"),
];

/// Where the processed mocks are written.
pub fn mocks_dir(keel_dir: &Path) -> PathBuf {
    keel_dir.join("mocks")
}

/// Builds and processes every mock of [`MOCKS`] into `target/keel/mocks`.
pub fn build_mocks(ws: &Workspace) -> Result<()> {
    let out_dir = mocks_dir(&ws.target_dir.join("keel"));
    fs::create_dir_all(&out_dir)?;
    for (feature, name) in MOCKS {
        let status = cargo()
            .current_dir(&ws.root)
            .args(["build", "--release", "--lib", "--target", WASM_TARGET])
            .args(["-p", "keel-mocks", "--features", feature])
            .arg("--target-dir")
            .arg(&ws.target_dir)
            .env("CARGO_INCREMENTAL", "0")
            .status()
            .context("running cargo build")?;
        if !status.success() {
            bail!("cargo build of keel-mocks ({feature}) for {WASM_TARGET} failed");
        }
        let raw_path = ws
            .target_dir
            .join(WASM_TARGET)
            .join("release")
            .join("keel_mocks.wasm");
        let raw = fs::read(&raw_path).with_context(|| format!("reading {}", raw_path.display()))?;
        let processed = process::process(&raw).with_context(|| format!("processing {name}"))?;
        super::write_atomically(&out_dir.join(format!("{name}.wasm")), &processed)?;
    }
    Ok(())
}

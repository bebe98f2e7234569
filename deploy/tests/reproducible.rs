//! The deployable bytes do not depend on where the repository is checked
//! out: a copy of the repository at another path, with its own target
//! directory (as a second clone has), builds the same processed wasm as
//! this checkout's `keel build`, so anyone can re-verify a deployed program.
//!
//! Needs the programs and git: `scripts/test.sh` runs `keel build` first
//! and CI works on a clone. One program (the ext program) is rebuilt, from a
//! cold target directory: about a minute on two cores.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use keel_cli::build::build_optimized;
use keel_cli::build::cargo::{self, Workspace};
use keel_cli::build::process::process;

/// The program rebuilt in the copy.
const PACKAGE: &str = "keel-market-ext";

/// The files git tracks in `root`, relative to it.
fn tracked_files(root: &Path) -> Vec<PathBuf> {
    let output = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output()
        .expect("git ls-files (the test runs in a git checkout)");
    assert!(output.status.success(), "git ls-files failed");
    output
        .stdout
        .split(|byte| *byte == 0)
        .filter(|name| !name.is_empty())
        .map(|name| PathBuf::from(String::from_utf8(name.to_vec()).unwrap()))
        .collect()
}

/// Copies the tracked files of `ws` to `to` (replacing an earlier copy).
fn copy_checkout(ws: &Workspace, to: &Path) {
    if to.exists() {
        fs::remove_dir_all(to).unwrap();
    }
    for file in tracked_files(&ws.root) {
        let source = ws.root.join(&file);
        // A file deleted in the working tree but not yet in the index.
        if !source.is_file() {
            continue;
        }
        let target = to.join(&file);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(&source, &target).unwrap();
    }
}

#[test]
fn a_checkout_at_another_path_builds_the_same_program() {
    let ws = cargo::workspace().unwrap();
    let here = ws.target_dir.join("keel").join(format!("{PACKAGE}.wasm"));
    let expected = fs::read(&here).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run `cargo run -p keel-cli --bin keel -- build` first",
            here.display()
        )
    });
    // A longer path than the checkout's, and its own target directory.
    let copy_root = ws
        .target_dir
        .join("keel")
        .join("reproduce")
        .join("a-second-checkout-somewhere-else");
    copy_checkout(&ws, &copy_root);
    let contract = ws
        .contracts
        .iter()
        .find(|c| c.package == PACKAGE)
        .expect("the program is a workspace contract");
    let relative = contract.dir.strip_prefix(&ws.root).unwrap();
    let copy = Workspace {
        root: copy_root.clone(),
        target_dir: copy_root.join("target"),
        contracts: Vec::new(),
        wasm_toolchain: ws.wasm_toolchain.clone(),
        binaryen: ws.binaryen.clone(),
    };
    // The tools scripts/setup.sh installs under the checkout (binaryen).
    fs::create_dir_all(copy_root.join("target")).unwrap();
    std::os::unix::fs::symlink(ws.root.join("target/tools"), copy_root.join("target/tools"))
        .unwrap();
    let copied_contract = cargo::Contract {
        dir: copy_root.join(relative),
        ..contract.clone()
    };
    let rebuilt = process(&build_optimized(&copy, &copied_contract, None).unwrap()).unwrap();
    // The copy's target directory (std rebuilt for wasm) is a few hundred MB.
    fs::remove_dir_all(&copy_root).unwrap();
    assert!(
        rebuilt == expected,
        "{PACKAGE}: {} bytes here, {} bytes from a checkout at another path",
        expected.len(),
        rebuilt.len()
    );
}

//! binaryen's `wasm-opt`, run on rustc's wasm before cargo-stylus's
//! processing ([`super::process`]).
//!
//! rustc at opt-level "z" leaves many small functions and redundant locals
//! that LLVM's wasm back end does not merge. `wasm-opt -Oz` (run twice:
//! [`WASM_OPT_ARGS`]) inlines and
//! folds them after linking. Measured on the market's core (README, "Code
//! size"): 106,257 -> 95,673 processed bytes and 391 -> 171 functions, so
//! start-up 27,527 -> 23,593 gas uncached (each function is 8.25 gas and
//! each byte 0.13) and 552 -> 503 cached, and 150 to 300 gas less wasm
//! execution per operation; brotli gains less from the denser code
//! (31,643 -> 32,002 compressed bytes).
//!
//! The version is pinned by the root `Cargo.toml`'s
//! `[workspace.metadata.keel] binaryen` and installed from the npm registry
//! by `scripts/setup.sh` into `target/tools/binaryen-VERSION`: binaryen.js is
//! binaryen compiled to wasm, run by node, so every machine runs the same
//! optimiser and gets the same bytes. The features are Nitro's: the MVP plus
//! bulk memory, sign extension and mutable globals; wasm-opt refuses an input
//! that uses any other, and emits none.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::cargo::Workspace;
use super::private_temporary;

/// The optimisation level and the wasm features `wasm-opt` may use.
///
/// `-Oz` twice runs binaryen's size pipeline a second time on its own
/// output: a few dozen bytes less wasm that brotli compresses better.
/// Measured at `eb1be69` (README, "Release profile"): core 31,230 -> 30,946
/// bytes compressed, ext 34,290 -> 33,886, start-up and ink a few gas lower
/// (no operation costs more). A third pass, where `--converge` also stops,
/// makes the same wasm size and a larger core (31,024 compressed): brotli,
/// not the wasm size, decides.
pub const WASM_OPT_ARGS: [&str; 7] = [
    "-Oz",
    "-Oz",
    "--mvp-features",
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-sign-ext",
    "--enable-mutable-globals",
];

/// binaryen's `wasm-opt` script, where `scripts/setup.sh` installs it.
pub fn wasm_opt_script(ws: &Workspace) -> PathBuf {
    ws.root
        .join("target")
        .join("tools")
        .join(format!("binaryen-{}", ws.binaryen))
        .join("node_modules")
        .join("binaryen")
        .join("bin")
        .join("wasm-opt")
}

/// Optimises the linked `wasm` file, whose bytes the caller has read
/// (`input`). Writes the result beside it as
/// `<stem>.opt.wasm` and the symbol map as `<stem>.symbols` ([`symbols_path`]),
/// and returns the optimised bytes.
///
/// `wasm-opt` writes to files of this process's own, renamed into place
/// after: tests run several `keel build`s and `keel deploy`s side by side,
/// and none may read another's half-written output. The result is reused
/// while the input, binaryen's version and [`WASM_OPT_ARGS`] are unchanged
/// (their hash, [`cache_key`], is kept in `<stem>.opt.key`, written last):
/// every `keel deploy` builds first, and running wasm-opt each time cost the
/// node tests half a minute.
///
/// Errors when node or the pinned binaryen is missing, or when `wasm-opt`
/// refuses the module (a feature Nitro does not support, for example).
pub fn optimize(ws: &Workspace, wasm: &Path, input: &[u8]) -> Result<Vec<u8>> {
    let script = wasm_opt_script(ws);
    if !script.is_file() {
        bail!(
            "{} is missing: run scripts/setup.sh (it installs binaryen {} with npm)",
            script.display(),
            ws.binaryen
        );
    }
    let key = cache_key(input, &ws.binaryen);
    let (output, symbols, key_path) = (
        wasm.with_extension("opt.wasm"),
        symbols_path(wasm),
        wasm.with_extension("opt.key"),
    );
    if std::fs::read_to_string(&key_path).is_ok_and(|stored| stored == key) && symbols.is_file() {
        if let Ok(optimized) = std::fs::read(&output) {
            return Ok(optimized);
        }
    }
    let (output_tmp, symbols_tmp) = (private_temporary(&output), private_temporary(&symbols));
    let status = Command::new("node")
        .arg(&script)
        .args(WASM_OPT_ARGS)
        .arg(wasm)
        .arg("-o")
        .arg(&output_tmp)
        .arg(format!("--symbolmap={}", symbols_tmp.display()))
        .status()
        .context("running node (binaryen's wasm-opt needs node; scripts/setup.sh)")?;
    if !status.success() {
        bail!("wasm-opt failed on {}", wasm.display());
    }
    let optimized =
        std::fs::read(&output_tmp).with_context(|| format!("reading {}", output_tmp.display()))?;
    std::fs::rename(&output_tmp, &output)?;
    std::fs::rename(&symbols_tmp, &symbols)?;
    super::write_atomically(&key_path, key.as_bytes())?;
    Ok(optimized)
}

/// What `wasm-opt`'s output depends on, hashed: the input module, binaryen's
/// version and [`WASM_OPT_ARGS`].
pub fn cache_key(input: &[u8], binaryen: &str) -> String {
    let mut hashed = input.to_vec();
    for part in core::iter::once(binaryen).chain(WASM_OPT_ARGS) {
        hashed.push(0);
        hashed.extend_from_slice(part.as_bytes());
    }
    alloy_primitives::keccak256(&hashed).to_string()
}

/// The symbol map `wasm-opt` writes for the linked `wasm`: one line
/// `index:name` per function of the optimised module, where the name of a
/// function rustc defined is its position among the linked module's
/// function bodies (the module has no name section), so
/// [`optimised_body_names`] can name it from the linker's map.
pub fn symbols_path(wasm: &Path) -> PathBuf {
    wasm.with_extension("symbols")
}

/// The names of the optimised module's function bodies, in order: each
/// body's linked position from `symbols` ([`symbols_path`]'s text) looked up
/// in `linked` (the linked module's body names, in order). A function
/// `wasm-opt` made (a merged body such as `byn$mgfn-shared$3`) keeps its
/// binaryen name; imports (`fimport$N`) have no body and are skipped.
/// `-Oz` also keeps one body for functions whose code is identical (a
/// bit-set iterator and a byte loop can be the same body): such a body is
/// named after the function it kept, and its ink is all of theirs.
///
/// Errors when a body's position is not in `linked`.
pub fn optimised_body_names(symbols: &str, linked: &[String]) -> Result<Vec<String>> {
    symbols
        .lines()
        .filter_map(|line| line.split_once(':').map(|(_, name)| name))
        .filter(|name| !name.starts_with("fimport$"))
        .map(|name| match name.parse::<usize>() {
            Ok(position) => linked
                .get(position)
                .cloned()
                .with_context(|| format!("symbol map: no linked function body {position}")),
            Err(_) => Ok(format!("wasm-opt: {name}")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_named_from_their_linked_positions() {
        let linked: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let symbols = "0:fimport$0\n1:fimport$1\n2:2\n3:byn$mgfn-shared$0\n4:0\n";
        assert_eq!(
            optimised_body_names(symbols, &linked).unwrap(),
            ["c", "wasm-opt: byn$mgfn-shared$0", "a"].map(String::from)
        );
    }

    #[test]
    fn the_cache_key_changes_with_the_input_and_the_version() {
        let key = cache_key(b"wasm", "132.0.0");
        assert_eq!(key, cache_key(b"wasm", "132.0.0"));
        assert_ne!(key, cache_key(b"wasn", "132.0.0"));
        assert_ne!(key, cache_key(b"wasm", "133.0.0"));
    }

    #[test]
    fn an_unknown_body_is_an_error() {
        let linked = vec!["a".to_owned()];
        assert!(optimised_body_names("0:1\n", &linked).is_err());
    }
}

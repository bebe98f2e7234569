//! Running a program's export-abi binary (the Stylus convention: a binary
//! named like the package, built with the `export-abi` feature, as `cargo
//! stylus export-abi` runs it) and parsing what it prints.

use super::Exported;
use crate::build::cargo::{cargo, Workspace};
use alloy_json_abi::{Constructor, Error, Function};
use anyhow::{bail, Context, Result};

/// The `function` and `error` items `package`'s export-abi prints.
///
/// Errors: the binary does not build or run, or a line does not parse.
pub fn export_abi(ws: &Workspace, package: &str) -> Result<Exported> {
    parse_interface(&run(ws, package, &[])?)
}

/// `package`'s constructor, if it has one.
///
/// Errors: the binary does not build or run, or the line does not parse.
pub fn export_constructor(ws: &Workspace, package: &str) -> Result<Option<Constructor>> {
    let text = run(ws, package, &["constructor"])?;
    let line = text.trim();
    if line.is_empty() {
        return Ok(None);
    }
    let constructor =
        Constructor::parse(line).with_context(|| format!("parsing {package}'s `{line}`"))?;
    Ok(Some(constructor))
}

/// Parses the body of an export-abi `interface` (one item per line).
///
/// Errors: a `function` or `error` line alloy-json-abi cannot parse, or an
/// item of another kind (structs would need their own handling).
pub fn parse_interface(text: &str) -> Result<Exported> {
    let mut exported = Exported::default();
    let body = text
        .lines()
        .map(str::trim)
        .skip_while(|l| !l.starts_with("interface "));
    for line in body.skip(1) {
        let item = line.trim_end_matches(';');
        if item.is_empty() || item == "}" {
            continue;
        }
        if item.starts_with("function ") {
            let function = Function::parse(item).with_context(|| format!("parsing `{item}`"))?;
            exported.functions.push(function);
        } else if item.starts_with("error ") {
            let error = Error::parse(item).with_context(|| format!("parsing `{item}`"))?;
            exported.errors.push(error);
        } else {
            bail!("unexpected export-abi item `{item}`");
        }
    }
    Ok(exported)
}

/// Runs `package`'s export-abi binary.
///
/// In its own target directory: a program is a `cdylib`, whose rlib Cargo
/// names without a hash, so an export-abi build in `target/debug` would
/// overwrite the rlib the workspace's tests and doctests were built against
/// (rustdoc then cannot load the crates that depend on it).
fn run(ws: &Workspace, package: &str, args: &[&str]) -> Result<String> {
    let output = cargo()
        .current_dir(&ws.root)
        .args(["run", "--locked", "-q", "--features", "export-abi", "-p"])
        .arg(package)
        .arg("--target-dir")
        .arg(ws.target_dir.join("keel").join("export-abi"))
        .args(["--bin", package, "--"])
        .args(args)
        .output()
        .with_context(|| format!("running {package}'s export-abi"))?;
    if !output.status.success() {
        bail!(
            "{package}'s export-abi failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_functions_and_errors_of_an_interface() {
        let text = "// SPDX\npragma solidity ^0.8.23;\n\ninterface IX {\n    \
            function f(uint256 a, (uint64, uint64) b) external view returns (uint256, uint256[] memory);\n\n    \
            error E(address);\n}\n";
        let exported = parse_interface(text).unwrap();
        assert_eq!(
            exported.functions[0].signature(),
            "f(uint256,(uint64,uint64))"
        );
        assert_eq!(exported.functions[0].outputs.len(), 2);
        assert_eq!(exported.errors[0].signature(), "E(address)");
    }

    #[test]
    fn rejects_unknown_items() {
        let text = "interface IX {\n    struct S { uint256 a; }\n}\n";
        assert!(parse_interface(text).is_err());
    }
}

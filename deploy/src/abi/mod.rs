//! `keel abi`: the market's dapp ABI, generated from the contracts.
//!
//! One address, one interface: the market's ABI is the union of the
//! export-abi output of every program behind the market's address
//! ([`market_programs`]: the core and the ext program), deduplicated,
//! completed with
//!
//! - **events**, which export-abi omits: the typed list of
//!   `keel_market::events` ([`events::market_events`]), each matched to its
//!   `sol!` declaration for parameter names and `indexed` markers and checked
//!   against the type's `SolEvent::SIGNATURE` and topic count;
//! - **error parameter names**: export-abi prints `error Unauthorized(address)`;
//!   the named `sol!` declaration is used after checking it has the same
//!   signature;
//! - **parameter and return names**: export-abi prints Rust's snake_case
//!   parameter names and unnamed tuple returns; parameters become camelCase
//!   and multi-value returns take their names from [`outputs::OUTPUT_NAMES`]
//!   (checked against the export-abi arity);
//! - **tuple parameters' field names and struct names** ([`structs`]): the
//!   JSON names the fields, the Solidity interface declares structs
//!   (`IKeelMarket.RiskParams`), because solc has no tuple types.
//!
//! The result is written as `abi/KeelMarket.json` (alloy-json-abi, no solc
//! needed) and `abi/IKeelMarket.sol` (printed from the same JSON ABI), an
//! interface solc 0.8 compiles (`scripts/test.sh` checks it with solc-js).

pub mod events;
pub mod export;
pub mod outputs;
pub mod source;
pub mod structs;

use crate::build::cargo::Workspace;
use crate::plan::Program;
use alloy_json_abi::{Constructor, Error, Event, Function, JsonAbi, Param};
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::Path;

/// The programs whose export-abi output makes up the market's ABI: the
/// core (whose constructor is the market's), then the ext program.
pub fn market_programs() -> impl Iterator<Item = Program> {
    [Program::Core, Program::Ext].into_iter()
}

/// The `sol!` interfaces of the operations the programs decode by hand
/// (`keel_market::dispatch`), with their compiled selectors.
fn hand_dispatched() -> [(&'static str, &'static [[u8; 4]]); 1] {
    use keel_market::dispatch::IKeelCoreOperations::IKeelCoreOperationsCalls;
    [("IKeelCoreOperations", IKeelCoreOperationsCalls::SELECTORS)]
}

/// Name of the Solidity interface.
pub const INTERFACE_NAME: &str = "IKeelMarket";

/// The committed Solidity interface, relative to the workspace root.
pub const SOLIDITY_PATH: &str = "abi/IKeelMarket.sol";

/// The committed JSON ABI, relative to the workspace root.
pub const JSON_PATH: &str = "abi/KeelMarket.json";

/// The two ABI files' contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbiFiles {
    /// `abi/IKeelMarket.sol`.
    pub solidity: String,
    /// `abi/KeelMarket.json`.
    pub json: String,
}

/// Builds the market's ABI from the workspace's contracts.
///
/// Errors: a program that does not build with `export-abi`, an item that
/// does not parse, an event or error without a matching `sol!`
/// declaration, a multi-value return without names.
pub fn generate(ws: &Workspace) -> Result<JsonAbi> {
    let declarations = source::scan(&ws.root.join("contracts"))?;
    let mut abi = JsonAbi::new();
    for program in market_programs() {
        let (package, is_core) = (program.package(), program == Program::Core);
        let exported = export::export_abi(ws, package)?;
        // The market's address answers the core's functions and those its
        // fallback routes; the ext program's `initialize` runs only from the
        // core's constructor and is not part of the market's ABI.
        let reachable = |f: &Function| is_core || keel_market::ext::routes_to_ext(f.selector().0);
        for mut function in exported.functions.into_iter().filter(reachable) {
            camel_case_params(&mut function.inputs);
            abi.functions
                .entry(function.name.clone())
                .or_default()
                .push(function);
        }
        for error in exported.errors {
            let named = declarations.error_named_like(&error)?;
            abi.errors
                .entry(named.name.clone())
                .or_default()
                .push(named);
        }
        if is_core {
            abi.constructor = export::export_constructor(ws, package)?.map(camel_case_constructor);
        }
        let dir = &ws_contract(ws, package)?.dir;
        declarations.check_events_listed(&dir.join("src"), &events::market_events())?;
    }
    // The operations decoded by hand (`keel_market::dispatch`), which the
    // SDK router and export-abi do not see: their `sol!` interfaces are the
    // declarations.
    for (interface, compiled) in hand_dispatched() {
        for function in declarations.interface_functions(interface, compiled)? {
            abi.functions
                .entry(function.name.clone())
                .or_default()
                .push(function);
        }
    }
    for typed in events::market_events() {
        let event: Event = declarations.event_like(&typed)?;
        abi.events
            .entry(event.name.clone())
            .or_default()
            .push(event);
    }
    abi.dedup();
    outputs::name_outputs(&mut abi)?;
    structs::name_tuples(&mut abi)?;
    Ok(abi)
}

/// Renders `abi` as the two committed files.
pub fn render(abi: &JsonAbi) -> Result<AbiFiles> {
    let json = format!("{}\n", serde_json::to_string_pretty(abi)?);
    let header = format!(
        "// SPDX-License-Identifier: MIT OR Apache-2.0\n\
         // Generated by `keel abi` from the export-abi output of {} plus the\n\
         // market's events and named errors. Do not edit: run\n\
         // `cargo run -p keel-cli --bin keel -- abi` after changing the contracts.\n\
         pragma solidity ^0.8.23;\n\n",
        market_programs()
            .map(Program::package)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let interface = structs::with_struct_types(abi, INTERFACE_NAME).to_sol(INTERFACE_NAME, None);
    let solidity = format!("{header}{interface}\n");
    Ok(AbiFiles { solidity, json })
}

/// Regenerates `abi/` under the workspace root.
pub fn write(ws: &Workspace) -> Result<AbiFiles> {
    let files = render(&generate(ws)?)?;
    fs::create_dir_all(ws.root.join("abi"))?;
    fs::write(ws.root.join(SOLIDITY_PATH), &files.solidity)?;
    fs::write(ws.root.join(JSON_PATH), &files.json)?;
    Ok(files)
}

/// Fails when the committed `abi/` files differ from what the contracts
/// generate now, naming the file that drifted.
pub fn check(ws: &Workspace) -> Result<()> {
    let fresh = render(&generate(ws)?)?;
    for (path, expected) in [(SOLIDITY_PATH, &fresh.solidity), (JSON_PATH, &fresh.json)] {
        let committed = read(&ws.root, path)?;
        if &committed != expected {
            bail!(
                "{path} is out of date with the contracts; regenerate it with \
                 `cargo run -p keel-cli --bin keel -- abi` and commit the result"
            );
        }
    }
    Ok(())
}

fn read(root: &Path, path: &str) -> Result<String> {
    fs::read_to_string(root.join(path)).with_context(|| format!("reading {path}"))
}

fn ws_contract<'a>(ws: &'a Workspace, package: &str) -> Result<&'a crate::build::cargo::Contract> {
    ws.contracts
        .iter()
        .find(|c| c.package == package)
        .with_context(|| format!("{package} is not a deployable contract (no Stylus.toml)"))
}

/// `on_behalf` -> `onBehalf`; names without underscores are unchanged.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        match (c, upper) {
            ('_', _) if !out.is_empty() => upper = true,
            (c, true) => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            (c, false) => out.push(c),
        }
    }
    out
}

fn camel_case_params(params: &mut [Param]) {
    for param in params {
        param.name = camel_case(&param.name);
    }
}

fn camel_case_constructor(mut constructor: Constructor) -> Constructor {
    camel_case_params(&mut constructor.inputs);
    constructor
}

/// The items of one program's export-abi output.
#[derive(Debug, Default)]
pub struct Exported {
    /// `function` lines.
    pub functions: Vec<Function>,
    /// `error` lines (unnamed parameters).
    pub errors: Vec<Error>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_converts_snake_case_only() {
        assert_eq!(camel_case("on_behalf"), "onBehalf");
        assert_eq!(camel_case("max_repay_assets"), "maxRepayAssets");
        assert_eq!(camel_case("seconds"), "seconds");
        assert_eq!(camel_case("_private"), "_private");
        assert_eq!(camel_case(""), "");
    }
}

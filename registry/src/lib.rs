//! The market's programs, in one table: every tool that deploys, builds,
//! measures or tests the market (keel-cli's plan, devnet deployment, ABI
//! generator and `keel gas`; keel-tests' fixture and wasm backend) takes the
//! list from [`Program::ALL`], the Cargo package from [`Program::package`]
//! and the devnet program from [`Program::native`] or [`Program::wasm`].
//! A change of the market's shape changes this file and the contracts
//! (`keel_market::ext`, `contracts/programs/`), nothing else;
//! `scripts/test.sh` finds the contract crates under `contracts/` itself.
#![warn(missing_docs)]

use std::path::Path;

use keel_devnet::{native_entry, NativeProgram, WasmProgram};

/// A program behind a market's address: the ext program, then the core at
/// the market's address, whose constructor records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Program {
    /// keel-market-ext: administration, collateral listing, views.
    Ext,
    /// keel-market-core: the market's address.
    Core,
}

impl Program {
    /// Every program of a market, in deployment order: the ext program
    /// (the core's constructor takes its address), then the core.
    pub const ALL: [Program; 2] = [Program::Ext, Program::Core];

    /// The Cargo package that builds the program (and names its wasm).
    pub fn package(self) -> &'static str {
        match self {
            Program::Ext => "keel-market-ext",
            Program::Core => "keel-market-core",
        }
    }

    /// The program's Rust code on the devnet's native backend.
    pub fn native(self) -> NativeProgram {
        match self {
            Program::Ext => native_entry("KeelMarketExt", keel_market_ext::entry),
            Program::Core => native_entry("KeelMarketCore", keel_market_core::entry),
        }
    }

    /// The program's deployable wasm, `<dir>/<package>.wasm` as `keel build`
    /// writes it, for the devnet's wasm backend.
    ///
    /// Errors: the file is missing (the message says how to build it) or is
    /// not a valid Stylus program.
    pub fn wasm(self, dir: &Path) -> Result<WasmProgram, String> {
        let path = dir.join(format!("{}.wasm", self.package()));
        if !path.exists() {
            return Err(format!(
                "{} is missing: run `cargo run -p keel-cli --bin keel -- build` first",
                path.display()
            ));
        }
        WasmProgram::from_file(&path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_package_is_a_workspace_program() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for program in Program::ALL {
            let dir = program.package().trim_start_matches("keel-market-");
            let manifest = root.join("contracts/programs").join(dir).join("Cargo.toml");
            let text = std::fs::read_to_string(&manifest).unwrap();
            let name_line = format!("name = \"{}\"", program.package());
            assert!(text.contains(&name_line), "{}", manifest.display());
        }
    }

    #[test]
    fn a_missing_wasm_says_how_to_build_it() {
        let error = Program::Core.wasm(Path::new("/nonexistent")).unwrap_err();
        assert!(
            error.contains("keel-market-core.wasm is missing"),
            "{error}"
        );
    }
}

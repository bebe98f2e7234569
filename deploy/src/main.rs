//! `keel`: build, check and deploy Keel's Stylus contracts.

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Keel's developer and deployment tool.
#[derive(Parser)]
#[command(name = "keel", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build every deployable contract for wasm32, apply cargo-stylus's
    /// processing, check Nitro's activation rules and the 24,576-byte code
    /// limit, and write `target/keel/{<contract>.wasm, <contract>.wasm.br,
    /// report.json}`. Fails naming the contract and rule on any violation.
    Build {
        /// Only these packages (default: every package with a Stylus.toml).
        #[arg(short, long = "package")]
        packages: Vec<String>,
        /// Instead of building, measure this package at several opt-levels.
        #[arg(long, value_name = "PACKAGE")]
        measure_opt_levels: Option<String>,
        /// The opt-levels to measure.
        #[arg(long, value_delimiter = ',', default_value = "3,s,z")]
        levels: Vec<String>,
    },
    /// Regenerate the market's ABI under abi/: IKeelMarket.sol and
    /// KeelMarket.json, from the export-abi output of the market's programs
    /// plus its events and named errors (runs each program's export-abi
    /// binary with cargo).
    Abi {
        /// Do not write: fail if the committed files differ from the contracts.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Build {
            packages,
            measure_opt_levels,
            levels,
        } => match measure_opt_levels {
            Some(package) => keel_cli::build::measure_opt_levels(&package, &levels),
            None => keel_cli::build::run(&packages).map(|_| ()),
        },
        Command::Abi { check } => {
            let ws = keel_cli::build::cargo::workspace()?;
            if check {
                keel_cli::abi::check(&ws)?;
                println!(
                    "{} and {} are up to date",
                    keel_cli::abi::SOLIDITY_PATH,
                    keel_cli::abi::JSON_PATH
                );
            } else {
                keel_cli::abi::write(&ws)?;
                println!(
                    "wrote {} and {}",
                    keel_cli::abi::SOLIDITY_PATH,
                    keel_cli::abi::JSON_PATH
                );
            }
            Ok(())
        }
    }
}

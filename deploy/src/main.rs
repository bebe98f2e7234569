//! `keel`: build, check and deploy Keel's Stylus contracts.

use alloy_primitives::Address;
use anyhow::{bail, Result};
use clap::{Parser, Subcommand};
use keel_cli::deploy::KeySource;
use std::path::PathBuf;

/// Keel's developer and deployment tool.
#[derive(Parser)]
#[command(name = "keel", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build every deployable contract for wasm32, optimise it with
    /// binaryen's wasm-opt, apply cargo-stylus's processing, check Nitro's
    /// activation rules and code limits (at most 131,072 bytes of
    /// decompressed wasm per program; compressed code in
    /// one 24,576-byte account or at most two fragments, ArbOS 60+), and
    /// write `target/keel/{<contract>.wasm, <contract>.wasm.br,
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
    /// Deploy the example market (deploy/markets/example.toml) on the
    /// in-process devnet and play a story: two suppliers, two borrowers with
    /// different collaterals, a year of interest, a price crash, a partial
    /// liquidation, a full liquidation and a bad-debt write-off, printing
    /// the accounts (collateral, debt, health factor) and market totals
    /// after each step.
    Demo,
    /// Measure the gas of each market operation: a fixed scenario (see
    /// deploy/src/gas.rs) on the devnet's wasm backend, running the programs
    /// `keel build` wrote (target/keel) with Nitro's metering, uncached and
    /// cached. Prints the split and the Morpho Blue and Aave figures for the
    /// same operations, and writes gas/snapshot.json.
    Gas {
        /// Do not write: fail when an operation's gas grew by more than 0.5%
        /// over gas/snapshot.json, or the scenario broke.
        #[arg(long)]
        check: bool,
        /// Run the mock tokens and feeds as wasm too (metered, each call
        /// paying their start-up); prints only (the snapshot is of native
        /// mocks).
        #[arg(long, conflicts_with = "check")]
        wasm_mocks: bool,
        /// Profile one operation (e.g. "borrow"): ink per function (top 20,
        /// by function name), the hostios' ink, and every storage slot read
        /// and written with its price.
        #[arg(long, value_name = "OPERATION", conflicts_with_all = ["check", "wasm_mocks"])]
        profile: Option<String>,
        /// Run the programs of DIR instead of target/keel (e.g. another
        /// commit's keel build, for a comparison); prints only.
        #[arg(long, value_name = "DIR", conflicts_with = "check")]
        programs: Option<std::path::PathBuf>,
        /// Seconds between the measured operations (default 300); any other
        /// value prints only.
        #[arg(long, value_name = "SECONDS", conflicts_with_all = ["check", "profile"])]
        step: Option<u64>,
    },
    /// Deploy the market described by a configuration file (see
    /// deploy/markets/example.toml). Every parameter is validated first and
    /// each problem reported with its field and allowed range.
    ///
    /// Without --rpc: deploys onto the in-process devnet, with mock tokens
    /// and feeds in place of the configured addresses, and prints the
    /// addresses and the configuration read back from the market.
    ///
    /// With --rpc: deploys to that Stylus chain with the key from
    /// --key-env (default KEEL_PRIVATE_KEY) or --key-file: builds the
    /// programs (keel build), then each program through the StylusDeployer
    /// (CREATE2 + ArbWasm activation paying the data fee + constructor, in
    /// one transaction), then the configuration calls; progress is recorded
    /// in the --state file and a re-run resumes after the last finished step.
    ///
    /// With --dry-run: prints every transaction of a chain deployment (to,
    /// value, calldata, purpose) and sends nothing; no network is used.
    Deploy {
        /// The market configuration (TOML).
        config: PathBuf,
        /// JSON-RPC endpoint of an Arbitrum chain with Stylus.
        #[arg(long, value_name = "URL")]
        rpc: Option<String>,
        /// Print the chain transactions instead of sending them.
        #[arg(long)]
        dry_run: bool,
        /// Environment variable holding the deployer's hex private key.
        #[arg(long, default_value = "KEEL_PRIVATE_KEY", value_name = "VAR")]
        key_env: String,
        /// File holding the deployer's hex private key (instead of --key-env).
        #[arg(long, value_name = "PATH")]
        key_file: Option<PathBuf>,
        /// Sender for --dry-run when no key is available (default: the owner).
        #[arg(long, value_name = "ADDRESS")]
        from: Option<Address>,
        /// State file of a chain deployment (default: `<config>.<chain>.state.json` beside the config).
        #[arg(long, value_name = "PATH")]
        state: Option<PathBuf>,
        /// With --dry-run: print the transactions as JSON, with full calldata.
        #[arg(long)]
        json: bool,
    },
    /// Serve Ethereum JSON-RPC over HTTP on the in-process devnet, so that
    /// real clients (alloy, cast, viem, ethers, `keel deploy --rpc`) drive
    /// Keel locally: Stylus programs deployed by transaction run as wasm
    /// with Nitro's metering; ArbWasm, the StylusDeployer and the CREATE2
    /// factory are emulated at their canonical addresses; there is no EVM.
    /// Prints ten funded dev accounts with their keys. README, "Local node".
    Node {
        /// Port to listen on (0: any free port, printed).
        #[arg(long, default_value_t = 8547)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// State file: replayed at start when it exists, every later block
        /// and balance change appended.
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
        /// Deploy the mock tokens and feeds of deploy/markets/example.toml
        /// at genesis and print their addresses.
        #[arg(long)]
        with_mocks: bool,
    },
    /// Risk lab: run a scenario (deploy/scenarios/*.toml) on the real market
    /// on the devnet, block by block, and write its per-block series (CSV,
    /// JSON), summary and SVG plots; with --sweep, run it once per value of
    /// a parameter and plot bad debt and liquidation volume against it.
    Sim {
        /// The scenario.
        scenario: PathBuf,
        /// NAME=FROM..TO:STEP, NAME one of lt, bonus, close_factor, full_hf,
        /// pool_depth, heartbeat, deviation, delay.
        #[arg(long)]
        sweep: Option<keel_sim::sweep::Sweep>,
        /// Output directory (default `target/sim/<scenario file name>`).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        run: keel_cli::sim::SimRun,
    },
    /// Liquidation keeper: on the devnet, runs a scenario with its
    /// liquidators as keepers; with --rpc, polls a market on a node with the
    /// key of --key-env. Prints every decision as a JSON line.
    Keeper {
        /// The scenario (devnet).
        #[arg(required_unless_present = "rpc")]
        scenario: Option<PathBuf>,
        /// Blocks to run (default: the scenario's).
        #[arg(long)]
        blocks: Option<u64>,
        #[command(flatten)]
        run: keel_cli::sim::SimRun,
        #[command(flatten)]
        rpc: keel_cli::sim::RpcKeeperArgs,
    },
    /// Position monitor: on the devnet, runs a scenario; with --rpc, polls a
    /// market on a node (read only). Alerts on positions crossing HF
    /// thresholds (with liquidation prices), high utilisation and old oracle
    /// answers; exits with 2 when any alert fired.
    Watch {
        /// The scenario (devnet).
        #[arg(required_unless_present = "rpc")]
        scenario: Option<PathBuf>,
        /// Health-factor thresholds.
        #[arg(long, value_delimiter = ',', default_value = "1.10,1.02")]
        hf: Vec<f64>,
        /// Utilisation above which to alert.
        #[arg(long, default_value_t = 0.95)]
        max_utilisation: f64,
        /// Alert when a feed's age passes this share of the market's bound.
        #[arg(long, default_value_t = 0.8)]
        oracle_age_share: f64,
        /// JSON lines instead of text.
        #[arg(long)]
        json: bool,
        /// Blocks to run (default: the scenario's).
        #[arg(long)]
        blocks: Option<u64>,
        #[command(flatten)]
        run: keel_cli::sim::SimRun,
        #[command(flatten)]
        rpc: keel_cli::sim::RpcWatchArgs,
    },
}

fn main() -> Result<()> {
    let deployer = &keel_cli::sim::deploy;
    match Cli::parse().command {
        Command::Sim {
            scenario,
            sweep,
            out,
            run,
        } => keel_sim::cli::sim(&scenario, sweep, out, deployer, run.options()),
        Command::Keeper {
            scenario,
            blocks,
            run,
            rpc,
        } => match (rpc.url(), scenario) {
            (Some(url), _) => rpc.run(url),
            (None, Some(scenario)) => {
                keel_sim::cli::keeper(&scenario, blocks, deployer, run.options())
            }
            (None, None) => bail!("give a scenario or --rpc"),
        },
        Command::Watch {
            scenario,
            hf,
            max_utilisation,
            oracle_age_share,
            json,
            blocks,
            run,
            rpc,
        } => {
            let args = keel_sim::cli::WatchArgs {
                alert_hf: hf,
                max_utilisation,
                oracle_age_share,
                json,
                blocks,
            };
            let fired = match (rpc.url(), scenario) {
                (Some(url), _) => rpc.run(url, &args)?,
                (None, Some(scenario)) => {
                    keel_sim::cli::watch(&scenario, &args, deployer, run.options())?
                }
                (None, None) => bail!("give a scenario or --rpc"),
            };
            if fired > 0 {
                std::process::exit(2);
            }
            Ok(())
        }
        Command::Node {
            port,
            host,
            state,
            with_mocks,
        } => {
            let options = keel_cli::node::NodeOptions { with_mocks, state };
            keel_cli::node::run(&options, &host, port)
        }
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
        Command::Demo => {
            print!("{}", keel_cli::demo::run()?.text);
            Ok(())
        }
        Command::Gas {
            check,
            wasm_mocks,
            profile,
            programs,
            step,
        } => {
            let (default_dir, snapshot_path) = keel_cli::gas::default_paths()?;
            let wasm_dir = programs.clone().unwrap_or(default_dir);
            if let Some(operation) = profile {
                print!("{}", keel_cli::gas::profile(&wasm_dir, &operation)?);
                return Ok(());
            }
            let seconds = step.unwrap_or(keel_cli::gas::STEP_SECONDS);
            let (ops, elapsed) = keel_cli::gas::run_stepped(&wasm_dir, wasm_mocks, seconds)?;
            print!("{}", keel_cli::gas::render(&ops));
            let count = 2 * ops.len() as u128;
            let micros = elapsed.as_micros().max(1);
            println!(
                "wasm backend: {count} measured transactions in {} ms ({} per second)",
                micros / 1_000,
                count * 1_000_000 / micros
            );
            if programs.is_some() || step.is_some() {
                println!("other programs or another step: not compared with the snapshot");
            } else if wasm_mocks {
                println!("mock tokens and feeds as wasm: not compared with the snapshot");
            } else if check {
                let committed = keel_cli::gas::read_snapshot(&snapshot_path)?;
                for line in keel_cli::gas::check(&ops, &committed)? {
                    println!("changed: {line}");
                }
                println!("gas within 0.5% of {}", snapshot_path.display());
            } else {
                let snapshot = keel_cli::gas::snapshot(&ops);
                if let Some(dir) = snapshot_path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let text = serde_json::to_string_pretty(&snapshot)? + "\n";
                std::fs::write(&snapshot_path, text)?;
                println!("wrote {}", snapshot_path.display());
            }
            Ok(())
        }
        Command::Deploy {
            config,
            rpc,
            dry_run,
            key_env,
            key_file,
            from,
            state,
            json,
        } => {
            let params = keel_cli::deploy::load(&config)?;
            let key = match key_file {
                Some(path) => KeySource::File(path),
                None => KeySource::Env(key_env),
            };
            if dry_run {
                let signer = key.signer()?;
                let sender = signer.map(|s| s.address()).or(from).unwrap_or(params.owner);
                let codes = keel_cli::deploy::program_codes()?;
                let txs = keel_cli::deploy::chain_plan(&params, sender, &codes)?;
                println!(
                    "dry run: {} transactions from {sender}, nothing sent",
                    txs.len()
                );
                if json {
                    println!("{}", serde_json::to_string_pretty(&txs)?);
                } else {
                    print!("{}", keel_cli::chain::render(&txs));
                }
                return Ok(());
            }
            match rpc {
                None => {
                    let mut market = keel_cli::devnet::deploy(&params)?;
                    print!("{}", keel_cli::report::describe(&mut market, &params)?);
                    Ok(())
                }
                Some(url) => {
                    let Some(signer) = key.signer()? else {
                        bail!("no deployer key: set the environment variable named by --key-env or pass --key-file");
                    };
                    let chain = params
                        .chain_id
                        .map_or("chain".to_owned(), |id| id.to_string());
                    let state = state
                        .unwrap_or_else(|| config.with_extension(format!("{chain}.state.json")));
                    keel_cli::deploy::to_rpc(&params, &url, signer, &state)
                }
            }
        }
    }
}

//! The `keel sim`, `keel keeper` and `keel watch` commands (keel-cli's
//! `main.rs` parses the arguments and passes its deployer).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::bot_loop::check;
use crate::engine::{self, Options, Run};
use crate::market::Deployer;
use crate::plot::run_plots;
use crate::record::write_all;
use crate::scenario::Scenario;
use crate::sweep::{self, Sweep};
use crate::watch::{WatchConfig, Watcher};

/// `keel sim`: runs the scenario (or sweeps it) and writes the series, the
/// summary and the plots into `out` (default `target/sim/<scenario file stem>`).
pub fn sim(
    scenario_path: &Path,
    sweep: Option<Sweep>,
    out: Option<PathBuf>,
    deployer: Deployer,
    options: Options,
) -> Result<()> {
    let scenario = Scenario::load(scenario_path)?;
    let out = out.unwrap_or_else(|| default_out(scenario_path));
    if let Some(sweep) = sweep {
        let points = sweep::run(&scenario, &sweep, deployer, options, &out)?;
        println!(
            "{:>10} {:>14} {:>14} {:>16} {:>12}",
            sweep.parameter, "bad debt", "underwater", "liquidated debt", "liquidations"
        );
        for p in points {
            println!(
                "{:>10} {:>14.2} {:>14.2} {:>16.2} {:>12}",
                p.value, p.bad_debt, p.underwater_debt, p.liquidated_debt, p.liquidations
            );
        }
        println!("wrote {}/sweep.{{csv,json,svg}}", out.display());
        return Ok(());
    }
    let run = engine::run(&scenario, deployer, options)?;
    write_run(&out, &scenario, &run)?;
    print!("{}", run.summary.table());
    println!(
        "wrote {}/{{series.csv,series.json,summary.json,prices.svg,health.svg,liquidations.svg}}",
        out.display()
    );
    Ok(())
}

/// Writes a run's files into `out`.
pub fn write_run(out: &Path, scenario: &Scenario, run: &Run) -> Result<()> {
    write_all(out, &run.records, &run.symbols, &run.summary)?;
    run_plots(out, &scenario.name, &run.records, &run.symbols)
}

fn default_out(scenario_path: &Path) -> PathBuf {
    let stem = scenario_path
        .file_stem()
        .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("target/sim").join(stem)
}

/// `keel keeper`: runs the scenario with its liquidators as keepers and
/// prints every decision as one JSON line on stdout (the summary on stderr).
pub fn keeper(
    scenario_path: &Path,
    blocks: Option<u64>,
    deployer: Deployer,
    options: Options,
) -> Result<()> {
    let mut scenario = Scenario::load(scenario_path)?;
    scenario.blocks = blocks.unwrap_or(scenario.blocks);
    let stdout = std::io::stdout();
    let run = engine::run_observed(&scenario, deployer, options, &mut |_, _, decisions| {
        let mut out = stdout.lock();
        for d in decisions {
            writeln!(out, "{}", serde_json::to_string(d)?)?;
        }
        Ok(())
    })?;
    eprint!("{}", run.summary.table());
    Ok(())
}

/// What `keel watch` alerts on.
pub struct WatchArgs {
    /// HF thresholds.
    pub alert_hf: Vec<f64>,
    /// Utilisation bound.
    pub max_utilisation: f64,
    /// Share of the staleness bound at which a feed's age alerts.
    pub oracle_age_share: f64,
    /// JSON lines instead of text.
    pub json: bool,
    /// Blocks to run (default: the scenario's).
    pub blocks: Option<u64>,
}

/// `keel watch`: runs the scenario and checks positions, utilisation and
/// feeds after every block, printing each alert; returns how many fired
/// (the command exits non-zero when any did).
pub fn watch(
    scenario_path: &Path,
    args: &WatchArgs,
    deployer: Deployer,
    options: Options,
) -> Result<usize> {
    let mut scenario = Scenario::load(scenario_path)?;
    scenario.blocks = args.blocks.unwrap_or(scenario.blocks);
    let mut watcher: Option<Watcher> = None;
    let mut fired = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    engine::run_observed(&scenario, deployer, options, &mut |sim, _, _| {
        let w = watcher.get_or_insert_with(|| {
            Watcher::new(WatchConfig::for_market(
                &sim.chain.m,
                args.alert_hf.clone(),
                args.max_utilisation,
                args.oracle_age_share,
            ))
        });
        fired += check(&mut sim.chain, &sim.book, w, args.json, &mut out)?;
        Ok(())
    })?;
    Ok(fired)
}

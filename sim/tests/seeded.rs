//! Seeded runs are reproducible (same seed, same series) and sweeps write their
//! figures.

mod common;

use keel_sim::engine::run;
use keel_sim::sweep::{self, Sweep};

#[test]
fn same_seed_same_series_other_seed_other_series() {
    let scenario = common::scenario("calm-small.toml");
    let first = run(&scenario, common::DEPLOYER, common::options()).unwrap();
    let again = run(&scenario, common::DEPLOYER, common::options()).unwrap();
    assert_eq!(first.records, again.records);
    assert_eq!(first.decisions, again.decisions);
    assert_eq!(first.records.len(), 61);
    let mut other = scenario.clone();
    other.seed += 1;
    let other = run(&other, common::DEPLOYER, common::options()).unwrap();
    assert_ne!(first.records, other.records);
}

#[test]
fn sweep_over_the_threshold_writes_its_table_and_plot() {
    let mut scenario = common::scenario("calm-small.toml");
    scenario.blocks = 5;
    let out = std::env::temp_dir().join(format!("keel-sim-sweep-{}", std::process::id()));
    let sweep: Sweep = "lt=0.80..0.85:0.05".parse().unwrap();
    let points = sweep::run(&scenario, &sweep, common::DEPLOYER, common::options(), &out).unwrap();
    assert_eq!(
        points.iter().map(|p| p.value).collect::<Vec<_>>(),
        vec![0.80, 0.85]
    );
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3);
    assert!(std::fs::read_to_string(out.join("sweep.svg"))
        .unwrap()
        .contains("bad debt written off"));
    std::fs::remove_dir_all(out).unwrap();
}

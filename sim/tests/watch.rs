//! The watcher on the devnet's crash: HF alerts at each threshold with
//! liquidation prices that match the health factor, the utilisation alert,
//! and the oracle-age alert during the sequencer outage.

mod common;

use keel_sim::cli::{watch, WatchArgs};
use keel_sim::engine::run_observed;
use keel_sim::watch::{Alert, WatchConfig, Watcher};

#[test]
fn watcher_raises_hf_utilisation_and_oracle_alerts() {
    let scenario = common::scenario("crash-small.toml");
    let mut watcher: Option<Watcher> = None;
    let mut alerts = Vec::new();
    run_observed(
        &scenario,
        common::DEPLOYER,
        common::options(),
        &mut |sim, record, _| {
            let w = watcher.get_or_insert_with(|| {
                Watcher::new(WatchConfig::for_market(
                    &sim.chain.m,
                    vec![1.10, 1.02],
                    0.05,
                    0.8,
                ))
            });
            for alert in w.check(&mut sim.chain, &sim.book)? {
                alerts.push((alert, record.oracle.clone(), record.seconds));
            }
            Ok(())
        },
    )
    .unwrap();
    let thresholds: Vec<f64> = alerts
        .iter()
        .filter_map(|(a, _, _)| match a {
            Alert::Position { threshold, .. } => Some(*threshold),
            _ => None,
        })
        .collect();
    assert!(
        thresholds.contains(&1.10) && thresholds.contains(&1.02),
        "{thresholds:?}"
    );
    for (alert, oracle, _) in &alerts {
        let Alert::Position {
            health_factor,
            liquidation_prices,
            threshold,
            ..
        } = alert
        else {
            continue;
        };
        assert!(health_factor < threshold);
        // One collateral per borrower: the price at HF 1 is price / HF.
        let (symbol, at) = liquidation_prices.iter().next().expect("a held collateral");
        let price = if symbol == "WETH" {
            oracle[0]
        } else {
            oracle[1]
        };
        let implied = price / health_factor;
        assert!(
            (at / implied - 1.0).abs() < 1e-3,
            "{symbol}: {at} vs {implied}"
        );
    }
    assert!(alerts
        .iter()
        .any(|(a, _, _)| matches!(a, Alert::Utilisation { .. })));
    let stale: Vec<u64> = alerts
        .iter()
        .filter_map(|(a, _, seconds)| matches!(a, Alert::OracleAge { .. }).then_some(*seconds))
        .collect();
    // Outage from 3,000 s: the last round is at most 600 s before it, and
    // 0.8 x 4,000 s of age is reached before 3,000 + 3,200 s.
    assert!(
        !stale.is_empty() && stale.iter().all(|s| (3_000..6_200).contains(s)),
        "{stale:?}"
    );
}

#[test]
fn watch_command_counts_alerts_and_stays_quiet_on_a_calm_start() {
    let args = |alert_hf: Vec<f64>| WatchArgs {
        alert_hf,
        max_utilisation: 0.99,
        oracle_age_share: 0.99,
        json: true,
        blocks: Some(5),
    };
    let path = common::scenario_path("crash-small.toml");
    // Five blocks before the crash: no position below 0.5, nothing to say.
    assert_eq!(
        watch(&path, &args(vec![0.5]), common::DEPLOYER, common::options()).unwrap(),
        0
    );
    // Above 3.0 every indebted position alerts (exit code 2 for the command).
    assert!(watch(&path, &args(vec![3.0]), common::DEPLOYER, common::options()).unwrap() > 0);
}

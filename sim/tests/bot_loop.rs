//! The bots' polling loop (what `keel keeper --rpc` and `keel watch --rpc`
//! run) on the devnet: after an oracle crash the keeper liquidates and
//! prints JSON lines, and the watcher alerts once per crossing.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use alloy_primitives::Address;
use keel_devnet::address_of;
use keel_mocks::abi::{IMockAggregator, IMockErc20};
use keel_sim::bot_loop::{check, keep, poll_book};
use keel_sim::engine::Sim;
use keel_sim::keeper::Keeper;
use keel_sim::scenario::Scenario;
use keel_sim::units::{feed_answer, to_units};
use keel_sim::watch::{FeedBound, WatchConfig, Watcher};

/// Each line a bot printed, parsed.
fn json_lines(out: Vec<u8>) -> Vec<serde_json::Value> {
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The test crash's market with every collateral's feed 40% down at once.
fn crashed(scenario: &Scenario) -> Sim<'_> {
    let mut sim = Sim::setup(scenario, common::DEPLOYER, common::options().backend).unwrap();
    let m = &mut sim.chain.m;
    for (c, price) in m.collaterals.clone().iter().zip([1_200.0, 36_000.0]) {
        let answer = feed_answer(price, c.feed_decimals);
        m.net
            .call(
                address_of("crash"),
                c.feed,
                &IMockAggregator::setAnswerCall { answer },
            )
            .unwrap();
    }
    sim
}

#[test]
fn polling_keeper_liquidates_after_a_crash_and_prints_json_lines() {
    let scenario = common::scenario("crash-small.toml");
    let mut sim = crashed(&scenario);
    let m = &mut sim.chain.m;
    let keeper_address = address_of("polling keeper");
    let capital = to_units(5_000_000.0, m.base_decimals);
    m.net
        .call(
            keeper_address,
            m.base,
            &IMockErc20::mintCall {
                to: keeper_address,
                amount: capital,
            },
        )
        .unwrap();
    let approve = keel_mocks::abi::IERC20::approveCall {
        spender: m.market,
        amount: capital,
    };
    m.net.call(keeper_address, m.base, &approve).unwrap();
    let mut keeper = Keeper::new(
        keeper_address,
        scenario.liquidators[0].clone(),
        m.base_decimals,
    );
    let mut out = Vec::new();
    poll_book(
        &mut sim.chain,
        &mut sim.book,
        Some(3),
        Duration::ZERO,
        &mut |chain, book| keep(chain, book, &mut keeper, &mut out),
    )
    .unwrap();
    let lines = json_lines(out);
    let liquidated = lines.iter().filter(|d| d["action"] == "liquidated").count();
    assert!(liquidated >= 5, "{lines:?}");
    assert!(lines
        .iter()
        .all(|d| d["realised_profit"].as_f64().unwrap() >= 0.0));
    assert_eq!(
        sim.book.below(1.0).count(),
        0,
        "left liquidatable after three polls"
    );
}

#[test]
fn polling_watcher_alerts_once_after_a_crash_with_its_configuration_read_from_the_chain() {
    let scenario = common::scenario("crash-small.toml");
    let mut sim = crashed(&scenario);
    let (hf, max_utilisation, age_share) = (vec![1.10, 1.0], 0.95, 0.8);
    let expected = WatchConfig::for_market(&sim.chain.m, hf.clone(), max_utilisation, age_share);
    // What `keel watch --rpc` is given: each collateral's feed and bound.
    let feeds: BTreeMap<Address, FeedBound> = sim
        .chain
        .m
        .collaterals
        .iter()
        .map(|c| {
            let bound = FeedBound {
                feed: c.feed,
                max_age_seconds: c.max_age_seconds,
            };
            (c.token, bound)
        })
        .collect();
    let config =
        WatchConfig::from_chain(&mut sim.chain, &feeds, hf, max_utilisation, age_share).unwrap();
    assert_eq!(config, expected, "symbols and decimals as the deployment's");
    let mut watcher = Watcher::new(config);
    let (mut fired, mut out) = (Vec::new(), Vec::new());
    poll_book(
        &mut sim.chain,
        &mut sim.book,
        Some(2),
        Duration::ZERO,
        &mut |chain, book| {
            fired.push(check(chain, book, &mut watcher, true, &mut out)?);
            Ok(())
        },
    )
    .unwrap();
    let lines = json_lines(out);
    let below_one = lines
        .iter()
        .filter(|a| a["alert"] == "position" && a["threshold"] == 1.0)
        .count();
    assert!(
        below_one >= 5,
        "the crash leaves positions below HF 1: {lines:?}"
    );
    assert_eq!(fired[0], lines.len());
    assert_eq!(fired[1], 0, "nothing crossed again on the second poll");
}

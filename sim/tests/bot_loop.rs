//! The bots' polling loop (what `keel keeper --rpc` and `keel watch --rpc`
//! run) on the devnet: after an oracle crash the keeper liquidates and
//! prints JSON lines.

mod common;

use std::time::Duration;

use keel_devnet::address_of;
use keel_mocks::abi::{IMockAggregator, IMockErc20};
use keel_sim::bot_loop::{keep, poll_book};
use keel_sim::engine::Sim;
use keel_sim::keeper::Keeper;
use keel_sim::units::{feed_answer, to_units};

#[test]
fn polling_keeper_liquidates_after_a_crash_and_prints_json_lines() {
    let scenario = common::scenario("crash-small.toml");
    let mut sim = Sim::setup(&scenario, common::DEPLOYER, common::options().backend).unwrap();
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
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
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

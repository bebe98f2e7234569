//! The keeper on the devnet's crash: it liquidates every account that
//! becomes liquidatable and never sends a losing transaction.

mod common;

use std::collections::BTreeSet;

use alloy_primitives::Address;
use keel_sim::engine::run_observed;
use keel_sim::keeper::Action;

#[test]
fn keeper_liquidates_every_liquidatable_account_and_never_loses() {
    let scenario = common::scenario("crash-small.toml");
    let mut ever_liquidatable = BTreeSet::<Address>::new();
    // After every live block (one keeper, no delay) no followed position
    // may be left liquidatable.
    let mut left_behind = BTreeSet::<(u64, Address)>::new();
    let run = run_observed(
        &scenario,
        common::DEPLOYER,
        common::options(),
        &mut |sim, record, _| {
            ever_liquidatable.extend(sim.liquidatable_before_keepers());
            if record.sequencer_up {
                left_behind.extend(sim.book.below(1.0).map(|v| (record.block, v.account)));
            }
            Ok(())
        },
    )
    .unwrap();
    let liquidated: BTreeSet<Address> = run
        .decisions
        .iter()
        .filter(|d| d.action == Action::Liquidated)
        .map(|d| d.borrower)
        .collect();
    assert!(
        ever_liquidatable.len() >= 5,
        "the crash should make positions liquidatable: {}",
        ever_liquidatable.len()
    );
    assert_eq!(
        liquidated, ever_liquidatable,
        "liquidated exactly the liquidatable accounts"
    );
    assert!(left_behind.is_empty(), "left liquidatable: {left_behind:?}");
    for d in &run.decisions {
        assert_eq!(
            d.action,
            Action::Liquidated,
            "no skip, failure or unsold collateral: {d:?}"
        );
        assert!(d.realised_profit >= 0.0, "losing liquidation: {d:?}");
        assert!(
            d.realised_profit >= d.expected_profit - 1e-6,
            "sold below the quote: {d:?}"
        );
    }
    let last = run.records.last().unwrap();
    assert_eq!(
        last.hf_below[0], 0,
        "positions left liquidatable at the end"
    );
    assert_eq!(run.summary.liquidations as usize, run.decisions.len());
}

//! The keeper on the devnet's crash: it liquidates every account that
//! becomes liquidatable and never sends a losing transaction, with its own
//! capital or, with none, through its flash liquidator.

mod common;

use std::collections::BTreeSet;

use alloy_primitives::{Address, U256};
use keel_sim::chain::Chain;
use keel_sim::engine::{run_observed, Run, Sim};
use keel_sim::keeper::Action;
use keel_sim::scenario::Scenario;

#[test]
fn keeper_liquidates_every_liquidatable_account_and_never_loses() {
    let scenario = common::scenario("crash-small.toml");
    let run = assert_every_liquidatable_account_liquidated(&scenario, &mut |_| Ok(()));
    assert!(run.decisions.iter().all(|d| !d.flash));
}

#[test]
fn flash_keeper_without_capital_liquidates_every_liquidatable_account_and_never_loses() {
    let mut scenario = common::scenario("crash-small.toml");
    for liquidator in &mut scenario.liquidators {
        liquidator.capital = 0.0;
        liquidator.flash = true;
        // A cost per liquidation, so that "never loses" is a floor above
        // the repayment, not the repayment alone.
        liquidator.gas_cost = 1.0;
    }
    let mut keeper_balances = U256::ZERO;
    let mut flash_liquidators = Vec::new();
    let run = assert_every_liquidatable_account_liquidated(&scenario, &mut |sim| {
        for keeper in &sim.keepers {
            keeper_balances += sim.chain.base_balance(keeper.address)?;
            flash_liquidators.push(keeper.flash_liquidator);
        }
        Ok(())
    });
    assert_eq!(keeper_balances, U256::ZERO, "the keeper never held capital");
    assert!(flash_liquidators.iter().all(Option::is_some));
    assert!(run.decisions.iter().all(|d| d.flash));
    assert!(run.summary.liquidator_profit > 0.0);
}

/// Runs `scenario` (one keeper, no delay), calling `also` after every block,
/// and checks that its keeper liquidated exactly the accounts that became
/// liquidatable, left none behind after a live block, and made no loss on
/// any liquidation.
fn assert_every_liquidatable_account_liquidated(
    scenario: &Scenario,
    also: &mut dyn FnMut(&mut Sim) -> anyhow::Result<()>,
) -> Run {
    let mut ever_liquidatable = BTreeSet::<Address>::new();
    let mut left_behind = BTreeSet::<(u64, Address)>::new();
    let run = run_observed(
        scenario,
        common::DEPLOYER,
        common::options(),
        &mut |sim, record, _| {
            ever_liquidatable.extend(sim.liquidatable_before_keepers());
            if record.sequencer_up {
                left_behind.extend(sim.book.below(1.0).map(|v| (record.block, v.account)));
            }
            also(sim)
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
    run
}

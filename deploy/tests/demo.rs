//! `keel demo` runs to completion and its story holds together.

use alloy_primitives::U256;

#[test]
fn the_demo_story_runs_and_its_facts_hold() {
    let out = keel_cli::demo::run().unwrap();
    let (repaid, left) = out.partial;
    assert!(
        repaid > U256::ZERO && left > U256::ZERO,
        "a partial liquidation leaves debt: {out:?}"
    );
    // Close factor 50%: the partial liquidation repays at most half (+1 unit of rounding).
    assert!(repaid <= left + U256::from(1), "{repaid} vs {left}");
    assert_eq!(
        out.full.1,
        U256::ZERO,
        "the full liquidation clears the debt"
    );
    let (bad, from_reserves, from_suppliers) = out.bad_debt;
    assert!(bad > U256::ZERO && from_suppliers > U256::ZERO);
    assert_eq!(bad, from_reserves + from_suppliers);
    let (before, after) = out.supply_before_after;
    assert_eq!(
        after,
        before - from_suppliers,
        "suppliers absorb their part"
    );
    let market = out.market.clone().unwrap();
    assert_eq!(market.totalBorrowAssets, U256::ZERO);
    assert_eq!(
        market.reserves,
        U256::ZERO,
        "reserves absorbed bad debt first"
    );
    // Suppliers' assets round down: they never exceed the total, and miss it by dust only.
    assert!(out.actors_supply <= market.totalSupplyAssets);
    assert!(market.totalSupplyAssets - out.actors_supply <= U256::from(10));
    // The market holds what it owes: supply - borrow + reserves.
    let owed = market.totalSupplyAssets - market.totalBorrowAssets + market.reserves;
    assert!(out.base_balance >= owed, "{} < {owed}", out.base_balance);
    for step in [
        "1. Alice",
        "3. A year passes",
        "5. Partial liquidation",
        "6. ETH falls",
        "BadDebt:",
    ] {
        assert!(out.text.contains(step), "missing {step}");
    }
}

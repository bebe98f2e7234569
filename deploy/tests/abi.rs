//! The committed ABI files are what the contracts generate now, and the
//! bindings built from them match the contract's own types.

use alloy_sol_types::{SolCall, SolError, SolEvent};
use keel_bindings::IKeelMarket;
use keel_cli::abi;
use keel_cli::build::cargo::workspace;

#[test]
fn committed_abi_matches_the_contracts() {
    let ws = workspace().unwrap();
    if let Err(error) = abi::check(&ws) {
        panic!("{error:#}");
    }
}

#[test]
fn bindings_agree_with_the_contract_types() {
    assert_eq!(
        IKeelMarket::Liquidate::SIGNATURE,
        keel_market::events::Liquidate::SIGNATURE
    );
    assert_eq!(
        IKeelMarket::Withdraw::SIGNATURE_HASH,
        keel_market::events::Withdraw::SIGNATURE_HASH
    );
    assert_eq!(
        IKeelMarket::Unauthorized::SELECTOR,
        keel_market::errors::Unauthorized::SELECTOR
    );
    assert_eq!(
        IKeelMarket::PositionHealthy::SELECTOR,
        keel_liquidation::PositionHealthy::SELECTOR
    );
    assert_eq!(
        IKeelMarket::addCollateralCall::SIGNATURE,
        "addCollateral(address,(uint64,uint64,uint64),uint256,(address,uint32,uint128,uint128),(address,uint32,uint128,uint128))"
    );
}

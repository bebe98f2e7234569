//! The collateral pools on the devnet: deployed at the scenario's price,
//! arbitrage reaches its target, a sale pays its quote and moves the price.

mod common;

use alloy_primitives::U256;
use keel_sim::chain::Chain;
use keel_sim::engine::Sim;
use keel_sim::pool::{arbitrage, arbitrageur, spot_price};

#[test]
fn pools_start_at_the_reference_follow_arbitrage_and_move_on_sales() {
    let scenario = common::scenario("calm-small.toml");
    let mut sim = Sim::setup(&scenario, common::DEPLOYER, common::options().backend).unwrap();
    let chain = &mut sim.chain;
    assert!((spot_price(chain, 0).unwrap() / 2_000.0 - 1.0).abs() < 1e-9);
    // All the way to -10%: the pool lands within its 0.3% fee of the target.
    arbitrage(chain, 0, 1_800.0, 1.0).unwrap();
    let after = spot_price(chain, 0).unwrap();
    assert!((after / 1_800.0 - 1.0).abs() < 0.004, "{after}");
    // Half the log gap back up.
    arbitrage(chain, 0, 2_000.0, 0.5).unwrap();
    let halfway = (1_800.0f64 * 2_000.0).sqrt();
    let after = spot_price(chain, 0).unwrap();
    assert!(
        (after / halfway - 1.0).abs() < 0.004,
        "{after} vs {halfway}"
    );
    // A sale of 100 WETH pays exactly the quote and lowers the price.
    let weth = chain.m.collaterals[0].token;
    let amount = U256::from(100u64) * U256::from(10u64).pow(U256::from(18u64));
    let quote = chain.quote_sale(weth, amount).unwrap();
    let before = chain.base_balance(arbitrageur()).unwrap();
    let paid = chain.sell(arbitrageur(), weth, amount, quote).unwrap();
    assert_eq!(paid, quote);
    assert_eq!(chain.base_balance(arbitrageur()).unwrap(), before + quote);
    assert!(spot_price(chain, 0).unwrap() < after);
    // A minimum above the quote is refused.
    assert!(chain.sell(arbitrageur(), weth, amount, U256::MAX).is_err());
}

//! Flash liquidation: `liquidate` with non-empty `data` sends the collateral,
//! calls the caller's `onKeelLiquidate`, then takes the repayment, so a
//! liquidator with no capital can sell the collateral in between
//! (`keel_mocks::MockFlashLiquidator` selling on a `MockConstantProductPool`).

use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::SolError;
use keel_devnet::{address_of, assert_revert, native};
use keel_mocks::abi::{
    FlashLiquidatorConstructor, IConstantProductPool, IMockFlashLiquidator, PoolConstructor,
};
use keel_mocks::{MockConstantProductPool, MockFlashLiquidator};
use keel_tests::*;

/// Carol (10 WETH + 1 WBTC, 50,000 borrowed) at BTC 42,000: HF 0.97.
fn carol_liquidatable() -> Fixture {
    let mut fx = Fixture::new();
    fx.standard_positions();
    let carol = fx.carol;
    fx.borrow(carol, usdc(50_000)).unwrap();
    fx.set_btc_price(42_000);
    fx
}

/// A WBTC/USDC pool (no fee) holding `wbtc` WBTC and `usdc_units` USDC, and
/// a flash liquidator on the market with no tokens of its own.
fn pool_and_liquidator(fx: &mut Fixture, wbtc: U256, usdc_units: U256) -> (Address, Address) {
    let deployer = address_of("keeper");
    let pair = PoolConstructor::constructorCall {
        token0: fx.wbtc,
        token1: fx.base,
        feeBps: U256::ZERO,
    };
    let pool = fx
        .net
        .deploy_with(deployer, native::<MockConstantProductPool>(), &pair)
        .unwrap();
    let (wbtc_token, base) = (fx.wbtc, fx.base);
    for (token, amount) in [(wbtc_token, wbtc), (base, usdc_units)] {
        fx.mint(token, deployer, amount);
        let approve = keel_mocks::abi::IERC20::approveCall {
            spender: pool,
            amount,
        };
        fx.net.call(deployer, token, &approve).unwrap();
    }
    let liquidity = IConstantProductPool::addLiquidityCall {
        amount0: wbtc,
        amount1: usdc_units,
    };
    fx.net.call(deployer, pool, &liquidity).unwrap();
    let args = FlashLiquidatorConstructor::constructorCall { market: fx.market };
    // The market calls back into the liquidator during its own call.
    let program = native::<MockFlashLiquidator>().reentrant();
    let liquidator = fx.net.deploy_with(deployer, program, &args).unwrap();
    (pool, liquidator)
}

/// Liquidates Carol's WBTC through `liquidator` from the keeper, with no
/// floor on the sale (the market's repayment pull is the only check).
fn flash_liquidate(
    fx: &mut Fixture,
    liquidator: Address,
    pool: Address,
) -> Result<IMockFlashLiquidator::liquidateReturn, keel_devnet::Revert> {
    flash_liquidate_with(fx, address_of("keeper"), liquidator, pool, U256::ZERO)
}

fn flash_liquidate_with(
    fx: &mut Fixture,
    caller: Address,
    liquidator: Address,
    pool: Address,
    min_sale_assets: U256,
) -> Result<IMockFlashLiquidator::liquidateReturn, keel_devnet::Revert> {
    let call = IMockFlashLiquidator::liquidateCall {
        borrower: fx.carol,
        collateral: fx.wbtc,
        maxRepayAssets: U256::MAX,
        pool,
        minSaleAssets: min_sale_assets,
    };
    fx.net.call(caller, liquidator, &call)
}

#[test]
fn a_liquidator_without_capital_repays_from_the_sale_of_the_collateral() {
    let mut fx = carol_liquidatable();
    // 100 WBTC against 4,200,000 USDC: 42,000 per WBTC, deep enough to sell
    // the seized collateral above the repayment.
    let (pool, liquidator) = pool_and_liquidator(&mut fx, units(100, 8), usdc(4_200_000));
    let (carol, wbtc, base) = (fx.carol, fx.wbtc, fx.base);
    let preview = fx.preview_liquidation(carol, wbtc, U256::MAX);
    assert!(preview.repaidAssets > U256::ZERO);
    assert_eq!(fx.balance(base, liquidator), U256::ZERO);
    let debt_before = fx.account(carol).debtAssets;
    let pool_base_before = fx.balance(base, pool);

    let out = flash_liquidate(&mut fx, liquidator, pool).unwrap();

    assert_eq!(out._0, preview.repaidAssets);
    assert_eq!(out._1, preview.seizedCollateral);
    let events = fx.net.last_receipt().unwrap().events::<Liquidate>();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].liquidator, events[0].receiver),
        (liquidator, liquidator)
    );
    // The whole collateral was sold; the pool paid for it; the repayment
    // came out of the proceeds and the rest is the liquidator's profit.
    let proceeds = pool_base_before - fx.balance(base, pool);
    assert_eq!(fx.balance(wbtc, liquidator), U256::ZERO);
    assert_eq!(
        fx.balance(wbtc, pool),
        units(100, 8) + preview.liquidatorCollateral
    );
    assert!(proceeds > preview.repaidAssets);
    assert_eq!(
        fx.balance(base, liquidator),
        proceeds - preview.repaidAssets
    );
    assert_eq!(
        fx.account(carol).debtAssets,
        debt_before - preview.repaidAssets
    );
}

#[test]
fn a_callback_that_cannot_pay_reverts_the_whole_liquidation() {
    let mut fx = carol_liquidatable();
    // A thin pool: selling the seized WBTC yields far less than the repayment.
    let (pool, liquidator) = pool_and_liquidator(&mut fx, units(100, 8), usdc(1_000));
    let before = fx.state();
    let (base, market) = (fx.base, fx.market);
    let preview = fx.preview_liquidation(fx.carol, fx.wbtc, U256::MAX);
    assert_revert(
        flash_liquidate(&mut fx, liquidator, pool),
        &TokenTransferFailed {
            token: base,
            from: liquidator,
            to: market,
            amount: preview.repaidAssets,
        },
    );
    assert_eq!(fx.state(), before);
}

#[test]
fn a_reverting_callback_is_named_and_changes_nothing() {
    let mut fx = carol_liquidatable();
    let (_, liquidator) = pool_and_liquidator(&mut fx, units(100, 8), usdc(4_200_000));
    let before = fx.state();
    // WETH is no pool: the liquidator's swap call reverts (an unknown
    // selector, no revert data), so its callback reverts.
    let not_a_pool = fx.weth;
    assert_revert(
        flash_liquidate(&mut fx, liquidator, not_a_pool),
        &LiquidationCallbackFailed {
            liquidator,
            reason: FixedBytes::ZERO,
        },
    );
    assert_eq!(fx.state(), before);
}

#[test]
fn empty_data_makes_no_callback() {
    let mut fx = carol_liquidatable();
    let (liquidator, carol, wbtc) = (fx.liquidator, fx.carol, fx.wbtc);
    let call = IKeelMarket::liquidateCall {
        borrower: carol,
        token: wbtc,
        maxRepayAssets: U256::MAX,
        receiver: liquidator,
        data: Default::default(),
    };
    fx.call(liquidator, &call).unwrap();
    let calls_back = fx
        .net
        .last_receipt()
        .unwrap()
        .logs
        .iter()
        .any(|log| log.address == liquidator);
    assert!(!calls_back, "an externally owned liquidator got no call");
}

#[test]
fn a_sale_below_the_callers_floor_reverts_the_whole_liquidation() {
    let mut fx = carol_liquidatable();
    let (pool, liquidator) = pool_and_liquidator(&mut fx, units(100, 8), usdc(4_200_000));
    let preview = fx.preview_liquidation(fx.carol, fx.wbtc, U256::MAX);
    let quote = IConstantProductPool::getAmountOutCall {
        tokenIn: fx.wbtc,
        amountIn: preview.liquidatorCollateral,
    };
    let proceeds = fx.net.view(pool, &quote).unwrap();
    let before = fx.state();
    // One unit above what the sale pays: the pool refuses, so the callback
    // and the liquidation revert.
    let floor = proceeds + U256::from(1);
    assert_revert(
        flash_liquidate_with(&mut fx, address_of("keeper"), liquidator, pool, floor),
        &LiquidationCallbackFailed {
            liquidator,
            reason: keel_mocks::abi::PoolInsufficientOutput::SELECTOR.into(),
        },
    );
    assert_eq!(fx.state(), before);
    // At the floor exactly it goes through.
    flash_liquidate_with(&mut fx, address_of("keeper"), liquidator, pool, proceeds).unwrap();
    assert_eq!(
        fx.balance(fx.base, liquidator),
        proceeds - preview.repaidAssets
    );
}

#[test]
fn only_the_deployer_may_liquidate_through_the_flash_liquidator() {
    let mut fx = carol_liquidatable();
    let (pool, liquidator) = pool_and_liquidator(&mut fx, units(100, 8), usdc(4_200_000));
    let before = fx.state();
    let stranger = address_of("stranger");
    assert_revert(
        flash_liquidate_with(&mut fx, stranger, liquidator, pool, U256::ZERO),
        &keel_mocks::abi::NotFlashLiquidatorOwner { caller: stranger },
    );
    assert_eq!(fx.state(), before);
}

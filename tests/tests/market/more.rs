//! Further market behaviour on the devnet: ownership, small positions,
//! collateral wind-down, accounting after bad debt, reserves and liquidity.

use alloy_primitives::U256;
use keel_debt::InsufficientLiquidity;
use keel_devnet::{assert_revert, expect_error};
use keel_liquidation::CollateralNotHeld;
use keel_tests::*;
use keel_vault::LtvExceeded;

#[test]
fn two_step_ownership() {
    let mut fx = Fixture::new();
    let (owner, alice, bob) = (fx.owner, fx.alice, fx.bob);
    fx.owner_call(&IKeelMarket::transferOwnershipCall { newOwner: alice })
        .unwrap();
    assert_eq!(fx.view(&IKeelMarket::ownerCall {}).unwrap(), owner);
    assert_eq!(fx.view(&IKeelMarket::pendingOwnerCall {}).unwrap(), alice);
    assert_revert(
        fx.call(bob, &IKeelMarket::acceptOwnershipCall {}),
        &Unauthorized { caller: bob },
    );
    fx.call(alice, &IKeelMarket::acceptOwnershipCall {})
        .unwrap();
    assert_eq!(fx.view(&IKeelMarket::ownerCall {}).unwrap(), alice);
    assert_eq!(
        fx.view(&IKeelMarket::pendingOwnerCall {}).unwrap(),
        alloy_primitives::Address::ZERO
    );
    let caps = IKeelMarket::setCapsCall {
        supplyCap: U256::MAX,
        borrowCap: U256::MAX,
    };
    assert_revert(fx.call(owner, &caps), &Unauthorized { caller: owner });
    fx.call(alice, &caps).unwrap();
}

/// The views' arrays: `collaterals` lists the listed tokens in index order
/// (no more), `accountSnapshot` has one balance and one liquidation price per
/// collateral index.
#[test]
fn views_return_arrays_of_their_documented_length() {
    let mut fx = Fixture::new();
    let (weth, wbtc, carol) = (fx.weth, fx.wbtc, fx.carol);
    assert_eq!(
        fx.view(&IKeelMarket::collateralsCall {}).unwrap(),
        vec![weth, wbtc]
    );
    fx.standard_positions();
    fx.borrow(carol, usdc(50_000)).unwrap();
    let snapshot = fx.account(carol);
    let slots = usize::from(keel_vault::MAX_COLLATERALS);
    assert_eq!(snapshot.collateralBalances.len(), slots);
    assert_eq!(snapshot.liquidationPrices.len(), slots);
    assert_eq!(snapshot.collateralBalances[1], units(1, 8));
    assert!(snapshot.liquidationPrices[1] > U256::ZERO);
    assert_eq!(
        snapshot.collateralBalances[2..],
        vec![U256::ZERO; slots - 2]
    );
}

#[test]
fn small_debt_is_liquidated_in_full_despite_the_close_factor() {
    let mut fx = Fixture::new();
    fx.standard_positions();
    let (dave, weth, liquidator) = (fx.dave, fx.weth, fx.liquidator);
    fx.supply_collateral(dave, weth, units(1, 18));
    fx.borrow(dave, usdc(80)).unwrap();
    // ETH 91: 77.35 / 80 = HF 0.967 (>= 0.95) but the debt is below the
    // 100 USDC minimum for a partial liquidation: all of it.
    fx.set_eth_price(91);
    let p = fx
        .view(&IKeelMarket::previewLiquidationCall {
            borrower: dave,
            token: weth,
            maxRepayAssets: U256::MAX,
        })
        .unwrap();
    assert!(p.healthFactorBefore > U256::from(950_000_000_000_000_000u64));
    assert_eq!(p.repaidAssets, usdc(80));
    let call = IKeelMarket::liquidateCall {
        borrower: dave,
        token: weth,
        maxRepayAssets: U256::MAX,
        receiver: liquidator,
        data: Default::default(),
    };
    let out = fx.call(liquidator, &call).unwrap();
    assert_eq!(out.repaidAssets, usdc(80));
    assert_eq!(fx.account(dave).debtAssets, U256::ZERO);
    // Collateral held by the market = users' total + fee reserves.
    let info = fx.collateral_info(weth);
    let market = fx.market;
    assert_eq!(fx.balance(weth, market), info.total + info.feeReserves);
}

#[test]
fn liquidating_a_collateral_not_held_is_refused() {
    let mut fx = Fixture::new();
    fx.standard_positions();
    let (dave, weth, wbtc, liquidator) = (fx.dave, fx.weth, fx.wbtc, fx.liquidator);
    fx.supply_collateral(dave, weth, units(10, 18));
    fx.borrow(dave, usdc(15_000)).unwrap();
    fx.set_eth_price(1_700);
    let before = fx.state();
    let call = IKeelMarket::liquidateCall {
        borrower: dave,
        token: wbtc,
        maxRepayAssets: U256::MAX,
        receiver: liquidator,
        data: Default::default(),
    };
    assert_revert(fx.call(liquidator, &call), &CollateralNotHeld { index: 1 });
    assert_eq!(fx.state(), before);
}

#[test]
fn ltv_zero_winds_a_collateral_down_but_keeps_it_liquidatable() {
    let mut fx = Fixture::new();
    fx.standard_positions();
    let (carol, dave, weth, wbtc) = (fx.carol, fx.dave, fx.weth, fx.wbtc);
    fx.borrow(carol, usdc(40_000)).unwrap();
    fx.owner_call(&IKeelMarket::setCollateralRiskCall {
        token: wbtc,
        risk: (0, WBTC_RISK.1, WBTC_RISK.2),
    })
    .unwrap();
    // carol's power is now 16,000 (WETH only) against 40,000: no new borrowing,
    // but HF still counts the WBTC at its LT: 62,000 / 40,000.
    let e = expect_error::<LtvExceeded, _>(fx.borrow(carol, usdc(1)));
    assert_eq!(e.borrowPower, usdc(16_000));
    let a = fx.account(carol);
    assert_eq!(a.healthFactor, U256::from(1_550_000_000_000_000_000u64));
    // A new borrower gets nothing for WBTC.
    fx.supply_collateral(dave, wbtc, units(1, 8));
    assert_revert(
        fx.borrow(dave, usdc(1)),
        &LtvExceeded {
            debtAssets: usdc(1),
            borrowPower: U256::ZERO,
        },
    );
    // Repaying is still possible, and then withdrawing.
    fx.call(
        carol,
        &IKeelMarket::repayCall {
            assets: U256::MAX,
            onBehalf: carol,
        },
    )
    .unwrap();
    fx.withdraw_collateral(carol, wbtc, units(1, 8)).unwrap();
    fx.withdraw_collateral(carol, weth, units(10, 18)).unwrap();
}

#[test]
fn suppliers_exit_in_full_after_bad_debt() {
    let mut fx = Fixture::new();
    let (alice, bob, dave, weth, market, base, liquidator) = (
        fx.alice,
        fx.bob,
        fx.dave,
        fx.weth,
        fx.market,
        fx.base,
        fx.liquidator,
    );
    fx.supply(alice, usdc(30_000));
    fx.supply(bob, usdc(10_000));
    fx.supply_collateral(dave, weth, units(10, 18));
    fx.borrow(dave, usdc(15_000)).unwrap();
    fx.advance(7 * 24 * 3600);
    fx.set_eth_price(1_000);
    let call = IKeelMarket::liquidateCall {
        borrower: dave,
        token: weth,
        maxRepayAssets: U256::MAX,
        receiver: liquidator,
        data: Default::default(),
    };
    fx.call(liquidator, &call).unwrap();
    let bad = fx.net.last_receipt().unwrap().events::<BadDebt>();
    assert_eq!(bad.len(), 1);
    let m = fx.market_snapshot();
    assert_eq!(m.totalBorrowAssets, U256::ZERO);
    assert_eq!(m.totalBorrowShares, U256::ZERO);
    assert_eq!(m.reserves, U256::ZERO);
    // The market holds what suppliers are owed; both exit by shares.
    assert!(fx.balance(base, market) >= m.totalSupplyAssets);
    let mut total = U256::ZERO;
    for who in [alice, bob] {
        let shares = fx.account(who).supplyShares;
        let call = IKeelMarket::withdrawSharesCall {
            shares,
            onBehalf: who,
            receiver: who,
        };
        total += fx.call(who, &call).unwrap();
    }
    assert!(total < usdc(40_000));
    let left = fx.balance(base, market);
    assert!(left <= U256::from(5), "{left}");
    // Loss shared pro rata: alice 3/4, bob 1/4.
    let m = fx.market_snapshot();
    assert!(m.totalSupplyAssets <= left);
}

#[test]
fn reserves_lent_out_wait_for_liquidity_and_rate_changes_accrue_first() {
    let mut fx = Fixture::new();
    let (alice, carol, weth, wbtc, owner, treasury, base) = (
        fx.alice,
        fx.carol,
        fx.weth,
        fx.wbtc,
        fx.owner,
        fx.treasury,
        fx.base,
    );
    fx.supply(alice, usdc(50_000));
    fx.supply_collateral(carol, weth, units(30, 18));
    fx.supply_collateral(carol, wbtc, units(1, 8));
    fx.borrow(carol, usdc(50_000)).unwrap();
    fx.advance(30 * 24 * 3600);
    // Changing the rate model accrues the old rate first.
    fx.owner_call(&IKeelMarket::setRateModelCall {
        rateModel: RATE_MODEL,
    })
    .unwrap();
    let accrued = fx.net.last_receipt().unwrap().events::<AccrueInterest>();
    assert_eq!(accrued.len(), 1);
    let m = fx.market_snapshot();
    assert!(m.reserves > U256::ZERO);
    assert_eq!(m.utilisation, U256::from(WAD));
    // All liquidity is lent: reserves cannot leave yet.
    let w = IKeelMarket::withdrawReservesCall {
        asset: base,
        amount: m.reserves,
        to: treasury,
    };
    let before = fx.state();
    let e = expect_error::<InsufficientLiquidity, _>(fx.call(owner, &w));
    assert_eq!(e.requested, m.reserves);
    assert_eq!(fx.state(), before);
    fx.call(
        carol,
        &IKeelMarket::repayCall {
            assets: U256::MAX,
            onBehalf: carol,
        },
    )
    .unwrap();
    let reserves = fx.market_snapshot().reserves;
    let w = IKeelMarket::withdrawReservesCall {
        asset: base,
        amount: reserves,
        to: treasury,
    };
    fx.call(owner, &w).unwrap();
    assert_eq!(fx.balance(base, treasury), reserves);
}

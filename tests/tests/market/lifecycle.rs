//! Full lifecycle on the devnet: supply, collateral in two assets, borrow, a
//! year of interest, repay all, withdraw all, reserves to the treasury, and
//! token balances that reconcile.

use alloy_primitives::U256;
use keel_tests::*;

#[test]
fn full_lifecycle_reconciles() {
    let mut fx = Fixture::new();
    let (alice, bob, carol, owner, treasury) = (fx.alice, fx.bob, fx.carol, fx.owner, fx.treasury);
    let (base, weth, wbtc, market) = (fx.base, fx.weth, fx.wbtc, fx.market);
    let base_before = [alice, bob, carol].map(|a| fx.balance(base, a));

    fx.standard_positions();
    let events = fx.net.last_receipt().unwrap().events::<SupplyCollateral>();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].amount, units(1, 8));

    // 10 WETH x 2,000 x 0.8 + 1 WBTC x 60,000 x 0.7 = 58,000 USDC of borrow power.
    let snapshot = fx.account(carol);
    assert_eq!(snapshot.borrowPower, usdc(58_000));
    assert_eq!(snapshot.collateralValue, usdc(80_000));
    assert_eq!(snapshot.collateralBalances[0], units(10, 18));
    assert_eq!(snapshot.collateralBalances[1], units(1, 8));

    fx.borrow(carol, usdc(50_000)).unwrap();
    let borrowed = fx.net.last_receipt().unwrap().events::<Borrow>();
    assert_eq!(borrowed[0].assets, usdc(50_000));
    assert_eq!(fx.balance(base, carol), base_before[2] + usdc(50_000));

    // A year of interest.
    fx.advance(365 * 24 * 3600);
    fx.call(carol, &IKeelMarket::accrueInterestCall {}).unwrap();
    let accrued = fx.net.last_receipt().unwrap().events::<AccrueInterest>();
    assert_eq!(accrued.len(), 1);
    assert!(accrued[0].interest > usdc(1_000), "{accrued:?}");
    let m = fx.market_snapshot();
    assert!(m.totalBorrowAssets > usdc(51_000));
    assert!(m.reserves > U256::ZERO);
    assert_eq!(m.lastAccrual, fx.net.timestamp());
    let debt = fx.account(carol).debtAssets;

    // Repay all with type(uint256).max.
    let taken = fx
        .call(
            carol,
            &IKeelMarket::repayCall {
                assets: U256::MAX,
                onBehalf: carol,
            },
        )
        .unwrap();
    assert_eq!(taken, debt);
    let after = fx.account(carol);
    assert_eq!(after.borrowShares, U256::ZERO);
    assert_eq!(after.debtAssets, U256::ZERO);
    assert_eq!(after.healthFactor, U256::MAX);
    assert_eq!(
        fx.balance(base, carol),
        base_before[2] + usdc(50_000) - debt
    );

    // Withdraw all collateral.
    fx.withdraw_collateral(carol, weth, units(10, 18)).unwrap();
    fx.withdraw_collateral(carol, wbtc, units(1, 8)).unwrap();
    assert_eq!(fx.balance(weth, carol), units(100, 18));
    assert_eq!(fx.balance(wbtc, carol), units(10, 8));
    assert_eq!(fx.balance(weth, market), U256::ZERO);
    assert_eq!(fx.collateral_info(weth).total, U256::ZERO);

    // Suppliers withdraw everything they own (by shares: all of it).
    let mut paid = Vec::new();
    for who in [alice, bob] {
        let shares = fx.account(who).supplyShares;
        let assets = fx.account(who).supplyAssets;
        let call = IKeelMarket::withdrawSharesCall {
            shares,
            onBehalf: who,
            receiver: who,
        };
        let out = fx.call(who, &call).unwrap();
        assert_eq!(out, assets);
        assert_eq!(fx.account(who).supplyShares, U256::ZERO);
        paid.push(out);
    }
    assert!(
        paid[0] > usdc(500_000) && paid[1] > usdc(300_000),
        "{paid:?}"
    );
    // Interest was split pro rata (alice supplied 5/3 of bob).
    let (ia, ib) = (paid[0] - usdc(500_000), paid[1] - usdc(300_000));
    assert!((ia * U256::from(3)).abs_diff(ib * U256::from(5)) <= U256::from(10));

    // Reserves to the treasury.
    let m = fx.market_snapshot();
    let reserves = m.reserves;
    assert!(reserves > U256::ZERO);
    let call = IKeelMarket::withdrawReservesCall {
        asset: base,
        amount: reserves,
        to: treasury,
    };
    fx.call(owner, &call).unwrap();
    let ev = fx.net.last_receipt().unwrap().events::<ReservesWithdrawn>();
    assert_eq!(ev[0].amount, reserves);
    assert_eq!(fx.balance(base, treasury), reserves);

    // Reconcile: interest paid by carol = what suppliers earned + reserves
    // (+ at most a few units of rounding left in the market).
    let m = fx.market_snapshot();
    assert_eq!(m.reserves, U256::ZERO);
    assert_eq!(m.totalBorrowAssets, U256::ZERO);
    let left = fx.balance(base, market);
    assert!(left <= U256::from(5), "market keeps {left}");
    assert!(m.totalSupplyAssets <= U256::from(5), "{m:?}");
    assert!(left >= m.totalSupplyAssets);
    let interest = debt - usdc(50_000);
    assert_eq!(interest, ia + ib + reserves + left);
    assert_eq!(fx.balance(base, alice), base_before[0] + ia);
    assert_eq!(fx.balance(base, bob), base_before[1] + ib);
}

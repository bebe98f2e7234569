//! Liquidation on the devnet with real mock tokens and feeds.

use alloy_primitives::{Address, U256};
use keel_devnet::{assert_revert, expect_error};
use keel_liquidation::PositionHealthy;
use keel_tests::*;

/// Liquidates `borrower` against `token` for up to `max` and checks that the
/// preview made just before equals the execution: return values, the
/// `Liquidate` event, token movements, fee reserves and the health factor.
fn liquidate_as_previewed(
    fx: &mut Fixture,
    borrower: Address,
    token: Address,
    max: U256,
) -> IKeelMarket::previewLiquidationReturn {
    let (liquidator, base, market) = (fx.liquidator, fx.base, fx.market);
    let preview = fx
        .view(&IKeelMarket::previewLiquidationCall {
            borrower,
            token,
            maxRepayAssets: max,
        })
        .unwrap();
    let base_before = fx.balance(base, liquidator);
    let coll_before = fx.balance(token, liquidator);
    let market_coll_before = fx.balance(token, market);
    let fees_before = fx.collateral_info(token).feeReserves;
    let debt_before = fx.account(borrower).debtAssets;
    let call = IKeelMarket::liquidateCall {
        borrower,
        token,
        maxRepayAssets: max,
        receiver: liquidator,
        data: Default::default(),
    };
    let out = fx.call(liquidator, &call).unwrap();
    let events = fx.net.last_receipt().unwrap().events::<Liquidate>();
    assert_eq!(events.len(), 1);
    let ev = &events[0];
    assert_eq!(
        (ev.liquidator, ev.borrower, ev.collateral, ev.receiver),
        (liquidator, borrower, token, liquidator)
    );
    assert_eq!(out.repaidAssets, preview.repaidAssets);
    assert_eq!(out.seizedCollateral, preview.seizedCollateral);
    assert_eq!(ev.repaidAssets, preview.repaidAssets);
    assert_eq!(ev.repaidShares, preview.repaidShares);
    assert_eq!(ev.seizedCollateral, preview.seizedCollateral);
    assert_eq!(ev.protocolFee, preview.protocolFee);
    assert_eq!(
        preview.seizedCollateral,
        preview.protocolFee + preview.liquidatorCollateral
    );
    assert_eq!(
        fx.balance(base, liquidator),
        base_before - preview.repaidAssets
    );
    assert_eq!(
        fx.balance(token, liquidator),
        coll_before + preview.liquidatorCollateral
    );
    assert_eq!(
        fx.balance(token, market),
        market_coll_before - preview.liquidatorCollateral
    );
    assert_eq!(
        fx.collateral_info(token).feeReserves,
        fees_before + preview.protocolFee
    );
    let after = fx.account(borrower);
    assert_eq!(after.healthFactor, preview.healthFactorAfter);
    let bad = fx.net.last_receipt().unwrap().events::<BadDebt>();
    assert_eq!(
        bad.iter().map(|b| b.assets).sum::<U256>(),
        preview.badDebtAssets
    );
    if preview.badDebtAssets.is_zero() {
        assert_eq!(after.debtAssets, debt_before - preview.repaidAssets);
    } else {
        assert_eq!(after.debtAssets, U256::ZERO);
    }
    preview
}

/// Suppliers; carol: 10 WETH + 1 WBTC, 50,000 borrowed (HF 62,000/50,000 = 1.24).
fn carol_borrowing(base: BaseKind) -> Fixture {
    let mut fx = Fixture::with_base(base);
    fx.standard_positions();
    let carol = fx.carol;
    fx.borrow(carol, usdc(50_000)).unwrap();
    fx
}

#[test]
fn healthy_position_cannot_be_liquidated() {
    let mut fx = carol_borrowing(BaseKind::Standard);
    let (carol, weth, liquidator) = (fx.carol, fx.weth, fx.liquidator);
    let hf = fx.account(carol).healthFactor;
    assert_eq!(hf, U256::from(1_240_000_000_000_000_000u64));
    let before = fx.state();
    let call = IKeelMarket::liquidateCall {
        borrower: carol,
        token: weth,
        maxRepayAssets: U256::MAX,
        receiver: liquidator,
        data: Default::default(),
    };
    assert_revert(
        fx.call(liquidator, &call),
        &PositionHealthy {
            healthFactorWad: hf,
        },
    );
    let preview = IKeelMarket::previewLiquidationCall {
        borrower: carol,
        token: weth,
        maxRepayAssets: U256::MAX,
    };
    assert_revert(
        fx.view(&preview),
        &PositionHealthy {
            healthFactorWad: hf,
        },
    );
    assert_eq!(fx.state(), before);
}

#[test]
fn partial_liquidation_is_capped_by_the_close_factor() {
    let mut fx = carol_borrowing(BaseKind::Standard);
    let (carol, wbtc) = (fx.carol, fx.wbtc);
    // BTC 42,000: 17,000 + 31,500 = 48,500 against 50,000: HF 0.97 (>= 0.95).
    fx.set_btc_price(42_000);
    let hf = fx.account(carol).healthFactor;
    assert_eq!(hf, U256::from(970_000_000_000_000_000u64));
    // A bound below the close-factor cap is honoured exactly.
    let p = liquidate_as_previewed(&mut fx, carol, wbtc, usdc(1_000));
    assert_eq!(p.healthFactorBefore, hf);
    assert_eq!(p.repaidAssets, usdc(1_000));
    // The maximum: half the remaining 49,000; seized = 24,500 x 1.08 / 42,000
    // BTC, rounded down.
    let p = liquidate_as_previewed(&mut fx, carol, wbtc, U256::MAX);
    assert!(p.healthFactorBefore < U256::from(WAD));
    assert_eq!(p.repaidAssets, usdc(24_500));
    assert_eq!(p.seizedCollateral, U256::from(63_000_000u64));
    assert!(p.healthFactorAfter > p.healthFactorBefore);
    assert!(p.protocolFee > U256::ZERO);
    // Now healthy (17,000 + 0.75 x 42,000 x (1 - 0.0252 - 0.63) over 24,500): no more.
    let hf = fx.account(carol).healthFactor;
    assert!(hf >= U256::from(WAD));
    let call = IKeelMarket::liquidateCall {
        borrower: carol,
        token: wbtc,
        maxRepayAssets: U256::MAX,
        receiver: fx.liquidator,
        data: Default::default(),
    };
    let before = fx.state();
    assert_revert(
        fx.call(fx.liquidator, &call),
        &PositionHealthy {
            healthFactorWad: hf,
        },
    );
    assert_eq!(fx.state(), before);
}

/// The bonus lives in the collateral's listing (the `token -> index` map's
/// word): `setCollateralRisk` changes what `collateralInfo` reports and what
/// the next liquidation seizes.
#[test]
fn a_changed_bonus_is_the_one_liquidations_pay() {
    let mut fx = carol_borrowing(BaseKind::Standard);
    let (carol, weth, wbtc) = (fx.carol, fx.weth, fx.wbtc);
    fx.set_btc_price(42_000);
    let ten_percent = 100_000_000_000_000_000;
    fx.owner_call(&IKeelMarket::setCollateralRiskCall {
        token: wbtc,
        risk: (WBTC_RISK.0, WBTC_RISK.1, ten_percent),
    })
    .unwrap();
    assert_eq!(fx.collateral_info(wbtc).bonus, ten_percent);
    assert_eq!(fx.collateral_info(weth).bonus, WETH_RISK.2);
    // 4,200 repaid at 42,000 per BTC, 10% bonus: 0.11 BTC (8 decimals).
    let p = liquidate_as_previewed(&mut fx, carol, wbtc, usdc(4_200));
    assert_eq!(p.seizedCollateral, U256::from(11_000_000u64));
    // WETH keeps its 5%: 1,700 repaid at 2,000 per ETH is 0.8925 ETH.
    let p = liquidate_as_previewed(&mut fx, carol, weth, usdc(1_700));
    assert_eq!(p.seizedCollateral, U256::from(892_500_000_000_000_000u64));
}

#[test]
fn full_liquidation_below_the_full_liquidation_hf() {
    let mut fx = Fixture::new();
    fx.standard_positions();
    let (dave, weth) = (fx.dave, fx.weth);
    fx.supply_collateral(dave, weth, units(10, 18));
    fx.borrow(dave, usdc(15_000)).unwrap();
    // ETH 1,600: 13,600 / 15,000 = HF 0.9067 < 0.95: the whole debt.
    fx.set_eth_price(1_600);
    let p = liquidate_as_previewed(&mut fx, dave, weth, U256::MAX);
    assert_eq!(p.repaidAssets, usdc(15_000));
    assert_eq!(p.badDebtAssets, U256::ZERO);
    // 15,000 x 1.05 / 1,600 = 9.84375 WETH.
    assert_eq!(
        p.seizedCollateral,
        U256::from(9_843_750_000_000_000_000u128)
    );
    let after = fx.account(dave);
    assert_eq!(after.debtAssets, U256::ZERO);
    assert_eq!(
        after.collateralBalances[0],
        U256::from(156_250_000_000_000_000u128)
    );
    // The protocol's fee can be withdrawn.
    let (owner, treasury) = (fx.owner, fx.treasury);
    let fee = fx.collateral_info(weth).feeReserves;
    fx.owner_call(&IKeelMarket::withdrawReservesCall {
        asset: weth,
        amount: fee,
        to: treasury,
    })
    .unwrap();
    assert_eq!(fx.balance(weth, treasury), fee);
    assert_eq!(fx.collateral_info(weth).feeReserves, U256::ZERO);
    let _ = owner;
}

fn underwater(base: BaseKind) {
    let mut fx = Fixture::with_base(base);
    fx.standard_positions();
    let (dave, weth, market, basetoken) = (fx.dave, fx.weth, fx.market, fx.base);
    fx.supply_collateral(dave, weth, units(10, 18));
    fx.borrow(dave, usdc(15_000)).unwrap();
    // A month of interest builds reserves.
    fx.advance(30 * 24 * 3600);
    fx.call(dave, &IKeelMarket::accrueInterestCall {}).unwrap();
    let m = fx.market_snapshot();
    let reserves = m.reserves;
    assert!(reserves > U256::ZERO);
    let price_before = (m.totalSupplyAssets, m.totalSupplyShares);
    // ETH 1,000: 10,000 of collateral against ~15,000 of debt.
    fx.set_eth_price(1_000);
    let debt = fx.account(dave).debtAssets;
    let p = liquidate_as_previewed(&mut fx, dave, weth, U256::MAX);
    assert_eq!(p.seizedCollateral, units(10, 18));
    assert_eq!(fx.account(dave).collateralBalances[0], U256::ZERO);
    assert_eq!(fx.account(dave).borrowShares, U256::ZERO);
    let bad = fx.net.last_receipt().unwrap().events::<BadDebt>();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].borrower, dave);
    assert_eq!(bad[0].assets, debt - p.repaidAssets);
    assert_eq!(bad[0].fromReserves, reserves);
    assert_eq!(bad[0].fromSuppliers, bad[0].assets - reserves);
    let m = fx.market_snapshot();
    assert_eq!(m.reserves, U256::ZERO);
    // Supply share price fell: assets/shares after < before.
    assert!(m.totalSupplyAssets * price_before.1 < price_before.0 * m.totalSupplyShares);
    assert_eq!(price_before.0 - m.totalSupplyAssets, bad[0].fromSuppliers);
    // The market still covers what it owes.
    assert!(
        fx.balance(basetoken, market) >= m.totalSupplyAssets - m.totalBorrowAssets + m.reserves
    );
}

#[test]
fn underwater_position_realises_bad_debt_reserves_first() {
    underwater(BaseKind::Standard);
}

#[test]
fn usdt_style_base_as_the_liquidation_currency() {
    underwater(BaseKind::NoReturn);
    let mut fx = carol_borrowing(BaseKind::NoReturn);
    let (carol, wbtc) = (fx.carol, fx.wbtc);
    fx.set_btc_price(42_000);
    let p = liquidate_as_previewed(&mut fx, carol, wbtc, U256::MAX);
    assert_eq!(p.repaidAssets, usdc(25_000));
    assert_eq!(p.seizedCollateral, U256::from(64_285_714u64));
}

#[test]
fn liquidation_pause_and_grace_period() {
    let mut fx = carol_borrowing(BaseKind::Standard);
    let (carol, wbtc, liquidator, guardian) = (fx.carol, fx.wbtc, fx.liquidator, fx.guardian);
    fx.set_btc_price(42_000);
    fx.owner_call(&IKeelMarket::setLiquidationGracePeriodCall {
        gracePeriodSeconds: 600,
    })
    .unwrap();
    assert_revert(
        fx.call(
            guardian,
            &IKeelMarket::setLiquidationPausedCall { paused: true },
        ),
        &Unauthorized { caller: guardian },
    );
    fx.owner_call(&IKeelMarket::setLiquidationPausedCall { paused: true })
        .unwrap();
    let call = IKeelMarket::liquidateCall {
        borrower: carol,
        token: wbtc,
        maxRepayAssets: U256::MAX,
        receiver: liquidator,
        data: Default::default(),
    };
    let preview = IKeelMarket::previewLiquidationCall {
        borrower: carol,
        token: wbtc,
        maxRepayAssets: U256::MAX,
    };
    let before = fx.state();
    let paused = LiquidationPaused {
        paused: true,
        resumesAt: 0,
    };
    assert_revert(fx.call(liquidator, &call), &paused);
    assert_revert(fx.view(&preview), &paused);
    assert_eq!(fx.state(), before);

    fx.owner_call(&IKeelMarket::setLiquidationPausedCall { paused: false })
        .unwrap();
    let resumes = fx.net.timestamp() + 600;
    assert_eq!(
        fx.view(&IKeelMarket::liquidationResumesAtCall {}).unwrap(),
        resumes
    );
    let grace = LiquidationPaused {
        paused: false,
        resumesAt: resumes,
    };
    fx.advance(599);
    let before = fx.state();
    let e = expect_error::<LiquidationPaused, _>(fx.call(liquidator, &call));
    assert_eq!(e, grace);
    assert_revert(fx.view(&preview), &grace);
    assert_eq!(fx.state(), before);
    // A second unpause within the grace period does not extend it.
    fx.owner_call(&IKeelMarket::setLiquidationPausedCall { paused: false })
        .unwrap();
    assert_eq!(
        fx.view(&IKeelMarket::liquidationResumesAtCall {}).unwrap(),
        resumes
    );
    fx.advance(1);
    liquidate_as_previewed(&mut fx, carol, wbtc, U256::MAX);
}

#[test]
fn unpausing_a_running_liquidation_starts_no_grace_period() {
    let mut fx = carol_borrowing(BaseKind::Standard);
    let (carol, wbtc) = (fx.carol, fx.wbtc);
    fx.set_btc_price(42_000);
    fx.owner_call(&IKeelMarket::setLiquidationGracePeriodCall {
        gracePeriodSeconds: 600,
    })
    .unwrap();
    fx.owner_call(&IKeelMarket::setLiquidationPausedCall { paused: false })
        .unwrap();
    assert_eq!(
        fx.view(&IKeelMarket::liquidationResumesAtCall {}).unwrap(),
        0
    );
    liquidate_as_previewed(&mut fx, carol, wbtc, U256::MAX);
}

#[test]
fn preview_equals_execution_after_unaccrued_interest() {
    let mut fx = carol_borrowing(BaseKind::Standard);
    let (carol, weth, wbtc) = (fx.carol, fx.weth, fx.wbtc);
    fx.set_btc_price(42_500);
    // Ten days nobody touches the market: the preview accrues in memory, the
    // liquidation on chain; both must agree.
    fx.advance(10 * 24 * 3600);
    assert!(fx.account(carol).debtAssets > usdc(50_000));
    let p = liquidate_as_previewed(&mut fx, carol, wbtc, U256::MAX);
    assert!(p.repaidAssets > usdc(25_000));
    fx.advance(24 * 3600);
    fx.set_eth_price(1_000);
    liquidate_as_previewed(&mut fx, carol, weth, U256::MAX);
}

#[test]
fn exhausting_one_collateral_is_not_bad_debt_while_another_remains() {
    let mut fx = carol_borrowing(BaseKind::Standard);
    let (carol, weth, wbtc) = (fx.carol, fx.weth, fx.wbtc);
    // BTC 20,000: (17,000 + 15,000) / 50,000 = HF 0.64.
    fx.set_btc_price(20_000);
    let p = liquidate_as_previewed(&mut fx, carol, wbtc, U256::MAX);
    assert_eq!(p.seizedCollateral, units(1, 8));
    assert_eq!(p.badDebtAssets, U256::ZERO);
    assert!(fx
        .net
        .last_receipt()
        .unwrap()
        .events::<BadDebt>()
        .is_empty());
    assert!(fx.account(carol).debtAssets > U256::ZERO);
    // The last collateral goes and the rest of the debt is written off.
    let p = liquidate_as_previewed(&mut fx, carol, weth, U256::MAX);
    assert_eq!(p.seizedCollateral, units(10, 18));
    assert!(p.badDebtAssets > U256::ZERO);
    let a = fx.account(carol);
    assert_eq!((a.debtAssets, a.borrowShares), (U256::ZERO, U256::ZERO));
    let market = fx.market;
    for token in [weth, wbtc] {
        let info = fx.collateral_info(token);
        assert_eq!(fx.balance(token, market), info.total + info.feeReserves);
    }
}

#[test]
fn self_liquidation_is_allowed_and_costs_the_fee() {
    let mut fx = carol_borrowing(BaseKind::Standard);
    let (carol, wbtc, base) = (fx.carol, fx.wbtc, fx.base);
    fx.set_btc_price(42_000);
    let p = fx.preview_liquidation(carol, wbtc, U256::MAX);
    let (base_before, btc_before) = (fx.balance(base, carol), fx.balance(wbtc, carol));
    let call = IKeelMarket::liquidateCall {
        borrower: carol,
        token: wbtc,
        maxRepayAssets: U256::MAX,
        receiver: carol,
        data: Default::default(),
    };
    fx.call(carol, &call).unwrap();
    assert_eq!(fx.balance(base, carol), base_before - p.repaidAssets);
    assert_eq!(fx.balance(wbtc, carol), btc_before + p.liquidatorCollateral);
    // Wallet + position: the seized collateral left the position and only
    // seized - fee came back, against a debt reduced by exactly what was paid.
    assert!(p.protocolFee > U256::ZERO);
    assert_eq!(
        fx.account(carol).collateralBalances[1],
        units(1, 8) - p.seizedCollateral
    );
}

#[test]
fn liquidator_without_allowance_is_refused() {
    let mut fx = carol_borrowing(BaseKind::Standard);
    let (carol, wbtc, base, stranger, market) =
        (fx.carol, fx.wbtc, fx.base, fx.stranger, fx.market);
    fx.mint(base, stranger, usdc(100_000));
    fx.set_btc_price(42_000);
    let before = fx.state();
    let call = IKeelMarket::liquidateCall {
        borrower: carol,
        token: wbtc,
        maxRepayAssets: U256::MAX,
        receiver: stranger,
        data: Default::default(),
    };
    assert_revert(
        fx.call(stranger, &call),
        &TokenTransferFailed {
            token: base,
            from: stranger,
            to: market,
            amount: usdc(25_000),
        },
    );
    assert_eq!(fx.state(), before);
}

/// `accountSnapshot.liquidationPrices[i]` is the lowest price of collateral `i`
/// at which the position stays healthy: one dollar below it (rounded up to
/// the feed's whole dollars) the health factor is under 1, at it not.
#[test]
fn account_snapshot_liquidation_price_is_the_health_edge() {
    let mut fx = Fixture::new();
    let (alice, carol, weth) = (fx.alice, fx.carol, fx.weth);
    fx.supply(alice, usdc(500_000));
    fx.supply_collateral(carol, weth, units(10, 18));
    fx.borrow(carol, usdc(12_000)).unwrap();
    let prices = fx.account(carol).liquidationPrices;
    assert_eq!(prices.len(), 8);
    assert!(prices[1..].iter().all(U256::is_zero), "nothing else held");
    // USDC (6 decimals) per wei, 1e36-scaled: whole dollars per ETH are 1e24.
    let dollar = U256::from(10u64).pow(U256::from(24));
    let edge_usd = prices[0].div_ceil(dollar);
    let edge_usd = i64::try_from(edge_usd).unwrap();
    // 12,000 of debt on 10 ETH at an 85% threshold: 1,411.76 per ETH.
    assert_eq!(edge_usd, 1_412);
    fx.set_eth_price(edge_usd);
    assert!(fx.account(carol).healthFactor >= U256::from(WAD));
    fx.set_eth_price(edge_usd - 1);
    assert!(fx.account(carol).healthFactor < U256::from(WAD));
}

/// A two-collateral position at HF 0.954 under Aave-like dust parameters
/// (minimum partial liquidation $2,000, dust $1,000): 3 WETH at $1,600
/// ($4,800, LT 85% -> $4,080) and 0.1 WBTC ($6,000, LT 75% -> $4,500)
/// against $8,990 of debt; close factor 50% caps repayment at $4,495.
fn dusty_position() -> Fixture {
    let mut fx = Fixture::new();
    let (alice, carol, weth, wbtc) = (fx.alice, fx.carol, fx.weth, fx.wbtc);
    fx.owner_call(&IKeelMarket::setLiquidationParamsCall {
        liquidation: (
            500_000_000_000_000_000,
            950_000_000_000_000_000,
            100_000_000_000_000_000,
            usdc(2_000),
            usdc(1_000),
        ),
    })
    .unwrap();
    fx.supply(alice, usdc(500_000));
    fx.supply_collateral(carol, weth, units(3, 18));
    fx.supply_collateral(carol, wbtc, units(1, 8) / U256::from(10));
    fx.borrow(carol, usdc(8_990)).unwrap();
    fx.set_eth_price(1_600);
    fx
}

/// Repaying the $4,495 cap would seize 4,495 x 1.05 / 1,600 = 2.95 ETH and
/// leave 0.05 ETH ($80 < $1,000): the maximum request extends past the close
/// factor to the whole WETH balance, for ceil($4,800 / 1.05) = $4,571.428572.
#[test]
fn dust_rule_extends_a_maximum_request_on_the_devnet() {
    let mut fx = dusty_position();
    let (carol, weth) = (fx.carol, fx.weth);
    let preview = liquidate_as_previewed(&mut fx, carol, weth, U256::MAX);
    assert_eq!(preview.seizedCollateral, units(3, 18));
    assert_eq!(preview.repaidAssets, U256::from(4_571_428_572_u64));
    assert!(preview.repaidAssets > usdc(4_495));
    assert_eq!(fx.account(carol).collateralBalances[0], U256::ZERO);
}

/// The same position with the request bounded at the $4,495 cap (below the
/// extension's cost): trimmed so that at least $1,000 of WETH (0.625 ETH)
/// stays, i.e. at most 2.375 ETH seized: the largest payment whose seizure
/// floor(repaid x 1.05 / 1,600) stays at or below 2.375 ETH is $3,619.047619
/// (2.375 x 1,600 / 1.05 = 3,619.0476190476...).
#[test]
fn dust_rule_trims_a_bounded_request_on_the_devnet() {
    let mut fx = dusty_position();
    let (carol, weth) = (fx.carol, fx.weth);
    let preview = liquidate_as_previewed(&mut fx, carol, weth, usdc(4_495));
    assert_eq!(preview.repaidAssets, U256::from(3_619_047_619_u64));
    let left = fx.account(carol).collateralBalances[0];
    assert_eq!(left, units(3, 18) - preview.seizedCollateral);
    // $1,000 of WETH is 0.625 ETH: the remainder sits at the threshold.
    let threshold = units(625, 15);
    assert!(left >= threshold && left - threshold < units(1, 12));
}

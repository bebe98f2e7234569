//! Bad input table: each rejected call gets its named error and leaves
//! balances and market state (marketSnapshot, accountSnapshot, collateralInfo)
//! unchanged.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError};
use keel_debt::{
    AmountExceedsU128, AmountRoundsToZero, InsufficientLiquidity, InsufficientReserves,
    InsufficientSupplyShares, NoDebt, OptimalUtilisationOutOfBounds, ReserveFactorTooHigh,
    ZeroAmount,
};
use keel_devnet::{assert_revert, expect_error};
use keel_liquidation::{
    BonusOutOfBounds, CloseFactorOutOfBounds, FullLiquidationHfOutOfBounds,
    LiquidationFeeOutOfBounds, LtvNotBelowThreshold, ThresholdWithBonusNotBelowOne,
};
use keel_oracle::{FeedHasNoCode, GracePeriodOutOfBounds, HeartbeatOutOfBounds};
use keel_tests::*;
use keel_vault::{
    CollateralAmountExceedsU128, InsufficientCollateral, LtvExceeded, ZeroCollateralAmount,
};

/// Calls `call` from `from`, asserts the revert is exactly `expected`, and
/// that nothing observable changed.
fn rejects<C: SolCall, E: SolError>(fx: &mut Fixture, from: Address, call: &C, expected: E) {
    let before = fx.state();
    assert_revert(fx.call(from, call), &expected);
    assert_eq!(fx.state(), before, "{}", C::SIGNATURE);
}

/// As [`rejects`] for an error whose fields the test checks itself.
fn rejects_with<C: SolCall, E: SolError>(fx: &mut Fixture, from: Address, call: &C) -> E {
    let before = fx.state();
    let error = expect_error::<E, _>(fx.call(from, call));
    assert_eq!(fx.state(), before, "{}", C::SIGNATURE);
    error
}

/// Suppliers, carol with 10 WETH + 1 WBTC borrowing 50,000 (power 58,000),
/// dave with 100 WETH + 10 WBTC borrowing 500,000: 250,000 left to lend.
fn setup() -> Fixture {
    let mut fx = Fixture::new();
    fx.standard_positions();
    let (carol, dave, weth, wbtc) = (fx.carol, fx.dave, fx.weth, fx.wbtc);
    fx.borrow(carol, usdc(50_000)).unwrap();
    fx.supply_collateral(dave, weth, units(100, 18));
    fx.supply_collateral(dave, wbtc, units(10, 8));
    fx.borrow(dave, usdc(500_000)).unwrap();
    fx
}

const ABOVE_U128: U256 = U256::from_limbs([0, 0, 1, 0]);

#[test]
fn zero_amounts_and_addresses() {
    let mut fx = setup();
    let (alice, carol, weth) = (fx.alice, fx.carol, fx.weth);
    let zero = U256::ZERO;
    rejects(
        &mut fx,
        alice,
        &IKeelMarket::supplyCall {
            assets: zero,
            onBehalf: alice,
        },
        ZeroAmount {},
    );
    let w = IKeelMarket::withdrawCall {
        assets: zero,
        onBehalf: alice,
        receiver: alice,
    };
    rejects(&mut fx, alice, &w, ZeroAmount {});
    let ws = IKeelMarket::withdrawSharesCall {
        shares: zero,
        onBehalf: alice,
        receiver: alice,
    };
    rejects(&mut fx, alice, &ws, ZeroAmount {});
    let b = IKeelMarket::borrowCall {
        assets: zero,
        onBehalf: carol,
        receiver: carol,
    };
    rejects(&mut fx, carol, &b, ZeroAmount {});
    rejects(
        &mut fx,
        carol,
        &IKeelMarket::repayCall {
            assets: zero,
            onBehalf: carol,
        },
        ZeroAmount {},
    );
    rejects(
        &mut fx,
        carol,
        &IKeelMarket::repaySharesCall {
            shares: zero,
            onBehalf: carol,
        },
        ZeroAmount {},
    );
    // A borrow share is worth about 1e-6 of a unit: repaid alone it would cost a whole unit
    // (rounded up) and take it out of the pool's assets, the step of a share-inflation
    // attack (keel-debt's `repay`).
    rejects(
        &mut fx,
        carol,
        &IKeelMarket::repaySharesCall {
            shares: U256::from(1),
            onBehalf: carol,
        },
        AmountRoundsToZero {
            amount: U256::from(1),
        },
    );
    let sc = IKeelMarket::supplyCollateralCall {
        token: weth,
        amount: zero,
        onBehalf: carol,
    };
    rejects(&mut fx, carol, &sc, ZeroCollateralAmount { index: 0 });
    let wc = IKeelMarket::withdrawCollateralCall {
        token: weth,
        amount: zero,
        onBehalf: carol,
        receiver: carol,
    };
    rejects(&mut fx, carol, &wc, ZeroCollateralAmount { index: 0 });

    let nobody = Address::ZERO;
    rejects(
        &mut fx,
        alice,
        &IKeelMarket::supplyCall {
            assets: usdc(1),
            onBehalf: nobody,
        },
        ZeroAddress {},
    );
    let w = IKeelMarket::withdrawCall {
        assets: usdc(1),
        onBehalf: alice,
        receiver: nobody,
    };
    rejects(&mut fx, alice, &w, ZeroAddress {});
    let b = IKeelMarket::borrowCall {
        assets: usdc(1),
        onBehalf: carol,
        receiver: nobody,
    };
    rejects(&mut fx, carol, &b, ZeroAddress {});
    rejects(
        &mut fx,
        carol,
        &IKeelMarket::repayCall {
            assets: usdc(1),
            onBehalf: nobody,
        },
        ZeroAddress {},
    );
    let sc = IKeelMarket::supplyCollateralCall {
        token: weth,
        amount: U256::from(1),
        onBehalf: nobody,
    };
    rejects(&mut fx, carol, &sc, ZeroAddress {});
    let wc = IKeelMarket::withdrawCollateralCall {
        token: weth,
        amount: U256::from(1),
        onBehalf: carol,
        receiver: nobody,
    };
    rejects(&mut fx, carol, &wc, ZeroAddress {});
    rejects(
        &mut fx,
        carol,
        &IKeelMarket::setOperatorCall {
            operator: nobody,
            approved: true,
        },
        ZeroAddress {},
    );
    let l = IKeelMarket::liquidateCall {
        borrower: carol,
        token: weth,
        maxRepayAssets: U256::MAX,
        receiver: nobody,
        data: Default::default(),
    };
    rejects(&mut fx, alice, &l, ZeroAddress {});
}

#[test]
fn unknown_collateral_and_amounts_above_u128() {
    let mut fx = setup();
    let (alice, carol, base, weth, stranger) = (fx.alice, fx.carol, fx.base, fx.weth, fx.stranger);
    for token in [base, stranger] {
        let unknown = UnknownCollateral { token };
        let sc = IKeelMarket::supplyCollateralCall {
            token,
            amount: U256::from(1),
            onBehalf: carol,
        };
        rejects(&mut fx, carol, &sc, unknown.clone());
        let wc = IKeelMarket::withdrawCollateralCall {
            token,
            amount: U256::from(1),
            onBehalf: carol,
            receiver: carol,
        };
        rejects(&mut fx, carol, &wc, unknown.clone());
        let l = IKeelMarket::liquidateCall {
            borrower: carol,
            token,
            maxRepayAssets: U256::MAX,
            receiver: alice,
            data: Default::default(),
        };
        rejects(&mut fx, alice, &l, unknown.clone());
        assert_revert(
            fx.view(&IKeelMarket::collateralPriceCall { token }),
            &unknown,
        );
        let owner = fx.owner;
        let risk = IKeelMarket::setCollateralRiskCall {
            token,
            risk: WETH_RISK,
        };
        rejects(&mut fx, owner, &risk, unknown.clone());
        rejects(
            &mut fx,
            owner,
            &IKeelMarket::setCollateralCapCall {
                token,
                cap: U256::ZERO,
            },
            unknown,
        );
    }
    let big = ABOVE_U128;
    rejects(
        &mut fx,
        alice,
        &IKeelMarket::supplyCall {
            assets: big,
            onBehalf: alice,
        },
        AmountExceedsU128 { amount: big },
    );
    let w = IKeelMarket::withdrawCall {
        assets: big,
        onBehalf: alice,
        receiver: alice,
    };
    rejects(&mut fx, alice, &w, AmountExceedsU128 { amount: big });
    let b = IKeelMarket::borrowCall {
        assets: big,
        onBehalf: carol,
        receiver: carol,
    };
    rejects(&mut fx, carol, &b, AmountExceedsU128 { amount: big });
    let sc = IKeelMarket::supplyCollateralCall {
        token: weth,
        amount: big,
        onBehalf: carol,
    };
    rejects(
        &mut fx,
        carol,
        &sc,
        CollateralAmountExceedsU128 {
            index: 0,
            amount: big,
        },
    );
}

#[test]
fn ltv_liquidity_and_balance_limits() {
    let mut fx = setup();
    let (alice, carol, stranger, weth, wbtc) = (fx.alice, fx.carol, fx.stranger, fx.weth, fx.wbtc);
    // carol: power 58,000, debt 50,000.
    let b = IKeelMarket::borrowCall {
        assets: usdc(8_001),
        onBehalf: carol,
        receiver: carol,
    };
    let e: LtvExceeded = rejects_with(&mut fx, carol, &b);
    assert_eq!(e.borrowPower, usdc(58_000));
    assert!(
        e.debtAssets > usdc(58_000) && e.debtAssets <= usdc(58_001) + U256::from(1),
        "{e:?}"
    );
    // Without 6 WETH the power is 6,400 + 42,000 = 48,400 < 50,000.
    let wc = IKeelMarket::withdrawCollateralCall {
        token: weth,
        amount: units(6, 18),
        onBehalf: carol,
        receiver: carol,
    };
    let e: LtvExceeded = rejects_with(&mut fx, carol, &wc);
    assert_eq!(e.borrowPower, usdc(48_400));
    let wc = IKeelMarket::withdrawCollateralCall {
        token: wbtc,
        amount: units(1, 8),
        onBehalf: carol,
        receiver: carol,
    };
    let e: LtvExceeded = rejects_with(&mut fx, carol, &wc);
    assert_eq!(e.borrowPower, usdc(16_000));
    let wc = IKeelMarket::withdrawCollateralCall {
        token: weth,
        amount: units(11, 18),
        onBehalf: carol,
        receiver: carol,
    };
    rejects(
        &mut fx,
        carol,
        &wc,
        InsufficientCollateral {
            index: 0,
            requested: units(11, 18),
            balance: units(10, 18),
        },
    );

    // 800,000 supplied, 550,000 borrowed.
    let available = usdc(250_000);
    let w = IKeelMarket::withdrawCall {
        assets: usdc(300_000),
        onBehalf: alice,
        receiver: alice,
    };
    rejects(
        &mut fx,
        alice,
        &w,
        InsufficientLiquidity {
            requested: usdc(300_000),
            available,
        },
    );
    let dave = fx.dave;
    let b = IKeelMarket::borrowCall {
        assets: usdc(250_001),
        onBehalf: dave,
        receiver: dave,
    };
    rejects(
        &mut fx,
        dave,
        &b,
        InsufficientLiquidity {
            requested: usdc(250_001),
            available,
        },
    );
    let w = IKeelMarket::withdrawCall {
        assets: usdc(1),
        onBehalf: stranger,
        receiver: stranger,
    };
    let e: InsufficientSupplyShares = rejects_with(&mut fx, stranger, &w);
    assert_eq!(e.balance, U256::ZERO);
    rejects(
        &mut fx,
        stranger,
        &IKeelMarket::repayCall {
            assets: usdc(1),
            onBehalf: stranger,
        },
        NoDebt {},
    );
    let owner = fx.owner;
    let reserves = IKeelMarket::withdrawReservesCall {
        asset: fx.base,
        amount: usdc(1),
        to: owner,
    };
    rejects(
        &mut fx,
        owner,
        &reserves,
        InsufficientReserves {
            requested: usdc(1),
            reserves: U256::ZERO,
        },
    );
    let reserves = IKeelMarket::withdrawReservesCall {
        asset: weth,
        amount: U256::from(1),
        to: owner,
    };
    rejects(
        &mut fx,
        owner,
        &reserves,
        InsufficientReserves {
            requested: U256::from(1),
            reserves: U256::ZERO,
        },
    );
    let reserves = IKeelMarket::withdrawReservesCall {
        asset: weth,
        amount: U256::ZERO,
        to: owner,
    };
    rejects(&mut fx, owner, &reserves, ZeroAmount {});
}

#[test]
fn every_privileged_function_refuses_strangers() {
    let mut fx = setup();
    let (s, guardian, base, weth, eth_feed, sequencer) = (
        fx.stranger,
        fx.guardian,
        fx.base,
        fx.weth,
        fx.eth_feed,
        fx.sequencer,
    );
    let no = Unauthorized { caller: s };
    rejects(
        &mut fx,
        s,
        &IKeelMarket::setGuardianCall { guardian: s },
        no.clone(),
    );
    rejects(
        &mut fx,
        s,
        &IKeelMarket::transferOwnershipCall { newOwner: s },
        no.clone(),
    );
    rejects(&mut fx, s, &IKeelMarket::acceptOwnershipCall {}, no.clone());
    rejects(
        &mut fx,
        s,
        &IKeelMarket::setPausedCall {
            action: 0,
            paused: true,
        },
        no.clone(),
    );
    rejects(
        &mut fx,
        s,
        &IKeelMarket::setLiquidationPausedCall { paused: true },
        no.clone(),
    );
    rejects(
        &mut fx,
        s,
        &IKeelMarket::setLiquidationGracePeriodCall {
            gracePeriodSeconds: 1,
        },
        no.clone(),
    );
    let other = fx.dave;
    let add = IKeelMarket::addCollateralCall {
        token: other,
        risk: WETH_RISK,
        cap: U256::MAX,
        collateralFeed: feed(eth_feed),
        baseFeed: no_feed(),
    };
    rejects(&mut fx, s, &add, no.clone());
    rejects(
        &mut fx,
        s,
        &IKeelMarket::setCollateralRiskCall {
            token: weth,
            risk: WETH_RISK,
        },
        no.clone(),
    );
    rejects(
        &mut fx,
        s,
        &IKeelMarket::setCollateralCapCall {
            token: weth,
            cap: U256::ZERO,
        },
        no.clone(),
    );
    let ps = IKeelMarket::setCollateralPriceSourceCall {
        token: weth,
        collateralFeed: feed(eth_feed),
        baseFeed: no_feed(),
    };
    rejects(&mut fx, s, &ps, no.clone());
    rejects(
        &mut fx,
        s,
        &IKeelMarket::setRateModelCall {
            rateModel: RATE_MODEL,
        },
        no.clone(),
    );
    rejects(
        &mut fx,
        s,
        &IKeelMarket::setReserveFactorCall { reserveFactor: 0 },
        no.clone(),
    );
    rejects(
        &mut fx,
        s,
        &IKeelMarket::setCapsCall {
            supplyCap: U256::ZERO,
            borrowCap: U256::ZERO,
        },
        no.clone(),
    );
    rejects(
        &mut fx,
        s,
        &IKeelMarket::setLiquidationParamsCall {
            liquidation: liquidation_params(),
        },
        no.clone(),
    );
    rejects(
        &mut fx,
        s,
        &IKeelMarket::setSequencerFeedCall {
            feed: sequencer,
            gracePeriodSeconds: 3_600,
        },
        no.clone(),
    );
    rejects(
        &mut fx,
        s,
        &IKeelMarket::withdrawReservesCall {
            asset: base,
            amount: U256::from(1),
            to: s,
        },
        no,
    );

    // The guardian pauses but cannot unpause nor touch liquidation or parameters.
    let g = Unauthorized { caller: guardian };
    rejects(
        &mut fx,
        guardian,
        &IKeelMarket::setPausedCall {
            action: 0,
            paused: false,
        },
        g.clone(),
    );
    rejects(
        &mut fx,
        guardian,
        &IKeelMarket::setLiquidationPausedCall { paused: true },
        g.clone(),
    );
    rejects(
        &mut fx,
        guardian,
        &IKeelMarket::setGuardianCall { guardian: s },
        g.clone(),
    );
    rejects(
        &mut fx,
        guardian,
        &IKeelMarket::setCapsCall {
            supplyCap: U256::ZERO,
            borrowCap: U256::ZERO,
        },
        g,
    );
}

#[test]
fn setters_out_of_bounds() {
    let mut fx = setup();
    let (owner, base, weth, wbtc, eth_feed, stranger) = (
        fx.owner,
        fx.base,
        fx.weth,
        fx.wbtc,
        fx.eth_feed,
        fx.stranger,
    );
    let wad = U256::from(WAD);
    let half = WAD / 2;

    rejects(
        &mut fx,
        owner,
        &IKeelMarket::setReserveFactorCall {
            reserveFactor: half + 1,
        },
        ReserveFactorTooHigh {
            value: U256::from(half + 1),
            max: U256::from(half),
        },
    );
    let rm = IKeelMarket::setRateModelCall {
        rateModel: (RATE_MODEL.0, RATE_MODEL.1, RATE_MODEL.2, 0),
    };
    let e: OptimalUtilisationOutOfBounds = rejects_with(&mut fx, owner, &rm);
    assert_eq!(e.value, U256::ZERO);
    let rm = IKeelMarket::setRateModelCall {
        rateModel: (RATE_MODEL.0, RATE_MODEL.1, RATE_MODEL.2 * 10, RATE_MODEL.3),
    };
    let _: keel_debt::MaxBorrowRateTooHigh = rejects_with(&mut fx, owner, &rm);

    let p = liquidation_params();
    let lp = |close: u64, hf: u64, fee: u64| IKeelMarket::setLiquidationParamsCall {
        liquidation: (close, hf, fee, p.3, p.4),
    };
    rejects(
        &mut fx,
        owner,
        &lp(0, p.1, p.2),
        CloseFactorOutOfBounds {
            closeFactorWad: U256::ZERO,
        },
    );
    rejects(
        &mut fx,
        owner,
        &lp(WAD + 1, p.1, p.2),
        CloseFactorOutOfBounds {
            closeFactorWad: wad + U256::from(1),
        },
    );
    let e: FullLiquidationHfOutOfBounds = rejects_with(&mut fx, owner, &lp(p.0, WAD + 1, p.2));
    assert_eq!(e.fullLiquidationHfWad, wad + U256::from(1));
    rejects(
        &mut fx,
        owner,
        &lp(p.0, p.1, half + 1),
        LiquidationFeeOutOfBounds {
            feeWad: U256::from(half + 1),
            maxFeeWad: U256::from(half),
        },
    );
    let big = IKeelMarket::setLiquidationParamsCall {
        liquidation: (p.0, p.1, p.2, ABOVE_U128, p.4),
    };
    rejects(
        &mut fx,
        owner,
        &big,
        ParameterOutOfBounds {
            parameter: 3,
            value: ABOVE_U128,
            min: U256::ZERO,
            max: U256::from(u128::MAX),
        },
    );
    let gp = IKeelMarket::setLiquidationGracePeriodCall {
        gracePeriodSeconds: 86_401,
    };
    rejects(
        &mut fx,
        owner,
        &gp,
        ParameterOutOfBounds {
            parameter: 1,
            value: U256::from(86_401),
            min: U256::ZERO,
            max: U256::from(86_400),
        },
    );
    let pause = IKeelMarket::setPausedCall {
        action: 5,
        paused: true,
    };
    rejects(
        &mut fx,
        owner,
        &pause,
        ParameterOutOfBounds {
            parameter: 2,
            value: U256::from(5),
            min: U256::ZERO,
            max: U256::from(4),
        },
    );

    // Collateral risk: LTV >= LT; LT x (1 + bonus) >= 1; bonus above 20%.
    let e: LtvNotBelowThreshold = rejects_with(
        &mut fx,
        owner,
        &IKeelMarket::setCollateralRiskCall {
            token: weth,
            risk: (WETH_RISK.1, WETH_RISK.1, WETH_RISK.2),
        },
    );
    assert_eq!(e.ltvWad, U256::from(WETH_RISK.1));
    let _: ThresholdWithBonusNotBelowOne = rejects_with(
        &mut fx,
        owner,
        &IKeelMarket::setCollateralRiskCall {
            token: weth,
            risk: (
                WETH_RISK.0,
                950_000_000_000_000_000,
                100_000_000_000_000_000,
            ),
        },
    );
    let _: BonusOutOfBounds = rejects_with(
        &mut fx,
        owner,
        &IKeelMarket::setCollateralRiskCall {
            token: wbtc,
            risk: (
                100_000_000_000_000_000,
                200_000_000_000_000_000,
                210_000_000_000_000_000,
            ),
        },
    );

    // Feeds and listing.
    let ps = IKeelMarket::setCollateralPriceSourceCall {
        token: weth,
        collateralFeed: (eth_feed, 10, 0, 0),
        baseFeed: no_feed(),
    };
    let e: HeartbeatOutOfBounds = rejects_with(&mut fx, owner, &ps);
    assert_eq!(e.heartbeatSeconds, 10);
    let ps = IKeelMarket::setCollateralPriceSourceCall {
        token: weth,
        collateralFeed: feed(stranger),
        baseFeed: no_feed(),
    };
    rejects(&mut fx, owner, &ps, FeedHasNoCode { feed: stranger });
    let sequencer = fx.sequencer;
    rejects(
        &mut fx,
        owner,
        &IKeelMarket::setSequencerFeedCall {
            feed: sequencer,
            gracePeriodSeconds: 10,
        },
        GracePeriodOutOfBounds {
            gracePeriodSeconds: 10,
        },
    );
    rejects(
        &mut fx,
        owner,
        &IKeelMarket::setSequencerFeedCall {
            feed: stranger,
            gracePeriodSeconds: 3_600,
        },
        FeedHasNoCode { feed: stranger },
    );
    let add = |token| IKeelMarket::addCollateralCall {
        token,
        risk: WETH_RISK,
        cap: U256::MAX,
        collateralFeed: feed(eth_feed),
        baseFeed: no_feed(),
    };
    rejects(
        &mut fx,
        owner,
        &add(weth),
        CollateralAlreadyListed { token: weth },
    );
    rejects(
        &mut fx,
        owner,
        &add(base),
        CollateralAlreadyListed { token: base },
    );
    rejects(
        &mut fx,
        owner,
        &add(stranger),
        NotAContract { account: stranger },
    );
    rejects(&mut fx, owner, &add(Address::ZERO), ZeroAddress {});
}

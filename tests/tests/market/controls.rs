//! Caps, pauses and operators on the devnet.

use alloy_primitives::U256;
use keel_debt::{BorrowCapExceeded, SupplyCapExceeded};
use keel_devnet::assert_revert;
use keel_tests::*;
use keel_vault::CollateralCapExceeded;

#[test]
fn caps_bound_supply_borrow_and_each_collateral() {
    let mut fx = Fixture::new();
    let (alice, carol, weth, wbtc) = (fx.alice, fx.carol, fx.weth, fx.wbtc);
    fx.owner_call(&IKeelMarket::setCapsCall {
        supplyCap: usdc(1_000),
        borrowCap: usdc(400),
    })
    .unwrap();
    fx.supply(alice, usdc(600));
    let before = fx.state();
    let over = fx.call(
        alice,
        &IKeelMarket::supplyCall {
            assets: usdc(401),
            onBehalf: alice,
        },
    );
    assert_revert(
        over,
        &SupplyCapExceeded {
            totalAfter: usdc(1_001),
            cap: usdc(1_000),
        },
    );
    assert_eq!(fx.state(), before);
    fx.supply(alice, usdc(400));

    fx.supply_collateral(carol, weth, units(1, 18));
    fx.borrow(carol, usdc(300)).unwrap();
    let before = fx.state();
    assert_revert(
        fx.borrow(carol, usdc(101)),
        &BorrowCapExceeded {
            totalAfter: usdc(401),
            cap: usdc(400),
        },
    );
    assert_eq!(fx.state(), before);
    fx.borrow(carol, usdc(100)).unwrap();

    // Per-collateral cap; the other collateral is unaffected.
    let cap = units(2, 18);
    fx.owner_call(&IKeelMarket::setCollateralCapCall { token: weth, cap })
        .unwrap();
    assert_eq!(fx.collateral_info(weth).cap, cap);
    let before = fx.state();
    let call = IKeelMarket::supplyCollateralCall {
        token: weth,
        amount: units(2, 18),
        onBehalf: carol,
    };
    assert_revert(
        fx.call(carol, &call),
        &CollateralCapExceeded {
            index: 0,
            totalAfter: units(3, 18),
            cap,
        },
    );
    assert_eq!(fx.state(), before);
    fx.supply_collateral(carol, weth, units(1, 18));
    fx.supply_collateral(carol, wbtc, units(5, 8));
    // Cap 0 refuses deposits.
    fx.owner_call(&IKeelMarket::setCollateralCapCall {
        token: wbtc,
        cap: U256::ZERO,
    })
    .unwrap();
    let call = IKeelMarket::supplyCollateralCall {
        token: wbtc,
        amount: U256::from(1),
        onBehalf: carol,
    };
    assert_revert(
        fx.call(carol, &call),
        &CollateralCapExceeded {
            index: 1,
            totalAfter: units(5, 8) + U256::from(1),
            cap: U256::ZERO,
        },
    );
    // Lifting the cap (any value above uint128: none) lets deposits in again;
    // the total kept meanwhile is the one reported.
    fx.owner_call(&IKeelMarket::setCollateralCapCall {
        token: wbtc,
        cap: U256::MAX,
    })
    .unwrap();
    assert_eq!(fx.collateral_info(wbtc).cap, U256::from(u128::MAX));
    fx.supply_collateral(carol, wbtc, U256::from(1));
    assert_eq!(fx.collateral_info(wbtc).total, units(5, 8) + U256::from(1));
}

#[test]
fn guardian_pauses_every_action_but_repay_still_works() {
    let mut fx = Fixture::new();
    fx.standard_positions();
    let (alice, carol, guardian, owner, weth) =
        (fx.alice, fx.carol, fx.guardian, fx.owner, fx.weth);
    fx.borrow(carol, usdc(1_000)).unwrap();
    for action in 0..5u8 {
        fx.call(
            guardian,
            &IKeelMarket::setPausedCall {
                action,
                paused: true,
            },
        )
        .unwrap();
        assert!(fx.view(&IKeelMarket::isPausedCall { action }).unwrap());
    }
    let before = fx.state();
    let one = usdc(1);
    assert_revert(
        fx.call(
            alice,
            &IKeelMarket::supplyCall {
                assets: one,
                onBehalf: alice,
            },
        ),
        &ActionPaused { action: 0 },
    );
    let withdraw = IKeelMarket::withdrawCall {
        assets: one,
        onBehalf: alice,
        receiver: alice,
    };
    assert_revert(fx.call(alice, &withdraw), &ActionPaused { action: 1 });
    let shares = IKeelMarket::withdrawSharesCall {
        shares: one,
        onBehalf: alice,
        receiver: alice,
    };
    assert_revert(fx.call(alice, &shares), &ActionPaused { action: 1 });
    let call = IKeelMarket::supplyCollateralCall {
        token: weth,
        amount: one,
        onBehalf: carol,
    };
    assert_revert(fx.call(carol, &call), &ActionPaused { action: 2 });
    assert_revert(
        fx.withdraw_collateral(carol, weth, one),
        &ActionPaused { action: 3 },
    );
    assert_revert(fx.borrow(carol, one), &ActionPaused { action: 4 });
    assert_eq!(fx.state(), before);

    // The guardian cannot unpause; repay is never paused.
    assert_revert(
        fx.call(
            guardian,
            &IKeelMarket::setPausedCall {
                action: 4,
                paused: false,
            },
        ),
        &Unauthorized { caller: guardian },
    );
    let repaid = fx
        .call(
            carol,
            &IKeelMarket::repayCall {
                assets: U256::MAX,
                onBehalf: carol,
            },
        )
        .unwrap();
    assert_eq!(repaid, usdc(1_000));
    assert_eq!(fx.account(carol).borrowShares, U256::ZERO);

    for action in 0..5u8 {
        fx.call(
            owner,
            &IKeelMarket::setPausedCall {
                action,
                paused: false,
            },
        )
        .unwrap();
        assert!(!fx.view(&IKeelMarket::isPausedCall { action }).unwrap());
    }
    fx.borrow(carol, one).unwrap();
    fx.withdraw_collateral(carol, weth, one).unwrap();
}

#[test]
fn operators_act_for_their_owner_and_strangers_are_refused() {
    let mut fx = Fixture::new();
    fx.standard_positions();
    let (alice, carol, dave, stranger, weth, base) =
        (fx.alice, fx.carol, fx.dave, fx.stranger, fx.weth, fx.base);
    fx.call(
        carol,
        &IKeelMarket::setOperatorCall {
            operator: dave,
            approved: true,
        },
    )
    .unwrap();
    fx.call(
        alice,
        &IKeelMarket::setOperatorCall {
            operator: dave,
            approved: true,
        },
    )
    .unwrap();
    assert!(fx
        .view(&IKeelMarket::isOperatorCall {
            owner: carol,
            operator: dave
        })
        .unwrap());

    let dave_base = fx.balance(base, dave);
    let borrow = IKeelMarket::borrowCall {
        assets: usdc(1_000),
        onBehalf: carol,
        receiver: dave,
    };
    fx.call(dave, &borrow).unwrap();
    assert_eq!(fx.balance(base, dave), dave_base + usdc(1_000));
    assert_eq!(fx.account(carol).debtAssets, usdc(1_000));
    assert_eq!(fx.account(dave).debtAssets, U256::ZERO);

    let dave_weth = fx.balance(weth, dave);
    let wc = IKeelMarket::withdrawCollateralCall {
        token: weth,
        amount: units(1, 18),
        onBehalf: carol,
        receiver: dave,
    };
    fx.call(dave, &wc).unwrap();
    assert_eq!(fx.balance(weth, dave), dave_weth + units(1, 18));
    assert_eq!(fx.account(carol).collateralBalances[0], units(9, 18));

    let w = IKeelMarket::withdrawCall {
        assets: usdc(10),
        onBehalf: alice,
        receiver: dave,
    };
    fx.call(dave, &w).unwrap();
    assert_eq!(fx.balance(base, dave), dave_base + usdc(1_010));

    // A stranger: refused everywhere, nothing changes.
    let before = fx.state();
    let unauthorized = Unauthorized { caller: stranger };
    let borrow = IKeelMarket::borrowCall {
        assets: usdc(1),
        onBehalf: carol,
        receiver: stranger,
    };
    assert_revert(fx.call(stranger, &borrow), &unauthorized);
    let wc = IKeelMarket::withdrawCollateralCall {
        token: weth,
        amount: U256::from(1),
        onBehalf: carol,
        receiver: stranger,
    };
    assert_revert(fx.call(stranger, &wc), &unauthorized);
    let w = IKeelMarket::withdrawCall {
        assets: usdc(1),
        onBehalf: alice,
        receiver: stranger,
    };
    assert_revert(fx.call(stranger, &w), &unauthorized);
    let ws = IKeelMarket::withdrawSharesCall {
        shares: U256::from(1),
        onBehalf: alice,
        receiver: stranger,
    };
    assert_revert(fx.call(stranger, &ws), &unauthorized);
    assert_eq!(fx.state(), before);

    // Revoked: dave is a stranger again.
    fx.call(
        carol,
        &IKeelMarket::setOperatorCall {
            operator: dave,
            approved: false,
        },
    )
    .unwrap();
    let borrow = IKeelMarket::borrowCall {
        assets: usdc(1),
        onBehalf: carol,
        receiver: dave,
    };
    assert_revert(fx.call(dave, &borrow), &Unauthorized { caller: dave });
    // Supply, repay and supplyCollateral for others need no authorisation.
    fx.call(
        stranger,
        &IKeelMarket::setOperatorCall {
            operator: carol,
            approved: false,
        },
    )
    .unwrap();
    fx.call(
        dave,
        &IKeelMarket::repayCall {
            assets: usdc(100),
            onBehalf: carol,
        },
    )
    .unwrap();
    let sc = IKeelMarket::supplyCollateralCall {
        token: weth,
        amount: units(1, 18),
        onBehalf: carol,
    };
    fx.call(dave, &sc).unwrap();
    fx.call(
        dave,
        &IKeelMarket::supplyCall {
            assets: usdc(5),
            onBehalf: alice,
        },
    )
    .unwrap();
}

//! Token behaviour: the USDT-style base token end to end, misbehaving tokens
//! refused with `TokenTransferFailed`, fee-on-transfer tokens refused with
//! `TransferAmountMismatch`, and a transfer hook that re-enters.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use keel_devnet::assert_revert;
use keel_mocks::abi::IMockErc20;
use keel_tests::*;

#[test]
fn usdt_style_base_token_end_to_end() {
    let mut fx = Fixture::with_base(BaseKind::NoReturn);
    let (alice, carol, owner, treasury, base, weth, market) = (
        fx.alice,
        fx.carol,
        fx.owner,
        fx.treasury,
        fx.base,
        fx.weth,
        fx.market,
    );
    let start = fx.balance(base, alice);
    fx.standard_positions();
    assert_eq!(fx.balance(base, market), usdc(800_000));
    fx.borrow(carol, usdc(40_000)).unwrap();
    fx.advance(30 * 24 * 3600);
    let debt = fx.account(carol).debtAssets;
    let carol_base = fx.balance(base, carol);
    let repaid = fx
        .call(
            carol,
            &IKeelMarket::repayCall {
                assets: U256::MAX,
                onBehalf: carol,
            },
        )
        .unwrap();
    assert_eq!(repaid, debt);
    assert_eq!(fx.balance(base, carol), carol_base - debt);
    fx.withdraw_collateral(carol, weth, units(10, 18)).unwrap();
    let assets = fx.account(alice).supplyAssets;
    let w = IKeelMarket::withdrawCall {
        assets,
        onBehalf: alice,
        receiver: alice,
    };
    fx.call(alice, &w).unwrap();
    assert_eq!(fx.balance(base, alice), start + assets - usdc(500_000));
    assert!(assets > usdc(500_000));
    let reserves = fx.market_snapshot().reserves;
    let call = IKeelMarket::withdrawReservesCall {
        asset: base,
        amount: reserves,
        to: treasury,
    };
    fx.call(owner, &call).unwrap();
    assert_eq!(fx.balance(base, treasury), reserves);
    let m = fx.market_snapshot();
    assert!(fx.balance(base, market) >= m.totalSupplyAssets - m.totalBorrowAssets + m.reserves);
}

/// Failure mode 1 (returns false) and 2 (reverts) on the base token and on a
/// collateral, for pulls and pushes.
#[test]
fn misbehaving_tokens_are_refused_and_change_nothing() {
    for mode in [1u8, 2] {
        let mut fx = Fixture::new();
        fx.standard_positions();
        let (alice, carol, base, weth, market) = (fx.alice, fx.carol, fx.base, fx.weth, fx.market);
        fx.borrow(carol, usdc(1_000)).unwrap();
        for token in [base, weth] {
            fx.net
                .call(alice, token, &IMockErc20::setFailureModeCall { mode })
                .unwrap();
        }
        let before = fx.state();
        let failed = |token, from, to, amount| TokenTransferFailed {
            token,
            from,
            to,
            amount,
        };

        let supply = IKeelMarket::supplyCall {
            assets: usdc(7),
            onBehalf: alice,
        };
        assert_revert(
            fx.call(alice, &supply),
            &failed(base, alice, market, usdc(7)),
        );
        let withdraw = IKeelMarket::withdrawCall {
            assets: usdc(7),
            onBehalf: alice,
            receiver: alice,
        };
        assert_revert(
            fx.call(alice, &withdraw),
            &failed(base, market, alice, usdc(7)),
        );
        assert_revert(
            fx.borrow(carol, usdc(7)),
            &failed(base, market, carol, usdc(7)),
        );
        let repay = IKeelMarket::repayCall {
            assets: usdc(7),
            onBehalf: carol,
        };
        assert_revert(
            fx.call(carol, &repay),
            &failed(base, carol, market, usdc(7)),
        );
        let sc = IKeelMarket::supplyCollateralCall {
            token: weth,
            amount: units(1, 18),
            onBehalf: carol,
        };
        assert_revert(
            fx.call(carol, &sc),
            &failed(weth, carol, market, units(1, 18)),
        );
        assert_revert(
            fx.withdraw_collateral(carol, weth, units(1, 18)),
            &failed(weth, market, carol, units(1, 18)),
        );
        assert_eq!(fx.state(), before, "mode {mode}");
    }
}

fn hook_refused(reentrant: bool) {
    let mut fx = Fixture::build(BaseKind::Standard, reentrant);
    fx.standard_positions();
    let (alice, bob, base, market) = (fx.alice, fx.bob, fx.base, fx.market);
    // bob's transfer into the market calls back into the market: a second
    // supply for alice in the middle of bob's.
    let inner = IKeelMarket::supplyCall {
        assets: usdc(1),
        onBehalf: alice,
    }
    .abi_encode();
    let arm = IMockErc20::setTransferHookCall {
        target: market,
        data: inner.into(),
    };
    fx.net.call(bob, base, &arm).unwrap();
    let before = fx.state();
    let supply = IKeelMarket::supplyCall {
        assets: usdc(5),
        onBehalf: bob,
    };
    let result = fx.call(bob, &supply);
    // The re-entry fails (the SDK's entrypoint refuses it, or with the
    // `reentrant` feature the market's lock reverts with `Reentrancy()`); the
    // token bubbles the revert and the market reports the failed transfer.
    assert_revert(
        result,
        &TokenTransferFailed {
            token: base,
            from: bob,
            to: market,
            amount: usdc(5),
        },
    );
    assert_eq!(fx.state(), before);
}

#[test]
fn transfer_hook_reentry_is_refused() {
    hook_refused(false);
}

#[test]
fn transfer_hook_reentry_hits_the_market_lock() {
    hook_refused(true);
}

#[test]
fn reentrant_market_reports_reentrancy_to_a_direct_callback() {
    // With the SDK's guard off, the lock alone refuses a nested call: the
    // hook target is the market and the token's own revert carries the
    // market's `Reentrancy()` data, which the devnet's receipt records.
    let mut fx = Fixture::build(BaseKind::Standard, true);
    fx.standard_positions();
    let (carol, weth, market) = (fx.carol, fx.weth, fx.market);
    let inner = IKeelMarket::accrueInterestCall {}.abi_encode();
    let arm = IMockErc20::setTransferHookCall {
        target: market,
        data: inner.into(),
    };
    fx.net.call(carol, weth, &arm).unwrap();
    let before = fx.state();
    let sc = IKeelMarket::supplyCollateralCall {
        token: weth,
        amount: units(1, 18),
        onBehalf: carol,
    };
    assert_revert(
        fx.call(carol, &sc),
        &TokenTransferFailed {
            token: weth,
            from: carol,
            to: market,
            amount: units(1, 18),
        },
    );
    assert_eq!(fx.state(), before);
}

/// `token` now burns `bps` / 10,000 of every transfer (the mock's fee switch,
/// as USDT has one).
fn set_fee(fx: &mut Fixture, token: Address, bps: u64) {
    let alice = fx.alice;
    fx.net
        .call(
            alice,
            token,
            &IMockErc20::setFeeBpsCall {
                feeBps: U256::from(bps),
            },
        )
        .unwrap();
}

/// Issue 13, defect 1: a collateral that turns a 1% fee on is refused, so it
/// can never strand another depositor's collateral (before the fix the
/// market credited 1e18 for 0.99e18 received, and the other depositor's
/// withdrawal then failed).
#[test]
fn fee_on_transfer_collateral_is_refused_and_strands_nobody() {
    let mut fx = Fixture::new();
    let (carol, dave, weth, market) = (fx.carol, fx.dave, fx.weth, fx.market);
    fx.supply_collateral(dave, weth, units(1, 18));
    set_fee(&mut fx, weth, 100);
    let before = fx.state();
    let deposit = IKeelMarket::supplyCollateralCall {
        token: weth,
        amount: units(1, 18),
        onBehalf: carol,
    };
    assert_revert(
        fx.call(carol, &deposit),
        &TransferAmountMismatch {
            token: weth,
            expected: units(1, 18),
            received: units(99, 16),
        },
    );
    assert_eq!(fx.state(), before);
    set_fee(&mut fx, weth, 0);
    fx.withdraw_collateral(dave, weth, units(1, 18)).unwrap();
    assert_eq!(fx.balance(weth, market), U256::ZERO);
}

/// Every inbound transfer of the base asset (supply, repay, a liquidator's
/// repayment) that delivers less than its amount fails the call with
/// `TransferAmountMismatch` and changes nothing.
#[test]
fn fee_on_transfer_base_is_refused_on_every_inbound_transfer() {
    let mut fx = Fixture::new();
    fx.standard_positions();
    let (alice, carol, liquidator, base, weth) =
        (fx.alice, fx.carol, fx.liquidator, fx.base, fx.weth);
    fx.borrow(carol, usdc(50_000)).unwrap();
    fx.set_eth_price(1_000);
    fx.set_btc_price(20_000);
    set_fee(&mut fx, base, 100);
    let before = fx.state();
    let short = |amount: u64| TransferAmountMismatch {
        token: base,
        expected: usdc(amount),
        received: usdc(amount) * U256::from(99) / U256::from(100),
    };
    let supply = IKeelMarket::supplyCall {
        assets: usdc(1_000),
        onBehalf: alice,
    };
    assert_revert(fx.call(alice, &supply), &short(1_000));
    let repay = IKeelMarket::repayCall {
        assets: usdc(1_000),
        onBehalf: carol,
    };
    assert_revert(fx.call(carol, &repay), &short(1_000));
    let liquidate = IKeelMarket::liquidateCall {
        borrower: carol,
        token: weth,
        maxRepayAssets: usdc(1_000),
        receiver: liquidator,
        data: Default::default(),
    };
    assert_revert(fx.call(liquidator, &liquidate), &short(1_000));
    assert_eq!(fx.state(), before);
    // With the fee off again, the same calls go through.
    set_fee(&mut fx, base, 0);
    fx.call(alice, &supply).unwrap();
    fx.call(carol, &repay).unwrap();
    fx.call(liquidator, &liquidate).unwrap();
}

//! Oracle failures block borrow and withdrawCollateral with the oracle's
//! error; the sequencer feed blocks them while down or recovering, and never
//! blocks repay, supply, supplyCollateral or liquidation.

use alloy_primitives::{Address, I256, U256};
use keel_devnet::{assert_revert, expect_error};
use keel_mocks::abi::{IMockAggregator, IMockSequencerUptimeFeed};
use keel_oracle::{
    PriceFromFuture, PriceNotPositive, PriceStale, SequencerDown, SequencerGracePeriod,
};
use keel_tests::*;

fn borrower() -> Fixture {
    let mut fx = Fixture::new();
    fx.standard_positions();
    let carol = fx.carol;
    fx.borrow(carol, usdc(10_000)).unwrap();
    fx
}

#[test]
fn stale_negative_and_future_prices_block_borrow_and_withdraw_collateral() {
    let mut fx = borrower();
    let (carol, weth, eth_feed) = (fx.carol, fx.weth, fx.eth_feed);
    let updated = fx.net.timestamp();

    fx.net.advance_time(u64::from(HEARTBEAT) + 1);
    let before = fx.state();
    let stale = PriceStale {
        feed: eth_feed,
        updatedAt: U256::from(updated),
        heartbeat: U256::from(HEARTBEAT),
    };
    assert_revert(fx.borrow(carol, usdc(1)), &stale);
    assert_revert(fx.withdraw_collateral(carol, weth, U256::from(1)), &stale);
    assert_eq!(fx.state(), before);

    fx.refresh_prices();
    let answer = I256::try_from(-1i64).unwrap();
    fx.net
        .call(carol, eth_feed, &IMockAggregator::setAnswerCall { answer })
        .unwrap();
    let before = fx.state();
    let negative = PriceNotPositive {
        feed: eth_feed,
        answer,
    };
    assert_revert(fx.borrow(carol, usdc(1)), &negative);
    assert_revert(
        fx.withdraw_collateral(carol, weth, U256::from(1)),
        &negative,
    );
    assert_eq!(fx.state(), before);

    let now = fx.net.timestamp();
    let round = IMockAggregator::setRoundDataCall {
        roundId: alloy_primitives::aliases::U80::from(50),
        answer: I256::try_from(200_000_000_000_i64).unwrap(),
        startedAt: U256::from(now),
        updatedAt: U256::from(now + 100),
        answeredInRound: alloy_primitives::aliases::U80::from(50),
    };
    fx.net.call(carol, eth_feed, &round).unwrap();
    let before = fx.state();
    let future = PriceFromFuture {
        feed: eth_feed,
        updatedAt: U256::from(now + 100),
        now: U256::from(now),
    };
    assert_revert(fx.borrow(carol, usdc(1)), &future);
    assert_revert(fx.withdraw_collateral(carol, weth, U256::from(1)), &future);
    assert_eq!(fx.state(), before);

    // A valid round again: both work.
    fx.refresh_prices();
    fx.borrow(carol, usdc(1)).unwrap();
    fx.withdraw_collateral(carol, weth, U256::from(1)).unwrap();
}

#[test]
fn sequencer_down_and_grace_block_only_borrow_and_withdraw_collateral() {
    let mut fx = borrower();
    let (alice, carol, dave, liquidator, owner, weth, wbtc, sequencer) = (
        fx.alice,
        fx.carol,
        fx.dave,
        fx.liquidator,
        fx.owner,
        fx.weth,
        fx.wbtc,
        fx.sequencer,
    );
    let status = |down: bool, at: u64| IMockSequencerUptimeFeed::setStatusCall {
        isDown: down,
        startedAt: U256::from(at),
    };
    fx.net
        .call(owner, sequencer, &status(false, START - 100_000))
        .unwrap();
    fx.owner_call(&IKeelMarket::setSequencerFeedCall {
        feed: sequencer,
        gracePeriodSeconds: 3_600,
    })
    .unwrap();
    fx.borrow(carol, usdc(1)).unwrap();
    // dave will be liquidatable.
    fx.supply_collateral(dave, weth, units(10, 18));
    fx.borrow(dave, usdc(15_000)).unwrap();

    let now = fx.net.timestamp();
    fx.net.call(owner, sequencer, &status(true, now)).unwrap();
    let before = fx.state();
    assert_revert(fx.borrow(carol, usdc(1)), &SequencerDown {});
    assert_revert(
        fx.withdraw_collateral(carol, weth, U256::from(1)),
        &SequencerDown {},
    );
    assert_eq!(fx.state(), before);
    // Not blocked: repay, supply, supplyCollateral, collateral withdrawal without debt, liquidation.
    fx.call(
        carol,
        &IKeelMarket::repayCall {
            assets: usdc(100),
            onBehalf: carol,
        },
    )
    .unwrap();
    fx.supply(alice, usdc(10));
    fx.supply_collateral(carol, wbtc, U256::from(1));
    fx.supply_collateral(liquidator, weth, U256::from(5));
    fx.withdraw_collateral(liquidator, weth, U256::from(5))
        .unwrap();
    fx.set_eth_price(1_600);
    let l = IKeelMarket::liquidateCall {
        borrower: dave,
        token: weth,
        maxRepayAssets: U256::MAX,
        receiver: liquidator,
        data: Default::default(),
    };
    fx.call(liquidator, &l).unwrap();

    // Back up: the grace period still blocks.
    fx.set_eth_price(2_000);
    fx.net.advance_time(600);
    fx.refresh_prices();
    let up = fx.net.timestamp();
    fx.net.call(owner, sequencer, &status(false, up)).unwrap();
    let before = fx.state();
    let grace = SequencerGracePeriod {
        recoversAt: U256::from(up + 3_600),
    };
    assert_revert(fx.borrow(carol, usdc(1)), &grace);
    let e =
        expect_error::<SequencerGracePeriod, _>(fx.withdraw_collateral(carol, weth, U256::from(1)));
    assert_eq!(e, grace);
    assert_eq!(fx.state(), before);
    fx.call(
        carol,
        &IKeelMarket::repayCall {
            assets: usdc(100),
            onBehalf: carol,
        },
    )
    .unwrap();

    // Recovered.
    fx.advance(3_600);
    fx.borrow(carol, usdc(1)).unwrap();
    fx.withdraw_collateral(carol, weth, U256::from(1)).unwrap();

    // Down again: removing the feed lifts the check (slot 0's flag is cleared, slot 6 is no
    // longer read), setting it again restores it.
    let now = fx.net.timestamp();
    fx.net.call(owner, sequencer, &status(true, now)).unwrap();
    assert_revert(fx.borrow(carol, usdc(1)), &SequencerDown {});
    let set_feed = |feed| IKeelMarket::setSequencerFeedCall {
        feed,
        gracePeriodSeconds: 3_600,
    };
    fx.owner_call(&set_feed(Address::ZERO)).unwrap();
    fx.borrow(carol, usdc(1)).unwrap();
    fx.withdraw_collateral(carol, weth, U256::from(1)).unwrap();
    fx.owner_call(&set_feed(sequencer)).unwrap();
    assert_revert(fx.borrow(carol, usdc(1)), &SequencerDown {});
    assert_revert(
        fx.withdraw_collateral(carol, weth, U256::from(1)),
        &SequencerDown {},
    );
}

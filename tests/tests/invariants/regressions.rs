//! Explicit sequences, each run with every check of the property test: the
//! paths every run should cover, and every minimal sequence a failing run
//! has shrunk to.

use keel_tests::model::{RateModel, Role, MAX_BORROW_RATE_PER_SECOND};

use crate::ops::{Amount, Change, Op};
use crate::run_sequence;

const ALICE: usize = 0;
const CAROL: usize = 2;
const LIQUIDATOR: usize = 4;
const WETH: usize = 0;

fn run(ops: &[Op]) {
    if let Err(error) = run_sequence(ops) {
        panic!("{error}");
    }
}

/// Alice lends, carol borrows at her limit against WETH.
fn carol_at_her_limit() -> Vec<Op> {
    vec![
        Op::Supply {
            caller: ALICE,
            on_behalf: ALICE,
            amount: Amount::Fraction(500_000),
        },
        Op::SupplyCollateral {
            caller: CAROL,
            on_behalf: CAROL,
            collateral: WETH,
            amount: Amount::Fraction(10_000),
        },
        Op::Borrow {
            caller: CAROL,
            on_behalf: CAROL,
            receiver: CAROL,
            amount: Amount::All,
        },
    ]
}

#[test]
fn a_crash_is_liquidated_and_the_bad_debt_written_off() {
    let mut ops = carol_at_her_limit();
    ops.extend([
        Op::AdvanceTime { seconds: 86_400 },
        Op::MovePrice {
            feed: 0,
            permille: 900,
        },
        Op::Liquidate {
            caller: LIQUIDATOR,
            borrower: Some(CAROL),
            collateral: Some(WETH),
            amount: Amount::Fraction(200_000),
            receiver: LIQUIDATOR,
        },
        Op::MovePrice {
            feed: 0,
            permille: 100,
        },
        Op::Liquidate {
            caller: LIQUIDATOR,
            borrower: Some(CAROL),
            collateral: Some(WETH),
            amount: Amount::Max,
            receiver: LIQUIDATOR,
        },
        Op::Admin {
            role: Role::Owner,
            change: Change::WithdrawReserves {
                collateral: Some(WETH),
                amount: Amount::All,
            },
        },
    ]);
    run(&ops);
}

#[test]
fn a_month_of_interest_then_everyone_exits_by_round_trips_and_maxima() {
    let mut ops = carol_at_her_limit();
    ops.extend([
        Op::AdvanceTime {
            seconds: 30 * 86_400,
        },
        Op::Repay {
            caller: CAROL,
            on_behalf: CAROL,
            amount: Amount::Max,
            by_shares: false,
        },
        Op::WithdrawCollateral {
            caller: CAROL,
            on_behalf: CAROL,
            receiver: CAROL,
            collateral: WETH,
            amount: Amount::All,
        },
        Op::Withdraw {
            caller: ALICE,
            on_behalf: ALICE,
            receiver: ALICE,
            amount: Amount::All,
            by_shares: true,
        },
        Op::Admin {
            role: Role::Owner,
            change: Change::WithdrawReserves {
                collateral: None,
                amount: Amount::All,
            },
        },
    ]);
    run(&ops);
}

/// Issue 13: at the highest rate (1,000% APR at every utilisation), a market
/// left untouched for 1, 10, 100 and 1,000 years still works, and after
/// every step the model and the twelve invariants hold, invariant 10's probe
/// (the rescuer repays every debt with `type(uint256).max`, every supplier
/// withdraws all that liquidity allows) included. After 10 years one borrow
/// share is worth more than the liquidator's 10M USDC, so its liquidation
/// fails for want of funds, as the model predicts (tests/tests/market/idle.rs
/// liquidates with a funded liquidator).
#[test]
fn centuries_untouched_at_the_highest_rate_keep_every_exit_open() {
    const DAVE: usize = 3;
    const YEAR: u64 = keel_tests::model::SECONDS_PER_YEAR;
    for years in [1, 10, 100, 1_000] {
        let mut ops = vec![Op::Admin {
            role: Role::Owner,
            change: Change::RateModel(RateModel {
                base: MAX_BORROW_RATE_PER_SECOND,
                slope_below: 0,
                slope_above: 0,
                optimal: 800_000_000_000_000_000,
            }),
        }];
        ops.extend(carol_at_her_limit());
        ops.extend([
            Op::SupplyCollateral {
                caller: DAVE,
                on_behalf: DAVE,
                collateral: WETH,
                amount: Amount::Fraction(1_000),
            },
            Op::Borrow {
                caller: DAVE,
                on_behalf: DAVE,
                receiver: DAVE,
                amount: Amount::Fraction(500_000),
            },
            Op::AdvanceTime {
                seconds: years * YEAR,
            },
            Op::Liquidate {
                caller: LIQUIDATOR,
                borrower: Some(CAROL),
                collateral: Some(WETH),
                amount: Amount::Max,
                receiver: LIQUIDATOR,
            },
            Op::Repay {
                caller: DAVE,
                on_behalf: DAVE,
                amount: Amount::Fraction(1_000),
                by_shares: false,
            },
            Op::AccrueInterest { caller: ALICE },
            Op::AdvanceTime { seconds: YEAR },
            Op::Withdraw {
                caller: ALICE,
                on_behalf: ALICE,
                receiver: ALICE,
                amount: Amount::Fraction(1_000),
                by_shares: true,
            },
        ]);
        if let Err(error) = run_sequence(&ops) {
            panic!("{years} years: {error}");
        }
    }
}

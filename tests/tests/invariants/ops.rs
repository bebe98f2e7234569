//! The operations a sequence is made of, and their generators.
//!
//! Amounts are drawn relative to the state they meet ([`Amount`]): a share of
//! the caller's balance, of a debt, of the borrowing headroom, ... so that
//! random sequences reach deep states instead of reverting on arbitrary
//! numbers, while zero, dust, exact maxima, one past them, `2^128` and
//! `type(uint256).max` still come up.

use alloy_primitives::U256;
use keel_tests::model::{
    big, to_u256, Actor, RateModel, Risk, Role, MAX_BORROW_RATE_PER_SECOND, SECONDS_PER_YEAR,
};
use num_bigint::BigUint;
use proptest::prelude::*;

/// Accounts the generated operations use: alice, bob, carol, dave, the
/// liquidator and the stranger. (The rescuer, the last account, only pays
/// debts in the exit probes of invariant 10.)
pub const ACTORS: usize = 6;

/// `Amount::Fraction` is in parts per million.
const MILLION: u32 = 1_000_000;

/// An amount, relative to a reference the operation defines (a balance, a
/// debt, a headroom, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    /// 0.
    Zero,
    /// A few smallest units (up to ten million).
    Dust(u32),
    /// `reference * ppm / 1_000_000`, rounded down.
    Fraction(u32),
    /// Exactly the reference.
    All,
    /// The reference plus one unit.
    AllPlusOne,
    /// `2^128`: the first amount storage cannot hold.
    AboveU128,
    /// `type(uint256).max`.
    Max,
}

impl Amount {
    /// The amount for `reference`, as the ABI takes it.
    pub fn resolve(self, reference: &BigUint) -> U256 {
        let amount = match self {
            Amount::Zero => BigUint::ZERO,
            Amount::Dust(units) => BigUint::from(units),
            Amount::Fraction(ppm) => reference * ppm / MILLION,
            Amount::All => reference.clone(),
            Amount::AllPlusOne => reference + 1u32,
            Amount::AboveU128 => big(U256::from(u128::MAX)) + 1u32,
            Amount::Max => return U256::MAX,
        };
        to_u256(&amount).unwrap_or(U256::MAX)
    }
}

/// A price feed of the fixture, by index in the model: ETH/USDC, BTC/USD,
/// USDC/USD.
pub const FEEDS: usize = 3;

/// Two legs in one block that must not pay out more than went in
/// (invariant 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundTrip {
    /// `supply`, then `withdrawShares` of the shares minted.
    SupplyThenWithdrawShares,
    /// `supply(a)`, then `withdraw(a)`.
    SupplyThenWithdrawAssets,
    /// `borrow`, then `repayShares` of the shares booked.
    BorrowThenRepayShares,
    /// `borrow(a)`, then `repay(a)`.
    BorrowThenRepayAssets,
    /// `supplyCollateral(a)`, then `withdrawCollateral(a)` of collateral `i`.
    Collateral(usize),
}

/// A parameter change, pause or reserves withdrawal by [`Op::Admin`]'s role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// `setPaused(action, paused)`; action 5 is out of bounds.
    Pause { action: u8, paused: bool },
    /// `setLiquidationPaused(paused)`.
    LiquidationPause { paused: bool },
    /// `setLiquidationGracePeriod(seconds)`.
    GracePeriod { seconds: u32 },
    /// `setRateModel`.
    RateModel(RateModel),
    /// `setReserveFactor`.
    ReserveFactor(u64),
    /// `setCaps`, relative to twice the current totals.
    Caps { supply: Amount, borrow: Amount },
    /// `setLiquidationParams`.
    LiquidationParams {
        close_factor: u64,
        full_liquidation_hf: u64,
        fee: u64,
        min_partial_value: u64,
        dust: u64,
    },
    /// `setCollateralRisk`.
    CollateralRisk { collateral: usize, risk: Risk },
    /// `setCollateralCap`, relative to twice the current total.
    CollateralCap { collateral: usize, cap: Amount },
    /// `withdrawReserves` of the base asset (`None`) or a collateral's fees,
    /// relative to those reserves, to the treasury.
    WithdrawReserves {
        collateral: Option<usize>,
        amount: Amount,
    },
}

/// One step of a sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Relative to the caller's base balance.
    Supply {
        caller: Actor,
        on_behalf: Actor,
        amount: Amount,
    },
    /// Relative to `on_behalf`'s supply assets or shares.
    Withdraw {
        caller: Actor,
        on_behalf: Actor,
        receiver: Actor,
        amount: Amount,
        by_shares: bool,
    },
    /// Relative to the caller's token balance.
    SupplyCollateral {
        caller: Actor,
        on_behalf: Actor,
        collateral: usize,
        amount: Amount,
    },
    /// Relative to `on_behalf`'s collateral balance.
    WithdrawCollateral {
        caller: Actor,
        on_behalf: Actor,
        receiver: Actor,
        collateral: usize,
        amount: Amount,
    },
    /// Relative to `on_behalf`'s headroom: `min(liquidity, borrowPower - debt)`.
    Borrow {
        caller: Actor,
        on_behalf: Actor,
        receiver: Actor,
        amount: Amount,
    },
    /// Relative to `on_behalf`'s debt or borrow shares.
    Repay {
        caller: Actor,
        on_behalf: Actor,
        amount: Amount,
        by_shares: bool,
    },
    /// Relative to the borrower's debt. No borrower: the account with the
    /// lowest health factor now; no collateral: the borrower's most valuable.
    Liquidate {
        caller: Actor,
        borrower: Option<Actor>,
        collateral: Option<usize>,
        amount: Amount,
        receiver: Actor,
    },
    /// Both legs by `actor`, relative as their first leg.
    RoundTrip {
        actor: Actor,
        kind: RoundTrip,
        amount: Amount,
    },
    /// `setOperator(operator, approved)` from `caller`.
    SetOperator {
        caller: Actor,
        operator: Actor,
        approved: bool,
    },
    /// `accrueInterest()`.
    AccrueInterest { caller: Actor },
    /// A feed's new answer: `permille` of the old one (crashes to recoveries).
    MovePrice { feed: usize, permille: u32 },
    /// Time passes; every feed publishes a fresh round at its answer.
    AdvanceTime { seconds: u64 },
    /// An administrative call.
    Admin { role: Role, change: Change },
}

/// Alice and bob, who lend.
const LENDERS: &[Actor] = &[0, 1];
/// Carol and dave, who borrow.
const BORROWERS: &[Actor] = &[2, 3];
/// The liquidator.
const LIQUIDATORS: &[Actor] = &[4];

fn actor() -> impl Strategy<Value = Actor> {
    0..ACTORS
}

/// An account of the role three times in four, anybody otherwise: roles make
/// sequences reach borrowing and liquidation; anybody keeps every pairing
/// possible (lenders borrowing, self-liquidation, the stranger).
fn one_of(role: &'static [Actor]) -> impl Strategy<Value = Actor> {
    prop_oneof![3 => prop::sample::select(role), 1 => actor()]
}

/// `(caller, account)` for a role: the caller's own account four times in five.
fn caller_and_account(role: &'static [Actor]) -> impl Strategy<Value = (Actor, Actor)> {
    (one_of(role), one_of(role), prop::bool::weighted(0.8))
        .prop_map(|(caller, other, own)| (caller, if own { caller } else { other }))
}

/// A receiver: the caller nine times in ten.
fn receiver_for(caller: Actor) -> impl Strategy<Value = Actor> {
    prop_oneof![9 => Just(caller), 1 => actor()]
}

/// A `u32` in `[min, max]` whose bit length is uniform: small values are as
/// common as large ones, so positions range from dust to whales.
fn log_uniform(min: u32, max: u32) -> impl Strategy<Value = u32> {
    (0..=u32::BITS, any::<u32>()).prop_map(move |(bits, value)| {
        value
            .checked_shr(u32::BITS - bits)
            .unwrap_or(0)
            .clamp(min, max)
    })
}

/// A fraction of the reference between `min` and `max` parts per million,
/// log-uniform.
fn fraction(min: u32, max: u32) -> impl Strategy<Value = Amount> {
    log_uniform(min, max).prop_map(Amount::Fraction)
}

/// Amounts, mostly a fraction of the reference.
pub fn amount() -> impl Strategy<Value = Amount> {
    prop_oneof![
        2 => Just(Amount::Zero),
        4 => log_uniform(1, 10_000_000).prop_map(Amount::Dust),
        30 => fraction(1, MILLION),
        6 => Just(Amount::All),
        3 => Just(Amount::AllPlusOne),
        1 => Just(Amount::AboveU128),
        3 => Just(Amount::Max),
    ]
}

/// Amounts biased to the top of the reference: borrowing near the limit makes
/// positions liquidatable, liquidating near the maximum reaches the close
/// factor and dust rules.
fn bold_amount() -> impl Strategy<Value = Amount> {
    prop_oneof![2 => amount(), 1 => fraction(700_000, MILLION)]
}

fn collateral() -> impl Strategy<Value = usize> {
    0..2usize
}

/// A price move in per mille: crashes, dips (small ones walk positions into
/// the close factor's band just below a health factor of 1), rises,
/// recoveries; the base asset's own feed moves little.
fn price_move() -> impl Strategy<Value = (usize, u32)> {
    let swing = prop_oneof![
        3 => 50u32..=600,
        6 => 900u32..=999,
        2 => 1_001u32..=1_250,
        2 => 1_500u32..=4_000,
    ];
    prop_oneof![
        5 => (0..2usize, swing),
        1 => (Just(2usize), 900u32..=1_100),
    ]
}

/// Time jumps: seconds to a month, and rarely (one in twenty) a market left
/// untouched for up to a thousand years, where accrual at high rates
/// saturates (keel-debt's `MAX_ACCRUED_TOTAL`).
fn seconds() -> impl Strategy<Value = u64> {
    const MONTH: u64 = 30 * 86_400;
    const MILLENNIUM: u64 = 1_000 * SECONDS_PER_YEAR;
    prop_oneof![
        6 => 1u64..=60,
        8 => 61u64..=86_400,
        5 => 86_401u64..=MONTH,
        1 => MONTH + 1..=MILLENNIUM,
    ]
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![17 => Just(Role::Owner), 2 => Just(Role::Guardian), 1 => Just(Role::Other)]
}

const PERCENT: u64 = 10_000_000_000_000_000;

/// Rate models, valid but for a tenth of the kinks and some over the cap.
fn rate_model() -> impl Strategy<Value = RateModel> {
    let out_of_bounds = prop::sample::select(vec![0, 995 * PERCENT / 10, 100 * PERCENT]);
    let optimal = prop_oneof![9 => PERCENT..=99 * PERCENT, 1 => out_of_bounds];
    (
        0..=2_000_000_000u64,
        0..=10_000_000_000u64,
        0..=MAX_BORROW_RATE_PER_SECOND,
        optimal,
    )
        .prop_map(|(base, slope_below, slope_above, optimal)| RateModel {
            base,
            slope_below,
            slope_above,
            optimal,
        })
}

/// Risk parameters around the valid region (`LTV < LT`, `LT (1 + bonus) < 1`,
/// `0 < bonus <= 20%`), some just outside it.
fn risk() -> impl Strategy<Value = Risk> {
    (
        30 * PERCENT..=95 * PERCENT,
        0..=30 * PERCENT,
        prop_oneof![1 => Just(0), 9 => 1..=22 * PERCENT],
        prop::bool::weighted(0.05),
    )
        .prop_map(|(liquidation_threshold, gap, bonus, at_threshold)| Risk {
            ltv: if at_threshold {
                liquidation_threshold
            } else {
                liquidation_threshold.saturating_sub(gap.max(1))
            },
            liquidation_threshold,
            bonus,
        })
}

fn liquidation_params() -> impl Strategy<Value = Change> {
    let usdc = 1_000_000u64;
    let factors = (0..=105 * PERCENT, 0..=105 * PERCENT, 0..=55 * PERCENT);
    let values = (0..=2_000 * usdc, 0..=200 * usdc);
    (factors, values).prop_map(
        |((close_factor, full_liquidation_hf, fee), (min_partial_value, dust))| {
            Change::LiquidationParams {
                close_factor,
                full_liquidation_hf,
                fee,
                min_partial_value,
                dust,
            }
        },
    )
}

fn change() -> impl Strategy<Value = Change> {
    let pause = (0u8..=5, prop::bool::weighted(0.6))
        .prop_map(|(action, paused)| Change::Pause { action, paused });
    let caps = (amount(), amount()).prop_map(|(supply, borrow)| Change::Caps { supply, borrow });
    let risk = (collateral(), risk())
        .prop_map(|(collateral, risk)| Change::CollateralRisk { collateral, risk });
    let cap = (collateral(), amount())
        .prop_map(|(collateral, cap)| Change::CollateralCap { collateral, cap });
    let reserves = (prop::option::of(collateral()), amount())
        .prop_map(|(collateral, amount)| Change::WithdrawReserves { collateral, amount });
    prop_oneof![
        4 => pause,
        2 => any::<bool>().prop_map(|paused| Change::LiquidationPause { paused }),
        1 => (0u32..=90_000).prop_map(|seconds| Change::GracePeriod { seconds }),
        2 => rate_model().prop_map(Change::RateModel),
        1 => (0u64..=60 * PERCENT).prop_map(Change::ReserveFactor),
        2 => caps,
        2 => liquidation_params(),
        2 => risk,
        1 => cap,
        2 => reserves,
    ]
}

fn supply() -> impl Strategy<Value = Op> {
    (caller_and_account(LENDERS), amount()).prop_map(|((caller, on_behalf), amount)| Op::Supply {
        caller,
        on_behalf,
        amount,
    })
}

fn withdraw() -> impl Strategy<Value = Op> {
    (caller_and_account(LENDERS), amount(), any::<bool>()).prop_flat_map(
        |((caller, on_behalf), amount, by_shares)| {
            receiver_for(caller).prop_map(move |receiver| Op::Withdraw {
                caller,
                on_behalf,
                receiver,
                amount,
                by_shares,
            })
        },
    )
}

fn supply_collateral() -> impl Strategy<Value = Op> {
    (caller_and_account(BORROWERS), collateral(), amount()).prop_map(
        |((caller, on_behalf), collateral, amount)| Op::SupplyCollateral {
            caller,
            on_behalf,
            collateral,
            amount,
        },
    )
}

fn withdraw_collateral() -> impl Strategy<Value = Op> {
    (caller_and_account(BORROWERS), collateral(), amount()).prop_flat_map(
        |((caller, on_behalf), collateral, amount)| {
            receiver_for(caller).prop_map(move |receiver| Op::WithdrawCollateral {
                caller,
                on_behalf,
                receiver,
                collateral,
                amount,
            })
        },
    )
}

fn borrow() -> impl Strategy<Value = Op> {
    (caller_and_account(BORROWERS), bold_amount()).prop_flat_map(|((caller, on_behalf), amount)| {
        receiver_for(caller).prop_map(move |receiver| Op::Borrow {
            caller,
            on_behalf,
            receiver,
            amount,
        })
    })
}

fn repay() -> impl Strategy<Value = Op> {
    (caller_and_account(BORROWERS), amount(), any::<bool>()).prop_map(
        |((caller, on_behalf), amount, by_shares)| Op::Repay {
            caller,
            on_behalf,
            amount,
            by_shares,
        },
    )
}

fn liquidate() -> impl Strategy<Value = Op> {
    let target = (
        prop::option::of(one_of(BORROWERS)),
        prop::option::of(collateral()),
    );
    (one_of(LIQUIDATORS), target, bold_amount()).prop_flat_map(
        |(caller, (borrower, collateral), amount)| {
            receiver_for(caller).prop_map(move |receiver| Op::Liquidate {
                caller,
                borrower,
                collateral,
                amount,
                receiver,
            })
        },
    )
}

fn set_operator() -> impl Strategy<Value = Op> {
    (actor(), actor(), prop::bool::weighted(0.7)).prop_map(|(caller, operator, approved)| {
        Op::SetOperator {
            caller,
            operator,
            approved,
        }
    })
}

/// One operation, weighted towards lending, borrowing, price moves and
/// liquidations.
pub fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => supply(),
        6 => withdraw(),
        10 => supply_collateral(),
        5 => withdraw_collateral(),
        12 => borrow(),
        6 => repay(),
        10 => liquidate(),
        4 => round_trip(),
        2 => set_operator(),
        2 => actor().prop_map(|caller| Op::AccrueInterest { caller }),
        12 => price_move().prop_map(|(feed, permille)| Op::MovePrice { feed, permille }),
        8 => seconds().prop_map(|seconds| Op::AdvanceTime { seconds }),
        6 => (role(), change()).prop_map(|(role, change)| Op::Admin { role, change }),
    ]
}

fn round_trip() -> impl Strategy<Value = Op> {
    (actor(), round_trip_kind(), amount()).prop_map(|(actor, kind, amount)| Op::RoundTrip {
        actor,
        kind,
        amount,
    })
}

fn round_trip_kind() -> impl Strategy<Value = RoundTrip> {
    prop_oneof![
        Just(RoundTrip::SupplyThenWithdrawShares),
        Just(RoundTrip::SupplyThenWithdrawAssets),
        Just(RoundTrip::BorrowThenRepayShares),
        Just(RoundTrip::BorrowThenRepayAssets),
        collateral().prop_map(RoundTrip::Collateral),
    ]
}

/// An opening that puts the market to work: lenders supply, borrowers post
/// both collaterals and borrow, mostly close to their limit. Each of its steps is optional, and
/// shrinks to absent, so a minimal failing sequence keeps only those it needs.
fn opening() -> impl Strategy<Value = Vec<Op>> {
    let supply = |caller| {
        fraction(10_000, MILLION).prop_map(move |amount| Op::Supply {
            caller,
            on_behalf: caller,
            amount,
        })
    };
    let post = |caller, collateral| {
        fraction(10, MILLION).prop_map(move |amount| Op::SupplyCollateral {
            caller,
            on_behalf: caller,
            collateral,
            amount,
        })
    };
    let near_the_limit =
        prop_oneof![1 => Just(Amount::All), 2 => fraction(900_000, MILLION), 1 => amount()];
    let borrow = |caller| {
        near_the_limit.clone().prop_map(move |amount| Op::Borrow {
            caller,
            on_behalf: caller,
            receiver: caller,
            amount,
        })
    };
    let steps = [
        supply(LENDERS[0]).boxed(),
        supply(LENDERS[1]).boxed(),
        post(BORROWERS[0], 0).boxed(),
        post(BORROWERS[0], 1).boxed(),
        post(BORROWERS[1], 0).boxed(),
        post(BORROWERS[1], 1).boxed(),
        borrow(BORROWERS[0]).boxed(),
        borrow(BORROWERS[1]).boxed(),
    ];
    steps
        .map(|step| prop::option::weighted(0.9, step))
        .prop_map(|steps| steps.into_iter().flatten().collect())
}

/// Steps in [`opening`].
const OPENING_STEPS: usize = 8;

/// Sequences of `max_steps` operations: four times in five an opening and
/// the rest at random, otherwise all at random (the empty market's edges).
/// Every step is optional and shrinks to absent, so a failing sequence
/// shrinks to the steps it needs.
pub fn sequence(max_steps: usize) -> impl Strategy<Value = Vec<Op>> {
    let random = |steps: usize| {
        prop::collection::vec(prop::option::weighted(0.95, op()), steps)
            .prop_map(|steps| steps.into_iter().flatten().collect::<Vec<_>>())
    };
    let opened = (opening(), random(max_steps.saturating_sub(OPENING_STEPS)))
        .prop_map(|(opening, body)| opening.into_iter().chain(body).collect());
    prop_oneof![1 => random(max_steps), 4 => opened]
}

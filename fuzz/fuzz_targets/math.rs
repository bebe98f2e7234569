//! keel-math against an unbounded-integer reference: `mul_div` rounded down
//! and up, the four share conversions with their virtual offsets (and that a
//! round trip never pays out more than went in), and per-second compounding
//! (equal to the documented algorithm, saturating at its cap, within its
//! documented bounds of the exact `(1 + r)^t`). Any input: an error must be the documented one, and
//! nothing may panic.
#![no_main]

use keel_fuzz::{big, u256};
use keel_math::{
    compounded_interest_wad, mul_div_down, mul_div_up, to_assets_down, to_assets_up,
    to_shares_down, to_shares_up, MathError, U256,
};
use keel_tests::model::{div_up, growth_wad_down, Pool};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use num_bigint::BigUint;

fuzz_target!(|data: &[u8]| {
    // Running out of bytes ends the case; every check ran on full inputs.
    let _ = run(&mut Unstructured::new(data));
});

fn run(u: &mut Unstructured) -> Result<()> {
    let (x, y, d) = (u256(u)?, u256(u)?, u256(u)?);
    check_mul_div(x, y, d);
    check_shares(x, y, d);
    check_compounding(u.arbitrary()?, u.arbitrary()?, u256(u)?);
    Ok(())
}

/// The result as a `U256`, or the overflow error when it does not fit.
fn fitting(exact: BigUint) -> core::result::Result<U256, MathError> {
    U256::try_from_le_slice(&exact.to_bytes_le()).ok_or(MathError::Overflow)
}

fn check_mul_div(x: U256, y: U256, d: U256) {
    let (down, up) = (mul_div_down(x, y, d), mul_div_up(x, y, d));
    if d.is_zero() {
        assert_eq!(
            (down, up),
            (
                Err(MathError::DivisionByZero),
                Err(MathError::DivisionByZero)
            )
        );
        return;
    }
    let product = big(x) * big(y);
    assert_eq!(
        down,
        fitting(&product / big(d)),
        "mul_div_down({x}, {y}, {d})"
    );
    assert_eq!(
        up,
        fitting(div_up(&product, &big(d))),
        "mul_div_up({x}, {y}, {d})"
    );
}

/// `amount` converted in a pool of `total_assets` and `total_shares`.
fn check_shares(amount: U256, total_assets: U256, total_shares: U256) {
    let offsets_fit = total_assets < U256::MAX && total_shares <= U256::MAX - U256::from(1_000_000);
    let pool = Pool {
        assets: big(total_assets),
        shares: big(total_shares),
    };
    let expect = |exact: BigUint| {
        if offsets_fit {
            fitting(exact)
        } else {
            Err(MathError::Overflow)
        }
    };
    let a = big(amount);
    let (assets, shares) = (total_assets, total_shares);
    assert_eq!(
        to_shares_down(amount, assets, shares),
        expect(pool.to_shares_down(&a))
    );
    assert_eq!(
        to_shares_up(amount, assets, shares),
        expect(pool.to_shares_up(&a))
    );
    assert_eq!(
        to_assets_down(amount, assets, shares),
        expect(pool.to_assets_down(&a))
    );
    assert_eq!(
        to_assets_up(amount, assets, shares),
        expect(pool.to_assets_up(&a))
    );
    check_round_trips(amount, total_assets, total_shares);
}

/// In one pool, conversions back and forth never favour the caller:
/// supplying `a` and withdrawing its shares pays out at most `a`; borrowing
/// `a` books shares owing at least `a`; repaying `a` burns shares costing at
/// most `a`.
fn check_round_trips(a: U256, total_assets: U256, total_shares: U256) {
    let (assets, shares) = (total_assets, total_shares);
    if let Ok(minted) = to_shares_down(a, assets, shares) {
        if let Ok(paid) = to_assets_down(minted, assets, shares) {
            assert!(paid <= a, "supplying {a} and withdrawing pays {paid}");
        }
        if let Ok(cost) = to_assets_up(minted, assets, shares) {
            assert!(cost <= a, "repaying {a} burns shares costing {cost}");
        }
    }
    if let Ok(booked) = to_shares_up(a, assets, shares) {
        if let Ok(owed) = to_assets_up(booked, assets, shares) {
            assert!(owed >= a, "borrowing {a} books a debt of {owed}");
        }
    }
}

/// Equal to the documented algorithm (the model's replica, which also checks
/// uncapped results against the exact power) for any rate, time and cap; an
/// error only when the rate itself overflows the base.
fn check_compounding(rate_per_second: u64, elapsed_seconds: u64, cap: U256) {
    let result = compounded_interest_wad(U256::from(rate_per_second), elapsed_seconds, cap);
    let replica = growth_wad_down(&BigUint::from(rate_per_second), elapsed_seconds, &big(cap));
    match result {
        Ok(growth) => assert_eq!(big(growth), replica),
        Err(error) => {
            panic!("{rate_per_second}/s over {elapsed_seconds}s capped at {cap}: {error:?}, replica {replica}")
        }
    }
}

//! `compounded_interest_wad` against the exact exponential, its monotonicity and its cap.

use keel_math::{compounded_interest_wad, U256, WAD};
use num_bigint::BigUint;
use proptest::prelude::*;

use crate::model::{big, check_non_decreasing, exp_scale, exp_scaled_bounds};
use crate::strategies::{config, ordered_pair, u256};

const SECONDS_PER_YEAR: u64 = 31_536_000;
const TEN_YEARS: u64 = 10 * SECONDS_PER_YEAR;
/// Elapsed times up to which compounding is documented to be non-decreasing in time.
const MONOTONE_UP_TO_SECONDS: u64 = 1_000_000_000;
/// 1,000% APR as a per-second WAD rate (10e18 / seconds per year).
const RATE_1000_PERCENT_APR: u64 = 317_097_919_837;

/// A `u64` in `[min, max]` with a uniformly drawn bit length, so that tiny values are common.
fn log_uniform_u64(min: u64, max: u64) -> impl Strategy<Value = u64> {
    (0..=u64::BITS, any::<u64>()).prop_map(move |(bits, value)| {
        value
            .checked_shr(u64::BITS - bits)
            .unwrap_or(0)
            .clamp(min, max)
    })
}

/// Per-second rates from 0 to 1,000% APR.
fn rate() -> impl Strategy<Value = u64> {
    prop_oneof![
        0..=RATE_1000_PERCENT_APR,
        log_uniform_u64(0, RATE_1000_PERCENT_APR)
    ]
}

/// Elapsed times from 1 second to `max` seconds.
fn elapsed_up_to(max: u64) -> impl Strategy<Value = u64> {
    prop_oneof![1..=max, log_uniform_u64(1, max)]
}

/// The exact growth and the result for one case, all in units of `2^-256` wei so that every
/// quantity is an integer: bounds on `e^(r t) - 1` and on `e^(r t)`, and the result.
struct Comparison {
    interest_lower: BigUint,
    interest_upper: BigUint,
    growth_lower: BigUint,
    growth_upper: BigUint,
    result: BigUint,
}

fn compare(rate: u64, elapsed: u64) -> Result<Comparison, TestCaseError> {
    let result = compounded_interest_wad(U256::from(rate), elapsed, U256::MAX);
    prop_assert!(
        result.is_ok(),
        "{result:?} for rate {rate}, elapsed {elapsed}"
    );
    let wad = big(WAD);
    let (lower, upper) = exp_scaled_bounds(&(BigUint::from(rate) * elapsed), &wad);
    let one = exp_scale() * &wad;
    let (growth_lower, growth_upper) = (lower * &wad, upper * &wad);
    Ok(Comparison {
        interest_lower: &growth_lower - &one,
        interest_upper: &growth_upper - &one,
        growth_lower,
        growth_upper,
        result: big(result.unwrap_or_default()) * exp_scale(),
    })
}

proptest! {
    #![proptest_config(config())]

    /// The documented bound, with `g` the result and `r`, `t` as reals:
    /// `e^(rt) - 1 - e^(rt) (t r^2 / 2 + t 2^-95) - 1e-18 <= g <= e^(rt) - 1`.
    #[test]
    fn compounding_is_within_the_documented_bound_of_the_exponential(r in rate(), t in elapsed_up_to(TEN_YEARS)) {
        let case = compare(r, t)?;
        prop_assert!(case.result <= case.interest_lower, "result above e^(rt) - 1");
        let shortfall_upper = case.interest_upper - case.result;
        // With r and t the integers, times 2e36 * 2^95 and in the same units:
        // e^(rt) (t r^2 2^95 + 2e36 t) + 2e36 2^95 wei.
        let (r, t, wad) = (BigUint::from(r), BigUint::from(t), big(WAD));
        let two_95 = BigUint::from(1u32) << 95u32;
        let two_e36 = &wad * &wad * 2u32;
        let per_second = &t * &r * &r * &two_95 + &two_e36 * &t;
        let one_wei = exp_scale() * &two_e36 * &two_95;
        prop_assert!(
            &shortfall_upper * &two_e36 * &two_95 <= case.growth_upper * per_second + one_wei,
            "shortfall above the bound"
        );
    }

    /// Accruing `t1` then `t2` (10 years in all) gives the growth of accruing `t1 + t2`, up
    /// to rounding:
    /// `|(1 + g(t1)) (1 + g(t2)) - (1 + g(t1 + t2))|` is at most
    /// `2 (1 + g(t1 + t2)) (t1 + t2) 2^-95 + (1 + g(t1)) + (1 + g(t2)) + 5` wei (the base's
    /// conversion and the floors of each chain, the floors of each final WAD value and of the
    /// product).
    #[test]
    fn accrual_frequency_changes_growth_only_by_rounding(r in rate(), t1 in elapsed_up_to(TEN_YEARS / 2), t2 in elapsed_up_to(TEN_YEARS / 2)) {
        let growth = |t| {
            compounded_interest_wad(U256::from(r), t, U256::MAX).map(|g| big(g) + big(WAD))
        };
        let (a, b, c) = (growth(t1), growth(t2), growth(t1 + t2));
        prop_assert!(a.is_ok() && b.is_ok() && c.is_ok());
        let (a, b, c) = (a.unwrap_or_default(), b.unwrap_or_default(), c.unwrap_or_default());
        let wad = big(WAD);
        let product = &a * &b / &wad;
        let difference = if product > c { &product - &c } else { &c - &product };
        let tolerance = ((&c * 2u32 * (t1 + t2)) >> 95u32) + (&a + &b) / &wad + 5u32;
        prop_assert!(difference <= tolerance, "{} > {}", difference, tolerance);
    }

    /// Never a panic, only `Overflow` as an error, and a higher rate never accrues less.
    #[test]
    fn compounding_is_non_decreasing_in_the_rate((r, r_larger) in ordered_pair(u256()), t in any::<u64>()) {
        check_non_decreasing(compounded_interest_wad(r, t, U256::MAX), compounded_interest_wad(r_larger, t, U256::MAX))?;
    }

    /// A longer time never accrues less, for any rate, up to the documented 1e9 seconds.
    #[test]
    fn compounding_is_non_decreasing_in_time(
        r in u256(),
        t in log_uniform_u64(0, MONOTONE_UP_TO_SECONDS),
        extra in log_uniform_u64(0, MONOTONE_UP_TO_SECONDS),
    ) {
        let t_larger = t.saturating_add(extra).min(MONOTONE_UP_TO_SECONDS);
        check_non_decreasing(compounded_interest_wad(r, t, U256::MAX), compounded_interest_wad(r, t_larger, U256::MAX))?;
    }
}

proptest! {
    #![proptest_config(config())]

    /// The cap only saturates: the result is `min(uncapped, cap)` for any rate up to 1,000%
    /// APR, any elapsed time (centuries included) and any cap, and it never errs.
    #[test]
    fn the_cap_saturates_and_nothing_else_changes(
        r in rate(),
        t in any::<u64>(),
        cap in u256(),
    ) {
        let capped = compounded_interest_wad(U256::from(r), t, cap);
        let uncapped = compounded_interest_wad(U256::from(r), t, U256::MAX);
        prop_assert!(capped.is_ok() && uncapped.is_ok(), "{capped:?} {uncapped:?}");
        prop_assert_eq!(capped.unwrap_or_default(), uncapped.unwrap_or_default().min(cap));
    }

    /// A larger cap never gives less.
    #[test]
    fn compounding_is_non_decreasing_in_the_cap(r in rate(), t in any::<u64>(), (cap, cap_larger) in ordered_pair(u256())) {
        check_non_decreasing(
            compounded_interest_wad(U256::from(r), t, cap),
            compounded_interest_wad(U256::from(r), t, cap_larger),
        )?;
    }
}

/// The relative figures quoted in the documentation of `compounded_interest_wad`.
#[test]
fn quoted_relative_shortfalls_hold() {
    let rate_10_percent_apr = 3_170_979_198; // 0.1e18 / seconds per year
                                             // (rate, elapsed, shortfall / e^(rt) below numerator / denominator)
    let quoted = [
        (RATE_1000_PERCENT_APR, TEN_YEARS, 16_u64, 1_000_000_u64),
        (rate_10_percent_apr, SECONDS_PER_YEAR, 16, 100_000_000_000),
    ];
    for (rate, elapsed, numerator, denominator) in quoted {
        let case = compare(rate, elapsed).unwrap();
        let shortfall_upper = case.interest_upper - case.result;
        assert!(
            shortfall_upper * denominator <= case.growth_lower * numerator,
            "rate {rate}, elapsed {elapsed}"
        );
    }
}

//! Property tests of keel-oracle's pure core against independent models: price composition
//! against exact big-integer rationals (num-bigint), round validation and the sequencer rule
//! against direct transcriptions of their specifications in wide integers.
//!
//! 10,000 cases per property by default; `KEEL_PROPTEST_CASES=N` runs N instead.
// Test code: the models use BigUint and i128 operators, which cannot wrap on these inputs.
#![allow(clippy::arithmetic_side_effects)]

use alloy_primitives::{Address, I256, U256};
use keel_oracle::{
    check_sequencer, compose_price, validate_round, AnswerBand, FeedAnswer, FeedConfig,
    OracleError, PriceOverflow, PriceRoundsToZero, RoundData, SequencerDown, MAX_DECIMALS,
};
use num_bigint::BigUint;
use num_traits::{One, Zero};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// `KEEL_PROPTEST_CASES` cases (default 10,000).
fn config() -> Config {
    keel_testkit::proptest_config(keel_testkit::proptest_cases(10_000))
}

fn big(x: U256) -> BigUint {
    BigUint::from_bytes_be(&x.to_be_bytes::<32>())
}

fn pow10(exponent: u8) -> BigUint {
    BigUint::from(10u32).pow(u32::from(exponent))
}

/// A positive value of uniformly drawn bit length up to `max_bits`, so small, realistic and
/// huge answers are all common.
fn answer_bits(max_bits: usize) -> impl Strategy<Value = U256> + Clone {
    (1..=max_bits, any::<[u64; 4]>())
        .prop_map(|(bits, limbs)| (U256::from_limbs(limbs) >> (256 - bits)).max(U256::from(1)))
}

/// Answers as feeds report them (mostly below 2^128), with the full range mixed in.
fn answer() -> impl Strategy<Value = U256> + Clone {
    prop_oneof![4 => answer_bits(128), 1 => answer_bits(256)]
}

/// Decimals as tokens and feeds use them (6, 8, 18 and the bounds), or any supported value.
fn decimals() -> impl Strategy<Value = u8> + Clone {
    prop_oneof![
        prop::sample::select(vec![0u8, 6, 8, 18, 36]),
        0..=MAX_DECIMALS,
    ]
}

fn feed_answer() -> impl Strategy<Value = FeedAnswer> + Clone {
    (answer(), decimals()).prop_map(|(answer, feed_decimals)| FeedAnswer {
        answer,
        feed_decimals,
    })
}

/// `Pc * 10^(db + tb + 36)` and `Pb * 10^(dc + tc)` (`Pb = 1`, `db = 0` without a base feed).
fn exact_price(
    collateral: FeedAnswer,
    base: Option<FeedAnswer>,
    collateral_token_decimals: u8,
    base_token_decimals: u8,
) -> (BigUint, BigUint) {
    let (base_answer, base_feed_decimals) =
        base.map_or_else(|| (BigUint::one(), 0), |b| (big(b.answer), b.feed_decimals));
    let numerator =
        big(collateral.answer) * pow10(base_feed_decimals) * pow10(base_token_decimals) * pow10(36);
    let denominator =
        base_answer * pow10(collateral.feed_decimals) * pow10(collateral_token_decimals);
    (numerator, denominator)
}

/// The documented intermediate limit: with a net upscaling exponent `e > 77`, the exact
/// product `Pc * 10^(e - 77)` must fit in 256 bits.
fn intermediate_overflows(
    collateral: FeedAnswer,
    base: Option<FeedAnswer>,
    collateral_token_decimals: u8,
    base_token_decimals: u8,
) -> bool {
    let base_feed_decimals = base.map_or(0, |b| b.feed_decimals);
    let up = i32::from(base_feed_decimals) + i32::from(base_token_decimals) + 36;
    let down = i32::from(collateral.feed_decimals) + i32::from(collateral_token_decimals);
    let net = up - down;
    net > 77
        && big(collateral.answer) * BigUint::from(10u32).pow((net - 77) as u32)
            >= BigUint::one() << 256u32
}

proptest! {
    #![proptest_config(config())]

    /// The result is exactly `floor(Pc * 10^(db+tb+36) / (Pb * 10^(dc+tc)))`, or the documented
    /// error: zero floor -> `PriceRoundsToZero`; floor >= 2^256 (or the documented intermediate
    /// limit) -> `PriceOverflow`.
    #[test]
    fn composition_is_the_floor_of_the_exact_ratio(
        collateral in feed_answer(),
        base in prop::option::of(feed_answer()),
        collateral_token_decimals in decimals(),
        base_token_decimals in decimals(),
    ) {
        let result = compose_price(collateral, base, collateral_token_decimals, base_token_decimals);
        let (numerator, denominator) =
            exact_price(collateral, base, collateral_token_decimals, base_token_decimals);
        let floor = &numerator / &denominator;
        let fits = floor < (BigUint::one() << 256u32);
        match result {
            Ok(price) => {
                prop_assert!(!floor.is_zero());
                prop_assert_eq!(big(price.0), floor);
            }
            Err(e) if e.is::<PriceRoundsToZero>() => prop_assert!(floor.is_zero()),
            Err(e) if e.is::<PriceOverflow>() => prop_assert!(
                !fits || intermediate_overflows(collateral, base, collateral_token_decimals, base_token_decimals)
            ),
            Err(other) => prop_assert!(false, "unexpected error {:?}", other),
        }
    }

    /// For answers below 2^128 the only failures are a floor of zero or one past 2^256.
    #[test]
    fn realistic_answers_fail_only_on_the_result(
        collateral_answer in answer_bits(128),
        base_answer in prop::option::of(answer_bits(128)),
        feed_decimals in (decimals(), decimals()),
        collateral_token_decimals in decimals(),
        base_token_decimals in decimals(),
    ) {
        let collateral = FeedAnswer { answer: collateral_answer, feed_decimals: feed_decimals.0 };
        let base = base_answer.map(|answer| FeedAnswer { answer, feed_decimals: feed_decimals.1 });
        let result = compose_price(collateral, base, collateral_token_decimals, base_token_decimals);
        let (numerator, denominator) =
            exact_price(collateral, base, collateral_token_decimals, base_token_decimals);
        let floor = numerator / denominator;
        let representable = !floor.is_zero() && floor < (BigUint::one() << 256u32);
        prop_assert_eq!(result.is_ok(), representable);
    }

    /// Any decimals above 36, in any position, is `UnsupportedDecimals` naming it.
    #[test]
    fn decimals_above_36_are_rejected(
        position in 0usize..4,
        unsupported in (MAX_DECIMALS + 1)..=u8::MAX,
        supported in [decimals(), decimals(), decimals(), decimals()],
    ) {
        let mut all = supported;
        all[position] = unsupported;
        let feed = |feed_decimals| FeedAnswer { answer: U256::from(1), feed_decimals };
        let result = compose_price(feed(all[0]), Some(feed(all[1])), all[2], all[3]);
        prop_assert_eq!(
            result,
            Err(OracleError::from(keel_oracle::UnsupportedDecimals { decimals: unsupported }))
        );
    }

    /// `validate_round` accepts exactly the rounds its specification accepts and returns the
    /// answer unchanged.
    #[test]
    fn validation_matches_its_specification(
        answer in prop_oneof![-3i128..=3, any::<i128>()],
        age in -3i64..=3_700,
        updated_zero in prop::bool::weighted(0.05),
        heartbeat in prop_oneof![Just(3_600u32), 60u32..=172_800],
        band in prop::option::of((0u128..=5, 0u128..=5)),
    ) {
        let now: u64 = 1_700_000_000;
        let updated_at = if updated_zero { 0 } else { (i128::from(now) - i128::from(age)) as u64 };
        let round = RoundData {
            answer: I256::try_from(answer).unwrap(),
            updated_at: U256::from(updated_at),
            ..RoundData::default()
        };
        let band = band.map(|(a, b)| AnswerBand { min_answer: a.min(b), max_answer: a.max(b) });
        let config = FeedConfig { feed: Address::repeat_byte(1), feed_decimals: 8, heartbeat_seconds: heartbeat, band };
        let accepted = answer > 0
            && updated_at != 0
            && updated_at <= now
            && now - updated_at <= u64::from(heartbeat)
            && band.is_none_or(|b| (b.min_answer as i128) <= answer && answer <= (b.max_answer as i128));
        let result = validate_round(&round, &config, now);
        prop_assert_eq!(result.is_ok(), accepted);
        if let Ok(value) = result {
            prop_assert_eq!(value, U256::from(answer as u128));
        }
    }

    /// `check_sequencer` passes exactly when up, initialised and `now >= startedAt + grace`.
    #[test]
    fn sequencer_rule_matches_its_specification(
        answer in prop_oneof![0i64..=1, any::<i64>()],
        started_at in prop_oneof![Just(0u64), 1u64..=2_000_000_000],
        now in 0u64..=2_000_100_000,
        grace in 0u32..=86_400,
    ) {
        let result = check_sequencer(I256::try_from(answer).unwrap(), U256::from(started_at), now, grace);
        let allowed = answer == 0 && started_at != 0 && u128::from(now) >= u128::from(started_at) + u128::from(grace);
        prop_assert_eq!(result.is_ok(), allowed);
        if answer == 1 {
            prop_assert!(result.is_err_and(|e| e.is::<SequencerDown>()));
        }
    }
}

//! Input generators and the shared proptest configuration.

use keel_math::{PRICE_SCALE, U256, VIRTUAL_SHARES, WAD};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// The configuration of every property: `KEEL_PROPTEST_CASES` cases (default 10,000).
pub fn config() -> Config {
    keel_testkit::proptest_config(keel_testkit::proptest_cases(10_000))
}

/// Values whose magnitude matters: boundaries of the types and scales of the crate.
fn edge_u256() -> impl Strategy<Value = U256> + Clone {
    let one = U256::from(1);
    prop::sample::select(vec![
        U256::ZERO,
        one,
        U256::from(2),
        WAD - one,
        WAD,
        WAD + one,
        VIRTUAL_SHARES,
        PRICE_SCALE,
        U256::from(u128::MAX),
        U256::from(u128::MAX) + one,
        U256::MAX >> 1,
        U256::MAX - one,
        U256::MAX,
    ])
}

/// A value of at most `max_bits` bits with a uniformly drawn bit length, so small, medium and
/// huge magnitudes are all common (a uniform `U256` is almost always about 2^255).
pub fn u256_bits(max_bits: usize) -> impl Strategy<Value = U256> + Clone {
    (0..=max_bits, any::<[u64; 4]>())
        .prop_map(|(bits, limbs)| U256::from_limbs(limbs) >> (256 - bits))
}

/// Any `U256`: mostly log-uniform, with the edge values and full-width values mixed in.
pub fn u256() -> impl Strategy<Value = U256> + Clone {
    prop_oneof![
        6 => u256_bits(256),
        2 => edge_u256(),
        1 => any::<[u64; 4]>().prop_map(U256::from_limbs),
    ]
}

/// Amounts and totals as stored (`u128`), with the full range mixed in.
pub fn amount() -> impl Strategy<Value = U256> + Clone {
    prop_oneof![4 => u256_bits(128), 1 => u256()]
}

/// Two values `(smaller, larger)`: independent draws sorted, or a value and a small step above.
pub fn ordered_pair(
    values: impl Strategy<Value = U256> + Clone,
) -> impl Strategy<Value = (U256, U256)> {
    prop_oneof![
        (values.clone(), values.clone()).prop_map(|(a, b)| (a.min(b), a.max(b))),
        (values, 0..=1_000u64).prop_map(|(a, step)| (a, a.saturating_add(U256::from(step)))),
    ]
}

/// A `U256` built from eight 32-bit digits, each often an extreme (0, 1, `2^31 - 1`, `2^31`,
/// `2^32 - 2`, `2^32 - 1`) and with a random number of leading zero digits: the inputs where a
/// long division's quotient-digit estimate is off and must be corrected or added back.
pub fn digit_pattern_u256() -> impl Strategy<Value = U256> + Clone {
    let digit = prop_oneof![
        2 => prop::sample::select(vec![0u32, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff]),
        1 => any::<u32>(),
    ];
    (prop::array::uniform8(digit), 0..=8usize).prop_map(|(digits, top)| {
        let mut limbs = [0u64; 4];
        for (index, digit) in digits.iter().enumerate().take(top) {
            limbs[index / 2] |= u64::from(*digit) << (32 * (index % 2));
        }
        U256::from_limbs(limbs)
    })
}

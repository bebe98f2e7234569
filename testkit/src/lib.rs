//! Test support shared by Keel's crates (a dev-dependency only: nothing here
//! reaches a contract).
//!
//! Every property test in the workspace takes its case count from
//! `KEEL_PROPTEST_CASES` (a deep run: `KEEL_PROPTEST_CASES=1000000 cargo
//! test --release -p keel-math --test properties`) and runs proptest with the
//! XorShift generator: seeding proptest's default ChaCha generator for every
//! case dominated the unoptimised test runs.

use proptest::test_runner::{Config, RngAlgorithm};

/// `KEEL_PROPTEST_CASES` when set, else `default`.
///
/// # Panics
/// When `KEEL_PROPTEST_CASES` is not a positive integer (a mistyped deep run
/// must not silently run the default).
pub fn proptest_cases(default: u32) -> u32 {
    match std::env::var("KEEL_PROPTEST_CASES") {
        Ok(value) => match value.parse() {
            Ok(cases) if cases > 0 => cases,
            _ => panic!("KEEL_PROPTEST_CASES must be a positive integer, not {value:?}"),
        },
        Err(_) => default,
    }
}

/// proptest's configuration with `cases` cases (at least 1) and the
/// XorShift generator.
pub fn proptest_config(cases: u32) -> Config {
    Config {
        cases: cases.max(1),
        rng_algorithm: RngAlgorithm::XorShift,
        ..Config::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_keeps_at_least_one_case_and_uses_xorshift() {
        let config = proptest_config(0);
        assert_eq!(config.cases, 1);
        assert_eq!(config.rng_algorithm, RngAlgorithm::XorShift);
        assert_eq!(proptest_config(40).cases, 40);
    }
}

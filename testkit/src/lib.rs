//! Test support shared by Keel's crates (a dev-dependency only: nothing here
//! reaches a contract): the property-test configuration, and helpers for
//! storage-layout tests on the SDK's `TestVM` (slot of a mapping entry, a
//! word of two packed halves, the slots a call changed).
//!
//! Every property test in the workspace takes its case count from
//! `KEEL_PROPTEST_CASES` (a deep run: `KEEL_PROPTEST_CASES=1000000 cargo
//! test --release -p keel-math --test properties`) and runs proptest with the
//! XorShift generator: seeding proptest's default ChaCha generator for every
//! case dominated the unoptimised test runs.

use std::collections::HashMap;

use alloy_primitives::{keccak256, Address, B256, U256};
use proptest::test_runner::{Config, RngAlgorithm};
use stylus_sdk::testing::TestVM;

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

/// The slot of `key`'s entry in a Solidity-style mapping rooted at slot
/// `root`: `keccak256(pad32(key) . pad32(root))`.
pub fn mapping_slot(key: Address, root: u8) -> U256 {
    let mut preimage = [0_u8; 64];
    preimage[12..32].copy_from_slice(key.as_slice());
    preimage[63] = root;
    U256::from_be_bytes(keccak256(preimage).0)
}

/// The word holding `low` in its low 16 bytes and `high` in its high 16
/// bytes (two packed `u128`s, as the storage shells lay them out).
pub fn halves(low: u128, high: u128) -> B256 {
    let mut word = [0_u8; 32];
    word[..16].copy_from_slice(&high.to_be_bytes());
    word[16..].copy_from_slice(&low.to_be_bytes());
    B256::from(word)
}

/// The slots of `vm` whose value differs from `before` (a missing slot is
/// zero), sorted.
pub fn changed_slots(before: &HashMap<U256, B256>, vm: &TestVM) -> Vec<U256> {
    let mut changed: Vec<U256> = vm
        .snapshot()
        .storage
        .into_iter()
        .filter(|(key, value)| before.get(key).unwrap_or(&B256::ZERO) != value)
        .map(|(key, _)| key)
        .collect();
    changed.sort();
    changed
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

    #[test]
    fn halves_pack_low_and_high() {
        let word = halves(1, 2);
        assert_eq!(word[15], 2);
        assert_eq!(word[31], 1);
        assert_eq!(
            U256::from_be_bytes(word.0),
            (U256::from(2) << 128) + U256::from(1)
        );
    }

    #[test]
    fn mapping_slot_is_solidity_s() {
        // keccak256(abi.encode(address(1), uint256(0))), as solc computes it.
        let expected = keccak256([[0u8; 31].as_slice(), &[1], &[0u8; 32]].concat());
        assert_eq!(
            mapping_slot(Address::with_last_byte(1), 0),
            U256::from_be_bytes(expected.0)
        );
    }
}

//! Issue 13, defect 3: calldata with a known selector whose arguments do not
//! decode (cut short, or a word outside its type) reverts with
//! `InvalidCalldata(selector)`, never with empty data; ether sent to the
//! market reverts with `NotPayable()`; unknown selectors keep
//! `UnknownSelector`. Each rejection changes nothing. Before the fix every
//! one of these reverted with no data. Bytes after the last argument are
//! ignored, as solc-compiled contracts ignore them: such a call does exactly
//! what the call without them does.
//!
//! Every entry point of `abi/KeelMarket.json` is tried with each kind of
//! malformation (exhaustively), then a property test draws random ones.

use alloy_primitives::{FixedBytes, U256};
use alloy_sol_types::SolError;
use keel_tests::calldata::{check, entry_points, refused, EntryPoint, Malformation};
use keel_tests::*;
use proptest::prelude::*;

/// Deterministic words, different per entry point and word.
fn entropy(seed: u8) -> impl FnMut(usize) -> [u8; 32] {
    move |index| {
        let mut word = [0u8; 32];
        for (i, byte) in word.iter_mut().enumerate() {
            *byte = seed
                .wrapping_mul(31)
                .wrapping_add(i as u8)
                .wrapping_mul(index as u8 | 1);
        }
        word
    }
}

/// Every shape of malformation that applies to `entry`: cut by one byte, by
/// a word, down to the bare selector; one byte and one word too many; every
/// word with padding made dirty.
fn every_malformation(entry: &EntryPoint) -> Vec<Malformation> {
    let arguments = 32 * entry.words.len();
    let mut all = vec![
        Malformation::Truncated(1),
        Malformation::Truncated(32),
        Malformation::Truncated(arguments),
        Malformation::Extended(vec![0]),
        Malformation::Extended(vec![0xab; 32]),
    ];
    for word in 0..entry.words.len() {
        all.push(Malformation::Dirty {
            word,
            position: 0,
            byte: 2,
        });
    }
    // The fuzz target's first find: the word index wraps (a harness bug, now
    // reduced modulo the count before adding).
    all.push(Malformation::Dirty {
        word: usize::MAX,
        position: u8::MAX,
        byte: u8::MAX,
    });
    all
}

#[test]
fn every_entry_point_names_malformed_calldata_and_ignores_trailing_bytes() {
    let mut fx = Fixture::new();
    fx.standard_positions();
    let owner = fx.owner;
    let entries = entry_points();
    assert_eq!(entries.len(), 40, "the market's ABI has 40 functions");
    let mut tried = 0;
    for (seed, entry) in entries.iter().enumerate() {
        let calldata = entry.calldata(entropy(seed as u8));
        for malformation in every_malformation(entry) {
            let snapshot = fx.net.snapshot();
            tried += usize::from(check(&mut fx, owner, entry, &calldata, &malformation));
            fx.net.restore(snapshot);
        }
    }
    // Five size changes per function with arguments (two without), plus one
    // dirty word per word with padding.
    assert!(tried > 200, "only {tried} cases");
}

#[test]
fn ether_sent_to_any_entry_point_is_refused_by_name() {
    let mut fx = Fixture::new();
    let owner = fx.owner;
    fx.net.set_balance(owner, U256::from(1_000_000));
    for (seed, entry) in entry_points().iter().enumerate() {
        let calldata = entry.calldata(entropy(seed as u8));
        refused(
            &mut fx,
            owner,
            U256::from(1),
            &calldata,
            &NotPayable {}.abi_encode(),
        );
    }
}

#[test]
fn unknown_and_short_selectors_keep_unknown_selector() {
    let mut fx = Fixture::new();
    let alice = fx.alice;
    for data in [
        &[][..],
        &[0x12],
        &[0x12, 0x34, 0x56],
        &[0xde, 0xad, 0xbe, 0xef, 0],
    ] {
        let mut selector = [0u8; 4];
        for (slot, byte) in selector.iter_mut().zip(data) {
            *slot = *byte;
        }
        let expected = UnknownSelector {
            selector: FixedBytes(selector),
        }
        .abi_encode();
        refused(&mut fx, alice, U256::ZERO, data, &expected);
    }
}

fn malformation() -> impl Strategy<Value = Malformation> {
    prop_oneof![
        (1usize..=400).prop_map(Malformation::Truncated),
        prop::collection::vec(any::<u8>(), 1..=70).prop_map(Malformation::Extended),
        (any::<usize>(), any::<u8>(), 1u8..=255).prop_map(|(word, position, byte)| {
            Malformation::Dirty {
                word,
                position,
                byte,
            }
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Random entry point, random valid arguments, random malformation, from
    /// a random actor: `InvalidCalldata(selector)` and nothing changed, or,
    /// for trailing bytes, what the call without them does.
    #[test]
    fn random_malformed_calldata_is_named_or_ignored(
        index in 0usize..40,
        words in prop::collection::vec(any::<[u8; 32]>(), 16),
        malformation in malformation(),
        actor in 0usize..7,
    ) {
        let mut fx = Fixture::new();
        fx.standard_positions();
        let entries = entry_points();
        let entry = &entries[index % entries.len()];
        let calldata = entry.calldata(|i| words[i % words.len()]);
        let from = fx.actors()[actor % fx.actors().len()];
        check(&mut fx, from, entry, &calldata, &malformation);
    }
}

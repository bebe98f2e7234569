//! The malformed-calldata rule (issue 13): any entry point of the market's
//! ABI, with arguments valid for their types drawn from libFuzzer's bytes,
//! then cut short, extended, or with one word made invalid for its type,
//! sent by any of the fixture's accounts at a state with lenders, borrowers
//! and a liquidatable position. A call that cannot decode must revert with
//! exactly `InvalidCalldata(selector)` and change nothing; trailing bytes
//! must be ignored (the call does what it does without them); no frame may
//! trap. Checked by `keel_tests::calldata::check`, as the property test in
//! tests/tests/market/calldata.rs does.
#![no_main]

use std::cell::RefCell;

use alloy_primitives::Address;
use keel_devnet::Snapshot;
use keel_fuzz::market_with_a_liquidatable_borrower;
use keel_tests::calldata::{check, entry_points, EntryPoint, Malformation};
use keel_tests::Fixture;
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// The fixture at the state every input starts from.
struct Start {
    fx: Fixture,
    snapshot: Snapshot,
    entries: Vec<EntryPoint>,
}

thread_local! {
    static START: RefCell<Option<Start>> = const { RefCell::new(None) };
}

/// The shared starting market (`keel_fuzz::market_with_a_liquidatable_borrower`).
fn start() -> Start {
    let mut fx = market_with_a_liquidatable_borrower();
    let snapshot = fx.net.snapshot();
    Start {
        fx,
        snapshot,
        entries: entry_points(),
    }
}

fuzz_target!(|data: &[u8]| {
    START.with(|cell| {
        let mut slot = cell.borrow_mut();
        let start = slot.get_or_insert_with(start);
        start.fx.net.restore(start.snapshot);
        // Running out of bytes ends the case before the call.
        let _ = run(&mut Unstructured::new(data), start);
    });
});

fn run(u: &mut Unstructured, start: &mut Start) -> Result<()> {
    let entry = u.choose(&start.entries)?.clone();
    let actors = start.fx.actors();
    let caller: Address = *u.choose(&actors)?;
    let mut words = Vec::with_capacity(entry.words.len());
    for _ in 0..entry.words.len() {
        words.push(u.arbitrary::<[u8; 32]>()?);
    }
    let calldata = entry.calldata(|index| words[index]);
    let malformation = match u.int_in_range(0u8..=2)? {
        0 => Malformation::Truncated(u.int_in_range(1..=calldata.len())?),
        1 => Malformation::Extended(u.arbitrary::<Vec<u8>>()?),
        _ => Malformation::Dirty {
            word: u.arbitrary()?,
            position: u.arbitrary()?,
            byte: u.int_in_range(1..=255)?,
        },
    };
    check(&mut start.fx, caller, &entry, &calldata, &malformation);
    Ok(())
}

//! The market's ABI entry point fed arbitrary calldata on keel-devnet, from
//! any of the fixture's accounts, at a state with lenders, borrowers and a
//! liquidatable position, after up to four hours without feed updates (so
//! stale prices too). Every call must either succeed or revert; no frame may
//! trap (a Rust panic in a contract is a trap on chain, and the devnet
//! reports it in `Receipt::halts`). Every revert must carry an error (no
//! empty revert data, whatever the calldata: issue 13), and the constructor
//! can never run again.
//!
//! Calldata is a known selector (or the constructor's) followed by words
//! drawn from a palette of the fixture's addresses and boundary numbers, or
//! raw bytes.
#![no_main]

use std::cell::RefCell;

use alloy_primitives::{keccak256, Address, U256};
use keel_devnet::{Receipt, Snapshot};
use keel_fuzz::{market_with_a_liquidatable_borrower, u256};
use keel_tests::{Fixture, IKeelMarket};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// The fixture at the state every input starts from.
struct Start {
    fx: Fixture,
    snapshot: Snapshot,
    callers: Vec<Address>,
    palette: Vec<U256>,
}

thread_local! {
    static START: RefCell<Option<Start>> = const { RefCell::new(None) };
}

/// The shared starting market (`keel_fuzz::market_with_a_liquidatable_borrower`).
fn start() -> Start {
    let mut fx = market_with_a_liquidatable_borrower();
    let callers = vec![
        fx.alice,
        fx.bob,
        fx.carol,
        fx.dave,
        fx.liquidator,
        fx.stranger,
        fx.owner,
        fx.guardian,
    ];
    let addresses = [
        fx.market,
        fx.base,
        fx.weth,
        fx.wbtc,
        fx.eth_feed,
        fx.btc_feed,
        fx.usdc_feed,
        fx.sequencer,
        fx.treasury,
    ];
    let numbers = [0u128, 1, 2, 4, 5, 1_000_000, 10u128.pow(18), u128::MAX];
    let palette = callers
        .iter()
        .chain(&addresses)
        .map(|a| U256::from_be_slice(a.as_slice()))
        .chain(numbers.map(U256::from))
        .chain([U256::MAX, U256::from(1) << 128])
        .collect();
    let snapshot = fx.net.snapshot();
    Start {
        fx,
        snapshot,
        callers,
        palette,
    }
}

fuzz_target!(|data: &[u8]| {
    START.with(|cell| {
        let mut slot = cell.borrow_mut();
        let start = slot.get_or_insert_with(start);
        start.fx.net.restore(start.snapshot);
        // Running out of bytes ends the case before the call.
        if let Ok((caller, calldata)) = input(&mut Unstructured::new(data), start) {
            let market = start.fx.market;
            let receipt = start.fx.net.transact(caller, market, U256::ZERO, &calldata);
            check(&calldata, &receipt);
        }
    });
});

fn constructor_selector() -> [u8; 4] {
    let digest = keccak256(b"stylus_constructor()");
    [digest[0], digest[1], digest[2], digest[3]]
}

/// The caller and the calldata; time moves first.
fn input(u: &mut Unstructured, start: &mut Start) -> Result<(Address, Vec<u8>)> {
    let caller = *u.choose(&start.callers)?;
    start
        .fx
        .net
        .advance_time(u64::from(u.arbitrary::<u8>()?) * 60);
    if u.ratio(1u8, 8)? {
        return Ok((caller, u.arbitrary::<Vec<u8>>()?));
    }
    let selectors = IKeelMarket::IKeelMarketCalls::SELECTORS;
    let selector = match u.ratio(1u8, 16)? {
        true => constructor_selector(),
        false => *u.choose(selectors)?,
    };
    let mut calldata = selector.to_vec();
    for _ in 0..u.int_in_range(0..=12)? {
        let word = match u.ratio(3u8, 4)? {
            true => *u.choose(&start.palette)?,
            false => u256(u)?,
        };
        calldata.extend_from_slice(&word.to_be_bytes::<32>());
    }
    if u.ratio(1u8, 8)? {
        calldata.truncate(u.int_in_range(0..=calldata.len())?);
    }
    Ok((caller, calldata))
}

fn check(calldata: &[u8], receipt: &Receipt) {
    assert!(
        receipt.halts.is_empty(),
        "a frame halted: {:?} on 0x{}",
        receipt.halts,
        alloy_primitives::hex::encode(calldata)
    );
    if calldata.starts_with(&constructor_selector()) {
        assert!(!receipt.success, "the constructor ran again");
    }
    if !receipt.success {
        assert!(
            receipt.output.len() >= 4,
            "reverted without an error: 0x{}",
            alloy_primitives::hex::encode(calldata)
        );
    }
}

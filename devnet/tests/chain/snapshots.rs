//! Snapshots: restore storage, balances, code, block values; reuse; discard.

use alloy_primitives::U256;
use keel_devnet::{native, Devnet};

use crate::probe::Probe;
use crate::{bob, deploy_probe, load, store, word};

#[test]
fn restore_undoes_storage_balances_code_and_time_and_can_repeat() {
    let mut devnet = Devnet::new();
    let probe = deploy_probe(&mut devnet);
    store(&mut devnet, probe, 1, 1);
    let start = devnet.timestamp();
    let saved = devnet.snapshot();

    for round in 0..2 {
        store(&mut devnet, probe, 1, 2);
        devnet.set_balance(bob(), word(9));
        devnet.advance_time(3_600);
        devnet.advance_blocks(5);
        let later = devnet.deploy(bob(), native::<Probe>());
        devnet.restore(saved);

        assert_eq!(load(&mut devnet, probe, 1), word(1), "round {round}");
        assert_eq!(devnet.balance(bob()), U256::ZERO);
        assert_eq!((devnet.timestamp(), devnet.block_env().number), (start, 1));
        assert!(devnet.code(later).is_empty());
        assert_eq!(devnet.nonce(bob()), 0);
    }
}

#[test]
fn restore_brings_back_replaced_code() {
    let mut devnet = Devnet::new();
    let probe = deploy_probe(&mut devnet);
    let before = devnet.code(probe);
    let saved = devnet.snapshot();
    devnet.set_code(probe, native::<keel_mocks::MockErc20>());
    assert_ne!(devnet.code(probe), before);
    devnet.restore(saved);
    assert_eq!(devnet.code(probe), before);
    store(&mut devnet, probe, 1, 7);
    assert_eq!(load(&mut devnet, probe, 1), word(7), "the probe runs again");
}

#[test]
#[should_panic(expected = "discarded")]
fn restoring_an_earlier_snapshot_discards_later_ones() {
    let mut devnet = Devnet::new();
    let early = devnet.snapshot();
    devnet.advance_time(1);
    let late = devnet.snapshot();
    devnet.restore(early);
    devnet.restore(late);
}

#[test]
fn forget_discards_a_snapshot_and_later_ones_without_restoring() {
    let mut devnet = Devnet::new();
    let early = devnet.snapshot();
    devnet.advance_time(5);
    let late = devnet.snapshot();
    assert!(devnet.forget(early));
    assert!(!devnet.forget(late), "taken after the forgotten one");
    assert!(!devnet.forget(early));
    assert_eq!(devnet.timestamp(), 1_700_000_005, "nothing restored");
}

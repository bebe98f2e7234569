//! The gas report on known access patterns, with the Stylus storage cache.

use alloy_primitives::{Address, U256};
use keel_devnet::{Charge, Devnet, GasReport, StoreKind};

use crate::probe::IProbe;
use crate::{alice, calldata, deploy_probe, load, store, word};

fn gas_of_store(devnet: &mut Devnet, probe: Address, key: u64, value: u64) -> GasReport {
    store(devnet, probe, key, value);
    devnet.last_receipt().unwrap().gas.clone()
}

#[test]
fn storage_writes_are_priced_by_eip_2200_and_2929() {
    let mut devnet = Devnet::new();
    let probe = deploy_probe(&mut devnet);

    let new_slot = gas_of_store(&mut devnet, probe, 1, 5);
    assert_eq!(new_slot.total(), 22_100);
    assert_eq!(
        new_slot.count(|c| *c
            == Charge::Store {
                cold: true,
                kind: StoreKind::Set
            }),
        1
    );

    let rewrite = gas_of_store(&mut devnet, probe, 1, 6);
    assert_eq!(rewrite.total(), 2_100 + 2_900);
    assert_eq!(rewrite.refund, 0);

    let clear = gas_of_store(&mut devnet, probe, 1, 0);
    assert_eq!(clear.total(), 5_000);
    assert_eq!(clear.refund, 4_800);

    let same_value = gas_of_store(&mut devnet, probe, 2, 0);
    assert_eq!(
        same_value.count(|c| *c
            == Charge::Store {
                cold: true,
                kind: StoreKind::Warm
            }),
        1
    );
    assert_eq!(
        same_value.total(),
        2_100 + 100,
        "a write of an unread slot is flushed even when unchanged"
    );
}

#[test]
fn loads_are_cold_then_warm_and_the_cache_answers_repeats() {
    let mut devnet = Devnet::new();
    let probe = deploy_probe(&mut devnet);
    store(&mut devnet, probe, 1, 5);

    devnet
        .call(alice(), probe, &IProbe::loadTwiceCall { key: word(1) })
        .unwrap();
    let gas = &devnet.last_receipt().unwrap().gas;
    assert_eq!(gas.total(), 2_100);
    assert_eq!(gas.count(|c| *c == Charge::Load { cold: true }), 1);
    assert_eq!(gas.count(|c| *c == Charge::CachedLoad), 1);
}

#[test]
fn the_cache_coalesces_writes_within_a_frame() {
    let mut devnet = Devnet::new();
    let probe = deploy_probe(&mut devnet);
    devnet
        .call(
            alice(),
            probe,
            &IProbe::storeTwiceCall {
                key: word(1),
                first: word(1),
                second: word(2),
            },
        )
        .unwrap();
    let gas = &devnet.last_receipt().unwrap().gas;
    assert_eq!(gas.entries.len(), 1, "one SSTORE at the flush");
    assert_eq!(gas.total(), 22_100);
    assert_eq!(load(&mut devnet, probe, 1), word(2));
}

#[test]
fn accounts_and_slots_warm_up_across_frames_of_one_transaction() {
    let mut devnet = Devnet::new();
    let outer = deploy_probe(&mut devnet);
    let inner = deploy_probe(&mut devnet);
    let set = |value| {
        calldata(&IProbe::storeCall {
            key: word(1),
            value: word(value),
        })
    };
    devnet
        .call(
            alice(),
            outer,
            &IProbe::forwardTwiceCall {
                target: inner,
                first: set(1),
                second: set(0),
            },
        )
        .unwrap();
    let gas = &devnet.last_receipt().unwrap().gas;
    assert_eq!(gas.count(|c| *c == Charge::Account { cold: true }), 1);
    assert_eq!(gas.count(|c| *c == Charge::Account { cold: false }), 1);
    assert_eq!(
        gas.count(|c| *c
            == Charge::Store {
                cold: false,
                kind: StoreKind::Warm
            }),
        1
    );
    assert_eq!(gas.total(), 2_600 + 100 + 22_100 + 100);
    assert_eq!(
        gas.refund, 19_900,
        "a slot set and cleared in one transaction refunds 20,000 - 100"
    );
}

#[test]
fn logs_cost_375_plus_375_per_topic_plus_8_per_byte() {
    let mut devnet = Devnet::new();
    let probe = deploy_probe(&mut devnet);
    devnet
        .call(alice(), probe, &IProbe::noteCall { value: word(1) })
        .unwrap();
    let gas = &devnet.last_receipt().unwrap().gas;
    assert_eq!(
        gas.entries[0].charge,
        Charge::Log {
            topics: 2,
            data_len: 32
        }
    );
    assert_eq!(gas.total(), 375 + 2 * 375 + 8 * 32);
}

#[test]
fn a_reverted_frame_keeps_its_gas_but_loses_its_refund() {
    let mut devnet = Devnet::new();
    let outer = deploy_probe(&mut devnet);
    let inner = deploy_probe(&mut devnet);
    store(&mut devnet, inner, 1, 5);
    let clear_and_fail = calldata(&IProbe::storeAndRevertCall {
        key: word(1),
        value: U256::ZERO,
    });
    devnet
        .call(
            alice(),
            outer,
            &IProbe::forwardCall {
                target: inner,
                data: clear_and_fail,
            },
        )
        .unwrap();
    let gas = &devnet.last_receipt().unwrap().gas;
    assert_eq!(gas.total(), 2_600 + 5_000 + 375 + 2 * 375 + 8 * 32);
    assert_eq!(gas.refund, 0);
}

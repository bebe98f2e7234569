//! Frames: sender, value and origin per frame, code-less targets, rollback,
//! static calls, re-entry, delegate calls, panics, constructors.

use alloy_primitives::{Address, Bytes, U256};
use keel_devnet::{address_of, native, Devnet, HaltReason, STYLUS_DEPLOYER};

use crate::constructed::{Constructed, ConstructedDeploy, IConstructed};
use crate::probe::{Boom, IProbe, Noted, Probe};
use crate::{alice, bob, calldata, deploy_probe, forward, load, store, word};

#[test]
fn each_frame_sees_its_own_sender_value_and_origin() {
    let mut devnet = Devnet::new();
    let outer = deploy_probe(&mut devnet);
    let inner = deploy_probe(&mut devnet);
    devnet.set_balance(alice(), word(1_000));

    let direct = devnet
        .call_with_value(alice(), outer, word(7), &IProbe::contextCall {})
        .unwrap();
    assert_eq!(
        (direct.sender, direct.origin, direct.value, direct.current),
        (alice(), alice(), word(7), outer)
    );
    assert_eq!(devnet.balance(outer), word(7));
    assert_eq!(devnet.balance(alice()), word(993));

    let (success, output) = forward(&mut devnet, outer, inner, calldata(&IProbe::contextCall {}));
    assert!(success);
    let nested =
        <IProbe::contextCall as alloy_sol_types::SolCall>::abi_decode_returns(&output).unwrap();
    assert_eq!(
        (nested.sender, nested.origin, nested.value, nested.current),
        (outer, alice(), U256::ZERO, inner)
    );
}

#[test]
fn calls_to_addresses_without_code_succeed_with_empty_data() {
    let mut devnet = Devnet::new();
    let probe = deploy_probe(&mut devnet);
    let nobody = address_of("nobody");
    assert_eq!(
        forward(
            &mut devnet,
            probe,
            nobody,
            Bytes::from_static(b"\x12\x34\x56\x78")
        ),
        (true, Bytes::new())
    );

    devnet.set_balance(alice(), word(5));
    let receipt = devnet.transact(alice(), nobody, word(5), &[]);
    assert!(receipt.success && receipt.output.is_empty());
    assert_eq!(devnet.balance(nobody), word(5));
    assert!(
        !devnet.transact(alice(), nobody, word(1), &[]).success,
        "value beyond the balance fails"
    );
}

#[test]
fn a_reverting_nested_call_is_rolled_back_while_the_outer_call_continues() {
    let mut devnet = Devnet::new();
    let outer = deploy_probe(&mut devnet);
    let inner = deploy_probe(&mut devnet);
    store(&mut devnet, inner, 1, 10);

    let (success, output) = forward(
        &mut devnet,
        outer,
        inner,
        calldata(&IProbe::storeAndRevertCall {
            key: word(1),
            value: word(99),
        }),
    );
    assert!(!success);
    assert_eq!(
        output.as_ref(),
        alloy_sol_types::SolError::abi_encode(&Boom { value: word(99) }).as_slice()
    );
    assert!(
        devnet.last_receipt().unwrap().success,
        "the outer call continues"
    );
    assert!(
        devnet.last_receipt().unwrap().logs.is_empty(),
        "the reverted frame's log is gone"
    );
    assert_eq!(load(&mut devnet, inner, 1), word(10));

    // The outer frame's own writes before and after the failed call stay.
    let store_then_fail = IProbe::forwardCall {
        target: inner,
        data: calldata(&IProbe::storeAndRevertCall {
            key: word(2),
            value: word(1),
        }),
    };
    store(&mut devnet, outer, 3, 3);
    devnet.call(alice(), outer, &store_then_fail).unwrap();
    assert_eq!(load(&mut devnet, outer, 3), word(3));
    assert_eq!(load(&mut devnet, inner, 2), U256::ZERO);
}

#[test]
fn a_reverting_transaction_keeps_nothing_but_the_nonce() {
    let mut devnet = Devnet::new();
    let probe = deploy_probe(&mut devnet);
    let nonce = devnet.nonce(bob());
    let reverted = devnet.call(
        bob(),
        probe,
        &IProbe::storeAndRevertCall {
            key: word(1),
            value: word(5),
        },
    );
    assert_eq!(
        keel_devnet::expect_error::<Boom, _>(reverted),
        Boom { value: word(5) }
    );
    assert_eq!(load(&mut devnet, probe, 1), U256::ZERO);
    assert_eq!(devnet.nonce(bob()), nonce + 1);
}

#[test]
fn static_calls_reject_writes_and_logs_but_allow_reads() {
    let mut devnet = Devnet::new();
    let outer = deploy_probe(&mut devnet);
    let inner = deploy_probe(&mut devnet);
    store(&mut devnet, inner, 1, 4);

    for data in [
        calldata(&IProbe::storeCall {
            key: word(1),
            value: word(5),
        }),
        calldata(&IProbe::noteCall { value: word(5) }),
    ] {
        let returned = devnet
            .call(
                alice(),
                outer,
                &IProbe::forwardStaticCall {
                    target: inner,
                    data,
                },
            )
            .unwrap();
        assert_eq!((returned.success, returned.output), (false, Bytes::new()));
        let halts = &devnet.last_receipt().unwrap().halts;
        assert_eq!(halts.len(), 1);
        assert_eq!(
            (halts[0].address, &halts[0].reason),
            (inner, &HaltReason::StateChangeInStaticContext)
        );
    }
    assert_eq!(load(&mut devnet, inner, 1), word(4));

    let read = calldata(&IProbe::loadCall { key: word(1) });
    let returned = devnet
        .call(
            alice(),
            outer,
            &IProbe::forwardStaticCall {
                target: inner,
                data: read,
            },
        )
        .unwrap();
    assert!(returned.success);
    assert_eq!(U256::from_be_slice(&returned.output), word(4));

    // Static-ness reaches nested frames: a mutating call below a static one fails too.
    let middle = deploy_probe(&mut devnet);
    let nested_write = calldata(&IProbe::forwardCall {
        target: inner,
        data: calldata(&IProbe::storeCall {
            key: word(1),
            value: word(6),
        }),
    });
    devnet
        .call(
            alice(),
            outer,
            &IProbe::forwardStaticCall {
                target: middle,
                data: nested_write,
            },
        )
        .unwrap();
    let halts = &devnet.last_receipt().unwrap().halts;
    assert_eq!(
        (halts[0].address, &halts[0].reason),
        (inner, &HaltReason::StateChangeInStaticContext)
    );
    assert_eq!(load(&mut devnet, inner, 1), word(4));
    assert!(devnet
        .view(
            inner,
            &IProbe::storeCall {
                key: word(1),
                value: word(7)
            }
        )
        .is_err());
}

/// alice -> a.forward(b, b.forward(a, a.isReentrant())): the inner frame re-enters `a`.
fn reenter(devnet: &mut Devnet, a: Address, b: Address) -> (bool, Bytes) {
    let back_into_a = calldata(&IProbe::forwardCall {
        target: a,
        data: calldata(&IProbe::isReentrantCall {}),
    });
    let (success, output) = forward(devnet, a, b, back_into_a);
    assert!(success, "b itself is not re-entered");
    let returned =
        <IProbe::forwardCall as alloy_sol_types::SolCall>::abi_decode_returns(&output).unwrap();
    (returned.success, returned.output)
}

#[test]
fn reentry_is_refused_by_default_and_allowed_for_reentrant_programs() {
    let mut devnet = Devnet::new();
    let guarded = deploy_probe(&mut devnet);
    let other = deploy_probe(&mut devnet);
    assert_eq!(reenter(&mut devnet, guarded, other), (false, Bytes::new()));

    let open = devnet.deploy(alice(), native::<Probe>().reentrant());
    let (success, output) = reenter(&mut devnet, open, other);
    assert!(success);
    assert_eq!(
        output.as_ref(),
        alloy_sol_types::SolValue::abi_encode(&true).as_slice(),
        "msg_reentrant is set"
    );
    assert!(!devnet.view(open, &IProbe::isReentrantCall {}).unwrap());
}

#[test]
fn delegate_calls_run_the_target_code_on_the_callers_storage_and_context() {
    let mut devnet = Devnet::new();
    let proxy = deploy_probe(&mut devnet);
    let library = deploy_probe(&mut devnet);
    let store = calldata(&IProbe::storeCall {
        key: word(1),
        value: word(8),
    });
    devnet
        .call(
            alice(),
            proxy,
            &IProbe::forwardDelegateCall {
                target: library,
                data: store,
            },
        )
        .unwrap();
    assert_eq!(load(&mut devnet, proxy, 1), word(8));
    assert_eq!(load(&mut devnet, library, 1), U256::ZERO);

    let context = calldata(&IProbe::contextCall {});
    let returned = devnet
        .call(
            alice(),
            proxy,
            &IProbe::forwardDelegateCall {
                target: library,
                data: context,
            },
        )
        .unwrap();
    let seen =
        <IProbe::contextCall as alloy_sol_types::SolCall>::abi_decode_returns(&returned.output)
            .unwrap();
    assert_eq!((seen.sender, seen.current), (alice(), proxy));
}

#[test]
fn a_panic_reverts_the_frame_with_empty_data() {
    let mut devnet = Devnet::new();
    let probe = deploy_probe(&mut devnet);
    let revert = devnet
        .call(alice(), probe, &IProbe::explodeCall {})
        .err()
        .expect("a panic reverts");
    assert!(revert.data.is_empty());
    let halts = &devnet.last_receipt().unwrap().halts;
    assert_eq!(halts[0].reason, HaltReason::Panic("probe exploded".into()));
}

#[test]
fn logs_are_collected_per_transaction_and_decode() {
    let mut devnet = Devnet::new();
    let outer = deploy_probe(&mut devnet);
    let inner = deploy_probe(&mut devnet);
    devnet
        .call(alice(), outer, &IProbe::noteCall { value: word(1) })
        .unwrap();
    forward(
        &mut devnet,
        outer,
        inner,
        calldata(&IProbe::noteCall { value: word(2) }),
    );
    let receipt = devnet.last_receipt().unwrap();
    assert_eq!(
        receipt.events_from::<Noted>(),
        vec![(
            inner,
            Noted {
                by: outer,
                value: word(2)
            }
        )]
    );
}

#[test]
fn constructors_run_once_from_the_deployer_and_a_revert_leaves_no_code() {
    let mut devnet = Devnet::new();
    let deployed = devnet.deploy_with(
        alice(),
        native::<Constructed>(),
        &ConstructedDeploy::constructorCall { succeed: true },
    );
    let address = deployed.unwrap();
    let by = devnet
        .view(address, &IConstructed::deployedByCall {})
        .unwrap();
    assert_eq!((by.sender, by.origin), (STYLUS_DEPLOYER, alice()));
    assert!(!devnet.code(address).is_empty());

    let refused = devnet.deploy_with(
        alice(),
        native::<Constructed>(),
        &ConstructedDeploy::constructorCall { succeed: false },
    );
    assert_eq!(refused.unwrap_err().data.as_ref(), b"refused");
    assert_eq!(
        devnet.nonce(alice()),
        2,
        "the failed deployment still used a nonce"
    );
    let would_be = alice().create(1);
    assert!(devnet.code(would_be).is_empty());
}

//! The token mocks on the devnet: transfers across contracts and every variant.

use alloy_primitives::{Address, Bytes, U256};
use keel_devnet::{assert_revert, expect_error, native, Devnet};
use keel_mocks::abi::{
    ERC20InsufficientAllowance, ERC20InsufficientBalance, IERC20NoReturn, IMockErc20,
    TokenConstructor, Transfer, TransferRefused, IERC20,
};
use keel_mocks::{MockErc20, NoReturnErc20};

use crate::probe::IProbe;
use crate::{alice, bob, calldata, deploy_probe, forward, load, store, word};

fn constructor(decimals: u8) -> TokenConstructor::constructorCall {
    TokenConstructor::constructorCall {
        name: "Mock USD".into(),
        symbol: "mUSD".into(),
        decimals,
    }
}

fn deploy_token(devnet: &mut Devnet, decimals: u8) -> Address {
    let token = devnet
        .deploy_with(alice(), native::<MockErc20>(), &constructor(decimals))
        .unwrap();
    devnet
        .call(
            alice(),
            token,
            &IMockErc20::mintCall {
                to: alice(),
                amount: word(1_000),
            },
        )
        .unwrap();
    token
}

fn transfer(devnet: &mut Devnet, token: Address, from: Address, to: Address, amount: u64) -> bool {
    devnet
        .call(
            from,
            token,
            &IERC20::transferCall {
                to,
                amount: word(amount),
            },
        )
        .unwrap()
}

fn balance(devnet: &mut Devnet, token: Address, account: Address) -> U256 {
    devnet
        .view(token, &IERC20::balanceOfCall { account })
        .unwrap()
}

#[test]
fn metadata_is_set_by_the_constructor() {
    let mut devnet = Devnet::new();
    for decimals in [6, 18] {
        let token = deploy_token(&mut devnet, decimals);
        assert_eq!(
            devnet.view(token, &IERC20::decimalsCall {}).unwrap(),
            decimals
        );
        assert_eq!(devnet.view(token, &IERC20::symbolCall {}).unwrap(), "mUSD");
        assert_eq!(
            devnet.view(token, &IERC20::totalSupplyCall {}).unwrap(),
            word(1_000)
        );
    }
}

#[test]
fn transfers_move_balances_and_emit_events() {
    let mut devnet = Devnet::new();
    let token = deploy_token(&mut devnet, 6);
    assert!(transfer(&mut devnet, token, alice(), bob(), 300));
    let events = devnet.last_receipt().unwrap().events::<Transfer>();
    assert_eq!(
        events,
        vec![Transfer {
            from: alice(),
            to: bob(),
            value: word(300)
        }]
    );
    assert_eq!(balance(&mut devnet, token, alice()), word(700));
    assert_eq!(balance(&mut devnet, token, bob()), word(300));

    let too_much = devnet.call(
        bob(),
        token,
        &IERC20::transferCall {
            to: alice(),
            amount: word(301),
        },
    );
    let expected = ERC20InsufficientBalance {
        sender: bob(),
        balance: word(300),
        needed: word(301),
    };
    assert_revert(too_much, &expected);
}

#[test]
fn contracts_move_tokens_between_each_other_with_allowances() {
    let mut devnet = Devnet::new();
    let token = deploy_token(&mut devnet, 18);
    let vault = deploy_probe(&mut devnet);
    let treasury = deploy_probe(&mut devnet);
    devnet
        .call(
            alice(),
            token,
            &IERC20::approveCall {
                spender: vault,
                amount: word(500),
            },
        )
        .unwrap();

    let pull = calldata(&IERC20::transferFromCall {
        from: alice(),
        to: vault,
        amount: word(400),
    });
    assert!(forward(&mut devnet, vault, token, pull.clone()).0);
    let push = calldata(&IERC20::transferCall {
        to: treasury,
        amount: word(150),
    });
    assert!(forward(&mut devnet, vault, token, push).0);
    assert_eq!(balance(&mut devnet, token, vault), word(250));
    assert_eq!(balance(&mut devnet, token, treasury), word(150));
    assert_eq!(
        devnet
            .view(
                token,
                &IERC20::allowanceCall {
                    owner: alice(),
                    spender: vault
                }
            )
            .unwrap(),
        word(100)
    );

    let (success, output) = forward(&mut devnet, vault, token, pull);
    assert!(!success);
    let error =
        expect_error::<ERC20InsufficientAllowance, ()>(Err(keel_devnet::Revert { data: output }));
    assert_eq!((error.spender, error.allowance), (vault, word(100)));
}

#[test]
fn infinite_allowance_is_not_spent() {
    let mut devnet = Devnet::new();
    let token = deploy_token(&mut devnet, 18);
    devnet
        .call(
            alice(),
            token,
            &IERC20::approveCall {
                spender: bob(),
                amount: U256::MAX,
            },
        )
        .unwrap();
    devnet
        .call(
            bob(),
            token,
            &IERC20::transferFromCall {
                from: alice(),
                to: bob(),
                amount: word(10),
            },
        )
        .unwrap();
    assert_eq!(
        devnet
            .view(
                token,
                &IERC20::allowanceCall {
                    owner: alice(),
                    spender: bob()
                }
            )
            .unwrap(),
        U256::MAX
    );
}

#[test]
fn return_false_mode_moves_nothing() {
    let mut devnet = Devnet::new();
    let token = deploy_token(&mut devnet, 6);
    devnet
        .call(alice(), token, &IMockErc20::setFailureModeCall { mode: 1 })
        .unwrap();
    assert!(!transfer(&mut devnet, token, alice(), bob(), 1));
    assert_eq!(balance(&mut devnet, token, bob()), U256::ZERO);
}

#[test]
fn revert_mode_refuses_every_transfer() {
    let mut devnet = Devnet::new();
    let token = deploy_token(&mut devnet, 6);
    devnet
        .call(alice(), token, &IMockErc20::setFailureModeCall { mode: 2 })
        .unwrap();
    let refused = devnet.call(
        alice(),
        token,
        &IERC20::transferCall {
            to: bob(),
            amount: word(1),
        },
    );
    assert_revert(refused, &TransferRefused {});
    assert!(devnet
        .call(alice(), token, &IMockErc20::setFailureModeCall { mode: 3 })
        .is_err());
}

#[test]
fn fee_on_transfer_burns_the_fee_rounded_down() {
    let mut devnet = Devnet::new();
    let token = deploy_token(&mut devnet, 6);
    devnet
        .call(
            alice(),
            token,
            &IMockErc20::setFeeBpsCall { feeBps: word(150) },
        )
        .unwrap();
    transfer(&mut devnet, token, alice(), bob(), 199);
    let events = devnet.last_receipt().unwrap().events::<Transfer>();
    let burnt = Transfer {
        from: alice(),
        to: Address::ZERO,
        value: word(2),
    };
    assert_eq!(
        events,
        vec![
            Transfer {
                from: alice(),
                to: bob(),
                value: word(197)
            },
            burnt
        ]
    );
    // 199 * 1.5% = 2.985 -> fee 2, bob receives 197.
    assert_eq!(balance(&mut devnet, token, bob()), word(197));
    assert_eq!(balance(&mut devnet, token, alice()), word(801));
    assert_eq!(
        devnet.view(token, &IERC20::totalSupplyCall {}).unwrap(),
        word(998)
    );
}

#[test]
fn the_transfer_hook_calls_out_once_before_moving_tokens() {
    let mut devnet = Devnet::new();
    let token = deploy_token(&mut devnet, 6);
    let observer = deploy_probe(&mut devnet);
    let record = calldata(&IProbe::storeCall {
        key: word(1),
        value: word(42),
    });
    devnet
        .call(
            alice(),
            token,
            &IMockErc20::setTransferHookCall {
                target: observer,
                data: record,
            },
        )
        .unwrap();
    transfer(&mut devnet, token, alice(), bob(), 1);
    assert_eq!(load(&mut devnet, observer, 1), word(42));

    store(&mut devnet, observer, 1, 0);
    transfer(&mut devnet, token, alice(), bob(), 1);
    assert_eq!(load(&mut devnet, observer, 1), U256::ZERO, "one-shot");
}

/// A probe sends tokens; the token's hook calls back into that probe.
fn transfer_with_callback(devnet: &mut Devnet, sender: Address, token: Address) -> (bool, Bytes) {
    devnet
        .call(
            alice(),
            token,
            &IMockErc20::mintCall {
                to: sender,
                amount: word(10),
            },
        )
        .unwrap();
    let callback = calldata(&IProbe::storeCall {
        key: word(9),
        value: word(1),
    });
    let hook = IMockErc20::setTransferHookCall {
        target: Address::ZERO,
        data: callback,
    };
    devnet.call(alice(), token, &hook).unwrap();
    forward(
        devnet,
        sender,
        token,
        calldata(&IERC20::transferCall {
            to: bob(),
            amount: word(10),
        }),
    )
}

#[test]
fn a_callback_into_the_caller_is_refused_unless_the_caller_accepts_reentry() {
    let mut devnet = Devnet::new();
    let token = deploy_token(&mut devnet, 6);

    let guarded = deploy_probe(&mut devnet);
    assert_eq!(
        transfer_with_callback(&mut devnet, guarded, token),
        (false, Bytes::new())
    );
    assert_eq!(
        balance(&mut devnet, token, guarded),
        word(10),
        "the refused callback reverted the transfer"
    );

    let open = devnet.deploy(alice(), native::<crate::probe::Probe>().reentrant());
    assert!(transfer_with_callback(&mut devnet, open, token).0);
    assert_eq!(load(&mut devnet, open, 9), word(1));
    assert_eq!(balance(&mut devnet, token, open), U256::ZERO);
}

#[test]
fn the_no_return_token_returns_no_data() {
    let mut devnet = Devnet::new();
    let token = devnet
        .deploy_with(alice(), native::<NoReturnErc20>(), &constructor(6))
        .unwrap();
    devnet
        .call(
            alice(),
            token,
            &IMockErc20::mintCall {
                to: alice(),
                amount: word(100),
            },
        )
        .unwrap();

    devnet
        .call(
            alice(),
            token,
            &IERC20NoReturn::transferCall {
                to: bob(),
                amount: word(60),
            },
        )
        .unwrap();
    assert!(devnet.last_receipt().unwrap().output.is_empty());
    devnet
        .call(
            bob(),
            token,
            &IERC20NoReturn::approveCall {
                spender: alice(),
                amount: word(60),
            },
        )
        .unwrap();
    devnet
        .call(
            alice(),
            token,
            &IERC20NoReturn::transferFromCall {
                from: bob(),
                to: alice(),
                amount: word(10),
            },
        )
        .unwrap();
    assert!(devnet.last_receipt().unwrap().output.is_empty());
    assert_eq!(balance(&mut devnet, token, bob()), word(50));

    let too_much = devnet.call(
        bob(),
        token,
        &IERC20NoReturn::transferCall {
            to: alice(),
            amount: word(51),
        },
    );
    assert_revert(
        too_much,
        &ERC20InsufficientBalance {
            sender: bob(),
            balance: word(50),
            needed: word(51),
        },
    );
}

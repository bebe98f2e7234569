//! The node in process: a Stylus program created by a transaction,
//! activated through ArbWasm for its data fee, then called; the failures
//! on the way (no activation, too little value, twice, EVM init code).

use super::accounts::dev_accounts;
use super::exec::CallRequest;
use super::rpc::Params;
use super::tx::SignedTx;
use super::{Node, NodeOptions};
use crate::build::process::{compress, deployable_code};
use crate::chain::stylus::{init_code, ArbWasm, ARB_WASM};
use alloy_consensus::TxEip1559;
use alloy_primitives::{keccak256, Address, Bytes, TxKind, U256};
use alloy_sol_types::{SolCall, SolError};
use serde_json::{json, Value};

const PROGRAM: &str = r#"(module
    (import "vm_hooks" "read_args" (func $read_args (param i32)))
    (memory (export "memory") 1)
    (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;

/// Signs and sends a transaction from dev account 0; returns its receipt.
fn send(node: &mut Node, to: Option<Address>, value: U256, input: Vec<u8>) -> Value {
    let key = dev_accounts()[0].key;
    let from = dev_accounts()[0].address;
    let tx = TxEip1559 {
        chain_id: node.chain_id(),
        nonce: node.net.nonce(from),
        gas_limit: 5_000_000,
        max_fee_per_gas: 100_000_000,
        to: to.map_or(TxKind::Create, TxKind::Call),
        value,
        input: input.into(),
        ..TxEip1559::default()
    };
    let hash = node
        .send(SignedTx::sign_eip1559(&key, tx).unwrap())
        .unwrap();
    let params = Params::new(vec![json!(hash)]);
    node.dispatch("eth_getTransactionReceipt", &params).unwrap()
}

fn call(node: &mut Node, to: Address, input: Vec<u8>) -> (bool, Bytes) {
    let request = CallRequest {
        to: Some(to),
        input: input.into(),
        ..CallRequest::default()
    };
    let outcome = node.call(&request, &Default::default()).unwrap();
    (outcome.success, outcome.output)
}

fn activate(program: Address) -> Vec<u8> {
    ArbWasm::activateProgramCall { program }.abi_encode()
}

#[test]
fn a_created_program_runs_once_activated_for_its_data_fee() {
    let mut node = Node::start(&NodeOptions::default()).unwrap();
    let wasm = wat::parse_str(PROGRAM).unwrap();
    let code = deployable_code(&compress(&wasm).unwrap());
    let created = send(&mut node, None, U256::ZERO, init_code(&code));
    assert_eq!(created["status"], json!("0x1"));
    // 21,000 + 32,000 + calldata + 200 per byte of code stored.
    let gas = super::exec::creation_gas(&init_code(&code));
    assert_eq!(
        gas,
        53_000 + keel_devnet::wasm::pricing::intrinsic_gas(&init_code(&code)) - 21_000
            + 200 * code.len() as u64
    );
    assert_eq!(created["gasUsed"], json!(format!("{gas:#x}")));
    let program: Address = serde_json::from_value(created["contractAddress"].clone()).unwrap();
    assert_eq!(node.net.code(program), code);

    let not_active = ArbWasm::ProgramNotActivated {}.abi_encode();
    assert_eq!(
        call(&mut node, program, vec![1]),
        (false, not_active.into())
    );
    let short = send(&mut node, Some(ARB_WASM), U256::from(1), activate(program));
    assert_eq!(
        short["status"],
        json!("0x0"),
        "one wei does not pay the fee"
    );

    let fee = U256::from(wasm.len() as u64 * super::system::DATA_FEE_WEI_PER_WASM_BYTE);
    let from = dev_accounts()[0].address;
    let before = node.balance(from);
    let paid = send(
        &mut node,
        Some(ARB_WASM),
        fee * U256::from(3),
        activate(program),
    );
    assert_eq!(paid["status"], json!("0x1"));
    let gas: U256 = serde_json::from_value(paid["gasUsed"].clone()).unwrap();
    let price: U256 = serde_json::from_value(paid["effectiveGasPrice"].clone()).unwrap();
    assert_eq!(
        node.balance(from),
        before - fee - gas * price,
        "the rest is refunded"
    );
    assert_eq!(node.balance(ARB_WASM), fee);

    assert_eq!(call(&mut node, program, vec![1]), (true, Bytes::new()));
    let again = ArbWasm::ProgramUpToDate {}.abi_encode();
    let value_call = CallRequest {
        to: Some(ARB_WASM),
        value_wei: fee,
        from,
        input: activate(program).into(),
        ..CallRequest::default()
    };
    let twice = node.call(&value_call, &Default::default()).unwrap();
    assert_eq!((twice.success, twice.output), (false, again.into()));
    let version = ArbWasm::codehashVersionCall {
        codehash: keccak256(&code),
    }
    .abi_encode();
    let (ok, output) = call(&mut node, ARB_WASM, version);
    assert!(ok);
    assert_eq!(
        ArbWasm::codehashVersionCall::abi_decode_returns(&output).unwrap(),
        super::system::STYLUS_VERSION
    );

    // Activation is per code hash: the same code created again runs at once.
    let twin = send(&mut node, None, U256::ZERO, init_code(&code));
    let twin: Address = serde_json::from_value(twin["contractAddress"].clone()).unwrap();
    assert_eq!(call(&mut node, twin, vec![1]), (true, Bytes::new()));
}

#[test]
fn evm_init_code_and_evm_overrides_are_refused() {
    let mut node = Node::start(&NodeOptions::default()).unwrap();
    let key = dev_accounts()[0].key;
    let tx = TxEip1559 {
        chain_id: node.chain_id(),
        gas_limit: 100_000,
        max_fee_per_gas: 100_000_000,
        to: TxKind::Create,
        input: vec![0x60, 0x00, 0x60, 0x00, 0xf3].into(),
        ..TxEip1559::default()
    };
    let signed = SignedTx::sign_eip1559(&key, tx).unwrap();
    let error = node.send(signed).unwrap_err();
    assert!(error.message.contains("no EVM"), "{}", error.message);
    assert_eq!(node.chain.head_number(), 0, "nothing mined");

    let target = Address::repeat_byte(9).to_string();
    let params = Params::new(vec![
        json!({ "to": target, "data": "0x" }),
        json!("latest"),
        json!({ target.clone(): { "code": "0x6000" } }),
    ]);
    let refused = node.dispatch("eth_call", &params).unwrap_err();
    assert!(refused.message.contains("no EVM"), "{}", refused.message);
}

#[test]
fn a_broken_state_file_is_refused_with_its_line() {
    let dir = std::env::temp_dir().join(format!("keel-node-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("chain.jsonl");
    let start = |text: &str| {
        std::fs::write(&path, text).unwrap();
        let options = NodeOptions {
            with_mocks: false,
            state: Some(path.clone()),
        };
        Node::start(&options).err().map(|e| format!("{e:#}"))
    };
    let headless = start("{\"block\":{\"timestamp\":1,\"txs\":[]}}\n").unwrap();
    assert!(headless.contains("genesis"), "{headless}");
    let genesis = "{\"genesis\":{\"timestamp\":1700000000,\"with_mocks\":false}}\n";
    let bad_tx = start(&format!(
        "{genesis}{{\"block\":{{\"timestamp\":1700000001,\"txs\":[\"0x02c0\"]}}}}\n"
    ))
    .unwrap();
    assert!(
        bad_tx.contains("line 2") && bad_tx.contains("undecodable"),
        "{bad_tx}"
    );
    let empty_block = format!("{genesis}{{\"block\":{{\"timestamp\":1700000005,\"txs\":[]}}}}\n");
    assert_eq!(start(&empty_block), None);
    let node = Node::start(&NodeOptions {
        with_mocks: false,
        state: Some(path.clone()),
    })
    .unwrap();
    assert_eq!(
        (node.chain.head_number(), node.chain.head_timestamp()),
        (1, 1_700_000_005)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn filters_report_what_came_since_the_last_poll() {
    use super::filters::Changes;
    use alloy_rpc_types_eth::{Filter, TransactionRequest};
    use alloy_sol_types::SolEvent;
    use keel_mocks::abi::{IMockErc20, Transfer};

    let options = NodeOptions {
        with_mocks: true,
        state: None,
    };
    let mut node = Node::start(&options).unwrap();
    let usdc = node.mocks().unwrap().0.base;
    let blocks = node.new_filter(None);
    let transfers = Filter::new()
        .address(usdc)
        .event_signature(Transfer::SIGNATURE_HASH);
    let transfers = node.new_filter(Some(transfers));
    let elsewhere = node.new_filter(Some(Filter::new().address(Address::repeat_byte(1))));
    let from = dev_accounts()[0].address;
    let mint = IMockErc20::mintCall {
        to: from,
        amount: U256::from(5),
    };
    let request = TransactionRequest::default()
        .from(from)
        .to(usdc)
        .input(mint.abi_encode().into());
    node.send_unlocked(request).unwrap();

    let count = |node: &mut Node, id| match node.filter_changes(id).unwrap() {
        Changes::Logs(logs) => logs.len(),
        Changes::Blocks(hashes) => hashes.len(),
    };
    assert_eq!(count(&mut node, blocks), 1);
    assert_eq!(count(&mut node, transfers), 1);
    assert_eq!(count(&mut node, elsewhere), 0);
    assert_eq!(count(&mut node, transfers), 0, "reported once");
    assert_eq!(node.filter_logs(transfers).unwrap().len(), 1);
    assert!(node.filter_logs(blocks).is_err());
    assert!(node.uninstall_filter(transfers));
    assert!(!node.uninstall_filter(transfers));
    assert!(node.filter_changes(transfers).is_err());
}

#[test]
fn the_clock_moves_with_set_next_block_timestamp_mine_and_increase_time() {
    let mut node = Node::start(&NodeOptions::default()).unwrap();
    let target = node.chain.head_timestamp() + 10_000;
    node.set_clock(target).unwrap();
    node.mine(None).unwrap();
    let mined = node.chain.head_timestamp();
    assert!(
        (target..target + 5).contains(&mined),
        "{mined} for {target}"
    );
    assert!(
        node.set_clock(mined - 1).is_err(),
        "before the latest block"
    );
    node.mine(Some(mined + 100)).unwrap();
    assert_eq!(node.chain.head_timestamp(), mined + 100);
    node.increase_time(3_600);
    node.mine(None).unwrap();
    assert!(node.chain.head_timestamp() >= mined + 3_700);
    assert_eq!(node.chain.head_number(), 3);
}

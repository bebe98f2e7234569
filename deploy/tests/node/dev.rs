//! The dev methods and raw transactions over JSON-RPC: snapshots undo
//! balances, blocks and time; signed legacy and EIP-1559 transfers with
//! their nonces checked; bad input answered with errors; the state file
//! replayed by a restarted node.

use crate::process::{block_on, scratch, NodeProcess};
use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::Encodable2718;
use alloy_eips::BlockNumberOrTag;
use alloy_network::TxSignerSync;
use alloy_primitives::{Address, TxKind, U256};
use alloy_provider::Provider;
use serde_json::Value;

/// A signed transfer of `wei` from dev account `index`.
fn transfer(node: &NodeProcess, index: usize, nonce: u64, wei: u64, legacy: bool) -> Vec<u8> {
    let signer = node.signer(index);
    let to = TxKind::Call(Address::repeat_byte(0x77));
    let envelope: TxEnvelope = if legacy {
        let mut tx = TxLegacy {
            chain_id: Some(412_346),
            nonce,
            gas_price: 10_000_000,
            gas_limit: 21_000,
            to,
            value: U256::from(wei),
            ..TxLegacy::default()
        };
        let signature = signer.sign_transaction_sync(&mut tx).unwrap();
        tx.into_signed(signature).into()
    } else {
        let mut tx = TxEip1559 {
            chain_id: 412_346,
            nonce,
            max_fee_per_gas: 20_000_000,
            gas_limit: 21_000,
            to,
            value: U256::from(wei),
            ..TxEip1559::default()
        };
        let signature = signer.sign_transaction_sync(&mut tx).unwrap();
        tx.into_signed(signature).into()
    };
    envelope.encoded_2718()
}

async fn error_of(provider: &impl Provider, method: &'static str, params: Value) -> String {
    let answer: Result<Value, _> = provider.raw_request(method.into(), params).await;
    answer.expect_err(method).to_string()
}

#[test]
fn dev_methods_raw_transactions_errors_and_the_state_file() {
    let dir = scratch("node-dev");
    let state = dir.join("chain.jsonl");
    let node = NodeProcess::start(Some(&state));
    let recipient = Address::repeat_byte(0x77);
    let head = block_on(async {
        let provider = node.provider();
        let snapshot: Value = provider
            .raw_request("evm_snapshot".into(), ())
            .await
            .unwrap();
        let block = provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await
            .unwrap()
            .unwrap();
        let _: Value = provider
            .raw_request("anvil_setBalance".into(), (recipient, "0x1234"))
            .await
            .unwrap();
        assert_eq!(
            provider.get_balance(recipient).await.unwrap(),
            U256::from(0x1234)
        );
        let _: Value = provider
            .raw_request("evm_increaseTime".into(), (3_600,))
            .await
            .unwrap();
        let _: Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
        let mined = provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(mined.header.number, block.header.number + 1);
        assert!(mined.header.timestamp >= block.header.timestamp + 3_600);
        assert_eq!(mined.header.parent_hash, block.header.hash);
        let reverted: bool = provider
            .raw_request("evm_revert".into(), (snapshot,))
            .await
            .unwrap();
        assert!(reverted);
        assert_eq!(provider.get_balance(recipient).await.unwrap(), U256::ZERO);
        assert_eq!(
            provider.get_block_number().await.unwrap(),
            block.header.number
        );

        // Signed transfers, legacy then EIP-1559; a replay is refused.
        let legacy = transfer(&node, 4, 0, 5, true);
        let hash = *provider
            .send_raw_transaction(&legacy)
            .await
            .unwrap()
            .tx_hash();
        let receipt = provider
            .get_transaction_receipt(hash)
            .await
            .unwrap()
            .unwrap();
        assert!(receipt.status());
        assert_eq!(receipt.gas_used, 21_000);
        assert_eq!(receipt.from, node.signer(4).address());
        let again = provider
            .send_raw_transaction(&legacy)
            .await
            .unwrap_err()
            .to_string();
        assert!(again.contains("nonce too low"), "{again}");
        let ahead = provider
            .send_raw_transaction(&transfer(&node, 4, 5, 1, false))
            .await
            .unwrap_err()
            .to_string();
        assert!(ahead.contains("nonce too high"), "{ahead}");
        let pending = provider
            .send_raw_transaction(&transfer(&node, 4, 1, 6, false))
            .await
            .unwrap();
        let receipt = pending.get_receipt().await.unwrap();
        assert!(receipt.status() && receipt.transaction_type() == alloy_consensus::TxType::Eip1559);
        assert_eq!(
            provider.get_balance(recipient).await.unwrap(),
            U256::from(11)
        );
        assert_eq!(
            provider
                .get_transaction_count(node.signer(4).address())
                .await
                .unwrap(),
            2
        );
        let paid = keel_cli::node::accounts::dev_balance_wei()
            - U256::from(11)
            - U256::from(2 * 21_000 * 10_000_000u64);
        assert_eq!(
            provider
                .get_balance(node.signer(4).address())
                .await
                .unwrap(),
            paid
        );

        // The node signs for its dev accounts (cast --unlocked, ethers' getSigner).
        let accounts: Vec<Address> = provider
            .raw_request("eth_accounts".into(), ())
            .await
            .unwrap();
        assert_eq!(accounts[5], node.signer(5).address());
        let unsigned =
            serde_json::json!([{ "from": accounts[5], "to": recipient, "value": "0x7" }]);
        let hash: alloy_primitives::B256 = provider
            .raw_request("eth_sendTransaction".into(), unsigned)
            .await
            .unwrap();
        let receipt = provider
            .get_transaction_receipt(hash)
            .await
            .unwrap()
            .unwrap();
        assert!(receipt.status() && receipt.from == accounts[5]);
        let sent = provider
            .get_transaction_by_hash(hash)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (sent.inner.signer(), sent.block_number),
            (accounts[5], receipt.block_number)
        );
        let full = provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .full()
            .await
            .unwrap()
            .unwrap();
        let txs = full.transactions.as_transactions().unwrap();
        assert_eq!((txs.len(), *txs[0].inner.tx_hash()), (1, hash));
        assert_eq!(
            provider.get_balance(recipient).await.unwrap(),
            U256::from(18)
        );
        let stranger = serde_json::json!([{ "from": recipient, "to": recipient }]);
        let refused = error_of(&provider, "eth_sendTransaction", stranger).await;
        assert!(refused.contains("not a dev account"), "{refused}");

        let bad = error_of(
            &provider,
            "eth_getBalance",
            serde_json::json!(["0xnope", "latest"]),
        )
        .await;
        assert!(
            bad.contains("-32602") || bad.contains("parameter 0"),
            "{bad}"
        );
        let unknown = error_of(&provider, "eth_mining", serde_json::json!([])).await;
        assert!(unknown.contains("does not exist"), "{unknown}");
        let garbage = error_of(
            &provider,
            "eth_sendRawTransaction",
            serde_json::json!(["0x02c0"]),
        )
        .await;
        assert!(garbage.contains("undecodable"), "{garbage}");
        let history = error_of(
            &provider,
            "eth_getBalance",
            serde_json::json!([recipient, "0x0"]),
        )
        .await;
        assert!(history.contains("historical state"), "{history}");
        let fees = provider
            .get_fee_history(2, BlockNumberOrTag::Latest, &[50.0])
            .await
            .unwrap();
        assert_eq!(fees.base_fee_per_gas, vec![10_000_000; 3]);
        provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await
            .unwrap()
            .unwrap()
    });
    drop(node);

    // A restart replays the state file: same blocks, same balances.
    let restarted = NodeProcess::start(Some(&state));
    block_on(async {
        let provider = restarted.provider();
        let latest = provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(latest.header.hash, head.header.hash);
        assert_eq!(
            provider.get_balance(recipient).await.unwrap(),
            U256::from(18)
        );
    });
    std::fs::remove_dir_all(dir).unwrap();
}

//! The node's history: blocks (one per transaction, as anvil's automine,
//! plus empty ones from `evm_mine`), transactions with their receipts, and
//! the logs `eth_getLogs` filters. Rendered with alloy's RPC types so every
//! client reads them as it reads any node's.

use alloy_consensus::{
    Receipt, ReceiptEnvelope, ReceiptWithBloom, Transaction as _, TxEnvelope, TxType,
};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{keccak256, Address, Bloom, Bytes, LogData, B256, U256};
use alloy_rpc_types_eth::{
    Block, BlockTransactions, Filter, Header, Log, Transaction, TransactionReceipt,
};

/// What a transaction did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Whether it succeeded.
    pub success: bool,
    /// Gas used (the wasm backend's metering, refund applied).
    pub gas_used: u64,
    /// Its logs (none when it failed).
    pub logs: Vec<keel_devnet::Log>,
    /// The contract a creation made.
    pub contract_address: Option<Address>,
}

/// A mined transaction.
#[derive(Debug, Clone)]
pub struct MinedTx {
    /// The transaction as signed.
    pub envelope: TxEnvelope,
    /// Its sender.
    pub from: Address,
    /// What it did.
    pub outcome: Outcome,
    /// Gas price paid, wei (the base fee: Arbitrum pays no tip).
    pub gas_price_wei: u128,
}

/// A block.
#[derive(Debug, Clone)]
pub struct MinedBlock {
    /// The header (its hash is the block hash).
    pub header: alloy_consensus::Header,
    /// Its hash.
    pub hash: B256,
    /// Its transactions, in order.
    pub txs: Vec<MinedTx>,
}

/// Every block since genesis.
#[derive(Debug, Clone, Default)]
pub struct Chain {
    blocks: Vec<MinedBlock>,
}

/// The block gas limit, as the devnet's (Arbitrum One's per-block limit).
pub const BLOCK_GAS_LIMIT: u64 = 32_000_000;

impl Chain {
    /// The latest block.
    pub fn head(&self) -> Option<&MinedBlock> {
        self.blocks.last()
    }

    /// Number of the latest block (0 before genesis).
    pub fn head_number(&self) -> u64 {
        self.head().map_or(0, |b| b.header.number)
    }

    /// Timestamp of the latest block, seconds.
    pub fn head_timestamp(&self) -> u64 {
        self.head().map_or(0, |b| b.header.timestamp)
    }

    /// Blocks mined so far (genesis included).
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Whether no block was mined (not even genesis).
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Drops every block after the first `len` (a snapshot's revert).
    pub fn truncate(&mut self, len: usize) {
        self.blocks.truncate(len);
    }

    /// Mines a block holding `txs` at `timestamp` with base fee `base_fee_wei`.
    pub fn mine(&mut self, timestamp: u64, base_fee_wei: u64, txs: Vec<MinedTx>) {
        let parent_hash = self.head().map_or(B256::ZERO, |b| b.hash);
        let number = self.head().map_or(0, |b| b.header.number + 1);
        let mut bloom = Bloom::default();
        for log in txs.iter().flat_map(|t| &t.outcome.logs) {
            bloom.accrue_log(&primitive_log(log));
        }
        let hashes: Vec<u8> = txs.iter().flat_map(|t| t.envelope.tx_hash().0).collect();
        let header = alloy_consensus::Header {
            parent_hash,
            number,
            timestamp,
            gas_limit: BLOCK_GAS_LIMIT,
            gas_used: txs.iter().map(|t| t.outcome.gas_used).sum(),
            base_fee_per_gas: Some(base_fee_wei),
            logs_bloom: bloom,
            // Not the trie roots (the node keeps no trie): a commitment to
            // the transactions, so that different blocks hash differently.
            transactions_root: keccak256(&hashes),
            ..alloy_consensus::Header::default()
        };
        let hash = header.hash_slow();
        self.blocks.push(MinedBlock { header, hash, txs });
    }

    /// The block numbered `number`.
    pub fn block(&self, number: u64) -> Option<&MinedBlock> {
        let index = usize::try_from(number).ok()?;
        self.blocks.get(index).filter(|b| b.header.number == number)
    }

    /// The block with hash `hash`.
    pub fn block_by_hash(&self, hash: B256) -> Option<&MinedBlock> {
        self.blocks.iter().rev().find(|b| b.hash == hash)
    }

    /// A mined transaction: its block and index.
    pub fn transaction(&self, hash: B256) -> Option<(&MinedBlock, usize)> {
        self.blocks.iter().rev().find_map(|block| {
            let index = block
                .txs
                .iter()
                .position(|t| *t.envelope.tx_hash() == hash)?;
            Some((block, index))
        })
    }

    /// The logs of blocks `from..=to` that `filter` selects (address and
    /// topics), in chain order.
    pub fn logs(&self, from: u64, to: u64, filter: &Filter) -> Vec<Log> {
        self.blocks
            .iter()
            .filter(|b| (from..=to).contains(&b.header.number))
            .flat_map(rpc_logs)
            .filter(|log| filter.matches(&log.inner))
            .collect()
    }
}

fn primitive_log(log: &keel_devnet::Log) -> alloy_primitives::Log {
    alloy_primitives::Log {
        address: log.address,
        data: LogData::new_unchecked(log.topics.clone(), log.data.clone()),
    }
}

/// Every log of `block` with its position.
fn rpc_logs(block: &MinedBlock) -> Vec<Log> {
    let mut logs = Vec::new();
    for (index, tx) in block.txs.iter().enumerate() {
        for log in &tx.outcome.logs {
            logs.push(Log {
                inner: primitive_log(log),
                block_hash: Some(block.hash),
                block_number: Some(block.header.number),
                block_timestamp: Some(block.header.timestamp),
                transaction_hash: Some(*tx.envelope.tx_hash()),
                transaction_index: Some(index as u64),
                log_index: Some(logs.len() as u64),
                removed: false,
            });
        }
    }
    logs
}

/// `eth_getBlockBy*`: with full transactions or their hashes.
pub fn render_block(block: &MinedBlock, full: bool) -> Block {
    let transactions = match full {
        true => BlockTransactions::Full(
            (0..block.txs.len())
                .map(|i| render_transaction(block, i))
                .collect(),
        ),
        false => {
            BlockTransactions::Hashes(block.txs.iter().map(|t| *t.envelope.tx_hash()).collect())
        }
    };
    let mut header = Header::new(block.header.clone());
    header.total_difficulty = Some(U256::ZERO);
    Block::new(header, transactions)
}

/// `eth_getTransactionByHash`.
pub fn render_transaction(block: &MinedBlock, index: usize) -> Transaction {
    let tx = &block.txs[index];
    Transaction {
        inner: alloy_consensus::transaction::Recovered::new_unchecked(tx.envelope.clone(), tx.from),
        block_hash: Some(block.hash),
        block_number: Some(block.header.number),
        transaction_index: Some(index as u64),
        effective_gas_price: Some(tx.gas_price_wei),
    }
}

/// `eth_getTransactionReceipt`.
pub fn render_receipt(block: &MinedBlock, index: usize) -> TransactionReceipt {
    let tx = &block.txs[index];
    let logs: Vec<Log> = rpc_logs(block)
        .into_iter()
        .filter(|log| log.transaction_index == Some(index as u64))
        .collect();
    let mut bloom = Bloom::default();
    for log in &logs {
        bloom.accrue_log(&log.inner);
    }
    let cumulative_gas_used = block.txs[..=index].iter().map(|t| t.outcome.gas_used).sum();
    let receipt = ReceiptWithBloom {
        receipt: Receipt {
            status: tx.outcome.success.into(),
            cumulative_gas_used,
            logs,
        },
        logs_bloom: bloom,
    };
    let inner = match tx.envelope.tx_type() {
        TxType::Legacy => ReceiptEnvelope::Legacy(receipt),
        TxType::Eip2930 => ReceiptEnvelope::Eip2930(receipt),
        _ => ReceiptEnvelope::Eip1559(receipt),
    };
    TransactionReceipt {
        inner,
        transaction_hash: *tx.envelope.tx_hash(),
        transaction_index: Some(index as u64),
        block_hash: Some(block.hash),
        block_number: Some(block.header.number),
        gas_used: tx.outcome.gas_used,
        effective_gas_price: tx.gas_price_wei,
        blob_gas_used: None,
        blob_gas_price: None,
        from: tx.from,
        to: tx.envelope.to(),
        contract_address: tx.outcome.contract_address,
    }
}

/// The raw bytes of a mined transaction (what `eth_sendRawTransaction` got).
pub fn raw_transaction(tx: &MinedTx) -> Bytes {
    tx.envelope.encoded_2718().into()
}

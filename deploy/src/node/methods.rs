//! The JSON-RPC methods: each maps its parameters onto [`Node`] and renders
//! the answer as geth and anvil do (hex quantities, alloy's RPC types).

use super::accounts::dev_accounts;
use super::chain::{render_block, render_receipt, render_transaction, MinedBlock, BLOCK_GAS_LIMIT};
use super::exec::CallRequest;
use super::filters::Changes;
use super::rpc::{Params, RpcError, RpcResult};
use super::tx::SignedTx;
use super::Node;
use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_rpc_types_eth::state::StateOverride;
use alloy_rpc_types_eth::{FeeHistory, Filter, TransactionRequest};
use serde_json::{json, Value};

/// The client name `web3_clientVersion` reports.
pub const CLIENT_VERSION: &str = concat!("keel-node/", env!("CARGO_PKG_VERSION"));

fn quantity(n: u64) -> Value {
    json!(format!("{n:#x}"))
}

fn to_json<T: serde::Serialize>(value: T) -> RpcResult {
    serde_json::to_value(value).map_err(|e| RpcError::server(format!("encoding the answer: {e}")))
}

/// A quantity parameter given as a JSON number or a hex or decimal string.
fn quantity_param(params: &Params, index: usize) -> Result<u64, RpcError> {
    let value: Value = params.get(index)?;
    let parsed = match &value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => match s.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => s.parse().ok(),
        },
        _ => None,
    };
    parsed.ok_or_else(|| {
        RpcError::invalid_params(format!("parameter {index}: {value} is not a quantity"))
    })
}

impl Node {
    /// Answers one JSON-RPC call.
    pub fn dispatch(&mut self, method: &str, params: &Params) -> RpcResult {
        match method {
            "web3_clientVersion" => Ok(json!(CLIENT_VERSION)),
            "eth_chainId" => Ok(quantity(self.chain_id())),
            "net_version" => Ok(json!(self.chain_id().to_string())),
            "net_listening" => Ok(json!(true)),
            "eth_syncing" => Ok(json!(false)),
            "eth_accounts" => to_json(dev_accounts().iter().map(|a| a.address).collect::<Vec<_>>()),
            "eth_blockNumber" => Ok(quantity(self.chain.head_number())),
            "eth_getBlockByNumber" => self.block_by_number(params),
            "eth_getBlockByHash" => self.block_by_hash(params),
            "eth_getBalance" => self.account_read(params, |node, a| to_json(node.net.balance(a))),
            "eth_getCode" => self.account_read(params, |node, a| to_json(node.net.code(a))),
            "eth_getTransactionCount" => {
                self.account_read(params, |node, a| Ok(quantity(node.net.nonce(a))))
            }
            "eth_getStorageAt" => self.storage_at(params),
            "eth_gasPrice" => Ok(quantity(self.base_fee_wei())),
            "eth_maxPriorityFeePerGas" => Ok(quantity(0)),
            "eth_feeHistory" => self.fee_history(params),
            "eth_call" => self.eth_call(params),
            "eth_estimateGas" => self.estimate_gas(params),
            "eth_sendRawTransaction" => {
                let raw: Bytes = params.get(0)?;
                let hash = self.send(SignedTx::decode(&raw)?)?;
                to_json(hash)
            }
            "eth_sendTransaction" => {
                let request: TransactionRequest = params.get(0)?;
                to_json(self.send_unlocked(request)?)
            }
            "eth_getTransactionReceipt" => {
                self.mined(params, |block, i| to_json(render_receipt(block, i)))
            }
            "eth_getTransactionByHash" => {
                self.mined(params, |block, i| to_json(render_transaction(block, i)))
            }
            "eth_getLogs" => self.logs(params),
            _ => match self.filter_dispatch(method, params) {
                Some(answer) => answer,
                None => self.dev_dispatch(method, params),
            },
        }
    }

    fn dev_dispatch(&mut self, method: &str, params: &Params) -> RpcResult {
        match method {
            "evm_increaseTime" => Ok(quantity(self.increase_time(quantity_param(params, 0)?))),
            "evm_mine" => {
                let timestamp = params
                    .optional::<Value>(0)?
                    .map(|_| quantity_param(params, 0))
                    .transpose()?;
                self.mine(timestamp)?;
                Ok(json!("0x0"))
            }
            "evm_setNextBlockTimestamp" => {
                self.set_clock(quantity_param(params, 0)?)?;
                Ok(Value::Null)
            }
            "evm_snapshot" => Ok(quantity(self.snapshot())),
            "evm_revert" => Ok(json!(self.revert(quantity_param(params, 0)?)?)),
            "anvil_setBalance" | "hardhat_setBalance" => {
                let address: Address = params.get(0)?;
                let wei: U256 = params.get(1)?;
                self.set_balance(address, wei)?;
                Ok(Value::Null)
            }
            _ => Err(RpcError::unknown_method(method)),
        }
    }

    /// Checks that a block parameter names the latest state: the node keeps
    /// no history of states, only of blocks.
    fn latest_state(&self, params: &Params, index: usize) -> Result<(), RpcError> {
        let head = self.chain.head_number();
        let number = match params.optional::<BlockId>(index)? {
            None => return Ok(()),
            Some(BlockId::Number(tag)) => self.resolve(tag),
            Some(BlockId::Hash(hash)) => self
                .chain
                .block_by_hash(hash.block_hash)
                .map(|b| b.header.number),
        };
        match number {
            Some(n) if n == head => Ok(()),
            _ => Err(RpcError::server(format!(
                "only the latest state (block {head}) is kept; historical state is not available"
            ))),
        }
    }

    pub(super) fn resolve(&self, tag: BlockNumberOrTag) -> Option<u64> {
        match tag {
            BlockNumberOrTag::Number(n) => Some(n),
            BlockNumberOrTag::Earliest => Some(0),
            _ => Some(self.chain.head_number()),
        }
    }

    fn account_read(
        &mut self,
        params: &Params,
        read: impl Fn(&Node, Address) -> RpcResult,
    ) -> RpcResult {
        let address: Address = params.get(0)?;
        self.latest_state(params, 1)?;
        read(self, address)
    }

    fn storage_at(&mut self, params: &Params) -> RpcResult {
        let address: Address = params.get(0)?;
        let slot: U256 = params.get(1)?;
        self.latest_state(params, 2)?;
        to_json(self.net.storage_at(address, slot))
    }

    fn block_by_number(&mut self, params: &Params) -> RpcResult {
        let tag: BlockNumberOrTag = params.get(0)?;
        let full = params.optional::<bool>(1)?.unwrap_or(false);
        let block = self.resolve(tag).and_then(|n| self.chain.block(n));
        render_optional_block(block, full)
    }

    fn block_by_hash(&mut self, params: &Params) -> RpcResult {
        let hash: B256 = params.get(0)?;
        let full = params.optional::<bool>(1)?.unwrap_or(false);
        render_optional_block(self.chain.block_by_hash(hash), full)
    }

    fn mined(
        &self,
        params: &Params,
        render: impl Fn(&MinedBlock, usize) -> RpcResult,
    ) -> RpcResult {
        let hash: B256 = params.get(0)?;
        match self.chain.transaction(hash) {
            Some((block, index)) => render(block, index),
            None => Ok(Value::Null),
        }
    }

    fn fee_history(&mut self, params: &Params) -> RpcResult {
        let count = quantity_param(params, 0)?.clamp(1, 1_024);
        let newest_tag: BlockNumberOrTag = params.get(1)?;
        let percentiles = params.optional::<Vec<f64>>(2)?;
        let newest = self
            .resolve(newest_tag)
            .unwrap_or_default()
            .min(self.chain.head_number());
        let oldest = newest.saturating_sub(count - 1);
        let blocks: Vec<&MinedBlock> = (oldest..=newest)
            .filter_map(|n| self.chain.block(n))
            .collect();
        let base_fee = u128::from(self.base_fee_wei());
        let history = FeeHistory {
            oldest_block: oldest,
            // One more than the blocks: the base fee of the next block.
            base_fee_per_gas: vec![base_fee; blocks.len() + 1],
            gas_used_ratio: blocks
                .iter()
                .map(|b| b.header.gas_used as f64 / BLOCK_GAS_LIMIT as f64)
                .collect(),
            base_fee_per_blob_gas: Vec::new(),
            blob_gas_used_ratio: Vec::new(),
            // Arbitrum pays no tip: every percentile's reward is zero.
            reward: percentiles.map(|p| vec![vec![0u128; p.len()]; blocks.len()]),
        };
        to_json(history)
    }

    /// The call of an `eth_call` or `eth_estimateGas`: request, state
    /// check, overrides.
    fn call_params(&self, params: &Params) -> Result<(CallRequest, StateOverride), RpcError> {
        let request: TransactionRequest = params.get(0)?;
        self.latest_state(params, 1)?;
        let overrides = params.optional::<StateOverride>(2)?.unwrap_or_default();
        let call = CallRequest {
            from: request.from.unwrap_or_default(),
            to: match request.to {
                Some(TxKind::Call(to)) => Some(to),
                Some(TxKind::Create) | None => None,
            },
            value_wei: request.value.unwrap_or_default(),
            input: request.input.input().cloned().unwrap_or_default(),
            gas_limit: request.gas,
        };
        Ok((call, overrides))
    }

    fn eth_call(&mut self, params: &Params) -> RpcResult {
        let (request, overrides) = self.call_params(params)?;
        let outcome = self.call(&request, &overrides)?;
        match outcome.success {
            true => to_json(outcome.output),
            false => Err(RpcError::reverted(&outcome.output)),
        }
    }

    fn estimate_gas(&mut self, params: &Params) -> RpcResult {
        let (request, overrides) = self.call_params(params)?;
        Ok(quantity(self.estimate(&request, &overrides)?))
    }

    fn logs(&self, params: &Params) -> RpcResult {
        let filter: Filter = params.get(0)?;
        to_json(self.logs_of(&filter)?)
    }

    fn filter_dispatch(&mut self, method: &str, params: &Params) -> Option<RpcResult> {
        let answer = match method {
            "eth_newFilter" => params.get(0).map(|f| quantity(self.new_filter(Some(f)))),
            "eth_newBlockFilter" => Ok(quantity(self.new_filter(None))),
            "eth_uninstallFilter" => {
                quantity_param(params, 0).map(|id| json!(self.uninstall_filter(id)))
            }
            "eth_getFilterChanges" => quantity_param(params, 0)
                .and_then(|id| self.filter_changes(id))
                .and_then(|changes| match changes {
                    Changes::Logs(logs) => to_json(logs),
                    Changes::Blocks(hashes) => to_json(hashes),
                }),
            "eth_getFilterLogs" => {
                quantity_param(params, 0).and_then(|id| to_json(self.filter_logs(id)?))
            }
            _ => return None,
        };
        Some(answer)
    }
}

fn render_optional_block(block: Option<&MinedBlock>, full: bool) -> RpcResult {
    match block {
        Some(block) => to_json(render_block(block, full)),
        None => Ok(Value::Null),
    }
}

//! Running transactions and calls on the node: fees, nonces, the gas limit
//! as the wasm meter's budget, contract creation of Stylus code, mining,
//! and calls on a throwaway state (`eth_call`, `eth_estimateGas`).

use super::chain::{MinedTx, Outcome, BLOCK_GAS_LIMIT};
use super::code::{is_stylus, StylusCode};
use super::journal::Entry;
use super::rpc::RpcError;
use super::tx::SignedTx;
use super::Node;
use crate::chain::stylus::{code_of_init_code, ARB_WASM};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_rpc_types_eth::state::StateOverride;
use keel_devnet::{BlockEnv, Receipt};

/// Gas a contract creation pays beyond a call (EIP-2: 32,000).
pub const CREATE_GAS: u64 = 32_000;
/// Gas per byte of code stored by a creation.
pub const CODE_DEPOSIT_GAS_PER_BYTE: u64 = 200;

/// Percent added to the gas a call used by `eth_estimateGas`: the 63/64
/// rule holds back gas in nested calls, so a limit of exactly the gas used
/// can run out (the excess is not charged).
pub const ESTIMATE_MARGIN_PERCENT: u64 = 20;

/// A call on a throwaway state.
#[derive(Debug, Clone, Default)]
pub struct CallRequest {
    /// Sender (zero when absent).
    pub from: Address,
    /// Recipient; `None` for a creation.
    pub to: Option<Address>,
    /// Value, wei.
    pub value_wei: U256,
    /// Calldata or init code.
    pub input: Bytes,
    /// Gas limit (the block's when absent).
    pub gas_limit: Option<u64>,
}

/// What a call did.
#[derive(Debug, Clone)]
pub struct CallOutcome {
    /// Whether it succeeded.
    pub success: bool,
    /// Return or revert data.
    pub output: Bytes,
    /// Gas before the refund (what the gas limit must cover).
    pub gross_gas: u64,
}

impl Node {
    /// Checks, runs and mines a transaction; returns its hash.
    ///
    /// Errors: a check fails (nonce, chain id, fees, funds, gas limit);
    /// nothing is mined then. A transaction that reverts is mined.
    pub fn send(&mut self, tx: SignedTx) -> Result<B256, RpcError> {
        let timestamp = self.next_timestamp();
        let hash = tx.hash;
        let raw = tx.envelope.encoded_2718().into();
        self.execute_and_mine(tx, timestamp)?;
        self.journal_append(Entry::Block {
            timestamp,
            txs: vec![raw],
        })?;
        Ok(hash)
    }

    /// The transaction as a not-yet-mined record, once its checks pass.
    fn prechecked(&self, tx: SignedTx) -> Result<MinedTx, RpcError> {
        let base_fee = u128::from(self.base_fee_wei());
        tx.check(self.chain_id(), base_fee, BLOCK_GAS_LIMIT)?;
        let expected = self.net.nonce(tx.from);
        if tx.nonce() != expected {
            let relation = if tx.nonce() < expected {
                "too low"
            } else {
                "too high"
            };
            return Err(RpcError::server(format!(
                "nonce {relation}: the transaction has {}, the account {expected}",
                tx.nonce()
            )));
        }
        // A creation's code deposit is all its execution: checked up front.
        let needed = match tx.to() {
            Some(_) => intrinsic_gas(tx.input(), false),
            None => creation_gas(tx.input()),
        };
        if tx.gas_limit() < needed {
            return Err(RpcError::server(format!(
                "intrinsic gas too low: {needed} needed, the limit is {}",
                tx.gas_limit()
            )));
        }
        let most =
            (U256::from(tx.gas_limit()) * U256::from(base_fee)).saturating_add(tx.value_wei());
        if self.net.balance(tx.from) < most {
            return Err(RpcError::server(format!(
                "insufficient funds for gas * price + value: have {} want {most}",
                self.net.balance(tx.from)
            )));
        }
        if tx.to().is_none() && code_of_init_code(tx.input()).is_none_or(|code| !is_stylus(code)) {
            return Err(RpcError::server(
                "only Stylus init code (cargo-stylus's prelude returning Stylus code) can create a contract: the node has no EVM",
            ));
        }
        Ok(MinedTx {
            envelope: tx.envelope,
            from: tx.from,
            outcome: Outcome {
                success: false,
                gas_used: 0,
                logs: Vec::new(),
                contract_address: None,
            },
            gas_price_wei: base_fee,
        })
    }

    /// Runs a checked transaction in a new block at `timestamp` and charges
    /// its gas at the base fee.
    pub(super) fn execute_and_mine(
        &mut self,
        tx: SignedTx,
        timestamp: u64,
    ) -> Result<(), RpcError> {
        let mut mined = self.prechecked(tx.clone())?;
        let env = self.open_block(timestamp, tx.gas_limit());
        let outcome = match tx.to() {
            Some(to) => {
                let receipt = self.net.transact(tx.from, to, tx.value_wei(), tx.input());
                outcome_of(&receipt, tx.gas_limit())
            }
            None => self.create(&tx),
        };
        self.net.set_block_env(env);
        let fee = U256::from(outcome.gas_used) * U256::from(mined.gas_price_wei);
        let balance = self.net.balance(tx.from);
        self.net.set_balance(tx.from, balance.saturating_sub(fee));
        mined.outcome = outcome;
        let base_fee = self.base_fee_wei();
        self.chain.mine(timestamp, base_fee, vec![mined]);
        Ok(())
    }

    /// Mines a block without transactions (`evm_mine`).
    pub(super) fn mine_empty(&mut self, timestamp: u64) {
        let base_fee = self.base_fee_wei();
        self.chain.mine(timestamp, base_fee, Vec::new());
    }

    /// Sets the block values of the block about to be mined, with the
    /// transaction's gas limit as the wasm meter's budget; returns the
    /// values to put back after it.
    fn open_block(&mut self, timestamp: u64, gas_limit: u64) -> BlockEnv {
        let env = self.net.block_env();
        self.net.set_block_env(BlockEnv {
            number: self.chain.head_number() + 1,
            timestamp,
            gas_limit,
            ..env
        });
        BlockEnv {
            number: self.chain.head_number() + 1,
            timestamp,
            ..env
        }
    }

    /// A creation transaction: Stylus code at the sender's CREATE address,
    /// activated already when ArbWasm activated its code hash.
    fn create(&mut self, tx: &SignedTx) -> Outcome {
        let code = code_of_init_code(tx.input()).unwrap_or_default().to_vec();
        let account = self.stylus_account(code.into());
        let address = self.net.deploy(tx.from, account);
        Outcome {
            success: true,
            gas_used: creation_gas(tx.input()),
            logs: Vec::new(),
            contract_address: Some(address),
        }
    }

    /// Stylus code as an account: activated when its code hash is.
    fn stylus_account(&self, code: Bytes) -> StylusCode {
        let slot = U256::from_be_bytes(keccak256(&code).0);
        if self.net.storage_at(ARB_WASM, slot).is_zero() {
            return StylusCode::inactive(code);
        }
        match self.cache.compile(&code, |a| self.net.code(a).to_vec()) {
            Ok(compiled) => StylusCode::activated(code, compiled.program),
            Err(_) => StylusCode::inactive(code),
        }
    }

    /// Runs `request` on the current state with `overrides` and discards
    /// every effect (`eth_call`, `eth_estimateGas`).
    ///
    /// Errors: an override the node cannot apply (EVM code, storage, nonce).
    pub fn call(
        &mut self,
        request: &CallRequest,
        overrides: &StateOverride,
    ) -> Result<CallOutcome, RpcError> {
        let saved = self.net.snapshot();
        let outcome = self.call_on_snapshot(request, overrides);
        self.net.restore(saved);
        self.net.forget(saved);
        outcome
    }

    /// `eth_estimateGas`: the gas `request` uses before refunds, plus
    /// [`ESTIMATE_MARGIN_PERCENT`], at most the block gas limit.
    ///
    /// Errors: the call reverts (code 3 with its data), or an override.
    pub fn estimate(
        &mut self,
        request: &CallRequest,
        overrides: &StateOverride,
    ) -> Result<u64, RpcError> {
        let outcome = self.call(request, overrides)?;
        if !outcome.success {
            return Err(RpcError::reverted(&outcome.output));
        }
        let used = outcome.gross_gas;
        let margin = used.saturating_mul(ESTIMATE_MARGIN_PERCENT) / 100;
        Ok(used.saturating_add(margin).min(BLOCK_GAS_LIMIT))
    }

    fn call_on_snapshot(
        &mut self,
        request: &CallRequest,
        overrides: &StateOverride,
    ) -> Result<CallOutcome, RpcError> {
        self.apply_overrides(overrides)?;
        let timestamp = self.next_timestamp();
        let gas_limit = request
            .gas_limit
            .unwrap_or(BLOCK_GAS_LIMIT)
            .min(BLOCK_GAS_LIMIT);
        self.open_block(timestamp, gas_limit);
        let Some(to) = request.to else {
            let stylus = code_of_init_code(&request.input).is_some_and(is_stylus);
            let gross_gas = creation_gas(&request.input);
            return match stylus {
                true => Ok(CallOutcome {
                    success: true,
                    output: Bytes::new(),
                    gross_gas,
                }),
                false => Err(RpcError::server(
                    "only Stylus init code can create a contract: the node has no EVM",
                )),
            };
        };
        let receipt = self
            .net
            .transact(request.from, to, request.value_wei, &request.input);
        Ok(CallOutcome {
            success: receipt.success,
            output: receipt.output.clone(),
            gross_gas: receipt.gas.breakdown().gross,
        })
    }

    fn apply_overrides(&mut self, overrides: &StateOverride) -> Result<(), RpcError> {
        for (address, account) in overrides {
            if account.nonce.is_some() || account.state.is_some() || account.state_diff.is_some() {
                return Err(RpcError::invalid_params(
                    "state overrides: only balance and (Stylus) code are supported",
                ));
            }
            if let Some(balance) = account.balance {
                self.net.set_balance(*address, balance);
            }
            if let Some(code) = &account.code {
                if !is_stylus(code) {
                    return Err(RpcError::invalid_params(format!(
                        "state override of {address}: only Stylus code runs here (the node has no EVM)"
                    )));
                }
                let account = self.stylus_account(code.clone());
                self.net.set_code(*address, account);
            }
        }
        Ok(())
    }

    pub(super) fn journal_append(&mut self, entry: Entry) -> Result<(), RpcError> {
        self.journal
            .append(entry)
            .map_err(|e| RpcError::server(format!("writing the state file: {e:#}")))
    }
}

/// The receipt's outcome, with gas capped by the gas limit (native frames,
/// the mocks and the emulated system contracts, are not metered).
fn outcome_of(receipt: &Receipt, gas_limit: u64) -> Outcome {
    Outcome {
        success: receipt.success,
        gas_used: receipt.gas.breakdown().total.min(gas_limit),
        logs: receipt.logs.clone(),
        contract_address: None,
    }
}

/// The gas of a creation of Stylus code: intrinsic plus the code deposit.
pub fn creation_gas(init_code: &[u8]) -> u64 {
    let code_bytes = code_of_init_code(init_code).map_or(0, <[u8]>::len) as u64;
    intrinsic_gas(init_code, true).saturating_add(CODE_DEPOSIT_GAS_PER_BYTE * code_bytes)
}

/// 21,000 plus calldata (EIP-2028), plus 32,000 for a creation.
pub fn intrinsic_gas(input: &[u8], creation: bool) -> u64 {
    let call = keel_devnet::wasm::pricing::intrinsic_gas(input);
    if creation {
        call + CREATE_GAS
    } else {
        call
    }
}

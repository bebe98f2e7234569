//! Sending a deployment to a Stylus chain over JSON-RPC with alloy: one
//! signer, the provider's gas, nonce and fee fillers, and the state file so
//! that a failed run resumes where it stopped.

use super::state::DeployState;
use super::stylus::{ArbWasm, ARB_WASM};
use super::{plan_hash, ChainTx, TxValue};
use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{Address, U256};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_rpc_types_eth::state::{AccountOverride, StateOverride};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolCall;
use anyhow::{bail, Context, Result};
use std::path::Path;

/// Percent added to the activation data fee ArbWasm reports (as
/// cargo-stylus does); the StylusDeployer refunds what activation leaves.
pub const DATA_FEE_MARGIN_PERCENT: u64 = 20;

/// Where and as whom to deploy.
pub struct RpcTarget<'a> {
    /// JSON-RPC endpoint.
    pub url: &'a str,
    /// The deploying account's key.
    pub signer: PrivateKeySigner,
    /// The chain the configuration is for, checked against the endpoint.
    pub expected_chain_id: Option<u64>,
    /// The state file.
    pub state_path: &'a Path,
}

/// Sends `txs` (from [`super::transactions`] for the signer's address),
/// skipping steps the state file records as done and deployments whose
/// address already holds code.
///
/// Errors: another chain than the configuration's, no StylusDeployer code,
/// an RPC failure, a reverted transaction (its step stays undone, so the
/// next run retries it).
pub async fn send(target: RpcTarget<'_>, txs: &[ChainTx]) -> Result<()> {
    let sender = target.signer.address();
    let url = target
        .url
        .parse()
        .with_context(|| format!("RPC URL {}", target.url))?;
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(target.signer))
        .connect_http(url);
    let chain_id = provider.get_chain_id().await.context("eth_chainId")?;
    if let Some(expected) = target.expected_chain_id.filter(|&id| id != chain_id) {
        bail!("the configuration is for chain {expected}, the endpoint serves chain {chain_id}");
    }
    let purposes: Vec<String> = txs.iter().map(|t| t.purpose.clone()).collect();
    let mut state = DeployState::open(target.state_path, chain_id, plan_hash(txs), &purposes)?;
    for (i, tx) in txs.iter().enumerate() {
        let label = format!("#{} {}", i + 1, tx.purpose);
        if state.steps[i].done {
            println!("{label}: done earlier, skipped");
            continue;
        }
        if tx.value == TxValue::ActivationFee && has_code(&provider, tx.to).await? == 0 {
            bail!("no StylusDeployer at {} on chain {chain_id}; set stylus_deployer in the configuration", tx.to);
        }
        if tx.deploys.is_none() && tx.creates.is_some() && has_code(&provider, tx.to).await? == 0 {
            bail!("no CREATE2 factory at {} on chain {chain_id}; set create2_factory in the configuration", tx.to);
        }
        if let Some(address) = tx.creates {
            if has_code(&provider, address).await? > 0 {
                println!("{label}: {address} already holds the code, skipped");
                state.done(i, Some(address))?;
                continue;
            }
        }
        if let Some(hash) = state.steps[i].tx_hash {
            if let Some(receipt) = provider.get_transaction_receipt(hash).await? {
                if receipt.status() {
                    println!("{label}: {hash} had succeeded");
                    state.done(i, tx.creates)?;
                    continue;
                }
            }
        }
        let value = match tx.value {
            TxValue::Wei(wei) => wei,
            TxValue::ActivationFee => activation_fee(&provider, tx).await?,
        };
        let request = TransactionRequest::default()
            .with_from(sender)
            .with_to(tx.to)
            .with_value(value)
            .with_input(tx.calldata.clone());
        let pending = provider
            .send_transaction(request)
            .await
            .with_context(|| label.clone())?;
        let hash = *pending.tx_hash();
        state.sent(i, hash)?;
        println!("{label}: sent {hash}");
        let receipt = pending.get_receipt().await.with_context(|| label.clone())?;
        if !receipt.status() {
            bail!("{label}: transaction {hash} reverted; fix the cause and run again to resume");
        }
        state.done(i, tx.creates)?;
        println!(
            "{label}: done in block {}",
            receipt.block_number.unwrap_or_default()
        );
    }
    Ok(())
}

async fn has_code(provider: &impl Provider, address: Address) -> Result<usize> {
    Ok(provider.get_code_at(address).await?.len())
}

/// The data fee ArbWasm asks to activate `tx`'s program, plus
/// [`DATA_FEE_MARGIN_PERCENT`]: an `eth_call` of `activateProgram` with the
/// code placed at the program's future address by a state override, from
/// an account given a large balance the same way.
async fn activation_fee(provider: &impl Provider, tx: &ChainTx) -> Result<U256> {
    let (Some(address), Some(code)) = (tx.creates, &tx.code) else {
        bail!("{}: not a program deployment", tx.purpose);
    };
    let caller = Address::repeat_byte(0x4b);
    let mut overrides = StateOverride::default();
    overrides.insert(address, AccountOverride::default().with_code(code.clone()));
    overrides.insert(caller, AccountOverride::default().with_balance(U256::MAX));
    let call = ArbWasm::activateProgramCall { program: address };
    let request = TransactionRequest::default()
        .with_from(caller)
        .with_to(ARB_WASM)
        .with_value(U256::from(10).pow(U256::from(18)))
        .with_input(call.abi_encode());
    let output = provider
        .call(request)
        .overrides(overrides)
        .await
        .with_context(|| format!("{}: estimating the activation data fee", tx.purpose))?;
    let fee = ArbWasm::activateProgramCall::abi_decode_returns(&output)?.dataFee;
    Ok(fee * U256::from(100 + DATA_FEE_MARGIN_PERCENT) / U256::from(100))
}

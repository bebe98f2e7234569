//! Typed calls and transactions over an alloy provider.

use alloy_network::TransactionBuilder;
use alloy_primitives::Address;
use alloy_provider::Provider;
use alloy_rpc_types_eth::{TransactionReceipt, TransactionRequest};
use alloy_sol_types::SolCall;

/// Sends `call` to `to` from `from` (a dev account the provider signs for)
/// and returns its receipt, which must show success.
pub async fn send<C: SolCall>(
    provider: &impl Provider,
    from: Address,
    to: Address,
    call: C,
) -> TransactionReceipt {
    let request = TransactionRequest::default()
        .with_from(from)
        .with_to(to)
        .with_input(call.abi_encode());
    let pending = provider
        .send_transaction(request)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", C::SIGNATURE));
    let receipt = pending.get_receipt().await.unwrap();
    assert!(receipt.status(), "{} reverted: {receipt:?}", C::SIGNATURE);
    receipt
}

/// `eth_call` of `call` at `to`, decoded.
pub async fn view<C: SolCall>(provider: &impl Provider, to: Address, call: C) -> C::Return {
    let request = TransactionRequest::default()
        .with_to(to)
        .with_input(call.abi_encode());
    let output = provider
        .call(request)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", C::SIGNATURE));
    C::abi_decode_returns(&output).unwrap()
}

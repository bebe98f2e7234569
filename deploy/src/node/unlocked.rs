//! `eth_sendTransaction` for the dev accounts: the node signs with their
//! (public) keys, filling nonce, gas and fees as a wallet would, so that
//! `cast send --unlocked`, ethers' `provider.getSigner()` and Remix work.
//! Any other sender must sign itself and use `eth_sendRawTransaction`.

use super::accounts::dev_accounts;
use super::exec::CallRequest;
use super::rpc::RpcError;
use super::tx::SignedTx;
use super::Node;
use alloy_consensus::TxEip1559;
use alloy_primitives::{TxKind, B256};
use alloy_rpc_types_eth::TransactionRequest;

impl Node {
    /// Signs `request` for its dev account sender and sends it.
    ///
    /// Errors: no `from`, a sender that is not a dev account, a failed
    /// estimate (the call reverts), or any check of
    /// [`Node::send`].
    pub fn send_unlocked(&mut self, request: TransactionRequest) -> Result<B256, RpcError> {
        let from = request
            .from
            .ok_or_else(|| RpcError::invalid_params("eth_sendTransaction needs from"))?;
        let Some(account) = dev_accounts().into_iter().find(|a| a.address == from) else {
            return Err(RpcError::server(format!(
                "{from} is not a dev account of this node: sign locally and use eth_sendRawTransaction"
            )));
        };
        let to = request.to.unwrap_or(TxKind::Create);
        let input = request.input.input().cloned().unwrap_or_default();
        let value = request.value.unwrap_or_default();
        let gas_limit = match request.gas {
            Some(gas) => gas,
            None => {
                let call = CallRequest {
                    from,
                    to: to.to().copied(),
                    value_wei: value,
                    input: input.clone(),
                    gas_limit: None,
                };
                self.estimate(&call, &Default::default())?
            }
        };
        let base_fee = u128::from(self.base_fee_wei());
        let tx = TxEip1559 {
            chain_id: self.chain_id(),
            nonce: request.nonce.unwrap_or_else(|| self.net.nonce(from)),
            gas_limit,
            max_fee_per_gas: request
                .max_fee_per_gas
                .or(request.gas_price)
                .unwrap_or(base_fee),
            max_priority_fee_per_gas: 0,
            to,
            value,
            input,
            ..TxEip1559::default()
        };
        self.send(SignedTx::sign_eip1559(&account.key, tx)?)
    }
}

//! Raw transactions: EIP-2718 decoding, signature recovery and the checks
//! a node makes before accepting one (chain id, type, fees, gas limit).

use super::rpc::RpcError;
use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{SignableTransaction, Transaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_network::TxSignerSync;
use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_signer_local::PrivateKeySigner;

/// A decoded, signature-checked transaction.
#[derive(Debug, Clone)]
pub struct SignedTx {
    /// The transaction as signed.
    pub envelope: TxEnvelope,
    /// Its signer.
    pub from: Address,
    /// Its hash.
    pub hash: B256,
}

impl SignedTx {
    /// Signs `tx` with `key` (the node signing for a dev account).
    ///
    /// Errors: an invalid key.
    pub fn sign_eip1559(key: &B256, mut tx: TxEip1559) -> Result<Self, RpcError> {
        let signer = PrivateKeySigner::from_bytes(key)
            .map_err(|e| RpcError::server(format!("signing key: {e}")))?;
        let signature = signer
            .sign_transaction_sync(&mut tx)
            .map_err(|e| RpcError::server(format!("signing: {e}")))?;
        Self::decode(&TxEnvelope::from(tx.into_signed(signature)).encoded_2718())
    }

    /// Decodes `raw` (a legacy RLP list or a typed EIP-2718 envelope) and
    /// recovers its sender.
    ///
    /// Errors (invalid params): undecodable bytes, trailing bytes, a bad
    /// signature, or a type the node does not run (blob, EIP-7702).
    pub fn decode(raw: &[u8]) -> Result<Self, RpcError> {
        let mut rest = raw;
        let envelope = TxEnvelope::decode_2718(&mut rest)
            .map_err(|e| RpcError::invalid_params(format!("undecodable transaction: {e}")))?;
        if !rest.is_empty() {
            return Err(RpcError::invalid_params(
                "trailing bytes after the transaction",
            ));
        }
        if envelope.is_eip4844() || envelope.is_eip7702() {
            return Err(RpcError::invalid_params(
                "blob (EIP-4844) and EIP-7702 transactions are not supported; send legacy, EIP-2930 or EIP-1559",
            ));
        }
        let from = envelope
            .recover_signer()
            .map_err(|e| RpcError::invalid_params(format!("bad signature: {e}")))?;
        let hash = *envelope.tx_hash();
        Ok(Self {
            envelope,
            from,
            hash,
        })
    }

    /// The recipient, `None` for a contract creation.
    pub fn to(&self) -> Option<Address> {
        match self.envelope.kind() {
            TxKind::Call(to) => Some(to),
            TxKind::Create => None,
        }
    }

    /// Value sent, wei.
    pub fn value_wei(&self) -> U256 {
        self.envelope.value()
    }

    /// Calldata (or init code).
    pub fn input(&self) -> &Bytes {
        self.envelope.input()
    }

    /// The sender's nonce the transaction uses.
    pub fn nonce(&self) -> u64 {
        self.envelope.nonce()
    }

    /// Gas limit.
    pub fn gas_limit(&self) -> u64 {
        self.envelope.gas_limit()
    }

    /// Checks that the transaction may run on chain `chain_id` at base fee
    /// `base_fee_wei`: the right chain (legacy transactions without a chain
    /// id are accepted, as by geth's `--rpc.allow-unprotected-txs`), a fee
    /// cap covering the base fee, a gas limit within the block's.
    ///
    /// Errors: a JSON-RPC error naming the check.
    pub fn check(
        &self,
        chain_id: u64,
        base_fee_wei: u128,
        block_gas_limit: u64,
    ) -> Result<(), RpcError> {
        if let Some(id) = self.envelope.chain_id().filter(|&id| id != chain_id) {
            return Err(RpcError::server(format!(
                "invalid chain id {id}: this node is chain {chain_id}"
            )));
        }
        let cap = self.envelope.max_fee_per_gas();
        if cap < base_fee_wei {
            return Err(RpcError::server(format!(
                "max fee per gas {cap} is less than the block base fee {base_fee_wei}"
            )));
        }
        if self.gas_limit() > block_gas_limit {
            return Err(RpcError::server(format!(
                "gas limit {} exceeds the block gas limit {block_gas_limit}",
                self.gas_limit()
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_consensus::TxLegacy;

    fn signer() -> PrivateKeySigner {
        PrivateKeySigner::from_bytes(&B256::repeat_byte(7)).unwrap()
    }

    fn raw_1559(chain_id: u64, max_fee: u128) -> Vec<u8> {
        let mut tx = TxEip1559 {
            chain_id,
            nonce: 3,
            gas_limit: 50_000,
            max_fee_per_gas: max_fee,
            max_priority_fee_per_gas: 0,
            to: TxKind::Call(Address::repeat_byte(1)),
            value: U256::from(5),
            ..TxEip1559::default()
        };
        let signature = signer().sign_transaction_sync(&mut tx).unwrap();
        TxEnvelope::from(tx.into_signed(signature)).encoded_2718()
    }

    #[test]
    fn eip1559_and_legacy_recover_their_sender() {
        let tx = SignedTx::decode(&raw_1559(412_346, 100)).unwrap();
        assert_eq!(tx.from, signer().address());
        assert_eq!(
            (tx.nonce(), tx.gas_limit(), tx.value_wei()),
            (3, 50_000, U256::from(5))
        );
        assert_eq!(tx.to(), Some(Address::repeat_byte(1)));
        tx.check(412_346, 100, 32_000_000).unwrap();

        let mut legacy = TxLegacy {
            chain_id: Some(412_346),
            gas_price: 10,
            gas_limit: 60_000,
            to: TxKind::Create,
            input: vec![1, 2].into(),
            ..TxLegacy::default()
        };
        let signature = signer().sign_transaction_sync(&mut legacy).unwrap();
        let raw = TxEnvelope::from(legacy.into_signed(signature)).encoded_2718();
        let tx = SignedTx::decode(&raw).unwrap();
        assert_eq!((tx.from, tx.to()), (signer().address(), None));
        assert_eq!(tx.hash, alloy_primitives::keccak256(&raw));
    }

    #[test]
    fn bad_input_and_failed_checks_are_errors() {
        assert!(SignedTx::decode(&[]).is_err());
        assert!(SignedTx::decode(&[0x02, 0xc0]).is_err());
        let mut raw = raw_1559(1, 100);
        raw.push(0);
        assert!(SignedTx::decode(&raw)
            .unwrap_err()
            .message
            .contains("trailing"));
        let tx = SignedTx::decode(&raw_1559(1, 100)).unwrap();
        assert!(tx
            .check(412_346, 100, 32_000_000)
            .unwrap_err()
            .message
            .contains("chain id"));
        assert!(tx
            .check(1, 101, 32_000_000)
            .unwrap_err()
            .message
            .contains("base fee"));
        assert!(tx
            .check(1, 100, 40_000)
            .unwrap_err()
            .message
            .contains("gas limit"));
    }
}

//! ERC-20 transfers that accept tokens returning nothing (USDT style) and
//! fail with `TokenTransferFailed` when the token returns `false`, returns
//! anything but an ABI-encoded `true`, or reverts.
//!
//! Fee-on-transfer and rebasing tokens are not supported: every inbound
//! transfer reads the market's balance before and after and fails the whole
//! call with `TransferAmountMismatch` when less than the amount arrived, so a
//! token that turns a fee on later (USDT has that switch) stops deposits
//! instead of making the market owe more than it holds. Outbound transfers
//! need no check: the market books what it sends, and a token that delivers
//! less to the receiver costs the receiver, not the market.
//!
//! Why two balance reads and not one against the books: the market's balance
//! may exceed what it owes (donations), so a single read after the transfer
//! cannot tell a short delivery from a surplus. The two static calls cost a
//! warm account access each plus the token's own execution; the token's
//! balance slot of the market is read cold by the first of them instead of
//! by the transfer, so the cold load is not paid twice (measured on the
//! devnet: README, "Decisions").
//!
//! A token address without code would "succeed" every call (as on the EVM),
//! so token addresses are checked for code when they are configured, not on
//! every transfer.

use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall};
use stylus_sdk::call::{call, static_call};
use stylus_sdk::prelude::*;
use stylus_sdk::stylus_core::calls::Call;

use crate::errors::{MarketError, NotAContract, TokenTransferFailed, TransferAmountMismatch};
use crate::KeelMarket;
use keel_abi::{encode_static, AbiWord};

sol! {
    interface IErc20 {
        function transfer(address to, uint256 amount) external returns (bool);
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
    }
}

/// Whether a token call's return data means success: nothing (USDT style)
/// or exactly the ABI encoding of `true`. Read as four 64-bit words: a
/// comparison with a 32-byte `true` would convert it with ruint's
/// `to_be_bytes` and compare byte by byte (compiler-builtins' memcmp).
pub(crate) fn transfer_accepted(return_data: &[u8]) -> bool {
    match return_data.as_chunks::<8>() {
        ([], []) => true,
        ([a, b, c, d], []) => {
            let high = u64::from_ne_bytes(*a) | u64::from_ne_bytes(*b) | u64::from_ne_bytes(*c);
            high == 0 && u64::from_be_bytes(*d) == 1
        }
        _ => false,
    }
}

/// `transfer(to, amount)` calldata (the shared static encoder, not alloy's
/// per-call one: its address encoding keeps a panic location in static data).
fn transfer_calldata(to: Address, amount: U256) -> Vec<u8> {
    encode_static(IErc20::transferCall::SELECTOR, &[to.word(), amount.word()])
}

/// `transferFrom(from, to, amount)` calldata.
fn transfer_from_calldata(from: Address, to: Address, amount: U256) -> Vec<u8> {
    encode_static(
        IErc20::transferFromCall::SELECTOR,
        &[from.word(), to.word(), amount.word()],
    )
}

/// `balanceOf(account)` calldata.
fn balance_of_calldata(account: Address) -> Vec<u8> {
    encode_static(IErc20::balanceOfCall::SELECTOR, &[account.word()])
}

/// `TokenTransferFailed` for a move of `amount` of `token` from `from` to `to`.
fn transfer_failed(token: Address, from: Address, to: Address, amount: U256) -> MarketError {
    MarketError::from(TokenTransferFailed {
        token,
        from,
        to,
        amount,
    })
}

impl KeelMarket {
    /// Moves `amount` of `token` from `from` to the market (`from` must have
    /// approved the market) and checks that all of it arrived.
    ///
    /// Errors: `TokenTransferFailed` (the transfer or a balance read failed),
    /// `TransferAmountMismatch` (the market's balance grew by less than
    /// `amount`).
    pub(crate) fn pull_tokens(
        &mut self,
        token: Address,
        from: Address,
        amount: U256,
    ) -> Result<(), MarketError> {
        if keel_math::is_zero(amount) {
            return Ok(());
        }
        let to = self.vm().contract_address();
        let failed = || transfer_failed(token, from, to, amount);
        let before = self.balance_of(token, to).ok_or_else(failed)?;
        let data = transfer_from_calldata(from, to, amount);
        self.token_call(token, data, from, to, amount)?;
        let after = self.balance_of(token, to).ok_or_else(failed)?;
        // A balance that fell counts as nothing received.
        let received = after.saturating_sub(before);
        if received < amount {
            return Err(MarketError::from(TransferAmountMismatch {
                token,
                expected: amount,
                received,
            }));
        }
        Ok(())
    }

    /// `token.balanceOf(account)`, or `None` when the call reverts or does
    /// not return exactly one word.
    fn balance_of(&self, token: Address, account: Address) -> Option<U256> {
        let data = balance_of_calldata(account);
        let returned = static_call(self.vm(), Call::new(), token, &data).ok()?;
        let word: [u8; 32] = returned.as_slice().try_into().ok()?;
        Some(U256::from_be_bytes(word))
    }

    /// Sends `amount` of `token` from the market to `to`.
    pub(crate) fn push_tokens(
        &mut self,
        token: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), MarketError> {
        let from = self.vm().contract_address();
        let data = transfer_calldata(to, amount);
        self.token_call(token, data, from, to, amount)
    }

    fn token_call(
        &mut self,
        token: Address,
        data: Vec<u8>,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), MarketError> {
        // Some tokens revert on zero transfers; moving nothing needs no call.
        if keel_math::is_zero(amount) {
            return Ok(());
        }
        let context = Call::new_mutating(self);
        match call(self.vm(), context, token, &data) {
            Ok(returned) if transfer_accepted(&returned) => Ok(()),
            _ => Err(transfer_failed(token, from, to, amount)),
        }
    }

    /// Fails with `NotAContract` when `account` has no code.
    pub(crate) fn ensure_contract(&self, account: Address) -> Result<(), MarketError> {
        if self.vm().code_size(account) == 0 {
            return Err(MarketError::from(NotAContract { account }));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calldata_encodes_as_alloy_does() {
        let (from, to) = (Address::repeat_byte(0xa1), Address::repeat_byte(0xb2));
        let amount = U256::MAX - U256::from(7);
        assert_eq!(
            transfer_calldata(to, amount),
            IErc20::transferCall { to, amount }.abi_encode()
        );
        assert_eq!(
            transfer_from_calldata(from, to, amount),
            IErc20::transferFromCall { from, to, amount }.abi_encode()
        );
        assert_eq!(
            balance_of_calldata(from),
            IErc20::balanceOfCall { account: from }.abi_encode()
        );
    }

    #[test]
    fn accepts_empty_and_true_only() {
        assert!(transfer_accepted(&[]));
        assert!(transfer_accepted(&U256::from(1).to_be_bytes::<32>()));
        assert!(!transfer_accepted(&U256::ZERO.to_be_bytes::<32>()));
        assert!(!transfer_accepted(&U256::from(2).to_be_bytes::<32>()));
        assert!(!transfer_accepted(&[1]));
        // `true`'s low byte with any other bit set is not `true`.
        for byte in [0, 8, 16, 24, 30] {
            let mut dirty = U256::from(1).to_be_bytes::<32>();
            dirty[byte] = 0x80;
            assert!(!transfer_accepted(&dirty), "{byte}");
        }
        assert!(!transfer_accepted(&U256::from(257).to_be_bytes::<32>()));
        assert!(!transfer_accepted(&1u64.to_be_bytes()));
        let mut long = U256::from(1).to_be_bytes::<32>().to_vec();
        long.push(0);
        assert!(!transfer_accepted(&long));
    }
}

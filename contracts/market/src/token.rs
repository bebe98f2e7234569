//! ERC-20 transfers that accept tokens returning nothing (USDT style) and
//! fail with `TokenTransferFailed` when the token returns `false`, returns
//! anything but an ABI-encoded `true`, or reverts.
//!
//! Fee-on-transfer and rebasing tokens are not supported (the market books
//! the amount it asked for); the README says so. A token address without
//! code would "succeed" every call (as on the EVM), so token addresses are
//! checked for code when they are configured, not on every transfer.

use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall};
use stylus_sdk::call::call;
use stylus_sdk::prelude::*;
use stylus_sdk::stylus_core::calls::Call;

use crate::errors::{MarketError, NotAContract, TokenTransferFailed};
use crate::KeelMarket;

sol! {
    interface IErc20 {
        function transfer(address to, uint256 amount) external returns (bool);
        function transferFrom(address from, address to, uint256 amount) external returns (bool);
    }
}

/// Whether a token call's return data means success: nothing (USDT style)
/// or exactly the ABI encoding of `true`.
pub(crate) fn transfer_accepted(return_data: &[u8]) -> bool {
    return_data.is_empty() || return_data == U256::from(1).to_be_bytes::<32>().as_slice()
}

impl KeelMarket {
    /// Moves `amount` of `token` from `from` to the market (`from` must have
    /// approved the market).
    pub(crate) fn pull_tokens(
        &mut self,
        token: Address,
        from: Address,
        amount: U256,
    ) -> Result<(), MarketError> {
        let to = self.vm().contract_address();
        let data = IErc20::transferFromCall { from, to, amount }.abi_encode();
        self.token_call(token, data, from, to, amount)
    }

    /// Sends `amount` of `token` from the market to `to`.
    pub(crate) fn push_tokens(
        &mut self,
        token: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), MarketError> {
        let from = self.vm().contract_address();
        let data = IErc20::transferCall { to, amount }.abi_encode();
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
        if amount.is_zero() {
            return Ok(());
        }
        let context = Call::new_mutating(self);
        match call(self.vm(), context, token, &data) {
            Ok(returned) if transfer_accepted(&returned) => Ok(()),
            _ => Err(MarketError::TokenTransferFailed(TokenTransferFailed {
                token,
                from,
                to,
                amount,
            })),
        }
    }

    /// Fails with `NotAContract` when `account` has no code.
    pub(crate) fn ensure_contract(&self, account: Address) -> Result<(), MarketError> {
        if self.vm().code_size(account) == 0 {
            return Err(MarketError::NotAContract(NotAContract { account }));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::transfer_accepted;
    use alloy_primitives::U256;

    #[test]
    fn accepts_empty_and_true_only() {
        assert!(transfer_accepted(&[]));
        assert!(transfer_accepted(&U256::from(1).to_be_bytes::<32>()));
        assert!(!transfer_accepted(&U256::ZERO.to_be_bytes::<32>()));
        assert!(!transfer_accepted(&U256::from(2).to_be_bytes::<32>()));
        assert!(!transfer_accepted(&[1]));
        let mut long = U256::from(1).to_be_bytes::<32>().to_vec();
        long.push(0);
        assert!(!transfer_accepted(&long));
    }
}

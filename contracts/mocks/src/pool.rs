//! `MockCpmmPool`: a constant-product (x * y = k) pool of two tokens, without
//! fee, where a liquidator sells seized collateral. Its reserves are its own
//! token balances, so funding it is minting to it, and selling moves the
//! price as a real AMM does.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use stylus_sdk::call::{call, static_call};
use stylus_sdk::prelude::*;
use stylus_sdk::storage::StorageAddress;

use crate::abi::{PoolTransferFailed, UnknownPoolToken, IERC20};

/// The pool's two tokens.
#[storage]
#[cfg_attr(feature = "cpmm-pool", entrypoint)]
pub struct MockCpmmPool {
    token0: StorageAddress,
    token1: StorageAddress,
}

crate::top_level_without_entrypoint!(MockCpmmPool, "cpmm-pool");

/// Errors of the pool.
#[derive(SolidityError, Debug)]
pub enum PoolError {
    /// The token is neither of the pool's.
    UnknownPoolToken(UnknownPoolToken),
    /// A token transfer or balance read failed.
    PoolTransferFailed(PoolTransferFailed),
}

#[public]
impl MockCpmmPool {
    /// Pairs `token0` with `token1`.
    #[constructor]
    pub fn constructor(&mut self, token0: Address, token1: Address) {
        self.token0.set(token0);
        self.token1.set(token1);
    }

    /// What selling `amount_in` of `token_in` would return now:
    /// `floor(reserve_out * amount_in / (reserve_in + amount_in))`.
    pub fn quote(&self, token_in: Address, amount_in: U256) -> Result<U256, PoolError> {
        let token_out = self.other(token_in)?;
        let reserve_in = self.balance(token_in)?;
        let reserve_out = self.balance(token_out)?;
        Ok(amount_out_down(reserve_in, reserve_out, amount_in))
    }

    /// Sells `amount_in` of `token_in` (taken from the caller, who approved
    /// the pool) and sends the other token, [`Self::quote`] of it, to `to`.
    pub fn swap(
        &mut self,
        token_in: Address,
        amount_in: U256,
        to: Address,
    ) -> Result<U256, PoolError> {
        let amount_out = self.quote(token_in, amount_in)?;
        let token_out = self.other(token_in)?;
        let from = self.vm().msg_sender();
        let pool = self.vm().contract_address();
        self.move_tokens(
            token_in,
            IERC20::transferFromCall {
                from,
                to: pool,
                amount: amount_in,
            }
            .abi_encode(),
        )?;
        let send = IERC20::transferCall {
            to,
            amount: amount_out,
        };
        self.move_tokens(token_out, send.abi_encode())?;
        Ok(amount_out)
    }
}

impl MockCpmmPool {
    fn other(&self, token: Address) -> Result<Address, PoolError> {
        let (token0, token1) = (self.token0.get(), self.token1.get());
        match token {
            t if t == token0 => Ok(token1),
            t if t == token1 => Ok(token0),
            _ => Err(PoolError::UnknownPoolToken(UnknownPoolToken { token })),
        }
    }

    fn balance(&self, token: Address) -> Result<U256, PoolError> {
        let account = self.vm().contract_address();
        let data = IERC20::balanceOfCall { account }.abi_encode();
        let returned = static_call(self.vm(), Call::new(), token, &data)
            .map_err(|_| transfer_failed(token))?;
        IERC20::balanceOfCall::abi_decode_returns(&returned).map_err(|_| transfer_failed(token))
    }

    fn move_tokens(&mut self, token: Address, data: Vec<u8>) -> Result<(), PoolError> {
        let vm = self.vm().clone();
        call(&vm, Call::new_mutating(self), token, &data)
            .map(|_| ())
            .map_err(|_| transfer_failed(token))
    }
}

fn transfer_failed(token: Address) -> PoolError {
    PoolError::PoolTransferFailed(PoolTransferFailed { token })
}

/// `floor(reserve_out * amount_in / (reserve_in + amount_in))`, 0 when the
/// product overflows (test amounts never come near).
fn amount_out_down(reserve_in: U256, reserve_out: U256, amount_in: U256) -> U256 {
    let denominator = reserve_in.saturating_add(amount_in);
    reserve_out
        .checked_mul(amount_in)
        .and_then(|numerator| numerator.checked_div(denominator))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::amount_out_down;
    use alloy_primitives::U256;

    #[test]
    fn selling_keeps_the_product_and_rounds_down() {
        let out = amount_out_down(U256::from(1_000), U256::from(2_000), U256::from(1_000));
        assert_eq!(out, U256::from(1_000));
        let out = amount_out_down(U256::from(1_000), U256::from(2_000), U256::from(1));
        assert_eq!(out, U256::from(1), "2,000 / 1,001 rounds down to 1");
        assert_eq!(
            amount_out_down(U256::ZERO, U256::ZERO, U256::ZERO),
            U256::ZERO
        );
    }
}

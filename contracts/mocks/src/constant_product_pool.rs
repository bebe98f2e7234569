//! `MockConstantProductPool`: a two-token `x * y = k` pool (Uniswap v2's
//! formula with a fee in basis points) where simulated liquidators sell
//! seized collateral, so a sale moves the price by the pool's depth.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError};
use stylus_sdk::call::call;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageU256};

use crate::abi::{
    PoolInsufficientOutput, PoolMathOverflow, PoolTransferFailed, PoolUnknownToken, IERC20,
};

/// Basis points in one whole.
const BPS: u64 = 10_000;

/// A constant-product pool of `token0` and `token1` with a swap fee.
#[storage]
#[cfg_attr(feature = "constant-product-pool", entrypoint)]
pub struct MockConstantProductPool {
    token0: StorageAddress,
    token1: StorageAddress,
    reserve0: StorageU256,
    reserve1: StorageU256,
    fee_bps: StorageU256,
}

crate::top_level_without_entrypoint!(MockConstantProductPool, "constant-product-pool");

#[public]
impl MockConstantProductPool {
    /// Sets the pair and the swap fee (basis points of the input, kept by the pool).
    #[constructor]
    pub fn constructor(&mut self, token0: Address, token1: Address, fee_bps: U256) {
        self.token0.set(token0);
        self.token1.set(token1);
        self.fee_bps.set(fee_bps.min(U256::from(BPS)));
    }

    /// The reserves of `token0` and `token1`.
    pub fn get_reserves(&self) -> (U256, U256) {
        (self.reserve0.get(), self.reserve1.get())
    }

    /// What `swap` would pay for `amount_in` of `token_in`, rounded down.
    pub fn get_amount_out(&self, token_in: Address, amount_in: U256) -> Result<U256, Vec<u8>> {
        let (reserve_in, reserve_out) = self.oriented(token_in)?;
        amount_out(amount_in, reserve_in, reserve_out, self.fee_bps.get())
    }

    /// Pulls both amounts from the caller into the reserves (no LP shares:
    /// liquidity is the scenario's, never withdrawn).
    pub fn add_liquidity(&mut self, amount0: U256, amount1: U256) -> Result<(), Vec<u8>> {
        let from = self.vm().msg_sender();
        self.pull(self.token0.get(), from, amount0)?;
        self.pull(self.token1.get(), from, amount1)?;
        self.reserve0
            .set(checked_add(self.reserve0.get(), amount0)?);
        self.reserve1
            .set(checked_add(self.reserve1.get(), amount1)?);
        Ok(())
    }

    /// Sells `amount_in` of `token_in` from the caller and sends the output
    /// to `to`; reverts when it is below `min_amount_out`.
    pub fn swap(
        &mut self,
        token_in: Address,
        amount_in: U256,
        min_amount_out: U256,
        to: Address,
    ) -> Result<U256, Vec<u8>> {
        let out = self.get_amount_out(token_in, amount_in)?;
        if out < min_amount_out {
            return Err(PoolInsufficientOutput {
                amountOut: out,
                minAmountOut: min_amount_out,
            }
            .abi_encode());
        }
        let from = self.vm().msg_sender();
        let token_out = self.other(token_in);
        let (reserve_in, reserve_out) = self.oriented(token_in)?;
        let new_in = checked_add(reserve_in, amount_in)?;
        // out <= reserve_out: the formula's quotient is below reserve_out.
        let new_out = reserve_out.saturating_sub(out);
        if token_in == self.token0.get() {
            self.reserve0.set(new_in);
            self.reserve1.set(new_out);
        } else {
            self.reserve1.set(new_in);
            self.reserve0.set(new_out);
        }
        self.pull(token_in, from, amount_in)?;
        self.send(token_out, to, out)?;
        Ok(out)
    }
}

impl MockConstantProductPool {
    /// `(reserve of token_in, reserve of the other token)`.
    fn oriented(&self, token_in: Address) -> Result<(U256, U256), Vec<u8>> {
        if token_in == self.token0.get() {
            Ok((self.reserve0.get(), self.reserve1.get()))
        } else if token_in == self.token1.get() {
            Ok((self.reserve1.get(), self.reserve0.get()))
        } else {
            Err(PoolUnknownToken { token: token_in }.abi_encode())
        }
    }

    fn other(&self, token: Address) -> Address {
        if token == self.token0.get() {
            self.token1.get()
        } else {
            self.token0.get()
        }
    }

    fn pull(&mut self, token: Address, from: Address, amount: U256) -> Result<(), Vec<u8>> {
        let to = self.vm().contract_address();
        let data = IERC20::transferFromCall { from, to, amount }.abi_encode();
        self.token_call(token, &data)
    }

    fn send(&mut self, token: Address, to: Address, amount: U256) -> Result<(), Vec<u8>> {
        let data = IERC20::transferCall { to, amount }.abi_encode();
        self.token_call(token, &data)
    }

    /// Calls an ERC-20 and requires success and a `true` (or empty) return.
    fn token_call(&mut self, token: Address, data: &[u8]) -> Result<(), Vec<u8>> {
        let vm = self.vm().clone();
        let returned = call(&vm, Call::new_mutating(self), token, data)
            .map_err(|_| PoolTransferFailed { token }.abi_encode())?;
        let refused = !returned.is_empty() && returned.iter().all(|byte| *byte == 0);
        if refused {
            return Err(PoolTransferFailed { token }.abi_encode());
        }
        Ok(())
    }
}

/// Uniswap v2's output: `in' * R_out / (R_in + in')` with `in' = in * (1 -
/// fee)`, rounded down (the pool keeps the remainder, so `k` never falls).
pub fn amount_out(
    amount_in: U256,
    reserve_in: U256,
    reserve_out: U256,
    fee_bps: U256,
) -> Result<U256, Vec<u8>> {
    let overflow = || PoolMathOverflow {}.abi_encode();
    let in_after_fee = amount_in
        .checked_mul(U256::from(BPS).saturating_sub(fee_bps))
        .ok_or_else(overflow)?;
    let numerator = in_after_fee.checked_mul(reserve_out).ok_or_else(overflow)?;
    let denominator = reserve_in
        .checked_mul(U256::from(BPS))
        .and_then(|scaled| scaled.checked_add(in_after_fee))
        .ok_or_else(overflow)?;
    Ok(numerator.checked_div(denominator).unwrap_or(U256::ZERO))
}

fn checked_add(a: U256, b: U256) -> Result<U256, Vec<u8>> {
    a.checked_add(b)
        .ok_or_else(|| PoolMathOverflow {}.abi_encode())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_follows_the_constant_product_with_fee() {
        // 1,000 in against 10,000 / 20,000 at 0.3%: in' = 9,970,000 (in
        // basis points); 9,970,000 * 20,000 / (10,000 * 10,000 + 9,970,000)
        // = 1,813.2... -> 1,813 (without the fee: 1,818.1...).
        let out = amount_out(
            U256::from(1_000),
            U256::from(10_000),
            U256::from(20_000),
            U256::from(30),
        );
        assert_eq!(out.unwrap(), U256::from(1_813));
    }

    #[test]
    fn empty_pool_pays_nothing() {
        let out = amount_out(U256::from(5), U256::ZERO, U256::ZERO, U256::ZERO);
        assert_eq!(out.unwrap(), U256::ZERO);
    }
}

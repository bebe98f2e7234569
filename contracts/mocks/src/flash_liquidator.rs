//! `MockFlashLiquidator`: liquidates on a Keel market with no capital of its
//! own. It calls `liquidate` with non-empty `data`; in the market's
//! `onKeelLiquidate` callback it sells the seized collateral on a
//! [`MockConstantProductPool`](crate::MockConstantProductPool) and approves
//! the repayment, which
//! the market then takes. What the sale yields above the repayment stays
//! here as profit.
//!
//! The market calls back into this contract while this contract's own call
//! is still running (re-entry): a Stylus liquidator must be built with the
//! SDK's `reentrant` feature (on the devnet: `NativeProgram::reentrant`).

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolValue};
use stylus_sdk::call::call;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::StorageAddress;

use crate::abi::{
    CallbackNotFromMarket, FlashCallFailed, IConstantProductPool, IKeelFlashMarket, IERC20,
};

/// The market it liquidates on.
#[storage]
#[cfg_attr(feature = "flash-liquidator", entrypoint)]
pub struct MockFlashLiquidator {
    market: StorageAddress,
}

crate::top_level_without_entrypoint!(MockFlashLiquidator, "flash-liquidator");

/// Errors of the flash liquidator. A call it makes that reverts bubbles
/// the callee's revert data instead.
#[derive(SolidityError, Debug)]
pub enum FlashLiquidatorError {
    /// `onKeelLiquidate` was called by someone other than the market.
    CallbackNotFromMarket(CallbackNotFromMarket),
    /// `target` returned data that does not decode.
    FlashCallFailed(FlashCallFailed),
}

/// Revert data: a bubbled revert or a [`FlashLiquidatorError`].
type Reverted = Vec<u8>;

#[public]
impl MockFlashLiquidator {
    /// Liquidates on `market`.
    #[constructor]
    pub fn constructor(&mut self, market: Address) {
        self.market.set(market);
    }

    /// Liquidates `borrower` against `collateral` (at most `max_repay_assets`)
    /// and sells the collateral on `pool` to repay; returns the market's
    /// `(repaidAssets, seizedCollateral)`.
    pub fn liquidate(
        &mut self,
        borrower: Address,
        collateral: Address,
        max_repay_assets: U256,
        pool: Address,
    ) -> Result<(U256, U256), Reverted> {
        let market = self.market.get();
        // Read now: the market refuses calls while it runs the callback.
        let base = self.call_out(market, IKeelFlashMarket::baseAssetCall {}.abi_encode())?;
        let base = Address::abi_decode(&base).map_err(|_| call_failed(market))?;
        let liquidate = IKeelFlashMarket::liquidateCall {
            borrower,
            token: collateral,
            maxRepayAssets: max_repay_assets,
            receiver: self.vm().contract_address(),
            data: Bytes::from((collateral, pool, base).abi_encode()),
        };
        let returned = self.call_out(market, liquidate.abi_encode())?;
        let decoded = IKeelFlashMarket::liquidateCall::abi_decode_returns(&returned)
            .map_err(|_| call_failed(market))?;
        Ok((decoded._0, decoded._1))
    }

    /// The market's callback: sells all the collateral held on the pool in
    /// `data` (`abi.encode(collateral, pool, baseAsset)`) and approves
    /// `repaid_assets` of the base asset to the market. It does not call the
    /// market: the market is locked during the callback.
    pub fn on_keel_liquidate(&mut self, repaid_assets: U256, data: Bytes) -> Result<(), Reverted> {
        let market = self.market.get();
        let caller = self.vm().msg_sender();
        if caller != market {
            let error = CallbackNotFromMarket { caller };
            return Err(FlashLiquidatorError::CallbackNotFromMarket(error).into());
        }
        let (collateral, pool, base) =
            <(Address, Address, Address)>::abi_decode(&data).map_err(|_| call_failed(caller))?;
        let me = self.vm().contract_address();
        let held = self.call_out(
            collateral,
            IERC20::balanceOfCall { account: me }.abi_encode(),
        )?;
        let amount = U256::abi_decode(&held).map_err(|_| call_failed(collateral))?;
        self.approve(collateral, pool, amount)?;
        // No minimum: the market's repayment pull is the check that the
        // sale covered the debt.
        let swap = IConstantProductPool::swapCall {
            tokenIn: collateral,
            amountIn: amount,
            minAmountOut: U256::ZERO,
            to: me,
        };
        self.call_out(pool, swap.abi_encode())?;
        self.approve(base, market, repaid_assets)
    }
}

impl MockFlashLiquidator {
    fn approve(&mut self, token: Address, spender: Address, amount: U256) -> Result<(), Reverted> {
        let approve = IERC20::approveCall { spender, amount };
        self.call_out(token, approve.abi_encode()).map(|_| ())
    }

    /// Calls `target`, bubbling its revert data.
    fn call_out(&mut self, target: Address, data: Vec<u8>) -> Result<Vec<u8>, Reverted> {
        let vm = self.vm().clone();
        call(&vm, Call::new_mutating(self), target, &data).map_err(Vec::from)
    }
}

fn call_failed(target: Address) -> Reverted {
    FlashLiquidatorError::FlashCallFailed(FlashCallFailed { target }).into()
}

//! `MockFlashLiquidator`: liquidates on a Keel market with no capital of its
//! own. It calls `liquidate` with non-empty `data`; in the market's
//! `onKeelLiquidate` callback it sells the seized collateral on a
//! [`MockConstantProductPool`](crate::MockConstantProductPool) and approves
//! the repayment, which
//! the market then takes. What the sale yields above the repayment stays
//! here as profit. Only its deployer may start a liquidation (so nobody
//! else can spend that profit on a losing one), and the sale has a floor
//! (`minSaleAssets`): a keeper sets it to the repayment plus its gas and
//! minimum profit, so a liquidation that would lose reverts.
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
    CallbackNotFromMarket, FlashCallFailed, IConstantProductPool, IKeelFlashMarket,
    NotFlashLiquidatorOwner, IERC20,
};

/// The market it liquidates on and the one account that may use it.
#[storage]
#[cfg_attr(feature = "flash-liquidator", entrypoint)]
pub struct MockFlashLiquidator {
    market: StorageAddress,
    owner: StorageAddress,
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
    /// `liquidate` was called by someone other than the deployer.
    NotFlashLiquidatorOwner(NotFlashLiquidatorOwner),
}

/// Revert data: a bubbled revert or a [`FlashLiquidatorError`].
type Reverted = Vec<u8>;

#[public]
impl MockFlashLiquidator {
    /// Liquidates on `market` for its deployer.
    #[constructor]
    pub fn constructor(&mut self, market: Address) {
        self.market.set(market);
        // Stylus runs constructors from its deployer contract: the account
        // deploying is the transaction's origin, not the caller.
        let deployer = self.vm().tx_origin();
        self.owner.set(deployer);
    }

    /// Liquidates `borrower` against `collateral` (at most `max_repay_assets`)
    /// and sells the collateral on `pool` for at least `min_sale_assets` of
    /// the base asset (zero: no floor but the repayment) to repay; returns
    /// the market's `(repaidAssets, seizedCollateral)`. Owner only.
    pub fn liquidate(
        &mut self,
        borrower: Address,
        collateral: Address,
        max_repay_assets: U256,
        pool: Address,
        min_sale_assets: U256,
    ) -> Result<(U256, U256), Reverted> {
        let caller = self.vm().msg_sender();
        if caller != self.owner.get() {
            let error = NotFlashLiquidatorOwner { caller };
            return Err(FlashLiquidatorError::NotFlashLiquidatorOwner(error).into());
        }
        let market = self.market.get();
        // Read now: the market refuses calls while it runs the callback.
        let base = self.call_out(market, IKeelFlashMarket::baseAssetCall {}.abi_encode())?;
        let base = Address::abi_decode(&base).map_err(|_| call_failed(market))?;
        let liquidate = IKeelFlashMarket::liquidateCall {
            borrower,
            token: collateral,
            maxRepayAssets: max_repay_assets,
            receiver: self.vm().contract_address(),
            data: Bytes::from((collateral, pool, base, min_sale_assets).abi_encode()),
        };
        let returned = self.call_out(market, liquidate.abi_encode())?;
        let decoded = IKeelFlashMarket::liquidateCall::abi_decode_returns(&returned)
            .map_err(|_| call_failed(market))?;
        Ok((decoded._0, decoded._1))
    }

    /// The market's callback: sells all the collateral held on the pool in
    /// `data` (`abi.encode(collateral, pool, baseAsset, minSaleAssets)`) for
    /// at least `minSaleAssets`, and approves
    /// `repaid_assets` of the base asset to the market. It does not call the
    /// market: the market is locked during the callback.
    pub fn on_keel_liquidate(&mut self, repaid_assets: U256, data: Bytes) -> Result<(), Reverted> {
        let market = self.market.get();
        let caller = self.vm().msg_sender();
        if caller != market {
            let error = CallbackNotFromMarket { caller };
            return Err(FlashLiquidatorError::CallbackNotFromMarket(error).into());
        }
        let (collateral, pool, base, min_sale_assets) =
            <(Address, Address, Address, U256)>::abi_decode(&data)
                .map_err(|_| call_failed(caller))?;
        let me = self.vm().contract_address();
        let held = self.call_out(
            collateral,
            IERC20::balanceOfCall { account: me }.abi_encode(),
        )?;
        let amount = U256::abi_decode(&held).map_err(|_| call_failed(collateral))?;
        self.approve(collateral, pool, amount)?;
        // The caller's floor; beyond it, the market's repayment pull is the
        // check that the sale (with what this contract holds) covered the debt.
        let swap = IConstantProductPool::swapCall {
            tokenIn: collateral,
            amountIn: amount,
            minAmountOut: min_sale_assets,
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

//! `liquidate` and `previewLiquidation` (docs/DESIGN.md section 6): the market
//! gathers a snapshot, keel-liquidation decides, the market applies the
//! outcome. Preview and execution call the same decision on the same
//! (accrued) state, so the preview is exactly what `liquidate` would do.
//!
//! Applying an outcome: burn the repaid borrow shares (the liquidator pays
//! `to_assets_up` of them), seize the collateral from the borrower, keep the
//! protocol fee as that collateral's reserves, and when the borrower holds
//! no collateral any more write off the remaining debt in the same
//! transaction: protocol reserves first, then suppliers (the supply share
//! price falls). Then the transfers: the rest of the seized collateral to
//! the receiver, the caller's `onKeelLiquidate` callback when `data` is not
//! empty (flash liquidation), and the repayment from the caller. Self-liquidation is allowed: it
//! is never profitable (keel-liquidation's docs).

use alloc::vec::Vec;
use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::{sol, SolCall};
use keel_debt::Pool;
use keel_liquidation::{
    decide_liquidation_amounts, validate_liquidation_params, CollateralSnapshot, DebtSnapshot,
    LiquidationAmounts, LiquidationError, LiquidationParams, LiquidationRequest, PositionSnapshot,
};
use keel_math::{PackedWord, Wad};
use keel_storage::{PackedSlot, Word};
use keel_vault::{CollateralIndex, MAX_COLLATERALS_LEN};
use stylus_sdk::call::call;
use stylus_sdk::prelude::*;
use stylus_sdk::stylus_core::calls::errors::Error as CallError;
use stylus_sdk::stylus_core::calls::Call;

use crate::collaterals::wad;
use crate::errors::{ensure_nonzero, out_of_bounds, LiquidationCallbackFailed, MarketError};
use crate::ext::selector_of;
use crate::KeelMarket;

/// Parameter id of `minPartialLiquidationValue` and `dustThreshold` in
/// `ParameterOutOfBounds` (they must fit `uint128`).
pub const PARAM_LIQUIDATION_VALUE: u8 = 3;

sol! {
    /// `liquidator` repaid `repaidAssets` (`repaidShares`) of `borrower`'s
    /// debt and seized `seizedCollateral` of `collateral`, of which
    /// `protocolFee` stays as reserves and the rest went to `receiver`.
    #[derive(Debug, PartialEq, Eq)]
    event Liquidate(
        address indexed liquidator,
        address indexed borrower,
        address indexed collateral,
        address receiver,
        uint256 repaidAssets,
        uint256 repaidShares,
        uint256 seizedCollateral,
        uint256 protocolFee
    );
    /// `borrower`'s remaining debt was written off: `fromReserves` absorbed by
    /// protocol reserves, `fromSuppliers` socialised to suppliers.
    #[derive(Debug, PartialEq, Eq)]
    event BadDebt(address indexed borrower, uint256 assets, uint256 shares, uint256 fromReserves, uint256 fromSuppliers);
    /// What a flash liquidator implements: called by `liquidate` with
    /// non-empty `data`, after the collateral was sent and before
    /// `repaidAssets` of the base asset are taken from the caller.
    interface IKeelLiquidateCallback {
        function onKeelLiquidate(uint256 repaidAssets, bytes data) external;
    }
    /// The liquidation parameters changed (WAD factors, base-unit values).
    #[derive(Debug, PartialEq, Eq)]
    event LiquidationParamsSet(
        uint64 closeFactor,
        uint64 fullLiquidationHf,
        uint64 liquidationFee,
        uint256 minPartialLiquidationValue,
        uint256 dustThreshold
    );
}

/// Liquidation parameters at the ABI: `(closeFactor, fullLiquidationHf,
/// liquidationFee, minPartialLiquidationValue, dustThreshold)`.
pub type LiquidationInput = (u64, u64, u64, U256, U256);

keel_storage::storage_struct! {
    /// The market's liquidation parameters: two slots, the three WAD factors in
    /// the first, the two base-unit thresholds in the second.
    pub struct LiquidationConfig {
        // `PackedWord`s: close factor at byte 0, full-liquidation HF at 8, fee
        // at 16; min partial liquidation value at 0, dust threshold at 16.
        factors: Word,
        thresholds: Word,
    }
}

impl LiquidationConfig {
    /// The stored parameters.
    pub fn params(&self) -> LiquidationParams {
        let (factors, thresholds) = (self.factors.word(), self.thresholds.word());
        LiquidationParams {
            close_factor: wad(factors.u64_at(0)),
            full_liquidation_hf: wad(factors.u64_at(8)),
            liquidation_fee: wad(factors.u64_at(16)),
            min_partial_liquidation_value: U256::from(thresholds.u128_at(0)),
            dust_threshold: U256::from(thresholds.u128_at(16)),
        }
    }
}

fn value_u128(value: U256) -> Result<u128, MarketError> {
    u128::try_from(value).map_err(|_| {
        out_of_bounds(
            PARAM_LIQUIDATION_VALUE,
            value,
            U256::ZERO,
            U256::from(u128::MAX),
        )
    })
}

/// The arguments of one `liquidate` call.
pub(crate) struct LiquidateRequest<'a> {
    pub(crate) borrower: Address,
    pub(crate) token: Address,
    pub(crate) max_repay: U256,
    pub(crate) receiver: Address,
    /// Passed to the caller's `onKeelLiquidate`; empty: no callback.
    pub(crate) data: &'a [u8],
}

impl KeelMarket {
    /// Validates and stores the liquidation parameters.
    pub(crate) fn store_liquidation_params(
        &mut self,
        input: LiquidationInput,
    ) -> Result<(), MarketError> {
        let (close_factor, full_hf, fee, min_partial, dust) = input;
        let params = LiquidationParams {
            close_factor: wad(close_factor),
            full_liquidation_hf: wad(full_hf),
            liquidation_fee: wad(fee),
            min_partial_liquidation_value: min_partial,
            dust_threshold: dust,
        };
        validate_liquidation_params(&params)?;
        let (min_partial_u128, dust_u128) = (value_u128(min_partial)?, value_u128(dust)?);
        let config = &mut self.liquidation_config;
        config.factors.update_word(|word| {
            word.set_u64(0, close_factor);
            word.set_u64(8, full_hf);
            word.set_u64(16, fee);
        });
        config
            .thresholds
            .set_word(PackedWord::halves(min_partial_u128, dust_u128));
        self.emit(LiquidationParamsSet {
            closeFactor: close_factor,
            fullLiquidationHf: full_hf,
            liquidationFee: fee,
            minPartialLiquidationValue: min_partial,
            dustThreshold: dust,
        });
        Ok(())
    }

    /// One snapshot entry per listed collateral (the first `count` of the
    /// array; a stack array, so that no vector growth is linked); prices are
    /// read only for the collaterals the borrower holds; every bonus is zero
    /// (the caller sets the chosen collateral's, the only one the decision
    /// uses).
    fn collateral_snapshots(
        &self,
        borrower: Address,
    ) -> Result<([CollateralSnapshot; MAX_COLLATERALS_LEN], usize), MarketError> {
        let balances = self.vault.snapshot(borrower);
        let count = self.collateral_count();
        let mut snapshots = [CollateralSnapshot::default(); MAX_COLLATERALS_LEN];
        for (raw, snapshot) in (0..count).zip(snapshots.iter_mut()) {
            let index = CollateralIndex::new(raw)?;
            let balance = balances.balance(index);
            // A collateral the borrower does not hold adds nothing to its
            // value and cannot be chosen (`CollateralNotHeld`): it stays
            // zero, without its cold config slot and its oracle reads.
            if balance == 0 {
                continue;
            }
            let config = self.config(index);
            let (_, liquidation_threshold) = config.factors();
            *snapshot = CollateralSnapshot {
                balance: U256::from(balance),
                price: config.price(self.vm().block_timestamp())?,
                liquidation_threshold,
                bonus: Wad::ZERO,
            };
        }
        Ok((snapshots, usize::from(count)))
    }

    /// `decision` (keel-liquidation's `decide_liquidation_amounts` for
    /// `liquidate`, `decide_liquidation` for the preview) on liquidating
    /// `borrower` against `token` for up to `max_repay` at the current
    /// block, on `borrow`, the borrow pool with interest accrued to it.
    pub(crate) fn decide<T>(
        &self,
        borrow: Pool,
        borrower: Address,
        token: Address,
        max_repay: U256,
        decision: impl FnOnce(
            &PositionSnapshot<'_>,
            &LiquidationParams,
            &LiquidationRequest,
        ) -> Result<T, LiquidationError>,
    ) -> Result<(CollateralIndex, T), MarketError> {
        let (index, bonus) = self.listed(token)?;
        let (mut snapshots, count) = self.collateral_snapshots(borrower)?;
        if let Some(chosen) = snapshots.get_mut(index.position()) {
            chosen.bonus = bonus;
        }
        // `count` is at most MAX_COLLATERALS (listing refuses a ninth); were
        // it more, the snapshot would be empty and the decision would refuse
        // (`CollateralNotHeld`), never liquidate on a partial view.
        let position = PositionSnapshot {
            collaterals: snapshots.get(..count).unwrap_or_default(),
            debt: DebtSnapshot {
                borrow_shares: U256::from(self.debt.account(borrower).borrow),
                total_borrow_assets: U256::from(borrow.assets),
                total_borrow_shares: U256::from(borrow.shares),
            },
        };
        let request = LiquidationRequest {
            collateral_index: index.get(),
            max_repay_assets: max_repay,
        };
        let decided = decision(&position, &self.liquidation_config.params(), &request)?;
        Ok((index, decided))
    }

    pub(crate) fn do_liquidate(
        &mut self,
        request: LiquidateRequest<'_>,
    ) -> Result<LiquidationAmounts, MarketError> {
        let LiquidateRequest {
            borrower,
            token,
            max_repay,
            receiver,
            data,
        } = request;
        self.ensure_liquidation_active()?;
        ensure_nonzero(receiver)?;
        // The accrual's totals: deciding on them skips a second accrual
        // (its utilisation and rate) that would change nothing.
        let borrow = self.accrue()?.totals.borrow;
        let (index, amounts) = self.decide(
            borrow,
            borrower,
            token,
            max_repay,
            decide_liquidation_amounts,
        )?;
        // At most the borrower's shares (a u128): saturating changes nothing.
        let step = self
            .debt
            .repay_liquidated(borrower, amounts.repaid_shares.saturating_to())?;
        // A tiny repayment against a valuable collateral unit can seize
        // nothing (rounded down): the ledger then stays as it is.
        let no_collateral_left = !keel_math::is_zero(amounts.seized_collateral)
            && !self.ledger_withdraw(token, borrower, amounts.seized_collateral)?;
        self.add_collateral_reserves(index, amounts.protocol_fee_collateral)?;
        if no_collateral_left && step.account.borrow != 0 {
            self.write_off(borrower)?;
        }
        let liquidator = self.vm().msg_sender();
        let repaid_assets = U256::from(step.assets);
        // Collateral out, then the callback, then the repayment in (Morpho's
        // order): a liquidator without capital sells the collateral in the
        // callback. Every write is done, so the callback sees the state the
        // liquidation leaves, and the lock refuses re-entry.
        self.push_tokens(token, receiver, amounts.liquidator_collateral)?;
        if !data.is_empty() {
            self.call_liquidate_callback(liquidator, repaid_assets, data)?;
        }
        self.pull_tokens(self.base_asset(), liquidator, repaid_assets)?;
        self.emit(Liquidate {
            liquidator,
            borrower,
            collateral: token,
            receiver,
            repaidAssets: repaid_assets,
            repaidShares: U256::from(step.shares),
            seizedCollateral: amounts.seized_collateral,
            protocolFee: amounts.protocol_fee_collateral,
        });
        Ok(amounts)
    }

    /// `liquidator.onKeelLiquidate(repaid_assets, data)`.
    ///
    /// Errors: `LiquidationCallbackFailed` when it reverts.
    fn call_liquidate_callback(
        &mut self,
        liquidator: Address,
        repaid_assets: U256,
        data: &[u8],
    ) -> Result<(), MarketError> {
        let calldata = callback_calldata(repaid_assets, data);
        let context = Call::new_mutating(self);
        call(self.vm(), context, liquidator, &calldata)
            .map(|_| ())
            .map_err(|error| {
                let reason = match error {
                    CallError::Revert(data) => selector_of(&data),
                    CallError::AbiDecodingFailed(_) => [0; 4],
                };
                MarketError::from(LiquidationCallbackFailed {
                    liquidator,
                    reason: FixedBytes(reason),
                })
            })
    }

    fn write_off(&mut self, borrower: Address) -> Result<(), MarketError> {
        let write_off = self.debt.write_off_bad_debt(borrower)?;
        self.emit(BadDebt {
            borrower,
            assets: U256::from(write_off.assets),
            shares: U256::from(write_off.shares),
            fromReserves: U256::from(write_off.from_reserves),
            fromSuppliers: U256::from(write_off.from_suppliers),
        });
        Ok(())
    }
}

/// The ABI encoding of `onKeelLiquidate(repaid_assets, data)`: the selector,
/// the amount, the offset of `data` (two words), its length and its bytes
/// padded to a whole word. (alloy's encoder for a call with `bytes` would
/// put its panic locations in the static data, paid on every call.)
fn callback_calldata(repaid_assets: U256, data: &[u8]) -> Vec<u8> {
    let selector = IKeelLiquidateCallback::onKeelLiquidateCall::SELECTOR;
    let padding = data.len().wrapping_neg() % 32;
    let length = data
        .len()
        .saturating_add(4 + 3 * 32)
        .saturating_add(padding);
    let mut calldata = alloc::vec![0u8; length];
    if let Some((head, body)) = calldata.split_first_chunk_mut::<4>() {
        *head = selector;
        let words = [repaid_assets, U256::from(64), U256::from(data.len())];
        for (chunk, word) in body.as_chunks_mut::<32>().0.iter_mut().zip(words) {
            *chunk = word.to_be_bytes();
        }
        keel_abi::copy_bytes(body.get_mut(3 * 32..).unwrap_or_default(), data);
    }
    calldata
}

#[cfg(test)]
mod tests {
    use super::callback_calldata;
    use super::IKeelLiquidateCallback::onKeelLiquidateCall;
    use alloy_primitives::{Bytes, U256};
    use alloy_sol_types::SolCall;

    #[test]
    fn the_callback_is_encoded_as_alloy_encodes_it() {
        for length in [0, 1, 31, 32, 33, 100] {
            let data: Vec<u8> = (0..length).map(|byte| byte as u8 ^ 0x5a).collect();
            let repaid = U256::MAX - U256::from(length);
            let expected = onKeelLiquidateCall {
                repaidAssets: repaid,
                data: Bytes::copy_from_slice(&data),
            }
            .abi_encode();
            assert_eq!(callback_calldata(repaid, &data), expected, "{length}");
        }
    }

    /// abi/IKeelLiquidateCallback.sol declares the same function
    /// (scripts/solc-check.js checks that side).
    #[test]
    fn the_callback_has_the_published_signature() {
        assert_eq!(
            onKeelLiquidateCall::SIGNATURE,
            "onKeelLiquidate(uint256,bytes)"
        );
    }
}

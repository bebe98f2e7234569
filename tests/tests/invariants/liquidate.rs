//! Liquidations: previewed, executed, and judged by the model.

use alloy_primitives::U256;
use keel_devnet::Revert;
use keel_tests::model::{
    big, Actor, Holder, Liquidated, LiquidationContext, Parties, Reject, Token,
};
use keel_tests::IKeelMarket;
use num_bigint::BigUint;

use crate::checks::LiquidationRecord;
use crate::errors::{decode, describe, is_one_of};
use crate::harness::{ensure, Harness, StepResult};

impl Harness {
    /// Previews and executes a liquidation: the preview must equal the
    /// execution, a success must follow the rules the model checks and
    /// applies, a revert must have a reason the model accepts.
    pub(crate) fn liquidate(
        &mut self,
        parties: Parties,
        index: usize,
        max_repay: U256,
    ) -> StepResult<LiquidationRecord> {
        let context = self.model.liquidation_context(parties.borrower, index);
        let (borrower, token) = (
            self.chain.account(parties.borrower),
            self.chain.token(Token::Collateral(index)),
        );
        let preview = self.chain.fx.view(&IKeelMarket::previewLiquidationCall {
            borrower,
            token,
            maxRepayAssets: max_repay,
        });
        let call = IKeelMarket::liquidateCall {
            borrower,
            token,
            maxRepayAssets: max_repay,
            receiver: self.chain.account(parties.receiver),
            data: Default::default(),
        };
        let outcome = match self
            .chain
            .transact(self.chain.account(parties.liquidator), &call)?
        {
            Ok(done) => Some(self.apply_liquidation(parties, index, max_repay, preview, done)?),
            Err(revert) => {
                self.check_liquidation_refused(
                    &context,
                    parties.liquidator,
                    max_repay,
                    preview,
                    &revert,
                )?;
                self.tally(format!("liquidate reverted: {:?}", decode(&revert)));
                None
            }
        };
        if let Some((shares, seized, applied)) = &outcome {
            let kind = match () {
                _ if applied.write_off.is_some() => "writing bad debt off",
                _ if *shares == context.borrow_shares => "clearing the debt",
                _ if *seized == context.balance => "taking all the chosen collateral",
                _ if context.close_factor_applies() => "partially, within the close factor",
                _ => "partially",
            };
            self.tally(format!("liquidate went through, {kind}"));
        }
        Ok(LiquidationRecord {
            borrower: parties.borrower,
            max_repay: big(max_repay),
            context,
            outcome,
        })
    }

    pub(crate) fn apply_liquidation(
        &mut self,
        parties: Parties,
        index: usize,
        max_repay: U256,
        preview: Result<IKeelMarket::previewLiquidationReturn, Revert>,
        done: IKeelMarket::liquidateReturn,
    ) -> StepResult<(BigUint, BigUint, Liquidated)> {
        let preview = preview.map_err(|e| {
            format!(
                "liquidate went through, its preview reverted with {}",
                describe(&e)
            )
        })?;
        let event = self
            .chain
            .log
            .liquidations
            .last()
            .cloned()
            .ok_or("liquidate emitted no Liquidate event")?;
        let executed = (
            done.repaidAssets,
            event.repaidShares,
            done.seizedCollateral,
            event.protocolFee,
        );
        let previewed = (
            preview.repaidAssets,
            preview.repaidShares,
            preview.seizedCollateral,
            preview.protocolFee,
        );
        ensure(executed == previewed, || {
            format!("liquidate did {executed:?}, its preview said {previewed:?}")
        })?;
        let (shares, seized) = (big(event.repaidShares), big(done.seizedCollateral));
        let applied = self
            .model
            .liquidate(parties, index, &big(max_repay), &shares, &seized)
            .map_err(|reasons| {
                format!("liquidate went through, the model refuses it with {reasons:?}")
            })?;
        let chain_says = (
            big(done.repaidAssets),
            big(event.protocolFee),
            big(preview.liquidatorCollateral),
        );
        let model_says = (
            applied.repaid_assets.clone(),
            applied.fee.clone(),
            applied.to_receiver.clone(),
        );
        ensure(chain_says == model_says, || {
            format!("liquidate (repaid, fee, to receiver) {chain_says:?}, model {model_says:?}")
        })?;
        self.compare_write_off(&applied, &preview)?;
        Ok((shares, seized, applied))
    }

    /// The `BadDebt` event and the preview's bad debt match the model's
    /// write-off (or its absence).
    pub(crate) fn compare_write_off(
        &self,
        applied: &Liquidated,
        preview: &IKeelMarket::previewLiquidationReturn,
    ) -> StepResult<()> {
        let events: Vec<_> = self
            .chain
            .log
            .bad_debts
            .iter()
            .map(|e| {
                (
                    big(e.assets),
                    big(e.shares),
                    big(e.fromReserves),
                    big(e.fromSuppliers),
                )
            })
            .collect();
        let expected: Vec<_> = applied
            .write_off
            .iter()
            .map(|w| {
                (
                    w.assets.clone(),
                    w.shares.clone(),
                    w.from_reserves.clone(),
                    w.from_suppliers.clone(),
                )
            })
            .collect();
        let previewed = big(preview.badDebtAssets);
        let expected_assets = applied
            .write_off
            .as_ref()
            .map(|w| w.assets.clone())
            .unwrap_or_default();
        ensure(events == expected && previewed == expected_assets, || {
            format!("bad debt: events {events:?}, preview {previewed}, model {expected:?}")
        })
    }

    /// A refused liquidation: with a successful preview only the payment can
    /// fail (the liquidator short of base tokens); otherwise the preview must
    /// revert the same way and the model must accept the reason (docs/DESIGN.md section 6:
    /// a `type(uint256).max` request never fails on rounding or dust).
    pub(crate) fn check_liquidation_refused(
        &self,
        context: &LiquidationContext,
        liquidator: Actor,
        max_repay: U256,
        preview: Result<IKeelMarket::previewLiquidationReturn, Revert>,
        revert: &Revert,
    ) -> StepResult<()> {
        match preview {
            Ok(p) => {
                let wallet = self.model.balance(Token::Base, Holder::Actor(liquidator));
                ensure(
                    wallet < big(p.repaidAssets)
                        && is_one_of(revert, &[Reject::TokenTransferFailed]),
                    || {
                        format!(
                            "liquidate reverted with {} after a preview of {p:?}",
                            describe(revert)
                        )
                    },
                )
            }
            Err(previewed) => {
                ensure(previewed == *revert, || {
                    format!(
                        "liquidate reverted with {}, its preview with {}",
                        describe(revert),
                        describe(&previewed)
                    )
                })?;
                let refusals = context.refusals(&big(max_repay));
                let allowed = match refusals.is_empty() {
                    true => context.amount_refusals(&big(max_repay)),
                    false => refusals,
                };
                ensure(is_one_of(revert, &allowed), || {
                    format!(
                        "liquidate reverted with {}, the model allows {allowed:?} ({context:?})",
                        describe(revert)
                    )
                })
            }
        }
    }
}

//! Liquidation (docs/DESIGN.md section 6, keel-liquidation's crate docs): what the
//! model knows before one, the rules an outcome must follow, and how the
//! market applies it, bad-debt write-off included.
//!
//! The model does not pick the amount (the close factor and dust rules leave
//! a choice to the decision function); the test takes the repaid shares and
//! the seizure from the contract, checks them against [`LiquidationContext`]
//! and applies them with [`Model::liquidate`], which recomputes every other
//! quantity.

use num_bigint::BigUint;
use num_traits::Zero;

use super::collateral::health_factor;
use super::num::{mul_div_down, mul_div_up, price_scale, sub_floor, u256_max, wad, Pool};
use super::{Actor, Expected, Holder, LiquidationParams, Model, Reject, Rejections, Token};

/// A liquidation of one borrower against one collateral, as the model sees it
/// at the current block with interest accrued.
#[derive(Clone, Debug)]
pub struct LiquidationContext {
    /// Liquidation paused, or within the grace period after an unpause.
    pub paused: bool,
    /// The borrow pool after accrual.
    pub borrow_pool: Pool,
    /// The borrower's borrow shares.
    pub borrow_shares: BigUint,
    /// `D`: the debt, rounded up.
    pub debt: BigUint,
    /// `W`: the LT-weighted collateral value, rounded down.
    pub liquidation_value: BigUint,
    /// `floor(W * 1e18 / D)`.
    pub health_factor: BigUint,
    /// The borrower's balance of the chosen collateral.
    pub balance: BigUint,
    /// The chosen collateral's price (1e36).
    pub price: BigUint,
    /// Its liquidation threshold, WAD.
    pub liquidation_threshold: u64,
    /// Its bonus, WAD.
    pub bonus: u64,
    /// The market's liquidation parameters.
    pub params: LiquidationParams,
}

impl LiquidationContext {
    /// Errors the contract must revert with (one of), whatever amount it
    /// would choose: paused, a collateral not held, a zero bound, a healthy
    /// position (docs/DESIGN.md invariant 5).
    pub fn refusals(&self, max_repay: &BigUint) -> Vec<Reject> {
        let mut r = Rejections::default();
        r.reject_if(self.paused, Reject::LiquidationPaused);
        r.reject_if(self.balance.is_zero(), Reject::CollateralNotHeld);
        r.reject_if(max_repay.is_zero(), Reject::ZeroRepay);
        r.reject_if(self.health_factor >= wad(), Reject::PositionHealthy);
        r.0
    }

    /// Errors the amount rules may add when nothing is refused: `ZeroRepay`
    /// when the bound is below the cost of one share, `LiquidationLeavesDust`
    /// for any bound but `U256::MAX` (which always extends past dust).
    pub fn amount_refusals(&self, max_repay: &BigUint) -> Vec<Reject> {
        let mut r = Rejections::default();
        r.reject_if(
            *max_repay < self.cost_up(&BigUint::from(1u32)),
            Reject::ZeroRepay,
        );
        r.reject_if(*max_repay != u256_max(), Reject::LiquidationLeavesDust);
        r.0
    }

    /// `to_assets_up(shares)`: what burning `shares` costs the liquidator.
    pub fn cost_up(&self, shares: &BigUint) -> BigUint {
        self.borrow_pool.to_assets_up(shares)
    }

    /// `(1e18 + bonus) * 1e18`: `1 + bonus` at the price scale.
    pub fn one_plus_bonus_scaled(&self) -> BigUint {
        (wad() + self.bonus) * wad()
    }

    /// `min(B, floor(repaid * (1 + bonus) * 1e36 / price))`: the seizure of a
    /// repayment, rounded down.
    pub fn seized_down(&self, repaid: &BigUint) -> BigUint {
        mul_div_down(repaid, &self.one_plus_bonus_scaled(), &self.price).min(self.balance.clone())
    }

    /// `ceil(seized * bonus * fee / ((1 + bonus) * 1e36))`: the protocol's
    /// share of the bonus part of a seizure, rounded up.
    pub fn fee_up(&self, seized: &BigUint) -> BigUint {
        let rate = BigUint::from(self.bonus) * self.params.fee;
        mul_div_up(seized, &rate, &self.one_plus_bonus_scaled())
    }

    /// `floor(B * price / 1e36)`: the chosen collateral's value.
    pub fn collateral_value(&self) -> BigUint {
        &self.balance * &self.price / price_scale()
    }

    /// Whether the close factor bounds the repayment: `HF >= fullLiquidationHf`
    /// and neither the debt nor the chosen collateral's value is below
    /// `minPartialLiquidationValue`.
    pub fn close_factor_applies(&self) -> bool {
        let min_partial = &self.params.min_partial_value;
        self.health_factor >= BigUint::from(self.params.full_liquidation_hf)
            && self.debt >= *min_partial
            && self.collateral_value() >= *min_partial
    }

    /// `min(D, ceil(closeFactor * D))`.
    pub fn close_factor_cap(&self) -> BigUint {
        mul_div_up(&self.debt, &BigUint::from(self.params.close_factor), &wad())
            .min(self.debt.clone())
    }

    /// "Solvent" in docs/DESIGN.md invariant 6 as the README's decisions define it for
    /// the chosen collateral, with a margin: `W / D >= LT * (1 + bonus) +
    /// margin_percent / 100`, exactly (all terms at the scale 1e54).
    pub fn solvent_for_chosen(&self, margin_percent: u32) -> bool {
        let scale = price_scale() * wad();
        let break_even =
            BigUint::from(self.liquidation_threshold) * self.one_plus_bonus_scaled() * 100u32;
        &self.liquidation_value * &scale * 100u32
            >= &self.debt * (break_even + scale * margin_percent)
    }
}

/// A bad-debt write-off: the borrower's remaining shares and their assets
/// (rounded up, capped at the pool), from reserves first, then suppliers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteOff {
    /// Debt removed, base units.
    pub assets: BigUint,
    /// Borrow shares removed.
    pub shares: BigUint,
    /// Part absorbed by reserves.
    pub from_reserves: BigUint,
    /// Part socialised to suppliers.
    pub from_suppliers: BigUint,
}

/// What the model computes for an applied liquidation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Liquidated {
    /// Base units the liquidator paid: `to_assets_up(repaid shares)`.
    pub repaid_assets: BigUint,
    /// Collateral kept as the protocol's fee.
    pub fee: BigUint,
    /// Collateral sent to the receiver.
    pub to_receiver: BigUint,
    /// The write-off, when the borrower was left without collateral.
    pub write_off: Option<WriteOff>,
}

/// Who takes part in a liquidation.
#[derive(Clone, Copy, Debug)]
pub struct Parties {
    /// Pays the base asset.
    pub liquidator: Actor,
    /// Is liquidated.
    pub borrower: Actor,
    /// Receives the seized collateral less the fee.
    pub receiver: Actor,
}

impl Model {
    /// The context of liquidating `borrower` against collateral `index` now.
    pub fn liquidation_context(&self, borrower: Actor, index: usize) -> LiquidationContext {
        let mut accrued = self.clone();
        accrued.totals = self.accrued_totals();
        accrued.context(borrower, index)
    }

    fn context(&self, borrower: Actor, index: usize) -> LiquidationContext {
        let debt = self.debt(borrower);
        let liquidation_value = self.valuation(borrower).liquidation_value;
        let risk = self.collaterals[index].risk;
        LiquidationContext {
            paused: self.pauses.liquidation || self.now < self.pauses.liquidation_resumes_at,
            borrow_pool: self.totals.borrow.clone(),
            borrow_shares: self.accounts[borrower].borrow_shares.clone(),
            health_factor: health_factor(&liquidation_value, &debt),
            debt,
            liquidation_value,
            balance: self.accounts[borrower].collateral[index].clone(),
            price: self.price(index),
            liquidation_threshold: risk.liquidation_threshold,
            bonus: risk.bonus,
            params: self.liquidation.clone(),
        }
    }

    /// Applies a liquidation whose amounts the contract chose (`repaid_shares`
    /// burnt, `seized` taken) after refusing what must be refused: burns the
    /// shares for their cost rounded up, seizes, keeps the fee, pays the
    /// receiver, and writes off what is left when no collateral remains.
    pub fn liquidate(
        &mut self,
        parties: Parties,
        index: usize,
        max_repay: &BigUint,
        repaid_shares: &BigUint,
        seized: &BigUint,
    ) -> Expected<Liquidated> {
        self.transaction(|m, r| {
            m.accrue();
            let context = m.context(parties.borrower, index);
            for reason in context.refusals(max_repay) {
                r.reject_if(true, reason);
            }
            let repaid_assets = context.cost_up(repaid_shares);
            let account = &mut m.accounts[parties.borrower];
            account.borrow_shares = sub_floor(&account.borrow_shares, repaid_shares);
            r.reject_if(
                *seized > account.collateral[index],
                Reject::InsufficientCollateral,
            );
            account.collateral[index] = sub_floor(&account.collateral[index], seized);
            let pool = &mut m.totals.borrow;
            pool.assets = sub_floor(&pool.assets, &repaid_assets);
            pool.shares = sub_floor(&pool.shares, repaid_shares);
            let collateral = &mut m.collaterals[index];
            collateral.total = sub_floor(&collateral.total, seized);
            let fee = context.fee_up(seized);
            collateral.fee_reserves += &fee;
            let write_off = m.realise_bad_debt(parties.borrower, seized);
            let to_receiver = sub_floor(seized, &fee);
            m.transfer(
                r,
                Token::Base,
                Holder::Actor(parties.liquidator),
                Holder::Market,
                &repaid_assets,
            );
            let token = Token::Collateral(index);
            m.transfer(
                r,
                token,
                Holder::Market,
                Holder::Actor(parties.receiver),
                &to_receiver,
            );
            Liquidated {
                repaid_assets,
                fee,
                to_receiver,
                write_off,
            }
        })
    }

    /// docs/DESIGN.md invariant 7: a seizure that leaves `borrower` without any
    /// collateral writes its remaining debt off, reserves first.
    fn realise_bad_debt(&mut self, borrower: Actor, seized: &BigUint) -> Option<WriteOff> {
        let shares = self.accounts[borrower].borrow_shares.clone();
        if seized.is_zero() || self.holds_collateral(borrower) || shares.is_zero() {
            return None;
        }
        let totals = &mut self.totals;
        let assets = totals
            .borrow
            .to_assets_up(&shares)
            .min(totals.borrow.assets.clone());
        let from_reserves = assets.clone().min(totals.reserves.clone());
        let from_suppliers = (&assets - &from_reserves).min(totals.supply.assets.clone());
        totals.supply.assets -= &from_suppliers;
        totals.borrow.assets -= &assets;
        totals.borrow.shares = sub_floor(&totals.borrow.shares, &shares);
        totals.reserves -= &from_reserves;
        self.accounts[borrower].borrow_shares = BigUint::zero();
        Some(WriteOff {
            assets,
            shares,
            from_reserves,
            from_suppliers,
        })
    }
}

//! Collateral: prices from the feeds, valuation (docs/DESIGN.md sections 4 and 6),
//! and `supplyCollateral` / `withdrawCollateral`.

use num_bigint::BigUint;
use num_traits::Zero;

use super::num::{fits_u128, mul_div_down, pow10, price_scale, sub_floor, u256_max, wad};
use super::{Action, Actor, Expected, Holder, Model, Reject, Rejections, Token};

/// A position's values in base units, each term rounded down.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Valuation {
    /// `sum floor(balance * price / 1e36)`.
    pub collateral_value: BigUint,
    /// `sum floor(value_i * LTV_i)`.
    pub borrow_power: BigUint,
    /// `sum floor(value_i * LT_i)`: the health factor's numerator.
    pub liquidation_value: BigUint,
}

/// `floor(W * 1e18 / D)`; `U256::MAX` without debt or past 256 bits.
pub fn health_factor(liquidation_value: &BigUint, debt: &BigUint) -> BigUint {
    if debt.is_zero() {
        return u256_max();
    }
    mul_div_down(liquidation_value, &wad(), debt).min(u256_max())
}

impl Model {
    /// Price of collateral `index`: base units per collateral unit x 1e36,
    /// `floor(Pc * 10^(db + tb + 36) / (Pb * 10^(dc + tc)))` (keel-oracle),
    /// with `Pb = 1`, `db = 0` without a base feed.
    pub fn price(&self, index: usize) -> BigUint {
        let collateral = &self.collaterals[index];
        let feed = &self.feeds[collateral.feed];
        let (base_answer, base_decimals) = match collateral.base_feed {
            Some(base) => (self.feeds[base].answer.clone(), self.feeds[base].decimals),
            None => (BigUint::from(1u32), 0),
        };
        mul_div_down(
            &feed.answer,
            &pow10(base_decimals + self.base_decimals + 36),
            &(base_answer * pow10(feed.decimals + collateral.decimals)),
        )
    }

    /// The values of `actor`'s collateral at current prices.
    pub fn valuation(&self, actor: Actor) -> Valuation {
        let mut total = Valuation::default();
        for (index, balance) in self.accounts[actor].collateral.iter().enumerate() {
            let value = balance * self.price(index) / price_scale();
            let risk = self.collaterals[index].risk;
            total.borrow_power += mul_div_down(&value, &BigUint::from(risk.ltv), &wad());
            total.liquidation_value +=
                mul_div_down(&value, &BigUint::from(risk.liquidation_threshold), &wad());
            total.collateral_value += value;
        }
        total
    }

    /// `actor`'s debt, rounded up, at the model's stored totals (accrue first).
    pub fn debt(&self, actor: Actor) -> BigUint {
        self.totals
            .borrow
            .to_assets_up(&self.accounts[actor].borrow_shares)
    }

    /// Whether `actor` holds any collateral.
    pub fn holds_collateral(&self, actor: Actor) -> bool {
        self.accounts[actor].collateral.iter().any(|b| !b.is_zero())
    }

    /// `LtvExceeded` when the debt (rounded up) exceeds the borrow power
    /// (rounded down); a position without debt always passes.
    pub(super) fn check_within_ltv(&self, r: &mut Rejections, actor: Actor) {
        let debt = self.debt(actor);
        r.reject_if(
            !debt.is_zero() && debt > self.valuation(actor).borrow_power,
            Reject::LtvExceeded,
        );
    }

    /// `supplyCollateral(token, amount, onBehalf)` paid by `caller`. The
    /// vault does not accrue interest.
    pub fn supply_collateral(
        &mut self,
        caller: Actor,
        on_behalf: Actor,
        index: usize,
        amount: &BigUint,
    ) -> Expected<()> {
        self.transaction(|m, r| {
            m.check_active(r, Action::SupplyCollateral);
            r.check_collateral_amount(amount);
            let total_after = &m.collaterals[index].total + amount;
            r.reject_if(
                total_after > m.collaterals[index].cap,
                Reject::CollateralCapExceeded,
            );
            let balance_after = &m.accounts[on_behalf].collateral[index] + amount;
            let fits = fits_u128(&total_after) && fits_u128(&balance_after);
            r.reject_if(!fits, Reject::VaultMathError);
            m.collaterals[index].total = total_after;
            m.accounts[on_behalf].collateral[index] = balance_after;
            let token = Token::Collateral(index);
            m.transfer(r, token, Holder::Actor(caller), Holder::Market, amount);
        })
    }

    /// `withdrawCollateral(token, amount, onBehalf, receiver)`: the ledger
    /// move, then interest accrues and the position must stay within its LTV.
    pub fn withdraw_collateral(
        &mut self,
        caller: Actor,
        on_behalf: Actor,
        receiver: Actor,
        index: usize,
        amount: &BigUint,
    ) -> Expected<()> {
        self.transaction(|m, r| {
            m.check_active(r, Action::WithdrawCollateral);
            m.check_authorized(r, caller, on_behalf);
            r.check_collateral_amount(amount);
            let balance = m.accounts[on_behalf].collateral[index].clone();
            r.reject_if(*amount > balance, Reject::InsufficientCollateral);
            m.accounts[on_behalf].collateral[index] = sub_floor(&balance, amount);
            m.collaterals[index].total = sub_floor(&m.collaterals[index].total, amount);
            m.accrue();
            m.check_within_ltv(r, on_behalf);
            let token = Token::Collateral(index);
            m.transfer(r, token, Holder::Market, Holder::Actor(receiver), amount);
        })
    }
}

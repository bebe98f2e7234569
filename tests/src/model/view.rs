//! Everything observable about the market and its tokens, in one comparable
//! value: the model computes it ([`Model::view`]) and the test reads it from
//! the chain, and the two must be equal after every step.

use num_bigint::BigUint;

use super::collateral::health_factor;
use super::interest::{supply_rate, SECONDS_PER_YEAR};
use super::{Holder, Model, Token};

/// `marketSnapshot`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct MarketView {
    pub supply_assets: BigUint,
    pub supply_shares: BigUint,
    pub borrow_assets: BigUint,
    pub borrow_shares: BigUint,
    pub reserves: BigUint,
    pub utilisation: BigUint,
    pub borrow_apr: BigUint,
    pub supply_apr: BigUint,
    pub last_accrual: u64,
}

/// `accountSnapshot` of one account.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct AccountView {
    pub supply_shares: BigUint,
    pub supply_assets: BigUint,
    pub borrow_shares: BigUint,
    pub debt: BigUint,
    pub collateral: Vec<BigUint>,
    pub collateral_value: BigUint,
    pub borrow_power: BigUint,
    pub liquidation_value: BigUint,
    pub health_factor: BigUint,
}

/// `collateralInfo` and `collateralPrice` of one collateral.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct CollateralView {
    pub ltv: BigUint,
    pub liquidation_threshold: BigUint,
    pub bonus: BigUint,
    pub cap: BigUint,
    pub total: BigUint,
    pub fee_reserves: BigUint,
    pub price: BigUint,
}

/// The market, every account, every collateral and every token balance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    /// The market totals and rates.
    pub market: MarketView,
    /// Accounts by [`super::Actor`] index.
    pub accounts: Vec<AccountView>,
    /// Collaterals by index.
    pub collaterals: Vec<CollateralView>,
    /// `balances[token][holder]`, holders in [`View::holders`] order.
    pub balances: Vec<Vec<BigUint>>,
}

impl View {
    /// The holders whose balances a view lists: every account, the market,
    /// the treasury.
    pub fn holders(actors: usize) -> Vec<Holder> {
        (0..actors)
            .map(Holder::Actor)
            .chain([Holder::Market, Holder::Treasury])
            .collect()
    }

    /// `holder`'s balance of `token`.
    pub fn balance(&self, token: Token, holder: Holder) -> &BigUint {
        let position = View::holders(self.accounts.len())
            .iter()
            .position(|h| *h == holder)
            .unwrap_or_else(|| panic!("{holder:?} is not listed"));
        &self.balances[token.index()][position]
    }

    /// The supply pool as `(assets, shares)`.
    pub fn supply_pool(&self) -> super::Pool {
        super::Pool {
            assets: self.market.supply_assets.clone(),
            shares: self.market.supply_shares.clone(),
        }
    }

    /// The borrow pool as `(assets, shares)`.
    pub fn borrow_pool(&self) -> super::Pool {
        super::Pool {
            assets: self.market.borrow_assets.clone(),
            shares: self.market.borrow_shares.clone(),
        }
    }
}

impl Model {
    /// What the chain must show now (interest accrued in the views).
    pub fn view(&self) -> View {
        let mut accrued = self.clone();
        accrued.totals = self.accrued_totals();
        let tokens = 1 + self.collaterals.len();
        let holders = View::holders(self.actors());
        View {
            market: accrued.market_view(),
            accounts: (0..self.actors())
                .map(|a| accrued.account_view(a))
                .collect(),
            collaterals: (0..self.collaterals.len())
                .map(|i| self.collateral_view(i))
                .collect(),
            balances: (0..tokens)
                .map(|t| {
                    let token = if t == 0 {
                        Token::Base
                    } else {
                        Token::Collateral(t - 1)
                    };
                    holders.iter().map(|h| self.balance(token, *h)).collect()
                })
                .collect(),
        }
    }

    fn market_view(&self) -> MarketView {
        let t = &self.totals;
        let borrow_rate = self.rate_model.rate_at(&t.utilisation());
        let supply_rate = supply_rate(t, &borrow_rate, self.reserve_factor);
        MarketView {
            supply_assets: t.supply.assets.clone(),
            supply_shares: t.supply.shares.clone(),
            borrow_assets: t.borrow.assets.clone(),
            borrow_shares: t.borrow.shares.clone(),
            reserves: t.reserves.clone(),
            utilisation: t.utilisation(),
            borrow_apr: borrow_rate * SECONDS_PER_YEAR,
            supply_apr: supply_rate * SECONDS_PER_YEAR,
            last_accrual: t.last_accrual,
        }
    }

    fn account_view(&self, actor: usize) -> AccountView {
        let account = &self.accounts[actor];
        let valuation = self.valuation(actor);
        let debt = self.debt(actor);
        AccountView {
            supply_shares: account.supply_shares.clone(),
            supply_assets: self.totals.supply.to_assets_down(&account.supply_shares),
            borrow_shares: account.borrow_shares.clone(),
            health_factor: health_factor(&valuation.liquidation_value, &debt),
            debt,
            collateral: account.collateral.clone(),
            collateral_value: valuation.collateral_value,
            borrow_power: valuation.borrow_power,
            liquidation_value: valuation.liquidation_value,
        }
    }

    fn collateral_view(&self, index: usize) -> CollateralView {
        let c = &self.collaterals[index];
        CollateralView {
            ltv: c.risk.ltv.into(),
            liquidation_threshold: c.risk.liquidation_threshold.into(),
            bonus: c.risk.bonus.into(),
            cap: c.cap.clone(),
            total: c.total.clone(),
            fee_reserves: c.fee_reserves.clone(),
            price: self.price(index),
        }
    }
}

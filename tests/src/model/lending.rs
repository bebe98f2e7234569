//! Lenders' and borrowers' pool operations (keel-debt's rules as the market
//! applies them): supply, withdraw, borrow, repay, accrueInterest, operators.

use num_bigint::BigUint;
use num_traits::Zero;

use super::interest::all_fit_u128;
use super::num::{fits_u128, sub_floor, Pool};
use super::{Action, Actor, Expected, Holder, Model, Quantity, Reject, Rejections, Token};

/// Assets moved and shares minted or burnt by a pool operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    /// Base units received or paid out.
    pub assets: BigUint,
    /// Shares minted or burnt.
    pub shares: BigUint,
}

/// What a repayment of `quantity` takes and burns from a debt of
/// `owed_shares` in `pool`.
fn repaid(pool: &Pool, owed_shares: &BigUint, quantity: &Quantity) -> Moved {
    let debt = pool.to_assets_up(owed_shares);
    match quantity {
        Quantity::Assets(assets) if *assets >= debt => Moved {
            assets: debt,
            shares: owed_shares.clone(),
        },
        Quantity::Assets(assets) => Moved {
            assets: assets.clone(),
            shares: pool.to_shares_down(assets),
        },
        Quantity::Shares(shares) => {
            let shares = shares.min(owed_shares).clone();
            Moved {
                assets: pool.to_assets_up(&shares),
                shares,
            }
        }
    }
}

impl Model {
    /// `supply(assets, onBehalf)` from `caller`: mints
    /// `to_shares_down(assets)`; returns the shares.
    pub fn supply(
        &mut self,
        caller: Actor,
        on_behalf: Actor,
        assets: &BigUint,
    ) -> Expected<BigUint> {
        self.transaction(|m, r| {
            m.check_active(r, Action::Supply);
            m.accrue();
            r.check_amount(assets);
            let pool = &m.totals.supply;
            let shares = pool.to_shares_down(assets);
            r.reject_if(
                !assets.is_zero() && shares.is_zero(),
                Reject::AmountRoundsToZero,
            );
            let total_after = &pool.assets + assets;
            r.reject_if(total_after > m.supply_cap, Reject::SupplyCapExceeded);
            let account_after = &m.accounts[on_behalf].supply_shares + &shares;
            let fits = all_fit_u128([&total_after, &(&pool.shares + &shares), &account_after]);
            r.reject_if(!fits, Reject::DebtMathError);
            m.transfer(
                r,
                Token::Base,
                Holder::Actor(caller),
                Holder::Market,
                assets,
            );
            m.totals.supply.assets = total_after;
            m.totals.supply.shares += &shares;
            m.accounts[on_behalf].supply_shares = account_after;
            shares
        })
    }

    /// `withdraw` (by assets: shares burnt `to_shares_up`) or
    /// `withdrawShares` (assets paid `to_assets_down`) of `on_behalf`'s
    /// supply to `receiver`.
    pub fn withdraw(
        &mut self,
        caller: Actor,
        on_behalf: Actor,
        receiver: Actor,
        quantity: &Quantity,
    ) -> Expected<Moved> {
        self.transaction(|m, r| {
            m.check_active(r, Action::Withdraw);
            m.check_authorized(r, caller, on_behalf);
            m.accrue();
            let pool = m.totals.supply.clone();
            let moved = match quantity {
                Quantity::Assets(assets) => Moved {
                    assets: assets.clone(),
                    shares: pool.to_shares_up(assets),
                },
                Quantity::Shares(shares) => Moved {
                    assets: pool.to_assets_down(shares),
                    shares: shares.clone(),
                },
            };
            r.check_amount(match quantity {
                Quantity::Assets(x) | Quantity::Shares(x) => x,
            });
            let balance = &m.accounts[on_behalf].supply_shares;
            r.reject_if(moved.shares > *balance, Reject::InsufficientSupplyShares);
            r.reject_if(moved.assets.is_zero(), Reject::AmountRoundsToZero);
            r.reject_if(
                moved.assets > m.totals.liquidity(),
                Reject::InsufficientLiquidity,
            );
            r.reject_if(moved.assets > pool.assets, Reject::DebtMathError);
            m.accounts[on_behalf].supply_shares = sub_floor(balance, &moved.shares);
            m.totals.supply.assets = sub_floor(&pool.assets, &moved.assets);
            m.totals.supply.shares = sub_floor(&pool.shares, &moved.shares);
            m.transfer(
                r,
                Token::Base,
                Holder::Market,
                Holder::Actor(receiver),
                &moved.assets,
            );
            moved
        })
    }

    /// `borrow(assets, onBehalf, receiver)`: books `to_shares_up(assets)`,
    /// then the position must stay within its LTV; returns the shares.
    pub fn borrow(
        &mut self,
        caller: Actor,
        on_behalf: Actor,
        receiver: Actor,
        assets: &BigUint,
    ) -> Expected<BigUint> {
        self.transaction(|m, r| {
            m.check_active(r, Action::Borrow);
            m.check_authorized(r, caller, on_behalf);
            m.accrue();
            r.check_amount(assets);
            r.reject_if(
                *assets > m.totals.liquidity(),
                Reject::InsufficientLiquidity,
            );
            let pool = &m.totals.borrow;
            let total_after = &pool.assets + assets;
            r.reject_if(total_after > m.borrow_cap, Reject::BorrowCapExceeded);
            let shares = pool.to_shares_up(assets);
            let account_after = &m.accounts[on_behalf].borrow_shares + &shares;
            let fits = all_fit_u128([&total_after, &(&pool.shares + &shares), &account_after]);
            r.reject_if(!fits, Reject::DebtMathError);
            m.totals.borrow.shares += &shares;
            m.totals.borrow.assets = total_after;
            m.accounts[on_behalf].borrow_shares = account_after;
            m.check_within_ltv(r, on_behalf);
            m.transfer(
                r,
                Token::Base,
                Holder::Market,
                Holder::Actor(receiver),
                assets,
            );
            shares
        })
    }

    /// `repay` / `repayShares` of `on_behalf`'s debt, paid by `caller`.
    /// Never paused. By assets at or above the debt, or by shares at or above
    /// the balance, everything is repaid for the debt rounded up; a smaller
    /// repayment by assets burns `to_shares_down(assets)`.
    pub fn repay(
        &mut self,
        caller: Actor,
        on_behalf: Actor,
        quantity: &Quantity,
    ) -> Expected<Moved> {
        self.transaction(|m, r| {
            m.accrue();
            let (Quantity::Assets(amount) | Quantity::Shares(amount)) = quantity;
            r.reject_if(amount.is_zero(), Reject::ZeroAmount);
            let owed_shares = m.accounts[on_behalf].borrow_shares.clone();
            r.reject_if(owed_shares.is_zero(), Reject::NoDebt);
            let pool = m.totals.borrow.clone();
            let moved = repaid(&pool, &owed_shares, quantity);
            let rounds_to_zero = match quantity {
                Quantity::Assets(_) => moved.shares.is_zero(),
                Quantity::Shares(_) => {
                    moved.shares < owed_shares && pool.to_assets_down(&moved.shares).is_zero()
                }
            };
            r.reject_if(
                rounds_to_zero && !amount.is_zero() && !owed_shares.is_zero(),
                Reject::AmountRoundsToZero,
            );
            r.reject_if(!fits_u128(&moved.assets), Reject::DebtMathError);
            m.totals.borrow.assets = sub_floor(&pool.assets, &moved.assets);
            m.totals.borrow.shares = sub_floor(&pool.shares, &moved.shares);
            m.accounts[on_behalf].borrow_shares = sub_floor(&owed_shares, &moved.shares);
            m.transfer(
                r,
                Token::Base,
                Holder::Actor(caller),
                Holder::Market,
                &moved.assets,
            );
            moved
        })
    }

    /// `accrueInterest()`.
    pub fn accrue_interest(&mut self) -> Expected<()> {
        self.transaction(|m, _| m.accrue())
    }

    /// `setOperator(operator, approved)` from `owner`.
    pub fn set_operator(&mut self, owner: Actor, operator: Actor, approved: bool) -> Expected<()> {
        self.transaction(|m, _| {
            if approved {
                m.operators.insert((owner, operator));
            } else {
                m.operators.remove(&(owner, operator));
            }
        })
    }

    /// `ActionPaused` while `action` is paused.
    pub(super) fn check_active(&self, r: &mut Rejections, action: Action) {
        r.reject_if(self.pauses.actions[action as usize], Reject::ActionPaused);
    }

    /// `Unauthorized` unless `caller` is `account` or its operator.
    pub(super) fn check_authorized(&self, r: &mut Rejections, caller: Actor, account: Actor) {
        r.reject_if(!self.may_act_for(caller, account), Reject::Unauthorized);
    }
}

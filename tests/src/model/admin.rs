//! The owner's and guardian's functions, the feeds and the clock.

use num_bigint::BigUint;
use num_traits::Zero;

use super::interest::MAX_RESERVE_FACTOR;
use super::num::{fits_u128, sub_floor, u128_max, wad};
use super::{
    Expected, Holder, LiquidationParams, Model, RateModel, Reject, Rejections, Risk, Role, Token,
};

/// Longest grace period after a liquidation unpause: 1 day.
pub const MAX_LIQUIDATION_GRACE_PERIOD: u32 = 86_400;
/// Largest liquidation bonus: 20%, WAD.
const MAX_BONUS: u64 = 200_000_000_000_000_000;
/// Largest protocol share of the bonus: 50%, WAD.
const MAX_LIQUIDATION_FEE: u64 = 500_000_000_000_000_000;
/// Number of pausable actions.
const ACTIONS: u8 = 5;

/// A cap at the ABI: `u128` max or more means none.
fn cap(value: &BigUint) -> BigUint {
    value.clone().min(u128_max())
}

impl Model {
    fn check_owner(&self, r: &mut Rejections, role: Role) {
        r.reject_if(role != Role::Owner, Reject::Unauthorized);
    }

    /// `setPaused(action, paused)`: the guardian or the owner pauses, only
    /// the owner unpauses.
    pub fn set_paused(&mut self, role: Role, action: u8, paused: bool) -> Expected<()> {
        self.transaction(|m, r| {
            let allowed = role == Role::Owner || (paused && role == Role::Guardian);
            r.reject_if(!allowed, Reject::Unauthorized);
            r.reject_if(action >= ACTIONS, Reject::ParameterOutOfBounds);
            if let Some(flag) = m.pauses.actions.get_mut(usize::from(action)) {
                *flag = paused;
            }
        })
    }

    /// `setLiquidationPaused(paused)` (owner only): an unpause lets
    /// liquidations resume after the grace period.
    pub fn set_liquidation_paused(&mut self, role: Role, paused: bool) -> Expected<()> {
        self.transaction(|m, r| {
            m.check_owner(r, role);
            let was_paused = m.pauses.liquidation;
            m.pauses.liquidation = paused;
            m.pauses.liquidation_resumes_at = match (paused, was_paused) {
                (true, _) => 0,
                (false, true) => m.now + u64::from(m.pauses.grace_period),
                (false, false) => m.pauses.liquidation_resumes_at,
            };
        })
    }

    /// `setLiquidationGracePeriod(seconds)`, at most a day.
    pub fn set_liquidation_grace_period(&mut self, role: Role, seconds: u32) -> Expected<()> {
        self.transaction(|m, r| {
            m.check_owner(r, role);
            r.reject_if(
                seconds > MAX_LIQUIDATION_GRACE_PERIOD,
                Reject::ParameterOutOfBounds,
            );
            m.pauses.grace_period = seconds;
        })
    }

    /// `setRateModel`: accrues at the old rate first.
    pub fn set_rate_model(&mut self, role: Role, model: RateModel) -> Expected<()> {
        self.transaction(|m, r| {
            m.check_owner(r, role);
            m.accrue();
            r.reject_if(
                !model.optimal_in_bounds(),
                Reject::OptimalUtilisationOutOfBounds,
            );
            r.reject_if(!model.max_rate_in_bounds(), Reject::MaxBorrowRateTooHigh);
            m.rate_model = model;
        })
    }

    /// `setReserveFactor`: accrues at the old factor first; at most 50%.
    pub fn set_reserve_factor(&mut self, role: Role, reserve_factor: u64) -> Expected<()> {
        self.transaction(|m, r| {
            m.check_owner(r, role);
            m.accrue();
            r.reject_if(
                reserve_factor > MAX_RESERVE_FACTOR,
                Reject::ReserveFactorTooHigh,
            );
            m.reserve_factor = reserve_factor;
        })
    }

    /// `setCaps(supplyCap, borrowCap)`.
    pub fn set_caps(
        &mut self,
        role: Role,
        supply_cap: &BigUint,
        borrow_cap: &BigUint,
    ) -> Expected<()> {
        self.transaction(|m, r| {
            m.check_owner(r, role);
            m.supply_cap = cap(supply_cap);
            m.borrow_cap = cap(borrow_cap);
        })
    }

    /// `setLiquidationParams`: `0 < closeFactor <= 1`, `fullLiquidationHf <=
    /// 1`, fee at most 50% of the bonus, both values within `u128`.
    pub fn set_liquidation_params(
        &mut self,
        role: Role,
        params: LiquidationParams,
    ) -> Expected<()> {
        self.transaction(|m, r| {
            m.check_owner(r, role);
            let one = wad();
            let close_factor = BigUint::from(params.close_factor);
            r.reject_if(
                close_factor.is_zero() || close_factor > one,
                Reject::CloseFactorOutOfBounds,
            );
            r.reject_if(
                BigUint::from(params.full_liquidation_hf) > one,
                Reject::FullLiquidationHfOutOfBounds,
            );
            r.reject_if(
                params.fee > MAX_LIQUIDATION_FEE,
                Reject::LiquidationFeeOutOfBounds,
            );
            let fit = fits_u128(&params.min_partial_value) && fits_u128(&params.dust);
            r.reject_if(!fit, Reject::ParameterOutOfBounds);
            m.liquidation = params;
        })
    }

    /// `setCollateralRisk`: `0 < bonus <= 20%`, `LTV < LT`, `LT (1 + bonus) < 1`.
    pub fn set_collateral_risk(&mut self, role: Role, index: usize, risk: Risk) -> Expected<()> {
        self.transaction(|m, r| {
            m.check_owner(r, role);
            r.reject_if(
                risk.bonus == 0 || risk.bonus > MAX_BONUS,
                Reject::BonusOutOfBounds,
            );
            r.reject_if(
                risk.ltv >= risk.liquidation_threshold,
                Reject::LtvNotBelowThreshold,
            );
            let product = BigUint::from(risk.liquidation_threshold) * (wad() + risk.bonus);
            r.reject_if(
                product >= wad() * wad(),
                Reject::ThresholdWithBonusNotBelowOne,
            );
            m.collaterals[index].risk = risk;
        })
    }

    /// `setCollateralCap` (0 refuses deposits).
    pub fn set_collateral_cap(
        &mut self,
        role: Role,
        index: usize,
        value: &BigUint,
    ) -> Expected<()> {
        self.transaction(|m, r| {
            m.check_owner(r, role);
            m.collaterals[index].cap = cap(value);
        })
    }

    /// `withdrawReserves(asset, amount, treasury)`: base reserves (interest
    /// accrued first, within liquidity) or a collateral's liquidation fees.
    pub fn withdraw_reserves(
        &mut self,
        role: Role,
        token: Token,
        amount: &BigUint,
    ) -> Expected<()> {
        self.transaction(|m, r| {
            m.check_owner(r, role);
            match token {
                Token::Base => {
                    m.accrue();
                    r.check_amount(amount);
                    r.reject_if(*amount > m.totals.reserves, Reject::InsufficientReserves);
                    r.reject_if(
                        *amount > m.totals.liquidity(),
                        Reject::InsufficientLiquidity,
                    );
                    m.totals.reserves = sub_floor(&m.totals.reserves, amount);
                }
                Token::Collateral(index) => {
                    r.reject_if(amount.is_zero(), Reject::ZeroAmount);
                    let reserves = &m.collaterals[index].fee_reserves;
                    r.reject_if(amount > reserves, Reject::InsufficientReserves);
                    m.collaterals[index].fee_reserves = sub_floor(reserves, amount);
                }
            }
            m.transfer(r, token, Holder::Market, Holder::Treasury, amount);
        })
    }

    /// A feed's new round.
    pub fn set_answer(&mut self, feed: usize, answer: BigUint) {
        self.feeds[feed].answer = answer;
    }

    /// Moves the clock.
    pub fn advance_time(&mut self, seconds: u64) {
        self.now += seconds;
    }

    /// Current answer of `feed`.
    pub fn answer(&self, feed: usize) -> &BigUint {
        &self.feeds[feed].answer
    }
}

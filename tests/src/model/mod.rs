//! The reference model of the stateful invariant tests: what every account
//! should own and owe, and what every market call should do, computed from
//! docs/DESIGN.md sections 4 to 8 and the crate docs in unbounded integers
//! (num-bigint), sharing no code with the contracts or keel-math.
//!
//! Accounts are indices ([`Actor`]); the test maps them to addresses. Each
//! operation returns [`Expected`]: `Ok` with the values the contract must
//! return (the model is then updated), or `Err` with every rejection that
//! applies. Each rejection is a sufficient reason for the contract to revert,
//! and together they are all the reasons, so the contract must revert exactly
//! when the list is non-empty, with one of the listed errors (whichever it
//! checks first: the order of checks is left to the contract).
//!
//! Interest accrues exactly where the contract accrues (every operation on
//! the pools, `withdrawCollateral`, liquidation and the rate setters; not
//! `supplyCollateral` nor the other setters), because splitting an interval
//! changes the rounding. Views accrue on a copy, as the contract's views do.
//!
//! Liquidation amounts are the one thing the model does not choose: the
//! contract's decision is checked against the documented rules and bounds
//! (`liquidation`), then applied here.

mod admin;
mod collateral;
mod interest;
mod lending;
mod liquidation;
mod num;
mod view;

use std::collections::{BTreeMap, BTreeSet};

use num_bigint::BigUint;
use num_traits::Zero;

pub use collateral::Valuation;
pub use interest::{
    assert_within_exact_compounding, growth_wad_down, max_accrued_total, RateModel, Totals,
    MAX_BORROW_RATE_PER_SECOND, MAX_RESERVE_FACTOR, SECONDS_PER_YEAR,
};
pub use lending::Moved;
pub use liquidation::{Liquidated, LiquidationContext, Parties, WriteOff};
pub use num::{big, div_up, mul_div_down, price_scale, sub_floor, to_u256, u128_max, wad, Pool};
pub use view::{AccountView, CollateralView, MarketView, View};

/// An account of the test, by index.
pub type Actor = usize;

/// Who holds tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holder {
    /// A test account.
    Actor(Actor),
    /// The market contract.
    Market,
    /// Receiver of withdrawn reserves.
    Treasury,
}

/// The base asset or a collateral, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// The base asset.
    Base,
    /// Collateral `i`.
    Collateral(usize),
}

impl Token {
    /// Index in `Model::balances`: the base asset first, then collaterals.
    pub fn index(self) -> usize {
        match self {
            Token::Base => 0,
            Token::Collateral(i) => i + 1,
        }
    }
}

/// Who calls an administrative function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The owner.
    Owner,
    /// The guardian (may pause).
    Guardian,
    /// Anybody else.
    Other,
}

/// The pausable actions, with their codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `supply`.
    Supply = 0,
    /// `withdraw`, `withdrawShares`.
    Withdraw = 1,
    /// `supplyCollateral`.
    SupplyCollateral = 2,
    /// `withdrawCollateral`.
    WithdrawCollateral = 3,
    /// `borrow`.
    Borrow = 4,
}

/// How a pool operation is sized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Quantity {
    /// Base units.
    Assets(BigUint),
    /// Supply or borrow shares.
    Shares(BigUint),
}

/// Why the contract must revert: one variant per Solidity error it may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Reject {
    Unauthorized,
    ActionPaused,
    LiquidationPaused,
    ParameterOutOfBounds,
    TokenTransferFailed,
    ZeroAmount,
    AmountExceedsU128,
    AmountRoundsToZero,
    SupplyCapExceeded,
    BorrowCapExceeded,
    InsufficientLiquidity,
    InsufficientSupplyShares,
    InsufficientReserves,
    NoDebt,
    OptimalUtilisationOutOfBounds,
    MaxBorrowRateTooHigh,
    ReserveFactorTooHigh,
    DebtMathError,
    ZeroCollateralAmount,
    CollateralAmountExceedsU128,
    InsufficientCollateral,
    CollateralCapExceeded,
    LtvExceeded,
    VaultMathError,
    PositionHealthy,
    CollateralNotHeld,
    ZeroRepay,
    LiquidationLeavesDust,
    BonusOutOfBounds,
    LtvNotBelowThreshold,
    ThresholdWithBonusNotBelowOne,
    CloseFactorOutOfBounds,
    FullLiquidationHfOutOfBounds,
    LiquidationFeeOutOfBounds,
}

/// What a call must do: return `T`, or revert with one of the rejections.
pub type Expected<T> = Result<T, Vec<Reject>>;

/// One account's position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// Claim on the supply pool.
    pub supply_shares: BigUint,
    /// Part of the borrow pool.
    pub borrow_shares: BigUint,
    /// Balance of each collateral, token units.
    pub collateral: Vec<BigUint>,
}

/// A collateral's risk parameters, WAD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Risk {
    /// Loan-to-value for borrowing and withdrawing.
    pub ltv: u64,
    /// Liquidation threshold.
    pub liquidation_threshold: u64,
    /// Liquidation bonus.
    pub bonus: u64,
}

/// A listed collateral.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collateral {
    /// Risk parameters.
    pub risk: Risk,
    /// Cap on the total (`u128` max: none).
    pub cap: BigUint,
    /// Total over all accounts.
    pub total: BigUint,
    /// Liquidation fees kept by the protocol.
    pub fee_reserves: BigUint,
    /// Token decimals.
    pub decimals: u32,
    /// Index of its price feed in `Model::feeds`.
    pub feed: usize,
    /// Index of the feed quoting the base asset in the same unit, if any.
    pub base_feed: Option<usize>,
}

/// A price feed's latest answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feed {
    /// Positive answer.
    pub answer: BigUint,
    /// Decimals of the answer.
    pub decimals: u32,
}

/// The liquidation parameters (docs/DESIGN.md section 6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiquidationParams {
    /// Share of the debt one partial liquidation may repay, WAD.
    pub close_factor: u64,
    /// Health factor below which the whole debt may be repaid, WAD.
    pub full_liquidation_hf: u64,
    /// Protocol share of the bonus, WAD.
    pub fee: u64,
    /// Debt or collateral value under which the whole debt may be repaid.
    pub min_partial_value: BigUint,
    /// Smallest remainder a partial liquidation may leave.
    pub dust: BigUint,
}

/// Pauses and the liquidation grace period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pauses {
    /// Paused actions, by [`Action`] code.
    pub actions: [bool; 5],
    /// Liquidation paused by the owner.
    pub liquidation: bool,
    /// Liquidations wait until this time after an unpause.
    pub liquidation_resumes_at: u64,
    /// Seconds between a liquidation unpause and the first liquidation.
    pub grace_period: u32,
}

/// Everything the model needs at deployment.
#[derive(Clone, Debug)]
pub struct Setup {
    /// Block time.
    pub now: u64,
    /// Number of accounts.
    pub actors: usize,
    /// Rate model.
    pub rate_model: RateModel,
    /// Reserve factor, WAD.
    pub reserve_factor: u64,
    /// Supply and borrow caps (`u128` max: none).
    pub caps: (BigUint, BigUint),
    /// Liquidation parameters.
    pub liquidation: LiquidationParams,
    /// Listed collaterals (totals and reserves zero).
    pub collaterals: Vec<Collateral>,
    /// Price feeds.
    pub feeds: Vec<Feed>,
    /// Decimals of the base asset.
    pub base_decimals: u32,
    /// Token balances, base asset first (see [`Token::index`]).
    pub balances: Vec<BTreeMap<Holder, BigUint>>,
}

/// The reference model of one market and its tokens.
#[derive(Clone, Debug)]
pub struct Model {
    now: u64,
    totals: Totals,
    rate_model: RateModel,
    reserve_factor: u64,
    supply_cap: BigUint,
    borrow_cap: BigUint,
    liquidation: LiquidationParams,
    accounts: Vec<Account>,
    collaterals: Vec<Collateral>,
    feeds: Vec<Feed>,
    base_decimals: u32,
    pauses: Pauses,
    operators: BTreeSet<(Actor, Actor)>,
    balances: Vec<BTreeMap<Holder, BigUint>>,
}

/// The rejections found while simulating one call.
#[derive(Debug, Default)]
struct Rejections(Vec<Reject>);

impl Rejections {
    fn reject_if(&mut self, condition: bool, reason: Reject) {
        if condition && !self.0.contains(&reason) {
            self.0.push(reason);
        }
    }

    /// `ZeroAmount` and `AmountExceedsU128` of the base-asset operations.
    fn check_amount(&mut self, amount: &BigUint) {
        self.reject_if(amount.is_zero(), Reject::ZeroAmount);
        self.reject_if(!num::fits_u128(amount), Reject::AmountExceedsU128);
    }

    /// The vault's `ZeroCollateralAmount` and `CollateralAmountExceedsU128`.
    fn check_collateral_amount(&mut self, amount: &BigUint) {
        self.reject_if(amount.is_zero(), Reject::ZeroCollateralAmount);
        self.reject_if(!num::fits_u128(amount), Reject::CollateralAmountExceedsU128);
    }
}

impl Model {
    /// The model of a freshly deployed market.
    pub fn new(setup: Setup) -> Self {
        let empty_account = Account {
            collateral: vec![BigUint::zero(); setup.collaterals.len()],
            ..Account::default()
        };
        Self {
            now: setup.now,
            totals: Totals::default(),
            rate_model: setup.rate_model,
            reserve_factor: setup.reserve_factor,
            supply_cap: setup.caps.0,
            borrow_cap: setup.caps.1,
            liquidation: setup.liquidation,
            accounts: vec![empty_account; setup.actors],
            collaterals: setup.collaterals,
            feeds: setup.feeds,
            base_decimals: setup.base_decimals,
            pauses: Pauses::default(),
            operators: BTreeSet::new(),
            balances: setup.balances,
        }
    }

    /// The position of `actor`.
    pub fn account(&self, actor: Actor) -> &Account {
        &self.accounts[actor]
    }

    /// Number of accounts.
    pub fn actors(&self) -> usize {
        self.accounts.len()
    }

    /// Collateral `index`.
    pub fn collateral(&self, index: usize) -> &Collateral {
        &self.collaterals[index]
    }

    /// The current pauses.
    pub fn pauses(&self) -> &Pauses {
        &self.pauses
    }

    /// Token balance of `holder`.
    pub fn balance(&self, token: Token, holder: Holder) -> BigUint {
        self.balances[token.index()]
            .get(&holder)
            .cloned()
            .unwrap_or_default()
    }

    /// Block time.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Whether `caller` may withdraw, withdraw collateral and borrow for `account`.
    pub fn may_act_for(&self, caller: Actor, account: Actor) -> bool {
        caller == account || self.operators.contains(&(account, caller))
    }

    /// The totals with interest accrued to now (as the views show them).
    pub fn accrued_totals(&self) -> Totals {
        let mut totals = self.totals.clone();
        totals.accrue(&self.rate_model, self.reserve_factor, self.now);
        totals
    }

    /// Runs `body` on a copy and keeps the copy only when nothing was rejected.
    fn transaction<T>(
        &mut self,
        body: impl FnOnce(&mut Model, &mut Rejections) -> T,
    ) -> Expected<T> {
        let mut next = self.clone();
        let mut rejections = Rejections::default();
        let value = body(&mut next, &mut rejections);
        if rejections.0.is_empty() {
            *self = next;
            Ok(value)
        } else {
            Err(rejections.0)
        }
    }

    /// Accrues interest (saturating, so it never rejects).
    fn accrue(&mut self) {
        self.totals
            .accrue(&self.rate_model, self.reserve_factor, self.now);
    }

    /// Moves `amount` of `token`; a short balance fails the market's token call.
    fn transfer(
        &mut self,
        rejections: &mut Rejections,
        token: Token,
        from: Holder,
        to: Holder,
        amount: &BigUint,
    ) {
        if amount.is_zero() {
            return;
        }
        let ledger = &mut self.balances[token.index()];
        let available = ledger.get(&from).cloned().unwrap_or_default();
        rejections.reject_if(available < *amount, Reject::TokenTransferFailed);
        ledger.insert(from, num::sub_floor(&available, amount));
        *ledger.entry(to).or_default() += amount;
    }
}

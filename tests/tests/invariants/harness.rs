//! The harness: the market on the devnet ([`Chain`]) and its reference model,
//! reset to the same start before each sequence (a devnet snapshot, not a new
//! deployment). Every step runs on both: the call's result must be what the
//! model expects, the whole observable state must equal the model's view, and
//! the invariants must hold.

use std::collections::BTreeMap;
use std::fmt::Debug;

use alloy_primitives::U256;
use keel_devnet::{Revert, Snapshot};
use keel_tests::model::{
    big, sub_floor, to_u256, Actor, Expected, Holder, Model, Parties, Quantity, Token, View,
};
use keel_tests::IKeelMarket;
use num_bigint::BigUint;

use crate::chain::{Chain, StepLog, ACCOUNTS};
use crate::checks::{check_all, StepKind, StepRecord};
use crate::errors::{decode, describe, is_one_of};
use crate::ops::{Op, FEEDS};

/// A step's result: a failure says what went wrong.
pub type StepResult<T> = Result<T, String>;

/// Feed answers stay within `[1e-6, 1e7]` units of their quote (8 decimals):
/// crashes and rallies compound over a sequence, and prices must stay
/// positive and representable.
const ANSWER_BOUNDS: (u64, u64) = (100, 1_000_000_000_000_000);

pub(crate) fn ensure(condition: bool, message: impl FnOnce() -> String) -> StepResult<()> {
    match condition {
        true => Ok(()),
        false => Err(message()),
    }
}

/// An amount the model holds, back at the ABI (every amount came from one).
pub(crate) fn abi(amount: &BigUint) -> U256 {
    to_u256(amount).expect("amounts come from the ABI")
}

/// The call's result must be the model's: the same return value, or a revert
/// with one of the model's rejections.
fn agree<T: PartialEq + Debug>(
    call: &str,
    expected: &Expected<T>,
    actual: &Result<T, Revert>,
) -> StepResult<()> {
    match (expected, actual) {
        (Ok(e), Ok(a)) => ensure(e == a, || {
            format!("{call} returned {a:?}, the model expects {e:?}")
        }),
        (Err(reasons), Err(revert)) => ensure(is_one_of(revert, reasons), || {
            format!(
                "{call} reverted with {}, the model expects one of {reasons:?}",
                describe(revert)
            )
        }),
        (Ok(e), Err(revert)) => Err(format!(
            "{call} reverted with {}, the model expects {e:?}",
            describe(revert)
        )),
        (Err(reasons), Ok(a)) => Err(format!(
            "{call} returned {a:?}, the model expects one of {reasons:?}"
        )),
    }
}

/// What an account may borrow now: `min(liquidity, borrowPower - debt)`.
pub(crate) fn headroom(view: &View, actor: Actor) -> BigUint {
    let m = &view.market;
    let liquidity = sub_floor(&(&m.supply_assets + &m.reserves), &m.borrow_assets);
    let account = &view.accounts[actor];
    sub_floor(&account.borrow_power, &account.debt).min(liquidity)
}

/// How often each call went through or reverted and why, and how many
/// liquidations wrote bad debt off: what the sequences reached.
pub type Coverage = BTreeMap<String, u64>;

/// The account with the lowest health factor.
fn weakest(view: &View) -> Actor {
    (0..ACCOUNTS)
        .min_by_key(|&a| &view.accounts[a].health_factor)
        .unwrap_or_default()
}

/// The collateral of which `actor` holds the most value (by price).
fn most_valuable_collateral(view: &View, actor: Actor) -> usize {
    let value =
        |index: usize| &view.accounts[actor].collateral[index] * &view.collaterals[index].price;
    (0..view.collaterals.len())
        .max_by_key(|&index| value(index))
        .unwrap_or_default()
}

/// A market on the devnet, its reference model, and their common start.
pub struct Harness {
    pub(crate) chain: Chain,
    pub(crate) model: Model,
    start: (Snapshot, Model),
    pub(crate) coverage: Coverage,
}

impl Harness {
    /// Deploys and funds the market and builds its model.
    pub fn new() -> Self {
        let mut chain = Chain::new();
        let model = Model::new(chain.setup());
        let start = (chain.fx.net.snapshot(), model.clone());
        Self {
            chain,
            model,
            start,
            coverage: Coverage::new(),
        }
    }

    /// What the sequences run so far reached.
    pub fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    pub(crate) fn tally(&mut self, what: String) {
        *self.coverage.entry(what).or_default() += 1;
    }

    /// [`agree`], counted in the coverage.
    pub(crate) fn agree<T: PartialEq + Debug>(
        &mut self,
        call: &'static str,
        expected: &Expected<T>,
        actual: &Result<T, Revert>,
    ) -> StepResult<()> {
        let outcome = match actual {
            Ok(_) => "went through".to_string(),
            Err(revert) => format!(
                "reverted: {}",
                decode(revert).map_or("?".to_string(), |r| format!("{r:?}"))
            ),
        };
        self.tally(format!("{call} {outcome}"));
        agree(call, expected, actual)
    }

    /// Runs `ops` from the start; after each step the chain must equal the
    /// model and the invariants must hold.
    ///
    /// # Errors
    /// The first disagreement or broken invariant, with its step.
    pub fn run(&mut self, ops: &[Op]) -> StepResult<()> {
        self.chain.fx.net.restore(self.start.0);
        self.model = self.start.1.clone();
        let mut before = self.observe_and_compare()?;
        for (index, op) in ops.iter().enumerate() {
            let at = |error: String| format!("step {index} {op:?}: {error}");
            let step = self.execute(op, &before).map_err(at)?;
            let after = self.observe_and_compare().map_err(at)?;
            check_all(&before, &after, &step).map_err(at)?;
            self.inv_10_repay_all_and_withdraw_all_succeed()
                .map_err(at)?;
            before = after;
        }
        Ok(())
    }

    /// Reads the chain and compares it with the model's view, field by field.
    fn observe_and_compare(&mut self) -> StepResult<View> {
        let observed = self.chain.observe()?;
        let expected = self.model.view();
        ensure(observed == expected, || {
            format!(
                "the chain and the model disagree:\n{}",
                diff(&expected, &observed)
            )
        })?;
        Ok(observed)
    }

    /// What the checks need to know about `op` before it runs.
    fn record_for(&self, op: &Op) -> StepRecord {
        match *op {
            Op::MovePrice { .. } => StepRecord::of(StepKind::PriceMove),
            Op::AdvanceTime { .. } => StepRecord::of(StepKind::TimeJump),
            Op::Admin { .. } => StepRecord::of(StepKind::Governance {
                lowers_threshold: false,
            }),
            Op::Supply { caller, .. }
            | Op::Withdraw { caller, .. }
            | Op::SupplyCollateral { caller, .. }
            | Op::WithdrawCollateral { caller, .. }
            | Op::Borrow { caller, .. }
            | Op::Repay { caller, .. }
            | Op::Liquidate { caller, .. }
            | Op::RoundTrip { actor: caller, .. }
            | Op::SetOperator { caller, .. }
            | Op::AccrueInterest { caller } => StepRecord {
                acting_for: (0..ACCOUNTS)
                    .filter(|&a| self.model.may_act_for(caller, a))
                    .collect(),
                ..StepRecord::of(StepKind::Account)
            },
        }
    }

    /// Runs `op` on the chain and in the model; amounts are resolved against
    /// `before`, the state both agreed on.
    fn execute(&mut self, op: &Op, before: &View) -> StepResult<StepRecord> {
        self.chain.log = StepLog::default();
        let mut step = self.record_for(op);
        match *op {
            Op::Supply {
                caller,
                on_behalf,
                amount,
            } => {
                let wallet = before.balance(Token::Base, Holder::Actor(caller));
                self.supply(caller, on_behalf, amount.resolve(wallet))?;
            }
            Op::Withdraw {
                caller,
                on_behalf,
                receiver,
                amount,
                by_shares,
            } => {
                let account = &before.accounts[on_behalf];
                let quantity = match by_shares {
                    true => Quantity::Shares(big(amount.resolve(&account.supply_shares))),
                    false => Quantity::Assets(big(amount.resolve(&account.supply_assets))),
                };
                self.withdraw(caller, on_behalf, receiver, &quantity)?;
            }
            Op::SupplyCollateral {
                caller,
                on_behalf,
                collateral,
                amount,
            } => {
                let wallet = before.balance(Token::Collateral(collateral), Holder::Actor(caller));
                self.supply_collateral(caller, on_behalf, collateral, amount.resolve(wallet))?;
            }
            Op::WithdrawCollateral {
                caller,
                on_behalf,
                receiver,
                collateral,
                amount,
            } => {
                let held = amount.resolve(&before.accounts[on_behalf].collateral[collateral]);
                self.withdraw_collateral(caller, on_behalf, receiver, collateral, held)?;
            }
            Op::Borrow {
                caller,
                on_behalf,
                receiver,
                amount,
            } => {
                let assets = amount.resolve(&headroom(before, on_behalf));
                self.borrow(caller, on_behalf, receiver, assets)?;
            }
            Op::Repay {
                caller,
                on_behalf,
                amount,
                by_shares,
            } => {
                let account = &before.accounts[on_behalf];
                let quantity = match by_shares {
                    true => Quantity::Shares(big(amount.resolve(&account.borrow_shares))),
                    false => Quantity::Assets(big(amount.resolve(&account.debt))),
                };
                self.repay(caller, on_behalf, &quantity)?;
            }
            Op::Liquidate {
                caller,
                borrower,
                collateral,
                amount,
                receiver,
            } => {
                let borrower = borrower.unwrap_or_else(|| weakest(before));
                let collateral =
                    collateral.unwrap_or_else(|| most_valuable_collateral(before, borrower));
                let parties = Parties {
                    liquidator: caller,
                    borrower,
                    receiver,
                };
                let max_repay = amount.resolve(&before.accounts[borrower].debt);
                step.liquidation = Some(self.liquidate(parties, collateral, max_repay)?);
            }
            Op::RoundTrip {
                actor,
                kind,
                amount,
            } => {
                step.round_trip = self.round_trip(before, actor, kind, amount)?;
            }
            Op::SetOperator {
                caller,
                operator,
                approved,
            } => {
                let expected = self.model.set_operator(caller, operator, approved);
                let call = IKeelMarket::setOperatorCall {
                    operator: self.chain.account(operator),
                    approved,
                };
                self.call(caller, "setOperator", &expected, &call)?;
            }
            Op::AccrueInterest { caller } => {
                let expected = self.model.accrue_interest();
                self.call(
                    caller,
                    "accrueInterest",
                    &expected,
                    &IKeelMarket::accrueInterestCall {},
                )?;
            }
            Op::MovePrice { feed, permille } => {
                let (low, high) = ANSWER_BOUNDS;
                let moved = self.model.answer(feed) * permille / 1_000u32;
                self.publish(feed, moved.clamp(BigUint::from(low), BigUint::from(high)));
            }
            Op::AdvanceTime { seconds } => {
                self.chain.fx.net.advance_time(seconds);
                self.model.advance_time(seconds);
                for feed in 0..FEEDS {
                    self.publish(feed, self.model.answer(feed).clone());
                }
            }
            Op::Admin { role, ref change } => {
                let lowers_threshold = self.admin(role, change, before)?;
                step.kind = StepKind::Governance { lowers_threshold };
            }
        }
        step.socialised = self
            .chain
            .log
            .bad_debts
            .iter()
            .map(|e| big(e.fromSuppliers))
            .sum();
        Ok(step)
    }

    /// A new round on `feed` now, on the chain and in the model.
    fn publish(&mut self, feed: usize, answer: BigUint) {
        self.chain.set_answer(feed, &answer);
        self.model.set_answer(feed, answer);
    }
}

/// Where two views differ: the market, each account, each collateral and
/// each balance, the model's value first.
fn diff(expected: &View, observed: &View) -> String {
    let mut lines = Vec::new();
    let mut compare = |what: String, e: &dyn Debug, o: &dyn Debug| {
        let (e, o) = (format!("{e:?}"), format!("{o:?}"));
        if e != o {
            lines.push(format!("  {what}:\n    model {e}\n    chain {o}"));
        }
    };
    compare("market".into(), &expected.market, &observed.market);
    for (index, (e, o)) in expected.accounts.iter().zip(&observed.accounts).enumerate() {
        compare(format!("account {index}"), e, o);
    }
    for (index, (e, o)) in expected
        .collaterals
        .iter()
        .zip(&observed.collaterals)
        .enumerate()
    {
        compare(format!("collateral {index}"), e, o);
    }
    let holders = View::holders(expected.accounts.len());
    for (token, (e, o)) in expected.balances.iter().zip(&observed.balances).enumerate() {
        for (holder, (e, o)) in holders.iter().zip(e.iter().zip(o)) {
            compare(format!("token {token} balance of {holder:?}"), e, o);
        }
    }
    lines.join("\n")
}

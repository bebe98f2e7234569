//! Property tests of the debt core: round trips, repay-all, totals against a model of
//! accounts over random operation sequences, share price under accrual, interest split.
//!
//! `KEEL_PROPTEST_CASES=N` runs N cases per property (default 10,000; the sequence property
//! runs a tenth, each case being up to 40 operations).
// Test code: model arithmetic on u128/i128 far from their limits.
#![allow(clippy::arithmetic_side_effects)]

use keel_debt::{
    accrue, borrow, repay, supply, withdraw, withdraw_reserves, write_off_bad_debt, AccountShares,
    AmountRoundsToZero, InsufficientLiquidity, InterestConfig, Pool, Quantity, RateModel, Totals,
    UnbookedInterest, MAX_BORROW_RATE_PER_SECOND, MAX_RESERVE_FACTOR,
};
use keel_math::{Wad, U256, WAD};
use proptest::prelude::*;

const NO_CAP: u128 = u128::MAX;
const ACCOUNTS: usize = 3;

/// `KEEL_PROPTEST_CASES` cases per property (default 10,000).
fn cases() -> u32 {
    keel_testkit::proptest_cases(10_000)
}

/// Amounts of 1 to 2^bits units with a uniformly drawn bit length (small ones are common).
fn amount(max_bits: u32) -> impl Strategy<Value = u128> {
    (1..=max_bits, any::<u128>()).prop_map(|(bits, raw)| (raw >> (128 - bits)).max(1))
}

/// A pool (possibly empty) whose share price lies within a factor 2^20 either side of the
/// initial 1 asset per 1e6 shares, as interest or write-downs leave it.
fn pool() -> impl Strategy<Value = Pool> {
    let priced = (amount(80), 0_u32..=20, 0_u32..=20).prop_map(|(assets, up, down)| Pool {
        assets,
        shares: (assets * 1_000_000) >> up << down,
    });
    prop_oneof![1 => Just(Pool::default()), 9 => priced]
}

fn interest_config() -> impl Strategy<Value = InterestConfig> {
    let max_rate: u64 = MAX_BORROW_RATE_PER_SECOND.saturating_to();
    let max_factor: u64 = MAX_RESERVE_FACTOR.saturating_to();
    (
        0..=max_rate / 3,
        0..=max_rate / 3,
        0..=max_rate / 3,
        1_u64..=99,
        0..=max_factor,
    )
        .prop_map(
            |(base, below, above, optimal_percent, reserve_factor)| InterestConfig {
                rate_model: RateModel {
                    base_rate_per_second: Wad(U256::from(base)),
                    slope_below_optimal_per_second: Wad(U256::from(below)),
                    slope_above_optimal_per_second: Wad(U256::from(above)),
                    optimal_utilisation: Wad(WAD * U256::from(optimal_percent) / U256::from(100)),
                },
                reserve_factor: Wad(U256::from(reserve_factor)),
            },
        )
}

/// Totals with borrow at most supply + reserves.
fn totals() -> impl Strategy<Value = Totals> {
    let nano = 0..1_000_000_000_u32;
    (
        pool(),
        pool(),
        amount(80),
        any::<bool>(),
        nano.clone(),
        nano,
    )
        .prop_map(
            |(supply, mut borrow, reserves, has_reserves, to_suppliers_nano, to_reserves_nano)| {
                let reserves = if has_reserves { reserves } else { 0 };
                if borrow.assets > supply.assets + reserves {
                    borrow.assets = (supply.assets + reserves) / 2;
                }
                Totals {
                    supply,
                    borrow,
                    reserves,
                    last_accrual_seconds: 1_000,
                    unbooked: UnbookedInterest {
                        to_suppliers_nano,
                        to_reserves_nano,
                    },
                }
            },
        )
}

/// `a.assets / a.shares <= b.assets / b.shares` with the virtual offsets.
fn price_not_above(a: Pool, b: Pool) -> bool {
    let lhs = U256::from(a.assets + 1) * U256::from(b.shares + 1_000_000);
    let rhs = U256::from(b.assets + 1) * U256::from(a.shares + 1_000_000);
    lhs <= rhs
}

proptest! {
    #![proptest_config(keel_testkit::proptest_config(cases()))]

    #[test]
    fn supply_then_withdraw_all_never_pays_out_more(
        t in totals(),
        assets in amount(90),
    ) {
        let Ok(supplied) = supply(t.supply, AccountShares::default(), U256::from(assets), NO_CAP)
        else {
            return Ok(());
        };
        let after_supply = Totals { supply: supplied.pool, ..t };
        prop_assert!(price_not_above(t.supply, supplied.pool));
        let all = Quantity::Shares(U256::from(supplied.account.supply));
        if let Ok(withdrawn) = withdraw(&after_supply, supplied.account, all) {
            prop_assert!(withdrawn.assets <= supplied.assets);
            prop_assert_eq!(withdrawn.account.supply, 0);
            prop_assert!(price_not_above(supplied.pool, withdrawn.pool));
        }
        // By assets: asking back what was paid in burns at least the shares minted.
        let back = Quantity::Assets(U256::from(supplied.assets));
        if let Ok(withdrawn) = withdraw(&after_supply, supplied.account, back) {
            prop_assert!(withdrawn.shares >= supplied.shares);
        }
    }

    #[test]
    fn borrow_then_repay_all_pays_back_at_least_the_loan(
        t in totals(),
        assets in amount(90),
        by_shares in any::<bool>(),
    ) {
        let Ok(borrowed) = borrow(&t, AccountShares::default(), U256::from(assets), NO_CAP) else {
            return Ok(());
        };
        let debt_up = borrowed.pool.to_assets_up(borrowed.account.borrow).unwrap();
        prop_assert!(debt_up >= U256::from(assets));
        let all = if by_shares {
            Quantity::Shares(U256::from(borrowed.account.borrow))
        } else {
            Quantity::Assets(U256::MAX)
        };
        let repaid = repay(borrowed.pool, borrowed.account, all).unwrap();
        prop_assert!(repaid.assets >= assets);
        prop_assert_eq!(U256::from(repaid.assets), debt_up);
        prop_assert_eq!(repaid.account.borrow, 0);
    }

    #[test]
    fn repay_all_always_succeeds_and_leaves_no_shares(
        pool in pool(),
        fraction in 1_u128..=1_000,
        offered_bits in 0_u32..=256,
        by_shares in any::<bool>(),
    ) {
        let account = AccountShares { supply: 0, borrow: (pool.shares / 1_000 * fraction).max(1) };
        let pool = Pool { shares: pool.shares.max(account.borrow), ..pool };
        let debt_up = pool.to_assets_up(account.borrow).unwrap();
        // Any amount at or above the debt, up to U256::MAX.
        let offered = debt_up.max(U256::MAX >> (256 - offered_bits as usize).min(255));
        let quantity = if by_shares {
            Quantity::Shares(U256::from(account.borrow).max(offered))
        } else {
            Quantity::Assets(offered)
        };
        let repaid = repay(pool, account, quantity).unwrap();
        prop_assert_eq!(repaid.account.borrow, 0);
        prop_assert_eq!(U256::from(repaid.assets), debt_up);
        prop_assert_eq!(repaid.pool.shares, pool.shares - account.borrow);
    }

    #[test]
    fn accrual_conserves_value_and_never_lowers_the_supply_share_price(
        t in totals(),
        config in interest_config(),
        elapsed in 0_u64..=(2 * 365 * 86_400),
    ) {
        let accrual = accrue(&t, &config, t.last_accrual_seconds + elapsed).unwrap();
        let after = accrual.totals;
        let borrow_growth = after.borrow.assets - t.borrow.assets;
        let supply_growth = after.supply.assets - t.supply.assets;
        let reserves_growth = after.reserves - t.reserves;
        prop_assert_eq!(borrow_growth, supply_growth + reserves_growth);
        prop_assert_eq!(borrow_growth, accrual.interest);
        prop_assert_eq!(reserves_growth, accrual.to_reserves);
        // Counting the fractions carried (nano-units), reserves get at least their share of
        // the interest, and at most one unit more.
        let nano = |units: u128, carried: u32| U256::from(units) * U256::from(1_000_000_000) + U256::from(carried);
        let carried = |u: UnbookedInterest| U256::from(u.to_suppliers_nano) + U256::from(u.to_reserves_nano);
        let interest_nano = nano(borrow_growth, 0) + carried(after.unbooked) - carried(t.unbooked);
        let reserves_nano = nano(reserves_growth, after.unbooked.to_reserves_nano) - U256::from(t.unbooked.to_reserves_nano);
        let share = interest_nano * config.reserve_factor.0;
        prop_assert!(reserves_nano * WAD >= share);
        prop_assert!(reserves_nano * WAD < share + U256::from(1_000_000_000) * WAD);
        prop_assert!(price_not_above(t.supply, after.supply));
        prop_assert_eq!((after.supply.shares, after.borrow.shares), (t.supply.shares, t.borrow.shares));
    }

    #[test]
    fn accruing_in_two_steps_at_a_flat_rate_matches_one_accrual_up_to_rounding(
        t in totals(),
        config in interest_config(),
        first in 1_u64..=30 * 86_400,
        second in 1_u64..=30 * 86_400,
    ) {
        // With slopes at zero the rate does not depend on utilisation, and per-second
        // compounding is multiplicative: only rounding may differ.
        let flat = InterestConfig {
            rate_model: RateModel {
                slope_below_optimal_per_second: Wad::ZERO,
                slope_above_optimal_per_second: Wad::ZERO,
                ..config.rate_model
            },
            ..config
        };
        let start = t.last_accrual_seconds;
        let once = accrue(&t, &flat, start + first + second).unwrap().totals;
        let halfway = accrue(&t, &flat, start + first).unwrap().totals;
        let twice = accrue(&halfway, &flat, start + first + second).unwrap().totals;
        prop_assert_eq!(once.last_accrual_seconds, twice.last_accrual_seconds);
        let tolerance = 2 + once.borrow.assets / 1_000_000_000_000_000;
        prop_assert!(once.borrow.assets.abs_diff(twice.borrow.assets) <= tolerance);
        prop_assert!(once.supply.assets.abs_diff(twice.supply.assets) <= tolerance + 1);
    }
}

/// One operation of the random sequence.
#[derive(Debug, Clone)]
enum Op {
    Supply {
        account: usize,
        assets: u128,
    },
    Withdraw {
        account: usize,
        per_mille: u128,
        by_shares: bool,
    },
    Borrow {
        account: usize,
        assets: u128,
    },
    Repay {
        account: usize,
        per_mille: u128,
        by_shares: bool,
    },
    Accrue {
        seconds: u64,
    },
    WriteOff {
        account: usize,
    },
    WithdrawReserves {
        per_mille: u128,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let account = 0..ACCOUNTS;
    let per_mille = 1_u128..=1_200;
    prop_oneof![
        (account.clone(), amount(70)).prop_map(|(account, assets)| Op::Supply { account, assets }),
        (account.clone(), per_mille.clone(), any::<bool>()).prop_map(
            |(account, per_mille, by_shares)| Op::Withdraw {
                account,
                per_mille,
                by_shares
            }
        ),
        (account.clone(), amount(70)).prop_map(|(account, assets)| Op::Borrow { account, assets }),
        (account.clone(), per_mille.clone(), any::<bool>()).prop_map(
            |(account, per_mille, by_shares)| Op::Repay {
                account,
                per_mille,
                by_shares
            }
        ),
        (1_u64..=30 * 86_400).prop_map(|seconds| Op::Accrue { seconds }),
        account.prop_map(|account| Op::WriteOff { account }),
        per_mille.prop_map(|per_mille| Op::WithdrawReserves { per_mille }),
    ]
}

/// The market as the property sees it: totals, accounts, and the tokens it really holds.
#[derive(Debug, Clone, Default)]
struct Market {
    totals: Totals,
    accounts: [AccountShares; ACCOUNTS],
    cash: i128,
    now: u64,
}

impl Market {
    /// Applies `op`; returns whether it was a write-off (the only op that may lower the
    /// supply share price). Refused operations change nothing.
    fn apply(&mut self, op: &Op, config: &InterestConfig) -> bool {
        let scaled =
            |x: u128, per_mille: u128| x / 1_000 * per_mille + x % 1_000 * per_mille / 1_000;
        match *op {
            Op::Supply { account, assets } => {
                let assets = U256::from(assets);
                if let Ok(step) = supply(self.totals.supply, self.accounts[account], assets, NO_CAP)
                {
                    self.totals.supply = step.pool;
                    self.accounts[account] = step.account;
                    self.cash += step.assets as i128;
                }
            }
            Op::Withdraw {
                account,
                per_mille,
                by_shares,
            } => {
                let shares = scaled(self.accounts[account].supply, per_mille);
                let quantity = if by_shares {
                    Quantity::Shares(U256::from(shares))
                } else {
                    Quantity::Assets(self.totals.supply.to_assets_down(shares).unwrap())
                };
                if let Ok(step) = withdraw(&self.totals, self.accounts[account], quantity) {
                    self.totals.supply = step.pool;
                    self.accounts[account] = step.account;
                    self.cash -= step.assets as i128;
                }
            }
            Op::Borrow { account, assets } => {
                if let Ok(step) = borrow(
                    &self.totals,
                    self.accounts[account],
                    U256::from(assets),
                    NO_CAP,
                ) {
                    self.totals.borrow = step.pool;
                    self.accounts[account] = step.account;
                    self.cash -= step.assets as i128;
                }
            }
            Op::Repay {
                account,
                per_mille,
                by_shares,
            } => {
                let shares = scaled(self.accounts[account].borrow, per_mille);
                let quantity = if by_shares {
                    Quantity::Shares(U256::from(shares))
                } else {
                    Quantity::Assets(self.totals.borrow.to_assets_up(shares).unwrap())
                };
                if let Ok(step) = repay(self.totals.borrow, self.accounts[account], quantity) {
                    self.totals.borrow = step.pool;
                    self.accounts[account] = step.account;
                    self.cash += step.assets as i128;
                }
            }
            Op::Accrue { seconds } => {
                self.now += seconds;
                self.totals = accrue(&self.totals, config, self.now).unwrap().totals;
            }
            Op::WriteOff { account } => {
                if let Ok(write_off) = write_off_bad_debt(&self.totals, self.accounts[account]) {
                    assert_eq!(
                        write_off.from_reserves + write_off.from_suppliers,
                        write_off.assets
                    );
                    self.totals = write_off.totals;
                    self.accounts[account] = write_off.account;
                    return true;
                }
            }
            Op::WithdrawReserves { per_mille } => {
                let assets = scaled(self.totals.reserves, per_mille);
                if let Ok(reserves) = withdraw_reserves(&self.totals, U256::from(assets)) {
                    self.cash -= (self.totals.reserves - reserves) as i128;
                    self.totals.reserves = reserves;
                }
            }
        }
        false
    }

    fn check(&self) -> Result<(), TestCaseError> {
        let t = &self.totals;
        let supply_shares: u128 = self.accounts.iter().map(|a| a.supply).sum();
        let borrow_shares: u128 = self.accounts.iter().map(|a| a.borrow).sum();
        prop_assert_eq!(supply_shares, t.supply.shares);
        prop_assert_eq!(borrow_shares, t.borrow.shares);
        // Invariant 1 with reserves, and invariant 3: the tokens cover the accounting.
        prop_assert!(t.borrow.assets <= t.supply.assets + t.reserves);
        prop_assert!(self.cash >= (t.supply.assets + t.reserves - t.borrow.assets) as i128);
        // Lenders' balances (down) never exceed the pool; debts (up) never fall below it
        // by more than the virtual shares' part (one unit per account at most).
        let owed_to_lenders: U256 = self
            .accounts
            .iter()
            .map(|a| t.supply.to_assets_down(a.supply).unwrap())
            .sum();
        prop_assert!(owed_to_lenders <= U256::from(t.supply.assets));
        Ok(())
    }
}

proptest! {
    #![proptest_config(keel_testkit::proptest_config((cases() / 10).max(1)))]

    #[test]
    fn random_sequences_keep_totals_equal_to_accounts_and_the_market_solvent(
        config in interest_config(),
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let mut market = Market::default();
        for op in &ops {
            let price_before = market.totals.supply;
            let wrote_off = market.apply(op, &config);
            market.check()?;
            if !wrote_off {
                prop_assert!(price_not_above(price_before, market.totals.supply), "{op:?}");
            }
        }
        // Everyone can leave: repay all, then withdraw all (liquidity allowing).
        for account in 0..ACCOUNTS {
            if market.accounts[account].borrow > 0 {
                let step = repay(market.totals.borrow, market.accounts[account], Quantity::Assets(U256::MAX)).unwrap();
                market.totals.borrow = step.pool;
                market.accounts[account] = step.account;
                market.cash += step.assets as i128;
            }
        }
        for account in 0..ACCOUNTS {
            let shares = market.accounts[account].supply;
            if shares == 0 {
                continue;
            }
            match withdraw(&market.totals, market.accounts[account], Quantity::Shares(U256::from(shares))) {
                Ok(step) => {
                    market.totals.supply = step.pool;
                    market.accounts[account] = step.account;
                    market.cash -= step.assets as i128;
                }
                // Dust only: shares worth less than one unit, or the interest that accrued
                // on the virtual borrow shares (owed by nobody) still counted as lent.
                Err(error) if error.is::<AmountRoundsToZero>() => {}
                Err(error) => {
                    let shortfall = error.decode::<InsufficientLiquidity>();
                    prop_assert!(shortfall.is_some(), "withdraw-all refused: {error:?}");
                    let shortfall = shortfall.unwrap();
                    prop_assert_eq!(market.totals.borrow.shares, 0);
                    let missing = shortfall.requested - shortfall.available;
                    prop_assert!(missing <= U256::from(market.totals.borrow.assets), "{shortfall:?}");
                }
            }
            market.check()?;
        }
    }
}

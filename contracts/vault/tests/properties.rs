//! Property tests of the vault core: the ledger against a model of accounts over random
//! deposit/withdraw sequences, round trips, valuation, and the exactness of
//! `max_withdrawable`.
//!
//! `KEEL_PROPTEST_CASES=N` runs N cases per property (default 10,000; the sequence property
//! runs a tenth, each case being up to 40 operations).
// Test code: model arithmetic on u128/U256 far from their limits.
#![allow(clippy::arithmetic_side_effects)]

use keel_math::{Price, Wad, PRICE_SCALE, U256, WAD};
use keel_vault::{
    borrow_power_down, check_within_ltv, deposit, liquidation_price_up, max_withdrawable,
    value_position, withdraw, CollateralIndex, CollateralRisk, CollateralSnapshot, HeldSet,
    LedgerEntry, VaultError,
};
use proptest::prelude::*;

const ACCOUNTS: usize = 3;

/// `KEEL_PROPTEST_CASES` cases per property (default 10,000).
fn cases() -> u32 {
    keel_testkit::proptest_cases(10_000)
}

/// Amounts of 1 to 2^bits units with a uniformly drawn bit length.
fn amount(max_bits: u32) -> impl Strategy<Value = u128> {
    (1..=max_bits, any::<u128>()).prop_map(|(bits, raw)| (raw >> (128 - bits)).max(1))
}

fn index() -> impl Strategy<Value = CollateralIndex> {
    (0_u8..8).prop_map(|i| CollateralIndex::new(i).unwrap())
}

/// Prices from 1e-12 to 1e12 base units per collateral unit (decimals 6 vs 18 and beyond).
fn price() -> impl Strategy<Value = Price> {
    amount(80).prop_map(|raw| Price(U256::from(raw) * U256::from(1_000_000_000_000_u64)))
}

/// LTV below LT, both in (0, 1).
fn risk() -> impl Strategy<Value = CollateralRisk> {
    (price(), 0_u64..=950, 1_u64..=50).prop_map(|(price, ltv_per_mille, gap)| CollateralRisk {
        price,
        ltv: Wad(WAD * U256::from(ltv_per_mille) / U256::from(1_000)),
        liquidation_threshold: Wad(WAD * U256::from(ltv_per_mille + gap) / U256::from(1_000)),
    })
}

fn snapshot() -> impl Strategy<Value = CollateralSnapshot> {
    prop::array::uniform8(prop_oneof![Just(0_u128), amount(100)]).prop_map(|balances| {
        CollateralIndex::all().fold(CollateralSnapshot::default(), |snap, i| {
            snap.with_balance(i, balances[i.position()])
        })
    })
}

proptest! {
    #![proptest_config(keel_testkit::proptest_config(cases()))]

    #[test]
    fn deposit_then_withdraw_returns_exactly_the_entry(
        balance in amount(100),
        others in amount(100),
        held_bits in any::<u8>(),
        i in index(),
        deposited in amount(100),
    ) {
        let before = LedgerEntry {
            held: HeldSet::from_bits(held_bits).with_balance(i, balance),
            balance,
            total: balance + others,
        };
        let after = deposit(before, i, U256::from(deposited), u128::MAX).unwrap();
        prop_assert_eq!(after.balance, balance + deposited);
        prop_assert_eq!(after.total, before.total + deposited);
        prop_assert!(after.held.contains(i));
        // Nobody gets more out than went in.
        prop_assert!(withdraw(after, i, U256::from(after.balance + 1)).is_err());
        prop_assert_eq!(withdraw(after, i, U256::from(deposited)), Ok(before));
    }

    #[test]
    fn valuation_and_borrow_power_sum_held_terms_rounded_down(
        snap in snapshot(),
        risks in prop::array::uniform8(risk()),
    ) {
        let mut asked = Vec::new();
        let value = value_position::<VaultError>(&snap, |i| {
            asked.push(i);
            Ok(risks[i.position()])
        })
        .unwrap();
        prop_assert_eq!(asked, snap.held.iter().collect::<Vec<_>>());
        let (mut exact_value, mut exact_power, mut exact_liquidation) = (U256::ZERO, U256::ZERO, U256::ZERO);
        for i in CollateralIndex::all() {
            let balance = U256::from(snap.balance(i));
            let risk = risks[i.position()];
            let term = balance * risk.price.0 / PRICE_SCALE;
            exact_value += term;
            exact_power += term * risk.ltv.0 / WAD;
            exact_liquidation += term * risk.liquidation_threshold.0 / WAD;
        }
        prop_assert_eq!(value.collateral_value_down, exact_value);
        prop_assert_eq!(value.borrow_power_down, exact_power);
        let mut asked_for_power = Vec::new();
        let power = borrow_power_down::<VaultError>(&snap, |i| {
            asked_for_power.push(i);
            Ok(risks[i.position()])
        });
        prop_assert_eq!(power, Ok(exact_power));
        prop_assert_eq!(asked_for_power, snap.held.iter().collect::<Vec<_>>());
        prop_assert_eq!(value.liquidation_value_down, exact_liquidation);
        prop_assert!(value.borrow_power_down <= value.liquidation_value_down);
        prop_assert!(value.liquidation_value_down <= value.collateral_value_down);
    }

    #[test]
    fn max_withdrawable_is_exactly_the_last_amount_within_ltv(
        snap in snapshot(),
        risks in prop::array::uniform8(risk()),
        i in index(),
        debt_per_mille in 0_u64..=1_200,
    ) {
        let value_of = |s: &CollateralSnapshot| {
            value_position::<VaultError>(s, |j| Ok(risks[j.position()])).unwrap()
        };
        let power = value_of(&snap).borrow_power_down;
        let debt_up = power * U256::from(debt_per_mille) / U256::from(1_000);
        let balance = snap.balance(i);
        let max = max_withdrawable(balance, &risks[i.position()], power, debt_up).unwrap();
        prop_assert!(max <= balance);
        let after_max = value_of(&snap.with_balance(i, balance - max));
        if check_within_ltv(power, debt_up).is_ok() {
            prop_assert!(check_within_ltv(after_max.borrow_power_down, debt_up).is_ok());
        }
        if max < balance {
            let after_more = value_of(&snap.with_balance(i, balance - max - 1));
            prop_assert!(check_within_ltv(after_more.borrow_power_down, debt_up).is_err());
        }
    }
}

proptest! {
    #![proptest_config(keel_testkit::proptest_config(cases()))]

    #[test]
    fn liquidation_price_is_exactly_the_health_edge(
        snap in snapshot(),
        risks in prop::array::uniform8(risk()),
        i in index(),
        debt_per_mille in 0_u64..=1_500,
    ) {
        let value_at = |price: Price| {
            value_position::<VaultError>(&snap, |j| {
                let mut r = risks[j.position()];
                if j == i {
                    r.price = price;
                }
                Ok(r)
            })
            .unwrap()
            .liquidation_value_down
        };
        let risk_i = risks[i.position()];
        let now = value_at(risk_i.price);
        let debt_up = now * U256::from(debt_per_mille) / U256::from(1_000);
        let edge = liquidation_price_up(snap.balance(i), &risk_i, now, debt_up).unwrap();
        if keel_math::is_zero(edge.0) {
            prop_assert!(value_at(Price(U256::ZERO)) >= debt_up || snap.balance(i) == 0);
        } else if edge.0 != U256::MAX {
            prop_assert!(value_at(edge) >= debt_up);
            prop_assert!(value_at(Price(edge.0 - U256::from(1))) < debt_up);
        }
    }
}

/// One ledger operation of the random sequence: a deposit, or a withdrawal of a fraction
/// (in per mille, above 1,000 to exercise refusals) of the balance.
#[derive(Debug, Clone)]
enum Op {
    Deposit {
        account: usize,
        index: CollateralIndex,
        amount: u128,
    },
    Withdraw {
        account: usize,
        index: CollateralIndex,
        per_mille: u128,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..ACCOUNTS, index(), amount(100)).prop_map(|(account, index, amount)| Op::Deposit {
            account,
            index,
            amount
        }),
        (0..ACCOUNTS, index(), 0_u128..=1_100).prop_map(|(account, index, per_mille)| {
            Op::Withdraw {
                account,
                index,
                per_mille,
            }
        }),
    ]
}

proptest! {
    #![proptest_config(keel_testkit::proptest_config((cases() / 10).max(1)))]

    #[test]
    fn random_sequences_keep_totals_equal_to_balances_and_bitmaps_in_sync(
        caps in prop::array::uniform8(amount(103)),
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let mut held = [HeldSet::EMPTY; ACCOUNTS];
        let mut balances = [[0_u128; 8]; ACCOUNTS];
        let mut totals = [0_u128; 8];
        let mut tokens_in = [0_u128; 8];
        for op in &ops {
            let (account, i) = match *op {
                Op::Deposit { account, index, .. } | Op::Withdraw { account, index, .. } => (account, index),
            };
            let entry = LedgerEntry {
                held: held[account],
                balance: balances[account][i.position()],
                total: totals[i.position()],
            };
            let result = match *op {
                Op::Deposit { amount, .. } => deposit(entry, i, U256::from(amount), caps[i.position()])
                    .inspect(|_| tokens_in[i.position()] += amount),
                Op::Withdraw { per_mille, .. } => {
                    let amount = entry.balance / 1_000 * per_mille + entry.balance % 1_000 * per_mille / 1_000;
                    withdraw(entry, i, U256::from(amount)).inspect(|_| tokens_in[i.position()] -= amount)
                }
            };
            if let Ok(after) = result {
                held[account] = after.held;
                balances[account][i.position()] = after.balance;
                totals[i.position()] = after.total;
            }
            for c in CollateralIndex::all() {
                let sum: u128 = balances.iter().map(|b| b[c.position()]).sum();
                prop_assert_eq!(sum, totals[c.position()]);
                prop_assert_eq!(totals[c.position()], tokens_in[c.position()]);
                prop_assert!(totals[c.position()] <= caps[c.position()]);
                for a in 0..ACCOUNTS {
                    prop_assert_eq!(held[a].contains(c), balances[a][c.position()] != 0);
                }
            }
        }
    }
}

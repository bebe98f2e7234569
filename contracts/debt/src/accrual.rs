//! Interest accrual and the rate views.

use core::num::NonZeroU32;

use keel_math::{
    checked_add, checked_mul, checked_sub, compounded_interest_wad, div_rem_u32, in_code, min,
    mul_div_down, mul_div_up, to_u128, w_mul_down, zero_floor_sub, MathError, Wad, U256, WAD,
};

use crate::error::DebtError;
use crate::pool::{Totals, UnbookedInterest};
use crate::rate_model::RateModel;

/// The interest parameters read on every accrual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InterestConfig {
    /// The borrow-rate curve.
    pub rate_model: RateModel,
    /// Share of interest that goes to reserves, WAD, at most 50%.
    pub reserve_factor: Wad,
}

/// The result of an accrual, for storage and the `AccrueInterest` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Accrual {
    /// The totals after accrual (borrow, supply and reserves grown, timestamp moved).
    pub totals: Totals,
    /// Interest added to the borrow pool, base-asset units.
    pub interest: u128,
    /// Part of `interest` added to reserves; the rest went to the supply pool.
    pub to_reserves: u128,
    /// The borrow rate that applied over the period, per second, WAD.
    pub borrow_rate_per_second: Wad,
}

/// Interest never takes total borrow assets, or total supply assets plus reserves, above this:
/// `2^127 - 1` base-asset units (1.7e20 whole tokens of 18 decimals).
///
/// The ceiling keeps every total representable in `u128` with room to spare, so a market left
/// untouched for centuries at the highest rate saturates instead of failing forever
/// (docs/DESIGN.md invariant 10 and section 4.1); half of `u128` stays free for deposits and
/// reserves after saturation.
pub const MAX_ACCRUED_TOTAL: u128 = u128::MAX >> 1;

/// Accrues interest from `totals.last_accrual_seconds` to `now_seconds`.
///
/// The rate is the model's rate at the utilisation at the start of the period. The period's
/// interest is `borrow * compounded_interest_wad(rate, elapsed, cap)`, taken in nano-units
/// (1e-9 base units, rounded down) and split: `ceil(interest * reserve_factor)` to reserves
/// (the protocol's favour), the rest to suppliers. Each part, plus what earlier accruals left
/// unbooked, is booked in whole units (`min(.., headroom)` in all), and the fractions are
/// carried ([`Totals::unbooked`]). So accruing often books what accruing once would, up to a
/// nano-unit per accrual and the compounding's own rounding: without the carry a market
/// accruing every second (every operation accrues) booked the floor of each second's
/// interest, nothing at all on a borrow of 10 WBTC at 2% (0.63 satoshi a second), and a
/// borrower could erase their interest by calling `accrueInterest` every second. Booked
/// interest is never more than the exact exponential gives, and borrow growth equals supply
/// growth plus reserves growth exactly, so the supply share price never falls. A timestamp at
/// or before the last accrual changes nothing (and never moves the timestamp back); with
/// nothing borrowed only the timestamp moves (so a first accrual long after timestamp 0
/// computes no compounding).
///
/// # Saturation
/// `headroom` is `MAX_ACCRUED_TOTAL - max(borrow, supply + reserves)` (0 when a total is
/// already above the ceiling) and `cap = ceil(headroom * 1e18 / borrow)`, the growth at which
/// interest reaches it. Interest that would cross the ceiling stops at it: the same amount is
/// added to borrowers' debt and to suppliers' and reserves' claims, so the accounting stays
/// exact; borrowers owe less than the exponential would say (the protocol gives up interest
/// it could never have represented), and every operation keeps working after any idle time.
/// The fractions carried count against the headroom, so booked totals stay at or below the
/// ceiling (up to the fraction of a unit still carried).
///
/// # Errors
/// `DebtMathError` only for an unvalidated rate model or reserve factor; no elapsed time can
/// make accrual fail.
pub fn accrue(
    totals: &Totals,
    config: &InterestConfig,
    now_seconds: u64,
) -> Result<Accrual, DebtError> {
    let elapsed_seconds = now_seconds.saturating_sub(totals.last_accrual_seconds);
    let borrow_rate_per_second = config
        .rate_model
        .borrow_rate_per_second(totals.utilisation()?)?;
    let unchanged = Accrual {
        totals: *totals,
        borrow_rate_per_second,
        ..Accrual::default()
    };
    if elapsed_seconds == 0 {
        return Ok(unchanged);
    }
    if totals.borrow.assets == 0 {
        let mut after = *totals;
        after.last_accrual_seconds = now_seconds;
        return Ok(Accrual {
            totals: after,
            ..unchanged
        });
    }
    let borrow = U256::from(totals.borrow.assets);
    let headroom = interest_headroom(totals)?;
    let growth_cap = mul_div_up(headroom, in_code(WAD), borrow)?;
    let growth = compounded_interest_wad(borrow_rate_per_second.0, elapsed_seconds, growth_cap)?;
    let booked = booked_interest(
        borrow,
        growth,
        headroom,
        config.reserve_factor,
        totals.unbooked,
    )?;
    let (interest, to_reserves) = (booked.interest, booked.to_reserves);
    let to_suppliers = checked_sub(interest, to_reserves)?;
    let mut after = *totals;
    after.borrow.assets = add(totals.borrow.assets, interest)?;
    after.supply.assets = add(totals.supply.assets, to_suppliers)?;
    after.reserves = add(totals.reserves, to_reserves)?;
    after.last_accrual_seconds = now_seconds;
    after.unbooked = booked.unbooked;
    Ok(Accrual {
        totals: after,
        interest: to_u128(interest)?,
        to_reserves: to_u128(to_reserves)?,
        ..unchanged
    })
}

/// Nano-units per base-asset unit, and per nano-unit of a `borrow * growth` product (WAD of
/// a unit): `1e9`.
const NANO: NonZeroU32 = match NonZeroU32::new(1_000_000_000) {
    Some(nano) => nano,
    None => panic!("1e9 is not zero"),
};

/// Interest booked by one accrual: whole units, and the fractions carried to the next.
struct Booked {
    interest: U256,
    to_reserves: U256,
    unbooked: UnbookedInterest,
}

/// `borrow * growth` in nano-units rounded down, at most the headroom less what is carried
/// (so no total passes the ceiling), split by the reserve factor (reserves' part rounded up),
/// each part with its carried fraction booked in whole units.
fn booked_interest(
    borrow: U256,
    growth: U256,
    headroom: U256,
    reserve_factor: Wad,
    carried: UnbookedInterest,
) -> Result<Booked, MathError> {
    let carried_nano = checked_add(
        U256::from(carried.to_suppliers_nano),
        U256::from(carried.to_reserves_nano),
    )?;
    let room_nano = zero_floor_sub(checked_mul(headroom, U256::from(NANO.get()))?, carried_nano);
    let accrued_nano = min(div_rem_u32(checked_mul(borrow, growth)?, NANO).0, room_nano);
    let to_reserves_nano = reserve_factor.mul_up(accrued_nano)?;
    let to_suppliers_nano = checked_sub(accrued_nano, to_reserves_nano)?;
    let (to_reserves, reserves_left) = whole_units(to_reserves_nano, carried.to_reserves_nano)?;
    let (to_suppliers, suppliers_left) = whole_units(to_suppliers_nano, carried.to_suppliers_nano)?;
    Ok(Booked {
        interest: checked_add(to_reserves, to_suppliers)?,
        to_reserves,
        unbooked: UnbookedInterest {
            to_suppliers_nano: suppliers_left,
            to_reserves_nano: reserves_left,
        },
    })
}

/// `nano + carried` nano-units as whole units, rounded down, and the nano-units left (below
/// `1e9`, so they fit a `u32`).
fn whole_units(nano: U256, carried: u32) -> Result<(U256, u32), MathError> {
    Ok(div_rem_u32(checked_add(nano, U256::from(carried))?, NANO))
}

/// How much interest can still be booked: `MAX_ACCRUED_TOTAL - max(borrow, supply +
/// reserves)`, floored at 0.
fn interest_headroom(totals: &Totals) -> Result<U256, MathError> {
    let claims = checked_add(
        U256::from(totals.supply.assets),
        U256::from(totals.reserves),
    )?;
    let largest = claims.max(U256::from(totals.borrow.assets));
    Ok(U256::from(MAX_ACCRUED_TOTAL).saturating_sub(largest))
}

/// The borrow rate at the current utilisation of `totals`, per second, WAD.
///
/// # Errors
/// `MathError` only for an unvalidated model.
pub fn borrow_rate_per_second(totals: &Totals, model: &RateModel) -> Result<Wad, MathError> {
    model.borrow_rate_per_second(totals.utilisation()?)
}

/// The rate suppliers earn, per second, WAD, rounded down:
/// `borrow_rate * (1 - reserve_factor) * borrow / supply`; 0 with no supply.
///
/// This is `borrow_rate * utilisation * (1 - reserve_factor)` when reserves are zero; with
/// reserves, suppliers also earn on the loans that reserves fund (reserves earn nothing), so
/// their rate is higher by `(supply + reserves) / supply`.
///
/// # Errors
/// `MathError` only for an unvalidated model or a reserve factor above 1.
pub fn supply_rate_per_second(totals: &Totals, config: &InterestConfig) -> Result<Wad, MathError> {
    if totals.supply.assets == 0 {
        return Ok(Wad::ZERO);
    }
    let borrow_rate = borrow_rate_per_second(totals, &config.rate_model)?;
    let net_rate = w_mul_down(
        borrow_rate.0,
        checked_sub(in_code(WAD), config.reserve_factor.0)?,
    )?;
    Ok(Wad(mul_div_down(
        net_rate,
        U256::from(totals.borrow.assets),
        U256::from(totals.supply.assets),
    )?))
}

fn add(total: u128, amount: U256) -> Result<u128, MathError> {
    to_u128(checked_add(U256::from(total), amount)?)
}

#[cfg(test)]
// Test arithmetic on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::pool::Pool;
    use crate::rate_model::MAX_BORROW_RATE_PER_SECOND;
    use crate::testing::{self, fresh_pool, wad_percent};

    /// A flat rate of `rate` per second at every utilisation.
    fn flat(rate: u64, reserve_factor_percent: u64) -> InterestConfig {
        InterestConfig {
            rate_model: RateModel {
                base_rate_per_second: Wad(U256::from(rate)),
                optimal_utilisation: wad_percent(80),
                ..RateModel::default()
            },
            reserve_factor: wad_percent(reserve_factor_percent),
        }
    }

    fn totals(supply: u128, borrow: u128, reserves: u128, last: u64) -> Totals {
        Totals {
            last_accrual_seconds: last,
            ..testing::totals(fresh_pool(supply), fresh_pool(borrow), reserves)
        }
    }

    #[test]
    fn one_second_splits_interest_with_reserves_rounded_up() {
        // 0.1% per second on 1_003_000: the growth is one wei of WAD below 1e15 (keel-math
        // converts 1 + r to Q96 rounding down), so the interest is 1002.999999999 in
        // nano-units; reserves ceil(100.2999999999) = 100.3 (100 booked, 0.3 carried),
        // suppliers 902.699999999 (902 booked, 0.699999999 carried).
        let before = totals(2_000_000, 1_003_000, 7, 100);
        let accrual = accrue(&before, &flat(1_000_000_000_000_000, 10), 101).unwrap();
        assert_eq!((accrual.interest, accrual.to_reserves), (1002, 100));
        let after = accrual.totals;
        assert_eq!(after.borrow.assets, 1_004_002);
        assert_eq!(after.supply.assets, 2_000_902);
        assert_eq!(after.reserves, 107);
        assert_eq!(
            after.unbooked,
            UnbookedInterest {
                to_suppliers_nano: 699_999_999,
                to_reserves_nano: 300_000_000,
            }
        );
        assert_eq!(after.last_accrual_seconds, 101);
        assert_eq!(
            (after.borrow.shares, after.supply.shares),
            (before.borrow.shares, before.supply.shares)
        );
        assert_eq!(
            accrual.borrow_rate_per_second,
            Wad(U256::from(1_000_000_000_000_000_u64))
        );
    }

    #[test]
    fn no_time_changes_nothing_and_time_never_runs_back() {
        let before = totals(100, 50, 0, 1_000);
        for now in [1_000, 999, 0] {
            let accrual = accrue(&before, &flat(1_000, 10), now).unwrap();
            assert_eq!(accrual.totals, before);
            assert_eq!(accrual.interest, 0);
        }
    }

    #[test]
    fn without_borrow_only_the_clock_moves() {
        let before = totals(100, 0, 3, 10);
        let accrual = accrue(&before, &flat(1_000_000, 10), 5_000).unwrap();
        assert_eq!(
            accrual.totals,
            Totals {
                last_accrual_seconds: 5_000,
                ..before
            }
        );
        assert_eq!((accrual.interest, accrual.to_reserves), (0, 0));
        // A first accrual from timestamp 0 at the highest rate would overflow compounding;
        // with nothing borrowed it must not be computed at all.
        let fresh = totals(100, 0, 0, 0);
        let max_rate = flat(MAX_BORROW_RATE_PER_SECOND.saturating_to(), 10);
        let accrual = accrue(&fresh, &max_rate, 1_700_000_000).unwrap();
        assert_eq!(accrual.totals.last_accrual_seconds, 1_700_000_000);
    }

    #[test]
    fn interest_saturates_at_the_ceiling_after_any_idle_time() {
        let max_rate = flat(MAX_BORROW_RATE_PER_SECOND.saturating_to(), 10);
        let year = crate::SECONDS_PER_YEAR;
        for years in [1, 10, 100, 1_000, 1_000_000] {
            // 50,000 USDC borrowed out of 100,000 supplied, 5 USDC of reserves.
            let before = totals(100_000_000_000, 50_000_000_000, 5_000_000, 0);
            let accrual = accrue(&before, &max_rate, years * year).unwrap();
            let after = accrual.totals;
            assert!(after.borrow.assets <= MAX_ACCRUED_TOTAL, "{years} years");
            assert!(after.supply.assets + after.reserves <= MAX_ACCRUED_TOTAL);
            // The accounting stays exact: cash is unchanged.
            assert_eq!(
                after.supply.assets + after.reserves - after.borrow.assets,
                before.supply.assets + before.reserves - before.borrow.assets
            );
            assert_eq!(accrual.interest, after.borrow.assets - before.borrow.assets);
            if years >= 10 {
                // At the ceiling the supply side binds (it starts higher): booked claims
                // and the fractions carried add up to it.
                let nano = U256::from(1_000_000_000);
                let carried = U256::from(after.unbooked.to_suppliers_nano)
                    + U256::from(after.unbooked.to_reserves_nano);
                assert_eq!(
                    U256::from(after.supply.assets + after.reserves) * nano + carried,
                    U256::from(MAX_ACCRUED_TOTAL) * nano
                );
                // Nothing more accrues later, and nothing fails.
                let again = accrue(&after, &max_rate, (years + 1) * year).unwrap();
                assert_eq!(again.interest, 0);
                assert_eq!(again.totals.last_accrual_seconds, (years + 1) * year);
            }
        }
    }

    #[test]
    fn accruing_every_second_books_what_one_accrual_books() {
        // 10 WBTC (1e9 satoshi) borrowed at 2% a year: 0.63 satoshi of interest a second, of
        // which flooring every second's interest booked nothing.
        let rate = 634_195_839; // 2% / 31,536,000 s, WAD
        let config = flat(rate, 10);
        let start = totals(2_000_000_000, 1_000_000_000, 0, 0);
        let mut each_second = start;
        for now in 1..=86_400 {
            each_second = accrue(&each_second, &config, now).unwrap().totals;
        }
        let once = accrue(&start, &config, 86_400).unwrap().totals;
        // Debt owed in nano-units: booked, plus the fractions carried.
        let owed_nano = |t: &Totals| {
            t.borrow.assets * 1_000_000_000
                + u128::from(t.unbooked.to_suppliers_nano)
                + u128::from(t.unbooked.to_reserves_nano)
        };
        // A day at 2%: 1e9 * ((1 + r)^86,400 - 1) = 54,796.0217 satoshi; booked 5,479 to
        // reserves and 49,316 to suppliers, 1.02 carried.
        let exact_nano = 1_000_054_796_021_719_381_u128;
        assert!(
            owed_nano(&once).abs_diff(exact_nano) < 10_000_000,
            "{once:?}"
        );
        assert_eq!((once.borrow.assets, once.reserves), (1_000_054_795, 5_479));
        // Every second: the same debt up to interest on the carried fractions (a
        // thousandth of a satoshi), and the same split.
        assert!(owed_nano(&each_second).abs_diff(owed_nano(&once)) < 1_000_000);
        assert!(each_second.reserves.abs_diff(once.reserves) <= 1);
        assert!(each_second.supply.assets.abs_diff(once.supply.assets) <= 1);
    }

    #[test]
    fn totals_above_the_ceiling_accrue_nothing_and_never_fail() {
        let before = Totals {
            supply: Pool {
                assets: u128::MAX,
                shares: 1,
            },
            borrow: Pool {
                assets: u128::MAX - 1,
                shares: 1,
            },
            ..Totals::default()
        };
        let accrual = accrue(&before, &flat(1_000_000_000_000_000_000, 0), 1).unwrap();
        assert_eq!(accrual.interest, 0);
        assert_eq!(accrual.totals.borrow, before.borrow);
        assert_eq!(accrual.totals.last_accrual_seconds, 1);
    }

    #[test]
    fn rates_follow_utilisation_and_the_reserve_factor() {
        let config = InterestConfig {
            rate_model: RateModel {
                base_rate_per_second: Wad(U256::from(1_000_000)),
                slope_below_optimal_per_second: Wad(U256::from(8_000_000)),
                slope_above_optimal_per_second: Wad(U256::from(100_000_000)),
                optimal_utilisation: wad_percent(80),
            },
            reserve_factor: wad_percent(10),
        };
        // Utilisation 40%: 1e6 + 8e6 / 2 = 5e6; suppliers: 5e6 * 0.9 * 40 / 100 = 1.8e6.
        let t = totals(100, 40, 0, 0);
        assert_eq!(
            borrow_rate_per_second(&t, &config.rate_model),
            Ok(Wad(U256::from(5_000_000)))
        );
        assert_eq!(
            supply_rate_per_second(&t, &config),
            Ok(Wad(U256::from(1_800_000)))
        );
        // Reserves lower utilisation (40 / 200 = 20%) but not what suppliers earn per borrow.
        let with_reserves = totals(100, 40, 100, 0);
        assert_eq!(
            borrow_rate_per_second(&with_reserves, &config.rate_model),
            Ok(Wad(U256::from(3_000_000)))
        );
        assert_eq!(
            supply_rate_per_second(&with_reserves, &config),
            Ok(Wad(U256::from(1_080_000)))
        );
        assert_eq!(
            supply_rate_per_second(&totals(0, 0, 5, 0), &config),
            Ok(Wad::ZERO)
        );
    }
}

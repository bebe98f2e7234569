//! Interest accrual and the rate views.

use keel_math::{
    checked_add, checked_sub, compounded_interest_wad, in_code, min, mul_div_down, mul_div_up,
    to_u128, w_mul_down, MathError, Wad, U256, WAD,
};

use crate::error::DebtError;
use crate::pool::Totals;
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
/// The rate is the model's rate at the utilisation at the start of the period. Interest is
/// `min(floor(borrow * compounded_interest_wad(rate, elapsed, cap)), headroom)`: never more
/// than the exact exponential gives. Reserves get `ceil(interest * reserve_factor)` (the
/// protocol's favour), suppliers the rest, so borrow growth equals supply growth plus reserves
/// growth exactly and the supply share price never falls. A timestamp at or before the last
/// accrual changes nothing (and never moves the timestamp back); with nothing borrowed only
/// the timestamp moves (so a first accrual long after timestamp 0 computes no compounding).
///
/// # Saturation
/// `headroom` is `MAX_ACCRUED_TOTAL - max(borrow, supply + reserves)` (0 when a total is
/// already above the ceiling) and `cap = ceil(headroom * 1e18 / borrow)`, the growth at which
/// interest reaches it. Interest that would cross the ceiling stops at it: the same amount is
/// added to borrowers' debt and to suppliers' and reserves' claims, so the accounting stays
/// exact; borrowers owe less than the exponential would say (the protocol gives up interest
/// it could never have represented), and every operation keeps working after any idle time.
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
    let interest = min(w_mul_down(borrow, growth)?, headroom);
    let to_reserves = config.reserve_factor.mul_up(interest)?;
    let to_suppliers = checked_sub(interest, to_reserves)?;
    let mut after = *totals;
    after.borrow.assets = add(totals.borrow.assets, interest)?;
    after.supply.assets = add(totals.supply.assets, to_suppliers)?;
    after.reserves = add(totals.reserves, to_reserves)?;
    after.last_accrual_seconds = now_seconds;
    Ok(Accrual {
        totals: after,
        interest: to_u128(interest)?,
        to_reserves: to_u128(to_reserves)?,
        ..unchanged
    })
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
        // converts 1 + r to Q96 rounding down), so 1002.999... floors to 1002; reserves
        // ceil(100.2) = 101, suppliers 901.
        let before = totals(2_000_000, 1_003_000, 7, 100);
        let accrual = accrue(&before, &flat(1_000_000_000_000_000, 10), 101).unwrap();
        assert_eq!((accrual.interest, accrual.to_reserves), (1002, 101));
        let after = accrual.totals;
        assert_eq!(after.borrow.assets, 1_004_002);
        assert_eq!(after.supply.assets, 2_000_901);
        assert_eq!(after.reserves, 108);
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
                // At the ceiling the supply side binds (it starts higher).
                assert_eq!(after.supply.assets + after.reserves, MAX_ACCRUED_TOTAL);
                // Nothing more accrues later, and nothing fails.
                let again = accrue(&after, &max_rate, (years + 1) * year).unwrap();
                assert_eq!(again.interest, 0);
                assert_eq!(again.totals.last_accrual_seconds, (years + 1) * year);
            }
        }
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

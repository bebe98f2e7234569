//! The kinked interest-rate model and the reserve factor, with their bounds.
//!
//! All rates are per second, WAD (docs/DESIGN.md section 4). APRs are `rate * SECONDS_PER_YEAR`
//! (simple, not compounded). The slopes are rate increments over their segment, not
//! derivatives: the rate is `base` at utilisation 0, `base + slope_below` at the optimal
//! utilisation and `base + slope_below + slope_above` at utilisation 1, linear in between.

use keel_math::{
    checked_add, checked_mul, checked_sub, in_code, mul_div_down, MathError, Wad, U256, WAD,
};

use crate::error::{
    DebtError, MaxBorrowRateTooHigh, OptimalUtilisationOutOfBounds, ReserveFactorTooHigh,
};

/// Seconds in a 365-day year: APR = per-second rate x this.
pub const SECONDS_PER_YEAR: u64 = 31_536_000;

/// Highest allowed borrow rate (at full utilisation): 1,000% APR, as a per-second WAD rate
/// rounded down (10e18 / 31,536,000). Keeps `rate * elapsed` of compounding far from overflow
/// (100 after 10 untouched years) and every rate within a `u64`.
pub const MAX_BORROW_RATE_PER_SECOND: U256 = U256::from_limbs([317_097_919_837, 0, 0, 0]);

/// Lowest allowed optimal utilisation: 1%.
pub const MIN_OPTIMAL_UTILISATION: U256 = U256::from_limbs([10_000_000_000_000_000, 0, 0, 0]);

/// Highest allowed optimal utilisation: 99% (the slope above divides by `1 - optimal`).
pub const MAX_OPTIMAL_UTILISATION: U256 = U256::from_limbs([990_000_000_000_000_000, 0, 0, 0]);

/// Highest allowed reserve factor: 50% of interest.
pub const MAX_RESERVE_FACTOR: U256 = U256::from_limbs([500_000_000_000_000_000, 0, 0, 0]);

/// The parameters of the kinked borrow-rate curve (one slot in storage, four `u64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateModel {
    /// Borrow rate at zero utilisation, per second, WAD.
    pub base_rate_per_second: Wad,
    /// Rate added from zero to the optimal utilisation, per second, WAD.
    pub slope_below_optimal_per_second: Wad,
    /// Rate added from the optimal to full utilisation, per second, WAD.
    pub slope_above_optimal_per_second: Wad,
    /// The kink, WAD, in `[MIN_OPTIMAL_UTILISATION, MAX_OPTIMAL_UTILISATION]`.
    pub optimal_utilisation: Wad,
}

impl RateModel {
    /// Checks the bounds: the optimal utilisation within `[1%, 99%]` and the rate at full
    /// utilisation at most [`MAX_BORROW_RATE_PER_SECOND`].
    ///
    /// # Errors
    /// [`OptimalUtilisationOutOfBounds`]; [`MaxBorrowRateTooHigh`] (also when the sum
    /// overflows).
    pub fn validate(&self) -> Result<(), DebtError> {
        // The bounds `in_code`: compared through references, they would sit in
        // the program's static data, paid on every call (docs/DESIGN.md section 9).
        let (min, max) = (
            in_code(MIN_OPTIMAL_UTILISATION),
            in_code(MAX_OPTIMAL_UTILISATION),
        );
        let optimal = self.optimal_utilisation.0;
        if !(min..=max).contains(&optimal) {
            return Err(OptimalUtilisationOutOfBounds {
                value: optimal,
                min,
                max,
            }
            .into());
        }
        let limit = in_code(MAX_BORROW_RATE_PER_SECOND);
        let max_rate = self
            .max_rate_per_second()
            .unwrap_or_else(|_| in_code(U256::MAX));
        if max_rate > limit {
            return Err(MaxBorrowRateTooHigh {
                maxRatePerSecond: max_rate,
                limit,
            }
            .into());
        }
        Ok(())
    }

    /// The borrow rate at `utilisation` (WAD, at most 1), per second, WAD, rounded down.
    ///
    /// `base + slope_below * u / optimal` up to the kink, then
    /// `base + slope_below + slope_above * (u - optimal) / (1 - optimal)`. Rounding down keeps
    /// the rate on or below the configured curve; the error is under 1e-18 per second.
    ///
    /// # Errors
    /// `MathError::DivisionByZero` for an unvalidated model with optimal utilisation 0 or 1.
    pub fn borrow_rate_per_second(&self, utilisation: Wad) -> Result<Wad, MathError> {
        let optimal = self.optimal_utilisation.0;
        let base = self.base_rate_per_second.0;
        let below = self.slope_below_optimal_per_second.0;
        if utilisation.0 <= optimal {
            let climb = mul_div_down(below, utilisation.0, optimal)?;
            return Ok(Wad(checked_add(base, climb)?));
        }
        let climb = mul_div_down(
            self.slope_above_optimal_per_second.0,
            checked_sub(utilisation.0, optimal)?,
            checked_sub(in_code(WAD), optimal)?,
        )?;
        Ok(Wad(checked_add(checked_add(base, below)?, climb)?))
    }

    fn max_rate_per_second(&self) -> Result<U256, MathError> {
        checked_add(
            checked_add(
                self.base_rate_per_second.0,
                self.slope_below_optimal_per_second.0,
            )?,
            self.slope_above_optimal_per_second.0,
        )
    }
}

/// Checks a reserve factor (the share of interest that goes to reserves), WAD.
///
/// # Errors
/// [`ReserveFactorTooHigh`] above [`MAX_RESERVE_FACTOR`].
pub fn validate_reserve_factor(reserve_factor: Wad) -> Result<(), DebtError> {
    let max = in_code(MAX_RESERVE_FACTOR);
    if reserve_factor.0 > max {
        return Err(ReserveFactorTooHigh {
            value: reserve_factor.0,
            max,
        }
        .into());
    }
    Ok(())
}

/// A per-second rate as a simple annual rate: `rate * SECONDS_PER_YEAR`, WAD.
///
/// # Errors
/// `MathError::Overflow` beyond 256 bits.
pub fn annual_rate(rate_per_second: Wad) -> Result<Wad, MathError> {
    Ok(Wad(checked_mul(
        rate_per_second.0,
        U256::from(SECONDS_PER_YEAR),
    )?))
}

#[cfg(test)]
// Test arithmetic on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::testing::wad_percent;

    /// 2% base, +8% up to 80%, +100% above (per second, in units that keep the arithmetic
    /// exact: 1 "percent" = 1e6 wei per second).
    fn model() -> RateModel {
        RateModel {
            base_rate_per_second: Wad(U256::from(2_000_000)),
            slope_below_optimal_per_second: Wad(U256::from(8_000_000)),
            slope_above_optimal_per_second: Wad(U256::from(100_000_000)),
            optimal_utilisation: wad_percent(80),
        }
    }

    #[test]
    fn the_curve_has_its_kink_at_the_optimal_utilisation() {
        let m = model();
        let rate = |percent| m.borrow_rate_per_second(wad_percent(percent)).unwrap().0;
        assert_eq!(rate(0), U256::from(2_000_000));
        assert_eq!(rate(40), U256::from(6_000_000));
        assert_eq!(rate(80), U256::from(10_000_000));
        assert_eq!(rate(90), U256::from(60_000_000));
        assert_eq!(rate(100), U256::from(110_000_000));
    }

    #[test]
    fn validation_bounds_the_kink() {
        assert_eq!(model().validate(), Ok(()));
        for optimal in [U256::ZERO, MIN_OPTIMAL_UTILISATION - U256::from(1), WAD] {
            let m = RateModel {
                optimal_utilisation: Wad(optimal),
                ..model()
            };
            assert_eq!(
                m.validate(),
                Err(OptimalUtilisationOutOfBounds {
                    value: optimal,
                    min: MIN_OPTIMAL_UTILISATION,
                    max: MAX_OPTIMAL_UTILISATION
                }
                .into())
            );
        }
        let at_max = RateModel {
            optimal_utilisation: Wad(MAX_OPTIMAL_UTILISATION),
            ..model()
        };
        assert_eq!(at_max.validate(), Ok(()));
    }

    #[test]
    fn validation_bounds_the_rate_at_full_utilisation() {
        let at_limit = RateModel {
            slope_above_optimal_per_second: Wad(MAX_BORROW_RATE_PER_SECOND - U256::from(10_000_000)),
            ..model()
        };
        assert_eq!(at_limit.validate(), Ok(()));
        let above = RateModel {
            slope_above_optimal_per_second: Wad(MAX_BORROW_RATE_PER_SECOND),
            ..model()
        };
        assert_eq!(
            above.validate(),
            Err(MaxBorrowRateTooHigh {
                maxRatePerSecond: MAX_BORROW_RATE_PER_SECOND + U256::from(10_000_000),
                limit: MAX_BORROW_RATE_PER_SECOND
            }
            .into())
        );
        let overflowing = RateModel {
            base_rate_per_second: Wad(U256::MAX),
            ..model()
        };
        assert!(overflowing
            .validate()
            .is_err_and(|e| e.is::<crate::MaxBorrowRateTooHigh>()));
    }

    #[test]
    fn the_limits_have_their_documented_values() {
        assert_eq!(
            MAX_BORROW_RATE_PER_SECOND,
            U256::from(10_u128 * 10_u128.pow(18) / u128::from(SECONDS_PER_YEAR))
        );
        assert_eq!(MIN_OPTIMAL_UTILISATION, wad_percent(1).0);
        assert_eq!(MAX_OPTIMAL_UTILISATION, wad_percent(99).0);
        assert_eq!(MAX_RESERVE_FACTOR, wad_percent(50).0);
        assert!(MAX_BORROW_RATE_PER_SECOND < U256::from(u64::MAX));
    }

    #[test]
    fn reserve_factor_is_bounded() {
        assert_eq!(validate_reserve_factor(Wad(MAX_RESERVE_FACTOR)), Ok(()));
        assert_eq!(validate_reserve_factor(Wad::ZERO), Ok(()));
        let above = Wad(MAX_RESERVE_FACTOR + U256::from(1));
        assert_eq!(
            validate_reserve_factor(above),
            Err(ReserveFactorTooHigh {
                value: above.0,
                max: MAX_RESERVE_FACTOR
            }
            .into())
        );
    }

    #[test]
    fn annual_rate_is_per_second_times_a_year() {
        assert_eq!(
            annual_rate(Wad(U256::from(3))),
            Ok(Wad(U256::from(3 * SECONDS_PER_YEAR)))
        );
        assert_eq!(annual_rate(Wad(U256::MAX)), Err(MathError::Overflow));
    }
}

//! The market totals, the kinked rate model and interest accrual, from
//! keel-debt's and keel-math's documentation.

use num_bigint::BigUint;
use num_traits::{One, Zero};

use super::num::{
    div_up, fits_u128, mul_div_down, mul_div_up, pow10, sub_floor, u256_max, wad, Pool,
};

/// APR = per-second rate x this (365 days).
pub const SECONDS_PER_YEAR: u64 = 31_536_000;
/// Highest borrow rate the rate model may reach: 1,000% APR per second, WAD.
pub const MAX_BORROW_RATE_PER_SECOND: u64 = 317_097_919_837;
/// Bounds of the optimal utilisation: 1% and 99%, WAD.
pub const OPTIMAL_UTILISATION_BOUNDS: (u64, u64) =
    (10_000_000_000_000_000, 990_000_000_000_000_000);
/// Highest reserve factor: 50%, WAD.
pub const MAX_RESERVE_FACTOR: u64 = 500_000_000_000_000_000;

/// The kinked borrow-rate curve: per-second WAD rates and the WAD kink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateModel {
    /// Rate at zero utilisation.
    pub base: u64,
    /// Rate added from zero to the optimal utilisation.
    pub slope_below: u64,
    /// Rate added from the optimal to full utilisation.
    pub slope_above: u64,
    /// The kink, WAD.
    pub optimal: u64,
}

impl RateModel {
    /// Whether the model passes the setter's bounds.
    pub fn optimal_in_bounds(&self) -> bool {
        let (min, max) = OPTIMAL_UTILISATION_BOUNDS;
        (min..=max).contains(&self.optimal)
    }

    /// Whether the rate at full utilisation is at most 1,000% APR.
    pub fn max_rate_in_bounds(&self) -> bool {
        let max =
            u128::from(self.base) + u128::from(self.slope_below) + u128::from(self.slope_above);
        max <= u128::from(MAX_BORROW_RATE_PER_SECOND)
    }

    /// The per-second rate at `utilisation` (WAD), each segment's climb
    /// rounded down.
    pub fn rate_at(&self, utilisation: &BigUint) -> BigUint {
        let (base, below, optimal) = (
            BigUint::from(self.base),
            BigUint::from(self.slope_below),
            BigUint::from(self.optimal),
        );
        if *utilisation <= optimal {
            return base + mul_div_down(&below, utilisation, &optimal);
        }
        let climb = mul_div_down(
            &BigUint::from(self.slope_above),
            &(utilisation - &optimal),
            &(wad() - &optimal),
        );
        base + below + climb
    }
}

/// The market totals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Supplied assets with interest, and supply shares.
    pub supply: Pool,
    /// Borrowed assets with interest, and borrow shares.
    pub borrow: Pool,
    /// Protocol reserves of the base asset.
    pub reserves: BigUint,
    /// Time of the last accrual.
    pub last_accrual: u64,
    /// Suppliers' interest accrued but not booked, nano-units (1e-9 of a unit).
    pub unbooked_to_suppliers_nano: BigUint,
    /// Reserves' interest accrued but not booked, nano-units.
    pub unbooked_to_reserves_nano: BigUint,
}

/// Nano-units per unit: 1e9.
fn nano() -> BigUint {
    BigUint::from(1_000_000_000u32)
}

/// `value` nano-units as whole units (rounded down) and the nano-units left.
fn whole_units(value: BigUint) -> (BigUint, BigUint) {
    (&value / nano(), value % nano())
}

/// Interest never takes total borrow assets, or supply assets plus reserves,
/// above this (keel-debt's `MAX_ACCRUED_TOTAL`, `2^127 - 1`).
pub fn max_accrued_total() -> BigUint {
    (BigUint::from(1u32) << 127u32) - 1u32
}

impl Totals {
    /// `supply + reserves - borrow`, floored at 0: what may be withdrawn or lent.
    pub fn liquidity(&self) -> BigUint {
        sub_floor(&(&self.supply.assets + &self.reserves), &self.borrow.assets)
    }

    /// `min(floor(borrow * 1e18 / (supply + reserves)), 1e18)`; 0 with nothing lendable.
    pub fn utilisation(&self) -> BigUint {
        let lendable = &self.supply.assets + &self.reserves;
        if lendable.is_zero() {
            return BigUint::zero();
        }
        mul_div_down(&self.borrow.assets, &wad(), &lendable).min(wad())
    }

    /// Accrues to `now`: interest `floor(borrow * growth)` in nano-units at
    /// the rate of the utilisation before the period, `ceil(interest *
    /// reserveFactor)` of it to reserves, the rest to suppliers, each part
    /// with what earlier accruals left unbooked booked in whole units and the
    /// fractions carried. No time, or nothing borrowed, books nothing (only
    /// the clock moves). `headroom` is what keeps borrow and supply + reserves
    /// at or below [`max_accrued_total`]; the growth saturates at
    /// `ceil(headroom * 1e18 / borrow)` (keel-debt's saturation rule) and the
    /// interest at the headroom less what is carried, so accrual never fails.
    pub fn accrue(&mut self, model: &RateModel, reserve_factor: u64, now: u64) {
        let elapsed = now.saturating_sub(self.last_accrual);
        if elapsed == 0 {
            return;
        }
        self.last_accrual = now;
        if self.borrow.assets.is_zero() {
            return;
        }
        let claims = &self.supply.assets + &self.reserves;
        let largest = claims.max(self.borrow.assets.clone());
        let headroom = sub_floor(&max_accrued_total(), &largest);
        let cap = mul_div_up(&headroom, &wad(), &self.borrow.assets);
        let growth = growth_wad_down(&model.rate_at(&self.utilisation()), elapsed, &cap);
        let factor = BigUint::from(reserve_factor);
        let carried = &self.unbooked_to_suppliers_nano + &self.unbooked_to_reserves_nano;
        let room = sub_floor(&(&headroom * nano()), &carried);
        let accrued_nano = mul_div_down(&self.borrow.assets, &growth, &nano()).min(room);
        let reserves_nano = mul_div_up(&accrued_nano, &factor, &wad());
        let suppliers_nano = &accrued_nano - &reserves_nano;
        let (to_reserves, reserves_left) =
            whole_units(reserves_nano + &self.unbooked_to_reserves_nano);
        let (to_suppliers, suppliers_left) =
            whole_units(suppliers_nano + &self.unbooked_to_suppliers_nano);
        let interest = &to_reserves + to_suppliers;
        self.unbooked_to_reserves_nano = reserves_left;
        self.unbooked_to_suppliers_nano = suppliers_left;
        self.supply.assets += &interest - &to_reserves;
        self.borrow.assets += &interest;
        self.reserves += to_reserves;
    }
}

/// `min((1 + r)^t - 1, cap)` in WAD as keel-math documents
/// `compounded_interest_wad`: `1 + r` in Q96 (one is `2^96`) rounded down,
/// left-to-right square-and-multiply over the bits of `t`, each product
/// rounded down, `cap` when an intermediate exceeds `U256`, then the power
/// rounded down to WAD and capped.
///
/// Exact agreement with the contract is checked on every step; on top of
/// that, [`assert_within_exact_compounding`] checks every uncapped result
/// against the exact `(1 + r)^t`, so that a shared mistake in the algorithm
/// would still show (a capped result is below an intermediate of the chain,
/// itself below the exact power).
pub fn growth_wad_down(rate: &BigUint, elapsed: u64, cap: &BigUint) -> BigUint {
    if elapsed == 0 {
        return BigUint::zero();
    }
    let one = BigUint::one() << 96u32;
    let base = &one + (rate << 96u32) / wad();
    let mut power = base.clone();
    for bit in (0..u64::BITS - elapsed.leading_zeros() - 1).rev() {
        if power > u256_max() {
            return cap.clone();
        }
        power = (&power * &power) >> 96u32;
        if elapsed >> bit & 1 == 1 && power <= u256_max() {
            power = (&power * &base) >> 96u32;
        }
    }
    if power > u256_max() {
        return cap.clone();
    }
    let growth = ((power * wad()) >> 96u32) - wad();
    if growth >= *cap {
        return cap.clone();
    }
    assert_within_exact_compounding(rate, elapsed, &growth);
    growth
}

/// Scale of the bracket on the exact `(1 + r)^t`: 1e45, sixteen digits
/// finer than the contract's `2^-96` (about 1.3e-29).
const BRACKET_DECIMALS: u32 = 45;

/// Checks keel-math's documented bounds on a growth factor `g` (WAD):
/// `g <= (1 + r)^t - 1` (never more interest than exact per-second
/// compounding) and `g >= (1 + r)^t (1 - t 2^-95) - 1 - 1e-18` (the base's
/// conversion to Q96 and the floors of the chain lose less than `2^-96` each
/// time, the last floor 1e-18).
/// `(1 + r)^t` is bracketed by powers rounded down and up at 1e45, so a
/// failure is a real violation.
///
/// # Panics
/// When `growth` leaves the documented bounds (a failing test step).
pub fn assert_within_exact_compounding(rate: &BigUint, elapsed: u64, growth: &BigUint) {
    let scale = pow10(BRACKET_DECIMALS);
    let base = (wad() + rate) * pow10(BRACKET_DECIMALS - 18);
    let (lower, upper) = (
        pow_scaled(&base, elapsed, &scale, false),
        pow_scaled(&base, elapsed, &scale, true),
    );
    let one_wad_in_bracket = pow10(BRACKET_DECIMALS - 18);
    let result = (growth + wad()) * &one_wad_in_bracket;
    let chain_loss = div_up(&(&upper * elapsed), &(BigUint::one() << 95u32));
    assert!(
        result <= upper,
        "compounding rate {rate} over {elapsed} s gave {growth}: above the exact (1 + r)^t - 1"
    );
    assert!(
        result + chain_loss + one_wad_in_bracket >= lower,
        "compounding rate {rate} over {elapsed} s gave {growth}: below keel-math's documented bound"
    );
}

/// `base^exponent` for a `scale`-scaled `base`, every product rounded down
/// (`round_up == false`) or up: a lower or an upper bound on the exact power.
fn pow_scaled(base: &BigUint, exponent: u64, scale: &BigUint, round_up: bool) -> BigUint {
    let product = |x: &BigUint, y: &BigUint| match round_up {
        true => mul_div_up(x, y, scale),
        false => mul_div_down(x, y, scale),
    };
    let (mut result, mut square, mut remaining) = (scale.clone(), base.clone(), exponent);
    while remaining > 0 {
        if remaining & 1 == 1 {
            result = product(&result, &square);
        }
        remaining >>= 1;
        if remaining > 0 {
            square = product(&square, &square);
        }
    }
    result
}

/// The rate suppliers earn per second, WAD:
/// `floor(floor(borrowRate * (1 - reserveFactor)) * borrow / supply)`; 0
/// with nothing supplied.
pub fn supply_rate(totals: &Totals, borrow_rate: &BigUint, reserve_factor: u64) -> BigUint {
    if totals.supply.assets.is_zero() {
        return BigUint::zero();
    }
    let net = mul_div_down(
        borrow_rate,
        &(wad() - BigUint::from(reserve_factor)),
        &wad(),
    );
    mul_div_down(&net, &totals.borrow.assets, &totals.supply.assets)
}

/// Whether a share count, total or amount is representable (one helper for
/// every `u128` bound of storage).
pub fn all_fit_u128<'a>(values: impl IntoIterator<Item = &'a BigUint>) -> bool {
    values.into_iter().all(fits_u128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_second_grows_by_about_the_rate_and_powers_of_two_are_exact() {
        // One second: the rate, less the wei the base's conversion to Q96
        // takes when `r * 2^96` is not a multiple of 1e18.
        let rate = BigUint::from(3_170_979_198u64);
        let no_cap = u256_max();
        assert_eq!(growth_wad_down(&rate, 1, &no_cap), &rate - 1u32);
        // (1 + 1)^10 - 1 = 1023.
        assert_eq!(growth_wad_down(&wad(), 10, &no_cap), wad() * 1023u32);
        assert_eq!(growth_wad_down(&wad(), 0, &no_cap), BigUint::zero());
        // Capped: 2^10 - 1 > 1000, 2^9 - 1 is not.
        let cap = wad() * 1000u32;
        assert_eq!(growth_wad_down(&wad(), 10, &cap), cap);
        assert_eq!(growth_wad_down(&wad(), 9, &cap), wad() * 511u32);
        // A thousand years at the highest rate saturates without huge numbers.
        let max_rate = BigUint::from(MAX_BORROW_RATE_PER_SECOND);
        assert_eq!(growth_wad_down(&max_rate, u64::MAX, &no_cap), no_cap);
    }

    #[test]
    #[should_panic(expected = "above the exact")]
    fn growth_above_exact_compounding_is_caught() {
        // (1 + 1e-18)^2 - 1 = 2e-18 + 1e-36: 3 wei is too much.
        assert_within_exact_compounding(&BigUint::one(), 2, &BigUint::from(3u32));
    }
}

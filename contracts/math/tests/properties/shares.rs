//! Share conversions with virtual offsets: model, round trips, monotonicity.

use keel_math::{
    to_assets_down, to_assets_up, to_shares_down, to_shares_up, MathError, U256, VIRTUAL_ASSETS,
    VIRTUAL_SHARES,
};
use num_bigint::BigUint;
use proptest::prelude::*;

use crate::model::{big, check_down_up, check_non_decreasing, two_pow_256};
use crate::strategies::{amount, config, ordered_pair};

/// `(A + 1, S + 1e6)` in the model, or `None` when the crate must refuse the totals because an
/// offset total does not fit in 256 bits.
fn offset_totals(total_assets: U256, total_shares: U256) -> Option<(BigUint, BigUint)> {
    let assets = big(total_assets) + big(VIRTUAL_ASSETS);
    let shares = big(total_shares) + big(VIRTUAL_SHARES);
    (assets < two_pow_256() && shares < two_pow_256()).then_some((assets, shares))
}

/// Both roundings of a conversion `amount * factor / divisor`, where `factor_and_divisor` are
/// the offset totals in the conversion's order, or `None` when the totals must be refused.
fn check_conversion(
    [down, up]: [Result<U256, MathError>; 2],
    amount: U256,
    factor_and_divisor: Option<(BigUint, BigUint)>,
) -> Result<(), TestCaseError> {
    match factor_and_divisor {
        Some((factor, divisor)) => check_down_up(down, up, &(big(amount) * factor), &divisor),
        None => {
            for result in [down, up] {
                prop_assert_eq!(result, Err(MathError::Overflow));
            }
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn to_shares_is_floor_and_ceil_of_exact(assets in amount(), total_assets in amount(), total_shares in amount()) {
        let (a, s) = (total_assets, total_shares);
        let results = [to_shares_down(assets, a, s), to_shares_up(assets, a, s)];
        check_conversion(results, assets, offset_totals(a, s).map(|(a, s)| (s, a)))?;
    }

    #[test]
    fn to_assets_is_floor_and_ceil_of_exact(shares in amount(), total_assets in amount(), total_shares in amount()) {
        let (a, s) = (total_assets, total_shares);
        let results = [to_assets_down(shares, a, s), to_assets_up(shares, a, s)];
        check_conversion(results, shares, offset_totals(a, s))?;
    }

    /// Depositing assets for shares and redeeming them never returns more than went in, and
    /// burning shares for the assets they need never takes less than their worth.
    #[test]
    fn round_trips_favour_the_pool(x in amount(), total_assets in amount(), total_shares in amount()) {
        let (a, s) = (total_assets, total_shares);
        if let Ok(back) = to_shares_down(x, a, s).and_then(|shares| to_assets_down(shares, a, s)) {
            prop_assert!(back <= x, "assets -> shares -> assets rounding down gained {back} > {x}");
        }
        if let Ok(back) = to_shares_up(x, a, s).and_then(|shares| to_assets_up(shares, a, s)) {
            prop_assert!(back >= x, "assets -> shares -> assets rounding up lost {back} < {x}");
        }
        if let Ok(back) = to_assets_down(x, a, s).and_then(|assets| to_shares_down(assets, a, s)) {
            prop_assert!(back <= x, "shares -> assets -> shares rounding down gained {back} > {x}");
        }
        if let Ok(back) = to_assets_up(x, a, s).and_then(|assets| to_shares_up(assets, a, s)) {
            prop_assert!(back >= x, "shares -> assets -> shares rounding up lost {back} < {x}");
        }
    }

    #[test]
    fn conversions_are_non_decreasing_in_the_amount(
        (x, x_larger) in ordered_pair(amount()), total_assets in amount(), total_shares in amount(),
    ) {
        let (a, s) = (total_assets, total_shares);
        for convert in [to_shares_down, to_shares_up, to_assets_down, to_assets_up] {
            check_non_decreasing(convert(x, a, s), convert(x_larger, a, s))?;
        }
    }

    /// More assets behind the same shares: each share is worth more assets, each asset fewer
    /// shares. (Totals too large for the offsets are refused outright, checked above.)
    #[test]
    fn conversions_follow_total_assets(
        x in amount(), (a, a_larger) in ordered_pair(amount()), total_shares in amount(),
    ) {
        let s = total_shares;
        if offset_totals(a_larger, s).is_some() {
            for to_shares in [to_shares_down, to_shares_up] {
                check_non_decreasing(to_shares(x, a_larger, s), to_shares(x, a, s))?;
            }
            for to_assets in [to_assets_down, to_assets_up] {
                check_non_decreasing(to_assets(x, a, s), to_assets(x, a_larger, s))?;
            }
        }
    }

    /// More shares over the same assets: each asset is worth more shares, each share fewer
    /// assets. (Totals too large for the offsets are refused outright, checked above.)
    #[test]
    fn conversions_follow_total_shares(
        x in amount(), total_assets in amount(), (s, s_larger) in ordered_pair(amount()),
    ) {
        let a = total_assets;
        if offset_totals(a, s_larger).is_some() {
            for to_shares in [to_shares_down, to_shares_up] {
                check_non_decreasing(to_shares(x, a, s), to_shares(x, a, s_larger))?;
            }
            for to_assets in [to_assets_down, to_assets_up] {
                check_non_decreasing(to_assets(x, a, s_larger), to_assets(x, a, s))?;
            }
        }
    }
}

//! Bounds the market enforces when it sets a collateral's risk parameters or its liquidation
//! parameters. Every comparison is exact (integer products, no rounding).

use keel_math::{checked_add, checked_mul, in_code, Wad, PRICE_SCALE, WAD};

use crate::errors::{
    BonusOutOfBounds, CloseFactorOutOfBounds, FullLiquidationHfOutOfBounds,
    LiquidationFeeOutOfBounds, LtvNotBelowThreshold, ThresholdWithBonusNotBelowOne,
};
use crate::{
    CollateralRiskParams, LiquidationError, LiquidationParams, MAX_LIQUIDATION_BONUS,
    MAX_LIQUIDATION_FEE,
};

/// Checks one collateral's risk parameters, in this order:
///
/// 1. `0 < bonus <= MAX_LIQUIDATION_BONUS` (20%), else [`BonusOutOfBounds`];
/// 2. `ltv < liquidation_threshold`, else [`LtvNotBelowThreshold`];
/// 3. `liquidation_threshold * (1e18 + bonus) < 1e36` (that is `LT * (1 + bonus) < 1`), else
///    [`ThresholdWithBonusNotBelowOne`].
///
/// (3) is what makes a liquidation raise the health factor of a position whose health factor
/// is at least `LT * (1 + bonus)` (crate docs, "Why liquidation helps"); it implies `LT < 1`.
///
/// # Errors
/// The first failed check, as listed.
pub fn validate_collateral_risk(params: &CollateralRiskParams) -> Result<(), LiquidationError> {
    // The bounds `in_code`, not in the program's static data (docs/DESIGN.md section 9).
    let (bonus, max_bonus) = (params.bonus.0, in_code(MAX_LIQUIDATION_BONUS.0));
    if keel_math::is_zero(bonus) || bonus > max_bonus {
        return Err(LiquidationError::from(BonusOutOfBounds {
            bonusWad: bonus,
            maxBonusWad: max_bonus,
        }));
    }
    let threshold = params.liquidation_threshold.0;
    if params.ltv.0 >= threshold {
        return Err(LiquidationError::from(LtvNotBelowThreshold {
            ltvWad: params.ltv.0,
            liquidationThresholdWad: threshold,
        }));
    }
    if !threshold_with_bonus_below_one(params.liquidation_threshold, params.bonus) {
        return Err(LiquidationError::from(ThresholdWithBonusNotBelowOne {
            liquidationThresholdWad: threshold,
            bonusWad: bonus,
        }));
    }
    Ok(())
}

/// `LT * (1e18 + bonus) < 1e18 * 1e18`, exactly; a product past 256 bits is not below.
fn threshold_with_bonus_below_one(threshold: Wad, bonus: Wad) -> bool {
    checked_add(in_code(WAD), bonus.0)
        .and_then(|one_plus_bonus| checked_mul(threshold.0, one_plus_bonus))
        .is_ok_and(|product| product < in_code(PRICE_SCALE))
}

/// Checks the market's liquidation parameters, in this order:
///
/// 1. `0 < close_factor <= 1`, else [`CloseFactorOutOfBounds`];
/// 2. `full_liquidation_hf <= 1`, else [`FullLiquidationHfOutOfBounds`]
///    (0 turns the health-factor trigger of full liquidations off);
/// 3. `liquidation_fee <= MAX_LIQUIDATION_FEE` (50% of the bonus), else
///    [`LiquidationFeeOutOfBounds`].
///
/// `min_partial_liquidation_value` and `dust_threshold` are free; the crate docs ("Dust")
/// explain how to pair them with the close factor.
///
/// # Errors
/// The first failed check, as listed.
pub fn validate_liquidation_params(params: &LiquidationParams) -> Result<(), LiquidationError> {
    let (close_factor, wad) = (params.close_factor.0, in_code(WAD));
    if keel_math::is_zero(close_factor) || close_factor > wad {
        return Err(LiquidationError::from(CloseFactorOutOfBounds {
            closeFactorWad: close_factor,
        }));
    }
    if params.full_liquidation_hf.0 > wad {
        return Err(LiquidationError::from(FullLiquidationHfOutOfBounds {
            fullLiquidationHfWad: params.full_liquidation_hf.0,
        }));
    }
    let max_fee = in_code(MAX_LIQUIDATION_FEE.0);
    if params.liquidation_fee.0 > max_fee {
        return Err(LiquidationError::from(LiquidationFeeOutOfBounds {
            feeWad: params.liquidation_fee.0,
            maxFeeWad: max_fee,
        }));
    }
    Ok(())
}

/// `value` percent as a WAD factor (test and example helper, exact for whole percents).
#[cfg(test)]
pub(crate) fn percent(value: u64) -> Wad {
    use keel_math::U256;
    Wad(U256::from(value).saturating_mul(U256::from(10_000_000_000_000_000_u64)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEFAULT_CLOSE_FACTOR, DEFAULT_FULL_LIQUIDATION_HF};
    use keel_math::U256;

    fn risk(ltv: u64, threshold: u64, bonus: u64) -> CollateralRiskParams {
        CollateralRiskParams {
            ltv: percent(ltv),
            liquidation_threshold: percent(threshold),
            bonus: percent(bonus),
        }
    }

    fn market(close_factor: Wad, full_liquidation_hf: Wad, fee: Wad) -> LiquidationParams {
        LiquidationParams {
            close_factor,
            full_liquidation_hf,
            min_partial_liquidation_value: U256::ZERO,
            dust_threshold: U256::ZERO,
            liquidation_fee: fee,
        }
    }

    #[test]
    fn usual_collateral_parameters_pass() {
        assert_eq!(validate_collateral_risk(&risk(75, 80, 5)), Ok(()));
        assert_eq!(validate_collateral_risk(&risk(0, 80, 20)), Ok(()));
    }

    #[test]
    fn each_collateral_bound_has_its_error() {
        assert!(validate_collateral_risk(&risk(75, 80, 0))
            .is_err_and(|e| e.is::<crate::BonusOutOfBounds>()));
        assert!(validate_collateral_risk(&risk(75, 80, 21))
            .is_err_and(|e| e.is::<crate::BonusOutOfBounds>()));
        assert_eq!(
            validate_collateral_risk(&risk(80, 80, 5)),
            Err(LiquidationError::from(LtvNotBelowThreshold {
                ltvWad: percent(80).0,
                liquidationThresholdWad: percent(80).0,
            }))
        );
        // 0.95 * 1.05 = 0.9975 < 1 passes; 0.96 * 1.05 = 1.008 does not.
        assert_eq!(validate_collateral_risk(&risk(90, 95, 5)), Ok(()));
        assert!(validate_collateral_risk(&risk(90, 96, 5))
            .is_err_and(|e| e.is::<crate::ThresholdWithBonusNotBelowOne>()));
    }

    #[test]
    fn threshold_times_bonus_equal_to_one_is_refused() {
        // 0.8 * 1.2 = 0.96 < 1 passes; 0.8 * 1.25 = 1 exactly does not (the bonus bound is
        // checked separately); an LT whose product overflows is refused too.
        assert!(threshold_with_bonus_below_one(percent(80), percent(20)));
        assert!(!threshold_with_bonus_below_one(percent(80), percent(25)));
        assert!(!threshold_with_bonus_below_one(Wad(U256::MAX), percent(5)));
    }

    #[test]
    fn market_parameters_and_their_errors() {
        let fee = percent(10);
        assert_eq!(
            validate_liquidation_params(&market(
                DEFAULT_CLOSE_FACTOR,
                DEFAULT_FULL_LIQUIDATION_HF,
                fee
            )),
            Ok(())
        );
        assert_eq!(
            validate_liquidation_params(&market(Wad::ONE, Wad::ONE, percent(50))),
            Ok(())
        );
        for close_factor in [Wad::ZERO, percent(101)] {
            assert!(
                validate_liquidation_params(&market(close_factor, Wad::ONE, fee))
                    .is_err_and(|e| e.is::<crate::CloseFactorOutOfBounds>())
            );
        }
        assert!(
            validate_liquidation_params(&market(Wad::ONE, percent(101), fee))
                .is_err_and(|e| e.is::<crate::FullLiquidationHfOutOfBounds>())
        );
        assert!(
            validate_liquidation_params(&market(Wad::ONE, Wad::ONE, percent(51)))
                .is_err_and(|e| e.is::<crate::LiquidationFeeOutOfBounds>())
        );
    }
}

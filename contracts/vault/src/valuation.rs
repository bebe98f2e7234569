//! Position valuation for the borrow and `withdrawCollateral` checks, over held collaterals
//! only. Collateral value rounds down and debt is passed in rounded up (docs/DESIGN.md section 4).

use keel_math::{
    checked_add, checked_sub, mul_div_up, w_div_up, zero_floor_sub, MathError, Price, Wad,
    PRICE_SCALE, U256,
};

use crate::error::{LtvExceeded, VaultError};
use crate::index::{CollateralIndex, HeldSet, MAX_COLLATERALS_LEN};

/// All collateral of one account, as read at once for valuation and liquidation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CollateralSnapshot {
    /// The held set: exactly the indices whose balance is non-zero.
    pub held: HeldSet,
    /// Balances by collateral index, token units (zero where not held).
    pub balances: [u128; MAX_COLLATERALS_LEN],
}

impl CollateralSnapshot {
    /// The balance of collateral `index`.
    #[must_use]
    pub fn balance(&self, index: CollateralIndex) -> u128 {
        self.balances
            .get(index.position())
            .copied()
            .unwrap_or_default()
    }

    /// The snapshot with collateral `index` at `balance` and the held set updated: the position
    /// a withdrawal or seizure would leave (value it before writing, or after, either works).
    #[must_use]
    pub fn with_balance(mut self, index: CollateralIndex, balance: u128) -> Self {
        if let Some(slot) = self.balances.get_mut(index.position()) {
            *slot = balance;
        }
        self.held = self.held.with_balance(index, balance);
        self
    }
}

/// The risk inputs of one collateral: its price and factors, as the market reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CollateralRisk {
    /// Base units per collateral unit, scaled by 1e36.
    pub price: Price,
    /// Loan-to-value: the fraction of the value that may be borrowed against.
    pub ltv: Wad,
    /// Liquidation threshold: the fraction of the value that counts for the health factor.
    pub liquidation_threshold: Wad,
}

/// Values of a position in base-asset units, each summed over held collaterals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PositionValue {
    /// `sum(floor(balance_i * price_i))`.
    pub collateral_value_down: U256,
    /// `sum(floor(floor(balance_i * price_i) * LTV_i))`: the most the position may owe after a
    /// borrow or collateral withdrawal.
    pub borrow_power_down: U256,
    /// `sum(floor(floor(balance_i * price_i) * LT_i))`: the numerator of the health factor.
    pub liquidation_value_down: U256,
}

/// Values the held collaterals of `snapshot`.
///
/// `risk_of(index)` is called once per held collateral, in increasing index order, and for no
/// other: the market reads oracle prices lazily there (and may fail with its own error type,
/// e.g. a stale feed). Each term rounds down: value `floor(balance * price / 1e36)`, then
/// `floor(value * factor / 1e18)`.
///
/// # Errors
/// Whatever `risk_of` returns; `VaultMathError` if a sum exceeds 256 bits (prices beyond any
/// real token).
pub fn value_position<E: From<VaultError>>(
    snapshot: &CollateralSnapshot,
    risk_of: impl FnMut(CollateralIndex) -> Result<CollateralRisk, E>,
) -> Result<PositionValue, E> {
    fold_held(snapshot, risk_of, PositionValue::default(), add_collateral)
}

/// The borrow power of the held collaterals of `snapshot`: [`value_position`]'s
/// `borrow_power_down` alone (the same terms, `risk_of` called the same way), which is all the
/// LTV check of `borrow` and `withdrawCollateral` needs. Not computing the other two sums
/// saves a WAD product per held collateral on those operations (and a sum of values
/// beyond 256 bits, which only absurd prices reach, no longer fails the check).
///
/// # Errors
/// Whatever `risk_of` returns; `VaultMathError` if the sum exceeds 256 bits.
pub fn borrow_power_down<E: From<VaultError>>(
    snapshot: &CollateralSnapshot,
    risk_of: impl FnMut(CollateralIndex) -> Result<CollateralRisk, E>,
) -> Result<U256, E> {
    fold_held(snapshot, risk_of, U256::ZERO, |power, balance, risk| {
        let term = weighted_value_down(U256::from(balance), risk.price, risk.ltv)?;
        Ok(checked_add(power, term)?)
    })
}

/// `add(total, balance, risk)` over the held collaterals of `snapshot`, in increasing index
/// order, with `risk_of` read for each.
fn fold_held<T, E: From<VaultError>>(
    snapshot: &CollateralSnapshot,
    mut risk_of: impl FnMut(CollateralIndex) -> Result<CollateralRisk, E>,
    init: T,
    mut add: impl FnMut(T, u128, &CollateralRisk) -> Result<T, VaultError>,
) -> Result<T, E> {
    let mut total = init;
    for index in snapshot.held.iter() {
        let risk = risk_of(index)?;
        total = add(total, snapshot.balance(index), &risk).map_err(E::from)?;
    }
    Ok(total)
}

/// `floor(factor * floor(balance * price / 1e36))`: a collateral's value in base units,
/// rounded down, times a factor, rounded down again. Keel's one valuation rule: with LTV it is
/// a collateral's borrow power (the LTV checks), with LT its part of the health factor (the
/// views and keel-liquidation's decision, which sums it too).
///
/// # Errors
/// [`MathError::Overflow`] if the value does not fit in 256 bits.
pub fn weighted_value_down(balance: U256, price: Price, factor: Wad) -> Result<U256, MathError> {
    factor.mul_down(price.to_base_down(balance)?)
}

fn add_collateral(
    total: PositionValue,
    balance: u128,
    risk: &CollateralRisk,
) -> Result<PositionValue, VaultError> {
    // `weighted_value_down`'s terms with the price product computed once for both factors.
    let value = risk.price.to_base_down(U256::from(balance))?;
    Ok(PositionValue {
        collateral_value_down: checked_add(total.collateral_value_down, value)?,
        borrow_power_down: checked_add(total.borrow_power_down, risk.ltv.mul_down(value)?)?,
        liquidation_value_down: checked_add(
            total.liquidation_value_down,
            risk.liquidation_threshold.mul_down(value)?,
        )?,
    })
}

/// The LTV check of `borrow` and `withdrawCollateral`, on the position after the operation:
/// passes iff `debt_assets_up <= borrow_power_down`. A position without debt always passes
/// (the market may skip valuation, and its oracle reads, when the debt is zero).
///
/// # Errors
/// [`LtvExceeded`] otherwise.
pub fn check_within_ltv(borrow_power_down: U256, debt_assets_up: U256) -> Result<(), VaultError> {
    if debt_assets_up <= borrow_power_down {
        Ok(())
    } else {
        Err(LtvExceeded {
            debtAssets: debt_assets_up,
            borrowPower: borrow_power_down,
        }
        .into())
    }
}

/// The largest amount of one collateral the account may withdraw and still pass
/// [`check_within_ltv`], exact under the rounding of [`value_position`].
///
/// Arguments: `balance` of the collateral and its `risk`; `borrow_power_down` of the whole
/// position as now (including this collateral); the account's `debt_assets_up`.
///
/// The remaining balance `r` must keep `floor(floor(r * p / 1e36) * ltv / 1e18)` at least
/// `need = debt - (power of the other collaterals)`, which holds iff
/// `r >= ceil(ceil(need * 1e18 / ltv) * 1e36 / p)`; the result is `balance` minus that least
/// `r`, or 0 when no remaining balance suffices (zero LTV or price with `need > 0`).
///
/// # Errors
/// `VaultMathError` if `borrow_power_down` is below this collateral's own power (inconsistent
/// inputs) or the conversions overflow.
pub fn max_withdrawable(
    balance: u128,
    risk: &CollateralRisk,
    borrow_power_down: U256,
    debt_assets_up: U256,
) -> Result<u128, VaultError> {
    let own = add_collateral(PositionValue::default(), balance, risk)?;
    let others_power_down = checked_sub(borrow_power_down, own.borrow_power_down)?;
    let need = zero_floor_sub(debt_assets_up, others_power_down);
    if keel_math::is_zero(need) {
        return Ok(balance);
    }
    if keel_math::is_zero(risk.ltv.0) || keel_math::is_zero(risk.price.0) {
        return Ok(0);
    }
    let least_remaining = risk.price.to_collateral_up(w_div_up(need, risk.ltv.0)?)?;
    let balance_u256 = U256::from(balance);
    Ok(zero_floor_sub(balance_u256, least_remaining).saturating_to())
}

/// The liquidation price of one held collateral: the lowest price (base units per collateral
/// unit, 1e36) at which the position stays healthy, the other collaterals' prices unchanged.
/// Below it the health factor drops under 1.
///
/// Arguments: the collateral's `balance` and `risk` (its current price included);
/// `liquidation_value_down` of the whole position as now (including this collateral); the
/// account's `debt_assets_up`.
///
/// With `need = debt - (liquidation value of the other collaterals)`, the position is healthy
/// iff `floor(floor(balance * p / 1e36) * LT / 1e18) >= need`, i.e. iff
/// `p >= ceil(ceil(need * 1e18 / LT) * 1e36 / balance)`, which is returned (rounded up: the
/// price a dapp should warn at). 0 when `need` is 0 (no price of this collateral makes the
/// position liquidatable) or nothing is held; `U256::MAX` when no price suffices (zero LT).
///
/// # Errors
/// `VaultMathError` if `liquidation_value_down` is below this collateral's own part
/// (inconsistent inputs) or the conversions overflow.
pub fn liquidation_price_up(
    balance: u128,
    risk: &CollateralRisk,
    liquidation_value_down: U256,
    debt_assets_up: U256,
) -> Result<Price, VaultError> {
    let own = add_collateral(PositionValue::default(), balance, risk)?;
    let others_down = checked_sub(liquidation_value_down, own.liquidation_value_down)?;
    let need = zero_floor_sub(debt_assets_up, others_down);
    if keel_math::is_zero(need) || balance == 0 {
        return Ok(Price(U256::ZERO));
    }
    if keel_math::is_zero(risk.liquidation_threshold.0) {
        return Ok(Price(U256::MAX));
    }
    let least_value = w_div_up(need, risk.liquidation_threshold.0)?;
    Ok(Price(mul_div_up(
        least_value,
        PRICE_SCALE,
        U256::from(balance),
    )?))
}

#[cfg(test)]
// Test arithmetic on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::error::VaultMathError;
    use keel_math::{PRICE_SCALE, WAD};

    fn index(i: u8) -> CollateralIndex {
        CollateralIndex::new(i).unwrap()
    }

    fn wad_percent(percent: u64) -> Wad {
        Wad(WAD * U256::from(percent) / U256::from(100))
    }

    /// Price of `base_per_unit` base units per collateral unit.
    fn price(base_per_unit: u64) -> Price {
        Price(PRICE_SCALE * U256::from(base_per_unit))
    }

    fn risk(price_per_unit: u64, ltv_percent: u64, lt_percent: u64) -> CollateralRisk {
        CollateralRisk {
            price: price(price_per_unit),
            ltv: wad_percent(ltv_percent),
            liquidation_threshold: wad_percent(lt_percent),
        }
    }

    fn snapshot(balances: &[(u8, u128)]) -> CollateralSnapshot {
        balances
            .iter()
            .fold(CollateralSnapshot::default(), |snap, &(i, balance)| {
                snap.with_balance(index(i), balance)
            })
    }

    #[test]
    fn weighted_value_rounds_down_twice() {
        // Price floor(1e36 / 3) = 333..33 (36 digits): 3 units are worth
        // floor(3 * 333..33 / 1e36) = floor(0.999..9) = 0 base units, not 1.
        let third = Price(PRICE_SCALE / U256::from(3));
        assert_eq!(
            weighted_value_down(U256::from(3), third, Wad::ONE),
            Ok(U256::ZERO)
        );
        // floor(0.8 * floor(10 * 1)) = 8; floor(0.85 * 10) = floor(8.5) = 8.
        let one = Price(PRICE_SCALE);
        assert_eq!(
            weighted_value_down(U256::from(10), one, wad_percent(85)),
            Ok(U256::from(8))
        );
    }

    #[test]
    fn values_only_held_collaterals_and_rounds_each_term_down() {
        let snap = snapshot(&[(1, 3), (6, 10)]);
        let mut asked = alloc::vec::Vec::new();
        let value = value_position::<VaultError>(&snap, |i| {
            asked.push(i.get());
            Ok(if i.get() == 1 {
                // 3 units at 0.5 base each = 1.5 -> 1; 1 * 80% -> 0; 1 * 90% -> 0.
                CollateralRisk {
                    price: Price(PRICE_SCALE / U256::from(2)),
                    ..risk(0, 80, 90)
                }
            } else {
                // 10 units at 7 = 70; 70 * 75% = 52.5 -> 52; 70 * 85% = 59.5 -> 59.
                risk(7, 75, 85)
            })
        })
        .unwrap();
        assert_eq!(asked, [1, 6]);
        assert_eq!(
            value,
            PositionValue {
                collateral_value_down: U256::from(71),
                borrow_power_down: U256::from(52),
                liquidation_value_down: U256::from(59),
            }
        );
    }

    #[test]
    fn the_caller_error_stops_valuation() {
        #[derive(Debug, PartialEq)]
        enum StalePrice {
            Stale(u8),
            Vault(VaultError),
        }
        impl From<VaultError> for StalePrice {
            fn from(error: VaultError) -> Self {
                Self::Vault(error)
            }
        }
        let snap = snapshot(&[(2, 1), (4, 1)]);
        let result = value_position(&snap, |i| {
            if i.get() == 4 {
                Err(StalePrice::Stale(4))
            } else {
                Ok(risk(1, 50, 60))
            }
        });
        assert_eq!(result, Err(StalePrice::Stale(4)));
        let huge = snapshot(&[(2, u128::MAX)]);
        let overflow = value_position::<StalePrice>(&huge, |_| {
            Ok(CollateralRisk {
                price: Price(U256::MAX),
                ..risk(0, 50, 60)
            })
        });
        assert_eq!(
            overflow,
            Err(StalePrice::Vault(VaultError::from(VaultMathError {
                kind: 1
            })))
        );
    }

    #[test]
    fn ltv_check_allows_equality_and_refuses_more() {
        assert_eq!(check_within_ltv(U256::from(5), U256::from(5)), Ok(()));
        assert_eq!(check_within_ltv(U256::ZERO, U256::ZERO), Ok(()));
        assert_eq!(
            check_within_ltv(U256::from(5), U256::from(6)),
            Err(LtvExceeded {
                debtAssets: U256::from(6),
                borrowPower: U256::from(5)
            }
            .into())
        );
    }

    #[test]
    fn max_withdrawable_is_the_exact_edge_of_the_ltv_check() {
        // 100 units at 3 = 300, LTV 50% -> power 150; other collateral adds 20.
        let r = risk(3, 50, 60);
        let power = U256::from(170);
        // Debt 100: need 80 from this collateral -> value 160 -> 54 units (53.33 up).
        let max = max_withdrawable(100, &r, power, U256::from(100)).unwrap();
        assert_eq!(max, 46);
        let power_after = |remaining: u128| {
            add_collateral(PositionValue::default(), remaining, &r)
                .unwrap()
                .borrow_power_down
                + U256::from(20)
        };
        assert!(check_within_ltv(power_after(100 - max), U256::from(100)).is_ok());
        assert!(check_within_ltv(power_after(100 - max - 1), U256::from(100)).is_err());
    }

    #[test]
    fn liquidation_price_is_the_lowest_healthy_price() {
        // 100 units at 3 (LT 60%): liquidation value 180; others add 20; debt 140.
        // Need 120 from this collateral -> value 200 -> price 2 per unit (1e36-scaled).
        let r = risk(3, 50, 60);
        let price = liquidation_price_up(100, &r, U256::from(200), U256::from(140)).unwrap();
        assert_eq!(price, Price(PRICE_SCALE * U256::from(2)));
        let healthy_at = |p: Price| {
            let at = CollateralRisk { price: p, ..r };
            let own = add_collateral(PositionValue::default(), 100, &at).unwrap();
            own.liquidation_value_down + U256::from(20) >= U256::from(140)
        };
        assert!(healthy_at(price));
        assert!(!healthy_at(Price(price.0 - U256::from(1))));
        // Others cover the debt, or nothing held: no liquidation price.
        assert_eq!(
            liquidation_price_up(100, &r, U256::from(200), U256::from(20)),
            Ok(Price(U256::ZERO))
        );
        assert_eq!(
            liquidation_price_up(0, &r, U256::from(20), U256::from(140)),
            Ok(Price(U256::ZERO))
        );
        // Zero LT: no price makes the position healthy.
        assert_eq!(
            liquidation_price_up(100, &risk(3, 0, 0), U256::from(20), U256::from(140)),
            Ok(Price(U256::MAX))
        );
    }

    #[test]
    fn max_withdrawable_edges() {
        let r = risk(3, 50, 60);
        // No debt beyond the other collaterals: everything.
        assert_eq!(
            max_withdrawable(100, &r, U256::from(170), U256::from(20)),
            Ok(100)
        );
        // Debt beyond what the whole balance supports: nothing.
        assert_eq!(
            max_withdrawable(100, &r, U256::from(170), U256::from(500)),
            Ok(0)
        );
        // A collateral wound down to zero LTV frees nothing while it is needed.
        let wound_down = risk(3, 0, 60);
        assert_eq!(
            max_withdrawable(100, &wound_down, U256::from(20), U256::from(21)),
            Ok(0)
        );
        assert_eq!(
            max_withdrawable(100, &wound_down, U256::from(20), U256::from(20)),
            Ok(100)
        );
        // Power below this collateral's own power is inconsistent.
        assert_eq!(
            max_withdrawable(100, &r, U256::from(1), U256::from(1)),
            Err(VaultError::from(VaultMathError { kind: 3 }))
        );
    }
}

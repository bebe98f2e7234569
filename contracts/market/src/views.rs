//! Read-only views for dapps and bots. They value positions at the current
//! block with interest accrued (without writing), through the same oracle
//! reads the operations use, so a stale feed makes them revert with the same
//! error an operation would.

use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use keel_debt::{annual_rate, borrow_rate_per_second, supply_rate_per_second};
use keel_liquidation::health_factor_down;
use keel_vault::{
    liquidation_price_up, value_position, CollateralIndex, CollateralRisk, MAX_COLLATERALS_LEN,
};
use stylus_sdk::prelude::*;

use crate::errors::MarketError;
use crate::KeelMarket;

/// `accountSnapshot`: `(supplyShares, supplyAssets, borrowShares, debtAssets,
/// collateralBalances[8], collateralValue, borrowPower, liquidationValue,
/// healthFactor, liquidationPrices[8])`; values in base units rounded down,
/// debt rounded up, health factor WAD (`uint256` max without debt). Each
/// liquidation price is the lowest price of that collateral (base units per
/// unit, 1e36, rounded up) at which the position stays healthy, the others'
/// prices unchanged: 0 when no price of it makes the position liquidatable
/// (nothing held, or the other collaterals cover the debt).
pub type AccountSnapshot = (
    U256,
    U256,
    U256,
    U256,
    Vec<U256>,
    U256,
    U256,
    U256,
    U256,
    Vec<U256>,
);

/// `marketSnapshot`: `(totalSupplyAssets, totalSupplyShares,
/// totalBorrowAssets, totalBorrowShares, reserves, utilisation, borrowApr,
/// supplyApr, lastAccrual)`; factors WAD, APRs = per-second rate x 365 days.
pub type MarketSnapshot = (U256, U256, U256, U256, U256, U256, U256, U256, u64);

/// `previewLiquidation`: `(repaidAssets, repaidShares, seizedCollateral,
/// protocolFee, liquidatorCollateral, badDebtAssets, healthFactorBefore,
/// healthFactorAfter)`.
pub type LiquidationPreview = (U256, U256, U256, U256, U256, U256, U256, U256);

/// `collateralInfo`: `(index, ltv, liquidationThreshold, bonus, cap, total,
/// feeReserves)`.
pub type CollateralInfo = (u8, U256, U256, U256, U256, U256, U256);

impl KeelMarket {
    pub(crate) fn account_snapshot_view(
        &self,
        account: Address,
    ) -> Result<AccountSnapshot, MarketError> {
        let totals = self
            .debt
            .preview_accrual(self.vm().block_timestamp())?
            .totals;
        let shares = self.debt.account(account);
        let supply_assets = totals.supply.to_assets_down(shares.supply)?;
        let debt_assets = totals.borrow.to_assets_up(shares.borrow)?;
        let snapshot = self.vault.snapshot(account);
        let mut risks = [CollateralRisk::default(); MAX_COLLATERALS_LEN];
        let value = value_position(&snapshot, |index| {
            let risk = self.collateral_risk(index)?;
            risks[index.position()] = risk;
            Ok::<_, MarketError>(risk)
        })?;
        // Arrays turned into vectors whole (one allocation of the exact
        // size): collecting linked vector growth into the program.
        let mut balances = [U256::ZERO; MAX_COLLATERALS_LEN];
        let mut liquidation_prices = [U256::ZERO; MAX_COLLATERALS_LEN];
        for index in CollateralIndex::all() {
            let balance = snapshot.balance(index);
            let price = liquidation_price_up(
                balance,
                &risks[index.position()],
                value.liquidation_value_down,
                debt_assets,
            )?;
            balances[index.position()] = U256::from(balance);
            liquidation_prices[index.position()] = price.0;
        }
        let health_factor = health_factor_down(value.liquidation_value_down, debt_assets)?;
        Ok((
            U256::from(shares.supply),
            supply_assets,
            U256::from(shares.borrow),
            debt_assets,
            Vec::from(balances),
            value.collateral_value_down,
            value.borrow_power_down,
            value.liquidation_value_down,
            health_factor.0,
            Vec::from(liquidation_prices),
        ))
    }

    pub(crate) fn market_snapshot_view(&self) -> Result<MarketSnapshot, MarketError> {
        let totals = self
            .debt
            .preview_accrual(self.vm().block_timestamp())?
            .totals;
        let config = self.debt.interest_config();
        let borrow_rate = borrow_rate_per_second(&totals, &config.rate_model)?;
        let supply_rate = supply_rate_per_second(&totals, &config)?;
        Ok((
            U256::from(totals.supply.assets),
            U256::from(totals.supply.shares),
            U256::from(totals.borrow.assets),
            U256::from(totals.borrow.shares),
            U256::from(totals.reserves),
            totals.utilisation()?.0,
            annual_rate(borrow_rate)?.0,
            annual_rate(supply_rate)?.0,
            totals.last_accrual_seconds,
        ))
    }
}

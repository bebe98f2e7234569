//! Owner-only parameter setters and the reserves withdrawal. Each setter
//! validates its bounds (in the module that owns the parameter) and emits an
//! event; interest is accrued before a rate change so the old rate applies
//! to the time before it.

use alloy_primitives::{Address, U256};
use alloy_sol_types::sol;
use keel_debt::{DebtError, InsufficientReserves, RateModel, ZeroAmount};

use crate::collaterals::cap_to_u128;
use crate::collaterals::wad;
use crate::control;
use crate::errors::{ensure_nonzero, MarketError};
use crate::KeelMarket;

sol! {
    /// The interest rate model changed (per-second WAD rates, WAD utilisation).
    #[derive(Debug, PartialEq, Eq)]
    event RateModelSet(uint64 baseRatePerSecond, uint64 slopeBelowOptimalPerSecond, uint64 slopeAboveOptimalPerSecond, uint64 optimalUtilisation);
    /// The reserve factor changed (WAD).
    #[derive(Debug, PartialEq, Eq)]
    event ReserveFactorSet(uint64 reserveFactor);
    /// The supply and borrow caps changed (`uint128` max: none).
    #[derive(Debug, PartialEq, Eq)]
    event CapsSet(uint256 supplyCap, uint256 borrowCap);
    /// The L2 sequencer uptime feed changed (zero: none).
    #[derive(Debug, PartialEq, Eq)]
    event SequencerFeedSet(address feed, uint32 gracePeriodSeconds);
    /// `amount` of protocol reserves of `asset` went to `to`.
    #[derive(Debug, PartialEq, Eq)]
    event ReservesWithdrawn(address indexed asset, address indexed to, uint256 amount);
}

/// A rate model at the ABI: `(baseRatePerSecond, slopeBelowOptimalPerSecond,
/// slopeAboveOptimalPerSecond, optimalUtilisation)`, WAD.
pub type RateModelInput = (u64, u64, u64, u64);

impl KeelMarket {
    pub(crate) fn store_rate_model(&mut self, input: RateModelInput) -> Result<(), MarketError> {
        let model = RateModel {
            base_rate_per_second: wad(input.0),
            slope_below_optimal_per_second: wad(input.1),
            slope_above_optimal_per_second: wad(input.2),
            optimal_utilisation: wad(input.3),
        };
        self.debt.set_rate_model(&model)?;
        self.emit(RateModelSet {
            baseRatePerSecond: input.0,
            slopeBelowOptimalPerSecond: input.1,
            slopeAboveOptimalPerSecond: input.2,
            optimalUtilisation: input.3,
        });
        Ok(())
    }

    pub(crate) fn store_reserve_factor(&mut self, reserve_factor: u64) -> Result<(), MarketError> {
        self.debt.set_reserve_factor(wad(reserve_factor))?;
        self.emit(ReserveFactorSet {
            reserveFactor: reserve_factor,
        });
        Ok(())
    }

    pub(crate) fn store_caps(&mut self, supply_cap: U256, borrow_cap: U256) {
        let (supply_cap, borrow_cap) = (cap_to_u128(supply_cap), cap_to_u128(borrow_cap));
        self.debt.set_caps(supply_cap, borrow_cap);
        self.emit(CapsSet {
            supplyCap: U256::from(supply_cap),
            borrowCap: U256::from(borrow_cap),
        });
    }

    pub(crate) fn update_rate_model(&mut self, input: RateModelInput) -> Result<(), MarketError> {
        self.only_owner()?;
        self.accrue()?;
        self.store_rate_model(input)
    }

    pub(crate) fn update_reserve_factor(&mut self, reserve_factor: u64) -> Result<(), MarketError> {
        self.only_owner()?;
        self.accrue()?;
        self.store_reserve_factor(reserve_factor)
    }

    pub(crate) fn update_caps(
        &mut self,
        supply_cap: U256,
        borrow_cap: U256,
    ) -> Result<(), MarketError> {
        self.only_owner()?;
        self.store_caps(supply_cap, borrow_cap);
        Ok(())
    }

    pub(crate) fn update_sequencer_feed(
        &mut self,
        feed: Address,
        grace_period_seconds: u32,
    ) -> Result<(), MarketError> {
        self.only_owner()?;
        self.sequencer.configure(feed, grace_period_seconds)?;
        let has_feed = u8::from(!keel_abi::is_zero_address(feed));
        self.update_control(|word| word.set_u8(control::HAS_SEQUENCER_FEED_AT, has_feed));
        let grace = self.sequencer.grace_period_seconds();
        self.emit(SequencerFeedSet {
            feed,
            gracePeriodSeconds: grace,
        });
        Ok(())
    }

    /// Sends `amount` of the protocol's reserves of `asset` (the base asset
    /// or a collateral's liquidation fees) to `to`.
    pub(crate) fn do_withdraw_reserves(
        &mut self,
        asset: Address,
        amount: U256,
        to: Address,
    ) -> Result<(), MarketError> {
        self.only_owner()?;
        ensure_nonzero(to)?;
        if asset == self.base_asset() {
            self.accrue()?;
            self.debt.withdraw_reserves(amount)?;
        } else {
            let index = self.collateral_index(asset)?;
            let reserves = self.collateral_reserves(index);
            if keel_math::is_zero(amount) {
                return Err(DebtError::from(ZeroAmount {}).into());
            }
            if !self.take_collateral_reserves(index, amount) {
                return Err(DebtError::from(InsufficientReserves {
                    requested: amount,
                    reserves,
                })
                .into());
            }
        }
        self.push_tokens(asset, to, amount)?;
        self.emit(ReservesWithdrawn { asset, to, amount });
        Ok(())
    }
}

//! Guardian and pauses.
//!
//! The guardian (or the owner) may pause supply, withdraw, supplyCollateral,
//! withdrawCollateral and borrow; only the owner unpauses, so a compromised
//! guardian can stop the market but not restart it. Repay is never
//! pausable. Liquidation is paused and unpaused by the owner only, and after
//! an unpause a grace period lets borrowers top up before liquidations
//! resume.

use alloy_primitives::{Address, U256};
use alloy_sol_types::sol;
use stylus_sdk::prelude::*;

use crate::control::{GUARDIAN_AT, LIQUIDATION_GRACE_AT, LIQUIDATION_RESUMES_AT, PAUSED_MASK_AT};
use crate::errors::{
    out_of_bounds, ActionPaused, AlreadyInitialized, LiquidationPaused, MarketError,
    ModuleCalledDirectly,
};
use crate::KeelMarket;

sol! {
    /// The guardian changed.
    #[derive(Debug, PartialEq, Eq)]
    event GuardianSet(address indexed guardian);
    /// A pausable action was paused or unpaused.
    #[derive(Debug, PartialEq, Eq)]
    event PauseSet(uint8 indexed action, bool paused);
    /// Liquidation was paused, or unpaused to resume at `resumesAt`.
    #[derive(Debug, PartialEq, Eq)]
    event LiquidationPauseSet(bool paused, uint64 resumesAt);
    /// The grace period after a liquidation unpause changed.
    #[derive(Debug, PartialEq, Eq)]
    event LiquidationGracePeriodSet(uint32 gracePeriodSeconds);
}

/// Actions the guardian may pause, with their bit in the pause mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Action {
    /// `supply`.
    Supply = 0,
    /// `withdraw`, `withdrawShares`.
    Withdraw = 1,
    /// `supplyCollateral`.
    SupplyCollateral = 2,
    /// `withdrawCollateral`.
    WithdrawCollateral = 3,
    /// `borrow`.
    Borrow = 4,
}

/// Number of pausable actions; `Action as u8` is below it.
pub const ACTION_COUNT: u8 = 5;
/// Bit of the pause mask that marks liquidation paused.
const LIQUIDATION_BIT: u8 = 7;
/// Bit of the pause mask set only in the ext program's own storage (see
/// [`crate::ext`]): the market's storage never has it.
const MODULE_CODE_BIT: u8 = 6;
/// Longest grace period after a liquidation unpause.
pub const MAX_LIQUIDATION_GRACE_PERIOD_SECONDS: u32 = 86_400;
/// Parameter id of the liquidation grace period in `ParameterOutOfBounds`.
pub const PARAM_LIQUIDATION_GRACE_PERIOD: u8 = 1;
/// Parameter id of a pausable action in `ParameterOutOfBounds`.
pub const PARAM_ACTION: u8 = 2;

fn bit(index: u8) -> u8 {
    1u8.checked_shl(u32::from(index)).unwrap_or(0)
}

impl KeelMarket {
    fn paused_mask(&self) -> u8 {
        self.control().u8_at(PAUSED_MASK_AT)
    }

    fn set_mask_bit(&mut self, index: u8, on: bool) {
        let mask = self.paused_mask();
        let updated = if on {
            mask | bit(index)
        } else {
            mask & !bit(index)
        };
        self.update_control(|word| word.set_u8(PAUSED_MASK_AT, updated));
    }

    /// Marks this storage as a module program's own (module constructors).
    pub fn mark_as_module_code(&mut self) {
        self.set_mask_bit(MODULE_CODE_BIT, true);
    }

    /// Fails with `ModuleCalledDirectly` on a module program's own storage.
    pub(crate) fn ensure_not_module_code(&self) -> Result<(), MarketError> {
        if self.paused_mask() & bit(MODULE_CODE_BIT) != 0 {
            return Err(MarketError::from(ModuleCalledDirectly {}));
        }
        Ok(())
    }

    /// Fails unless this is the market's storage before initialisation.
    pub(crate) fn ensure_uninitialized(&self) -> Result<(), MarketError> {
        self.ensure_not_module_code()?;
        if !keel_abi::is_zero_address(self.base_asset()) {
            return Err(MarketError::from(AlreadyInitialized {}));
        }
        Ok(())
    }

    /// Fails with `ActionPaused` when `action` is paused.
    pub(crate) fn ensure_active(&self, action: Action) -> Result<(), MarketError> {
        if self.paused_mask() & bit(action as u8) != 0 {
            return Err(MarketError::from(ActionPaused {
                action: action as u8,
            }));
        }
        Ok(())
    }

    /// Whether `action` (its `u8` code) is paused.
    pub(crate) fn is_action_paused(&self, action: u8) -> bool {
        action < ACTION_COUNT && self.paused_mask() & bit(action) != 0
    }

    /// Fails with `LiquidationPaused` while liquidation is paused or within
    /// the grace period after its unpause.
    pub(crate) fn ensure_liquidation_active(&self) -> Result<(), MarketError> {
        let control = self.control();
        let resumes_at = control.u64_at(LIQUIDATION_RESUMES_AT);
        let paused = control.u8_at(PAUSED_MASK_AT) & bit(LIQUIDATION_BIT) != 0;
        if paused || self.vm().block_timestamp() < resumes_at {
            return Err(MarketError::from(LiquidationPaused {
                paused,
                resumesAt: resumes_at,
            }));
        }
        Ok(())
    }

    /// Fails with `Unauthorized` unless the caller is the guardian or the owner.
    fn only_guardian_or_owner(&self) -> Result<(), MarketError> {
        if self.vm().msg_sender() == self.guardian() {
            return Ok(());
        }
        self.only_owner()
    }

    pub(crate) fn set_guardian_checked(&mut self, guardian: Address) -> Result<(), MarketError> {
        self.only_owner()?;
        self.update_guardian_word(|word| word.set_address(GUARDIAN_AT, guardian));
        self.emit(GuardianSet { guardian });
        Ok(())
    }

    /// Pausing needs the guardian or the owner; unpausing needs the owner.
    pub(crate) fn set_paused_checked(
        &mut self,
        action: u8,
        paused: bool,
    ) -> Result<(), MarketError> {
        if paused {
            self.only_guardian_or_owner()?;
        } else {
            self.only_owner()?;
        }
        if action >= ACTION_COUNT {
            return Err(out_of_bounds(
                PARAM_ACTION,
                U256::from(action),
                U256::ZERO,
                U256::from(ACTION_COUNT - 1),
            ));
        }
        self.set_mask_bit(action, paused);
        self.emit(PauseSet { action, paused });
        Ok(())
    }

    pub(crate) fn set_liquidation_paused_checked(
        &mut self,
        paused: bool,
    ) -> Result<(), MarketError> {
        self.only_owner()?;
        let control = self.control();
        let was_paused = control.u8_at(PAUSED_MASK_AT) & bit(LIQUIDATION_BIT) != 0;
        self.set_mask_bit(LIQUIDATION_BIT, paused);
        // The grace period starts only when a pause ends: an unpause of a
        // running liquidation (a script run twice) must not stop it again.
        let resumes_at = match (paused, was_paused) {
            (true, _) => 0,
            (false, true) => {
                let grace = u64::from(self.guardian_word().u32_at(LIQUIDATION_GRACE_AT));
                self.vm().block_timestamp().saturating_add(grace)
            }
            (false, false) => control.u64_at(LIQUIDATION_RESUMES_AT),
        };
        self.update_control(|word| word.set_u64(LIQUIDATION_RESUMES_AT, resumes_at));
        self.emit(LiquidationPauseSet {
            paused,
            resumesAt: resumes_at,
        });
        Ok(())
    }

    pub(crate) fn set_liquidation_grace_period_checked(
        &mut self,
        seconds: u32,
    ) -> Result<(), MarketError> {
        self.only_owner()?;
        if seconds > MAX_LIQUIDATION_GRACE_PERIOD_SECONDS {
            return Err(out_of_bounds(
                PARAM_LIQUIDATION_GRACE_PERIOD,
                U256::from(seconds),
                U256::ZERO,
                U256::from(MAX_LIQUIDATION_GRACE_PERIOD_SECONDS),
            ));
        }
        self.update_guardian_word(|word| word.set_u32(LIQUIDATION_GRACE_AT, seconds));
        self.emit(LiquidationGracePeriodSet {
            gracePeriodSeconds: seconds,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::Unauthorized;
    use crate::testing::*;
    use stylus_sdk::testing::TestVM;

    fn market(vm: &TestVM) -> KeelMarket {
        deployed(vm)
    }

    fn unauthorized(caller: Address) -> MarketError {
        MarketError::from(Unauthorized { caller })
    }

    #[test]
    fn guardian_pauses_but_only_owner_unpauses() {
        let vm = TestVM::default();
        let mut market = market(&vm);
        vm.set_sender(GUARDIAN);
        market.set_paused(Action::Borrow as u8, true).unwrap();
        assert!(market.is_paused(Action::Borrow as u8));
        assert_eq!(
            market.ensure_active(Action::Borrow),
            Err(MarketError::from(ActionPaused { action: 4 }))
        );
        assert!(market.ensure_active(Action::Supply).is_ok());
        assert_eq!(
            market.set_paused(Action::Borrow as u8, false),
            Err(unauthorized(GUARDIAN))
        );
        vm.set_sender(OWNER);
        market.set_paused(Action::Borrow as u8, false).unwrap();
        assert!(market.ensure_active(Action::Borrow).is_ok());
    }

    #[test]
    fn strangers_cannot_pause_and_unknown_actions_are_rejected() {
        let vm = TestVM::default();
        let mut market = market(&vm);
        vm.set_sender(STRANGER);
        assert_eq!(market.set_paused(0, true), Err(unauthorized(STRANGER)));
        assert!(!market.is_paused(0));
        vm.set_sender(OWNER);
        assert_eq!(
            market.set_paused(ACTION_COUNT, true),
            Err(out_of_bounds(
                PARAM_ACTION,
                U256::from(5),
                U256::ZERO,
                U256::from(4)
            ))
        );
        assert!(!market.is_paused(ACTION_COUNT));
    }

    #[test]
    fn liquidation_pause_is_owner_only_and_resumes_after_grace() {
        let vm = TestVM::default();
        let mut market = market(&vm);
        vm.set_block_timestamp(1_000);
        market.set_liquidation_grace_period(600).unwrap();
        vm.set_sender(GUARDIAN);
        assert_eq!(
            market.set_liquidation_paused(true),
            Err(unauthorized(GUARDIAN))
        );
        assert!(market.ensure_liquidation_active().is_ok());
        vm.set_sender(OWNER);
        market.set_liquidation_paused(true).unwrap();
        let paused = LiquidationPaused {
            paused: true,
            resumesAt: 0,
        };
        assert_eq!(
            market.ensure_liquidation_active(),
            Err(MarketError::from(paused))
        );
        market.set_liquidation_paused(false).unwrap();
        assert_eq!(market.liquidation_resumes_at(), 1_600);
        vm.set_block_timestamp(1_599);
        let grace = LiquidationPaused {
            paused: false,
            resumesAt: 1_600,
        };
        assert_eq!(
            market.ensure_liquidation_active(),
            Err(MarketError::from(grace))
        );
        vm.set_block_timestamp(1_600);
        assert!(market.ensure_liquidation_active().is_ok());
        // Other pauses are independent of the liquidation bit.
        assert!(market.ensure_active(Action::Supply).is_ok());
    }

    #[test]
    fn grace_period_is_bounded() {
        let vm = TestVM::default();
        let mut market = market(&vm);
        let max = MAX_LIQUIDATION_GRACE_PERIOD_SECONDS;
        assert_eq!(
            market.set_liquidation_grace_period(max + 1),
            Err(out_of_bounds(
                PARAM_LIQUIDATION_GRACE_PERIOD,
                U256::from(max + 1),
                U256::ZERO,
                U256::from(max)
            ))
        );
        market.set_liquidation_grace_period(max).unwrap();
        vm.set_sender(STRANGER);
        assert_eq!(
            market.set_liquidation_grace_period(1),
            Err(unauthorized(STRANGER))
        );
    }
}

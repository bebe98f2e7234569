//! The market's packed words outside the modules' storage: slot 0, the
//! control word every state-changing call reads, and slot 3, the guardian's.
//! Each is one storage field read and written whole ([`PackedSlot`]), with
//! the byte offsets of the slot map in the crate docs.

use alloy_primitives::Address;
use keel_math::PackedWord;
use keel_storage::PackedSlot;

use crate::KeelMarket;

/// Slot 0: the base asset (20 bytes).
pub(crate) const BASE_ASSET_AT: usize = 0;
/// Slot 0: the reentrancy lock (1 byte).
pub(crate) const LOCKED_AT: usize = 20;
/// Slot 0: the pause mask (1 byte, bits in `roles`).
pub(crate) const PAUSED_MASK_AT: usize = 21;
/// Slot 0: when liquidations resume (`u64` seconds).
pub(crate) const LIQUIDATION_RESUMES_AT: usize = 22;
/// Slot 0: the number of listed collaterals (1 byte).
pub(crate) const COLLATERAL_COUNT_AT: usize = 30;
/// Slot 0: 1 when slot 6 holds a sequencer uptime feed, else 0 (1 byte). Borrows and
/// collateral withdrawals read slot 6 only when it is 1: a market without a feed saves a cold
/// load (2,100 gas) on each.
pub(crate) const HAS_SEQUENCER_FEED_AT: usize = 31;
/// Slot 3: the guardian (20 bytes).
pub(crate) const GUARDIAN_AT: usize = 0;
/// Slot 3: the grace period after a liquidation unpause (`u32` seconds).
pub(crate) const LIQUIDATION_GRACE_AT: usize = 20;

impl KeelMarket {
    /// Slot 0.
    pub(crate) fn control(&self) -> PackedWord {
        self.control.word()
    }

    /// Rewrites slot 0 with `change` applied.
    pub(crate) fn update_control(&mut self, change: impl FnOnce(&mut PackedWord)) {
        self.control.update_word(change);
    }

    /// The ERC-20 this market lends and borrows.
    pub fn base_asset(&self) -> Address {
        self.control().address_at(BASE_ASSET_AT)
    }

    /// The number of listed collaterals.
    pub(crate) fn collateral_count(&self) -> u8 {
        self.control().u8_at(COLLATERAL_COUNT_AT)
    }

    /// Slot 3.
    pub(crate) fn guardian_word(&self) -> PackedWord {
        self.guardian_word.word()
    }

    /// Rewrites slot 3 with `change` applied.
    pub(crate) fn update_guardian_word(&mut self, change: impl FnOnce(&mut PackedWord)) {
        self.guardian_word.update_word(change);
    }
}

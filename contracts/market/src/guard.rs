//! Reentrancy lock (and the module-code check, on the same slot). The SDK's built-in guard is deprecated and reverts with
//! empty data; ours reverts with `Reentrancy()`.
//!
//! The flag shares the control slot (0) with the base asset and the pause mask, which
//! every state-changing entry point reads anyway: taking and releasing the
//! lock costs one warm rewrite each, and the release restores the original
//! value, which EIP-2200 refunds.
//!
//! Transient storage (issue 15 asked) would cost more: a `TLOAD` and two
//! `TSTORE`s are 300 gas, against this slot's net 200 (the rewrite 2,900 and
//! the restore 100, less the 2,800 refunded; `keel gas` shows the parts).

use crate::control::LOCKED_AT;
use crate::errors::{MarketError, Reentrancy};
use crate::KeelMarket;

impl KeelMarket {
    /// Takes the lock; fails with `Reentrancy` when it is already held.
    pub(crate) fn enter(&mut self) -> Result<(), MarketError> {
        self.ensure_not_module_code()?;
        self.ensure_not_locked()?;
        self.update_control(|word| word.set_u8(LOCKED_AT, 1));
        Ok(())
    }

    /// Releases the lock taken by [`KeelMarket::enter`].
    pub(crate) fn exit(&mut self) {
        self.update_control(|word| word.set_u8(LOCKED_AT, 0));
    }

    /// Fails with `Reentrancy` while a state-changing call is in progress,
    /// so views cannot observe half-applied state from a token callback.
    pub(crate) fn ensure_not_locked(&self) -> Result<(), MarketError> {
        if self.control().u8_at(LOCKED_AT) != 0 {
            return Err(MarketError::from(Reentrancy {}));
        }
        Ok(())
    }

    /// Runs `body` under the lock; the lock is released whether `body`
    /// succeeds or fails (on failure the call reverts anyway).
    pub(crate) fn locked<T>(
        &mut self,
        body: impl FnOnce(&mut Self) -> Result<T, MarketError>,
    ) -> Result<T, MarketError> {
        self.enter()?;
        let result = body(self);
        self.exit();
        result
    }
}

//! Reentrancy lock (and the module-code check, on the same slot). The SDK's built-in guard is deprecated and reverts with
//! empty data; ours reverts with `Reentrancy()`.
//!
//! The flag shares the control slot with the owner and the pause mask, which
//! every state-changing entry point reads anyway: taking and releasing the
//! lock costs one warm rewrite each, and the release restores the original
//! value, which EIP-2200 refunds.

use crate::errors::{MarketError, Reentrancy};
use crate::KeelMarket;

impl KeelMarket {
    /// Takes the lock; fails with `Reentrancy` when it is already held.
    pub(crate) fn enter(&mut self) -> Result<(), MarketError> {
        self.ensure_not_module_code()?;
        if self.locked.get() {
            return Err(MarketError::Reentrancy(Reentrancy {}));
        }
        self.locked.set(true);
        Ok(())
    }

    /// Releases the lock taken by [`KeelMarket::enter`].
    pub(crate) fn exit(&mut self) {
        self.locked.set(false);
    }

    /// Fails with `Reentrancy` while a state-changing call is in progress,
    /// so views cannot observe half-applied state from a token callback.
    pub(crate) fn ensure_not_locked(&self) -> Result<(), MarketError> {
        if self.locked.get() {
            return Err(MarketError::Reentrancy(Reentrancy {}));
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

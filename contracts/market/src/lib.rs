//! Keel market: the deployable lending contract (DESIGN sections 2 and 5).
//!
//! This first version carries the market's identity (its base asset) and its
//! two-step ownership; the lending operations arrive with issue 6.
//!
//! # Storage slot map
//!
//! | slot | field | read by | written by |
//! |---|---|---|---|
//! | 0 | `base_asset` (20 bytes) | `baseAsset` | constructor |
//! | 1 | `owner` (20 bytes) | `owner`, `transferOwnership` | constructor, `acceptOwnership` |
//! | 2 | `pending_owner` (20 bytes) | `pendingOwner`, `acceptOwnership` | `transferOwnership`, `acceptOwnership` |
// stylus-core links `std` on every target (through lazy_static), so the
// contract uses std's panic handler: a panic traps and the call reverts.

#[macro_use]
extern crate alloc;

mod ownership;

use alloc::vec::Vec;
use alloy_primitives::Address;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::StorageAddress;

pub use ownership::{OwnershipError, Unauthorized, ZeroAddress};

/// The market contract's storage.
#[storage]
#[entrypoint]
pub struct KeelMarket {
    base_asset: StorageAddress,
    owner: StorageAddress,
    pending_owner: StorageAddress,
}

#[public]
impl KeelMarket {
    /// Creates the market.
    ///
    /// Arguments: `base_asset`, the ERC-20 lent and borrowed; `owner`, the
    /// account allowed to change parameters.
    /// Errors: `ZeroAddress` when either address is zero.
    /// Events: `OwnershipTransferred(0, owner)`.
    #[constructor]
    pub fn constructor(
        &mut self,
        base_asset: Address,
        owner: Address,
    ) -> Result<(), OwnershipError> {
        if base_asset.is_zero() {
            return Err(ownership::zero_address());
        }
        self.base_asset.set(base_asset);
        self.init_owner(owner)
    }

    /// The ERC-20 this market lends and borrows.
    pub fn base_asset(&self) -> Address {
        self.base_asset.get()
    }

    /// The current owner.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// The owner nominated by `transferOwnership`, zero when none is pending.
    pub fn pending_owner(&self) -> Address {
        self.pending_owner.get()
    }

    /// Starts a two-step ownership transfer; `new_owner` must call
    /// `acceptOwnership` to finish it. Passing zero cancels a pending transfer.
    ///
    /// Errors: `Unauthorized` unless called by the owner.
    /// Events: `OwnershipTransferStarted(owner, new_owner)`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), OwnershipError> {
        self.start_ownership_transfer(new_owner)
    }

    /// Completes a two-step ownership transfer.
    ///
    /// Errors: `Unauthorized` unless called by the pending owner.
    /// Events: `OwnershipTransferred(previous, caller)`.
    pub fn accept_ownership(&mut self) -> Result<(), OwnershipError> {
        self.finish_ownership_transfer()
    }
}

//! Two-step ownership: the owner nominates, the nominee accepts. A typo in
//! the new address therefore cannot lose control of the market.

use alloy_primitives::Address;
use alloy_sol_types::sol;
use stylus_sdk::prelude::*;

use crate::KeelMarket;

sol! {
    /// The caller may not perform this action.
    #[derive(Debug, PartialEq, Eq)]
    error Unauthorized(address caller);
    /// An address argument that must be set was zero.
    #[derive(Debug, PartialEq, Eq)]
    error ZeroAddress();

    /// `newOwner` was nominated and must call `acceptOwnership`.
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    /// Ownership moved from `previousOwner` to `newOwner`.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
}

/// Errors of the ownership module.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum OwnershipError {
    /// See [`Unauthorized`].
    Unauthorized(Unauthorized),
    /// See [`ZeroAddress`].
    ZeroAddress(ZeroAddress),
}

pub(crate) fn zero_address() -> OwnershipError {
    OwnershipError::ZeroAddress(ZeroAddress {})
}

impl KeelMarket {
    pub(crate) fn init_owner(&mut self, owner: Address) -> Result<(), OwnershipError> {
        if owner.is_zero() {
            return Err(zero_address());
        }
        self.owner.set(owner);
        self.vm().log(OwnershipTransferred {
            previousOwner: Address::ZERO,
            newOwner: owner,
        });
        Ok(())
    }

    /// Fails with `Unauthorized` unless the caller is the owner.
    pub(crate) fn only_owner(&self) -> Result<(), OwnershipError> {
        let caller = self.vm().msg_sender();
        if caller != self.owner.get() {
            return Err(OwnershipError::Unauthorized(Unauthorized { caller }));
        }
        Ok(())
    }

    pub(crate) fn start_ownership_transfer(
        &mut self,
        new_owner: Address,
    ) -> Result<(), OwnershipError> {
        self.only_owner()?;
        self.pending_owner.set(new_owner);
        self.vm().log(OwnershipTransferStarted {
            previousOwner: self.owner.get(),
            newOwner: new_owner,
        });
        Ok(())
    }

    pub(crate) fn finish_ownership_transfer(&mut self) -> Result<(), OwnershipError> {
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != self.pending_owner.get() {
            return Err(OwnershipError::Unauthorized(Unauthorized { caller }));
        }
        let previous = self.owner.get();
        self.owner.set(caller);
        self.pending_owner.set(Address::ZERO);
        self.vm().log(OwnershipTransferred {
            previousOwner: previous,
            newOwner: caller,
        });
        Ok(())
    }
}

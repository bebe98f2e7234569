//! Two-step ownership: the owner nominates, the nominee accepts. A typo in
//! the new address therefore cannot lose control of the market.

use alloy_primitives::Address;
use alloy_sol_types::sol;
use stylus_sdk::prelude::*;

use crate::errors::{zero_address, MarketError, Unauthorized};
use crate::KeelMarket;

sol! {
    /// `newOwner` was nominated and must call `acceptOwnership`.
    #[derive(Debug, PartialEq, Eq)]
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    /// Ownership moved from `previousOwner` to `newOwner`.
    #[derive(Debug, PartialEq, Eq)]
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
}

fn unauthorized(caller: Address) -> MarketError {
    MarketError::from(Unauthorized { caller })
}

impl KeelMarket {
    pub(crate) fn init_owner(&mut self, owner: Address) -> Result<(), MarketError> {
        if keel_abi::is_zero_address(owner) {
            return Err(zero_address());
        }
        self.owner.set(owner);
        self.emit(OwnershipTransferred {
            previousOwner: Address::ZERO,
            newOwner: owner,
        });
        Ok(())
    }

    /// Fails with `Unauthorized` unless the caller is the owner.
    pub(crate) fn only_owner(&self) -> Result<(), MarketError> {
        let caller = self.vm().msg_sender();
        if caller != self.owner.get() {
            return Err(unauthorized(caller));
        }
        Ok(())
    }

    pub(crate) fn start_ownership_transfer(
        &mut self,
        new_owner: Address,
    ) -> Result<(), MarketError> {
        self.only_owner()?;
        self.pending_owner.set(new_owner);
        self.emit(OwnershipTransferStarted {
            previousOwner: self.owner.get(),
            newOwner: new_owner,
        });
        Ok(())
    }

    pub(crate) fn finish_ownership_transfer(&mut self) -> Result<(), MarketError> {
        let caller = self.vm().msg_sender();
        if keel_abi::is_zero_address(caller) || caller != self.pending_owner.get() {
            return Err(unauthorized(caller));
        }
        let previous = self.owner.get();
        self.owner.set(caller);
        self.pending_owner.set(Address::ZERO);
        self.emit(OwnershipTransferred {
            previousOwner: previous,
            newOwner: caller,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use alloy_primitives::U256;
    use stylus_sdk::testing::TestVM;

    const NEXT: Address = STRANGER;

    #[test]
    fn initialize_rejects_zero_addresses() {
        let vm = TestVM::default();
        vm.set_code(BASE, vec![1]);
        let mut market = KeelMarket::from(&vm);
        let build = |m: &mut KeelMarket, base, owner| {
            m.initialize(
                base,
                owner,
                GUARDIAN,
                RATE_MODEL,
                0,
                liquidation(),
                U256::MAX,
                U256::MAX,
            )
        };
        assert_eq!(
            build(&mut market, Address::ZERO, OWNER),
            Err(zero_address())
        );
        assert_eq!(build(&mut market, BASE, Address::ZERO), Err(zero_address()));
        assert_eq!(market.owner(), Address::ZERO);
    }

    #[test]
    fn two_step_transfer() {
        let vm = TestVM::default();
        let mut market = deployed(&vm);
        assert_eq!(market.base_asset(), BASE);
        vm.set_sender(NEXT);
        assert_eq!(market.transfer_ownership(NEXT), Err(unauthorized(NEXT)));
        assert_eq!(market.accept_ownership(), Err(unauthorized(NEXT)));
        vm.set_sender(OWNER);
        market.transfer_ownership(NEXT).unwrap();
        assert_eq!(market.owner(), OWNER);
        assert_eq!(market.pending_owner(), NEXT);
        vm.set_sender(NEXT);
        market.accept_ownership().unwrap();
        assert_eq!(market.owner(), NEXT);
        assert_eq!(market.pending_owner(), Address::ZERO);
        // The old owner lost its rights.
        vm.set_sender(OWNER);
        assert_eq!(market.transfer_ownership(OWNER), Err(unauthorized(OWNER)));
    }
}

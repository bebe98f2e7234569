//! `Constructed`: a contract with a constructor that records who ran it and
//! can be told to revert.

use alloy_primitives::Address;
use alloy_sol_types::sol;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::StorageAddress;

sol! {
    contract ConstructedDeploy {
        constructor(bool succeed);
    }
    interface IConstructed {
        function deployedBy() external view returns (address sender, address origin);
    }
}

#[storage]
#[entrypoint]
pub struct Constructed {
    sender: StorageAddress,
    origin: StorageAddress,
}

#[public]
impl Constructed {
    #[constructor]
    pub fn constructor(&mut self, succeed: bool) -> Result<(), Vec<u8>> {
        let (sender, origin) = (self.vm().msg_sender(), self.vm().tx_origin());
        self.sender.set(sender);
        self.origin.set(origin);
        if succeed {
            Ok(())
        } else {
            Err(b"refused".to_vec())
        }
    }

    pub fn deployed_by(&self) -> (Address, Address) {
        (self.sender.get(), self.origin.get())
    }
}

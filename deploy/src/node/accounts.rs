//! The dev accounts: ten keys derived from a fixed label (so every node has
//! the same ones), each funded at genesis, printed at start.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_signer_local::PrivateKeySigner;

/// Number of prefunded accounts.
pub const DEV_ACCOUNTS: usize = 10;

/// Ether each dev account starts with.
pub const DEV_BALANCE_ETHER: u64 = 10_000;

/// A dev account.
#[derive(Debug, Clone)]
pub struct DevAccount {
    /// Its address.
    pub address: Address,
    /// Its private key (public knowledge: for local testing only).
    pub key: B256,
}

/// The dev accounts: key `i` is `keccak256("keel node dev account i")`.
pub fn dev_accounts() -> Vec<DevAccount> {
    (0..DEV_ACCOUNTS)
        .filter_map(|i| {
            let key = keccak256(format!("keel node dev account {i}"));
            // A keccak output is a valid secp256k1 key but for a 2^-128
            // chance; such an index would be skipped.
            let signer = PrivateKeySigner::from_bytes(&key).ok()?;
            Some(DevAccount {
                address: signer.address(),
                key,
            })
        })
        .collect()
}

/// Each dev account's starting balance, wei.
pub fn dev_balance_wei() -> U256 {
    U256::from(DEV_BALANCE_ETHER) * U256::from(10).pow(U256::from(18))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_distinct_accounts_whose_keys_sign_for_them() {
        let accounts = dev_accounts();
        assert_eq!(accounts.len(), DEV_ACCOUNTS);
        for account in &accounts {
            let signer = PrivateKeySigner::from_bytes(&account.key).unwrap();
            assert_eq!(signer.address(), account.address);
        }
        let mut addresses: Vec<Address> = accounts.iter().map(|a| a.address).collect();
        addresses.dedup();
        assert_eq!(addresses.len(), DEV_ACCOUNTS);
        assert_eq!(dev_balance_wei().to_string(), "10000000000000000000000");
    }
}

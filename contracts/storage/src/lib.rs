//! Storage pieces the contract crates share (keel-debt, keel-vault,
//! keel-oracle and keel-market).
//!
//! [`PackedSlot`]: a slot read and written whole as a [`PackedWord`], the
//! one way every storage shell reads its packed fields (one hostio per slot,
//! the fields at the byte offsets of each crate's slot map), through a
//! [`Word`] handle.
//!
//! [`storage_struct!`]: a storage struct with the SDK's `#[storage]` layout whose fields are
//! built without 256-bit additions ([`slot_after`]).
//!
//! [`AddressKey`]: the key of the storage maps keyed by an address
//! (accounts, operators, collateral tokens). The SDK's
//! `StorageKey for Address` widens the address to a 256-bit integer, turns
//! it back into bytes and joins it to the map's root with a `const fn`
//! byte loop (`FixedBytes::concat_const`): measured with `keel gas
//! --profile`, about 560 gas of ink per liquidation and 70 per supply. This
//! key hashes the same 64 bytes, built with two copies, so a map's slots
//! (`keccak256(pad32(address) ++ root)`, Solidity's layout) do not change.
#![warn(missing_docs)]

mod layout;
mod word;

pub use layout::{slot_after, Layout};
pub use word::{Word, Words};

use alloy_primitives::{Address, B256, U256};
use keel_math::PackedWord;
use stylus_sdk::crypto::keccak;
use stylus_sdk::storage::StorageKey;

/// A storage slot read and written whole as a [`PackedWord`].
pub trait PackedSlot {
    /// The slot's word (one storage read).
    fn word(&self) -> PackedWord;

    /// Writes `word` to the slot (one storage write).
    fn set_word(&mut self, word: PackedWord);

    /// Rewrites the slot with `change` applied to its current word (one
    /// read, one write).
    fn update_word(&mut self, change: impl FnOnce(&mut PackedWord)) {
        let mut word = self.word();
        change(&mut word);
        self.set_word(word);
    }
}

/// An address as the key of a storage map; the slots are those of
/// `StorageMap<Address, _>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressKey(pub Address);

impl StorageKey for AddressKey {
    fn to_slot(&self, root: B256) -> U256 {
        let mut preimage = [0u8; 64];
        // Array chunks, not slice copies: nothing here can panic, so no
        // panic location reaches the program's static data.
        if let Some((key, slot)) = preimage.split_first_chunk_mut::<32>() {
            if let Some((_, address)) = key.split_last_chunk_mut::<20>() {
                *address = self.0 .0 .0;
            }
            if let Some(slot) = slot.first_chunk_mut::<32>() {
                *slot = root.0;
            }
        }
        U256::from_be_bytes(keccak(preimage).0)
    }
}

#[doc(hidden)]
pub mod __private {
    extern crate alloc;
    pub use alloc::boxed::Box;
    pub use alloy_primitives::U256;
    pub use stylus_sdk::host::VM;
    pub use stylus_sdk::storage::{StorageGuard, StorageGuardMut, StorageType};
    pub use stylus_sdk::stylus_core::{Host, HostAccess};
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_testkit::mapping_slot;
    use stylus_sdk::storage::StorageType;
    use stylus_sdk::testing::TestVM;

    #[test]
    fn a_packed_slot_round_trips_its_word_and_updates_one_field() {
        let vm = TestVM::default();
        let host = stylus_sdk::host::VM {
            host: Box::new(vm.clone()),
        };
        // SAFETY: the only handle to slot 7 in this test.
        #[allow(unsafe_code)]
        let mut slot = unsafe { Word::new(U256::from(7), 0, host) };
        assert_eq!(slot.word(), PackedWord::default());
        slot.set_word(PackedWord::halves(3, 5));
        slot.update_word(|word| word.set_u128(16, 9));
        assert_eq!(slot.word(), PackedWord::halves(3, 9));
        // Stored at slot 7 as the word's bytes.
        assert_eq!(vm.get_storage(U256::from(7)).0, PackedWord::halves(3, 9).0);
    }

    #[test]
    fn a_run_of_words_has_the_sdk_array_s_slots_and_ends_at_n() {
        let vm = TestVM::default();
        let host = stylus_sdk::host::VM {
            host: Box::new(vm.clone()),
        };
        assert_eq!(
            <Words<4> as StorageType>::REQUIRED_SLOTS,
            <stylus_sdk::storage::StorageArray<stylus_sdk::storage::StorageB256, 4>>::REQUIRED_SLOTS
        );
        // SAFETY: the only handle to slots 40..44 in this test.
        #[allow(unsafe_code)]
        let words = unsafe { Words::<4>::new(U256::from(40), 0, host) };
        for index in 0..4 {
            let mut word = words.at(index).unwrap();
            word.set_word(PackedWord::halves(index as u128, 1));
            let slot = U256::from(40 + index);
            assert_eq!(
                vm.get_storage(slot).0,
                PackedWord::halves(index as u128, 1).0
            );
        }
        assert!(words.at(4).is_none());
    }

    #[test]
    fn a_word_keys_its_slot_big_endian() {
        for slot in [
            U256::ZERO,
            U256::from(72),
            U256::MAX,
            U256::from(0x0102_0304_u64) << 190,
        ] {
            assert_eq!(word::big_endian(slot), slot.to_be_bytes::<32>());
        }
    }

    #[test]
    fn slots_are_the_sdk_s_address_slots() {
        for (key, root) in [(Address::ZERO, 0u8), (Address::repeat_byte(0xab), 71)] {
            let root_word = B256::from(U256::from(root));
            assert_eq!(AddressKey(key).to_slot(root_word), key.to_slot(root_word));
            assert_eq!(AddressKey(key).to_slot(root_word), mapping_slot(key, root));
        }
    }
}

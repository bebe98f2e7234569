//! [`Word`]: the storage handle of a packed slot, read and written whole.

use alloy_primitives::U256;
use keel_math::PackedWord;
use stylus_sdk::host::VM;
use stylus_sdk::storage::{StorageGuard, StorageGuardMut, StorageType};

use crate::PackedSlot;

/// One storage slot read and written whole as a [`PackedWord`] ([`PackedSlot`]): the handle
/// of every packed slot of the storage shells. Laid out as the SDK's `StorageB256` (32 bytes,
/// a slot of its own), so no slot moves. It keeps the slot as the big-endian key the hostios
/// take, converted once when the handle is built, and on wasm calls
/// `storage_load_bytes32` / `storage_cache_bytes32` with it directly: the SDK's handle
/// converted the key on every access and went through its generic `N`-byte, `offset` path.
/// Writes go to the host's storage cache, which the entry point flushes, as the SDK's do.
pub struct Word {
    key: [u8; 32],
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    vm: VM,
}

#[allow(unsafe_code)]
impl StorageType for Word {
    type Wraps<'a> = StorageGuard<'a, Self>;
    type WrapsMut<'a> = StorageGuardMut<'a, Self>;

    const SLOT_BYTES: usize = 32;

    unsafe fn new(slot: U256, offset: u8, vm: VM) -> Self {
        debug_assert!(offset == 0);
        Self {
            key: big_endian(slot),
            vm,
        }
    }

    fn load<'s>(self) -> Self::Wraps<'s> {
        StorageGuard::new(self)
    }

    fn load_mut<'s>(self) -> Self::WrapsMut<'s> {
        StorageGuardMut::new(self)
    }
}

/// `slot`'s 32 big-endian bytes, a limb at a time (ruint's `to_be_bytes` goes byte by byte:
/// about 10 gas of ink per handle, and the market builds a dozen on every call).
pub(crate) fn big_endian(slot: U256) -> [u8; 32] {
    let [a, b, c, d] = *slot.as_limbs();
    let limbs = [
        d.to_be_bytes(),
        c.to_be_bytes(),
        b.to_be_bytes(),
        a.to_be_bytes(),
    ];
    // 4 x 8 bytes: the conversion cannot fail.
    limbs.as_flattened().try_into().unwrap_or([0; 32])
}

#[allow(unsafe_code)]
impl PackedSlot for Word {
    fn word(&self) -> PackedWord {
        #[cfg(target_arch = "wasm32")]
        {
            let mut word = [0u8; 32];
            // SAFETY: both pointers are to 32-byte arrays, as the hostio reads and writes.
            unsafe {
                stylus_sdk::hostio::storage_load_bytes32(self.key.as_ptr(), word.as_mut_ptr());
            }
            PackedWord(word)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            use stylus_sdk::stylus_core::host::StorageAccess;
            PackedWord(
                self.vm
                    .storage_load_bytes32(U256::from_be_bytes(self.key))
                    .0,
            )
        }
    }

    fn set_word(&mut self, word: PackedWord) {
        #[cfg(target_arch = "wasm32")]
        // SAFETY: both pointers are to 32-byte arrays, as the hostio reads; the handle is the
        // slot's own (`StorageType::new`'s contract).
        unsafe {
            stylus_sdk::hostio::storage_cache_bytes32(self.key.as_ptr(), word.0.as_ptr());
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            use stylus_sdk::stylus_core::host::StorageAccess;
            let key = U256::from_be_bytes(self.key);
            // SAFETY: as above.
            unsafe { self.vm.storage_cache_bytes32(key, word.0.into()) };
        }
    }
}

/// `N` consecutive [`Word`]s from a root slot: laid out as the SDK's `StorageArray` of
/// `StorageB256` (`N` slots), but word `i`'s handle is built at [`crate::slot_after`]`(root, i)`
/// (one 64-bit addition) behind one bounds check, not by the array's 256-bit slot arithmetic.
pub struct Words<const N: usize> {
    root: U256,
    vm: VM,
}

impl<const N: usize> Words<N> {
    /// The handle of word `index`, or `None` past the run.
    #[must_use]
    pub fn at(&self, index: usize) -> Option<Word> {
        // SAFETY: a word of this run, at its own slot.
        #[allow(unsafe_code)]
        (index < N)
            .then(|| unsafe { Word::new(crate::slot_after(self.root, index), 0, self.vm.clone()) })
    }
}

#[allow(unsafe_code)]
impl<const N: usize> StorageType for Words<N> {
    type Wraps<'a> = StorageGuard<'a, Self>;
    type WrapsMut<'a> = StorageGuardMut<'a, Self>;

    const SLOT_BYTES: usize = 32;
    const REQUIRED_SLOTS: usize = N;

    unsafe fn new(root: U256, offset: u8, vm: VM) -> Self {
        debug_assert!(offset == 0);
        Self { root, vm }
    }

    fn load<'s>(self) -> Self::Wraps<'s> {
        StorageGuard::new(self)
    }

    fn load_mut<'s>(self) -> Self::WrapsMut<'s> {
        StorageGuardMut::new(self)
    }
}

//! [`storage_struct!`]: a storage struct laid out as the SDK's `#[storage]` lays it out, built
//! without its 256-bit slot additions.
//!
//! The derive builds every field's handle with `root + U256::from(slot)`, ruint's generic
//! 256-bit addition, on every construction: the market constructs its nested structs (the debt
//! and vault shells, the liquidation configuration, a collateral's configuration and price
//! source) on every call and on every collateral access, about 200 gas of ink in a borrow and
//! 0.9 KB of code for the debt shell alone. Here each field's slot is
//! [`slot_after`]`(root, n)`: one 64-bit addition while the root's low limb does not carry,
//! which holds for every struct the market lays out from slot 0.

use alloy_primitives::U256;

/// `root + n`: the slot `n` places after a struct's root. One 64-bit addition unless the low
/// limb carries (a struct placed at a hashed slot near a limb boundary), then ruint's.
#[must_use]
#[inline]
pub fn slot_after(root: U256, n: usize) -> U256 {
    let [low, b, c, d] = *root.as_limbs();
    match low.checked_add(n as u64) {
        Some(low) => U256::from_limbs([low, b, c, d]),
        None => root.wrapping_add(U256::from(n)),
    }
}

/// The SDK's `#[storage]` layout, one field at a time: a field of `SLOT_BYTES` bytes goes in
/// the current slot if it still has that many bytes free (right-aligned: `offset` bytes before
/// it), else at the start of the next; a field of `REQUIRED_SLOTS > 0` slots (a struct, array
/// or map) takes that many and the next field starts a new slot.
#[derive(Clone, Copy)]
pub struct Layout {
    slot: usize,
    space: usize,
}

impl Layout {
    /// Before the first field.
    pub const START: Self = Self { slot: 0, space: 32 };

    /// Places a field of `bytes` bytes (`SLOT_BYTES`) and `words` slots (`REQUIRED_SLOTS`):
    /// its slot after the struct's root and its offset in that slot.
    #[must_use]
    #[inline(always)] // folded to constants in every `new`
    pub const fn place(&mut self, bytes: usize, words: usize) -> (usize, u8) {
        // `bytes <= 32` (`SLOT_BYTES`' contract), so `space >= bytes` after the first step;
        // slot counts are a struct's fields and sizes, far from `usize::MAX`.
        if self.space < bytes {
            self.space = 32;
            self.slot = self.slot.wrapping_add(1);
        }
        self.space = self.space.wrapping_sub(bytes);
        let at = (self.slot, self.space as u8);
        if words > 0 {
            self.slot = self.slot.wrapping_add(words);
            self.space = 32;
        }
        at
    }

    /// The slots the struct takes (`REQUIRED_SLOTS`): at least one.
    #[must_use]
    pub const fn slots(self) -> usize {
        if self.space != 32 || self.slot == 0 {
            self.slot.wrapping_add(1)
        } else {
            self.slot
        }
    }
}

/// Declares a storage struct with the SDK's `#[storage]` layout (each field placed by its
/// `SLOT_BYTES` and `REQUIRED_SLOTS`, the same algorithm, so the slots do not change) and
/// implements `StorageType` with [`slot_after`], `HostAccess` (`self.vm()`), and, in the
/// declaring crate's tests, `From<&H>` for a test host (the struct at slot 0), as the derive
/// does.
///
/// ```ignore
/// keel_storage::storage_struct! {
///     /// The debt module's storage.
///     pub struct DebtStorage {
///         supply: Word,
///         accounts: StorageMap<AddressKey, Word>,
///     }
/// }
/// ```
#[macro_export]
macro_rules! storage_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $($(#[$field_meta:meta])* $field:ident: $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            vm: $crate::__private::VM,
            $($(#[$field_meta])* $field: $ty,)*
        }

        #[allow(unsafe_code)]
        impl $crate::__private::StorageType for $name {
            type Wraps<'a> = $crate::__private::StorageGuard<'a, Self> where Self: 'a;
            type WrapsMut<'a> = $crate::__private::StorageGuardMut<'a, Self> where Self: 'a;

            const SLOT_BYTES: usize = 32;
            const REQUIRED_SLOTS: usize = {
                use $crate::__private::StorageType;
                let mut layout = $crate::Layout::START;
                $(let _ = layout.place(
                    <$ty as StorageType>::SLOT_BYTES,
                    <$ty as StorageType>::REQUIRED_SLOTS,
                );)*
                layout.slots()
            };

            unsafe fn new(
                root: $crate::__private::U256,
                offset: u8,
                vm: $crate::__private::VM,
            ) -> Self {
                use $crate::__private::StorageType;
                debug_assert!(offset == 0);
                let mut layout = $crate::Layout::START;
                $(
                    let (slot, offset) = layout.place(
                        <$ty as StorageType>::SLOT_BYTES,
                        <$ty as StorageType>::REQUIRED_SLOTS,
                    );
                    // SAFETY: the field's own slot and offset within the struct's.
                    let $field = unsafe {
                        <$ty as StorageType>::new($crate::slot_after(root, slot), offset, vm.clone())
                    };
                )*
                Self { vm, $($field),* }
            }

            fn load<'s>(self) -> Self::Wraps<'s> {
                $crate::__private::StorageGuard::new(self)
            }

            fn load_mut<'s>(self) -> Self::WrapsMut<'s> {
                $crate::__private::StorageGuardMut::new(self)
            }
        }

        impl $crate::__private::HostAccess for $name {
            type Host = $crate::__private::VM;

            fn vm(&self) -> &Self::Host {
                &self.vm
            }
        }

        /// The struct at slot 0 over a test host (the SDK's `#[storage]` gives the same).
        #[cfg(test)]
        impl<H: $crate::__private::Host + Clone + 'static> From<&H> for $name {
            fn from(host: &H) -> Self {
                let vm = $crate::__private::VM {
                    host: $crate::__private::Box::new(host.clone()),
                };
                // SAFETY: the struct's only handle in the test.
                #[allow(unsafe_code)]
                unsafe {
                    <Self as $crate::__private::StorageType>::new($crate::__private::U256::ZERO, 0, vm)
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_placed_as_the_sdk_places_them() {
        // Two 32-byte words, a map (one slot), a 20-byte and a 1-byte value sharing a slot,
        // an array of four slots, then a 32-byte word.
        let mut layout = Layout::START;
        let placed = [
            layout.place(32, 0),
            layout.place(32, 0),
            layout.place(32, 1),
            layout.place(20, 0),
            layout.place(1, 0),
            layout.place(32, 4),
            layout.place(32, 0),
        ];
        assert_eq!(
            placed,
            [(0, 0), (1, 0), (2, 0), (3, 12), (3, 11), (4, 0), (8, 0)]
        );
        assert_eq!(layout.slots(), 9);
        assert_eq!(Layout::START.slots(), 1);
    }

    #[test]
    fn slots_follow_the_root_across_a_limb() {
        assert_eq!(slot_after(U256::from(7), 3), U256::from(10));
        let edge = U256::from(u64::MAX);
        assert_eq!(slot_after(edge, 2), edge + U256::from(2));
        assert_eq!(slot_after(U256::MAX, 1), U256::ZERO);
    }
}

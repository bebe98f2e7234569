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
///         supply: StorageB256,
///         accounts: StorageMap<AddressKey, StorageB256>,
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
                let mut total: usize = 0;
                let mut space: usize = 32;
                $(
                    if space < <$ty as StorageType>::SLOT_BYTES {
                        space = 32;
                        total += 1;
                    }
                    space -= <$ty as StorageType>::SLOT_BYTES;
                    if <$ty as StorageType>::REQUIRED_SLOTS > 0 {
                        total += <$ty as StorageType>::REQUIRED_SLOTS;
                        space = 32;
                    }
                )*
                if space != 32 || total == 0 {
                    total += 1;
                }
                total
            };

            unsafe fn new(
                root: $crate::__private::U256,
                offset: u8,
                vm: $crate::__private::VM,
            ) -> Self {
                use $crate::__private::StorageType;
                debug_assert!(offset == 0);
                let mut space: usize = 32;
                let mut slot: usize = 0;
                $(
                    if space < <$ty as StorageType>::SLOT_BYTES {
                        space = 32;
                        slot += 1;
                    }
                    space -= <$ty as StorageType>::SLOT_BYTES;
                    // SAFETY: the field's own slot and offset within the struct's.
                    let $field = unsafe {
                        <$ty as StorageType>::new(
                            $crate::slot_after(root, slot),
                            space as u8,
                            vm.clone(),
                        )
                    };
                    if <$ty as StorageType>::REQUIRED_SLOTS > 0 {
                        slot += <$ty as StorageType>::REQUIRED_SLOTS;
                        space = 32;
                    }
                )*
                let _ = (space, slot);
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
    fn slots_follow_the_root_across_a_limb() {
        assert_eq!(slot_after(U256::from(7), 3), U256::from(10));
        let edge = U256::from(u64::MAX);
        assert_eq!(slot_after(edge, 2), edge + U256::from(2));
        assert_eq!(slot_after(U256::MAX, 1), U256::ZERO);
    }
}

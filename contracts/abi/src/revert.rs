//! [`Revert`]: a rejection's ABI-encoded revert data, and [`module_errors!`], which declares a
//! module's error type around it.

use alloc::vec::Vec;
use alloy_sol_types::SolError;
use core::fmt;

use crate::word::encode_static;

/// The revert data of a Solidity custom error with static fields: its selector then one
/// word per field, as the market returns it.
#[derive(Clone, PartialEq, Eq)]
pub struct Revert(Vec<u8>);

impl Revert {
    /// The error `selector(words...)`.
    #[must_use]
    pub fn new(selector: [u8; 4], words: &[[u8; 32]]) -> Self {
        Self(encode_static(selector, words))
    }

    /// Whether this is the Solidity error `E` (its selector).
    #[must_use]
    pub fn is<E: SolError>(&self) -> bool {
        self.0.get(..4) == Some(E::SELECTOR.as_slice())
    }

    /// This error decoded as `E`, if it is one (tests and off-chain tools).
    #[must_use]
    pub fn decode<E: SolError>(&self) -> Option<E> {
        E::abi_decode(&self.0).ok()
    }
}

impl From<Revert> for Vec<u8> {
    fn from(revert: Revert) -> Self {
        revert.0
    }
}

impl fmt::Debug for Revert {
    /// `Revert(0xSELECTOR, [0xWORD, ...])`: test failures show which error and fields.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (selector, words) = self.0.split_at(self.0.len().min(4));
        let words: Vec<_> = words
            .chunks(32)
            .map(alloy_primitives::hex::encode)
            .collect();
        write!(
            f,
            "Revert(0x{}, {words:?})",
            alloy_primitives::hex::encode(selector)
        )
    }
}

/// Declares a module's error type: a newtype of [`Revert`] with `From` each of the module's
/// Solidity errors (encoded on the spot: selector, then each listed field's word in order).
///
/// ```ignore
/// keel_abi::module_errors! {
///     /// Every rejection of the debt module.
///     pub struct DebtError;
///     ZeroAmount {},
///     SupplyCapExceeded { totalAfter, cap },
/// }
/// ```
///
/// The type also gets `is::<E>()` and `decode::<E>()` (see [`Revert`]), `Debug`, `Eq`, and
/// `From<Self>` for [`Revert`] and for `Vec<u8>` (the revert data). The field list must be
/// the error's fields in declaration order: keel-market's test of every error against
/// alloy's `abi_encode` checks it.
#[macro_export]
macro_rules! module_errors {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident;
        $($error:ty { $($field:ident),* }),* $(,)?
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq)]
        $vis struct $name($crate::Revert);

        impl $name {
            /// Whether this is the Solidity error `E`.
            #[must_use]
            pub fn is<E: $crate::SolError>(&self) -> bool {
                self.0.is::<E>()
            }

            /// This error decoded as `E`, if it is one (tests and off-chain tools).
            #[must_use]
            pub fn decode<E: $crate::SolError>(&self) -> Option<E> {
                self.0.decode()
            }

            /// The type's Solidity errors, for an exported ABI: each one's signature and
            /// type id, in declaration order.
            #[must_use]
            pub fn solidity_errors() -> $crate::__private::Vec<(&'static str, core::any::TypeId)> {
                $crate::__private::vec![$((
                    <$error as $crate::SolError>::SIGNATURE,
                    core::any::TypeId::of::<$error>(),
                )),*]
            }

            /// One value of each of the type's errors, with distinct non-zero fields
            /// ([`Sample`]($crate::sample::Sample)), and alloy's encoding of it: the
            /// encoding tests compare `Vec::from(error)` with it.
            #[must_use]
            pub fn samples() -> $crate::__private::Vec<(Self, $crate::__private::Vec<u8>)> {
                #[allow(unused_imports)]
                use $crate::sample::Sample as _;
                $crate::__private::vec![$({
                    let error = <$error>::from(($(
                        $crate::sample::Sample::sample(stringify!($field)),
                    )*));
                    let expected = $crate::SolError::abi_encode(&error);
                    (Self::from(error), expected)
                }),*]
            }
        }

        impl From<$name> for $crate::Revert {
            fn from(error: $name) -> Self {
                error.0
            }
        }

        impl From<$name> for $crate::__private::Vec<u8> {
            fn from(error: $name) -> Self {
                error.0.into()
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                core::fmt::Debug::fmt(&self.0, f)
            }
        }

        $(impl From<$error> for $name {
            fn from(_error: $error) -> Self {
                #[allow(unused_imports)]
                use $crate::AbiWord as _;
                $name($crate::Revert::new(
                    <$error as $crate::SolError>::SELECTOR,
                    &[$(_error.$field.word()),*],
                ))
            }
        })*
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U256;
    use alloy_sol_types::sol;

    sol! {
        #[derive(Debug, PartialEq, Eq)]
        error Two(uint256 first, uint8 second);
        #[derive(Debug, PartialEq, Eq)]
        error Empty();
    }

    crate::module_errors! {
        /// A test module's errors.
        pub struct TestError;
        Two { first, second },
        Empty {},
    }

    #[test]
    fn errors_encode_as_alloy_does_and_decode_back() {
        let two = Two {
            first: U256::MAX - U256::from(3),
            second: 9,
        };
        let error = TestError::from(two.clone());
        assert!(error.is::<Two>() && !error.is::<Empty>());
        assert_eq!(error.decode::<Two>(), Some(two.clone()));
        assert_eq!(error.decode::<Empty>(), None);
        assert_eq!(Vec::from(error), two.abi_encode());
        assert_eq!(Vec::from(TestError::from(Empty {})), Empty {}.abi_encode());
    }

    #[test]
    fn every_error_has_its_signature_and_a_sample_encoded_as_alloy_does() {
        let errors = TestError::solidity_errors();
        assert_eq!(
            errors.iter().map(|e| e.0).collect::<Vec<_>>(),
            ["Two(uint256,uint8)", "Empty()"]
        );
        for (error, expected) in TestError::samples() {
            assert_eq!(Vec::from(error), expected);
        }
    }

    #[test]
    fn debug_names_the_selector_and_words() {
        let text = alloc::format!(
            "{:?}",
            TestError::from(Two {
                first: U256::from(1),
                second: 2
            })
        );
        let selector = alloy_primitives::hex::encode(Two::SELECTOR);
        assert!(
            text.starts_with(&alloc::format!("Revert(0x{selector}, [\"")),
            "{text}"
        );
        assert!(text.ends_with("02\"])"), "{text}");
    }
}

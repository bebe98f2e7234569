//! A compact Solidity encoder for [`MarketError`](crate::MarketError).
//!
//! Every market error has only static fields, so its ABI encoding is the
//! selector followed by one 32-byte word per field. The SDK's
//! `#[derive(SolidityError)]` instantiates alloy's generic encoder once per
//! error type, about 9 KB of wasm in every program for 63 errors (68 now); one shared
//! routine and a word per field cost a third of that. A test checks every
//! variant against alloy's encoding.

use alloc::vec::Vec;
use alloy_primitives::{Address, FixedBytes, I256, U256};

/// A static ABI value: its 32-byte word.
pub(crate) trait AbiWord {
    /// The value's ABI word.
    fn word(&self) -> [u8; 32];
}

impl AbiWord for U256 {
    fn word(&self) -> [u8; 32] {
        self.to_be_bytes()
    }
}

impl AbiWord for I256 {
    fn word(&self) -> [u8; 32] {
        self.to_be_bytes()
    }
}

impl AbiWord for Address {
    /// An address is right-aligned. (A copy without a panic path: alloy's
    /// `Address::into_word` keeps one, and with it its file's path in every
    /// program's static data, paid for on every call.) Not inlined: the
    /// copy at each of its call sites would cost more code than the call.
    #[inline(never)]
    fn word(&self) -> [u8; 32] {
        let mut word = [0u8; 32];
        if let Some(tail) = word.last_chunk_mut::<20>() {
            *tail = self.0 .0;
        }
        word
    }
}

impl AbiWord for FixedBytes<4> {
    /// `bytesN` is left-aligned.
    fn word(&self) -> [u8; 32] {
        let mut word = [0u8; 32];
        if let Some(head) = word.first_chunk_mut::<4>() {
            *head = self.0;
        }
        word
    }
}

impl AbiWord for bool {
    fn word(&self) -> [u8; 32] {
        U256::from(u8::from(*self)).word()
    }
}

macro_rules! uint_words {
    ($($t:ty),*) => {
        $(impl AbiWord for $t {
            fn word(&self) -> [u8; 32] {
                U256::from(*self).word()
            }
        })*
    };
}
uint_words!(u8, u32, u64, u128);

/// `selector ++ words`: the ABI encoding of an error with static fields, or
/// of a call with static arguments (the market's token calls).
pub(crate) fn encode_static(selector: [u8; 4], words: &[[u8; 32]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(words.len().saturating_mul(32).saturating_add(4));
    out.extend_from_slice(&selector);
    for word in words {
        out.extend_from_slice(word);
    }
    out
}

/// Declares [`MarketError`](crate::MarketError) from `Variant(ErrorType) {
/// fields }` rows: the enum, `From<ErrorType>` for each variant, and the
/// encoding into revert data.
macro_rules! market_errors {
    ($($variant:ident($ty:ty) { $($field:ident),* }),* $(,)?) => {
        /// Every error a market entry point can return.
        #[derive(Debug, PartialEq, Eq)]
        pub enum MarketError {
            $(
                #[doc = concat!("See [`", stringify!($ty), "`].")]
                $variant($ty),
            )*
        }

        $(impl From<$ty> for MarketError {
            fn from(error: $ty) -> Self {
                MarketError::$variant(error)
            }
        })*

        impl From<MarketError> for alloc::vec::Vec<u8> {
            fn from(error: MarketError) -> Self {
                use alloy_sol_types::SolError;
                use $crate::error_abi::{encode_static, AbiWord};
                match error {
                    $(MarketError::$variant(_e) => encode_static(
                        <$ty as SolError>::SELECTOR,
                        &[$(_e.$field.word()),*],
                    ),)*
                }
            }
        }

        // export-abi lists the errors an entry point can return.
        #[cfg(feature = "export-abi")]
        impl stylus_sdk::abi::export::internal::InnerTypes for MarketError {
            fn inner_types() -> alloc::vec::Vec<stylus_sdk::abi::export::internal::InnerType> {
                use alloy_sol_types::SolError;
                use stylus_sdk::abi::export::internal::InnerType;
                alloc::vec![$(InnerType {
                    name: alloc::format!("error {};", <$ty as SolError>::SIGNATURE.replace(',', ", ")),
                    id: core::any::TypeId::of::<$ty>(),
                }),*]
            }
        }

        /// One value of every variant, with distinct non-zero fields.
        #[cfg(test)]
        pub(crate) fn every_error() -> alloc::vec::Vec<(MarketError, alloc::vec::Vec<u8>)> {
            use alloy_sol_types::SolError;
            use $crate::error_abi::tests::Sample;
            alloc::vec![$({
                let error = <$ty>::from(($(Sample::sample(stringify!($field)),)*));
                let expected = error.abi_encode();
                (MarketError::$variant(error), expected)
            }),*]
        }
    };
}
pub(crate) use market_errors;

#[cfg(test)]
// Test values from small constants.
#[allow(clippy::arithmetic_side_effects)]
pub(crate) mod tests {
    use super::*;

    /// A non-zero value per field, different for each field name.
    pub(crate) trait Sample {
        fn sample(name: &str) -> Self;
    }

    fn seed(name: &str) -> u8 {
        name.bytes()
            .fold(7u8, |acc, b| acc.wrapping_mul(31).wrapping_add(b))
            | 1
    }

    impl Sample for U256 {
        fn sample(name: &str) -> Self {
            U256::MAX / U256::from(seed(name))
        }
    }
    impl Sample for I256 {
        fn sample(name: &str) -> Self {
            I256::MINUS_ONE - I256::try_from(seed(name)).unwrap()
        }
    }
    impl Sample for Address {
        fn sample(name: &str) -> Self {
            Address::repeat_byte(seed(name))
        }
    }
    impl Sample for FixedBytes<4> {
        fn sample(name: &str) -> Self {
            FixedBytes([seed(name), 2, 3, 0xff])
        }
    }
    impl Sample for bool {
        fn sample(_: &str) -> Self {
            true
        }
    }
    macro_rules! uint_samples {
        ($($t:ty),*) => {
            $(impl Sample for $t {
                fn sample(name: &str) -> Self {
                    <$t>::MAX - <$t>::from(seed(name))
                }
            })*
        };
    }
    uint_samples!(u8, u32, u64, u128);

    #[test]
    fn every_error_encodes_as_alloy_does() {
        let all = crate::errors::every_error();
        assert_eq!(all.len(), 68);
        for (error, expected) in all {
            let name = alloc::format!("{error:?}");
            assert_eq!(Vec::from(error), expected, "{name}");
        }
    }
}

//! The list of every error a market entry point can return: the market's own
//! (declared here as [`MarketError`](crate::MarketError), keel-abi's
//! `module_errors!`) and each module's (forwarded as they are), for the
//! exported ABI and for the test that checks every error's encoding against
//! alloy's.

/// Declares [`MarketError`](crate::MarketError) from `Variant(ErrorType) {
/// fields }` rows: the enum, `From<ErrorType>` for each variant, and the
/// encoding into revert data.
macro_rules! market_errors {
    (
        own: [$($own:ident { $($own_field:ident),* }),* $(,)?],
        modules: {
            $($krate:ident::$module_error:ident => [
                $($module:ident { $($module_field:ident),* }),* $(,)?
            ]),* $(,)?
        } $(,)?
    ) => {
        keel_abi::module_errors! {
            /// Every error a market entry point can return: one of the market's
            /// own Solidity errors or a module's, ABI-encoded where it is raised
            /// (keel-abi's crate documentation says why).
            pub struct MarketError;
            $($own { $($own_field),* }),*
        }

        // A module's error is already its revert data: forwarded as it is.
        $(impl From<$krate::$module_error> for MarketError {
            fn from(error: $krate::$module_error) -> Self {
                Self(error.into())
            }
        })*

        // export-abi lists the errors an entry point can return.
        #[cfg(feature = "export-abi")]
        impl stylus_sdk::abi::export::internal::InnerTypes for MarketError {
            fn inner_types() -> alloc::vec::Vec<stylus_sdk::abi::export::internal::InnerType> {
                use alloy_sol_types::SolError;
                use stylus_sdk::abi::export::internal::InnerType;
                fn inner<E: SolError + 'static>() -> InnerType {
                    InnerType {
                        name: alloc::format!("error {};", E::SIGNATURE.replace(',', ", ")),
                        id: core::any::TypeId::of::<E>(),
                    }
                }
                alloc::vec![$(inner::<$own>(),)* $($(inner::<$krate::$module>()),*),*]
            }
        }

        /// One value of every error, with distinct non-zero fields, as the
        /// market returns it and as alloy encodes it.
        #[cfg(test)]
        pub(crate) fn every_error() -> alloc::vec::Vec<(MarketError, alloc::vec::Vec<u8>)> {
            use alloy_sol_types::SolError;
            use $crate::error_abi::tests::Sample;
            alloc::vec![$({
                let error = <$own>::from(($(Sample::sample(stringify!($own_field)),)*));
                let expected = error.abi_encode();
                (MarketError::from(error), expected)
            },)* $($({
                let error = <$krate::$module>::from(($(Sample::sample(stringify!($module_field)),)*));
                let expected = error.abi_encode();
                (MarketError::from($krate::$module_error::from(error)), expected)
            }),*),*]
        }
    };
}
pub(crate) use market_errors;

#[cfg(test)]
// Test values from small constants.
#[allow(clippy::arithmetic_side_effects)]
pub(crate) mod tests {
    use alloc::vec::Vec;
    use alloy_primitives::{Address, FixedBytes, I256, U256};

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

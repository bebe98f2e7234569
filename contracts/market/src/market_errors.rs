//! The list of every error a market entry point can return: the market's own
//! (declared here as [`MarketError`](crate::MarketError), keel-abi's
//! `module_errors!`) and each module's (forwarded as they are), for the
//! exported ABI and for the test that checks every error's encoding against
//! alloy's.

/// Declares [`MarketError`](crate::MarketError) from the market's own
/// `ErrorType { fields }` rows (keel-abi's `module_errors!`) and the modules'
/// error types: a module's error converts by a move, the exported ABI lists
/// every error (each type's `solidity_errors()`), and the encoding test takes
/// every type's `samples()`.
macro_rules! market_errors {
    (
        own: [$($own:ident { $($own_field:ident),* }),* $(,)?],
        modules: [$($module:path),* $(,)?] $(,)?
    ) => {
        keel_abi::module_errors! {
            /// Every error a market entry point can return: one of the market's
            /// own Solidity errors or a module's, ABI-encoded where it is raised
            /// (keel-abi's crate documentation says why).
            pub struct MarketError;
            $($own { $($own_field),* }),*
        }

        // A module's error is already its revert data: forwarded as it is.
        $(impl From<$module> for MarketError {
            fn from(error: $module) -> Self {
                Self(error.into())
            }
        })*

        // export-abi lists the errors an entry point can return.
        #[cfg(feature = "export-abi")]
        impl stylus_sdk::abi::export::internal::InnerTypes for MarketError {
            fn inner_types() -> alloc::vec::Vec<stylus_sdk::abi::export::internal::InnerType> {
                use stylus_sdk::abi::export::internal::InnerType;
                let all = [MarketError::solidity_errors(), $(<$module>::solidity_errors()),*];
                all.into_iter()
                    .flatten()
                    .map(|(signature, id)| InnerType {
                        name: alloc::format!("error {};", signature.replace(',', ", ")),
                        id,
                    })
                    .collect()
            }
        }

        /// One value of every error, with distinct non-zero fields, as the
        /// market returns it and as alloy encodes it.
        #[cfg(test)]
        pub(crate) fn every_error() -> alloc::vec::Vec<(MarketError, alloc::vec::Vec<u8>)> {
            let mut all = MarketError::samples();
            $(all.extend(
                <$module>::samples()
                    .into_iter()
                    .map(|(error, expected)| (MarketError::from(error), expected)),
            );)*
            all
        }
    };
}
pub(crate) use market_errors;

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

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

//! Sample values of static ABI types, for the tests that check an encoder against alloy's
//! (each module's errors through [`module_errors!`](crate::module_errors), keel-market's
//! events). Not used by the programs (the linker drops it from their wasm).

use alloy_primitives::{Address, FixedBytes, I256, U256};

/// A non-zero value of the type, different for each field name (so that a field written in
/// the wrong place shows).
pub trait Sample {
    /// The sample for a field called `name`.
    fn sample(name: &str) -> Self;
}

/// An odd byte derived from `name`.
fn seed(name: &str) -> u8 {
    name.bytes()
        .fold(7u8, |acc, b| acc.wrapping_mul(31).wrapping_add(b))
        | 1
}

impl Sample for U256 {
    fn sample(name: &str) -> Self {
        U256::MAX.wrapping_sub(U256::from(seed(name)))
    }
}

impl Sample for I256 {
    fn sample(name: &str) -> Self {
        I256::MINUS_ONE.wrapping_sub(I256::from_raw(U256::from(seed(name))))
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
                <$t>::MAX.wrapping_sub(<$t>::from(seed(name)))
            }
        })*
    };
}
uint_samples!(u8, u32, u64, u128);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_differ_by_field_name() {
        assert_ne!(U256::sample("cap"), U256::sample("totalAfter"));
        assert_ne!(Address::sample("feed"), Address::sample("token"));
        assert!(I256::sample("answer").is_negative());
        assert_ne!(u8::sample("index"), 0);
    }
}

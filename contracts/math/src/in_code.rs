//! Constants and zero tests that stay out of a program's static data.
//!
//! Stylus charges every call into a program 0.75 gas per byte of its static data, whichever
//! code path runs (docs/DESIGN.md section 9). A 256-bit constant that reaches a function by
//! reference, or a comparison with one (ruint's `is_zero` is `self == &ZERO`, which LLVM turns
//! into a `memcmp` call on wasm), leaves 32 bytes there; the same value written by the code
//! costs a few instructions where it is used.

use core::hint::black_box;

use crate::U256;

/// `value`, written by the code where it is used instead of read from static data.
///
/// For the constants passed to functions that are not inlined (`WAD` to `mul_div_down`, the
/// price scale, the virtual offsets): [`black_box`] hides the lowest limb from the optimiser, so
/// the value cannot be folded into a constant in the program's data; the other limbs are
/// written as immediates.
#[must_use]
#[inline(always)]
pub fn in_code(value: U256) -> U256 {
    let [low, b, c, d] = *value.as_limbs();
    U256::from_limbs([black_box(low), b, c, d])
}

/// `value == 0`, by OR-ing its limbs: ruint's `is_zero` compares with a zero constant, a
/// `memcmp` call against 32 bytes of static data on wasm.
#[must_use]
#[inline]
pub fn is_zero(value: U256) -> bool {
    let [a, b, c, d] = *value.as_limbs();
    (a | b | c | d) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_code_keeps_the_value() {
        for value in [
            U256::ZERO,
            U256::MAX,
            crate::WAD,
            crate::PRICE_SCALE,
            U256::from(7) << 200,
        ] {
            assert_eq!(in_code(value), value);
        }
    }

    #[test]
    fn zero_is_the_only_zero() {
        assert!(is_zero(U256::ZERO));
        for limb in 0..4 {
            assert!(!is_zero(U256::from(1) << (64 * limb)));
        }
        assert!(!is_zero(U256::MAX));
    }
}

//! The ABI word of a static value and `selector ++ words` encoding.

use alloc::vec::Vec;
use alloy_primitives::{Address, FixedBytes, I256, U256};

/// A static ABI value: its 32-byte word.
pub trait AbiWord {
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

/// `address == 0`, from its bytes read as two integers: alloy's `is_zero` compares with a
/// zero constant, which LLVM lowers on wasm to a `memcmp` call against 20 bytes of static data
/// (paid for on every call into a program; keel-math's `in_code` module).
#[must_use]
#[inline]
pub fn is_zero_address(address: Address) -> bool {
    let bytes = &address.0 .0;
    let (Some(head), Some(tail)) = (bytes.first_chunk::<16>(), bytes.last_chunk::<4>()) else {
        return false; // unreachable: 20 bytes always have both
    };
    (u128::from_ne_bytes(*head) | u128::from(u32::from_ne_bytes(*tail))) == 0
}

/// `selector ++ words`: the ABI encoding of an error with static fields, or
/// of a call with static arguments (the market's token calls).
///
/// Written into a zeroed buffer of the exact length, never extended: a
/// program whose vectors never grow links no growth path (the market's
/// core: 330 bytes compressed with the other sites).
#[must_use]
pub fn encode_static(selector: [u8; 4], words: &[[u8; 32]]) -> Vec<u8> {
    let mut out = alloc::vec![0u8; words.len().saturating_mul(32).saturating_add(4)];
    if let Some((head, body)) = out.split_first_chunk_mut::<4>() {
        *head = selector;
        for (chunk, word) in body.as_chunks_mut::<32>().0.iter_mut().zip(words) {
            *chunk = *word;
        }
    }
    out
}

/// Copies `from` into the start of `to` (as many bytes as both have): a zip, not
/// `copy_from_slice`, whose length check keeps a panic location in the program's static data
/// (0.75 gas per byte on every call).
pub fn copy_bytes(to: &mut [u8], from: &[u8]) {
    to.iter_mut().zip(from).for_each(|(to, from)| *to = *from);
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::SolValue;

    #[test]
    fn copy_bytes_fills_the_start_and_stops_at_the_shorter() {
        let mut to = [0u8; 5];
        copy_bytes(&mut to, &[1, 2, 3]);
        assert_eq!(to, [1, 2, 3, 0, 0]);
        copy_bytes(&mut to, &[9; 8]);
        assert_eq!(to, [9; 5]);
    }

    #[test]
    fn words_are_alloys_encoding() {
        let address = Address::repeat_byte(0xab);
        assert_eq!(address.word().as_slice(), address.abi_encode().as_slice());
        let int = I256::MINUS_ONE;
        assert_eq!(int.word().as_slice(), int.abi_encode().as_slice());
        let bytes4 = FixedBytes([1, 2, 3, 4]);
        assert_eq!(bytes4.word().as_slice(), bytes4.abi_encode().as_slice());
        assert_eq!(true.word().as_slice(), true.abi_encode().as_slice());
        assert_eq!(
            u128::MAX.word().as_slice(),
            u128::MAX.abi_encode().as_slice()
        );
    }

    #[test]
    fn only_the_zero_address_is_zero() {
        assert!(is_zero_address(Address::ZERO));
        for byte in 0..20 {
            let mut bytes = [0u8; 20];
            bytes[byte] = 1;
            assert!(!is_zero_address(Address::from(bytes)), "byte {byte}");
        }
    }

    #[test]
    fn static_encoding_is_selector_then_words() {
        let out = encode_static([9, 8, 7, 6], &[U256::from(5).word(), 7u8.word()]);
        assert_eq!(out.len(), 68);
        assert_eq!(&out[..4], &[9, 8, 7, 6]);
        assert_eq!(out[35], 5);
        assert_eq!(out[67], 7);
    }
}

//! Calldata read in place: the selector, then 32-byte argument words at
//! `4 + 32 * i`, each checked as solc checks its type; and return data
//! written as the ABI lays it out.

use alloc::vec::Vec;
use alloy_primitives::{Address, FixedBytes, U256};

use crate::errors::{InvalidCalldata, MarketError};
use crate::ext::selector_of;
use crate::{FeedInput, LiquidationInput, RateModelInput, RiskInput};

/// The arguments of one call: 32-byte words after the selector.
pub(super) struct Args<'a> {
    pub(super) selector: [u8; 4],
    pub(super) words: &'a [u8],
}

impl<'a> Args<'a> {
    /// The selector and argument words of `calldata`. (Inlined: as a
    /// function of its own it added a function, and start-up gas, to the core.)
    #[inline(always)]
    pub(super) fn of(calldata: &'a [u8]) -> Self {
        Args {
            selector: selector_of(calldata),
            words: calldata.get(4..).unwrap_or_default(),
        }
    }

    /// Word `index`, or `InvalidCalldata` when the calldata is too short.
    pub(super) fn word(&self, index: usize) -> Result<&[u8; 32], MarketError> {
        // Argument indices are constants below 16: no overflow.
        let start = index.wrapping_mul(32);
        self.words
            .get(start..start.wrapping_add(32))
            .and_then(|word| word.try_into().ok())
            .ok_or_else(|| self.invalid())
    }

    /// A `uint256`.
    pub(super) fn uint(&self, index: usize) -> Result<U256, MarketError> {
        Ok(U256::from_be_bytes(*self.word(index)?))
    }

    /// Word `index` with its `zeros` high bytes checked to be zero, as the
    /// low `32 - zeros` bytes (an `address` or a `uintN` below 256 bits).
    fn low_bytes(&self, index: usize, zeros: usize) -> Result<&[u8], MarketError> {
        let (high, low) = self.word(index)?.split_at(zeros);
        match high.iter().all(|byte| *byte == 0) {
            true => Ok(low),
            false => Err(self.invalid()),
        }
    }

    /// An `address`: its 12 high bytes must be zero.
    pub(super) fn address(&self, index: usize) -> Result<Address, MarketError> {
        // `try_into`, not `Address::from_slice`: a function that cannot
        // panic keeps its caller's location out of the static data.
        <[u8; 20]>::try_from(self.low_bytes(index, 12)?)
            .map(Address::from)
            .map_err(|_| self.invalid())
    }

    /// A `uintN` of `N / 8 = 16 - zeros_in_u128` bytes (`uint8` to `uint128`).
    fn small_uint(&self, index: usize, zeros_in_u128: usize) -> Result<u128, MarketError> {
        let low = self.low_bytes(index, zeros_in_u128.wrapping_add(16))?;
        // Byte by byte: `copy_from_slice` would keep a panic location in
        // the static data.
        Ok(low
            .iter()
            .fold(0, |value, byte| value.wrapping_shl(8) | u128::from(*byte)))
    }

    /// A `uint128`.
    pub(super) fn u128(&self, index: usize) -> Result<u128, MarketError> {
        self.small_uint(index, 0)
    }

    /// A `uint64`.
    pub(super) fn u64(&self, index: usize) -> Result<u64, MarketError> {
        let value = self.small_uint(index, 8)?;
        u64::try_from(value).map_err(|_| self.invalid())
    }

    /// A `uint32`.
    pub(super) fn u32(&self, index: usize) -> Result<u32, MarketError> {
        let value = self.small_uint(index, 12)?;
        u32::try_from(value).map_err(|_| self.invalid())
    }

    /// A `uint8`.
    pub(super) fn u8(&self, index: usize) -> Result<u8, MarketError> {
        let value = self.small_uint(index, 15)?;
        u8::try_from(value).map_err(|_| self.invalid())
    }

    /// A `bool`: 0 or 1.
    pub(super) fn boolean(&self, index: usize) -> Result<bool, MarketError> {
        match self.u8(index)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.invalid()),
        }
    }

    /// A `bytes` argument: word `index` holds its offset from the first
    /// argument, where its length word is, then its bytes (their padding is
    /// not checked, as solc does not).
    pub(super) fn bytes(&self, index: usize) -> Result<&[u8], MarketError> {
        let offset = self.small(self.uint(index)?)?;
        let length_end = offset.checked_add(32).ok_or_else(|| self.invalid())?;
        let length_word: &[u8; 32] = self
            .words
            .get(offset..length_end)
            .and_then(|word| word.try_into().ok())
            .ok_or_else(|| self.invalid())?;
        let length = self.small(U256::from_be_bytes(*length_word))?;
        let end = length_end
            .checked_add(length)
            .ok_or_else(|| self.invalid())?;
        self.words
            .get(length_end..end)
            .ok_or_else(|| self.invalid())
    }

    /// `value` as an in-memory offset or length (calldata is far smaller).
    fn small(&self, value: U256) -> Result<usize, MarketError> {
        usize::try_from(value).map_err(|_| self.invalid())
    }

    /// A risk tuple `(uint64, uint64, uint64)` from word `first`.
    pub(super) fn risk(&self, first: usize) -> Result<RiskInput, MarketError> {
        Ok((
            self.u64(first)?,
            self.u64(first.wrapping_add(1))?,
            self.u64(first.wrapping_add(2))?,
        ))
    }

    /// A feed tuple `(address, uint32, uint128, uint128)` from word `first`.
    pub(super) fn feed(&self, first: usize) -> Result<FeedInput, MarketError> {
        Ok((
            self.address(first)?,
            self.u32(first.wrapping_add(1))?,
            self.u128(first.wrapping_add(2))?,
            self.u128(first.wrapping_add(3))?,
        ))
    }

    /// A rate model tuple `(uint64, uint64, uint64, uint64)` from word `first`.
    pub(super) fn rate_model(&self, first: usize) -> Result<RateModelInput, MarketError> {
        let (base, below, above) = self.risk(first)?;
        Ok((base, below, above, self.u64(first.wrapping_add(3))?))
    }

    /// A liquidation tuple `(uint64, uint64, uint64, uint256, uint256)`
    /// from word `first`.
    pub(super) fn liquidation(&self, first: usize) -> Result<LiquidationInput, MarketError> {
        let (close, full_hf, fee) = self.risk(first)?;
        Ok((
            close,
            full_hf,
            fee,
            self.uint(first.wrapping_add(3))?,
            self.uint(first.wrapping_add(4))?,
        ))
    }

    pub(super) fn invalid(&self) -> MarketError {
        MarketError::from(InvalidCalldata {
            selector: FixedBytes(self.selector),
        })
    }
}

/// The ABI encoding of static return values: one word each.
pub(super) fn words(values: &[U256]) -> Vec<u8> {
    // 32-byte words written into a zeroed buffer of the exact length, never
    // pushed or extended: with the programs' other buffers written the same
    // way, no vector growth is linked into either program (README, "Code
    // size"). `flat_map(..).collect()` linked a byte-wise collector of its
    // own.
    let mut encoded = alloc::vec![0u8; values.len().wrapping_mul(32)];
    for (chunk, value) in encoded.as_chunks_mut::<32>().0.iter_mut().zip(values) {
        *chunk = value.to_be_bytes();
    }
    encoded
}

/// An `address` as its ABI word.
pub(super) fn address_word(address: Address) -> U256 {
    U256::from_be_bytes(keel_abi::AbiWord::word(&address))
}

/// A return value of a tuple with dynamic arrays (`accountSnapshot`,
/// `collaterals`).
pub(super) enum Returned<'a> {
    /// A static value: its word in the head.
    Word(U256),
    /// A `uint256[]` (or `address[]` as words): an offset in the head, its
    /// length and items in the tail.
    Array(&'a [U256]),
}

/// The ABI encoding of `values` as one tuple: the head (static words and
/// the arrays' offsets from its start), then each array's length and items.
///
/// Written into a zeroed buffer of the exact length, like [`words`]: no
/// vector grows. (View-sized values, at most 8 items per array: no
/// overflow.)
pub(super) fn tuple(values: &[Returned]) -> Vec<u8> {
    let tail_words = values.iter().fold(0, |sum: usize, value| match value {
        Returned::Word(_) => sum,
        Returned::Array(items) => sum.wrapping_add(items.len()).wrapping_add(1),
    });
    let mut encoded = alloc::vec![0u8; values.len().wrapping_add(tail_words).wrapping_mul(32)];
    let Some((head, tail)) = encoded
        .as_chunks_mut::<32>()
        .0
        .split_at_mut_checked(values.len())
    else {
        return encoded; // unreachable: the buffer has a word per value and more
    };
    let mut tail = tail.iter_mut();
    let mut offset = values.len().wrapping_mul(32);
    for (slot, value) in head.iter_mut().zip(values) {
        match value {
            Returned::Word(word) => *slot = word.to_be_bytes(),
            Returned::Array(items) => {
                *slot = U256::from(offset).to_be_bytes();
                // The array first in the zip: it ends first, and no word of
                // the tail is taken for nothing.
                let array = core::iter::once(U256::from(items.len())).chain(items.iter().copied());
                for (word, to) in array.zip(tail.by_ref()) {
                    *to = word.to_be_bytes();
                }
                offset = offset.wrapping_add(items.len().wrapping_add(1).wrapping_mul(32));
            }
        }
    }
    encoded
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use alloy_sol_types::SolValue;

    fn args(words: &[u8]) -> Args<'_> {
        Args {
            selector: [1, 2, 3, 4],
            words,
        }
    }

    fn invalid() -> MarketError {
        MarketError::from(InvalidCalldata {
            selector: FixedBytes([1, 2, 3, 4]),
        })
    }

    #[test]
    fn words_decode_in_place_and_short_calldata_is_named() {
        let mut calldata = [0u8; 64];
        calldata[31] = 7;
        calldata[63] = 0xaa;
        let decoded = args(&calldata);
        assert_eq!(decoded.uint(0), Ok(U256::from(7)));
        assert_eq!(
            decoded.address(1),
            Ok(Address::from_slice(&calldata[44..64]))
        );
        assert_eq!(args(&calldata[..63]).address(1), Err(invalid()));
        assert_eq!(decoded.uint(2), Err(invalid()));
    }

    #[test]
    fn dirty_address_bits_and_bools_above_one_are_refused() {
        let mut calldata = [0u8; 32];
        calldata[11] = 1;
        assert_eq!(args(&calldata).address(0), Err(invalid()));
        let mut flag = [0u8; 32];
        for (value, expected) in [(0u8, Ok(false)), (1, Ok(true)), (2, Err(invalid()))] {
            flag[31] = value;
            assert_eq!(args(&flag).boolean(0), expected);
        }
    }

    /// Each `uintN` reader takes the largest value of its width and refuses
    /// one bit above it.
    #[test]
    fn small_uints_take_their_width_and_refuse_higher_bits() {
        let widest = |bytes: usize| {
            let mut word = [0u8; 32];
            word[32 - bytes..].fill(0xff);
            word
        };
        let above = |bytes: usize| {
            let mut word = [0u8; 32];
            word[31 - bytes] = 1;
            word
        };
        assert_eq!(args(&widest(1)).u8(0), Ok(u8::MAX));
        assert_eq!(args(&widest(4)).u32(0), Ok(u32::MAX));
        assert_eq!(args(&widest(8)).u64(0), Ok(u64::MAX));
        assert_eq!(args(&widest(16)).u128(0), Ok(u128::MAX));
        assert_eq!(args(&above(1)).u8(0), Err(invalid()));
        assert_eq!(args(&above(4)).u32(0), Err(invalid()));
        assert_eq!(args(&above(8)).u64(0), Err(invalid()));
        assert_eq!(args(&above(16)).u128(0), Err(invalid()));
    }

    #[test]
    fn tuples_decode_as_alloy_encodes_them() {
        let feed = (Address::repeat_byte(9), 3600u32, 5u128, u128::MAX);
        let risk = (1u64, 2u64, u64::MAX);
        let liquidation = (4u64, 5u64, 6u64, U256::from(7), U256::MAX);
        let encoded = (feed, risk, liquidation).abi_encode_params();
        let decoded = args(&encoded);
        assert_eq!(decoded.feed(0), Ok(feed));
        assert_eq!(decoded.risk(4), Ok(risk));
        assert_eq!(decoded.liquidation(7), Ok(liquidation));
        // Words 8..=11 end with `uint256` max: not a `uint64`.
        assert_eq!(decoded.rate_model(8), Err(invalid()));
        assert_eq!(decoded.rate_model(7), Ok((4, 5, 6, 7)));
    }

    /// A `bytes` argument at word 0: offset 32, then `length`, then `body`.
    fn with_bytes(length: u8, body: &[u8]) -> Vec<u8> {
        let mut calldata = alloc::vec![0u8; 64];
        calldata[31] = 32;
        calldata[63] = length;
        calldata.extend_from_slice(body);
        calldata
    }

    #[test]
    fn bytes_follow_their_offset_and_length_and_stay_within_the_calldata() {
        let calldata = with_bytes(3, &[9, 8, 7, 0, 0]);
        assert_eq!(args(&calldata).bytes(0), Ok(&[9u8, 8, 7][..]));
        assert_eq!(args(&with_bytes(0, &[])).bytes(0), Ok(&[][..]));
        // Longer than the calldata, an offset past it, an offset beyond usize.
        assert_eq!(args(&with_bytes(6, &[1, 2, 3])).bytes(0), Err(invalid()));
        let mut past = with_bytes(0, &[]);
        past[31] = 64;
        assert_eq!(args(&past).bytes(0), Err(invalid()));
        let mut huge = with_bytes(0, &[]);
        huge[0] = 1;
        assert_eq!(args(&huge).bytes(0), Err(invalid()));
    }

    #[test]
    fn returns_are_one_word_each() {
        let encoded = words(&[U256::from(1), U256::MAX]);
        assert_eq!(encoded.len(), 64);
        assert_eq!(encoded[31], 1);
        assert!(encoded[32..].iter().all(|byte| *byte == 0xff));
        let address = Address::repeat_byte(0xab);
        assert_eq!(words(&[address_word(address)]), address.abi_encode());
    }

    #[test]
    fn tuples_with_arrays_encode_as_alloy_does() {
        let (first, second) = (vec![U256::from(5), U256::MAX], vec![U256::from(6)]);
        let encoded = tuple(&[
            Returned::Word(U256::from(1)),
            Returned::Array(&first),
            Returned::Word(U256::from(2)),
            Returned::Array(&second),
            Returned::Array(&[]),
        ]);
        let expected = (
            U256::from(1),
            first.clone(),
            U256::from(2),
            second.clone(),
            Vec::<U256>::new(),
        )
            .abi_encode_params();
        assert_eq!(encoded, expected);
        let addresses = vec![Address::repeat_byte(1), Address::repeat_byte(2)];
        let as_words: Vec<U256> = addresses.iter().copied().map(address_word).collect();
        assert_eq!(tuple(&[Returned::Array(&as_words)]), addresses.abi_encode());
    }
}

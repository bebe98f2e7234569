//! [`PackedWord`]: one 32-byte storage slot holding several fields, packed as Solidity and the
//! Stylus SDK pack them.
//!
//! A field of `N` bytes "at byte `k`" occupies bytes `k..k + N` counted from the least
//! significant end of the word (byte 0 is the last byte of the big-endian 32-byte value), so a
//! word packed here reads back field by field through the SDK's typed accessors and through
//! `cast storage`, and the other way round. The storage shells of keel-debt, keel-vault,
//! keel-oracle and the market read a slot once as a `PackedWord` and write it once
//! (keel-storage's `PackedSlot`): one storage field per slot instead of one per value keeps the
//! SDK's construction of the storage handles (run on every call) and its per-field accessors
//! out of the programs.

use alloy_primitives::Address;

/// A storage word, big-endian, with fields addressed by their low byte (see the module docs).
/// Reading or writing a field that would cross the word's end reads zeros or writes nothing;
/// every offset in Keel is a constant inside the word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PackedWord(pub [u8; 32]);

impl PackedWord {
    /// The `N` bytes at byte `low`, big-endian.
    #[must_use]
    pub fn bytes<const N: usize>(&self, low: usize) -> [u8; N] {
        self.range(low, N)
            .and_then(|range| self.0.get(range))
            .and_then(|bytes| bytes.try_into().ok())
            .unwrap_or([0; N])
    }

    /// Writes `value` (big-endian) at byte `low`.
    pub fn set_bytes<const N: usize>(&mut self, low: usize, value: [u8; N]) {
        // One copy of `N` bytes (a byte loop was ~700 gas of ink per supply);
        // `try_from`, not `copy_from_slice`, which would keep a panic
        // location in the static data.
        let field = self.range(low, N).and_then(|range| self.0.get_mut(range));
        if let Some(field) = field.and_then(|bytes| <&mut [u8; N]>::try_from(bytes).ok()) {
            *field = value;
        }
    }

    /// The big-endian index range of `len` bytes at byte `low`.
    fn range(&self, low: usize, len: usize) -> Option<core::ops::Range<usize>> {
        let end = self.0.len().checked_sub(low)?;
        Some(end.checked_sub(len)?..end)
    }

    /// The `u128` at byte `low` (0 or 16).
    #[must_use]
    pub fn u128_at(&self, low: usize) -> u128 {
        u128::from_be_bytes(self.bytes(low))
    }

    /// The `u64` at byte `low`.
    #[must_use]
    pub fn u64_at(&self, low: usize) -> u64 {
        u64::from_be_bytes(self.bytes(low))
    }

    /// The `u32` at byte `low`.
    #[must_use]
    pub fn u32_at(&self, low: usize) -> u32 {
        u32::from_be_bytes(self.bytes(low))
    }

    /// The byte at `low`.
    #[must_use]
    pub fn u8_at(&self, low: usize) -> u8 {
        self.bytes::<1>(low)[0]
    }

    /// The address at byte `low`.
    #[must_use]
    pub fn address_at(&self, low: usize) -> Address {
        Address::from(self.bytes::<20>(low))
    }

    /// Writes a `u128` at byte `low`.
    pub fn set_u128(&mut self, low: usize, value: u128) {
        self.set_bytes(low, value.to_be_bytes());
    }

    /// Writes a `u64` at byte `low`.
    pub fn set_u64(&mut self, low: usize, value: u64) {
        self.set_bytes(low, value.to_be_bytes());
    }

    /// Writes a `u32` at byte `low`.
    pub fn set_u32(&mut self, low: usize, value: u32) {
        self.set_bytes(low, value.to_be_bytes());
    }

    /// Writes a byte at `low`.
    pub fn set_u8(&mut self, low: usize, value: u8) {
        self.set_bytes(low, [value]);
    }

    /// Writes an address at byte `low`.
    pub fn set_address(&mut self, low: usize, value: Address) {
        self.set_bytes(low, value.0 .0);
    }

    /// A word of two `u128` halves: `low` at byte 0, `high` at byte 16.
    #[must_use]
    pub fn halves(low: u128, high: u128) -> Self {
        let mut word = Self::default();
        word.set_u128(0, low);
        word.set_u128(16, high);
        word
    }

    /// A word holding `value` at byte 0 and zero elsewhere: a one-byte map value, where the
    /// SDK's `StorageU8` and `StorageBool` put theirs.
    #[must_use]
    pub fn low_byte(value: u8) -> Self {
        let mut word = Self::default();
        word.set_u8(0, value);
        word
    }
}

#[cfg(test)]
// Shifts of test values by constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use alloy_primitives::{address, U256};

    #[test]
    fn a_low_byte_word_is_the_value_as_an_integer() {
        for value in [0_u8, 1, 7, 0xff] {
            let word = PackedWord::low_byte(value);
            assert_eq!(U256::from_be_bytes(word.0), U256::from(value));
            assert_eq!(word.u8_at(0), value);
        }
    }

    #[test]
    fn fields_sit_where_the_sdk_packs_them() {
        let mut word = PackedWord::default();
        let token = address!("0x1111111111111111111111111111111111111122");
        word.set_address(0, token);
        word.set_u32(20, 0xaabb_ccdd);
        word.set_u8(24, 7);
        word.set_u32(28, 0x0102_0304);
        let value = U256::from_be_bytes(word.0);
        assert_eq!(
            value & U256::from(u64::MAX),
            U256::from(0x1111_1111_1111_1122_u64)
        );
        assert_eq!(
            (value >> 160) & U256::from(u32::MAX),
            U256::from(0xaabb_ccdd_u32)
        );
        assert_eq!((value >> 192) & U256::from(0xff), U256::from(7));
        assert_eq!((value >> 200) & U256::from(0xff_ffff), U256::ZERO);
        assert_eq!(value >> 224, U256::from(0x0102_0304_u32));
        assert_eq!(word.address_at(0), token);
        assert_eq!(word.u32_at(20), 0xaabb_ccdd);
        assert_eq!(word.u8_at(24), 7);
        assert_eq!(word.u32_at(28), 0x0102_0304);
    }

    #[test]
    fn halves_are_low_and_high_sixteen_bytes() {
        let word = PackedWord::halves(1, u128::MAX);
        assert_eq!(
            U256::from_be_bytes(word.0),
            (U256::from(u128::MAX) << 128) + U256::from(1)
        );
        assert_eq!((word.u128_at(0), word.u128_at(16)), (1, u128::MAX));
    }

    #[test]
    fn a_field_past_the_word_reads_zero_and_writes_nothing() {
        let mut word = PackedWord([0xff; 32]);
        assert_eq!(word.u64_at(25), 0);
        word.set_u64(25, 0);
        word.set_u128(17, 0);
        assert_eq!(word, PackedWord([0xff; 32]));
        assert_eq!(word.u64_at(24), u64::MAX);
    }
}

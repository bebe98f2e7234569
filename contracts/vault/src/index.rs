//! Collateral indices and the per-account set of held collaterals (a bitmap).

use crate::error::{CollateralIndexOutOfRange, VaultError};

/// Collaterals per market (docs/DESIGN.md section 2): indices `0..MAX_COLLATERALS`.
pub const MAX_COLLATERALS: u8 = 8;

/// [`MAX_COLLATERALS`] as the length of a per-collateral array (one entry per index).
pub const MAX_COLLATERALS_LEN: usize = MAX_COLLATERALS as usize;

/// The index of a collateral in its market, checked to be below [`MAX_COLLATERALS`].
///
/// The market maps a collateral's token address to its index (its own configuration) and then
/// builds this type once; every vault function takes it, so none re-checks the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CollateralIndex(u8);

impl CollateralIndex {
    /// Checks `index < MAX_COLLATERALS`.
    ///
    /// # Errors
    /// [`CollateralIndexOutOfRange`] otherwise.
    pub fn new(index: u8) -> Result<Self, VaultError> {
        if index < MAX_COLLATERALS {
            Ok(Self(index))
        } else {
            Err(CollateralIndexOutOfRange { index }.into())
        }
    }

    /// The index as a number in `0..8`.
    #[must_use]
    pub const fn get(self) -> u8 {
        self.0
    }

    /// The index as an array position in `0..8`.
    #[must_use]
    pub const fn position(self) -> usize {
        self.0 as usize
    }

    /// All eight indices, in order.
    pub fn all() -> impl Iterator<Item = Self> {
        (0..MAX_COLLATERALS).map(Self)
    }

    fn bit(self) -> u8 {
        1_u8.checked_shl(u32::from(self.0)).unwrap_or(0)
    }
}

/// The collaterals an account holds a non-zero balance of: bit `i` set iff balance `i > 0`.
///
/// Stored as one byte, so valuation reads only the balance slots of held collaterals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct HeldSet(u8);

impl HeldSet {
    /// No collateral held.
    pub const EMPTY: Self = Self(0);

    /// The set whose bitmap is `bits` (as stored).
    #[must_use]
    pub const fn from_bits(bits: u8) -> Self {
        Self(bits)
    }

    /// The bitmap, bit `i` for collateral `i` (as stored).
    #[must_use]
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether collateral `index` is held.
    #[must_use]
    pub fn contains(self, index: CollateralIndex) -> bool {
        self.0 & index.bit() != 0
    }

    /// The set after collateral `index` changed to `balance`: `index` is in it iff
    /// `balance > 0`.
    #[must_use]
    pub fn with_balance(self, index: CollateralIndex, balance: u128) -> Self {
        if balance == 0 {
            Self(self.0 & !index.bit())
        } else {
            Self(self.0 | index.bit())
        }
    }

    /// Whether the account holds no collateral at all (bad debt is realised then).
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The held indices, in increasing order.
    pub fn iter(self) -> impl Iterator<Item = CollateralIndex> {
        CollateralIndex::all().filter(move |index| self.contains(*index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(i: u8) -> CollateralIndex {
        CollateralIndex::new(i).unwrap()
    }

    #[test]
    fn indices_stop_at_eight() {
        assert_eq!(index(7).get(), 7);
        assert_eq!(index(7).position(), 7);
        assert_eq!(
            CollateralIndex::new(8),
            Err(CollateralIndexOutOfRange { index: 8 }.into())
        );
        assert_eq!(CollateralIndex::all().count(), 8);
    }

    #[test]
    fn balances_set_and_clear_their_bit() {
        let held = HeldSet::EMPTY
            .with_balance(index(0), 5)
            .with_balance(index(7), 1)
            .with_balance(index(3), 9);
        assert_eq!(held.bits(), 0b1000_1001);
        assert!(held.contains(index(3)) && !held.contains(index(4)));
        let cleared = held.with_balance(index(3), 0).with_balance(index(4), 0);
        assert_eq!(cleared.bits(), 0b1000_0001);
        assert_eq!(
            cleared
                .iter()
                .map(CollateralIndex::get)
                .collect::<alloc::vec::Vec<_>>(),
            [0, 7]
        );
        assert!(!cleared.is_empty());
        assert!(HeldSet::from_bits(0).is_empty());
        assert_eq!(HeldSet::from_bits(0xff).iter().count(), 8);
    }
}

//! The thin storage shell: loads a [`LedgerEntry`] or a [`CollateralSnapshot`], lets the
//! functional core compute, and writes back only the slots whose value changes.
//!
//! Slot layout and per-operation slot use: see the crate documentation.

use alloy_primitives::Address;
use keel_math::U256;
use keel_storage::{AddressKey, PackedSlot, Words};
use stylus_sdk::storage::StorageMap;

use crate::error::VaultError;
use crate::index::{CollateralIndex, HeldSet};
use crate::ledger::{self, LedgerEntry};
use crate::valuation::CollateralSnapshot;

keel_storage::storage_struct! {
    /// Five slots per account, nine 16-byte places: place 0 is the held bitmap (its lowest
    /// byte), place `i + 1` collateral `i`'s balance; place `p` is the low (even `p`) or high
    /// (odd `p`) half of slot `p / 2`. So collateral 0 shares the bitmap's slot: a position in
    /// the first-listed collateral alone is one slot, as Morpho Blue packs a position's
    /// collateral with its debt. Each slot is one word packed by hand
    /// ([`keel_math::PackedWord`]).
    pub struct AccountCollateralSlots {
        slots: Words<5>,
    }
}

keel_storage::storage_struct! {
    /// The vault's storage, embedded by the market as one field of its `#[storage]` struct.
    /// Collateral `i`'s slot holds its cap (low 16 bytes), read by a deposit only when the
    /// collateral has one ([`CollateralTotal::capped`]).
    pub struct VaultStorage {
        caps: Words<8>,
        accounts: StorageMap<AddressKey, AccountCollateralSlots>,
    }
}

/// A collateral's total over all accounts, token units, and whether a cap bounds it. The
/// market keeps both in the word it reads to find the collateral by its token (keel-market's
/// listing), so a collateral operation reads no slot for them: passed in by value, the new
/// total returned ([`VaultStorage::deposit`], [`VaultStorage::withdraw`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CollateralTotal {
    /// The total, token units.
    pub total: u128,
    /// Whether the collateral has a cap (its slot holds it); `false` means none.
    pub capped: bool,
}

/// What a ledger operation leaves: the collateral's new total, for the market to store, and
/// whether the account still holds any collateral (`false` tells a liquidation that the
/// account has none left: bad debt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerUpdate {
    /// The collateral's total after the operation, token units.
    pub total: u128,
    /// Whether the account holds any collateral after the operation.
    pub holds_collateral: bool,
}

/// Bytes of a 16-byte place in its slot: the low half at 0, the high half at 16.
const LOW: usize = 0;
const HIGH: usize = 16;

/// Which of an account's five slots holds collateral `index`'s balance, and the byte at which
/// the balance sits in it: place `index + 1` (the slot map above).
fn balance_place(index: CollateralIndex) -> (usize, usize) {
    // At most 8: no overflow.
    let place = index.position().wrapping_add(1);
    let byte = match place % 2 {
        0 => LOW,
        _ => HIGH,
    };
    (place / 2, byte)
}

impl VaultStorage {
    /// The cap on the total of collateral `index` (0 until set: no deposits); meaningful
    /// only while the collateral is [`CollateralTotal::capped`].
    #[must_use]
    pub fn cap_total(&self, index: CollateralIndex) -> u128 {
        self.caps
            .at(index.position())
            .map_or(0, |slot| slot.word().u128_at(LOW))
    }

    /// Sets the cap on the total of collateral `index`. Bounds, the event and the
    /// [`CollateralTotal::capped`] flag (`false` for `u128::MAX`, none) are the market's; a cap
    /// below the current total only blocks further deposits.
    pub fn set_cap_total(&mut self, index: CollateralIndex, cap_total: u128) {
        if let Some(mut slot) = self.caps.at(index.position()) {
            slot.update_word(|packed| packed.set_u128(LOW, cap_total));
        }
    }

    /// The balance of collateral `index` held by `account`, token units.
    #[must_use]
    pub fn balance(&self, account: Address, index: CollateralIndex) -> u128 {
        let slots = self.accounts.getter(AddressKey(account));
        balance_at(&slots, index)
    }

    /// The collaterals `account` holds.
    #[must_use]
    pub fn held(&self, account: Address) -> HeldSet {
        held_in(&self.accounts.getter(AddressKey(account)))
    }

    /// All balances of `account` at once (valuation, liquidation snapshot, views).
    ///
    /// Reads the bitmap's slot (which holds collateral 0's balance too) and, for each other
    /// slot with a held collateral, that slot; balances not held are zero without a read.
    #[must_use]
    pub fn snapshot(&self, account: Address) -> CollateralSnapshot {
        let slots = self.accounts.getter(AddressKey(account));
        let held = held_in(&slots);
        let mut snapshot = CollateralSnapshot {
            held,
            ..CollateralSnapshot::default()
        };
        for index in held.iter() {
            snapshot = snapshot.with_balance(index, balance_at(&slots, index));
        }
        snapshot
    }

    /// `supplyCollateral`: [`ledger::deposit`] against the stored cap (read only when
    /// `total` is capped, `u128::MAX` otherwise), then the account's slots stored; the new
    /// total is the caller's to store.
    ///
    /// # Errors
    /// Those of [`ledger::deposit`]; nothing is written on error.
    pub fn deposit(
        &mut self,
        account: Address,
        index: CollateralIndex,
        amount: U256,
        total: CollateralTotal,
    ) -> Result<LedgerUpdate, VaultError> {
        let cap_total = match total.capped {
            true => self.cap_total(index),
            false => u128::MAX,
        };
        self.update(account, index, total.total, |entry| {
            ledger::deposit(entry, index, amount, cap_total)
        })
    }

    /// `withdrawCollateral` and liquidation seizure: [`ledger::withdraw`], then the account's
    /// slots stored; the new total is the caller's to store.
    ///
    /// No LTV check: for `withdrawCollateral` the market checks the position afterwards (an
    /// error reverts the writes); a seizure is checked by the liquidation rules instead.
    ///
    /// # Errors
    /// Those of [`ledger::withdraw`]; nothing is written on error.
    pub fn withdraw(
        &mut self,
        account: Address,
        index: CollateralIndex,
        amount: U256,
        total: u128,
    ) -> Result<LedgerUpdate, VaultError> {
        self.update(account, index, total, |entry| {
            ledger::withdraw(entry, index, amount)
        })
    }

    /// Loads the entry of `account` and `index` (with the collateral's `total`), applies
    /// `change`, stores the account's slots that changed, and returns the new total and
    /// whether the account holds any collateral afterwards.
    ///
    /// An operation on collateral `index` changes only bit `index` of the held set, when the
    /// balance crosses zero. So `change` sees the set with that bit alone (all a ledger
    /// operation looks at), and the bitmap is read and written only when the bit changes (or
    /// with collateral 0's balance, in the same slot): a deposit into a held collateral or a
    /// withdrawal that leaves some reads and writes one slot of the vault's, the balance's.
    fn update(
        &mut self,
        account: Address,
        index: CollateralIndex,
        total: u128,
        change: impl FnOnce(LedgerEntry) -> Result<LedgerEntry, VaultError>,
    ) -> Result<LedgerUpdate, VaultError> {
        // One handle for the account's slots: each `setter` hashes the key.
        let slots = self.accounts.setter(AddressKey(account));
        let balance = balance_at(&slots, index);
        let own_bit = HeldSet::EMPTY.with_balance(index, balance);
        let before = LedgerEntry {
            held: own_bit,
            balance,
            total,
        };
        let after = change(before)?;
        let held_after = match after.held == own_bit {
            true => None,
            false => Some(held_in(&slots).with_balance(index, after.balance)),
        };
        // Collateral 0's balance and the bitmap share slot 0: one update each, one store at
        // the end of the call (the host caches the slot).
        if let Some((mut bitmap, held)) = slots.slots.at(0).zip(held_after) {
            bitmap.update_word(|packed| packed.set_u8(0, held.bits()));
        }
        let (slot, byte) = balance_place(index);
        if let Some(mut place) = slots.slots.at(slot) {
            place.update_word(|packed| packed.set_u128(byte, after.balance));
        }
        Ok(LedgerUpdate {
            total: after.total,
            holds_collateral: held_after.map_or(after.balance != 0, |held| !held.is_empty()),
        })
    }
}

fn balance_at(slots: &AccountCollateralSlots, index: CollateralIndex) -> u128 {
    let (slot, byte) = balance_place(index);
    slots
        .slots
        .at(slot)
        .map_or(0, |place| place.word().u128_at(byte))
}

fn held_in(slots: &AccountCollateralSlots) -> HeldSet {
    slots.slots.at(0).map_or(HeldSet::EMPTY, |bitmap| {
        HeldSet::from_bits(bitmap.word().u8_at(0))
    })
}

#[cfg(test)]
// Test arithmetic on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::error::{CollateralCapExceeded, InsufficientCollateral};
    use alloy_primitives::address;
    use keel_testkit::{changed_slots, halves, mapping_slot};
    use stylus_sdk::testing::TestVM;

    /// `V + 8`: the root of the accounts map (the storage shell placed at slot 0 in these tests).
    const ACCOUNTS_ROOT: u8 = 8;

    const ALICE: Address = address!("0x00000000000000000000000000000000000000a1");
    const BOB: Address = address!("0x00000000000000000000000000000000000000b0");

    fn index(i: u8) -> CollateralIndex {
        CollateralIndex::new(i).unwrap()
    }

    /// The vault with every collateral capped at 1,000, and the totals a market keeps.
    struct Market {
        vault: VaultStorage,
        totals: [u128; 8],
    }

    impl Market {
        fn new(vm: &TestVM) -> Self {
            let mut vault = VaultStorage::from(vm);
            for i in CollateralIndex::all() {
                vault.set_cap_total(i, 1_000);
            }
            Self {
                vault,
                totals: [0; 8],
            }
        }

        fn deposit(&mut self, account: Address, i: u8, amount: u64) -> Result<bool, VaultError> {
            let total = CollateralTotal {
                total: self.totals[usize::from(i)],
                capped: true,
            };
            let update = self
                .vault
                .deposit(account, index(i), U256::from(amount), total)?;
            self.totals[usize::from(i)] = update.total;
            Ok(update.holds_collateral)
        }

        fn withdraw(&mut self, account: Address, i: u8, amount: u64) -> Result<bool, VaultError> {
            let total = self.totals[usize::from(i)];
            let update = self
                .vault
                .withdraw(account, index(i), U256::from(amount), total)?;
            self.totals[usize::from(i)] = update.total;
            Ok(update.holds_collateral)
        }
    }

    fn sorted(mut slots: Vec<U256>) -> Vec<U256> {
        slots.sort();
        slots
    }

    #[test]
    fn slots_hold_what_the_map_says() {
        let vm = TestVM::default();
        let mut market = Market::new(&vm);
        market.deposit(ALICE, 2, 7).unwrap();
        market.deposit(ALICE, 3, 9).unwrap();
        market.deposit(BOB, 3, 1).unwrap();
        let alice = mapping_slot(ALICE, ACCOUNTS_ROOT);
        assert_eq!(vm.get_storage(U256::from(3)), halves(1_000, 0));
        assert_eq!(vm.get_storage(alice), halves(0b1100, 0));
        // Places 3 and 4: the high half of slot 1 and the low half of slot 2.
        assert_eq!(vm.get_storage(alice + U256::from(1)), halves(0, 7));
        assert_eq!(vm.get_storage(alice + U256::from(2)), halves(9, 0));
        assert_eq!(market.totals[3], 10);
        assert_eq!(market.vault.cap_total(index(3)), 1_000);
        assert_eq!(market.vault.balance(ALICE, index(3)), 9);
        assert_eq!(market.vault.held(BOB), HeldSet::from_bits(0b1000));
    }

    #[test]
    fn deposits_and_withdrawals_write_only_the_accounts_slots() {
        let vm = TestVM::default();
        let mut market = Market::new(&vm);
        let alice = mapping_slot(ALICE, ACCOUNTS_ROOT);
        // Place 6: the low half of slot 3.
        let pair_of_5 = alice + U256::from(3);

        let before = vm.snapshot().storage;
        market.deposit(ALICE, 5, 10).unwrap();
        assert_eq!(changed_slots(&before, &vm), sorted(vec![alice, pair_of_5]));

        let before = vm.snapshot().storage;
        market.deposit(ALICE, 5, 10).unwrap();
        assert_eq!(changed_slots(&before, &vm), vec![pair_of_5]);

        let before = vm.snapshot().storage;
        assert!(market.withdraw(ALICE, 5, 15).unwrap());
        assert_eq!(changed_slots(&before, &vm), vec![pair_of_5]);

        let before = vm.snapshot().storage;
        assert!(!market.withdraw(ALICE, 5, 5).unwrap());
        assert_eq!(changed_slots(&before, &vm), sorted(vec![alice, pair_of_5]));
        assert_eq!(market.totals[5], 0);
    }

    #[test]
    fn collateral_0_shares_the_bitmaps_slot() {
        let vm = TestVM::default();
        let mut market = Market::new(&vm);
        let alice = mapping_slot(ALICE, ACCOUNTS_ROOT);

        let before = vm.snapshot().storage;
        market.deposit(ALICE, 0, 10).unwrap();
        assert_eq!(changed_slots(&before, &vm), vec![alice]);
        assert_eq!(vm.get_storage(alice), halves(0b1, 10));

        let before = vm.snapshot().storage;
        market.withdraw(ALICE, 0, 4).unwrap();
        assert_eq!(changed_slots(&before, &vm), vec![alice]);
        assert_eq!(
            market.vault.snapshot(ALICE).balances,
            [6, 0, 0, 0, 0, 0, 0, 0]
        );

        assert!(!market.withdraw(ALICE, 0, 6).unwrap());
        assert_eq!(vm.get_storage(alice), halves(0, 0));
        assert_eq!(market.vault.held(ALICE), HeldSet::EMPTY);
    }

    #[test]
    fn snapshot_reads_every_held_balance() {
        let vm = TestVM::default();
        let mut market = Market::new(&vm);
        for (i, amount) in [(0, 4), (1, 5), (6, 6)] {
            market.deposit(ALICE, i, amount).unwrap();
        }
        let snapshot = market.vault.snapshot(ALICE);
        assert_eq!(snapshot.held, HeldSet::from_bits(0b0100_0011));
        assert_eq!(snapshot.balances, [4, 5, 0, 0, 0, 0, 6, 0]);
        assert_eq!(market.vault.snapshot(BOB), CollateralSnapshot::default());
    }

    #[test]
    fn refused_operations_write_nothing() {
        let vm = TestVM::default();
        let mut market = Market::new(&vm);
        market.deposit(ALICE, 1, 10).unwrap();
        let before = vm.snapshot().storage;
        assert_eq!(
            market.deposit(ALICE, 1, 991),
            Err(CollateralCapExceeded {
                index: 1,
                totalAfter: U256::from(1_001),
                cap: U256::from(1_000)
            }
            .into())
        );
        assert_eq!(
            market.withdraw(BOB, 1, 1),
            Err(InsufficientCollateral {
                index: 1,
                requested: U256::from(1),
                balance: U256::ZERO
            }
            .into())
        );
        assert!(market.withdraw(ALICE, 1, 0).is_err());
        assert_eq!(changed_slots(&before, &vm), Vec::<U256>::new());
        assert_eq!(market.totals[1], 10);
    }

    #[test]
    fn a_lowered_cap_blocks_deposits_but_not_withdrawals() {
        let vm = TestVM::default();
        let mut market = Market::new(&vm);
        market.deposit(ALICE, 0, 500).unwrap();
        market.vault.set_cap_total(index(0), 0);
        assert!(market
            .deposit(ALICE, 0, 1)
            .is_err_and(|e| e.is::<crate::CollateralCapExceeded>()));
        assert!(!market.withdraw(ALICE, 0, 500).unwrap());
        assert_eq!(market.totals[0], 0);
    }

    /// An uncapped collateral's deposit never reads the cap slot: a stored cap of 0, which
    /// would refuse every deposit, is not consulted.
    #[test]
    fn an_uncapped_deposit_reads_no_cap() {
        let vm = TestVM::default();
        let mut vault = VaultStorage::from(&vm);
        let uncapped = CollateralTotal {
            total: u128::MAX - 5,
            capped: false,
        };
        let update = vault
            .deposit(ALICE, index(4), U256::from(5), uncapped)
            .unwrap();
        assert_eq!(update.total, u128::MAX);
        let capped = CollateralTotal {
            total: 0,
            capped: true,
        };
        assert!(vault
            .deposit(BOB, index(4), U256::from(1), capped)
            .is_err_and(|e| e.is::<crate::CollateralCapExceeded>()));
        // Uncapped, the total is still bounded by `u128`.
        assert!(vault
            .deposit(BOB, index(4), U256::from(6), uncapped)
            .is_err_and(|e| e.is::<crate::CollateralCapExceeded>()));
    }
}

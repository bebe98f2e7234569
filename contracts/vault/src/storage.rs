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
    /// Collateral `i`'s slot holds its total (low 16 bytes) and its cap (high 16 bytes), read
    /// together by every deposit.
    pub struct VaultStorage {
        collaterals: Words<8>,
        accounts: StorageMap<AddressKey, AccountCollateralSlots>,
    }
}

/// Byte of a collateral total in its slot: the total at 0 and the cap at 16.
const LOW: usize = 0;
const HIGH: usize = 16;

/// The slot of an account's five holding collateral `index`'s balance, and the byte at which
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
    /// The total of collateral `index` over all accounts, token units.
    #[must_use]
    pub fn total(&self, index: CollateralIndex) -> u128 {
        self.collaterals
            .at(index.position())
            .map_or(0, |slot| slot.word().u128_at(LOW))
    }

    /// The cap on the total of collateral `index` (0 until set: no deposits).
    #[must_use]
    pub fn cap_total(&self, index: CollateralIndex) -> u128 {
        self.collaterals
            .at(index.position())
            .map_or(0, |slot| slot.word().u128_at(HIGH))
    }

    /// Sets the cap on the total of collateral `index` (`u128::MAX` for none). Bounds and the
    /// event are the market's; a cap below the current total only blocks further deposits.
    pub fn set_cap_total(&mut self, index: CollateralIndex, cap_total: u128) {
        if let Some(mut slot) = self.collaterals.at(index.position()) {
            slot.update_word(|packed| packed.set_u128(HIGH, cap_total));
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

    /// `supplyCollateral`: [`ledger::deposit`] against the stored cap, then stored.
    ///
    /// # Errors
    /// Those of [`ledger::deposit`]; nothing is written on error.
    pub fn deposit(
        &mut self,
        account: Address,
        index: CollateralIndex,
        amount: U256,
    ) -> Result<(), VaultError> {
        let cap_total = self.cap_total(index);
        self.update(account, index, |entry| {
            ledger::deposit(entry, index, amount, cap_total)
        })
        .map(|_| ())
    }

    /// `withdrawCollateral` and liquidation seizure: [`ledger::withdraw`], then stored.
    ///
    /// No LTV check: for `withdrawCollateral` the market checks the position afterwards (an
    /// error reverts the writes); a seizure is checked by the liquidation rules instead.
    /// Returns whether the account still holds any collateral: `false` tells a liquidation
    /// that the account has none left (bad debt).
    ///
    /// # Errors
    /// Those of [`ledger::withdraw`]; nothing is written on error.
    pub fn withdraw(
        &mut self,
        account: Address,
        index: CollateralIndex,
        amount: U256,
    ) -> Result<bool, VaultError> {
        self.update(account, index, |entry| {
            ledger::withdraw(entry, index, amount)
        })
    }

    /// Loads the entry of `account` and `index`, applies `change`, stores what changed, and
    /// returns whether the account holds any collateral afterwards.
    ///
    /// An operation on collateral `index` changes only bit `index` of the held set, when the
    /// balance crosses zero. So `change` sees the set with that bit alone (all a ledger
    /// operation looks at), and the bitmap is read and written only when the bit changes (or
    /// with collateral 0's balance, in the same slot): a deposit into a held collateral or a
    /// withdrawal that leaves some reads two slots (the balance's and the total's), not three.
    fn update(
        &mut self,
        account: Address,
        index: CollateralIndex,
        change: impl FnOnce(LedgerEntry) -> Result<LedgerEntry, VaultError>,
    ) -> Result<bool, VaultError> {
        let total = self.total(index);
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
        if let Some(mut slot) = self.collaterals.at(index.position()) {
            slot.update_word(|packed| packed.set_u128(LOW, after.total));
        }
        Ok(held_after.map_or(after.balance != 0, |held| !held.is_empty()))
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

    fn vault(vm: &TestVM) -> VaultStorage {
        let mut vault = VaultStorage::from(vm);
        for i in CollateralIndex::all() {
            vault.set_cap_total(i, 1_000);
        }
        vault
    }

    fn sorted(mut slots: Vec<U256>) -> Vec<U256> {
        slots.sort();
        slots
    }

    #[test]
    fn slots_hold_what_the_map_says() {
        let vm = TestVM::default();
        let mut vault = vault(&vm);
        vault.deposit(ALICE, index(2), U256::from(7)).unwrap();
        vault.deposit(ALICE, index(3), U256::from(9)).unwrap();
        vault.deposit(BOB, index(3), U256::from(1)).unwrap();
        let alice = mapping_slot(ALICE, ACCOUNTS_ROOT);
        assert_eq!(vm.get_storage(U256::from(2)), halves(7, 1_000));
        assert_eq!(vm.get_storage(U256::from(3)), halves(10, 1_000));
        assert_eq!(vm.get_storage(alice), halves(0b1100, 0));
        // Places 3 and 4: the high half of slot 1 and the low half of slot 2.
        assert_eq!(vm.get_storage(alice + U256::from(1)), halves(0, 7));
        assert_eq!(vm.get_storage(alice + U256::from(2)), halves(9, 0));
        assert_eq!(vault.total(index(3)), 10);
        assert_eq!(vault.cap_total(index(3)), 1_000);
        assert_eq!(vault.balance(ALICE, index(3)), 9);
        assert_eq!(vault.held(BOB), HeldSet::from_bits(0b1000));
    }

    #[test]
    fn deposits_and_withdrawals_write_only_their_documented_slots() {
        let vm = TestVM::default();
        let mut vault = vault(&vm);
        let alice = mapping_slot(ALICE, ACCOUNTS_ROOT);
        // Place 6: the low half of slot 3.
        let pair_of_5 = alice + U256::from(3);

        let before = vm.snapshot().storage;
        vault.deposit(ALICE, index(5), U256::from(10)).unwrap();
        assert_eq!(
            changed_slots(&before, &vm),
            sorted(vec![U256::from(5), alice, pair_of_5])
        );

        let before = vm.snapshot().storage;
        vault.deposit(ALICE, index(5), U256::from(10)).unwrap();
        assert_eq!(
            changed_slots(&before, &vm),
            sorted(vec![U256::from(5), pair_of_5])
        );

        let before = vm.snapshot().storage;
        vault.withdraw(ALICE, index(5), U256::from(15)).unwrap();
        assert_eq!(
            changed_slots(&before, &vm),
            sorted(vec![U256::from(5), pair_of_5])
        );

        let before = vm.snapshot().storage;
        let holds_collateral = vault.withdraw(ALICE, index(5), U256::from(5)).unwrap();
        assert!(!holds_collateral);
        assert_eq!(
            changed_slots(&before, &vm),
            sorted(vec![U256::from(5), alice, pair_of_5])
        );
    }

    #[test]
    fn collateral_0_shares_the_bitmaps_slot() {
        let vm = TestVM::default();
        let mut vault = vault(&vm);
        let alice = mapping_slot(ALICE, ACCOUNTS_ROOT);

        let before = vm.snapshot().storage;
        vault.deposit(ALICE, index(0), U256::from(10)).unwrap();
        assert_eq!(changed_slots(&before, &vm), sorted(vec![U256::ZERO, alice]));
        assert_eq!(vm.get_storage(alice), halves(0b1, 10));

        let before = vm.snapshot().storage;
        vault.withdraw(ALICE, index(0), U256::from(4)).unwrap();
        assert_eq!(changed_slots(&before, &vm), sorted(vec![U256::ZERO, alice]));
        assert_eq!(vault.snapshot(ALICE).balances, [6, 0, 0, 0, 0, 0, 0, 0]);

        let holds_collateral = vault.withdraw(ALICE, index(0), U256::from(6)).unwrap();
        assert!(!holds_collateral);
        assert_eq!(vm.get_storage(alice), halves(0, 0));
        assert_eq!(vault.held(ALICE), HeldSet::EMPTY);
    }

    #[test]
    fn snapshot_reads_every_held_balance() {
        let vm = TestVM::default();
        let mut vault = vault(&vm);
        for (i, amount) in [(0, 4), (1, 5), (6, 6)] {
            vault.deposit(ALICE, index(i), U256::from(amount)).unwrap();
        }
        let snapshot = vault.snapshot(ALICE);
        assert_eq!(snapshot.held, HeldSet::from_bits(0b0100_0011));
        assert_eq!(snapshot.balances, [4, 5, 0, 0, 0, 0, 6, 0]);
        assert_eq!(vault.snapshot(BOB), CollateralSnapshot::default());
    }

    #[test]
    fn refused_operations_write_nothing() {
        let vm = TestVM::default();
        let mut vault = vault(&vm);
        vault.deposit(ALICE, index(1), U256::from(10)).unwrap();
        let before = vm.snapshot().storage;
        assert_eq!(
            vault.deposit(ALICE, index(1), U256::from(991)),
            Err(CollateralCapExceeded {
                index: 1,
                totalAfter: U256::from(1_001),
                cap: U256::from(1_000)
            }
            .into())
        );
        assert_eq!(
            vault.withdraw(BOB, index(1), U256::from(1)),
            Err(InsufficientCollateral {
                index: 1,
                requested: U256::from(1),
                balance: U256::ZERO
            }
            .into())
        );
        assert!(vault.withdraw(ALICE, index(1), U256::ZERO).is_err());
        assert_eq!(changed_slots(&before, &vm), Vec::<U256>::new());
    }

    #[test]
    fn a_lowered_cap_blocks_deposits_but_not_withdrawals() {
        let vm = TestVM::default();
        let mut vault = vault(&vm);
        vault.deposit(ALICE, index(0), U256::from(500)).unwrap();
        vault.set_cap_total(index(0), 0);
        assert!(vault
            .deposit(ALICE, index(0), U256::from(1))
            .is_err_and(|e| e.is::<crate::CollateralCapExceeded>()));
        assert!(vault.withdraw(ALICE, index(0), U256::from(500)).is_ok());
        assert_eq!(vault.total(index(0)), 0);
    }
}

//! The thin storage shell: loads plain values, lets the functional core compute, and writes
//! back only the slots whose value changes.
//!
//! Slot layout and per-operation slot use: see the crate documentation.

use alloy_primitives::Address;
use keel_math::{PackedWord, Wad, U256};
use keel_storage::{AddressKey, PackedSlot, Word};
use stylus_sdk::storage::StorageMap;

use crate::accrual::{accrue, Accrual, InterestConfig};
use crate::error::DebtError;
use crate::ops::{borrow, repay, repay_liquidated, supply, withdraw, Quantity, Step};
use crate::pool::{AccountShares, Pool, Totals, UnbookedInterest};
use crate::rate_model::{validate_reserve_factor, RateModel};
use crate::reserves::{withdraw_reserves, write_off_bad_debt, WriteOff};

/// `D + 2`: reserves at byte 0, the last accrual time at 16, the unbooked interest of
/// suppliers at 24 and of reserves at 28.
const RESERVES_AT: usize = 0;
const LAST_ACCRUAL_AT: usize = 16;
const UNBOOKED_TO_SUPPLIERS_AT: usize = 24;
const UNBOOKED_TO_RESERVES_AT: usize = 28;

/// `D + 3`: the three rates of the model at bytes 0, 5 and 10 (5 bytes each: a validated
/// model's rates are below `2^39`), the optimal utilisation at 15 and the reserve factor at 23
/// (8 bytes each). Everything an accrual reads besides the totals, in one slot.
const RATES_AT: [usize; 3] = [0, 5, 10];
const OPTIMAL_UTILISATION_AT: usize = 15;
const RESERVE_FACTOR_AT: usize = 23;
/// `D + 3` byte 31: which caps are `u128::MAX` (none), so an uncapped side never reads
/// `D + 4`. The accrual reads `D + 3` before every operation: on a market without caps,
/// `supply` and `borrow` each read one cold slot less (2,100 gas). Zero (both read) until
/// [`DebtStorage::set_caps`] runs, which writes both slots.
const NO_CAP_AT: usize = 31;
/// Bit of [`NO_CAP_AT`]: the supply cap is none.
const NO_SUPPLY_CAP: u8 = 1;
/// Bit of [`NO_CAP_AT`]: the borrow cap is none.
const NO_BORROW_CAP: u8 = 2;

keel_storage::storage_struct! {
    /// The debt module's storage, embedded by the market as one field of its `#[storage]` struct.
    /// Each slot is one word packed by hand ([`PackedWord`], byte offsets in the crate docs): one
    /// read and at most one write per slot and operation, and no SDK handle per value.
    pub struct DebtStorage {
        supply: Word,
        borrow: Word,
        reserves: Word,
        rate_model: Word,
        caps: Word,
        accounts: StorageMap<AddressKey, Word>,
    }
}

impl DebtStorage {
    /// The stored totals (not accrued).
    #[must_use]
    pub fn totals(&self) -> Totals {
        let reserves = self.reserves.word();
        Totals {
            supply: load_pool(&self.supply),
            borrow: load_pool(&self.borrow),
            reserves: reserves.u128_at(RESERVES_AT),
            last_accrual_seconds: reserves.u64_at(LAST_ACCRUAL_AT),
            unbooked: UnbookedInterest {
                to_suppliers_nano: reserves.u32_at(UNBOOKED_TO_SUPPLIERS_AT),
                to_reserves_nano: reserves.u32_at(UNBOOKED_TO_RESERVES_AT),
            },
        }
    }

    /// The rate model and reserve factor.
    #[must_use]
    pub fn interest_config(&self) -> InterestConfig {
        let word = self.rate_model.word();
        let [base, below, above] = RATES_AT.map(|low| wad_of(u40_at(&word, low)));
        InterestConfig {
            rate_model: RateModel {
                base_rate_per_second: base,
                slope_below_optimal_per_second: below,
                slope_above_optimal_per_second: above,
                optimal_utilisation: wad_of(word.u64_at(OPTIMAL_UTILISATION_AT)),
            },
            reserve_factor: wad_of(word.u64_at(RESERVE_FACTOR_AT)),
        }
    }

    /// Validates and stores the rate model. Accrue first, so the old rate applies to the time
    /// before the change; the event is the market's.
    ///
    /// # Errors
    /// Those of [`RateModel::validate`]; nothing is written on error.
    pub fn set_rate_model(&mut self, model: &RateModel) -> Result<(), DebtError> {
        model.validate()?;
        let mut word = self.rate_model.word();
        let rates = [
            model.base_rate_per_second,
            model.slope_below_optimal_per_second,
            model.slope_above_optimal_per_second,
        ];
        for (low, rate) in RATES_AT.into_iter().zip(rates) {
            set_u40(&mut word, low, u64_from(rate));
        }
        word.set_u64(OPTIMAL_UTILISATION_AT, u64_from(model.optimal_utilisation));
        self.rate_model.set_word(word);
        Ok(())
    }

    /// Validates and stores the reserve factor. Accrue first.
    ///
    /// # Errors
    /// `ReserveFactorTooHigh`; nothing is written on error.
    pub fn set_reserve_factor(&mut self, reserve_factor: Wad) -> Result<(), DebtError> {
        validate_reserve_factor(reserve_factor)?;
        let mut word = self.rate_model.word();
        word.set_u64(RESERVE_FACTOR_AT, u64_from(reserve_factor));
        self.rate_model.set_word(word);
        Ok(())
    }

    /// The supply cap and the borrow cap, base-asset units (0 until set: nothing allowed;
    /// `u128::MAX`: none).
    #[must_use]
    pub fn caps(&self) -> (u128, u128) {
        (self.supply_cap(), self.borrow_cap())
    }

    /// The supply cap ([`Self::caps`]); reads `D + 4` only when it is not none.
    fn supply_cap(&self) -> u128 {
        self.cap(NO_SUPPLY_CAP, 0)
    }

    /// The borrow cap ([`Self::caps`]); reads `D + 4` only when it is not none.
    fn borrow_cap(&self) -> u128 {
        self.cap(NO_BORROW_CAP, 16)
    }

    /// The cap at byte `at` of `D + 4`, or none when `no_cap_bit` is set in `D + 3`.
    fn cap(&self, no_cap_bit: u8, at: usize) -> u128 {
        if self.rate_model.word().u8_at(NO_CAP_AT) & no_cap_bit != 0 {
            u128::MAX
        } else {
            self.caps.word().u128_at(at)
        }
    }

    /// Stores the supply cap and the borrow cap (`u128::MAX` for none) in `D + 4`, and which
    /// of them are none in `D + 3`. Bounds and events are the market's.
    pub fn set_caps(&mut self, supply_cap: u128, borrow_cap: u128) {
        self.caps
            .set_word(PackedWord::halves(supply_cap, borrow_cap));
        let none = |cap: u128, bit: u8| if cap == u128::MAX { bit } else { 0 };
        let flags = none(supply_cap, NO_SUPPLY_CAP) | none(borrow_cap, NO_BORROW_CAP);
        self.rate_model
            .update_word(|word| word.set_u8(NO_CAP_AT, flags));
    }

    /// The shares of `account`.
    #[must_use]
    pub fn account(&self, account: Address) -> AccountShares {
        shares_in(&self.accounts.getter(AddressKey(account)))
    }

    /// The totals accrued to `now_seconds`, without writing (views, previews).
    ///
    /// # Errors
    /// Those of [`accrue`].
    pub fn preview_accrual(&self, now_seconds: u64) -> Result<Accrual, DebtError> {
        accrue(&self.totals(), &self.interest_config(), now_seconds)
    }

    /// `accrueInterest`, and the first step of every operation: accrues to `now_seconds`
    /// (`block_timestamp`) and stores the totals. Returns the accrual for the event.
    ///
    /// # Errors
    /// Those of [`accrue`]; nothing is written on error.
    pub fn accrue(&mut self, now_seconds: u64) -> Result<Accrual, DebtError> {
        let before = self.totals();
        let accrual = accrue(&before, &self.interest_config(), now_seconds)?;
        self.store_totals(&before, &accrual.totals);
        Ok(accrual)
    }

    /// `supply` of `assets` for `account` (anyone may supply for anyone), against the stored
    /// supply cap.
    ///
    /// # Errors
    /// Those of [`supply`]; nothing is written on error.
    pub fn supply(&mut self, account: Address, assets: U256) -> Result<Step, DebtError> {
        let supply_cap = self.supply_cap();
        let mut shares = self.accounts.setter(AddressKey(account));
        let step = supply(
            load_pool(&self.supply),
            shares_in(&shares),
            assets,
            supply_cap,
        )?;
        store_pool(&mut self.supply, step.pool);
        store_shares(&mut shares, step.account);
        Ok(step)
    }

    /// `withdraw` from `account`'s supply (authorisation is the market's).
    ///
    /// # Errors
    /// Those of [`withdraw`]; nothing is written on error.
    pub fn withdraw(&mut self, account: Address, quantity: Quantity) -> Result<Step, DebtError> {
        let totals = self.totals();
        let mut shares = self.accounts.setter(AddressKey(account));
        let step = withdraw(&totals, shares_in(&shares), quantity)?;
        store_pool(&mut self.supply, step.pool);
        store_shares(&mut shares, step.account);
        Ok(step)
    }

    /// `borrow` `assets` for `account`, against the stored borrow cap (the LTV check is the
    /// market's: [`Step::pool`] and [`Step::account`] give the new debt).
    ///
    /// # Errors
    /// Those of [`borrow`]; nothing is written on error.
    pub fn borrow(&mut self, account: Address, assets: U256) -> Result<Step, DebtError> {
        let (borrow_cap, totals) = (self.borrow_cap(), self.totals());
        let mut shares = self.accounts.setter(AddressKey(account));
        let step = borrow(&totals, shares_in(&shares), assets, borrow_cap)?;
        store_pool(&mut self.borrow, step.pool);
        store_shares(&mut shares, step.account);
        Ok(step)
    }

    /// `repay` `account`'s debt (anyone may repay for anyone).
    ///
    /// # Errors
    /// Those of [`repay`]; nothing is written on error.
    pub fn repay(&mut self, account: Address, quantity: Quantity) -> Result<Step, DebtError> {
        self.apply_repayment(account, Repayment::Quantity(quantity))
    }

    /// Burns the `shares` of `account`'s debt a liquidation repays ([`repay_liquidated`]).
    ///
    /// # Errors
    /// Those of [`repay_liquidated`]; nothing is written on error.
    pub fn repay_liquidated(&mut self, account: Address, shares: u128) -> Result<Step, DebtError> {
        self.apply_repayment(account, Repayment::Liquidated(shares))
    }

    /// Runs `repayment` on the borrow pool and `account`'s shares and stores the result (one
    /// copy of the storage code for both kinds).
    fn apply_repayment(
        &mut self,
        account: Address,
        repayment: Repayment,
    ) -> Result<Step, DebtError> {
        let mut shares = self.accounts.setter(AddressKey(account));
        let (pool, owed) = (load_pool(&self.borrow), shares_in(&shares));
        let step = match repayment {
            Repayment::Quantity(quantity) => repay(pool, owed, quantity),
            Repayment::Liquidated(liquidated) => repay_liquidated(pool, owed, liquidated),
        }?;
        store_pool(&mut self.borrow, step.pool);
        store_shares(&mut shares, step.account);
        Ok(step)
    }

    /// Writes off all remaining debt of `account` (it has no collateral left).
    ///
    /// # Errors
    /// Those of [`write_off_bad_debt`]; nothing is written on error.
    pub fn write_off_bad_debt(&mut self, account: Address) -> Result<WriteOff, DebtError> {
        let before = self.totals();
        let mut shares = self.accounts.setter(AddressKey(account));
        let write_off = write_off_bad_debt(&before, shares_in(&shares))?;
        store_shares(&mut shares, write_off.account);
        self.store_totals(&before, &write_off.totals);
        Ok(write_off)
    }

    /// Takes `assets` out of reserves (the market then transfers them to the treasury).
    /// Returns the reserves after.
    ///
    /// # Errors
    /// Those of [`withdraw_reserves`]; nothing is written on error.
    pub fn withdraw_reserves(&mut self, assets: U256) -> Result<u128, DebtError> {
        let reserves = withdraw_reserves(&self.totals(), assets)?;
        let mut slot = self.reserves.word();
        slot.set_u128(RESERVES_AT, reserves);
        self.reserves.set_word(slot);
        Ok(reserves)
    }

    /// `account`'s debt, rounded up, on the stored (accrued) totals.
    ///
    /// # Errors
    /// `DebtMathError` only for totals beyond any real token.
    pub fn debt_assets_up(&self, account: Address) -> Result<U256, DebtError> {
        Ok(load_pool(&self.borrow).to_assets_up(self.account(account).borrow)?)
    }

    /// `account`'s supply balance, rounded down, on the stored (accrued) totals.
    ///
    /// # Errors
    /// `DebtMathError` only for totals beyond any real token.
    pub fn supply_assets_down(&self, account: Address) -> Result<U256, DebtError> {
        Ok(load_pool(&self.supply).to_assets_down(self.account(account).supply)?)
    }

    fn store_totals(&mut self, before: &Totals, after: &Totals) {
        if after.supply != before.supply {
            store_pool(&mut self.supply, after.supply);
        }
        if after.borrow != before.borrow {
            store_pool(&mut self.borrow, after.borrow);
        }
        let third = |t: &Totals| (t.reserves, t.last_accrual_seconds, t.unbooked);
        if third(after) != third(before) {
            let mut reserves = PackedWord::default();
            reserves.set_u128(RESERVES_AT, after.reserves);
            reserves.set_u64(LAST_ACCRUAL_AT, after.last_accrual_seconds);
            reserves.set_u32(UNBOOKED_TO_SUPPLIERS_AT, after.unbooked.to_suppliers_nano);
            reserves.set_u32(UNBOOKED_TO_RESERVES_AT, after.unbooked.to_reserves_nano);
            self.reserves.set_word(reserves);
        }
    }
}

/// A repayment: a user's, or the one a liquidation decided.
enum Repayment {
    Quantity(Quantity),
    Liquidated(u128),
}

// An operation takes the account's slot handle once and reads and writes
// through it: each `getter` or `setter` of the map hashes the key again.

/// An account's slot: supply shares at byte 0, borrow shares at byte 16.
fn shares_in(slot: &Word) -> AccountShares {
    let (supply, borrow) = halves_in(slot);
    AccountShares { supply, borrow }
}

fn store_shares(slot: &mut Word, shares: AccountShares) {
    slot.set_word(PackedWord::halves(shares.supply, shares.borrow));
}

/// A slot of two `u128` halves: `(byte 0.., byte 16..)`.
fn halves_in(slot: &Word) -> (u128, u128) {
    let halves = slot.word();
    (halves.u128_at(0), halves.u128_at(16))
}

/// A pool's slot: assets at byte 0, shares at byte 16.
fn load_pool(slot: &Word) -> Pool {
    let (assets, shares) = halves_in(slot);
    Pool { assets, shares }
}

fn store_pool(slot: &mut Word, pool: Pool) {
    slot.set_word(PackedWord::halves(pool.assets, pool.shares));
}

fn wad_of(value: u64) -> Wad {
    Wad(U256::from(value))
}

/// A validated factor or rate as stored (validation bounds them far below `u64::MAX`).
fn u64_from(value: Wad) -> u64 {
    value.0.saturating_to()
}

/// The 5-byte (40-bit) value at byte `low` of `word`.
fn u40_at(word: &PackedWord, low: usize) -> u64 {
    let [a, b, c, d, e] = word.bytes::<5>(low);
    u64::from_be_bytes([0, 0, 0, a, b, c, d, e])
}

/// Writes the low 5 bytes of `value` at byte `low` of `word` (a validated rate: below
/// `2^39`, `MAX_BORROW_RATE_PER_SECOND`).
fn set_u40(word: &mut PackedWord, low: usize, value: u64) {
    let [_, _, _, a, b, c, d, e] = value.to_be_bytes();
    word.set_bytes(low, [a, b, c, d, e]);
}

#[cfg(test)]
// Test arithmetic on small constants.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::error::{InsufficientLiquidity, SupplyCapExceeded};
    use alloy_primitives::address;
    use keel_math::WAD;
    use keel_testkit::{changed_slots, halves, mapping_slot};
    use stylus_sdk::testing::TestVM;

    /// `D + 5`: the root of the accounts map (the storage shell placed at slot 0 in these tests).
    const ACCOUNTS_ROOT: u8 = 5;

    const SUPPLY_CAP: u128 = 1_000_000_000_000_000;
    const BORROW_CAP: u128 = 500_000_000_000_000;
    const SUPPLIED: u128 = 1_000_000_000_000;
    const LENDER: Address = address!("0x00000000000000000000000000000000000000aa");
    const BORROWER: Address = address!("0x00000000000000000000000000000000000000bb");

    fn model() -> RateModel {
        RateModel {
            base_rate_per_second: Wad(U256::from(1_000_000_000)),
            slope_below_optimal_per_second: Wad(U256::from(2_000_000_000)),
            slope_above_optimal_per_second: Wad(U256::from(30_000_000_000_u64)),
            optimal_utilisation: Wad(WAD * U256::from(8) / U256::from(10)),
        }
    }

    fn market(vm: &TestVM) -> DebtStorage {
        let mut debt = DebtStorage::from(vm);
        debt.set_rate_model(&model()).unwrap();
        debt.set_reserve_factor(Wad(WAD / U256::from(10))).unwrap();
        debt.set_caps(SUPPLY_CAP, BORROW_CAP);
        debt
    }

    #[test]
    fn configuration_round_trips_through_its_slots() {
        let vm = TestVM::default();
        let debt = market(&vm);
        assert_eq!(
            debt.interest_config(),
            InterestConfig {
                rate_model: model(),
                reserve_factor: Wad(WAD / U256::from(10)),
            }
        );
        assert_eq!(debt.caps(), (SUPPLY_CAP, BORROW_CAP));
        assert_eq!(
            vm.get_storage(U256::from(4)),
            halves(SUPPLY_CAP, BORROW_CAP)
        );
        // D + 3, big-endian: byte `low` of the crate docs ends at index `32 - low`.
        let rates = vm.get_storage(U256::from(3));
        assert_eq!(rates[27..32], 1_000_000_000_u64.to_be_bytes()[3..]);
        assert_eq!(rates[22..27], 2_000_000_000_u64.to_be_bytes()[3..]);
        assert_eq!(rates[17..22], 30_000_000_000_u64.to_be_bytes()[3..]);
        assert_eq!(rates[9..17], 800_000_000_000_000_000_u64.to_be_bytes());
        assert_eq!(rates[1..9], 100_000_000_000_000_000_u64.to_be_bytes());
        assert_eq!(rates[0], 0);
    }

    #[test]
    fn caps_of_none_are_flagged_in_the_rate_model_slot_and_survive_its_setters() {
        let vm = TestVM::default();
        let mut debt = market(&vm);
        for (caps, flags) in [
            ((u128::MAX, BORROW_CAP), NO_SUPPLY_CAP),
            ((SUPPLY_CAP, u128::MAX), NO_BORROW_CAP),
            ((u128::MAX, u128::MAX), NO_SUPPLY_CAP | NO_BORROW_CAP),
            ((SUPPLY_CAP, BORROW_CAP), 0),
        ] {
            debt.set_caps(caps.0, caps.1);
            // Byte 31 of D + 3 is index 0 of the big-endian word.
            assert_eq!(vm.get_storage(U256::from(3))[0], flags);
            assert_eq!(vm.get_storage(U256::from(4)), halves(caps.0, caps.1));
            debt.set_rate_model(&model()).unwrap();
            debt.set_reserve_factor(Wad(WAD / U256::from(5))).unwrap();
            assert_eq!(debt.caps(), caps);
            assert_eq!(vm.get_storage(U256::from(3))[0], flags);
        }
    }

    #[test]
    fn a_cap_of_none_is_not_read_and_a_set_cap_is() {
        let vm = TestVM::default();
        let mut debt = market(&vm);
        debt.set_caps(u128::MAX, u128::MAX);
        // D + 4 holding caps of 1 while D + 3 says none: the operations do not read it.
        vm.set_storage(U256::from(4), halves(1, 1));
        debt.supply(LENDER, U256::from(SUPPLIED)).unwrap();
        debt.borrow(BORROWER, U256::from(SUPPLIED / 2)).unwrap();
        // Caps set again: D + 4 is the bound.
        debt.set_caps(SUPPLIED + 1, SUPPLIED / 2 + 1);
        assert!(debt
            .supply(LENDER, U256::from(2))
            .is_err_and(|e| e.is::<SupplyCapExceeded>()));
        assert!(debt
            .borrow(BORROWER, U256::from(2))
            .is_err_and(|e| e.is::<crate::BorrowCapExceeded>()));
    }

    #[test]
    fn the_largest_valid_rates_fit_their_five_bytes() {
        assert!(crate::MAX_BORROW_RATE_PER_SECOND < U256::from(1_u64 << 39));
        let vm = TestVM::default();
        let mut debt = market(&vm);
        let max = Wad(crate::MAX_BORROW_RATE_PER_SECOND);
        for (base, below, above) in [(max, Wad::ZERO, Wad::ZERO), (Wad::ZERO, Wad::ZERO, max)] {
            let model = RateModel {
                base_rate_per_second: base,
                slope_below_optimal_per_second: below,
                slope_above_optimal_per_second: above,
                ..model()
            };
            debt.set_rate_model(&model).unwrap();
            assert_eq!(debt.interest_config().rate_model, model);
            assert_eq!(
                debt.interest_config().reserve_factor,
                Wad(WAD / U256::from(10))
            );
        }
    }

    #[test]
    fn invalid_configuration_is_refused_and_not_written() {
        let vm = TestVM::default();
        let mut debt = market(&vm);
        let before = vm.snapshot().storage;
        let bad = RateModel {
            optimal_utilisation: Wad::ZERO,
            ..model()
        };
        assert!(debt
            .set_rate_model(&bad)
            .is_err_and(|e| e.is::<crate::OptimalUtilisationOutOfBounds>()));
        assert!(debt
            .set_reserve_factor(Wad(WAD))
            .is_err_and(|e| e.is::<crate::ReserveFactorTooHigh>()));
        assert_eq!(changed_slots(&before, &vm), Vec::<U256>::new());
    }

    #[test]
    fn operations_write_only_their_documented_slots() {
        let vm = TestVM::default();
        let mut debt = market(&vm);
        let lender = mapping_slot(LENDER, ACCOUNTS_ROOT);
        let borrower = mapping_slot(BORROWER, ACCOUNTS_ROOT);

        let before = vm.snapshot().storage;
        let step = debt.supply(LENDER, U256::from(SUPPLIED)).unwrap();
        assert_eq!(changed_slots(&before, &vm), [U256::ZERO, lender]);
        assert_eq!(
            vm.get_storage(U256::ZERO),
            halves(SUPPLIED, SUPPLIED * 1_000_000)
        );
        assert_eq!(vm.get_storage(lender), halves(step.shares, 0));

        let before = vm.snapshot().storage;
        debt.borrow(BORROWER, U256::from(SUPPLIED / 2)).unwrap();
        assert_eq!(changed_slots(&before, &vm), [U256::from(1), borrower]);
        assert_eq!(
            vm.get_storage(borrower),
            halves(0, SUPPLIED / 2 * 1_000_000)
        );

        let before = vm.snapshot().storage;
        let accrual = debt.accrue(1_000).unwrap();
        assert!(accrual.interest > 0 && accrual.to_reserves > 0);
        assert_eq!(
            changed_slots(&before, &vm),
            [U256::ZERO, U256::from(1), U256::from(2)]
        );
        let before = vm.snapshot().storage;
        debt.accrue(1_000).unwrap();
        assert_eq!(changed_slots(&before, &vm), Vec::<U256>::new());

        let before = vm.snapshot().storage;
        debt.repay(BORROWER, Quantity::Shares(U256::MAX)).unwrap();
        assert_eq!(changed_slots(&before, &vm), [U256::from(1), borrower]);

        let before = vm.snapshot().storage;
        debt.withdraw_reserves(U256::from(1)).unwrap();
        assert_eq!(changed_slots(&before, &vm), [U256::from(2)]);

        let before = vm.snapshot().storage;
        debt.withdraw(LENDER, Quantity::Shares(U256::from(step.shares)))
            .unwrap();
        assert_eq!(changed_slots(&before, &vm), [U256::ZERO, lender]);
    }

    #[test]
    fn a_year_of_interest_reaches_lenders_and_reserves() {
        let vm = TestVM::default();
        let mut debt = market(&vm);
        let supplied = debt.supply(LENDER, U256::from(100_000)).unwrap();
        debt.borrow(BORROWER, U256::from(50_000)).unwrap();
        debt.accrue(crate::SECONDS_PER_YEAR).unwrap();
        let owed = debt.debt_assets_up(BORROWER).unwrap();
        let lent = debt.supply_assets_down(LENDER).unwrap();
        let totals = debt.totals();
        // Utilisation 50%: rate = 1e9 + 2e9 * 0.5 / 0.8 = 2.25e9 per second, about 7.1% APR.
        assert!(
            owed > U256::from(53_600) && owed < U256::from(53_700),
            "{owed}"
        );
        assert!(
            lent > U256::from(103_300) && lent < U256::from(103_400),
            "{lent}"
        );
        assert_eq!(
            U256::from(totals.borrow.assets) - U256::from(50_000),
            U256::from(totals.supply.assets) - U256::from(100_000) + U256::from(totals.reserves)
        );

        let repaid = debt.repay(BORROWER, Quantity::Assets(U256::MAX)).unwrap();
        assert_eq!(U256::from(repaid.assets), owed);
        assert_eq!(debt.account(BORROWER).borrow, 0);
        let withdrawn = debt
            .withdraw(LENDER, Quantity::Shares(U256::from(supplied.shares)))
            .unwrap();
        assert_eq!(U256::from(withdrawn.assets), lent);
        let reserves = debt.totals().reserves;
        assert_eq!(debt.withdraw_reserves(U256::from(reserves)), Ok(0));
    }

    #[test]
    fn refused_operations_write_nothing() {
        let vm = TestVM::default();
        let mut debt = market(&vm);
        debt.supply(LENDER, U256::from(SUPPLIED)).unwrap();
        let before = vm.snapshot().storage;
        assert_eq!(
            debt.supply(LENDER, U256::from(SUPPLY_CAP - SUPPLIED + 1)),
            Err(SupplyCapExceeded {
                totalAfter: U256::from(SUPPLY_CAP + 1),
                cap: U256::from(SUPPLY_CAP)
            }
            .into())
        );
        assert_eq!(
            debt.borrow(BORROWER, U256::from(SUPPLIED + 1)),
            Err(InsufficientLiquidity {
                requested: U256::from(SUPPLIED + 1),
                available: U256::from(SUPPLIED)
            }
            .into())
        );
        assert!(debt
            .repay(BORROWER, Quantity::Assets(U256::from(1)))
            .is_err_and(|e| e.is::<crate::NoDebt>()));
        assert!(debt
            .write_off_bad_debt(BORROWER)
            .is_err_and(|e| e.is::<crate::NoDebt>()));
        assert!(debt
            .withdraw_reserves(U256::from(1))
            .is_err_and(|e| e.is::<crate::InsufficientReserves>()));
        assert_eq!(changed_slots(&before, &vm), Vec::<U256>::new());
    }

    #[test]
    fn bad_debt_write_off_clears_the_account_and_reports_both_parts() {
        let vm = TestVM::default();
        let mut debt = market(&vm);
        debt.supply(LENDER, U256::from(1_000)).unwrap();
        debt.borrow(BORROWER, U256::from(500)).unwrap();
        debt.accrue(crate::SECONDS_PER_YEAR).unwrap();
        let totals = debt.totals();
        assert!(totals.reserves > 0);
        let owed = debt.debt_assets_up(BORROWER).unwrap();
        let write_off = debt.write_off_bad_debt(BORROWER).unwrap();
        assert_eq!(U256::from(write_off.assets), owed);
        assert_eq!(write_off.from_reserves, totals.reserves);
        assert_eq!(
            write_off.from_reserves + write_off.from_suppliers,
            write_off.assets
        );
        assert_eq!(debt.account(BORROWER), AccountShares::default());
        assert_eq!(debt.totals().borrow, Pool::default());
        assert_eq!(debt.totals().reserves, 0);
    }
}

//! EVM-priced state access, as Nitro charges it to Stylus programs.
//!
//! Every storage load that reaches the state (a miss in the Stylus storage
//! cache), every slot written when the cache is flushed, every account touched
//! and every log is recorded as a [`GasEntry`] in the transaction's
//! [`GasReport`]. Prices follow EIP-2929 (cold/warm access), EIP-2200 with
//! EIP-3529 refunds (storage writes) and the yellow paper (logs).
//!
//! Not modelled: the intrinsic transaction cost and calldata, program
//! initialisation (priced by code size on every call into a Stylus program),
//! wasm instructions (ink), memory growth, call value transfer (9,000) and new
//! account (25,000) surcharges, the 63/64 rule and the EIP-3529 refund cap
//! (a fifth of the *whole* transaction's gas, most of which is not modelled).

use alloy_primitives::{Address, B256, U256};

/// SLOAD of a slot not yet accessed in the transaction (EIP-2929).
pub const COLD_SLOAD: u64 = 2_100;
/// Any access to a slot or account already accessed in the transaction.
pub const WARM_ACCESS: u64 = 100;
/// First access to an account in the transaction (EIP-2929).
pub const COLD_ACCOUNT_ACCESS: u64 = 2_600;
/// Writing a non-zero value to a slot that was zero at the start of the transaction.
pub const SSTORE_SET: u64 = 20_000;
/// Changing a slot that still holds its start-of-transaction value (5,000 - 2,100).
pub const SSTORE_RESET: u64 = 2_900;
/// Refund for clearing a slot to zero (EIP-3529).
pub const SSTORE_CLEARS_REFUND: u64 = 4_800;
/// Base cost of a log.
pub const LOG: u64 = 375;
/// Cost per log topic.
pub const LOG_TOPIC: u64 = 375;
/// Cost per byte of log data.
pub const LOG_DATA_BYTE: u64 = 8;

/// How a storage write changed its slot, in EIP-2200 terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// The slot was zero at the start of the transaction and still held that value: 20,000.
    Set,
    /// The slot was non-zero and still held its start value: 2,900.
    Reset,
    /// The value written equals the current value, or the slot was already changed in
    /// this transaction: 100.
    Warm,
}

/// One priced state access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charge {
    /// A storage load that reached the state: 2,100 cold or 100 warm.
    Load {
        /// First access to the slot in the transaction.
        cold: bool,
    },
    /// A storage load answered by the program's Stylus storage cache: no EVM gas.
    CachedLoad,
    /// A slot written when the storage cache was flushed.
    Store {
        /// First access to the slot in the transaction (adds 2,100).
        cold: bool,
        /// The EIP-2200 case.
        kind: StoreKind,
    },
    /// A call target or an account queried (balance, code): 2,600 cold or 100 warm.
    Account {
        /// First access to the account in the transaction.
        cold: bool,
    },
    /// A transient storage load or store (EIP-1153): 100.
    Transient {
        /// A store (TSTORE) rather than a load.
        store: bool,
    },
    /// A log: 375 + 375 per topic + 8 per data byte.
    Log {
        /// Number of topics.
        topics: usize,
        /// Length of the data in bytes.
        data_len: usize,
    },
}

impl Charge {
    /// The gas this access costs.
    pub fn gas(&self) -> u64 {
        let cold_surcharge = |cold: bool| if cold { COLD_SLOAD } else { 0 };
        match *self {
            Charge::Load { cold } => {
                if cold {
                    COLD_SLOAD
                } else {
                    WARM_ACCESS
                }
            }
            Charge::CachedLoad => 0,
            Charge::Store { cold, kind } => {
                cold_surcharge(cold)
                    + match kind {
                        StoreKind::Set => SSTORE_SET,
                        StoreKind::Reset => SSTORE_RESET,
                        StoreKind::Warm => WARM_ACCESS,
                    }
            }
            Charge::Account { cold } => {
                if cold {
                    COLD_ACCOUNT_ACCESS
                } else {
                    WARM_ACCESS
                }
            }
            Charge::Transient { .. } => WARM_ACCESS,
            Charge::Log { topics, data_len } => {
                LOG + LOG_TOPIC * topics as u64 + LOG_DATA_BYTE * data_len as u64
            }
        }
    }
}

/// A priced access: what, where, and how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GasEntry {
    /// The account whose state was accessed (the emitter for logs).
    pub address: Address,
    /// The storage slot, for loads and stores.
    pub slot: Option<U256>,
    /// The kind of access.
    pub charge: Charge,
    /// Gas charged, `charge.gas()`.
    pub gas: u64,
}

/// The state-access gas of one transaction. Entries of reverted frames stay
/// (the gas was spent); their refunds are rolled back with the frame.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GasReport {
    /// Every priced access, in execution order.
    pub entries: Vec<GasEntry>,
    /// The EIP-2200/3529 refund counter at the end of the transaction, before the cap.
    pub refund: u64,
    /// What wasm execution adds: intrinsic gas, start-up, ink, memory (see
    /// [`GasReport::breakdown`]).
    pub execution: crate::wasm::ExecutionGas,
}

impl GasReport {
    /// Total gas of all recorded accesses (refund not subtracted).
    pub fn total(&self) -> u64 {
        self.entries.iter().map(|entry| entry.gas).sum()
    }

    /// Number of entries whose charge satisfies `matches`.
    pub fn count(&self, matches: impl Fn(&Charge) -> bool) -> usize {
        self.entries
            .iter()
            .filter(|entry| matches(&entry.charge))
            .count()
    }

    /// Gas of the entries whose charge satisfies `matches`.
    pub fn gas_of(&self, matches: impl Fn(&Charge) -> bool) -> u64 {
        self.entries
            .iter()
            .filter(|entry| matches(&entry.charge))
            .map(|entry| entry.gas)
            .sum()
    }

    pub(crate) fn record(&mut self, address: Address, slot: Option<U256>, charge: Charge) {
        self.entries.push(GasEntry {
            address,
            slot,
            charge,
            gas: charge.gas(),
        });
    }
}

/// Prices an SSTORE of `new` over `current`, given the slot's value at the start of the
/// transaction, per EIP-2200 with EIP-3529 refunds. Returns the kind and the refund delta.
pub(crate) fn price_store(original: B256, current: B256, new: B256) -> (StoreKind, i64) {
    let clears = SSTORE_CLEARS_REFUND as i64;
    if current == new {
        return (StoreKind::Warm, 0);
    }
    if original == current {
        let refund = if new.is_zero() { clears } else { 0 };
        let kind = if original.is_zero() {
            StoreKind::Set
        } else {
            StoreKind::Reset
        };
        return (kind, refund);
    }
    let mut refund = 0;
    if !original.is_zero() {
        if current.is_zero() {
            refund -= clears;
        }
        if new.is_zero() {
            refund += clears;
        }
    }
    if original == new {
        refund += if original.is_zero() {
            (SSTORE_SET - WARM_ACCESS) as i64
        } else {
            (SSTORE_RESET - WARM_ACCESS) as i64
        };
    }
    (StoreKind::Warm, refund)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(value: u8) -> B256 {
        B256::with_last_byte(value)
    }

    #[test]
    fn known_figures() {
        assert_eq!(Charge::Load { cold: true }.gas(), 2_100);
        assert_eq!(Charge::Load { cold: false }.gas(), 100);
        assert_eq!(
            Charge::Store {
                cold: true,
                kind: StoreKind::Set
            }
            .gas(),
            22_100
        );
        assert_eq!(
            Charge::Store {
                cold: false,
                kind: StoreKind::Reset
            }
            .gas(),
            2_900
        );
        assert_eq!(
            Charge::Store {
                cold: true,
                kind: StoreKind::Reset
            }
            .gas(),
            5_000
        );
        assert_eq!(Charge::Account { cold: true }.gas(), 2_600);
        assert_eq!(Charge::Account { cold: false }.gas(), 100);
        assert_eq!(
            Charge::Log {
                topics: 3,
                data_len: 32
            }
            .gas(),
            375 + 3 * 375 + 8 * 32
        );
    }

    #[test]
    fn eip2200_cases() {
        let zero = B256::ZERO;
        assert_eq!(price_store(zero, zero, word(1)), (StoreKind::Set, 0));
        assert_eq!(
            price_store(word(1), word(1), word(2)),
            (StoreKind::Reset, 0)
        );
        assert_eq!(
            price_store(word(1), word(1), zero),
            (StoreKind::Reset, 4_800)
        );
        assert_eq!(price_store(word(1), word(1), word(1)), (StoreKind::Warm, 0));
        // Dirty slot restored to its original non-zero value after being cleared.
        assert_eq!(
            price_store(word(1), zero, word(1)),
            (StoreKind::Warm, -4_800 + 2_800)
        );
        // Dirty slot set then reset to zero within the transaction.
        assert_eq!(price_store(zero, word(1), zero), (StoreKind::Warm, 19_900));
        // Dirty slot cleared after an update.
        assert_eq!(
            price_store(word(1), word(2), zero),
            (StoreKind::Warm, 4_800)
        );
    }
}

//! World state with a journal: every change is recorded with its previous
//! value, so a reverted frame (or a restored snapshot) is undone by popping
//! the journal back to a mark instead of copying the state.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use alloy_primitives::{Address, Bytes, B256, U256};

use crate::exec::Halt;
use crate::gas::{price_store, Charge, GasReport};
use crate::outcome::Log;
use crate::program::Program;

/// Block and chain values the contracts read; the test controls them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockEnv {
    /// `block_timestamp()`, seconds.
    pub timestamp: u64,
    /// `block_number()` (on Arbitrum an estimate of the L1 block number).
    pub number: u64,
    /// `chain_id()`.
    pub chain_id: u64,
    /// `block_basefee()` and `tx_gas_price()`, wei.
    pub basefee: U256,
    /// `block_coinbase()`.
    pub coinbase: Address,
    /// `block_gas_limit()`, also reported by `evm_gas_left()`.
    pub gas_limit: u64,
}

impl Default for BlockEnv {
    fn default() -> Self {
        Self {
            timestamp: 1_700_000_000,
            number: 1,
            // The chain id of Nitro's local dev node.
            chain_id: 412_346,
            basefee: U256::from(10_000_000u64),
            coinbase: Address::ZERO,
            gas_limit: 32_000_000,
        }
    }
}

#[derive(Clone, Default)]
pub(crate) struct Account {
    pub(crate) balance: U256,
    pub(crate) nonce: u64,
    pub(crate) program: Option<Rc<dyn Program>>,
}

/// One undoable change.
enum Change {
    Storage {
        address: Address,
        slot: U256,
        previous: B256,
    },
    Balance {
        address: Address,
        previous: U256,
    },
    Nonce {
        address: Address,
        previous: u64,
    },
    Program {
        address: Address,
        previous: Option<Rc<dyn Program>>,
    },
    Env(BlockEnv),
    Log,
    WarmAccount(Address),
    WarmSlot(Address, U256),
    Refund(i64),
    Transient {
        address: Address,
        slot: U256,
        previous: B256,
    },
}

/// State that lives for one transaction only (EIP-2929 access sets,
/// EIP-2200 original values, refunds, logs, gas).
#[derive(Default)]
pub(crate) struct TxState {
    warm_accounts: HashSet<Address>,
    warm_slots: HashSet<(Address, U256)>,
    originals: HashMap<(Address, U256), B256>,
    refund: i64,
    /// EIP-1153 transient storage: cleared with the transaction.
    transient: HashMap<(Address, U256), B256>,
    pub(crate) logs: Vec<Log>,
    pub(crate) gas: GasReport,
    pub(crate) halts: Vec<Halt>,
    pub(crate) wasm: crate::wasm::TxScratch,
}

/// What a finished transaction leaves behind.
pub(crate) struct TxRecord {
    pub(crate) logs: Vec<Log>,
    pub(crate) gas: GasReport,
    pub(crate) halts: Vec<Halt>,
}

/// Accounts, storage, block values, and the journal.
#[derive(Default)]
pub(crate) struct World {
    accounts: HashMap<Address, Account>,
    storage: HashMap<(Address, U256), B256>,
    env: BlockEnv,
    journal: Vec<Change>,
    tx: TxState,
    /// Open non-delegate frames per address: more than one means re-entry.
    active_frames: HashMap<Address, u32>,
    /// Live snapshots: (id, journal mark).
    snapshots: Vec<(u64, usize)>,
    next_snapshot_id: u64,
}

impl World {
    pub(crate) fn env(&self) -> BlockEnv {
        self.env
    }

    pub(crate) fn set_env(&mut self, env: BlockEnv) {
        self.journal.push(Change::Env(self.env));
        self.env = env;
    }

    // ---- journal -------------------------------------------------------

    pub(crate) fn checkpoint(&self) -> usize {
        self.journal.len()
    }

    pub(crate) fn revert_to(&mut self, mark: usize) {
        while self.journal.len() > mark {
            let Some(change) = self.journal.pop() else {
                break;
            };
            self.undo(change);
        }
    }

    fn undo(&mut self, change: Change) {
        match change {
            Change::Storage {
                address,
                slot,
                previous,
            } => self.write_slot(address, slot, previous),
            Change::Balance { address, previous } => self.account_mut(address).balance = previous,
            Change::Nonce { address, previous } => self.account_mut(address).nonce = previous,
            Change::Program { address, previous } => self.account_mut(address).program = previous,
            Change::Env(previous) => self.env = previous,
            Change::Log => {
                self.tx.logs.pop();
            }
            Change::WarmAccount(address) => {
                self.tx.warm_accounts.remove(&address);
            }
            Change::WarmSlot(address, slot) => {
                self.tx.warm_slots.remove(&(address, slot));
            }
            Change::Refund(previous) => self.tx.refund = previous,
            Change::Transient {
                address,
                slot,
                previous,
            } => {
                self.tx.transient.insert((address, slot), previous);
            }
        }
    }

    pub(crate) fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot_id;
        self.next_snapshot_id += 1;
        self.snapshots.push((id, self.journal.len()));
        id
    }

    /// Restores a live snapshot; snapshots taken after it die. Returns false
    /// when `id` is not live.
    pub(crate) fn restore(&mut self, id: u64) -> bool {
        let Some(&(_, mark)) = self.snapshots.iter().find(|(live, _)| *live == id) else {
            return false;
        };
        self.revert_to(mark);
        self.snapshots.retain(|&(_, other)| other <= mark);
        self.tx = TxState::default();
        true
    }

    /// Drops a live snapshot and the ones taken after it; false when `id`
    /// is not live.
    pub(crate) fn forget(&mut self, id: u64) -> bool {
        let Some(position) = self.snapshots.iter().position(|(live, _)| *live == id) else {
            return false;
        };
        self.snapshots.truncate(position);
        true
    }

    // ---- accounts ------------------------------------------------------

    fn account_mut(&mut self, address: Address) -> &mut Account {
        self.accounts.entry(address).or_default()
    }

    pub(crate) fn balance(&self, address: Address) -> U256 {
        self.accounts
            .get(&address)
            .map(|account| account.balance)
            .unwrap_or_default()
    }

    pub(crate) fn set_balance(&mut self, address: Address, balance: U256) {
        let previous = self.balance(address);
        self.journal.push(Change::Balance { address, previous });
        self.account_mut(address).balance = balance;
    }

    /// Moves `value` wei; false (and nothing moved) when `from` lacks it.
    pub(crate) fn transfer(&mut self, from: Address, to: Address, value: U256) -> bool {
        let Some(remaining) = self.balance(from).checked_sub(value) else {
            return false;
        };
        if value.is_zero() || from == to {
            return true;
        }
        self.set_balance(from, remaining);
        let credited = self.balance(to).saturating_add(value);
        self.set_balance(to, credited);
        true
    }

    pub(crate) fn nonce(&self, address: Address) -> u64 {
        self.accounts
            .get(&address)
            .map(|account| account.nonce)
            .unwrap_or_default()
    }

    pub(crate) fn bump_nonce(&mut self, address: Address) {
        let previous = self.nonce(address);
        self.journal.push(Change::Nonce { address, previous });
        self.account_mut(address).nonce = previous.saturating_add(1);
    }

    pub(crate) fn program(&self, address: Address) -> Option<Rc<dyn Program>> {
        self.accounts
            .get(&address)
            .and_then(|account| account.program.clone())
    }

    pub(crate) fn install(&mut self, address: Address, program: Rc<dyn Program>) {
        // The previous code comes back on undo: `set_code` and an activation
        // replace code, and a snapshot restores what was there.
        let previous = self.account_mut(address).program.replace(program);
        self.journal.push(Change::Program { address, previous });
    }

    pub(crate) fn code(&self, address: Address) -> Bytes {
        self.program(address)
            .map(|program| program.code())
            .unwrap_or_default()
    }

    /// EIP-161 emptiness: no code, zero nonce, zero balance.
    pub(crate) fn is_empty(&self, address: Address) -> bool {
        self.accounts.get(&address).is_none_or(|account| {
            account.program.is_none() && account.nonce == 0 && account.balance.is_zero()
        })
    }

    // ---- frames --------------------------------------------------------

    pub(crate) fn enter(&mut self, address: Address) {
        *self.active_frames.entry(address).or_default() += 1;
    }

    pub(crate) fn leave(&mut self, address: Address) {
        if let Some(count) = self.active_frames.get_mut(&address) {
            *count = count.saturating_sub(1);
        }
    }

    pub(crate) fn is_reentered(&self, address: Address) -> bool {
        self.active_frames
            .get(&address)
            .is_some_and(|&count| count > 1)
    }

    // ---- priced access -------------------------------------------------

    /// Charges an account access (call target, balance, code queries).
    pub(crate) fn touch_account(&mut self, address: Address) {
        let cold = self.tx.warm_accounts.insert(address);
        if cold {
            self.journal.push(Change::WarmAccount(address));
        }
        self.tx.gas.record(address, None, Charge::Account { cold });
    }

    fn warm_slot(&mut self, address: Address, slot: U256) -> bool {
        let cold = self.tx.warm_slots.insert((address, slot));
        if cold {
            self.journal.push(Change::WarmSlot(address, slot));
        }
        cold
    }

    pub(crate) fn peek_slot(&self, address: Address, slot: U256) -> B256 {
        self.storage
            .get(&(address, slot))
            .copied()
            .unwrap_or_default()
    }

    fn write_slot(&mut self, address: Address, slot: U256, value: B256) {
        if value.is_zero() {
            self.storage.remove(&(address, slot));
        } else {
            self.storage.insert((address, slot), value);
        }
    }

    /// SLOAD, priced cold or warm.
    pub(crate) fn load(&mut self, address: Address, slot: U256) -> B256 {
        let cold = self.warm_slot(address, slot);
        self.tx
            .gas
            .record(address, Some(slot), Charge::Load { cold });
        self.peek_slot(address, slot)
    }

    /// SSTORE, priced and refunded per EIP-2200/2929/3529.
    pub(crate) fn store(&mut self, address: Address, slot: U256, value: B256) {
        let current = self.peek_slot(address, slot);
        let original = *self.tx.originals.entry((address, slot)).or_insert(current);
        let cold = self.warm_slot(address, slot);
        let (kind, refund) = price_store(original, current, value);
        self.tx
            .gas
            .record(address, Some(slot), Charge::Store { cold, kind });
        if refund != 0 {
            self.journal.push(Change::Refund(self.tx.refund));
            self.tx.refund += refund;
        }
        self.journal.push(Change::Storage {
            address,
            slot,
            previous: current,
        });
        self.write_slot(address, slot, value);
    }

    /// TLOAD (EIP-1153): 100 gas, no access list.
    pub(crate) fn transient_load(&mut self, address: Address, slot: U256) -> B256 {
        let charge = Charge::Transient { store: false };
        self.tx.gas.record(address, Some(slot), charge);
        self.tx
            .transient
            .get(&(address, slot))
            .copied()
            .unwrap_or_default()
    }

    /// TSTORE (EIP-1153): 100 gas; undone with the frame that made it.
    pub(crate) fn transient_store(&mut self, address: Address, slot: U256, value: B256) {
        let charge = Charge::Transient { store: true };
        self.tx.gas.record(address, Some(slot), charge);
        let previous = self.tx.transient.insert((address, slot), value);
        self.journal.push(Change::Transient {
            address,
            slot,
            previous: previous.unwrap_or_default(),
        });
    }

    /// Records a storage load served by a program's storage cache.
    pub(crate) fn note_cached_load(&mut self, address: Address, slot: U256) {
        self.tx.gas.record(address, Some(slot), Charge::CachedLoad);
    }

    pub(crate) fn push_log(&mut self, log: Log) {
        let charge = Charge::Log {
            topics: log.topics.len(),
            data_len: log.data.len(),
        };
        self.tx.gas.record(log.address, None, charge);
        self.journal.push(Change::Log);
        self.tx.logs.push(log);
    }

    /// The gas report of the running transaction.
    pub(crate) fn tx_gas(&self) -> &GasReport {
        &self.tx.gas
    }

    pub(crate) fn tx_gas_mut(&mut self) -> &mut GasReport {
        &mut self.tx.gas
    }

    /// The wasm backend's state for the running transaction.
    pub(crate) fn tx_wasm(&mut self) -> &mut crate::wasm::TxScratch {
        &mut self.tx.wasm
    }

    pub(crate) fn note_halt(&mut self, halt: Halt) {
        self.tx.halts.push(halt);
    }

    // ---- transactions --------------------------------------------------

    /// Starts a transaction: the sender, the recipient and the coinbase are
    /// warm from the start (EIP-2929, EIP-3651).
    pub(crate) fn begin_tx(&mut self, origin: Address, to: Address) {
        self.tx = TxState::default();
        let coinbase = self.env.coinbase;
        self.tx.warm_accounts.extend([origin, to, coinbase]);
    }

    /// Ends the transaction; forgets the journal unless a snapshot needs it.
    pub(crate) fn finish_tx(&mut self) -> TxRecord {
        let tx = std::mem::take(&mut self.tx);
        if self.snapshots.is_empty() {
            self.journal.clear();
        }
        let mut gas = tx.gas;
        gas.refund = u64::try_from(tx.refund).unwrap_or_default();
        TxRecord {
            logs: tx.logs,
            gas,
            halts: tx.halts,
        }
    }
}

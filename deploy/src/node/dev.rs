//! The dev methods: time travel, empty blocks, snapshots and funding.

use super::journal::Entry;
use super::rpc::RpcError;
use super::Node;
use alloy_primitives::{Address, U256};
use keel_devnet::Snapshot;

/// What `evm_snapshot` saved: the devnet's state, the block count, the
/// clock offset and the state file's length.
#[derive(Debug, Clone, Copy)]
pub struct NodeSnapshot {
    id: u64,
    devnet: Snapshot,
    blocks: usize,
    time_offset_seconds: u64,
    journal_entries: usize,
}

impl Node {
    /// `evm_increaseTime`: moves the clock of later blocks forward; returns
    /// the total offset, seconds.
    pub fn increase_time(&mut self, seconds: u64) -> u64 {
        self.time_offset_seconds = self.time_offset_seconds.saturating_add(seconds);
        self.time_offset_seconds
    }

    /// `evm_setNextBlockTimestamp` (and `evm_mine` with a timestamp): the
    /// clock reads `timestamp` now and runs on from there. The node's clock
    /// only moves forward of the wall clock, so a time before it reads as
    /// the wall clock.
    ///
    /// Errors: a timestamp before the latest block's.
    pub fn set_clock(&mut self, timestamp: u64) -> Result<(), RpcError> {
        let head = self.chain.head_timestamp();
        if timestamp < head {
            return Err(RpcError::invalid_params(format!(
                "timestamp {timestamp} is before the latest block's {head}"
            )));
        }
        self.time_offset_seconds = timestamp.saturating_sub(super::wall_clock_seconds());
        Ok(())
    }

    /// `evm_mine`: mines an empty block, at `timestamp` when given (which
    /// then sets the clock), else at the clock.
    ///
    /// Errors: a timestamp before the latest block's, or the state file.
    pub fn mine(&mut self, timestamp: Option<u64>) -> Result<(), RpcError> {
        let at = match timestamp {
            Some(t) => {
                self.set_clock(t)?;
                t
            }
            None => self.next_timestamp(),
        };
        self.mine_empty(at);
        self.journal_append(Entry::Block {
            timestamp: at,
            txs: Vec::new(),
        })
    }

    /// `evm_snapshot`: saves the chain; returns the id.
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot_id;
        self.next_snapshot_id += 1;
        self.snapshots.push(NodeSnapshot {
            id,
            devnet: self.net.snapshot(),
            blocks: self.chain.len(),
            time_offset_seconds: self.time_offset_seconds,
            journal_entries: self.journal.len(),
        });
        id
    }

    /// `evm_revert`: returns to snapshot `id`, which is then used up (as in
    /// anvil and hardhat), as are later ones. False for an unknown id.
    ///
    /// Errors: the state file cannot be rewritten.
    pub fn revert(&mut self, id: u64) -> Result<bool, RpcError> {
        let Some(position) = self.snapshots.iter().position(|s| s.id == id) else {
            return Ok(false);
        };
        let saved = self.snapshots[position];
        self.snapshots.truncate(position);
        self.net.restore(saved.devnet);
        self.net.forget(saved.devnet);
        self.chain.truncate(saved.blocks);
        self.time_offset_seconds = saved.time_offset_seconds;
        self.journal
            .truncate(saved.journal_entries)
            .map_err(|e| RpcError::server(format!("rewriting the state file: {e:#}")))?;
        Ok(true)
    }

    /// `anvil_setBalance`.
    ///
    /// Errors: the state file cannot be written.
    pub fn set_balance(&mut self, address: Address, wei: U256) -> Result<(), RpcError> {
        self.net.set_balance(address, wei);
        self.journal_append(Entry::SetBalance { address, wei })
    }
}

//! Polling filters (`eth_newFilter`, `eth_newBlockFilter`,
//! `eth_getFilterChanges`, `eth_getFilterLogs`, `eth_uninstallFilter`), which
//! viem's and ethers' event watchers use over HTTP: each filter remembers
//! the last block it reported.

use super::rpc::RpcError;
use super::Node;
use alloy_primitives::B256;
use alloy_rpc_types_eth::{Filter, FilterBlockOption, Log};
use std::collections::BTreeMap;

/// What a filter watches.
#[derive(Debug, Clone)]
enum Watch {
    /// Logs matching a filter.
    Logs(Box<Filter>),
    /// New blocks' hashes.
    Blocks,
}

/// Installed filters by id.
#[derive(Debug, Default)]
pub struct Filters {
    installed: BTreeMap<u64, (Watch, u64)>,
    next_id: u64,
}

/// What `eth_getFilterChanges` returns.
pub enum Changes {
    /// Logs since the last poll.
    Logs(Vec<Log>),
    /// Hashes of the blocks since the last poll.
    Blocks(Vec<B256>),
}

impl Node {
    /// `eth_newFilter` (`Some`) or `eth_newBlockFilter` (`None`): changes
    /// are reported from the next block on.
    pub fn new_filter(&mut self, filter: Option<Filter>) -> u64 {
        let filters = &mut self.filters;
        filters.next_id += 1;
        let watch = filter.map_or(Watch::Blocks, |f| Watch::Logs(Box::new(f)));
        filters
            .installed
            .insert(filters.next_id, (watch, self.chain.head_number()));
        filters.next_id
    }

    /// `eth_uninstallFilter`: whether the filter existed.
    pub fn uninstall_filter(&mut self, id: u64) -> bool {
        self.filters.installed.remove(&id).is_some()
    }

    /// `eth_getFilterChanges`: what came since the last poll (blocks undone
    /// by `evm_revert` move the cursor back).
    ///
    /// Errors: an unknown filter.
    pub fn filter_changes(&mut self, id: u64) -> Result<Changes, RpcError> {
        let head = self.chain.head_number();
        let (watch, seen) = self
            .filters
            .installed
            .get_mut(&id)
            .ok_or_else(|| RpcError::server(format!("filter {id} not found")))?;
        let from = (*seen).min(head) + 1;
        *seen = head;
        Ok(match watch {
            Watch::Logs(filter) => Changes::Logs(self.chain.logs(from, head, filter)),
            Watch::Blocks => Changes::Blocks(
                (from..=head)
                    .filter_map(|n| self.chain.block(n).map(|b| b.hash))
                    .collect(),
            ),
        })
    }

    /// `eth_getFilterLogs`: every log of a log filter's block range.
    ///
    /// Errors: an unknown filter or a block filter.
    pub fn filter_logs(&self, id: u64) -> Result<Vec<Log>, RpcError> {
        match self.filters.installed.get(&id) {
            Some((Watch::Logs(filter), _)) => self.logs_of(filter),
            Some((Watch::Blocks, _)) => Err(RpcError::invalid_params(format!(
                "filter {id} watches blocks, not logs"
            ))),
            None => Err(RpcError::server(format!("filter {id} not found"))),
        }
    }

    /// The logs `filter` selects over its block range or block hash.
    ///
    /// Errors: an unknown block hash, or a range that ends before it starts.
    pub fn logs_of(&self, filter: &Filter) -> Result<Vec<Log>, RpcError> {
        let head = self.chain.head_number();
        let (from, to) = match filter.block_option {
            FilterBlockOption::AtBlockHash(hash) => match self.chain.block_by_hash(hash) {
                Some(block) => (block.header.number, block.header.number),
                None => return Err(RpcError::server(format!("unknown block {hash}"))),
            },
            FilterBlockOption::Range {
                from_block,
                to_block,
            } => {
                let at = |tag: Option<alloy_eips::BlockNumberOrTag>| {
                    tag.and_then(|t| self.resolve(t)).unwrap_or(head)
                };
                (at(from_block), at(to_block))
            }
        };
        if from > to {
            return Err(RpcError::invalid_params(format!(
                "fromBlock {from} is after toBlock {to}"
            )));
        }
        Ok(self.chain.logs(from, to, filter))
    }
}

//! `keel node`: the devnet behind a standard Ethereum JSON-RPC endpoint, so
//! that real clients (alloy, cast, viem, ethers) deploy and drive Keel
//! locally.
//!
//! - [`Node`] owns the chain: the devnet's world, the block history
//!   ([`chain`]), the dev accounts, snapshots and the state file
//!   ([`journal`]). Each accepted transaction is mined at once in its own
//!   block (anvil's automine).
//! - Programs deployed by transaction run as their wasm on the devnet's
//!   wasm backend, metered as Nitro meters them: receipts carry that gas.
//!   The chain contracts a Stylus deployment touches (ArbWasm at `0x71`,
//!   the StylusDeployer, the CREATE2 factory) are emulated natively at
//!   their canonical addresses ([`system`], [`factories`]); there is no EVM, so EVM
//!   bytecode (Solidity contracts) cannot be deployed or run.
//! - [`methods`] maps the JSON-RPC methods onto the node, [`rpc`] frames
//!   them, [`http`] serves them over HTTP/1.1; [`tx`] decodes and checks
//!   signed transactions, [`unlocked`] signs for the dev accounts, [`dev`]
//!   has the dev methods.

pub mod accounts;
pub mod chain;
pub mod code;
pub mod dev;
pub mod exec;
pub mod factories;
pub mod filters;
pub mod http;
pub mod journal;
pub mod methods;
pub mod pools;
pub mod rpc;
pub mod system;
#[cfg(test)]
mod tests;
pub mod tx;
pub mod unlocked;

use crate::chain::stylus::ARB_WASM;
use crate::config::validate::{CANONICAL_CREATE2_FACTORY, CANONICAL_STYLUS_DEPLOYER};
use crate::plan::Externals;
use alloy_primitives::{Address, U256};
use anyhow::Result;
use chain::Chain;
use code::WasmCache;
use journal::{Entry, Journal};
use keel_devnet::Devnet;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{SystemTime, UNIX_EPOCH};

/// How to start a node.
#[derive(Debug, Clone, Default)]
pub struct NodeOptions {
    /// Deploy the example market's mock tokens and feeds at genesis.
    pub with_mocks: bool,
    /// The state file: replayed at start when it exists, appended to after.
    pub state: Option<PathBuf>,
}

/// A running chain: the devnet, its blocks, dev accounts and snapshots.
pub struct Node {
    net: Devnet,
    chain: Chain,
    cache: Rc<WasmCache>,
    /// Seconds added to the wall clock (`evm_increaseTime`).
    time_offset_seconds: u64,
    snapshots: Vec<dev::NodeSnapshot>,
    next_snapshot_id: u64,
    journal: Journal,
    filters: filters::Filters,
    /// The mocks deployed at genesis, with `--with-mocks`, and a pool per
    /// collateral.
    mocks: Option<(Externals, Vec<Address>)>,
}

impl Node {
    /// Starts a chain: the system contracts, the funded dev accounts, the
    /// mocks if asked, then every block of the state file replayed.
    ///
    /// Errors: an unreadable state file or one whose replay fails.
    pub fn start(options: &NodeOptions) -> Result<Self> {
        let (journal, recorded) = Journal::open(options.state.as_deref())?;
        let genesis = match recorded.first() {
            None => None,
            Some(Entry::Genesis {
                timestamp,
                with_mocks,
            }) => Some((*timestamp, *with_mocks)),
            Some(_) => anyhow::bail!("the state file does not start with its genesis"),
        };
        let (timestamp, with_mocks) = genesis.unwrap_or((wall_clock_seconds(), options.with_mocks));
        let mut node = Self {
            net: Devnet::new(),
            chain: Chain::default(),
            cache: Rc::default(),
            time_offset_seconds: 0,
            snapshots: Vec::new(),
            next_snapshot_id: 1,
            journal,
            filters: filters::Filters::default(),
            mocks: None,
        };
        node.genesis(timestamp, with_mocks)?;
        node.replay(&recorded)?;
        node.journal.start_recording();
        if genesis.is_none() {
            node.journal.append(Entry::Genesis {
                timestamp,
                with_mocks,
            })?;
        }
        Ok(node)
    }

    fn genesis(&mut self, timestamp: u64, with_mocks: bool) -> Result<()> {
        self.net.set_timestamp(timestamp);
        let cache = &self.cache;
        self.net.set_code(
            ARB_WASM,
            system::ArbWasmPrecompile {
                cache: cache.clone(),
            },
        );
        let deployer = factories::StylusDeployerContract {
            cache: cache.clone(),
        };
        self.net.set_code(CANONICAL_STYLUS_DEPLOYER, deployer);
        let factory = factories::Create2Factory {
            cache: cache.clone(),
        };
        self.net.set_code(CANONICAL_CREATE2_FACTORY, factory);
        for account in accounts::dev_accounts() {
            self.net
                .set_balance(account.address, accounts::dev_balance_wei());
        }
        if with_mocks {
            let file = crate::config::parse(crate::demo::EXAMPLE_CONFIG)?;
            let params = crate::config::validate::validate(&file)?;
            let externals = crate::devnet::deploy_mocks(&mut self.net, &params)?;
            let pools = pools::deploy_pools(&mut self.net, &params, &externals)?;
            self.mocks = Some((externals, pools));
        }
        let base_fee = self.base_fee_wei();
        self.chain.mine(timestamp, base_fee, Vec::new());
        Ok(())
    }

    fn replay(&mut self, entries: &[Entry]) -> Result<()> {
        for (line, entry) in entries.iter().enumerate().skip(1) {
            let replayed = match entry {
                Entry::Genesis { .. } => Err(rpc::RpcError::server("a second genesis")),
                Entry::Block { timestamp, txs } => self.replay_block(*timestamp, txs),
                Entry::SetBalance { address, wei } => {
                    self.net.set_balance(*address, *wei);
                    Ok(())
                }
            };
            replayed
                .map_err(|e| anyhow::anyhow!("state file, line {}: {}", line + 1, e.message))?;
        }
        Ok(())
    }

    /// Mines a recorded block again (the node mines one transaction a block).
    fn replay_block(
        &mut self,
        timestamp: u64,
        txs: &[alloy_primitives::Bytes],
    ) -> Result<(), rpc::RpcError> {
        match txs {
            [] => {
                self.mine_empty(timestamp);
                Ok(())
            }
            [raw] => self.execute_and_mine(tx::SignedTx::decode(raw)?, timestamp),
            _ => Err(rpc::RpcError::server(
                "a block of more than one transaction",
            )),
        }
    }

    /// The mocks deployed at genesis (`--with-mocks`) and the collaterals'
    /// pools.
    pub fn mocks(&self) -> Option<&(Externals, Vec<Address>)> {
        self.mocks.as_ref()
    }

    /// The chain id (Nitro's local dev chain, 412346).
    pub fn chain_id(&self) -> u64 {
        self.net.block_env().chain_id
    }

    /// The base fee, wei (0.01 gwei, Arbitrum's minimum).
    pub fn base_fee_wei(&self) -> u64 {
        u64::try_from(self.net.block_env().basefee).unwrap_or(u64::MAX)
    }

    /// The timestamp the next block gets: the wall clock plus the
    /// `evm_increaseTime` offset, never before the latest block.
    fn next_timestamp(&self) -> u64 {
        let now = wall_clock_seconds().saturating_add(self.time_offset_seconds);
        now.max(self.chain.head_timestamp())
    }

    /// Balance of `address`, wei.
    pub fn balance(&self, address: Address) -> U256 {
        self.net.balance(address)
    }
}

fn wall_clock_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What `keel node` prints at start: the endpoint, the dev accounts with
/// their keys, and the mocks' addresses.
pub fn banner(node: &Node, url: &str) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "keel node: chain id {}, Stylus programs on the wasm backend (Nitro's metering)",
        node.chain_id()
    );
    let _ = writeln!(
        out,
        "dev accounts ({} ETH each; the keys are public, for local use only):",
        accounts::DEV_BALANCE_ETHER
    );
    for (i, account) in accounts::dev_accounts().iter().enumerate() {
        let _ = writeln!(out, "  ({i}) {} key {}", account.address, account.key);
    }
    if let Some((mocks, pools)) = node.mocks() {
        let _ = writeln!(
            out,
            "mocks of deploy/markets/example.toml (open mint, settable answers), pools of {} base tokens:",
            pools::POOL_DEPTH_BASE
        );
        let _ = writeln!(out, "  base token: {}", mocks.base);
        for (i, (c, pool)) in mocks.collaterals.iter().zip(pools).enumerate() {
            let _ = writeln!(
                out,
                "  collateral {i}: token {} feed {} base feed {} pool {pool}",
                c.token, c.feed, c.base_feed
            );
        }
    }
    if let Some(first) = accounts::dev_accounts()
        .first()
        .filter(|_| node.mocks().is_some())
    {
        let _ = writeln!(
            out,
            "deploy the example market on it: KEEL_PRIVATE_KEY={} keel deploy deploy/markets/example.toml --rpc {url} --state example.node.json",
            first.key
        );
    }
    let _ = writeln!(out, "listening on {url}");
    out
}

/// `keel node`: starts the chain, binds `host:port` (port 0: any free
/// port), prints the banner and serves until the process ends.
///
/// Errors: the state file, the configuration of the mocks, or the port.
pub fn run(options: &NodeOptions, host: &str, port: u16) -> Result<()> {
    let mut node = Node::start(options)?;
    let listener = std::net::TcpListener::bind((host, port))
        .map_err(|e| anyhow::anyhow!("binding {host}:{port}: {e}"))?;
    let url = format!("http://{}", listener.local_addr()?);
    print!("{}", banner(&node, &url));
    http::serve(listener, &mut node);
    Ok(())
}

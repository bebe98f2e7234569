//! `keel keeper --rpc`: the keeper polling a chain: discover borrowers from
//! new `Borrow` logs, re-read every position, act, print each decision as a
//! JSON line, sleep, again.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use alloy_network::EthereumWallet;
use alloy_primitives::Address;
use alloy_provider::ProviderBuilder;
use alloy_signer_local::PrivateKeySigner;
use anyhow::{Context, Result};

use crate::book::PositionBook;
use crate::chain::Chain;
use crate::keeper::Keeper;
use crate::rpc_chain::RpcChain;
use crate::scenario::LiquidatorParams;

/// Where and how the keeper runs against a node.
pub struct RpcKeeper {
    /// JSON-RPC endpoint.
    pub url: String,
    /// The market.
    pub market: Address,
    /// The market's base asset.
    pub base: Address,
    /// Collateral token -> the pool its seizures are sold into.
    pub pools: BTreeMap<Address, Address>,
    /// First block whose `Borrow` logs are read.
    pub from_block: u64,
    /// Gas cost, minimum profit and reaction delay (capital is the wallet's).
    pub params: LiquidatorParams,
    /// Polls before stopping (`None`: forever).
    pub polls: Option<u64>,
    /// Pause between polls.
    pub interval: Duration,
}

/// Runs the keeper with `signer`'s wallet against `target.url`, printing
/// decisions on stdout.
///
/// Errors: a malformed URL, an RPC failure.
pub fn run_rpc(target: RpcKeeper, signer: PrivateKeySigner) -> Result<()> {
    let url = target
        .url
        .parse()
        .with_context(|| format!("RPC URL {}", target.url))?;
    let address = signer.address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(url);
    let mut chain = RpcChain::new(
        provider,
        target.market,
        target.base,
        target.pools,
        target.from_block,
    )?;
    let mut keeper = Keeper::new(address, target.params, chain.base_decimals()?);
    let mut book = PositionBook::new();
    let stdout = std::io::stdout();
    poll(
        &mut chain,
        &mut book,
        &mut keeper,
        target.polls,
        target.interval,
        &mut stdout.lock(),
    )
}

/// The polling loop over any [`Chain`].
pub fn poll(
    chain: &mut dyn Chain,
    book: &mut PositionBook,
    keeper: &mut Keeper,
    polls: Option<u64>,
    interval: Duration,
    out: &mut dyn Write,
) -> Result<()> {
    let mut done = 0u64;
    while polls.is_none_or(|n| done < n) {
        book.discover(chain)?;
        book.refresh_all(chain)?;
        let collaterals = chain.collaterals()?;
        let block = chain.block_number()?;
        for decision in keeper.step(chain, book, &collaterals, block)? {
            writeln!(out, "{}", serde_json::to_string(&decision)?)?;
        }
        done += 1;
        if polls.is_none_or(|n| done < n) {
            std::thread::sleep(interval);
        }
    }
    Ok(())
}

//! [`Chain`] on the in-process devnet: every transaction goes through
//! [`DevnetChain::send`] or [`Chain::transact`], which index the market's
//! `Borrow` events the way a bot's event subscription would.

use std::collections::BTreeSet;

use alloy_primitives::{Address, Log, U256};
use alloy_sol_types::{SolCall, SolInterface};
use anyhow::{anyhow, Context, Result};
use keel_bindings::IKeelMarket;
use keel_devnet::Revert;

use crate::chain::{CallOutcome, Chain, SendOutcome, Sent};
use crate::market::SimMarket;

/// The devnet market plus one pool per collateral (same order).
pub struct DevnetChain {
    /// The market and its mocks.
    pub m: SimMarket,
    /// The constant-product pool of each collateral against the base asset.
    pub pools: Vec<Address>,
    known_borrowers: BTreeSet<Address>,
    unseen_borrowers: Vec<Address>,
}

/// A revert as text: the market's named error when it is one.
pub fn revert_reason(revert: &Revert) -> String {
    match IKeelMarket::IKeelMarketErrors::abi_decode(&revert.data) {
        Ok(error) => format!("{error:?}"),
        Err(_) => revert.to_string(),
    }
}

impl DevnetChain {
    /// Wraps a deployed market and its pools.
    pub fn new(m: SimMarket, pools: Vec<Address>) -> Self {
        Self {
            m,
            pools,
            known_borrowers: BTreeSet::new(),
            unseen_borrowers: Vec::new(),
        }
    }

    /// Sends a transaction and indexes the market's `Borrow` events.
    pub fn send<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> std::result::Result<C::Return, Revert> {
        let result = self.m.net.call(from, to, call);
        if result.is_ok() {
            self.index_borrowers();
        }
        result
    }

    fn index_borrowers(&mut self) {
        let Some(receipt) = self.m.net.last_receipt() else {
            return;
        };
        for (emitter, event) in receipt.events_from::<IKeelMarket::Borrow>() {
            if emitter == self.m.market && self.known_borrowers.insert(event.onBehalf) {
                self.unseen_borrowers.push(event.onBehalf);
            }
        }
    }

    /// A view of the market.
    pub fn market_view<C: SolCall>(&mut self, call: &C) -> Result<C::Return> {
        let market = self.m.market;
        self.m
            .net
            .view(market, call)
            .map_err(|r| anyhow!("{}: {}", C::SIGNATURE, revert_reason(&r)))
    }
}

impl Chain for DevnetChain {
    fn now(&mut self) -> Result<u64> {
        Ok(self.m.net.timestamp())
    }

    fn block_number(&mut self) -> Result<u64> {
        Ok(self.m.net.block_env().number)
    }

    fn new_borrowers(&mut self) -> Result<Vec<Address>> {
        Ok(std::mem::take(&mut self.unseen_borrowers))
    }

    fn market_address(&self) -> Address {
        self.m.market
    }

    fn base_asset(&self) -> Address {
        self.m.base
    }

    fn pool_of(&self, token: Address) -> Result<Address> {
        let index = self
            .m
            .collaterals
            .iter()
            .position(|c| c.token == token)
            .context("not a collateral of the market")?;
        Ok(self.pools[index])
    }

    fn static_call(&mut self, to: Address, data: Vec<u8>) -> Result<CallOutcome> {
        let receipt = self.m.net.static_call(Address::ZERO, to, &data);
        Ok(match receipt.success {
            true => Ok(receipt.output),
            false => Err(revert_reason(&Revert {
                data: receipt.output,
            })),
        })
    }

    fn transact(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<SendOutcome> {
        let receipt = self.m.net.transact(from, to, U256::ZERO, &data);
        if !receipt.success {
            let revert = Revert {
                data: receipt.output,
            };
            return Ok(Err(revert_reason(&revert)));
        }
        self.index_borrowers();
        let logs = receipt
            .logs
            .into_iter()
            .map(|log| Log::new_unchecked(log.address, log.topics, log.data))
            .collect();
        Ok(Ok(Sent {
            output: receipt.output,
            logs,
        }))
    }
}

//! [`Chain`] over JSON-RPC with alloy, for a keeper or watcher on a real
//! node: views are `eth_call`s, borrowers come from the market's `Borrow`
//! logs, and every transaction is simulated first (a revert costs nothing
//! and its reason is the market's named error) before it is sent from the
//! provider's wallet.

use std::collections::{BTreeMap, BTreeSet};

use alloy_network::TransactionBuilder;
use alloy_primitives::{Address, Bytes};
use alloy_provider::Provider;
use alloy_rpc_types_eth::{BlockNumberOrTag, Filter, TransactionReceipt, TransactionRequest};
use alloy_sol_types::{SolEvent, SolInterface};
use anyhow::{anyhow, bail, Context, Result};
use keel_bindings::IKeelMarket;
use keel_mocks::abi::IERC20;

use crate::chain::{CallOutcome, Chain, SendOutcome, Sent};

/// A market, its base asset and a pool per collateral, over a provider.
pub struct RpcChain<P> {
    provider: P,
    runtime: tokio::runtime::Runtime,
    market: Address,
    base: Address,
    /// Collateral token -> the pool the keeper sells it into.
    pools: BTreeMap<Address, Address>,
    next_log_block: u64,
    known_borrowers: BTreeSet<Address>,
}

/// What a simulated call said: its return data, or the revert as text.
enum Simulated {
    Returned(Bytes),
    Reverted(String),
}

impl<P: Provider> RpcChain<P> {
    /// Reads `market` through `provider` (with a wallet filler for sending),
    /// discovering borrowers from `from_block` on.
    ///
    /// Errors: the runtime cannot start.
    pub fn new(
        provider: P,
        market: Address,
        base: Address,
        pools: BTreeMap<Address, Address>,
        from_block: u64,
    ) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Self {
            provider,
            runtime,
            market,
            base,
            pools,
            next_log_block: from_block,
            known_borrowers: BTreeSet::new(),
        })
    }

    /// `decimals()` of the base asset.
    ///
    /// Errors: the call fails.
    pub fn base_decimals(&mut self) -> Result<u8> {
        let base = self.base;
        crate::chain::view(self, base, &IERC20::decimalsCall {})
    }

    /// `eth_call` of `data` on `to` from `from`: transport failures are
    /// errors, reverts are [`Simulated::Reverted`].
    fn simulate_raw(&self, from: Address, to: Address, data: Vec<u8>) -> Result<Simulated> {
        let request = request(from, to, data);
        let outcome = self
            .runtime
            .block_on(async { self.provider.call(request).await });
        match outcome {
            Ok(data) => Ok(Simulated::Returned(data)),
            Err(error) => match error.as_error_resp().and_then(|e| e.as_revert_data()) {
                Some(data) => Ok(Simulated::Reverted(revert_text(&data))),
                None if error.as_error_resp().is_some() => {
                    Ok(Simulated::Reverted(error.to_string()))
                }
                None => Err(anyhow!(error)).context("eth_call"),
            },
        }
    }

    /// Simulates, then sends from `from` and waits for a successful receipt;
    /// `Ok(Err(reason))` when the simulation reverts (nothing is sent).
    fn send(
        &self,
        from: Address,
        to: Address,
        data: Vec<u8>,
    ) -> Result<std::result::Result<(Bytes, TransactionReceipt), String>> {
        let returned = match self.simulate_raw(from, to, data.clone())? {
            Simulated::Returned(returned) => returned,
            Simulated::Reverted(reason) => return Ok(Err(reason)),
        };
        let receipt = self.runtime.block_on(async {
            let pending = self
                .provider
                .send_transaction(request(from, to, data))
                .await?;
            anyhow::Ok(pending.get_receipt().await?)
        })?;
        if !receipt.status() {
            bail!(
                "transaction to {to} reverted on chain in {}",
                receipt.transaction_hash
            );
        }
        Ok(Ok((returned, receipt)))
    }
}

fn request(from: Address, to: Address, data: Vec<u8>) -> TransactionRequest {
    TransactionRequest::default()
        .with_from(from)
        .with_to(to)
        .with_input(data)
}

/// Revert data as the market's named error when it is one.
fn revert_text(data: &[u8]) -> String {
    match IKeelMarket::IKeelMarketErrors::abi_decode(data) {
        Ok(error) => format!("{error:?}"),
        Err(_) => format!("reverted with 0x{}", alloy_primitives::hex::encode(data)),
    }
}

impl<P: Provider> Chain for RpcChain<P> {
    fn now(&mut self) -> Result<u64> {
        let latest = self.runtime.block_on(async {
            self.provider
                .get_block_by_number(BlockNumberOrTag::Latest)
                .await
        })?;
        Ok(latest.context("no latest block")?.header.timestamp)
    }

    fn block_number(&mut self) -> Result<u64> {
        Ok(self
            .runtime
            .block_on(async { self.provider.get_block_number().await })?)
    }

    fn new_borrowers(&mut self) -> Result<Vec<Address>> {
        let latest = self.block_number()?;
        if latest < self.next_log_block {
            return Ok(Vec::new());
        }
        let filter = Filter::new()
            .address(self.market)
            .event_signature(IKeelMarket::Borrow::SIGNATURE_HASH)
            .from_block(self.next_log_block)
            .to_block(latest);
        let logs = self
            .runtime
            .block_on(async { self.provider.get_logs(&filter).await })?;
        self.next_log_block = latest + 1;
        let mut new = Vec::new();
        for log in logs {
            let borrower = log.log_decode::<IKeelMarket::Borrow>()?.inner.data.onBehalf;
            if self.known_borrowers.insert(borrower) {
                new.push(borrower);
            }
        }
        Ok(new)
    }

    fn market_address(&self) -> Address {
        self.market
    }

    fn base_asset(&self) -> Address {
        self.base
    }

    fn pool_of(&self, token: Address) -> Result<Address> {
        self.pools
            .get(&token)
            .copied()
            .context("no pool configured for the collateral")
    }

    fn static_call(&mut self, to: Address, data: Vec<u8>) -> Result<CallOutcome> {
        Ok(match self.simulate_raw(Address::ZERO, to, data)? {
            Simulated::Returned(data) => Ok(data),
            Simulated::Reverted(reason) => Err(reason),
        })
    }

    fn transact(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<SendOutcome> {
        Ok(self.send(from, to, data)?.map(|(output, receipt)| Sent {
            output,
            logs: receipt
                .inner
                .logs()
                .iter()
                .map(|l| l.inner.clone())
                .collect(),
        }))
    }
}

/// A chain on alloy's mocked transport, for the tests of this crate: the
/// answers are queued on the [`Asserter`] in the order the calls are made.
///
/// [`Asserter`]: alloy_provider::mock::Asserter
#[cfg(test)]
pub(crate) mod mocked {
    use super::*;
    use alloy_json_rpc::ErrorPayload;
    use alloy_primitives::{address, U256};
    use alloy_provider::mock::Asserter;
    use alloy_provider::ProviderBuilder;

    pub(crate) const MARKET: Address = address!("00000000000000000000000000000000000000aa");
    pub(crate) const BASE: Address = address!("00000000000000000000000000000000000000ba");
    pub(crate) const ALICE: Address = address!("00000000000000000000000000000000000000a1");

    /// The market at [`MARKET`] over `asserter`, reading logs from block 5.
    pub(crate) fn chain(asserter: &Asserter) -> RpcChain<impl Provider> {
        let provider = ProviderBuilder::new().connect_mocked_client(asserter.clone());
        RpcChain::new(provider, MARKET, BASE, BTreeMap::new(), 5).unwrap()
    }

    /// What a node answers for a reverted `eth_call`.
    pub(crate) fn revert(data: &[u8]) -> ErrorPayload {
        let hex = format!("0x{}", alloy_primitives::hex::encode(data));
        ErrorPayload {
            code: 3,
            message: "execution reverted".into(),
            data: Some(serde_json::value::to_raw_value(&hex).unwrap()),
        }
    }

    /// A `Borrow` log of the market for `on_behalf`.
    pub(crate) fn borrow_log(on_behalf: Address) -> alloy_rpc_types_eth::Log {
        let event = IKeelMarket::Borrow {
            caller: on_behalf,
            onBehalf: on_behalf,
            receiver: on_behalf,
            assets: U256::from(10),
            shares: U256::from(10),
        };
        alloy_rpc_types_eth::Log {
            inner: alloy_primitives::Log {
                address: MARKET,
                data: event.encode_log_data(),
            },
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::mocked::*;
    use super::*;
    use alloy_primitives::{address, U256, U64};
    use alloy_provider::mock::Asserter;
    use alloy_sol_types::SolCall;

    #[test]
    fn account_snapshot_decodes_and_a_revert_is_no_snapshot() {
        let asserter = Asserter::new();
        let snapshot = IKeelMarket::accountSnapshotReturn {
            supplyShares: U256::ZERO,
            supplyAssets: U256::ZERO,
            borrowShares: U256::from(7),
            debtAssets: U256::from(1_000),
            collateralBalances: vec![U256::from(3)],
            collateralValue: U256::from(1_500),
            borrowPower: U256::from(1_200),
            liquidationValue: U256::from(1_300),
            healthFactor: U256::from(13u64) * U256::from(10u64).pow(U256::from(17u64)),
            liquidationPrices: vec![U256::from(99)],
        };
        let encoded = IKeelMarket::accountSnapshotCall::abi_encode_returns(&snapshot);
        asserter.push_success(&Bytes::from(encoded));
        let stale = IKeelMarket::PriceStale {
            feed: BASE,
            updatedAt: U256::from(1),
            heartbeat: U256::from(60),
        };
        asserter.push_failure(revert(&alloy_sol_types::SolError::abi_encode(&stale)));
        let mut chain = chain(&asserter);
        let view = chain.account(ALICE).unwrap().unwrap();
        assert_eq!((view.account, view.debt_assets), (ALICE, U256::from(1_000)));
        assert_eq!(view.liquidation_prices_36, vec![U256::from(99)]);
        assert_eq!(chain.account(ALICE).unwrap(), None);
    }

    #[test]
    fn a_reverting_liquidation_is_not_sent_and_names_the_error() {
        let asserter = Asserter::new();
        let healthy = IKeelMarket::PositionHealthy {
            healthFactorWad: U256::from(2u64),
        };
        asserter.push_failure(revert(&alloy_sol_types::SolError::abi_encode(&healthy)));
        let mut chain = chain(&asserter);
        let outcome = chain.liquidate(ALICE, ALICE, BASE, U256::MAX).unwrap();
        assert!(outcome.unwrap_err().contains("PositionHealthy"));
        // Only the simulation was asked for: no transaction was sent.
        assert!(asserter.read_q().is_empty());
    }

    #[test]
    fn a_flash_liquidation_below_its_floor_is_not_sent() {
        let asserter = Asserter::new();
        // The market wraps the pool's refusal inside the callback.
        let refused = IKeelMarket::LiquidationCallbackFailed {
            liquidator: ALICE,
            reason: alloy_primitives::FixedBytes([0x01, 0x02, 0x03, 0x04]),
        };
        asserter.push_failure(revert(&alloy_sol_types::SolError::abi_encode(&refused)));
        let pool = address!("00000000000000000000000000000000000000c5");
        let provider =
            alloy_provider::ProviderBuilder::new().connect_mocked_client(asserter.clone());
        let mut chain =
            RpcChain::new(provider, MARKET, BASE, BTreeMap::from([(BASE, pool)]), 5).unwrap();
        let floor = U256::from(1_000);
        let outcome = chain.flash_liquidate(ALICE, ALICE, ALICE, BASE, U256::MAX, floor);
        assert!(outcome
            .unwrap()
            .unwrap_err()
            .contains("LiquidationCallbackFailed"));
        // Only the simulation was asked for: no transaction was sent.
        assert!(asserter.read_q().is_empty());
    }

    #[test]
    fn a_flash_liquidation_needs_the_collaterals_pool() {
        let asserter = Asserter::new();
        let mut chain = chain(&asserter);
        let outcome = chain.flash_liquidate(ALICE, ALICE, ALICE, BASE, U256::MAX, U256::ZERO);
        assert!(outcome.unwrap_err().to_string().contains("no pool"));
    }

    #[test]
    fn borrowers_come_from_borrow_logs_once_each() {
        let asserter = Asserter::new();
        let borrow = borrow_log;
        let bob = address!("00000000000000000000000000000000000000b2");
        asserter.push_success(&U64::from(9));
        asserter.push_success(&vec![borrow(ALICE), borrow(bob), borrow(ALICE)]);
        let mut chain = chain(&asserter);
        assert_eq!(chain.new_borrowers().unwrap(), vec![ALICE, bob]);
        // No new block: no query.
        asserter.push_success(&U64::from(9));
        assert!(chain.new_borrowers().unwrap().is_empty());
        assert_eq!(chain.next_log_block, 10);
    }
}

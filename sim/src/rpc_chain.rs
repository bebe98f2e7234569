//! [`Chain`] over JSON-RPC with alloy, for a keeper or watcher on a real
//! node: views are `eth_call`s, borrowers come from the market's `Borrow`
//! logs, and every transaction is simulated first (a revert costs nothing
//! and its reason is the market's named error) before it is sent from the
//! provider's wallet.

use std::collections::{BTreeMap, BTreeSet};

use alloy_network::TransactionBuilder;
use alloy_primitives::{Address, Bytes, U256};
use alloy_provider::Provider;
use alloy_rpc_types_eth::{BlockNumberOrTag, Filter, TransactionReceipt, TransactionRequest};
use alloy_sol_types::{SolCall, SolEvent, SolInterface};
use anyhow::{anyhow, bail, Context, Result};
use keel_bindings::IKeelMarket;
use keel_mocks::abi::{IConstantProductPool, IERC20};

use crate::chain::{liquidate_call, CallOutcome, Chain, LiquidationDone};

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
    fn send<C: SolCall>(
        &self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<std::result::Result<(C::Return, TransactionReceipt), String>> {
        let returned = match self.simulate_raw(from, to, call.abi_encode())? {
            Simulated::Returned(data) => C::abi_decode_returns(&data)?,
            Simulated::Reverted(reason) => return Ok(Err(reason)),
        };
        let receipt = self.runtime.block_on(async {
            let pending = self
                .provider
                .send_transaction(request(from, to, call.abi_encode()))
                .await?;
            anyhow::Ok(pending.get_receipt().await?)
        })?;
        if !receipt.status() {
            bail!(
                "{} reverted on chain in {}",
                C::SIGNATURE,
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

/// The events `E` a receipt's logs hold.
fn events<E: SolEvent>(receipt: &TransactionReceipt) -> Vec<E> {
    receipt
        .inner
        .logs()
        .iter()
        .filter_map(|log| log.log_decode::<E>().ok().map(|l| l.inner.data))
        .collect()
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

    fn liquidate(
        &mut self,
        liquidator: Address,
        borrower: Address,
        token: Address,
        max_repay_assets: U256,
    ) -> Result<std::result::Result<LiquidationDone, String>> {
        let call = liquidate_call(borrower, token, max_repay_assets, liquidator);
        let (_, receipt) = match self.send(liquidator, self.market, &call)? {
            Ok(sent) => sent,
            Err(reason) => return Ok(Err(reason)),
        };
        // The receipt's event, not the simulation: the state may have moved.
        let done = events::<IKeelMarket::Liquidate>(&receipt)
            .pop()
            .context("liquidate succeeded without a Liquidate event")?;
        let bad_debt = events::<IKeelMarket::BadDebt>(&receipt)
            .iter()
            .fold(U256::ZERO, |sum, e| sum.saturating_add(e.assets));
        Ok(Ok(LiquidationDone {
            repaid_assets: done.repaidAssets,
            seized_collateral: done.seizedCollateral,
            bad_debt_assets: bad_debt,
        }))
    }

    fn sell(
        &mut self,
        seller: Address,
        token: Address,
        amount: U256,
        min_out: U256,
    ) -> Result<U256> {
        let pool = self.pool_of(token)?;
        let approve = IERC20::approveCall {
            spender: pool,
            amount,
        };
        self.send(seller, token, &approve)?
            .map_err(|r| anyhow!("approve: {r}"))?;
        let before = self.base_balance(seller)?;
        let swap = IConstantProductPool::swapCall {
            tokenIn: token,
            amountIn: amount,
            minAmountOut: min_out,
            to: seller,
        };
        self.send(seller, pool, &swap)?
            .map_err(|r| anyhow!("swap: {r}"))?;
        // What arrived, not what the simulation said.
        Ok(self.base_balance(seller)?.saturating_sub(before))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_json_rpc::ErrorPayload;
    use alloy_primitives::{address, U64};
    use alloy_provider::mock::Asserter;
    use alloy_provider::ProviderBuilder;

    const MARKET: Address = address!("00000000000000000000000000000000000000aa");
    const BASE: Address = address!("00000000000000000000000000000000000000ba");
    const ALICE: Address = address!("00000000000000000000000000000000000000a1");

    fn chain(asserter: &Asserter) -> RpcChain<impl Provider> {
        let provider = ProviderBuilder::new().connect_mocked_client(asserter.clone());
        RpcChain::new(provider, MARKET, BASE, BTreeMap::new(), 5).unwrap()
    }

    /// What a node answers for a reverted `eth_call`.
    fn revert(data: &[u8]) -> ErrorPayload {
        let hex = format!("0x{}", alloy_primitives::hex::encode(data));
        ErrorPayload {
            code: 3,
            message: "execution reverted".into(),
            data: Some(serde_json::value::to_raw_value(&hex).unwrap()),
        }
    }

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
    fn borrowers_come_from_borrow_logs_once_each() {
        let asserter = Asserter::new();
        let borrow = |on_behalf: Address| {
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
        };
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

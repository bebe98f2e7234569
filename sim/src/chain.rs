//! What the keeper and the watcher need from a chain, as a trait: the
//! market's public ABI (`IKeelMarket`), one collateral pool per token to
//! sell seized collateral into, and the feeds' latest rounds. [`DevnetChain`]
//! implements it on the in-process devnet, [`RpcChain`] over JSON-RPC.
//!
//! An implementation gives the chain's primitives (time, logs, static calls,
//! transactions); the views, the liquidations and the pool sales are built
//! on them here, once. Every capital-based liquidation anywhere in this
//! crate is built by [`liquidate_call`]; a flash liquidation goes through
//! the keeper's flash-liquidator contract ([`Chain::flash_liquidate`]),
//! which builds the callback data on chain.
//!
//! [`DevnetChain`]: crate::devnet_chain::DevnetChain
//! [`RpcChain`]: crate::rpc_chain::RpcChain

use alloy_primitives::{Address, Bytes, Log, U256};
use alloy_sol_types::{SolCall, SolEvent};
use anyhow::{anyhow, bail, Context, Result};
use keel_bindings::IKeelMarket;
use keel_mocks::abi::{AggregatorV3Interface, IConstantProductPool, IMockFlashLiquidator, IERC20};

/// A position as `accountSnapshot` reports it (the fields the bots use).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountView {
    /// The borrower.
    pub account: Address,
    /// Debt, base smallest units (rounded up).
    pub debt_assets: U256,
    /// Balance per collateral, in listing order.
    pub collateral_balances: Vec<U256>,
    /// Collateral value in base units (rounded down).
    pub collateral_value: U256,
    /// LT-weighted collateral value in base units.
    pub liquidation_value: U256,
    /// Health factor, WAD (`U256::MAX` without debt).
    pub health_factor_wad: U256,
    /// Per collateral, the 1e36 price at which the position reaches HF 1
    /// (other prices unchanged); zero when not held.
    pub liquidation_prices_36: Vec<U256>,
}

impl From<(Address, IKeelMarket::accountSnapshotReturn)> for AccountView {
    fn from((account, s): (Address, IKeelMarket::accountSnapshotReturn)) -> Self {
        Self {
            account,
            debt_assets: s.debtAssets,
            collateral_balances: s.collateralBalances,
            collateral_value: s.collateralValue,
            liquidation_value: s.liquidationValue,
            health_factor_wad: s.healthFactor,
            liquidation_prices_36: s.liquidationPrices,
        }
    }
}

/// What `previewLiquidation` says a liquidation would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LiquidationPreview {
    /// Debt repaid by the liquidator, base units.
    pub repaid_assets: U256,
    /// Collateral leaving the borrower (liquidator's part plus the fee).
    pub seized_collateral: U256,
    /// The protocol's fee, collateral units.
    pub protocol_fee: U256,
    /// Collateral the liquidator receives.
    pub liquidator_collateral: U256,
    /// Debt written off by this liquidation, base units.
    pub bad_debt_assets: U256,
}

impl From<IKeelMarket::previewLiquidationReturn> for LiquidationPreview {
    fn from(p: IKeelMarket::previewLiquidationReturn) -> Self {
        Self {
            repaid_assets: p.repaidAssets,
            seized_collateral: p.seizedCollateral,
            protocol_fee: p.protocolFee,
            liquidator_collateral: p.liquidatorCollateral,
            bad_debt_assets: p.badDebtAssets,
        }
    }
}

/// What an executed liquidation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiquidationDone {
    /// Debt repaid, base units.
    pub repaid_assets: U256,
    /// Collateral seized from the borrower (the liquidator's part plus the fee).
    pub seized_collateral: U256,
    /// Debt written off in the same transaction (`BadDebt` event), base units.
    pub bad_debt_assets: U256,
}

/// The market's totals as `marketSnapshot` reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketView {
    /// Supplied base assets, with interest.
    pub total_supply_assets: U256,
    /// Borrowed base assets, with interest.
    pub total_borrow_assets: U256,
    /// Protocol reserves of the base asset.
    pub reserves: U256,
    /// Borrow / (supply + reserves), WAD.
    pub utilisation_wad: U256,
    /// Borrow APR, WAD.
    pub borrow_apr_wad: U256,
    /// Supply APR, WAD.
    pub supply_apr_wad: U256,
}

impl From<IKeelMarket::marketSnapshotReturn> for MarketView {
    fn from(m: IKeelMarket::marketSnapshotReturn) -> Self {
        Self {
            total_supply_assets: m.totalSupplyAssets,
            total_borrow_assets: m.totalBorrowAssets,
            reserves: m.reserves,
            utilisation_wad: m.utilisation,
            borrow_apr_wad: m.borrowApr,
            supply_apr_wad: m.supplyApr,
        }
    }
}

/// What a static call gave: its return data, or the revert as text (the
/// market's named error when it is one).
pub type CallOutcome = std::result::Result<Bytes, String>;

/// A transaction that went through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// What the call returned (over RPC: its simulation just before sending).
    pub output: Bytes,
    /// The logs it emitted, in order.
    pub logs: Vec<Log>,
}

/// A sent transaction, or its revert as text (then nothing was changed,
/// and over RPC nothing was sent).
pub type SendOutcome = std::result::Result<Sent, String>;

/// A liquidation's outcome: done, or the revert as text.
pub type LiquidationOutcome = std::result::Result<LiquidationDone, String>;

/// The market, its collateral pools and its feeds, as seen by a bot. An
/// implementation gives the chain's primitives (time, logs, static calls,
/// transactions); the market's views, liquidations and sales are provided
/// on top of them.
pub trait Chain {
    /// The latest block's timestamp, seconds.
    fn now(&mut self) -> Result<u64>;
    /// The latest block's number.
    fn block_number(&mut self) -> Result<u64>;
    /// Accounts that borrowed (`Borrow` events) since the previous call.
    fn new_borrowers(&mut self) -> Result<Vec<Address>>;
    /// The market's address.
    fn market_address(&self) -> Address;
    /// The market's base asset.
    fn base_asset(&self) -> Address;
    /// The pool collateral `token` is sold into.
    fn pool_of(&self, token: Address) -> Result<Address>;
    /// A static call (`eth_call`) of `data` on `to`: a transport failure is
    /// an error, a revert is `Ok(Err(reason))`.
    fn static_call(&mut self, to: Address, data: Vec<u8>) -> Result<CallOutcome>;
    /// Sends a transaction of `data` from `from` to `to`; a revert is
    /// `Ok(Err(reason))`, named when it is the market's error.
    fn transact(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<SendOutcome>;

    /// Sends `liquidate` from `liquidator` with its own capital (the call is
    /// [`liquidate_call`]); `Err` carries the revert.
    ///
    /// Errors: a transport failure, a success without a `Liquidate` event.
    fn liquidate(
        &mut self,
        liquidator: Address,
        borrower: Address,
        token: Address,
        max_repay_assets: U256,
    ) -> Result<LiquidationOutcome> {
        let market = self.market_address();
        let call = liquidate_call(borrower, token, max_repay_assets, liquidator);
        send_liquidation(self, liquidator, market, call.abi_encode())
    }

    /// Liquidates through `flash_liquidator` (a `MockFlashLiquidator`
    /// `keeper` deployed): the market sends it the collateral, it sells all
    /// of it into `token`'s pool for at least `min_sale_assets` inside the
    /// market's callback and repays from the sale; `Err` carries the revert.
    ///
    /// Errors: a transport failure, no pool for `token`, a success without
    /// a `Liquidate` event.
    fn flash_liquidate(
        &mut self,
        keeper: Address,
        flash_liquidator: Address,
        borrower: Address,
        token: Address,
        max_repay_assets: U256,
        min_sale_assets: U256,
    ) -> Result<LiquidationOutcome> {
        let call = IMockFlashLiquidator::liquidateCall {
            borrower,
            collateral: token,
            maxRepayAssets: max_repay_assets,
            pool: self.pool_of(token)?,
            minSaleAssets: min_sale_assets,
        };
        send_liquidation(self, keeper, flash_liquidator, call.abi_encode())
    }

    /// Sells `amount` of `token` from `seller` into its pool for at least
    /// `min_out` base units; returns what arrived (the balance's change,
    /// not what the pool said).
    ///
    /// Errors: no pool, a refused approval or swap, a transport failure.
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
        self.transact(seller, token, approve.abi_encode())?
            .map_err(|r| anyhow!("approve: {r}"))?;
        let before = self.base_balance(seller)?;
        let swap = IConstantProductPool::swapCall {
            tokenIn: token,
            amountIn: amount,
            minAmountOut: min_out,
            to: seller,
        };
        self.transact(seller, pool, swap.abi_encode())?
            .map_err(|r| anyhow!("swap: {r}"))?;
        Ok(self.base_balance(seller)?.saturating_sub(before))
    }

    /// The market's collaterals in listing order.
    fn collaterals(&mut self) -> Result<Vec<Address>> {
        let market = self.market_address();
        view(self, market, &IKeelMarket::collateralsCall {})
    }

    /// `accountSnapshot(account)`; `None` when the market refuses to price
    /// the position (a stale or invalid feed: the view reverts).
    fn account(&mut self, account: Address) -> Result<Option<AccountView>> {
        let market = self.market_address();
        let call = IKeelMarket::accountSnapshotCall { account };
        Ok(try_view(self, market, &call)?.map(|s| (account, s).into()))
    }

    /// `marketSnapshot()`.
    fn market(&mut self) -> Result<MarketView> {
        let market = self.market_address();
        Ok(view(self, market, &IKeelMarket::marketSnapshotCall {})?.into())
    }

    /// `previewLiquidation(borrower, token, max_repay_assets)`; `None` when
    /// the market refuses (healthy position, paused liquidation, stale price).
    fn preview_liquidation(
        &mut self,
        borrower: Address,
        token: Address,
        max_repay_assets: U256,
    ) -> Result<Option<LiquidationPreview>> {
        let market = self.market_address();
        let call = IKeelMarket::previewLiquidationCall {
            borrower,
            token,
            maxRepayAssets: max_repay_assets,
        };
        Ok(try_view(self, market, &call)?.map(Into::into))
    }

    /// The `updatedAt` of a feed's latest round, seconds.
    fn feed_updated_at(&mut self, feed: Address) -> Result<u64> {
        let round = view(self, feed, &AggregatorV3Interface::latestRoundDataCall {})?;
        Ok(u64::try_from(round.updatedAt).unwrap_or(u64::MAX))
    }

    /// The base-asset balance of `holder`.
    fn base_balance(&mut self, holder: Address) -> Result<U256> {
        let base = self.base_asset();
        view(self, base, &IERC20::balanceOfCall { account: holder })
    }

    /// What selling `amount` of collateral `token` into its pool pays now,
    /// base units.
    fn quote_sale(&mut self, token: Address, amount: U256) -> Result<U256> {
        let pool = self.pool_of(token)?;
        let call = IConstantProductPool::getAmountOutCall {
            tokenIn: token,
            amountIn: amount,
        };
        view(self, pool, &call)
    }
}

/// A view of `to` that must not revert, decoded.
///
/// Errors: a transport failure, a revert (named), undecodable return data.
pub fn view<C: SolCall, T: Chain + ?Sized>(
    chain: &mut T,
    to: Address,
    call: &C,
) -> Result<C::Return> {
    match chain.static_call(to, call.abi_encode())? {
        Ok(data) => Ok(C::abi_decode_returns(&data)?),
        Err(reason) => bail!("{}: {reason}", C::SIGNATURE),
    }
}

/// A view of `to` that may revert (`None`), decoded.
///
/// Errors: a transport failure, undecodable return data.
pub fn try_view<C: SolCall, T: Chain + ?Sized>(
    chain: &mut T,
    to: Address,
    call: &C,
) -> Result<Option<C::Return>> {
    match chain.static_call(to, call.abi_encode())? {
        Ok(data) => Ok(Some(C::abi_decode_returns(&data)?)),
        Err(_) => Ok(None),
    }
}

/// The events `E` that `emitter` logged.
pub fn events_from<E: SolEvent>(emitter: Address, logs: &[Log]) -> Vec<E> {
    logs.iter()
        .filter(|log| log.address == emitter)
        .filter_map(|log| E::decode_raw_log(log.topics().iter().copied(), &log.data.data).ok())
        .collect()
}

/// Sends `data` from `from` to `to`, a transaction that liquidates on the
/// market (directly or through a flash liquidator), and reads what it did.
fn send_liquidation<T: Chain + ?Sized>(
    chain: &mut T,
    from: Address,
    to: Address,
    data: Vec<u8>,
) -> Result<LiquidationOutcome> {
    let market = chain.market_address();
    match chain.transact(from, to, data)? {
        Ok(sent) => liquidation_done(market, &sent.logs).map(Ok),
        Err(reason) => Ok(Err(reason)),
    }
}

/// What a liquidation did, from the market's `Liquidate` and `BadDebt`
/// events (not from a simulation: the state may have moved since).
///
/// Errors: no `Liquidate` event of `market` in `logs`.
pub fn liquidation_done(market: Address, logs: &[Log]) -> Result<LiquidationDone> {
    let done = events_from::<IKeelMarket::Liquidate>(market, logs)
        .pop()
        .context("the liquidation succeeded without a Liquidate event")?;
    let bad_debt_assets = events_from::<IKeelMarket::BadDebt>(market, logs)
        .iter()
        .fold(U256::ZERO, |sum, e| sum.saturating_add(e.assets));
    Ok(LiquidationDone {
        repaid_assets: done.repaidAssets,
        seized_collateral: done.seizedCollateral,
        bad_debt_assets,
    })
}

/// The one place a capital-based `liquidate` call is built: the liquidator
/// pays the repaid debt from its balance and receives the collateral at
/// `receiver`. `data` is empty: no `onKeelLiquidate` callback (a flash
/// liquidation is sent to the keeper's flash-liquidator contract instead,
/// which calls `liquidate` with its callback data: [`Chain::flash_liquidate`]).
pub fn liquidate_call(
    borrower: Address,
    token: Address,
    max_repay_assets: U256,
    receiver: Address,
) -> IKeelMarket::liquidateCall {
    IKeelMarket::liquidateCall {
        borrower,
        token,
        maxRepayAssets: max_repay_assets,
        receiver,
        data: Default::default(),
    }
}

//! What the keeper and the watcher need from a chain, as a trait: the
//! market's public ABI (`IKeelMarket`), one collateral pool per token to
//! sell seized collateral into, and the feeds' latest rounds. [`DevnetChain`]
//! implements it on the in-process devnet, [`RpcChain`] over JSON-RPC.
//!
//! Every liquidation anywhere in this crate is built by [`liquidate_call`].
//!
//! [`DevnetChain`]: crate::devnet_chain::DevnetChain
//! [`RpcChain`]: crate::rpc_chain::RpcChain

use alloy_primitives::{Address, U256};
use anyhow::Result;
use keel_bindings::IKeelMarket;

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

/// The market, its collateral pools and its feeds, as seen by a bot.
pub trait Chain {
    /// The latest block's timestamp, seconds.
    fn now(&mut self) -> Result<u64>;
    /// The latest block's number.
    fn block_number(&mut self) -> Result<u64>;
    /// The market's collaterals in listing order.
    fn collaterals(&mut self) -> Result<Vec<Address>>;
    /// Accounts that borrowed (`Borrow` events) since the previous call.
    fn new_borrowers(&mut self) -> Result<Vec<Address>>;
    /// `accountSnapshot(account)`; `None` when the market refuses to price
    /// the position (a stale or invalid feed: the view reverts).
    fn account(&mut self, account: Address) -> Result<Option<AccountView>>;
    /// `marketSnapshot()`.
    fn market(&mut self) -> Result<MarketView>;
    /// `previewLiquidation(borrower, token, max_repay_assets)`; `None` when
    /// the market refuses (healthy position, paused liquidation, stale price).
    fn preview_liquidation(
        &mut self,
        borrower: Address,
        token: Address,
        max_repay_assets: U256,
    ) -> Result<Option<LiquidationPreview>>;
    /// The `updatedAt` of a feed's latest round, seconds.
    fn feed_updated_at(&mut self, feed: Address) -> Result<u64>;
    /// The base-asset balance of `holder`.
    fn base_balance(&mut self, holder: Address) -> Result<U256>;
    /// What selling `amount` of collateral `token` into its pool pays now,
    /// base units.
    fn quote_sale(&mut self, token: Address, amount: U256) -> Result<U256>;
    /// Sends `liquidate` from `liquidator` (the call is [`liquidate_call`]);
    /// `Err` carries the revert, decoded when the market names it.
    fn liquidate(
        &mut self,
        liquidator: Address,
        borrower: Address,
        token: Address,
        max_repay_assets: U256,
    ) -> Result<std::result::Result<LiquidationDone, String>>;
    /// Sells `amount` of `token` from `seller` into its pool for at least
    /// `min_out` base units; returns what arrived.
    fn sell(
        &mut self,
        seller: Address,
        token: Address,
        amount: U256,
        min_out: U256,
    ) -> Result<U256>;
}

/// The one place a `liquidate` call is built: capital-based, the
/// liquidator pays the repaid debt from its balance and receives the
/// collateral at `receiver`. When the market's `liquidate` gains its
/// trailing `bytes data` (flash liquidation, `onKeelLiquidate(repaidAssets,
/// data)` on the caller), this function adds `data` (empty: no callback,
/// capital-based) and a flash keeper passes its encoded sale instead.
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
    }
}

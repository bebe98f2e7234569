//! Shared helpers for Keel's cross-crate integration and property tests.
//!
//! [`IKeelMarket`] is the market's Solidity interface and
//! [`KeelMarketConstructor`] the constructor of `keel-market-core` (the
//! program at the market's address), both re-exported from keel-bindings
//! (generated from the committed `abi/KeelMarket.json`); the market's errors
//! and events are imported from keel-market itself. [`deploy_market`]
//! deploys the two programs of a market on a devnet; [`Fixture`] deploys one
//! with a base token, two collaterals, their feeds and funded, approving
//! actors.

pub mod backend;
pub mod calldata;
pub mod model;

use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::{sol, SolCall};
use keel_devnet::{address_of, native, Devnet, Revert};
use keel_mocks::abi::{
    AggregatorConstructor, IERC20NoReturn, IMockAggregator, IMockErc20, TokenConstructor, IERC20,
};
use keel_mocks::{MockAggregator, MockErc20, MockSequencerUptimeFeed, NoReturnErc20};
pub use keel_registry::Program;

// The market's ABI (functions, events, errors, constructor) from the
// committed abi/KeelMarket.json, as dapps and bots see it.
pub use keel_bindings::{IKeelMarket, KeelMarketConstructor};

sol! {
    /// Constructor of `keel-market-ext` (no arguments).
    contract KeelExtConstructor {
        constructor();
    }
}

// The market's own errors and its events, from the contract crate itself, so
// a signature cannot drift between the contract and its tests.
pub use keel_market::errors::{
    ActionPaused, CollateralAlreadyListed, InvalidCalldata, LiquidationCallbackFailed,
    LiquidationPaused, NotAContract, NotPayable, ParameterOutOfBounds, Reentrancy,
    TokenTransferFailed, TooManyCollaterals, TransferAmountMismatch, Unauthorized,
    UnknownCollateral, UnknownSelector, ZeroAddress,
};
pub use keel_market::events::*;

/// 1e18.
pub const WAD: u64 = 1_000_000_000_000_000_000;
/// One unit of the 6-decimal base token.
pub const USDC: u64 = 1_000_000;
/// Heartbeat of every feed (seconds).
pub const HEARTBEAT: u32 = 3_600;
/// Start of the devnet clock in the fixture.
pub const START: u64 = 1_700_000_000;

/// 2% base, 4% and 300% slopes (APR, as per-second WAD), kink 80%.
pub const RATE_MODEL: (u64, u64, u64, u64) = (
    634_195_839,
    1_268_391_679,
    95_129_375_951,
    800_000_000_000_000_000,
);
/// 10%.
pub const RESERVE_FACTOR: u64 = 100_000_000_000_000_000;
/// WETH: LTV 80%, LT 85%, bonus 5%.
pub const WETH_RISK: (u64, u64, u64) = (
    800_000_000_000_000_000,
    850_000_000_000_000_000,
    50_000_000_000_000_000,
);
/// WBTC: LTV 70%, LT 75%, bonus 8%.
pub const WBTC_RISK: (u64, u64, u64) = (
    700_000_000_000_000_000,
    750_000_000_000_000_000,
    80_000_000_000_000_000,
);

/// Close factor 50%, full liquidation below HF 0.95, fee 10% of the bonus,
/// full liquidation below 100 USDC of debt or collateral value, dust 1 USDC.
pub fn liquidation_params() -> (u64, u64, u64, U256, U256) {
    (
        500_000_000_000_000_000,
        950_000_000_000_000_000,
        100_000_000_000_000_000,
        U256::from(100 * USDC),
        U256::from(USDC),
    )
}

/// `n` whole units of a token with `decimals`.
pub fn units(n: u64, decimals: u8) -> U256 {
    U256::from(n) * U256::from(10).pow(U256::from(decimals))
}

/// `n` USDC (6 decimals).
pub fn usdc(n: u64) -> U256 {
    units(n, 6)
}

/// A feed input `(feed, heartbeat, 0, 0)` without band.
pub fn feed(address: Address) -> (Address, u32, u128, u128) {
    (address, HEARTBEAT, 0, 0)
}

/// No feed.
pub fn no_feed() -> (Address, u32, u128, u128) {
    (Address::ZERO, 0, 0, 0)
}

/// Which contract is the base asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseKind {
    /// `MockErc20` (returns `bool`).
    Standard,
    /// `NoReturnErc20` (USDT style, returns nothing).
    NoReturn,
}

/// Everything observable about the market and the fixture's actors: taken
/// before and after a rejected call to show it changed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// `marketSnapshot` as a debug string (the return struct has no `Eq`).
    pub market: String,
    /// `accountSnapshot` of each actor, as debug strings.
    pub accounts: Vec<String>,
    /// Token balances: for each token, the market's and each actor's.
    pub balances: Vec<U256>,
    /// `collateralInfo` of each collateral, as debug strings.
    pub collaterals: Vec<String>,
}

/// A deployed market with its tokens, feeds and actors.
pub struct Fixture {
    /// The devnet.
    pub net: Devnet,
    /// Which base token.
    pub base_kind: BaseKind,
    /// The market.
    pub market: Address,
    /// Base token (6 decimals).
    pub base: Address,
    /// Collateral 0 (18 decimals), priced directly in the base asset.
    pub weth: Address,
    /// Collateral 1 (8 decimals), priced in USD over a USDC/USD base feed.
    pub wbtc: Address,
    /// ETH/USDC feed, 8 decimals.
    pub eth_feed: Address,
    /// BTC/USD feed, 8 decimals.
    pub btc_feed: Address,
    /// USDC/USD feed, 8 decimals.
    pub usdc_feed: Address,
    /// A sequencer uptime feed (deployed, not configured in the market).
    pub sequencer: Address,
    /// Market owner.
    pub owner: Address,
    /// Guardian.
    pub guardian: Address,
    /// Suppliers.
    pub alice: Address,
    /// Supplier.
    pub bob: Address,
    /// Borrowers.
    pub carol: Address,
    /// Borrower.
    pub dave: Address,
    /// Liquidator.
    pub liquidator: Address,
    /// Receives reserves.
    pub treasury: Address,
    /// Nobody in particular.
    pub stranger: Address,
    /// Current ETH price in USD (whole dollars).
    pub eth_usd: i64,
    /// Current BTC price in USD (whole dollars).
    pub btc_usd: i64,
}

impl Fixture {
    /// The fixture with a standard `MockErc20` base token.
    pub fn new() -> Self {
        Self::with_base(BaseKind::Standard)
    }

    /// The fixture with the given base token.
    pub fn with_base(base_kind: BaseKind) -> Self {
        Self::build(base_kind, false)
    }

    /// The fixture with the given base token; `reentrant` deploys the market
    /// as if built with the SDK's `reentrant` feature (the devnet then lets a
    /// re-entrant call reach the market's own lock).
    pub fn build(base_kind: BaseKind, reentrant: bool) -> Self {
        let mut net = Devnet::new();
        net.set_timestamp(START);
        let deployer = address_of("deployer");
        let owner = address_of("owner");
        let token = |name: &str, decimals: u8| TokenConstructor::constructorCall {
            name: name.into(),
            symbol: name.into(),
            decimals,
        };
        let base = match base_kind {
            BaseKind::Standard => {
                net.deploy_with(deployer, native::<MockErc20>(), &token("USDC", 6))
            }
            BaseKind::NoReturn => {
                net.deploy_with(deployer, native::<NoReturnErc20>(), &token("USDT", 6))
            }
        }
        .unwrap();
        let weth = net
            .deploy_with(deployer, native::<MockErc20>(), &token("WETH", 18))
            .unwrap();
        let wbtc = net
            .deploy_with(deployer, native::<MockErc20>(), &token("WBTC", 8))
            .unwrap();
        let aggregator = |net: &mut Devnet, name: &str, answer: i64| {
            let args = AggregatorConstructor::constructorCall {
                decimals: 8,
                description: name.into(),
                answer: I256::try_from(answer).unwrap() * I256::try_from(100_000_000i64).unwrap(),
            };
            net.deploy_with(deployer, native::<MockAggregator>(), &args)
                .unwrap()
        };
        let eth_feed = aggregator(&mut net, "ETH / USDC", 2_000);
        let btc_feed = aggregator(&mut net, "BTC / USD", 60_000);
        let usdc_feed = aggregator(&mut net, "USDC / USD", 1);
        let sequencer = net.deploy(deployer, native::<MockSequencerUptimeFeed>());
        let args = KeelMarketConstructor::constructorCall {
            ext: Address::ZERO,
            baseAsset: base,
            owner,
            guardian: address_of("guardian"),
            rateModel: RATE_MODEL,
            reserveFactor: RESERVE_FACTOR,
            liquidation: liquidation_params(),
            supplyCap: U256::MAX,
            borrowCap: U256::MAX,
        };
        let market = deploy_market(&mut net, deployer, args, reentrant).unwrap();
        let mut fx = Fixture {
            net,
            base_kind,
            market,
            base,
            weth,
            wbtc,
            eth_feed,
            btc_feed,
            usdc_feed,
            sequencer,
            owner,
            guardian: address_of("guardian"),
            alice: address_of("alice"),
            bob: address_of("bob"),
            carol: address_of("carol"),
            dave: address_of("dave"),
            liquidator: address_of("liquidator"),
            treasury: address_of("treasury"),
            stranger: address_of("stranger"),
            eth_usd: 2_000,
            btc_usd: 60_000,
        };
        fx.owner_call(&IKeelMarket::addCollateralCall {
            token: weth,
            risk: WETH_RISK,
            cap: U256::MAX,
            collateralFeed: feed(eth_feed),
            baseFeed: no_feed(),
        })
        .unwrap();
        fx.owner_call(&IKeelMarket::addCollateralCall {
            token: wbtc,
            risk: WBTC_RISK,
            cap: U256::MAX,
            collateralFeed: feed(btc_feed),
            baseFeed: feed(usdc_feed),
        })
        .unwrap();
        for who in [fx.alice, fx.bob, fx.liquidator, fx.carol, fx.dave] {
            fx.mint(fx.base, who, usdc(1_000_000));
            fx.approve(fx.base, who);
        }
        for who in [fx.carol, fx.dave, fx.liquidator] {
            fx.mint(fx.weth, who, units(100, 18));
            fx.approve(fx.weth, who);
            fx.mint(fx.wbtc, who, units(10, 8));
            fx.approve(fx.wbtc, who);
        }
        fx
    }

    /// The actors whose accounts and balances [`Fixture::state`] records.
    pub fn actors(&self) -> Vec<Address> {
        vec![
            self.owner,
            self.guardian,
            self.alice,
            self.bob,
            self.carol,
            self.dave,
            self.liquidator,
            self.treasury,
            self.stranger,
        ]
    }

    /// Mints `amount` of `token` (either mock) to `to`.
    pub fn mint(&mut self, token: Address, to: Address, amount: U256) {
        self.net
            .call(to, token, &IMockErc20::mintCall { to, amount })
            .unwrap();
    }

    /// `who` approves the market for everything of `token`.
    pub fn approve(&mut self, token: Address, who: Address) {
        let spender = self.market;
        if token == self.base && self.base_kind == BaseKind::NoReturn {
            let call = IERC20NoReturn::approveCall {
                spender,
                amount: U256::MAX,
            };
            self.net.call(who, token, &call).unwrap();
        } else {
            let call = IERC20::approveCall {
                spender,
                amount: U256::MAX,
            };
            assert!(self.net.call(who, token, &call).unwrap());
        }
    }

    /// Balance of `who` in `token`.
    pub fn balance(&mut self, token: Address, who: Address) -> U256 {
        self.net
            .view(token, &IERC20::balanceOfCall { account: who })
            .unwrap()
    }

    /// Calls the market from `from`.
    pub fn call<C: SolCall>(&mut self, from: Address, call: &C) -> Result<C::Return, Revert> {
        let market = self.market;
        self.net.call(from, market, call)
    }

    /// Calls the market from the owner.
    pub fn owner_call<C: SolCall>(&mut self, call: &C) -> Result<C::Return, Revert> {
        let owner = self.owner;
        self.call(owner, call)
    }

    /// A market view.
    pub fn view<C: SolCall>(&mut self, call: &C) -> Result<C::Return, Revert> {
        let market = self.market;
        self.net.view(market, call)
    }

    /// `marketSnapshot`.
    pub fn market_snapshot(&mut self) -> IKeelMarket::marketSnapshotReturn {
        self.view(&IKeelMarket::marketSnapshotCall {}).unwrap()
    }

    /// `accountSnapshot(account)`.
    pub fn account(&mut self, account: Address) -> IKeelMarket::accountSnapshotReturn {
        self.view(&IKeelMarket::accountSnapshotCall { account })
            .unwrap()
    }

    /// `previewLiquidation(borrower, token, max_repay_assets)`, which must
    /// succeed.
    pub fn preview_liquidation(
        &mut self,
        borrower: Address,
        token: Address,
        max_repay_assets: U256,
    ) -> IKeelMarket::previewLiquidationReturn {
        let call = IKeelMarket::previewLiquidationCall {
            borrower,
            token,
            maxRepayAssets: max_repay_assets,
        };
        self.view(&call).unwrap()
    }

    /// `collateralInfo(token)`.
    pub fn collateral_info(&mut self, token: Address) -> IKeelMarket::collateralInfoReturn {
        self.view(&IKeelMarket::collateralInfoCall { token })
            .unwrap()
    }

    /// Everything observable (see [`State`]).
    pub fn state(&mut self) -> State {
        let market = format!("{:?}", self.market_snapshot());
        let actors = self.actors();
        let accounts = actors
            .iter()
            .map(|&a| {
                let snapshot = self.view(&IKeelMarket::accountSnapshotCall { account: a });
                format!("{snapshot:?}")
            })
            .collect();
        let mut balances = Vec::new();
        for token in [self.base, self.weth, self.wbtc] {
            let holders = std::iter::once(self.market).chain(actors.iter().copied());
            for who in holders.collect::<Vec<_>>() {
                balances.push(self.balance(token, who));
            }
        }
        let collaterals = [self.weth, self.wbtc]
            .into_iter()
            .map(|t| format!("{:?}", self.collateral_info(t)))
            .collect();
        State {
            market,
            accounts,
            balances,
            collaterals,
        }
    }

    /// Sets the ETH price (whole USD) with a fresh round.
    pub fn set_eth_price(&mut self, usd: i64) {
        self.eth_usd = usd;
        let feed = self.eth_feed;
        set_answer(&mut self.net, feed, usd);
    }

    /// Sets the BTC price (whole USD) with a fresh round.
    pub fn set_btc_price(&mut self, usd: i64) {
        self.btc_usd = usd;
        let feed = self.btc_feed;
        set_answer(&mut self.net, feed, usd);
    }

    /// Starts a new round on every feed at the current prices (after time moved).
    pub fn refresh_prices(&mut self) {
        let (eth, btc) = (self.eth_usd, self.btc_usd);
        self.set_eth_price(eth);
        self.set_btc_price(btc);
        let feed = self.usdc_feed;
        set_answer(&mut self.net, feed, 1);
    }

    /// Advances time and refreshes the feeds.
    pub fn advance(&mut self, seconds: u64) {
        self.net.advance_time(seconds);
        self.refresh_prices();
    }

    /// `from` supplies `assets` for itself.
    pub fn supply(&mut self, from: Address, assets: U256) {
        self.call(
            from,
            &IKeelMarket::supplyCall {
                assets,
                onBehalf: from,
            },
        )
        .unwrap();
    }

    /// `from` deposits `amount` of collateral `token` for itself.
    pub fn supply_collateral(&mut self, from: Address, token: Address, amount: U256) {
        let call = IKeelMarket::supplyCollateralCall {
            token,
            amount,
            onBehalf: from,
        };
        self.call(from, &call).unwrap();
    }

    /// `from` borrows `assets` for itself.
    pub fn borrow(&mut self, from: Address, assets: U256) -> Result<U256, Revert> {
        let call = IKeelMarket::borrowCall {
            assets,
            onBehalf: from,
            receiver: from,
        };
        self.call(from, &call)
    }

    /// `from` withdraws `amount` of collateral `token` to itself.
    pub fn withdraw_collateral(
        &mut self,
        from: Address,
        token: Address,
        amount: U256,
    ) -> Result<(), Revert> {
        let call = IKeelMarket::withdrawCollateralCall {
            token,
            amount,
            onBehalf: from,
            receiver: from,
        };
        self.call(from, &call).map(|_| ())
    }

    /// Suppliers alice and bob supply 500,000 and 300,000 USDC; carol posts
    /// 10 WETH and 1 WBTC.
    pub fn standard_positions(&mut self) {
        let (alice, bob, carol, weth, wbtc) =
            (self.alice, self.bob, self.carol, self.weth, self.wbtc);
        self.supply(alice, usdc(500_000));
        self.supply(bob, usdc(300_000));
        self.supply_collateral(carol, weth, units(10, 18));
        self.supply_collateral(carol, wbtc, units(1, 8));
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

/// Starts a new round on `feed` with `usd` whole units (8 decimals).
pub fn set_answer(net: &mut Devnet, feed: Address, usd: i64) {
    let answer = I256::try_from(usd).unwrap() * I256::try_from(100_000_000i64).unwrap();
    net.call(feed, feed, &IMockAggregator::setAnswerCall { answer })
        .unwrap();
}

/// Deploys a market's two programs on `net` from `deployer`:
/// `keel-market-ext`, then `keel-market-core` with its address (replacing
/// `args.ext`). `reentrant` builds every program as with the SDK's
/// `reentrant` feature (its entrypoint guard off), so re-entry reaches the
/// market's own lock. Returns the market's address, or the constructor's
/// revert.
pub fn deploy_market(
    net: &mut Devnet,
    deployer: Address,
    mut args: KeelMarketConstructor::constructorCall,
    reentrant: bool,
) -> Result<Address, Revert> {
    // The wasm programs are built without the SDK's `reentrant` feature.
    if !reentrant && backend::backend() == backend::Backend::Wasm {
        return backend::deploy_market_wasm(net, deployer, args);
    }
    let build = |program: Program| match reentrant {
        true => program.native().reentrant(),
        false => program.native(),
    };
    args.ext = deploy_ext(net, deployer, build);
    let core = build(Program::Core);
    net.deploy_with(deployer, core, &args)
}

/// Deploys `keel-market-ext` (`program` gives its code) and returns its
/// address, as the core's constructor takes it.
pub fn deploy_ext<P: keel_devnet::Program + 'static>(
    net: &mut Devnet,
    deployer: Address,
    program: impl Fn(Program) -> P,
) -> Address {
    let no_args = KeelExtConstructor::constructorCall {};
    net.deploy_with(deployer, program(Program::Ext), &no_args)
        .expect("the ext program's constructor cannot fail")
}

//! The chain side: the fixture's market with funded accounts, the mapping
//! from model indices to addresses, transactions that record what the checks
//! need, and the observation of everything the model predicts.

use std::collections::BTreeMap;

use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::SolCall;
use keel_devnet::{address_of, Revert};
use keel_mocks::abi::{AggregatorV3Interface, IMockAggregator, IERC20};
use keel_tests::model::{
    big, to_u256, u128_max, AccountView, Actor, Collateral, CollateralView, Feed, Holder,
    LiquidationParams, MarketView, RateModel, Risk, Setup, Token, View,
};
use keel_tests::{
    liquidation_params, units, usdc, BadDebt, Fixture, IKeelMarket, Liquidate, RATE_MODEL,
    RESERVE_FACTOR, WBTC_RISK, WETH_RISK,
};
use num_bigint::BigUint;
use num_traits::Zero;

use crate::errors::describe;
use crate::ops::ACTORS;

/// The rescuer pays debts in the exit probes of invariant 10 and nowhere else.
pub const RESCUER: Actor = ACTORS;
/// Every account of the model: the generated actors and the rescuer.
pub const ACCOUNTS: usize = ACTORS + 1;

/// What the transactions of a step emitted that the checks need.
#[derive(Default)]
pub struct StepLog {
    /// `Liquidate` events.
    pub liquidations: Vec<Liquidate>,
    /// `BadDebt` events.
    pub bad_debts: Vec<BadDebt>,
}

/// The fixture and the addresses of the model's accounts, tokens and feeds.
pub struct Chain {
    /// The market, its tokens and feeds on the devnet.
    pub fx: Fixture,
    accounts: Vec<Address>,
    tokens: Vec<Address>,
    feeds: Vec<Address>,
    /// Events of the current step.
    pub log: StepLog,
}

impl Chain {
    /// Deploys the fixture and funds every account with every token (the
    /// rescuer with base tokens for any debt), all approved for the market.
    pub fn new() -> Self {
        let mut fx = Fixture::new();
        let accounts = vec![
            fx.alice,
            fx.bob,
            fx.carol,
            fx.dave,
            fx.liquidator,
            fx.stranger,
            address_of("rescuer"),
        ];
        let tokens = vec![fx.base, fx.weth, fx.wbtc];
        for (index, &account) in accounts.iter().enumerate() {
            let grants = match index == RESCUER {
                // Debts saturate at 2^127 - 1 in all (keel-debt).
                true => [U256::from(u128::MAX), U256::ZERO, U256::ZERO],
                false => [usdc(10_000_000), units(1_000, 18), units(100, 8)],
            };
            for (&token, amount) in tokens.iter().zip(grants) {
                fx.mint(token, account, amount);
                fx.approve(token, account);
            }
        }
        Self {
            feeds: vec![fx.eth_feed, fx.btc_feed, fx.usdc_feed],
            fx,
            accounts,
            tokens,
            log: StepLog::default(),
        }
    }

    /// The deployment as the fixture makes it: parameters from its constants,
    /// decimals, answers and balances read from the chain.
    pub fn setup(&mut self) -> Setup {
        let (close_factor, full_liquidation_hf, fee, min_partial, dust) = liquidation_params();
        let collaterals = vec![
            self.collateral(Token::Collateral(0), WETH_RISK, 0, None),
            self.collateral(Token::Collateral(1), WBTC_RISK, 1, Some(2)),
        ];
        let holders = View::holders(ACCOUNTS);
        Setup {
            now: self.fx.net.timestamp(),
            actors: ACCOUNTS,
            rate_model: RateModel {
                base: RATE_MODEL.0,
                slope_below: RATE_MODEL.1,
                slope_above: RATE_MODEL.2,
                optimal: RATE_MODEL.3,
            },
            reserve_factor: RESERVE_FACTOR,
            caps: (u128_max(), u128_max()),
            liquidation: LiquidationParams {
                close_factor,
                full_liquidation_hf,
                fee,
                min_partial_value: big(min_partial),
                dust: big(dust),
            },
            collaterals,
            feeds: (0..self.feeds.len())
                .map(|feed| self.read_feed(feed))
                .collect(),
            base_decimals: self.decimals(Token::Base),
            balances: self
                .read_balances()
                .into_iter()
                .map(|balances| {
                    holders
                        .iter()
                        .copied()
                        .zip(balances)
                        .collect::<BTreeMap<_, _>>()
                })
                .collect(),
        }
    }

    fn collateral(
        &mut self,
        token: Token,
        risk: (u64, u64, u64),
        feed: usize,
        base_feed: Option<usize>,
    ) -> Collateral {
        Collateral {
            risk: Risk {
                ltv: risk.0,
                liquidation_threshold: risk.1,
                bonus: risk.2,
            },
            cap: u128_max(),
            total: BigUint::zero(),
            fee_reserves: BigUint::zero(),
            decimals: self.decimals(token),
            feed,
            base_feed,
        }
    }

    fn decimals(&mut self, token: Token) -> u32 {
        let token = self.token(token);
        u32::from(self.fx.net.view(token, &IERC20::decimalsCall {}).unwrap())
    }

    fn read_feed(&mut self, feed: usize) -> Feed {
        let feed = self.feeds[feed];
        let round = self
            .fx
            .net
            .view(feed, &AggregatorV3Interface::latestRoundDataCall {})
            .unwrap();
        let decimals = self
            .fx
            .net
            .view(feed, &AggregatorV3Interface::decimalsCall {})
            .unwrap();
        Feed {
            answer: big(round.answer.into_raw()),
            decimals: u32::from(decimals),
        }
    }

    /// The address of a model account.
    pub fn account(&self, actor: Actor) -> Address {
        self.accounts[actor]
    }

    /// The address of a token.
    pub fn token(&self, token: Token) -> Address {
        self.tokens[token.index()]
    }

    fn holder(&self, holder: Holder) -> Address {
        match holder {
            Holder::Actor(actor) => self.accounts[actor],
            Holder::Market => self.fx.market,
            Holder::Treasury => self.fx.treasury,
        }
    }

    /// `holder`'s balance of `token` on the chain.
    pub fn balance(&mut self, token: Token, holder: Holder) -> BigUint {
        let (token, holder) = (self.token(token), self.holder(holder));
        big(self.fx.balance(token, holder))
    }

    /// Publishes a new round on `feed` with `answer` (its decimals) now.
    pub fn set_answer(&mut self, feed: usize, answer: &BigUint) {
        let feed = self.feeds[feed];
        let answer = I256::from_raw(to_u256(answer).expect("answers are bounded"));
        self.fx
            .net
            .call(feed, feed, &IMockAggregator::setAnswerCall { answer })
            .unwrap();
    }

    /// Sends `call` to the market from `account`. A panic in any contract
    /// (a trap on chain) fails the step whatever the call returned; the
    /// events the checks need go to [`Chain::log`].
    pub fn transact<C: SolCall>(
        &mut self,
        from: Address,
        call: &C,
    ) -> Result<Result<C::Return, Revert>, String> {
        let result = self.fx.call(from, call);
        let receipt = self
            .fx
            .net
            .last_receipt()
            .expect("a transaction leaves a receipt");
        if let Some(halt) = receipt.halts.first() {
            return Err(format!("{} halted a frame: {halt:?}", C::SIGNATURE));
        }
        self.log.liquidations.extend(receipt.events::<Liquidate>());
        self.log.bad_debts.extend(receipt.events::<BadDebt>());
        Ok(result)
    }

    /// Every account's, the market's and the treasury's balance of every
    /// token, holders in [`View::holders`] order.
    fn read_balances(&mut self) -> Vec<Vec<BigUint>> {
        let holders = View::holders(ACCOUNTS);
        let tokens = [Token::Base, Token::Collateral(0), Token::Collateral(1)];
        tokens
            .into_iter()
            .map(|token| holders.iter().map(|&h| self.balance(token, h)).collect())
            .collect()
    }

    /// Everything the model predicts, as the market's views and the tokens
    /// report it.
    pub fn observe(&mut self) -> Result<View, String> {
        let market = self.market_view()?;
        let accounts = (0..ACCOUNTS)
            .map(|a| self.account_view(a))
            .collect::<Result<_, _>>()?;
        let collaterals = (0..2)
            .map(|i| self.collateral_view(i))
            .collect::<Result<_, _>>()?;
        Ok(View {
            market,
            accounts,
            collaterals,
            balances: self.read_balances(),
        })
    }

    fn market_view(&mut self) -> Result<MarketView, String> {
        let m = self
            .fx
            .view(&IKeelMarket::marketSnapshotCall {})
            .map_err(view_failed("marketSnapshot"))?;
        Ok(MarketView {
            supply_assets: big(m.totalSupplyAssets),
            supply_shares: big(m.totalSupplyShares),
            borrow_assets: big(m.totalBorrowAssets),
            borrow_shares: big(m.totalBorrowShares),
            reserves: big(m.reserves),
            utilisation: big(m.utilisation),
            borrow_apr: big(m.borrowApr),
            supply_apr: big(m.supplyApr),
            last_accrual: m.lastAccrual,
        })
    }

    fn account_view(&mut self, actor: Actor) -> Result<AccountView, String> {
        let account = self.accounts[actor];
        let a = self
            .fx
            .view(&IKeelMarket::accountSnapshotCall { account })
            .map_err(view_failed("accountSnapshot"))?;
        let (listed, unlisted) = a.collateralBalances.split_at(2);
        if unlisted.iter().any(|b| !b.is_zero()) {
            return Err(format!(
                "account {actor} holds an unlisted collateral: {unlisted:?}"
            ));
        }
        Ok(AccountView {
            supply_shares: big(a.supplyShares),
            supply_assets: big(a.supplyAssets),
            borrow_shares: big(a.borrowShares),
            debt: big(a.debtAssets),
            collateral: listed.iter().map(|&b| big(b)).collect(),
            collateral_value: big(a.collateralValue),
            borrow_power: big(a.borrowPower),
            liquidation_value: big(a.liquidationValue),
            health_factor: big(a.healthFactor),
        })
    }

    fn collateral_view(&mut self, index: usize) -> Result<CollateralView, String> {
        let token = self.token(Token::Collateral(index));
        let info = self
            .fx
            .view(&IKeelMarket::collateralInfoCall { token })
            .map_err(view_failed("collateralInfo"))?;
        let price = self
            .fx
            .view(&IKeelMarket::collateralPriceCall { token })
            .map_err(view_failed("collateralPrice"))?;
        Ok(CollateralView {
            ltv: big(info.ltv),
            liquidation_threshold: big(info.liquidationThreshold),
            bonus: big(info.bonus),
            cap: big(info.cap),
            total: big(info.total),
            fee_reserves: big(info.feeReserves),
            price: big(price),
        })
    }
}

fn view_failed(view: &'static str) -> impl Fn(Revert) -> String {
    move |revert| format!("{view} reverted: {}", describe(&revert))
}

//! Executing the deployment plan on the in-process devnet, with mock tokens
//! and feeds standing in for the configured addresses.

use crate::config::validate::{FeedParams, MarketParams, TokenParams};
use crate::plan::{market_plan, Action, CollateralExternals, Deployed, Externals, Program};
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolConstructor;
use anyhow::{anyhow, Context, Result};
use keel_devnet::{address_of, native, Devnet};
use keel_mocks::abi::{AggregatorConstructor, IMockErc20, TokenConstructor, IERC20};
use keel_mocks::{MockAggregator, MockErc20, MockSequencerUptimeFeed};

/// The devnet clock when a market is deployed (as keel-tests' fixture).
pub const START_TIMESTAMP: u64 = 1_700_000_000;

/// A market deployed on a devnet.
pub struct DevnetMarket {
    /// The chain.
    pub net: Devnet,
    /// The market's address.
    pub market: Address,
    /// Every deployed program.
    pub deployed: Deployed,
    /// The mocks standing in for the configured tokens and feeds.
    pub externals: Externals,
    /// The account that deployed and configured it.
    pub deployer: Address,
}

/// Constructor arguments already ABI-encoded: the devnet's `deploy_with`
/// takes a `SolConstructor`, the plan carries bytes.
struct EncodedArgs(Vec<u8>);

impl SolConstructor for EncodedArgs {
    type Parameters<'a> = ();
    type Token<'a> = ();

    fn new(_: ()) -> Self {
        Self(Vec::new())
    }

    fn tokenize(&self) -> Self::Token<'_> {}

    fn abi_encode(&self) -> Vec<u8> {
        self.0.clone()
    }
}

impl DevnetMarket {
    /// Mints `who` 10^30 units of the base token and of every collateral and
    /// approves the market for all of them (the demo's and `keel gas`'s
    /// actors).
    ///
    /// Errors: a mock call reverts.
    pub fn fund(&mut self, who: Address) -> Result<()> {
        let tokens: Vec<Address> = std::iter::once(self.externals.base)
            .chain(self.externals.collaterals.iter().map(|c| c.token))
            .collect();
        for token in tokens {
            let amount = U256::from(10).pow(U256::from(30));
            self.net
                .call(who, token, &IMockErc20::mintCall { to: who, amount })
                .map_err(|r| anyhow!("mint: {r}"))?;
            let approve = IERC20::approveCall {
                spender: self.market,
                amount: U256::MAX,
            };
            self.net
                .call(who, token, &approve)
                .map_err(|r| anyhow!("approve: {r}"))?;
        }
        Ok(())
    }
}

/// Deploys the market of `params` on a fresh devnet: mocks first, then
/// every plan step sent by the configured owner (so no ownership transfer).
///
/// Errors: a mock or plan step reverts (the message names the step).
pub fn deploy(params: &MarketParams) -> Result<DevnetMarket> {
    let mut net = Devnet::new();
    net.set_timestamp(START_TIMESTAMP);
    let externals = deploy_mocks(&mut net, params)?;
    let deployer = params.owner;
    let mut deployed = Deployed::new();
    for step in market_plan(params, &externals, deployer) {
        match step.action {
            Action::Deploy {
                program,
                constructor,
            } => {
                let args = constructor.map_or_else(Vec::new, |args| args(&deployed));
                let address = net
                    .deploy_with(deployer, program.native(), &EncodedArgs(args))
                    .map_err(|r| anyhow!("{}: {r}", step.purpose))?;
                deployed.insert(program, address);
            }
            Action::Call { to, data } => {
                let target = deployed[&to];
                let receipt = net.transact(deployer, target, U256::ZERO, &data);
                if !receipt.success {
                    let revert = keel_devnet::Revert {
                        data: receipt.output,
                    };
                    return Err(anyhow!("{}: {revert}", step.purpose));
                }
            }
        }
    }
    let market = *deployed
        .get(&Program::Core)
        .context("the plan deploys no market")?;
    Ok(DevnetMarket {
        net,
        market,
        deployed,
        externals,
        deployer,
    })
}

/// Deploys the mock tokens, feeds and sequencer feed standing in for the
/// externals of `params`, from the account `address_of("mocks")`: the same
/// addresses on every fresh chain (the devnet and `keel node --with-mocks`).
///
/// Errors: a mock's constructor reverts.
pub fn deploy_mocks(net: &mut Devnet, params: &MarketParams) -> Result<Externals> {
    let mocks = address_of("mocks");
    let base = mock_token(net, mocks, &params.base)?;
    let mut collaterals = Vec::new();
    for c in &params.collaterals {
        let token = mock_token(net, mocks, &c.token)?;
        let feed = mock_feed(net, mocks, &format!("{} feed", c.token.symbol), &c.feed)?;
        let base_feed = match &c.base_feed {
            Some(f) => mock_feed(net, mocks, &format!("{} feed", params.base.symbol), f)?,
            None => Address::ZERO,
        };
        collaterals.push(CollateralExternals {
            token,
            feed,
            base_feed,
        });
    }
    let sequencer = params
        .sequencer
        .as_ref()
        .map(|_| net.deploy(mocks, native::<MockSequencerUptimeFeed>()));
    Ok(Externals {
        base,
        collaterals,
        sequencer,
    })
}

fn mock_token(net: &mut Devnet, from: Address, token: &TokenParams) -> Result<Address> {
    let args = TokenConstructor::constructorCall {
        name: token.symbol.clone(),
        symbol: token.symbol.clone(),
        decimals: token.decimals,
    };
    net.deploy_with(from, native::<MockErc20>(), &args)
        .map_err(|r| anyhow!("mock {}: {r}", token.symbol))
}

fn mock_feed(
    net: &mut Devnet,
    from: Address,
    description: &str,
    feed: &FeedParams,
) -> Result<Address> {
    let args = AggregatorConstructor::constructorCall {
        decimals: feed.decimals,
        description: description.into(),
        answer: feed.devnet_answer,
    };
    net.deploy_with(from, native::<MockAggregator>(), &args)
        .map_err(|r| anyhow!("mock {description}: {r}"))
}

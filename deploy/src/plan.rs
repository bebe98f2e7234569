//! The market's deployment plan: the ordered steps that put a configured
//! market on a chain. [`market_plan`] is the one place that knows which
//! programs make up a market and which calls configure it; the devnet
//! ([`crate::devnet`]), the dry run and the RPC path ([`crate::chain`]) all
//! execute its steps. The programs come from keel-registry's table
//! ([`Program`]), which the devnet, the ABI generator, `keel gas` and
//! keel-tests read too: a change of the market's shape changes the
//! contracts and that table. The dry run and the RPC path follow the plan
//! without change.
//!
//! The owner in the constructor is the deploying account, so that it can
//! send the configuration calls; when the configured owner is another
//! account the last step nominates it with `transferOwnership` (it must then
//! call `acceptOwnership`).

use crate::config::validate::MarketParams;
use alloy_primitives::Address;
use alloy_sol_types::{SolCall, SolConstructor};
use keel_bindings::{IKeelMarket, KeelMarketConstructor};
use std::collections::BTreeMap;

pub use keel_registry::Program;

/// Addresses of the programs deployed so far.
pub type Deployed = BTreeMap<Program, Address>;

/// Builds a program's ABI-encoded constructor arguments once the programs
/// deployed before it have addresses.
pub type ConstructorArgs = Box<dyn Fn(&Deployed) -> Vec<u8>>;

/// What a step does.
pub enum Action {
    /// Deploy, activate and construct `program`.
    Deploy {
        /// The program.
        program: Program,
        /// Its constructor arguments (without the Stylus constructor
        /// selector); `None` for a program without constructor.
        constructor: Option<ConstructorArgs>,
    },
    /// Call a deployed program (the configuration calls go to the market).
    Call {
        /// The program called.
        to: Program,
        /// ABI-encoded calldata.
        data: Vec<u8>,
    },
}

/// One step of the plan.
pub struct Step {
    /// What it is for, in words (printed by every executor).
    pub purpose: String,
    /// What it does.
    pub action: Action,
}

/// The external contracts a market points at, resolved for one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Externals {
    /// The base asset.
    pub base: Address,
    /// Per collateral, in configuration order.
    pub collaterals: Vec<CollateralExternals>,
    /// The sequencer uptime feed, when configured.
    pub sequencer: Option<Address>,
}

/// A collateral's token and feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollateralExternals {
    /// The token.
    pub token: Address,
    /// Its feed.
    pub feed: Address,
    /// The base asset's feed (zero: none).
    pub base_feed: Address,
}

/// The market's deployment plan for `params`, with external contracts
/// `ext`, sent by `deployer`.
pub fn market_plan(params: &MarketParams, ext: &Externals, deployer: Address) -> Vec<Step> {
    let mut steps = vec![Step {
        purpose: format!("deploy, activate and construct {}", Program::Ext.package()),
        action: Action::Deploy {
            program: Program::Ext,
            constructor: Some(Box::new(|_: &Deployed| Vec::new())),
        },
    }];
    let (base, guardian, rate_model, reserve_factor) = (
        ext.base,
        params.guardian,
        params.rate_model,
        params.reserve_factor,
    );
    let (liquidation, supply_cap, borrow_cap) =
        (params.liquidation, params.supply_cap, params.borrow_cap);
    let core_args = move |deployed: &Deployed| {
        KeelMarketConstructor::constructorCall {
            ext: deployed[&Program::Ext],
            baseAsset: base,
            owner: deployer,
            guardian,
            rateModel: rate_model,
            reserveFactor: reserve_factor,
            liquidation,
            supplyCap: supply_cap,
            borrowCap: borrow_cap,
        }
        .abi_encode()
    };
    steps.push(Step {
        purpose: format!(
            "deploy, activate and construct the market ({}) over {}",
            Program::Core.package(),
            params.base.symbol
        ),
        action: Action::Deploy {
            program: Program::Core,
            constructor: Some(Box::new(core_args)),
        },
    });
    let mut call = |purpose: String, data: Vec<u8>| {
        steps.push(Step {
            purpose,
            action: Action::Call {
                to: Program::Core,
                data,
            },
        });
    };
    if let (Some(sequencer), Some(feed)) = (&params.sequencer, ext.sequencer) {
        let data = IKeelMarket::setSequencerFeedCall {
            feed,
            gracePeriodSeconds: sequencer.grace_period_seconds,
        };
        call("set the L2 sequencer uptime feed".into(), data.abi_encode());
    }
    if let Some(seconds) = params.liquidation_grace_period_seconds {
        let data = IKeelMarket::setLiquidationGracePeriodCall {
            gracePeriodSeconds: seconds,
        };
        call(
            format!("set the liquidation grace period to {seconds} s"),
            data.abi_encode(),
        );
    }
    for (collateral, e) in params.collaterals.iter().zip(&ext.collaterals) {
        let feed_input = |address: Address, f: &crate::config::validate::FeedParams| {
            (address, f.heartbeat_seconds, f.band.0, f.band.1)
        };
        let base_feed = match &collateral.base_feed {
            Some(f) => feed_input(e.base_feed, f),
            None => (Address::ZERO, 0, 0, 0),
        };
        let data = IKeelMarket::addCollateralCall {
            token: e.token,
            risk: collateral.risk,
            cap: collateral.cap,
            collateralFeed: feed_input(e.feed, &collateral.feed),
            baseFeed: base_feed,
        };
        call(
            format!("list {} as collateral", collateral.token.symbol),
            data.abi_encode(),
        );
    }
    if params.owner != deployer {
        let data = IKeelMarket::transferOwnershipCall {
            newOwner: params.owner,
        };
        call(
            format!(
                "nominate {} as owner (it must call acceptOwnership)",
                params.owner
            ),
            data.abi_encode(),
        );
    }
    steps
}

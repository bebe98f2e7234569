//! Keel's risk lab: the real market on the in-process devnet, driven block
//! by block by borrowers, suppliers, liquidators, arbitrageurs and
//! Chainlink-style feeds, with a constant-product pool per collateral where
//! liquidators sell what they seize (so their sales move the price), plus
//! the keeper and the position watcher those runs exercise.
//!
//! - [`engine::run`] plays a [`scenario::Scenario`] (`deploy/scenarios/`)
//!   and returns per-block [`record::BlockRecord`]s, the keepers'
//!   [`keeper::Decision`]s and a [`record::Summary`]; [`plot`] draws them,
//!   [`sweep`] repeats a run over a parameter's values.
//! - [`keeper::Keeper`] and [`watch::Watcher`] use only the [`chain::Chain`]
//!   trait: the market's public ABI (`IKeelMarket`), a pool quote and the
//!   feeds' rounds. [`devnet_chain::DevnetChain`] implements it on the devnet,
//!   [`rpc_chain::RpcChain`] over JSON-RPC with alloy (unit-tested on a
//!   mocked transport), which [`bot_loop`] polls for `keel keeper --rpc` and
//!   `keel watch --rpc`.
//! - Deployment is not this crate's: a [`market::Deployer`] (keel-cli's,
//!   from a market configuration) deploys the market.
//!
//! The simulator computes in `f64` (agents' decisions, metrics); the chain
//! computes in integers, and every figure reported is read back from it.
#![warn(missing_docs)]

pub mod book;
pub mod borrowers;
pub mod bot_loop;
pub mod chain;
pub mod cli;
pub mod devnet_chain;
pub mod engine;
pub mod keeper;
pub mod market;
pub mod oracle;
pub mod plot;
pub mod pool;
pub mod prices;
pub mod progress;
pub mod record;
pub mod rng;
pub mod rpc_chain;
pub mod scenario;
pub mod sweep;
pub mod units;
pub mod watch;

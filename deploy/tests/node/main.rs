//! `keel node` driven only through real clients: `keel deploy --rpc` (end
//! to end, and resumed after being killed mid-way), keel-bindings over an
//! alloy provider (supply, borrow, liquidate, events) and `keel keeper
//! --rpc` selling into the node's pool, the dev methods over raw JSON-RPC,
//! the HTTP layer, and the README's fetch script where node is installed.
//!
//! Needs the programs: `keel deploy` runs `keel build` (up to date after
//! `cargo run -p keel-cli --bin keel -- build`, which `scripts/test.sh`
//! runs first).

mod bindings;
mod deploy;
mod dev;
mod http;
mod process;
mod script;
mod tx;

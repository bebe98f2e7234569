//! The risk lab's deployer: keel-sim drives a market but does not deploy
//! one; this turns a market configuration into a devnet market (the same
//! plan as `keel deploy`) and hands keel-sim what it drives.

use anyhow::Result;
use keel_sim::market::{Backend, SimCollateral, SimMarket};

use crate::config::{parse, validate};
use crate::devnet::{self, DevnetMarket};

/// Validates and deploys the market configuration `config_toml` on a fresh
/// devnet; on [`Backend::Wasm`] the market's six programs then run as the
/// wasm `keel build` wrote (the deployment itself runs natively: same state).
///
/// Errors: an invalid configuration (every field problem), a reverted step,
/// a missing wasm file.
pub fn deploy(config_toml: &str, backend: Backend) -> Result<SimMarket> {
    let params = validate::validate(&parse(config_toml)?)?;
    let mut m = devnet::deploy(&params)?;
    if backend == Backend::Wasm {
        let (wasm_dir, _) = crate::gas::default_paths()?;
        crate::gas::use_wasm_programs(&mut m, &wasm_dir, true)?;
    }
    let collaterals = params
        .collaterals
        .iter()
        .zip(&m.externals.collaterals)
        .map(|(c, ext)| SimCollateral {
            symbol: c.token.symbol.clone(),
            token: ext.token,
            token_decimals: c.token.decimals,
            feed: ext.feed,
            feed_decimals: c.feed.decimals,
            base_feed: (!ext.base_feed.is_zero()).then_some(ext.base_feed),
            max_age_seconds: c.feed.heartbeat_seconds,
        })
        .collect();
    let DevnetMarket {
        net,
        market,
        externals,
        deployer,
        ..
    } = m;
    Ok(SimMarket {
        net,
        market,
        owner: deployer,
        base: externals.base,
        base_decimals: params.base.decimals,
        collaterals,
        sequencer: externals.sequencer,
    })
}

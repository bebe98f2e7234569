//! `keel deploy`: the three ways to run the market's deployment plan.

use crate::build;
use crate::chain::{self, rpc, Codes, ProgramCode};
use crate::config::{self, validate};
use crate::plan::{Externals, Program};
use alloy_primitives::Address;
use alloy_signer_local::PrivateKeySigner;
use anyhow::{Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// Loads and validates a configuration file.
///
/// Errors: unreadable or unparsable file, or every field problem.
pub fn load(path: &Path) -> Result<validate::MarketParams> {
    Ok(validate::validate(&config::load(path)?)?)
}

/// Where the deploying key comes from (never the command line).
#[derive(Debug, Clone)]
pub enum KeySource {
    /// An environment variable holding the hex private key.
    Env(String),
    /// A file holding the hex private key.
    File(PathBuf),
}

impl KeySource {
    /// The signer, or `None` when the variable is unset.
    ///
    /// Errors: an unreadable file or a malformed key.
    pub fn signer(&self) -> Result<Option<PrivateKeySigner>> {
        let text = match self {
            KeySource::Env(var) => match std::env::var(var) {
                Ok(text) => text,
                Err(_) => return Ok(None),
            },
            KeySource::File(path) => fs::read_to_string(path)
                .with_context(|| format!("reading key file {}", path.display()))?,
        };
        let key = text
            .trim()
            .parse::<PrivateKeySigner>()
            .context("the private key is not 32 hex bytes")?;
        Ok(Some(key))
    }
}

/// Builds every program of the plan with `keel build` (which fails on any
/// broken activation rule) and returns its code, laid out in one account or
/// in fragments.
///
/// Errors: a build or gate failure.
pub fn program_codes() -> Result<Codes> {
    let packages: Vec<String> = Program::ALL
        .iter()
        .map(|p| p.package().to_owned())
        .collect();
    build::run(&packages)?;
    let out_dir = build::cargo::workspace()?.target_dir.join("keel");
    let mut codes = Codes::new();
    for program in Program::ALL {
        let package = program.package();
        let wasm = fs::read(out_dir.join(format!("{package}.wasm")))?;
        let compressed = fs::read(out_dir.join(format!("{package}.wasm.br")))?;
        let code = ProgramCode {
            layout: build::process::code_layout(&compressed),
            wasm_bytes: u32::try_from(wasm.len())?,
        };
        codes.insert(program, code);
    }
    Ok(codes)
}

/// The transactions a chain deployment of `params` from `sender` sends.
///
/// Errors: a token or feed without address, a program without code.
pub fn chain_plan(
    params: &validate::MarketParams,
    sender: Address,
    codes: &Codes,
) -> Result<Vec<chain::ChainTx>> {
    let externals = chain::configured_externals(params)?;
    chain::transactions(params, &externals, sender, codes)
}

/// Sends the deployment to `url`. A configuration without token and feed
/// addresses (the devnet's, like `example.toml`) deploys against the mocks
/// `keel node --with-mocks` put at their devnet addresses, when the
/// endpoint holds code at every one of them.
///
/// Errors: see [`rpc::send`]; addresses missing and no such mocks.
pub fn to_rpc(
    params: &validate::MarketParams,
    url: &str,
    signer: PrivateKeySigner,
    state_path: &Path,
) -> Result<()> {
    let codes = program_codes()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let externals = match chain::configured_externals(params) {
        Ok(externals) => externals,
        Err(missing) => {
            let mocks = runtime.block_on(node_mocks(url, params))?;
            mocks.ok_or(missing)?
        }
    };
    let txs = chain::transactions(params, &externals, signer.address(), &codes)?;
    runtime.block_on(rpc::send(
        rpc::RpcTarget {
            url,
            signer,
            expected_chain_id: params.chain_id,
            state_path,
        },
        &txs,
    ))?;
    for tx in &txs {
        if let (Some(program), Some(address)) = (tx.deploys, tx.creates) {
            println!("{} deployed at {address}", program.package());
        }
    }
    Ok(())
}

/// The devnet's mocks for `params` when `url` holds code at each of their
/// addresses (they are CREATE addresses of an account nobody holds a key
/// for, so only a devnet-backed node has them).
async fn node_mocks(url: &str, params: &validate::MarketParams) -> Result<Option<Externals>> {
    use alloy_provider::Provider;
    let mocks = crate::devnet::deploy_mocks(&mut keel_devnet::Devnet::new(), params)?;
    let provider = alloy_provider::ProviderBuilder::new().connect_http(url.parse()?);
    let addresses = std::iter::once(mocks.base)
        .chain(
            mocks
                .collaterals
                .iter()
                .flat_map(|c| [c.token, c.feed, c.base_feed]),
        )
        .chain(mocks.sequencer)
        .filter(|a| !a.is_zero());
    for address in addresses {
        if provider.get_code_at(address).await?.is_empty() {
            return Ok(None);
        }
    }
    println!("tokens and feeds without addresses: using the mocks of `keel node --with-mocks` at their devnet addresses");
    Ok(Some(mocks))
}

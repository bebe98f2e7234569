//! Deployment to a real Stylus chain: the plan's steps as transactions
//! ([`transactions`], shared by the dry run and the RPC path), their
//! printing, and sending them ([`rpc`]) with a resumable state file
//! ([`state`]).

pub mod rpc;
pub mod state;
pub mod stylus;

use crate::build::process::{root_code, CodeLayout};
use crate::config::validate::{ConfigErrors, FieldError, MarketParams};
use crate::plan::{market_plan, Action, CollateralExternals, Deployed, Externals, Program};
use alloy_primitives::{hex, keccak256, Address, B256, U256};
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A program's code as `keel build` lays it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramCode {
    /// One account, or fragments behind a root contract (ArbOS 60+).
    pub layout: CodeLayout,
    /// Bytes of processed (decompressed) wasm, recorded in a root contract.
    pub wasm_bytes: u32,
}

/// The code of every program.
pub type Codes = BTreeMap<Program, ProgramCode>;

/// What a transaction sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TxValue {
    /// A fixed amount of wei.
    Wei(U256),
    /// The program's activation data fee, asked from ArbWasm with an
    /// `eth_call` just before sending, plus a margin (refunded if unused).
    ActivationFee,
}

/// One transaction of a deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainTx {
    /// What it is for.
    pub purpose: String,
    /// Recipient.
    pub to: Address,
    /// Value sent.
    pub value: TxValue,
    /// Calldata.
    #[serde(serialize_with = "hex_bytes")]
    pub calldata: Vec<u8>,
    /// For a contract creation (a program or a code fragment): the address
    /// it will have (a re-run skips it when code is already there).
    pub creates: Option<Address>,
    /// For a program deployment: the program.
    pub deploys: Option<Program>,
    /// For a program deployment: the code at its address (for the fee
    /// estimate; a root contract for a fragmented program).
    #[serde(skip)]
    pub code: Option<Vec<u8>>,
}

fn hex_bytes<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode_prefixed(bytes))
}

/// The external addresses of `params` on a real chain.
///
/// Errors: [`ConfigErrors`] naming every token or feed without an address.
pub fn configured_externals(params: &MarketParams) -> Result<Externals, ConfigErrors> {
    let mut missing = Vec::new();
    let mut need = |field: String, address: Option<Address>| {
        address.unwrap_or_else(|| {
            missing.push(FieldError {
                field,
                problem: "an address is required to deploy to a chain (only the devnet uses mocks)"
                    .into(),
            });
            Address::ZERO
        })
    };
    let base = need("base.address".into(), params.base.address);
    let collaterals = params
        .collaterals
        .iter()
        .enumerate()
        .map(|(i, c)| CollateralExternals {
            token: need(format!("collaterals[{i}].address"), c.token.address),
            feed: need(format!("collaterals[{i}].feed.address"), c.feed.address),
            base_feed: c.base_feed.as_ref().map_or(Address::ZERO, |f| {
                need(format!("collaterals[{i}].base_feed.address"), f.address)
            }),
        })
        .collect();
    let sequencer = params
        .sequencer
        .as_ref()
        .map(|s| need("sequencer.address".into(), s.address));
    if !missing.is_empty() {
        return Err(ConfigErrors(missing));
    }
    Ok(Externals {
        base,
        collaterals,
        sequencer,
    })
}

/// The deployment plan as transactions from `deployer`: program deployments
/// through the StylusDeployer at their CREATE2 addresses, then the calls.
///
/// Errors: a plan program without code in `codes`.
pub fn transactions(
    params: &MarketParams,
    ext: &Externals,
    deployer: Address,
    codes: &Codes,
) -> Result<Vec<ChainTx>> {
    let mut deployed = Deployed::new();
    let mut txs = Vec::new();
    for step in market_plan(params, ext, deployer) {
        let tx = match step.action {
            Action::Deploy {
                program,
                constructor,
            } => {
                let program_code = codes
                    .get(&program)
                    .with_context(|| format!("no code for {}", program.package()))?;
                let code = match &program_code.layout {
                    CodeLayout::Single(code) => code.clone(),
                    CodeLayout::Fragments(fragments) => {
                        let stored = store_fragments(params, program, fragments);
                        let addresses: Vec<[u8; 20]> = stored
                            .iter()
                            .filter_map(|tx| tx.creates)
                            .map(|a| a.0 .0)
                            .collect();
                        txs.extend(stored);
                        root_code(program_code.wasm_bytes, &addresses)
                    }
                };
                let init_code = stylus::init_code(&code);
                let init_data = constructor.map_or_else(Vec::new, |args| {
                    stylus::constructor_init_data(&args(&deployed))
                });
                let address = stylus::deployed_address(
                    params.stylus_deployer,
                    params.salt,
                    &init_data,
                    U256::ZERO,
                    &init_code,
                );
                deployed.insert(program, address);
                ChainTx {
                    purpose: step.purpose,
                    to: params.stylus_deployer,
                    value: TxValue::ActivationFee,
                    calldata: stylus::deploy_calldata(init_code, init_data, params.salt),
                    creates: Some(address),
                    deploys: Some(program),
                    code: Some(code),
                }
            }
            Action::Call { to, data } => ChainTx {
                purpose: step.purpose,
                to: deployed[&to],
                value: TxValue::Wei(U256::ZERO),
                calldata: data,
                creates: None,
                deploys: None,
                code: None,
            },
        };
        txs.push(tx);
    }
    Ok(txs)
}

/// Transactions storing each code fragment of `program` through the CREATE2
/// factory (`salt ++ init code`), so their addresses, which the root
/// contract lists, are known before sending.
fn store_fragments(params: &MarketParams, program: Program, fragments: &[Vec<u8>]) -> Vec<ChainTx> {
    fragments
        .iter()
        .enumerate()
        .map(|(i, fragment)| {
            let init_code = stylus::init_code(fragment);
            let address = params
                .create2_factory
                .create2(params.salt, keccak256(&init_code));
            let mut calldata = params.salt.to_vec();
            calldata.extend_from_slice(&init_code);
            ChainTx {
                purpose: format!(
                    "store code fragment {} of {} of {}",
                    i + 1,
                    fragments.len(),
                    program.package()
                ),
                to: params.create2_factory,
                value: TxValue::Wei(U256::ZERO),
                calldata,
                creates: Some(address),
                deploys: None,
                code: None,
            }
        })
        .collect()
}

/// A fingerprint of a transaction list (recipients and calldata): a state
/// file only resumes the deployment it was written for.
pub fn plan_hash(txs: &[ChainTx]) -> B256 {
    let mut bytes = Vec::new();
    for tx in txs {
        bytes.extend_from_slice(tx.to.as_slice());
        bytes.extend_from_slice(keccak256(&tx.calldata).as_slice());
    }
    keccak256(bytes)
}

/// Longest calldata printed in full by [`render`]; longer calldata (the
/// program code) is shown by its head, length and hash.
pub const PRINTED_CALLDATA_BYTES: usize = 1_024;

/// The transactions as a numbered, human-readable list.
pub fn render(txs: &[ChainTx]) -> String {
    let mut out = String::new();
    for (i, tx) in txs.iter().enumerate() {
        let _ = writeln!(out, "#{} {}", i + 1, tx.purpose);
        let _ = writeln!(out, "   to:       {}", tx.to);
        let value = match tx.value {
            TxValue::Wei(wei) => format!("{wei} wei"),
            TxValue::ActivationFee => {
                "activation data fee (ArbWasm eth_call at send time, +20%; unused part refunded)"
                    .into()
            }
        };
        let _ = writeln!(out, "   value:    {value}");
        match (tx.deploys, tx.creates) {
            (Some(program), Some(address)) => {
                let _ = writeln!(out, "   deploys:  {} at {address}", program.package());
            }
            (None, Some(address)) => {
                let _ = writeln!(out, "   creates:  {address}");
            }
            _ => {}
        }
        let calldata = if tx.calldata.len() <= PRINTED_CALLDATA_BYTES {
            hex::encode_prefixed(&tx.calldata)
        } else {
            format!(
                "{}... ({} bytes, keccak256 {})",
                hex::encode_prefixed(&tx.calldata[..68]),
                tx.calldata.len(),
                keccak256(&tx.calldata)
            )
        };
        let _ = writeln!(out, "   calldata: {calldata}");
    }
    out
}

//! Test-only: the oracle's reads run on keel-devnet, the chain every other
//! Keel test runs on, instead of a host of their own. A probe contract runs
//! each test step inside a real call frame (its storage persists from step
//! to step), and a feed is a scripted program that answers each calldata
//! with the bytes, or the revert, the test set.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use alloy_primitives::{address, Address, Bytes, B256, I256, U256};
use alloy_sol_types::SolCall;
use keel_devnet::{Devnet, FrameHost, Program, Status};
use stylus_sdk::stylus_core::{CalldataAccess, StorageAccess};

use crate::feed::IAggregatorV3;
use crate::round::RoundData;

/// Calldata -> returned data (`Ok`) or revert data (`Err`).
type Script = Rc<RefCell<HashMap<Vec<u8>, Result<Vec<u8>, Vec<u8>>>>>;

/// A feed answering from its script; a call it has no answer for succeeds
/// with no data, as an account without code would.
struct ScriptedFeed(Script);

impl Program for ScriptedFeed {
    fn name(&self) -> &str {
        "ScriptedFeed"
    }

    fn code(&self) -> Bytes {
        Bytes::from_static(b"scripted feed")
    }

    fn execute(&self, host: &FrameHost) -> Status {
        let calldata = host.read_args(host.calldata_len());
        let answer = self.0.borrow().get(&calldata).cloned();
        let (status, data) = match answer.unwrap_or(Ok(Vec::new())) {
            Ok(data) => (Status::Success, data),
            Err(data) => (Status::Revert, data),
        };
        host.write_result(&data);
        status
    }
}

/// One test step, run with the probe's frame.
type Step = Box<dyn FnOnce(&FrameHost)>;

/// Runs its step, then flushes the step's storage writes as the SDK's
/// entrypoint does when a call returns.
struct Probe(RefCell<Option<Step>>);

impl Program for Probe {
    fn name(&self) -> &str {
        "OracleProbe"
    }

    fn code(&self) -> Bytes {
        Bytes::from_static(b"oracle probe")
    }

    fn execute(&self, host: &FrameHost) -> Status {
        let step = self.0.borrow_mut().take();
        if let Some(step) = step {
            step(host);
        }
        host.flush_cache(false);
        Status::Success
    }
}

/// Where the probe runs: the storage a test's `PriceSource` lives in.
const PROBE: Address = address!("00000000000000000000000000000000000000b0");

/// A devnet with the probe and the scripted feeds of one test.
pub(crate) struct OracleLab {
    net: Devnet,
    scripts: HashMap<Address, Script>,
}

impl OracleLab {
    /// A fresh devnet: no feed has code yet.
    pub(crate) fn new() -> Self {
        Self {
            net: Devnet::new(),
            scripts: HashMap::new(),
        }
    }

    /// Runs `step` in a call frame of the probe (a transaction) and returns
    /// what it returned; its storage writes stay.
    pub(crate) fn run<R: 'static>(&mut self, step: impl FnOnce(&FrameHost) -> R + 'static) -> R {
        let out = Rc::new(RefCell::new(None));
        let sink = Rc::clone(&out);
        let step: Step = Box::new(move |host| *sink.borrow_mut() = Some(step(host)));
        // The probe keeps its storage when its code is replaced.
        self.net.set_code(PROBE, Probe(RefCell::new(Some(step))));
        let caller = address!("00000000000000000000000000000000000000ca");
        let receipt = self.net.transact(caller, PROBE, U256::ZERO, &[]);
        assert!(
            receipt.success,
            "the probe's frame failed: {:?}",
            receipt.halts
        );
        out.take().expect("the probe ran its step")
    }

    /// Runs `step` on the storage struct `S` at the start of the probe's
    /// storage, in a call frame of the probe.
    pub(crate) fn stored<S, R: 'static>(&mut self, step: impl FnOnce(&mut S) -> R + 'static) -> R
    where
        S: for<'h> From<&'h FrameHost>,
    {
        self.run(move |host| step(&mut S::from(host)))
    }

    /// Word `index` of the probe's storage.
    pub(crate) fn slot(&self, index: u8) -> B256 {
        self.net.storage_at(PROBE, U256::from(index))
    }

    /// Makes `target` a contract (a feed with an empty script).
    pub(crate) fn set_code(&mut self, target: Address) {
        self.script(target);
    }

    /// The script of the feed at `target`, deploying it on first use.
    fn script(&mut self, target: Address) -> Script {
        let net = &mut self.net;
        let script = self.scripts.entry(target).or_insert_with(|| {
            let script = Script::default();
            net.set_code(target, ScriptedFeed(Rc::clone(&script)));
            script
        });
        Rc::clone(script)
    }

    /// Static calls of `target` with `calldata` return `Ok(data)` or revert with `Err(data)`.
    pub(crate) fn mock_static_call(
        &mut self,
        target: Address,
        calldata: Vec<u8>,
        result: Result<Vec<u8>, Vec<u8>>,
    ) {
        self.script(target).borrow_mut().insert(calldata, result);
    }

    /// `feed.latestRoundData()` returns `round`.
    pub(crate) fn mock_round(&mut self, feed: Address, round: RoundData) {
        self.mock_round_bytes(feed, Ok(encode_round(round)));
    }

    /// `feed.latestRoundData()` returns or reverts with raw bytes.
    pub(crate) fn mock_round_bytes(&mut self, feed: Address, result: Result<Vec<u8>, Vec<u8>>) {
        let calldata = IAggregatorV3::latestRoundDataCall {}.abi_encode();
        self.mock_static_call(feed, calldata, result);
    }

    /// `target.decimals()` returns `decimals`.
    pub(crate) fn mock_decimals(&mut self, target: Address, decimals: u8) {
        let calldata = IAggregatorV3::decimalsCall {}.abi_encode();
        let returned = IAggregatorV3::decimalsCall::abi_encode_returns(&decimals);
        self.mock_static_call(target, calldata, Ok(returned));
    }
}

/// The ABI encoding of `latestRoundData()`'s return.
pub(crate) fn encode_round(round: RoundData) -> Vec<u8> {
    IAggregatorV3::latestRoundDataCall::abi_encode_returns(&IAggregatorV3::latestRoundDataReturn {
        roundId: round.round_id,
        answer: round.answer,
        startedAt: round.started_at,
        updatedAt: round.updated_at,
        answeredInRound: round.answered_in_round,
    })
}

/// A round answering `answer`, started and updated at `updated_at`.
pub(crate) fn round(answer: i128, updated_at: u64) -> RoundData {
    RoundData {
        round_id: alloy_primitives::aliases::U80::from(7),
        answer: I256::try_from(answer).expect("an i128 fits in an int256"),
        started_at: U256::from(updated_at),
        updated_at: U256::from(updated_at),
        answered_in_round: alloy_primitives::aliases::U80::from(7),
    }
}

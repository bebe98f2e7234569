//! Solvency invariants as a stateful property test (issue 8).
//!
//! proptest draws sequences of operations ([`ops::Op`]): supply, withdraw,
//! collateral in and out, borrow, repay (by assets and shares, for oneself
//! and for others, with and without operator rights), liquidations, round
//! trips, operator changes, interest accrual, price crashes and recoveries
//! on every feed, time jumps, and owner and guardian calls (parameters
//! within and just outside their bounds, pauses, reserves withdrawals), with
//! amounts from zero and dust to exact maxima and `type(uint256).max`. Each
//! sequence runs on the fixture's market on keel-devnet, with real mock
//! tokens and feeds, and on an independent big-integer reference model
//! (`keel_tests::model`). After every step ([`harness::Harness::run`]):
//!
//! 1. the call returned what the model expects, or reverted with an error the
//!    model names;
//! 2. everything observable (market and account snapshots, collateral info and
//!    prices, every token balance) equals the model's view;
//! 3. the twelve invariants of docs/DESIGN.md section 8 hold ([`checks`], and
//!    invariant 10 in the harness).
//!
//! A failure shrinks to a minimal sequence; proptest records its seed in
//! `tests/tests/proptest-regressions/invariants.txt` and the sequence is kept
//! as an explicit test in [`regressions`].
//!
//! Size: `KEEL_INVARIANT_CASES` sequences (default 256) of up to
//! `KEEL_INVARIANT_STEPS` steps (default 50; each step is drawn present 95%
//! of the time, so about 48 run). The README ("Invariants and
//! fuzzing") gives the CI time and a deep run's figures.

#[path = "invariants/admin.rs"]
mod admin;
#[path = "invariants/calls.rs"]
mod calls;
#[path = "invariants/chain.rs"]
mod chain;
#[path = "invariants/checks.rs"]
mod checks;
#[path = "invariants/errors.rs"]
mod errors;
#[path = "invariants/exits.rs"]
mod exits;
#[path = "invariants/harness.rs"]
mod harness;
#[path = "invariants/liquidate.rs"]
mod liquidate;
#[path = "invariants/ops.rs"]
mod ops;
#[path = "invariants/regressions.rs"]
mod regressions;

use std::cell::{Cell, RefCell};
use std::time::Instant;

use proptest::test_runner::{
    Config, FileFailurePersistence, RngAlgorithm, TestCaseError, TestRunner,
};

use harness::Harness;
use ops::Op;

/// Sequences per run unless `KEEL_INVARIANT_CASES` says otherwise.
const DEFAULT_CASES: u32 = 256;
/// Longest sequence unless `KEEL_INVARIANT_STEPS` says otherwise.
const DEFAULT_STEPS: usize = 50;

thread_local! {
    /// Deployed once per test thread, reset to its start for every sequence.
    static HARNESS: RefCell<Option<Harness>> = const { RefCell::new(None) };
}

/// Runs `ops` on this thread's harness.
///
/// # Errors
/// The first step whose result, state or invariants are wrong.
pub fn run_sequence(ops: &[Op]) -> Result<(), String> {
    HARNESS.with(|cell| cell.borrow_mut().get_or_insert_with(Harness::new).run(ops))
}

/// This thread's coverage: how often each call went through or reverted, and why.
fn coverage_report() -> String {
    HARNESS.with(|cell| match cell.borrow().as_ref() {
        Some(harness) => harness
            .coverage()
            .iter()
            .map(|(what, count)| format!("  {what}: {count}\n"))
            .collect(),
        None => String::new(),
    })
}

fn from_env<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a positive integer")),
        Err(_) => default,
    }
}

#[test]
fn solvency_invariants_hold_after_every_step() {
    let cases = from_env("KEEL_INVARIANT_CASES", DEFAULT_CASES);
    let max_steps = from_env("KEEL_INVARIANT_STEPS", DEFAULT_STEPS);
    let config = Config {
        cases,
        // Seeding ChaCha per case dominates short cases in debug builds.
        rng_algorithm: RngAlgorithm::XorShift,
        source_file: Some(file!()),
        // Relative to the package root, where cargo runs tests.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/invariants.txt",
        ))),
        ..Config::default()
    };
    let steps = Cell::new(0u64);
    let started = Instant::now();
    let result = TestRunner::new(config).run(&ops::sequence(max_steps), |ops| {
        steps.set(steps.get() + ops.len() as u64);
        run_sequence(&ops).map_err(TestCaseError::fail)
    });
    eprintln!(
        "invariants: {cases} sequences of up to {max_steps} steps: {} steps run in {:.1?}",
        steps.get(),
        started.elapsed()
    );
    eprint!("{}", coverage_report());
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

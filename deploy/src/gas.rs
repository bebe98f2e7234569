//! `keel gas`: the gas of each market operation, measured by running the
//! programs that deploy (`target/keel/*.wasm`) on the devnet's wasm backend
//! with Nitro's metering (`keel_devnet::wasm`).
//!
//! # The scenario
//!
//! The market of `deploy/markets/gas.toml` (the example market's parameters,
//! eight listed collaterals) with keel-mocks' ERC-20 and Chainlink-style
//! aggregator as the token and feed contracts. By default the mocks run
//! natively: their state access, logs and calls are charged as on chain,
//! their execution is not, which stands for EVM tokens and feeds without
//! their opcode gas (the setting of the Morpho Blue figures beside the
//! table). `keel gas --wasm-mocks` runs them as wasm too (`keel build`
//! writes them to `target/keel/mocks`), metered like the market, as on a
//! chain where the tokens and feeds are these Stylus programs: each token
//! or feed call then pays that program's start-up and ink. Bob
//! supplies 600,000 USDC; Dave, Erin and Frank each post 10 WETH (2,000
//! USDC) and borrow 15,000 USDC (75% LTV); Wendy posts 1,000 of each of the
//! seven other collaterals (100 USDC each) and 10 WETH; Zoe posts 400 WETH
//! and borrows 255,000 USDC, which brings the market to 50% utilisation
//! (49-56% through the measured operations). Then every measured
//! operation is its own transaction (cold accounts and slots), five minutes
//! apart with fresh feed rounds, so interest accrues before each:
//!
//! 1. `supply` (first for the account): Alice supplies 4,000 USDC;
//! 2. `supply` (recurrent): Alice supplies 1,000 more;
//! 3. `supplyCollateral`: Carol posts 10 WETH (her first);
//! 4. `supplyCollateral` (recurrent): Carol posts 1 WETH more;
//! 5. `borrow`: Carol borrows 10,000 USDC (her first loan);
//! 6. `borrow` (recurrent): Carol borrows 1,000 more;
//! 7. `repay` (partial): Carol repays 4,000;
//! 8. `withdrawCollateral` with debt: Carol takes 1 WETH back;
//! 9. `repay` (all): Carol repays `type(uint256).max`;
//! 10. `withdraw`: Alice withdraws 1,000;
//! 11. `accrueInterest`: a keeper;
//! 12. `borrow` with 8 collaterals: Wendy borrows 40,000;
//! 13. `liquidate` (partial): ETH at 1,712, Dave's health factor about 0.97;
//! 14. `liquidate` (full): ETH at 1,600, Erin's about 0.91;
//! 15. `liquidate` with bad debt: ETH at 1,000, Frank's WETH is worth less
//!     than his debt.
//!
//! The scenario runs twice: programs not cached (each transaction starts
//! each program it enters uncached; a program entered twice in one
//! transaction starts cached the second time, as ArbOS 60 does within a
//! block), and all programs in ArbOS's cache.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::SolCall;
use anyhow::{anyhow, bail, Context, Result};
use keel_bindings::IKeelMarket;
use keel_devnet::{address_of, GasBreakdown, Receipt, WasmProgram};
use keel_mocks::abi::IMockAggregator;
use serde::{Deserialize, Serialize};

use crate::config::{parse, validate};
use crate::devnet::{self, DevnetMarket};

/// The scenario's market configuration.
pub const GAS_CONFIG: &str = include_str!("../markets/gas.toml");

/// Where the snapshot lives, relative to the workspace root.
pub const SNAPSHOT_PATH: &str = "gas/snapshot.json";

/// How much an operation's gas may grow before `keel gas --check` fails:
/// 0.5%, in parts per thousand.
const TOLERANCE_PER_MILLE: u64 = 5;

/// Seconds between measured operations.
pub const STEP_SECONDS: u64 = 300;

/// The gas of one measured operation.
#[derive(Debug, Clone)]
pub struct OpGas {
    /// The operation.
    pub name: &'static str,
    /// With every program uncached.
    pub uncached: GasBreakdown,
    /// With every program in ArbOS's cache.
    pub cached: GasBreakdown,
    /// The programs started, in order.
    pub programs: Vec<String>,
}

/// Deploys the scenario's market and replaces its programs by their
/// wasm from `wasm_dir` (the deployment itself runs natively: the state is
/// the same, and deployment gas is not measured).
fn deploy(wasm_dir: &Path, cached: bool, wasm_mocks: bool, profiled: bool) -> Result<DevnetMarket> {
    let params = validate::validate(&parse(GAS_CONFIG)?)?;
    let mut m = devnet::deploy(&params)?;
    use_wasm_programs(&mut m, wasm_dir, cached)?;
    if profiled {
        for (program, address) in m.deployed.clone() {
            let wasm = program
                .wasm(wasm_dir)
                .and_then(|p| p.profiled())
                .map_err(|e| anyhow!(e))?;
            let wasm = with_names(wasm, wasm_dir, &lib_name(program.package())?)?;
            m.net.set_code(address, wasm.cached(cached));
        }
    }
    if wasm_mocks {
        use_wasm_mocks(&mut m, wasm_dir, cached)?;
    }
    Ok(m)
}

/// `program` with its functions named from the linker's map that `keel
/// build` keeps next to the linker's output
/// (`target/keel/wasm/wasm32-unknown-unknown/release/<lib>.map`) and
/// `wasm-opt`'s symbol map beside it (`<lib>.symbols`): which linked body
/// each optimised body is (the processed program keeps the optimised bodies
/// in order).
fn with_names(program: WasmProgram, wasm_dir: &Path, lib_name: &str) -> Result<WasmProgram> {
    let linked = wasm_dir
        .join("wasm")
        .join(crate::build::cargo::WASM_TARGET)
        .join("release")
        .join(format!("{lib_name}.wasm"));
    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .with_context(|| format!("reading {} (run keel build)", path.display()))
    };
    let map = read(&linked.with_extension("map"))?;
    let symbols_path = crate::build::optimize::symbols_path(&linked);
    let names = crate::build::optimize::optimised_body_names(
        &read(&symbols_path)?,
        &link_map_functions(&map),
    )?;
    program
        .with_body_names(names)
        .map_err(|e| anyhow!("{e} ({})", symbols_path.display()))
}

/// The library target name of the workspace contract `package` (the stem
/// of the linker's output and its maps), as cargo's metadata gives it.
fn lib_name(package: &str) -> Result<String> {
    crate::build::cargo::workspace()?
        .contracts
        .into_iter()
        .find(|contract| contract.package == package)
        .map(|contract| contract.lib_name)
        .ok_or_else(|| anyhow!("{package} is not a contract of the workspace"))
}

/// The functions of a `wasm-ld --Map` link map's CODE section, in order,
/// demangled without their hashes. Each function body is one input-section
/// line ending in `:(symbol)`; the lines under it repeat its symbols.
pub fn link_map_functions(map: &str) -> Vec<String> {
    let is_section = |line: &str| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.len() == 4 && fields[0] == "-" && fields[3].chars().all(|c| c.is_ascii_uppercase())
    };
    map.lines()
        .skip_while(|line| !(is_section(line) && line.ends_with(" CODE")))
        .skip(1)
        .take_while(|line| !is_section(line))
        .filter_map(|line| line.rsplit_once(":(")?.1.strip_suffix(')'))
        .map(|symbol| format!("{:#}", rustc_demangle::demangle(symbol)))
        .collect()
}

/// Replaces the mock tokens and feeds of a devnet market by their wasm
/// (`target/keel/mocks`, written by `keel build`), so their execution is
/// metered too (state and addresses unchanged).
pub fn use_wasm_mocks(m: &mut DevnetMarket, wasm_dir: &Path, cached: bool) -> Result<()> {
    let dir = crate::build::mocks::mocks_dir(wasm_dir);
    let load = |name: &str| -> Result<WasmProgram> {
        let path = dir.join(format!("{name}.wasm"));
        if !path.exists() {
            bail!(
                "{} is missing: run `cargo run -p keel-cli --bin keel -- build` first",
                path.display()
            );
        }
        Ok(WasmProgram::from_file(&path)
            .map_err(|e| anyhow!(e))?
            .cached(cached))
    };
    let (token, feed) = (load("keel-mocks-erc20")?, load("keel-mocks-aggregator")?);
    let externals = m.externals.clone();
    m.net.set_code(externals.base, token.clone());
    for collateral in &externals.collaterals {
        m.net.set_code(collateral.token, token.clone());
        m.net.set_code(collateral.feed, feed.clone());
        if collateral.base_feed != Address::ZERO {
            m.net.set_code(collateral.base_feed, feed.clone());
        }
    }
    Ok(())
}

/// Replaces the programs of a devnet market by their wasm from
/// `wasm_dir`, on the wasm backend (state and addresses unchanged).
pub fn use_wasm_programs(m: &mut DevnetMarket, wasm_dir: &Path, cached: bool) -> Result<()> {
    for (program, address) in m.deployed.clone() {
        let wasm = program.wasm(wasm_dir).map_err(|e| anyhow!(e))?;
        m.net.set_code(address, wasm.cached(cached));
    }
    Ok(())
}

struct Scenario {
    m: DevnetMarket,
    /// Seconds between measured operations.
    step: u64,
    eth: i64,
    receipts: Vec<(&'static str, Receipt)>,
    /// Wall time of the measured transactions.
    elapsed: Duration,
}

impl Scenario {
    fn token(&self, index: usize) -> Address {
        self.m.externals.collaterals[index].token
    }

    fn send_raw(&mut self, from: &str, data: Vec<u8>) -> Receipt {
        let market = self.m.market;
        self.m
            .net
            .transact(address_of(from), market, U256::ZERO, &data)
    }

    /// An unmeasured transaction that must succeed.
    fn setup<C: SolCall>(&mut self, from: &str, call: C) -> Result<()> {
        let receipt = self.send_raw(from, call.abi_encode());
        if !receipt.success {
            let revert = keel_devnet::Revert {
                data: receipt.output,
            };
            bail!("setup {from}: {}: {revert}", C::SIGNATURE);
        }
        Ok(())
    }

    /// A measured transaction: must succeed without a halted frame.
    fn measure<C: SolCall>(&mut self, name: &'static str, from: &str, call: C) -> Result<()> {
        let data = call.abi_encode();
        let start = Instant::now();
        let receipt = self.send_raw(from, data);
        self.elapsed += start.elapsed();
        if !receipt.success || !receipt.halts.is_empty() {
            let revert = keel_devnet::Revert {
                data: receipt.output.clone(),
            };
            bail!("{name}: {revert} (halts: {:?})", receipt.halts);
        }
        self.receipts.push((name, receipt));
        Ok(())
    }

    /// New rounds on every feed: WETH at `self.eth`, the others at 100.
    fn refresh_feeds(&mut self) -> Result<()> {
        let feeds: Vec<Address> = self
            .m
            .externals
            .collaterals
            .iter()
            .map(|c| c.feed)
            .collect();
        for (index, feed) in feeds.into_iter().enumerate() {
            let whole = if index == 0 { self.eth } else { 100 };
            let answer = I256::try_from(whole)? * I256::try_from(100_000_000i64)?;
            self.m
                .net
                .call(feed, feed, &IMockAggregator::setAnswerCall { answer })
                .map_err(|r| anyhow!("feed: {r}"))?;
        }
        Ok(())
    }

    fn step(&mut self) -> Result<()> {
        self.m.net.advance_time(self.step);
        self.refresh_feeds()
    }

    fn set_eth(&mut self, usd: i64) -> Result<()> {
        self.eth = usd;
        self.refresh_feeds()
    }

    fn fund(&mut self, who: &str) -> Result<()> {
        self.m.fund(address_of(who))
    }
}

fn usdc(whole: u64) -> U256 {
    U256::from(whole) * U256::from(1_000_000u64)
}

fn ether(whole: u64) -> U256 {
    U256::from(whole) * U256::from(10u64).pow(U256::from(18))
}

fn supply(assets: U256, who: &str) -> IKeelMarket::supplyCall {
    IKeelMarket::supplyCall {
        assets,
        onBehalf: address_of(who),
    }
}

fn borrow(assets: U256, who: &str) -> IKeelMarket::borrowCall {
    IKeelMarket::borrowCall {
        assets,
        onBehalf: address_of(who),
        receiver: address_of(who),
    }
}

fn post(token: Address, amount: U256, who: &str) -> IKeelMarket::supplyCollateralCall {
    IKeelMarket::supplyCollateralCall {
        token,
        amount,
        onBehalf: address_of(who),
    }
}

fn liquidate(borrower: &str, token: Address) -> IKeelMarket::liquidateCall {
    IKeelMarket::liquidateCall {
        borrower: address_of(borrower),
        token,
        maxRepayAssets: U256::MAX,
        receiver: address_of("liquidator"),
        data: Default::default(),
    }
}

/// The measured receipts of a run and their wall time.
type Played = (Vec<(&'static str, Receipt)>, Duration);

/// Plays the scenario; returns the measured receipts and their wall time.
fn play(
    wasm_dir: &Path,
    cached: bool,
    wasm_mocks: bool,
    profiled: bool,
    step: u64,
) -> Result<Played> {
    let m = deploy(wasm_dir, cached, wasm_mocks, profiled)?;
    let mut s = Scenario {
        m,
        step,
        eth: 2_000,
        receipts: Vec::new(),
        elapsed: Duration::ZERO,
    };
    for who in [
        "alice",
        "bob",
        "carol",
        "dave",
        "erin",
        "frank",
        "wendy",
        "zoe",
        "liquidator",
    ] {
        s.fund(who)?;
    }
    let weth = s.token(0);
    s.setup("bob", supply(usdc(600_000), "bob"))?;
    for who in ["dave", "erin", "frank"] {
        s.setup(who, post(weth, ether(10), who))?;
        s.setup(who, borrow(usdc(15_000), who))?;
    }
    for index in 1..8 {
        let token = s.token(index);
        s.setup("wendy", post(token, ether(1_000), "wendy"))?;
    }
    s.setup("wendy", post(weth, ether(10), "wendy"))?;
    // Zoe's loan brings the market to about 50% utilisation, where it stays.
    s.setup("zoe", post(weth, ether(400), "zoe"))?;
    s.setup("zoe", borrow(usdc(255_000), "zoe"))?;

    s.step()?;
    s.measure("supply (first)", "alice", supply(usdc(4_000), "alice"))?;
    s.step()?;
    s.measure("supply (recurrent)", "alice", supply(usdc(1_000), "alice"))?;
    s.step()?;
    s.measure("supplyCollateral", "carol", post(weth, ether(10), "carol"))?;
    s.step()?;
    let more = post(weth, ether(1), "carol");
    s.measure("supplyCollateral (recurrent)", "carol", more)?;
    s.step()?;
    s.measure("borrow", "carol", borrow(usdc(10_000), "carol"))?;
    s.step()?;
    s.measure("borrow (recurrent)", "carol", borrow(usdc(1_000), "carol"))?;
    s.step()?;
    let repay = |assets| IKeelMarket::repayCall {
        assets,
        onBehalf: address_of("carol"),
    };
    s.measure("repay (partial)", "carol", repay(usdc(4_000)))?;
    s.step()?;
    let withdraw_collateral = IKeelMarket::withdrawCollateralCall {
        token: weth,
        amount: ether(1),
        onBehalf: address_of("carol"),
        receiver: address_of("carol"),
    };
    s.measure(
        "withdrawCollateral (with debt)",
        "carol",
        withdraw_collateral,
    )?;
    s.step()?;
    s.measure("repay (all)", "carol", repay(U256::MAX))?;
    s.step()?;
    let withdraw = IKeelMarket::withdrawCall {
        assets: usdc(1_000),
        onBehalf: address_of("alice"),
        receiver: address_of("alice"),
    };
    s.measure("withdraw", "alice", withdraw)?;
    s.step()?;
    s.measure(
        "accrueInterest",
        "keeper",
        IKeelMarket::accrueInterestCall {},
    )?;
    s.step()?;
    s.measure(
        "borrow (8 collaterals)",
        "wendy",
        borrow(usdc(40_000), "wendy"),
    )?;
    s.step()?;
    s.set_eth(1_712)?;
    s.measure(
        "liquidate (partial, HF 0.97)",
        "liquidator",
        liquidate("dave", weth),
    )?;
    s.step()?;
    s.set_eth(1_600)?;
    s.measure(
        "liquidate (full, HF 0.91)",
        "liquidator",
        liquidate("erin", weth),
    )?;
    s.step()?;
    s.set_eth(1_000)?;
    s.measure(
        "liquidate (bad debt)",
        "liquidator",
        liquidate("frank", weth),
    )?;
    check_story(&s.receipts)?;
    Ok((s.receipts, s.elapsed))
}

/// The scenario's facts: the partial liquidation leaves debt, the full one
/// does not, the last writes off bad debt.
fn check_story(receipts: &[(&'static str, Receipt)]) -> Result<()> {
    let find = |name: &str| {
        receipts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, r)| r)
            .ok_or_else(|| anyhow!("{name} missing"))
    };
    let bad_debt = find("liquidate (bad debt)")?;
    if bad_debt.events::<keel_market::events::BadDebt>().is_empty() {
        bail!("the bad-debt liquidation wrote off nothing");
    }
    for name in ["liquidate (partial, HF 0.97)", "liquidate (full, HF 0.91)"] {
        let receipt = find(name)?;
        if receipt
            .events::<keel_market::events::Liquidate>()
            .is_empty()
        {
            bail!("{name}: no Liquidate event");
        }
    }
    Ok(())
}

/// Runs the scenario uncached and cached (`wasm_mocks`: the tokens and
/// feeds as wasm too). Also returns the wall time of the measured
/// transactions of both runs (30), for a speed figure.
pub fn run(wasm_dir: &Path, wasm_mocks: bool) -> Result<(Vec<OpGas>, Duration)> {
    run_stepped(wasm_dir, wasm_mocks, STEP_SECONDS)
}

/// [`run`] with `step` seconds between operations instead of
/// [`STEP_SECONDS`] (a comparison with figures measured elsewhere; less
/// time accrues less interest, which costs less ink).
pub fn run_stepped(wasm_dir: &Path, wasm_mocks: bool, step: u64) -> Result<(Vec<OpGas>, Duration)> {
    let (uncached, first) = play(wasm_dir, false, wasm_mocks, false, step)?;
    let (cached, second) = play(wasm_dir, true, wasm_mocks, false, step)?;
    let elapsed = first + second;
    let ops = uncached
        .into_iter()
        .zip(cached)
        .map(|((name, uncached), (_, cached))| OpGas {
            name,
            programs: uncached
                .gas
                .execution
                .programs
                .iter()
                .map(|entry| {
                    let short = entry
                        .name
                        .trim_start_matches("keel-market-")
                        .trim_start_matches("keel-mocks-");
                    match entry.cached {
                        true => format!("{short} (cached)"),
                        false => short.to_string(),
                    }
                })
                .collect(),
            uncached: uncached.gas.breakdown(),
            cached: cached.gas.breakdown(),
        })
        .collect();
    Ok((ops, elapsed))
}

/// The profile of one operation of the scenario (programs uncached, mocks
/// native): its split, the programs entered, the 20 functions with the most
/// ink (named from the linker's map, see `with_names`), the hostios'
/// ink, and each storage slot read and written with its price.
pub fn profile(wasm_dir: &Path, operation: &str) -> Result<String> {
    let (receipts, _) = play(wasm_dir, false, false, true, STEP_SECONDS)?;
    let Some((name, receipt)) = receipts.iter().find(|(name, _)| *name == operation) else {
        let names: Vec<&str> = receipts.iter().map(|(name, _)| *name).collect();
        bail!(
            "no operation {operation:?}; the scenario's: {}",
            names.join(", ")
        );
    };
    let g = receipt.gas.breakdown();
    let mut out = format!(
        "{name}: {} gas = intrinsic {} + start-up {} + ink {} + storage {} + calls {} + logs {} + memory {} - refund {}\n",
        g.total, g.intrinsic, g.startup, g.ink, g.storage, g.calls, g.logs, g.memory, g.refund
    );
    out.push_str("\nprograms started:\n");
    for entry in &receipt.gas.execution.programs {
        out.push_str(&format!(
            "  {:<28} start-up {:>6}{}\n",
            entry.name,
            entry.startup,
            if entry.cached { " (cached)" } else { "" }
        ));
    }
    // Ink per function over the transaction's frames.
    let mut per_function: std::collections::BTreeMap<(String, Option<u32>), (Option<String>, u64)> =
        std::collections::BTreeMap::new();
    for entry in &receipt.gas.execution.profile {
        let slot = per_function
            .entry((entry.program.clone(), entry.function))
            .or_insert((entry.name.clone(), 0));
        slot.1 += entry.ink;
    }
    let mut ranked: Vec<_> = per_function.into_iter().collect();
    ranked.sort_by_key(|(_, (_, ink))| std::cmp::Reverse(*ink));
    let total_ink: u64 = ranked.iter().map(|(_, (_, ink))| ink).sum();
    out.push_str(&format!(
        "\nink by function (top 20 of {}; all: {} gas):\n",
        ranked.len(),
        total_ink / 10_000
    ));
    for ((program, function), (fname, ink)) in ranked.iter().take(20) {
        let label = match (fname, function) {
            (Some(fname), _) => fname.clone(),
            (None, Some(index)) => format!("function {index}"),
            (None, None) => "(hostios)".into(),
        };
        let short = program.trim_start_matches("keel-market-");
        out.push_str(&format!("  {:>8} gas  {short:<12} {label}\n", ink / 10_000));
    }
    out.push_str("\nstorage (address, slot, access, gas):\n");
    for entry in &receipt.gas.entries {
        let Some(slot) = entry.slot else {
            continue;
        };
        out.push_str(&format!(
            "  {} {slot:#066x} {:?} {}\n",
            entry.address, entry.charge, entry.gas
        ));
    }
    Ok(out)
}

/// Whole-transaction figures of other lending protocols for the same
/// operations (issue 14): Morpho Blue run in Nitro's own runtime with the
/// same ERC-20 and Chainlink-style feeds (47% utilisation, 60 s between
/// operations), and Aave v3.7's committed gas snapshots.
fn anchors(name: &str) -> (Option<u64>, Option<u64>) {
    match name {
        "supply (first)" => (Some(91_773), None),
        "supply (recurrent)" => (Some(77_461), Some(139_678)),
        // Morpho's figures are an account's second collateral deposit and
        // loan (issue 15), so they stand beside the recurrent rows.
        "supplyCollateral (recurrent)" => (Some(53_615), None),
        "borrow" => (None, Some(209_306)),
        "borrow (recurrent)" => (Some(83_012), None),
        "repay (partial)" => (Some(77_424), Some(145_712)),
        "withdrawCollateral (with debt)" => (Some(80_416), Some(220_789)),
        "liquidate (partial, HF 0.97)" => (Some(103_950), Some(340_429)),
        "liquidate (bad debt)" => (Some(102_257), Some(349_519)),
        _ => (None, None),
    }
}

fn ratio(ours: u64, theirs: Option<u64>) -> String {
    match theirs {
        Some(theirs) => format!("{}.{:02}x", ours / theirs, (ours % theirs) * 100 / theirs),
        None => "-".into(),
    }
}

fn figure(value: Option<u64>) -> String {
    value.map_or_else(|| "-".into(), |v| v.to_string())
}

/// The table `keel gas` prints.
pub fn render(ops: &[OpGas]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<31} {:>8} {:>8} | {:>6} {:>7} {:>7} {:>7} {:>6} {:>5} {:>6} {:>6} | {:>7} {:>6} {:>7} {:>6} | programs\n",
        "operation", "uncached", "cached", "intr.", "startup", "ink", "storage", "calls", "logs", "memory", "refund",
        "Morpho", "ratio", "Aave", "ratio"
    ));
    for op in ops {
        let g = &op.uncached;
        let (morpho, aave) = anchors(op.name);
        out.push_str(&format!(
            "{:<31} {:>8} {:>8} | {:>6} {:>7} {:>7} {:>7} {:>6} {:>5} {:>6} {:>6} | {:>7} {:>6} {:>7} {:>6} | {}\n",
            op.name,
            g.total,
            op.cached.total,
            g.intrinsic,
            g.startup,
            g.ink,
            g.storage,
            g.calls,
            g.logs,
            g.memory,
            g.refund,
            figure(morpho),
            ratio(g.total, morpho),
            figure(aave),
            ratio(g.total, aave),
            op.programs.join(", ")
        ));
    }
    out.push_str(
        "gas per transaction (21,000 intrinsic included, L1 data fee excluded), uncached split;\n\
         Morpho: Morpho Blue in Nitro's runtime; Aave: v3.7 snapshots; ratio = Keel uncached / theirs\n",
    );
    out
}

/// One operation in `gas/snapshot.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotEntry {
    /// The operation.
    pub name: String,
    /// Total gas, programs uncached.
    pub uncached: u64,
    /// Total gas, programs cached.
    pub cached: u64,
}

/// `gas/snapshot.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// What the figures are.
    pub about: String,
    /// Per operation, in scenario order.
    pub operations: Vec<SnapshotEntry>,
}

/// The snapshot of a run.
pub fn snapshot(ops: &[OpGas]) -> Snapshot {
    Snapshot {
        about: "keel gas: whole-transaction gas per market operation on the devnet's wasm \
                backend (Nitro metering, ArbOS Stylus v2 defaults); scenario in \
                deploy/src/gas.rs"
            .into(),
        operations: ops
            .iter()
            .map(|op| SnapshotEntry {
                name: op.name.to_string(),
                uncached: op.uncached.total,
                cached: op.cached.total,
            })
            .collect(),
    }
}

/// Compares a run with the committed snapshot: fails when an operation is
/// missing or its gas grew by more than 0.5%. Returns one line per change.
pub fn check(ops: &[OpGas], committed: &Snapshot) -> Result<Vec<String>> {
    let now = snapshot(ops);
    let mut lines = Vec::new();
    let mut failures = Vec::new();
    for old in &committed.operations {
        let Some(new) = now.operations.iter().find(|op| op.name == old.name) else {
            failures.push(format!("{}: missing from the scenario", old.name));
            continue;
        };
        for (kind, was, is) in [
            ("uncached", old.uncached, new.uncached),
            ("cached", old.cached, new.cached),
        ] {
            if is != was {
                lines.push(format!("{} ({kind}): {was} -> {is}", old.name));
            }
            if is * 1_000 > was * (1_000 + TOLERANCE_PER_MILLE) {
                failures.push(format!(
                    "{} ({kind}): {was} -> {is}, more than 0.5% up",
                    old.name
                ));
            }
        }
    }
    if !failures.is_empty() {
        bail!("gas regressions:\n{}", failures.join("\n"));
    }
    Ok(lines)
}

/// Reads a snapshot file.
pub fn read_snapshot(path: &Path) -> Result<Snapshot> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The default places: `target/keel` for the programs, `gas/snapshot.json`.
pub fn default_paths() -> Result<(PathBuf, PathBuf)> {
    let ws = crate::build::cargo::workspace()?;
    Ok((ws.target_dir.join("keel"), ws.root.join(SNAPSHOT_PATH)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(figures: &[(&'static str, u64, u64)]) -> Vec<OpGas> {
        figures
            .iter()
            .map(|(name, uncached, cached)| OpGas {
                name,
                uncached: GasBreakdown {
                    total: *uncached,
                    ..GasBreakdown::default()
                },
                cached: GasBreakdown {
                    total: *cached,
                    ..GasBreakdown::default()
                },
                programs: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn link_map_functions_in_code_order() {
        let map = "    Addr      Off     Size Out     In      Symbol
       -        8      10d TYPE
       -      4b9        a GLOBAL
       0        0        0         __stack_pointer
       -      4e1       40 CODE
       -      4e3       17         /t/a.o:(_RNvCs1234_9keel_math7div_rem)
       -      4e3       17                 _RNvCs1234_9keel_math7div_rem
       -      4fa       17         <internal>:(__wasm_call_ctors)
       -      4fa       17                 __wasm_call_ctors
       -      520        9 DATA
       -      521        5         /t/a.o:(.rodata.x)
";
        assert_eq!(
            link_map_functions(map),
            ["keel_math::div_rem", "__wasm_call_ctors"]
        );
    }

    #[test]
    fn check_allows_half_a_percent() {
        let committed = snapshot(&ops(&[("borrow", 100_000, 80_000)]));
        assert!(check(&ops(&[("borrow", 100_500, 80_400)]), &committed).is_ok());
        let lines = check(&ops(&[("borrow", 90_000, 80_000)]), &committed).unwrap();
        assert_eq!(lines, ["borrow (uncached): 100000 -> 90000"]);
        let error = check(&ops(&[("borrow", 100_501, 80_000)]), &committed).unwrap_err();
        assert!(error.to_string().contains("more than 0.5% up"));
        let error = check(&ops(&[("supply", 1, 1)]), &committed).unwrap_err();
        assert!(error.to_string().contains("missing"));
    }

    #[test]
    fn ratios() {
        assert_eq!(ratio(150, Some(100)), "1.50x");
        assert_eq!(ratio(99, Some(100)), "0.99x");
        assert_eq!(ratio(1, None), "-");
    }
}

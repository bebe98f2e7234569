//! The market's programs as the wasm that deploys (`target/keel/*.wasm`,
//! written by `keel build`) on the devnet's wasm backend, against the same
//! contracts run natively: every operation must return the same data, emit
//! the same logs and leave the same storage. The mock tokens and feeds stay
//! native, so each operation also exercises wasm -> native calls (and the
//! core's `delegatecall`s into the ext program, wasm -> wasm).
//!
//! Needs the artifacts: run `cargo run -p keel-cli --bin keel -- build`
//! first (`scripts/test.sh` does), or point `KEEL_WASM_DIR` at them. Run it
//! with `KEEL_BACKEND` unset: the "native" side is the fixture's default.

use std::time::Instant;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use keel_devnet::{address_of, native as native_program, Charge, Devnet, GasBreakdown, Receipt};
use keel_mocks::abi::TokenConstructor;
use keel_mocks::MockErc20;
use keel_tests::backend::wasm_program;
use keel_tests::{
    deploy_ext, deploy_market, units, usdc, Fixture, IKeelMarket, KeelMarketConstructor, Program,
    RATE_MODEL, RESERVE_FACTOR,
};

/// The addresses of the ext program and the core of the fixture's market (in
/// [`Program::ALL`] order): the deployer's last CREATE addresses, the core
/// last.
fn market_programs(fx: &Fixture) -> [Address; Program::ALL.len()] {
    let deployer = address_of("deployer");
    let nonce = (0..64u64)
        .find(|nonce| deployer.create(*nonce) == fx.market)
        .expect("the market is a CREATE address of the deployer");
    let first = nonce + 1 - Program::ALL.len() as u64;
    std::array::from_fn(|index| deployer.create(first + index as u64))
}

/// A fixture whose market programs run as wasm, in the state the native
/// fixture built (tokens, feeds, two listed collaterals, funded actors).
fn wasm_fixture() -> Fixture {
    let mut fx = Fixture::new();
    for (address, program) in market_programs(&fx).into_iter().zip(Program::ALL) {
        fx.net.set_code(address, wasm_program(program));
    }
    fx
}

/// What a transaction leaves to compare between the backends.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    success: bool,
    output: Vec<u8>,
    logs: Vec<(Address, Vec<u8>, Vec<u8>)>,
}

fn outcome(receipt: &Receipt) -> Outcome {
    Outcome {
        success: receipt.success,
        output: receipt.output.to_vec(),
        logs: receipt
            .logs
            .iter()
            .map(|log| {
                let topics = log.topics.iter().flat_map(|topic| topic.0).collect();
                (log.address, topics, log.data.to_vec())
            })
            .collect(),
    }
}

/// One step of the scenario: a name, a sender and calldata to the market.
type Step = (&'static str, Address, Vec<u8>);

/// Runs `steps` (with the time and price moves between them) on `fx`;
/// returns each receipt and every storage slot any step touched.
/// Each step's name and receipt, and every storage slot touched.
type Played = (Vec<(&'static str, Receipt)>, Vec<(Address, U256)>);

fn play(fx: &mut Fixture) -> Played {
    let (alice, bob, carol, liquidator, stranger) =
        (fx.alice, fx.bob, fx.carol, fx.liquidator, fx.stranger);
    let (weth, wbtc) = (fx.weth, fx.wbtc);
    let supply = |assets, on: Address| {
        IKeelMarket::supplyCall {
            assets,
            onBehalf: on,
        }
        .abi_encode()
    };
    let mut receipts = Vec::new();
    let mut run = |fx: &mut Fixture, steps: Vec<Step>| {
        for (name, from, data) in steps {
            let market = fx.market;
            let receipt = fx.net.transact(from, market, U256::ZERO, &data);
            assert!(receipt.halts.is_empty(), "{name}: {:?}", receipt.halts);
            receipts.push((name, receipt));
        }
    };
    run(
        fx,
        vec![
            ("supply (first)", alice, supply(usdc(500_000), alice)),
            ("supply (first, bob)", bob, supply(usdc(300_000), bob)),
            (
                "supplyCollateral WETH",
                carol,
                IKeelMarket::supplyCollateralCall {
                    token: weth,
                    amount: units(10, 18),
                    onBehalf: carol,
                }
                .abi_encode(),
            ),
            (
                "supplyCollateral WBTC",
                carol,
                IKeelMarket::supplyCollateralCall {
                    token: wbtc,
                    amount: units(1, 8),
                    onBehalf: carol,
                }
                .abi_encode(),
            ),
            (
                "borrow",
                carol,
                IKeelMarket::borrowCall {
                    assets: usdc(50_000),
                    onBehalf: carol,
                    receiver: carol,
                }
                .abi_encode(),
            ),
            (
                "borrow beyond the limit (reverts)",
                carol,
                IKeelMarket::borrowCall {
                    assets: usdc(1_000_000),
                    onBehalf: carol,
                    receiver: carol,
                }
                .abi_encode(),
            ),
        ],
    );
    fx.advance(86_400);
    run(
        fx,
        vec![
            (
                "accrueInterest",
                stranger,
                IKeelMarket::accrueInterestCall {}.abi_encode(),
            ),
            ("supply (recurrent)", alice, supply(usdc(1_000), alice)),
            (
                "repay (partial)",
                carol,
                IKeelMarket::repayCall {
                    assets: usdc(10_000),
                    onBehalf: carol,
                }
                .abi_encode(),
            ),
            (
                "withdrawCollateral with debt",
                carol,
                IKeelMarket::withdrawCollateralCall {
                    token: weth,
                    amount: units(1, 18),
                    onBehalf: carol,
                    receiver: carol,
                }
                .abi_encode(),
            ),
        ],
    );
    fx.advance(600);
    fx.set_btc_price(30_000);
    fx.set_eth_price(1_400);
    run(
        fx,
        vec![
            (
                "liquidate (partial)",
                liquidator,
                IKeelMarket::liquidateCall {
                    borrower: carol,
                    token: weth,
                    maxRepayAssets: usdc(5_000),
                    receiver: liquidator,
                    data: Default::default(),
                }
                .abi_encode(),
            ),
            (
                "accountSnapshot",
                stranger,
                IKeelMarket::accountSnapshotCall { account: carol }.abi_encode(),
            ),
            (
                "marketSnapshot",
                stranger,
                IKeelMarket::marketSnapshotCall {}.abi_encode(),
            ),
            (
                "withdraw",
                bob,
                IKeelMarket::withdrawCall {
                    assets: usdc(1_000),
                    onBehalf: bob,
                    receiver: bob,
                }
                .abi_encode(),
            ),
        ],
    );
    let mut slots: Vec<(Address, U256)> = receipts
        .iter()
        .flat_map(|(_, receipt)| receipt.gas.entries.iter())
        .filter_map(|entry| entry.slot.map(|slot| (entry.address, slot)))
        .collect();
    slots.sort();
    slots.dedup();
    (receipts, slots)
}

fn print_gas(name: &str, gas: &GasBreakdown) {
    eprintln!(
        "{name:<36} {:>8} = intrinsic {:>6} + start-up {:>6} + ink {:>6} + storage {:>6} + calls {:>5} + logs {:>5} + memory {:>5} - refund {:>5}",
        gas.total, gas.intrinsic, gas.startup, gas.ink, gas.storage, gas.calls, gas.logs, gas.memory, gas.refund
    );
}

#[test]
fn wasm_market_matches_native() {
    let mut native = Fixture::new();
    let mut wasm = wasm_fixture();
    let (native_receipts, native_slots) = play(&mut native);
    let (wasm_receipts, wasm_slots) = play(&mut wasm);
    assert_eq!(native_receipts.len(), wasm_receipts.len());
    for ((name, native), (_, wasm)) in native_receipts.iter().zip(&wasm_receipts) {
        assert_eq!(outcome(native), outcome(wasm), "{name}");
        print_gas(name, &wasm.gas.breakdown());
    }
    assert!(native_receipts[0].1.success && !native_receipts[5].1.success);
    // The same state access, slot by slot, in the same order.
    assert_eq!(native_slots, wasm_slots);
    for (address, slot) in native_slots {
        assert_eq!(
            native.net.storage_at(address, slot),
            wasm.net.storage_at(address, slot),
            "{address} slot {slot}"
        );
    }
    assert_eq!(
        format!("{:?}", native.state()),
        format!("{:?}", wasm.state())
    );
}

#[test]
fn wasm_transactions_are_metered_and_split() {
    let mut wasm = wasm_fixture();
    let (receipts, _) = play(&mut wasm);
    for (name, receipt) in &receipts {
        let gas = receipt.gas.breakdown();
        assert!(gas.startup > 0 && gas.ink > 0, "{name}: {gas:?}");
        assert_eq!(
            gas.gross,
            gas.intrinsic + gas.startup + gas.ink + gas.storage + gas.calls + gas.logs + gas.memory,
            "{name}"
        );
        assert_eq!(gas.total, gas.gross - gas.refund);
        assert!(gas.refund <= gas.gross / 5);
        // Every transaction starts the core; routed ones a module too.
        let programs = &receipt.gas.execution.programs;
        assert_eq!(programs[0].name, "keel-market-core", "{name}");
    }
    // Every user operation starts one program.
    let started = |step: &str| {
        let (_, receipt) = receipts.iter().find(|(name, _)| *name == step).unwrap();
        let programs = &receipt.gas.execution.programs;
        assert!(programs.iter().all(|entry| !entry.cached));
        programs
            .iter()
            .map(|entry| entry.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(started("borrow"), ["keel-market-core"]);
    assert_eq!(
        started("withdrawCollateral with debt"),
        ["keel-market-core"]
    );
    assert_eq!(started("liquidate (partial)"), ["keel-market-core"]);
}

#[test]
fn wasm_constructors_build_the_native_state() {
    let deployer = address_of("deployer");
    // The base asset must be a contract: the same mock token on both chains.
    let token = TokenConstructor::constructorCall {
        name: "USDC".into(),
        symbol: "USDC".into(),
        decimals: 6,
    };
    let mut native = Devnet::new();
    let mut wasm = Devnet::new();
    let base = native
        .deploy_with(deployer, native_program::<MockErc20>(), &token)
        .unwrap();
    let wasm_base = wasm
        .deploy_with(deployer, native_program::<MockErc20>(), &token)
        .unwrap();
    assert_eq!(base, wasm_base);
    let args = KeelMarketConstructor::constructorCall {
        ext: Address::ZERO,
        baseAsset: base,
        owner: address_of("owner"),
        guardian: address_of("guardian"),
        rateModel: RATE_MODEL,
        reserveFactor: RESERVE_FACTOR,
        liquidation: keel_tests::liquidation_params(),
        supplyCap: U256::MAX,
        borrowCap: U256::MAX,
    };
    let native_market = deploy_market(&mut native, deployer, args.clone(), false).unwrap();
    let native_slots: Vec<U256> = native
        .last_receipt()
        .unwrap()
        .gas
        .entries
        .iter()
        .filter(|entry| matches!(entry.charge, Charge::Store { .. }))
        .filter_map(|entry| entry.slot)
        .collect();

    let mut args = args;
    args.ext = deploy_ext(&mut wasm, deployer, wasm_program);
    let market = wasm
        .deploy_with(deployer, wasm_program(Program::Core), &args)
        .unwrap();
    assert_eq!(market, native_market);
    let receipt = wasm.last_receipt().unwrap();
    assert!(receipt.halts.is_empty(), "{:?}", receipt.halts);
    assert!(!native_slots.is_empty());
    for slot in native_slots {
        assert_eq!(
            native.storage_at(native_market, slot),
            wasm.storage_at(market, slot),
            "slot {slot}"
        );
    }
}

/// Operations per second on the wasm backend (printed; a figure, not a check).
#[test]
fn wasm_backend_speed() {
    let mut fx = wasm_fixture();
    let alice = fx.alice;
    let supply = IKeelMarket::supplyCall {
        assets: usdc(1),
        onBehalf: alice,
    }
    .abi_encode();
    let market = fx.market;
    let count: u32 = 50;
    let start = Instant::now();
    for _ in 0..count {
        assert!(fx.net.transact(alice, market, U256::ZERO, &supply).success);
    }
    let elapsed = start.elapsed();
    let per_second = u128::from(count) * 1_000_000 / elapsed.as_micros().max(1);
    eprintln!("wasm backend: {count} supply transactions in {elapsed:?}, {per_second} per second");
}

//! `keel deploy`: the example on the devnet then used through the bindings;
//! the dry-run transactions of the Arbitrum Sepolia configuration.

use alloy_primitives::{address, keccak256, Address, U256};
use alloy_sol_types::{SolCall, SolConstructor};
use keel_bindings::{IKeelMarket, KeelMarketConstructor};
use keel_cli::build::process::{code_layout, root_code, CodeLayout};
use keel_cli::chain::{stylus, Codes, ProgramCode, TxValue};
use keel_cli::plan::Program;
use keel_cli::{deploy, devnet};
use keel_mocks::abi::{IMockErc20, IERC20};
use std::path::Path;

fn market_file(name: &str) -> keel_cli::config::validate::MarketParams {
    deploy::load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("markets")
            .join(name),
    )
    .unwrap()
}

#[test]
fn example_deploys_on_the_devnet_and_answers_through_the_bindings() {
    let params = market_file("example.toml");
    let mut m = devnet::deploy(&params).unwrap();
    let market = m.market;
    let listed = m
        .net
        .view(market, &IKeelMarket::collateralsCall {})
        .unwrap();
    let tokens: Vec<Address> = m.externals.collaterals.iter().map(|c| c.token).collect();
    assert_eq!(listed, tokens);
    assert_eq!(
        m.net.view(market, &IKeelMarket::ownerCall {}).unwrap(),
        params.owner
    );
    let info = m
        .net
        .view(
            market,
            &IKeelMarket::collateralInfoCall { token: tokens[1] },
        )
        .unwrap();
    assert_eq!(
        (info.ltv, info.cap),
        (U256::from(7e17 as u64), U256::from(1000u64 * 100_000_000))
    );

    let user = address!("00000000000000000000000000000000000000c1");
    let base = m.externals.base;
    let amount = U256::from(1_000_000_000u64);
    m.net
        .call(user, base, &IMockErc20::mintCall { to: user, amount })
        .unwrap();
    assert!(m
        .net
        .call(
            user,
            base,
            &IERC20::approveCall {
                spender: market,
                amount
            }
        )
        .unwrap());
    m.net
        .call(
            user,
            market,
            &IKeelMarket::supplyCall {
                assets: amount,
                onBehalf: user,
            },
        )
        .unwrap();
    let receipt = m.net.last_receipt().unwrap();
    assert_eq!(receipt.events::<IKeelMarket::Supply>()[0].assets, amount);
    let snapshot = m
        .net
        .view(market, &IKeelMarket::accountSnapshotCall { account: user })
        .unwrap();
    assert_eq!(snapshot.supplyAssets, amount);
    assert_eq!(snapshot.healthFactor, U256::MAX);
}

/// A small valid program standing in for the market's code.
/// Stand-in code: the ext program fits one account; the core is fragmented.
fn fake_codes() -> Codes {
    let wat = r#"(module (import "vm_hooks" "read_args" (func (param i32))) (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    let analysis = keel_cli::build::analyse("fake", &wat::parse_str(wat).unwrap()).unwrap();
    let single = ProgramCode {
        layout: code_layout(&analysis.compressed),
        wasm_bytes: 100,
    };
    let noise: Vec<u8> = (0..30_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let fragmented = ProgramCode {
        layout: code_layout(&noise),
        wasm_bytes: 90_000,
    };
    Program::ALL
        .iter()
        .map(|&p| {
            (
                p,
                if p == Program::Core {
                    fragmented.clone()
                } else {
                    single.clone()
                },
            )
        })
        .collect()
}

#[test]
fn sepolia_dry_run_lists_the_expected_transactions() {
    let params = market_file("arbitrum-sepolia.toml");
    let sender = address!("00000000000000000000000000000000000000d1");
    let codes = fake_codes();
    let txs = deploy::chain_plan(&params, sender, &codes).unwrap();
    let deployer = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
    let factory = address!("4e59b44847b379578588920cA78FbF26c0B4956C");
    let usdc = address!("75faf114eafb1BDbe2F0316DF893fd58CE46AA4d");
    let usdc_usd = address!("0153002d20B96532C639313c2d54c3dA09109309");
    let salt = keccak256("keel-arbitrum-sepolia-usdc-v1");
    let n = 1;
    assert_eq!(
        txs.len(),
        n + 7,
        "the ext program, 2 core fragments, the core, grace period, 2 collaterals, ownership"
    );

    // 1. The ext program: StylusDeployer.deploy(initcode, stylus_constructor, 0, salt).
    let deploy_call = |tx: &keel_cli::chain::ChainTx| {
        assert_eq!((tx.to, tx.value), (deployer, TxValue::ActivationFee));
        let call = stylus::StylusDeployer::deployCall::abi_decode(&tx.calldata).unwrap();
        assert_eq!((call.salt, call.initValue), (salt, U256::ZERO));
        assert_eq!(call.initData[..4], stylus::stylus_constructorCall::SELECTOR);
        let address =
            stylus::deployed_address(deployer, salt, &call.initData, U256::ZERO, &call.bytecode);
        assert_eq!(tx.creates, Some(address));
        call
    };
    let call = deploy_call(&txs[0]);
    let CodeLayout::Single(code) = &codes[&Program::Ext].layout else {
        panic!("the ext program is single-account in this fixture");
    };
    assert_eq!(call.bytecode.as_ref(), stylus::init_code(code).as_slice());
    assert_eq!(
        call.initData.len(),
        4,
        "the ext program's constructor takes no arguments"
    );
    assert_eq!(txs[0].deploys, Some(Program::Ext));
    let ext = txs[0].creates.unwrap();

    // n+1.-n+2. The core's fragments through the CREATE2 factory, at known addresses.
    let CodeLayout::Fragments(fragments) = &codes[&Program::Core].layout else {
        panic!("the core is fragmented in this fixture");
    };
    let mut fragment_addresses = Vec::new();
    for (tx, fragment) in txs[n..n + 2].iter().zip(fragments) {
        let init_code = stylus::init_code(fragment);
        assert_eq!((tx.to, tx.value), (factory, TxValue::Wei(U256::ZERO)));
        assert_eq!(tx.calldata, [salt.as_slice(), &init_code].concat());
        let address = factory.create2(salt, keccak256(&init_code));
        assert_eq!((tx.creates, tx.deploys), (Some(address), None));
        fragment_addresses.push(address.0 .0);
    }

    // n+3. The core: its root contract lists the fragments; the constructor takes the ext program.
    let call = deploy_call(&txs[n + 2]);
    let root = root_code(90_000, &fragment_addresses);
    assert_eq!(call.bytecode.as_ref(), stylus::init_code(&root).as_slice());
    let constructor = KeelMarketConstructor::constructorCall {
        ext,
        baseAsset: usdc,
        owner: sender,
        guardian: params.guardian,
        rateModel: (634_195_839, 1_268_391_679, 95_129_375_951, 8e17 as u64),
        reserveFactor: 1e17 as u64,
        liquidation: (
            5e17 as u64,
            95e16 as u64,
            1e17 as u64,
            U256::from(100_000_000),
            U256::from(1_000_000),
        ),
        supplyCap: U256::from(1_000_000_000_000u64),
        borrowCap: U256::from(800_000_000_000u64),
    };
    assert_eq!(call.initData[4..], constructor.abi_encode());
    assert_eq!(txs[n + 2].deploys, Some(Program::Core));
    let market = txs[n + 2].creates.unwrap();
    let all = txs;
    let txs = &all[n + 2..];

    // n+4.-n+7. The configuration calls, to the market, without value.
    for tx in &txs[1..] {
        assert_eq!((tx.to, tx.value), (market, TxValue::Wei(U256::ZERO)));
    }
    let grace = IKeelMarket::setLiquidationGracePeriodCall::abi_decode(&txs[1].calldata).unwrap();
    assert_eq!(grace.gracePeriodSeconds, 600);
    let weth = IKeelMarket::addCollateralCall::abi_decode(&txs[2].calldata).unwrap();
    assert_eq!(
        weth.token,
        address!("980B62Da83eFf3D4576C647993b0c1D7faf17c73")
    );
    assert_eq!(weth.risk, (8e17 as u64, 85e16 as u64, 5e16 as u64));
    assert_eq!(
        weth.cap,
        U256::from(500u64) * U256::from(10).pow(U256::from(18))
    );
    assert_eq!(
        weth.collateralFeed,
        (
            address!("d30e2101a97dcbAeBCBC04F14C3f624E67A35165"),
            90_000,
            0,
            0
        )
    );
    assert_eq!(weth.baseFeed, (usdc_usd, 90_000, 0, 0));
    let link = IKeelMarket::addCollateralCall::abi_decode(&txs[3].calldata).unwrap();
    assert_eq!(
        link.token,
        address!("b1D4538B4571d411F07960EF2838Ce337FE1E80E")
    );
    assert_eq!(
        link.collateralFeed.0,
        address!("0FB99723Aee6f420beAD13e6bBB79b7E6F034298")
    );
    let owner = IKeelMarket::transferOwnershipCall::abi_decode(&txs[4].calldata).unwrap();
    assert_eq!(owner.newOwner, params.owner);

    let printed = keel_cli::chain::render(&all);
    assert!(
        printed.contains(&format!("#{} nominate", n + 7))
            && printed.contains("store code fragment 2 of 2")
            && printed.contains("activation data fee"),
        "{printed}"
    );
}

#[test]
fn a_chain_deployment_needs_every_address() {
    let params = market_file("example.toml");
    let error = deploy::chain_plan(&params, Address::ZERO, &fake_codes()).unwrap_err();
    let text = error.to_string();
    for field in [
        "base.address",
        "collaterals[0].address",
        "collaterals[1].base_feed.address",
    ] {
        assert!(text.contains(field), "{text}");
    }
}

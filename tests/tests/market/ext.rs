//! The market as two programs: routing through the core, the ext program's
//! address fixed at deployment, and an ext program that refuses direct calls.

use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::{sol, SolCall, SolConstructor};
use keel_devnet::{address_of, assert_revert, Revert};
use keel_market::dispatch::IKeelCoreOperations;
use keel_market::errors::{
    AlreadyInitialized, InvalidCalldata, ModuleCalledDirectly, UnknownSelector,
};
use keel_market::ext::{routes_to_ext, IKeelExt};
use keel_tests::*;

/// The entry points `keel-market-core` implements itself.
const CORE_ENTRY_POINTS: &[[u8; 4]] = IKeelCoreOperations::IKeelCoreOperationsCalls::SELECTORS;

fn revert_of(receipt: keel_devnet::Receipt) -> Result<(), Revert> {
    match receipt.success {
        true => Ok(()),
        false => Err(Revert {
            data: receipt.output,
        }),
    }
}

#[test]
fn every_abi_entry_point_is_the_core_s_or_the_ext_program_s() {
    for selector in IKeelMarket::IKeelMarketCalls::SELECTORS {
        let in_core = CORE_ENTRY_POINTS.contains(selector);
        assert!(
            in_core != routes_to_ext(*selector),
            "selector {selector:02x?} must be served by the core or by the ext program"
        );
    }
    // And the core routes nothing outside the dapp ABI (not `initialize`).
    assert!(!routes_to_ext(IKeelExt::initializeCall::SELECTOR));
}

#[test]
fn unknown_selectors_and_initialize_are_refused_by_the_core() {
    let mut fx = Fixture::new();
    let (market, alice) = (fx.market, fx.alice);
    let unknown = fx
        .net
        .transact(alice, market, U256::ZERO, &[0xde, 0xad, 0xbe, 0xef, 1]);
    assert_revert(
        revert_of(unknown),
        &UnknownSelector {
            selector: FixedBytes([0xde, 0xad, 0xbe, 0xef]),
        },
    );
    // Re-initialising through the market would hand it to a new owner: the
    // core does not route `initialize`, whatever its arguments.
    let before = fx.state();
    let hijack = IKeelExt::initializeCall {
        baseAsset: fx.base,
        owner: alice,
        guardian: alice,
        rateModel: RATE_MODEL,
        reserveFactor: 0,
        liquidation: liquidation_params(),
        supplyCap: U256::MAX,
        borrowCap: U256::MAX,
    };
    let refused = fx
        .net
        .transact(alice, market, U256::ZERO, &hijack.abi_encode());
    assert_revert(
        revert_of(refused),
        &UnknownSelector {
            selector: FixedBytes(IKeelExt::initializeCall::SELECTOR),
        },
    );
    assert_eq!(fx.state(), before);
    assert_eq!(fx.view(&IKeelMarket::ownerCall {}).unwrap(), fx.owner);
}

#[test]
fn the_ext_program_called_directly_refuses() {
    let mut fx = Fixture::new();
    let deployer = address_of("deployer");
    let no_args = KeelExtConstructor::constructorCall {};
    let ext = fx
        .net
        .deploy_with(deployer, Program::Ext.native(), &no_args)
        .unwrap();
    let carol = fx.carol;
    // A state-changing entry point on the ext program's own storage.
    let direct_withdraw = fx.net.call(
        carol,
        ext,
        &IKeelMarket::withdrawReservesCall {
            asset: fx.base,
            amount: usdc(1),
            to: carol,
        },
    );
    assert_revert(direct_withdraw, &ModuleCalledDirectly {});
    let init = IKeelExt::initializeCall {
        baseAsset: fx.base,
        owner: carol,
        guardian: carol,
        rateModel: RATE_MODEL,
        reserveFactor: 0,
        liquidation: liquidation_params(),
        supplyCap: U256::MAX,
        borrowCap: U256::MAX,
    };
    assert_revert(fx.net.call(carol, ext, &init), &ModuleCalledDirectly {});
}

#[test]
fn the_core_refuses_a_missing_or_codeless_ext_program() {
    let mut fx = Fixture::new();
    let deployer = address_of("deployer");
    let args = |ext| KeelMarketConstructor::constructorCall {
        ext,
        baseAsset: fx.base,
        owner: fx.owner,
        guardian: fx.guardian,
        rateModel: RATE_MODEL,
        reserveFactor: RESERVE_FACTOR,
        liquidation: liquidation_params(),
        supplyCap: U256::MAX,
        borrowCap: U256::MAX,
    };
    let codeless = address_of("nobody");
    let zero = args(Address::ZERO);
    let core = Program::Core.native();
    assert_revert(fx.net.deploy_with(deployer, core, &zero), &ZeroAddress {});
    let no_code = args(codeless);
    let core = Program::Core.native();
    assert_revert(
        fx.net.deploy_with(deployer, core, &no_code),
        &NotAContract { account: codeless },
    );
}

sol! {
    /// The core's constructor with a `uint256` where it takes a `uint64`
    /// (the reserve factor): the same words, any value.
    contract WideCore {
        constructor(
            address ext,
            address baseAsset,
            address owner,
            address guardian,
            (uint64, uint64, uint64, uint64) rateModel,
            uint256 reserveFactor,
            (uint64, uint64, uint64, uint256, uint256) liquidation,
            uint256 supplyCap,
            uint256 borrowCap
        );
    }
}

/// The core decodes its constructor by hand (no SDK router): it runs once,
/// a second `stylus_constructor()` call is `AlreadyInitialized` and changes
/// nothing, and an argument of `initialize` out of its type's range is
/// `InvalidCalldata(initialize's selector)` (the ext program decodes them).
#[test]
fn the_core_constructor_runs_once_and_names_bad_arguments() {
    let mut fx = Fixture::new();
    let constructor = keccak256_selector("stylus_constructor()");
    let args = KeelMarketConstructor::constructorCall {
        ext: fx.market,
        baseAsset: fx.base,
        owner: fx.stranger,
        guardian: fx.stranger,
        rateModel: RATE_MODEL,
        reserveFactor: RESERVE_FACTOR,
        liquidation: liquidation_params(),
        supplyCap: U256::MAX,
        borrowCap: U256::MAX,
    };
    let again = [constructor.as_slice(), &args.abi_encode()].concat();
    let before = fx.state();
    let (market, stranger) = (fx.market, fx.stranger);
    let receipt = fx.net.transact(stranger, market, U256::ZERO, &again);
    assert_revert(revert_of(receipt), &AlreadyInitialized {});
    assert_eq!(fx.state(), before);
    assert_eq!(fx.view(&IKeelMarket::ownerCall {}).unwrap(), fx.owner);

    let deployer = address_of("deployer");
    let wide = WideCore::constructorCall {
        ext: deploy_ext(&mut fx.net, deployer, Program::native),
        baseAsset: fx.base,
        owner: fx.owner,
        guardian: fx.guardian,
        rateModel: RATE_MODEL,
        reserveFactor: U256::from(u64::MAX) + U256::from(1),
        liquidation: liquidation_params(),
        supplyCap: U256::MAX,
        borrowCap: U256::MAX,
    };
    assert_revert(
        fx.net.deploy_with(deployer, Program::Core.native(), &wide),
        &InvalidCalldata {
            selector: FixedBytes(IKeelExt::initializeCall::SELECTOR),
        },
    );
}

/// The first four bytes of `keccak256(signature)`.
fn keccak256_selector(signature: &str) -> [u8; 4] {
    let digest = alloy_primitives::keccak256(signature);
    [digest[0], digest[1], digest[2], digest[3]]
}

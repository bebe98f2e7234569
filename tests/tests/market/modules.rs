//! The market as several programs: routing through the core, module addresses
//! fixed at deployment, and modules that refuse direct calls.

use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::{sol, SolCall, SolConstructor};
use keel_devnet::{address_of, assert_revert, Revert};
use keel_market::dispatch::IKeelCoreOperations;
use keel_market::errors::{
    AlreadyInitialized, InvalidCalldata, ModuleCalledDirectly, UnknownSelector,
};
use keel_market::modules::{module_for, IKeelGovernance};
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
fn every_abi_entry_point_is_the_core_s_or_exactly_one_module_s() {
    for selector in IKeelMarket::IKeelMarketCalls::SELECTORS {
        let in_core = CORE_ENTRY_POINTS.contains(selector);
        assert!(
            in_core != module_for(*selector).is_some(),
            "selector {selector:02x?} must be served by the core or by one module"
        );
    }
    // And the modules serve nothing outside the dapp ABI (but `initialize`).
    assert_eq!(module_for(IKeelGovernance::initializeCall::SELECTOR), None);
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
    let hijack = IKeelGovernance::initializeCall {
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
            selector: FixedBytes(IKeelGovernance::initializeCall::SELECTOR),
        },
    );
    assert_eq!(fx.state(), before);
    assert_eq!(fx.view(&IKeelMarket::ownerCall {}).unwrap(), fx.owner);
}

#[test]
fn modules_called_directly_refuse() {
    let mut fx = Fixture::new();
    let deployer = address_of("deployer");
    let no_args = KeelModuleConstructor::constructorCall {};
    let governance = fx
        .net
        .deploy_with(deployer, Program::Governance.native(), &no_args)
        .unwrap();
    let carol = fx.carol;
    // A state-changing entry point of a module's own storage.
    let direct_withdraw = fx.net.call(
        carol,
        governance,
        &IKeelMarket::withdrawReservesCall {
            asset: fx.base,
            amount: usdc(1),
            to: carol,
        },
    );
    assert_revert(direct_withdraw, &ModuleCalledDirectly {});
    let init = IKeelGovernance::initializeCall {
        baseAsset: fx.base,
        owner: carol,
        guardian: carol,
        rateModel: RATE_MODEL,
        reserveFactor: 0,
        liquidation: liquidation_params(),
        supplyCap: U256::MAX,
        borrowCap: U256::MAX,
    };
    assert_revert(
        fx.net.call(carol, governance, &init),
        &ModuleCalledDirectly {},
    );
}

#[test]
fn the_core_refuses_missing_or_codeless_modules() {
    let mut fx = Fixture::new();
    let deployer = address_of("deployer");
    let args = |modules| KeelMarketConstructor::constructorCall {
        modules,
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
    let zero = args((fx.market, Address::ZERO, fx.market));
    let core = Program::Core.native();
    assert_revert(fx.net.deploy_with(deployer, core, &zero), &ZeroAddress {});
    let no_code = args((codeless, fx.market, fx.market));
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
            (address, address, address) modules,
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
/// nothing, and an argument out of its type's range is
/// `InvalidCalldata(stylus_constructor's selector)`.
#[test]
fn the_core_constructor_runs_once_and_names_bad_arguments() {
    let mut fx = Fixture::new();
    let constructor = keccak256_selector("stylus_constructor()");
    let args = KeelMarketConstructor::constructorCall {
        modules: (fx.market, fx.market, fx.market),
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

    let wide = WideCore::constructorCall {
        modules: args.modules,
        baseAsset: fx.base,
        owner: fx.owner,
        guardian: fx.guardian,
        rateModel: RATE_MODEL,
        reserveFactor: U256::from(u64::MAX) + U256::from(1),
        liquidation: liquidation_params(),
        supplyCap: U256::MAX,
        borrowCap: U256::MAX,
    };
    let deployer = address_of("deployer");
    assert_revert(
        fx.net.deploy_with(deployer, Program::Core.native(), &wide),
        &InvalidCalldata {
            selector: FixedBytes(constructor),
        },
    );
}

/// The first four bytes of `keccak256(signature)`.
fn keccak256_selector(signature: &str) -> [u8; 4] {
    let digest = alloy_primitives::keccak256(signature);
    [digest[0], digest[1], digest[2], digest[3]]
}

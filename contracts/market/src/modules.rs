//! The market as several Stylus programs sharing one storage.
//!
//! The whole market is about 225 KB of processed wasm; Nitro activates at
//! most 128 KiB (decompressed) per program, and each code account holds at
//! most 24,576 bytes. So the market is one program at the market's address,
//! `keel-market-core` (every user operation: supply, withdraw, collateral,
//! borrow, repay, liquidate), plus three immutable **modules**, each its own
//! program, for administration and views:
//!
//! | module | entry points |
//! |---|---|
//! | [`Module::Collaterals`] | `addCollateral`, `setCollateralRisk`, `setCollateralCap`, `setCollateralPriceSource` |
//! | [`Module::Governance`] | `initialize` (constructor only), ownership, guardian, pauses, rate model, reserve factor, caps, liquidation parameters, sequencer feed, `withdrawReserves` |
//! | [`Module::Views`] | getters, `isOperator`, `accountSnapshot`, `marketSnapshot`, `collateralPrice`, `collateralInfo`, `collaterals`, `previewLiquidation` |
//!
//! The core's `fallback` reads the module's address for the selector
//! ([`module_for`]) and `delegatecall`s it with the calldata: the module's
//! code runs on the market's storage, with the caller's `msg.sender`, and its
//! return or revert data is the market's. Dapps see one address and one ABI.
//!
//! docs/DESIGN.md section 5 forbids delegatecall into a *mutable* target: module
//! addresses are written once, by the core's constructor, and nothing can
//! change them; modules are not upgradeable either (no setter, no proxy).
//!
//! A module called directly (not through the core) runs on its own, empty
//! storage: its constructor marks that storage as module code and every
//! state-changing entry point then fails with `ModuleCalledDirectly`.
//!
//! Cost: a call routed to a module pays one cold storage load (its address,
//! 2,100 gas) and the module program's initialisation, on top of the core's.

use alloc::vec::Vec;
use alloy_primitives::{Address, FixedBytes};
use alloy_sol_types::{sol, SolCall};
use stylus_sdk::call::RawCall;
use stylus_sdk::prelude::*;

use crate::errors::{ensure_nonzero, MarketError, UnknownSelector};
use crate::KeelMarket;

/// Number of modules.
pub const MODULE_COUNT: usize = 3;

/// The market's modules, with their index in the core's module table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Module {
    /// Collateral listing and per-collateral parameters.
    Collaterals = 0,
    /// Market-wide administration and initialisation.
    Governance = 1,
    /// Read-only views.
    Views = 2,
}

/// Module addresses in [`Module`] order, as the core's constructor takes them.
pub type ModuleAddresses = (Address, Address, Address);

sol! {
    /// Entry points of the collaterals module.
    interface IKeelCollaterals {
        function addCollateral(
            address token,
            (uint64, uint64, uint64) risk,
            uint256 cap,
            (address, uint32, uint128, uint128) collateralFeed,
            (address, uint32, uint128, uint128) baseFeed
        ) external returns (uint8);
        function setCollateralRisk(address token, (uint64, uint64, uint64) risk) external;
        function setCollateralCap(address token, uint256 cap) external;
        function setCollateralPriceSource(
            address token,
            (address, uint32, uint128, uint128) collateralFeed,
            (address, uint32, uint128, uint128) baseFeed
        ) external;
    }

    /// Entry points of the governance module (`initialize` is reached only
    /// from the core's constructor: the core does not route it).
    interface IKeelGovernance {
        function initialize(
            address baseAsset,
            address owner,
            address guardian,
            (uint64, uint64, uint64, uint64) rateModel,
            uint64 reserveFactor,
            (uint64, uint64, uint64, uint256, uint256) liquidation,
            uint256 supplyCap,
            uint256 borrowCap
        ) external;
        function transferOwnership(address newOwner) external;
        function acceptOwnership() external;
        function setGuardian(address guardian) external;
        function setPaused(uint8 action, bool paused) external;
        function setLiquidationPaused(bool paused) external;
        function setLiquidationGracePeriod(uint32 gracePeriodSeconds) external;
        function setRateModel((uint64, uint64, uint64, uint64) rateModel) external;
        function setReserveFactor(uint64 reserveFactor) external;
        function setCaps(uint256 supplyCap, uint256 borrowCap) external;
        function setLiquidationParams((uint64, uint64, uint64, uint256, uint256) liquidation) external;
        function setSequencerFeed(address feed, uint32 gracePeriodSeconds) external;
        function withdrawReserves(address asset, uint256 amount, address to) external;
    }

    /// Entry points of the views module.
    interface IKeelViews {
        function baseAsset() external view returns (address);
        function owner() external view returns (address);
        function pendingOwner() external view returns (address);
        function guardian() external view returns (address);
        function isPaused(uint8 action) external view returns (bool);
        function liquidationResumesAt() external view returns (uint64);
        function isOperator(address owner, address operator) external view returns (bool);
        function accountSnapshot(address account) external view returns (
            uint256, uint256, uint256, uint256, uint256[], uint256, uint256, uint256, uint256, uint256[]
        );
        function marketSnapshot() external view returns (
            uint256, uint256, uint256, uint256, uint256, uint256, uint256, uint256, uint64
        );
        function collateralPrice(address token) external view returns (uint256);
        function collateralInfo(address token) external view returns (
            uint8, uint256, uint256, uint256, uint256, uint256, uint256
        );
        function collaterals() external view returns (address[]);
        function previewLiquidation(address borrower, address token, uint256 maxRepayAssets)
            external view returns (uint256, uint256, uint256, uint256, uint256, uint256, uint256, uint256);
    }
}

/// The module that implements `selector`, if any. `initialize` is not
/// routed: it runs once, from the core's constructor.
pub fn module_for(selector: [u8; 4]) -> Option<Module> {
    let known = |selectors: &[[u8; 4]]| selectors.contains(&selector);
    if known(IKeelCollaterals::IKeelCollateralsCalls::SELECTORS) {
        Some(Module::Collaterals)
    } else if known(IKeelViews::IKeelViewsCalls::SELECTORS) {
        Some(Module::Views)
    } else if selector != IKeelGovernance::initializeCall::SELECTOR
        && known(IKeelGovernance::IKeelGovernanceCalls::SELECTORS)
    {
        Some(Module::Governance)
    } else {
        None
    }
}

/// The first four bytes of `calldata`, zero-padded when shorter.
pub(crate) fn selector_of(calldata: &[u8]) -> [u8; 4] {
    let mut selector = [0u8; 4];
    for (slot, byte) in selector.iter_mut().zip(calldata) {
        *slot = *byte;
    }
    selector
}

impl KeelMarket {
    /// Records the module addresses (core constructor only: nothing else
    /// writes them). Each must be a contract.
    ///
    /// Errors: `ZeroAddress`, `NotAContract`.
    pub fn set_modules(&mut self, modules: ModuleAddresses) -> Result<(), MarketError> {
        let (collaterals, governance, views) = modules;
        for (index, module) in [collaterals, governance, views].into_iter().enumerate() {
            ensure_nonzero(module)?;
            self.ensure_contract(module)?;
            if let Some(mut slot) = self.modules.setter(index) {
                slot.set(module);
            }
        }
        Ok(())
    }

    /// The address of `module`'s code.
    pub fn module_address(&self, module: Module) -> Address {
        self.modules.get(module as usize).unwrap_or(Address::ZERO)
    }

    /// The core's fallback: runs the module that implements the calldata's
    /// selector on this storage and returns (or reverts with) its data.
    ///
    /// Errors: `UnknownSelector` for a selector no module implements.
    pub fn route_to_module(&mut self, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let selector = selector_of(calldata);
        let module = module_for(selector).ok_or_else(|| {
            Vec::from(MarketError::UnknownSelector(UnknownSelector {
                selector: FixedBytes(selector),
            }))
        })?;
        self.delegate(module, calldata)
    }

    /// The core's constructor: records the module addresses, then
    /// initialises the market through the governance module with
    /// `initialize_args`, the ABI encoding of [`KeelMarket::initialize`]'s
    /// arguments (the constructor's, after the modules: forwarded as they
    /// came, governance's router decodes them).
    ///
    /// Errors: those of [`KeelMarket::set_modules`], then those of
    /// [`KeelMarket::initialize`] (the governance module's revert data).
    pub fn construct(
        &mut self,
        modules: ModuleAddresses,
        initialize_args: &[u8],
    ) -> Result<(), Vec<u8>> {
        self.set_modules(modules)?;
        let selector = IKeelGovernance::initializeCall::SELECTOR;
        let call = [selector.as_slice(), initialize_args].concat();
        self.delegate(Module::Governance, &call).map(|_| ())
    }

    fn delegate(&mut self, module: Module, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let target = self.module_address(module);
        // SAFETY: `target` is module code built from this crate for this
        // storage layout, fixed by the constructor and never changed. The
        // module writes this storage, so the cache is written back and
        // cleared before the call (`&mut self` keeps Rust from holding
        // storage references across it).
        #[allow(unsafe_code)]
        unsafe {
            RawCall::new_delegate(self.vm())
                .clear_storage_cache()
                .call(target, calldata)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::{AlreadyInitialized, ModuleCalledDirectly};
    use crate::testing::{deployed, liquidation, BASE, GUARDIAN, OWNER, RATE_MODEL};
    use alloy_primitives::U256;
    use stylus_sdk::testing::TestVM;

    fn initialize_again(market: &mut KeelMarket) -> Result<(), MarketError> {
        market.initialize(
            BASE,
            OWNER,
            GUARDIAN,
            RATE_MODEL,
            0,
            liquidation(),
            U256::MAX,
            U256::MAX,
        )
    }

    #[test]
    fn the_market_initialises_once() {
        let vm = TestVM::default();
        let mut market = deployed(&vm);
        assert_eq!(
            initialize_again(&mut market),
            Err(MarketError::AlreadyInitialized(AlreadyInitialized {}))
        );
    }

    #[test]
    fn module_code_storage_refuses_initialisation_and_operations() {
        let vm = TestVM::default();
        vm.set_code(BASE, vec![1]);
        let mut module = KeelMarket::from(&vm);
        module.mark_as_module_code();
        let refused = Err(MarketError::ModuleCalledDirectly(ModuleCalledDirectly {}));
        assert_eq!(initialize_again(&mut module), refused);
        assert_eq!(module.supply(U256::from(1), OWNER).map(|_| ()), refused);
        assert_eq!(module.accrue_interest(), refused);
        assert_eq!(module.base_asset(), Address::ZERO);
    }

    #[test]
    fn every_module_selector_routes_to_its_module() {
        let cases: [(&[[u8; 4]], Module); 2] = [
            (
                IKeelCollaterals::IKeelCollateralsCalls::SELECTORS,
                Module::Collaterals,
            ),
            (IKeelViews::IKeelViewsCalls::SELECTORS, Module::Views),
        ];
        for (selectors, module) in cases {
            for selector in selectors {
                assert_eq!(module_for(*selector), Some(module));
            }
        }
        let governance = IKeelGovernance::IKeelGovernanceCalls::SELECTORS;
        assert_eq!(governance.len(), 13);
        for selector in governance {
            let expected = (*selector != IKeelGovernance::initializeCall::SELECTOR)
                .then_some(Module::Governance);
            assert_eq!(module_for(*selector), expected);
        }
    }

    #[test]
    fn unknown_and_short_selectors_route_nowhere() {
        assert_eq!(module_for([0xde, 0xad, 0xbe, 0xef]), None);
        assert_eq!(selector_of(&[0x12]), [0x12, 0, 0, 0]);
        assert_eq!(module_for(selector_of(&[])), None);
    }
}

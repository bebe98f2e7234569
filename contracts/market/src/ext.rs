//! The market as two Stylus programs sharing one storage (Compound III's
//! Comet + CometExt shape).
//!
//! Nitro activates at most 128 KiB of (decompressed) wasm per program, and
//! the whole market does not fit one. So the market is `keel-market-core` at
//! the market's address (every user operation: supply, withdraw,
//! collateral, borrow, repay, liquidate, operators, accrual) plus one
//! immutable module, `keel-market-ext`: administration, collateral listing,
//! views and `previewLiquidation` ([`IKeelExt`]).
//!
//! The core's `fallback` `delegatecall`s the ext program with the calldata
//! of every selector that is not the core's own but `initialize`'s (the
//! [`IKeelExt`] ones, [`routes_to_ext`], reach an entry point; the ext
//! program answers any other with `UnknownSelector`): its code runs on the
//! market's storage, with the caller's `msg.sender`, and its return or
//! revert data is the market's. Dapps see one address and one ABI; the hot
//! path never starts the second program.
//!
//! docs/DESIGN.md section 5 forbids delegatecall into a *mutable* target:
//! the ext address is written once, by the core's constructor, and nothing
//! can change it; the ext program is not upgradeable either (no setter, no
//! proxy).
//!
//! The ext program called directly (not through the core) runs on its own,
//! empty storage: its constructor marks that storage as module code and
//! every state-changing entry point then fails with `ModuleCalledDirectly`.
//!
//! Cost: a routed call pays one cold storage load (the ext address, 2,100
//! gas) and the ext program's start-up, on top of the core's.

use alloc::vec::Vec;
use alloy_primitives::{Address, FixedBytes};
use alloy_sol_types::{sol, SolCall};
use keel_storage::PackedSlot;
use stylus_sdk::call::RawCall;
use stylus_sdk::prelude::*;

use crate::errors::{ensure_nonzero, MarketError, UnknownSelector};
use crate::KeelMarket;

sol! {
    /// Entry points of `keel-market-ext`: collateral listing, market-wide
    /// administration (`initialize` is reached only from the core's
    /// constructor: the core does not route it), and views.
    interface IKeelExt {
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

/// Whether a call of `selector` to the market runs an ext entry point: every
/// [`IKeelExt`] entry point but `initialize`, which runs once, from the
/// core's constructor. (The core itself forwards every selector but its own
/// operations, the constructor's and `initialize`'s; the ext program answers
/// the unknown ones with `UnknownSelector`. This list is for the ABI and the
/// tests: a table in the core would be static data, paid for on every call.)
pub fn routes_to_ext(selector: [u8; 4]) -> bool {
    selector != IKeelExt::initializeCall::SELECTOR
        && IKeelExt::IKeelExtCalls::SELECTORS.contains(&selector)
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
    /// The address of the ext program's code (zero before construction).
    pub fn ext_address(&self) -> Address {
        self.ext.word().address_at(0)
    }

    /// Writes the ext program's address to slot 72 (the constructor's
    /// only write there).
    pub(crate) fn store_ext(&mut self, ext: Address) {
        let mut word = keel_math::PackedWord::default();
        word.set_address(0, ext);
        self.ext.set_word(word);
    }

    /// The core's fallback: runs the ext program on this storage and
    /// returns (or reverts with) its data.
    ///
    /// Errors: `UnknownSelector` for `initialize` (run once, by the core's
    /// constructor) and, from the ext program, for a selector it does not
    /// serve.
    pub fn route_to_ext(&mut self, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let selector = selector_of(calldata);
        if selector == IKeelExt::initializeCall::SELECTOR {
            return Err(Vec::from(MarketError::from(UnknownSelector {
                selector: FixedBytes(selector),
            })));
        }
        self.delegate_to_ext(calldata)
    }

    /// The core's constructor: records the ext program's address (a
    /// contract; nothing else ever writes it), then initialises the market
    /// through it with `initialize_args`, the ABI encoding of
    /// [`KeelMarket::initialize`]'s arguments (the constructor's, after the
    /// ext address: forwarded as they came, the ext program decodes them).
    ///
    /// Errors: `ZeroAddress` or `NotAContract` for `ext`, then those of
    /// [`KeelMarket::initialize`] (the ext program's revert data).
    pub fn construct(&mut self, ext: Address, initialize_args: &[u8]) -> Result<(), Vec<u8>> {
        ensure_nonzero(ext)?;
        self.ensure_contract(ext)?;
        self.store_ext(ext);
        let selector = IKeelExt::initializeCall::SELECTOR;
        let mut call = alloc::vec![0u8; initialize_args.len().saturating_add(4)];
        if let Some((head, args)) = call.split_first_chunk_mut::<4>() {
            *head = selector;
            keel_abi::copy_bytes(args, initialize_args);
        }
        self.delegate_to_ext(&call).map(|_| ())
    }

    fn delegate_to_ext(&mut self, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let target = self.ext_address();
        // SAFETY: `target` is the ext program, built from this crate for
        // this storage layout, fixed by the constructor and never changed.
        // It writes this storage, so the cache is written back and cleared
        // before the call (`&mut self` keeps Rust from holding storage
        // references across it).
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
            Err(MarketError::from(AlreadyInitialized {}))
        );
    }

    #[test]
    fn module_code_storage_refuses_initialisation_and_operations() {
        let vm = TestVM::default();
        vm.set_code(BASE, vec![1]);
        let mut module = KeelMarket::from(&vm);
        module.mark_as_module_code();
        let refused = Err(MarketError::from(ModuleCalledDirectly {}));
        assert_eq!(initialize_again(&mut module), refused);
        assert_eq!(module.supply(U256::from(1), OWNER).map(|_| ()), refused);
        assert_eq!(module.accrue_interest(), refused);
        assert_eq!(module.base_asset(), Address::ZERO);
    }

    #[test]
    fn every_ext_selector_but_initialize_is_routed() {
        let selectors = IKeelExt::IKeelExtCalls::SELECTORS;
        assert_eq!(selectors.len(), 30);
        for selector in selectors {
            let routed = *selector != IKeelExt::initializeCall::SELECTOR;
            assert_eq!(routes_to_ext(*selector), routed);
        }
    }

    #[test]
    fn unknown_and_short_selectors_are_not_routed() {
        assert!(!routes_to_ext([0xde, 0xad, 0xbe, 0xef]));
        assert_eq!(selector_of(&[0x12]), [0x12, 0, 0, 0]);
        assert!(!routes_to_ext(selector_of(&[])));
    }
}

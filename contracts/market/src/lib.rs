//! Keel market: the lending market's storage and operations
//! (docs/DESIGN.md sections 2 and 5).
//!
//! One market = one base asset + up to 8 collaterals. [`KeelMarket`]
//! composes the modules: keel-debt (supply and borrow shares, interest,
//! reserves), keel-vault (collateral ledger and valuation), keel-oracle
//! (Chainlink feeds read directly, no extra contract hop) and
//! keel-liquidation (the liquidation decision); this crate owns the
//! operations behind the ABI, the administration, the reentrancy lock and
//! token transfers. It is not upgradeable.
//!
//! The market is too large for one Stylus program, so it is deployed as two
//! programs sharing this storage: `keel-market-core` at the market's address
//! (every user operation) and `keel-market-ext` (administration and views),
//! which the core reaches by `delegatecall` (`contracts/programs/`; [`ext`]
//! explains the split, the routing and its cost). Both decode their calls
//! by hand ([`dispatch`]) on one `KeelMarket` at slot 0.
//!
//! Fee-on-transfer and rebasing tokens are not supported: every inbound
//! transfer is checked against the market's balance before and after, and
//! one that delivers less than its amount fails the call with
//! `TransferAmountMismatch` (`token.rs`). Calldata whose arguments do not
//! decode fails with `InvalidCalldata(selector)` and ether sent with a call
//! with `NotPayable()` ([`dispatch`]), never with empty revert data.
//!
//! # Storage slot map
//!
//! | slot | fields (bytes) |
//! |---|---|
//! | 0 | `base_asset` (20), `locked` (1), `paused_mask` (1), `liquidation_resumes_at` (8), `collateral_count` (1), whether slot 6 holds a feed (1): the control word |
//! | 1 | `owner` (20) |
//! | 2 | `pending_owner` (20) |
//! | 3 | `guardian` (20), `liquidation_grace_period` (4) |
//! | 4 | close factor, full-liquidation HF, liquidation fee (8 each) |
//! | 5 | min partial liquidation value (16), dust threshold (16) |
//! | 6 | sequencer uptime feed (20), grace period (4) |
//! | 7..=12 | keel-debt `DebtStorage` (`D = 7`; its docs map `D + 0..=D + 5` and the account slots) |
//! | 13..=21 | keel-vault `VaultStorage` (`V = 13`; its docs map `V + 0..=V + 8` and the account slots) |
//! | 22..=69 | 8 collaterals x 6 slots: LTV (8) + LT (8) + fee reserves (16); token (20); keel-oracle `PriceSource` (4) |
//! | 70 | root of `token -> listing`: `index + 1` (1; 0 when not listed), whether a cap bounds the collateral (1), liquidation bonus (8, WAD; at byte 8), the collateral's total over all accounts (16, token units; at byte 16) |
//! | 71 | root of `owner -> operator -> approved` |
//! | 72 | the ext program's address (written once by the core's constructor) |
//!
//! # Slots per operation (beyond the storage crates' own maps)
//!
//! Every user operation but `setOperator`, and `withdrawReserves`, reads
//! slot 0 and writes it twice (lock taken and released; the release
//! restores the value, refunded by EIP-2200); `setOperator` and the other
//! administration setters take no lock (they make no external call);
//! paused checks, the module-code check and the base asset's address read
//! the same word, so an operation that moves the base asset pays one cold
//! load for all of them (the owner, read only by administration, has its
//! own slot). A call routed
//! to the ext program (administration and views: every entry point but those
//! of `keel-market-core`, which are supply, withdraw, withdrawShares,
//! supplyCollateral, withdrawCollateral, borrow, repay, repayShares,
//! liquidate, setOperator, accrueInterest) first reads slot 72.
//!
//! | operation | market slots read | crate slots |
//! |---|---|---|
//! | `supply`, `withdraw`, `repay` | 0 | debt: accrual `D+0..=D+3`, the pool and account slot |
//! | `borrow` | 0, 6 (only with a sequencer feed), 71 (operator, when the caller acts for another), per held collateral its risk slot and price-source slot | debt as above; vault snapshot |
//! | `supplyCollateral` | 0, 70 (written: the total) | vault: the balance's slot (the bitmap's for collateral 0), the bitmap when the collateral is new to the account, the cap only when the listing says there is one |
//! | `withdrawCollateral` | 0, 6 (as borrow), 70 (written: the total), 71 (as borrow), per held collateral its risk and price-source slots | vault as above; debt accrual and account |
//! | `liquidate` | 0, 4, 5, 70 (the chosen collateral's listing: its bonus; written: its total), per held collateral its first slot and price source | debt accrual, borrow pool, account; vault snapshot (one slot for collateral 0 alone) |
//!
//! `paused_mask` bits 0..=4 are the pausable actions ([`Action`]), bit 6
//! marks the ext program's own storage (never set in a market's), bit 7
//! marks liquidation paused.
#![warn(missing_docs)]
// stylus-core links `std` on every target (through lazy_static), so the
// contract uses std's panic handler: a panic traps and the call reverts.

// `MarketError` is returned by value: boxing it would add allocation code to
// every program for the rare revert path.
#![allow(clippy::result_large_err)]

extern crate alloc;

mod admin;
mod collaterals;
mod control;
pub mod dispatch;
pub mod entry;
pub mod errors;
mod event_abi;
pub mod ext;
mod guard;
mod lending;
mod liquidate;
mod market_errors;
mod ownership;
mod roles;
mod token;
mod views;

use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use keel_debt::{DebtStorage, Quantity};
use keel_liquidation::decide_liquidation;
use keel_oracle::SequencerUptimeFeed;
use keel_storage::{AddressKey, PackedSlot, Word};
use keel_vault::{CollateralIndex, VaultStorage, MAX_COLLATERALS_LEN};
use stylus_sdk::host::VM;
use stylus_sdk::prelude::*;
use stylus_sdk::storage::{StorageAddress, StorageGuard, StorageGuardMut, StorageMap, StorageType};

pub use admin::RateModelInput;
pub use collaterals::{CollateralConfig, FeedInput, RiskInput};
pub use errors::MarketError;
pub use liquidate::{LiquidationConfig, LiquidationInput};
pub use roles::Action;

/// Every event the market emits, for off-chain decoding (alloy `SolEvent`).
pub mod events {
    pub use crate::admin::{
        CapsSet, RateModelSet, ReserveFactorSet, ReservesWithdrawn, SequencerFeedSet,
    };
    pub use crate::collaterals::{
        CollateralCapSet, CollateralListed, CollateralPriceSourceSet, CollateralRiskSet,
    };
    pub use crate::lending::{
        AccrueInterest, Borrow, Repay, SetOperator, Supply, SupplyCollateral, Withdraw,
        WithdrawCollateral,
    };
    pub use crate::liquidate::{BadDebt, Liquidate, LiquidationParamsSet};
    pub use crate::ownership::{OwnershipTransferStarted, OwnershipTransferred};
    pub use crate::roles::{GuardianSet, LiquidationGracePeriodSet, LiquidationPauseSet, PauseSet};
}
pub use views::{AccountSnapshot, CollateralInfo, LiquidationPreview, MarketSnapshot};

/// The market contract's storage, at slot 0 of every Keel program (the slot
/// map above). Not an SDK `#[storage]` struct: that macro builds every
/// field's handle from the runtime root slot on every call (2.2 KB of each
/// program); the handles here are built from constant slots, each derived
/// from the previous field's `REQUIRED_SLOTS`.
pub struct KeelMarket {
    vm: VM,
    control: Word,
    owner: StorageAddress,
    pending_owner: StorageAddress,
    guardian_word: Word,
    liquidation_config: LiquidationConfig,
    sequencer: SequencerUptimeFeed,
    debt: DebtStorage,
    vault: VaultStorage,
    listings: StorageMap<AddressKey, Word>,
    operators: StorageMap<AddressKey, StorageMap<AddressKey, Word>>,
    ext: Word,
}

/// The first slot of each field of [`KeelMarket`] (the slot map above).
mod slots {
    use super::*;

    pub const CONTROL: usize = 0;
    pub const OWNER: usize = 1;
    pub const PENDING_OWNER: usize = 2;
    pub const GUARDIAN: usize = 3;
    pub const LIQUIDATION_CONFIG: usize = 4;
    pub const SEQUENCER: usize = LIQUIDATION_CONFIG + LiquidationConfig::REQUIRED_SLOTS;
    pub const DEBT: usize = SEQUENCER + SequencerUptimeFeed::REQUIRED_SLOTS;
    pub const VAULT: usize = DEBT + DebtStorage::REQUIRED_SLOTS;
    pub const COLLATERALS: usize = VAULT + VaultStorage::REQUIRED_SLOTS;
    /// Eight collaterals' configurations follow (`KeelMarket::config`).
    pub const LISTINGS: usize = COLLATERALS + 8 * CollateralConfig::REQUIRED_SLOTS;
    pub const OPERATORS: usize = LISTINGS + 1;
    pub const EXT: usize = OPERATORS + 1;
    /// Slots in all.
    pub const END: usize = EXT + 1;
}

/// A field's handle at `slot`; `offset` is the SDK's (bytes before the
/// value in the big-endian word: 12 for an address alone in its slot).
///
/// # Safety
/// As [`StorageType::new`]: `slot` must be the field's own.
#[allow(unsafe_code)]
unsafe fn field<T: StorageType>(slot: usize, offset: u8, vm: &VM) -> T {
    T::new(U256::from(slot), offset, vm.clone())
}

#[allow(unsafe_code)]
impl StorageType for KeelMarket {
    type Wraps<'a> = StorageGuard<'a, Self>;
    type WrapsMut<'a> = StorageGuardMut<'a, Self>;
    const REQUIRED_SLOTS: usize = slots::END;

    /// The market at slot 0 (its only place: `root` must be zero).
    unsafe fn new(root: U256, offset: u8, vm: VM) -> Self {
        debug_assert!(keel_math::is_zero(root) && offset == 0);
        let address = 12;
        Self {
            control: field(slots::CONTROL, 0, &vm),
            owner: field(slots::OWNER, address, &vm),
            pending_owner: field(slots::PENDING_OWNER, address, &vm),
            guardian_word: field(slots::GUARDIAN, 0, &vm),
            liquidation_config: field(slots::LIQUIDATION_CONFIG, 0, &vm),
            sequencer: field(slots::SEQUENCER, 0, &vm),
            debt: field(slots::DEBT, 0, &vm),
            vault: field(slots::VAULT, 0, &vm),
            listings: field(slots::LISTINGS, 0, &vm),
            operators: field(slots::OPERATORS, 0, &vm),
            ext: field(slots::EXT, 0, &vm),
            vm,
        }
    }

    fn load<'s>(self) -> Self::Wraps<'s> {
        StorageGuard::new(self)
    }

    fn load_mut<'s>(self) -> Self::WrapsMut<'s> {
        StorageGuardMut::new(self)
    }
}

impl HostAccess for KeelMarket {
    type Host = VM;

    fn vm(&self) -> &VM {
        &self.vm
    }
}

/// The market over a test host (the SDK's `#[storage]` gives its structs the same).
#[cfg(test)]
impl<H: stylus_sdk::stylus_core::Host + Clone + 'static> From<&H> for KeelMarket {
    fn from(host: &H) -> Self {
        let vm = VM {
            host: alloc::boxed::Box::new(host.clone()),
        };
        // SAFETY: the market's place, slot 0.
        #[allow(unsafe_code)]
        unsafe {
            Self::new(U256::ZERO, 0, vm)
        }
    }
}

// SAFETY: both Keel programs (`keel-market-core` and `keel-market-ext`)
// lay out one `KeelMarket` at slot 0 and nothing else, so a
// `&mut KeelMarket` covers the whole storage, which is what
// `TopLevelStorage` asserts (no other live reference can alias it during an
// external call).
#[allow(unsafe_code)]
unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for KeelMarket {}

/// The market's operations, one per ABI entry point. The programs in
/// `contracts/programs/` expose them (see [`ext`]).
impl KeelMarket {
    /// Initialises the market: run once, by the core's constructor through
    /// the ext program.
    ///
    /// Arguments: `base_asset`, the ERC-20 lent and borrowed; `owner`, who
    /// sets parameters; `guardian`, who may pause (zero: none);
    /// `rate_model` `(base, slopeBelow, slopeAbove, optimal)` per-second WAD
    /// rates and WAD utilisation; `reserve_factor` WAD; `liquidation`
    /// `(closeFactor, fullLiquidationHf, liquidationFee,
    /// minPartialLiquidationValue, dustThreshold)`; `supply_cap` and
    /// `borrow_cap` in base units (`uint128` max or more: none).
    /// Errors: `AlreadyInitialized`, `ModuleCalledDirectly`, `ZeroAddress`,
    /// `NotAContract` (base asset without code), and the bounds errors of
    /// each parameter.
    /// Events: `OwnershipTransferred`, `GuardianSet`, `RateModelSet`,
    /// `ReserveFactorSet`, `LiquidationParamsSet`, `CapsSet`.
    #[allow(clippy::too_many_arguments)]
    pub fn initialize(
        &mut self,
        base_asset: Address,
        owner: Address,
        guardian: Address,
        rate_model: RateModelInput,
        reserve_factor: u64,
        liquidation: LiquidationInput,
        supply_cap: U256,
        borrow_cap: U256,
    ) -> Result<(), MarketError> {
        self.ensure_uninitialized()?;
        errors::ensure_nonzero(base_asset)?;
        self.ensure_contract(base_asset)?;
        self.update_control(|word| word.set_address(control::BASE_ASSET_AT, base_asset));
        self.init_owner(owner)?;
        self.update_guardian_word(|word| word.set_address(control::GUARDIAN_AT, guardian));
        self.emit(roles::GuardianSet { guardian });
        self.store_rate_model(rate_model)?;
        self.store_reserve_factor(reserve_factor)?;
        self.store_liquidation_params(liquidation)?;
        self.store_caps(supply_cap, borrow_cap);
        Ok(())
    }

    /// The current owner.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// The owner nominated by `transferOwnership`, zero when none is pending.
    pub fn pending_owner(&self) -> Address {
        self.pending_owner.get()
    }

    /// Starts a two-step ownership transfer; `new_owner` must call
    /// `acceptOwnership` to finish it. Passing zero cancels a pending transfer.
    ///
    /// Errors: `Unauthorized` unless called by the owner.
    /// Events: `OwnershipTransferStarted(owner, new_owner)`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), MarketError> {
        self.start_ownership_transfer(new_owner)
    }

    /// Completes a two-step ownership transfer.
    ///
    /// Errors: `Unauthorized` unless called by the pending owner.
    /// Events: `OwnershipTransferred(previous, caller)`.
    pub fn accept_ownership(&mut self) -> Result<(), MarketError> {
        self.finish_ownership_transfer()
    }

    /// The account allowed to pause actions.
    pub fn guardian(&self) -> Address {
        self.guardian_word().address_at(control::GUARDIAN_AT)
    }

    /// Sets the guardian (zero removes it).
    ///
    /// Errors: `Unauthorized` unless called by the owner.
    /// Events: `GuardianSet(guardian)`.
    pub fn set_guardian(&mut self, guardian: Address) -> Result<(), MarketError> {
        self.set_guardian_checked(guardian)
    }

    /// Pauses or unpauses `action` (0 supply, 1 withdraw, 2 supplyCollateral,
    /// 3 withdrawCollateral, 4 borrow; repay cannot be paused).
    ///
    /// Errors: `Unauthorized` unless the guardian or owner pauses, or the
    /// owner unpauses; `ParameterOutOfBounds(2, ...)` for an unknown action.
    /// Events: `PauseSet(action, paused)`.
    pub fn set_paused(&mut self, action: u8, paused: bool) -> Result<(), MarketError> {
        self.set_paused_checked(action, paused)
    }

    /// Whether `action` is paused (false for unknown codes).
    pub fn is_paused(&self, action: u8) -> bool {
        self.is_action_paused(action)
    }

    /// Pauses liquidation, or unpauses it with liquidations resuming after
    /// the grace period. Unpausing a liquidation that is not paused changes
    /// nothing (a grace period already running keeps its end).
    ///
    /// Errors: `Unauthorized` unless called by the owner.
    /// Events: `LiquidationPauseSet(paused, resumesAt)`.
    pub fn set_liquidation_paused(&mut self, paused: bool) -> Result<(), MarketError> {
        self.set_liquidation_paused_checked(paused)
    }

    /// Sets the grace period after a liquidation unpause (at most 1 day).
    ///
    /// Errors: `Unauthorized` unless called by the owner;
    /// `ParameterOutOfBounds(1, ...)` above 86,400 seconds.
    /// Events: `LiquidationGracePeriodSet(seconds)`.
    pub fn set_liquidation_grace_period(&mut self, seconds: u32) -> Result<(), MarketError> {
        self.set_liquidation_grace_period_checked(seconds)
    }

    /// The end of the grace period after the last unpause of liquidation
    /// (liquidations run from then on unless paused again); 0 before any
    /// unpause and while paused.
    pub fn liquidation_resumes_at(&self) -> u64 {
        self.control().u64_at(control::LIQUIDATION_RESUMES_AT)
    }

    // ----- lenders -----

    /// Supplies `assets` of the base asset for `on_behalf` (anyone may
    /// supply for anyone); the caller pays. Returns the shares minted
    /// (rounded down).
    ///
    /// Errors: `ActionPaused(0)`, `ZeroAddress`, `ZeroAmount`,
    /// `AmountExceedsU128`, `AmountRoundsToZero`, `SupplyCapExceeded`,
    /// `TokenTransferFailed`, `Reentrancy`.
    /// Events: `AccrueInterest` (when interest accrued), `Supply`.
    pub fn supply(&mut self, assets: U256, on_behalf: Address) -> Result<U256, MarketError> {
        self.locked(|m| m.do_supply(assets, on_behalf))
            .map(|step| U256::from(step.shares))
    }

    /// Withdraws `assets` of `on_behalf`'s supply to `receiver` (caller must
    /// be `on_behalf` or its operator). Returns the shares burnt (rounded up).
    ///
    /// Errors: `ActionPaused(1)`, `Unauthorized`, `ZeroAddress`, `ZeroAmount`,
    /// `AmountExceedsU128`, `InsufficientSupplyShares`, `InsufficientLiquidity`,
    /// `TokenTransferFailed`, `Reentrancy`.
    /// Events: `Withdraw`.
    pub fn withdraw(
        &mut self,
        assets: U256,
        on_behalf: Address,
        receiver: Address,
    ) -> Result<U256, MarketError> {
        self.locked(|m| m.do_withdraw(Quantity::Assets(assets), on_behalf, receiver))
            .map(|step| U256::from(step.shares))
    }

    /// Burns `shares` of `on_behalf`'s supply and sends the assets (rounded
    /// down) to `receiver`; returns the assets. Errors and events as `withdraw`.
    pub fn withdraw_shares(
        &mut self,
        shares: U256,
        on_behalf: Address,
        receiver: Address,
    ) -> Result<U256, MarketError> {
        self.locked(|m| m.do_withdraw(Quantity::Shares(shares), on_behalf, receiver))
            .map(|step| U256::from(step.assets))
    }

    // ----- borrowers -----

    /// Deposits `amount` of collateral `token` for `on_behalf` (anyone may);
    /// the caller pays.
    ///
    /// Errors: `ActionPaused(2)`, `ZeroAddress`, `UnknownCollateral`,
    /// `ZeroCollateralAmount`, `CollateralAmountExceedsU128`,
    /// `CollateralCapExceeded`, `TokenTransferFailed`, `Reentrancy`.
    /// Events: `SupplyCollateral`.
    pub fn supply_collateral(
        &mut self,
        token: Address,
        amount: U256,
        on_behalf: Address,
    ) -> Result<(), MarketError> {
        self.locked(|m| m.do_supply_collateral(token, amount, on_behalf))
    }

    /// Withdraws `amount` of collateral `token` of `on_behalf` to `receiver`;
    /// the position must stay within its LTV.
    ///
    /// Errors: `ActionPaused(3)`, `Unauthorized`, `ZeroAddress`,
    /// `UnknownCollateral`, `ZeroCollateralAmount`, `InsufficientCollateral`,
    /// `LtvExceeded`, sequencer errors (with debt), oracle errors,
    /// `TokenTransferFailed`, `Reentrancy`.
    /// Events: `WithdrawCollateral`.
    pub fn withdraw_collateral(
        &mut self,
        token: Address,
        amount: U256,
        on_behalf: Address,
        receiver: Address,
    ) -> Result<(), MarketError> {
        self.locked(|m| m.do_withdraw_collateral(token, amount, on_behalf, receiver))
    }

    /// Borrows `assets` for `on_behalf` to `receiver`; the position must
    /// stay within its LTV. Returns the borrow shares booked (rounded up).
    ///
    /// Errors: `ActionPaused(4)`, `Unauthorized`, `ZeroAddress`, `ZeroAmount`,
    /// `AmountExceedsU128`, `BorrowCapExceeded`, `InsufficientLiquidity`,
    /// `LtvExceeded`, `SequencerDown`, `SequencerGracePeriod`, oracle
    /// errors, `TokenTransferFailed`, `Reentrancy`.
    /// Events: `Borrow`.
    pub fn borrow(
        &mut self,
        assets: U256,
        on_behalf: Address,
        receiver: Address,
    ) -> Result<U256, MarketError> {
        self.locked(|m| m.do_borrow(assets, on_behalf, receiver))
            .map(|step| U256::from(step.shares))
    }

    /// Repays `assets` of `on_behalf`'s debt (anyone may; never paused). Any
    /// amount at or above the debt, e.g. `type(uint256).max`, repays it all
    /// and takes only what is owed. Returns the assets taken.
    ///
    /// Errors: `ZeroAddress`, `ZeroAmount`, `NoDebt`, `AmountExceedsU128`,
    /// `TokenTransferFailed`, `Reentrancy`.
    /// Events: `Repay`.
    pub fn repay(&mut self, assets: U256, on_behalf: Address) -> Result<U256, MarketError> {
        self.locked(|m| m.do_repay(Quantity::Assets(assets), on_behalf))
            .map(|step| U256::from(step.assets))
    }

    /// Repays `shares` of `on_behalf`'s borrow shares (capped at its
    /// shares); returns the assets taken (rounded up). As `repay`.
    pub fn repay_shares(&mut self, shares: U256, on_behalf: Address) -> Result<U256, MarketError> {
        self.locked(|m| m.do_repay(Quantity::Shares(shares), on_behalf))
            .map(|step| U256::from(step.assets))
    }

    /// Allows or disallows `operator` to withdraw, withdraw collateral and
    /// borrow for the caller.
    ///
    /// Errors: `ZeroAddress`. Events: `SetOperator`.
    pub fn set_operator(&mut self, operator: Address, approved: bool) -> Result<(), MarketError> {
        self.do_set_operator(operator, approved)
    }

    /// Whether `operator` may act for `owner`.
    pub fn is_operator(&self, owner: Address, operator: Address) -> bool {
        self.operators
            .getter(AddressKey(owner))
            .getter(AddressKey(operator))
            .word()
            .u8_at(0)
            != 0
    }

    // ----- anyone -----

    /// Accrues interest to the current block.
    ///
    /// Errors: `DebtMathError`, `Reentrancy`. Events: `AccrueInterest`.
    pub fn accrue_interest(&mut self) -> Result<(), MarketError> {
        self.locked(|m| m.accrue().map(|_| ()))
    }

    /// Liquidates `borrower` against collateral `token`, repaying at most
    /// `max_repay_assets` (`type(uint256).max`: as much as allowed); the
    /// seized collateral minus the protocol fee goes to `receiver`. Returns
    /// `(repaidAssets, seizedCollateral)`.
    ///
    /// The collateral is sent first; when `data` is not empty the market
    /// then calls `onKeelLiquidate(repaidAssets, data)` on the caller
    /// (flash liquidation: the caller may sell the collateral there), and
    /// only then takes `repaidAssets` of the base asset from the caller. The
    /// market stays locked during the callback.
    ///
    /// Errors: `LiquidationPaused`, `ZeroAddress`, `UnknownCollateral`,
    /// `PositionHealthy`, `CollateralNotHeld`, `ZeroRepay`,
    /// `LiquidationLeavesDust`, oracle errors (never the sequencer),
    /// `LiquidationCallbackFailed`, `TokenTransferFailed`,
    /// `TransferAmountMismatch`, `Reentrancy`.
    /// Events: `Liquidate`, `BadDebt` when the borrower is left without
    /// collateral.
    pub fn liquidate(
        &mut self,
        borrower: Address,
        token: Address,
        max_repay_assets: U256,
        receiver: Address,
        data: &[u8],
    ) -> Result<(U256, U256), MarketError> {
        let request = liquidate::LiquidateRequest {
            borrower,
            token,
            max_repay: max_repay_assets,
            receiver,
            data,
        };
        self.locked(|m| m.do_liquidate(request))
            .map(|o| (o.repaid_assets, o.seized_collateral))
    }

    /// Exactly what `liquidate(borrower, token, max_repay_assets, _, _)` would
    /// do now: `(repaidAssets, repaidShares, seizedCollateral, protocolFee,
    /// liquidatorCollateral, badDebtAssets, healthFactorBefore,
    /// healthFactorAfter)`. Reverts with the error `liquidate` would
    /// (including `LiquidationPaused`; a zero receiver is not checked).
    pub fn preview_liquidation(
        &self,
        borrower: Address,
        token: Address,
        max_repay_assets: U256,
    ) -> Result<LiquidationPreview, MarketError> {
        self.ensure_not_locked()?;
        self.ensure_liquidation_active()?;
        let now = self.vm().block_timestamp();
        let borrow = self.debt.preview_accrual(now)?.totals.borrow;
        let (_, o) = self.decide(
            borrow,
            borrower,
            token,
            max_repay_assets,
            decide_liquidation,
        )?;
        let a = o.amounts;
        Ok((
            a.repaid_assets,
            a.repaid_shares,
            a.seized_collateral,
            a.protocol_fee_collateral,
            a.liquidator_collateral,
            o.bad_debt_assets,
            o.health_factor_before.0,
            o.health_factor_after.0,
        ))
    }

    // ----- views -----

    /// See [`AccountSnapshot`].
    pub fn account_snapshot(&self, account: Address) -> Result<AccountSnapshot, MarketError> {
        self.account_snapshot_view(account)
    }

    /// See [`MarketSnapshot`].
    pub fn market_snapshot(&self) -> Result<MarketSnapshot, MarketError> {
        self.market_snapshot_view()
    }

    /// The validated oracle price of collateral `token` the market uses now:
    /// base units per collateral unit, 1e36.
    pub fn collateral_price(&self, token: Address) -> Result<U256, MarketError> {
        let index = self.collateral_index(token)?;
        Ok(self.price_of(index)?.0)
    }

    /// `(index, ltv, liquidationThreshold, bonus, cap, total, feeReserves)`
    /// of collateral `token`.
    pub fn collateral_info(&self, token: Address) -> Result<CollateralInfo, MarketError> {
        let (index, bonus) = self.listed(token)?;
        let (ltv, lt) = self.config(index).factors();
        Ok((
            index.get(),
            ltv.0,
            lt.0,
            bonus.0,
            U256::from(self.vault.cap_total(index)),
            U256::from(self.collateral_total(token)),
            self.collateral_reserves(index),
        ))
    }

    /// The listed collateral tokens, by index.
    pub fn collaterals(&self) -> Vec<Address> {
        // An array turned into a vector whole, then cut to the listed
        // count: collecting linked vector growth into the program.
        let count = usize::from(self.collateral_count());
        let mut tokens = [Address::ZERO; MAX_COLLATERALS_LEN];
        for (slot, index) in tokens.iter_mut().zip(CollateralIndex::all()).take(count) {
            *slot = self.collateral_token(index);
        }
        let mut tokens = Vec::from(tokens);
        tokens.truncate(count);
        tokens
    }

    // ----- administration (owner) -----

    /// Lists `token` as collateral: `risk` `(ltv, liquidationThreshold,
    /// bonus)` WAD, `cap` on its total (`uint128` max or more: none),
    /// `collateral_feed` and `base_feed` `(feed, heartbeatSeconds,
    /// minAnswer, maxAnswer)` (zero base feed: the collateral feed quotes
    /// the base asset; zero band: none). Returns its index.
    ///
    /// Errors: `Unauthorized`, `ZeroAddress`, `NotAContract`,
    /// `CollateralAlreadyListed`, `TooManyCollaterals`, risk bounds errors,
    /// oracle configuration and price errors.
    /// Events: `CollateralListed`, `CollateralRiskSet`, `CollateralCapSet`.
    pub fn add_collateral(
        &mut self,
        token: Address,
        risk: RiskInput,
        cap: U256,
        collateral_feed: FeedInput,
        base_feed: FeedInput,
    ) -> Result<u8, MarketError> {
        self.list_collateral(token, risk, cap, collateral_feed, base_feed)
    }

    /// Sets the risk parameters of collateral `token`; LTV 0 winds it down
    /// (existing positions stay liquidatable at their LT).
    ///
    /// Errors: `Unauthorized`, `UnknownCollateral`, risk bounds errors.
    /// Events: `CollateralRiskSet`.
    pub fn set_collateral_risk(
        &mut self,
        token: Address,
        risk: RiskInput,
    ) -> Result<(), MarketError> {
        self.update_collateral_risk(token, risk)
    }

    /// Sets the cap on the total of collateral `token` (0 refuses deposits).
    ///
    /// Errors: `Unauthorized`, `UnknownCollateral`. Events: `CollateralCapSet`.
    pub fn set_collateral_cap(&mut self, token: Address, cap: U256) -> Result<(), MarketError> {
        self.update_collateral_cap(token, cap)
    }

    /// Replaces the price source of collateral `token` (as `addCollateral`).
    ///
    /// Errors: `Unauthorized`, `UnknownCollateral`, oracle errors.
    /// Events: `CollateralPriceSourceSet`.
    pub fn set_collateral_price_source(
        &mut self,
        token: Address,
        collateral_feed: FeedInput,
        base_feed: FeedInput,
    ) -> Result<(), MarketError> {
        self.update_price_source(token, collateral_feed, base_feed)
    }

    /// Sets the rate model (accrues first).
    ///
    /// Errors: `Unauthorized`, `OptimalUtilisationOutOfBounds`,
    /// `MaxBorrowRateTooHigh`. Events: `RateModelSet`.
    pub fn set_rate_model(&mut self, rate_model: RateModelInput) -> Result<(), MarketError> {
        self.update_rate_model(rate_model)
    }

    /// Sets the reserve factor, WAD (accrues first).
    ///
    /// Errors: `Unauthorized`, `ReserveFactorTooHigh`. Events: `ReserveFactorSet`.
    pub fn set_reserve_factor(&mut self, reserve_factor: u64) -> Result<(), MarketError> {
        self.update_reserve_factor(reserve_factor)
    }

    /// Sets the supply and borrow caps, base units (`uint128` max: none).
    ///
    /// Errors: `Unauthorized`. Events: `CapsSet`.
    pub fn set_caps(&mut self, supply_cap: U256, borrow_cap: U256) -> Result<(), MarketError> {
        self.update_caps(supply_cap, borrow_cap)
    }

    /// Sets the liquidation parameters.
    ///
    /// Errors: `Unauthorized`, `CloseFactorOutOfBounds`,
    /// `FullLiquidationHfOutOfBounds`, `LiquidationFeeOutOfBounds`,
    /// `ParameterOutOfBounds(3, ...)`. Events: `LiquidationParamsSet`.
    pub fn set_liquidation_params(
        &mut self,
        liquidation: LiquidationInput,
    ) -> Result<(), MarketError> {
        self.only_owner()?;
        self.store_liquidation_params(liquidation)
    }

    /// Sets the L2 sequencer uptime feed and grace period (zero feed: none).
    ///
    /// Errors: `Unauthorized`, `GracePeriodOutOfBounds`, `FeedHasNoCode`,
    /// `FeedCallFailed`, `SequencerFeedInvalid`. Events: `SequencerFeedSet`.
    pub fn set_sequencer_feed(
        &mut self,
        feed: Address,
        grace_period_seconds: u32,
    ) -> Result<(), MarketError> {
        self.update_sequencer_feed(feed, grace_period_seconds)
    }

    /// Sends `amount` of protocol reserves of `asset` (base asset: interest
    /// reserves; a collateral: liquidation fees) to `to`.
    ///
    /// Errors: `Unauthorized`, `ZeroAddress`, `ZeroAmount`,
    /// `InsufficientReserves`, `InsufficientLiquidity`, `UnknownCollateral`,
    /// `TokenTransferFailed`, `Reentrancy`. Events: `ReservesWithdrawn`.
    pub fn withdraw_reserves(
        &mut self,
        asset: Address,
        amount: U256,
        to: Address,
    ) -> Result<(), MarketError> {
        self.locked(|m| m.do_withdraw_reserves(asset, amount, to))
    }
}

/// Deployment helpers for the unit tests beside each module.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use alloy_primitives::address;
    use stylus_sdk::testing::TestVM;

    pub const OWNER: Address = address!("00000000000000000000000000000000000000a1");
    pub const GUARDIAN: Address = address!("00000000000000000000000000000000000000a2");
    pub const STRANGER: Address = address!("00000000000000000000000000000000000000a3");
    pub const BASE: Address = address!("00000000000000000000000000000000000000b1");

    /// 2% base, 4% and 300% slopes (APR, as per-second WAD), kink 80%.
    pub const RATE_MODEL: RateModelInput = (
        634_195_839,
        1_268_391_679,
        95_129_375_951,
        800_000_000_000_000_000,
    );
    /// Close factor 50%, full liquidation below 0.95, fee 10% of the bonus,
    /// thresholds 2,000 and 1,000 base units.
    pub fn liquidation() -> LiquidationInput {
        (
            500_000_000_000_000_000,
            950_000_000_000_000_000,
            100_000_000_000_000_000,
            U256::from(2_000),
            U256::from(1_000),
        )
    }

    /// A market constructed by `OWNER` over `BASE` (which gets code), with
    /// `GUARDIAN`; the sender is left as `OWNER`.
    pub fn deployed(vm: &TestVM) -> KeelMarket {
        vm.set_code(BASE, vec![1]);
        vm.set_sender(OWNER);
        let mut market = KeelMarket::from(vm);
        market
            .initialize(
                BASE,
                OWNER,
                GUARDIAN,
                RATE_MODEL,
                100_000_000_000_000_000,
                liquidation(),
                U256::MAX,
                U256::MAX,
            )
            .unwrap();
        market
    }
}

#[cfg(test)]
mod layout_tests {
    use super::testing::{deployed, liquidation, BASE};
    use super::*;
    use alloy_primitives::U8;
    use keel_testkit::{changed_slots, mapping_slot};
    use keel_vault::CollateralIndex;
    use stylus_sdk::testing::TestVM;

    #[test]
    fn fields_start_at_the_documented_slots() {
        use slots::*;
        assert_eq!(
            [
                SEQUENCER,
                DEBT,
                VAULT,
                COLLATERALS,
                LISTINGS,
                OPERATORS,
                EXT,
                END
            ],
            [6, 7, 13, 22, 70, 71, 72, 73]
        );
    }

    /// Runs `write` on a deployed market and returns the slots it changed.
    fn written(write: impl FnOnce(&mut KeelMarket)) -> Vec<U256> {
        let vm = TestVM::default();
        let mut market = deployed(&vm);
        let before = vm.snapshot().storage;
        write(&mut market);
        changed_slots(&before, &vm)
    }

    #[test]
    fn each_handle_writes_its_own_slot() {
        let slot = |n: u64| vec![U256::from(n)];
        let word = keel_math::PackedWord([7; 32]);
        assert_eq!(written(|m| m.control.set_word(word)), slot(0));
        assert_eq!(written(|m| m.owner.set(BASE)), slot(1));
        assert_eq!(written(|m| m.pending_owner.set(BASE)), slot(2));
        assert_eq!(written(|m| m.guardian_word.set_word(word)), slot(3));
        let (close, full_hf, fee, min_partial, dust) = liquidation();
        let params = (close / 2, full_hf, fee, min_partial + U256::from(1), dust);
        assert_eq!(
            written(|m| m.store_liquidation_params(params).unwrap()),
            [slot(4), slot(5)].concat()
        );
        // The caps (D + 4) and which are none (D + 3's last byte; the market's caps were none).
        assert_eq!(
            written(|m| m.debt.set_caps(1, 2)),
            [slot(7 + 3), slot(7 + 4)].concat()
        );
        let last = CollateralIndex::new(7).unwrap();
        assert_eq!(written(|m| m.vault.set_cap_total(last, 9)), slot(13 + 7));
        assert_eq!(
            written(|m| m.add_collateral_reserves(last, U256::from(1)).unwrap()),
            slot(22 + 7 * 6)
        );
        assert_eq!(
            written(|m| m
                .listings
                .setter(AddressKey(BASE))
                .set_word(keel_math::PackedWord::low_byte(1))),
            vec![mapping_slot(BASE, 70)]
        );
        assert_eq!(written(|m| m.store_ext(BASE)), slot(72));
    }

    /// A listing (slot 70's map) holds `index + 1` in its low byte, the
    /// liquidation bonus (WAD, `u64`) at bytes 8..16 and the collateral's
    /// total (`u128`) at bytes 16..32, from the low end.
    #[test]
    fn a_listing_holds_the_index_the_bonus_and_the_total() {
        let vm = TestVM::default();
        let market = deployed(&vm);
        let token = Address::repeat_byte(3);
        let bonus: u64 = 50_000_000_000_000_000;
        let total: u128 = 12_345_678_901_234_567_890;
        let mut word = [0u8; 32];
        word[31] = 3;
        word[16..24].copy_from_slice(&bonus.to_be_bytes());
        word[..16].copy_from_slice(&total.to_be_bytes());
        vm.set_storage(mapping_slot(token, 70), word.into());
        let (index, stored_bonus) = market.listed(token).unwrap();
        assert_eq!((index.get(), stored_bonus), (2, collaterals::wad(bonus)));
        assert_eq!(market.collateral_total(token), total);
        assert_eq!(
            market.listed(Address::repeat_byte(4)),
            Err(MarketError::from(crate::errors::UnknownCollateral {
                token: Address::repeat_byte(4)
            }))
        );
    }

    /// The maps' values are words read by their low byte: where the SDK's
    /// `StorageU8` and `StorageBool` map values are (the last byte), and the
    /// ext address where `StorageAddress` puts it (the last 20 bytes).
    #[test]
    fn map_values_and_the_ext_address_are_where_the_sdk_types_put_them() {
        let vm = TestVM::default();
        let market = deployed(&vm);
        let host = VM {
            host: alloc::boxed::Box::new(vm.clone()),
        };
        let (owner, operator) = (Address::repeat_byte(1), Address::repeat_byte(2));
        // SAFETY: test handles at the market's own slots 70, 71 and 72.
        #[allow(unsafe_code)]
        let (mut indices, mut operators, mut ext) = unsafe {
            (
                StorageMap::<AddressKey, stylus_sdk::storage::StorageU8>::new(
                    U256::from(70),
                    0,
                    host.clone(),
                ),
                StorageMap::<AddressKey, StorageMap<AddressKey, stylus_sdk::storage::StorageBool>>::new(
                    U256::from(71),
                    0,
                    host.clone(),
                ),
                StorageAddress::new(U256::from(72), 12, host),
            )
        };
        indices.setter(AddressKey(owner)).set(U8::from(5));
        operators
            .setter(AddressKey(owner))
            .setter(AddressKey(operator))
            .set(true);
        ext.set(operator);
        assert_eq!(market.collateral_index(owner).map(|i| i.get()), Ok(4));
        assert!(market.is_operator(owner, operator));
        assert!(!market.is_operator(operator, owner));
        assert_eq!(market.ext_address(), operator);
    }
}

//! The market's two programs decode every call by hand: no SDK router, no
//! alloy decoder. [`core_program`] is `keel-market-core` (the user
//! operations of [`IKeelCoreOperations`], the constructor, and the fallback
//! to the ext program); [`ext_program`] is `keel-market-ext` (every entry
//! point of [`crate::ext::IKeelExt`] and its own constructor).
//!
//! The SDK's `#[public]` router decodes through alloy, whose type-check
//! errors keep each signature as a zero-padded constant in the program's
//! static data (about 250 bytes per entry point, and static data costs 0.75
//! gas per byte on every call, cached or not); it also reverts with no data
//! when arguments do not decode. The market's entry points take static
//! arguments (`uint256`, `uintN`, `address`, `bool` and tuples of them, one
//! 32-byte word each at `4 + 32 * i`) and `liquidate` one `bytes` (an
//! offset word to a length word and the bytes): the dispatchers read them in
//! place and name every rejection. Calldata is decoded as solc-compiled
//! contracts decode it: short calldata, an address or `uintN` with dirty
//! high bytes or a `bool` above 1 is `InvalidCalldata(selector)`; bytes
//! after the last argument are ignored; ether sent is `NotPayable()` (no
//! entry point is payable). Return values are written as the ABI lays them
//! out (`args`).
//!
//! `keel abi` takes the core's operations from the `sol!` interface below
//! ([`IKeelCoreOperations`]) and the ext program's from its export-abi
//! build; the market suites and the calldata tests call every entry point
//! through these dispatchers.

mod args;
mod ext;

pub use ext::ext_program;

use alloc::vec::Vec;
use alloy_primitives::U256;
use alloy_sol_types::{sol, SolCall};
use stylus_sdk::abi::internal::CONSTRUCTOR_EXECUTED_SLOT;
use stylus_sdk::abi::CONSTRUCTOR_SELECTOR;
use stylus_sdk::host::VM;
use stylus_sdk::storage::{StorageBool, StorageType};
use stylus_sdk::stylus_core::MessageAccess;

use crate::errors::{AlreadyInitialized, MarketError, NotPayable};
use crate::KeelMarket;
use args::{words, Args};

sol! {
    /// The operations of `keel-market-core` that [`core_operations`] serves (their
    /// selectors).
    interface IKeelCoreOperations {
        function supply(uint256 assets, address onBehalf) external returns (uint256);
        function withdraw(uint256 assets, address onBehalf, address receiver) external returns (uint256);
        function withdrawShares(uint256 shares, address onBehalf, address receiver) external returns (uint256);
        function supplyCollateral(address token, uint256 amount, address onBehalf) external;
        function repay(uint256 assets, address onBehalf) external returns (uint256);
        function repayShares(uint256 shares, address onBehalf) external returns (uint256);
        function accrueInterest() external;
        function setOperator(address operator, bool approved) external;
        function borrow(uint256 assets, address onBehalf, address receiver) external returns (uint256);
        function withdrawCollateral(address token, uint256 amount, address onBehalf, address receiver) external;
        function liquidate(address borrower, address token, uint256 maxRepayAssets, address receiver, bytes data)
            external returns (uint256, uint256);
    }
}

use IKeelCoreOperations as ops;

/// An operation's return data, or the error it reverts with.
type Outcome = Result<Vec<u8>, MarketError>;

/// `keel-market-core`'s whole entry point: its operations
/// ([`IKeelCoreOperations`]), the constructor (`stylus_constructor()`, which
/// the StylusDeployer calls once, as the SDK's router would run it), and
/// every other selector but `initialize` to the ext program
/// ([`KeelMarket::route_to_ext`], which answers `UnknownSelector` for a
/// selector it does not serve). Selectors are compared in the code, never
/// looked up in a table: a table is static data, paid for on every call.
///
/// The constructor's arguments are the ext program's address, then
/// `initialize`'s, forwarded as they came (the ext program decodes and
/// checks them: a bad one is `InvalidCalldata(initialize's selector)`).
///
/// Errors (as revert data): `NotPayable` (no entry point of either program
/// is payable), `InvalidCalldata`, `AlreadyInitialized` for a second
/// constructor call, `UnknownSelector`, and the operation's or the ext
/// program's own.
pub fn core_program(vm: &VM, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    if !keel_math::is_zero(vm.msg_value()) {
        return Err(Vec::from(MarketError::from(NotPayable {})));
    }
    let mut market = market_storage(vm);
    let args = Args::of(calldata);
    if let Some(outcome) = run_core(&mut market, &args) {
        return outcome.map_err(Vec::from);
    }
    if args.selector != CONSTRUCTOR_SELECTOR.to_be_bytes() {
        return market.route_to_ext(calldata);
    }
    let ext = args.address(0)?;
    claim_constructor(vm)?;
    market.construct(ext, args.words.get(32..).unwrap_or_default())?;
    Ok(Vec::new())
}

/// The SDK's run-once flag of Stylus constructors (the slot its router
/// checks and sets): set now, or `AlreadyInitialized` if it was.
fn claim_constructor(vm: &VM) -> Result<(), MarketError> {
    // SAFETY: the SDK reserves this slot (keccak of "stylus_constructor")
    // for the flag; no Keel storage is there. (`in_code`: the slot written
    // by the code, not a constant in static data.)
    #[allow(unsafe_code)]
    let mut executed =
        unsafe { StorageBool::new(keel_math::in_code(CONSTRUCTOR_EXECUTED_SLOT), 0, vm.clone()) };
    if executed.get() {
        return Err(MarketError::from(AlreadyInitialized {}));
    }
    executed.set(true);
    Ok(())
}

/// The market's storage laid out from slot 0.
fn market_storage(vm: &VM) -> KeelMarket {
    // SAFETY: the market's storage laid out from slot 0, as both Keel
    // programs lay it out; this is the call's only storage handle.
    #[allow(unsafe_code)]
    unsafe {
        <KeelMarket as StorageType>::new(U256::ZERO, 0, vm.clone())
    }
}

/// The user operations of the core, one per [`IKeelCoreOperations`] function.
#[derive(Clone, Copy)]
enum CoreOperation {
    Supply,
    Withdraw,
    WithdrawShares,
    SupplyCollateral,
    Repay,
    RepayShares,
    AccrueInterest,
    SetOperator,
    Borrow,
    WithdrawCollateral,
    Liquidate,
}

impl CoreOperation {
    /// The operation `selector` names, if it is the core's (compares in the
    /// code: no table in static data).
    fn of(selector: [u8; 4]) -> Option<Self> {
        Some(match selector {
            ops::supplyCall::SELECTOR => Self::Supply,
            ops::withdrawCall::SELECTOR => Self::Withdraw,
            ops::withdrawSharesCall::SELECTOR => Self::WithdrawShares,
            ops::supplyCollateralCall::SELECTOR => Self::SupplyCollateral,
            ops::repayCall::SELECTOR => Self::Repay,
            ops::repaySharesCall::SELECTOR => Self::RepayShares,
            ops::accrueInterestCall::SELECTOR => Self::AccrueInterest,
            ops::setOperatorCall::SELECTOR => Self::SetOperator,
            ops::borrowCall::SELECTOR => Self::Borrow,
            ops::withdrawCollateralCall::SELECTOR => Self::WithdrawCollateral,
            ops::liquidateCall::SELECTOR => Self::Liquidate,
            _ => return None,
        })
    }
}

/// The core operation `args` selects, run; `None` for any other selector.
fn run_core(market: &mut KeelMarket, args: &Args) -> Option<Outcome> {
    CoreOperation::of(args.selector).map(|operation| run_operation(market, operation, args))
}

fn run_operation(market: &mut KeelMarket, operation: CoreOperation, args: &Args) -> Outcome {
    use CoreOperation as Op;
    let out = match operation {
        Op::Supply => words(&[market.supply(args.uint(0)?, args.address(1)?)?]),
        Op::Withdraw => {
            let (assets, on_behalf, receiver) = (args.uint(0)?, args.address(1)?, args.address(2)?);
            words(&[market.withdraw(assets, on_behalf, receiver)?])
        }
        Op::WithdrawShares => {
            let (shares, on_behalf, receiver) = (args.uint(0)?, args.address(1)?, args.address(2)?);
            words(&[market.withdraw_shares(shares, on_behalf, receiver)?])
        }
        Op::SupplyCollateral => {
            let (token, amount, on_behalf) = (args.address(0)?, args.uint(1)?, args.address(2)?);
            market.supply_collateral(token, amount, on_behalf)?;
            Vec::new()
        }
        Op::Repay => words(&[market.repay(args.uint(0)?, args.address(1)?)?]),
        Op::RepayShares => words(&[market.repay_shares(args.uint(0)?, args.address(1)?)?]),
        Op::AccrueInterest => {
            market.accrue_interest()?;
            Vec::new()
        }
        Op::SetOperator => {
            let (operator, approved) = (args.address(0)?, args.boolean(1)?);
            market.set_operator(operator, approved)?;
            Vec::new()
        }
        Op::Borrow => {
            let (assets, on_behalf, receiver) = (args.uint(0)?, args.address(1)?, args.address(2)?);
            words(&[market.borrow(assets, on_behalf, receiver)?])
        }
        Op::WithdrawCollateral => {
            let (token, amount) = (args.address(0)?, args.uint(1)?);
            let (on_behalf, receiver) = (args.address(2)?, args.address(3)?);
            market.withdraw_collateral(token, amount, on_behalf, receiver)?;
            Vec::new()
        }
        Op::Liquidate => {
            let (borrower, token) = (args.address(0)?, args.address(1)?);
            let (max_repay, receiver, data) = (args.uint(2)?, args.address(3)?, args.bytes(4)?);
            let (repaid, seized) = market.liquidate(borrower, token, max_repay, receiver, data)?;
            words(&[repaid, seized])
        }
    };
    Ok(out)
}

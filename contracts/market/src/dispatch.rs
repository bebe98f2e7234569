//! The hand-written dispatcher of the user operations of `keel-market-core`
//! ([`core_operations`]): selector, fixed-offset argument decoding, the
//! call, the return words. The core has no SDK router at all
//! ([`core_program`]: its constructor and fallback are decoded here too).
//!
//! The SDK's `#[public]` router decodes through alloy, whose type-check
//! errors keep each signature as a zero-padded constant in the program's
//! static data (about 250 bytes per entry point, and static data costs 0.75
//! gas per byte on every call, cached or not); it also reverts with no data
//! when arguments do not decode. These operations take static arguments
//! (`uint256`, `address`, `bool`), each one 32-byte word at `4 + 32 * i`,
//! and `liquidate` one `bytes` (an offset word to a length word and the
//! bytes): this module reads them in place and names every rejection. Calldata is decoded as solc-compiled contracts decode it:
//! short calldata, an address with dirty high bytes or a `bool` above 1 is
//! `InvalidCalldata(selector)`; bytes after the last argument are ignored;
//! ether sent is `NotPayable()` (no operation is payable). Any other
//! selector is not decoded by the operation dispatchers (they return
//! `None`): it is the constructor or goes to the modules ([`core_program`]).
//!
//! `keel abi` takes these operations from the `sol!` interface below
//! ([`IKeelCoreOperations`]); the market suites and the calldata tests call
//! every one of them through this dispatcher.

use alloc::vec::Vec;
use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::{sol, SolCall};
use stylus_sdk::abi::internal::CONSTRUCTOR_EXECUTED_SLOT;
use stylus_sdk::abi::CONSTRUCTOR_SELECTOR;
use stylus_sdk::host::VM;
use stylus_sdk::storage::{StorageBool, StorageType};
use stylus_sdk::stylus_core::MessageAccess;

use crate::errors::{AlreadyInitialized, InvalidCalldata, MarketError, NotPayable};
use crate::modules::selector_of;
use crate::{KeelMarket, ModuleAddresses, MODULE_COUNT};

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

/// `keel-market-core`: runs the operation `calldata` selects, or returns
/// `None` when its selector is not one of [`IKeelCoreOperations`].
///
/// Errors (as revert data): `NotPayable`, `InvalidCalldata`, and the
/// operation's own.
pub fn core_operations(vm: &VM, calldata: &[u8]) -> Option<Result<Vec<u8>, Vec<u8>>> {
    let args = Args::of(calldata);
    if !ops::IKeelCoreOperationsCalls::SELECTORS.contains(&args.selector) {
        return None;
    }
    if !vm.msg_value().is_zero() {
        return Some(Err(Vec::from(MarketError::NotPayable(NotPayable {}))));
    }
    Some(run_core(&mut market_storage(vm), &args).map_err(Vec::from))
}

/// `keel-market-core`'s whole entry point, without the SDK's router (whose
/// alloy decoder was about 8 KB of the program): its operations
/// ([`core_operations`]), the constructor (`stylus_constructor()`, which
/// the StylusDeployer calls once, as the SDK's router would run it), and
/// every other selector to its module ([`KeelMarket::route_to_module`]).
///
/// Errors (as revert data): `NotPayable`, `InvalidCalldata`,
/// `AlreadyInitialized` for a second constructor call, `UnknownSelector`,
/// and the operation's or module's own.
pub fn core_program(vm: &VM, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    if let Some(result) = core_operations(vm, calldata) {
        return result;
    }
    if !vm.msg_value().is_zero() {
        return Err(Vec::from(MarketError::NotPayable(NotPayable {})));
    }
    let mut market = market_storage(vm);
    let args = Args::of(calldata);
    if args.selector != CONSTRUCTOR_SELECTOR.to_be_bytes() {
        return market.route_to_module(calldata);
    }
    let (modules, initialize_args) = args.core_constructor()?;
    claim_constructor(vm)?;
    market.construct(modules, initialize_args)?;
    Ok(Vec::new())
}

/// The SDK's run-once flag of Stylus constructors (the slot its router
/// checks and sets): set now, or `AlreadyInitialized` if it was.
fn claim_constructor(vm: &VM) -> Result<(), MarketError> {
    // SAFETY: the SDK reserves this slot (keccak of "stylus_constructor")
    // for the flag; no Keel storage is there.
    #[allow(unsafe_code)]
    let mut executed = unsafe { StorageBool::new(CONSTRUCTOR_EXECUTED_SLOT, 0, vm.clone()) };
    if executed.get() {
        return Err(MarketError::AlreadyInitialized(AlreadyInitialized {}));
    }
    executed.set(true);
    Ok(())
}

/// The market's storage laid out from slot 0.
fn market_storage(vm: &VM) -> KeelMarket {
    // SAFETY: the market's storage laid out from slot 0, as every Keel
    // program's `#[storage]` struct lays it out (`KeelMarket` is their only
    // field); this is the call's only storage handle.
    #[allow(unsafe_code)]
    unsafe {
        <KeelMarket as StorageType>::new(U256::ZERO, 0, vm.clone())
    }
}

fn run_core(market: &mut KeelMarket, args: &Args) -> Outcome {
    let out = match args.selector {
        ops::supplyCall::SELECTOR => words(&[market.supply(args.uint(0)?, args.address(1)?)?]),
        ops::withdrawCall::SELECTOR => {
            let (assets, on_behalf, receiver) = (args.uint(0)?, args.address(1)?, args.address(2)?);
            words(&[market.withdraw(assets, on_behalf, receiver)?])
        }
        ops::withdrawSharesCall::SELECTOR => {
            let (shares, on_behalf, receiver) = (args.uint(0)?, args.address(1)?, args.address(2)?);
            words(&[market.withdraw_shares(shares, on_behalf, receiver)?])
        }
        ops::supplyCollateralCall::SELECTOR => {
            let (token, amount, on_behalf) = (args.address(0)?, args.uint(1)?, args.address(2)?);
            market.supply_collateral(token, amount, on_behalf)?;
            Vec::new()
        }
        ops::repayCall::SELECTOR => words(&[market.repay(args.uint(0)?, args.address(1)?)?]),
        ops::repaySharesCall::SELECTOR => {
            words(&[market.repay_shares(args.uint(0)?, args.address(1)?)?])
        }
        ops::accrueInterestCall::SELECTOR => {
            market.accrue_interest()?;
            Vec::new()
        }
        ops::borrowCall::SELECTOR => {
            let (assets, on_behalf, receiver) = (args.uint(0)?, args.address(1)?, args.address(2)?);
            words(&[market.borrow(assets, on_behalf, receiver)?])
        }
        ops::withdrawCollateralCall::SELECTOR => {
            let (token, amount) = (args.address(0)?, args.uint(1)?);
            let (on_behalf, receiver) = (args.address(2)?, args.address(3)?);
            market.withdraw_collateral(token, amount, on_behalf, receiver)?;
            Vec::new()
        }
        ops::liquidateCall::SELECTOR => {
            let (borrower, token) = (args.address(0)?, args.address(1)?);
            let (max_repay, receiver, data) = (args.uint(2)?, args.address(3)?, args.bytes(4)?);
            let (repaid, seized) = market.liquidate(borrower, token, max_repay, receiver, data)?;
            words(&[repaid, seized])
        }
        _ => {
            let (operator, approved) = (args.address(0)?, args.boolean(1)?);
            market.set_operator(operator, approved)?;
            Vec::new()
        }
    };
    Ok(out)
}

/// The zero high bytes of each of `initialize`'s 15 words, by type.
const HIGH_ZERO_BYTES: [u8; 15] = [12, 12, 12, 24, 24, 24, 24, 24, 24, 24, 24, 0, 0, 0, 0];

/// Where `initialize`'s words are in the constructor's arguments: after the
/// module addresses.
const INITIALIZE_ARGS: core::ops::Range<usize> =
    MODULE_COUNT * 32..(MODULE_COUNT + HIGH_ZERO_BYTES.len()) * 32;

/// The arguments of one call: 32-byte words after the selector.
struct Args<'a> {
    selector: [u8; 4],
    words: &'a [u8],
}

impl<'a> Args<'a> {
    /// The selector and argument words of `calldata`. (Inlined: as a
    /// function of its own it added a function, and start-up gas, to the core.)
    #[inline(always)]
    fn of(calldata: &'a [u8]) -> Self {
        Args {
            selector: selector_of(calldata),
            words: calldata.get(4..).unwrap_or_default(),
        }
    }

    /// Word `index`, or `InvalidCalldata` when the calldata is too short.
    fn word(&self, index: usize) -> Result<&[u8; 32], MarketError> {
        // Argument indices are constants below 4: no overflow.
        let start = index.wrapping_mul(32);
        self.words
            .get(start..start.wrapping_add(32))
            .and_then(|word| word.try_into().ok())
            .ok_or_else(|| self.invalid())
    }

    fn uint(&self, index: usize) -> Result<U256, MarketError> {
        Ok(U256::from_be_bytes(*self.word(index)?))
    }

    /// An `address`: its 12 high bytes must be zero.
    fn address(&self, index: usize) -> Result<Address, MarketError> {
        let word = self.word(index)?;
        match word[..12].iter().all(|byte| *byte == 0) {
            // `try_into`, not `Address::from_slice`: a function that cannot
            // panic keeps its caller's location out of the static data.
            true => <[u8; 20]>::try_from(&word[12..])
                .map(Address::from)
                .map_err(|_| self.invalid()),
            false => Err(self.invalid()),
        }
    }

    /// A `bytes` argument: word `index` holds its offset from the first
    /// argument, where its length word is, then its bytes (their padding is
    /// not checked, as solc does not).
    fn bytes(&self, index: usize) -> Result<&[u8], MarketError> {
        let offset = self.small(self.uint(index)?)?;
        let length_end = offset.checked_add(32).ok_or_else(|| self.invalid())?;
        let length_word = self
            .words
            .get(offset..length_end)
            .ok_or_else(|| self.invalid())?;
        let length = self.small(U256::from_be_slice(length_word))?;
        let end = length_end
            .checked_add(length)
            .ok_or_else(|| self.invalid())?;
        self.words
            .get(length_end..end)
            .ok_or_else(|| self.invalid())
    }

    /// `value` as an in-memory offset or length (calldata is far smaller).
    fn small(&self, value: U256) -> Result<usize, MarketError> {
        usize::try_from(value).map_err(|_| self.invalid())
    }

    /// The core's constructor arguments: 18 static words, the three module
    /// addresses, then `initialize`'s (three addresses, eight `uint64`,
    /// four `uint256`), each checked for its type's zero high bytes; the
    /// modules, and `initialize`'s words as they came.
    fn core_constructor(&self) -> Result<(ModuleAddresses, &[u8]), MarketError> {
        let modules = (self.address(0)?, self.address(1)?, self.address(2)?);
        // `initialize`'s words, from word 3: zero high bytes per type.
        let mut index: usize = 0;
        while index < HIGH_ZERO_BYTES.len() {
            let zeros = usize::from(HIGH_ZERO_BYTES[index]);
            if self.word(index.wrapping_add(MODULE_COUNT))?[..zeros]
                .iter()
                .any(|byte| *byte != 0)
            {
                return Err(self.invalid());
            }
            index = index.wrapping_add(1);
        }
        let initialize_args = self.words.get(INITIALIZE_ARGS).unwrap_or_default();
        Ok((modules, initialize_args))
    }

    /// A `bool`: 0 or 1.
    fn boolean(&self, index: usize) -> Result<bool, MarketError> {
        match self.uint(index)? {
            value if value == U256::ZERO => Ok(false),
            value if value == U256::from(1) => Ok(true),
            _ => Err(self.invalid()),
        }
    }

    fn invalid(&self) -> MarketError {
        MarketError::InvalidCalldata(InvalidCalldata {
            selector: FixedBytes(self.selector),
        })
    }
}

/// The ABI encoding of static return values: one word each.
fn words(values: &[U256]) -> Vec<u8> {
    values
        .iter()
        .flat_map(|value| value.to_be_bytes::<32>())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[u8]) -> Args<'_> {
        Args {
            selector: [1, 2, 3, 4],
            words,
        }
    }

    fn invalid() -> MarketError {
        MarketError::InvalidCalldata(InvalidCalldata {
            selector: FixedBytes([1, 2, 3, 4]),
        })
    }

    #[test]
    fn words_decode_in_place_and_short_calldata_is_named() {
        let mut calldata = [0u8; 64];
        calldata[31] = 7;
        calldata[63] = 0xaa;
        let decoded = args(&calldata);
        assert_eq!(decoded.uint(0), Ok(U256::from(7)));
        assert_eq!(
            decoded.address(1),
            Ok(Address::from_slice(&calldata[44..64]))
        );
        assert_eq!(args(&calldata[..63]).address(1), Err(invalid()));
        assert_eq!(decoded.uint(2), Err(invalid()));
    }

    #[test]
    fn dirty_address_bits_and_bools_above_one_are_refused() {
        let mut calldata = [0u8; 32];
        calldata[11] = 1;
        assert_eq!(args(&calldata).address(0), Err(invalid()));
        let mut flag = [0u8; 32];
        for (value, expected) in [(0u8, Ok(false)), (1, Ok(true)), (2, Err(invalid()))] {
            flag[31] = value;
            assert_eq!(args(&flag).boolean(0), expected);
        }
    }

    /// A `bytes` argument at word 0: offset 32, then `length`, then `body`.
    fn with_bytes(length: u8, body: &[u8]) -> alloc::vec::Vec<u8> {
        let mut calldata = alloc::vec![0u8; 64];
        calldata[31] = 32;
        calldata[63] = length;
        calldata.extend_from_slice(body);
        calldata
    }

    #[test]
    fn bytes_follow_their_offset_and_length_and_stay_within_the_calldata() {
        let calldata = with_bytes(3, &[9, 8, 7, 0, 0]);
        assert_eq!(args(&calldata).bytes(0), Ok(&[9u8, 8, 7][..]));
        assert_eq!(args(&with_bytes(0, &[])).bytes(0), Ok(&[][..]));
        // Longer than the calldata, an offset past it, an offset beyond usize.
        assert_eq!(args(&with_bytes(6, &[1, 2, 3])).bytes(0), Err(invalid()));
        let mut past = with_bytes(0, &[]);
        past[31] = 64;
        assert_eq!(args(&past).bytes(0), Err(invalid()));
        let mut huge = with_bytes(0, &[]);
        huge[0] = 1;
        assert_eq!(args(&huge).bytes(0), Err(invalid()));
    }

    #[test]
    fn returns_are_one_word_each() {
        let encoded = words(&[U256::from(1), U256::MAX]);
        assert_eq!(encoded.len(), 64);
        assert_eq!(encoded[31], 1);
        assert!(encoded[32..].iter().all(|byte| *byte == 0xff));
    }
}

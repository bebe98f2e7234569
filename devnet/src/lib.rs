//! An in-process Stylus chain for Keel's tests, CLI and simulations.
//!
//! Contracts run as their own Rust code, compiled for the test machine,
//! against a host that behaves like Nitro's: a call from one contract to
//! another enters the callee's SDK-generated ABI router with the calldata and
//! returns its return or revert data, exactly as on chain. No Docker, no node.
//!
//! # Model
//!
//! - **World state**: accounts (balance, nonce, code), per-contract storage
//!   words, and block values (timestamp, number, chain id 412346, basefee,
//!   coinbase) under the test's control.
//! - **Code**: an address holds a [`Program`], the engine interface. The
//!   native backend, [`NativeProgram`] (built with [`native`]), calls
//!   `stylus_sdk::abi::router_entrypoint::<C, C>` and mirrors the SDK's wasm
//!   `user_entrypoint`: refuse re-entry unless opted in, route, flush the
//!   storage cache, write the result. The wasm backend, [`WasmProgram`]
//!   (module [`wasm`]), runs the processed wasm that deploys with Nitro's
//!   metering; native and wasm programs call each other.
//! - **Frames**: each call gets a [`FrameHost`] with its own `msg_sender`,
//!   `msg_value`, `tx_origin`, calldata, return-data buffer and Stylus
//!   storage cache. `CALL` moves value first (failing without it);
//!   `STATICCALL` makes the frame and everything below it read-only;
//!   `DELEGATECALL` runs the target's code on the caller's storage with the
//!   caller's sender and value. A call to an address without code succeeds
//!   with empty return data. Calls deeper than 1,024 frames fail.
//! - **Failure**: a frame that reverts, traps (a Rust panic), or changes
//!   state in a static context (a storage flush with changes, a log, a call
//!   with value: the frame halts, as Nitro's write protection stops the
//!   program) is rolled back with all its sub-frames: storage, balances,
//!   logs, code, nonces, access sets and refunds, by unwinding a journal to
//!   the frame's checkpoint. Its caller sees failure and continues.
//!   [`Receipt::halts`] tells why a frame stopped abnormally.
//! - **Re-entry**: `msg_reentrant()` is true when the contract already has an
//!   open non-delegate frame, as Nitro computes it. Like the SDK's on-chain
//!   entrypoint, a native program then reverts with empty data, unless it
//!   was deployed with [`NativeProgram::reentrant`] (the SDK's `reentrant`
//!   feature).
//! - **Storage cache**: loads go through the frame's cache (a hit costs no
//!   EVM gas), writes stay in it until the program flushes (the SDK flushes
//!   before every call and when the entrypoint returns, even on revert), and
//!   each slot changed at a flush is priced as one SSTORE.
//! - **Transactions**: [`Devnet::transact`] (raw) and [`Devnet::call`]
//!   (typed) run a transaction: the sender's nonce increases, and the
//!   [`Receipt`] carries the output, the logs and the [`GasReport`].
//!   [`Devnet::view`] runs a static call and keeps nothing.
//! - **Snapshots**: [`Devnet::snapshot`] marks the journal; [`Devnet::restore`]
//!   unwinds to it (reusable, for property tests). The journal is kept across
//!   transactions only while a snapshot is live.
//!
//! # Gas report
//!
//! Per transaction, every state access is priced as Nitro charges it to a
//! Stylus program: storage loads 2,100 cold / 100 warm (EIP-2929) and 0 when
//! the Stylus cache answers; storage writes per EIP-2200 (22,100 for a new
//! slot with its cold access, 2,900 for a rewrite of a warm slot, 5,000 cold,
//! 100 for a slot already changed in the transaction) with EIP-3529 refunds
//! (4,800 for clearing; 19,900 / 2,800 for restoring the original value);
//! account access 2,600 cold / 100 warm (call targets, balance and code
//! queries; sender, recipient and coinbase start warm); logs 375 + 375 per
//! topic + 8 per data byte. See [`gas`].
//!
//! [`GasReport::total`] is that state access only. Wasm frames add program
//! start-up, ink, memory, the storage cache's fees, the call surcharges, the
//! 63/64 rule and gas limits (see [`wasm`]); every transaction records its
//! intrinsic 21,000 plus calldata; [`GasReport::breakdown`] sums it all and
//! applies the refund cap (a fifth of the gas used). Native frames stay
//! unmetered: `evm_gas_left` reports the block gas limit there.
//!
//! # Example
//!
//! ```
//! use alloy_primitives::U256;
//! use keel_devnet::{address_of, assert_revert, native, Devnet};
//! use keel_mocks::abi::{ERC20InsufficientBalance, IMockErc20, TokenConstructor, Transfer, IERC20};
//! use keel_mocks::MockErc20;
//!
//! let mut devnet = Devnet::new();
//! let (alice, bob) = (address_of("alice"), address_of("bob"));
//! let args = TokenConstructor::constructorCall { name: "USD".into(), symbol: "USD".into(), decimals: 6 };
//! let token = devnet.deploy_with(alice, native::<MockErc20>(), &args).unwrap();
//! devnet.call(alice, token, &IMockErc20::mintCall { to: alice, amount: U256::from(100) }).unwrap();
//!
//! assert!(devnet.call(alice, token, &IERC20::transferCall { to: bob, amount: U256::from(40) }).unwrap());
//! let receipt = devnet.last_receipt().unwrap();
//! assert_eq!(receipt.events::<Transfer>()[0].value, U256::from(40));
//! // Cold loads of the test switches' slot and both balances, a rewrite of
//! // alice's (warm) balance, a new slot for bob's (warm) balance, a 3-topic log.
//! assert_eq!(receipt.gas.total(), 3 * 2_100 + 2_900 + 20_000 + (375 + 3 * 375 + 8 * 32));
//!
//! let too_much = devnet.call(bob, token, &IERC20::transferCall { to: alice, amount: U256::from(41) });
//! let expected = ERC20InsufficientBalance { sender: bob, balance: U256::from(40), needed: U256::from(41) };
//! assert_revert(too_much, &expected);
//!
//! let saved = devnet.snapshot();
//! devnet.advance_time(3_600);
//! devnet.restore(saved);
//! ```
//!
//! # Known differences from the chain
//!
//! - Contracts cannot deploy contracts (CREATE/CREATE2 report failure; only
//!   natively emulated factories create accounts, with
//!   [`FrameHost::create_account`], as `keel node` does), and
//!   precompiles (including Arbitrum's ArbSys, ArbGasInfo, ...) are addresses
//!   without code: calls to them succeed with empty data.
//! - Code at a native program's address is the Stylus prefix `EFF00000`
//!   followed by the contract's type name, not its compressed wasm: code size
//!   and hash differ from the deployed contract's (non-zero, as on chain).
//! - Constructors run with `msg_sender()` = [`STYLUS_DEPLOYER`], a stand-in
//!   for the StylusDeployer contract, and the deployment address is the
//!   CREATE address of the deploying account and its nonce.
//! - Native programs are not metered, so out-of-gas paths are reachable only
//!   in wasm frames (which apply the EIP-2200 2,300-gas sentry as Nitro does).
//! - Native code traps differ: a Rust panic unwinds (the devnet must be built
//!   with `panic = "unwind"`, the test profile's default) where wasm traps;
//!   both revert the frame with empty data. Integer overflow in debug builds
//!   panics natively but wraps in release wasm: contracts use checked math.
//! - A write in a static context halts when the cache is flushed (as in
//!   Nitro), not at the write; writing a slot its known value is not a change.
//! - Storage is keyed by address: no self-destruct, no account deletion.
//! - Deep recursion runs on the native stack; tests that recurse near the
//!   1,024-frame limit may need a larger thread stack.
// The devnet runs contracts natively; it has no wasm32 build.
#![cfg(not(target_arch = "wasm32"))]

mod devnet;
mod exec;
pub mod gas;
mod host;
mod outcome;
mod program;
pub mod wasm;
mod world;

pub use devnet::{address_of, Devnet, Snapshot, STYLUS_DEPLOYER};
pub use exec::{CallKind, Halt, HaltReason, MAX_CALL_DEPTH};
pub use gas::{Charge, GasEntry, GasReport, StoreKind};
pub use host::FrameHost;
pub use outcome::{assert_revert, expect_error, Log, Receipt, Revert};
pub use program::{native, native_entry, NativeProgram, Program, RouterEntry, Status};
pub use wasm::{FunctionInk, GasBreakdown, Trap, WasmProgram};
pub use world::BlockEnv;

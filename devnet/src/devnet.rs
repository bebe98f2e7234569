//! The test-facing chain: deploy, transact, read and steer the world.

use std::cell::RefCell;
use std::rc::Rc;

use alloy_primitives::{address, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolConstructor};

use crate::exec::{self, CallKind, Message};
use crate::outcome::{Receipt, Revert};
use crate::program::{constructor_calldata, Program};
use crate::world::{BlockEnv, World};

/// `msg_sender()` seen by constructors: on chain, `cargo stylus deploy` runs a
/// constructor through the StylusDeployer contract, so `msg_sender()` there is
/// the deployer contract and `tx_origin()` the account that deploys. This is
/// the devnet's stand-in for that contract.
pub const STYLUS_DEPLOYER: Address = address!("0x00000000000000000000000000000000005d0e91");

/// A deterministic account address for a label (`keccak256(label)[12..]`).
pub fn address_of(label: &str) -> Address {
    Address::from_word(keccak256(label.as_bytes()))
}

/// A handle to a saved state; see [`Devnet::snapshot`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot(u64);

/// An in-process Stylus chain. See the crate documentation for the model.
#[derive(Default)]
pub struct Devnet {
    world: Rc<RefCell<World>>,
    last_receipt: Option<Receipt>,
}

impl Devnet {
    /// A fresh chain: chain id 412346, timestamp 1,700,000,000, block 1, no accounts.
    pub fn new() -> Self {
        Self::default()
    }

    // ---- deployment -----------------------------------------------------

    /// Deploys `program` from `deployer` without running a constructor (for
    /// contracts without `#[constructor]`). The address is the CREATE address
    /// of `deployer` and its nonce.
    pub fn deploy(&mut self, deployer: Address, program: impl Program + 'static) -> Address {
        let (address, _) = self.install(deployer, Rc::new(program));
        let record = self.world.borrow_mut().finish_tx();
        self.last_receipt = Some(Receipt {
            success: true,
            output: Bytes::new(),
            logs: record.logs,
            gas: record.gas,
            halts: record.halts,
        });
        address
    }

    /// Deploys `program` and runs its constructor with `args` (a `sol!`
    /// `constructorCall`), called by [`STYLUS_DEPLOYER`] with `tx_origin()` =
    /// `deployer`. A reverting constructor leaves no contract behind.
    pub fn deploy_with<K: SolConstructor>(
        &mut self,
        deployer: Address,
        program: impl Program + 'static,
        args: &K,
    ) -> Result<Address, Revert> {
        let (address, before_install) = self.install(deployer, Rc::new(program));
        let message = Message {
            kind: CallKind::Call,
            caller: STYLUS_DEPLOYER,
            address,
            code_address: address,
            value: U256::ZERO,
            data: constructor_calldata(&args.abi_encode()),
            origin: deployer,
            is_static: false,
            depth: 0,
        };
        let receipt = self.run(before_install, message, false);
        let outcome = match receipt.success {
            true => Ok(address),
            false => Err(Revert {
                data: receipt.output.clone(),
            }),
        };
        self.last_receipt = Some(receipt);
        outcome
    }

    /// Replaces the code at `address` with `program`, keeping its storage and
    /// balance (like anvil's `setCode`; snapshots restore the old code). Used
    /// to run the same state on another backend, e.g. a [`crate::WasmProgram`]
    /// in place of the native program of the same contract.
    pub fn set_code(&mut self, address: Address, program: impl Program + 'static) {
        self.world.borrow_mut().install(address, Rc::new(program));
    }

    /// Starts the deployment transaction and installs the code; returns the
    /// address and the journal mark before the installation.
    fn install(&mut self, deployer: Address, program: Rc<dyn Program>) -> (Address, usize) {
        let mut world = self.world.borrow_mut();
        let address = deployer.create(world.nonce(deployer));
        world.begin_tx(deployer, address);
        world.bump_nonce(deployer);
        let mark = world.checkpoint();
        world.install(address, program);
        (address, mark)
    }

    // ---- transactions ---------------------------------------------------

    /// Sends a transaction from `from` to `to` with raw calldata. State changes
    /// stay when it succeeds and are rolled back when it reverts.
    pub fn transact(&mut self, from: Address, to: Address, value: U256, data: &[u8]) -> Receipt {
        let mark = {
            let mut world = self.world.borrow_mut();
            world.begin_tx(from, to);
            world.bump_nonce(from);
            world.checkpoint()
        };
        let message = Message::top_level(from, to, value, data, false);
        let receipt = self.run(mark, message, false);
        self.last_receipt = Some(receipt.clone());
        receipt
    }

    /// Runs a static call (like `eth_call` on a view) and discards every
    /// effect; the receipt is returned, not kept as [`Devnet::last_receipt`].
    pub fn static_call(&mut self, from: Address, to: Address, data: &[u8]) -> Receipt {
        let mark = {
            let mut world = self.world.borrow_mut();
            world.begin_tx(from, to);
            world.checkpoint()
        };
        self.run(
            mark,
            Message::top_level(from, to, U256::ZERO, data, true),
            true,
        )
    }

    /// Runs the top-level frame of a started transaction; on failure (or when
    /// `discard`) the state returns to `mark`.
    fn run(&mut self, mark: usize, message: Message, discard: bool) -> Receipt {
        self.world.borrow_mut().tx_gas_mut().execution.intrinsic =
            crate::wasm::pricing::intrinsic_gas(&message.data);
        let result = exec::call(&self.world, message);
        let mut world = self.world.borrow_mut();
        if discard || !result.success {
            world.revert_to(mark);
        }
        let record = world.finish_tx();
        Receipt {
            success: result.success,
            output: result.output.into(),
            logs: record.logs,
            gas: record.gas,
            halts: record.halts,
        }
    }

    /// Calls `to` with a typed `sol!` call in a transaction from `from` and
    /// decodes the return value. Panics when successful return data does not
    /// decode as `C`'s returns (an ABI mismatch is a bug in the test).
    pub fn call<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<C::Return, Revert> {
        self.call_with_value(from, to, U256::ZERO, call)
    }

    /// [`Devnet::call`] with `value` wei attached.
    pub fn call_with_value<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
        call: &C,
    ) -> Result<C::Return, Revert> {
        let receipt = self.transact(from, to, value, &call.abi_encode());
        decode_returns::<C>(receipt)
    }

    /// Calls a view of `to` statically from the zero address; nothing is kept.
    pub fn view<C: SolCall>(&mut self, to: Address, call: &C) -> Result<C::Return, Revert> {
        let receipt = self.static_call(Address::ZERO, to, &call.abi_encode());
        decode_returns::<C>(receipt)
    }

    /// The receipt of the last transaction or deployment (views are not transactions).
    pub fn last_receipt(&self) -> Option<&Receipt> {
        self.last_receipt.as_ref()
    }

    // ---- world ----------------------------------------------------------

    /// Native balance of `account`, wei.
    pub fn balance(&self, account: Address) -> U256 {
        self.world.borrow().balance(account)
    }

    /// Sets the native balance of `account` (snapshots restore it).
    pub fn set_balance(&mut self, account: Address, balance: U256) {
        self.world.borrow_mut().set_balance(account, balance);
    }

    /// The raw storage word of `account` at `slot`.
    pub fn storage_at(&self, account: Address, slot: U256) -> B256 {
        self.world.borrow().peek_slot(account, slot)
    }

    /// The code at `account` (empty for accounts without code).
    pub fn code(&self, account: Address) -> Bytes {
        self.world.borrow().code(account)
    }

    /// Transactions sent by `account` so far (its nonce).
    pub fn nonce(&self, account: Address) -> u64 {
        self.world.borrow().nonce(account)
    }

    // ---- block values ---------------------------------------------------

    /// The block values contracts read.
    pub fn block_env(&self) -> BlockEnv {
        self.world.borrow().env()
    }

    /// Replaces the block values (snapshots restore them).
    pub fn set_block_env(&mut self, env: BlockEnv) {
        self.world.borrow_mut().set_env(env);
    }

    /// The current block timestamp.
    pub fn timestamp(&self) -> u64 {
        self.block_env().timestamp
    }

    /// Sets the block timestamp.
    pub fn set_timestamp(&mut self, timestamp: u64) {
        self.set_block_env(BlockEnv {
            timestamp,
            ..self.block_env()
        });
    }

    /// Moves time forward by `seconds`; the block number does not move.
    pub fn advance_time(&mut self, seconds: u64) {
        let timestamp = self.timestamp().saturating_add(seconds);
        self.set_timestamp(timestamp);
    }

    /// Moves the block number forward by `blocks`; the timestamp does not move.
    pub fn advance_blocks(&mut self, blocks: u64) {
        let env = self.block_env();
        self.set_block_env(BlockEnv {
            number: env.number.saturating_add(blocks),
            ..env
        });
    }

    // ---- snapshots ------------------------------------------------------

    /// Saves the current state (accounts, storage, code, block values). While
    /// any snapshot is live the journal is kept across transactions.
    pub fn snapshot(&mut self) -> Snapshot {
        Snapshot(self.world.borrow_mut().snapshot())
    }

    /// Discards `snapshot` without restoring it (and, with it, every later
    /// one): once no snapshot is live the journal is no longer kept across
    /// transactions. For callers that take a snapshot per query, such as a
    /// node's `eth_call`. False when it was not live.
    pub fn forget(&mut self, snapshot: Snapshot) -> bool {
        self.world.borrow_mut().forget(snapshot.0)
    }

    /// Returns to `snapshot`, which stays usable; snapshots taken after it are
    /// discarded. Panics when `snapshot` was discarded.
    pub fn restore(&mut self, snapshot: Snapshot) {
        let restored = self.world.borrow_mut().restore(snapshot.0);
        assert!(
            restored,
            "snapshot {} was discarded by an earlier restore",
            snapshot.0
        );
        self.last_receipt = None;
    }
}

impl Message {
    fn top_level(from: Address, to: Address, value: U256, data: &[u8], is_static: bool) -> Self {
        Self {
            kind: if is_static {
                CallKind::Static
            } else {
                CallKind::Call
            },
            caller: from,
            address: to,
            code_address: to,
            value,
            data: data.to_vec(),
            origin: from,
            is_static,
            depth: 0,
        }
    }
}

#[track_caller]
fn decode_returns<C: SolCall>(receipt: Receipt) -> Result<C::Return, Revert> {
    if !receipt.success {
        return Err(Revert {
            data: receipt.output,
        });
    }
    match C::abi_decode_returns(&receipt.output) {
        Ok(decoded) => Ok(decoded),
        Err(error) => panic!(
            "{} returned undecodable data {}: {error}",
            C::SIGNATURE,
            receipt.output
        ),
    }
}

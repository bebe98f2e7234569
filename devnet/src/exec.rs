//! Call execution: frames, value transfer, rollback, and the failure modes of
//! the chain (depth limit, traps, writes in a static context).

use std::any::Any;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use alloy_primitives::{Address, U256};

use crate::host::FrameHost;
use crate::program::Status;
use crate::world::World;

/// The EVM's call depth limit: a call beyond it fails without running.
pub const MAX_CALL_DEPTH: usize = 1024;

/// How a frame was entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `CALL`: runs the target's code on the target's storage, may carry value.
    Call,
    /// `STATICCALL`: like `Call` but no state change is allowed in the frame or below it.
    Static,
    /// `DELEGATECALL`: runs the target's code on the caller's storage, keeping its sender and value.
    Delegate,
}

/// Why a frame stopped abnormally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HaltReason {
    /// A storage write, a log or a call with value in a static context
    /// (Nitro's write protection).
    StateChangeInStaticContext,
    /// The contract's Rust code panicked (on chain: a trap).
    Panic(String),
    /// A wasm program trapped (see [`crate::wasm`]).
    Trap(crate::wasm::Trap),
}

/// A frame that stopped abnormally; its caller saw a failure with empty data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Halt {
    /// The address whose code was running (the storage context).
    pub address: Address,
    /// What happened.
    pub reason: HaltReason,
}

/// The unwinding payload a host failure uses to stop the running program.
pub(crate) struct HostHalt;

/// Everything that defines a frame.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub(crate) kind: CallKind,
    /// `msg_sender()`.
    pub(crate) caller: Address,
    /// Storage context and `contract_address()`.
    pub(crate) address: Address,
    /// Whose code runs.
    pub(crate) code_address: Address,
    /// `msg_value()`; moved from caller to address for `Call`.
    pub(crate) value: U256,
    pub(crate) data: Vec<u8>,
    pub(crate) origin: Address,
    pub(crate) is_static: bool,
    pub(crate) depth: usize,
}

impl Message {
    /// The frame this frame opens with a call of `kind` to `to`:
    /// `DELEGATECALL` keeps this frame's sender, value and storage context
    /// and runs `to`'s code; `CALL` and `STATICCALL` run `to` as itself, sent
    /// by this frame's address with `value` (`STATICCALL` makes it and
    /// everything below it read-only).
    pub(crate) fn child(&self, kind: CallKind, to: Address, value: U256, data: Vec<u8>) -> Message {
        let depth = self.depth + 1;
        match kind {
            CallKind::Delegate => Message {
                kind,
                caller: self.caller,
                address: self.address,
                code_address: to,
                value: self.value,
                data,
                origin: self.origin,
                is_static: self.is_static,
                depth,
            },
            CallKind::Call | CallKind::Static => Message {
                kind,
                caller: self.address,
                address: to,
                code_address: to,
                value,
                data,
                origin: self.origin,
                is_static: self.is_static || kind == CallKind::Static,
                depth,
            },
        }
    }
}

pub(crate) struct CallResult {
    pub(crate) success: bool,
    pub(crate) output: Vec<u8>,
}

impl CallResult {
    fn failure() -> Self {
        Self {
            success: false,
            output: Vec::new(),
        }
    }
}

/// Runs a frame. On failure every state change of the frame, its value
/// transfer and its sub-frames is rolled back.
pub(crate) fn call(world: &Rc<RefCell<World>>, message: Message) -> CallResult {
    if message.depth > MAX_CALL_DEPTH {
        return CallResult::failure();
    }
    let mark = world.borrow().checkpoint();
    let (program, funded) = {
        let mut state = world.borrow_mut();
        let funded = message.kind != CallKind::Call
            || state.transfer(message.caller, message.address, message.value);
        (state.program(message.code_address), funded)
    };
    if !funded {
        world.borrow_mut().revert_to(mark);
        return CallResult::failure();
    }
    let Some(program) = program else {
        return CallResult {
            success: true,
            output: Vec::new(),
        };
    };

    let counts_as_entry = message.kind != CallKind::Delegate;
    let address = message.address;
    if counts_as_entry {
        world.borrow_mut().enter(address);
    }
    let host = FrameHost::new(world.clone(), message);
    let status = catch_unwind(AssertUnwindSafe(|| program.execute(&host)));
    let mut state = world.borrow_mut();
    if counts_as_entry {
        state.leave(address);
    }
    let result = match status {
        Ok(Status::Success) => CallResult {
            success: true,
            output: host.take_result(),
        },
        Ok(Status::Revert) => CallResult {
            success: false,
            output: host.take_result(),
        },
        Err(payload) => {
            if !payload.is::<HostHalt>() {
                state.note_halt(Halt {
                    address,
                    reason: HaltReason::Panic(panic_message(&*payload)),
                });
            }
            CallResult::failure()
        }
    };
    if !result.success {
        state.revert_to(mark);
    }
    result
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        return (*message).to_string();
    }
    payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_else(|| "non-string panic".to_string())
}

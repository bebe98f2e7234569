//! What a transaction returns: receipts, logs, and revert data with typed
//! decoding and assertion helpers.

use std::fmt;

use alloy_primitives::{hex, Address, Bytes, B256};
use alloy_sol_types::{SolError, SolEvent};

use crate::exec::Halt;
use crate::gas::GasReport;

/// A log emitted by a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log {
    /// The emitting contract.
    pub address: Address,
    /// Up to four topics; the first is the event signature for non-anonymous events.
    pub topics: Vec<B256>,
    /// The ABI-encoded non-indexed fields.
    pub data: Bytes,
}

impl Log {
    /// Decodes the log as event `E`; `None` when it is another event.
    pub fn decode<E: SolEvent>(&self) -> Option<E> {
        E::decode_raw_log(self.topics.iter().copied(), &self.data).ok()
    }
}

/// The result of one transaction (or one `view`).
#[derive(Debug, Clone)]
pub struct Receipt {
    /// Whether the top-level call succeeded.
    pub success: bool,
    /// Return data on success, revert data on failure.
    pub output: Bytes,
    /// Logs of the transaction (none when it reverted).
    pub logs: Vec<Log>,
    /// Priced state access of the transaction.
    pub gas: GasReport,
    /// Frames that stopped abnormally (panics, writes in a static context, ...),
    /// including frames whose failure the caller caught. Diagnostics only.
    pub halts: Vec<Halt>,
}

impl Receipt {
    /// Every log decodable as event `E`, in emission order.
    pub fn events<E: SolEvent>(&self) -> Vec<E> {
        self.logs.iter().filter_map(Log::decode::<E>).collect()
    }

    /// Like [`Receipt::events`], with the emitting address.
    pub fn events_from<E: SolEvent>(&self) -> Vec<(Address, E)> {
        self.logs
            .iter()
            .filter_map(|log| log.decode::<E>().map(|event| (log.address, event)))
            .collect()
    }
}

/// Revert data of a failed call: a custom error, `Error(string)`, `Panic(uint256)`,
/// or empty (a trap, a panic in Rust code, a refused re-entry).
#[derive(Clone, PartialEq, Eq)]
pub struct Revert {
    /// The raw revert data.
    pub data: Bytes,
}

impl Revert {
    /// Decodes the revert data as error `E`; `None` when it is something else.
    pub fn decode<E: SolError>(&self) -> Option<E> {
        E::abi_decode(&self.data).ok()
    }

    /// Whether the revert data is error `E` (by selector and valid encoding).
    pub fn is<E: SolError>(&self) -> bool {
        self.decode::<E>().is_some()
    }
}

impl fmt::Debug for Revert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Revert(0x{})", hex::encode(&self.data))
    }
}

impl fmt::Display for Revert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.data.is_empty() {
            return write!(f, "reverted without data");
        }
        match alloy_sol_types::decode_revert_reason(&self.data) {
            Some(reason) => write!(f, "reverted: {reason}"),
            None => write!(f, "reverted with 0x{}", hex::encode(&self.data)),
        }
    }
}

impl std::error::Error for Revert {}

/// Returns the error `E` a call reverted with; panics (failing the test) when
/// the call succeeded or reverted with anything else.
#[track_caller]
pub fn expect_error<E: SolError, T>(result: Result<T, Revert>) -> E {
    match result {
        Ok(_) => panic!("expected revert {}, the call succeeded", E::SIGNATURE),
        Err(revert) => match revert.decode::<E>() {
            Some(error) => error,
            None => panic!("expected revert {}, got {revert}", E::SIGNATURE),
        },
    }
}

/// Asserts that a call reverted with exactly `expected` (same selector and fields).
#[track_caller]
pub fn assert_revert<E: SolError, T>(result: Result<T, Revert>, expected: &E) {
    let wanted = expected.abi_encode();
    match result {
        Ok(_) => panic!("expected revert {}, the call succeeded", E::SIGNATURE),
        Err(revert) => assert_eq!(
            revert.data.as_ref(),
            wanted.as_slice(),
            "expected revert {} 0x{}, got {revert}",
            E::SIGNATURE,
            hex::encode(&wanted)
        ),
    }
}

//! Malformed calldata for every entry point of the market's ABI (issue 13,
//! defect 3): the shapes a dapp or bot gets wrong, built from the committed
//! `abi/KeelMarket.json`, for the calldata property test and fuzz target.
//!
//! Every market entry point takes static arguments only, so its well-formed
//! calldata is the selector and one 32-byte word per (flattened) argument.
//! A [`Malformation`] turns it into calldata the SDK's validating decoder
//! must refuse: cut short, extended past its end, or one word holding a
//! value outside its type (an address with dirty high bytes, a `bool` above
//! 1, a `uint64` with bits above 64, ...). The market must answer each with
//! `InvalidCalldata(selector)` and change nothing.

use alloy_json_abi::{JsonAbi, Param};
use alloy_primitives::{hex, Address, FixedBytes, U256};
use alloy_sol_types::SolError;

use crate::{Fixture, InvalidCalldata};

/// The Solidity type of one static ABI word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordType {
    /// `address`: 20 bytes, left-padded with zeros.
    Address,
    /// `bool`: 0 or 1.
    Bool,
    /// `uintN`.
    Uint(u16),
    /// `intN`: sign-extended.
    Int(u16),
    /// `bytesN`: left-aligned, zero-padded.
    FixedBytes(u16),
}

impl WordType {
    fn parse(ty: &str) -> Self {
        let bits = |prefix: &str, default: u16| -> u16 {
            let digits = &ty[prefix.len()..];
            match digits.is_empty() {
                true => default,
                false => digits.parse().expect("ABI type width"),
            }
        };
        match ty {
            "address" => Self::Address,
            "bool" => Self::Bool,
            _ if ty.starts_with("uint") => Self::Uint(bits("uint", 256)),
            _ if ty.starts_with("int") => Self::Int(bits("int", 256)),
            _ if ty.starts_with("bytes") => Self::FixedBytes(bits("bytes", 0)),
            _ => panic!("the market's ABI takes static arguments only, not {ty}"),
        }
    }

    /// A valid word of this type from 32 bytes of `entropy`.
    pub fn valid(self, entropy: [u8; 32]) -> [u8; 32] {
        let mut word = entropy;
        match self {
            Self::Address => word[..12].fill(0),
            Self::Bool => {
                word = [0; 32];
                word[31] = entropy[31] & 1;
            }
            Self::Uint(bits) => word[..usize::from(32 - bits / 8)].fill(0),
            Self::Int(bits) => {
                let fill = if entropy[usize::from(32 - bits / 8)] & 0x80 != 0 {
                    0xff
                } else {
                    0
                };
                word[..usize::from(32 - bits / 8)].fill(fill);
            }
            Self::FixedBytes(bytes) => word[usize::from(bytes)..].fill(0),
        }
        word
    }

    /// `word` made invalid for this type by setting `byte` (made non-zero)
    /// in a position the type requires to be padding, choosing the position
    /// with `position`; `None` for types with no padding (256-bit words).
    pub fn dirty(self, word: [u8; 32], position: u8, byte: u8) -> Option<[u8; 32]> {
        let mut dirty = word;
        let byte = byte.max(1);
        match self {
            Self::Address => dirty[usize::from(position % 12)] ^= byte,
            Self::Bool => dirty[31] = byte.max(2),
            Self::Uint(bits) | Self::Int(bits) if bits < 256 => {
                let padding = usize::from(32 - bits / 8);
                // Padding must repeat the sign for intN, be zero for uintN.
                let negative = matches!(self, Self::Int(_)) && dirty[padding] & 0x80 != 0;
                let fill = if negative { 0xff } else { 0 };
                dirty[usize::from(position) % padding] = fill ^ byte;
            }
            Self::FixedBytes(bytes) if bytes < 32 => {
                let padding = 32 - usize::from(bytes);
                dirty[usize::from(bytes) + usize::from(position) % padding] ^= byte;
            }
            _ => return None,
        }
        Some(dirty)
    }
}

/// One function of the market's ABI.
#[derive(Debug, Clone)]
pub struct EntryPoint {
    /// Its name.
    pub name: String,
    /// Its selector.
    pub selector: [u8; 4],
    /// The types of its argument words, tuples flattened.
    pub words: Vec<WordType>,
}

impl EntryPoint {
    /// Well-formed calldata, word `i` valid and drawn from `entropy(i)`.
    pub fn calldata(&self, mut entropy: impl FnMut(usize) -> [u8; 32]) -> Vec<u8> {
        let mut data = self.selector.to_vec();
        for (index, ty) in self.words.iter().enumerate() {
            data.extend_from_slice(&ty.valid(entropy(index)));
        }
        data
    }
}

fn flatten(param: &Param, words: &mut Vec<WordType>) {
    if param.ty == "tuple" {
        for component in &param.components {
            flatten(component, words);
        }
    } else {
        words.push(WordType::parse(&param.ty));
    }
}

/// Every function of `abi/KeelMarket.json`, in the file's order.
pub fn entry_points() -> Vec<EntryPoint> {
    let abi: JsonAbi = serde_json::from_str(include_str!("../../abi/KeelMarket.json"))
        .expect("abi/KeelMarket.json is a JSON ABI");
    abi.functions()
        .map(|function| {
            let mut words = Vec::new();
            for input in &function.inputs {
                flatten(input, &mut words);
            }
            EntryPoint {
                name: function.name.clone(),
                selector: function.selector().0,
                words,
            }
        })
        .collect()
}

/// How well-formed calldata is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformation {
    /// The last `n` bytes cut off (at least 1, at most every argument byte).
    Truncated(usize),
    /// These bytes appended after the last argument.
    Extended(Vec<u8>),
    /// Argument word `word` (modulo the count) made invalid for its type.
    Dirty {
        /// Which word.
        word: usize,
        /// Which padding byte (modulo the padding).
        position: u8,
        /// The non-zero value mixed in.
        byte: u8,
    },
}

/// `calldata` of `entry` broken by `malformation`, or `None` when it does
/// not apply (nothing to cut from a function without arguments, no word
/// with padding to dirty).
pub fn malformed(
    entry: &EntryPoint,
    calldata: &[u8],
    malformation: &Malformation,
) -> Option<Vec<u8>> {
    let arguments = calldata.len().checked_sub(4)?;
    match malformation {
        Malformation::Truncated(cut) => {
            let cut = (*cut).clamp(1, arguments.max(1));
            (arguments > 0).then(|| calldata[..calldata.len() - cut].to_vec())
        }
        Malformation::Extended(extra) => {
            let mut data = calldata.to_vec();
            data.extend_from_slice(extra);
            (!extra.is_empty()).then_some(data)
        }
        Malformation::Dirty {
            word,
            position,
            byte,
        } => {
            let count = entry.words.len();
            (0..count).find_map(|offset| {
                let index = (word % count + offset) % count;
                let start = 4 + 32 * index;
                let current: [u8; 32] = calldata[start..start + 32].try_into().ok()?;
                let dirty = entry.words[index].dirty(current, *position, *byte)?;
                let mut data = calldata.to_vec();
                data[start..start + 32].copy_from_slice(&dirty);
                Some(data)
            })
        }
    }
}

/// Sends `data` to the market from `from` with `value` and checks that it
/// reverts with exactly `expected` and leaves every observable state alone.
pub fn refused(fx: &mut Fixture, from: Address, value: U256, data: &[u8], expected: &[u8]) {
    let before = fx.state();
    let market = fx.market;
    let receipt = fx.net.transact(from, market, value, data);
    assert!(!receipt.success, "{} went through", hex::encode(data));
    assert_eq!(
        receipt.output.as_ref(),
        expected,
        "calldata {}",
        hex::encode(data)
    );
    assert!(receipt.halts.is_empty(), "{:?}", receipt.halts);
    assert_eq!(fx.state(), before, "calldata {}", hex::encode(data));
}

/// Sends `data` and `canonical` (the same call without trailing bytes) from
/// the same state and checks that both end alike: success, output, logs and
/// every observable state.
pub fn same_as_canonical(fx: &mut Fixture, from: Address, data: &[u8], canonical: &[u8]) {
    let market = fx.market;
    let start = fx.net.snapshot();
    let expected = fx.net.transact(from, market, U256::ZERO, canonical);
    let expected_state = fx.state();
    fx.net.restore(start);
    let receipt = fx.net.transact(from, market, U256::ZERO, data);
    assert_eq!(
        (receipt.success, &receipt.output, receipt.logs.len()),
        (expected.success, &expected.output, expected.logs.len()),
        "calldata {}",
        hex::encode(data)
    );
    assert_eq!(fx.state(), expected_state, "calldata {}", hex::encode(data));
}

/// Sends `calldata` of `entry` broken by `malformation` from `from` and
/// checks what it must do: `InvalidCalldata(selector)` and nothing changed,
/// or for trailing bytes what `calldata` itself does. Returns whether the
/// malformation applied.
pub fn check(
    fx: &mut Fixture,
    from: Address,
    entry: &EntryPoint,
    calldata: &[u8],
    malformation: &Malformation,
) -> bool {
    let Some(data) = malformed(entry, calldata, malformation) else {
        return false;
    };
    match malformation {
        Malformation::Extended(_) => same_as_canonical(fx, from, &data, calldata),
        _ => refused(fx, from, U256::ZERO, &data, &invalid(entry)),
    }
    true
}

pub fn invalid(entry: &EntryPoint) -> Vec<u8> {
    InvalidCalldata {
        selector: FixedBytes(entry.selector),
    }
    .abi_encode()
}

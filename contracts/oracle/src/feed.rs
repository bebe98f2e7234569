//! The host shell: static calls to `AggregatorV3Interface` feeds (and `decimals()` of tokens)
//! from inside the calling contract, with no extra Stylus contract in between.
//!
//! Calls go through `stylus_sdk::call::static_call`, the same primitive `sol_interface!` uses,
//! with the `sol!`-declared selectors, and the returns are decoded by hand, because the adapter
//! also insists on an exactly sized return: `sol_interface!` decoding accepts trailing bytes,
//! so a contract that is not a feed (for example one whose fallback returns arbitrary data)
//! could pass for one. Every failure,
//! revert or malformed return alike, is `FeedCallFailed(target)`. Calls forward all remaining
//! gas (feeds are configured by the market's owner, never by users).

use alloy_primitives::{aliases::U80, Address, I256, U256};
use alloy_sol_types::{sol, SolCall};
use keel_math::PackedWord;
use stylus_sdk::call::static_call;
use stylus_sdk::stylus_core::calls::Call;
use stylus_sdk::stylus_core::host::Host;

use crate::error::{feed_call_failed, FeedHasNoCode, OracleError};
use crate::round::RoundData;

sol! {
    /// The part of Chainlink's `AggregatorV3Interface` the adapter reads.
    interface IAggregatorV3 {
        function decimals() external view returns (uint8);
        function latestRoundData()
            external
            view
            returns (
                uint80 roundId,
                int256 answer,
                uint256 startedAt,
                uint256 updatedAt,
                uint80 answeredInRound
            );
    }
}

/// Static-calls `feed.latestRoundData()`.
///
/// # Errors
/// `FeedCallFailed(feed)` if the call reverts (including when `feed` runs out of gas), or
/// returns anything but exactly five ABI words that decode as
/// `(uint80, int256, uint256, uint256, uint80)` (an account without code returns nothing and
/// fails here too).
pub fn read_latest_round<H: Host + ?Sized>(
    host: &H,
    feed: Address,
) -> Result<RoundData, OracleError> {
    let selector = IAggregatorV3::latestRoundDataCall::SELECTOR;
    let [round_id, answer, started_at, updated_at, answered_in_round] =
        static_call_words::<H, 5>(host, feed, selector)?;
    Ok(RoundData {
        round_id: uint80(&round_id).ok_or_else(|| feed_call_failed(feed))?,
        answer: I256::from_be_bytes(answer),
        started_at: U256::from_be_bytes(started_at),
        updated_at: U256::from_be_bytes(updated_at),
        answered_in_round: uint80(&answered_in_round).ok_or_else(|| feed_call_failed(feed))?,
    })
}

/// Static-calls `target.decimals()`: a feed's decimals, or an ERC-20 token's.
///
/// # Errors
/// `FeedCallFailed(target)` if the call reverts or returns anything but exactly one ABI word
/// holding a `uint8`.
pub fn read_decimals<H: Host + ?Sized>(host: &H, target: Address) -> Result<u8, OracleError> {
    let selector = IAggregatorV3::decimalsCall::SELECTOR;
    let [word] = static_call_words::<H, 1>(host, target, selector)?;
    match word[..31].iter().all(|byte| *byte == 0) {
        true => Ok(word[31]),
        false => Err(feed_call_failed(target)),
    }
}

/// Checks that `target` has code (a feed must be a contract).
///
/// # Errors
/// `FeedHasNoCode(target)` if its code size is 0 (an EOA, the zero address, or a contract
/// still in its constructor).
pub fn check_has_code<H: Host + ?Sized>(host: &H, target: Address) -> Result<(), OracleError> {
    if host.code_size(target) == 0 {
        return Err(OracleError::from(FeedHasNoCode { feed: target }));
    }
    Ok(())
}

/// Static-calls `target` with a call of no arguments (`selector` alone) and returns exactly
/// `N` ABI words, decoded by the caller (by hand: alloy's decoder is about 2 KB of every
/// program that reads a feed).
fn static_call_words<H: Host + ?Sized, const N: usize>(
    host: &H,
    target: Address,
    selector: [u8; 4],
) -> Result<[[u8; 32]; N], OracleError> {
    let returned =
        static_call(host, Call::new(), target, &selector).map_err(|_| feed_call_failed(target))?;
    if returned.len() != N.wrapping_mul(32) {
        return Err(feed_call_failed(target));
    }
    let mut words = [[0u8; 32]; N];
    for (word, chunk) in words.iter_mut().zip(returned.chunks_exact(32)) {
        // `try_from` cannot panic (a panicking copy would put this file's
        // path in every program's static data).
        *word = <[u8; 32]>::try_from(chunk).map_err(|_| feed_call_failed(target))?;
    }
    Ok(words)
}

/// A `uint80` word: its 22 high bytes must be zero. Read as three big-endian integers, not
/// byte by byte (a byte loop and ruint's `from_be_slice` were about 64 gas of ink per feed
/// read).
fn uint80(word: &[u8; 32]) -> Option<U80> {
    let word = PackedWord(*word);
    // Bytes 10..32 from the low end are the high 22.
    let (high, middle, low) = (word.u128_at(16), word.u64_at(8), word.u64_at(0));
    (high == 0 && middle >> 16 == 0).then(|| U80::from_limbs([low, middle]))
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, aliases::U80, I256, U256};

    use super::*;
    use crate::test_devnet::{encode_round, round, OracleLab};

    const FEED: Address = address!("00000000000000000000000000000000000000fe");

    fn failed() -> Result<RoundData, OracleError> {
        Err(feed_call_failed(FEED))
    }

    /// `read_latest_round(FEED)` from a contract on the lab's devnet.
    fn latest(lab: &mut OracleLab) -> Result<RoundData, OracleError> {
        lab.run(|host| read_latest_round(host, FEED))
    }

    /// `read_decimals(FEED)` from a contract on the lab's devnet.
    fn decimals(lab: &mut OracleLab) -> Result<u8, OracleError> {
        lab.run(|host| read_decimals(host, FEED))
    }

    #[test]
    fn latest_round_is_decoded_field_by_field() {
        let mut lab = OracleLab::new();
        let expected = RoundData {
            round_id: U80::from(11),
            answer: I256::try_from(-5).unwrap(),
            started_at: U256::from(3),
            updated_at: U256::MAX,
            answered_in_round: U80::from(10),
        };
        lab.mock_round(FEED, expected);
        assert_eq!(latest(&mut lab), Ok(expected));
    }

    #[test]
    fn reverting_feed_fails() {
        let mut lab = OracleLab::new();
        lab.mock_round_bytes(FEED, Err(vec![0x08, 0xc3, 0x79, 0xa0]));
        assert_eq!(latest(&mut lab), failed());
        lab.mock_round_bytes(FEED, Err(Vec::new()));
        assert_eq!(latest(&mut lab), failed());
    }

    #[test]
    fn empty_return_fails_as_from_an_account_without_code() {
        assert_eq!(latest(&mut OracleLab::new()), failed());
    }

    #[test]
    fn short_and_long_returns_fail() {
        let mut lab = OracleLab::new();
        let good = encode_round(round(1, 1));
        assert_eq!(good.len(), 160);
        lab.mock_round_bytes(FEED, Ok(good[..159].to_vec()));
        assert_eq!(latest(&mut lab), failed());
        let mut long = good.clone();
        long.extend_from_slice(&[0; 32]);
        lab.mock_round_bytes(FEED, Ok(long));
        assert_eq!(latest(&mut lab), failed());
        lab.mock_round_bytes(FEED, Ok(good));
        assert!(latest(&mut lab).is_ok());
    }

    #[test]
    fn round_ids_beyond_uint80_fail() {
        let mut lab = OracleLab::new();
        // A high byte of the first word (roundId), then of the fifth
        // (answeredInRound, byte 21 of its word): not a uint80.
        for byte in [0, 4 * 32 + 21] {
            let mut dirty = encode_round(round(1, 1));
            dirty[byte] = 1;
            lab.mock_round_bytes(FEED, Ok(dirty));
            assert_eq!(latest(&mut lab), failed());
        }
        let mut clean = encode_round(round(1, 1));
        clean[4 * 32 + 22] = 1; // the top byte of a uint80
        lab.mock_round_bytes(FEED, Ok(clean));
        assert!(latest(&mut lab).is_ok());
        // Every bit of a uint80 reads back: the largest roundId.
        let mut widest = encode_round(round(1, 1));
        widest[22..32].fill(0xff);
        lab.mock_round_bytes(FEED, Ok(widest));
        assert_eq!(latest(&mut lab).unwrap().round_id, U80::MAX);
    }

    #[test]
    fn decimals_are_read_and_checked_to_fit_a_uint8() {
        let mut lab = OracleLab::new();
        lab.mock_decimals(FEED, 8);
        assert_eq!(decimals(&mut lab), Ok(8));
        let calldata = IAggregatorV3::decimalsCall {}.abi_encode();
        lab.mock_static_call(
            FEED,
            calldata.clone(),
            Ok(U256::from(256).to_be_bytes_vec()),
        );
        assert_eq!(decimals(&mut lab), Err(feed_call_failed(FEED)));
        lab.mock_static_call(FEED, calldata.clone(), Ok(vec![0; 31]));
        assert_eq!(decimals(&mut lab), Err(feed_call_failed(FEED)));
        lab.mock_static_call(FEED, calldata, Err(Vec::new()));
        assert_eq!(decimals(&mut lab), Err(feed_call_failed(FEED)));
    }

    #[test]
    fn code_is_required() {
        let mut lab = OracleLab::new();
        assert_eq!(
            lab.run(|host| check_has_code(host, FEED)),
            Err(OracleError::from(FeedHasNoCode { feed: FEED }))
        );
        lab.set_code(FEED);
        assert_eq!(lab.run(|host| check_has_code(host, FEED)), Ok(()));
    }
}

//! The Solidity errors of the oracle adapter and the one Rust type that carries them.

use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::sol;

sol! {
    /// `feed` answered zero or a negative price.
    #[derive(Debug, PartialEq, Eq)]
    error PriceNotPositive(address feed, int256 answer);
    /// `feed`'s latest round has `updatedAt == 0`: the round is not complete.
    #[derive(Debug, PartialEq, Eq)]
    error RoundIncomplete(address feed);
    /// `feed`'s latest answer is older than its heartbeat: `now - updatedAt > heartbeat`.
    #[derive(Debug, PartialEq, Eq)]
    error PriceStale(address feed, uint256 updatedAt, uint256 heartbeat);
    /// `feed`'s latest answer claims to be updated after the current block: `updatedAt > now`.
    #[derive(Debug, PartialEq, Eq)]
    error PriceFromFuture(address feed, uint256 updatedAt, uint256 now);
    /// `feed`'s answer lies outside the configured band `[minAnswer, maxAnswer]`.
    #[derive(Debug, PartialEq, Eq)]
    error PriceOutOfBand(address feed, uint256 answer, uint256 minAnswer, uint256 maxAnswer);
    /// A call to `feed` reverted or returned data that is not the expected ABI encoding.
    #[derive(Debug, PartialEq, Eq)]
    error FeedCallFailed(address feed);
    /// A token or feed has more decimals than the adapter supports (36).
    #[derive(Debug, PartialEq, Eq)]
    error UnsupportedDecimals(uint8 decimals);
    /// The composed price is at least 2^256 (see `compose_price`).
    #[derive(Debug, PartialEq, Eq)]
    error PriceOverflow();
    /// The composed price rounds down to zero: one smallest collateral unit is worth less than
    /// 1e-36 smallest base units.
    #[derive(Debug, PartialEq, Eq)]
    error PriceRoundsToZero();
    /// The L2 sequencer is down.
    #[derive(Debug, PartialEq, Eq)]
    error SequencerDown();
    /// The L2 sequencer is up again but its grace period lasts until `recoversAt` (a timestamp,
    /// seconds).
    #[derive(Debug, PartialEq, Eq)]
    error SequencerGracePeriod(uint256 recoversAt);
    /// The sequencer uptime feed answered neither 0 (up) nor 1 (down), or reported
    /// `startedAt == 0` (an uninitialised feed).
    #[derive(Debug, PartialEq, Eq)]
    error SequencerFeedInvalid(int256 answer, uint256 startedAt);
    /// Configuration: `feed` has no code (an EOA, a typo or the zero address).
    #[derive(Debug, PartialEq, Eq)]
    error FeedHasNoCode(address feed);
    /// Configuration: `feed` reports `reported` decimals, the configuration says `configured`.
    #[derive(Debug, PartialEq, Eq)]
    error FeedDecimalsMismatch(address feed, uint8 configured, uint8 reported);
    /// Configuration: a heartbeat outside `[MIN_HEARTBEAT_SECONDS, MAX_HEARTBEAT_SECONDS]`.
    #[derive(Debug, PartialEq, Eq)]
    error HeartbeatOutOfBounds(address feed, uint32 heartbeatSeconds);
    /// Configuration: an answer band with `minAnswer >= maxAnswer`.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidAnswerBand(address feed, uint128 minAnswer, uint128 maxAnswer);
    /// Configuration: a sequencer grace period outside
    /// `[MIN_GRACE_PERIOD_SECONDS, MAX_GRACE_PERIOD_SECONDS]`.
    #[derive(Debug, PartialEq, Eq)]
    error GracePeriodOutOfBounds(uint32 gracePeriodSeconds);
}

keel_abi::module_errors! {
    /// Every way the oracle adapter refuses to produce a price or accept a configuration: one
    /// of the Solidity errors above, ABI-encoded where it is raised (keel-abi's crate
    /// documentation says why); `Vec<u8>::from(error)` is the revert data.
    pub struct OracleError;
    PriceNotPositive { feed, answer },
    RoundIncomplete { feed },
    PriceStale { feed, updatedAt, heartbeat },
    PriceFromFuture { feed, updatedAt, now },
    PriceOutOfBand { feed, answer, minAnswer, maxAnswer },
    FeedCallFailed { feed },
    UnsupportedDecimals { decimals },
    PriceOverflow {},
    PriceRoundsToZero {},
    SequencerDown {},
    SequencerGracePeriod { recoversAt },
    SequencerFeedInvalid { answer, startedAt },
    FeedHasNoCode { feed },
    FeedDecimalsMismatch { feed, configured, reported },
    HeartbeatOutOfBounds { feed, heartbeatSeconds },
    InvalidAnswerBand { feed, minAnswer, maxAnswer },
    GracePeriodOutOfBounds { gracePeriodSeconds },
}

/// `FeedCallFailed(feed)`.
pub(crate) fn feed_call_failed(feed: Address) -> OracleError {
    OracleError::from(FeedCallFailed { feed })
}

/// `UnsupportedDecimals(decimals)`.
pub(crate) fn unsupported_decimals(decimals: u8) -> OracleError {
    OracleError::from(UnsupportedDecimals { decimals })
}

/// `PriceOverflow()`.
pub(crate) fn price_overflow() -> OracleError {
    OracleError::from(PriceOverflow {})
}

/// `PriceRoundsToZero()`.
pub(crate) fn price_rounds_to_zero() -> OracleError {
    OracleError::from(PriceRoundsToZero {})
}

/// `SequencerFeedInvalid(answer, startedAt)`.
pub(crate) fn sequencer_feed_invalid(answer: I256, started_at: U256) -> OracleError {
    OracleError::from(SequencerFeedInvalid {
        answer,
        startedAt: started_at,
    })
}

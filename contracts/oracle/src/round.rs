//! One feed's latest round, its configuration, and the checks that turn a round into a trusted
//! answer. Pure: no host, no storage.

use alloy_primitives::{aliases::U80, Address, I256, U256};

use crate::compose::check_decimals;
use crate::error::{
    HeartbeatOutOfBounds, InvalidAnswerBand, OracleError, PriceFromFuture, PriceNotPositive,
    PriceOutOfBand, PriceStale, RoundIncomplete,
};

/// Shortest heartbeat a feed may be configured with: 60 seconds.
pub const MIN_HEARTBEAT_SECONDS: u32 = 60;

/// Longest heartbeat a feed may be configured with: 2 days (172,800 seconds). Chainlink's
/// slowest Arbitrum feeds update every 24 hours; the margin leaves room for a buffer on top.
pub const MAX_HEARTBEAT_SECONDS: u32 = 172_800;

/// What `latestRoundData()` of a Chainlink `AggregatorV3Interface` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoundData {
    /// Id of the round (not checked: only the latest round is read).
    pub round_id: U80,
    /// The answer, in the feed's decimals.
    pub answer: I256,
    /// When the round started, Unix seconds (for the sequencer feed: when the status began).
    pub started_at: U256,
    /// When the answer was last updated, Unix seconds.
    pub updated_at: U256,
    /// Deprecated by Chainlink; not checked.
    pub answered_in_round: U80,
}

/// An inclusive band of acceptable answers, in the feed's decimals: answers outside
/// `[min_answer, max_answer]` are rejected.
///
/// Chainlink aggregators clamp their answer to their own `minAnswer`/`maxAnswer`; set the band
/// strictly inside those so a clamped answer is rejected rather than trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerBand {
    /// Smallest accepted answer (inclusive).
    pub min_answer: u128,
    /// Largest accepted answer (inclusive).
    pub max_answer: u128,
}

/// How one feed is read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedConfig {
    /// The `AggregatorV3Interface` contract (a Chainlink proxy, RedStone, API3, ...).
    pub feed: Address,
    /// `decimals()` of the feed: the answer is `price * 10^feed_decimals`. At most 36.
    pub feed_decimals: u8,
    /// Largest accepted age of the answer, seconds: the feed's published heartbeat plus a
    /// margin for update latency. In `[MIN_HEARTBEAT_SECONDS, MAX_HEARTBEAT_SECONDS]`.
    pub heartbeat_seconds: u32,
    /// Optional band of acceptable answers.
    pub band: Option<AnswerBand>,
}

impl FeedConfig {
    /// Checks the configuration's own bounds (no host needed).
    ///
    /// # Errors
    /// `UnsupportedDecimals` if `feed_decimals > 36`; `HeartbeatOutOfBounds` if the heartbeat
    /// is outside `[MIN_HEARTBEAT_SECONDS, MAX_HEARTBEAT_SECONDS]`; `InvalidAnswerBand` if a
    /// band has `min_answer >= max_answer`.
    pub fn check_bounds(&self) -> Result<(), OracleError> {
        check_decimals(self.feed_decimals)?;
        if !(MIN_HEARTBEAT_SECONDS..=MAX_HEARTBEAT_SECONDS).contains(&self.heartbeat_seconds) {
            return Err(OracleError::from(HeartbeatOutOfBounds {
                feed: self.feed,
                heartbeatSeconds: self.heartbeat_seconds,
            }));
        }
        match self.band {
            Some(band) if band.min_answer >= band.max_answer => {
                Err(OracleError::from(InvalidAnswerBand {
                    feed: self.feed,
                    minAnswer: band.min_answer,
                    maxAnswer: band.max_answer,
                }))
            }
            _ => Ok(()),
        }
    }
}

/// Checks `round`, the latest round of `config.feed`, at block time `now_seconds`, and returns
/// its answer as a positive `U256` in the feed's decimals.
///
/// Accepted iff `answer > 0`, `0 < updatedAt <= now`, `now - updatedAt <= heartbeat` (an
/// answer exactly one heartbeat old is accepted, one second older is not) and, with a band,
/// `min_answer <= answer <= max_answer`. Checked in that order; the first failure is returned.
///
/// # Errors
/// `PriceNotPositive`, `RoundIncomplete` (`updatedAt == 0`), `PriceFromFuture`, `PriceStale`,
/// `PriceOutOfBand`; each names `config.feed`.
pub fn validate_round(
    round: &RoundData,
    config: &FeedConfig,
    now_seconds: u64,
) -> Result<U256, OracleError> {
    let feed = config.feed;
    let answer = positive_answer(round.answer).ok_or_else(|| {
        OracleError::from(PriceNotPositive {
            feed,
            answer: round.answer,
        })
    })?;
    check_fresh(round.updated_at, config, now_seconds)?;
    if let Some(band) = config.band {
        check_in_band(answer, band, feed)?;
    }
    Ok(answer)
}

/// `answer` as a `U256` if it is strictly positive.
fn positive_answer(answer: I256) -> Option<U256> {
    if answer.is_positive() {
        Some(answer.into_raw())
    } else {
        None
    }
}

/// `0 < updated_at <= now` and `now - updated_at <= heartbeat`.
fn check_fresh(updated_at: U256, config: &FeedConfig, now_seconds: u64) -> Result<(), OracleError> {
    let feed = config.feed;
    let now = U256::from(now_seconds);
    if keel_math::is_zero(updated_at) {
        return Err(OracleError::from(RoundIncomplete { feed }));
    }
    let Some(age_seconds) = now.checked_sub(updated_at) else {
        return Err(OracleError::from(PriceFromFuture {
            feed,
            updatedAt: updated_at,
            now,
        }));
    };
    let heartbeat = U256::from(config.heartbeat_seconds);
    if age_seconds > heartbeat {
        return Err(OracleError::from(PriceStale {
            feed,
            updatedAt: updated_at,
            heartbeat,
        }));
    }
    Ok(())
}

/// `band.min_answer <= answer <= band.max_answer`.
fn check_in_band(answer: U256, band: AnswerBand, feed: Address) -> Result<(), OracleError> {
    let (min_answer, max_answer) = (U256::from(band.min_answer), U256::from(band.max_answer));
    if answer < min_answer || answer > max_answer {
        return Err(OracleError::from(PriceOutOfBand {
            feed,
            answer,
            minAnswer: min_answer,
            maxAnswer: max_answer,
        }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;

    use super::*;
    use crate::test_devnet::round;

    const FEED: Address = address!("00000000000000000000000000000000000000fe");
    const NOW: u64 = 1_700_000_000;
    const HEARTBEAT: u32 = 3_600;

    fn config(band: Option<AnswerBand>) -> FeedConfig {
        FeedConfig {
            feed: FEED,
            feed_decimals: 8,
            heartbeat_seconds: HEARTBEAT,
            band,
        }
    }

    fn validate(answer: i128, updated_at: u64) -> Result<U256, OracleError> {
        validate_round(&round(answer, updated_at), &config(None), NOW)
    }

    #[test]
    fn fresh_positive_answer_is_returned() {
        assert_eq!(
            validate(200_000_000_000, NOW - 10),
            Ok(U256::from(200_000_000_000_u64))
        );
        assert_eq!(validate(1, NOW), Ok(U256::from(1)));
    }

    #[test]
    fn zero_and_negative_answers_are_rejected() {
        for answer in [0, -1, i128::MIN] {
            assert_eq!(
                validate(answer, NOW),
                Err(OracleError::from(PriceNotPositive {
                    feed: FEED,
                    answer: I256::try_from(answer).unwrap(),
                }))
            );
        }
    }

    #[test]
    fn updated_at_zero_is_an_incomplete_round() {
        assert_eq!(
            validate(1, 0),
            Err(OracleError::from(RoundIncomplete { feed: FEED }))
        );
    }

    #[test]
    fn updated_now_is_accepted_and_one_second_later_is_from_the_future() {
        assert!(validate(1, NOW).is_ok());
        assert_eq!(
            validate(1, NOW + 1),
            Err(OracleError::from(PriceFromFuture {
                feed: FEED,
                updatedAt: U256::from(NOW + 1),
                now: U256::from(NOW),
            }))
        );
    }

    #[test]
    fn exactly_one_heartbeat_old_is_accepted_and_one_second_more_is_stale() {
        let at_heartbeat = NOW - u64::from(HEARTBEAT);
        assert!(validate(1, at_heartbeat).is_ok());
        assert_eq!(
            validate(1, at_heartbeat - 1),
            Err(OracleError::from(PriceStale {
                feed: FEED,
                updatedAt: U256::from(at_heartbeat - 1),
                heartbeat: U256::from(HEARTBEAT),
            }))
        );
    }

    #[test]
    fn band_bounds_are_inclusive() {
        let band = AnswerBand {
            min_answer: 100,
            max_answer: 200,
        };
        let check = |answer| validate_round(&round(answer, NOW), &config(Some(band)), NOW);
        assert_eq!(check(100), Ok(U256::from(100)));
        assert_eq!(check(200), Ok(U256::from(200)));
        for outside in [99, 201] {
            assert_eq!(
                check(outside),
                Err(OracleError::from(PriceOutOfBand {
                    feed: FEED,
                    answer: U256::from(outside),
                    minAnswer: U256::from(100),
                    maxAnswer: U256::from(200),
                }))
            );
        }
    }

    #[test]
    fn first_failing_check_wins() {
        // Negative and stale: the sign is checked first.
        assert!(validate(-1, 1).is_err_and(|e| e.is::<crate::PriceNotPositive>()));
        // Stale and out of band: freshness is checked first.
        let band = Some(AnswerBand {
            min_answer: 10,
            max_answer: 20,
        });
        assert!(validate_round(&round(5, 1), &config(band), NOW)
            .is_err_and(|e| e.is::<crate::PriceStale>()));
    }

    #[test]
    fn heartbeat_bounds_are_inclusive() {
        for (heartbeat, ok) in [
            (MIN_HEARTBEAT_SECONDS - 1, false),
            (MIN_HEARTBEAT_SECONDS, true),
            (MAX_HEARTBEAT_SECONDS, true),
            (MAX_HEARTBEAT_SECONDS + 1, false),
        ] {
            let result = FeedConfig {
                heartbeat_seconds: heartbeat,
                ..config(None)
            }
            .check_bounds();
            let expected = HeartbeatOutOfBounds {
                feed: FEED,
                heartbeatSeconds: heartbeat,
            };
            assert_eq!(result.is_ok(), ok, "heartbeat {heartbeat}");
            assert!(ok || result == Err(OracleError::from(expected)));
        }
    }

    #[test]
    fn band_must_have_min_below_max() {
        let with_band = |min_answer, max_answer| {
            FeedConfig {
                band: Some(AnswerBand {
                    min_answer,
                    max_answer,
                }),
                ..config(None)
            }
            .check_bounds()
        };
        assert_eq!(with_band(0, 1), Ok(()));
        assert_eq!(
            with_band(5, 5),
            Err(OracleError::from(InvalidAnswerBand {
                feed: FEED,
                minAnswer: 5,
                maxAnswer: 5,
            }))
        );
        assert!(with_band(6, 5).is_err());
    }

    #[test]
    fn feed_decimals_above_36_are_unsupported() {
        let with_decimals = |feed_decimals| {
            FeedConfig {
                feed_decimals,
                ..config(None)
            }
            .check_bounds()
        };
        assert_eq!(with_decimals(36), Ok(()));
        assert_eq!(
            with_decimals(37),
            Err(crate::error::unsupported_decimals(37))
        );
    }
}

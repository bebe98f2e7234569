//! The L2 sequencer uptime rule (docs/DESIGN.md section 7). Pure: no host, no storage.
//!
//! Chainlink's sequencer uptime feed answers 0 while the sequencer is up and 1 while it is
//! down; `startedAt` is when the current status began. While the sequencer is down, or for a
//! grace period after it came back, prices may be stale and users could not react to them, so
//! the market refuses **new borrows and collateral withdrawals** only.
//!
//! Repay, supply, supplyCollateral and liquidation must never consult this rule: blocking them
//! during an outage only stops borrowers from saving their positions and lets bad debt grow
//! (Aave removed its price-oracle sentinel for liquidations for this reason).

use alloy_primitives::{I256, U256};

use crate::error::{sequencer_feed_invalid, OracleError, SequencerDown, SequencerGracePeriod};

/// Shortest sequencer grace period that may be configured: 60 seconds.
pub const MIN_GRACE_PERIOD_SECONDS: u32 = 60;

/// Longest sequencer grace period that may be configured: 1 day (86,400 seconds). Chainlink
/// suggests 3,600 seconds.
pub const MAX_GRACE_PERIOD_SECONDS: u32 = 86_400;

/// Checks that the sequencer is up and out of its grace period at block time `now_seconds`.
///
/// Arguments: `answer` and `started_at` of the uptime feed's latest round; the grace period in
/// seconds. Accepted iff `answer == 0`, `started_at != 0` and
/// `now >= started_at + grace_period_seconds` (exactly at the end of the grace period is
/// accepted, one second before is not). Checked in the order of the errors below.
///
/// # Errors
/// - `SequencerFeedInvalid(answer, startedAt)` if `answer` is neither 0 nor 1;
/// - `SequencerDown` if `answer == 1`;
/// - `SequencerFeedInvalid(0, 0)` if the sequencer is up with `started_at == 0` (Chainlink's
///   feed before its first round: not trusted);
/// - `SequencerGracePeriod(recoversAt)` while `now < started_at + grace`; `recoversAt` is
///   `started_at + grace` (saturating at `2^256 - 1`).
pub fn check_sequencer(
    answer: I256,
    started_at: U256,
    now_seconds: u64,
    grace_period_seconds: u32,
) -> Result<(), OracleError> {
    if check_uptime_answer(answer, started_at)? {
        return Err(OracleError::from(SequencerDown {}));
    }
    if keel_math::is_zero(started_at) {
        return Err(sequencer_feed_invalid(answer, started_at));
    }
    let recovers_at = started_at.saturating_add(U256::from(grace_period_seconds));
    if U256::from(now_seconds) < recovers_at {
        return Err(OracleError::from(SequencerGracePeriod {
            recoversAt: recovers_at,
        }));
    }
    Ok(())
}

/// Checks that an uptime feed's answer is a status, 0 (up) or 1 (down), and returns whether
/// it is down.
///
/// # Errors
/// `SequencerFeedInvalid(answer, startedAt)` for any other answer.
pub(crate) fn check_uptime_answer(answer: I256, started_at: U256) -> Result<bool, OracleError> {
    // Read from the limbs: comparing with `I256::ONE` or `ZERO` is a `memcmp` against a
    // constant in static data on wasm (keel-math's `in_code` module).
    let [low, high @ ..] = *answer.into_raw().as_limbs();
    if high.iter().any(|limb| *limb != 0) || low > 1 {
        return Err(sequencer_feed_invalid(answer, started_at));
    }
    Ok(low == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STARTED: u64 = 1_700_000_000;
    const GRACE: u32 = 3_600;

    fn check(answer: i64, started_at: u64, now: u64) -> Result<(), OracleError> {
        check_sequencer(
            I256::try_from(answer).unwrap(),
            U256::from(started_at),
            now,
            GRACE,
        )
    }

    fn in_grace_until(recovers_at: U256) -> Result<(), OracleError> {
        Err(OracleError::from(SequencerGracePeriod {
            recoversAt: recovers_at,
        }))
    }

    #[test]
    fn down_is_refused_whenever_it_started() {
        let down = Err(OracleError::from(SequencerDown {}));
        assert_eq!(check(1, STARTED, STARTED), down);
        assert_eq!(check(1, STARTED, STARTED + 100 * u64::from(GRACE)), down);
        assert_eq!(check(1, 0, STARTED), down);
    }

    #[test]
    fn up_within_the_grace_period_is_refused_until_it_ends() {
        let recovers_at = U256::from(STARTED + u64::from(GRACE));
        assert_eq!(check(0, STARTED, STARTED), in_grace_until(recovers_at));
        assert_eq!(
            check(0, STARTED, STARTED + u64::from(GRACE) - 1),
            in_grace_until(recovers_at)
        );
    }

    #[test]
    fn exactly_at_the_end_of_the_grace_period_is_accepted() {
        assert_eq!(check(0, STARTED, STARTED + u64::from(GRACE)), Ok(()));
    }

    #[test]
    fn long_recovered_is_accepted() {
        assert_eq!(check(0, STARTED, STARTED + 10 * u64::from(GRACE)), Ok(()));
    }

    #[test]
    fn started_in_the_future_is_still_in_grace() {
        let recovers_at = U256::from(STARTED + 10 + u64::from(GRACE));
        assert_eq!(check(0, STARTED + 10, STARTED), in_grace_until(recovers_at));
    }

    #[test]
    fn recovery_time_saturates_instead_of_wrapping() {
        let result = check_sequencer(I256::ZERO, U256::MAX, u64::MAX, GRACE);
        assert_eq!(result, in_grace_until(U256::MAX));
    }

    #[test]
    fn uninitialised_feed_is_invalid() {
        assert_eq!(
            check(0, 0, STARTED),
            Err(sequencer_feed_invalid(I256::ZERO, U256::ZERO))
        );
    }

    #[test]
    fn answers_other_than_0_and_1_are_invalid() {
        for answer in [2, -1, i64::MAX] {
            assert_eq!(
                check(answer, STARTED, STARTED + u64::from(GRACE)),
                Err(sequencer_feed_invalid(
                    I256::try_from(answer).unwrap(),
                    U256::from(STARTED)
                ))
            );
        }
    }
}

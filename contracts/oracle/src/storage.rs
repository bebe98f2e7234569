//! Storage the market embeds: one [`PriceSource`] per collateral and one
//! [`SequencerUptimeFeed`] per market.
//!
//! Fields pack like Solidity's: each field takes the next free low-order bytes of the current
//! slot; a field that does not fit, and every nested struct, starts a new slot. Byte ranges
//! below count from the least significant byte of the slot (byte 0 = the last byte of the
//! 32-byte word).
//!
//! # `PriceSource`: 4 slots, 1 to 4 read per valuation
//!
//! | slot | bytes | field |
//! |---|---|---|
//! | +0 | 0..20 | collateral feed |
//! | +0 | 20..24 | collateral heartbeat, seconds (`u32`) |
//! | +0 | 24 | collateral feed decimals |
//! | +0 | 25 | collateral token decimals |
//! | +0 | 26 | base token decimals |
//! | +0 | 27 | has base feed (bool) |
//! | +0 | 28 | has collateral band (bool) |
//! | +1 | 0..20 | base feed (read only if "has base feed") |
//! | +1 | 20..24 | base heartbeat, seconds (`u32`) |
//! | +1 | 24 | base feed decimals |
//! | +1 | 25 | has base band (bool) |
//! | +2 | 0..16, 16..32 | collateral band: min, max answer (`u128`; read only if set) |
//! | +3 | 0..16, 16..32 | base band: min, max answer (`u128`; read only if set) |
//!
//! A direct feed without a band costs one storage read per valuation; a feed pair without
//! bands two.
//!
//! # `SequencerUptimeFeed`: 1 slot
//!
//! | slot | bytes | field |
//! |---|---|---|
//! | +0 | 0..20 | uptime feed (zero: no sequencer check) |
//! | +0 | 20..24 | grace period, seconds (`u32`) |

use alloy_primitives::Address;
use keel_math::{PackedWord, Price};
use keel_storage::{PackedSlot, Word};
use stylus_sdk::prelude::*;
use stylus_sdk::stylus_core::host::Host;

use crate::error::{FeedHasNoCode, GracePeriodOutOfBounds, OracleError};
use crate::feed::{check_has_code, read_latest_round};
use crate::round::{AnswerBand, FeedConfig};
use crate::sequencer::{
    check_sequencer, check_uptime_answer, MAX_GRACE_PERIOD_SECONDS, MIN_GRACE_PERIOD_SECONDS,
};
use crate::source::{check_price_source, read_price, PriceSourceConfig};

keel_storage::storage_struct! {
    /// The price source of one collateral (slot map in the module docs).
    pub struct PriceSource {
        // Slots +0 and +1 as whole words, packed by hand (`PackedWord`): a
        // `#[storage]` field per value made the SDK's construction of a
        // `PriceSource` 2.5 KB of every program that values collateral.
        collateral_word: Word,
        base_word: Word,
        collateral_band: Word,
        base_band: Word,
    }
}

/// A feed's word (slot +0 or +1; byte ranges as in the module docs): the
/// feed at byte 0, its heartbeat at byte 20, then one-byte fields from 24 up.
fn feed_word(feed: &FeedConfig, bytes: &[u8]) -> PackedWord {
    let mut word = PackedWord::default();
    word.set_address(0, feed.feed);
    word.set_u32(20, feed.heartbeat_seconds);
    for (index, byte) in bytes.iter().enumerate() {
        word.set_u8(index.wrapping_add(24), *byte);
    }
    word
}

keel_storage::storage_struct! {
    /// The market's optional L2 sequencer uptime feed (slot map in the module docs).
    pub struct SequencerUptimeFeed {
        // The feed at byte 0, the grace period at byte 20 (`PackedWord`).
        word: Word,
    }
}

#[cfg(not(feature = "contract-client-gen"))]
impl PriceSource {
    /// Whether a collateral feed is set.
    pub fn is_configured(&self) -> bool {
        !keel_abi::is_zero_address(self.collateral_word().address_at(0))
    }

    /// Validates `config` against the chain at block time `now_seconds` (see
    /// [`check_price_source`]: bounds, code, decimals, a currently valid price), then stores
    /// it, replacing any previous configuration. Returns the current price, e.g. for the
    /// market's configuration event.
    ///
    /// # Errors
    /// Those of [`check_price_source`]; nothing is stored on error.
    pub fn configure(
        &mut self,
        config: &PriceSourceConfig,
        now_seconds: u64,
    ) -> Result<Price, OracleError> {
        let price = check_price_source(self.vm(), config, now_seconds)?;
        self.store(config);
        Ok(price)
    }

    /// The stored configuration (an unconfigured source has a zero collateral feed and no
    /// base feed). Reads slot +0 and only the other slots its flags call for.
    pub fn config(&self) -> PriceSourceConfig {
        let word = self.collateral_word();
        let collateral_feed = FeedConfig {
            feed: word.address_at(0),
            feed_decimals: word.u8_at(24),
            heartbeat_seconds: word.u32_at(20),
            band: band_if(&self.collateral_band, word.u8_at(28) != 0),
        };
        let base_feed = (word.u8_at(27) != 0).then(|| {
            let base = self.base_word.word();
            FeedConfig {
                feed: base.address_at(0),
                feed_decimals: base.u8_at(24),
                heartbeat_seconds: base.u32_at(20),
                band: band_if(&self.base_band, base.u8_at(25) != 0),
            }
        });
        PriceSourceConfig {
            collateral_feed,
            base_feed,
            collateral_token_decimals: word.u8_at(25),
            base_token_decimals: word.u8_at(26),
        }
    }

    /// The validated price of one smallest collateral unit in smallest base units, scaled by
    /// 1e36, rounded down, at block time `now_seconds` (see [`read_price`]). This is what every
    /// valuation of the market uses; the market exposes it as a view.
    ///
    /// # Errors
    /// `FeedHasNoCode(address(0))` if the source is not configured; those of [`read_price`].
    pub fn price(&self, now_seconds: u64) -> Result<Price, OracleError> {
        if !self.is_configured() {
            return Err(OracleError::from(FeedHasNoCode {
                feed: Address::ZERO,
            }));
        }
        read_price(self.vm(), &self.config(), now_seconds)
    }

    fn collateral_word(&self) -> PackedWord {
        self.collateral_word.word()
    }

    /// Writes `config`; an absent base feed or band is stored as zeros with its flag cleared.
    fn store(&mut self, config: &PriceSourceConfig) {
        let collateral = &config.collateral_feed;
        let word = feed_word(
            collateral,
            &[
                collateral.feed_decimals,
                config.collateral_token_decimals,
                config.base_token_decimals,
                u8::from(config.base_feed.is_some()),
                u8::from(collateral.band.is_some()),
            ],
        );
        self.collateral_word.set_word(word);
        self.collateral_band.set_word(band_word(collateral.band));
        let base = config.base_feed.unwrap_or(FeedConfig {
            feed: Address::ZERO,
            feed_decimals: 0,
            heartbeat_seconds: 0,
            band: None,
        });
        let word = feed_word(&base, &[base.feed_decimals, u8::from(base.band.is_some())]);
        self.base_word.set_word(word);
        self.base_band.set_word(band_word(base.band));
    }
}

/// An optional answer band's slot (`min_answer` in the low 16 bytes), if `is_set` (the flag
/// lives in the owner's hot slot, so an unset band costs no storage read).
fn band_if(slot: &Word, is_set: bool) -> Option<AnswerBand> {
    is_set.then(|| {
        let word = slot.word();
        AnswerBand {
            min_answer: word.u128_at(0),
            max_answer: word.u128_at(16),
        }
    })
}

/// The word of `band`; `None` is zeros.
fn band_word(band: Option<AnswerBand>) -> PackedWord {
    let band = band.map_or((0, 0), |band| (band.min_answer, band.max_answer));
    PackedWord::halves(band.0, band.1)
}

#[cfg(not(feature = "contract-client-gen"))]
impl SequencerUptimeFeed {
    /// The uptime feed; zero when the market has none (then nothing is blocked).
    pub fn feed(&self) -> Address {
        self.word().address_at(0)
    }

    /// The grace period after the sequencer comes back up, seconds (0 when there is no feed).
    pub fn grace_period_seconds(&self) -> u32 {
        self.word().u32_at(20)
    }

    fn word(&self) -> PackedWord {
        self.word.word()
    }

    /// Sets the uptime feed and its grace period; `feed == address(0)` removes the check (and
    /// stores a zero grace period, whatever is passed).
    ///
    /// A non-zero feed must have code and answer `latestRoundData()` with 0 or 1; it may be
    /// down or within its grace period when configured.
    ///
    /// # Errors
    /// `GracePeriodOutOfBounds` outside `[MIN_GRACE_PERIOD_SECONDS, MAX_GRACE_PERIOD_SECONDS]`;
    /// `FeedHasNoCode`; `FeedCallFailed`; `SequencerFeedInvalid` for another answer. Nothing
    /// is stored on error.
    pub fn configure(
        &mut self,
        feed: Address,
        grace_period_seconds: u32,
    ) -> Result<(), OracleError> {
        let grace_period_seconds = if keel_abi::is_zero_address(feed) {
            0
        } else {
            check_uptime_feed(self.vm(), feed, grace_period_seconds)?;
            grace_period_seconds
        };
        let mut word = PackedWord::default();
        word.set_address(0, feed);
        word.set_u32(20, grace_period_seconds);
        self.word.set_word(word);
        Ok(())
    }

    /// Checks that the sequencer is up and past its grace period at block time `now_seconds`
    /// ([`check_sequencer`]); always passes when no feed is configured.
    ///
    /// Call it **only** before a new borrow or a collateral withdrawal. Repay, supply,
    /// supplyCollateral and liquidation must never call it (docs/DESIGN.md section 7).
    ///
    /// # Errors
    /// `FeedCallFailed`; `SequencerDown`; `SequencerFeedInvalid`; `SequencerGracePeriod`.
    pub fn check_borrow_allowed(&self, now_seconds: u64) -> Result<(), OracleError> {
        let feed = self.feed();
        if keel_abi::is_zero_address(feed) {
            return Ok(());
        }
        let round = read_latest_round(self.vm(), feed)?;
        check_sequencer(
            round.answer,
            round.started_at,
            now_seconds,
            self.grace_period_seconds(),
        )
    }
}

/// A sequencer uptime feed is acceptable for configuration.
fn check_uptime_feed(
    host: &impl Host,
    feed: Address,
    grace_period_seconds: u32,
) -> Result<(), OracleError> {
    if !(MIN_GRACE_PERIOD_SECONDS..=MAX_GRACE_PERIOD_SECONDS).contains(&grace_period_seconds) {
        return Err(OracleError::from(GracePeriodOutOfBounds {
            gracePeriodSeconds: grace_period_seconds,
        }));
    }
    check_has_code(host, feed)?;
    let round = read_latest_round(host, feed)?;
    check_uptime_answer(round.answer, round.started_at).map(|_down| ())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use alloy_primitives::{address, B256, I256, U256};

    use super::*;
    use crate::error::{
        feed_call_failed, FeedDecimalsMismatch, PriceStale, SequencerDown, SequencerGracePeriod,
    };
    use crate::test_devnet::{round, OracleLab};

    const ETH_USD: Address = address!("00000000000000000000000000000000000000e1");
    const USDC_USD: Address = address!("00000000000000000000000000000000000000c1");
    const UPTIME: Address = address!("00000000000000000000000000000000000000a1");
    const NOW: u64 = 1_700_000_000;
    const DAY: u32 = 86_400;

    fn eth_usd(band: Option<AnswerBand>) -> FeedConfig {
        FeedConfig {
            feed: ETH_USD,
            feed_decimals: 8,
            heartbeat_seconds: DAY,
            band,
        }
    }

    fn usdc_usd(band: Option<AnswerBand>) -> FeedConfig {
        FeedConfig {
            feed: USDC_USD,
            feed_decimals: 6,
            heartbeat_seconds: 3_600,
            band,
        }
    }

    /// WETH priced by ETH/USD over USDC/USD (or ETH/USD alone, standing in for a direct feed).
    fn weth_config(base_feed: Option<FeedConfig>) -> PriceSourceConfig {
        PriceSourceConfig {
            collateral_feed: eth_usd(None),
            base_feed,
            collateral_token_decimals: 18,
            base_token_decimals: 6,
        }
    }

    /// Both feeds deployed, with their decimals and fresh answers: ETH 2000 USD, USDC 1 USD.
    fn lab_with_feeds() -> OracleLab {
        let mut lab = OracleLab::new();
        for (feed, decimals, answer) in [(ETH_USD, 8, 200_000_000_000), (USDC_USD, 6, 1_000_000)] {
            lab.set_code(feed);
            lab.mock_decimals(feed, decimals);
            lab.mock_round(feed, round(answer, NOW - 60));
        }
        lab
    }

    fn configure(
        lab: &mut OracleLab,
        config: &PriceSourceConfig,
        now: u64,
    ) -> Result<Price, OracleError> {
        let config = *config;
        lab.stored(move |s: &mut PriceSource| s.configure(&config, now))
    }

    fn price_at(lab: &mut OracleLab, now: u64) -> Result<Price, OracleError> {
        lab.stored(move |s: &mut PriceSource| s.price(now))
    }

    fn stored_config(lab: &mut OracleLab) -> PriceSourceConfig {
        lab.stored(|s: &mut PriceSource| s.config())
    }

    fn is_configured(lab: &mut OracleLab) -> bool {
        lab.stored(|s: &mut PriceSource| s.is_configured())
    }

    fn configure_sequencer(
        lab: &mut OracleLab,
        feed: Address,
        grace_period_seconds: u32,
    ) -> Result<(), OracleError> {
        lab.stored(move |q: &mut SequencerUptimeFeed| q.configure(feed, grace_period_seconds))
    }

    fn borrow_allowed(lab: &mut OracleLab, now: u64) -> Result<(), OracleError> {
        lab.stored(move |q: &mut SequencerUptimeFeed| q.check_borrow_allowed(now))
    }

    /// 2000 USDC (2000e6) per WETH (1e18), scaled by 1e36.
    fn weth_price() -> Price {
        Price(U256::from(2_000) * U256::from(10).pow(U256::from(24)))
    }

    #[test]
    fn configured_pair_prices_weth_in_usdc() {
        let mut lab = lab_with_feeds();
        let config = weth_config(Some(usdc_usd(None)));
        assert_eq!(configure(&mut lab, &config, NOW), Ok(weth_price()));
        assert!(is_configured(&mut lab));
        assert_eq!(stored_config(&mut lab), config);
        assert_eq!(price_at(&mut lab, NOW), Ok(weth_price()));
    }

    #[test]
    fn direct_feed_prices_without_a_base_feed() {
        let mut lab = lab_with_feeds();
        let config = PriceSourceConfig {
            base_token_decimals: 8, // ETH/USD quoting an 8-decimal "USD" token directly
            ..weth_config(None)
        };
        let price = Price(U256::from(2_000) * U256::from(10).pow(U256::from(26)));
        assert_eq!(configure(&mut lab, &config, NOW), Ok(price));
        assert_eq!(stored_config(&mut lab), config);
        assert_eq!(price_at(&mut lab, NOW), Ok(price));
    }

    #[test]
    fn slot_layout_is_as_documented() {
        let mut lab = lab_with_feeds();
        let config = PriceSourceConfig {
            collateral_feed: eth_usd(Some(AnswerBand {
                min_answer: 1,
                max_answer: u128::MAX,
            })),
            base_feed: Some(usdc_usd(Some(AnswerBand {
                min_answer: 900_000,
                max_answer: 1_100_000,
            }))),
            ..weth_config(None)
        };
        configure(&mut lab, &config, NOW).unwrap();
        // Big-endian words: low-order byte k of the docs is index 31 - k.
        let mut slot0 = [0u8; 32];
        slot0[12..].copy_from_slice(ETH_USD.as_slice());
        slot0[8..12].copy_from_slice(&DAY.to_be_bytes());
        slot0[7] = 8; // collateral feed decimals
        slot0[6] = 18; // collateral token decimals
        slot0[5] = 6; // base token decimals
        slot0[4] = 1; // has base feed
        slot0[3] = 1; // has collateral band
        assert_eq!(lab.slot(0), B256::from(slot0));
        let mut slot1 = [0u8; 32];
        slot1[12..].copy_from_slice(USDC_USD.as_slice());
        slot1[8..12].copy_from_slice(&3_600_u32.to_be_bytes());
        slot1[7] = 6; // base feed decimals
        slot1[6] = 1; // has base band
        assert_eq!(lab.slot(1), B256::from(slot1));
        let band = |min: u128, max: u128| {
            let mut word = [0u8; 32];
            word[..16].copy_from_slice(&max.to_be_bytes());
            word[16..].copy_from_slice(&min.to_be_bytes());
            B256::from(word)
        };
        assert_eq!(lab.slot(2), band(1, u128::MAX));
        assert_eq!(lab.slot(3), band(900_000, 1_100_000));
        assert_eq!(stored_config(&mut lab), config);
    }

    #[test]
    fn reconfiguring_as_direct_clears_the_base_feed() {
        let mut lab = lab_with_feeds();
        let band = Some(AnswerBand {
            min_answer: 1,
            max_answer: 2_000_000,
        });
        configure(&mut lab, &weth_config(Some(usdc_usd(band))), NOW).unwrap();
        let direct = PriceSourceConfig {
            base_token_decimals: 8,
            ..weth_config(None)
        };
        configure(&mut lab, &direct, NOW).unwrap();
        assert_eq!(stored_config(&mut lab), direct);
        assert_eq!(lab.slot(1), B256::ZERO);
        assert_eq!(lab.slot(3), B256::ZERO);
    }

    #[test]
    fn unconfigured_source_has_no_price() {
        let mut lab = OracleLab::new();
        assert!(!is_configured(&mut lab));
        assert_eq!(
            price_at(&mut lab, NOW),
            Err(OracleError::from(FeedHasNoCode {
                feed: Address::ZERO
            }))
        );
    }

    #[test]
    fn configuration_faults_store_nothing() {
        let mut lab = lab_with_feeds();
        // USDC/USD updated 61 seconds ago: stale for a 60-second heartbeat.
        lab.mock_round(USDC_USD, round(1_000_000, NOW - 61));
        let no_code = Address::repeat_byte(0x77);
        let cases = [
            (
                PriceSourceConfig {
                    collateral_feed: FeedConfig {
                        feed: no_code,
                        ..eth_usd(None)
                    },
                    ..weth_config(None)
                },
                OracleError::from(FeedHasNoCode { feed: no_code }),
            ),
            (
                weth_config(Some(FeedConfig {
                    feed_decimals: 8,
                    ..usdc_usd(None)
                })),
                OracleError::from(FeedDecimalsMismatch {
                    feed: USDC_USD,
                    configured: 8,
                    reported: 6,
                }),
            ),
            (
                weth_config(Some(FeedConfig {
                    heartbeat_seconds: 59,
                    ..usdc_usd(None)
                })),
                OracleError::from(crate::error::HeartbeatOutOfBounds {
                    feed: USDC_USD,
                    heartbeatSeconds: 59,
                }),
            ),
            (
                PriceSourceConfig {
                    collateral_token_decimals: 37,
                    ..weth_config(None)
                },
                crate::error::unsupported_decimals(37),
            ),
            (
                weth_config(Some(FeedConfig {
                    heartbeat_seconds: 60,
                    ..usdc_usd(None)
                })),
                OracleError::from(PriceStale {
                    feed: USDC_USD,
                    updatedAt: U256::from(NOW - 61),
                    heartbeat: U256::from(60),
                }),
            ),
        ];
        for (config, error) in cases {
            assert_eq!(configure(&mut lab, &config, NOW), Err(error));
            assert!(!is_configured(&mut lab));
            assert_eq!(lab.slot(0), B256::ZERO);
        }
    }

    #[test]
    fn price_names_the_failing_feed() {
        let mut lab = lab_with_feeds();
        configure(&mut lab, &weth_config(Some(usdc_usd(None))), NOW).unwrap();
        // USDC/USD's heartbeat is one hour: stale one hour and a second after its update.
        let later = NOW - 60 + 3_601;
        assert_eq!(
            price_at(&mut lab, later),
            Err(OracleError::from(PriceStale {
                feed: USDC_USD,
                updatedAt: U256::from(NOW - 60),
                heartbeat: U256::from(3_600),
            }))
        );
        assert_eq!(price_at(&mut lab, later - 1), Ok(weth_price()));
        lab.mock_round_bytes(ETH_USD, Err(Vec::new()));
        assert_eq!(price_at(&mut lab, NOW), Err(feed_call_failed(ETH_USD)));
    }

    #[test]
    fn band_applies_to_each_feed() {
        let mut lab = lab_with_feeds();
        let band = AnswerBand {
            min_answer: 990_000,
            max_answer: 1_010_000,
        };
        configure(&mut lab, &weth_config(Some(usdc_usd(Some(band)))), NOW).unwrap();
        lab.mock_round(USDC_USD, round(989_999, NOW));
        assert!(
            matches!(price_at(&mut lab, NOW), Err(e) if e.decode::<crate::PriceOutOfBand>().is_some_and(|e| e.feed == USDC_USD))
        );
        lab.mock_round(USDC_USD, round(990_000, NOW));
        assert!(price_at(&mut lab, NOW).is_ok());
    }

    fn uptime_lab(answer: i128, started_at: u64) -> OracleLab {
        let mut lab = OracleLab::new();
        lab.set_code(UPTIME);
        lab.mock_round(UPTIME, round(answer, started_at));
        lab
    }

    #[test]
    fn no_uptime_feed_never_blocks() {
        let mut lab = OracleLab::new();
        assert_eq!(borrow_allowed(&mut lab, NOW), Ok(()));
        configure_sequencer(&mut lab, Address::ZERO, 12).unwrap();
        assert_eq!(
            lab.stored(|q: &mut SequencerUptimeFeed| q.grace_period_seconds()),
            0
        );
        assert_eq!(borrow_allowed(&mut lab, NOW), Ok(()));
    }

    #[test]
    fn uptime_feed_gates_borrows_through_down_grace_and_recovery() {
        let mut lab = uptime_lab(1, NOW - 10);
        configure_sequencer(&mut lab, UPTIME, 3_600).unwrap();
        assert_eq!(lab.stored(|q: &mut SequencerUptimeFeed| q.feed()), UPTIME);
        assert_eq!(
            lab.stored(|q: &mut SequencerUptimeFeed| q.grace_period_seconds()),
            3_600
        );
        let mut word = [0u8; 32];
        word[12..].copy_from_slice(UPTIME.as_slice());
        word[8..12].copy_from_slice(&3_600_u32.to_be_bytes());
        assert_eq!(lab.slot(0), B256::from(word));

        let down = Err(OracleError::from(SequencerDown {}));
        assert_eq!(borrow_allowed(&mut lab, NOW), down);
        lab.mock_round(UPTIME, round(0, NOW));
        let in_grace = Err(OracleError::from(SequencerGracePeriod {
            recoversAt: U256::from(NOW + 3_600),
        }));
        assert_eq!(borrow_allowed(&mut lab, NOW + 3_599), in_grace);
        assert_eq!(borrow_allowed(&mut lab, NOW + 3_600), Ok(()));
        lab.mock_round_bytes(UPTIME, Err(Vec::new()));
        assert_eq!(
            borrow_allowed(&mut lab, NOW + 3_600),
            Err(feed_call_failed(UPTIME))
        );
    }

    #[test]
    fn uptime_feed_configuration_faults_store_nothing() {
        let mut lab = uptime_lab(2, NOW);
        let grace_error = |grace| {
            Err(OracleError::from(GracePeriodOutOfBounds {
                gracePeriodSeconds: grace,
            }))
        };
        assert_eq!(
            configure_sequencer(&mut lab, UPTIME, MIN_GRACE_PERIOD_SECONDS - 1),
            grace_error(59)
        );
        assert_eq!(
            configure_sequencer(&mut lab, UPTIME, MAX_GRACE_PERIOD_SECONDS + 1),
            grace_error(MAX_GRACE_PERIOD_SECONDS + 1)
        );
        let elsewhere = Address::repeat_byte(0x55);
        assert_eq!(
            configure_sequencer(&mut lab, elsewhere, 3_600),
            Err(OracleError::from(FeedHasNoCode { feed: elsewhere }))
        );
        assert_eq!(
            configure_sequencer(&mut lab, UPTIME, 3_600),
            Err(crate::error::sequencer_feed_invalid(
                I256::try_from(2).unwrap(),
                U256::from(NOW)
            ))
        );
        assert_eq!(lab.slot(0), B256::ZERO);
        // Bounds are inclusive, and a feed may be down when configured.
        lab.mock_round(UPTIME, round(1, NOW));
        assert_eq!(
            configure_sequencer(&mut lab, UPTIME, MIN_GRACE_PERIOD_SECONDS),
            Ok(())
        );
        assert_eq!(
            configure_sequencer(&mut lab, UPTIME, MAX_GRACE_PERIOD_SECONDS),
            Ok(())
        );
    }
}

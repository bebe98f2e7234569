//! A collateral's price source: its feeds and tokens, the checks made when it is configured,
//! and the validated price read on every valuation.

use keel_math::Price;
use stylus_sdk::stylus_core::host::Host;

use crate::compose::{check_decimals, compose_price, FeedAnswer};
use crate::error::{FeedDecimalsMismatch, OracleError};
use crate::feed::{check_has_code, read_decimals, read_latest_round};
use crate::round::{validate_round, FeedConfig};

/// Everything needed to price one collateral in the market's base asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceSourceConfig {
    /// The feed pricing the collateral: in the base asset itself when `base_feed` is `None`
    /// (e.g. ETH/USDC), else in a reference currency (e.g. ETH/USD).
    pub collateral_feed: FeedConfig,
    /// The feed pricing the base asset in the same reference currency (e.g. USDC/USD), or
    /// `None` when the collateral feed quotes the base asset directly.
    pub base_feed: Option<FeedConfig>,
    /// `decimals()` of the collateral token, at most 36.
    pub collateral_token_decimals: u8,
    /// `decimals()` of the base token, at most 36.
    pub base_token_decimals: u8,
}

impl PriceSourceConfig {
    /// The configured feeds: the collateral feed, then the base feed if any.
    fn feeds(&self) -> impl Iterator<Item = &FeedConfig> {
        core::iter::once(&self.collateral_feed).chain(self.base_feed.as_ref())
    }

    /// Checks the configuration's own bounds (no host needed).
    ///
    /// # Errors
    /// `UnsupportedDecimals` for token or feed decimals above 36; `HeartbeatOutOfBounds`;
    /// `InvalidAnswerBand` (see [`FeedConfig::check_bounds`]).
    pub fn check_bounds(&self) -> Result<(), OracleError> {
        check_decimals(self.collateral_token_decimals)?;
        check_decimals(self.base_token_decimals)?;
        self.feeds().try_for_each(FeedConfig::check_bounds)
    }
}

/// The validated price of one smallest collateral unit in smallest base units, scaled by 1e36,
/// at block time `now_seconds`: reads each feed's latest round (one static call per feed),
/// validates it ([`validate_round`]) and composes the answers ([`compose_price`], rounded
/// down). Feed decimals are taken from `config` (checked against the feeds by
/// [`check_price_source`]), not read again.
///
/// # Errors
/// `FeedCallFailed`; the validation errors of [`validate_round`] naming the failing feed
/// (collateral feed first); the composition errors of [`compose_price`].
pub fn read_price<H: Host + ?Sized>(
    host: &H,
    config: &PriceSourceConfig,
    now_seconds: u64,
) -> Result<Price, OracleError> {
    let collateral = read_validated_answer(host, &config.collateral_feed, now_seconds)?;
    let base = config
        .base_feed
        .as_ref()
        .map(|feed| read_validated_answer(host, feed, now_seconds))
        .transpose()?;
    compose_price(
        collateral,
        base,
        config.collateral_token_decimals,
        config.base_token_decimals,
    )
}

/// Checks a price source before it is stored, and returns its current price.
///
/// In order: [`PriceSourceConfig::check_bounds`]; each feed has code and its `decimals()`
/// equals the configured value; then [`read_price`] must succeed at `now_seconds`, so a wrong
/// heartbeat, band or feed pairing is caught at configuration rather than at the first borrow.
///
/// # Errors
/// Those of [`PriceSourceConfig::check_bounds`]; `FeedHasNoCode`; `FeedCallFailed` when
/// `decimals()` cannot be read; `FeedDecimalsMismatch`; those of [`read_price`].
pub fn check_price_source<H: Host + ?Sized>(
    host: &H,
    config: &PriceSourceConfig,
    now_seconds: u64,
) -> Result<Price, OracleError> {
    config.check_bounds()?;
    config
        .feeds()
        .try_for_each(|feed| check_feed_contract(host, feed))?;
    read_price(host, config, now_seconds)
}

/// The feed has code and reports the configured decimals.
fn check_feed_contract<H: Host + ?Sized>(host: &H, config: &FeedConfig) -> Result<(), OracleError> {
    check_has_code(host, config.feed)?;
    let reported = read_decimals(host, config.feed)?;
    if reported != config.feed_decimals {
        return Err(OracleError::from(FeedDecimalsMismatch {
            feed: config.feed,
            configured: config.feed_decimals,
            reported,
        }));
    }
    Ok(())
}

/// The feed's latest answer, validated.
fn read_validated_answer<H: Host + ?Sized>(
    host: &H,
    config: &FeedConfig,
    now_seconds: u64,
) -> Result<FeedAnswer, OracleError> {
    let round = read_latest_round(host, config.feed)?;
    Ok(FeedAnswer {
        answer: validate_round(&round, config, now_seconds)?,
        feed_decimals: config.feed_decimals,
    })
}

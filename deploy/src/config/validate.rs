//! Validation of a [`MarketFile`] into [`MarketParams`]: every problem is
//! reported (not only the first), each with its field path and the allowed
//! range. The bounds are the contracts' own constants (keel-debt,
//! keel-liquidation, keel-oracle, keel-vault); after the field checks the
//! contracts' pure validators run too, so a rule added there cannot be
//! missed here.

use super::{CollateralFile, FeedFile, LiquidationFile, MarketFile, RateModelFile, TokenFile};
use alloy_primitives::utils::{format_units, parse_units};
use alloy_primitives::{address, keccak256, Address, B256, I256, U256};
use keel_debt::{
    validate_reserve_factor, RateModel, MAX_BORROW_RATE_PER_SECOND, MAX_OPTIMAL_UTILISATION,
    MAX_RESERVE_FACTOR, MIN_OPTIMAL_UTILISATION, SECONDS_PER_YEAR,
};
use keel_liquidation::{
    validate_collateral_risk, validate_liquidation_params, CollateralRiskParams, LiquidationParams,
    MAX_LIQUIDATION_BONUS, MAX_LIQUIDATION_FEE,
};
use keel_math::Wad;
use keel_oracle::{
    MAX_DECIMALS, MAX_GRACE_PERIOD_SECONDS, MAX_HEARTBEAT_SECONDS, MIN_GRACE_PERIOD_SECONDS,
    MIN_HEARTBEAT_SECONDS,
};
use keel_vault::MAX_COLLATERALS;
use std::fmt;

/// The canonical StylusDeployer (nitro-contracts `src/stylus/StylusDeployer.sol`),
/// the address cargo-stylus and stylus-tools use by default.
pub const CANONICAL_STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");

/// The deterministic deployment proxy (CREATE2 factory: calldata `salt ++
/// init code`), deployed at this address on Arbitrum One, Nova and Sepolia
/// by a keyless transaction; it stores the code fragments of fragmented
/// programs at addresses known before sending.
pub const CANONICAL_CREATE2_FACTORY: Address = address!("4e59b44847b379578588920cA78FbF26c0B4956C");

/// keel-market's limit on the liquidation grace period (its
/// `MAX_LIQUIDATION_GRACE_PERIOD_SECONDS`, not exported): one day.
pub const MAX_LIQUIDATION_GRACE_PERIOD_SECONDS: u32 = 86_400;

/// 1e18.
const WAD: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// A token, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenParams {
    /// Ticker.
    pub symbol: String,
    /// Decimals.
    pub decimals: u8,
    /// Address on the target chain, when given.
    pub address: Option<Address>,
}

/// A feed, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedParams {
    /// Address on the target chain, when given.
    pub address: Option<Address>,
    /// Decimals.
    pub decimals: u8,
    /// Largest accepted answer age, seconds.
    pub heartbeat_seconds: u32,
    /// Inclusive band (`0, 0`: none), raw feed units.
    pub band: (u128, u128),
    /// The devnet mock's answer, raw feed units.
    pub devnet_answer: I256,
}

/// One collateral, validated and ABI-ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollateralParams {
    /// The token.
    pub token: TokenParams,
    /// `(ltv, liquidationThreshold, bonus)`, WAD.
    pub risk: (u64, u64, u64),
    /// Cap in token units (`U256::MAX`: none).
    pub cap: U256,
    /// The collateral's feed.
    pub feed: FeedParams,
    /// The base asset's feed, when prices need one.
    pub base_feed: Option<FeedParams>,
}

/// The sequencer uptime feed, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequencerParams {
    /// Address on the target chain, when given.
    pub address: Option<Address>,
    /// Grace period, seconds.
    pub grace_period_seconds: u32,
}

/// A whole market configuration, validated and ABI-ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketParams {
    /// Human-readable name.
    pub name: String,
    /// The chain the file is for.
    pub chain_id: Option<u64>,
    /// The StylusDeployer to deploy through.
    pub stylus_deployer: Address,
    /// The CREATE2 factory storing code fragments.
    pub create2_factory: Address,
    /// CREATE2 salt: keccak256 of the file's label.
    pub salt: B256,
    /// Final owner.
    pub owner: Address,
    /// Guardian (zero: none).
    pub guardian: Address,
    /// Base asset.
    pub base: TokenParams,
    /// `(base, slopeBelow, slopeAbove, optimal)`: per-second WAD rates and WAD utilisation.
    pub rate_model: (u64, u64, u64, u64),
    /// WAD.
    pub reserve_factor: u64,
    /// `(closeFactor, fullLiquidationHf, liquidationFee, minPartialLiquidationValue, dustThreshold)`.
    pub liquidation: (u64, u64, u64, U256, U256),
    /// Liquidation grace period after an unpause, seconds, when set.
    pub liquidation_grace_period_seconds: Option<u32>,
    /// Supply cap, base units (`U256::MAX`: none).
    pub supply_cap: U256,
    /// Borrow cap, base units (`U256::MAX`: none).
    pub borrow_cap: U256,
    /// Sequencer uptime feed, when set.
    pub sequencer: Option<SequencerParams>,
    /// Collaterals in listing order.
    pub collaterals: Vec<CollateralParams>,
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field, e.g. `collaterals[0].ltv`.
    pub field: String,
    /// What is wrong, with the allowed range.
    pub problem: String,
}

/// Every problem found in a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<FieldError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid market configuration:")?;
        for e in &self.0 {
            writeln!(f, "  {}: {}", e.field, e.problem)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl ConfigErrors {
    /// Whether some error concerns `field` (for tests and callers).
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
}

/// Collects problems while parsing fields.
#[derive(Default)]
struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn fail<T>(&mut self, field: &str, problem: impl Into<String>) -> Option<T> {
        self.errors.push(FieldError {
            field: field.to_owned(),
            problem: problem.into(),
        });
        None
    }

    fn address(&mut self, field: &str, text: &str) -> Option<Address> {
        match text.parse::<Address>() {
            Ok(a) => Some(a),
            Err(_) => self.fail(field, format!("`{text}` is not a 20-byte hex address")),
        }
    }

    fn optional_address(&mut self, field: &str, text: &Option<String>) -> Option<Option<Address>> {
        match text {
            None => Some(None),
            Some(t) => self.address(field, t).map(Some),
        }
    }

    /// A non-negative decimal with at most `decimals` fractional digits, scaled.
    fn decimal(&mut self, field: &str, text: &str, decimals: u8) -> Option<U256> {
        // parse_units truncates extra digits; refuse them instead.
        let fraction_digits = text.split_once('.').map_or(0, |(_, f)| f.len());
        match parse_units(text, decimals) {
            Ok(v) if !v.is_negative() && fraction_digits <= usize::from(decimals) => {
                Some(v.get_absolute())
            }
            _ => self.fail(
                field,
                format!("`{text}` is not a non-negative decimal number with at most {decimals} decimals"),
            ),
        }
    }

    /// A WAD factor within `[min, max]`.
    fn factor(&mut self, field: &str, text: &str, min: U256, max: U256) -> Option<U256> {
        let value = self.decimal(field, text, 18)?;
        if value < min || value > max {
            return self.fail(
                field,
                format!("{text} is outside [{}, {}]", wad(min), wad(max)),
            );
        }
        Some(value)
    }

    /// Whole tokens or `"unlimited"`, in token units (`U256::MAX` for none).
    fn amount_or_unlimited(&mut self, field: &str, text: &str, decimals: u8) -> Option<U256> {
        if text == "unlimited" {
            return Some(U256::MAX);
        }
        self.decimal(field, text, decimals)
    }

    /// Whole tokens that must fit `uint128` in token units.
    fn amount_u128(&mut self, field: &str, text: &str, decimals: u8) -> Option<U256> {
        let value = self.decimal(field, text, decimals)?;
        if value > U256::from(u128::MAX) {
            return self.fail(
                field,
                format!("{text} is above the uint128 limit in token units"),
            );
        }
        Some(value)
    }

    fn in_range<T: PartialOrd + fmt::Display + Copy>(
        &mut self,
        field: &str,
        value: T,
        min: T,
        max: T,
    ) -> Option<T> {
        if value < min || value > max {
            return self.fail(field, format!("{value} is outside [{min}, {max}]"));
        }
        Some(value)
    }
}

/// A WAD value as a decimal without trailing zeros (`0.5`, `1`).
pub fn wad(value: U256) -> String {
    let text = format_units(value, 18).unwrap_or_else(|_| value.to_string());
    let text = text.trim_end_matches('0');
    text.trim_end_matches('.').to_owned()
}

/// Validates `file`.
///
/// Errors: [`ConfigErrors`] listing every field problem.
pub fn validate(file: &MarketFile) -> Result<MarketParams, ConfigErrors> {
    let mut c = Checker::default();
    let stylus_deployer = match &file.stylus_deployer {
        Some(text) => c.address("stylus_deployer", text),
        None => Some(CANONICAL_STYLUS_DEPLOYER),
    };
    let create2_factory = match &file.create2_factory {
        Some(text) => c.address("create2_factory", text),
        None => Some(CANONICAL_CREATE2_FACTORY),
    };
    let owner = c.address("owner", &file.owner);
    if owner == Some(Address::ZERO) {
        c.fail::<()>("owner", "must not be the zero address");
    }
    let guardian = c
        .optional_address("guardian", &file.guardian)
        .map(Option::unwrap_or_default);
    if file.salt.is_empty() {
        c.fail::<()>("salt", "must not be empty");
    }
    let base = token(&mut c, "base", &file.base);
    let base_decimals = file.base.decimals;
    let rate_model = rate_model(&mut c, &file.rate_model);
    let reserve_factor = c.factor(
        "reserve_factor",
        &file.reserve_factor,
        U256::ZERO,
        MAX_RESERVE_FACTOR,
    );
    let supply_cap = c.amount_or_unlimited("supply_cap", &file.supply_cap, base_decimals);
    let borrow_cap = c.amount_or_unlimited("borrow_cap", &file.borrow_cap, base_decimals);
    let liquidation = liquidation(&mut c, &file.liquidation, base_decimals);
    let grace = file.liquidation.grace_period_seconds.and_then(|s| {
        c.in_range(
            "liquidation.grace_period_seconds",
            s,
            0,
            MAX_LIQUIDATION_GRACE_PERIOD_SECONDS,
        )
    });
    let sequencer = file.sequencer.as_ref().map(|s| {
        let address = c
            .optional_address("sequencer.address", &s.address)
            .flatten();
        let field = "sequencer.grace_period_seconds";
        c.in_range(
            field,
            s.grace_period_seconds,
            MIN_GRACE_PERIOD_SECONDS,
            MAX_GRACE_PERIOD_SECONDS,
        );
        SequencerParams {
            address,
            grace_period_seconds: s.grace_period_seconds,
        }
    });
    let count = file.collaterals.len();
    if count == 0 || count > usize::from(MAX_COLLATERALS) {
        c.fail::<()>(
            "collaterals",
            format!("{count} collaterals, allowed [1, {MAX_COLLATERALS}]"),
        );
    }
    let collaterals: Vec<Option<CollateralParams>> = file
        .collaterals
        .iter()
        .enumerate()
        .map(|(i, col)| collateral(&mut c, &format!("collaterals[{i}]"), col))
        .collect();
    check_distinct_tokens(&mut c, base.as_ref(), &collaterals);
    let params = (|| {
        Some(MarketParams {
            name: file.name.clone(),
            chain_id: file.chain_id,
            stylus_deployer: stylus_deployer?,
            create2_factory: create2_factory?,
            salt: keccak256(file.salt.as_bytes()),
            owner: owner?,
            guardian: guardian?,
            base: base?,
            rate_model: rate_model?,
            reserve_factor: u64_of(reserve_factor?),
            liquidation: liquidation?,
            liquidation_grace_period_seconds: grace,
            supply_cap: supply_cap?,
            borrow_cap: borrow_cap?,
            sequencer,
            collaterals: collaterals.into_iter().collect::<Option<Vec<_>>>()?,
        })
    })();
    match params {
        Some(p) if c.errors.is_empty() => {
            contract_rules(&mut c, &p);
            if c.errors.is_empty() {
                return Ok(p);
            }
            Err(ConfigErrors(c.errors))
        }
        _ => Err(ConfigErrors(c.errors)),
    }
}

fn u64_of(value: U256) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

fn token(c: &mut Checker, field: &str, file: &TokenFile) -> Option<TokenParams> {
    if file.symbol.is_empty() {
        c.fail::<()>(&format!("{field}.symbol"), "must not be empty");
    }
    let decimals = c.in_range(&format!("{field}.decimals"), file.decimals, 0, MAX_DECIMALS);
    let address = c.optional_address(&format!("{field}.address"), &file.address)?;
    Some(TokenParams {
        symbol: file.symbol.clone(),
        decimals: decimals?,
        address,
    })
}

fn rate_model(c: &mut Checker, file: &RateModelFile) -> Option<(u64, u64, u64, u64)> {
    let per_second = |c: &mut Checker, field: &str, text: &str| {
        c.decimal(&format!("rate_model.{field}"), text, 18)
            .map(|apr| apr / U256::from(SECONDS_PER_YEAR))
    };
    let base = per_second(c, "base_apr", &file.base_apr);
    let below = per_second(c, "slope_below_optimal_apr", &file.slope_below_optimal_apr);
    let above = per_second(c, "slope_above_optimal_apr", &file.slope_above_optimal_apr);
    let optimal = c.factor(
        "rate_model.optimal_utilisation",
        &file.optimal_utilisation,
        MIN_OPTIMAL_UTILISATION,
        MAX_OPTIMAL_UTILISATION,
    );
    let (base, below, above) = (base?, below?, above?);
    let max_rate = base.saturating_add(below).saturating_add(above);
    if max_rate > MAX_BORROW_RATE_PER_SECOND {
        let max_apr = MAX_BORROW_RATE_PER_SECOND * U256::from(SECONDS_PER_YEAR);
        return c.fail(
            "rate_model",
            format!(
                "base_apr + slope_below_optimal_apr + slope_above_optimal_apr is the APR at full \
                 utilisation and must be at most {} ({max_apr} WAD rounded to whole seconds)",
                wad(max_apr)
            ),
        );
    }
    Some((u64_of(base), u64_of(below), u64_of(above), u64_of(optimal?)))
}

fn liquidation(
    c: &mut Checker,
    file: &LiquidationFile,
    base_decimals: u8,
) -> Option<(u64, u64, u64, U256, U256)> {
    let close_factor = c.factor(
        "liquidation.close_factor",
        &file.close_factor,
        U256::from(1),
        WAD,
    );
    let full_hf = c.factor(
        "liquidation.full_liquidation_health_factor",
        &file.full_liquidation_health_factor,
        U256::ZERO,
        WAD,
    );
    let fee = c.factor(
        "liquidation.protocol_fee",
        &file.protocol_fee,
        U256::ZERO,
        MAX_LIQUIDATION_FEE.0,
    );
    let min_partial = c.amount_u128(
        "liquidation.min_partial_liquidation_value",
        &file.min_partial_liquidation_value,
        base_decimals,
    );
    let dust = c.amount_u128(
        "liquidation.dust_threshold",
        &file.dust_threshold,
        base_decimals,
    );
    Some((
        u64_of(close_factor?),
        u64_of(full_hf?),
        u64_of(fee?),
        min_partial?,
        dust?,
    ))
}

fn collateral(c: &mut Checker, field: &str, file: &CollateralFile) -> Option<CollateralParams> {
    let token = token(c, field, &file.token);
    let bonus = c.factor(
        &format!("{field}.bonus"),
        &file.bonus,
        U256::from(1),
        MAX_LIQUIDATION_BONUS.0,
    );
    // LT x (1 + bonus) < 1: the largest LT is just below 1 / (1 + bonus).
    let lt_max = bonus.map_or(WAD, |b| (WAD * WAD - U256::from(1)) / (WAD + b));
    let lt = c.factor(
        &format!("{field}.liquidation_threshold"),
        &file.liquidation_threshold,
        U256::from(1),
        lt_max,
    );
    let ltv_max = lt.map_or(WAD, |t| t - U256::from(1));
    let ltv = c.factor(&format!("{field}.ltv"), &file.ltv, U256::ZERO, ltv_max);
    let cap = c.amount_or_unlimited(&format!("{field}.cap"), &file.cap, file.token.decimals);
    let collateral_feed = feed(c, &format!("{field}.feed"), &file.feed);
    let base_feed = match &file.base_feed {
        None => Some(None),
        Some(f) => feed(c, &format!("{field}.base_feed"), f).map(Some),
    };
    Some(CollateralParams {
        token: token?,
        risk: (u64_of(ltv?), u64_of(lt?), u64_of(bonus?)),
        cap: cap?,
        feed: collateral_feed?,
        base_feed: base_feed?,
    })
}

fn feed(c: &mut Checker, field: &str, file: &FeedFile) -> Option<FeedParams> {
    let address = c.optional_address(&format!("{field}.address"), &file.address);
    let decimals = c.in_range(&format!("{field}.decimals"), file.decimals, 0, MAX_DECIMALS);
    let heartbeat = c.in_range(
        &format!("{field}.heartbeat_seconds"),
        file.heartbeat_seconds,
        MIN_HEARTBEAT_SECONDS,
        MAX_HEARTBEAT_SECONDS,
    );
    let band = band(c, field, file);
    let price = c.decimal(
        &format!("{field}.devnet_price"),
        &file.devnet_price,
        file.decimals.min(MAX_DECIMALS),
    );
    if price == Some(U256::ZERO) {
        c.fail::<()>(&format!("{field}.devnet_price"), "must be above 0");
    }
    let answer = price.and_then(|p| I256::try_from(p).ok());
    if let (Some(a), Some((min, max))) = (answer, band) {
        let in_band = (min, max) == (0, 0)
            || (a >= I256::try_from(min).ok()? && a <= I256::try_from(max).ok()?);
        if !in_band {
            c.fail::<()>(
                &format!("{field}.devnet_price"),
                format!("must be within the band [{min}, {max}] (raw units)"),
            );
        }
    }
    Some(FeedParams {
        address: address?,
        decimals: decimals?,
        heartbeat_seconds: heartbeat?,
        band: band?,
        devnet_answer: answer?,
    })
}

fn band(c: &mut Checker, field: &str, file: &FeedFile) -> Option<(u128, u128)> {
    let raw = |c: &mut Checker, name: &str, text: &Option<String>| match text {
        None => Some(0),
        Some(t) => match t.parse::<u128>() {
            Ok(v) => Some(v),
            Err(_) => c.fail(
                &format!("{field}.{name}"),
                format!("`{t}` is not an integer in [0, 2^128 - 1]"),
            ),
        },
    };
    let (min, max) = (
        raw(c, "min_answer", &file.min_answer)?,
        raw(c, "max_answer", &file.max_answer)?,
    );
    if (min, max) != (0, 0) && min >= max {
        return c.fail(
            &format!("{field}.max_answer"),
            format!("{max} must be above min_answer {min} (or leave both out for no band)"),
        );
    }
    Some((min, max))
}

fn check_distinct_tokens(
    c: &mut Checker,
    base: Option<&TokenParams>,
    collaterals: &[Option<CollateralParams>],
) {
    let mut seen: Vec<Address> = base.and_then(|b| b.address).into_iter().collect();
    for (i, col) in collaterals.iter().enumerate() {
        let Some(address) = col.as_ref().and_then(|col| col.token.address) else {
            continue;
        };
        if seen.contains(&address) {
            c.fail::<()>(
                &format!("collaterals[{i}].address"),
                format!("{address} is already the base asset or another collateral"),
            );
        }
        seen.push(address);
    }
}

/// The contracts' own validators, run on the parsed values.
fn contract_rules(c: &mut Checker, p: &MarketParams) {
    let w = |v: u64| Wad(U256::from(v));
    let model = RateModel {
        base_rate_per_second: w(p.rate_model.0),
        slope_below_optimal_per_second: w(p.rate_model.1),
        slope_above_optimal_per_second: w(p.rate_model.2),
        optimal_utilisation: w(p.rate_model.3),
    };
    if let Err(e) = model.validate() {
        c.fail::<()>("rate_model", format!("rejected by keel-debt: {e:?}"));
    }
    if let Err(e) = validate_reserve_factor(w(p.reserve_factor)) {
        c.fail::<()>("reserve_factor", format!("rejected by keel-debt: {e:?}"));
    }
    let (close_factor, full_hf, fee, min_partial, dust) = p.liquidation;
    let params = LiquidationParams {
        close_factor: w(close_factor),
        full_liquidation_hf: w(full_hf),
        liquidation_fee: w(fee),
        min_partial_liquidation_value: min_partial,
        dust_threshold: dust,
    };
    if let Err(e) = validate_liquidation_params(&params) {
        c.fail::<()>(
            "liquidation",
            format!("rejected by keel-liquidation: {e:?}"),
        );
    }
    for (i, col) in p.collaterals.iter().enumerate() {
        let risk = CollateralRiskParams {
            ltv: w(col.risk.0),
            liquidation_threshold: w(col.risk.1),
            bonus: w(col.risk.2),
        };
        if let Err(e) = validate_collateral_risk(&risk) {
            c.fail::<()>(
                &format!("collaterals[{i}]"),
                format!("rejected by keel-liquidation: {e:?}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse, SequencerFile};

    const EXAMPLE: &str = include_str!("../../markets/example.toml");

    fn example() -> MarketFile {
        parse(EXAMPLE).unwrap()
    }

    /// The errors after `change`, asserting `field` is among them with `text` in its problem.
    fn rejects(change: impl FnOnce(&mut MarketFile), field: &str, text: &str) -> ConfigErrors {
        let mut file = example();
        change(&mut file);
        let errors = validate(&file).unwrap_err();
        let found = errors.0.iter().find(|e| e.field == field);
        let Some(error) = found else {
            panic!("no error for {field}: {errors}");
        };
        assert!(error.problem.contains(text), "{field}: {}", error.problem);
        errors
    }

    #[test]
    fn the_example_is_valid_and_converts_exactly() {
        let p = validate(&example()).unwrap();
        assert_eq!(
            p.rate_model,
            (
                634_195_839,
                1_268_391_679,
                95_129_375_951,
                800_000_000_000_000_000
            )
        );
        assert_eq!(p.reserve_factor, 100_000_000_000_000_000);
        let (cf, full_hf, fee, min_partial, dust) = p.liquidation;
        assert_eq!((cf, full_hf, fee), (5e17 as u64, 95e16 as u64, 1e17 as u64));
        assert_eq!(
            (min_partial, dust),
            (U256::from(100_000_000), U256::from(1_000_000))
        );
        assert_eq!(p.supply_cap, U256::MAX);
        assert_eq!(p.collaterals[1].cap, U256::from(1000u64 * 100_000_000));
        assert_eq!(
            p.collaterals[1].risk,
            (7e17 as u64, 75e16 as u64, 8e16 as u64)
        );
        assert_eq!(
            p.collaterals[0].feed.devnet_answer,
            I256::try_from(200_000_000_000i64).unwrap()
        );
        assert_eq!(p.stylus_deployer, CANONICAL_STYLUS_DEPLOYER);
        assert_eq!(p.create2_factory, CANONICAL_CREATE2_FACTORY);
        assert_eq!(p.liquidation_grace_period_seconds, Some(600));
    }

    #[test]
    fn addresses_and_names() {
        rejects(
            |f| f.owner = "0x12".into(),
            "owner",
            "not a 20-byte hex address",
        );
        rejects(
            |f| f.owner = format!("{}", Address::ZERO),
            "owner",
            "zero address",
        );
        rejects(
            |f| f.guardian = Some("guardian".into()),
            "guardian",
            "not a 20-byte",
        );
        rejects(
            |f| f.stylus_deployer = Some("0xzz".into()),
            "stylus_deployer",
            "not a 20-byte",
        );
        rejects(
            |f| f.create2_factory = Some("0x1".into()),
            "create2_factory",
            "not a 20-byte",
        );
        rejects(|f| f.salt.clear(), "salt", "must not be empty");
        rejects(
            |f| f.base.symbol.clear(),
            "base.symbol",
            "must not be empty",
        );
        rejects(|f| f.base.decimals = 37, "base.decimals", "outside [0, 36]");
        rejects(
            |f| f.base.address = Some("0x1".into()),
            "base.address",
            "not a 20-byte",
        );
    }

    #[test]
    fn rate_model_and_reserve_factor() {
        rejects(
            |f| f.rate_model.base_apr = "two".into(),
            "rate_model.base_apr",
            "not a non-negative decimal",
        );
        rejects(
            |f| f.rate_model.base_apr = "-0.01".into(),
            "rate_model.base_apr",
            "not a non-negative decimal",
        );
        rejects(
            |f| f.rate_model.optimal_utilisation = "0.995".into(),
            "rate_model.optimal_utilisation",
            "outside [0.01, 0.99]",
        );
        rejects(
            |f| f.rate_model.slope_above_optimal_apr = "20".into(),
            "rate_model",
            "at most 9.99",
        );
        rejects(
            |f| f.reserve_factor = "0.6".into(),
            "reserve_factor",
            "outside [0, 0.5]",
        );
    }

    #[test]
    fn caps_and_liquidation_parameters() {
        rejects(
            |f| f.supply_cap = "lots".into(),
            "supply_cap",
            "not a non-negative decimal",
        );
        rejects(
            |f| f.borrow_cap = "0.0000001".into(),
            "borrow_cap",
            "at most 6 decimals",
        );
        rejects(
            |f| f.liquidation.close_factor = "0".into(),
            "liquidation.close_factor",
            "outside [0.000000000000000001, 1]",
        );
        rejects(
            |f| f.liquidation.close_factor = "1.5".into(),
            "liquidation.close_factor",
            "outside",
        );
        rejects(
            |f| f.liquidation.full_liquidation_health_factor = "1.2".into(),
            "liquidation.full_liquidation_health_factor",
            "outside [0, 1]",
        );
        rejects(
            |f| f.liquidation.protocol_fee = "0.6".into(),
            "liquidation.protocol_fee",
            "outside [0, 0.5]",
        );
        let huge = "400000000000000000000000000000000000";
        rejects(
            |f| f.liquidation.dust_threshold = huge.into(),
            "liquidation.dust_threshold",
            "uint128",
        );
        rejects(
            |f| f.liquidation.min_partial_liquidation_value = "x".into(),
            "liquidation.min_partial_liquidation_value",
            "not a non-negative decimal",
        );
        rejects(
            |f| f.liquidation.grace_period_seconds = Some(86_401),
            "liquidation.grace_period_seconds",
            "outside [0, 86400]",
        );
        let sequencer = |grace| SequencerFile {
            address: None,
            grace_period_seconds: grace,
        };
        rejects(
            |f| f.sequencer = Some(sequencer(30)),
            "sequencer.grace_period_seconds",
            "outside [60, 86400]",
        );
    }

    #[test]
    fn collateral_count_and_risk() {
        rejects(|f| f.collaterals.clear(), "collaterals", "allowed [1, 8]");
        rejects(
            |f| f.collaterals = vec![f.collaterals[0].clone(); 9],
            "collaterals",
            "9 collaterals, allowed [1, 8]",
        );
        rejects(
            |f| f.collaterals[0].ltv = "0.85".into(),
            "collaterals[0].ltv",
            "outside [0, 0.849999999999999999]",
        );
        rejects(
            |f| f.collaterals[0].liquidation_threshold = "0.96".into(),
            "collaterals[0].liquidation_threshold",
            "outside [0.000000000000000001, 0.95238095238095238]",
        );
        rejects(
            |f| f.collaterals[1].bonus = "0".into(),
            "collaterals[1].bonus",
            "outside",
        );
        rejects(
            |f| f.collaterals[1].bonus = "0.25".into(),
            "collaterals[1].bonus",
            "0.2]",
        );
        rejects(
            |f| f.collaterals[1].cap = "1.000000001".into(),
            "collaterals[1].cap",
            "at most 8 decimals",
        );
        rejects(
            |f| f.collaterals[0].token.decimals = 40,
            "collaterals[0].decimals",
            "outside [0, 36]",
        );
        rejects(
            |f| f.collaterals[0].token.symbol.clear(),
            "collaterals[0].symbol",
            "must not be empty",
        );
        let same = "0x00000000000000000000000000000000000000b1".to_owned();
        rejects(
            |f| {
                f.base.address = Some(same.clone());
                f.collaterals[1].token.address = Some(same.clone());
            },
            "collaterals[1].address",
            "already the base asset",
        );
    }

    #[test]
    fn feeds() {
        rejects(
            |f| f.collaterals[0].feed.heartbeat_seconds = 30,
            "collaterals[0].feed.heartbeat_seconds",
            "outside [60, 172800]",
        );
        rejects(
            |f| {
                f.collaterals[1]
                    .base_feed
                    .as_mut()
                    .unwrap()
                    .heartbeat_seconds = 200_000
            },
            "collaterals[1].base_feed.heartbeat_seconds",
            "outside [60, 172800]",
        );
        rejects(
            |f| f.collaterals[0].feed.decimals = 37,
            "collaterals[0].feed.decimals",
            "outside [0, 36]",
        );
        rejects(
            |f| f.collaterals[0].feed.address = Some("feed".into()),
            "collaterals[0].feed.address",
            "not a 20-byte",
        );
        rejects(
            |f| {
                f.collaterals[0].feed.min_answer = Some("5".into());
                f.collaterals[0].feed.max_answer = Some("5".into());
            },
            "collaterals[0].feed.max_answer",
            "must be above min_answer 5",
        );
        rejects(
            |f| f.collaterals[0].feed.min_answer = Some("-1".into()),
            "collaterals[0].feed.min_answer",
            "not an integer",
        );
        rejects(
            |f| f.collaterals[0].feed.devnet_price = "0".into(),
            "collaterals[0].feed.devnet_price",
            "above 0",
        );
        rejects(
            |f| {
                f.collaterals[0].feed.min_answer = Some("1".into());
                f.collaterals[0].feed.max_answer = Some("100".into());
            },
            "collaterals[0].feed.devnet_price",
            "within the band [1, 100]",
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let errors = rejects(
            |f| {
                f.reserve_factor = "0.9".into();
                f.collaterals[0].ltv = "0.9".into();
                f.liquidation.protocol_fee = "1".into();
            },
            "reserve_factor",
            "outside",
        );
        assert!(
            errors.has("collaterals[0].ltv") && errors.has("liquidation.protocol_fee"),
            "{errors}"
        );
        assert!(
            errors
                .to_string()
                .contains("  reserve_factor: 0.9 is outside [0, 0.5]"),
            "{errors}"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = EXAMPLE.replace("reserve_factor = ", "reserve_factr = ");
        assert!(parse(&text).is_err());
    }
}

//! Parameter sweeps: the same scenario and seed run once per value of one
//! parameter, with bad debt and liquidation volume per value.

use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Serialize;
use toml::Value;

use crate::engine::{self, Options};
use crate::market::Deployer;
use crate::plot::{line_chart, Labels, Line};
use crate::scenario::Scenario;

/// Parameters a sweep can move, with what they change.
pub const PARAMETERS: [(&str, &str); 8] = [
    ("lt", "every collateral's liquidation threshold (LTV lowered to LT - 0.05 where it would not stay below)"),
    ("bonus", "every collateral's liquidation bonus"),
    ("close_factor", "the close factor"),
    ("full_hf", "the full-liquidation health factor"),
    ("pool_depth", "every pool's base-side depth, base tokens"),
    ("heartbeat", "the feeds' heartbeat, seconds"),
    ("deviation", "the feeds' deviation threshold"),
    ("delay", "every liquidator's reaction delay, blocks"),
];

/// A parsed `--sweep name=from..to:step`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// One of [`PARAMETERS`].
    pub parameter: String,
    /// The values, from `from` up to `to` included (within half a step).
    pub values: Vec<f64>,
}

impl std::str::FromStr for Sweep {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Self> {
        let parse = || -> Option<(String, f64, f64, f64)> {
            let (name, range) = text.split_once('=')?;
            let (bounds, step) = range.split_once(':')?;
            let (from, to) = bounds.split_once("..")?;
            Some((
                name.trim().into(),
                from.trim().parse().ok()?,
                to.trim().parse().ok()?,
                step.trim().parse().ok()?,
            ))
        };
        let (parameter, from, to, step) =
            parse().context("expected NAME=FROM..TO:STEP, e.g. lt=0.75..0.90:0.01")?;
        if !PARAMETERS.iter().any(|(p, _)| *p == parameter) {
            let known: Vec<&str> = PARAMETERS.iter().map(|(p, _)| *p).collect();
            bail!(
                "unknown sweep parameter `{parameter}`; one of {}",
                known.join(", ")
            );
        }
        if step.is_nan() || step <= 0.0 || to < from || (to - from) / step > 1_000.0 {
            bail!("need FROM <= TO and a positive STEP giving at most 1,000 values");
        }
        let count = ((to - from) / step + 0.5).floor() as usize + 1;
        // Rounded to 1e-9 so 0.75 + 3 x 0.01 prints (and validates) as 0.78.
        let values = (0..count)
            .map(|i| ((from + i as f64 * step) * 1e9).round() / 1e9)
            .collect();
        Ok(Self { parameter, values })
    }
}

/// One run of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepPoint {
    /// The parameter's value.
    pub value: f64,
    /// Bad debt written off, base tokens.
    pub bad_debt: f64,
    /// Bad debt still in underwater positions at the end, base tokens.
    pub underwater_debt: f64,
    /// Debt repaid by liquidations, base tokens.
    pub liquidated_debt: f64,
    /// Liquidations.
    pub liquidations: u32,
}

/// `scenario` with `parameter` set to `value`.
pub fn apply(scenario: &Scenario, parameter: &str, value: f64) -> Result<Scenario> {
    let mut s = scenario.clone();
    match parameter {
        "pool_depth" => s.collaterals.iter_mut().for_each(|c| c.pool_depth = value),
        "heartbeat" => s.oracle.heartbeat_seconds = value as u64,
        "deviation" => s.oracle.deviation = value,
        "delay" => s
            .liquidators
            .iter_mut()
            .for_each(|l| l.delay_blocks = value as u64),
        market => s.market_toml = apply_market(&s.market_toml, market, value)?,
    }
    Ok(s)
}

/// Edits the market configuration's TOML (validated again at deployment).
fn apply_market(text: &str, parameter: &str, value: f64) -> Result<String> {
    let mut doc: Value = toml::from_str(text)?;
    let decimal = Value::String(format!("{value}"));
    let liquidation = |doc: &mut Value, key: &str| -> Result<()> {
        doc.get_mut("liquidation")
            .and_then(Value::as_table_mut)
            .context("no [liquidation]")?
            .insert(key.into(), decimal.clone());
        Ok(())
    };
    match parameter {
        "close_factor" => liquidation(&mut doc, "close_factor")?,
        "full_hf" => liquidation(&mut doc, "full_liquidation_health_factor")?,
        "lt" | "bonus" => {
            let collaterals = doc
                .get_mut("collaterals")
                .and_then(Value::as_array_mut)
                .context("no [[collaterals]]")?;
            for c in collaterals.iter_mut().filter_map(Value::as_table_mut) {
                if parameter == "bonus" {
                    c.insert("bonus".into(), decimal.clone());
                    continue;
                }
                c.insert("liquidation_threshold".into(), decimal.clone());
                let ltv: f64 = c
                    .get("ltv")
                    .and_then(Value::as_str)
                    .and_then(|v| v.parse().ok())
                    .context("collateral without ltv")?;
                if ltv >= value {
                    c.insert(
                        "ltv".into(),
                        Value::String(format!("{}", ((value - 0.05) * 1e9).round() / 1e9)),
                    );
                }
            }
        }
        other => bail!("`{other}` is not a market parameter"),
    }
    Ok(toml::to_string(&doc)?)
}

/// Runs the sweep; writes `sweep.csv`, `sweep.json` and `sweep.svg` into `out`.
pub fn run(
    scenario: &Scenario,
    sweep: &Sweep,
    deployer: Deployer,
    options: Options,
    out: &Path,
) -> Result<Vec<SweepPoint>> {
    let mut points = Vec::new();
    for &value in &sweep.values {
        eprintln!("{} = {value}", sweep.parameter);
        let run = engine::run(
            &apply(scenario, &sweep.parameter, value)?,
            deployer,
            options,
        )?;
        let s = run.summary;
        points.push(SweepPoint {
            value,
            bad_debt: s.bad_debt,
            underwater_debt: s.underwater_debt,
            liquidated_debt: s.liquidated_debt,
            liquidations: s.liquidations,
        });
    }
    write(out, &scenario.name, &sweep.parameter, &points)?;
    Ok(points)
}

fn write(out: &Path, name: &str, parameter: &str, points: &[SweepPoint]) -> Result<()> {
    std::fs::create_dir_all(out)?;
    let mut csv = format!("{parameter},bad_debt,underwater_debt,liquidated_debt,liquidations\n");
    for p in points {
        csv += &format!(
            "{},{:.6},{:.6},{:.6},{}\n",
            p.value, p.bad_debt, p.underwater_debt, p.liquidated_debt, p.liquidations
        );
    }
    std::fs::write(out.join("sweep.csv"), csv)?;
    std::fs::write(
        out.join("sweep.json"),
        serde_json::to_string_pretty(points)? + "\n",
    )?;
    let line = |label: &str, y: fn(&SweepPoint) -> f64| Line {
        name: label.into(),
        points: points.iter().map(|p| (p.value, y(p))).collect(),
    };
    let lines = [
        line("bad debt written off", |p| p.bad_debt),
        line("bad debt written off + underwater at end", |p| {
            p.bad_debt + p.underwater_debt
        }),
        line("liquidated debt", |p| p.liquidated_debt),
    ];
    let title = format!("{name}: sweep of {parameter}");
    line_chart(
        &out.join("sweep.svg"),
        &Labels {
            title: &title,
            x: parameter,
            y: "base tokens",
        },
        &lines,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_inclusive_ranges() {
        let sweep: Sweep = "lt=0.75..0.90:0.05".parse().unwrap();
        assert_eq!(sweep.parameter, "lt");
        assert_eq!(sweep.values, vec![0.75, 0.8, 0.85, 0.9]);
        assert!("nope=1..2:1".parse::<Sweep>().is_err());
        assert!("lt=0.9..0.8:0.01".parse::<Sweep>().is_err());
    }

    #[test]
    fn threshold_override_keeps_ltv_below_it() {
        let market = "[liquidation]\nclose_factor = \"0.5\"\n\n[[collaterals]]\nltv = \"0.80\"\nliquidation_threshold = \"0.85\"\n";
        let edited: Value = toml::from_str(&apply_market(market, "lt", 0.8).unwrap()).unwrap();
        let c = &edited["collaterals"][0];
        assert_eq!(c["liquidation_threshold"].as_str(), Some("0.8"));
        assert_eq!(c["ltv"].as_str(), Some("0.75"));
        let edited: Value =
            toml::from_str(&apply_market(market, "close_factor", 0.25).unwrap()).unwrap();
        assert_eq!(edited["liquidation"]["close_factor"].as_str(), Some("0.25"));
    }
}

//! Reference price paths, one value per block, computed before the run so
//! the path does not depend on what the agents do.

use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::rng::Stream;

const SECONDS_PER_YEAR: f64 = 31_536_000.0;
const SECONDS_PER_DAY: f64 = 86_400.0;

/// How a collateral's reference price moves (base per whole collateral token).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PricePath {
    /// Geometric Brownian motion with Poisson jumps in log price.
    Gbm {
        /// Price at block 0.
        start: f64,
        /// Annual drift of the log price.
        #[serde(default)]
        drift_annual: f64,
        /// Annual volatility.
        vol_annual: f64,
        /// Expected jumps per day.
        #[serde(default)]
        jumps_per_day: f64,
        /// Mean jump in log price (negative: crashes).
        #[serde(default)]
        jump_mean: f64,
        /// Standard deviation of a jump in log price.
        #[serde(default)]
        jump_sigma: f64,
    },
    /// A scripted fall of `drop` (0.40 = -40%) spread evenly in log price
    /// over `duration_seconds` from `at_seconds`, on top of GBM noise.
    Crash {
        /// Price at block 0.
        start: f64,
        /// Start of the fall, seconds from the run's start.
        at_seconds: u64,
        /// Fraction of the price lost.
        drop: f64,
        /// Length of the fall, seconds.
        duration_seconds: u64,
        /// Annual volatility of the noise around the script.
        #[serde(default)]
        vol_annual: f64,
    },
    /// Timestamped prices from a CSV file (`seconds,price` with a header),
    /// linearly interpolated and held after the last row.
    Csv {
        /// The file, relative to the scenario.
        file: String,
    },
}

/// The path's price at each block `0..=blocks`.
pub fn generate(
    path: &PricePath,
    blocks: u64,
    block_seconds: u64,
    rng: &mut Stream,
    scenario_dir: &Path,
) -> Result<Vec<f64>> {
    match path {
        PricePath::Gbm {
            start,
            drift_annual,
            vol_annual,
            jumps_per_day,
            jump_mean,
            jump_sigma,
        } => {
            let jumps = Jumps {
                per_day: *jumps_per_day,
                mean: *jump_mean,
                sigma: *jump_sigma,
            };
            let noise = Noise::new(*drift_annual, *vol_annual, block_seconds);
            Ok(walk(*start, blocks, rng, |rng, _| {
                noise.step(rng) + jumps.step(rng, block_seconds)
            }))
        }
        PricePath::Crash {
            start,
            at_seconds,
            drop,
            duration_seconds,
            vol_annual,
        } => {
            if !(0.0..1.0).contains(drop) {
                bail!("crash drop {drop} must be in [0, 1)");
            }
            let noise = Noise::new(0.0, *vol_annual, block_seconds);
            let total_log = (1.0 - drop).ln();
            let (from, span) = (*at_seconds as f64, (*duration_seconds).max(1) as f64);
            Ok(walk(*start, blocks, rng, |rng, block| {
                let (t0, t1) = (
                    (block - 1) as f64 * block_seconds as f64,
                    block as f64 * block_seconds as f64,
                );
                let overlap = (t1.min(from + span) - t0.max(from)).max(0.0);
                noise.step(rng) + total_log * overlap / span
            }))
        }
        PricePath::Csv { file } => {
            let rows = read_csv(&scenario_dir.join(file))?;
            Ok((0..=blocks)
                .map(|b| interpolate(&rows, (b * block_seconds) as f64))
                .collect())
        }
    }
}

/// Prices from `start`, each block multiplied by `exp(log_step(rng, block))`.
fn walk(
    start: f64,
    blocks: u64,
    rng: &mut Stream,
    mut log_step: impl FnMut(&mut Stream, u64) -> f64,
) -> Vec<f64> {
    let mut prices = Vec::with_capacity(blocks as usize + 1);
    let mut price = start;
    prices.push(price);
    for block in 1..=blocks {
        price *= log_step(rng, block).exp();
        prices.push(price);
    }
    prices
}

/// The diffusion part of a GBM step in log price.
struct Noise {
    drift_per_block: f64,
    sigma_per_block: f64,
}

impl Noise {
    fn new(drift_annual: f64, vol_annual: f64, block_seconds: u64) -> Self {
        let dt_years = block_seconds as f64 / SECONDS_PER_YEAR;
        Self {
            drift_per_block: (drift_annual - vol_annual * vol_annual / 2.0) * dt_years,
            sigma_per_block: vol_annual * dt_years.sqrt(),
        }
    }

    fn step(&self, rng: &mut Stream) -> f64 {
        if self.sigma_per_block == 0.0 {
            return self.drift_per_block;
        }
        self.drift_per_block + self.sigma_per_block * rng.normal()
    }
}

struct Jumps {
    per_day: f64,
    mean: f64,
    sigma: f64,
}

impl Jumps {
    /// At most one jump per block (blocks are short against the jump rate).
    fn step(&self, rng: &mut Stream, block_seconds: u64) -> f64 {
        if self.per_day <= 0.0 {
            return 0.0;
        }
        let p = self.per_day * block_seconds as f64 / SECONDS_PER_DAY;
        match rng.chance(p) {
            true => self.mean + self.sigma * rng.normal(),
            false => 0.0,
        }
    }
}

fn read_csv(path: &Path) -> Result<Vec<(f64, f64)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut rows = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parse = || -> Option<(f64, f64)> {
            let (t, p) = line.split_once(',')?;
            Some((t.trim().parse().ok()?, p.trim().parse().ok()?))
        };
        rows.push(parse().with_context(|| {
            format!(
                "{} line {}: expected `seconds,price`",
                path.display(),
                n + 1
            )
        })?);
    }
    if rows.is_empty() || rows.windows(2).any(|w| w[1].0 <= w[0].0) {
        bail!("{}: needs rows with increasing seconds", path.display());
    }
    Ok(rows)
}

fn interpolate(rows: &[(f64, f64)], t: f64) -> f64 {
    let after = rows.partition_point(|(s, _)| *s <= t);
    match (after.checked_sub(1).map(|i| rows[i]), rows.get(after)) {
        (Some((t0, p0)), Some(&(t1, p1))) => p0 + (p1 - p0) * (t - t0) / (t1 - t0),
        (Some((_, p0)), None) => p0,
        (None, Some(&(_, p1))) => p1,
        (None, None) => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &PricePath, blocks: u64, block_seconds: u64) -> Vec<f64> {
        generate(
            path,
            blocks,
            block_seconds,
            &mut Stream::new(1, "p"),
            Path::new("."),
        )
        .unwrap()
    }

    #[test]
    fn crash_without_noise_loses_exactly_the_drop_over_its_window() {
        let crash = PricePath::Crash {
            start: 100.0,
            at_seconds: 60,
            drop: 0.4,
            duration_seconds: 120,
            vol_annual: 0.0,
        };
        let prices = run(&crash, 10, 30);
        assert_eq!(prices[2], 100.0); // before 60 s
        assert!((prices[4] - 100.0 * 0.6f64.sqrt()).abs() < 1e-9); // halfway in log
        assert!((prices[10] - 60.0).abs() < 1e-9);
    }

    #[test]
    fn gbm_is_seeded() {
        let gbm = PricePath::Gbm {
            start: 10.0,
            drift_annual: 0.0,
            vol_annual: 0.8,
            jumps_per_day: 1.0,
            jump_mean: -0.1,
            jump_sigma: 0.05,
        };
        assert_eq!(run(&gbm, 100, 60), run(&gbm, 100, 60));
        assert_ne!(run(&gbm, 100, 60)[100], 10.0);
    }

    #[test]
    fn csv_interpolates_and_holds() {
        let rows = [(0.0, 10.0), (100.0, 20.0)];
        assert_eq!(interpolate(&rows, 50.0), 15.0);
        assert_eq!(interpolate(&rows, 500.0), 20.0);
    }
}

//! The run's outputs: one [`BlockRecord`] per block, the [`Summary`], and
//! their CSV and JSON files.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

/// Health factors at which positions are counted every block.
pub const HF_THRESHOLDS: [f64; 5] = [1.0, 1.05, 1.1, 1.25, 1.5];

/// The state after one block. Amounts are base tokens, prices base per
/// whole collateral token, per collateral in listing order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockRecord {
    /// Block index from the run's start.
    pub block: u64,
    /// Seconds from the run's start.
    pub seconds: u64,
    /// Whether the sequencer was up.
    pub sequencer_up: bool,
    /// The external reference price.
    pub reference: Vec<f64>,
    /// The pool's spot price.
    pub pool: Vec<f64>,
    /// The feed's last answer (what the market prices with).
    pub oracle: Vec<f64>,
    /// Supplied assets with interest.
    pub total_supply: f64,
    /// Borrowed assets with interest.
    pub total_borrow: f64,
    /// Borrow / (supply + reserves).
    pub utilisation: f64,
    /// Borrow APR.
    pub borrow_apr: f64,
    /// Supply APR.
    pub supply_apr: f64,
    /// Positions with debt whose HF is below each of [`HF_THRESHOLDS`].
    pub hf_below: Vec<u32>,
    /// Liquidations in this block.
    pub liquidations: u32,
    /// Debt repaid by them.
    pub liquidated_debt: f64,
    /// Liquidations so far.
    pub cum_liquidations: u32,
    /// Debt repaid by liquidations so far.
    pub cum_liquidated_debt: f64,
    /// Bad debt written off so far.
    pub cum_bad_debt: f64,
    /// Liquidators' realised profit after gas so far.
    pub cum_liquidator_profit: f64,
    /// Value of the protocol's liquidation fees held (collateral at the oracle price).
    pub protocol_fees: f64,
    /// Debt of positions worth less than their debt (bad debt not yet realised).
    pub underwater_debt: f64,
}

/// The run in figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub name: String,
    /// Its seed.
    pub seed: u64,
    /// Blocks simulated.
    pub blocks: u64,
    /// Borrowers drawn.
    pub borrowers: u32,
    /// Borrowers whose borrow went through.
    pub positions_opened: u32,
    /// Liquidations executed.
    pub liquidations: u32,
    /// Debt repaid by liquidations, base tokens.
    pub liquidated_debt: f64,
    /// Bad debt written off, base tokens.
    pub bad_debt: f64,
    /// Bad debt still waiting in underwater positions at the end, base tokens.
    pub underwater_debt: f64,
    /// Protocol fees held at the end, base tokens.
    pub protocol_fees: f64,
    /// Liquidators' realised profit after gas, base tokens.
    pub liquidator_profit: f64,
    /// Most positions below HF 1 at once.
    pub peak_liquidatable: u32,
    /// Skips for want of profit, capital or a possible liquidation.
    pub keeper_skips: u32,
    /// Wall-clock time of the block loop, seconds.
    pub wall_seconds: f64,
}

impl Summary {
    /// A two-column text table.
    pub fn table(&self) -> String {
        let rows = [
            ("scenario", self.name.clone()),
            ("seed / blocks", format!("{} / {}", self.seed, self.blocks)),
            (
                "positions opened",
                format!("{} of {}", self.positions_opened, self.borrowers),
            ),
            ("liquidations", self.liquidations.to_string()),
            ("liquidated debt", format!("{:.2}", self.liquidated_debt)),
            ("bad debt written off", format!("{:.2}", self.bad_debt)),
            (
                "underwater debt at end",
                format!("{:.2}", self.underwater_debt),
            ),
            ("protocol fees held", format!("{:.2}", self.protocol_fees)),
            (
                "liquidator profit",
                format!("{:.2}", self.liquidator_profit),
            ),
            ("peak positions HF < 1", self.peak_liquidatable.to_string()),
            ("keeper skips", self.keeper_skips.to_string()),
            (
                "wall time",
                format!(
                    "{:.1} s ({:.0} blocks/s)",
                    self.wall_seconds,
                    self.blocks as f64 / self.wall_seconds.max(1e-9)
                ),
            ),
        ];
        rows.iter().fold(String::new(), |mut out, (k, v)| {
            let _ = writeln!(out, "{k:<24} {v}");
            out
        })
    }
}

/// The CSV of `records`; per-collateral columns are suffixed with `symbols`.
pub fn csv(records: &[BlockRecord], symbols: &[String]) -> String {
    let mut header = vec!["block".to_string(), "seconds".into(), "sequencer_up".into()];
    for kind in ["reference", "pool", "oracle"] {
        header.extend(symbols.iter().map(|s| format!("{kind}_{s}")));
    }
    header.extend(
        [
            "total_supply",
            "total_borrow",
            "utilisation",
            "borrow_apr",
            "supply_apr",
        ]
        .map(String::from),
    );
    header.extend(HF_THRESHOLDS.iter().map(|t| format!("hf_below_{t}")));
    header.extend(
        [
            "liquidations",
            "liquidated_debt",
            "cum_liquidations",
            "cum_liquidated_debt",
            "cum_bad_debt",
            "cum_liquidator_profit",
            "protocol_fees",
            "underwater_debt",
        ]
        .map(String::from),
    );
    let mut out = header.join(",") + "\n";
    for r in records {
        let mut row = vec![
            r.block.to_string(),
            r.seconds.to_string(),
            r.sequencer_up.to_string(),
        ];
        for series in [&r.reference, &r.pool, &r.oracle] {
            row.extend(series.iter().map(|p| format!("{p:.6}")));
        }
        row.extend(
            [
                r.total_supply,
                r.total_borrow,
                r.utilisation,
                r.borrow_apr,
                r.supply_apr,
            ]
            .map(|x| format!("{x:.6}")),
        );
        row.extend(r.hf_below.iter().map(u32::to_string));
        row.extend([
            r.liquidations.to_string(),
            format!("{:.6}", r.liquidated_debt),
            r.cum_liquidations.to_string(),
        ]);
        row.extend(
            [
                r.cum_liquidated_debt,
                r.cum_bad_debt,
                r.cum_liquidator_profit,
                r.protocol_fees,
                r.underwater_debt,
            ]
            .map(|x| format!("{x:.6}")),
        );
        out += &(row.join(",") + "\n");
    }
    out
}

/// Writes `series.csv`, `series.json` and `summary.json` into `dir`.
pub fn write_all(
    dir: &Path,
    records: &[BlockRecord],
    symbols: &[String],
    summary: &Summary,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
    };
    write("series.csv", csv(records, symbols))?;
    write("series.json", serde_json::to_string(records)? + "\n")?;
    write(
        "summary.json",
        serde_json::to_string_pretty(summary)? + "\n",
    )
}

//! SVG plots of a run and of a sweep (plotters, SVG backend only).

use std::path::Path;

use anyhow::{anyhow, Result};
use plotters::prelude::*;

use crate::record::{BlockRecord, HF_THRESHOLDS};

/// Points kept per line: the SVGs stay small whatever the run's length.
const MAX_POINTS: usize = 400;

/// One named line.
pub struct Line {
    /// Legend text.
    pub name: String,
    /// `(x, y)` points in x order.
    pub points: Vec<(f64, f64)>,
}

/// Axis titles and the chart's caption.
pub struct Labels<'a> {
    /// Caption above the chart.
    pub title: &'a str,
    /// Horizontal axis.
    pub x: &'a str,
    /// Vertical axis.
    pub y: &'a str,
}

/// Draws `lines` into an SVG file at `path`.
pub fn line_chart(path: &Path, labels: &Labels, lines: &[Line]) -> Result<()> {
    let draw_error = |e: &dyn std::fmt::Display| anyhow!("drawing {}: {e}", path.display());
    let (x_range, y_range) = ranges(lines);
    let root = SVGBackend::new(path, (900, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| draw_error(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(labels.title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x_range, y_range)
        .map_err(|e| draw_error(&e))?;
    chart
        .configure_mesh()
        .x_desc(labels.x)
        .y_desc(labels.y)
        .draw()
        .map_err(|e| draw_error(&e))?;
    for (index, line) in lines.iter().enumerate() {
        let color = Palette99::pick(index).to_rgba();
        chart
            .draw_series(LineSeries::new(thin(&line.points), color.stroke_width(2)))
            .map_err(|e| draw_error(&e))?
            .label(line.name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| draw_error(&e))?;
    root.present().map_err(|e| draw_error(&e))
}

/// The data's extent with a margin; a flat line gets a unit of height.
fn ranges(lines: &[Line]) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
    let points = lines
        .iter()
        .flat_map(|l| l.points.iter())
        .filter(|(x, y)| x.is_finite() && y.is_finite());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in points {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    if x0 > x1 {
        return (0.0..1.0, 0.0..1.0);
    }
    let pad = ((y1 - y0) * 0.05).max(if y1 == y0 { 0.5 } else { 0.0 });
    // Headroom for the legend in the upper right corner.
    let legend_room = (y1 - y0) * 0.35;
    (x0..x1.max(x0 + 1e-9), (y0 - pad)..(y1 + pad + legend_room))
}

/// Every n-th point (and the last), at most [`MAX_POINTS`].
fn thin(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let step = points.len().div_ceil(MAX_POINTS).max(1);
    let mut kept: Vec<(f64, f64)> = points.iter().step_by(step).copied().collect();
    if let Some(last) = points.last() {
        if kept.last() != Some(last) {
            kept.push(*last);
        }
    }
    kept.retain(|(x, y)| x.is_finite() && y.is_finite());
    kept
}

fn hours(r: &BlockRecord) -> f64 {
    r.seconds as f64 / 3_600.0
}

fn series(records: &[BlockRecord], name: String, y: impl Fn(&BlockRecord) -> f64) -> Line {
    Line {
        name,
        points: records.iter().map(|r| (hours(r), y(r))).collect(),
    }
}

/// `prices.svg`, `health.svg` and `liquidations.svg` of a run into `dir`.
pub fn run_plots(
    dir: &Path,
    title: &str,
    records: &[BlockRecord],
    symbols: &[String],
) -> Result<()> {
    let charts = [
        (
            "prices.svg",
            "prices relative to the start",
            "price / start price",
            price_lines(records, symbols),
        ),
        (
            "health.svg",
            "positions below each health factor",
            "positions",
            health_lines(records),
        ),
        (
            "liquidations.svg",
            "liquidations and bad debt",
            "base tokens",
            money_lines(records),
        ),
    ];
    for (file, what, y, lines) in charts {
        let caption = format!("{title}: {what}");
        let labels = Labels {
            title: &caption,
            x: "hours",
            y,
        };
        line_chart(&dir.join(file), &labels, &lines)?;
    }
    Ok(())
}

/// Reference, pool and oracle price of each collateral over its start.
fn price_lines(records: &[BlockRecord], symbols: &[String]) -> Vec<Line> {
    let Some(first) = records.first() else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for (i, symbol) in symbols.iter().enumerate() {
        let start = first.reference[i];
        lines.push(series(records, format!("{symbol} reference"), |r| {
            r.reference[i] / start
        }));
        lines.push(series(records, format!("{symbol} pool"), |r| {
            r.pool[i] / start
        }));
        lines.push(series(records, format!("{symbol} oracle"), |r| {
            r.oracle[i] / start
        }));
    }
    lines
}

/// Positions below each of [`HF_THRESHOLDS`]: the HF distribution over time.
fn health_lines(records: &[BlockRecord]) -> Vec<Line> {
    HF_THRESHOLDS
        .iter()
        .enumerate()
        .map(|(i, hf)| series(records, format!("HF < {hf}"), |r| f64::from(r.hf_below[i])))
        .collect()
}

/// A figure of a block's record.
type Field = fn(&BlockRecord) -> f64;

/// The money series: liquidations, bad debt, profit, fees.
fn money_lines(records: &[BlockRecord]) -> Vec<Line> {
    let named: [(&str, Field); 5] = [
        ("liquidated debt (cumulative)", |r| r.cum_liquidated_debt),
        ("bad debt written off (cumulative)", |r| r.cum_bad_debt),
        ("underwater debt (not yet written off)", |r| {
            r.underwater_debt
        }),
        ("liquidator profit (cumulative)", |r| {
            r.cum_liquidator_profit
        }),
        ("protocol fees held", |r| r.protocol_fees),
    ];
    named
        .into_iter()
        .map(|(name, y)| series(records, name.into(), y))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_the_ends_and_bounds_the_count() {
        let points: Vec<(f64, f64)> = (0..1_001).map(|i| (i as f64, 0.0)).collect();
        let kept = thin(&points);
        assert!(kept.len() <= MAX_POINTS + 1);
        assert_eq!(kept.first(), Some(&(0.0, 0.0)));
        assert_eq!(kept.last(), Some(&(1_000.0, 0.0)));
    }

    #[test]
    fn writes_an_svg_with_its_legend() {
        let dir = std::env::temp_dir().join(format!("keel-sim-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("chart.svg");
        let line = Line {
            name: "bad debt".into(),
            points: vec![(0.0, 1.0), (1.0, 3.0)],
        };
        line_chart(
            &path,
            &Labels {
                title: "t",
                x: "x",
                y: "y",
            },
            &[line],
        )
        .unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("bad debt"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}

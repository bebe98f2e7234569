//! A one-line progress bar on stderr for long runs, redrawn at each whole
//! percent (so it costs nothing measurable per block).

use std::io::Write;
use std::time::Instant;

/// Progress through `total` steps.
pub struct Progress {
    total: u64,
    shown_percent: u64,
    started: Instant,
    enabled: bool,
}

impl Progress {
    /// A bar that draws only when `enabled`.
    pub fn new(total: u64, enabled: bool) -> Self {
        Self {
            total: total.max(1),
            shown_percent: u64::MAX,
            started: Instant::now(),
            enabled,
        }
    }

    /// Marks `done` steps finished.
    pub fn set(&mut self, done: u64) {
        let percent = done.saturating_mul(100) / self.total;
        if !self.enabled || percent == self.shown_percent {
            return;
        }
        self.shown_percent = percent;
        let filled = (percent / 4) as usize;
        let elapsed = self.started.elapsed().as_secs_f64();
        let eta = if done == 0 {
            0.0
        } else {
            elapsed * (self.total - done.min(self.total)) as f64 / done as f64
        };
        eprint!(
            "\r[{}{}] {percent:>3}% block {done}/{} eta {eta:.0} s ",
            "#".repeat(filled),
            ".".repeat(25 - filled),
            self.total
        );
        let _ = std::io::stderr().flush();
    }

    /// Ends the line.
    pub fn finish(&self) {
        if self.enabled {
            eprintln!();
        }
    }
}

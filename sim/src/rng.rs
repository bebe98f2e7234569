//! The simulator's random numbers: ChaCha8 streams seeded from the
//! scenario's seed and a stream label, so adding draws to one stream (say,
//! borrowers) does not change another (the price path).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One seeded random stream.
pub struct Stream(ChaCha8Rng);

impl Stream {
    /// The stream `label` of scenario seed `seed`.
    pub fn new(seed: u64, label: &str) -> Self {
        // FNV-1a of the label, mixed into the seed: stable across builds.
        let label_hash = label.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        Self(ChaCha8Rng::seed_from_u64(seed ^ label_hash))
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }

    /// Uniform in [low, high).
    pub fn between(&mut self, [low, high]: [f64; 2]) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Standard normal (Box-Muller; one of the pair is dropped for simplicity).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit(); // in (0, 1]: ln is finite
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An index drawn with probability proportional to `weights`.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.unit() * total;
        for (index, weight) in weights.iter().enumerate() {
            if target < *weight {
                return index;
            }
            target -= weight;
        }
        weights.len().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_different_label_different_stream() {
        let draws = |seed, label| -> Vec<f64> {
            let mut s = Stream::new(seed, label);
            (0..4).map(|_| s.unit()).collect()
        };
        assert_eq!(draws(1, "a"), draws(1, "a"));
        assert_ne!(draws(1, "a"), draws(1, "b"));
        assert_ne!(draws(1, "a"), draws(2, "a"));
    }

    #[test]
    fn normal_has_unit_variance() {
        let mut s = Stream::new(3, "n");
        let n = 20_000;
        let xs: Vec<f64> = (0..n).map(|_| s.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }

    #[test]
    fn weighted_follows_weights() {
        let mut s = Stream::new(5, "w");
        let hits = (0..10_000).filter(|_| s.weighted(&[1.0, 3.0]) == 1).count();
        assert!((7_000..8_000).contains(&hits), "{hits}");
    }
}

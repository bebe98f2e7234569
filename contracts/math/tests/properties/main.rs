//! Property tests of keel-math against an independent big-integer model (num-bigint).
//!
//! 10,000 cases per property by default; `KEEL_PROPTEST_CASES=N` runs N instead.
// Test code: the model uses BigUint operators, which grow instead of wrapping.
#![allow(clippy::arithmetic_side_effects)]

mod interest;
mod model;
mod mul_div;
mod ops;
mod shares;
mod strategies;

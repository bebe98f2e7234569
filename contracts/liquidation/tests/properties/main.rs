//! Property tests of the liquidation decision over random positions, parameters and prices,
//! checked against an independent num-bigint model of the rules.
//!
//! 4,000 cases per property by default; `KEEL_PROPTEST_CASES=N` runs N instead (the variable
//! keel-math's property tests read).
// Test code: the model uses BigUint operators, which grow instead of wrapping.
#![allow(clippy::arithmetic_side_effects)]

mod model;
mod rules;
mod strategies;

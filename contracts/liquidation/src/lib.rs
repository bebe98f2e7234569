//! Keel liquidation rules (docs/DESIGN.md section 6) as a pure function: a snapshot of a position, the
//! market's parameters and a liquidator's request in; what to repay, seize, keep as a fee and
//! write off out. `no_std`, no storage, no host, no floats; all arithmetic is keel-math's
//! checked, named-rounding helpers. keel-market reads the snapshot, calls
//! [`decide_liquidation_amounts`], and applies the [`LiquidationAmounts`]; its
//! `previewLiquidation` calls [`decide_liquidation`], the same decision with its consequences
//! (the [`LiquidationOutcome`]).
//!
//! # Units
//!
//! Amounts are smallest units ([`U256`]); factors (LT, LTV, bonus, close factor, fee, health
//! factor) are WAD ([`Wad`], 1e18 = 1.0); prices are base units per collateral unit scaled by
//! 1e36 ([`Price`]). "Value" is always in base-asset smallest units. Below, `p` is the chosen
//! collateral's price, `B` its balance, `b` its bonus, `sigma` the borrower's borrow shares and
//! `A`, `S` the market's total borrow assets and shares.
//!
//! # Valuation
//!
//! - Weighted value of a collateral ([`weighted_value_down`], keel-vault's, the rule the
//!   market's LTV checks and views apply too):
//!   `floor(factor * floor(balance * price / 1e36))` — value rounded down, then weighted
//!   (by LT here, by LTV in the market's borrow checks) rounded down.
//! - `W = sum_i weighted_value_down(balance_i, price_i, LT_i)` ([`liquidation_value_down`]).
//! - Debt `D = to_assets_up(sigma, A, S)` ([`debt_assets_up`]): rounded up.
//! - Health factor `HF = floor(W * 1e18 / D)` ([`health_factor_down`]), `U256::MAX` when
//!   `D = 0`. Liquidatable iff `HF < 1e18`.
//!
//! # Decision ([`decide_liquidation_amounts`], and [`decide_liquidation`] with step 9)
//!
//! 1. The chosen collateral must exist with `B > 0` ([`CollateralNotHeld`]) and `p > 0`
//!    ([`CollateralPriceZero`]); the request's bound `L = max_repay_assets` must be non-zero
//!    ([`ZeroRepay`]).
//! 2. `HF < 1`, else [`PositionHealthy`] with the health factor (a healthy position cannot be
//!    liquidated and nobody can take its collateral: docs/DESIGN.md invariant 5).
//! 3. Close-factor cap `C`: `C = D` (100%) when `HF < fullLiquidationHf`, or
//!    `D < minPartialLiquidationValue`, or `floor(B * p / 1e36) < minPartialLiquidationValue`;
//!    otherwise `C = min(D, ceil(closeFactor * D))`. The cap is a bound on quantity, not a
//!    price: rounding it up by less than one unit lets a 1-unit debt be liquidated, and every
//!    unit within it is still priced against the liquidator.
//! 4. Collateral cap `R = ceil(B * p / ((1 + b) * 1e36))` ([`repay_for_collateral_up`]): the
//!    smallest repayment whose seizure reaches the whole balance.
//! 5. Amount: repayments burn whole borrow shares and cost `to_assets_up(shares)`, so the
//!    liquidator never pays less than the debt it clears. The shares burnt are
//!    `min(sigma, to_shares_down(min(L, C, R)))`: the most shares whose cost fits all three
//!    bounds (`to_shares_down(m)` is exactly the largest share count costing at most `m`).
//!    If that is 0 (one share costs more than the bounds allow, possible only when a share is
//!    worth more than one asset), one share is burnt if `L` covers its cost, else
//!    [`ZeroRepay`].
//! 6. Dust, see below: the amount may be extended to a full clearance or trimmed.
//! 7. Seizure `seized = min(B, floor(repaid * (1 + b) * 1e36 / p))`
//!    ([`seized_collateral_down`]), one rounding, down. With step 4 this is the capping rule:
//!    when the balance binds, the repayment is the smallest one that buys it, rounded up.
//! 8. Protocol fee `fee = ceil(seized * b * liquidationFee / (1 + b))`
//!    ([`protocol_fee_collateral_up`]), one rounding, up; the liquidator receives
//!    `seized - fee`; the fee stays in the market as collateral reserves.
//! 9. Debt after: totals `A' = max(A - repaid, 0)`, `S' = S - shares` (as Morpho Blue; the
//!    repayment's round-up can exceed `A` by a unit); the borrower keeps `sigma - shares`
//!    shares worth `to_assets_up(sigma - shares, A', S')`. If the borrower then holds no
//!    collateral in any asset (every balance 0) and shares remain, they are bad debt:
//!    `bad_debt_shares = sigma - shares`, `bad_debt_assets = min(A', to_assets_up(bad shares,
//!    A', S'))`, removed from the totals in the same outcome (docs/DESIGN.md invariant 7).
//!    These are keel-debt's rules for the borrow pool (`Pool::after_repay`,
//!    `Pool::bad_debt_assets`), called here: the market executes the outcome with the same
//!    functions, so the preview and the execution cannot disagree.
//!
//! [`LiquidationOutcome`] also carries the health factor before and after (after the write-off;
//! `U256::MAX` when no debt remains).
//!
//! # Rounding: every step against the liquidator
//!
//! | quantity | formula | rounds | effect |
//! |---|---|---|---|
//! | collateral value | `floor(B * p / 1e36)` | down | collateral counts for less |
//! | weighted value | `floor(LT * value)` | down | lower HF: the cautious side |
//! | debt | `to_assets_up(sigma)` | up | lower HF |
//! | health factor | `floor(W * 1e18 / D)` | down | lower HF |
//! | close-factor cap | `ceil(closeFactor * D)` | up | a bound, see step 3 |
//! | repayment for the whole balance | `ceil(B * p / ((1 + b) 1e36))` | up | liquidator pays more |
//! | shares burnt for a bound `m` | `to_shares_down(m)` | down | less debt cleared for the bound |
//! | repaid assets | `to_assets_up(shares)` | up | liquidator pays at least the debt cleared |
//! | seized collateral | `floor(repaid * (1 + b) 1e36 / p)` | down | liquidator takes less |
//! | protocol fee | `ceil(seized * b * fee / (1 + b))` | up | liquidator receives less |
//! | remaining debt | `to_assets_up(sigma - shares, A', S')` | up | the borrower owes the unit |
//!
//! Hence seized value `<=` repaid value x `(1 + b)` exactly (docs/DESIGN.md invariant 12), and the
//! liquidator's collateral `<=` the exact `(repaid x (1 + b) - fee part) / p`.
//!
//! # Dust
//!
//! A liquidation is *partial* when both some debt and some of the chosen collateral remain.
//! A partial liquidation must leave remaining debt `to_assets_up(sigma - shares, A, S)` (at the
//! snapshot's share price) and remaining collateral value `floor((B - seized) * p / 1e36)` each
//! at or above `dustThreshold`. When the amount of step 5 breaks this:
//!
//! - **extend** to the smallest payment that clears the debt or seizes the whole chosen
//!   balance, `cost_up(min(sigma, min_shares_reaching(R)))`, if `L` covers it (even past the
//!   close factor: what would remain is dust);
//! - otherwise **trim** to the largest share count that keeps both remainders at or above the
//!   threshold: `min(shares, sigma - min_shares_reaching(dust),
//!   to_shares_down(repay_for_collateral_up(B - to_collateral_up(dust) + 1) - 1))`, where
//!   `min_shares_reaching(m) = to_shares_down(m - 1) + 1` is the smallest share count costing
//!   at least `m`, and either limit is 0 when the dust threshold exceeds `D` or the collateral's
//!   whole value;
//! - if trimming leaves nothing, fail with [`LiquidationLeavesDust`] carrying the payment that
//!   would clear the position.
//!
//! Every bound is an exact inverse (Galois connection) of the quantity it bounds, so there is no
//! one-unit disagreement between "the amount" and "what it leaves": a request for
//! `U256::MAX` always extends and never fails on dust (unlike Aave v3.3, whose maximum requests
//! could revert on a one-unit difference). When a full clearance is reached the other side may
//! keep a small remainder: collateral without debt is the borrower's to withdraw; debt without
//! the chosen collateral can be liquidated against another collateral or is written off.
//! Remaining debt at the *new* totals (the outcome's `remaining_debt_assets`) can be one unit
//! lower than the snapshot-priced value the rule checks, because the repayment's round-up
//! lowers the share price. Pick `minPartialLiquidationValue >= dustThreshold / (1 -
//! closeFactor)` (Aave: $2,000 and $1,000 at 50%) so that a capped liquidation never leaves
//! debt dust and extension past the close factor happens only for collateral dust.
//!
//! # Why liquidation helps, and how much
//!
//! In exact arithmetic, repaying `r` and seizing value `v <= r (1 + b)` of a collateral with
//! threshold `LT` takes the health factor from `W / D` to `(W - LT v) / (D - r)`, which is at
//! least `W / D` iff `W / D >= LT v / r`; it therefore holds whenever
//! `HF >= LT (1 + b)` for the chosen collateral. `validate_collateral_risk` enforces
//! `LT (1 + b) < 1`, so every position between `LT (1 + b)` and 1 improves; for a single
//! collateral the condition is exactly "collateral value covers debt plus bonus"
//! (`B p >= D (1 + b)`), which is what docs/DESIGN.md invariant 6 calls solvent. With several
//! collaterals, seizing one with a high `LT (1 + b)` can lower the health factor of a position
//! below that level, whichever protocol computes it. With rounding, the weighted value loses at
//! most 2 units more than `LT v` and the remaining debt can round up one unit, so what holds
//! exactly is `(W' + 2) / (D' - 1) >= W / D`; with `HF >= LT (1 + b) + 1%` and a repayment of at
//! least 10,000 units the rounded health factor never falls. The property tests check both.
//!
//! # Self-liquidation
//!
//! The function sees no addresses, so a borrower may liquidate its own unhealthy position like
//! anyone else; the market should not forbid it (a second address would do the same). It is
//! never profitable: the borrower pays `repaid >= ` the value of the shares burnt and gets back
//! `seized - fee` of its own collateral, so its equity changes by `-(fee value) - (repayment
//! rounding) <= 0` (bad debt aside, which any liquidator would trigger alike). The property
//! tests check this.
//!
//! # Applying the outcome (keel-market)
//!
//! With `o` the [`LiquidationAmounts`], keel-market's `liquidate` (computed on the accrued
//! totals) repays `o.repaid_shares` of the borrower's debt through keel-debt (`DebtStorage::repay_liquidated`,
//! which prices them at `to_assets_up`, i.e. `o.repaid_assets`, and updates the borrower's
//! shares and the borrow totals itself, without a user repayment's refusals); withdraws
//! `o.seized_collateral` of the chosen collateral from the borrower through keel-vault; adds
//! `o.protocol_fee_collateral` to that collateral's reserves; when the borrower then holds no
//! collateral and still has borrow shares, writes the rest off with keel-debt's
//! `write_off_bad_debt` (reserves first, then suppliers; event `BadDebt`); and only then takes
//! the repaid assets from the liquidator and sends `o.liquidator_collateral` to the receiver.
//! Step 9's consequences (the [`LiquidationOutcome`]'s `remaining_debt_*`,
//! `total_borrow_*_after` and `bad_debt_*` fields) are what those keel-debt calls produce (the
//! property tests and the market's integration tests check the agreement); `liquidate` does not
//! compute them beforehand (the keel-debt calls do, once), which keeps step 9 out of the market's
//! core program (3.2 KB of wasm). `previewLiquidation` calls [`decide_liquidation`] on the same
//! snapshot, and a property test checks that its amounts are [`decide_liquidation_amounts`]'.
//!
//! Inputs the market owns: parameters validated with [`validate_collateral_risk`] and
//! [`validate_liquidation_params`]; `borrow_shares <= total_borrow_shares`; interest accrued
//! before the snapshot. With balances and totals within `u128` (storage) and prices below
//! `2^128`, no step overflows.
//!
//! # Errors
//!
//! [`LiquidationError`] has one variant per Solidity error: [`PositionHealthy`],
//! [`CollateralNotHeld`], [`CollateralPriceZero`], [`ZeroRepay`], [`LiquidationLeavesDust`],
//! [`LiquidationArithmetic`] (a [`keel_math::MathError`] with its reason), and the
//! configuration errors [`LtvNotBelowThreshold`], [`ThresholdWithBonusNotBelowOne`],
//! [`BonusOutOfBounds`], [`LiquidationFeeOutOfBounds`], [`CloseFactorOutOfBounds`],
//! [`FullLiquidationHfOutOfBounds`].
//!
//! # Tests
//!
//! Worked examples with their arithmetic are in `src/examples.rs`; property tests over random
//! positions, parameters and prices in `tests/properties/`, checked against a num-bigint model.
//! They run 4,000 cases per property by default; `KEEL_PROPTEST_CASES=N` (as in keel-math)
//! runs `N`.
#![warn(missing_docs)]
#![no_std]

extern crate alloc;

mod config;
mod decide;
mod errors;
#[cfg(test)]
mod examples;
mod seizure;
mod shares;
mod types;
mod valuation;

pub use config::{validate_collateral_risk, validate_liquidation_params};
pub use decide::{decide_liquidation, decide_liquidation_amounts};
pub use errors::{
    BonusOutOfBounds, CloseFactorOutOfBounds, CollateralNotHeld, CollateralPriceZero,
    FullLiquidationHfOutOfBounds, LiquidationArithmetic, LiquidationError,
    LiquidationFeeOutOfBounds, LiquidationLeavesDust, LtvNotBelowThreshold, PositionHealthy,
    ThresholdWithBonusNotBelowOne, ZeroRepay,
};
pub use keel_math::{Price, Wad, U256};
pub use keel_vault::weighted_value_down;
pub use seizure::{protocol_fee_collateral_up, repay_for_collateral_up, seized_collateral_down};
pub use types::{
    CollateralRiskParams, CollateralSnapshot, DebtSnapshot, LiquidationAmounts, LiquidationOutcome,
    LiquidationParams, LiquidationRequest, PositionSnapshot, DEFAULT_CLOSE_FACTOR,
    DEFAULT_FULL_LIQUIDATION_HF, MAX_LIQUIDATION_BONUS, MAX_LIQUIDATION_FEE,
};
pub use valuation::{debt_assets_up, health_factor_down, liquidation_value_down};

//! Random positions, market parameters and requests, and the proptest configuration.

use keel_liquidation::{
    repay_for_collateral_up, CollateralSnapshot, DebtSnapshot, LiquidationParams,
    LiquidationRequest, PositionSnapshot, Price, Wad, U256,
};
use keel_math::{mul_div_down, PRICE_SCALE, WAD};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// `KEEL_PROPTEST_CASES` cases (default 4,000, sized for the debug profile).
pub fn config() -> Config {
    keel_testkit::proptest_config(keel_testkit::proptest_cases(4_000))
}

/// One liquidation attempt: the position, the market's parameters and the request.
#[derive(Debug, Clone)]
pub struct Case {
    pub collaterals: Vec<CollateralSnapshot>,
    pub debt: DebtSnapshot,
    pub params: LiquidationParams,
    pub request: LiquidationRequest,
}

impl Case {
    pub fn position(&self) -> PositionSnapshot<'_> {
        PositionSnapshot {
            collaterals: &self.collaterals,
            debt: self.debt,
        }
    }

    pub fn chosen(&self) -> CollateralSnapshot {
        self.collaterals[usize::from(self.request.collateral_index)]
    }

    /// The same case with the request for as much as the rules allow.
    pub fn with_maximum_request(&self) -> Self {
        let mut case = self.clone();
        case.request.max_repay_assets = U256::MAX;
        case
    }
}

/// A value below `2^max_bits` with a uniformly drawn bit length: small and large magnitudes
/// are equally common.
fn log_uniform(min_bits: usize, max_bits: usize) -> impl Strategy<Value = U256> + Clone {
    (min_bits..=max_bits, any::<[u64; 4]>())
        .prop_map(|(bits, limbs)| U256::from_limbs(limbs) >> (256 - bits))
}

/// A WAD factor in `[low, high]` (both WAD).
fn wad_between(low: u64, high: u64) -> impl Strategy<Value = Wad> + Clone {
    (low..=high).prop_map(|value| Wad(U256::from(value)))
}

fn share_of(amount: U256, fraction: Wad) -> U256 {
    mul_div_down(amount, fraction.0, WAD).expect("a fraction of an amount fits")
}

/// Borrow totals and a borrower: share prices from 1e-6 asset (fresh) through 1e-4 (grown by
/// interest), more than one asset per share (coarse), and far below 1e-6 with totals up to
/// 2^127 shares (cheap, beyond what the ledger produces); debts from 1 unit to 2^100.
fn debt() -> impl Strategy<Value = DebtSnapshot> {
    let fine = (
        log_uniform(1, 100),
        1_000_000..=100_000_000_u64,
        1..=u64::MAX,
    )
        .prop_map(|(total_assets, shares_per_asset, fraction)| {
            let total_shares = (total_assets + U256::from(1)) * U256::from(shares_per_asset);
            (total_assets, total_shares, fraction)
        });
    let coarse = (log_uniform(20, 100), 1..=2_000_000_u64, 1..=u64::MAX).prop_map(
        |(total_assets, total_shares, fraction)| (total_assets, U256::from(total_shares), fraction),
    );
    let cheap = (0..=1_000_u64, log_uniform(20, 127), 1..=u64::MAX).prop_map(
        |(total_assets, total_shares, fraction)| (U256::from(total_assets), total_shares, fraction),
    );
    prop_oneof![6 => fine, 2 => coarse, 1 => cheap].prop_map(
        |(total_assets, total_shares, fraction)| {
            let borrow_shares =
                (total_shares * U256::from(fraction) / U256::from(u64::MAX)).max(U256::from(1));
            DebtSnapshot {
                borrow_shares,
                total_borrow_assets: total_assets,
                total_borrow_shares: total_shares,
            }
        },
    )
}

/// Raw draws for one collateral: price, LT, bonus, and its value as a fraction of the debt.
fn collateral_draw() -> impl Strategy<Value = (U256, Wad, Wad, Wad, bool, U256)> {
    (
        log_uniform(1, 128).prop_map(|price| price.max(U256::from(1))),
        wad_between(10_000_000_000_000_000, 950_000_000_000_000_000),
        wad_between(1_000_000_000_000_000, 200_000_000_000_000_000),
        wad_between(0, 3_000_000_000_000_000_000),
        prop::bool::weighted(0.1),
        log_uniform(0, 64),
    )
}

/// Builds a collateral worth about `fraction / count` of `debt`; `tiny` draws a raw small
/// balance instead. LT is lowered if needed so that `LT * (1 + bonus) < 1`.
fn collateral(
    draw: (U256, Wad, Wad, Wad, bool, U256),
    debt_assets: U256,
    count: usize,
) -> CollateralSnapshot {
    let (price, threshold, bonus, fraction, tiny, raw_balance) = draw;
    let max_threshold = (PRICE_SCALE - U256::from(1)) / (WAD + bonus.0);
    let value = share_of(debt_assets, fraction) / U256::from(count);
    let balance = if tiny {
        raw_balance
    } else {
        mul_div_down(value, PRICE_SCALE, price).expect("balance fits")
    };
    CollateralSnapshot {
        balance,
        price: Price(price),
        liquidation_threshold: Wad(threshold.0.min(max_threshold)),
        bonus,
    }
}

/// A fraction of `amount`: 0, or `amount * f / 2^k` with `f` in `[0, 2]` and `k` in `0..=40`,
/// so that thresholds from about the whole debt down to a tiny part of it are all common.
fn fraction_of(amount: U256) -> impl Strategy<Value = U256> {
    prop_oneof![
        1 => Just(U256::ZERO),
        4 => (wad_between(0, 2_000_000_000_000_000_000), 0..=40_usize)
            .prop_map(move |(fraction, halvings)| share_of(amount, fraction) >> halvings),
    ]
}

/// Market parameters: close factor, full-liquidation HF and fee within their bounds; dust and
/// minimum partial value as fractions of the debt.
fn params(debt_assets: U256) -> impl Strategy<Value = LiquidationParams> {
    (
        prop_oneof![
            Just(500_000_000_000_000_000_u64),
            1..=1_000_000_000_000_000_000_u64
        ],
        prop_oneof![
            Just(950_000_000_000_000_000_u64),
            0..=1_000_000_000_000_000_000_u64
        ],
        0..=500_000_000_000_000_000_u64,
        fraction_of(debt_assets),
        fraction_of(debt_assets),
    )
        .prop_map(
            |(close_factor, full_hf, fee, min_partial, dust)| LiquidationParams {
                close_factor: Wad(U256::from(close_factor)),
                full_liquidation_hf: Wad(U256::from(full_hf)),
                min_partial_liquidation_value: min_partial,
                dust_threshold: dust,
                liquidation_fee: Wad(U256::from(fee)),
            },
        )
}

/// How the liquidator's bound is drawn: the maximum, a fraction of the debt, any amount, or
/// just under the repayment that seizes the whole chosen balance (where collateral dust arises).
#[derive(Debug, Clone, Copy)]
enum Bound {
    Maximum,
    OfDebt(Wad),
    Raw(U256),
    NearCollateralCap(Wad),
}

fn bound() -> impl Strategy<Value = Bound> {
    prop_oneof![
        1 => Just(Bound::Maximum),
        2 => wad_between(0, 1_500_000_000_000_000_000).prop_map(Bound::OfDebt),
        1 => log_uniform(0, 110).prop_map(Bound::Raw),
        1 => wad_between(700_000_000_000_000_000, 1_000_000_000_000_000_000)
            .prop_map(Bound::NearCollateralCap),
    ]
}

fn max_repay(bound: Bound, debt_assets: U256, chosen: &CollateralSnapshot) -> U256 {
    match bound {
        Bound::Maximum => U256::MAX,
        Bound::OfDebt(fraction) => share_of(debt_assets, fraction),
        Bound::Raw(amount) => amount,
        Bound::NearCollateralCap(fraction) => {
            let cap = repay_for_collateral_up(chosen.balance, chosen.price, chosen.bonus)
                .expect("the collateral cap fits");
            share_of(cap, fraction)
        }
    }
}

/// A whole case; the debt is drawn first so that values and parameters scale with it.
pub fn case() -> impl Strategy<Value = Case> {
    debt().prop_flat_map(|debt| {
        let debt_assets = keel_liquidation::debt_assets_up(&debt).expect("debt fits");
        (
            prop::collection::vec(collateral_draw(), 1..=8),
            params(debt_assets),
            any::<prop::sample::Index>(),
            bound(),
        )
            .prop_map(move |(draws, params, index, bound)| {
                let count = draws.len();
                let collaterals = draws
                    .into_iter()
                    .map(|draw| collateral(draw, debt_assets, count))
                    .collect::<Vec<_>>();
                let chosen = index.index(count);
                let max_repay_assets = max_repay(bound, debt_assets, &collaterals[chosen]);
                let collateral_index = u8::try_from(chosen).expect("at most 8");
                Case {
                    collaterals,
                    debt,
                    params,
                    request: LiquidationRequest {
                        collateral_index,
                        max_repay_assets,
                    },
                }
            })
    })
}

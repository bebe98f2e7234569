//! Builders shared by the unit tests.

use keel_math::{Wad, U256, WAD};

use crate::pool::{Pool, Totals, UnbookedInterest};

/// `percent`% as a WAD factor.
pub fn wad_percent(percent: u64) -> Wad {
    Wad(WAD
        .checked_mul(U256::from(percent))
        .and_then(|scaled| scaled.checked_div(U256::from(100)))
        .unwrap_or_default())
}

/// A pool of `assets` and `shares`.
pub fn pool(assets: u128, shares: u128) -> Pool {
    Pool { assets, shares }
}

/// A pool of `assets` at the initial price of 1e6 shares per asset.
pub fn fresh_pool(assets: u128) -> Pool {
    pool(assets, assets.saturating_mul(1_000_000))
}

/// Totals of these pools and reserves, last accrued at time 0.
pub fn totals(supply: Pool, borrow: Pool, reserves: u128) -> Totals {
    Totals {
        supply,
        borrow,
        reserves,
        last_accrual_seconds: 0,
        unbooked: UnbookedInterest::default(),
    }
}

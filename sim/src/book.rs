//! The positions a bot follows: borrowers discovered from the market's
//! `Borrow` events, each with its last `accountSnapshot`.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};
use anyhow::Result;

use crate::chain::{AccountView, Chain};
use crate::units::wad_to_f64;

/// Borrowers and their last snapshots, in address order (deterministic).
#[derive(Default)]
pub struct PositionBook {
    positions: BTreeMap<Address, AccountView>,
}

impl PositionBook {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the borrowers that appeared since the last call, with snapshots.
    pub fn discover(&mut self, chain: &mut dyn Chain) -> Result<()> {
        for account in chain.new_borrowers()? {
            self.refresh(chain, account)?;
        }
        Ok(())
    }

    /// Re-reads one account. While the market refuses to price it (stale
    /// feed) the last snapshot stays: what an indexer would still show.
    pub fn refresh(&mut self, chain: &mut dyn Chain, account: Address) -> Result<()> {
        if let Some(view) = chain.account(account)? {
            self.positions.insert(account, view);
        }
        Ok(())
    }

    /// Re-reads every account with debt (accounts without debt only change
    /// by their own transactions, which refresh them).
    pub fn refresh_all(&mut self, chain: &mut dyn Chain) -> Result<()> {
        self.refresh_where(chain, |_| true)
    }

    /// Re-reads the indebted accounts holding any of the collaterals at
    /// `indices` (listing order): those a new price of theirs moves.
    pub fn refresh_holders(&mut self, chain: &mut dyn Chain, indices: &[usize]) -> Result<()> {
        self.refresh_where(chain, |v| {
            indices
                .iter()
                .any(|i| v.collateral_balances.get(*i).is_some_and(|b| !b.is_zero()))
        })
    }

    fn refresh_where(
        &mut self,
        chain: &mut dyn Chain,
        keep: impl Fn(&AccountView) -> bool,
    ) -> Result<()> {
        let indebted: Vec<Address> = self
            .positions
            .values()
            .filter(|v| !v.debt_assets.is_zero() && keep(v))
            .map(|v| v.account)
            .collect();
        for account in indebted {
            self.refresh(chain, account)?;
        }
        Ok(())
    }

    /// Every followed position.
    pub fn positions(&self) -> impl Iterator<Item = &AccountView> {
        self.positions.values()
    }

    /// One position.
    pub fn get(&self, account: Address) -> Option<&AccountView> {
        self.positions.get(&account)
    }

    /// Positions with debt whose health factor is below `hf`.
    pub fn below(&self, hf: f64) -> impl Iterator<Item = &AccountView> {
        self.positions
            .values()
            .filter(move |v| !v.debt_assets.is_zero() && wad_to_f64(v.health_factor_wad) < hf)
    }

    /// Debt of positions whose collateral value is below their debt, base
    /// units: bad debt waiting to be realised.
    pub fn underwater_debt(&self) -> U256 {
        self.positions
            .values()
            .filter(|v| v.collateral_value < v.debt_assets)
            .fold(U256::ZERO, |sum, v| sum.saturating_add(v.debt_assets))
    }
}

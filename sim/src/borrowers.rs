//! Borrowers: drawn at the start (collateral, size, LTV usage), and the
//! managers among them who repay when their health factor falls below a
//! personal buffer.

use alloy_primitives::{Address, U256};
use anyhow::{anyhow, Result};
use keel_bindings::IKeelMarket;
use keel_devnet::address_of;
use keel_mocks::abi::IERC20;

use crate::book::PositionBook;
use crate::chain::Chain;
use crate::devnet_chain::{revert_reason, DevnetChain};
use crate::pool::mint_and_approve;
use crate::rng::Stream;
use crate::scenario::Borrowers;
use crate::units::{to_units, wad_to_f64};

/// A borrower's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Borrower {
    /// Its address.
    pub address: Address,
    /// Index of its only collateral.
    pub collateral: usize,
    /// Collateral deposited, whole tokens.
    pub collateral_amount: f64,
    /// Debt at opening as a fraction of borrow power.
    pub ltv_usage: f64,
    /// The HF under which it repays (`None`: it never does).
    pub buffer_hf: Option<f64>,
}

/// Draws the borrowers; `prices` are the collaterals' prices at the start.
pub fn draw(params: &Borrowers, prices: &[f64], rng: &mut Stream) -> Vec<Borrower> {
    (0..params.count)
        .map(|i| {
            let collateral = rng.weighted(&params.collateral_weights);
            let value = params.median_collateral_value * (params.size_sigma * rng.normal()).exp();
            let ltv_usage = rng.between(params.ltv_usage);
            let manager = rng.chance(params.manager_share);
            let buffer = rng.between(params.buffer_hf);
            Borrower {
                address: address_of(&format!("keel-sim borrower {i}")),
                collateral,
                collateral_amount: value / prices[collateral],
                ltv_usage,
                buffer_hf: manager.then_some(buffer),
            }
        })
        .collect()
}

/// Deposits `b`'s collateral and borrows its share of the borrow power at
/// the market's current price. Returns whether the borrow went through.
pub fn open(chain: &mut DevnetChain, b: &Borrower) -> Result<bool> {
    let (market, base) = (chain.m.market, chain.m.base);
    let collateral = chain.m.collaterals[b.collateral].clone();
    let amount = to_units(b.collateral_amount, collateral.token_decimals);
    mint_and_approve(&mut chain.m, collateral.token, b.address, amount, market)?;
    // Managers repay from the wallet the loan went to.
    let approve = IERC20::approveCall {
        spender: market,
        amount: U256::MAX,
    };
    chain
        .send(b.address, base, &approve)
        .map_err(|r| anyhow!("approve: {r}"))?;
    let deposit = IKeelMarket::supplyCollateralCall {
        token: collateral.token,
        amount,
        onBehalf: b.address,
    };
    chain
        .send(b.address, market, &deposit)
        .map_err(|r| anyhow!("supplyCollateral: {}", revert_reason(&r)))?;
    let snapshot = chain.market_view(&IKeelMarket::accountSnapshotCall { account: b.address })?;
    let assets = scale(snapshot.borrowPower, b.ltv_usage);
    let borrow = IKeelMarket::borrowCall {
        assets,
        onBehalf: b.address,
        receiver: b.address,
    };
    Ok(!assets.is_zero() && chain.send(b.address, market, &borrow).is_ok())
}

/// Managers whose HF fell below their buffer repay from their wallet
/// toward buffer + 0.1. Returns the accounts that acted.
pub fn manage(
    chain: &mut DevnetChain,
    book: &PositionBook,
    borrowers: &[Borrower],
) -> Result<Vec<Address>> {
    let mut acted = Vec::new();
    for b in borrowers {
        let (Some(buffer), Some(view)) = (b.buffer_hf, book.get(b.address)) else {
            continue;
        };
        let hf = wad_to_f64(view.health_factor_wad);
        if view.debt_assets.is_zero() || hf >= buffer || hf < 1.0 {
            continue; // healthy enough, or already a liquidator's
        }
        // Debt at which HF = buffer + 0.1: liquidation value / target.
        let target_debt = scale(view.liquidation_value, 1.0 / (buffer + 0.1));
        let wallet = chain.base_balance(b.address)?;
        let repay = view.debt_assets.saturating_sub(target_debt).min(wallet);
        if repay.is_zero() {
            continue;
        }
        let call = IKeelMarket::repayCall {
            assets: repay,
            onBehalf: b.address,
        };
        let market = chain.m.market;
        if chain.send(b.address, market, &call).is_ok() {
            acted.push(b.address);
        }
    }
    Ok(acted)
}

/// `amount x factor`, rounded down, through 1e9 fixed point.
fn scale(amount: U256, factor: f64) -> U256 {
    let factor_e9 = U256::from((factor * 1e9) as u64);
    amount.saturating_mul(factor_e9) / U256::from(1_000_000_000u64)
}

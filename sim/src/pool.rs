//! The collateral pools: deployment with the scenario's depth, prices, and
//! the arbitrageur who pulls each pool toward the reference price.

use alloy_primitives::{Address, U256};
use anyhow::{anyhow, Result};
use keel_devnet::{address_of, native};
use keel_mocks::abi::{IConstantProductPool, IMockErc20, PoolConstructor, IERC20};
use keel_mocks::MockConstantProductPool;

use crate::devnet_chain::DevnetChain;
use crate::market::SimMarket;
use crate::units::{to_units, to_whole};

/// Supplies the pools' liquidity.
pub fn liquidity_provider() -> Address {
    address_of("keel-sim liquidity provider")
}

/// Trades pools toward the reference; funded without limit.
pub fn arbitrageur() -> Address {
    address_of("keel-sim arbitrageur")
}

/// Mints `amount` of `token` to `to` and lets `spender` move all of it.
pub fn mint_and_approve(
    m: &mut SimMarket,
    token: Address,
    to: Address,
    amount: U256,
    spender: Address,
) -> Result<()> {
    m.net
        .call(to, token, &IMockErc20::mintCall { to, amount })
        .map_err(|r| anyhow!("mint: {r}"))?;
    let approve = IERC20::approveCall {
        spender,
        amount: U256::MAX,
    };
    m.net
        .call(to, token, &approve)
        .map_err(|r| anyhow!("approve: {r}"))?;
    Ok(())
}

/// Deploys collateral `index`'s pool holding `depth_base` base tokens and
/// the collateral worth as much at `price`.
pub fn deploy_pool(
    m: &mut SimMarket,
    index: usize,
    price: f64,
    depth_base: f64,
    fee_bps: u32,
) -> Result<Address> {
    let (base, collateral) = (m.base, m.collaterals[index].clone());
    let args = PoolConstructor::constructorCall {
        token0: base,
        token1: collateral.token,
        feeBps: U256::from(fee_bps),
    };
    let lp = liquidity_provider();
    let pool = m
        .net
        .deploy_with(lp, native::<MockConstantProductPool>(), &args)
        .map_err(|r| anyhow!("pool deployment: {r}"))?;
    let amount0 = to_units(depth_base, m.base_decimals);
    let amount1 = to_units(depth_base / price, collateral.token_decimals);
    mint_and_approve(m, base, lp, amount0, pool)?;
    mint_and_approve(m, collateral.token, lp, amount1, pool)?;
    m.net
        .call(
            lp,
            pool,
            &IConstantProductPool::addLiquidityCall { amount0, amount1 },
        )
        .map_err(|r| anyhow!("addLiquidity: {r}"))?;
    let whale = U256::from(10u64).pow(U256::from(36u64));
    mint_and_approve(m, base, arbitrageur(), whale, pool)?;
    mint_and_approve(m, collateral.token, arbitrageur(), whale, pool)?;
    Ok(pool)
}

/// A pool's reserves as whole tokens: `(base, collateral)`.
pub fn reserves_whole(chain: &mut DevnetChain, index: usize) -> Result<(f64, f64)> {
    let pool = chain.pools[index];
    let reserves = chain
        .m
        .net
        .view(pool, &IConstantProductPool::getReservesCall {})
        .map_err(|r| anyhow!("getReserves: {r}"))?;
    let decimals = chain.m.collaterals[index].token_decimals;
    Ok((
        to_whole(reserves._0, chain.m.base_decimals),
        to_whole(reserves._1, decimals),
    ))
}

/// The pool's spot price, base per whole collateral token.
pub fn spot_price(chain: &mut DevnetChain, index: usize) -> Result<f64> {
    let (base, collateral) = reserves_whole(chain, index)?;
    Ok(base / collateral)
}

/// Swaps so the pool's price moves `rate` of the way (in log price) to
/// `reference`. The size ignores the fee: arbitrage stops a fee short.
pub fn arbitrage(chain: &mut DevnetChain, index: usize, reference: f64, rate: f64) -> Result<()> {
    let (base, collateral) = reserves_whole(chain, index)?;
    let price = base / collateral;
    let target = price * (reference / price).powf(rate);
    if (target / price - 1.0).abs() < 1e-4 {
        return Ok(());
    }
    let k = base * collateral;
    // On x * y = k the price y / x = p at x = sqrt(k / p), y = sqrt(k p).
    let (token_in, amount_in) = if target < price {
        let token = chain.m.collaterals[index].token;
        let decimals = chain.m.collaterals[index].token_decimals;
        (token, to_units((k / target).sqrt() - collateral, decimals))
    } else {
        (
            chain.m.base,
            to_units((k * target).sqrt() - base, chain.m.base_decimals),
        )
    };
    if amount_in.is_zero() {
        return Ok(());
    }
    let swap = IConstantProductPool::swapCall {
        tokenIn: token_in,
        amountIn: amount_in,
        minAmountOut: U256::ZERO,
        to: arbitrageur(),
    };
    let pool = chain.pools[index];
    chain
        .send(arbitrageur(), pool, &swap)
        .map_err(|r| anyhow!("arbitrage swap: {r}"))?;
    Ok(())
}

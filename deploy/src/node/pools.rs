//! `--with-mocks`' constant-product pools: one per collateral against the
//! base token, at the mocks' starting price, so that a keeper (`keel
//! keeper --rpc ... --pool TOKEN=POOL`) can sell what it seizes.

use crate::config::validate::{FeedParams, MarketParams};
use crate::plan::Externals;
use alloy_primitives::{Address, U256};
use anyhow::{anyhow, Result};
use keel_devnet::{address_of, native, Devnet};
use keel_mocks::abi::{IConstantProductPool, IMockErc20, PoolConstructor, IERC20};
use keel_mocks::MockConstantProductPool;

/// Whole base tokens on the base side of each pool.
pub const POOL_DEPTH_BASE: u64 = 1_000_000;

/// Each pool's swap fee, basis points (Uniswap v2's 0.3%).
pub const POOL_FEE_BPS: u64 = 30;

fn pow10(decimals: u8) -> U256 {
    U256::from(10).pow(U256::from(decimals))
}

fn answer_units(feed: &FeedParams) -> Result<U256> {
    U256::try_from(feed.devnet_answer).map_err(|_| anyhow!("a negative mock answer"))
}

/// Deploys a pool per collateral of `params` (mocks `ext`), holding
/// [`POOL_DEPTH_BASE`] base tokens and the collateral worth as much at the
/// mock feeds' answers; returns the pools in collateral order.
///
/// Errors: a negative or zero answer, a mock call that reverts.
pub fn deploy_pools(
    net: &mut Devnet,
    params: &MarketParams,
    ext: &Externals,
) -> Result<Vec<Address>> {
    let provider = address_of("keel node liquidity provider");
    let base_units = U256::from(POOL_DEPTH_BASE) * pow10(params.base.decimals);
    let mut pools = Vec::new();
    for (collateral, mocks) in params.collaterals.iter().zip(&ext.collaterals) {
        // Base per collateral = answer / 10^d, divided by the base feed's
        // when the feed is not quoted in the base token.
        let mut numerator =
            base_units * pow10(collateral.token.decimals) * pow10(collateral.feed.decimals);
        let mut denominator = answer_units(&collateral.feed)? * pow10(params.base.decimals);
        if let Some(base_feed) = &collateral.base_feed {
            numerator *= answer_units(base_feed)?;
            denominator *= pow10(base_feed.decimals);
        }
        let collateral_units = numerator
            .checked_div(denominator)
            .ok_or_else(|| anyhow!("a zero mock answer"))?;
        let args = PoolConstructor::constructorCall {
            token0: ext.base,
            token1: mocks.token,
            feeBps: U256::from(POOL_FEE_BPS),
        };
        let pool = net
            .deploy_with(provider, native::<MockConstantProductPool>(), &args)
            .map_err(|r| anyhow!("pool deployment: {r}"))?;
        for (token, amount) in [(ext.base, base_units), (mocks.token, collateral_units)] {
            let mint = IMockErc20::mintCall {
                to: provider,
                amount,
            };
            net.call(provider, token, &mint)
                .map_err(|r| anyhow!("mint: {r}"))?;
            let approve = IERC20::approveCall {
                spender: pool,
                amount,
            };
            net.call(provider, token, &approve)
                .map_err(|r| anyhow!("approve: {r}"))?;
        }
        let add = IConstantProductPool::addLiquidityCall {
            amount0: base_units,
            amount1: collateral_units,
        };
        net.call(provider, pool, &add)
            .map_err(|r| anyhow!("addLiquidity: {r}"))?;
        pools.push(pool);
    }
    Ok(pools)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_pools_hold_the_base_and_the_collateral_at_the_feed_price() {
        let file = crate::config::parse(crate::demo::EXAMPLE_CONFIG).unwrap();
        let params = crate::config::validate::validate(&file).unwrap();
        let mut net = Devnet::new();
        let ext = crate::devnet::deploy_mocks(&mut net, &params).unwrap();
        let pools = deploy_pools(&mut net, &params, &ext).unwrap();
        let reserves = |net: &mut Devnet, pool| {
            net.view(pool, &IConstantProductPool::getReservesCall {})
                .unwrap()
        };
        // 1,000,000 USDC against 500 WETH at 2,000 and 16.67 WBTC at 60,000.
        let weth = reserves(&mut net, pools[0]);
        assert_eq!(
            (weth._0, weth._1),
            (U256::from(10u64.pow(12)), U256::from(500) * pow10(18))
        );
        let wbtc = reserves(&mut net, pools[1]);
        assert_eq!(
            wbtc._1,
            U256::from(1_666_666_666u64),
            "1e6 / 60,000 WBTC, rounded down to satoshis"
        );
    }
}

//! What `keel deploy` prints about a deployed market: addresses and the
//! configuration read back from the chain through the bindings.

use crate::config::validate::{wad, MarketParams};
use crate::devnet::DevnetMarket;
use alloy_primitives::utils::format_units;
use alloy_primitives::U256;
use alloy_sol_types::SolCall;
use anyhow::{anyhow, Result};
use keel_bindings::IKeelMarket;
use std::fmt::Write;

/// Whole tokens with at most `shown` decimals, or `unlimited` at or above `u128` max.
pub fn amount(value: U256, decimals: u8, shown: usize) -> String {
    if value >= U256::from(u128::MAX) {
        return "unlimited".into();
    }
    let text = format_units(value, decimals).unwrap_or_else(|_| value.to_string());
    match text.split_once('.') {
        Some((whole, fraction)) if shown > 0 => {
            format!("{whole}.{}", &fraction[..shown.min(fraction.len())])
        }
        Some((whole, _)) => whole.to_owned(),
        None => text,
    }
}

/// Calls a view of the market.
///
/// Errors: the view reverts.
pub fn view<C: SolCall>(m: &mut DevnetMarket, call: &C) -> Result<C::Return> {
    let market = m.market;
    m.net
        .view(market, call)
        .map_err(|r| anyhow!("{}: {r}", C::SIGNATURE))
}

/// The devnet market's addresses and configuration, read from the chain.
///
/// Errors: a view reverts.
pub fn describe(m: &mut DevnetMarket, params: &MarketParams) -> Result<String> {
    let market = m.market;
    let owner = view(m, &IKeelMarket::ownerCall {})?;
    let pending = view(m, &IKeelMarket::pendingOwnerCall {})?;
    let guardian = view(m, &IKeelMarket::guardianCall {})?;
    let base = view(m, &IKeelMarket::baseAssetCall {})?;
    let mut out = String::new();
    let _ = writeln!(out, "{} on the in-process devnet", params.name);
    let _ = writeln!(out, "  market          {market}");
    let _ = writeln!(out, "  owner           {owner} (pending: {pending})");
    let _ = writeln!(out, "  guardian        {guardian}");
    let _ = writeln!(
        out,
        "  base asset      {} {base} (mock)",
        params.base.symbol
    );
    let (rate, rf) = (params.rate_model, params.reserve_factor);
    let apr = |per_second: u64| {
        amount(
            U256::from(per_second) * U256::from(keel_debt::SECONDS_PER_YEAR),
            18,
            4,
        )
    };
    let _ = writeln!(
        out,
        "  rate model      base {} + {} up to {} utilisation, + {} above (APR); reserve factor {}",
        apr(rate.0),
        apr(rate.1),
        wad(U256::from(rate.3)),
        apr(rate.2),
        wad(U256::from(rf))
    );
    let (cf, full_hf, fee, min_partial, dust) = params.liquidation;
    let d = params.base.decimals;
    let _ = writeln!(
        out,
        "  liquidation     close factor {}, full below HF {}, fee {} of the bonus, min partial {}, dust {}",
        wad(U256::from(cf)),
        wad(U256::from(full_hf)),
        wad(U256::from(fee)),
        amount(min_partial, d, 2),
        amount(dust, d, 2)
    );
    let _ = writeln!(
        out,
        "  caps            supply {}, borrow {}",
        amount(params.supply_cap, d, 0),
        amount(params.borrow_cap, d, 0)
    );
    for (c, e) in params
        .collaterals
        .iter()
        .zip(m.externals.collaterals.clone())
    {
        let info = view(m, &IKeelMarket::collateralInfoCall { token: e.token })?;
        let price = view(m, &IKeelMarket::collateralPriceCall { token: e.token })?;
        let unit_price = price * U256::from(10).pow(U256::from(c.token.decimals))
            / U256::from(10).pow(U256::from(36));
        let _ = writeln!(
            out,
            "  collateral {}    {} {} (mock; feed {}): LTV {}, LT {}, bonus {}, cap {}, price {} {}",
            info.index,
            c.token.symbol,
            e.token,
            e.feed,
            wad(info.ltv),
            wad(info.liquidationThreshold),
            wad(info.bonus),
            amount(info.cap, c.token.decimals, 0),
            amount(unit_price, d, 2),
            params.base.symbol
        );
    }
    Ok(out)
}

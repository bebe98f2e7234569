//! Worked examples, with the arithmetic in the comments.
//!
//! Base asset: a 6-decimal dollar token (1 USD = 1e6 units). Collaterals: WETH (18 decimals,
//! $2,000, price `2000e6 * 1e36 / 1e18 = 2e27`) and WBTC (8 decimals, $50,000, price
//! `50000e6 * 1e36 / 1e8 = 5e38`). Borrow shares are priced at exactly 1e-6 asset per share:
//! `A + 1 = 1e12`, `S + 1e6 = 1e18`, and the borrower of `d` assets holds `d * 1e6` shares.
//! Market parameters unless said otherwise: close factor 50%, full liquidation below HF 0.95,
//! `minPartialLiquidationValue` $2,000, `dustThreshold` $1,000, protocol fee 10% of the bonus.
#![allow(clippy::arithmetic_side_effects)]

use keel_math::{Price, Wad, PRICE_SCALE, U256, WAD};

use crate::config::percent;
use crate::{
    decide_liquidation, CollateralNotHeld, CollateralPriceZero, CollateralSnapshot, DebtSnapshot,
    LiquidationError, LiquidationLeavesDust, LiquidationOutcome, LiquidationParams,
    LiquidationRequest, PositionSnapshot, ZeroRepay, DEFAULT_CLOSE_FACTOR,
    DEFAULT_FULL_LIQUIDATION_HF,
};

/// $2,000 per ETH: `2000e6 * 1e36 / 1e18 = 2e27`.
const WETH_PRICE: Price = Price(U256::from_limbs([
    (2_000_000_000_000_000_000_000_000_000_u128 & 0xFFFF_FFFF_FFFF_FFFF) as u64,
    (2_000_000_000_000_000_000_000_000_000_u128 >> 64) as u64,
    0,
    0,
]));

fn usd(dollars: u64) -> U256 {
    U256::from(dollars) * U256::from(1_000_000)
}

/// `milli_ether / 1000` ETH in wei.
fn weth(milli_ether: u64) -> U256 {
    U256::from(milli_ether) * U256::from(1_000_000_000_000_000_u64)
}

fn wbtc_price() -> Price {
    Price(U256::from(500) * PRICE_SCALE)
}

fn eth(balance: U256, threshold: Wad, bonus: Wad) -> CollateralSnapshot {
    CollateralSnapshot {
        balance,
        price: WETH_PRICE,
        liquidation_threshold: threshold,
        bonus,
    }
}

fn btc(sats: u64, threshold: Wad, bonus: Wad) -> CollateralSnapshot {
    CollateralSnapshot {
        balance: U256::from(sats),
        price: wbtc_price(),
        liquidation_threshold: threshold,
        bonus,
    }
}

/// A borrower owing `assets` units in a market priced at 1e-6 asset per share.
fn debt_of(assets: U256) -> DebtSnapshot {
    DebtSnapshot {
        borrow_shares: assets * U256::from(1_000_000),
        total_borrow_assets: U256::from(1_000_000_000_000_u64) - U256::from(1),
        total_borrow_shares: U256::from(10_u64.pow(18)) - U256::from(1_000_000),
    }
}

fn market(min_partial: U256, dust: U256) -> LiquidationParams {
    LiquidationParams {
        close_factor: DEFAULT_CLOSE_FACTOR,
        full_liquidation_hf: DEFAULT_FULL_LIQUIDATION_HF,
        min_partial_liquidation_value: min_partial,
        dust_threshold: dust,
        liquidation_fee: percent(10),
    }
}

fn liquidate(
    collaterals: &[CollateralSnapshot],
    debt: U256,
    params: &LiquidationParams,
    index: u8,
    max_repay_assets: U256,
) -> Result<LiquidationOutcome, LiquidationError> {
    let position = PositionSnapshot {
        collaterals,
        debt: debt_of(debt),
    };
    let request = LiquidationRequest {
        collateral_index: index,
        max_repay_assets,
    };
    decide_liquidation(&position, params, &request)
}

/// The default market of these examples: $2,000 minimum partial value, $1,000 dust threshold.
fn default_market() -> LiquidationParams {
    market(usd(2_000), usd(1_000))
}

/// The maximum request against collateral 0 in the default market.
fn liquidate_maximum(collaterals: &[CollateralSnapshot], debt: U256) -> LiquidationOutcome {
    liquidate(collaterals, debt, &default_market(), 0, U256::MAX).expect("liquidatable")
}

fn hf(hundredths: u64) -> Wad {
    Wad(U256::from(hundredths) * WAD / U256::from(100))
}

#[test]
fn weth_price_constant_is_two_thousand_dollars() {
    assert_eq!(
        WETH_PRICE.0,
        U256::from(2) * U256::from(10_u64.pow(9)) * U256::from(10_u64.pow(18))
    );
}

/// Two collaterals at HF 0.97: the close factor caps the repayment at 50% of the debt.
#[test]
fn two_collateral_position_at_hf_0_97_is_capped_at_half() {
    // WETH 4 ETH = $8,000, LT 80% -> $6,400; WBTC 0.075 BTC = $3,750, LT 88% -> $3,300.
    // W = $9,700, D = $10,000, HF = 0.97 >= 0.95 and both values >= $2,000: partial.
    let collaterals = [
        eth(weth(4_000), percent(80), percent(5)),
        btc(
            7_500_000,
            percent(88),
            Wad(WAD * U256::from(75) / U256::from(1000)),
        ),
    ];
    let outcome = liquidate_maximum(&collaterals, usd(10_000));
    assert_eq!(outcome.health_factor_before, hf(97));
    // Cap: ceil(0.5 * $10,000) = $5,000 (< R = ceil($8,000 / 1.05) = $7,619.047620).
    assert_eq!(outcome.amounts.repaid_assets, usd(5_000));
    assert_eq!(
        outcome.amounts.repaid_shares,
        usd(5_000) * U256::from(1_000_000)
    );
    // Seized: 5000e6 * 1.05e36 / 2e27 = 2.625 ETH; fee: 2.625 * 0.05 / 1.05 * 10% = 0.0125 ETH.
    assert_eq!(outcome.amounts.seized_collateral, weth(2_625));
    assert_eq!(
        outcome.amounts.protocol_fee_collateral,
        weth(2_625) / U256::from(210)
    );
    assert_eq!(
        outcome.amounts.liquidator_collateral,
        U256::from(2_612_500_000_000_000_000_u64)
    );
    // Left: 1.375 ETH ($2,750) and $5,000 of debt, both above the $1,000 dust threshold.
    assert_eq!(outcome.remaining_collateral, weth(1_375));
    assert_eq!(outcome.remaining_debt_assets, usd(5_000));
    // HF after: (1.375 * 2000 * 0.8 + 3,300) / 5,000 = (2,200 + 3,300) / 5,000 = 1.10.
    assert_eq!(outcome.health_factor_after, hf(110));
    assert_eq!(outcome.bad_debt_assets, U256::ZERO);
}

/// HF 0.90 < 0.95: the whole debt may go in one liquidation.
#[test]
fn position_at_hf_0_90_is_fully_liquidatable() {
    // WETH 6 ETH = $12,000, LT 75% -> $9,000; D = $10,000; HF = 0.90.
    let collaterals = [eth(weth(6_000), percent(75), percent(5))];
    let outcome = liquidate_maximum(&collaterals, usd(10_000));
    assert_eq!(outcome.health_factor_before, hf(90));
    // Cap: D = $10,000 (< R = ceil($12,000 / 1.05) = $11,428.571429).
    assert_eq!(outcome.amounts.repaid_assets, usd(10_000));
    // Seized: 10000e6 * 1.05 / 2000 = 5.25 ETH; fee 5.25 * 0.05 / 1.05 * 10% = 0.025 ETH.
    assert_eq!(outcome.amounts.seized_collateral, weth(5_250));
    assert_eq!(outcome.amounts.protocol_fee_collateral, weth(25));
    assert_eq!(outcome.amounts.liquidator_collateral, weth(5_225));
    // The borrower keeps 0.75 ETH and owes nothing: the health factor is infinite.
    assert_eq!(outcome.remaining_collateral, weth(750));
    assert_eq!(outcome.remaining_debt_shares, U256::ZERO);
    assert_eq!(outcome.health_factor_after, Wad(U256::MAX));
}

/// A debt under `minPartialLiquidationValue` may be repaid in full even at HF 0.97.
#[test]
fn small_debt_is_fully_liquidatable() {
    // WETH 1 ETH = $2,000, LT 72.75% -> $1,455; D = $1,500 < $2,000; HF = 0.97.
    let threshold = Wad(U256::from(727_500_000_000_000_000_u64));
    let collaterals = [eth(weth(1_000), threshold, percent(5))];
    let no_dust = market(usd(2_000), U256::ZERO);
    let outcome = liquidate(&collaterals, usd(1_500), &no_dust, 0, U256::MAX).unwrap();
    assert_eq!(outcome.health_factor_before, hf(97));
    // Repaid $1,500 (< R = ceil($2,000 / 1.05) = $1,904.761905); seized 0.7875 ETH.
    assert_eq!(outcome.amounts.repaid_assets, usd(1_500));
    assert_eq!(
        outcome.amounts.seized_collateral,
        weth(787) + weth(1) / U256::from(2)
    );
    // Without the small-position rule (threshold 0) the close factor caps at $750.
    let capped = liquidate(
        &collaterals,
        usd(1_500),
        &market(U256::ZERO, U256::ZERO),
        0,
        U256::MAX,
    );
    assert_eq!(capped.unwrap().amounts.repaid_assets, usd(750));
}

/// A chosen collateral worth under `minPartialLiquidationValue` lifts the close factor.
#[test]
fn small_chosen_collateral_is_fully_liquidatable() {
    // D = $3,000. WBTC 0.038 BTC = $1,900, LT 90% -> $1,710; WETH 1 ETH, LT 60% -> $1,200.
    // W = $2,910, HF = 0.97; dust threshold $100 here.
    let weth_position = eth(weth(1_000), percent(60), percent(5));
    let collaterals = [btc(3_800_000, percent(90), percent(5)), weth_position];
    let params = market(usd(2_000), usd(100));
    let outcome = liquidate(&collaterals, usd(3_000), &params, 0, U256::MAX).unwrap();
    // WBTC $1,900 < $2,000: cap D = $3,000; R = ceil(1900e6 / 1.05) = 1,809,523,810 binds.
    assert_eq!(outcome.amounts.repaid_assets, U256::from(1_809_523_810_u64));
    // floor(1,809,523,810 * 1.05e36 / 5e38) = floor(3,800,000.001) = 3,800,000: all of it.
    assert_eq!(outcome.amounts.seized_collateral, U256::from(3_800_000));
    // Fee: ceil(3,800,000 * 0.05 / 1.05 * 10%) = ceil(18,095.24) = 18,096 sats.
    assert_eq!(outcome.amounts.protocol_fee_collateral, U256::from(18_096));
    assert_eq!(outcome.amounts.liquidator_collateral, U256::from(3_781_904));
    // Debt left: 3,000,000,000 - 1,809,523,810 = 1,190,476,190; WETH remains, no bad debt.
    assert_eq!(outcome.remaining_debt_assets, U256::from(1_190_476_190_u64));
    assert_eq!(outcome.bad_debt_shares, U256::ZERO);

    // WBTC 0.042 BTC = $2,100 (LT 90% -> $1,890) with WETH at LT 50% ($1,000): W = $2,890,
    // HF = 0.9633; every value >= $2,000, so the close factor applies: repay $1,500, seize
    // floor(1500e6 * 1.05e36 / 5e38) = 3,150,000 sats, leaving 1,050,000 sats ($525 > $100).
    let collaterals = [
        btc(4_200_000, percent(90), percent(5)),
        eth(weth(1_000), percent(50), percent(5)),
    ];
    let outcome = liquidate(&collaterals, usd(3_000), &params, 0, U256::MAX).unwrap();
    assert_eq!(outcome.amounts.repaid_assets, usd(1_500));
    assert_eq!(outcome.amounts.seized_collateral, U256::from(3_150_000));
    assert_eq!(outcome.remaining_collateral, U256::from(1_050_000));
}

/// Underwater: all collateral goes, the rest of the debt is bad debt written off at once.
#[test]
fn underwater_position_loses_all_collateral_and_reports_bad_debt() {
    // WETH 4 ETH = $8,000, LT 80% -> $6,400; D = $10,000; HF = 0.64 (value < debt).
    let collaterals = [eth(weth(4_000), percent(80), percent(5))];
    let outcome = liquidate_maximum(&collaterals, usd(10_000));
    assert_eq!(outcome.health_factor_before, hf(64));
    // R = ceil(8000e6 / 1.05) = ceil(7,619,047,619.05) = 7,619,047,620 (< D).
    assert_eq!(outcome.amounts.repaid_assets, U256::from(7_619_047_620_u64));
    // floor(7,619,047,620 * 1.05e36 / 2e27) = 4.0000000005e18, capped at the 4 ETH held.
    assert_eq!(outcome.amounts.seized_collateral, weth(4_000));
    // Fee: ceil(4e18 * 0.05 / 1.05 * 10%) = ceil(19,047,619,047,619,047.6).
    assert_eq!(
        outcome.amounts.protocol_fee_collateral,
        U256::from(19_047_619_047_619_048_u64)
    );
    assert_eq!(
        outcome.amounts.liquidator_collateral,
        U256::from(3_980_952_380_952_380_952_u64)
    );
    // 10,000,000,000 - 7,619,047,620 = 2,380,952,380 units (x 1e6 shares) are written off.
    assert_eq!(outcome.bad_debt_assets, U256::from(2_380_952_380_u64));
    assert_eq!(
        outcome.bad_debt_shares,
        U256::from(2_380_952_380_u64) * U256::from(1_000_000)
    );
    assert_eq!(outcome.remaining_debt_shares, U256::ZERO);
    assert_eq!(outcome.remaining_debt_assets, U256::ZERO);
    assert_eq!(outcome.health_factor_after, Wad(U256::MAX));
    // Totals lose the repaid and the written-off debt: $10,000 and 1e16 shares in all.
    let before = debt_of(usd(10_000));
    assert_eq!(
        outcome.total_borrow_assets_after,
        before.total_borrow_assets - usd(10_000)
    );
    assert_eq!(
        outcome.total_borrow_shares_after,
        before.total_borrow_shares - before.borrow_shares
    );
}

/// D = $10,000; WETH 2.75 ETH = $5,500 (LT 80% -> $4,400); WBTC 0.1325 BTC = $6,625
/// (LT 80% -> $5,300). W = $9,700, HF = 0.97: close factor 50%, cap $5,000.
fn dusty_position() -> [CollateralSnapshot; 2] {
    [
        eth(weth(2_750), percent(80), percent(5)),
        btc(13_250_000, percent(80), percent(5)),
    ]
}

/// Repaying the $5,000 cap would seize 2.625 ETH and leave 0.125 ETH = $250 < $1,000: the
/// maximum request extends to the whole WETH balance, past the close factor.
#[test]
fn dust_rule_extends_a_maximum_request() {
    let outcome = liquidate_maximum(&dusty_position(), usd(10_000));
    // R = ceil(5500e6 / 1.05) = ceil(5,238,095,238.1) = 5,238,095,239.
    assert_eq!(outcome.amounts.repaid_assets, U256::from(5_238_095_239_u64));
    assert_eq!(outcome.amounts.seized_collateral, weth(2_750));
    assert_eq!(outcome.remaining_collateral, U256::ZERO);
    // Fee: ceil(2.75e18 * 0.05 / 1.05 * 10%) = ceil(13,095,238,095,238,095.2).
    assert_eq!(
        outcome.amounts.protocol_fee_collateral,
        U256::from(13_095_238_095_238_096_u64)
    );
    // Debt left 4,761,904,761 against WBTC $5,300: HF = floor(5300e6 * 1e18 / 4,761,904,761).
    assert_eq!(outcome.remaining_debt_assets, U256::from(4_761_904_761_u64));
    assert_eq!(
        outcome.health_factor_after,
        Wad(U256::from(1_113_000_000_211_470_000_u64))
    );
}

/// The same position with the request bounded at $5,000 (less than the $5,238.095239 of the
/// extension): trim so that at least $1,000 of WETH (0.5 ETH) stays.
#[test]
fn dust_rule_trims_a_bounded_request_on_collateral() {
    let outcome = liquidate(
        &dusty_position(),
        usd(10_000),
        &default_market(),
        0,
        usd(5_000),
    )
    .unwrap();
    // Seize at most 2.75 - 0.5 = 2.25 ETH: repayments below
    // ceil((2.25e18 + 1) * 2e27 / 1.05e36) = ceil(4,285,714,285.714287) = 4,285,714,286 do.
    assert_eq!(outcome.amounts.repaid_assets, U256::from(4_285_714_285_u64));
    // floor(4,285,714,285 * 1.05e36 / 2e27) = 2,249,999,999,625,000,000 wei.
    assert_eq!(
        outcome.amounts.seized_collateral,
        U256::from(2_249_999_999_625_000_000_u64)
    );
    // 0.500000000375 ETH left, worth floor($1,000.00000075) = $1,000: at the threshold.
    assert_eq!(
        outcome.remaining_collateral,
        U256::from(500_000_000_375_000_000_u64)
    );
    assert_eq!(
        WETH_PRICE.to_base_down(outcome.remaining_collateral),
        Ok(usd(1_000))
    );
}

/// D = $1,500 (full liquidation allowed) against 1 ETH: a $1,000 request would leave $500.
#[test]
fn dust_rule_trims_a_bounded_request_on_debt() {
    let threshold = Wad(U256::from(727_500_000_000_000_000_u64));
    let collaterals = [eth(weth(1_000), threshold, percent(5))];
    let outcome = liquidate(&collaterals, usd(1_500), &default_market(), 0, usd(1_000)).unwrap();
    // Keep min_shares_reaching($1,000) = to_shares_down(1e9 - 1) + 1 = 1e15 - 999,999 shares:
    // burn 1.5e15 - (1e15 - 999,999) = 500,000,000,999,999 shares, costing
    // ceil(500,000,000.999999) = 500,000,001 and leaving ceil(999,999,999.000001) = $1,000.
    assert_eq!(
        outcome.amounts.repaid_shares,
        U256::from(500_000_000_999_999_u64)
    );
    assert_eq!(outcome.amounts.repaid_assets, U256::from(500_000_001_u64));
    assert_eq!(outcome.remaining_debt_assets, usd(1_000));
    // The maximum request takes the whole $1,500 instead.
    let full = liquidate(&collaterals, usd(1_500), &default_market(), 0, U256::MAX);
    assert_eq!(full.unwrap().amounts.repaid_assets, usd(1_500));
}

/// D = $900 < dust: any partial amount leaves dust, so a bounded request fails with the
/// amount that would clear it.
#[test]
fn dust_rule_names_the_full_amount_when_nothing_partial_is_possible() {
    // WETH 1 ETH, LT 40% -> $800 against $900: HF 0.889.
    let collaterals = [eth(weth(1_000), percent(40), percent(5))];
    let params = default_market();
    assert_eq!(
        liquidate(&collaterals, usd(900), &params, 0, usd(500)),
        Err(LiquidationError::from(LiquidationLeavesDust {
            fullRepayAssets: usd(900)
        }))
    );
    assert_eq!(
        liquidate(&collaterals, usd(900), &params, 0, usd(900))
            .unwrap()
            .amounts
            .repaid_assets,
        usd(900)
    );
}

/// Base and collateral at par (price 1e36), bonus 5%, protocol fee 10% of the bonus.
#[test]
fn fee_rounds_up_against_the_liquidator() {
    // 1,000 units of collateral at LT 90% against a debt of 1,000: HF 0.90, full; no dust.
    let par = CollateralSnapshot {
        balance: U256::from(1_000),
        price: Price(PRICE_SCALE),
        liquidation_threshold: percent(90),
        bonus: percent(5),
    };
    let params = market(U256::ZERO, U256::ZERO);
    let take =
        |repay: u64| liquidate(&[par], U256::from(1_000), &params, 0, U256::from(repay)).unwrap();
    // Repay 100: seize floor(105) = 105; bonus part 5; fee ceil(0.5) = 1; liquidator 104.
    let outcome = take(100);
    assert_eq!(
        (
            outcome.amounts.seized_collateral,
            outcome.amounts.protocol_fee_collateral
        ),
        (U256::from(105), U256::from(1))
    );
    assert_eq!(outcome.amounts.liquidator_collateral, U256::from(104));
    // Repay 20: seize 21; bonus part 1; fee ceil(0.1) = 1; the liquidator gets 20 for 20.
    let outcome = take(20);
    assert_eq!(
        (
            outcome.amounts.seized_collateral,
            outcome.amounts.liquidator_collateral
        ),
        (U256::from(21), U256::from(20))
    );
    // Repay 210: seize floor(220.5) = 220; bonus part 10.48; fee ceil(1.048) = 2; gets 218.
    let outcome = take(210);
    assert_eq!(
        (
            outcome.amounts.seized_collateral,
            outcome.amounts.protocol_fee_collateral
        ),
        (U256::from(220), U256::from(2))
    );
}

/// Self-liquidation: the borrower liquidating itself loses exactly the protocol fee.
#[test]
fn self_liquidation_costs_the_fee() {
    // The HF 0.97 example: pay $5,000, get 2.6125 ETH = $5,225 into the wallet, lose 2.625 ETH
    // = $5,250 of collateral and $5,000 of debt: -5,000 + 5,225 - 5,250 + 5,000 = -$25, the
    // fee of 0.0125 ETH.
    let collaterals = [
        eth(weth(4_000), percent(80), percent(5)),
        btc(7_500_000, percent(88), percent(5)),
    ];
    let outcome = liquidate_maximum(&collaterals, usd(10_000));
    let value = |wei: U256| WETH_PRICE.to_base_down(wei).unwrap();
    let debt_cleared = usd(10_000) - outcome.remaining_debt_assets;
    let gained = value(outcome.amounts.liquidator_collateral) + debt_cleared;
    let paid = outcome.amounts.repaid_assets + value(outcome.amounts.seized_collateral);
    assert_eq!(paid - gained, usd(25));
    assert_eq!(value(outcome.amounts.protocol_fee_collateral), usd(25));
}

#[test]
fn healthy_position_cannot_be_liquidated() {
    // WETH 4 ETH at LT 80% = $6,400 against $6,400: HF exactly 1.0 is not liquidatable.
    let collaterals = [eth(weth(4_000), percent(80), percent(5))];
    let params = default_market();
    assert_eq!(
        liquidate(&collaterals, usd(6_400), &params, 0, U256::MAX),
        Err(crate::errors::position_healthy(WAD))
    );
    assert!(liquidate(
        &collaterals,
        usd(6_400) + U256::from(1),
        &params,
        0,
        U256::MAX
    )
    .is_ok());
    // No debt at all: HF is infinite.
    assert_eq!(
        liquidate(&collaterals, U256::ZERO, &params, 0, U256::MAX),
        Err(crate::errors::position_healthy(U256::MAX))
    );
}

#[test]
fn request_errors_are_named() {
    let collaterals = [
        eth(weth(4_000), percent(80), percent(5)),
        eth(U256::ZERO, percent(80), percent(5)),
    ];
    let params = default_market();
    let debt = usd(10_000);
    for index in [1, 2, 255] {
        assert_eq!(
            liquidate(&collaterals, debt, &params, index, U256::MAX),
            Err(LiquidationError::from(CollateralNotHeld { index }))
        );
    }
    assert_eq!(
        liquidate(&collaterals, debt, &params, 0, U256::ZERO),
        Err(LiquidationError::from(ZeroRepay {}))
    );
    let unpriced = [CollateralSnapshot {
        price: Price(U256::ZERO),
        ..collaterals[0]
    }];
    assert_eq!(
        liquidate(&unpriced, debt, &params, 0, U256::MAX),
        Err(LiquidationError::from(CollateralPriceZero { index: 0 }))
    );
}

/// When one borrow share costs more than the caps allow, one share is still burnt for a
/// request that covers it, so the maximum request never stalls.
#[test]
fn coarse_shares_burn_at_least_one_share() {
    // A + 1 = 1e9 and S + 1e6 = 1e6 + 10: a share costs ceil(1e9 / 1,000,010) = 1,000 units.
    let debt = DebtSnapshot {
        borrow_shares: U256::from(10),
        total_borrow_assets: U256::from(999_999_999),
        total_borrow_shares: U256::from(10),
    };
    // D = ceil(10 * 1e9 / 1,000,010) = ceil(9,999.9) = 10,000 units. One unit of collateral
    // worth 500 units, LT 50%: W = 250, HF 0.025.
    let collateral = CollateralSnapshot {
        balance: U256::from(1),
        price: Price(U256::from(500) * PRICE_SCALE),
        liquidation_threshold: percent(50),
        bonus: percent(5),
    };
    // Value 500 units, R = ceil(500 / 1.05) = 477 < 1,000: no whole share fits R, so one share
    // (cost 1,000) is burnt and the unit of collateral seized.
    let position = PositionSnapshot {
        collaterals: &[collateral],
        debt,
    };
    let params = market(U256::ZERO, U256::ZERO);
    let outcome = decide_liquidation(&position, &params, &LiquidationRequest::maximum(0)).unwrap();
    assert_eq!(outcome.amounts.repaid_shares, U256::from(1));
    assert_eq!(outcome.amounts.repaid_assets, U256::from(1_000));
    assert_eq!(outcome.amounts.seized_collateral, U256::from(1));
    // The 9 other shares are written off: no collateral is left.
    assert_eq!(outcome.bad_debt_shares, U256::from(9));
    // A request below one share's cost repays nothing.
    let small = LiquidationRequest {
        collateral_index: 0,
        max_repay_assets: U256::from(999),
    };
    assert_eq!(
        decide_liquidation(&position, &params, &small),
        Err(LiquidationError::from(ZeroRepay {}))
    );
}

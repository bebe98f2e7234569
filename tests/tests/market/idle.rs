//! Issue 13, defect 2: a market left untouched for years at the highest rate
//! keeps working. Accrual saturates at keel-debt's `MAX_ACCRUED_TOTAL`
//! instead of failing, so repay-all, liquidation and withdraw-all succeed
//! after 1, 10, 100 and 1,000 years (before the fix every entry point failed
//! with `DebtMathError` after 7 years).

use alloy_primitives::{Address, U256};
use keel_debt::{MAX_ACCRUED_TOTAL, MAX_BORROW_RATE_PER_SECOND, SECONDS_PER_YEAR};
use keel_tests::*;

fn max_rate_market() -> Fixture {
    let mut fx = Fixture::new();
    let max_rate: u64 = MAX_BORROW_RATE_PER_SECOND.saturating_to();
    let flat = (max_rate, 0, 0, 800_000_000_000_000_000);
    fx.owner_call(&IKeelMarket::setRateModelCall { rateModel: flat })
        .unwrap();
    fx.standard_positions();
    let (carol, dave, weth) = (fx.carol, fx.dave, fx.weth);
    fx.borrow(carol, usdc(50_000)).unwrap();
    fx.supply_collateral(dave, weth, units(10, 18));
    fx.borrow(dave, usdc(5_000)).unwrap();
    fx
}

/// A liquidation of `token` with `type(uint256).max`, the liquidator funded
/// for exactly what the preview says it pays; returns the preview.
fn liquidate_all_of(fx: &mut Fixture, token: Address) -> IKeelMarket::previewLiquidationReturn {
    let (carol, liquidator) = (fx.carol, fx.liquidator);
    let preview = fx
        .view(&IKeelMarket::previewLiquidationCall {
            borrower: carol,
            token,
            maxRepayAssets: U256::MAX,
        })
        .unwrap();
    fx.mint(fx.base, liquidator, preview.repaidAssets);
    let liquidate = IKeelMarket::liquidateCall {
        borrower: carol,
        token,
        maxRepayAssets: U256::MAX,
        receiver: liquidator,
        data: Default::default(),
    };
    let (repaid, seized) = fx.call(liquidator, &liquidate).unwrap().into();
    assert_eq!(
        (repaid, seized),
        (preview.repaidAssets, preview.seizedCollateral)
    );
    preview
}

#[test]
fn repay_all_liquidation_and_withdraw_all_work_after_centuries_at_the_highest_rate() {
    for years in [1u64, 10, 100, 1_000] {
        let mut fx = max_rate_market();
        let (carol, dave, alice, bob, base, market) =
            (fx.carol, fx.dave, fx.alice, fx.bob, fx.base, fx.market);
        fx.advance(years * SECONDS_PER_YEAR);
        let m = fx.market_snapshot();
        assert!(
            m.totalBorrowAssets <= U256::from(MAX_ACCRUED_TOTAL),
            "{years} years"
        );
        assert!(m.totalSupplyAssets + m.reserves <= U256::from(MAX_ACCRUED_TOTAL));
        // Carol's debt far exceeds her collateral: seizing both collaterals
        // leaves her with none, and the rest is written off in the same call.
        let (weth, wbtc) = (fx.weth, fx.wbtc);
        liquidate_all_of(&mut fx, weth);
        let last = liquidate_all_of(&mut fx, wbtc);
        assert!(last.badDebtAssets > U256::ZERO, "{years} years");
        assert_eq!(fx.account(carol).borrowShares, U256::ZERO);
        // Dave repays everything with type(uint256).max.
        let debt = fx.account(dave).debtAssets;
        fx.mint(base, dave, debt);
        let repay = IKeelMarket::repayCall {
            assets: U256::MAX,
            onBehalf: dave,
        };
        assert_eq!(fx.call(dave, &repay).unwrap(), debt, "{years} years");
        assert_eq!(fx.account(dave).borrowShares, U256::ZERO);
        // Every supplier withdraws everything the liquidity allows: all of
        // its shares when its claim fits, else all the liquidity (the borrow
        // pool keeps the interest of its virtual shares, keel-debt docs).
        for supplier in [bob, alice] {
            let m = fx.market_snapshot();
            let liquidity = m.totalSupplyAssets + m.reserves - m.totalBorrowAssets;
            let account = fx.account(supplier);
            if account.supplyAssets <= liquidity {
                let withdraw = IKeelMarket::withdrawSharesCall {
                    shares: account.supplyShares,
                    onBehalf: supplier,
                    receiver: supplier,
                };
                fx.call(supplier, &withdraw).unwrap();
                assert_eq!(fx.account(supplier).supplyShares, U256::ZERO);
            } else {
                let withdraw = IKeelMarket::withdrawCall {
                    assets: liquidity,
                    onBehalf: supplier,
                    receiver: supplier,
                };
                fx.call(supplier, &withdraw).unwrap();
            }
        }
        let m = fx.market_snapshot();
        let owed = m.totalSupplyAssets + m.reserves - m.totalBorrowAssets;
        assert!(fx.balance(base, market) >= owed, "{years} years");
        // Later accruals change nothing and fail nothing.
        fx.advance(SECONDS_PER_YEAR);
        fx.call(alice, &IKeelMarket::accrueInterestCall {}).unwrap();
    }
}

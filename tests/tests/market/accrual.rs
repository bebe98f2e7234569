//! How often interest accrues does not change what borrowers owe: keel-debt's
//! `accrue` books whole units and carries the fractions, so a market that
//! accrues every second (every operation accrues) books what a market that
//! accrues once books. Flooring each accrual's interest instead lost up to a
//! unit per accrual (here about 5% of the interest).

use alloy_primitives::U256;
use keel_tests::*;

/// 5% a year, per second, WAD.
const FIVE_PERCENT_PER_SECOND: u64 = 1_585_489_599;

/// Carol borrows 10,000 USDC at a flat 5%: 15.85 units of interest a second.
fn small_loan_market() -> Fixture {
    let mut fx = Fixture::new();
    let flat = (FIVE_PERCENT_PER_SECOND, 0, 0, 800_000_000_000_000_000);
    fx.owner_call(&IKeelMarket::setRateModelCall { rateModel: flat })
        .unwrap();
    fx.standard_positions();
    let carol = fx.carol;
    fx.borrow(carol, usdc(10_000)).unwrap();
    fx
}

#[test]
fn accruing_every_second_books_what_accruing_once_books() {
    let mut every_second = small_loan_market();
    let mut once = small_loan_market();
    let alice = once.alice;
    for _ in 0..600 {
        every_second.advance(1);
        every_second
            .call(alice, &IKeelMarket::accrueInterestCall {})
            .unwrap();
    }
    once.advance(600);
    once.call(alice, &IKeelMarket::accrueInterestCall {})
        .unwrap();
    let (a, b) = (every_second.market_snapshot(), once.market_snapshot());
    // Ten minutes at 5% on 10,000 USDC: 9,512.9 units (0.0095 USDC).
    let interest = b.totalBorrowAssets - usdc(10_000);
    assert!(
        interest >= U256::from(9_511) && interest <= U256::from(9_513),
        "{interest}"
    );
    let close = |x: U256, y: U256| x.abs_diff(y) <= U256::from(1);
    assert!(
        close(a.totalBorrowAssets, b.totalBorrowAssets),
        "{a:?} {b:?}"
    );
    assert!(
        close(a.totalSupplyAssets, b.totalSupplyAssets),
        "{a:?} {b:?}"
    );
    assert!(close(a.reserves, b.reserves), "{a:?} {b:?}");
}

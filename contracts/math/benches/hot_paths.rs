//! Benchmarks of the functions on every market operation: `cargo bench -p keel-math`.
//!
//! Native timings only rank implementations; on-chain cost is wasm ink, measured separately.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use keel_math::{
    compounded_interest_wad, mul_div_down, mul_div_up, to_assets_up, to_shares_down, w_mul_down,
    U256, WAD,
};

/// A 30-digit amount: 1e12 tokens of 18 decimals.
fn large_amount() -> U256 {
    WAD.checked_mul(U256::from(1_000_000_000_000_u64))
        .expect("fits")
}

fn bench_mul_div(c: &mut Criterion) {
    let amount = large_amount();
    let factor = U256::from(850_000_000_000_000_000_u64);
    c.bench_function("mul_div_down/256-bit product", |b| {
        b.iter(|| mul_div_down(black_box(amount), black_box(factor), black_box(WAD)))
    });
    c.bench_function("mul_div_up/512-bit product", |b| {
        b.iter(|| mul_div_up(black_box(U256::MAX), black_box(factor), black_box(WAD)))
    });
    c.bench_function("w_mul_down", |b| {
        b.iter(|| w_mul_down(black_box(amount), black_box(factor)))
    });
}

fn bench_shares(c: &mut Criterion) {
    let (total_assets, total_shares) = (
        large_amount(),
        large_amount()
            .checked_mul(U256::from(1_000_000))
            .expect("fits"),
    );
    c.bench_function("to_shares_down", |b| {
        b.iter(|| {
            to_shares_down(
                black_box(WAD),
                black_box(total_assets),
                black_box(total_shares),
            )
        })
    });
    c.bench_function("to_assets_up", |b| {
        b.iter(|| {
            to_assets_up(
                black_box(WAD),
                black_box(total_assets),
                black_box(total_shares),
            )
        })
    });
}

fn bench_interest(c: &mut Criterion) {
    let rate = U256::from(3_170_979_198_u64); // about 10% APR per second
    for (label, elapsed) in [
        ("1 hour", 3_600_u64),
        ("1 day", 86_400),
        ("1 year", 31_536_000),
    ] {
        c.bench_function(&format!("compounded_interest_wad/{label}"), |b| {
            b.iter(|| compounded_interest_wad(black_box(rate), black_box(elapsed), U256::MAX))
        });
    }
}

criterion_group!(benches, bench_mul_div, bench_shares, bench_interest);
criterion_main!(benches);

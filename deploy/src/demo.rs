//! `keel demo`: the example market on the devnet and a scripted story —
//! suppliers, two borrowers with different collaterals, a year of interest,
//! a price crash, a partial liquidation, a full liquidation and a bad-debt
//! write-off — with a table of accounts and market totals after each step.

use crate::config::{parse, validate};
use crate::devnet::{self, DevnetMarket};
use crate::report::{amount, view};
use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::SolCall;
use anyhow::{anyhow, Result};
use keel_bindings::IKeelMarket;
use keel_devnet::address_of;
use keel_mocks::abi::{IMockAggregator, IERC20};
use std::fmt::Write;

/// The configuration the demo deploys.
pub const EXAMPLE_CONFIG: &str = include_str!("../markets/example.toml");

const YEAR_SECONDS: u64 = 365 * 24 * 3_600;

/// What the story produced, for checking it.
#[derive(Debug, Clone, Default)]
pub struct DemoOutcome {
    /// The printed story.
    pub text: String,
    /// `(repaid, debt left)` of the partial liquidation.
    pub partial: (U256, U256),
    /// `(repaid, debt left)` of the full liquidation.
    pub full: (U256, U256),
    /// The bad-debt event: `(assets, fromReserves, fromSuppliers)`.
    pub bad_debt: (U256, U256, U256),
    /// Supply assets before and after the write-off.
    pub supply_before_after: (U256, U256),
    /// Final market snapshot.
    pub market: Option<IKeelMarket::marketSnapshotReturn>,
    /// Sum of the actors' supply assets at the end.
    pub actors_supply: U256,
    /// The market's base-token balance at the end.
    pub base_balance: U256,
}

struct Story {
    m: DevnetMarket,
    params: validate::MarketParams,
    out: DemoOutcome,
    actors: Vec<(&'static str, Address)>,
    /// Whether the market runs on the wasm backend (gas is printed).
    metered: bool,
}

/// Runs the story and returns it with its key facts.
///
/// Errors: any call of the story fails (the message names the step).
pub fn run() -> Result<DemoOutcome> {
    let params = validate::validate(&parse(EXAMPLE_CONFIG)?)?;
    let mut m = devnet::deploy(&params)?;
    // With `keel build`'s programs at hand, the market runs as its wasm on
    // the devnet's wasm backend and each transaction's gas is printed.
    let metered = match crate::gas::default_paths() {
        Ok((dir, _)) if dir.join("keel-market-core.wasm").exists() => {
            crate::gas::use_wasm_programs(&mut m, &dir, false)?;
            true
        }
        _ => false,
    };
    let actors = ["alice", "bob", "carol", "dave", "liquidator"]
        .map(|n| (n, address_of(n)))
        .to_vec();
    let mut s = Story {
        m,
        params,
        out: DemoOutcome::default(),
        actors,
        metered,
    };
    s.say(match metered {
        true => "The market runs as the wasm `keel build` wrote (target/keel), metered as Nitro meters it (programs uncached; the mock tokens and feeds stay native: their state access is charged, not their execution).",
        false => "The market runs natively: run `keel build` first for wasm and gas figures.",
    });
    s.fund()?;
    s.say("1. Alice and Bob supply 500,000 and 300,000 USDC");
    s.supply("alice", 500_000)?;
    s.supply("bob", 300_000)?;
    s.table()?;
    s.say(
        "2. Carol posts 10 WETH and borrows 14,000 USDC; Dave posts 1 WBTC and borrows 40,000 USDC",
    );
    s.collateral("carol", 0, 10)?;
    s.borrow("carol", 14_000)?;
    s.collateral("dave", 1, 1)?;
    s.borrow("dave", 40_000)?;
    s.table()?;
    s.say("3. A year passes; interest accrues (feeds refreshed)");
    s.m.net.advance_time(YEAR_SECONDS);
    s.prices(2_000, 60_000)?;
    s.send("keeper", IKeelMarket::accrueInterestCall {})?;
    s.table()?;
    s.say("4. Crash: ETH 2,000 -> 1,650 USDC, BTC 60,000 -> 35,000 USD");
    s.prices(1_650, 35_000)?;
    s.table()?;
    s.say("5. Partial liquidation: Carol's health factor is between 0.95 and 1, so at most half her debt is repaid");
    s.out.partial = s.liquidate("carol", 0)?;
    s.table()?;
    s.say("6. ETH falls to 1,420: Carol is below 0.95 and is liquidated in full");
    s.prices(1_420, 35_000)?;
    s.out.full = s.liquidate("carol", 0)?;
    s.table()?;
    s.say("7. Bad-debt write-off: Dave's WBTC is worth less than his debt; liquidating it all leaves debt without collateral");
    let before = view(&mut s.m, &IKeelMarket::marketSnapshotCall {})?.totalSupplyAssets;
    s.liquidate("dave", 1)?;
    let events =
        s.m.net
            .last_receipt()
            .map(|r| r.events::<keel_market::events::BadDebt>())
            .unwrap_or_default();
    let event = events
        .first()
        .ok_or_else(|| anyhow!("the liquidation wrote off no bad debt"))?;
    s.out.bad_debt = (event.assets, event.fromReserves, event.fromSuppliers);
    let after = view(&mut s.m, &IKeelMarket::marketSnapshotCall {})?.totalSupplyAssets;
    s.out.supply_before_after = (before, after);
    let d = s.params.base.decimals;
    s.note(&format!(
        "   BadDebt: {} USDC written off, {} from reserves, {} from suppliers (supply {} -> {})",
        amount(event.assets, d, 2),
        amount(event.fromReserves, d, 2),
        amount(event.fromSuppliers, d, 2),
        amount(before, d, 2),
        amount(after, d, 2)
    ));
    s.table()?;
    s.finish()
}

impl Story {
    /// Starts a step of the story.
    fn say(&mut self, line: &str) {
        let _ = writeln!(self.out.text, "\n{line}");
    }

    /// Adds a line to the current step.
    fn note(&mut self, line: &str) {
        let _ = writeln!(self.out.text, "{line}");
    }

    fn who(&self, name: &str) -> Address {
        self.actors
            .iter()
            .find(|a| a.0 == name)
            .map_or_else(|| address_of(name), |a| a.1)
    }

    fn units(&self, whole: u64, decimals: u8) -> U256 {
        U256::from(whole) * U256::from(10).pow(U256::from(decimals))
    }

    /// Sends `call` to the market from `name`.
    fn send<C: SolCall>(&mut self, name: &str, call: C) -> Result<C::Return> {
        let (from, market) = (self.who(name), self.m.market);
        let result = self
            .m
            .net
            .call(from, market, &call)
            .map_err(|r| anyhow!("{name}: {}: {r}", C::SIGNATURE))?;
        if self.metered {
            if let Some(receipt) = self.m.net.last_receipt() {
                let g = receipt.gas.breakdown();
                let function = C::SIGNATURE.split('(').next().unwrap_or(C::SIGNATURE);
                let line = format!(
                    "   gas {name} {function}: {} (start-up {}, ink {}, storage {}, calls {}, logs {}, memory {}, intrinsic {}, refund {})",
                    g.total, g.startup, g.ink, g.storage, g.calls, g.logs, g.memory, g.intrinsic, g.refund
                );
                self.note(&line);
            }
        }
        Ok(result)
    }

    fn fund(&mut self) -> Result<()> {
        for (_, who) in self.actors.clone() {
            self.m.fund(who)?;
        }
        Ok(())
    }

    fn supply(&mut self, name: &str, usdc: u64) -> Result<()> {
        let assets = self.units(usdc, self.params.base.decimals);
        self.send(
            name,
            IKeelMarket::supplyCall {
                assets,
                onBehalf: self.who(name),
            },
        )?;
        Ok(())
    }

    fn collateral(&mut self, name: &str, index: usize, whole: u64) -> Result<()> {
        let token = self.m.externals.collaterals[index].token;
        let amount = self.units(whole, self.params.collaterals[index].token.decimals);
        self.send(
            name,
            IKeelMarket::supplyCollateralCall {
                token,
                amount,
                onBehalf: self.who(name),
            },
        )?;
        Ok(())
    }

    fn borrow(&mut self, name: &str, usdc: u64) -> Result<()> {
        let assets = self.units(usdc, self.params.base.decimals);
        let who = self.who(name);
        self.send(
            name,
            IKeelMarket::borrowCall {
                assets,
                onBehalf: who,
                receiver: who,
            },
        )?;
        Ok(())
    }

    /// New rounds on every feed: ETH and BTC at the given prices, USDC at 1.
    fn prices(&mut self, eth: i64, btc: i64) -> Result<()> {
        let ext = self.m.externals.collaterals.clone();
        let answers = [
            (ext[0].feed, eth),
            (ext[1].feed, btc),
            (ext[1].base_feed, 1),
        ];
        for (feed, whole) in answers {
            let answer = I256::try_from(whole)? * I256::try_from(100_000_000i64)?;
            self.m
                .net
                .call(feed, feed, &IMockAggregator::setAnswerCall { answer })
                .map_err(|r| anyhow!("feed: {r}"))?;
        }
        Ok(())
    }

    /// The liquidator repays as much as allowed against collateral `index`;
    /// returns `(repaid, debt left)`.
    fn liquidate(&mut self, name: &str, index: usize) -> Result<(U256, U256)> {
        let token = self.m.externals.collaterals[index].token;
        let (borrower, liquidator) = (self.who(name), self.who("liquidator"));
        let call = IKeelMarket::liquidateCall {
            borrower,
            token,
            maxRepayAssets: U256::MAX,
            receiver: liquidator,
            data: Default::default(),
        };
        let done = self.send("liquidator", call)?;
        let left = view(
            &mut self.m,
            &IKeelMarket::accountSnapshotCall { account: borrower },
        )?
        .debtAssets;
        let d = self.params.base.decimals;
        self.note(&format!(
            "   liquidator repaid {} USDC of {name}'s debt and seized {} {}; {name} still owes {} USDC",
            amount(done.repaidAssets, d, 2),
            amount(done.seizedCollateral, self.params.collaterals[index].token.decimals, 4),
            self.params.collaterals[index].token.symbol,
            amount(left, d, 2)
        ));
        Ok((done.repaidAssets, left))
    }

    fn table(&mut self) -> Result<()> {
        let d = self.params.base.decimals;
        let symbols: Vec<String> = self
            .params
            .collaterals
            .iter()
            .map(|c| c.token.symbol.clone())
            .collect();
        let _ = writeln!(
            self.out.text,
            "   {:<11} {:>14} {:>10} {:>10} {:>14} {:>8}",
            "account", "supplied USDC", symbols[0], symbols[1], "debt USDC", "HF"
        );
        for (name, who) in self.actors.clone() {
            let a = view(
                &mut self.m,
                &IKeelMarket::accountSnapshotCall { account: who },
            )?;
            let hf = if a.healthFactor == U256::MAX {
                "-".to_owned()
            } else {
                amount(a.healthFactor, 18, 3)
            };
            let col = |i: usize| {
                amount(
                    a.collateralBalances[i],
                    self.params.collaterals[i].token.decimals,
                    4,
                )
            };
            let _ = writeln!(
                self.out.text,
                "   {:<11} {:>14} {:>10} {:>10} {:>14} {:>8}",
                name,
                amount(a.supplyAssets, d, 2),
                col(0),
                col(1),
                amount(a.debtAssets, d, 2),
                hf
            );
        }
        let t = view(&mut self.m, &IKeelMarket::marketSnapshotCall {})?;
        let _ = writeln!(
            self.out.text,
            "   market: supplied {} USDC, borrowed {}, reserves {}, utilisation {}, borrow APR {}, supply APR {}",
            amount(t.totalSupplyAssets, d, 2),
            amount(t.totalBorrowAssets, d, 2),
            amount(t.reserves, d, 2),
            amount(t.utilisation, 18, 4),
            amount(t.borrowApr, 18, 4),
            amount(t.supplyApr, 18, 4)
        );
        Ok(())
    }

    fn finish(mut self) -> Result<DemoOutcome> {
        let mut supply = U256::ZERO;
        for (_, who) in self.actors.clone() {
            supply += view(
                &mut self.m,
                &IKeelMarket::accountSnapshotCall { account: who },
            )?
            .supplyAssets;
        }
        self.out.actors_supply = supply;
        let (base, market) = (self.m.externals.base, self.m.market);
        self.out.base_balance = self
            .m
            .net
            .view(base, &IERC20::balanceOfCall { account: market })
            .map_err(|r| anyhow!("balanceOf: {r}"))?;
        self.out.market = Some(view(&mut self.m, &IKeelMarket::marketSnapshotCall {})?);
        Ok(self.out)
    }
}

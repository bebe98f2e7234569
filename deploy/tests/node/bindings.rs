//! keel-bindings over an alloy provider against `keel node`: supply,
//! collateral, borrow, a price drop, a liquidation, and the events read
//! back with `eth_getLogs` filters; `keel watch --rpc` alerting on both
//! borrowers after the drop; then `keel keeper --rpc` liquidating the
//! second borrower and selling into the node's pool.

use crate::process::{block_on, deploy, scratch, NodeProcess};
use crate::tx::{send, view};
use alloy_primitives::{Address, U256};
use alloy_provider::Provider;
use alloy_rpc_types_eth::Filter;
use alloy_sol_types::SolEvent;
use keel_bindings::IKeelMarket;
use keel_mocks::abi::{IMockAggregator, IMockErc20, IERC20};

fn units(amount: u64, decimals: u8) -> U256 {
    U256::from(amount) * U256::from(10).pow(U256::from(decimals))
}

/// Mints `amount` of `token` to `who` and approves the market for it.
async fn fund(
    provider: &impl Provider,
    who: Address,
    token: Address,
    market: Address,
    amount: U256,
) {
    send(
        provider,
        who,
        token,
        IMockErc20::mintCall { to: who, amount },
    )
    .await;
    send(
        provider,
        who,
        token,
        IERC20::approveCall {
            spender: market,
            amount,
        },
    )
    .await;
}

/// Posts 1 WETH (2,000 USDC at the mock price) and borrows 1,500 USDC.
async fn borrow_against_weth(
    provider: &impl Provider,
    who: Address,
    weth: Address,
    market: Address,
) {
    fund(provider, who, weth, market, units(1, 18)).await;
    let collateral = IKeelMarket::supplyCollateralCall {
        token: weth,
        amount: units(1, 18),
        onBehalf: who,
    };
    send(provider, who, market, collateral).await;
    let borrow = IKeelMarket::borrowCall {
        assets: units(1_500, 6),
        onBehalf: who,
        receiver: who,
    };
    send(provider, who, market, borrow).await;
}

/// `keel keeper --rpc` for one poll with dev key 3: its decisions.
fn keeper_poll(
    node: &NodeProcess,
    market: Address,
    usdc: Address,
    weth: Address,
    pool: Address,
) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_keel"))
        .args([
            "keeper",
            "--rpc",
            &node.url,
            "--market",
            &market.to_string(),
            "--base",
            &usdc.to_string(),
        ])
        .args([
            "--pool",
            &format!("{weth}={pool}"),
            "--polls",
            "1",
            "--interval-seconds",
            "0",
        ])
        .env("KEEL_KEEPER_KEY", node.keys[3].to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// `keel watch --rpc` for one poll, JSON lines: its exit code and alerts.
fn watch_poll(node: &NodeProcess, market: Address, usdc: Address) -> (i32, Vec<serde_json::Value>) {
    let feed = |index: usize| {
        let line = format!("collateral {index}:");
        let (token, feed) = (node.mock(&line, "token "), node.mock(&line, "feed "));
        format!("{token}={feed}:86400")
    };
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["watch", "--rpc", &node.url, "--market", &market.to_string()])
        .args([
            "--base",
            &usdc.to_string(),
            "--feed",
            &feed(0),
            "--feed",
            &feed(1),
        ])
        .args(["--polls", "1", "--interval-seconds", "0", "--json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let alerts = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("{stdout}")))
        .collect();
    (output.status.code().unwrap_or(-1), alerts)
}

#[test]
fn bindings_supply_borrow_liquidate_and_read_events() {
    let node = NodeProcess::start(None);
    let dir = scratch("node-bindings");
    let (_, market) = deploy(&node, &dir.join("state.json"));
    let usdc = node.mock("base token:", "token: ");
    let weth = node.mock("collateral 0:", "token ");
    let weth_feed = node.mock("collateral 0:", "feed ");
    let [supplier, borrower, liquidator, second_borrower] =
        [1, 2, 3, 4].map(|i| node.signer(i).address());

    block_on(async {
        let provider = node.provider();
        fund(&provider, supplier, usdc, market, units(100_000, 6)).await;
        let supply = IKeelMarket::supplyCall {
            assets: units(100_000, 6),
            onBehalf: supplier,
        };
        let receipt = send(&provider, supplier, market, supply).await;
        assert!(receipt.gas_used > 21_000, "metered: {}", receipt.gas_used);

        for who in [borrower, second_borrower] {
            borrow_against_weth(&provider, who, weth, market).await;
        }
        let balance = view(&provider, usdc, IERC20::balanceOfCall { account: borrower }).await;
        assert_eq!(balance, units(1_500, 6));

        // ETH from 2,000 to 1,700: HF = 1,700 x 0.85 / 1,500 < 1.
        send(
            &provider,
            liquidator,
            weth_feed,
            IMockAggregator::setAnswerCall {
                answer: alloy_primitives::I256::try_from(1_700u64 * 100_000_000).unwrap(),
            },
        )
        .await;
        let before = view(
            &provider,
            market,
            IKeelMarket::accountSnapshotCall { account: borrower },
        )
        .await;
        assert!(
            before.healthFactor < units(1, 18),
            "HF {}",
            before.healthFactor
        );
        // The monitor over RPC sees both borrowers under water, with the
        // WETH price at which each reaches HF 1, and exits with 2.
        let (code, alerts) = watch_poll(&node, market, usdc);
        assert_eq!(code, 2, "{alerts:?}");
        for who in [borrower, second_borrower] {
            let account = serde_json::to_value(who).unwrap();
            let alert = alerts
                .iter()
                .find(|a| a["alert"] == "position" && a["account"] == account)
                .unwrap_or_else(|| panic!("no alert for {who}: {alerts:?}"));
            assert!(alert["health_factor"].as_f64().unwrap() < 1.0, "{alert}");
            let price = alert["liquidation_prices"]["WETH"].as_f64().unwrap();
            assert!(price > 1_700.0 && price < 2_000.0, "{alert}");
        }

        fund(&provider, liquidator, usdc, market, units(1_000, 6)).await;
        let liquidate = IKeelMarket::liquidateCall {
            borrower,
            token: weth,
            maxRepayAssets: units(1_000, 6),
            receiver: liquidator,
            data: Default::default(),
        };
        send(&provider, liquidator, market, liquidate).await;
        let after = view(
            &provider,
            market,
            IKeelMarket::accountSnapshotCall { account: borrower },
        )
        .await;
        assert!(after.debtAssets < before.debtAssets);

        // The events, through topic filters.
        let filter = Filter::new()
            .address(market)
            .event_signature(IKeelMarket::Liquidate::SIGNATURE_HASH)
            .from_block(0u64);
        let logs = provider.get_logs(&filter).await.unwrap();
        assert_eq!(logs.len(), 1);
        let event = IKeelMarket::Liquidate::decode_log_data(logs[0].data()).unwrap();
        assert_eq!(
            (event.liquidator, event.borrower, event.collateral),
            (liquidator, borrower, weth)
        );
        // Blocks follow the wall clock: interest of the seconds between the
        // reads (about a unit a second here) comes on top of the repayment.
        let interest = after.debtAssets + event.repaidAssets - before.debtAssets;
        assert!(interest < U256::from(100), "{interest} units of interest");
        let seized = view(
            &provider,
            weth,
            IERC20::balanceOfCall {
                account: liquidator,
            },
        )
        .await;
        // The protocol fee (collateral) stays in the market as reserves.
        assert_eq!(seized, event.seizedCollateral - event.protocolFee);
        assert!(!event.protocolFee.is_zero());

        let borrows = Filter::new()
            .address(market)
            .event_signature(IKeelMarket::Borrow::SIGNATURE_HASH)
            .topic1(borrower.into_word())
            .from_block(0u64);
        assert_eq!(provider.get_logs(&borrows).await.unwrap().len(), 1);
        let nobody = Filter::new()
            .address(market)
            .event_signature(IKeelMarket::Borrow::SIGNATURE_HASH)
            .topic1(supplier.into_word())
            .from_block(0u64);
        assert!(provider.get_logs(&nobody).await.unwrap().is_empty());
        let supplies = Filter::new()
            .event_signature(IKeelMarket::Supply::SIGNATURE_HASH)
            .from_block(0u64);
        let supply_logs = provider.get_logs(&supplies).await.unwrap();
        assert_eq!(supply_logs.len(), 1);
        assert_eq!(supply_logs[0].address(), market);

        // The keeper as it runs in production: it finds the second borrower
        // in the Borrow logs, liquidates and sells the WETH into the pool.
        fund(&provider, liquidator, usdc, market, units(10_000, 6)).await;
        let pool = node.mock("collateral 0:", "pool ");
        let decisions = keeper_poll(&node, market, usdc, weth, pool);
        let by_keeper = Filter::new()
            .address(market)
            .event_signature(IKeelMarket::Liquidate::SIGNATURE_HASH)
            .topic2(second_borrower.into_word())
            .from_block(0u64);
        let logs = provider.get_logs(&by_keeper).await.unwrap();
        assert_eq!(logs.len(), 1, "keeper: {decisions}");
        let event = IKeelMarket::Liquidate::decode_log_data(logs[0].data()).unwrap();
        assert_eq!(event.liquidator, liquidator);
        let pool_weth = view(&provider, weth, IERC20::balanceOfCall { account: pool }).await;
        let sold = event.seizedCollateral - event.protocolFee;
        assert_eq!(
            pool_weth,
            units(500, 18) + sold,
            "the seized WETH was sold: {decisions}"
        );
    });
    std::fs::remove_dir_all(dir).unwrap();
}

//! `keel deploy example.toml --rpc` against `keel node --with-mocks`: every
//! program deployed, activated and constructed, the market configured, and
//! a deployment killed mid-way resumed from its state file.

use crate::process::{block_on, deploy, scratch, spawn_deploy, NodeProcess};
use crate::tx::view;
use alloy_primitives::{address, Address, B256};
use alloy_provider::Provider;
use keel_bindings::IKeelMarket;
use keel_cli::build::process::{ROOT_PREFIX, STYLUS_CODE_PREFIX};
use keel_cli::chain::state::DeployState;
use keel_cli::chain::stylus::{ArbWasm, ARB_WASM};
use keel_cli::node::system::STYLUS_VERSION;

#[test]
fn keel_deploy_resumes_after_a_kill_and_configures_the_market() {
    let node = NodeProcess::start(None);
    let dir = scratch("node-deploy");
    let state_path = dir.join("example.state.json");

    // Kill the deployment once four steps are done.
    let (mut child, lines) = spawn_deploy(&node, &state_path);
    let mut done = 0;
    for line in lines {
        done += usize::from(line.unwrap().contains(": done in block"));
        if done == 4 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let text = std::fs::read_to_string(&state_path).unwrap();
    let state: DeployState = serde_json::from_str(&text).unwrap();
    let finished = state.steps.iter().filter(|s| s.done).count();
    assert!(
        (4..state.steps.len()).contains(&finished),
        "{finished} of {} steps done before the kill",
        state.steps.len()
    );

    let (output, market) = deploy(&node, &state_path);
    let skipped = output
        .iter()
        .filter(|l| l.contains("done earlier, skipped"))
        .count();
    assert_eq!(skipped, finished, "{output:#?}");
    let state: DeployState =
        serde_json::from_str(&std::fs::read_to_string(&state_path).unwrap()).unwrap();
    assert!(state.steps.iter().all(|s| s.done));

    block_on(async {
        let provider = node.provider();
        let deployer = node.signer(0).address();
        let code = provider.get_code_at(market).await.unwrap();
        // Compressed wasm, or the root contract of its fragments when the
        // core takes more than one account.
        assert!(
            code[..4] == STYLUS_CODE_PREFIX || code[..4] == ROOT_PREFIX,
            "Stylus code at the market: {:02x?}",
            &code[..4]
        );
        let version = view(
            &provider,
            ARB_WASM,
            ArbWasm::programVersionCall { program: market },
        )
        .await;
        assert_eq!(version, STYLUS_VERSION);
        assert_eq!(
            view(&provider, market, IKeelMarket::ownerCall {}).await,
            deployer
        );
        let nominee = address!("00000000000000000000000000000000000000a1");
        assert_eq!(
            view(&provider, market, IKeelMarket::pendingOwnerCall {}).await,
            nominee
        );
        let listed = view(&provider, market, IKeelMarket::collateralsCall {}).await;
        let weth = node.mock("collateral 0:", "token ");
        let wbtc = node.mock("collateral 1:", "token ");
        assert_eq!(listed, vec![weth, wbtc]);
        let base: Address = view(&provider, market, IKeelMarket::baseAssetCall {}).await;
        assert_eq!(base, node.mock("base token:", "token: "));
        // Each program's deployment is one transaction whose gas is the
        // metered constructor plus calldata; the fee left the deployer.
        for step in state
            .steps
            .iter()
            .filter(|s| s.purpose.starts_with("deploy, activate"))
        {
            let hash: B256 = step.tx_hash.unwrap();
            let receipt = provider
                .get_transaction_receipt(hash)
                .await
                .unwrap()
                .unwrap();
            assert!(
                receipt.status() && receipt.gas_used > 100_000,
                "{}: {receipt:?}",
                step.purpose
            );
        }
        let balance = provider.get_balance(deployer).await.unwrap();
        assert!(balance < keel_cli::node::accounts::dev_balance_wei());
    });
    std::fs::remove_dir_all(dir).unwrap();
}

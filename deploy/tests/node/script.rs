//! The README's script (`scripts/node-rpc.mjs`, viem) against `keel node`:
//! reads through `eth_call` and a transaction viem signs, estimates and
//! waits for. Skipped with a message where node or the viem that
//! `scripts/setup.sh` installs is missing.

use crate::process::NodeProcess;
use std::path::Path;
use std::process::Command;

#[test]
fn the_readme_script_reads_and_mints_a_mock_token_with_viem() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("skipped: node is not installed (scripts/setup.sh installs viem when it is)");
        return;
    }
    let manifest = std::fs::read_to_string(root.join("scripts/js/package.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let version = manifest["dependencies"]["viem"].as_str().unwrap();
    let viem = root.join(format!("target/tools/viem-{version}/node_modules/viem"));
    if !viem.join("package.json").exists() {
        eprintln!("skipped: viem is not installed in {viem:?} (run scripts/setup.sh)");
        return;
    }
    let node = NodeProcess::start(None);
    let usdc = node.mock("base token:", "token: ");
    let key = node.signer(0).to_bytes();
    let output = Command::new("node")
        .arg(root.join("scripts/node-rpc.mjs"))
        .args([node.url.as_str(), &usdc.to_string()])
        .env("KEEL_PRIVATE_KEY", format!("{key}"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout.trim(),
        r#"{"chainId":412346,"symbol":"USDC","decimals":6,"mint":{"status":"success","minted":"1000000"}}"#
    );
}

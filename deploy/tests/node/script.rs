//! The README's script (`scripts/node-rpc.mjs`, plain fetch) against
//! `keel node`, where node is installed; skipped with a message otherwise.

use crate::process::NodeProcess;
use std::path::Path;
use std::process::Command;

#[test]
fn the_readme_script_reads_a_mock_token_with_fetch() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("skipped: node is not installed (the script needs Node.js 18+ for fetch)");
        return;
    }
    let node = NodeProcess::start(None);
    let usdc = node.mock("base token:", "token: ");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/node-rpc.mjs");
    let output = Command::new("node")
        .arg(script)
        .args([node.url.as_str(), &usdc.to_string()])
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
        r#"{"chainId":"412346","symbol":"USDC","decimals":6}"#
    );
}

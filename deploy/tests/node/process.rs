//! `keel node` and `keel deploy` as child processes, as a user runs them.

use alloy_network::EthereumWallet;
use alloy_primitives::{Address, B256};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_signer_local::PrivateKeySigner;
use std::io::{BufRead, BufReader, Lines};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

/// A `keel node --port 0 --with-mocks` process, killed on drop.
pub struct NodeProcess {
    child: Child,
    /// Its endpoint.
    pub url: String,
    /// The dev accounts' keys, in order.
    pub keys: Vec<B256>,
    /// The banner's lines (mock addresses among them).
    pub banner: Vec<String>,
}

impl NodeProcess {
    /// Starts a node with the example's mocks (and `state` when given).
    pub fn start(state: Option<&Path>) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_keel"));
        command.args(["node", "--port", "0", "--with-mocks"]);
        if let Some(state) = state {
            command.arg("--state").arg(state);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .expect("keel node starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut banner = Vec::new();
        let url = loop {
            let line = lines.next().expect("the node prints its URL").unwrap();
            banner.push(line.clone());
            if let Some(url) = line.strip_prefix("listening on ") {
                break url.to_owned();
            }
        };
        let keys = banner
            .iter()
            .filter_map(|l| l.split(" key ").nth(1))
            .map(|k| k.parse().unwrap())
            .collect();
        Self {
            child,
            url,
            keys,
            banner,
        }
    }

    /// The signer of dev account `index`.
    pub fn signer(&self, index: usize) -> PrivateKeySigner {
        PrivateKeySigner::from_bytes(&self.keys[index]).unwrap()
    }

    /// A provider signing for dev accounts 0 to 4 (`with_from` picks one).
    pub fn provider(&self) -> impl Provider {
        let mut wallet = EthereumWallet::from(self.signer(0));
        for index in 1..5 {
            wallet.register_signer(self.signer(index));
        }
        ProviderBuilder::new()
            .wallet(wallet)
            .connect_http(self.url.parse().unwrap())
    }

    /// The address after `label` on the banner line starting with `line`.
    pub fn mock(&self, line: &str, label: &str) -> Address {
        let text = self
            .banner
            .iter()
            .find(|l| l.trim_start().starts_with(line))
            .unwrap();
        let after = text
            .split(label)
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap();
        after.parse().unwrap()
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `keel deploy deploy/markets/example.toml --rpc URL --state STATE` with
/// dev key 0, its stdout as lines.
pub fn spawn_deploy(node: &NodeProcess, state: &Path) -> (Child, Lines<BufReader<ChildStdout>>) {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("markets/example.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_keel"))
        .arg("deploy")
        .arg(config)
        .args(["--rpc", &node.url, "--state"])
        .arg(state)
        .env("KEEL_PRIVATE_KEY", node.keys[0].to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("keel deploy starts");
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    (child, lines)
}

/// Runs a deployment to the end; returns its output and the market.
pub fn deploy(node: &NodeProcess, state: &Path) -> (Vec<String>, Address) {
    let (mut child, lines) = spawn_deploy(node, state);
    let output: Vec<String> = lines.map(Result::unwrap).collect();
    assert!(child.wait().unwrap().success(), "{output:#?}");
    let market = output
        .iter()
        .find_map(|l| l.strip_prefix("keel-market-core deployed at "))
        .expect("the market's address is printed")
        .parse()
        .unwrap();
    (output, market)
}

/// A fresh scratch directory under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a future to completion on a current-thread runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

//! Shared by the integration tests: the scenarios under `tests/scenarios`
//! and keel-cli's devnet deployer.

use std::path::PathBuf;

use keel_sim::scenario::Scenario;

/// A test scenario by file name.
pub fn scenario(name: &str) -> Scenario {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name);
    Scenario::load(&path).unwrap_or_else(|e| panic!("{e:#}"))
}

/// The path of a test scenario.
#[allow(dead_code)] // not every test binary runs the CLI functions
pub fn scenario_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name)
}

/// keel-cli's deployer, as `keel sim` passes it.
pub const DEPLOYER: keel_sim::market::Deployer = &keel_cli::sim::deploy;

/// The backend of `KEEL_BACKEND` (`wasm`: the programs `keel build` wrote to
/// target/keel; unset or `native`: the native backend), as in keel-tests.
pub fn options() -> keel_sim::engine::Options {
    let backend = match std::env::var("KEEL_BACKEND").as_deref() {
        Ok("wasm") => keel_sim::market::Backend::Wasm,
        Ok("native") | Err(_) => keel_sim::market::Backend::Native,
        Ok(other) => panic!("KEEL_BACKEND={other}: expected `native` or `wasm`"),
    };
    keel_sim::engine::Options {
        backend,
        progress: false,
    }
}

#!/usr/bin/env bash
# The one test command: every check Keel has. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# Contract crates: they must also compile and lint for wasm32.
CONTRACTS=(-p keel-math -p keel-oracle -p keel-vault -p keel-debt -p keel-liquidation -p keel-market -p keel-mocks
  -p keel-market-core -p keel-market-borrow -p keel-market-liquidation -p keel-market-collaterals
  -p keel-market-governance -p keel-market-views)

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all --check

step "clippy (native, all targets)"
cargo clippy --locked --workspace --all-targets -- -D warnings

step "clippy (wasm32, contract crates)"
cargo clippy --locked --target wasm32-unknown-unknown "${CONTRACTS[@]}" -- -D warnings

step "tests (unit, integration, property)"
cargo test --locked --workspace

step "keel build (wasm, Nitro activation gates, size)"
cargo run --locked -q -p keel-cli --bin keel -- build

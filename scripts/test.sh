#!/usr/bin/env bash
# The one test command: every check Keel has. CI runs exactly this.
# `bash scripts/test.sh quick [BASE]` is the inner loop instead: the checks
# and tests of the crates changed since BASE (scripts/quick.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "${1:-}" = quick ]; then
  shift
  exec bash scripts/quick.sh "$@"
fi

# Contract crates (every package under contracts/): they must also compile
# and lint for wasm32. The market's programs are listed once, in
# keel-registry; this list follows the directory layout.
CONTRACTS=()
for manifest in contracts/*/Cargo.toml contracts/programs/*/Cargo.toml; do
  CONTRACTS+=(-p "$(sed -n 's/^name = "\(.*\)"$/\1/p' "$manifest" | head -n 1)")
done

# Incremental caches only pay off in edit-compile loops; in a one-shot run
# they are gigabytes of disk for nothing. Set CARGO_INCREMENTAL=1 to keep them.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# Each step prints the seconds since the run began: CI has a 30-minute budget
# and this is where a slow step shows.
step() { printf '\n==> [%ds] %s\n' "$SECONDS" "$*"; }
trap 'printf "\n==> [%ds] done\n" "$SECONDS"' EXIT

step "format"
cargo fmt --all --check

step "clippy (native, all targets)"
cargo clippy --locked --workspace --all-targets -- -D warnings

step "clippy (wasm32, contract crates)"
cargo clippy --locked --target wasm32-unknown-unknown "${CONTRACTS[@]}" -- -D warnings

# Docs are part of the build: a broken intra-doc link, an unclosed HTML tag
# or (with `#![warn(missing_docs)]` on every contract crate, and clippy's
# -D warnings above) an undocumented public item fails the run.
step "docs (rustdoc, warnings denied)"
RUSTDOCFLAGS="${RUSTDOCFLAGS:-} -D warnings" cargo doc --locked --workspace --no-deps

# Every cargo command below selects the whole workspace, so features unify
# the same way each time and the dependencies compile once: `-p keel-cli` or
# `-p keel-tests` alone resolves other feature sets and rebuilds most of the
# graph (about 4 minutes each on two cores).
step "build (workspace, all targets)"
cargo build --locked --workspace --all-targets
keel="${CARGO_TARGET_DIR:-target}/debug/keel"

# Before the tests: the wasm-backend tests (tests/tests/market/wasm_backend.rs,
# deploy/tests/gas.rs) run the programs it writes to target/keel.
step "keel build (wasm, Nitro activation gates, size)"
"$keel" build

step "keel gas --check (per-operation gas on the wasm backend within 0.5% of gas/snapshot.json)"
"$keel" gas --check

step "tests (unit, integration, property, doctests)"
cargo test --locked --workspace

# The same market suites with the market programs run as their wasm on the
# devnet's wasm backend (keel-tests' `backend` module), and the invariant
# test at a small size.
# Test targets are selected by name (`--test`), not by package, for the
# reason above; the simulator's are every file of sim/tests.
step "market suites on the wasm backend"
KEEL_BACKEND=wasm cargo test --locked --workspace --test market
KEEL_BACKEND=wasm KEEL_INVARIANT_CASES=16 cargo test --locked --workspace --test invariants
sim_tests=()
for file in sim/tests/*.rs; do sim_tests+=(--test "$(basename "$file" .rs)"); done
KEEL_BACKEND=wasm cargo test --locked --workspace "${sim_tests[@]}"

# The cargo-fuzz targets are their own workspace; CI type-checks and lints
# them on the pinned stable toolchain (running them needs nightly and
# cargo-fuzz: README, "Invariants and fuzzing"). A check, not a build: the
# same code is type-checked without code generation or linking, at a third
# of the disk. Its own target
# directory: sharing target/debug with the root workspace replaced root
# artifacts built against other feature sets. About 3 minutes cold on two
# cores, seconds warm.
step "fuzz targets (format, clippy)"
cargo fmt --manifest-path fuzz/Cargo.toml --check
cargo clippy --locked --manifest-path fuzz/Cargo.toml --target-dir target/fuzz-check --bins -- -D warnings

# Solidity integrators import abi/IKeelMarket.sol: solc must compile it, to
# the same ABI as abi/KeelMarket.json (which keel-cli's abi test keeps in step
# with the contracts). solc-js is installed by setup.sh.
step "Solidity interface (solc-js)"
solc_dir=target/tools/solc-0.8.37/node_modules/solc # SOLC_VERSION in setup.sh
if command -v node >/dev/null 2>&1 && [ -f "$solc_dir/package.json" ]; then
  node scripts/solc-check.js "$solc_dir"
else
  echo "SKIPPED: node or solc-js is missing (scripts/setup.sh installs solc-js when node and npm exist)"
fi

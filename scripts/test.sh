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

# No second clippy pass for wasm32: the contract crates have no code of
# their own behind a wasm32 cfg (the lints would be the same), and
# `keel build` below compiles them for wasm32. `scripts/test.sh quick` still
# lints a changed contract crate for wasm32.

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
# The wasm-backend passes run the test executables the step above built,
# from their package's directory as cargo does. (`cargo test --test NAME`
# would build fewer targets, and resolver 2 then leaves out the features
# that only the other targets' dev-dependencies enable: it recompiled most of
# the graph, about 4 minutes on two cores.) The simulator's are every file of
# sim/tests.
step "market suites on the wasm backend"
artifacts=$(cargo test --locked --workspace --no-run --message-format=json)
run_test() { # NAME [ARGS...]: the integration test executable NAME
  local name=$1 line exe manifest
  shift
  line=$(grep -F '"kind":["test"]' <<<"$artifacts" | grep -F "\"name\":\"$name\",")
  if [ "$(grep -c . <<<"$line")" -ne 1 ]; then
    echo "run_test: expected one test target named $name" >&2
    return 1
  fi
  exe=$(sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' <<<"$line")
  manifest=$(sed -n 's/.*"manifest_path":"\([^"]*\)".*/\1/p' <<<"$line")
  echo "     Running $name ($exe)"
  (cd "$(dirname "$manifest")" && "$exe" "$@")
}
KEEL_BACKEND=wasm run_test market
KEEL_BACKEND=wasm KEEL_INVARIANT_CASES=16 run_test invariants
for file in sim/tests/*.rs; do
  KEEL_BACKEND=wasm run_test "$(basename "$file" .rs)"
done

# The cargo-fuzz targets are their own workspace; CI type-checks and lints
# them on the pinned stable toolchain (running them needs nightly and
# cargo-fuzz: README, "Invariants and fuzzing"). A check, not a build: the
# same code is type-checked without code generation or linking. In the root
# target directory: the dependencies it shares with the workspace's clippy
# step are checked once (about 100 s instead of 200 s on two cores); the
# keel crates it checks as plain dependencies replace their clippy results,
# so the next full run re-lints them (about a minute). Last for that reason.
step "fuzz targets (format, clippy)"
cargo fmt --manifest-path fuzz/Cargo.toml --check
cargo clippy --locked --manifest-path fuzz/Cargo.toml --bins -- -D warnings

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

#!/usr/bin/env bash
# Installs what Keel needs beyond what rustup reads from rust-toolchain.toml.
# Idempotent; safe to run on every CI run.
set -euo pipefail
cd "$(dirname "$0")/.."

toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
# RUSTUP_AUTO_INSTALL=0 on our machines: install the pinned toolchain,
# its components and the wasm target explicitly.
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  rustup toolchain install "$toolchain" --profile minimal --component rustfmt,clippy
fi
rustup component add --toolchain "$toolchain" rustfmt clippy >/dev/null
rustup target add --toolchain "$toolchain" wasm32-unknown-unknown >/dev/null

# The deployable wasm's toolchain (Cargo.toml [workspace.metadata.keel]): a
# pinned nightly with rust-src, for -Zbuild-std (std is rebuilt for wasm32,
# so no prebuilt wasm32 std is needed).
wasm_toolchain=$(sed -n 's/^wasm-toolchain *= *"\(.*\)"/\1/p' Cargo.toml)
if ! rustup run "$wasm_toolchain" rustc --version >/dev/null 2>&1; then
  rustup toolchain install "$wasm_toolchain" --profile minimal --component rust-src
fi
rustup component add --toolchain "$wasm_toolchain" rust-src >/dev/null

# binaryen's wasm-opt, pinned by Cargo.toml ([workspace.metadata.keel]
# binaryen): keel build optimises every deployable program with it
# (keel-cli's build::optimize). The npm package is binaryen compiled to wasm
# and run by node, so every machine gets the same bytes; it has no
# dependencies. Into target/tools/ like the tools below, but required:
# without it keel build cannot build what deploys.
BINARYEN_VERSION=$(sed -n 's/^binaryen *= *"\(.*\)"/\1/p' Cargo.toml)
BINARYEN_DIR=target/tools/binaryen-$BINARYEN_VERSION
if [ ! -f "$BINARYEN_DIR/node_modules/binaryen/package.json" ]; then
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "setup: keel build needs node and npm (binaryen's wasm-opt $BINARYEN_VERSION)" >&2
    exit 1
  fi
  mkdir -p "$BINARYEN_DIR"
  npm install --prefix "$BINARYEN_DIR" --no-save --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION" >/dev/null
fi

# solc-js, pinned, to check that abi/IKeelMarket.sol compiles (scripts/test.sh,
# scripts/solc-check.js). From the npm registry into target/tools/ (ignored
# by git, removed by `cargo clean`, reinstalled here). Without node and npm
# the check is skipped, with a message.
SOLC_VERSION=0.8.37
SOLC_DIR=target/tools/solc-$SOLC_VERSION
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  if [ ! -f "$SOLC_DIR/node_modules/solc/package.json" ]; then
    mkdir -p "$SOLC_DIR"
    npm install --prefix "$SOLC_DIR" --no-audit --no-fund --loglevel=error "solc@$SOLC_VERSION" >/dev/null
  fi
else
  echo "setup: node/npm not found; the solc check of abi/IKeelMarket.sol will be skipped" >&2
fi

# viem, pinned with its whole tree (scripts/js/package-lock.json, `npm ci`),
# for the JavaScript client test against `keel node` (scripts/node-rpc.mjs,
# deploy/tests/node/script.rs). Skipped with a message without node and npm.
VIEM_VERSION=$(sed -n 's/.*"viem": "\(.*\)".*/\1/p' scripts/js/package.json)
VIEM_DIR=target/tools/viem-$VIEM_VERSION
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  if [ ! -f "$VIEM_DIR/node_modules/viem/package.json" ]; then
    mkdir -p "$VIEM_DIR"
    cp scripts/js/package.json scripts/js/package-lock.json "$VIEM_DIR/"
    npm ci --prefix "$VIEM_DIR" --no-audit --no-fund --loglevel=error >/dev/null
  fi
else
  echo "setup: node/npm not found; the viem test against keel node will be skipped" >&2
fi

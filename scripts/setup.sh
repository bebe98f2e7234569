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

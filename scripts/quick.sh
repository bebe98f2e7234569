#!/usr/bin/env bash
# `bash scripts/test.sh quick [BASE]`: the inner loop. Checks what a change
# touches, not everything: format (all), then clippy (warnings denied), the
# docs (warnings denied) and the tests of the crates whose files changed
# since BASE (default: the merge base with `main`, plus uncommitted and
# untracked files); wasm32 clippy when a contract crate changed; the solc
# check when the ABI changed; the fuzz targets' lint when fuzz/ changed.
# CI runs the full `bash scripts/test.sh`; run it before asking for a merge.
# A change to keel-market or a program also runs keel-tests (the market's
# devnet tests). Other dependents of a changed crate are not tested here (a
# keel-math change can break keel-market's tests): the full command covers
# them.
set -euo pipefail
cd "$(dirname "$0")/.."

base_ref="${1:-main}"
base=$(git merge-base HEAD "$base_ref" 2>/dev/null || git rev-parse HEAD)
# Incremental caches make the edit-compile loop fast; the full command
# turns them off.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-1}"
# A quarter of the stateful invariant test's CI sequences (README,
# "Invariants and fuzzing"); set KEEL_INVARIANT_CASES to choose.
export KEEL_INVARIANT_CASES="${KEEL_INVARIANT_CASES:-64}"

step() { printf '\n==> %s\n' "$*"; }

mapfile -t changed < <(
  {
    git diff --name-only "$base"
    git diff --name-only HEAD
    git ls-files --others --exclude-standard
  } | sort -u
)
if [ "${#changed[@]}" -eq 0 ]; then
  echo "quick: nothing changed since $(git rev-parse --short "$base") ($base_ref)"
  exit 0
fi

# The package that owns a file: the nearest Cargo.toml above it (the
# workspace root and fuzz/ are not packages of the main workspace).
package_of() {
  local dir
  dir=$(dirname "$1")
  while [ "$dir" != "." ] && [ "$dir" != "/" ]; do
    if [ -f "$dir/Cargo.toml" ]; then
      case "$dir" in fuzz | fuzz/*) return 0 ;; esac
      sed -n 's/^name *= *"\(.*\)"/\1/p' "$dir/Cargo.toml" | head -n 1
      return 0
    fi
    dir=$(dirname "$dir")
  done
}

declare -A seen=()
names=()
packages=()
contracts=()
abi=false
fuzz=false
whole=false
for file in "${changed[@]}"; do
  case "$file" in
    Cargo.toml | Cargo.lock | rust-toolchain.toml | .cargo/*) whole=true ;;
    abi/* | deploy/src/abi/* | scripts/solc-check.js) abi=true ;;
    fuzz/*) fuzz=true ;;
  esac
  [ -e "$file" ] || continue
  package=$(package_of "$file")
  if [ -n "$package" ] && [ -z "${seen[$package]:-}" ]; then
    seen[$package]=1
    names+=("$package")
    packages+=(-p "$package")
    case "$file" in contracts/*) contracts+=(-p "$package") ;; esac
  fi
done
# The ABI files are read by keel-bindings and checked by keel-cli's tests.
if $abi && [ -z "${seen[keel-cli]:-}" ]; then
  seen[keel-cli]=1
  names+=(keel-cli)
  packages+=(-p keel-cli)
fi
# The market's behaviour is tested on the devnet by keel-tests (its own
# crate has unit tests only).
for file in "${changed[@]}"; do
  case "$file" in
    contracts/market/* | contracts/programs/*)
      if [ -z "${seen[keel-tests]:-}" ]; then
        seen[keel-tests]=1
        names+=(keel-tests)
        packages+=(-p keel-tests)
      fi
      ;;
  esac
done

echo "quick: ${#changed[@]} file(s) changed since $(git rev-parse --short "$base") ($base_ref)"
if $whole; then
  echo "quick: workspace files changed (Cargo.toml, Cargo.lock, toolchain, .cargo): run the full 'bash scripts/test.sh'"
fi

step "format"
cargo fmt --all --check

if [ "${#packages[@]}" -gt 0 ]; then
  echo "crates: ${names[*]}"
  step "clippy (native, all targets)"
  cargo clippy --locked "${packages[@]}" --all-targets -- -D warnings
  if [ "${#contracts[@]}" -gt 0 ]; then
    step "clippy (wasm32, changed contract crates)"
    cargo clippy --locked --target wasm32-unknown-unknown "${contracts[@]}" -- -D warnings
  fi
  step "docs (rustdoc, warnings denied)"
  RUSTDOCFLAGS="${RUSTDOCFLAGS:-} -D warnings" cargo doc --locked --no-deps "${packages[@]}"
  step "tests of the changed crates"
  cargo test --locked "${packages[@]}"
else
  echo "quick: no crate changed (documentation or scripts only)"
fi

if $abi; then
  step "Solidity interface (solc-js)"
  solc_dir=target/tools/solc-0.8.37/node_modules/solc # SOLC_VERSION in setup.sh
  if command -v node >/dev/null 2>&1 && [ -f "$solc_dir/package.json" ]; then
    node scripts/solc-check.js "$solc_dir"
  else
    echo "SKIPPED: node or solc-js is missing (scripts/setup.sh installs solc-js when node and npm exist)"
  fi
fi

if $fuzz; then
  step "fuzz targets (format, clippy)"
  cargo fmt --manifest-path fuzz/Cargo.toml --check
  cargo clippy --locked --manifest-path fuzz/Cargo.toml --target-dir target/fuzz-check --bins -- -D warnings
fi

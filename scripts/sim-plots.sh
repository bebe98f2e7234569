#!/usr/bin/env bash
# Regenerates the risk lab's committed plots (docs/sim/): the four scenarios
# of deploy/scenarios/ and the crash's sweep of the liquidation threshold.
# Usage: bash scripts/sim-plots.sh [path/to/keel]   (default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
keel=${1:-}
if [[ -z "$keel" ]]; then
  # Release for speed; unwinding (the devnet catches native contract panics)
  # and a quicker optimiser than the contracts' size profile.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=3 CARGO_PROFILE_RELEASE_LTO=false \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_PANIC=unwind \
    cargo build --release -p keel-cli --bin keel
  keel=target/release/keel
fi
out=target/sim
for scenario in calm crash crash-outage bleed; do
  "$keel" sim "deploy/scenarios/$scenario.toml" --out "$out/$scenario" --quiet
  mkdir -p "docs/sim/$scenario"
  cp "$out/$scenario"/{prices,health,liquidations}.svg "$out/$scenario/summary.json" "docs/sim/$scenario/"
done
"$keel" sim deploy/scenarios/crash.toml --sweep lt=0.75..0.90:0.01 --out "$out/crash-sweep-lt" --quiet
cp "$out/crash-sweep-lt/sweep.svg" docs/sim/crash-sweep-lt.svg
cp "$out/crash-sweep-lt/sweep.csv" docs/sim/crash-sweep-lt.csv

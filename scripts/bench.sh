#!/usr/bin/env bash
# Runs every benchmark and writes bench-results.json:
#   1. native: cargo bench --bench hot_paths (Adam step at widths 8/32/64, 101x101 slice,
#      Hessian + eigen-decomposition, quick width sweep on all cores);
#   2. browser: the release build in headless Chromium, our wasm against TensorFlow.js (cpu and
#      wasm backends) on the same data and weights, long tasks, the quick sweep, transfer size;
#   3. soak: SOAK_MINUTES (default 5) of training, then as many of back-to-back sweeps, with the
#      JS heap's and the renderer's memory growth per minute (bench/soak.mjs; SOAK_MINUTES=0
#      skips it).
# Usage: bash scripts/bench.sh [OUT_JSON]   (default bench-results.json)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
OUT="${1:-bench-results.json}"

bash scripts/setup.sh
if [ ! -d bench/node_modules/@tensorflow/tfjs ]; then
  echo "bench.sh: installing TensorFlow.js for the comparison"
  (cd bench && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi)
fi

echo "bench.sh: native benchmark"
mkdir -p target
cargo bench --bench hot_paths | tee target/bench-native.txt
tail -n 1 target/bench-native.txt > target/bench-native.json

echo "bench.sh: release build"
trunk build --release --offline=true

echo "bench.sh: browser benchmark"
node bench/run.mjs target/bench-native.json "$OUT"
if [ "${SOAK_MINUTES:-5}" != "0" ]; then
  echo "bench.sh: soak (${SOAK_MINUTES:-5} minutes of training, then of sweeps)"
  node bench/soak.mjs "$OUT"
fi
echo "bench.sh: wrote $OUT"

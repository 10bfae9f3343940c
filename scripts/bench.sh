#!/usr/bin/env bash
# Runs every benchmark and writes bench-results.json:
#   1. native: cargo bench --bench hot_paths (Adam step at widths 8/32/64, 101x101 slice,
#      Hessian + eigen-decomposition, quick width sweep on all cores); it also writes the
#      reference the peers start from and check against (target/bench-data.json: data, initial
#      weights, Adam settings, our losses and Hessian eigenvalues);
#   2. JAX on one core, 64-bit (bench/jax_bench.py): the same Adam step at widths 8/32/64 and the
#      exact Hessian + eigh at widths 32/64 from that reference; fails if its losses or
#      eigenvalues disagree with ours. JAX (CPU) is installed into a virtual environment,
#      $BENCH_VENV (default target/bench-venv), once;
#   3. browser: the release build in headless Chromium, our wasm against the same step in plain
#      JavaScript and against TensorFlow.js (cpu and wasm backends) on the same data and weights,
#      long tasks, the quick sweep, transfer size;
#   4. live slices and the 3-D view (bench/live.mjs): slices per second while training, the
#      training speed with live slices on and off, and the median frame while turning a 101x101
#      surface in software WebGL;
#   5. the engine from Python against JAX (bench/python_bench.py): per-call time of the loss and
#      gradient, the exact Hessian, and the Hessian with its eigen-decomposition, at widths
#      8/32/64 and N = 256 and 10 000, on one core, with the values checked against each other
#      (the package is built as a wheel into the JAX environment);
#   6. soak: SOAK_MINUTES (default 5) of training, then as many of back-to-back sweeps, with the
#      JS heap's and the renderer's memory growth per minute (bench/soak.mjs; SOAK_MINUTES=0
#      skips it).
# Usage: bash scripts/bench.sh [OUT_JSON]   (default bench-results.json)
# Environment: BENCH_DIST  where the release build goes and is served from (default dist);
#              BENCH_JAX_CPU  the core JAX is pinned to (default 0).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
OUT="${1:-bench-results.json}"
# The machine may be shared: its load before anything here starts goes into the results.
BENCH_LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || true)"
export BENCH_LOAD_BEFORE

bash scripts/setup.sh
if [ ! -d bench/node_modules/@tensorflow/tfjs ]; then
  echo "bench.sh: installing TensorFlow.js for the comparison"
  (cd bench && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi)
fi

# JAX (CPU) in a virtual environment of its own, installed once.
VENV="${BENCH_VENV:-target/bench-venv}"
if "$VENV/bin/python" -c 'import jax' >/dev/null 2>&1; then
  echo "bench.sh: JAX $("$VENV/bin/python" -c 'import jax; print(jax.__version__)') in $VENV"
else
  echo "bench.sh: installing JAX (CPU) into $VENV"
  mkdir -p "$(dirname "$VENV")"
  if ! python3 -m venv "$VENV"; then
    # Debian's Python makes virtual environments only with python3-venv installed.
    rm -rf "$VENV"
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
    echo "bench.sh: python3 -m venv failed; installing python3-venv"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv ||
      { "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update &&
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv; }
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check jax
fi

echo "bench.sh: native benchmark"
mkdir -p target
export BENCH_DATA_JSON="$ROOT/target/bench-data.json"
cargo bench --bench hot_paths | tee target/bench-native.txt
tail -n 1 target/bench-native.txt > target/bench-native.json

echo "bench.sh: JAX on one core (same data and initial weights)"
PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c "${BENCH_JAX_CPU:-0}"); fi
env JAX_PLATFORMS=cpu \
  XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" \
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 \
  "${PIN[@]}" "$VENV/bin/python" bench/jax_bench.py "$BENCH_DATA_JSON" target/bench-jax.json

echo "bench.sh: release build"
DIST="${BENCH_DIST:-dist}"
trunk build --release --offline=true --dist "$DIST"
BENCH_DIST="$(cd "$DIST" && pwd)"
export BENCH_DIST

echo "bench.sh: browser benchmark"
node bench/run.mjs target/bench-native.json "$OUT" target/bench-jax.json
echo "bench.sh: live slices and the 3-D view"
node bench/live.mjs "$OUT"
echo "bench.sh: the engine from Python against JAX (one core)"
target/py-venv/bin/maturin build --release -m python/Cargo.toml -i "$VENV/bin/python" -o target/wheels
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
  target/wheels/escape_dims-*-cp*.whl
env JAX_PLATFORMS=cpu \
  XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" \
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 RAYON_NUM_THREADS=1 \
  "${PIN[@]}" "$VENV/bin/python" bench/python_bench.py "$OUT"
if [ "${SOAK_MINUTES:-5}" != "0" ]; then
  echo "bench.sh: soak (${SOAK_MINUTES:-5} minutes of training, then of sweeps)"
  node bench/soak.mjs "$OUT"
fi
echo "bench.sh: wrote $OUT"

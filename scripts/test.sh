#!/usr/bin/env bash
# Runs every check of the Escape Dimensions Explorer, stopping at the first failure:
#   1 setup      scripts/setup.sh (toolchain, wasm-bindgen, trunk, Chromium, npm packages)
#   2 lint       rustfmt, clippy (native and wasm32), warnings are errors
#   3 native     cargo test
#   4 wasm       cargo test --target wasm32-unknown-unknown --test wasm, in headless Chromium
#   5 build      trunk build --release into dist/, then scripts/single-file.mjs (the one-file page)
#   6 e2e        node --test tests/e2e/*.test.mjs against dist/ in Chromium
#   7 python     the Python package (maturin, into target/py-venv), then pytest python/tests
# Environment:
#   SUBPATH      public URL for the release build (default: Trunk.toml's relative "./");
#                an absolute path such as /explorer/ is also where the e2e tests serve dist/
#   CHROMEDRIVER chromedriver for the wasm tests (default /usr/bin/chromedriver)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

STAGE="(none)"
STARTED=$SECONDS
stage() {
  STAGE="$1"
  printf '\n==================== test.sh stage %s ====================\n' "$STAGE"
}
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    printf '\ntest.sh: FAILED in stage %s (exit code %s)\n' "$STAGE" "$rc" >&2
  fi
}
trap on_exit EXIT
run() {
  printf '+ %s\n' "$*"
  "$@"
}

stage "1/7 setup"
run bash scripts/setup.sh

stage "2/7 lint: rustfmt and clippy"
run cargo fmt --all --check
run cargo clippy --all-targets -- -D warnings
run cargo clippy -p escape-dims-python -- -D warnings
run cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings

stage "3/7 native tests"
run cargo test

stage "4/7 wasm tests in headless Chromium"
# The runner (wasm-bindgen-test-runner, see .cargo/config.toml) starts chromedriver and reads
# browser capabilities from ./webdriver.json.
run env CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --target wasm32-unknown-unknown --test wasm

stage "5/7 release build (trunk)"
rm -rf dist
build_args=(build --release --offline=true)
if [ -n "${SUBPATH:-}" ]; then
  build_args+=(--public-url "$SUBPATH")
fi
run trunk "${build_args[@]}"
[ -f dist/index.html ] || { echo "test.sh: dist/index.html was not produced" >&2; exit 1; }
compgen -G 'dist/*.wasm' >/dev/null || { echo "test.sh: no .wasm file in dist/" >&2; exit 1; }
# The single file that works from file:// (a USB stick): dist/escape-dims-offline.html.
run node scripts/single-file.mjs dist
[ -f dist/escape-dims-offline.html ] || { echo "test.sh: dist/escape-dims-offline.html was not produced" >&2; exit 1; }
ls -l dist

stage "6/7 end-to-end tests in Chromium"
mkdir -p artifacts/e2e
# The tests serve dist/ under a sub-path (default /escape-dims/); an absolute SUBPATH must match.
if [[ "${SUBPATH:-}" == /* ]]; then
  export E2E_PREFIX="$SUBPATH"
fi
# Files are listed explicitly: node 20 and 22 treat a bare directory argument differently.
run node --test tests/e2e/*.test.mjs
echo "screenshots: artifacts/e2e/"

stage "7/7 Python package and its tests"
run env VIRTUAL_ENV="$ROOT/target/py-venv" target/py-venv/bin/maturin develop --release --quiet -m python/Cargo.toml
run target/py-venv/bin/python -m pytest -q python/tests

STAGE="done"
printf '\ntest.sh: finished in %ss\n' "$((SECONDS - STARTED))"
echo "test.sh: all stages passed"

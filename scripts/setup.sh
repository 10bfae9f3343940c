#!/usr/bin/env bash
# Installs everything the Escape Dimensions Explorer needs to build, serve and test.
# Idempotent: each step checks first and skips what is already present.
#
# Usage: scripts/setup.sh [--no-browser]
#   --no-browser   skip Chromium, chromedriver, Node.js/npm and the end-to-end test packages
#                  (enough to build and serve the explorer).
# Environment:
#   SETUP_DRY_RUN=1  print the install commands instead of running them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NO_BROWSER=0
for arg in "$@"; do
  case "$arg" in
    --no-browser) NO_BROWSER=1 ;;
    -h | --help)
      sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup.sh: unknown option: $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

DRY_RUN="${SETUP_DRY_RUN:-0}"
TRUNK_VERSION="0.21.14"

log() { printf 'setup: %s\n' "$*"; }
ok() { printf 'setup: ok    %s\n' "$*"; }
run() {
  printf 'setup: run   %s\n' "$*"
  if [ "$DRY_RUN" != "1" ]; then
    "$@"
  fi
}
have() { command -v "$1" >/dev/null 2>&1; }

# Tools installed by cargo and rustup live here; make sure this script (and its callers'
# children) can find them even if the login shell has not added it yet.
export PATH="$HOME/.cargo/bin:$PATH"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if have sudo; then
    SUDO=(sudo)
  else
    SUDO=(__no_sudo__)
  fi
fi

# --- Rust toolchain ---------------------------------------------------------------------

rust_help() {
  cat >&2 <<'EOF'
setup: Rust (cargo) is required but was not found, and rustup's installer could not be run.
setup: Install Rust with rustup (https://rustup.rs), for example:
setup:     curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
setup:     source "$HOME/.cargo/env"
setup: then run scripts/setup.sh again.
EOF
}

if ! have cargo; then
  log "cargo not found: trying rustup's installer (minimal profile)"
  if [ "$DRY_RUN" = "1" ]; then
    log "run   curl ... https://sh.rustup.rs | sh -s -- -y --profile minimal"
    rust_help
    exit 1
  fi
  if have curl &&
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal; then
    # shellcheck disable=SC1091
    [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
  fi
  if ! have cargo; then
    rust_help
    exit 1
  fi
fi
ok "$(cargo --version)"

if have rustup; then
  if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
    ok "rust target wasm32-unknown-unknown"
  else
    run rustup target add wasm32-unknown-unknown
  fi
  installed_components="$(rustup component list --installed)"
  for component in clippy rustfmt; do
    if grep -q "^${component}" <<<"$installed_components"; then
      ok "rust component $component"
    else
      run rustup component add "$component"
    fi
  done
else
  # A Rust without rustup (e.g. a distribution package): check, since we cannot add.
  if [ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown" ]; then
    ok "rust target wasm32-unknown-unknown (no rustup)"
  else
    echo "setup: rustup not found and the wasm32-unknown-unknown standard library is missing;" >&2
    echo "setup: install Rust with rustup (https://rustup.rs) and run scripts/setup.sh again." >&2
    exit 1
  fi
fi

# --- Debian packages --------------------------------------------------------------------

# A package counts as present if dpkg says so or if its command already exists
# (Node.js from another Debian repository ships npm inside its nodejs package, and
# installing Debian's npm next to it would conflict).
# python3-venv: Debian's Python makes virtual environments only with it (the Python tests').
apt_wanted=(python3:python3 python3-venv:__none__)
if [ "$NO_BROWSER" = "0" ]; then
  apt_wanted+=(chromium:chromium chromium-driver:chromedriver nodejs:node npm:npm)
fi
apt_missing=()
for entry in "${apt_wanted[@]}"; do
  pkg="${entry%%:*}"
  cmd="${entry#*:}"
  if dpkg -s "$pkg" >/dev/null 2>&1 || have "$cmd"; then
    ok "package $pkg"
  else
    apt_missing+=("$pkg")
  fi
done
if [ "${#apt_missing[@]}" -gt 0 ]; then
  if ! have apt-get; then
    echo "setup: missing: ${apt_missing[*]}; no apt-get here, install them with your package manager." >&2
    exit 1
  fi
  if [ "${SUDO[0]:-}" = "__no_sudo__" ]; then
    echo "setup: missing: ${apt_missing[*]}; run as root or install sudo." >&2
    exit 1
  fi
  run "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  run "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${apt_missing[@]}"
fi

# --- wasm-bindgen CLI (also provides wasm-bindgen-test-runner) --------------------------

# The CLI must be exactly the version of the `wasm-bindgen` crate the project links:
# prefer Cargo.lock, then the `wasm-bindgen = "=X"` requirement in Cargo.toml.
wb_version=""
if [ -f Cargo.lock ]; then
  wb_version="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
fi
if [ -z "$wb_version" ]; then
  wb_version="$(sed -nE 's/^[[:space:]]*wasm-bindgen[[:space:]]*=.*"=?([0-9]+\.[0-9]+\.[0-9]+)".*/\1/p' Cargo.toml | head -n1)"
fi
wb_version="${wb_version:-0.2.130}"

installed_wb="$(wasm-bindgen --version 2>/dev/null || true)"
if [ "$installed_wb" = "wasm-bindgen $wb_version" ] && have wasm-bindgen-test-runner; then
  ok "$installed_wb (and wasm-bindgen-test-runner)"
else
  log "wasm-bindgen CLI ${installed_wb:-not installed}; need $wb_version"
  # No --locked: the lock file shipped with wasm-bindgen-cli pins a crate version the registry
  # index no longer has.
  run cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

# --- Trunk ------------------------------------------------------------------------------

installed_trunk="$(trunk --version 2>/dev/null || true)"
if [ "$installed_trunk" = "trunk $TRUNK_VERSION" ]; then
  ok "$installed_trunk"
else
  log "trunk ${installed_trunk:-not installed}; need $TRUNK_VERSION (0.22 needs a newer rustc)"
  # --debug: builds much faster, and trunk's own speed does not matter.
  run cargo install trunk --version "$TRUNK_VERSION" --locked --debug --force
fi

# --- Crate dependencies -----------------------------------------------------------------

# Trunk runs cargo with --offline (Trunk.toml: offline = true), so fetch every dependency,
# for all targets, ahead of it.
run cargo fetch --quiet

# --- End-to-end test packages -----------------------------------------------------------

if [ "$NO_BROWSER" = "0" ]; then
  e2e="tests/e2e"
  if [ -f "$e2e/package.json" ]; then
    if [ -d "$e2e/node_modules/playwright-core" ] &&
      { [ ! -f "$e2e/package-lock.json" ] || [ ! "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; }; then
      ok "npm packages in $e2e"
    elif [ -f "$e2e/package-lock.json" ]; then
      (cd "$e2e" && run npm ci --no-audit --no-fund)
    else
      (cd "$e2e" && run npm install --no-audit --no-fund)
    fi
  fi
else
  log "--no-browser: skipped Chromium, chromedriver, Node.js and npm packages"
fi

# --- Python test environment -------------------------------------------------------------

# The Python package's tests (python/tests) run in a virtual environment of their own, made once
# and refreshed when python/requirements-test.txt changes.
if [ "$NO_BROWSER" = "0" ]; then
  venv="target/py-venv"
  stamp="$venv/.requirements-test.txt"
  if [ -x "$venv/bin/python" ] && cmp -s python/requirements-test.txt "$stamp"; then
    ok "Python test environment $venv"
  else
    mkdir -p target
    if [ ! -x "$venv/bin/python" ]; then
      run python3 -m venv "$venv"
    fi
    run "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r python/requirements-test.txt
    cp python/requirements-test.txt "$stamp"
  fi
fi

log "done"

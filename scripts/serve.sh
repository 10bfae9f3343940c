#!/usr/bin/env bash
# Builds the Escape Dimensions Explorer and serves it on this machine, rebuilding and
# reloading the page when www/, src/ or Cargo.toml change (see Trunk.toml [watch]).
#
# Usage: scripts/serve.sh [extra trunk serve options]
# Environment:
#   PORT   port to listen on (default 8080); the address is always 127.0.0.1
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

PORT="${PORT:-8080}"
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
  echo "serve.sh: PORT must be a number from 1 to 65535, not '$PORT'" >&2
  exit 2
fi

# Serving needs no browser tooling: skip Chromium, chromedriver and npm packages.
bash scripts/setup.sh --no-browser

URL="http://127.0.0.1:${PORT}/"
echo "serve.sh: building, then serving the explorer at ${URL} (Ctrl-C to stop)"
# --offline=true: never download tools (a bare --offline would swallow the next argument).
# --release: training in an unoptimised wasm build is many times slower.
exec trunk serve --release --offline=true --address 127.0.0.1 --port "$PORT" --open=false "$@"

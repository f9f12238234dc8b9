#!/usr/bin/env bash
# The whole test suite, as the README documents it: formatting, lints, Rust tests, and the
# Python tests that drive the real binary with the official SDKs.
#
# Environment:
#   CPA_VENV   where the Python virtualenv lives (default: target/venv)
#   CPA_SKIP_PYTHON=1   skip the Python SDK tests (e.g. when offline)
#   CPA_SKIP_CLI=1      skip the coding-CLI end-to-end tests (Claude Code, Codex, Gemini CLI)
#   CPA_SKIP_FUZZ=1     skip the bounded fuzz run of the translation decoders
#   CPA_FUZZ_SECONDS    how long the fuzz run lasts (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

if [ "${CPA_SKIP_FUZZ:-0}" != "1" ]; then
  step "fuzz the translation decoders for ${CPA_FUZZ_SECONDS:-60}s"
  ./scripts/fuzz.sh "${CPA_FUZZ_SECONDS:-60}"
fi

step "build the binary for the end-to-end tests"
cargo build --locked -p cli-proxy-api
export CPA_BIN="$(realpath -m "${CARGO_TARGET_DIR:-target}")/debug/cli-proxy-api"

if [ "${CPA_SKIP_PYTHON:-0}" != "1" ]; then
  venv="${CPA_VENV:-$PWD/target/venv}"
  step "python virtualenv at $venv"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt
  step "python end-to-end tests"
  "$venv/bin/python" -m pytest -q tests/python
  export CPA_VENV="$venv"
fi

if [ "${CPA_SKIP_CLI:-0}" != "1" ]; then
  step "coding CLI end-to-end tests (Claude Code, Codex CLI, Gemini CLI)"
  tests/cli/run.sh
fi

#!/usr/bin/env bash
# End-to-end tests that drive the real coding CLIs (Claude Code, Codex CLI, Gemini CLI)
# against cli-proxy-api and its mock upstream. See docs/e2e-clis.md.
#
# Environment:
#   CPA_BIN      the cli-proxy-api binary (default: $CARGO_TARGET_DIR or target, debug build;
#                built with cargo when unset)
#   CPA_PYTHON   python with pytest and httpx (tests/python/requirements.txt); default:
#                $CPA_VENV/bin/python (CPA_VENV defaults to target/venv, as in
#                scripts/test.sh), else python3
#   extra arguments go to pytest (e.g. -k codex)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if [ -z "${CPA_BIN:-}" ]; then
  target="$(cd "$repo" && realpath -m "${CARGO_TARGET_DIR:-target}")"
  (cd "$repo" && cargo build --locked -p cli-proxy-api)
  export CPA_BIN="$target/debug/cli-proxy-api"
fi

# No dependency install scripts, on any npm version (Gemini CLI's optional keytar and
# node-pty would want node-gyp or a GitHub download), except Claude Code's postinstall,
# which copies the platform's native binary over bin/claude.exe.
(
  cd "$here"
  npm ci --ignore-scripts --no-audit --no-fund
  node node_modules/@anthropic-ai/claude-code/install.cjs
)

python="${CPA_PYTHON:-}"
if [ -z "$python" ]; then
  venv="${CPA_VENV:-$repo/target/venv}"
  if [ -x "$venv/bin/python" ]; then
    python="$venv/bin/python"
  else
    python=python3
  fi
fi
cd "$repo"
exec "$python" -m pytest -q -p no:cacheprovider "$@" tests/cli

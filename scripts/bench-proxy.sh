#!/usr/bin/env bash
# Measures the latency the proxy adds and its memory, against the built-in mock upstream.
#
#   scripts/bench-proxy.sh [seconds] [connections]
#
# Needs `wrk` (Debian package) and a release build (`cargo build --release -p cli-proxy-api`;
# set CPA_BIN to use another binary). Prints wrk's latency distribution for the same request
# sent (1) straight to the mock, (2) through the proxy to an OpenAI-compatible provider
# (same format: passthrough), (3) through the proxy to the Claude provider (OpenAI chat →
# Anthropic → OpenAI chat), and the proxy's resident memory before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
conns="${2:-16}"
bin="${CPA_BIN:-${CARGO_TARGET_DIR:-target}/release/cli-proxy-api}"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" mock-upstream --port 0 > "$work/mock.out" &
for _ in $(seq 100); do grep -q listening "$work/mock.out" 2>/dev/null && break; sleep 0.05; done
mock="$(sed -n 's/^mock-upstream listening on //p' "$work/mock.out")"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/config.yaml" <<YAML
host: 127.0.0.1
port: $port
auth-dir: "$work/auth"
api-keys: ["sk-bench"]
claude-api-key:
  - api-key: "sk-ant-bench"
    base-url: "$mock"
    models: [{name: "claude-sonnet-4-5-20250929", alias: "bench-claude"}]
openai-compatibility:
  - name: benchai
    base-url: "$mock/v1"
    api-key-entries: [{api-key: "sk-bench-upstream"}]
    models: [{name: "gpt-4o-mini", alias: "bench-compat"}]
YAML
RUST_LOG=warn "$bin" --config "$work/config.yaml" > "$work/proxy.out" 2>&1 &
proxy_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" > /dev/null && break; sleep 0.05; done

script() {
  cat > "$work/$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"$2","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"benchmark the proxy with a short prompt of about twenty words so that bodies look like a small real request"}]}'
LUA
}
script direct gpt-4o-mini
script compat bench-compat
script claude bench-claude

rss() { awk '/VmRSS|VmHWM/ {printf "%s %s kB  ", $1, $2} END {print ""}' "/proc/$proxy_pid/status"; }
echo "proxy memory at start: $(rss)"
for case in "direct $mock/v1/chat/completions" "compat http://127.0.0.1:$port/v1/chat/completions" "claude http://127.0.0.1:$port/v1/chat/completions"; do
  set -- $case
  echo "== $1 ($2)"
  threads=$(( conns < 2 ? 1 : 2 ))
  wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s "$work/$1.lua" "$2" | sed -n '/Latency Distribution/,/Requests\/sec/p'
done
echo "proxy memory after: $(rss)"

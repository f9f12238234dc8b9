#!/usr/bin/env bash
# Runs the cargo-fuzz target over every translation decoder for a bounded time.
#
#   scripts/fuzz.sh [seconds]      (default 60)
#
# cargo-fuzz needs nightly compiler flags (sanitizers); this machine has only the stable
# toolchain, so the build runs with RUSTC_BOOTSTRAP=1, which lets stable rustc accept them.
# Installs cargo-fuzz on first use. A crash fails the run and leaves the input under
# fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
if ! cargo fuzz --version > /dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi
target_dir="$(realpath -m "${CARGO_TARGET_DIR:-target}")/fuzz"
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
cp fuzz/corpus_seed/* "$corpus"/
log="$target_dir/fuzz-run.log"
mkdir -p "$target_dir"
cd fuzz
# libFuzzer reports every new input; keep that in a log and show the end of it.
if RUSTC_BOOTSTRAP=1 cargo fuzz run decoders --target-dir "$target_dir" \
  "$corpus" -- -max_total_time="$secs" -print_final_stats=1 > "$log" 2>&1; then
  grep -E '^Done|^stat::(number_of_executed_units|peak_rss_mb)' "$log" || tail -n 5 "$log"
  echo "fuzzing found no crash (full log: $log)"
else
  status=$?
  tail -n 60 "$log"
  exit "$status"
fi

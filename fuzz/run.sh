#!/usr/bin/env bash
# Run every fuzz target (or those named) for SECONDS each, one after another, on one core,
# and record the executions. A crash does not end a target's time: libFuzzer stops at the
# crash, the input is kept in fuzz/artifacts/<target>/, and the target restarts until its
# time is used. Totals go to fuzz/results.tsv (target, seconds, executions, crashes).
#
#   cd fuzz && cargo +nightly fuzz build -s none && ./run.sh 600 [target ...]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:?usage: run.sh SECONDS [target ...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(prices market events instruments factors study_toml study_json rules)
bin=target/x86_64-unknown-linux-gnu/release
export POLARS_MAX_THREADS=1 RUST_BACKTRACE=1
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  execs=0 crashes=0 start=$SECONDS
  while left=$(( secs - (SECONDS - start) )); [ "$left" -gt 0 ]; do
    log="logs/$t.$(date +%s).log"
    "$bin/$t" "corpus/$t" "seeds/$t" -max_total_time="$left" -print_final_stats=1 \
      -artifact_prefix="artifacts/$t/" -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1 || crashes=$((crashes + 1))
    n=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || true)
    if [ -z "$n" ]; then  # a crash prints no final stats: the last status line has the count
      n=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
    fi
    execs=$((execs + ${n:-0}))
  done
  printf '%s\t%s\t%s\t%s\n' "$t" "$secs" "$execs" "$crashes" | tee -a results.tsv
done

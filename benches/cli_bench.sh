#!/usr/bin/env bash
# CLI benchmark: a whole `evstudy run` on a large synthetic panel versus a bare polars read
# of the same prices CSV (the floor: evstudy cannot be faster than reading its input).
#
#   benches/cli_bench.sh
#
# Steps:
#   1. cargo build --release --bin evstudy --example polars_read
#   2. python3 benches/make_panel.py target/bench-panel   (only if the panel is absent;
#      default 2000 tickers x 10 years = 5,218,000 rows, 5,000 events, ~310 MB)
#   3. run `polars_read PRICES` and `evstudy run --prices P --market M --events E
#      --out target/bench-out` RUNS times each (default 3) under /usr/bin/time -f '%e %M'
#      (wall seconds, peak RSS in KiB); GNU time is installed with apt-get if missing
#   4. write the medians to benches/cli_results.json and print a short table
#
# Environment (all optional):
#   RUNS=3                  runs per command (the median is reported)
#   BENCH_PANEL=DIR         panel folder (default target/bench-panel)
#   BENCH_PANEL_ARGS="..."  extra make_panel.py arguments, e.g. "--tickers 200 --years 5"
#   EVSTUDY_ARGS="..."      extra arguments appended to `evstudy run`
#   SKIP_BUILD=1            use the binaries already in target/release
#
# Units: *_s are median wall seconds; *_peak_mb are median peak RSS in MiB (2^20 bytes).
# panel_inmem_mb approximates the panel held in memory as rows x 8 columns x 8 bytes
# (one f64/i64-sized value per cell; ignores string/ticker storage and validity bitmaps).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RUNS=${RUNS:-3}
PANEL=${BENCH_PANEL:-target/bench-panel}
OUT=target/bench-out
RESULTS=benches/cli_results.json
EVSTUDY=target/release/evstudy
POLARS_READ=target/release/examples/polars_read
read -r -a PANEL_ARGS <<<"${BENCH_PANEL_ARGS:-}"
read -r -a EXTRA_ARGS <<<"${EVSTUDY_ARGS:-}"

log() { printf '%s\n' "$*" >&2; }

# 1. Build.
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "== building (release)"
    cargo build --release --bin evstudy --example polars_read
fi
for bin in "$EVSTUDY" "$POLARS_READ"; do
    [[ -x $bin ]] || { log "error: $bin not found (build failed or SKIP_BUILD=1 without a build)"; exit 1; }
done

# GNU time (for peak RSS).
TIME=/usr/bin/time
if [[ ! -x $TIME ]]; then
    log "== installing GNU time with apt-get"
    SUDO=()
    [[ $(id -u) -eq 0 ]] || SUDO=(sudo -n)
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get install -y -qq time >/dev/null 2>&1 || {
        "${SUDO[@]}" apt-get update -qq >/dev/null
        "${SUDO[@]}" apt-get install -y -qq time >/dev/null
    }
fi

# 2. Panel.
if [[ ! -f $PANEL/prices.csv || ! -f $PANEL/index.csv || ! -f $PANEL/events.csv || ! -f $PANEL/meta.json ]]; then
    log "== generating the panel into $PANEL"
    python3 benches/make_panel.py "$PANEL" "${PANEL_ARGS[@]}"
fi
PRICES=$PANEL/prices.csv
MARKET=$PANEL/index.csv
EVENTS=$PANEL/events.csv

# 3. Measure.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# measure NAME CMD...: run CMD RUNS times, append "wall_s peak_kib" lines to $TMP/NAME.times
measure() {
    local name=$1
    shift
    local i
    for ((i = 1; i <= RUNS; i++)); do
        [[ $name == study ]] && rm -rf "$OUT"
        if ! "$TIME" -f '%e %M' -o "$TMP/$name.run" "$@" >"$TMP/$name.stdout" 2>"$TMP/$name.stderr"; then
            log "error: '$*' failed on run $i; last lines of its stderr:"
            tail -n 20 "$TMP/$name.stderr" >&2
            exit 1
        fi
        tail -n 1 "$TMP/$name.run" >>"$TMP/$name.times"
        log "   $name run $i/$RUNS: $(tail -n 1 "$TMP/$name.run") (s KiB)"
    done
}

log "== polars read: $POLARS_READ $PRICES"
measure read "$POLARS_READ" "$PRICES"
read_stdout=$(tr -d '\n' <"$TMP/read.stdout" | cut -c1-200)
log "== evstudy run on $PANEL"
measure study "$EVSTUDY" run --prices "$PRICES" --market "$MARKET" --events "$EVENTS" --out "$OUT" "${EXTRA_ARGS[@]}"

# 4. Results.
COMMIT=$(git rev-parse HEAD 2>/dev/null || echo none)
if [[ $COMMIT != none && -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then
    COMMIT="$COMMIT-dirty"
fi
export BENCH_DATE BENCH_COMMIT BENCH_NPROC BENCH_CPU BENCH_RUSTC BENCH_PANEL_DIR BENCH_READ_STDOUT BENCH_RUNS
BENCH_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
BENCH_COMMIT=$COMMIT
BENCH_NPROC=$(nproc)
BENCH_CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1 || true)
BENCH_RUSTC=$(rustc --version 2>/dev/null || echo unknown)
BENCH_PANEL_DIR=$PANEL
BENCH_READ_STDOUT=$read_stdout
BENCH_RUNS=$RUNS

python3 - "$TMP/read.times" "$TMP/study.times" "$PANEL/meta.json" "$RESULTS" <<'PY'
import json, os, re, statistics, sys

read_t, study_t, meta_path, out_path = sys.argv[1:5]
env = os.environ.get
meta = json.load(open(meta_path))

def samples(path):
    rows = [line.split() for line in open(path) if line.strip()]
    return [float(s) for s, _ in rows], [int(k) / 1024.0 for _, k in rows]

read_s, read_mb = samples(read_t)
study_s, study_mb = samples(study_t)
med = statistics.median
rows = meta["rows"]
inmem_mb = rows * 8 * 8 / 2**20
res = {
    "date": env("BENCH_DATE"),
    "git_commit": env("BENCH_COMMIT"),
    "nproc": int(env("BENCH_NPROC")),
    "cpu": env("BENCH_CPU") or None,
    "rustc": env("BENCH_RUSTC"),
    "runs": int(env("BENCH_RUNS")),
    "panel_dir": env("BENCH_PANEL_DIR"),
    "rows": rows,
    "tickers": meta["tickers"],
    "sessions": meta["sessions"],
    "events": meta["events"],
    "panel_bytes": meta["prices_bytes"],
    "panel_inmem_mb": round(inmem_mb, 1),
    "read_s": med(read_s),
    "read_peak_mb": round(med(read_mb), 1),
    "study_s": med(study_s),
    "study_peak_mb": round(med(study_mb), 1),
    "ratio_time": round(med(study_s) / med(read_s), 2) if med(read_s) > 0 else None,
    "ratio_mem_vs_panel_inmem": round(med(study_mb) / inmem_mb, 2),
    "samples": {"read_s": read_s, "read_peak_mb": [round(x, 1) for x in read_mb],
                "study_s": study_s, "study_peak_mb": [round(x, 1) for x in study_mb]},
    "polars_read_stdout": env("BENCH_READ_STDOUT"),
    "notes": "medians of `runs` runs; wall seconds and peak RSS (MiB) from GNU time "
             "'%e %M'; panel_inmem_mb = rows x 8 columns x 8 bytes (approximation: one "
             "8-byte value per cell, no string or bitmap overhead); "
             "ratio_time = study_s / read_s; "
             "ratio_mem_vs_panel_inmem = study_peak_mb / panel_inmem_mb",
}
numbers = [int(x) for x in re.findall(r"\d+", env("BENCH_READ_STDOUT") or "")]
if rows not in numbers:
    print("warning: polars_read printed %r, expected the row count %d"
          % (env("BENCH_READ_STDOUT"), rows), file=sys.stderr)
with open(out_path, "w", newline="\n") as f:
    json.dump(res, f, indent=2)
    f.write("\n")

print("panel: %d rows, %d tickers, %d events, %.0f MB on disk, ~%.0f MiB in memory (%d CPUs)"
      % (rows, res["tickers"], res["events"], res["panel_bytes"] / 1e6, inmem_mb, res["nproc"]))
print("%-14s %10s %14s" % ("", "wall s", "peak RSS MiB"))
print("%-14s %10.2f %14.1f" % ("polars read", res["read_s"], res["read_peak_mb"]))
print("%-14s %10.2f %14.1f" % ("evstudy run", res["study_s"], res["study_peak_mb"]))
print("%-14s %9sx %13sx  (study / read time; study peak / panel in-memory)"
      % ("ratio", res["ratio_time"], res["ratio_mem_vs_panel_inmem"]))
print("written: %s" % out_path)
PY

#!/usr/bin/env bash
# CLI benchmark (#13): whole `evstudy run`s against polars' bare read of the same input (the
# floor: evstudy cannot be faster than reading its input), from CSV and from Parquet, and how
# the cost grows with events and with rows. Every figure of benches/cli_results.json comes
# from one run of this script on one machine.
#
#   benches/cli_bench.sh
#
# Steps:
#   1. cargo build --release --bin evstudy --example polars_read --example bench_chart
#      --example make_big_panel (one feature set, so the release build is reused) --example make_big_panel
#   2. python3 benches/make_panel.py target/bench-panel   (only if the panel is absent;
#      default 2000 tickers x 10 years = 5,218,000 rows, 5,000 events, ~310 MB), and
#      `evstudy convert` of its prices.csv to prices.parquet (canonical long Parquet)
#   3. RUNS times each (median reported), under /usr/bin/time -f '%e %M' (wall seconds, peak
#      RSS in KiB; GNU time is installed with apt-get if missing):
#        polars_read prices.csv        evstudy run --prices prices.csv ...
#        polars_read prices.parquet    evstudy run --prices prices.parquet ...
#   4. the events curve, once per size: 500, 1,000, 5,000, 20,000 and 100,000 seeded events
#      (benches/make_events.py, nested samples) on ../shared/data/panel_hs300_baostock.csv
#      (the CSI 300 panel, 368,626 rows) with ../shared/data/index_csi300.csv; skipped with a
#      notice without ../shared
#   5. the rows curve, once per size: panels of 200, 600 and 2000 tickers x 10 years (0.52 M,
#      1.57 M, 5.2 M rows) with 5,000 events each
#   6. write benches/cli_results.json and draw docs/scaling_events.png and
#      docs/scaling_rows.png with evstudy's chart code (examples/bench_chart.rs)
#
# Environment (all optional):
#   RUNS=3                  runs per command in step 3 (the median is reported)
#   BENCH_PANEL=DIR         panel folder (default target/bench-panel)
#   BENCH_PANEL_ARGS="..."  extra make_panel.py arguments, e.g. "--tickers 200 --years 5"
#   EVSTUDY_ARGS="..."      extra arguments appended to every `evstudy run`
#   SKIP_BUILD=1            use the binaries already in target/release
#   SKIP_CURVES=1           steps 3 and 6 only
#   BIG="T Y E"             instead of steps 2-6: the CRSP-size run alone, on a canonical
#                           Parquet panel of T tickers x Y years with E events written by
#                           examples/make_big_panel.rs into target/bench-big-T-Y; records
#                           polars' bare read and the run (time, peak RSS, bytes written) in
#                           benches/cli_results_big.json
#
# Units: *_s are wall seconds; *_peak_mb are peak RSS in MiB (2^20 bytes); out_mb is the
# size of everything the run wrote, in MB (10^6 bytes).
# panel_inmem_mb approximates the panel held in memory as rows x 8 columns x 8 bytes.
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
    cargo build --release --bin evstudy --example polars_read --example bench_chart --example make_big_panel
fi
BENCH_CHART=target/release/examples/bench_chart
for bin in "$EVSTUDY" "$POLARS_READ" "$BENCH_CHART"; do
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

# The CRSP-size run (BIG="T Y E").
if [[ -n ${BIG:-} ]]; then
    read -r big_t big_y big_e <<<"$BIG"
    BIGDIR=target/bench-big-$big_t-$big_y
    if [[ ! -f $BIGDIR/prices.parquet ]]; then
        log "== writing $BIGDIR (make_big_panel $big_t tickers x $big_y years, $big_e events)"
        target/release/examples/make_big_panel "$BIGDIR" "$big_t" "$big_y" "$big_e"
    fi
    big_out=target/bench-big-out
    rm -rf "$big_out"
    read_run=$("$TIME" -f '%e %M' "$POLARS_READ" "$BIGDIR/prices.parquet" 2>&1 >/dev/null | tail -n 1)
    log "   polars read: $read_run (s KiB)"
    study_run=$("$TIME" -f '%e %M' "$EVSTUDY" run -q --prices "$BIGDIR/prices.parquet" --market "$BIGDIR/index.csv" --events "$BIGDIR/events.csv" --out "$big_out" "${EXTRA_ARGS[@]}" 2>&1 >/dev/null | tail -n 1)
    log "   evstudy run: $study_run (s KiB)"
    written=$(du -sb "$big_out" | cut -f1)
    python3 - "$read_run" "$study_run" "$written" "$BIGDIR" "$big_t" "$big_y" "$big_e" <<'PY'
import datetime, json, os, subprocess, sys
read_run, study_run, written, d, t, y, e = sys.argv[1:8]
rs, rk = read_run.split()
ss, sk = study_run.split()
commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
rows = sum(1 for _ in open(os.path.join(d, "index.csv"))) - 1
res = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "git_commit": commit, "nproc": os.cpu_count(),
    "tickers": int(t), "years": int(y), "sessions": rows, "rows": int(t) * rows, "events": int(e),
    "parquet_bytes": os.path.getsize(os.path.join(d, "prices.parquet")),
    "read_parquet_s": float(rs), "read_parquet_peak_mb": round(int(rk) / 1024, 1),
    "study_s": float(ss), "study_peak_mb": round(int(sk) / 1024, 1),
    "ratio_time": round(float(ss) / float(rs), 2), "out_mb": round(int(written) / 1e6, 1),
    "notes": "one run of BIG=\"%s %s %s\" benches/cli_bench.sh; every row of every ticker is read (no predicate pushdown), its columns decoded one at a time" % (t, y, e),
}
json.dump(res, open("benches/cli_results_big.json", "w"), indent=2)
open("benches/cli_results_big.json", "a").write("\n")
print(json.dumps(res, indent=2))
PY
    exit 0
fi

# 2. Panel.
if [[ ! -f $PANEL/prices.csv || ! -f $PANEL/index.csv || ! -f $PANEL/events.csv || ! -f $PANEL/meta.json ]]; then
    log "== generating the panel into $PANEL"
    python3 benches/make_panel.py "$PANEL" "${PANEL_ARGS[@]}"
fi
PRICES=$PANEL/prices.csv
MARKET=$PANEL/index.csv
EVENTS=$PANEL/events.csv
PARQUET=$PANEL/prices.parquet
if [[ ! -f $PARQUET ]]; then
    log "== converting $PRICES to $PARQUET"
    "$EVSTUDY" convert "$PRICES" --to "$PARQUET"
fi

# 3. Measure.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# measure NAME CMD...: run CMD RUNS times, append "wall_s peak_kib" lines to $TMP/NAME.times
measure() {
    local name=$1
    shift
    local i
    for ((i = 1; i <= RUNS; i++)); do
        [[ $name == study* ]] && rm -rf "$OUT"
        if ! "$TIME" -f '%e %M' -o "$TMP/$name.run" "$@" >"$TMP/$name.stdout" 2>"$TMP/$name.stderr"; then
            log "error: '$*' failed on run $i; last lines of its stderr:"
            tail -n 20 "$TMP/$name.stderr" >&2
            exit 1
        fi
        tail -n 1 "$TMP/$name.run" >>"$TMP/$name.times"
        log "   $name run $i/$RUNS: $(tail -n 1 "$TMP/$name.run") (s KiB)"
    done
}

# once NAME CMD...: one run; appends "name wall_s peak_kib out_bytes" to $TMP/curve.times
once() {
    local name=$1
    shift
    rm -rf "$OUT"
    if ! "$TIME" -f '%e %M' -o "$TMP/once.run" "$@" >/dev/null 2>"$TMP/once.stderr"; then
        log "error: '$*' failed; last lines of its stderr:"
        tail -n 20 "$TMP/once.stderr" >&2
        exit 1
    fi
    local bytes=0
    [[ -d $OUT ]] && bytes=$(du -sb "$OUT" | cut -f1)
    echo "$name $(tail -n 1 "$TMP/once.run") $bytes" >>"$TMP/curve.times"
    log "   $name: $(tail -n 1 "$TMP/once.run") (s KiB), $bytes bytes written"
}

log "== polars read: $POLARS_READ $PRICES"
measure read "$POLARS_READ" "$PRICES"
read_stdout=$(tr -d '\n' <"$TMP/read.stdout" | cut -c1-200)
log "== evstudy run on $PRICES"
measure study "$EVSTUDY" run --prices "$PRICES" --market "$MARKET" --events "$EVENTS" --out "$OUT" "${EXTRA_ARGS[@]}"
log "== polars read: $POLARS_READ $PARQUET"
measure read_pq "$POLARS_READ" "$PARQUET"
log "== evstudy run on $PARQUET"
measure study_pq "$EVSTUDY" run --prices "$PARQUET" --market "$MARKET" --events "$EVENTS" --out "$OUT" "${EXTRA_ARGS[@]}"
touch "$TMP/curve.times"

HS300=../shared/data/panel_hs300_baostock.csv
CSI300=../shared/data/index_csi300.csv
if [[ ${SKIP_CURVES:-0} != 1 ]]; then
    if [[ -f $HS300 && -f $CSI300 ]]; then
        log "== events curve on $HS300"
        EV_ALL=target/bench-hs300-events-100000.csv
        [[ -f $EV_ALL ]] || python3 benches/make_events.py "$HS300" 100000 "$EV_ALL"
        once hs300_read "$POLARS_READ" "$HS300"
        for n in 500 1000 5000 20000 100000; do
            head -n $((n + 1)) "$EV_ALL" >"$TMP/events_$n.csv"
            once "hs300_events $n" "$EVSTUDY" run --prices "$HS300" --market "$CSI300" --events "$TMP/events_$n.csv" --out "$OUT" "${EXTRA_ARGS[@]}"
        done
    else
        log "notice: $HS300 not found: the events curve is skipped"
    fi
    log "== rows curve"
    for tickers in 200 600; do
        dir=target/bench-panel-$tickers
        [[ -f $dir/meta.json ]] || python3 benches/make_panel.py "$dir" --tickers "$tickers"
        once "rows_read $tickers" "$POLARS_READ" "$dir/prices.csv"
        once "rows_study $tickers" "$EVSTUDY" run --prices "$dir/prices.csv" --market "$dir/index.csv" --events "$dir/events.csv" --out "$OUT" "${EXTRA_ARGS[@]}"
    done
fi

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

python3 - "$TMP/read.times" "$TMP/study.times" "$PANEL/meta.json" "$RESULTS" "$TMP/read_pq.times" "$TMP/study_pq.times" "$TMP/curve.times" "$PARQUET" <<'PY'
import json, os, re, statistics, sys

read_t, study_t, meta_path, out_path, read_pq_t, study_pq_t, curve_t, parquet = sys.argv[1:9]
env = os.environ.get
meta = json.load(open(meta_path))

def samples(path):
    rows = [line.split() for line in open(path) if line.strip()]
    return [float(s) for s, _ in rows], [int(k) / 1024.0 for _, k in rows]

read_s, read_mb = samples(read_t)
study_s, study_mb = samples(study_t)
read_pq_s, read_pq_mb = samples(read_pq_t)
study_pq_s, study_pq_mb = samples(study_pq_t)
curve = {}
for line in open(curve_t):
    parts = line.split()
    if parts:
        curve[" ".join(parts[:-3])] = (float(parts[-3]), int(parts[-2]) / 1024.0, int(parts[-1]))
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
    "parquet_bytes": os.path.getsize(parquet),
    "read_parquet_s": med(read_pq_s),
    "read_parquet_peak_mb": round(med(read_pq_mb), 1),
    "study_parquet_s": med(study_pq_s),
    "study_parquet_peak_mb": round(med(study_pq_mb), 1),
    "ratio_time_parquet": round(med(study_pq_s) / med(read_pq_s), 2) if med(read_pq_s) > 0 else None,
    "samples": {"read_s": read_s, "read_peak_mb": [round(x, 1) for x in read_mb],
                "study_s": study_s, "study_peak_mb": [round(x, 1) for x in study_mb],
                "read_parquet_s": read_pq_s, "study_parquet_s": study_pq_s},
    "curve_events": [
        {"events": int(k.split()[1]), "study_s": v[0], "study_peak_mb": round(v[1], 1),
         "out_mb": round(v[2] / 1e6, 1),
         "read_s": curve.get("hs300_read", (None,))[0]}
        for k, v in curve.items() if k.startswith("hs300_events")
    ],
    "curve_rows": [
        {"rows": 2609 * int(k.split()[1]), "tickers": int(k.split()[1]),
         "study_s": v[0], "study_peak_mb": round(v[1], 1), "out_mb": round(v[2] / 1e6, 1),
         "read_s": curve.get("rows_read " + k.split()[1], (None,))[0]}
        for k, v in curve.items() if k.startswith("rows_study")
    ] + [{"rows": rows, "tickers": meta["tickers"], "study_s": med(study_s),
          "study_peak_mb": round(med(study_mb), 1), "read_s": med(read_s)}],
    "polars_read_stdout": env("BENCH_READ_STDOUT"),
    "notes": "medians of `runs` runs; wall seconds and peak RSS (MiB) from GNU time "
             "'%e %M'; panel_inmem_mb = rows x 8 columns x 8 bytes (approximation: one "
             "8-byte value per cell, no string or bitmap overhead); "
             "ratio_time = study_s / read_s; "
             "ratio_mem_vs_panel_inmem = study_peak_mb / panel_inmem_mb; "
             "curve_* are single runs; curve_events on ../shared/data/panel_hs300_baostock.csv "
             "with seeded nested events (benches/make_events.py); curve_rows on "
             "make_panel.py panels of 200, 600 and the main panel's tickers, 5,000 events each",
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
print("%-14s %10.2f %14.1f" % ("parquet read", res["read_parquet_s"], res["read_parquet_peak_mb"]))
print("%-14s %10.2f %14.1f" % ("run (parquet)", res["study_parquet_s"], res["study_parquet_peak_mb"]))
print("%-14s %9sx" % ("ratio", res["ratio_time_parquet"]))
for c in res["curve_events"]:
    print("hs300 %6d events: %6.2f s %8.1f MiB %8.1f MB out" % (c["events"], c["study_s"], c["study_peak_mb"], c["out_mb"]))
for c in res["curve_rows"]:
    print("%9d rows: read %5.2f s, run %6.2f s" % (c["rows"], c["read_s"], c["study_s"]))
print("written: %s" % out_path)
PY

"$BENCH_CHART" "$RESULTS" docs

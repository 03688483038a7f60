#!/usr/bin/env python3
"""Seed corpora of the fuzz targets (#15), cut from the demo data and the test fixtures.

Each seed is small (a header and a few rows) so that libFuzzer mutates structure, not bulk.
Run from the project root: python3 fuzz/make_seeds.py  (needs target/debug/evstudy for the
study.json seed: cargo build first). Deterministic: the same files give the same seeds.
"""
import json
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"


def head(path, n):
    lines = (ROOT / path).read_bytes().splitlines(keepends=True)
    return b"".join(lines[:n])


def put(target, name, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def main():
    put("prices", "demo.csv", head("data/prices.csv", 12))
    put("prices", "crlf_quoted.csv", b'date,ticker,close,high,low\r\n"2022-05-05",002415.SZ,38.24,40.1,38.24\r\n2022-05-06,002415.SZ,34.8,37,34.42\r\n')
    put("prices", "vendor.csv", b"trade_date,ts_code,close,pre_close,open\n20220506,002415.SZ,34.80,38.24,37.00\n20220505,002415.SZ,38.24,42.49,40.00\n")
    put("market", "demo.csv", head("data/index.csv", 12))
    put("market", "ticker.csv", b"date,ticker,close\n2022-05-05,000300.SH,4067.0\n2022-05-06,000300.SH,3975.5\n")
    put("events", "demo.csv", head("data/events.csv", 8))
    put("events", "minimal.csv", b"ticker,date\n002415.SZ,2022-05-04\n")
    put("instruments", "sanctioned.csv", head("tests/fixtures/instruments_sanctioned.csv", 6))
    put("factors", "kf_daily.CSV", head("tests/fixtures/factors/kf_daily_sample.CSV", 12))
    put("factors", "kf_monthly.CSV", head("tests/fixtures/factors/kf_monthly_sample.CSV", 12))
    put("factors", "demo.CSV", head("data/factors_ff3_daily.CSV", 10))
    put("study_toml", "demo.toml", (ROOT / "data/study.toml").read_bytes())
    put("study_toml", "template.toml", (ROOT / "src/config/template.toml").read_bytes())
    rules = (ROOT / "src/limits/rules.toml").read_bytes()
    put("rules", "builtin_head.toml", rules[: rules.find(b"[[rule]]", 3000)])
    put("rules", "custom.toml", b'[[rule]]\nmarket = "CN"\nboard = "chinext"\nfrom = "2020-08-24"\nkind = "pct"\npct = 20\nnote = "ChiNext registration reform"\n')
    # A small real study.json: two events, a 3-day window.
    with tempfile.TemporaryDirectory() as tmp:
        ev = pathlib.Path(tmp) / "events.csv"
        ev.write_bytes(head("data/events.csv", 3))
        subprocess.run(
            [str(ROOT / "target/debug/evstudy"), "run", "-q",
             "--prices", str(ROOT / "data/prices.csv"), "--market", str(ROOT / "data/index.csv"),
             "--events", str(ev), "--window=-1:1", "--car-window=0:1", "--format", "json",
             "--out", str(pathlib.Path(tmp) / "out")],
            check=True,
        )
        study = (pathlib.Path(tmp) / "out" / "study.json").read_text()
        # Paths of the temp run are not part of the seed.
        compact = json.dumps(json.loads(study.replace(tmp, "/tmp/seed")), separators=(",", ":"))
        put("study_json", "two_events.json", compact.encode())


if __name__ == "__main__":
    main()

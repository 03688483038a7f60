#!/usr/bin/env python3
"""Independent reference for evstudy's daily price-limit classification (src/limits/).

Classifies every stock-day of ../shared/data/prices_sanctioned.csv (raw OHLC with the
exchange reference price `prev_close`) into the LimitState names of METHODS-SPEC §7.3:
none, up_close, down_close, up_touch, down_touch, up_lock, down_lock, no_limit, suspended,
unknown. Written from METHODS-SPEC §6 only, with Python's `decimal` for exact half-up
rounding; it shares no code with the Rust module.

Rules (METHODS-SPEC §6.1-§6.3):
  limit     = round_half_up(prev_close * (1 +/- pct), 0.01)        (Decimal, ROUND_HALF_UP)
  pct       = 10% main board (SSE 60x, SZSE 00x); 5% for ST (from 1998-04-22);
              ChiNext (30x) 10% (ST 5%) before 2020-08-24 and 20% (ST included) from then;
              STAR (688/689) 20%; BSE (8x/4x/92x) 30%
  no_limit  = the n-th trading day since listing with n <= N, N by the rule in force on the
              listing date: main board 1 (5 for listings from 2023-04-10), ChiNext 1
              (5 from 2020-08-24), STAR 5, BSE 1
  listing   = the ticker's first row, except 601360.SH (its first row, 2018-02-28, is Qihoo
              360's first day under the backdoor-listed code, not an IPO; the data README says
              the rows were trimmed), whose listing predates the data
  ST        = 300367.SZ from 2020-09-15 (data README; ChiNext is 20% for ST too by then)
  suspended = a CSI 300 calendar day between a ticker's first and last row with no row
              (calendar from 2005-01-04, so ZTE's 1997-2004 gaps are not visible)
  state     : precedence suspended > no_limit > lock > close > touch > none
              up_lock   open == high == low == close == up
              up_close  close == up            (down_* alike)
              up_touch  high >= up, close != up (checked before down_touch)
  rule_mismatch = high > up or low < down or close outside [down, up]  (days with limits)

Output: tests/fixtures/limits_sanctioned.csv with ticker,date,state,up_limit,down_limit,
rule_mismatch, one row per stock-day whose state is not `none` (suspended days included) plus
every rule_mismatch row. Prints counts by state and the comparison with the data README.

Run from the project root:  python3 tests/reference/limits_reference.py
"""

import csv
import os
import sys
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "..", "shared", "data")
PRICES = os.path.join(DATA, "prices_sanctioned.csv")
CALENDAR = os.path.join(DATA, "index_csi300.csv")
OUT = os.path.join(ROOT, "tests", "fixtures", "limits_sanctioned.csv")

ST_FROM = {"300367.SZ": "2020-09-15"}
LISTED_BEFORE_DATA = {"601360.SH"}
CENT = Decimal("0.01")


def board(ticker):
    code, _, suffix = ticker.partition(".")
    if suffix == "SH" and code.startswith(("688", "689")):
        return "star"
    if suffix == "SH" and code.startswith("60"):
        return "sse_main"
    if suffix == "SZ" and code.startswith("00"):
        return "szse_main"
    if suffix == "SZ" and code.startswith("30"):
        return "chinext"
    if suffix == "BJ" and code.startswith(("8", "4", "92")):
        return "bse"
    raise ValueError(f"{ticker}: no A-share board for this code")


def pct_for(bd, date, st):
    """Limit in whole percent for a trading day."""
    if bd == "star":
        return 20
    if bd == "bse":
        return 30
    if bd == "chinext" and date >= "2020-08-24":
        return 20
    if st and date >= "1998-04-22":
        return 5
    return 10


def no_limit_days(bd, listing):
    """Number of first trading days without a limit, by the rule in force on the listing date."""
    if bd == "star":
        return 5
    if bd == "bse":
        return 1
    if bd == "chinext":
        return 5 if listing >= "2020-08-24" else 1
    return 5 if listing >= "2023-04-10" else 1


def limit(ref, pct, up):
    factor = Decimal(100 + pct if up else 100 - pct) / Decimal(100)
    return (Decimal(ref) * factor).quantize(CENT, rounding=ROUND_HALF_UP)


def classify(row, up, dn):
    o, h, lo, c = (Decimal(row[k]) for k in ("open", "high", "low", "close"))
    if c == up:
        return "up_lock" if o == h == lo == up else "up_close"
    if c == dn:
        return "down_lock" if o == h == lo == dn else "down_close"
    if h >= up:
        return "up_touch"
    if lo <= dn:
        return "down_touch"
    return "none"


def main():
    with open(CALENDAR, newline="") as fh:
        calendar = sorted({r["date"] for r in csv.DictReader(fh)})
    by_ticker = {}
    with open(PRICES, newline="") as fh:
        for r in csv.DictReader(fh):
            by_ticker.setdefault(r["ticker"], []).append(r)

    out, counts = [], Counter()
    close_at = Counter()  # close == computed limit on rows with a limit (README's count)
    mismatches = []
    for ticker in sorted(by_ticker):
        rows = by_ticker[ticker]
        bd = board(ticker)
        listed_in_data = ticker not in LISTED_BEFORE_DATA
        n_free = no_limit_days(bd, rows[0]["date"]) if listed_in_data else 0
        have = {r["date"] for r in rows}
        for d in calendar:
            if rows[0]["date"] < d < rows[-1]["date"] and d not in have:
                counts["suspended"] += 1
                out.append((ticker, d, "suspended", "", "", "false"))
        for n, r in enumerate(rows, start=1):
            st = ticker in ST_FROM and r["date"] >= ST_FROM[ticker]
            pct = pct_for(bd, r["date"], st)
            up, dn = limit(r["prev_close"], pct, True), limit(r["prev_close"], pct, False)
            c, h, lo = Decimal(r["close"]), Decimal(r["high"]), Decimal(r["low"])
            close_at["up"] += c == up
            close_at["down"] += c == dn
            if n <= n_free:
                state, mismatch = "no_limit", False
                up_s = dn_s = ""
            else:
                state = classify(r, up, dn)
                mismatch = h > up or lo < dn or c > up or c < dn
                up_s, dn_s = str(up), str(dn)
            counts[state] += 1
            counts["rule_mismatch"] += mismatch
            if mismatch:
                mismatches.append(f"{ticker} {r['date']} state={state} low={lo} high={h} band {dn_s}..{up_s}")
            if state != "none" or mismatch:
                out.append((ticker, r["date"], state, up_s, dn_s, "true" if mismatch else "false"))

    out.sort(key=lambda t: (t[0], t[1]))
    with open(OUT, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["ticker", "date", "state", "up_limit", "down_limit", "rule_mismatch"])
        w.writerows(out)

    print(f"wrote {os.path.relpath(OUT, ROOT)}: {len(out)} rows")
    order = ["none", "up_close", "down_close", "up_lock", "down_lock", "up_touch", "down_touch",
             "no_limit", "suspended", "unknown", "rule_mismatch"]
    for k in order:
        print(f"  {k:14s} {counts[k]}")
    up_closes = counts["up_close"] + counts["up_lock"]
    down_closes = counts["down_close"] + counts["down_lock"]
    print(f"limit-up closes (close+lock) {up_closes}, limit-down closes {down_closes}")
    print(f"close == computed limit on any row (README's rule, no no-limit days): "
          f"up {close_at['up']}, down {close_at['down']} (README: 334, 187)")
    print(f"rule_mismatch rows: {len(mismatches)} (README: 13 rows outside the band, all IPO/new-listing "
          f"days or 1997-2001 ZTE days)")
    for m in mismatches:
        print("  " + m)
    ok = close_at["up"] == 334 and close_at["down"] == 187
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

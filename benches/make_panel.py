#!/usr/bin/env python3
"""Build a large synthetic price panel for evstudy's CLI benchmark (benches/cli_bench.sh).

    python3 benches/make_panel.py OUTDIR [--tickers N] [--years Y] [--events E] [--seed S]

Defaults: 2000 tickers x 10 years of business days (2015-01-01 onwards, Monday-Friday,
no holidays: 2,609 sessions) = 5,218,000 price rows, and 5,000 events. Python 3 standard
library only; seeded (default seed 1), so a rerun gives the same files.

Files written into OUTDIR:
  prices.csv  date,ticker,open,high,low,close,prev_close,volume
              sorted by ticker then date; one row per ticker and session (no suspensions)
  index.csv   date,ticker,close            (ticker BENCHIDX; its dates are the calendar)
  events.csv  event_id,ticker,date         (random tickers; each date leaves at least 260
                                            sessions before it and 20 after it)
  meta.json   the parameters and row/byte counts (read by cli_bench.sh)

The data are fictional. Tickers are main-board style codes (600000.SH, 000001.SZ, ...,
alternating), so every ticker has a 10% limit. Prices live on the 0.01 grid and every row
respects its own band: with up/down = round_half_up(prev_close * (1 +- 10%), 0.01),
down <= low <= min(open, close) <= max(open, close) <= high <= up. Returns follow a market
model r = beta * r_m + sigma * z (beta 0.6-1.4, sigma 1.5-3.0%, z a scaled sum of three
uniforms), capped at +-9.5% before rounding; a 0.4%/day drift pulls a price back when it
leaves [max(2 CNY, start/4), 4 x start].
"""

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

START = dt.date(2015, 1, 1)
HISTORY, AFTER = 260, 20  # sessions an event needs before / after its date


class FenStr(dict):
    """Memoized fen -> 'yuan.ff' formatter (prices repeat a lot, formatting is the hot spot)."""

    def __missing__(self, fen):
        s = "%d.%02d" % divmod(fen, 100)
        self[fen] = s
        return s


def business_days(years):
    end = dt.date(START.year + years, 1, 1)
    days, d = [], START
    while d < end:
        if d.weekday() < 5:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def ticker_code(k):
    """k = 0, 1, 2, ... -> 600000.SH, 000001.SZ, 600001.SH, 000002.SZ, ..."""
    if k % 2 == 0:
        return "%06d.SH" % (600000 + k // 2)
    return "%06d.SZ" % (1 + k // 2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--tickers", type=int, default=2000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--events", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not 1 <= args.tickers <= 399_998:
        ap.error("--tickers must be between 1 and 399998")
    t_start = time.perf_counter()

    days = business_days(args.years)
    if len(days) < HISTORY + AFTER + 1:
        ap.error("%d sessions is too short: events need %d before and %d after"
                 % (len(days), HISTORY, AFTER))
    dates = [d.isoformat() for d in days]
    out = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    fen = FenStr()

    # Market index.
    rng = random.Random(args.seed)
    rnd = rng.random
    level, rm, lines = 300_000, [], ["date,ticker,close"]
    for date in dates:
        r = 0.0002 + 0.012 * 2.0 * (rnd() + rnd() + rnd() - 1.5)
        new = int(level * (1.0 + r) + 0.5)
        rm.append(new / level - 1.0)
        level = new
        lines.append("%s,BENCHIDX,%s" % (date, fen[level]))
    (out / "index.csv").write_text("\n".join(lines) + "\n", newline="\n")

    # Prices, one ticker at a time.
    codes = sorted(ticker_code(k) for k in range(args.tickers))
    rows = 0
    with open(out / "prices.csv", "w", newline="\n", buffering=1 << 22) as f:
        f.write("date,ticker,open,high,low,close,prev_close,volume\n")
        for k, code in enumerate(codes):
            trng = random.Random(args.seed * 1_000_003 + k + 1)
            rnd = trng.random
            beta = 0.6 + 0.8 * rnd()
            sigma2 = 2.0 * (0.015 + 0.015 * rnd())  # 2*sigma: z = 2*(u1+u2+u3-1.5)
            prev = 300 + int(7700 * rnd())  # 3.00 .. 80.00 CNY
            base_vol = 1_000 + int(200_000 * rnd())  # in lots of 100 shares
            floor, cap = max(200, prev // 4), prev * 4  # soft bounds on the price path
            pre = ","
            mid = "," + code + ","
            lines = []
            append = lines.append
            for i, date in enumerate(dates):
                r = beta * rm[i] + sigma2 * (rnd() + rnd() + rnd() - 1.5)
                if prev < floor:
                    r += 0.004
                elif prev > cap:
                    r -= 0.004
                if r > 0.095:
                    r = 0.095
                elif r < -0.095:
                    r = -0.095
                up = (prev * 110 + 50) // 100
                down = (prev * 90 + 50) // 100
                close = int(prev * (1.0 + r) + 0.5)
                if close > up:
                    close = up
                elif close < down:
                    close = down
                opn = int(prev * (1.0 + 0.3 * r + 0.01 * (rnd() - 0.5)) + 0.5)
                if opn > up:
                    opn = up
                elif opn < down:
                    opn = down
                u = rnd()
                if opn > close:
                    high = opn + int(prev * 0.012 * u)
                    low = close - int(prev * 0.012 * (1.0 - u))
                else:
                    high = close + int(prev * 0.012 * u)
                    low = opn - int(prev * 0.012 * (1.0 - u))
                if high > up:
                    high = up
                if low < down:
                    low = down
                vol = (base_vol + int(base_vol * (u + 20.0 * abs(r)))) * 100
                append(date + mid + fen[opn] + pre + fen[high] + pre + fen[low] + pre
                       + fen[close] + pre + fen[prev] + pre + str(vol))
                prev = close
            f.write("\n".join(lines))
            f.write("\n")
            rows += len(lines)

    # Events: distinct (ticker, date) pairs with HISTORY sessions before and AFTER after.
    rng = random.Random(args.seed + 7)
    lo, hi = HISTORY, len(days) - 1 - AFTER
    available = args.tickers * (hi - lo + 1)
    if args.events > available:
        print("warning: only %d distinct (ticker, date) pairs fit; writing %d events"
              % (available, available), file=sys.stderr)
        args.events = available
    seen, events = set(), []
    while len(events) < args.events:
        pair = (rng.randrange(args.tickers), rng.randrange(lo, hi + 1))
        if pair not in seen:
            seen.add(pair)
            events.append(pair)
    width = max(5, len(str(args.events)))
    lines = ["event_id,ticker,date"]
    lines += ["EV%0*d,%s,%s" % (width, n + 1, codes[t], dates[i])
              for n, (t, i) in enumerate(events)]
    (out / "events.csv").write_text("\n".join(lines) + "\n", newline="\n")

    meta = {
        "generator": "benches/make_panel.py",
        "seed": args.seed,
        "tickers": args.tickers,
        "years": args.years,
        "sessions": len(days),
        "first_date": dates[0],
        "last_date": dates[-1],
        "rows": rows,
        "events": args.events,
        "prices_bytes": (out / "prices.csv").stat().st_size,
        "index_bytes": (out / "index.csv").stat().st_size,
        "events_bytes": (out / "events.csv").stat().st_size,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", newline="\n")
    print("%d rows (%d tickers x %d sessions), %d events, prices.csv %.1f MB, %.1f s -> %s"
          % (rows, args.tickers, len(days), args.events, meta["prices_bytes"] / 1e6,
             time.perf_counter() - t_start, out), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

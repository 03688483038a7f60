#!/usr/bin/env python3
"""Seeded random events on an existing long price panel, for the CLI benchmark's scaling runs.

    python3 benches/make_events.py PRICES.csv N OUT.csv [--seed S] [--history H] [--after A]

Reads the panel's `date` and `ticker` columns (header by name; any other columns ignored) and
writes N distinct (ticker, date) events, each with at least H (default 260) rows of its
ticker before it and A (default 20) after, as `event_id,ticker,date` in random order. The
first K lines of a file of N events are the events of K (nested samples, so a curve over
K compares like with like). Python 3 standard library only; same seed, same file.
"""

import argparse
import csv
import random
import sys
from collections import defaultdict


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("prices")
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--history", type=int, default=260)
    ap.add_argument("--after", type=int, default=20)
    args = ap.parse_args()

    dates = defaultdict(list)
    with open(args.prices, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        di, ti = header.index("date"), header.index("ticker")
        for row in reader:
            dates[row[ti]].append(row[di])
    candidates = []
    for ticker in sorted(dates):
        ds = sorted(dates[ticker])
        candidates.extend((ticker, d) for d in ds[args.history:len(ds) - args.after])
    if args.n > len(candidates):
        print("error: only %d (ticker, date) pairs have %d rows before and %d after"
              % (len(candidates), args.history, args.after), file=sys.stderr)
        return 1
    rng = random.Random(args.seed)
    picked = rng.sample(candidates, args.n)
    width = max(5, len(str(args.n)))
    with open(args.out, "w", newline="\n") as f:
        f.write("event_id,ticker,date\n")
        for k, (ticker, d) in enumerate(picked):
            f.write("EV%0*d,%s,%s\n" % (width, k + 1, ticker, d))
    print("%d events from %d candidates -> %s" % (args.n, len(candidates), args.out),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

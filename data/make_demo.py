#!/usr/bin/env python3
"""Generate evstudy's synthetic demo study (data/*.csv, data/study.toml).

Everything here is FICTIONAL. The ticker codes look like A-share codes (and may
coincide with real listed codes), but every price, volume and event is made up by
this script. Nothing is copied from any real data set.

Run from anywhere (writes next to this script unless --out is given):

    python3 data/make_demo.py

Python 3 standard library only. The output is byte-identical on every run and every
platform: the only randomness is `random.Random(seed).random()` (Mersenne Twister,
reproducible by Python's documentation), normal draws are Irwin-Hall sums of 12
uniforms (no libm calls such as log/cos), and every price is computed in integer
fen (0.01 CNY). Default seed: 20220505.

Files written
-------------
index.csv    date,ticker,close          market index DEMO300; its dates ARE the calendar
prices.csv   date,ticker,open,high,low,close,prev_close,volume
             8 fictional tickers, sorted by ticker then date; rows only on trading days
             (a suspended day has no row); prev_close = the ticker's previous close
events.csv   event_id,ticker,date,label,timing,group
study.toml   the demo study (paths relative to this folder)
factors_ff3_daily.CSV
             fictional daily Fama-French-style factors (Mkt-RF, SMB, HML, RF) in the
             layout of Kenneth French's data library (free text, a header starting with
             a comma, YYYYMMDD dates, percent, CRLF, a copyright footer), for the FF3
             example: Mkt-RF is the index return minus RF; SMB and HML are seeded noise
             from their own generator, so the other files do not depend on them

Calendar
--------
Business days 2021-01-04 .. 2023-06-30 minus the weekday closures in HOLIDAYS
(modelled on the SSE/SZSE holiday schedule), including the Labour Day closure
2022-05-02 .. 2022-05-04.

Model
-----
Index: daily return 0.0002 + 0.012*z. Stocks: r = beta*r_m + sigma*z (beta 0.60-1.40,
sigma 1.5-3.0%), close = round_half_up(prev_close*(1+r), 0.01), then clamped into the
daily band [down, up] with
    up   = round_half_up(prev_close*(1+pct), 0.01) = (prev_fen*(100+pct) + 50) // 100
    down = round_half_up(prev_close*(1-pct), 0.01) = (prev_fen*(100-pct) + 50) // 100
(pct 10 on the main board, 20 on STAR (688) and on ChiNext (300) from 2020-08-24).
Open, high and low are clamped into the same band, with high >= max(open, close) and
low <= min(open, close), so the file never violates its own limits.

The story (day 0 = first session on or after the date; after_close moves it one session)
---------------------------------------------------------------------------------------
SANC1, 2022-05-03 (Tuesday, inside the Labour Day closure), group entity_list:
  a fictional US "Entity List" addition of four firms. Day 0 = 2022-05-05 for all four
  (clustered event date).
  * 600101.SH (main board, the flagship): the 2022-04-29 close is nudged (by < 1.5 CNY)
    so that 0.9 x close is an exact half-fen tie: round_half_up rounds it UP to an odd
    fen, while round-half-even and naive float rounding give 1 fen less. Day 0: open = low = close = down
    limit (high a little above: "near" one-price lock). Day +1 (2022-05-06): opens lower,
    touches the new down limit intraday (low == down limit), closes about -7.6%, inside
    the band: day +1 is the first free day.
  * 000102.SZ (main board): one-price lock at the down limit on day 0
    (open = high = low = close), then a free day +1 (+0.8%).
  * 002103.SZ (main board) -4.3% and 300104.SZ (ChiNext, 20% band) -5.6% on day 0.
FCC2, 2022-11-25 (Friday), timing after_close, group fcc: day 0 = Monday 2022-11-28.
  600101.SH -2.4%, 000102.SZ -1.9%, 000108.SZ -1.5%. 000108.SZ is then suspended
  on 2022-11-29 and 2022-11-30 (no rows) and resumes on 2022-12-01 (-3.1%, prev_close =
  the 2022-11-28 close).
RELIEF3, 2023-03-01 (Wednesday), timing pre_open, group entity_list: 688105.SH (STAR)
  is (fictionally) removed from the Entity List and closes at its +20% up limit on day 0
  (high = close = up limit), then +3.4% on day +1.
Returns quoted above are close/prev_close - 1 before rounding to the tick.
The exact limit prices are printed by this script and listed in data/README.md.
"""

import argparse
import datetime as dt
import sys
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path
import random

SEED = 20220505
START = dt.date(2021, 1, 4)
END = dt.date(2023, 6, 30)
CHINEXT_20PCT_FROM = dt.date(2020, 8, 24)

# Weekday market closures (modelled on the SSE/SZSE schedule for 2021-2023).
HOLIDAYS = [
    # 2021
    "2021-02-11", "2021-02-12", "2021-02-15", "2021-02-16", "2021-02-17",
    "2021-04-05", "2021-05-03", "2021-05-04", "2021-05-05", "2021-06-14",
    "2021-09-20", "2021-09-21", "2021-10-01", "2021-10-04", "2021-10-05",
    "2021-10-06", "2021-10-07",
    # 2022
    "2022-01-03", "2022-01-31", "2022-02-01", "2022-02-02", "2022-02-03",
    "2022-02-04", "2022-04-04", "2022-04-05", "2022-05-02", "2022-05-03",
    "2022-05-04", "2022-06-03", "2022-09-12", "2022-10-03", "2022-10-04",
    "2022-10-05", "2022-10-06", "2022-10-07",
    # 2023
    "2023-01-02", "2023-01-23", "2023-01-24", "2023-01-25", "2023-01-26",
    "2023-01-27", "2023-04-05", "2023-05-01", "2023-05-02", "2023-05-03",
    "2023-06-22", "2023-06-23",
]

INDEX_TICKER = "DEMO300"
INDEX_START_FEN = 490_000  # 4900.00 points
INDEX_DRIFT, INDEX_VOL = 0.0002, 0.012

# ticker, board, beta, idiosyncratic daily vol, first prev_close (fen), base volume (shares)
TICKERS = [
    ("600101.SH", "sse_main", 1.15, 0.019, 4_012, 38_000_000),
    ("000102.SZ", "szse_main", 1.05, 0.018, 3_150, 24_000_000),
    ("002103.SZ", "szse_main", 0.85, 0.020, 1_888, 15_000_000),
    ("300104.SZ", "chinext", 1.35, 0.028, 2_566, 9_000_000),
    ("688105.SH", "star", 1.40, 0.030, 9_850, 3_500_000),
    ("601106.SH", "sse_main", 0.60, 0.015, 655, 60_000_000),
    ("603107.SH", "sse_main", 0.95, 0.022, 2_210, 7_000_000),
    ("000108.SZ", "szse_main", 0.75, 0.017, 1_432, 12_000_000),
]

D = dt.date.fromisoformat

# event_id, ticker, date, label, timing, group
EVENTS = [
    ("SANC1-600101", "600101.SH", "2022-05-03",
     "Fictional: US adds the flagship to the Entity List during the Labour Day closure",
     "unknown", "entity_list"),
    ("SANC1-000102", "000102.SZ", "2022-05-03",
     "Fictional: US adds a peer to the Entity List (same announcement)",
     "unknown", "entity_list"),
    ("SANC1-002103", "002103.SZ", "2022-05-03",
     "Fictional: US adds a peer to the Entity List (same announcement)",
     "unknown", "entity_list"),
    ("SANC1-300104", "300104.SZ", "2022-05-03",
     "Fictional: US adds a peer to the Entity List (same announcement)",
     "unknown", "entity_list"),
    ("FCC2-600101", "600101.SH", "2022-11-25",
     "Fictional: FCC bans new equipment authorizations (US Friday after the A-share close)",
     "after_close", "fcc"),
    ("FCC2-000102", "000102.SZ", "2022-11-25",
     "Fictional: FCC bans new equipment authorizations (US Friday after the A-share close)",
     "after_close", "fcc"),
    ("FCC2-000108", "000108.SZ", "2022-11-25",
     "Fictional: FCC bans new equipment authorizations; trading halted 2022-11-29..30",
     "after_close", "fcc"),
    ("RELIEF3-688105", "688105.SH", "2023-03-01",
     "Fictional: US removes the STAR firm from the Entity List (before the open)",
     "pre_open", "entity_list"),
]

# Market returns forced on story days (the random draw is still consumed).
INDEX_OVERRIDES = {
    D("2022-05-05"): -0.0020,
    D("2022-05-06"): -0.0080,
    D("2022-11-28"): -0.0060,
    D("2023-03-01"): 0.0090,
}

# Suspensions: (ticker, date) with no row.
SUSPENDED = {("000108.SZ", D("2022-11-29")), ("000108.SZ", D("2022-11-30"))}

# Story days. kind:
#   down_near_lock  open = low = close = down limit, high a little above
#   down_lock       open = high = low = close = down limit (one-price lock)
#   up_close        close = high = up limit
#   ret             close/prev_close - 1 = r (before rounding); optional open return,
#                   optional low_at_down (low == down limit)
OVERRIDES = {
    ("600101.SH", D("2022-05-05")): {"kind": "down_near_lock", "high": 0.012, "vol": 1.6},
    ("600101.SH", D("2022-05-06")): {"kind": "ret", "r": -0.076, "open": -0.035,
                                     "high": 0.006, "low_at_down": True, "vol": 3.0},
    ("000102.SZ", D("2022-05-05")): {"kind": "down_lock", "vol": 0.18},
    ("000102.SZ", D("2022-05-06")): {"kind": "ret", "r": 0.008, "vol": 2.4},
    ("002103.SZ", D("2022-05-05")): {"kind": "ret", "r": -0.043, "vol": 1.9},
    ("300104.SZ", D("2022-05-05")): {"kind": "ret", "r": -0.056, "vol": 2.1},
    ("600101.SH", D("2022-11-28")): {"kind": "ret", "r": -0.024, "vol": 1.5},
    ("000102.SZ", D("2022-11-28")): {"kind": "ret", "r": -0.019, "vol": 1.4},
    ("000108.SZ", D("2022-11-28")): {"kind": "ret", "r": -0.015, "vol": 1.3},
    ("000108.SZ", D("2022-12-01")): {"kind": "ret", "r": -0.031, "vol": 2.0},
    ("688105.SH", D("2023-03-01")): {"kind": "up_close", "open": 0.11, "low": 0.09, "vol": 2.6},
    ("688105.SH", D("2023-03-02")): {"kind": "ret", "r": 0.034, "vol": 1.8},
}

# The flagship's last close before SANC1 is nudged to end in 5 fen (half-up tie).
TIE_NUDGE = ("600101.SH", D("2022-04-29"))

STUDY_TOML = """\
# Demo study: see data/README.md (generated by data/make_demo.py)
prices = "prices.csv"
market = "index.csv"
events = "events.csv"
model = "market"
estimation = "-250:-11"
window = "-10:10"
car_windows = ["0:0", "0:1", "-1:1", "-5:5", "-10:10"]
returns = "simple"
min_estimation_obs = 100
format = ["csv", "json", "md", "tex"]
chart = ["png", "svg"]
"""


def calendar():
    closed = {D(h) for h in HOLIDAYS}
    days, d = [], START
    while d <= END:
        if d.weekday() < 5 and d not in closed:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def limit_pct(board, day):
    if board in ("sse_main", "szse_main"):
        return 10
    if board == "star":
        return 20
    if board == "chinext":
        return 20 if day >= CHINEXT_20PCT_FROM else 10
    raise ValueError(board)


def limits(ref_fen, pct):
    """(down, up) in fen: round_half_up(ref*(1-pct)), round_half_up(ref*(1+pct)), exact."""
    return (ref_fen * (100 - pct) + 50) // 100, (ref_fen * (100 + pct) + 50) // 100


def fen_of(x):
    """Round a positive float amount of fen half up to an integer."""
    return int(x + 0.5)


def apply_ret(ref_fen, r):
    """round_half_up(ref*(1+r)) with r first quantized to 1e-6 (integer arithmetic)."""
    r_micro = int(round(r * 1_000_000))
    return (ref_fen * (1_000_000 + r_micro) + 500_000) // 1_000_000


def naive_float_down(ref_fen, pct):
    """The wrong way: floor(p * (1 - pct) * 100 + 0.5) in binary floating point."""
    return int(ref_fen / 100 * ((100 - pct) / 100) * 100 + 0.5)


def tie_nudge(close, pct):
    """Nearest close whose down limit is an exact half-fen tie that rounds up to an ODD
    fen (so round-half-even gives 1 fen less) and that naive float rounding also gets
    wrong."""
    for c in sorted(range(close - 150, close + 151), key=lambda c: (abs(c - close), c)):
        down = (c * (100 - pct) + 50) // 100
        if (c * (100 - pct)) % 100 == 50 and down % 2 == 1 \
                and naive_float_down(c, pct) != down:
            return c
    raise AssertionError("no tie candidate near %d" % close)


def fmt(fen):
    return "%d.%02d" % divmod(fen, 100)


def normal(rng):
    """Irwin-Hall approximation to N(0,1): bounded at +-6, no libm calls."""
    return sum(rng.random() for _ in range(12)) - 6.0


def make_index(days, rng):
    level, rows, rm = INDEX_START_FEN, [], {}
    for day in days:
        r = INDEX_DRIFT + INDEX_VOL * normal(rng)
        r = INDEX_OVERRIDES.get(day, r)
        new = apply_ret(level, r)
        rm[day] = new / level - 1.0  # realized return of the rounded index
        level = new
        rows.append((day, level))
    return rows, rm


def make_factors(days, rm, rng):
    """Rows (YYYYMMDD, mkt_rf, smb, hml, rf) in hundredths of a percent (integers):
    Mkt-RF = the index return minus RF, SMB and HML Irwin-Hall noise, RF = 0.01% a day."""
    rows = []
    for day in days:
        rf = 1
        mkt = int(round(rm[day] * 10000.0)) - rf
        smb = int(round(40.0 * normal(rng)))
        hml = int(round(30.0 * normal(rng)))
        rows.append((day.strftime("%Y%m%d"), mkt, smb, hml, rf))
    return rows


def factor_file_text(rows):
    """Kenneth French's daily CSV layout, byte for byte in form (CRLF)."""
    out = ["This file was created by data/make_demo.py: FICTIONAL factors for the evstudy demo,",
           "in the layout of Kenneth French's data library (values in percent).",
           "The risk-free rate is a constant 0.01% a day.",
           "",
           ",Mkt-RF,SMB,HML,RF"]
    out += ["%s,%8.2f,%8.2f,%8.2f,%8.2f" % (d, m / 100.0, s / 100.0, h / 100.0, r / 100.0)
            for d, m, s, h, r in rows]
    out += ["", "Copyright 2026 evstudy demo (fictional data)", ""]
    return "\r\n".join(out)


def make_ticker(code, board, beta, sigma, ref, base_vol, days, rm, rng):
    rows = []
    for day in days:
        # Draw the same number of uniforms every day so story overrides and
        # suspensions never shift the rest of the random path.
        z_eps, z_open, z_high, z_low, u_vol = (normal(rng), normal(rng), normal(rng),
                                               normal(rng), rng.random())
        if (code, day) in SUSPENDED:
            continue
        pct = limit_pct(board, day)
        down, up = limits(ref, pct)
        ov = OVERRIDES.get((code, day))
        r = beta * rm[day] + sigma * z_eps
        if ov and ov["kind"] == "ret":
            r = ov["r"]
        close = min(up, max(down, apply_ret(ref, r)))
        if (code, day) == TIE_NUDGE:
            close = tie_nudge(close, pct)
            assert down < close < up
        g = 0.3 * r + 0.3 * sigma * z_open
        if ov and "open" in ov:
            g = ov["open"]
        opn = min(up, max(down, apply_ret(ref, g)))
        high = min(up, fen_of(max(opn, close) * (1 + 0.35 * sigma * abs(z_high))))
        low = max(down, fen_of(min(opn, close) * (1 - 0.35 * sigma * abs(z_low))))
        vol_mult = 0.55 + 0.9 * u_vol + 12.0 * abs(close / ref - 1.0)
        if ov:
            kind = ov["kind"]
            vol_mult = ov["vol"]
            if kind == "down_near_lock":
                opn = low = close = down
                high = min(up - 1, down + fen_of(ref * ov["high"]))
            elif kind == "down_lock":
                opn = high = low = close = down
            elif kind == "up_close":
                close = high = up
                opn = min(up, apply_ret(ref, ov["open"]))
                low = min(opn, apply_ret(ref, ov["low"]))
            elif kind == "ret":
                if "high" in ov:
                    high = min(up, max(opn, close) + fen_of(ref * ov["high"]))
                if ov.get("low_at_down"):
                    low = down
                    assert close > down, "close must stay inside the band"
        volume = max(100, int(base_vol * vol_mult / 100 + 0.5) * 100)
        assert down <= low <= min(opn, close) <= max(opn, close) <= high <= up, (code, day)
        assert low > 0 and volume > 0
        rows.append((day, code, opn, high, low, close, ref, volume))
        ref = close
    return rows


def check_story(prices, days):
    """Assert the story and return lines describing it (printed, and quoted in README)."""
    by = {(row[1], row[0]): row for row in prices}
    board = {t[0]: t[1] for t in TICKERS}
    out = []

    def state(code, day):
        _, _, o, h, low, c, ref, _ = by[(code, day)]
        down, up = limits(ref, limit_pct(board[code], day))
        s = ("down_close" if c == down else "up_close" if c == up
             else "down_touch" if low == down else "up_touch" if h == up else "free")
        if o == h == low == c and c in (down, up):
            s = "one_price_lock_" + ("down" if c == down else "up")
        return s, o, h, low, c, ref, down, up

    def describe(code, day, expect):
        s, o, h, low, c, ref, down, up = state(code, day)
        assert s == expect, (code, day, s, expect)
        out.append("%s %s ref %s -> down %s / up %s; O %s H %s L %s C %s (%+.2f%%) %s"
                   % (code, day, fmt(ref), fmt(down), fmt(up), fmt(o), fmt(h), fmt(low),
                      fmt(c), 100 * (c / ref - 1), s))
        return s, o, h, low, c, ref, down, up

    d0, d1 = D("2022-05-05"), D("2022-05-06")
    s, o, h, low, c, ref, down, up = describe("600101.SH", d0, "down_close")
    assert o == low == c == down < h and ref % 10 == 5
    exact = Decimal(ref) * Decimal("0.009")
    half_up = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    half_even = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    naive = naive_float_down(ref, 10)
    assert half_up == Decimal(fmt(down)) and half_even != half_up and naive != down
    out.append("  half-up tie: %s x 0.9 = %s exactly -> %s (round-half-even: %s; "
               "naive float floor(p*0.9*100+0.5): %s)"
               % (fmt(ref), exact, half_up, half_even, fmt(naive)))
    s, o, h, low, c, ref, down, up = describe("600101.SH", d1, "down_touch")
    assert low == down < c
    describe("000102.SZ", d0, "one_price_lock_down")
    describe("000102.SZ", d1, "free")
    describe("002103.SZ", d0, "free")
    describe("300104.SZ", d0, "free")
    for code in ("600101.SH", "000102.SZ", "000108.SZ"):
        describe(code, D("2022-11-28"), "free")
    assert ("000108.SZ", D("2022-11-29")) not in by and ("000108.SZ", D("2022-11-30")) not in by
    s, o, h, low, c, ref, down, up = describe("000108.SZ", D("2022-12-01"), "free")
    assert ref == by[("000108.SZ", D("2022-11-28"))][5]
    describe("688105.SH", D("2023-03-01"), "up_close")
    describe("688105.SH", D("2023-03-02"), "free")

    # Event-window and history checks; list every limit close outside the story days.
    pos = {day: i for i, day in enumerate(days)}
    for ev in EVENTS:
        day0 = next(x for x in days if x >= D(ev[2]))
        if ev[4] == "after_close" and day0 == D(ev[2]):
            day0 = days[pos[day0] + 1]
        i0 = pos[day0]
        assert i0 >= 251 and i0 + 10 < len(days), ev
        out.append("%s: date %s timing %s -> day 0 %s (%d sessions before day 0)"
                   % (ev[0], ev[2], ev[4], day0, i0))
    story = {k for k in OVERRIDES}
    other = [(code, day, st) for (code, day) in sorted(by)
             for st in [state(code, day)[0]]
             if (code, day) not in story and st not in ("free", "down_touch", "up_touch")]
    out.append("limit closes outside the story days: %d %s" % (len(other), other))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                    help="output folder (default: the folder of this script)")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()

    days = calendar()
    index_rows, rm = make_index(days, random.Random(args.seed))
    prices = []
    for k, (code, board, beta, sigma, ref, base_vol) in enumerate(TICKERS):
        rng = random.Random(args.seed * 100 + k + 1)
        prices += make_ticker(code, board, beta, sigma, ref, base_vol, days, rm, rng)
    prices.sort(key=lambda row: (row[1], row[0]))
    story = check_story(prices, days)

    args.out.mkdir(parents=True, exist_ok=True)
    lines = ["date,ticker,close"]
    lines += ["%s,%s,%s" % (day, INDEX_TICKER, fmt(level)) for day, level in index_rows]
    (args.out / "index.csv").write_text("\n".join(lines) + "\n", newline="\n")

    lines = ["date,ticker,open,high,low,close,prev_close,volume"]
    lines += ["%s,%s,%s,%s,%s,%s,%s,%d" % (day, code, fmt(o), fmt(h), fmt(low), fmt(c),
                                           fmt(ref), v)
              for day, code, o, h, low, c, ref, v in prices]
    (args.out / "prices.csv").write_text("\n".join(lines) + "\n", newline="\n")

    lines = ["event_id,ticker,date,label,timing,group"]
    for ev in sorted(EVENTS, key=lambda e: (e[2], e[1])):
        assert not any("," in field or '"' in field for field in ev)
        lines.append(",".join(ev))
    (args.out / "events.csv").write_text("\n".join(lines) + "\n", newline="\n")

    (args.out / "study.toml").write_text(STUDY_TOML, newline="\n")

    factors = make_factors(days, rm, random.Random(args.seed * 1000 + 7))
    (args.out / "factors_ff3_daily.CSV").write_bytes(factor_file_text(factors).encode("ascii"))

    print("seed %d: %d sessions %s..%s, %d price rows, %d tickers, %d events -> %s"
          % (args.seed, len(days), days[0], days[-1], len(prices), len(TICKERS),
             len(EVENTS), args.out))
    print("\n".join(story))
    return 0


if __name__ == "__main__":
    sys.exit(main())

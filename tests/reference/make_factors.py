#!/usr/bin/env python3
"""Build daily PROXY factor files for China in Kenneth French's published CSV layout.

Run from the project root (deterministic; a second run gives byte-identical files):

    python3 tests/reference/make_factors.py

THESE ARE NOT FAMA/FRENCH FACTORS. They are long-short proxies built from real index
prices so that evstudy's factor models (METHODS-SPEC §3.4) can be tested on real data:
the French file parser, the percent units, the date join, and the OLS algebra with 4-6
regressors. No firm-level accounting data is used, so nothing here measures a size,
value, profitability, investment or momentum premium.

Inputs (read-only, ../shared/data/):
  index_csi300.csv  CSI 300 (000300.SH) OHLC, the trading calendar
  index_other.csv   CSI 500 (000905.SH) and SSE Composite (000001.SH) OHLC, to 2023-10-10
(The stock panels start in 2020 and so cannot cover the 2018-2019 estimation windows. They
are not used.)

Definitions. For index j on calendar day t (the CSI 300 calendar; k-1 is the previous
calendar day, and all three indices trade on the same days in 2016-2023):
  r_j   = C_t / C_{t-1} - 1                        close-to-close return
  on_j  = O_t / C_{t-1} - 1                        overnight return (open vs previous close)
  RF    = 0.006 % a day, fixed: 1.5 % a year / 252 = 0.00595 %, printed with the three
          decimals French uses for the daily RF
  Mkt-RF = 100 r_300 - RF
  SMB    = 100 (r_500 - r_300)          CSI 500 (mid caps) minus CSI 300 (large caps)
  HML    = 100 (r_SSE - r_300)          SSE Composite (SOE- and bank-heavy) minus CSI 300
  RMW    = 100 (on_300 - on_500)        large minus mid caps, OVERNIGHT session only
  CMA    = 100 (on_SSE - on_300)        SSE Composite minus CSI 300, OVERNIGHT session only
  Mom    = 100 sum_j w_j r_j            cross-index relative strength (Lo-MacKinlay weights):
           P_j = C_{t-21} / C_{t-126} - 1 (prior return from day -126 to -21),
           d_j = P_j - mean_j P_j, w_j = d_j / (sum_j |d_j| / 2), so the long side is +1
           and the short side -1; rebalanced daily.
Why these: with three indices, every constant-weight long-short of close-to-close returns
is an exact linear combination of [1, Mkt-RF, SMB, HML] (RF is constant), which would make
X'X singular. RMW and CMA therefore use the overnight session, which the close-to-close
factors do not span: they are the overnight analogues of -SMB and HML, and their signs
follow the usual story (large, profitable CSI 300 names as "robust"; the SOE-heavy SSE
Composite as "conservative"). Mom uses daily-changing weights. French's own momentum
measures prior return from day -250 to -21; with only three indices that ranking is so
persistent that Mom was within R^2 = 0.99 of [1, MKT, SMB, HML] in some 240-day windows, so
the 6-month formation (Jegadeesh-Titman J = 6, still skipping the last month) is used.
The script asserts that no factor has R^2 > 0.9 on the others (with a constant) in any
240-day window ending between 2018-06 and 2023-10 (step 5 days), on the rounded values.

Arithmetic is exact: Python `decimal` (precision 50) on the CSV price strings, then
rounding to 0.01 percent with ROUND_HALF_UP. A rounded zero is written 0.00, never -0.00.
A factor that cannot be computed for a date (an index without a row on t or t-1, or without
the prior-return rows) is written -99.99; none occurs for 2017-01-03..2023-10-10.

Outputs (tests/fixtures/factors/), dates 2017-01-01..2023-10-10 (CSI 300 calendar, 1643
rows), in French's layout: free text lines, a blank line, a header line starting with a
comma, YYYYMMDD dates, values right-aligned in 8 characters (%8.2f; RF %8.3f; Mom %7.2f
and header ",Mom   " as in French's momentum file), CRLF line endings, then a blank line
and a copyright line (here naming this project, not French, because the data are not his):
  F-F_Research_Data_Factors_daily_CN.CSV            Mkt-RF,SMB,HML,RF
  F-F_Research_Data_5_Factors_2x3_daily_CN.CSV      Mkt-RF,SMB,HML,RMW,CMA,RF
  F-F_Momentum_Factor_daily_CN.CSV                  Mom
  F-F_Research_Data_Factors_daily_CN_CSV.zip        the FF3 file, deflated, fixed timestamp
Mkt-RF, SMB, HML and RF are identical in the FF3 and FF5 files (French's FF5 SMB differs).
"""

import os
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "..", "shared", "data")
CSI300 = os.path.join(DATA, "index_csi300.csv")
OTHER = os.path.join(DATA, "index_other.csv")
OUTDIR = os.path.join(ROOT, "tests", "fixtures", "factors")

START, END = "2017-01-01", "2023-10-10"
RF_PCT = Decimal("0.006")  # percent per day
MOM_SKIP, MOM_FORM = 21, 126  # prior return from day -126 to day -21
MISSING = "-99.99"
CRLF = "\r\n"
ZIP_TIME = (2023, 10, 10, 0, 0, 0)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

SOURCE_LINE = ("This file was created by make_factors.py using the index_csi300.csv and "
               "index_other.csv files of evstudy's shared data.")
FOOTER = ("Copyright 2023 evstudy tests: proxy data in the layout of the Kenneth R. French "
          "Data Library")

TEXT_FF3 = [
    SOURCE_LINE,
    "PROXY factors for numerical tests, not Fama/French data: Mkt-RF = CSI 300 return - RF, "
    "SMB = CSI 500 - CSI 300,",
    "HML = SSE Composite - CSI 300 (close-to-close returns, percent). RF is fixed at 0.006% a "
    "day (1.5% a year over 252 days).",
]
TEXT_FF5 = [
    SOURCE_LINE,
    "PROXY factors for numerical tests, not Fama/French data. Mkt-RF, SMB, HML and RF are "
    "those of F-F_Research_Data_Factors_daily_CN.CSV;",
    "RMW = CSI 300 - CSI 500 and CMA = SSE Composite - CSI 300, both over the overnight "
    "session (open / previous close - 1).",
]
TEXT_MOM = [
    SOURCE_LINE + "  It",
    "contains a PROXY momentum factor for numerical tests, not Fama/French data: a "
    "relative-strength long-short",
    "portfolio of the CSI 300, CSI 500 and SSE Composite indices, rebalanced daily. Weights are "
    "each index's prior",
    "return minus the cross-index mean, scaled so that the long side sums to 1 and the short "
    "side to -1.",
    "Prior return is measured from day - 126 to - 21.",
]


def read_index(path, ticker=None):
    """Return {date: (open, close)} as Decimals from the CSV strings."""
    out = {}
    with open(path, newline="") as f:
        header = f.readline().strip().split(",")
        ci = {c: i for i, c in enumerate(header)}
        for line in f:
            p = line.rstrip("\r\n").split(",")
            if ticker is not None and p[ci["ticker"]] != ticker:
                continue
            d = p[ci["date"]]
            if d in out:
                raise ValueError(f"duplicate date {d} in {path}")
            out[d] = (Decimal(p[ci["open"]]), Decimal(p[ci["close"]]))
    return out


def round_pct(x):
    """Decimal percent -> Decimal rounded to 0.01 half-up, with -0.00 turned into 0.00."""
    q = x.quantize(CENT, rounding=ROUND_HALF_UP)
    return q.copy_abs() if q == 0 else q


def build():
    idx = {
        "300": read_index(CSI300),
        "500": read_index(OTHER, "000905.SH"),
        "sse": read_index(OTHER, "000001.SH"),
    }
    cal = sorted(idx["300"])
    rows = []
    with localcontext() as ctx:
        ctx.prec = 50
        for k, d in enumerate(cal):
            if not (START <= d <= END):
                continue
            prev = cal[k - 1] if k >= 1 else None

            def ret(j, kind):
                a, b = idx[j].get(d), idx[j].get(prev)
                if a is None or b is None:
                    return None
                num = a[1] if kind == "close" else a[0]
                return num / b[1] - 1

            r = {j: ret(j, "close") for j in idx}
            on = {j: ret(j, "open") for j in idx}

            def pct(x):
                return None if x is None else round_pct(x * HUNDRED)

            def diff(a, b):
                return None if a is None or b is None else a - b

            f = {}
            f["Mkt-RF"] = None if r["300"] is None else round_pct(r["300"] * HUNDRED - RF_PCT)
            f["SMB"] = pct(diff(r["500"], r["300"]))
            f["HML"] = pct(diff(r["sse"], r["300"]))
            f["RMW"] = pct(diff(on["300"], on["500"]))
            f["CMA"] = pct(diff(on["sse"], on["300"]))
            f["RF"] = RF_PCT
            # momentum: prior return from day -126 to -21 on the calendar
            mom = None
            if k - MOM_FORM >= 0:
                d_hi, d_lo = cal[k - MOM_SKIP], cal[k - MOM_FORM]
                prior = {}
                for j in idx:
                    hi, lo = idx[j].get(d_hi), idx[j].get(d_lo)
                    if hi is None or lo is None or r[j] is None:
                        prior = None
                        break
                    prior[j] = hi[1] / lo[1] - 1
                if prior is not None:
                    mean = sum(prior.values()) / len(prior)
                    dev = {j: prior[j] - mean for j in prior}
                    half = sum(abs(v) for v in dev.values()) / 2
                    if half != 0:
                        mom = round_pct(HUNDRED * sum(dev[j] / half * r[j] for j in dev))
            f["Mom"] = mom
            rows.append((d.replace("-", ""), f))
    return rows


def fmt(v, width, places):
    if v is None:
        return MISSING.rjust(width)
    return f"{v:{width}.{places}f}"


def render(text_lines, header, rows, cols, widths, places, extra_blocks=()):
    lines = list(text_lines) + [""]
    for block in extra_blocks:
        lines += block
    lines.append(header)
    for d, f in rows:
        lines.append(d + "," + ",".join(fmt(f[c], w, p) for c, w, p in zip(cols, widths, places)))
    lines += ["", FOOTER]
    return CRLF.join(lines) + CRLF


def write_bytes(path, data):
    with open(path, "wb") as fh:
        fh.write(data)


def collinearity_check(rows):
    """Max R^2 of each factor on the others (+ const) over rolling 240-day windows."""
    cols = ["Mkt-RF", "SMB", "HML", "RMW", "CMA", "Mom"]
    dates = [d for d, _ in rows]
    X = np.array([[float(f[c]) if f[c] is not None else np.nan for c in cols] for _, f in rows])
    worst = {c: 0.0 for c in cols}
    ends = [i for i, d in enumerate(dates) if "20180601" <= d <= "20231010"]
    for e in ends[::5]:
        W = X[e - 239:e + 1]
        W = W[~np.isnan(W).any(axis=1)]
        for j, c in enumerate(cols):
            y = W[:, j]
            Z = np.column_stack([np.ones(len(W)), np.delete(W, j, axis=1)])
            b = np.linalg.lstsq(Z, y, rcond=None)[0]
            r2 = 1.0 - float(np.sum((y - Z @ b) ** 2)) / float(np.sum((y - y.mean()) ** 2))
            worst[c] = max(worst[c], r2)
    return worst


def main():
    for p in (CSI300, OTHER):
        if not os.path.exists(p):
            sys.exit(f"{p} not found")
    os.makedirs(OUTDIR, exist_ok=True)
    rows = build()
    n_missing = sum(1 for _, f in rows for v in f.values() if v is None)
    print(f"{len(rows)} dates {rows[0][0]}..{rows[-1][0]}; missing values: {n_missing}")
    if rows[0][0] > "20180102" or rows[-1][0] != "20231010":
        sys.exit("factor dates do not cover 2018-01..2023-10-10")

    ff3 = render(TEXT_FF3, ",Mkt-RF,SMB,HML,RF", rows, ["Mkt-RF", "SMB", "HML", "RF"],
                 [8, 8, 8, 8], [2, 2, 2, 3])
    ff5 = render(TEXT_FF5, ",Mkt-RF,SMB,HML,RMW,CMA,RF", rows,
                 ["Mkt-RF", "SMB", "HML", "RMW", "CMA", "RF"], [8] * 6, [2, 2, 2, 2, 2, 3])
    mom = render(TEXT_MOM, ",Mom   ", rows, ["Mom"], [7], [2],
                 extra_blocks=[["Missing data are indicated by -99.99 or -999.", ""]])
    files = {
        "F-F_Research_Data_Factors_daily_CN.CSV": ff3,
        "F-F_Research_Data_5_Factors_2x3_daily_CN.CSV": ff5,
        "F-F_Momentum_Factor_daily_CN.CSV": mom,
    }
    for name, text in files.items():
        data = text.encode("ascii")
        write_bytes(os.path.join(OUTDIR, name), data)
        print(f"  {name}: {len(data)} bytes")
        assert len(data) < 300_000

    # zip of the FF3 file: fixed timestamp, fixed attributes, deflate level 9
    inner = "F-F_Research_Data_Factors_daily_CN.CSV"
    zpath = os.path.join(OUTDIR, "F-F_Research_Data_Factors_daily_CN_CSV.zip")
    info = zipfile.ZipInfo(inner, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr(info, ff3.encode("ascii"), compress_type=zipfile.ZIP_DEFLATED,
                   compresslevel=9)
    with zipfile.ZipFile(zpath) as z:
        assert z.read(inner) == ff3.encode("ascii")
    print(f"  {os.path.basename(zpath)}: {os.path.getsize(zpath)} bytes")

    worst = collinearity_check(rows)
    print("  max R^2 on the other factors, 240-day windows:",
          ", ".join(f"{c} {v:.3f}" for c, v in worst.items()))
    assert max(worst.values()) < 0.9, worst
    cols = ["Mkt-RF", "SMB", "HML", "RMW", "CMA", "Mom"]
    X = np.array([[float(f[c]) for c in cols] for _, f in rows])
    print("  mean  " + "  ".join(f"{c} {m:.4f}" for c, m in zip(cols, X.mean(axis=0))))
    print("  sd    " + "  ".join(f"{c} {s:.4f}" for c, s in zip(cols, X.std(axis=0, ddof=1))))
    print("  correlations:")
    C = np.corrcoef(X.T)
    for c, row in zip(cols, C):
        print(f"    {c:7s}" + "".join(f"{v:7.2f}" for v in row))


if __name__ == "__main__":
    main()

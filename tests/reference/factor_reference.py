#!/usr/bin/env python3
"""Independent reference for evstudy's factor models: FF3, Carhart and FF5 (METHODS-SPEC §3.1,
§3.4 and §4).

Run from the project root, after tests/reference/make_factors.py:

    python3 tests/reference/factor_reference.py

Study: ../shared/data/prices_sanctioned.csv, the CSI 300 calendar of
../shared/data/index_csi300.csv and the events of ../shared/data/events_sanctions_cn_day0.csv,
loaded with core_reference.py (event_id = ticker_date, day 0 = first calendar date >= the
event date, estimation [-250, -11] truncated at the calendar start, event window [-10, +10]).
The factors are the PROXY files of tests/fixtures/factors/ (see make_factors.py), read with the
small French-layout parser below, in percent and divided by 100.

Conventions:
* stock return R_k = close_k / prev_close_k - 1, only if the stock has rows on calendar days k
  and k-1 (the `missing` gap policy; the Rust test selects it with --gaps missing);
* a calendar day is a factor day of a model if its date is in the model's file(s) with every
  factor and RF present (-99.99 / -999 are missing); a calendar day without factors has no
  normal return and no AR; factor dates off the calendar are ignored;
* models: ff3 = [1, Mkt-RF, SMB, HML] (p = 4, FF3 file); carhart = ff3 + Mom (p = 5, the
  momentum file joined on date, RF from the FF3 file); ff5 = [1, Mkt-RF, SMB, HML, RMW, CMA]
  (p = 6, all columns and RF from the FF5 file);
* y = R - RF; OLS (statsmodels) of y on X over the estimation days where R and every factor
  are present; M < 100 -> skip `short_estimation`;
* skip order: `window_outside_data` (event window off the calendar), then `no_factors` (no
  event-window day has factors), then `short_estimation`;
* normal_ret = RF + x'theta (written whenever the day has factors, even without R);
  AR = y - x'theta; Var(AR) = sigma2 (1 + x'(X'X)^-1 x) with (X'X)^-1 = statsmodels'
  normalized_cov_params and sigma2 = res.scale = SSR / (M - p); SAR = AR / sqrt(Var(AR));
* CAR over 0:0, 0:1, -1:1, -5:5, -10:10, missing if any AR in the window is missing;
  Var(CAR) = sigma2 (L + g'(X'X)^-1 g), g = sum of x over the window; SCAR = CAR / sqrt(Var);
  p = 2 sf_t(|SCAR|, M - p); BHAR = prod(1 + R) - prod(1 + RF + x'theta), missing as CAR;
* the AR file's `car` column is the running CAR from day -10 (missing from the first missing
  AR on), as in core_reference.py;
* coefficient standard errors and t values are statsmodels' bse and tvalues.

Outputs: tests/fixtures/factor_sanctions_ar.csv and tests/fixtures/factor_sanctions_events.csv.
Floats are repr() (shortest round-trip); a missing value is an empty field.

The OLS is statsmodels `OLS(y, X).fit(method="qr")`. The default `pinv` method was tried
first: against exact rational arithmetic its theta and (X'X)^-1 were off by up to 1.8e-9
and 6e-9 relative (small coefficients such as the intercept), above the fixture tolerance;
the QR fit is within 2e-13 (theta) and 2e-12 ((X'X)^-1).

Checks (assertions, printed): an FF3 fit of an exact linear combination
y = 0.001 + 1.2 MKT - 0.3 SMB + 0.5 HML of the file's factors recovers the coefficients to
1e-12; for every fit, theta and (X'X)^-1 agree with an exact rational (fractions.Fraction)
solve of the normal equations on the same f64 inputs to 1e-12 and 1e-11 relative; every
parsed factor agrees with a float recomputation from the index prices within half a cent of
a percent.
"""

import csv
import math
import os
import sys
from fractions import Fraction

import numpy as np
import statsmodels.api as sm
from scipy import stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import core_reference as core  # noqa: E402

FACTOR_DIR = "tests/fixtures/factors"
FF3_FILE = os.path.join(FACTOR_DIR, "F-F_Research_Data_Factors_daily_CN.CSV")
FF5_FILE = os.path.join(FACTOR_DIR, "F-F_Research_Data_5_Factors_2x3_daily_CN.CSV")
MOM_FILE = os.path.join(FACTOR_DIR, "F-F_Momentum_Factor_daily_CN.CSV")
OTHER = "../shared/data/index_other.csv"

MODELS = ["ff3", "carhart", "ff5"]
COEF_NAMES = ["const", "mkt_rf", "smb", "hml", "mom", "rmw", "cma"]
FRENCH_NAMES = {"Mkt-RF": "mkt_rf", "SMB": "smb", "HML": "hml", "Mom": "mom", "RMW": "rmw",
                "CMA": "cma", "RF": "rf"}
MODEL_FACTORS = {
    "ff3": ["mkt_rf", "smb", "hml"],
    "carhart": ["mkt_rf", "smb", "hml", "mom"],
    "ff5": ["mkt_rf", "smb", "hml", "rmw", "cma"],
}
MISSING_CODES = (-99.99, -999.0)
NAN = float("nan")


# ---------------------------------------------------------------- French-layout parser


def read_french(path):
    """Parse the first table of a Kenneth French CSV: free text, a header line starting with
    a comma, then `YYYYMMDD, v, v, ...` rows until a blank or non-data line. Returns
    {iso_date: {name: value / 100 or NaN}} with evstudy names (mkt_rf, smb, ..., rf)."""
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith(","))
    names = [FRENCH_NAMES[h.strip()] for h in lines[i].split(",")[1:]]
    out = {}
    for line in lines[i + 1:]:
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != len(names) + 1 or not (len(parts[0]) == 8 and parts[0].isdigit()):
            break
        d = f"{parts[0][:4]}-{parts[0][4:6]}-{parts[0][6:]}"
        if d in out:
            raise ValueError(f"duplicate date {d} in {path}")
        row = {}
        for n, v in zip(names, parts[1:]):
            x = float(v)
            row[n] = NAN if x in MISSING_CODES else x / 100.0
        out[d] = row
    return out


def model_factor_table(model, ff3, ff5, mom, cal_dates):
    """Arrays over the calendar: F (n_cal x k factors) and rf (n_cal), NaN where missing."""
    names = MODEL_FACTORS[model]
    n = len(cal_dates)
    F = np.full((n, len(names)), np.nan)
    rf = np.full(n, np.nan)
    for k, d in enumerate(cal_dates):
        if model == "ff5":
            row = ff5.get(d)
        else:
            row = ff3.get(d)
            if row is not None and model == "carhart":
                m = mom.get(d)
                row = None if m is None else dict(row, mom=m["mom"])
        if row is None:
            continue
        F[k] = [row[c] for c in names]
        rf[k] = row["rf"]
    ok = ~np.isnan(F).any(axis=1) & ~np.isnan(rf)
    F[~ok] = np.nan
    rf[~ok] = np.nan
    return F, rf


# ---------------------------------------------------------------- exact arithmetic check


def exact_check(X, y, theta, xtx_inv):
    """Solve the normal equations in exact rational arithmetic (fractions.Fraction) on the
    same f64 inputs and return the max relative errors of statsmodels' theta and (X'X)^-1."""
    Xf = [[Fraction(float(v)) for v in row] for row in X]
    yf = [Fraction(float(v)) for v in y]
    p = len(Xf[0])
    A = [[sum(r[i] * r[j] for r in Xf) for j in range(p)] for i in range(p)]
    B = [[sum(r[i] * v for r, v in zip(Xf, yf))] + [Fraction(int(i == j)) for j in range(p)]
         for i in range(p)]
    for i in range(p):  # Gauss-Jordan on [X'X | X'y, I]
        piv = A[i][i]
        for k in range(p):
            if k != i and A[k][i] != 0:
                f = A[k][i] / piv
                A[k] = [a - f * b for a, b in zip(A[k], A[i])]
                B[k] = [a - f * b for a, b in zip(B[k], B[i])]
    th = np.array([float(B[i][0] / A[i][i]) for i in range(p)])
    inv = np.array([[float(B[i][1 + j] / A[i][i]) for j in range(p)] for i in range(p)])
    e_th = float(np.max(np.abs(theta - th) / np.abs(th)))
    e_inv = float(np.max(np.abs(xtx_inv - inv) / np.abs(inv)))
    assert e_th <= 1e-12 and e_inv <= 1e-11, (e_th, e_inv)
    return e_th, e_inv


# ---------------------------------------------------------------- per-event study


def run_event(model, ticker, event_date, ret, F, rf, cal_dates):
    n_cal = len(cal_dates)
    names = MODEL_FACTORS[model]
    eid = f"{ticker}_{event_date}"
    out = dict(model=model, event_id=eid, ticker=ticker, event_date=event_date, status=None)
    i0 = next((k for k, d in enumerate(cal_dates) if d >= event_date), None)
    if i0 is None or i0 + core.EVENT_WINDOW[0] < 0 or i0 + core.EVENT_WINDOW[1] > n_cal - 1:
        out["status"] = "window_outside_data"
        return out
    has_f = ~np.isnan(rf)
    ev_idx = np.arange(i0 + core.EVENT_WINDOW[0], i0 + core.EVENT_WINDOW[1] + 1)
    if not has_f[ev_idx].any():
        out["status"] = "no_factors"
        return out
    e_lo = max(0, i0 + core.EST_WINDOW[0])
    e_hi = i0 + core.EST_WINDOW[1]
    est_idx = np.arange(e_lo, e_hi + 1)
    est_idx = est_idx[~np.isnan(ret[est_idx]) & has_f[est_idx]]
    M = len(est_idx)
    out["n"] = M
    if M < core.MIN_EST_OBS:
        out["status"] = "short_estimation"
        return out
    y = ret[est_idx] - rf[est_idx]
    X = np.column_stack([np.ones(M), F[est_idx]])
    res = sm.OLS(y, X).fit(method="qr")
    p = X.shape[1]
    assert res.df_resid == M - p
    theta = np.asarray(res.params)
    xtx_inv = np.asarray(res.normalized_cov_params)
    sigma2 = float(res.scale)
    out["exact_err"] = exact_check(X, y, theta, xtx_inv)
    df = M - p
    out.update(status="ok", sigma2=sigma2, df=df, p=p, r2=float(res.rsquared))
    coefs = {}
    for j, name in enumerate(["const"] + names):
        coefs[name] = (float(theta[j]), float(res.bse[j]), float(res.tvalues[j]))
    out["coefs"] = coefs

    rows = []
    for t in range(core.EVENT_WINDOW[0], core.EVENT_WINDOW[1] + 1):
        k = i0 + t
        r = ret[k]
        if has_f[k]:
            x = np.concatenate([[1.0], F[k]])
            fitted = float(x @ theta)
            normal = rf[k] + fitted
            h = float(x @ xtx_inv @ x)
        else:
            x, fitted, normal, h = None, NAN, NAN, NAN
        if np.isnan(r) or x is None:
            ar = sar = NAN
        else:
            ar = (r - rf[k]) - fitted
            sar = ar / math.sqrt(sigma2 * (1.0 + h))
        rows.append(dict(rel_day=t, date=cal_dates[k], ret=r, rf=rf[k] if has_f[k] else NAN,
                         normal_ret=normal, ar=ar, sar=sar, x=x))
    car = 0.0
    broken = False
    for row in rows:
        if broken or np.isnan(row["ar"]):
            broken = True
            row["car"] = NAN
        else:
            car += row["ar"]
            row["car"] = car
    out["rows"] = rows

    byrel = {row["rel_day"]: row for row in rows}
    wins = {}
    for a, b in core.CAR_WINDOWS:
        wr = [byrel[t] for t in range(a, b + 1)]
        if any(np.isnan(v["ar"]) for v in wr):
            wins[(a, b)] = dict(car=NAN, bhar=NAN, scar=NAN, p=NAN)
            continue
        L = len(wr)
        carw = 0.0
        for v in wr:
            carw += v["ar"]
        bh_r = bh_n = 1.0
        for v in wr:
            bh_r *= 1.0 + v["ret"]
            bh_n *= 1.0 + v["normal_ret"]
        g = np.sum([v["x"] for v in wr], axis=0)
        var = sigma2 * (L + float(g @ xtx_inv @ g))
        scar = carw / math.sqrt(var)
        pval = float(2.0 * stats.t.sf(abs(scar), df))
        wins[(a, b)] = dict(car=carw, bhar=bh_r - bh_n, scar=scar, p=pval)
    out["windows"] = wins
    return out


# ---------------------------------------------------------------- writing


AR_COLS = ["model", "event_id", "ticker", "rel_day", "date", "ret", "rf", "normal_ret", "ar",
           "car", "sar"]


def event_cols():
    cols = ["model", "event_id", "ticker", "status", "skip_reason", "n", "r2", "sigma2", "df"]
    for c in COEF_NAMES:
        cols += [f"coef_{c}", f"se_{c}", f"t_{c}"]
    for a, b in core.CAR_WINDOWS:
        n = core.window_name(a, b)
        cols += [f"car_{n}", f"bhar_{n}", f"scar_{n}", f"p_{n}"]
    return cols


def write_fixtures(results, ar_path, ev_path):
    fmt = core.fmt
    n_ar = n_ev = 0
    with open(ar_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(AR_COLS)
        for ev in results:
            if ev["status"] != "ok":
                continue
            for r in ev["rows"]:
                w.writerow([ev["model"], ev["event_id"], ev["ticker"], r["rel_day"], r["date"],
                            fmt(r["ret"]), fmt(r["rf"]), fmt(r["normal_ret"]), fmt(r["ar"]),
                            fmt(r["car"]), fmt(r["sar"])])
                n_ar += 1
    cols = event_cols()
    with open(ev_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for ev in results:
            ok = ev["status"] == "ok"
            row = [ev["model"], ev["event_id"], ev["ticker"], "ok" if ok else "skipped",
                   "" if ok else ev["status"]]
            if ok:
                row += [str(ev["n"]), fmt(ev["r2"]), fmt(ev["sigma2"]), str(ev["df"])]
                for c in COEF_NAMES:
                    row += [fmt(v) for v in ev["coefs"][c]] if c in ev["coefs"] else ["", "", ""]
                for wkey in core.CAR_WINDOWS:
                    wv = ev["windows"][wkey]
                    row += [fmt(wv["car"]), fmt(wv["bhar"]), fmt(wv["scar"]), fmt(wv["p"])]
            row += [""] * (len(cols) - len(row))
            w.writerow(row)
            n_ev += 1
    return n_ar, n_ev


# ---------------------------------------------------------------- checks


def hand_check(ff3):
    """FF3 OLS on y = 0.001 + 1.2 MKT - 0.3 SMB + 0.5 HML (no noise) recovers the coefficients."""
    dates = sorted(ff3)[:240]
    F = np.array([[ff3[d]["mkt_rf"], ff3[d]["smb"], ff3[d]["hml"]] for d in dates])
    true = np.array([0.001, 1.2, -0.3, 0.5])
    X = np.column_stack([np.ones(len(F)), F])
    y = X @ true
    res = sm.OLS(y, X).fit(method="qr")
    err = float(np.max(np.abs(np.asarray(res.params) - true)))
    print(f"hand check: FF3 fit of y = 0.001 + 1.2 MKT - 0.3 SMB + 0.5 HML on {len(dates)} days "
          f"({dates[0]}..{dates[-1]}): params {[repr(float(v)) for v in res.params]}, "
          f"max |error| {err:.3e}, sigma2 {float(res.scale):.3e}")
    assert err <= 1e-12, err


def factor_recompute_check(ff3, ff5, mom):
    """Parsed factors vs a float recomputation from the index prices (|diff| <= 0.005%)."""
    def load(path, ticker=None):
        out = {}
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                if ticker is None or r["ticker"] == ticker:
                    out[r["date"]] = (float(r["open"]), float(r["close"]))
        return out
    idx = {"300": load(core.MARKET), "500": load(OTHER, "000905.SH"),
           "sse": load(OTHER, "000001.SH")}
    cal = sorted(idx["300"])
    pos = {d: k for k, d in enumerate(cal)}
    worst = 0.0
    for d in ff5:
        k = pos[d]
        prev = cal[k - 1]
        r = {j: idx[j][d][1] / idx[j][prev][1] - 1 for j in idx}
        on = {j: idx[j][d][0] / idx[j][prev][1] - 1 for j in idx}
        rf = ff3[d]["rf"]
        P = {j: idx[j][cal[k - 21]][1] / idx[j][cal[k - 126]][1] - 1 for j in idx}
        mean = sum(P.values()) / 3
        half = sum(abs(P[j] - mean) for j in idx) / 2
        want = dict(mkt_rf=r["300"] - rf, smb=r["500"] - r["300"], hml=r["sse"] - r["300"],
                    rmw=on["300"] - on["500"], cma=on["sse"] - on["300"],
                    mom=sum((P[j] - mean) / half * r[j] for j in idx))
        got = dict(ff5[d], mom=mom[d]["mom"])
        for c, v in want.items():
            worst = max(worst, abs(got[c] - v))
        assert ff3[d]["mkt_rf"] == ff5[d]["mkt_rf"] and ff3[d]["smb"] == ff5[d]["smb"]
        assert ff3[d]["hml"] == ff5[d]["hml"] and ff3[d]["rf"] == ff5[d]["rf"]
    print(f"factor files vs float recomputation from the index prices: max |diff| "
          f"{worst * 100:.6f}% (rounding to 0.01%)")
    assert worst <= 0.00005 + 1e-12


# ---------------------------------------------------------------- main


def main():
    for p in (core.PRICES, core.MARKET, core.EVENTS, FF3_FILE, FF5_FILE, MOM_FILE, OTHER):
        if not os.path.exists(p):
            sys.exit(f"{p} not found: run from the project root (after make_factors.py)")
    cal_dates, _rm, returns, events = core.load_sanctions()
    ff3, ff5, mom = read_french(FF3_FILE), read_french(FF5_FILE), read_french(MOM_FILE)
    print(f"factor files: FF3 {len(ff3)} rows, FF5 {len(ff5)} rows, Mom {len(mom)} rows "
          f"({min(ff3)}..{max(ff3)})")
    hand_check(ff3)
    factor_recompute_check(ff3, ff5, mom)

    results = []
    for model in MODELS:
        F, rf = model_factor_table(model, ff3, ff5, mom, cal_dates)
        for ticker, date in events:
            ret = returns.get(ticker)
            if ret is None:
                ret = np.full(len(cal_dates), np.nan)
            results.append(run_event(model, ticker, date, ret, F, rf, cal_dates))
    n_ar, n_ev = write_fixtures(results,
                                os.path.join(core.FIXTURES, "factor_sanctions_ar.csv"),
                                os.path.join(core.FIXTURES, "factor_sanctions_events.csv"))
    print(f"factor_sanctions_ar.csv: {n_ar} rows; factor_sanctions_events.csv: {n_ev} rows")
    for model in MODELS:
        evs = [e for e in results if e["model"] == model]
        ok = [e for e in evs if e["status"] == "ok"]
        skipped = [(e["event_id"], e["status"], e.get("n")) for e in evs if e["status"] != "ok"]
        n_miss = sum(1 for e in ok for r in e["rows"] if np.isnan(r["ar"]))
        e_th = max(e["exact_err"][0] for e in ok)
        e_inv = max(e["exact_err"][1] for e in ok)
        print(f"  {model}: {len(ok)} ok, skipped {skipped}; event-window days without AR: "
              f"{n_miss}; M range {min(e['n'] for e in ok)}..{max(e['n'] for e in ok)}; "
              f"vs exact: theta {e_th:.1e}, (X'X)^-1 {e_inv:.1e}")
    hik = next(e for e in results if e["model"] == "ff3" and e["event_id"] == "002415.SZ_2022-05-05")
    by = {r["rel_day"]: r for r in hik["rows"]}
    print("Hikvision 2022-05-05 (ff3): coefs",
          {k: round(v[0], 6) for k, v in hik["coefs"].items()},
          "AR0", repr(float(by[0]["ar"])), "CAR(0,1)", repr(float(hik["windows"][(0, 1)]["car"])))


if __name__ == "__main__":
    main()

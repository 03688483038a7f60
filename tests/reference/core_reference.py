#!/usr/bin/env python3
"""Independent reference implementation of evstudy's core event study.

Run from the project root:

    python3 tests/reference/core_reference.py

Reads ../shared/data/{prices_sanctioned.csv,index_csi300.csv,events_sanctions_cn_day0.csv}
and writes tests/fixtures/core_sanctions_ar.csv and tests/fixtures/core_sanctions_events.csv.

Conventions (METHODS-SPEC.md sections 1-4):
* trading calendar = sorted dates of the market file; R_m,k = close_k / close_{k-1} - 1;
* stock return on calendar day k = close_k / prev_close_k - 1, only if the stock has a row on
  calendar days k and k-1 (`missing` gap policy); stock rows off the calendar are ignored;
* day 0 = first calendar date >= event date; estimation window [-250, -11] (truncated at the
  calendar start), event window [-10, +10] (cut window -> skip `window_outside_data`);
* estimation rows = both returns present; M < 100 -> skip `short_estimation`;
* models: market (statsmodels OLS on [1, R_m]), mean (statsmodels OLS on [1]),
  market_adjusted (AR = R - R_m, sigma2 = var(ddof=1) of estimation ARs, h = 0, df = M - 1).

The regression algebra uses statsmodels' fitted parameters, scale and (X'X)^-1
(`normalized_cov_params`), not the closed forms of the spec, so the fixture is an
independent check of the Rust closed-form code.

This module is also imported by stats_reference.py.
"""

import csv
import math
import os
import sys

import numpy as np
import statsmodels.api as sm
from scipy import stats

EST_WINDOW = (-250, -11)
EVENT_WINDOW = (-10, 10)
MIN_EST_OBS = 100
CAR_WINDOWS = [(0, 0), (0, 1), (-1, 1), (-5, 5), (-10, 10)]
MODELS = ["market", "mean", "market_adjusted"]

PRICES = "../shared/data/prices_sanctioned.csv"
MARKET = "../shared/data/index_csi300.csv"
EVENTS = "../shared/data/events_sanctions_cn_day0.csv"
FIXTURES = "tests/fixtures"


# ---------------------------------------------------------------- formatting


def fmt(x):
    """repr() of a Python float (shortest round-trip form), '' for missing."""
    if x is None:
        return ""
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return str(int(x))
    x = float(x)
    if math.isnan(x):
        return ""
    if math.isinf(x):
        raise ValueError("infinite value in fixture")
    return repr(x)


def window_name(a, b):
    def part(v):
        return f"m{-v}" if v < 0 else str(v)

    return f"{part(a)}_{part(b)}"


def window_label(a, b):
    return f"{a}:{b}"


# ---------------------------------------------------------------- loading


def load_market(path):
    """Return (calendar dates list, dict date->idx, market return array with NaN at 0)."""
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows.append((r["date"], float(r["close"])))
    rows.sort()
    dates = [d for d, _ in rows]
    if len(set(dates)) != len(dates):
        raise ValueError("duplicate market dates")
    close = np.array([c for _, c in rows])
    rm = np.full(len(dates), np.nan)
    rm[1:] = close[1:] / close[:-1] - 1.0
    return dates, {d: i for i, d in enumerate(dates)}, rm


def stock_returns_from_rows(rows, date_index, n_cal):
    """rows: iterable of (date, close, prev_close) for one ticker.

    Returns an array over the calendar: close/prev_close - 1 where the stock has a row on
    calendar days k and k-1, NaN otherwise.
    """
    present = np.zeros(n_cal, dtype=bool)
    ret = np.full(n_cal, np.nan)
    raw = np.full(n_cal, np.nan)
    for d, c, pc in rows:
        k = date_index.get(d)
        if k is None:
            continue  # off-calendar row: ignored
        present[k] = True
        raw[k] = c / pc - 1.0
    ok = present.copy()
    ok[0] = False
    ok[1:] &= present[:-1]
    ret[ok] = raw[ok]
    return ret


def load_prices_csv(path, date_index, n_cal):
    by_ticker = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            by_ticker.setdefault(r["ticker"], []).append(
                (r["date"], float(r["close"]), float(r["prev_close"]))
            )
    return {t: stock_returns_from_rows(rows, date_index, n_cal) for t, rows in by_ticker.items()}


def load_events(path):
    out = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            out.append((r["ticker"], r["date"]))
    return out


# ---------------------------------------------------------------- per-event study


def fit_model(model, y, rm):
    """Fit on estimation rows. Returns dict with theta, xtx_inv, sigma2, df, alpha, beta, r2,
    resid (estimation residuals), h_est (x'(X'X)^-1 x on estimation rows), predict(rm)."""
    M = len(y)
    if model == "market":
        X = sm.add_constant(rm, prepend=True, has_constant="add")
        res = sm.OLS(y, X).fit()
        theta = np.asarray(res.params)
        xtx_inv = np.asarray(res.normalized_cov_params)
        sigma2 = float(res.scale)  # SSR / (M - 2)
        assert res.df_resid == M - 2
        h_est = np.einsum("ij,jk,ik->i", X, xtx_inv, X)
        return dict(
            theta=theta, xtx_inv=xtx_inv, sigma2=sigma2, df=M - 2, p=2,
            alpha=float(theta[0]), beta=float(theta[1]), r2=float(res.rsquared),
            resid=np.asarray(res.resid), h_est=h_est,
            xrow=lambda r_m: np.array([1.0, r_m]),
        )
    if model == "mean":
        X = np.ones((M, 1))
        res = sm.OLS(y, X).fit()
        theta = np.asarray(res.params)
        xtx_inv = np.asarray(res.normalized_cov_params)
        sigma2 = float(res.scale)  # SSR / (M - 1)
        h_est = np.full(M, float(xtx_inv[0, 0]))
        return dict(
            theta=theta, xtx_inv=xtx_inv, sigma2=sigma2, df=M - 1, p=1,
            alpha=float(theta[0]), beta=None, r2=None,
            resid=np.asarray(res.resid), h_est=h_est,
            xrow=lambda r_m: np.array([1.0]),
        )
    if model == "market_adjusted":
        resid = y - rm
        sigma2 = float(np.var(resid, ddof=1))
        return dict(
            theta=None, xtx_inv=None, sigma2=sigma2, df=M - 1, p=0,
            alpha=None, beta=None, r2=None, resid=resid, h_est=np.zeros(M),
            xrow=None,
        )
    raise ValueError(model)


def run_event(model, ticker, event_date, ret, rm, cal_dates):
    """Compute one event. Returns dict (status 'ok' or a skip reason)."""
    n_cal = len(cal_dates)
    eid = f"{ticker}_{event_date}"
    out = dict(model=model, event_id=eid, ticker=ticker, event_date=event_date,
               day0=None, status=None)
    # day 0: first calendar date >= event date (ISO dates compare as strings)
    i0 = next((k for k, d in enumerate(cal_dates) if d >= event_date), None)
    if i0 is None:
        out["status"] = "window_outside_data"
        return out
    out["day0"] = cal_dates[i0]
    out["i0"] = i0
    lo, hi = i0 + EVENT_WINDOW[0], i0 + EVENT_WINDOW[1]
    if lo < 0 or hi > n_cal - 1:
        out["status"] = "window_outside_data"
        return out
    e_lo = max(0, i0 + EST_WINDOW[0])
    e_hi = i0 + EST_WINDOW[1]
    est_idx = np.arange(e_lo, e_hi + 1)
    use = ~np.isnan(ret[est_idx]) & ~np.isnan(rm[est_idx])
    est_idx = est_idx[use]
    M = len(est_idx)
    out["n_est"] = M
    if M < MIN_EST_OBS:
        out["status"] = "short_estimation"
        return out
    y = ret[est_idx]
    x = rm[est_idx]
    fit = fit_model(model, y, x)
    sigma2 = fit["sigma2"]
    out.update(status="ok", sigma2=sigma2, sigma=math.sqrt(sigma2), alpha=fit["alpha"],
               beta=fit["beta"], r2=fit["r2"], df=fit["df"], p=fit["p"])
    out["xtx_inv"] = fit.get("xtx_inv")
    out["est_idx"] = est_idx
    out["est_rel"] = est_idx - i0
    out["est_resid"] = fit["resid"]
    out["est_h"] = fit["h_est"]
    out["est_sar"] = fit["resid"] / np.sqrt(sigma2 * (1.0 + fit["h_est"]))

    # event window rows
    rels = list(range(EVENT_WINDOW[0], EVENT_WINDOW[1] + 1))
    rows = []
    for t in rels:
        k = i0 + t
        r, m = ret[k], rm[k]
        if model == "market_adjusted":
            normal = m
            h = 0.0
            xr = None
        else:
            if model == "market" and np.isnan(m):
                normal, h, xr = np.nan, np.nan, None
            else:
                xr = fit["xrow"](m)
                normal = float(xr @ fit["theta"])
                h = float(xr @ fit["xtx_inv"] @ xr)
        if np.isnan(r) or np.isnan(m):
            ar = np.nan
            sar = np.nan
        else:
            ar = r - normal
            sar = ar / math.sqrt(sigma2 * (1.0 + h))
        rows.append(dict(rel_day=t, idx=k, date=cal_dates[k], ret=r, market_ret=m,
                         normal_ret=normal, ar=ar, sar=sar, h=h, x=xr))
    car = 0.0
    broken = False
    for row in rows:
        if broken or np.isnan(row["ar"]):
            broken = True
            row["car"] = np.nan
        else:
            car += row["ar"]
            row["car"] = car
    out["rows"] = rows

    # CAR windows
    byrel = {row["rel_day"]: row for row in rows}
    wins = {}
    for a, b in CAR_WINDOWS:
        wr = [byrel[t] for t in range(a, b + 1)]
        L2 = len(wr)
        ars = [w["ar"] for w in wr]
        sars = [w["sar"] for w in wr]
        nonmiss = [s for s in sars if not np.isnan(s)]
        w = dict(L2=L2, n_nonmissing=len(nonmiss),
                 csar=float(np.sum(nonmiss)) if nonmiss else np.nan)
        if any(np.isnan(v) for v in ars):
            w.update(car=np.nan, bhar=np.nan, var_car=np.nan, scar=np.nan, p=np.nan)
        else:
            carw = 0.0
            for v in ars:
                carw += v
            bh_r = 1.0
            bh_n = 1.0
            for v in wr:
                bh_r *= 1.0 + v["ret"]
                bh_n *= 1.0 + v["normal_ret"]
            if model == "market_adjusted":
                var = sigma2 * L2
            else:
                g = np.sum([v["x"] for v in wr], axis=0)
                var = sigma2 * (L2 + float(g @ fit["xtx_inv"] @ g))
            scar = carw / math.sqrt(var)
            pval = 2.0 * stats.t.sf(abs(scar), fit["df"])
            w.update(car=carw, bhar=bh_r - bh_n, var_car=var, scar=scar, p=float(pval))
        wins[(a, b)] = w
    out["windows"] = wins
    return out


def run_study(model, events, returns, rm, cal_dates):
    res = []
    for ticker, date in events:
        ret = returns.get(ticker)
        if ret is None:
            ret = np.full(len(cal_dates), np.nan)
        res.append(run_event(model, ticker, date, ret, rm, cal_dates))
    return res


# ---------------------------------------------------------------- writing


AR_COLS = ["model", "event_id", "ticker", "rel_day", "date", "ret", "market_ret",
           "normal_ret", "ar", "car", "sar"]


def event_cols():
    cols = ["model", "event_id", "ticker", "event_date", "day0", "status", "alpha", "beta",
            "sigma", "n_est", "r2"]
    for a, b in CAR_WINDOWS:
        n = window_name(a, b)
        cols += [f"car_{n}", f"bhar_{n}", f"scar_{n}", f"p_{n}"]
    return cols


def write_fixtures(results, ar_path, ev_path):
    n_ar = n_ev = 0
    with open(ar_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(AR_COLS)
        for ev in results:
            if ev["status"] != "ok":
                continue
            for r in ev["rows"]:
                w.writerow([ev["model"], ev["event_id"], ev["ticker"], r["rel_day"], r["date"],
                            fmt(r["ret"]), fmt(r["market_ret"]), fmt(r["normal_ret"]),
                            fmt(r["ar"]), fmt(r["car"]), fmt(r["sar"])])
                n_ar += 1
    with open(ev_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(event_cols())
        for ev in results:
            ok = ev["status"] == "ok"
            row = [ev["model"], ev["event_id"], ev["ticker"], ev["event_date"],
                   ev["day0"] or "", ev["status"]]
            if ok:
                row += [fmt(ev["alpha"]), fmt(ev["beta"]), fmt(ev["sigma"]), str(ev["n_est"]),
                        fmt(ev["r2"])]
                for wkey in CAR_WINDOWS:
                    wv = ev["windows"][wkey]
                    row += [fmt(wv["car"]), fmt(wv["bhar"]), fmt(wv["scar"]), fmt(wv["p"])]
            else:
                row += [""] * (len(event_cols()) - len(row))
            w.writerow(row)
            n_ev += 1
    return n_ar, n_ev


def load_sanctions():
    cal_dates, date_index, rm = load_market(MARKET)
    returns = load_prices_csv(PRICES, date_index, len(cal_dates))
    events = load_events(EVENTS)
    return cal_dates, rm, returns, events


def main():
    for p in (PRICES, MARKET, EVENTS):
        if not os.path.exists(p):
            sys.exit(f"{p} not found: run from the project root")
    os.makedirs(FIXTURES, exist_ok=True)
    cal_dates, rm, returns, events = load_sanctions()
    results = []
    for model in MODELS:
        results += run_study(model, events, returns, rm, cal_dates)
    n_ar, n_ev = write_fixtures(results, os.path.join(FIXTURES, "core_sanctions_ar.csv"),
                                os.path.join(FIXTURES, "core_sanctions_events.csv"))
    print(f"core_sanctions_ar.csv: {n_ar} rows; core_sanctions_events.csv: {n_ev} rows")
    for ev in results:
        if ev["model"] == "market":
            extra = f" M={ev.get('n_est', '')}" if "n_est" in ev else ""
            print(f"  {ev['event_id']}: {ev['status']}{extra}")
    hik = next(e for e in results
               if e["model"] == "market" and e["event_id"] == "002415.SZ_2022-05-05")
    by = {r["rel_day"]: r for r in hik["rows"]}
    print("Hikvision 2022-05-05 (market model): ret0", repr(float(by[0]["ret"])),
          "AR0", repr(float(by[0]["ar"])), "AR1", repr(float(by[1]["ar"])),
          "CAR(0,1)", repr(float(hik["windows"][(0, 1)]["car"])))
    # sanity: closed forms of METHODS-SPEC section 3.2 agree with the statsmodels algebra
    for ev in results:
        if ev["status"] != "ok" or ev["model"] != "market":
            continue
        x = rm[ev["est_idx"]]
        ss = float(np.sum((x - x.mean()) ** 2))
        for r in ev["rows"]:
            if not np.isnan(r["market_ret"]):
                h = 1.0 / len(x) + (r["market_ret"] - x.mean()) ** 2 / ss
                assert abs(h - r["h"]) <= 1e-12 * max(1.0, h)


if __name__ == "__main__":
    main()

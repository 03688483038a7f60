#!/usr/bin/env python3
"""Independent reference implementation of evstudy's trade-to-trade ("span") returns and the
thin-trading market models (METHODS-SPEC.md sections 1.4, 3.1-3.3).

Run from the project root:

    python3 tests/reference/span_reference.py

Reads ../shared/data/{prices_sanctioned.csv,index_csi300.csv,events_sanctions_cn_day0.csv}
(loading, event ids, windows and formatting are shared with core_reference.py) and writes

    tests/fixtures/span_sanctions_ar.csv      tests/fixtures/span_sanctions_events.csv
    tests/fixtures/thin_sanctions_ar.csv      tests/fixtures/thin_sanctions_events.csv

Conventions:
1. Calendar = sorted dates of the market file. Day 0 = first calendar date >= event date.
   Estimation window [-250, -11] (truncated at the calendar start), event window [-10, +10];
   an event window cut by the calendar -> skip `window_outside_data`. Fewer than 100
   estimation rows -> skip `short_estimation` (for Dimson: rows that also have the lead and
   lag market returns).
2. Span returns. For a stock row on calendar index k, let k-s be the calendar index of the
   stock's previous on-calendar row (s >= 1). R_k = close_k/prev_close_k - 1 (prev_close is
   the exchange reference price), span s. Halt length = s-1; if s-1 > MAX_SPAN = 20 the
   return is missing (`span_too_long`). The ticker's first on-calendar row has no return (and
   no span). Rows off the calendar are ignored. Spanned market return
   M_k = close_m[k]/close_m[k-s] - 1; lead/lag j: M^(j)_k = close_m[k+j]/close_m[k-s+j] - 1
   (missing if an index leaves the calendar).
3. A row belongs to the estimation or the event window by its own date k. Estimation rows =
   rows of the estimation window with R and M present.
4. WLS with weights 1/s (Maynes-Rumsey 1993) via statsmodels WLS: params, scale (= sum of
   e^2/s over n - p) and normalized_cov_params (= (X'WX)^-1); no closed forms.
   * market: y = alpha*s + beta*M + e, Var(e) = sigma2*s, x = [s, M], p = 2;
   * mean:   y = mu*s + e, x = [s], p = 1 (the `alpha` column is mu);
   * market_adjusted: AR = R - M; abar = sum(AR)/sum(s);
     sigma2 = sum((AR - abar*s)^2/s)/(n-1); h = 0; df = n-1 (alpha/beta columns empty).
   Normal return = x'theta; AR = R - normal; Var(AR) = sigma2*(s + x'(X'WX)^-1 x)
   (market_adjusted: sigma2*s); SAR = AR/sqrt(Var(AR)). With all s = 1 these are OLS
   (asserted against core_reference.py on every event without a span > 1).
5. CAR over a window W = sum of the ARs of the rows dated in W (a halted day has no row and
   no AR). A row of W with a missing AR -> CAR missing (`missing_ar`); W without a traded row
   -> CAR missing (`no_trade_in_window`). Var(CAR) = sigma2*(sum_W s + g'(X'WX)^-1 g),
   g = sum_W x (market_adjusted: sigma2*sum_W s). SCAR = CAR/sqrt(Var); p two-sided Student t
   with df = n - p (market_adjusted n - 1). BHAR = prod_W(1+R) - prod_W(1+normal), missing
   with the CAR. n_ar = number of rows of W with a non-missing AR. Windows 0:0, 0:1, -1:1,
   -5:5, -10:10, 0:2.
6. Thin trading (span rows, generalised):
   * dimson (K = 1): WLS of y on [s, M^(-1), M^(0), M^(+1)], weights 1/s, p = 4;
     beta_d = sum of the three slopes; the AR uses the full fitted equation and
     Var(AR) = sigma2*(s + x'(X'WX)^-1 x). Estimation rows without a lead/lag market return
     are dropped.
   * scholes_williams (approximate): truncated sample = estimation rows minus the first and
     the last by date (n' = n - 2). b_j = slope of the WLS regression of y on [s, M^(j)]
     (weights 1/s) on the truncated sample, j = -1, 0, +1 (a truncated row without M^(j) is
     left out of that one regression; none is in this data). rho_m = np.corrcoef of the
     single-day market return pairs (r[t], r[t-1]) with t-1 and t both calendar days of the
     estimation window. beta_SW = (b_-1 + b_0 + b_+1)/(1 + 2 rho_m);
     alpha_SW = (sum y - beta_SW sum M^(0))/sum s over the truncated sample;
     sigma2 = sum((y - alpha_SW s - beta_SW M^(0))^2/s)/(n' - 2), df = n' - 2; the h terms use
     (X'WX)^-1 of the design [s, M^(0)] of the truncated sample. AR = R - alpha_SW s -
     beta_SW M^(0). n_est is n (before truncation).
7. Event files: status `ok` or `skipped` (+ skip_reason); n_est is written for
   short_estimation skips too. Thin events add b_m1, b_0, b_p1, rho_m, beta_d after df
   (empty where not applicable); `beta` is beta_SW or beta_d.

Before writing, the script asserts a hand-computed span-3 example (printed, copied into
tests/reference/README.md) and the halts of Hikvision/Dahua (2019-10-08) and Sugon
(2019-06-24).
"""

import csv
import math
import os
import sys
import time

import numpy as np
import statsmodels.api as sm
from scipy import stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import core_reference as core  # noqa: E402

MAX_SPAN = 20
CAR_WINDOWS = core.CAR_WINDOWS + [(0, 2)]
SPAN_MODELS = ["market", "mean", "market_adjusted"]
THIN_MODELS = ["scholes_williams", "dimson"]
LEADLAG = (-1, 0, 1)
NAN = float("nan")


def isnan(x):
    return x is None or (isinstance(x, float) and math.isnan(x))


# ---------------------------------------------------------------- data


class Market:
    def __init__(self, dates, close):
        self.dates = dates
        self.close = close
        self.n = len(dates)
        self.rm = np.full(self.n, np.nan)
        self.rm[1:] = close[1:] / close[:-1] - 1.0

    def spanned(self, k, s, j=0):
        """M^(j)_k = close[k+j]/close[k-s+j] - 1, NaN if an index leaves the calendar."""
        a, b = k + j, k - s + j
        if b < 0 or a > self.n - 1:
            return NAN
        return float(self.close[a] / self.close[b] - 1.0)


def load_market_close(path):
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows.append((r["date"], float(r["close"])))
    rows.sort()
    m = Market([d for d, _ in rows], np.array([c for _, c in rows]))
    # same calendar and single-day returns as core_reference
    dates, _, rm = core.load_market(path)
    assert dates == m.dates
    assert np.array_equal(np.isnan(rm), np.isnan(m.rm))
    assert np.array_equal(rm[1:], m.rm[1:])
    return m


class Stock:
    """Per-calendar-day arrays of one ticker: has a row, span (0 = none), return, note."""

    def __init__(self, n_cal):
        self.has = np.zeros(n_cal, dtype=bool)
        self.span = np.zeros(n_cal, dtype=int)
        self.ret = np.full(n_cal, np.nan)
        self.note = {}


def span_returns(rows, date_index, n_cal):
    """rows: (date, close, prev_close) of one ticker."""
    st = Stock(n_cal)
    ks = []
    for d, c, pc in rows:
        k = date_index.get(d)
        if k is None:
            continue  # off-calendar row: ignored
        ks.append((k, c, pc))
    ks.sort()
    prev = None
    for k, c, pc in ks:
        assert prev is None or k > prev, "duplicate stock date"
        st.has[k] = True
        if prev is None:
            st.note[k] = "first_row"
        else:
            s = k - prev
            st.span[k] = s
            if s - 1 > MAX_SPAN:
                st.note[k] = "span_too_long"
            else:
                st.ret[k] = c / pc - 1.0
        prev = k
    return st


def load_span_prices(path, date_index, n_cal):
    by_ticker = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            by_ticker.setdefault(r["ticker"], []).append(
                (r["date"], float(r["close"]), float(r["prev_close"])))
    return {t: span_returns(rows, date_index, n_cal) for t, rows in by_ticker.items()}


# ---------------------------------------------------------------- models


def wls(y, X, s):
    res = sm.WLS(y, X, weights=1.0 / s).fit()
    theta = np.asarray(res.params, dtype=float)
    C = np.asarray(res.normalized_cov_params, dtype=float)
    n, p = X.shape
    assert res.df_resid == n - p
    # independent check of the statsmodels algebra: normal equations with W = diag(1/s)
    w = 1.0 / s
    XtWX = X.T @ (X * w[:, None])
    th2 = np.linalg.solve(XtWX, X.T @ (w * y))
    assert np.allclose(theta, th2, rtol=1e-9, atol=1e-13)
    e = y - X @ theta
    assert abs(float(np.sum(e * e * w)) / (n - p) - float(res.scale)) <= 1e-10 * float(res.scale)
    return theta, C, float(res.scale)


def design(model, mkt, k, s):
    """Regressor row of a row (k, s) for a WLS model, None if a market return is missing."""
    if model == "mean":
        return np.array([float(s)])
    if model in ("market", "scholes_williams"):
        m = mkt.spanned(k, s)
        return None if math.isnan(m) else np.array([float(s), m])
    if model == "dimson":
        ms = [mkt.spanned(k, s, j) for j in LEADLAG]
        return None if any(math.isnan(m) for m in ms) else np.array([float(s)] + ms)
    raise ValueError(model)


def fit(model, st, mkt, est_k, e_lo, e_hi):
    """Fit on estimation rows est_k (calendar indices). Returns a dict or a skip reason."""
    s = st.span[est_k].astype(float)
    y = st.ret[est_k]
    out = dict(p=None, extra={})
    if model == "market_adjusted":
        M = np.array([mkt.spanned(k, int(sk)) for k, sk in zip(est_k, st.span[est_k])])
        ar = y - M
        n = len(ar)
        abar = float(np.sum(ar)) / float(np.sum(s))
        sigma2 = float(np.sum((ar - abar * s) ** 2 / s)) / (n - 1)
        out.update(theta=None, C=None, sigma2=sigma2, df=n - 1, alpha=None, beta=None,
                   n_est=n)
        return out
    if model == "scholes_williams":
        n = len(est_k)
        tk = est_k[1:-1]
        ts = st.span[tk]
        ty = st.ret[tk]
        tsf = ts.astype(float)
        b = {}
        C0 = None
        for j in LEADLAG:
            mj = np.array([mkt.spanned(k, int(sk), j) for k, sk in zip(tk, ts)])
            ok = ~np.isnan(mj)
            out["n_leadlag_dropped"] = out.get("n_leadlag_dropped", 0) + int((~ok).sum())
            X = np.column_stack([tsf[ok], mj[ok]])
            theta, C, _ = wls(ty[ok], X, tsf[ok])
            b[j] = float(theta[1])
            if j == 0:
                assert ok.all()
                C0 = C
                m0 = mj
        r = mkt.rm
        t = np.arange(e_lo + 1, e_hi + 1)
        a1, a0 = r[t], r[t - 1]
        ok = ~np.isnan(a1) & ~np.isnan(a0)
        rho = float(np.corrcoef(a1[ok], a0[ok])[0, 1])
        beta = (b[-1] + b[0] + b[1]) / (1.0 + 2.0 * rho)
        alpha = (float(np.sum(ty)) - beta * float(np.sum(m0))) / float(np.sum(tsf))
        nt = len(tk)
        e = ty - alpha * tsf - beta * m0
        sigma2 = float(np.sum(e * e / tsf)) / (nt - 2)
        out.update(theta=np.array([alpha, beta]), C=C0, sigma2=sigma2, df=nt - 2,
                   alpha=alpha, beta=beta, n_est=n, p=2)
        out["extra"] = dict(b_m1=b[-1], b_0=b[0], b_p1=b[1], rho_m=rho)
        return out
    X = np.array([design(model, mkt, k, int(sk)) for k, sk in zip(est_k, st.span[est_k])])
    theta, C, sigma2 = wls(y, X, s)
    p = X.shape[1]
    out.update(theta=theta, C=C, sigma2=sigma2, df=len(y) - p, alpha=float(theta[0]),
               n_est=len(y), p=p)
    out["beta"] = None if model == "mean" else float(theta[1])
    if model == "dimson":
        bs = [float(v) for v in theta[1:]]
        out["beta"] = bs[0] + bs[1] + bs[2]
        out["extra"] = dict(b_m1=bs[0], b_0=bs[1], b_p1=bs[2], beta_d=out["beta"])
    return out


# ---------------------------------------------------------------- per-event study


def run_event(model, ticker, event_date, st, mkt):
    cal = mkt.dates
    n_cal = mkt.n
    out = dict(model=model, event_id=f"{ticker}_{event_date}", ticker=ticker,
               status="skipped", skip_reason="", n_est=None)
    i0 = next((k for k, d in enumerate(cal) if d >= event_date), None)
    if i0 is None or i0 + core.EVENT_WINDOW[0] < 0 or i0 + core.EVENT_WINDOW[1] > n_cal - 1:
        out["skip_reason"] = "window_outside_data"
        return out
    out["i0"] = i0
    e_lo = max(0, i0 + core.EST_WINDOW[0])
    e_hi = i0 + core.EST_WINDOW[1]
    est_k = []
    n_dimson_dropped = 0
    for k in range(e_lo, e_hi + 1):
        if not st.has[k] or math.isnan(st.ret[k]):
            continue
        s = int(st.span[k])
        if math.isnan(mkt.spanned(k, s)):
            continue
        if model == "dimson" and design(model, mkt, k, s) is None:
            n_dimson_dropped += 1
            continue  # lead/lag market return unavailable
        est_k.append(k)
    est_k = np.array(est_k, dtype=int)
    out["n_est"] = len(est_k)
    if len(est_k) < core.MIN_EST_OBS:
        out["skip_reason"] = "short_estimation"
        return out
    f = fit(model, st, mkt, est_k, e_lo, e_hi)
    out.update(status="ok", alpha=f["alpha"], beta=f["beta"], sigma2=f["sigma2"], df=f["df"],
               n_est=f["n_est"], extra=f["extra"], est_k=est_k,
               n_leadlag_dropped=f.get("n_leadlag_dropped", 0) + n_dimson_dropped)
    sigma2 = f["sigma2"]

    rows = []
    for t in range(core.EVENT_WINDOW[0], core.EVENT_WINDOW[1] + 1):
        k = i0 + t
        row = dict(rel_day=t, k=k, date=cal[k], traded=bool(st.has[k]), span=None, ret=NAN,
                   market_ret=NAN, normal_ret=NAN, ar=NAN, sar=NAN, x=None, var=NAN,
                   note=st.note.get(k, ""))
        if row["traded"] and st.span[k] > 0:
            s = int(st.span[k])
            row["span"] = s
            row["ret"] = float(st.ret[k])
            row["market_ret"] = mkt.spanned(k, s)
            if model == "market_adjusted":
                row["normal_ret"] = row["market_ret"]
                row["var"] = sigma2 * s
            else:
                x = design("market" if model == "scholes_williams" else model, mkt, k, s)
                if x is not None:
                    row["x"] = x
                    row["normal_ret"] = float(x @ f["theta"])
                    row["var"] = sigma2 * (s + float(x @ f["C"] @ x))
            if not math.isnan(row["ret"]) and not math.isnan(row["normal_ret"]):
                row["ar"] = row["ret"] - row["normal_ret"]
                row["sar"] = row["ar"] / math.sqrt(row["var"])
        rows.append(row)
    out["rows"] = rows

    byrel = {r["rel_day"]: r for r in rows}
    wins = {}
    for a, b in CAR_WINDOWS:
        wr = [byrel[t] for t in range(a, b + 1) if byrel[t]["traded"]]
        w = dict(car=NAN, bhar=NAN, scar=NAN, p=NAN, var=NAN, reason="",
                 n_ar=sum(1 for r in wr if not math.isnan(r["ar"])))
        if not wr:
            w["reason"] = "no_trade_in_window"
        elif any(math.isnan(r["ar"]) for r in wr):
            w["reason"] = "missing_ar"
        else:
            car = 0.0
            bh_r = 1.0
            bh_n = 1.0
            ssum = 0
            for r in wr:
                car += r["ar"]
                bh_r *= 1.0 + r["ret"]
                bh_n *= 1.0 + r["normal_ret"]
                ssum += r["span"]
            if model == "market_adjusted":
                var = sigma2 * ssum
            else:
                g = np.sum([r["x"] for r in wr], axis=0)
                var = sigma2 * (ssum + float(g @ f["C"] @ g))
            scar = car / math.sqrt(var)
            w.update(car=car, bhar=bh_r - bh_n, var=var, scar=scar,
                     p=float(2.0 * stats.t.sf(abs(scar), f["df"])))
        wins[(a, b)] = w
    out["windows"] = wins
    return out


def run_study(models, events, stocks, mkt):
    empty = Stock(mkt.n)
    res = []
    for model in models:
        for ticker, date in events:
            res.append(run_event(model, ticker, date, stocks.get(ticker, empty), mkt))
    return res


# ---------------------------------------------------------------- writing


AR_COLS = ["model", "event_id", "ticker", "rel_day", "date", "span", "ret", "market_ret",
           "normal_ret", "ar", "sar"]
THIN_EXTRA = ["b_m1", "b_0", "b_p1", "rho_m", "beta_d"]


def event_cols(thin):
    cols = ["model", "event_id", "ticker", "status", "skip_reason", "n_est", "alpha", "beta",
            "sigma2", "df"]
    if thin:
        cols += THIN_EXTRA
    for a, b in CAR_WINDOWS:
        n = core.window_name(a, b)
        cols += [f"car_{n}", f"bhar_{n}", f"scar_{n}", f"p_{n}", f"n_ar_{n}"]
    return cols


def write_fixtures(results, ar_path, ev_path, thin):
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
                            fmt(r["span"]), fmt(r["ret"]), fmt(r["market_ret"]),
                            fmt(r["normal_ret"]), fmt(r["ar"]), fmt(r["sar"])])
                n_ar += 1
    cols = event_cols(thin)
    with open(ev_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for ev in results:
            row = [ev["model"], ev["event_id"], ev["ticker"], ev["status"], ev["skip_reason"],
                   fmt(ev["n_est"])]
            if ev["status"] == "ok":
                row += [fmt(ev["alpha"]), fmt(ev["beta"]), fmt(ev["sigma2"]), fmt(ev["df"])]
                if thin:
                    row += [fmt(ev["extra"].get(c)) for c in THIN_EXTRA]
                for wkey in CAR_WINDOWS:
                    wv = ev["windows"][wkey]
                    row += [fmt(wv["car"]), fmt(wv["bhar"]), fmt(wv["scar"]), fmt(wv["p"]),
                            fmt(wv["n_ar"])]
            row += [""] * (len(cols) - len(row))
            w.writerow(row)
            n_ev += 1
    return n_ar, n_ev


# ---------------------------------------------------------------- checks


def close_enough(a, b, rel=1e-12, floor=1e-15):
    if isnan(a) or isnan(b):
        return isnan(a) and isnan(b)
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), floor)


def check_hand_example():
    """Span-3 numbers for the Rust unit tests (README, section span_reference.py)."""
    print("hand example (span 3):")
    # calendar days 0..5, market closes 99,100,...,104; stock rows on days 1 and 4 only
    cal = [f"d{i}" for i in range(6)]
    mkt = Market(cal, np.array([99.0, 100.0, 101.0, 102.0, 103.0, 104.0]))
    st = span_returns([("d1", 10.0, 9.9), ("d4", 11.5, 10.0)], {d: i for i, d in enumerate(cal)},
                      6)
    assert st.span[4] == 3 and not st.has[2] and not st.has[3] and st.note[1] == "first_row"
    assert math.isnan(st.ret[1]) and st.span[1] == 0
    R = float(st.ret[4])
    M = mkt.spanned(4, 3)
    Mm1 = mkt.spanned(4, 3, -1)
    Mp1 = mkt.spanned(4, 3, 1)
    assert R == 11.5 / 10.0 - 1.0 and abs(R - 0.15) < 1e-15
    assert M == 103.0 / 100.0 - 1.0 and abs(M - 0.03) < 1e-15
    assert Mm1 == 102.0 / 99.0 - 1.0 and Mp1 == 104.0 / 101.0 - 1.0
    assert math.isnan(mkt.spanned(1, 3, -1))  # before the calendar start
    print(f"  R = 11.5/10 - 1 = {R!r}; span 3 (halt 2 days); M = 103/100 - 1 = {M!r}")
    print(f"  M^(-1) = 102/99 - 1 = {Mm1!r}; M^(+1) = 104/101 - 1 = {Mp1!r}")
    alpha, beta = 0.001, 1.2
    normal = alpha * 3 + beta * M
    print(f"  alpha=0.001, beta=1.2: normal = 3*alpha + beta*M = {normal!r}, "
          f"AR = {R - normal!r}")
    # span_too_long boundary: s-1 = 20 kept, s-1 = 21 missing
    cal2 = [f"c{i:02d}" for i in range(30)]
    di2 = {d: i for i, d in enumerate(cal2)}
    st2 = span_returns([("c00", 1.0, 1.0), ("c21", 1.1, 1.0), ("c22", 1.2, 1.1)], di2, 30)
    assert st2.span[21] == 21 and not math.isnan(st2.ret[21])
    st3 = span_returns([("c00", 1.0, 1.0), ("c22", 1.1, 1.0)], di2, 30)
    assert st3.span[22] == 22 and math.isnan(st3.ret[22]) and st3.note[22] == "span_too_long"
    print("  halt 20 days (span 21): return kept; halt 21 days (span 22): span_too_long")

    # a small WLS market-model fit with spans, then the hand row as an event row
    s = np.array([1.0, 1.0, 2.0, 1.0, 3.0, 1.0])
    m = np.array([0.01, -0.02, 0.015, 0.005, 0.03, -0.01])
    y = np.array([0.012, -0.018, 0.02, 0.01, 0.05, -0.004])
    X = np.column_stack([s, m])
    theta, C, sigma2 = wls(y, X, s)
    # closed form: OLS of y/sqrt(s) on X/sqrt(s)
    q = 1.0 / np.sqrt(s)
    th2, *_ = np.linalg.lstsq(X * q[:, None], y * q, rcond=None)
    assert np.allclose(theta, th2, rtol=1e-12, atol=0)
    x = np.array([3.0, M])
    normal = float(x @ theta)
    ar = R - normal
    var = sigma2 * (3.0 + float(x @ C @ x))
    sar = ar / math.sqrt(var)
    print("  WLS estimation sample (s, M, y):")
    for row in zip(s, m, y):
        print("   ", ", ".join(repr(float(v)) for v in row))
    theta = [float(v) for v in theta]
    C = [[float(v) for v in r] for r in C]
    print(f"  market: alpha = {theta[0]!r}, beta = {theta[1]!r}, sigma2 = {sigma2!r} (df 4)")
    print(f"  (X'WX)^-1 = [[{C[0][0]!r}, {C[0][1]!r}], [{C[1][0]!r}, {C[1][1]!r}]]")
    C = np.array(C)
    print(f"  hand row x = [3, 0.03]: normal = {normal!r}, AR = {ar!r}, "
          f"Var(AR) = {var!r}, SAR = {sar!r}")
    # constant mean on the same sample: mu = sum y / sum s, (X'WX)^-1 = 1 / sum s
    mu_t, mu_C, mu_s2 = wls(y, s[:, None], s)
    mu = float(mu_t[0])
    assert close_enough(mu, float(np.sum(y)) / float(np.sum(s)))
    assert close_enough(float(mu_C[0, 0]), 1.0 / float(np.sum(s)))
    mu_var = mu_s2 * (3.0 + 9.0 * float(mu_C[0, 0]))
    print(f"  mean: mu = {mu!r}, sigma2 = {mu_s2!r} (df 5); hand row normal = {3 * mu!r}, "
          f"AR = {R - 3 * mu!r}, Var(AR) = {mu_var!r}, SAR = {(R - 3 * mu) / math.sqrt(mu_var)!r}")
    # market-adjusted on the same sample
    a = y - m
    abar = float(np.sum(a)) / float(np.sum(s))
    s2ma = float(np.sum((a - abar * s) ** 2 / s)) / 5
    print(f"  market_adjusted: abar = {abar!r}, sigma2 = {s2ma!r}, hand AR = {R - M!r}, "
          f"SAR = {(R - M) / math.sqrt(s2ma * 3)!r}")
    # a two-row CAR window: the hand row plus a traded day (s = 1, M = 0.01, R = 0.02)
    x2 = np.array([1.0, 0.01])
    g = x + x2
    car = ar + (0.02 - float(x2 @ theta))
    var_car = sigma2 * (4.0 + float(g @ C @ g))
    print(f"  CAR over that row and a row (s=1, M=0.01, R=0.02): CAR = {car!r}, "
          f"Var(CAR) = {var_car!r}, SCAR = {car / math.sqrt(var_car)!r}")


def check_ols_reduction(span_res, mkt):
    """Events with all s = 1 in both windows equal core_reference's OLS numbers."""
    cal_dates, rm, returns, events = core.load_sanctions()
    n_checked = 0
    for ev in span_res:
        if ev["status"] != "ok":
            continue
        ticker, date = ev["event_id"].rsplit("_", 1)
        cev = core.run_event(ev["model"], ticker, date, returns[ticker], rm, cal_dates)
        if cev["status"] != "ok" or len(cev["est_idx"]) != ev["n_est"]:
            continue
        if not np.array_equal(cev["est_idx"], ev["est_k"]):
            continue
        if any(r["span"] != 1 for r in ev["rows"]):
            continue
        n_checked += 1
        assert close_enough(ev["sigma2"], cev["sigma2"])
        if ev["model"] != "market_adjusted":
            assert close_enough(ev["alpha"], cev["alpha"])
        if ev["model"] == "market":
            assert close_enough(ev["beta"], cev["beta"])
        assert ev["df"] == cev["df"]
        for r, cr in zip(ev["rows"], cev["rows"]):
            for key in ("ret", "market_ret", "normal_ret", "ar", "sar"):
                assert close_enough(r[key], float(cr[key])), (ev["event_id"], key)
        for wkey in core.CAR_WINDOWS:
            for key in ("car", "bhar", "scar", "p"):
                assert close_enough(ev["windows"][wkey][key],
                                    float(cev["windows"][wkey][key]), rel=1e-10), key
    return n_checked


def check_thin_plain(thin_res, stocks, mkt):
    """With all s = 1, Scholes-Williams and Dimson are the textbook OLS versions: check them
    against np.polyfit / np.linalg.lstsq on single-day returns."""
    rm = mkt.rm
    n_checked = 0
    for ev in thin_res:
        if ev["status"] != "ok":
            continue
        st = stocks[ev["ticker"]]
        k = ev["est_k"]
        if (st.span[k] != 1).any():
            continue
        y = st.ret[k]
        if ev["model"] == "dimson":
            X = np.column_stack([np.ones(len(k)), rm[k - 1], rm[k], rm[k + 1]])
            th, *_ = np.linalg.lstsq(X, y, rcond=None)
            e = y - X @ th
            assert close_enough(float(th[0]), ev["alpha"], rel=1e-9)
            assert close_enough(float(th[1:].sum()), ev["beta"], rel=1e-9)
            assert close_enough(float(e @ e) / (len(k) - 4), ev["sigma2"], rel=1e-9)
        else:
            kt = k[1:-1]
            yt = y[1:-1]
            b = [np.polyfit(rm[kt + j], yt, 1)[0] for j in LEADLAG]
            i0 = ev["i0"]
            r = rm[max(0, i0 + core.EST_WINDOW[0]):i0 + core.EST_WINDOW[1] + 1]
            rho = float(np.corrcoef(r[1:], r[:-1])[0, 1])
            beta = sum(b) / (1 + 2 * rho)
            alpha = float(np.mean(yt)) - beta * float(np.mean(rm[kt]))
            e = yt - alpha - beta * rm[kt]
            assert close_enough(rho, ev["extra"]["rho_m"], rel=1e-12)
            assert close_enough(beta, ev["beta"], rel=1e-9)
            assert close_enough(alpha, ev["alpha"], rel=1e-9, floor=1e-14)
            assert close_enough(float(e @ e) / (len(kt) - 2), ev["sigma2"], rel=1e-9)
        n_checked += 1
    return n_checked


def row_at(results, model, event_id, rel):
    ev = next(e for e in results if e["model"] == model and e["event_id"] == event_id)
    return ev, next(r for r in ev["rows"] if r["rel_day"] == rel)


def check_halts(span_res, thin_res):
    hik, r2 = row_at(span_res, "market", "002415.SZ_2019-10-08", 2)
    _, r0 = row_at(span_res, "market", "002415.SZ_2019-10-08", 0)
    _, r1 = row_at(span_res, "market", "002415.SZ_2019-10-08", 1)
    print(f"Hikvision 002415.SZ_2019-10-08 (market, WLS): day0 {r0['date']} traded="
          f"{r0['traded']}, day1 {r1['date']} traded={r1['traded']}; day+2 {r2['date']} "
          f"span {r2['span']} ret {r2['ret']!r} M {r2['market_ret']!r} normal "
          f"{r2['normal_ret']!r} AR {r2['ar']!r} SAR {r2['sar']!r}")
    print(f"  alpha {hik['alpha']!r} beta {hik['beta']!r} sigma2 {hik['sigma2']!r} "
          f"n_est {hik['n_est']}; CAR(0,2) {hik['windows'][(0, 2)]['car']!r} "
          f"CAR(-1,1) {hik['windows'][(-1, 1)]['car']!r}")
    assert r0["date"] == "2019-10-08" and not r0["traded"] and not r1["traded"]
    assert r2["date"] == "2019-10-10" and r2["span"] == 3
    assert round(r2["ar"] * 100, 2) == -6.61, r2["ar"]
    for m in ("mean", "market_adjusted"):
        _, r = row_at(span_res, m, "002415.SZ_2019-10-08", 2)
        print(f"  {m}: AR {r['ar']!r}")
    for m in THIN_MODELS:
        _, r = row_at(thin_res, m, "002415.SZ_2019-10-08", 2)
        print(f"  {m}: AR {r['ar']!r}")
    dah, d2 = row_at(span_res, "market", "002236.SZ_2019-10-08", 2)
    _, d0 = row_at(span_res, "market", "002236.SZ_2019-10-08", 0)
    _, d1 = row_at(span_res, "market", "002236.SZ_2019-10-08", 1)
    print(f"Dahua 002236.SZ_2019-10-08 (market): day+2 {d2['date']} span {d2['span']} "
          f"ret {d2['ret']!r} AR {d2['ar']!r} SAR {d2['sar']!r}")
    assert not d0["traded"] and not d1["traded"] and d2["span"] == 3
    sug = next(e for e in span_res
               if e["model"] == "market" and e["event_id"] == "603019.SH_2019-06-24")
    by = {r["rel_day"]: r for r in sug["rows"]}
    s3 = by[3]
    print(f"Sugon 603019.SH_2019-06-24 (market): days 0..2 traded="
          f"{[by[t]['traded'] for t in (0, 1, 2)]}; day+3 {s3['date']} span {s3['span']} "
          f"ret {s3['ret']!r} AR {s3['ar']!r} SAR {s3['sar']!r}")
    print("  windows: " + "; ".join(
        f"{core.window_label(*w)} car={sug['windows'][w]['car']!r} "
        f"n_ar={sug['windows'][w]['n_ar']} {sug['windows'][w]['reason']}"
        for w in CAR_WINDOWS))
    assert by[-1]["traded"] and by[-1]["span"] == 1
    assert not any(by[t]["traded"] for t in (0, 1, 2))
    assert s3["traded"] and s3["span"] == 4 and s3["date"] == "2019-06-27"
    assert sug["windows"][(0, 0)]["reason"] == "no_trade_in_window"


def summarize(span_res, thin_res, stocks):
    print("events (market model): n_est, estimation rows with span > 1, their max span, "
          "event-window days without a row, event-window rows with span > 1")
    for ev in span_res:
        if ev["model"] != "market":
            continue
        if ev["status"] != "ok":
            print(f"  {ev['event_id']}: skipped {ev['skip_reason']} n_est={ev['n_est']}")
            continue
        sp = stocks[ev["ticker"]].span[ev["est_k"]]
        print(f"  {ev['event_id']}: ok n_est={ev['n_est']} est_span>1={int((sp > 1).sum())} "
              f"max_est_span={int(sp.max())} "
              f"halted_days={[r['rel_day'] for r in ev['rows'] if not r['traded']]} "
              f"event_span>1={[r['rel_day'] for r in ev['rows'] if (r['span'] or 1) > 1]}")
    reasons = {}
    for ev in span_res + thin_res:
        if ev["status"] != "ok":
            continue
        for wkey, w in ev["windows"].items():
            if w["reason"]:
                reasons.setdefault((w["reason"], ev["event_id"], core.window_label(*wkey)),
                                   []).append(ev["model"])
    print("missing CARs:")
    for (reason, eid, wl), models in sorted(reasons.items()):
        print(f"  {eid} {wl}: {reason} ({', '.join(models)})")


# ---------------------------------------------------------------- main


def main():
    t_start = time.perf_counter()
    for p in (core.PRICES, core.MARKET, core.EVENTS):
        if not os.path.exists(p):
            sys.exit(f"{p} not found: run from the project root")
    check_hand_example()
    os.makedirs(core.FIXTURES, exist_ok=True)
    mkt = load_market_close(core.MARKET)
    date_index = {d: i for i, d in enumerate(mkt.dates)}
    stocks = load_span_prices(core.PRICES, date_index, mkt.n)
    n_long = sum(1 for st in stocks.values() for v in st.note.values() if v == "span_too_long")
    print(f"span_too_long rows in the price file: {n_long}")
    events = core.load_events(core.EVENTS)

    span_res = run_study(SPAN_MODELS, events, stocks, mkt)
    thin_res = run_study(THIN_MODELS, events, stocks, mkt)

    n = check_ols_reduction(span_res, mkt)
    print(f"OLS reduction: {n} (event, model) pairs with all s = 1 match core_reference")
    assert n > 0
    n = check_thin_plain(thin_res, stocks, mkt)
    print(f"thin models: {n} (event, model) pairs with all s = 1 match plain OLS SW/Dimson")
    assert n > 0
    summarize(span_res, thin_res, stocks)
    n_drop = sum(e.get("n_leadlag_dropped", 0) for e in thin_res)
    print(f"thin models: estimation rows dropped for a missing lead/lag market return: {n_drop}")
    check_halts(span_res, thin_res)

    fx = core.FIXTURES
    a1, e1 = write_fixtures(span_res, os.path.join(fx, "span_sanctions_ar.csv"),
                            os.path.join(fx, "span_sanctions_events.csv"), thin=False)
    a2, e2 = write_fixtures(thin_res, os.path.join(fx, "thin_sanctions_ar.csv"),
                            os.path.join(fx, "thin_sanctions_events.csv"), thin=True)
    print(f"span_sanctions_ar.csv: {a1} rows; span_sanctions_events.csv: {e1} rows")
    print(f"thin_sanctions_ar.csv: {a2} rows; thin_sanctions_events.csv: {e2} rows")
    print(f"runtime {time.perf_counter() - t_start:.2f} s")


if __name__ == "__main__":
    main()

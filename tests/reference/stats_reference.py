#!/usr/bin/env python3
"""Independent reference implementation of evstudy's cross-sectional test statistics
(METHODS-SPEC.md section 5), market model only.

Run from the project root:

    python3 tests/reference/stats_reference.py

Samples:
* sanctions: the core study of core_reference.py (all computed events);
* hs300: every ticker of ../shared/data/panel_hs300_baostock.csv with event date 2022-05-05
  (event_id = ticker_2022-05-05), market = CSI 300, same windows and conventions.

Conventions of issue #10 (METHODS.md section 4.0 and 4.9):
* every test of a CAR window runs on the same events, those with a CAR (complete window);
  the sample-wide quantities of the window's tests (Brown-Warner estimation AARs, Corrado
  ranks and S_K, generalized-sign phat, GRANK estimation ranks) are those of these events;
* the Kolari-Pynnonen tests use the rbar of the test's own events (a day: the events with a
  SAR that day; a window: the window's events), by default the overlap-weighted rbar of
  Kolari, Pape & Pynnonen (2018): rbar = sum_{i<j} r_ij o_ij / P, o_ij = common trading days
  of the two windows / window length, P = pairs whose windows never meet (zero terms) plus
  the pairs whose windows meet and that have a correlation (>= 30 common dates); the
  calendar rbar (mean of the pairs' correlations) is the other option.

The CAAR path (#14): on each day t, the events with a running CAR from day -10 through t
(complete, no missing AR) enter the cross-sectional t of CAR_i(-10, t) and the BMP t of
SCAR_i(-10, t) = CAR_i / sqrt(sigma2 (L + g'(X'X)^-1 g)), L = t + 11, g the sum of the window
days' [1, R_m]; the 95% half-width is t_{0.975, n-1} |CAAR / t_csect|. Written to
stats_<sample>_caar_path.csv.

Writes tests/fixtures/stats_<sample>_days.csv, stats_<sample>_windows.csv (overlap rbar),
stats_<sample>_kp_calendar.csv (the Kolari-Pynnonen rows with the calendar rbar) and
stats_<sample>_rbar.csv (calendar rbar of all events). Before that it checks the test
functions against the worked examples C, G, H and I of METHODS-SPEC.md section 8 and the
overlap weighting against a hand-made example (assertions).
"""

import math
import os
import sys

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import core_reference as core  # noqa: E402

HS300 = "../shared/data/panel_hs300_baostock.csv"
HS300_EVENT_DATE = "2022-05-05"
RBAR_MIN_COMMON = 30
DAY_TESTS = ["csect_t", "bw_t", "j1", "patell_z", "patell_z_kp", "bmp_t", "kp_bmp_t",
             "corrado", "corrado_zivney", "sign", "gen_sign", "grank_t", "grank_z",
             "wilcoxon", "skew_t", "skew_t_unbiased"]
WINDOW_TESTS = [t for t in DAY_TESTS if t != "corrado_zivney"]
NAN = float("nan")


# ---------------------------------------------------------------- helpers


def res(stat=NAN, p=NAN, df=None, n=0):
    stat = float(stat)
    p = float(p)
    if not math.isfinite(stat):
        stat, p = NAN, NAN
    return dict(statistic=stat, p_value=p, df=df, n=int(n))


def p_t(stat, df):
    return float(2.0 * stats.t.sf(abs(stat), df))


def p_norm(stat):
    return float(2.0 * stats.norm.sf(abs(stat)))


def clean(x):
    x = np.asarray(x, dtype=float)
    return x[~np.isnan(x)]


# ---------------------------------------------------------------- the tests (pure functions)


def csect_t(x):
    """Section 5.1 (also 5.4 BMP when x are SARs/SCARs): sqrt(n) mean / sd, t(n-1)."""
    x = clean(x)
    n = len(x)
    if n < 2:
        return res(n=n)
    sd = np.std(x, ddof=1)
    if not sd > 0:
        return res(n=n)
    t = math.sqrt(n) * np.mean(x) / sd
    return res(t, p_t(t, n - 1), n - 1, n)


def bw_t(numerator, est_aar, L2, n):
    """Section 5.2: numerator (AAR_t or CAAR) / (sqrt(L2) S_AAR), t(L1-1)."""
    est_aar = clean(est_aar)
    L1 = len(est_aar)
    if L1 < 2 or n == 0 or math.isnan(numerator):
        return res(n=n)
    s = math.sqrt(np.sum((est_aar - est_aar.mean()) ** 2) / (L1 - 1))
    if not s > 0:
        return res(n=n)
    t = numerator / (math.sqrt(L2) * s)
    return res(t, p_t(t, L1 - 1), L1 - 1, n)


def j1(x, var):
    """CLM J1: mean(x) / sqrt(sum var / N^2), N(0,1)."""
    x = np.asarray(x, float)
    var = np.asarray(var, float)
    n = len(x)
    if n == 0:
        return res(n=0)
    z = np.mean(x) / math.sqrt(np.sum(var) / n**2)
    return res(z, p_norm(z), None, n)


def patell_day(sar, q):
    n = len(sar)
    if n == 0:
        return res(n=0)
    z = np.sum(sar) / math.sqrt(np.sum(q))
    return res(z, p_norm(z), None, n)


def patell_window(csar, l2, q):
    csar, l2, q = (np.asarray(v, float) for v in (csar, l2, q))
    n = len(csar)
    if n == 0:
        return res(n=0)
    z = np.sum(csar / np.sqrt(l2 * q)) / math.sqrt(n)
    return res(z, p_norm(z), None, n)


def kp_patell(r, rbar):
    n = r["n"]
    d = 1.0 + (n - 1) * rbar
    if math.isnan(r["statistic"]) or not d > 0:
        return res(n=n)
    z = r["statistic"] * math.sqrt(1.0 / d)
    return res(z, p_norm(z), None, n)


def kp_bmp(r, rbar):
    n = r["n"]
    d = 1.0 + (n - 1) * rbar
    if math.isnan(r["statistic"]) or not d > 0:
        return res(n=n)
    t = r["statistic"] * math.sqrt((1.0 - rbar) / d)
    return res(t, p_t(t, n - 1), n - 1, n)


def sign_test(x):
    x = clean(x)
    n = len(x)
    if n == 0:
        return res(n=0)
    w = np.sum(x > 0)
    z = (w - 0.5 * n) / math.sqrt(0.25 * n)
    return res(z, p_norm(z), None, n)


def gen_sign_test(x, phat):
    x = clean(x)
    n = len(x)
    if n == 0 or not 0 < phat < 1:
        return res(n=n)
    w = np.sum(x > 0)
    z = (w - n * phat) / math.sqrt(n * phat * (1 - phat))
    return res(z, p_norm(z), None, n)


def signrank_exact_p(w_plus, n):
    """Exact two-sided p of the signed-rank statistic W+ (no ties): counts subsets of
    {1..n} by rank sum; p = min(1, 2 min(P(W+ <= w), P(W+ >= w)))."""
    maxs = n * (n + 1) // 2
    counts = np.zeros(maxs + 1, dtype=object)  # exact integers
    counts[0] = 1
    for k in range(1, n + 1):
        counts[k:] = counts[k:] + counts[:-k].copy()
    total = 2**n
    w = int(round(w_plus))
    lo = sum(counts[: w + 1])
    hi = sum(counts[w:])
    return min(1.0, 2.0 * min(lo, hi) / total)


def wilcoxon_test(x, check_scipy=True):
    """Section 5.9. Statistic = W+ when the exact p is used (no ties, n <= 50),
    otherwise the normal Z with tie correction and no continuity correction."""
    x = clean(x)
    x = x[x != 0]
    n = len(x)
    if n == 0:
        return res(n=0)
    a = np.abs(x)
    ranks = stats.rankdata(a, method="average")
    w_plus = float(np.sum(ranks[x > 0]))
    _, tie_counts = np.unique(a, return_counts=True)
    ties = np.any(tie_counts > 1)
    if not ties and n <= 50:
        p = signrank_exact_p(w_plus, n)
        if check_scipy:
            sp = stats.wilcoxon(x, method="exact")
            assert abs(sp.pvalue - p) <= 1e-12, (sp.pvalue, p)
            assert abs(sp.statistic - min(w_plus, n * (n + 1) / 2 - w_plus)) < 1e-9
        return res(w_plus, p, None, n)
    var = n * (n + 1) * (2 * n + 1) / 24.0 - np.sum(tie_counts**3 - tie_counts) / 48.0
    if not var > 0:
        return res(n=n)
    z = (w_plus - n * (n + 1) / 4.0) / math.sqrt(var)
    if check_scipy:
        sp = stats.wilcoxon(x, method="approx", correction=False)
        assert abs(sp.pvalue - p_norm(z)) <= 1e-12 * max(1.0, sp.pvalue), (sp.pvalue, z)
    return res(z, p_norm(z), None, n)


def skew_t(x, unbiased=False):
    """Section 5.10, Hall (1992) t_H; p from t(n-1)."""
    x = clean(x)
    n = len(x)
    if n < (3 if unbiased else 2):
        return res(n=n)
    sd = np.std(x, ddof=1)
    if not sd > 0:
        return res(n=n)
    S = np.mean(x) / sd
    m3 = np.sum((x - x.mean()) ** 3) / sd**3
    gamma = m3 * n / ((n - 1) * (n - 2)) if unbiased else m3 / n
    t = math.sqrt(n) * (S + gamma * S**2 / 3 + gamma**2 * S**3 / 27 + gamma / (6 * n))
    return res(t, p_t(t, n - 1), n - 1, n)


def skew_parts(x):
    x = clean(x)
    n = len(x)
    sd = np.std(x, ddof=1)
    m3 = np.sum((x - x.mean()) ** 3) / sd**3
    return np.mean(x) / sd, m3 / n, m3 * n / ((n - 1) * (n - 2))


def grank(est, scar):
    """Section 5.8, paper variant.

    est: list over events of (keys, SARs) on estimation days (keys = relative days);
    scar: list over events of the window SCAR (NaN -> event not in the test).
    Returns (grank_t, grank_z)."""
    scar = np.asarray(scar, float)
    keep = ~np.isnan(scar)
    n = int(keep.sum())
    if n < 2:
        return res(n=n), res(n=n)
    sd = np.std(scar[keep], ddof=1)
    if not sd > 0:
        return res(n=n), res(n=n)
    sums, counts = {}, {}
    u0 = []
    var_terms = []
    for (keys, sars), s, k in zip(est, scar, keep):
        if not k:
            continue
        g = np.concatenate([np.asarray(sars, float), [s / sd]])
        T_i = len(g)
        u = stats.rankdata(g, method="average") / (T_i + 1) - 0.5
        for key, v in zip(list(keys) + ["day0"], u):
            sums[key] = sums.get(key, 0.0) + v
            counts[key] = counts.get(key, 0) + 1
        u0.append(u[-1])
        var_terms.append((T_i - 1) / (12.0 * (T_i + 1)))
    L1 = sum(1 for key in counts if key != "day0")
    T = L1 + 1
    acc = 0.0
    for key in counts:
        ub = sums[key] / counts[key]
        acc += counts[key] / n * ub**2
    s_u = math.sqrt(acc / T)
    ubar0 = sums["day0"] / counts["day0"]
    z = ubar0 / s_u
    if z * z >= T - 1:
        gt = res(n=n)
    else:
        t = z * math.sqrt((T - 2) / (T - 1 - z * z))
        gt = res(t, p_t(t, T - 2), T - 2, n)
    zz = ubar0 / math.sqrt(np.sum(var_terms) / n**2)
    return gt, res(zz, p_norm(zz), None, n)


# ---------------------------------------------------------------- section 8 checks


def close(a, b, rel=1e-6):
    return abs(a - b) <= rel * max(abs(b), 1e-300)


def check_spec_examples():
    # Example C
    M = np.array([100, 60, 250])
    q = (M - 2) / (M - 4)
    sar = np.array([-2.0, -1.5, 0.5])
    z = patell_day(sar, q)
    assert close(np.sum(q), 3.0646777) and close(z["statistic"], -1.7136765)
    assert close(z["p_value"], 0.0865881)
    b = csect_t(sar)
    assert close(b["statistic"], -1.3093073) and close(b["p_value"], 0.3206338)
    k = kp_bmp(b, 0.2)
    assert close(k["statistic"], -0.9897433) and close(k["p_value"], 0.4266178)
    kz = kp_patell(z, 0.2)
    assert close(kz["statistic"], -1.4483210) and close(kz["p_value"], 0.1475273)
    print("example C ok: Patell", z["statistic"], "BMP", b["statistic"], "KP", k["statistic"])
    # Example G (sign worked number of 5.7, then GRANK)
    gs = gen_sign_test(np.array([1.0] * 3 + [-1.0] * 7), 0.52)
    assert close(gs["statistic"], -1.392517)
    est = [(range(4), [0.5, -1.2, 0.8, -0.3]), (range(4), [-0.7, 0.4, 1.1, -1.5]),
           (range(4), [1.3, -0.2, -0.9, 0.6])]
    gt, gz = grank(est, [-2.4, -1.1, -3.0])
    assert close(gt["statistic"], -2.7116307) and close(gt["p_value"], 0.0730637)
    assert gt["df"] == 3
    assert close(gz["statistic"], -2.0412415)
    print("example G ok: gen sign", gs["statistic"], "grank_t", gt["statistic"],
          "grank_z", gz["statistic"])
    # Example H
    x = np.array([-0.12, -0.03, -0.05, 0.01, -0.08])
    t = csect_t(x)
    assert close(t["statistic"], -2.4494897) and close(t["p_value"], 0.0704840)
    w = wilcoxon_test(x)
    assert w["statistic"] == 1.0 and close(w["p_value"], 0.125)
    S, gn, gu = skew_parts(x)
    assert close(S, -1.0954451) and close(gn, -0.0484861) and close(gu, -0.1010127)
    assert close(skew_t(x)["statistic"], -2.4967269)
    assert close(skew_t(x, unbiased=True)["statistic"], -2.5484781)
    print("example H ok: t", t["statistic"], "W+", w["statistic"], "p", w["p_value"],
          "t_H", skew_t(x)["statistic"], skew_t(x, True)["statistic"])
    # Example I
    aar = [0.002, -0.004, 0.001, 0.003, -0.002, 0.000]
    a = np.array(aar)
    assert close(math.sqrt(np.sum((a - a.mean()) ** 2) / 5), 0.0026076810)
    d = bw_t(-0.031, aar, 1, 1)
    wv = bw_t(-0.045, aar, 2, 1)
    assert close(d["statistic"], -11.887957) and d["df"] == 5
    assert close(wv["statistic"], -12.202338)
    print("example I ok: day", d["statistic"], "window", wv["statistic"])


# ---------------------------------------------------------------- sample-level computation


def corr_matrix(events):
    """Pairwise Pearson correlations of estimation residuals aligned on calendar dates
    (pairwise complete, NaN for pairs with < 30 common dates), as a numpy matrix."""
    frame = pd.DataFrame({
        ev["event_id"]: pd.Series(ev["est_resid"], index=ev["est_idx"]) for ev in events
    })
    return frame.corr(method="pearson", min_periods=RBAR_MIN_COMMON).to_numpy()


def rbar_of(events):
    """Calendar rbar: mean of the pairs' correlations (pairs with < 30 common dates dropped)."""
    c = corr_matrix(events)
    iu = np.triu_indices(len(events), k=1)
    vals = c[iu]
    vals = vals[~np.isnan(vals)]
    if len(vals) == 0:
        return 0.0, 0
    return float(np.mean(vals)), int(len(vals))


def rbar_check_loop(events):
    """Slow independent check of rbar_of with numpy (used on the small sample)."""
    vals = []
    for i in range(len(events)):
        for j in range(i + 1, len(events)):
            a = dict(zip(events[i]["est_idx"].tolist(), events[i]["est_resid"]))
            b = dict(zip(events[j]["est_idx"].tolist(), events[j]["est_resid"]))
            common = sorted(set(a) & set(b))
            if len(common) < RBAR_MIN_COMMON:
                continue
            vals.append(np.corrcoef([a[k] for k in common], [b[k] for k in common])[0, 1])
    return (float(np.mean(vals)), len(vals)) if vals else (0.0, 0)


def test_rbar(corr, pos, i0, L, method):
    """rbar of one test: corr = correlation matrix of the whole sample, pos = the test's
    events (rows of corr), i0 = their day-0 calendar indices, L = window length.
    Returns (rbar, n_pairs, mean_overlap)."""
    terms, overlaps = [], []
    for a in range(len(pos)):
        for b in range(a + 1, len(pos)):
            r = corr[pos[a], pos[b]]
            o = max(0, L - abs(i0[a] - i0[b])) / L
            overlaps.append(o)
            if method == "calendar":
                if not np.isnan(r):
                    terms.append(r)
            elif o == 0:
                terms.append(0.0)
            elif not np.isnan(r):
                terms.append(r * o)
    mean_o = float(np.mean(overlaps)) if overlaps else NAN
    if not terms:
        return 0.0, 0, mean_o
    return float(np.sum(terms) / len(terms)), len(terms), mean_o


def check_overlap_example():
    """Three events, r = 0.5 for (a, b), 0.8 for (a, c), NaN for (b, c); day 0 at 10, 12, 40;
    window length 5: o_ab = 3/5, o_ac = o_bc = 0 -> rbar = (0.5 * 0.6 + 0 + 0) / 3."""
    corr = np.array([[1, 0.5, 0.8], [0.5, 1, np.nan], [0.8, np.nan, 1]])
    rb, n, mo = test_rbar(corr, [0, 1, 2], [10, 12, 40], 5, "overlap")
    assert close(rb, 0.1) and n == 3 and close(mo, 0.2)
    rb, n, _ = test_rbar(corr, [0, 1, 2], [10, 12, 40], 5, "calendar")
    assert close(rb, 0.65) and n == 2
    # one event date: overlap and calendar coincide
    rb_o, n_o, mo = test_rbar(corr, [0, 1, 2], [7, 7, 7], 5, "overlap")
    rb_c, n_c, _ = test_rbar(corr, [0, 1, 2], [7, 7, 7], 5, "calendar")
    assert rb_o == rb_c and n_o == n_c == 2 and mo == 1.0
    print("overlap example ok:", rb, rb_o)


class Sample:
    def __init__(self, name, events, corr=None, pos=None):
        """events: the sample's computed events; corr/pos: the correlation matrix of a
        larger sample and these events' rows in it (a window's subsample)."""
        self.name = name
        self.ev = [e for e in events if e["status"] == "ok"]
        assert all(e["model"] == "market" for e in self.ev)
        if corr is None:
            self.corr = corr_matrix(self.ev)
            self.pos = list(range(len(self.ev)))
            self.rbar, self.n_pairs = rbar_of(self.ev)
        else:
            self.corr, self.pos = corr, pos
        # estimation-window AAR series (event time)
        acc = {}
        for e in self.ev:
            for t, r in zip(e["est_rel"], e["est_resid"]):
                acc.setdefault(int(t), []).append(r)
        self.est_aar = [np.mean(acc[t]) for t in sorted(acc)]
        # generalized sign phat: mean over events of the fraction of positive est. ARs
        self.phat = float(np.mean([np.mean(e["est_resid"] > 0) for e in self.ev]))
        self.q = {e["event_id"]: (e["n_est"] - 2) / (e["n_est"] - 4) for e in self.ev}
        self._ranks()

    def subsample(self, keep):
        """The sample of the events with keep[k] true (self when all are kept)."""
        if all(keep):
            return self
        ev = [e for e, k in zip(self.ev, keep) if k]
        pos = [p for p, k in zip(self.pos, keep) if k]
        return Sample(self.name, ev, self.corr, pos)

    def kp_rbar(self, present, L, method):
        """rbar of the test on the events with present[k] true over a window of length L."""
        pos = [p for p, k in zip(self.pos, present) if k]
        i0 = [e["i0"] for e, k in zip(self.ev, present) if k]
        return test_rbar(self.corr, pos, i0, L, method)

    def _ranks(self):
        """Corrado ranks over estimation + event window rows, per event."""
        k_dev, u_dev = {}, {}  # rel day -> list over events present
        for e in self.ev:
            keys = list(e["est_rel"].astype(int)) + [r["rel_day"] for r in e["rows"]
                                                      if not np.isnan(r["ar"])]
            vals = np.concatenate([e["est_resid"],
                                   [r["ar"] for r in e["rows"] if not np.isnan(r["ar"])]])
            T_i = len(vals)
            K = stats.rankdata(vals, method="average")
            e["corrado_k"] = dict(zip(keys, K - (T_i + 1) / 2.0))
            e["corrado_u"] = dict(zip(keys, K / (T_i + 1) - 0.5))
            for key in keys:
                k_dev.setdefault(key, []).append(e["corrado_k"][key])
                u_dev.setdefault(key, []).append(e["corrado_u"][key])
        self.D = {t: float(np.mean(v)) for t, v in k_dev.items()}
        self.D_n = {t: len(v) for t, v in k_dev.items()}
        self.S_K = math.sqrt(np.mean([d**2 for d in self.D.values()]))
        self.CZ = {t: float(np.sum(v) / math.sqrt(len(v))) for t, v in u_dev.items()}
        self.S_U = math.sqrt(np.mean([c**2 for c in self.CZ.values()]))

    def est_sar_lists(self, events):
        return [(e["est_rel"].astype(int).tolist(), e["est_sar"]) for e in events]

    # ---- one relative day
    def day_tests(self, t, method="overlap"):
        mask = [not np.isnan(e["rows"][t + 10]["ar"]) for e in self.ev]
        present = [e for e, k in zip(self.ev, mask) if k]
        rows = [e["rows"][t + 10] for e in present]
        ar = np.array([r["ar"] for r in rows])
        sar = np.array([r["sar"] for r in rows])
        var = np.array([e["sigma2"] * (1 + r["h"]) for e, r in zip(present, rows)])
        q = np.array([self.q[e["event_id"]] for e in present])
        n = len(present)
        rbar, n_pairs, mean_o = self.kp_rbar(mask, 1, method)
        out = {}
        out["csect_t"] = csect_t(ar)
        out["bw_t"] = bw_t(float(np.mean(ar)) if n else NAN, self.est_aar, 1, n)
        out["j1"] = j1(ar, var)
        out["patell_z"] = patell_day(sar, q)
        out["patell_z_kp"] = kp_patell(out["patell_z"], rbar)
        out["bmp_t"] = csect_t(sar)
        out["kp_bmp_t"] = kp_bmp(out["bmp_t"], rbar)
        for k in ("patell_z_kp", "kp_bmp_t"):
            out[k].update(rbar=rbar, rbar_pairs=n_pairs, mean_overlap=mean_o)
        if t in self.D:
            c = self.D[t] / self.S_K
            out["corrado"] = res(c, p_norm(c), None, self.D_n[t])
            cz = self.CZ[t] / self.S_U
            out["corrado_zivney"] = res(cz, p_norm(cz), None, self.D_n[t])
        else:
            out["corrado"] = out["corrado_zivney"] = res(n=0)
        out["sign"] = sign_test(ar)
        out["gen_sign"] = gen_sign_test(ar, self.phat)
        scar = [e["rows"][t + 10]["sar"] for e in self.ev]  # one-day window: SCAR = SAR
        out["grank_t"], out["grank_z"] = grank(self.est_sar_lists(self.ev), scar)
        out["wilcoxon"] = wilcoxon_test(ar)
        out["skew_t"] = skew_t(ar)
        out["skew_t_unbiased"] = skew_t(ar, unbiased=True)
        return out

    # ---- one CAR window: every test on the events with a CAR, as a sample of their own
    def window_tests(self, w, method="overlap"):
        keep = [not np.isnan(e["windows"][w]["car"]) for e in self.ev]
        s = self.subsample(keep)
        out = s.window_tests_all(w, method)
        for r in out.values():
            r["n_excluded"] = len(self.ev) - len(s.ev)
        return out

    def window_tests_all(self, w, method):
        a, b = w
        L2 = b - a + 1
        full = self.ev
        assert all(not np.isnan(e["windows"][w]["car"]) for e in full)
        car = np.array([e["windows"][w]["car"] for e in full])
        scar = np.array([e["windows"][w]["scar"] for e in full])
        var = np.array([e["windows"][w]["var_car"] for e in full])
        n = len(full)
        rbar, n_pairs, mean_o = self.kp_rbar([True] * n, L2, method)
        out = {}
        out["csect_t"] = csect_t(car)
        out["bw_t"] = bw_t(float(np.mean(car)) if n else NAN, self.est_aar, L2, n)
        out["j1"] = j1(car, var)
        out["patell_z"] = patell_window([e["windows"][w]["csar"] for e in full],
                                        [e["windows"][w]["n_nonmissing"] for e in full],
                                        [self.q[e["event_id"]] for e in full])
        out["patell_z_kp"] = kp_patell(out["patell_z"], rbar)
        out["bmp_t"] = csect_t(scar)
        out["kp_bmp_t"] = kp_bmp(out["bmp_t"], rbar)
        for k in ("patell_z_kp", "kp_bmp_t"):
            out[k].update(rbar=rbar, rbar_pairs=n_pairs, mean_overlap=mean_o)
        days = [t for t in range(a, b + 1) if t in self.D]
        if days:
            c = math.sqrt(L2) * np.mean([self.D[t] for t in days]) / self.S_K
            out["corrado"] = res(c, p_norm(c), None, n)
        else:
            out["corrado"] = res(n=0)
        out["sign"] = sign_test(car)
        out["gen_sign"] = gen_sign_test(car, self.phat)
        out["grank_t"], out["grank_z"] = grank(self.est_sar_lists(self.ev), scar)
        out["wilcoxon"] = wilcoxon_test(car)
        out["skew_t"] = skew_t(car)
        out["skew_t_unbiased"] = skew_t(car, unbiased=True)
        return out


def caar_path_rows(s):
    """Per day t: n, CAAR, csect_t and bmp_t of the running CARs from day -10, half-width."""
    a = core.EVENT_WINDOW[0]
    rows = []
    for t in range(a, core.EVENT_WINDOW[1] + 1):
        cars, scars = [], []
        for e in s.ev:
            r = e["rows"][t - a]
            if np.isnan(r["car"]):
                continue
            wr = e["rows"][: t - a + 1]
            g = np.sum([v["x"] for v in wr], axis=0)
            var = e["sigma2"] * (len(wr) + float(g @ e["xtx_inv"] @ g))
            cars.append(r["car"])
            scars.append(r["car"] / math.sqrt(var))
        cs = csect_t(np.array(cars))
        bmp = csect_t(np.array(scars))
        n = len(cars)
        caar = float(np.mean(cars)) if n else NAN
        half = NAN
        if n > 1 and math.isfinite(cs["statistic"]) and cs["statistic"] != 0:
            half = float(stats.t.ppf(0.975, n - 1)) * abs(caar / cs["statistic"])
        rows.append([s.name, str(t), str(n), core.fmt(caar), core.fmt(cs["statistic"]),
                     core.fmt(cs["p_value"]), core.fmt(bmp["statistic"]),
                     core.fmt(bmp["p_value"]), core.fmt(half)])
    return rows


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")
    return len(rows)


def fmt_df(df):
    return "" if df is None else str(int(df))


KP_TESTS = ["patell_z_kp", "kp_bmp_t"]


def rho_cells(r):
    if "rbar" not in r:
        return ["", "", ""]
    return [core.fmt(r["rbar"]), str(r["rbar_pairs"]), core.fmt(r["mean_overlap"])]


def write_sample(s):
    d_rows, cal_rows = [], []
    for t in range(core.EVENT_WINDOW[0], core.EVENT_WINDOW[1] + 1):
        out = s.day_tests(t)
        for name in DAY_TESTS:
            r = out[name]
            d_rows.append([s.name, str(t), name, core.fmt(r["statistic"]),
                           core.fmt(r["p_value"]), fmt_df(r["df"]), str(r["n"])] + rho_cells(r))
        cal = s.day_tests(t, "calendar")
        for name in KP_TESTS:
            r = cal[name]
            cal_rows.append([s.name, f"day {t}", name, core.fmt(r["statistic"]),
                             core.fmt(r["p_value"]), fmt_df(r["df"]), str(r["n"])] + rho_cells(r))
    w_rows = []
    for w in core.CAR_WINDOWS:
        out = s.window_tests(w)
        for name in WINDOW_TESTS:
            r = out[name]
            w_rows.append([s.name, core.window_label(*w), name, core.fmt(r["statistic"]),
                           core.fmt(r["p_value"]), fmt_df(r["df"]), str(r["n"]),
                           str(r["n_excluded"])] + rho_cells(r))
        cal = s.window_tests(w, "calendar")
        for name in KP_TESTS:
            r = cal[name]
            cal_rows.append([s.name, f"window {core.window_label(*w)}", name,
                             core.fmt(r["statistic"]), core.fmt(r["p_value"]), fmt_df(r["df"]),
                             str(r["n"])] + rho_cells(r))
    base = core.FIXTURES
    rho_cols = ["rbar", "rbar_pairs", "mean_overlap"]
    nd = write_csv(os.path.join(base, f"stats_{s.name}_days.csv"),
                   ["sample", "rel_day", "test", "statistic", "p_value", "df", "n"] + rho_cols,
                   d_rows)
    nw = write_csv(os.path.join(base, f"stats_{s.name}_windows.csv"),
                   ["sample", "window", "test", "statistic", "p_value", "df", "n", "n_excluded"]
                   + rho_cols, w_rows)
    nc = write_csv(os.path.join(base, f"stats_{s.name}_kp_calendar.csv"),
                   ["sample", "span", "test", "statistic", "p_value", "df", "n"] + rho_cols,
                   cal_rows)
    write_csv(os.path.join(base, f"stats_{s.name}_caar_path.csv"),
              ["sample", "rel_day", "n", "caar", "csect_t", "csect_t_p", "bmp_t", "bmp_t_p",
               "caar_half95"], caar_path_rows(s))
    write_csv(os.path.join(base, f"stats_{s.name}_rbar.csv"), ["sample", "rbar", "n_pairs"],
              [[s.name, core.fmt(s.rbar), str(s.n_pairs)]])
    print(f"{s.name}: {len(s.ev)} events, rbar={s.rbar!r} ({s.n_pairs} pairs); "
          f"days {nd} rows, windows {nw} rows, calendar-rbar KP rows {nc}")


def load_hs300(date_index, n_cal):
    # prices are read as text and parsed with Python's correctly rounded float()
    df = pd.read_csv(HS300, usecols=["date", "ticker", "close", "prev_close"], dtype=str)
    out = {}
    for ticker, g in df.groupby("ticker", sort=True):
        out[ticker] = core.stock_returns_from_rows(
            zip(g["date"].tolist(), map(float, g["close"].tolist()),
                map(float, g["prev_close"].tolist())),
            date_index, n_cal)
    return out


def main():
    for p in (core.PRICES, core.MARKET, core.EVENTS, HS300):
        if not os.path.exists(p):
            sys.exit(f"{p} not found: run from the project root")
    check_spec_examples()
    check_overlap_example()
    os.makedirs(core.FIXTURES, exist_ok=True)

    cal_dates, rm, returns, events = core.load_sanctions()
    sanc = Sample("sanctions", core.run_study("market", events, returns, rm, cal_dates))
    rb, npairs = rbar_check_loop(sanc.ev)
    assert abs(rb - sanc.rbar) <= 1e-12 and npairs == sanc.n_pairs
    write_sample(sanc)

    date_index = {d: i for i, d in enumerate(cal_dates)}
    hs_ret = load_hs300(date_index, len(cal_dates))
    hs_events = [(t, HS300_EVENT_DATE) for t in sorted(hs_ret)]
    hs_res = core.run_study("market", hs_events, hs_ret, rm, cal_dates)
    skipped = [(e["event_id"], e["status"]) for e in hs_res if e["status"] != "ok"]
    print(f"hs300: {len(hs_res)} events, {len(skipped)} skipped: {skipped}")
    write_sample(Sample("hs300", hs_res))


if __name__ == "__main__":
    main()

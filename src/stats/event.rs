//! Per-event statistics (METHODS-SPEC §4; MacKinlay 1997; CLM 1997 ch. 4):
//!
//! ```text
//! AR_t   = R_t - E[R_t]                     SAR_t = AR_t / sqrt(sigma2 (1 + h_t))
//! CAR    = sum_{t in W} AR_t                SCAR  = CAR / sqrt(sigma2 (L2 + g'(X'X)^-1 g))
//! CSAR   = sum_{t in W} SAR_t               BHAR  = prod(1 + R_t) - prod(1 + E[R_t])
//! ```
//!
//! The per-event t of a CAR is `SCAR`, two-sided p from Student t with `M - p` d.f.
//! BHAR uses simple returns even when the model runs on log returns (§1.2).

use serde::{Deserialize, Serialize};

use super::cross_section::WindowValues;
use super::pvalue::{Reference, p_value};
use crate::config::{Alternative, ReturnKind, Window};
use crate::models::{Fitted, Regressors};

/// One event-window day of one event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayInput {
    /// Relative day.
    pub rel_day: i32,
    /// Stock return (model scale: simple or log) over the row's span, if present.
    pub ret: Option<f64>,
    /// Market return over the same span, if present.
    pub market_ret: Option<f64>,
    /// The row's regressors, when every one the model reads is present.
    pub x: Option<Regressors>,
    /// No stock row this day under trade-to-trade returns: the day's move is in the next
    /// traded row, so it has no AR of its own and does not make a window incomplete.
    pub absorbed: bool,
}

impl DayInput {
    /// A day with a one-session return (no halt before it).
    pub fn daily(rel_day: i32, ret: Option<f64>, market_ret: Option<f64>) -> Self {
        DayInput {
            rel_day,
            ret,
            market_ret,
            x: market_ret.map(Regressors::daily),
            absorbed: false,
        }
    }
}

/// Abnormal-return figures of one event-window day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DayStats {
    /// Relative day (not serialized: the row that holds these stats carries it).
    #[serde(skip)]
    pub rel_day: i32,
    /// Normal (expected) return `E[R_t]`.
    pub normal_ret: Option<f64>,
    /// Abnormal return.
    pub ar: Option<f64>,
    /// CAR from the window start through this day (missing from the first missing AR on,
    /// unless partial CARs are allowed).
    pub car: Option<f64>,
    /// Standardized AR with the forecast-error correction.
    pub sar: Option<f64>,
    /// Standard error of `car`: `sqrt(sigma2 (L + g'(X'X)^-1 g))` over the days cumulated
    /// so far (the 95% band of the CAR chart is `car ± 1.96 car_se`).
    pub car_se: Option<f64>,
}

/// A CAR window of one event with its test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WindowStats {
    /// The window.
    pub window: Window,
    /// CAR, BHAR, SCAR, CSAR and the number of AR days.
    #[serde(flatten)]
    pub values: WindowValues,
    /// Two-sided p-value of `SCAR` against Student t with `df` degrees of freedom.
    pub p_value: Option<f64>,
    /// Degrees of freedom `M - p`.
    pub df: usize,
    /// Why the CAR is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<WindowGap>,
}

/// Why a window has no CAR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowGap {
    /// The stock did not trade on any day of the window (a halt covers it).
    NoTradeInWindow,
    /// A traded day of the window has no return or no normal return.
    MissingReturn,
}

impl WindowGap {
    /// Stable name for files.
    pub fn name(self) -> &'static str {
        match self {
            WindowGap::NoTradeInWindow => "no_trade_in_window",
            WindowGap::MissingReturn => "missing_return",
        }
    }
}

/// Normal return, AR, cumulative AR and SAR of each event-window day.
pub fn day_stats(fit: &Fitted, days: &[DayInput], allow_partial: bool) -> Vec<DayStats> {
    let sigma2 = fit.sigma2();
    let mut cum = Some(0.0);
    let mut n_cum = 0usize;
    let mut g = Regressors::default();
    days.iter()
        .map(|d| {
            let normal_ret = d.x.map(|x| fit.normal(&x));
            let ar = d.ret.zip(normal_ret).map(|(r, n)| r - n);
            cum = match (cum, ar) {
                (Some(c), Some(a)) => Some(c + a),
                (Some(c), None) if allow_partial || d.absorbed => Some(c),
                _ => None,
            };
            let sar = ar.zip(d.x).map(|(a, x)| a / fit.ar_variance(&x).sqrt());
            if let (Some(_), Some(x)) = (ar, d.x) {
                n_cum += 1;
                g += &x;
            }
            let car_se = cum
                .filter(|_| n_cum > 0)
                .map(|_| (sigma2 * fit.window_factor(&g)).sqrt());
            DayStats {
                rel_day: d.rel_day,
                normal_ret,
                ar,
                car: cum,
                sar,
                car_se,
            }
        })
        .collect()
}

/// CAR, BHAR, SCAR, CSAR and the per-event t-test over `window`.
pub fn window_stats(
    fit: &Fitted,
    days: &[DayInput],
    stats: &[DayStats],
    window: Window,
    returns: ReturnKind,
    allow_partial: bool,
) -> WindowStats {
    let simple = |r: f64| match returns {
        ReturnKind::Simple => r,
        ReturnKind::Log => r.exp_m1(),
    };
    let (mut car, mut csar, mut n_days, mut missing) = (0.0, 0.0, 0usize, false);
    let mut g = Regressors::default();
    let (mut wealth, mut normal_wealth) = (1.0, 1.0);
    for (d, s) in days
        .iter()
        .zip(stats)
        .filter(|(d, _)| window.contains(d.rel_day) && !d.absorbed)
    {
        match (s.ar, s.sar, d.x, d.ret, s.normal_ret) {
            (Some(ar), Some(sar), Some(x), Some(r), Some(nr)) => {
                car += ar;
                csar += sar;
                g += &x;
                n_days += 1;
                wealth *= 1.0 + simple(r);
                normal_wealth *= 1.0 + simple(nr);
            }
            _ => missing = true,
        }
    }
    let complete = !missing && n_days > 0;
    let usable = n_days > 0 && (complete || allow_partial);
    let car = usable.then_some(car);
    let scar = car.map(|c| c / (fit.sigma2() * fit.window_factor(&g)).sqrt());
    let reason = if car.is_some() {
        None
    } else if n_days == 0 && !missing {
        Some(WindowGap::NoTradeInWindow)
    } else {
        Some(WindowGap::MissingReturn)
    };
    let df = fit.df_resid();
    WindowStats {
        window,
        values: WindowValues {
            car,
            scar,
            csar: (n_days > 0).then_some(csar),
            n_days,
            bhar: complete.then_some(wealth - normal_wealth),
        },
        p_value: scar
            .and_then(|s| p_value(s, Reference::StudentT(df as f64), Alternative::TwoSided)),
        df,
        missing: reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Estimation, MarketModel, Model};
    use approx::assert_relative_eq;

    fn example_a() -> Fitted {
        let rm = [0.01, -0.02, 0.00, 0.03, -0.02];
        let ri = [0.018, -0.028, -0.002, 0.046, -0.029];
        Fitted::Market(
            MarketModel
                .fit(&Estimation {
                    stock: &ri,
                    market: &rm,
                    ..Estimation::default()
                })
                .unwrap(),
        )
    }

    fn example_b_days() -> [DayInput; 2] {
        [
            DayInput::daily(0, Some(-0.10), Some(-0.05)),
            DayInput::daily(1, Some(-0.0978), Some(0.01)),
        ]
    }

    #[test]
    fn worked_example_a_day0_sar_and_p() {
        let fit = example_a();
        let s = day_stats(&fit, &example_b_days()[..1], false);
        assert_relative_eq!(s[0].ar.unwrap(), -0.026, max_relative = 1e-10);
        assert_relative_eq!(s[0].sar.unwrap(), -7.480_200_7, max_relative = 1e-8);
        let w = window_stats(
            &fit,
            &example_b_days()[..1],
            &s,
            Window { from: 0, to: 0 },
            ReturnKind::Simple,
            false,
        );
        assert_relative_eq!(
            w.values.scar.unwrap(),
            s[0].sar.unwrap(),
            max_relative = 1e-12
        );
        assert_relative_eq!(w.p_value.unwrap(), 0.004_948_5, max_relative = 1e-4);
    }

    #[test]
    fn worked_example_b_two_day_car_scar_bhar() {
        let fit = example_a();
        let days = example_b_days();
        let s = day_stats(&fit, &days, false);
        let w = window_stats(
            &fit,
            &days,
            &s,
            Window { from: 0, to: 1 },
            ReturnKind::Simple,
            false,
        );
        assert_relative_eq!(s[1].ar.unwrap(), -0.1138, max_relative = 1e-10);
        assert_relative_eq!(w.values.car.unwrap(), -0.1398, max_relative = 1e-10);
        assert_relative_eq!(w.values.scar.unwrap(), -33.694_266, max_relative = 1e-7);
        assert_relative_eq!(w.values.bhar.unwrap(), -0.128_836, max_relative = 1e-9);
        assert_relative_eq!(w.p_value.unwrap(), 5.7468e-5, max_relative = 1e-4);
        assert_eq!(w.values.n_days, 2);
    }

    #[test]
    fn missing_day_leaves_car_missing_unless_partial() {
        let fit = example_a();
        let mut days = example_b_days();
        days[0].ret = None;
        let s = day_stats(&fit, &days, false);
        assert_eq!(s[1].car, None);
        let w = window_stats(
            &fit,
            &days,
            &s,
            Window { from: 0, to: 1 },
            ReturnKind::Simple,
            false,
        );
        assert_eq!((w.values.car, w.values.bhar), (None, None));
        let sp = day_stats(&fit, &days, true);
        let wp = window_stats(
            &fit,
            &days,
            &sp,
            Window { from: 0, to: 1 },
            ReturnKind::Simple,
            true,
        );
        assert_relative_eq!(wp.values.car.unwrap(), -0.1138, max_relative = 1e-10);
        assert_eq!((wp.values.n_days, wp.values.bhar), (1, None));
    }
}

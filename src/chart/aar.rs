//! `aar_<group>`: average abnormal returns across the events of a group, one bar per
//! relative day, and the CAAR line (MacKinlay 1997, eqs. 15–16).
//!
//! Each bar carries a 95% interval from the day's cross-sectional t test (Brown and Warner
//! 1985; METHODS-SPEC §5.1): since `t = AAR / SE`, the standard error is `|AAR / t|`, and the
//! interval is `AAR ± t_{0.975, df} · |AAR / t|` with the test's own degrees of freedom
//! (`N_t − 1`; 1.96 when the test reports a normal reference). The CAAR line carries the
//! 95% band of the CAAR path's own cross-sectional t (the running CARs from the event
//! window's first day, `AarRow::caar_half95`; #14).

use plotters::coord::Shift;
use plotters::prelude::{
    DrawingArea, DrawingBackend, EmptyElement, LineSeries, PathElement, Rectangle,
};
use plotters::style::Color;

use super::Chart;
use super::axes::{self, Axes, YUnit};
use super::frame::{self, DrawResult, LegendItem, Swatch};
use super::theme::{self, Theme};
use crate::config::StudyConfig;
use crate::result::{AarRow, GroupResults};

/// The AAR/CAAR chart of one group.
pub struct AarChart<'a> {
    /// The group's cross-event results.
    pub group: &'a GroupResults,
    /// The study settings (for the subtitle).
    pub config: &'a StudyConfig,
}

/// `(AAR, half-width)` of a day's 95% interval, in percent, as the result gives it.
fn interval(row: &AarRow) -> Option<(f64, f64)> {
    let aar = row.aar.filter(|a| a.is_finite())?;
    let half = row.aar_half95?;
    Some((100.0 * aar, 100.0 * half))
}

/// `(CAAR, half-width)` of a day's 95% CAAR band, in percent.
fn caar_interval(row: &AarRow) -> Option<(f64, f64)> {
    let caar = row.caar.filter(|c| c.is_finite())?;
    let half = row.caar_half95.filter(|h| h.is_finite())?;
    Some((100.0 * caar, 100.0 * half))
}

impl AarChart<'_> {
    fn legend(has_ci: bool, has_band: bool) -> Vec<LegendItem> {
        let mut items = vec![LegendItem::new(Swatch::Bar(theme::SKY), "AAR")];
        if has_ci {
            items.push(LegendItem::new(
                Swatch::Whisker(theme::MUTED),
                "95% CI of AAR (cross-sectional t)",
            ));
        }
        items.push(LegendItem::new(
            Swatch::Line {
                color: theme::BLUE,
                dashed: false,
            },
            "CAAR, mean CAR",
        ));
        if has_band {
            items.push(LegendItem::new(
                Swatch::Band(theme::BLUE),
                "95% band of CAAR (cross-sectional t of the running CARs)",
            ));
        }
        items.push(LegendItem::new(
            Swatch::Line {
                color: theme::BLACK,
                dashed: true,
            },
            "day 0",
        ));
        items
    }
}

impl Chart for AarChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, th: Theme) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let g = self.group;
        let cfg = self.config;
        let title = format!(
            "AAR and CAAR: {} (N = {} events)",
            super::group_title(&g.group),
            g.n_events
        );
        let subtitle = format!(
            "{} model · estimation window {} · event window {}",
            cfg.model.name(),
            cfg.estimation,
            cfg.window
        );
        let cis: Vec<(i32, (f64, f64))> = g
            .days
            .iter()
            .filter_map(|r| interval(r).map(|ci| (r.rel_day, ci)))
            .collect();
        let bands: Vec<(i32, Option<(f64, f64)>)> = g
            .days
            .iter()
            .map(|r| (r.rel_day, caar_interval(r)))
            .collect();
        let has_band = bands.iter().any(|(_, b)| b.is_some());
        let area = frame::frame(
            root,
            th,
            &title,
            &subtitle,
            &Self::legend(!cis.is_empty(), has_band),
        )?;
        let aar: Vec<(i32, Option<f64>)> = g
            .days
            .iter()
            .map(|r| {
                (
                    r.rel_day,
                    r.aar.filter(|a| a.is_finite()).map(|a| 100.0 * a),
                )
            })
            .collect();
        let caar: Vec<(i32, Option<f64>)> = g
            .days
            .iter()
            .map(|r| {
                (
                    r.rel_day,
                    r.caar.filter(|c| c.is_finite()).map(|c| 100.0 * c),
                )
            })
            .collect();
        let (lo, hi) = theme::padded_range(
            aar.iter()
                .chain(&caar)
                .filter_map(|(_, v)| *v)
                .chain(cis.iter().flat_map(|(_, (a, h))| [a - h, a + h]))
                .chain(
                    bands
                        .iter()
                        .filter_map(|(_, b)| *b)
                        .flat_map(|(c, h)| [c - h, c + h]),
                ),
            &[0.0],
            0.06,
        );
        let days = (
            g.days.first().map_or(cfg.window.from, |r| r.rel_day),
            g.days.last().map_or(cfg.window.to, |r| r.rel_day),
        );
        let axes = Axes {
            days,
            y: (lo, hi),
            unit: YUnit::Percent,
            x_desc: "trading days relative to day 0".to_string(),
            y_desc: "abnormal return".to_string(),
            dates: Vec::new(),
        };
        let mut chart = axes::plot(&area, th, &axes)?;
        chart.draw_series(aar.iter().filter_map(|&(d, v)| {
            let x = f64::from(d);
            v.map(|v| Rectangle::new([(x - 0.32, 0.0), (x + 0.32, v)], theme::SKY.filled()))
        }))?;
        axes::zero_line(&mut chart, th, 1.5)?;
        axes::vline(&mut chart, th, 0.0, theme::BLACK, 2.0)?;
        let whisker = theme::MUTED.stroke_width(th.stroke(1.5));
        for &(d, (a, h)) in &cis {
            let x = f64::from(d);
            chart.draw_series(
                [
                    vec![(x, a - h), (x, a + h)],
                    vec![(x - 0.12, a - h), (x + 0.12, a - h)],
                    vec![(x - 0.12, a + h), (x + 0.12, a + h)],
                ]
                .into_iter()
                .map(|p| PathElement::new(p, whisker)),
            )?;
        }
        for run in axes::runs(bands.into_iter()) {
            axes::band_around(&mut chart, &run, theme::BLUE)?;
        }
        let line = theme::BLUE.stroke_width(th.stroke(3.0));
        for run in axes::runs(caar.into_iter()) {
            chart.draw_series(LineSeries::new(
                run.iter().map(|&(d, c)| (f64::from(d), c)),
                line,
            ))?;
            chart.draw_series(run.iter().map(|&(d, c)| {
                EmptyElement::at((f64::from(d), c)) + frame::dot(th, theme::BLUE, 1.0)
            }))?;
        }
        Ok(())
    }
}

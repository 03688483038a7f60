//! `car_<event_id>`: one event's cumulative abnormal return over the event window
//! (MacKinlay 1997, eq. 12), with the 95% band `CAR_t ± 1.96 · SE(CAR_t)` where
//! `SE(CAR_t) = sqrt(σ² (L_t + g'(X'X)⁻¹g))` is the study's `car_se` (the forecast-error
//! variance of the cumulated prediction errors, Campbell, Lo and MacKinlay 1997 §4.4).
//!
//! Marked on the path: day 0 (dashed), days without a trade (shaded), every limit-close day
//! (▲ up, ▼ down; filled when the day was a one-price lock), and, when day 0 closed at a
//! limit, the first free day `f` with `CAR_free = CAR(0, f)` (METHODS-SPEC §7; Kim and Rhee
//! 1997). Everything drawn is read from the study.

use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, EmptyElement, LineSeries};
use plotters::style::Color;

use super::Chart;
use super::axes::{self, Axes, Plot, YUnit};
use super::frame::{self, DrawResult, LegendItem, Swatch};
use super::limits::{EventLimits, LimitMark};
use super::theme::{self, Theme};
use crate::result::EventResult;

/// CAR of a day and its standard error, in percent.
type PathPoint = (f64, Option<f64>);

/// The CAR chart of one event.
pub struct CarChart<'a> {
    /// The event.
    pub event: &'a EventResult,
    /// Its limit facts, when the study has them.
    pub limits: Option<EventLimits>,
    /// Model name for the subtitle.
    pub model: &'a str,
}

impl CarChart<'_> {
    fn title(&self) -> (String, String) {
        let ev = self.event;
        let title = if ev.label.is_empty() {
            format!("{}: cumulative abnormal return", ev.ticker)
        } else {
            format!("{}: {}", ev.ticker, ev.label)
        };
        let dates = if ev.event_date == ev.day0 {
            format!("event date = day 0 = {}", ev.day0)
        } else {
            format!("event date {} → day 0 {}", ev.event_date, ev.day0)
        };
        let mut subtitle = format!("CAR of {} · {dates} · {} model", ev.event_id, self.model);
        let gap = ev
            .days
            .iter()
            .skip_while(|d| d.stats.car.is_none())
            .find(|d| d.stats.car.is_none());
        if let Some(d) = gap {
            let _ = write!(
                subtitle,
                " · no CAR from day {} on (a missing return)",
                theme::rel_day(d.rel_day)
            );
        }
        (title, subtitle)
    }

    /// `(day, CAR % and its s.e. %)` of each day.
    fn path(&self) -> Vec<(i32, Option<PathPoint>)> {
        self.event
            .days
            .iter()
            .map(|d| {
                let car = d.stats.car.filter(|c| c.is_finite());
                let se = d.stats.car_se.filter(|s| s.is_finite());
                (d.rel_day, car.map(|c| (100.0 * c, se.map(|s| 100.0 * s))))
            })
            .collect()
    }

    fn marks(&self) -> Vec<(i32, LimitMark)> {
        self.limits.as_ref().map_or_else(Vec::new, |l| {
            l.days
                .iter()
                .filter_map(|d| d.mark.map(|m| (d.rel_day, m)))
                .collect()
        })
    }

    fn legend(&self) -> Vec<LegendItem> {
        let mut items = vec![
            LegendItem::new(
                Swatch::Line {
                    color: theme::BLUE,
                    dashed: false,
                },
                "CAR",
            ),
            LegendItem::new(Swatch::Band(theme::BLUE), "95% band: CAR ± 1.96 s.e."),
            LegendItem::new(
                Swatch::Line {
                    color: theme::BLACK,
                    dashed: true,
                },
                format!("day 0 ({})", self.event.day0),
            ),
        ];
        items.extend(mark_legend(&self.marks()));
        if !super::price::idle_days(self.event).is_empty() {
            items.push(axes::shade_legend());
        }
        if let Some(day) = self.free_day() {
            let f = theme::rel_day(day);
            let car = self.limits.as_ref().and_then(|l| l.car_free).map_or_else(
                || format!(", CAR(0, {f}) missing"),
                |c| format!(": CAR(0, {f}) = {}", theme::pct(c, 2)),
            );
            let after = if day > self.event.days.last().map_or(0, |d| d.rel_day) {
                " (after the window)"
            } else {
                ""
            };
            items.push(LegendItem::new(
                Swatch::Line {
                    color: theme::ORANGE,
                    dashed: true,
                },
                format!("first free day {f}{after}{car}"),
            ));
        }
        if self.limits.as_ref().is_some_and(|l| l.run_censored) {
            items.push(LegendItem::new(
                Swatch::Line {
                    color: theme::ORANGE,
                    dashed: true,
                },
                "no free day within the limit run searched (CAR_free censored)",
            ));
        }
        items
    }

    /// The first free day after a day-0 limit run (a free day 0 is not marked).
    fn free_day(&self) -> Option<i32> {
        self.limits
            .as_ref()
            .and_then(|l| l.first_free_day)
            .filter(|&f| f > 0)
    }
}

/// Legend entries for the kinds of limit marker that occur, in a fixed order.
pub fn mark_legend(marks: &[(i32, LimitMark)]) -> Vec<LegendItem> {
    [
        (LimitMark::UpClose, "limit-up close"),
        (LimitMark::UpLock, "limit-up lock (one price)"),
        (LimitMark::DownClose, "limit-down close"),
        (LimitMark::DownLock, "limit-down lock (one price)"),
    ]
    .into_iter()
    .filter(|(k, _)| marks.iter().any(|(_, m)| m == k))
    .map(|(k, label)| {
        LegendItem::new(
            Swatch::Triangle {
                color: mark_color(k),
                up: k.is_up(),
                filled: k.is_lock(),
            },
            label,
        )
    })
    .collect()
}

/// Colour of a limit marker.
pub fn mark_color(mark: LimitMark) -> plotters::style::RGBColor {
    if mark.is_up() { theme::UP } else { theme::DOWN }
}

/// Draw a limit marker at `(x, y)` in data coordinates.
pub fn draw_mark<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    th: Theme,
    (x, y): (f64, f64),
    mark: LimitMark,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let color = mark_color(mark);
    let up = mark.is_up();
    chart.draw_series(std::iter::once(
        EmptyElement::at((x, y)) + frame::triangle(th, color, up, mark.is_lock(), 0),
    ))?;
    chart.draw_series(std::iter::once(
        EmptyElement::at((x, y)) + frame::triangle_outline(th, color, up, 0),
    ))?;
    Ok(())
}

impl Chart for CarChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, th: Theme) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let ev = self.event;
        let (title, subtitle) = self.title();
        let area = frame::frame(root, th, &title, &subtitle, &self.legend())?;
        let path = self.path();
        let (lo, hi) = theme::padded_range(
            path.iter().flat_map(|(_, p)| {
                p.iter().flat_map(|(c, se)| {
                    let s = se.unwrap_or(0.0) * axes::Z95;
                    [c - s, c + s]
                })
            }),
            &[0.0],
            0.06,
        );
        let days = (
            ev.days.first().map_or(0, |d| d.rel_day),
            ev.days.last().map_or(0, |d| d.rel_day),
        );
        let axes = Axes {
            days,
            y: (lo, hi),
            unit: YUnit::Percent,
            x_desc: "trading day relative to day 0 (top) and its date (bottom)".to_string(),
            y_desc: "cumulative abnormal return".to_string(),
            dates: ev.days.iter().map(|d| (d.rel_day, d.date)).collect(),
        };
        let mut chart = axes::plot(&area, th, &axes)?;
        axes::shade_days(&mut chart, &super::price::idle_days(ev))?;
        for run in axes::runs(
            path.iter()
                .map(|(d, p)| (*d, p.and_then(|(c, se)| se.map(|s| (c, s))))),
        ) {
            axes::band(&mut chart, &run, theme::BLUE)?;
        }
        axes::zero_line(&mut chart, th, 1.5)?;
        axes::vline(&mut chart, th, 0.0, theme::BLACK, 2.0)?;
        let free = self.free_day().filter(|&f| f <= days.1);
        if let Some(day) = free {
            axes::vline(&mut chart, th, f64::from(day), theme::ORANGE, 2.0)?;
        }
        let line = theme::BLUE.stroke_width(th.stroke(3.0));
        let car_runs = axes::runs(path.iter().map(|(d, p)| (*d, p.map(|(c, _)| c))));
        for run in &car_runs {
            chart.draw_series(LineSeries::new(
                run.iter().map(|&(d, c)| (f64::from(d), c)),
                line,
            ))?;
            chart.draw_series(run.iter().map(|&(d, c)| {
                EmptyElement::at((f64::from(d), c)) + frame::dot(th, theme::BLUE, 1.0)
            }))?;
        }
        let car_on = |day: i32| {
            car_runs
                .iter()
                .flatten()
                .find(|(d, _)| *d == day)
                .map(|&(_, c)| c)
        };
        if let Some(day) = free
            && let Some(c) = car_on(day)
        {
            chart.draw_series(std::iter::once(
                EmptyElement::at((f64::from(day), c)) + frame::dot(th, theme::ORANGE, 2.2),
            ))?;
        }
        for (day, mark) in self.marks() {
            let edge = if mark.is_up() { 0.95 } else { 0.05 };
            let y = car_on(day).unwrap_or(lo + edge * (hi - lo));
            draw_mark(&mut chart, th, (f64::from(day), y), mark)?;
        }
        Ok(())
    }
}

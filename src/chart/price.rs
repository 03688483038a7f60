//! `price_<event_id>`: the stock's raw daily prices over the event window, as candles
//! (hollow: close ≥ open, filled: close < open; a one-price lock is a flat bar), or as a close
//! line when the price file has no open/high/low. The day's up and down limit prices are
//! drawn as step lines when the study carries them, and limit-close days are marked above
//! (▲) or below (▼) the candle.

use plotters::coord::Shift;
use plotters::prelude::{
    DrawingArea, DrawingBackend, EmptyElement, LineSeries, PathElement, Rectangle, WHITE,
};
use plotters::style::{Color, RGBColor};

use super::Chart;
use super::axes::{self, Axes, Plot, YUnit};
use super::car::{mark_color, mark_legend};
use super::frame::{self, DrawResult, LegendItem, Swatch};
use super::limits::{EventLimits, LimitMark};
use super::theme::{self, Theme};
use crate::result::{DayRow, EventResult};

/// Half the width of a candle body, in days.
const HALF: f64 = 0.3;

/// The price chart of one event.
pub struct PriceChart<'a> {
    /// The event.
    pub event: &'a EventResult,
    /// Its limit facts, when the study has them.
    pub limits: Option<EventLimits>,
}

/// `(open, high, low, close)` when the day has all four.
fn ohlc(d: &DayRow) -> Option<(f64, f64, f64, f64)> {
    let v = (d.open?, d.high?, d.low?, d.close?);
    [v.0, v.1, v.2, v.3]
        .iter()
        .all(|x| x.is_finite())
        .then_some(v)
}

impl PriceChart<'_> {
    fn limit_steps(&self, up: bool) -> Vec<Vec<(i32, f64)>> {
        self.limits.as_ref().map_or_else(Vec::new, |l| {
            axes::runs(l.days.iter().map(|d| {
                let v = if up { d.up } else { d.down };
                (d.rel_day, v.filter(|x| x.is_finite()))
            }))
        })
    }

    fn marks(&self) -> Vec<(i32, LimitMark)> {
        self.limits.as_ref().map_or_else(Vec::new, |l| {
            l.days
                .iter()
                .filter_map(|d| d.mark.map(|m| (d.rel_day, m)))
                .collect()
        })
    }

    fn legend(&self, candles: bool) -> Vec<LegendItem> {
        let mut items = if candles {
            vec![
                LegendItem::new(Swatch::Candle { filled: false }, "close ≥ open"),
                LegendItem::new(Swatch::Candle { filled: true }, "close < open"),
            ]
        } else {
            vec![LegendItem::new(
                Swatch::Line {
                    color: theme::BLACK,
                    dashed: false,
                },
                "close",
            )]
        };
        for (up, color, label) in [
            (true, theme::UP, "up limit"),
            (false, theme::DOWN, "down limit"),
        ] {
            if !self.limit_steps(up).is_empty() {
                items.push(LegendItem::new(
                    Swatch::Line {
                        color,
                        dashed: false,
                    },
                    label,
                ));
            }
        }
        items.push(LegendItem::new(
            Swatch::Line {
                color: theme::BLACK,
                dashed: true,
            },
            format!("day 0 ({})", self.event.day0),
        ));
        items.extend(mark_legend(&self.marks()));
        if !idle_days(self.event).is_empty() {
            items.push(axes::shade_legend());
        }
        items
    }
}

/// Days of the window on which the stock did not trade.
pub fn idle_days(ev: &EventResult) -> Vec<i32> {
    ev.days
        .iter()
        .filter(|d| d.close.is_none())
        .map(|d| d.rel_day)
        .collect()
}

/// One candle at day `x`.
fn candle<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    th: Theme,
    x: f64,
    (o, h, l, c): (f64, f64, f64, f64),
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let ink = theme::BLACK.mix(0.85);
    let thin = ink.stroke_width(th.stroke(1.5));
    let (top, bottom) = (o.max(c), o.min(c));
    chart.draw_series(
        [vec![(x, h), (x, top)], vec![(x, bottom), (x, l)]]
            .into_iter()
            .map(|p| PathElement::new(p, thin)),
    )?;
    if top == bottom {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x - HALF, top), (x + HALF, top)],
            ink.stroke_width(th.stroke(3.0)),
        )))?;
        return Ok(());
    }
    let body = [(x - HALF, top), (x + HALF, bottom)];
    if c < o {
        chart.draw_series(std::iter::once(Rectangle::new(
            body,
            frame::candle_style(th, true),
        )))?;
    } else {
        chart.draw_series(std::iter::once(Rectangle::new(body, WHITE.filled())))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            body,
            frame::candle_style(th, false),
        )))?;
    }
    Ok(())
}

/// Step line through each day's value (`day ± 0.5`).
fn steps<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    th: Theme,
    runs: &[Vec<(i32, f64)>],
    color: RGBColor,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    for run in runs {
        chart.draw_series(LineSeries::new(
            run.iter().flat_map(|&(d, v)| {
                let x = f64::from(d);
                [(x - 0.5, v), (x + 0.5, v)]
            }),
            color.stroke_width(th.stroke(2.0)),
        ))?;
    }
    Ok(())
}

impl Chart for PriceChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, th: Theme) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let ev = self.event;
        let candles = ev.days.iter().any(|d| ohlc(d).is_some());
        let title = format!("{}: daily prices around {}", ev.ticker, ev.event_id);
        let dates = if ev.event_date == ev.day0 {
            format!("event date = day 0 = {}", ev.day0)
        } else {
            format!("event date {} → day 0 {}", ev.event_date, ev.day0)
        };
        let subtitle = if ev.label.is_empty() {
            format!("{dates} · raw prices")
        } else {
            format!("{dates} · raw prices · {}", ev.label)
        };
        let area = frame::frame(root, th, &title, &subtitle, &self.legend(candles))?;
        let (ups, downs) = (self.limit_steps(true), self.limit_steps(false));
        let prices = ev
            .days
            .iter()
            .flat_map(|d| [d.high, d.low, d.close])
            .flatten();
        let limits = ups.iter().chain(&downs).flatten().map(|&(_, v)| v);
        let (lo, hi) = theme::padded_range(prices.chain(limits), &[], 0.08);
        let axes = Axes {
            days: (
                ev.days.first().map_or(0, |d| d.rel_day),
                ev.days.last().map_or(0, |d| d.rel_day),
            ),
            y: (lo.max(0.0), hi),
            unit: YUnit::Price,
            x_desc: "trading day relative to day 0 (top) and its date (bottom)".to_string(),
            y_desc: "price".to_string(),
            dates: ev.days.iter().map(|d| (d.rel_day, d.date)).collect(),
        };
        let mut chart = axes::plot(&area, th, &axes)?;
        axes::shade_days(&mut chart, &idle_days(ev))?;
        steps(&mut chart, th, &ups, theme::UP)?;
        steps(&mut chart, th, &downs, theme::DOWN)?;
        axes::vline(&mut chart, th, 0.0, theme::BLACK, 2.0)?;
        let closes = axes::runs(ev.days.iter().map(|d| (d.rel_day, d.close)));
        if !candles {
            for run in &closes {
                chart.draw_series(LineSeries::new(
                    run.iter().map(|&(d, c)| (f64::from(d), c)),
                    theme::BLACK.stroke_width(th.stroke(2.5)),
                ))?;
            }
        }
        for d in &ev.days {
            let x = f64::from(d.rel_day);
            match (ohlc(d), d.close) {
                (Some(bar), _) => candle(&mut chart, th, x, bar)?,
                (None, Some(c)) => {
                    chart.draw_series(std::iter::once(
                        EmptyElement::at((x, c)) + frame::dot(th, theme::BLACK, 1.2),
                    ))?;
                }
                (None, None) => {}
            }
        }
        let gap = (th.tick_px() * 1.1) as i32;
        for (day, mark) in self.marks() {
            let Some(d) = ev.days.iter().find(|d| d.rel_day == day) else {
                continue;
            };
            let (y, dy) = if mark.is_up() {
                (d.high.or(d.close), -gap)
            } else {
                (d.low.or(d.close), gap)
            };
            let Some(y) = y else { continue };
            let at = (f64::from(day), y);
            let color = mark_color(mark);
            chart.draw_series(std::iter::once(
                EmptyElement::at(at) + frame::triangle(th, color, mark.is_up(), mark.is_lock(), dy),
            ))?;
            chart.draw_series(std::iter::once(
                EmptyElement::at(at) + frame::triangle_outline(th, color, mark.is_up(), dy),
            ))?;
        }
        Ok(())
    }
}

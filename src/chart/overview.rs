//! `overview_<group>`: the CAR path of every event of a group in event time, to see at a
//! glance whether the average hides opposite movers. Up to 8 events share one plot (one
//! Okabe–Ito colour each); past 8, colours stop being distinguishable, so each event gets its
//! own small panel (Tufte 1983, "small multiples") on a shared y axis, with its 95% band
//! `CAR ± 1.96 · car_se`.

use plotters::coord::Shift;
use plotters::prelude::{
    ChartBuilder, DrawingArea, DrawingBackend, EmptyElement, LineSeries, TRANSPARENT,
};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use super::axes::{self, Axes, Ticks, YUnit};
use super::frame::{self, DrawResult, LegendItem, Swatch};
use super::text;
use super::theme::{self, Theme, anchored};
use crate::result::EventResult;

/// Most events drawn in one shared plot.
const MAX_SHARED: usize = 8;

/// The CAR overview of one group.
pub struct OverviewChart<'a> {
    /// Group name (`all` for every event).
    pub group: &'a str,
    /// Its events, in events-file order.
    pub events: &'a [&'a EventResult],
    /// Model name for the subtitle.
    pub model: &'a str,
}

/// `(day, CAR %)` runs of one event.
fn car_runs(ev: &EventResult) -> Vec<Vec<(i32, f64)>> {
    axes::runs(ev.days.iter().map(|d| {
        (
            d.rel_day,
            d.stats.car.filter(|c| c.is_finite()).map(|c| 100.0 * c),
        )
    }))
}

/// `(day, (CAR %, SE %))` runs of one event (days with both).
fn band_runs(ev: &EventResult) -> Vec<Vec<(i32, (f64, f64))>> {
    axes::runs(ev.days.iter().map(|d| {
        let car = d.stats.car.filter(|c| c.is_finite());
        let se = d.stats.car_se.filter(|s| s.is_finite());
        (d.rel_day, car.zip(se).map(|(c, s)| (100.0 * c, 100.0 * s)))
    }))
}

impl OverviewChart<'_> {
    fn days(&self) -> (i32, i32) {
        let all = self
            .events
            .iter()
            .flat_map(|e| e.days.iter().map(|d| d.rel_day));
        let (lo, hi) = all.fold((i32::MAX, i32::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
        if lo > hi { (0, 0) } else { (lo, hi) }
    }

    fn axes(&self, grid: bool) -> Axes {
        let values = self.events.iter().flat_map(|e| {
            let cars = car_runs(e).into_iter().flatten().map(|(_, c)| c);
            let bands: Vec<f64> = if grid {
                band_runs(e)
                    .into_iter()
                    .flatten()
                    .flat_map(|(_, (c, s))| [c - axes::Z95 * s, c + axes::Z95 * s])
                    .collect()
            } else {
                Vec::new()
            };
            cars.chain(bands)
        });
        let (lo, hi) = theme::padded_range(values, &[0.0], 0.06);
        Axes {
            days: self.days(),
            y: (lo, hi),
            unit: YUnit::Percent,
            x_desc: "trading days relative to each event's day 0".to_string(),
            y_desc: "cumulative abnormal return".to_string(),
            dates: Vec::new(),
        }
    }

    fn titles(&self) -> (String, String) {
        let who = super::group_title(self.group);
        let n = self.events.len();
        let layout = if n > MAX_SHARED {
            "one panel per event, shared y axis"
        } else {
            "one line per event"
        };
        (
            format!("CAR paths: {who} (N = {n} events)"),
            format!("{} model · {layout}", self.model),
        )
    }

    fn shared<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, th: Theme) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let mut chart = axes::plot(area, th, &self.axes(false))?;
        axes::zero_line(&mut chart, th, 1.5)?;
        axes::vline(&mut chart, th, 0.0, theme::BLACK, 2.0)?;
        for (i, ev) in self.events.iter().enumerate() {
            let color = theme::SERIES[i % theme::SERIES.len()];
            for run in car_runs(ev) {
                chart.draw_series(LineSeries::new(
                    run.iter().map(|&(d, c)| (f64::from(d), c)),
                    color.stroke_width(th.stroke(2.5)),
                ))?;
                chart.draw_series(run.iter().map(|&(d, c)| {
                    EmptyElement::at((f64::from(d), c)) + frame::dot(th, color, 0.8)
                }))?;
            }
        }
        Ok(())
    }

    fn grid<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, th: Theme) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let axes = self.axes(true);
        let n = self.events.len();
        let (w, h) = area.dim_in_pixel();
        let m = th.margin();
        let gap = (th.tick_px() * 0.5) as i32;
        let top = (th.tick_px() * 2.0) as i32;
        let bottom = (th.tick_px() * 2.1 + th.desc_px() * 1.5) as i32;
        let probe = Ticks::new(th, &axes, f64::from(w), f64::from(h) / 3.0, 1.0);
        let left = m + axes::widest(area, th, &probe)? + gap;
        let inner = area.margin(top, bottom, left, m);
        let (iw, ih) = inner.dim_in_pixel();
        let aspect = f64::from(iw) / f64::from(ih.max(1));
        let cols = ((n as f64 * aspect / 1.4).sqrt().ceil() as usize).clamp(1, n);
        let panels = inner.split_evenly((n.div_ceil(cols), cols));
        let (pw, ph) = panels.first().map_or((1, 1), DrawingArea::dim_in_pixel);
        let title_h = (th.tick_px() * 1.4) as i32;
        let day_w = f64::from(text::width(area, "\u{2212}00", &th.tick())?);
        let t = Ticks::new(
            th,
            &axes,
            f64::from(pw) * 0.9,
            f64::from(ph) - f64::from(title_h),
            day_w,
        );
        let title_style = anchored(&theme::bold(th.tick_px()), HPos::Center, VPos::Top);
        for (i, (panel, ev)) in panels.iter().zip(self.events).enumerate() {
            // Ticker and day 0 tell panels apart even where a long event id would be cut.
            let label = format!("{} {}", ev.ticker, ev.day0.format("%Y-%m-%d"));
            let full = frame::fit(panel, &label, &title_style, pw as i32 - gap)?;
            let name = if full == label {
                full
            } else {
                frame::fit(
                    panel,
                    &format!("{} {}", ev.ticker, ev.day0.format("%y-%m-%d")),
                    &title_style,
                    pw as i32 - gap,
                )?
            };
            text::draw(panel, th, &name, (pw as i32 / 2, 0), &title_style)?;
            let mut chart = ChartBuilder::on(panel)
                .margin_top(title_h)
                .margin_left(day_w as i32 / 2)
                .margin_right(day_w as i32 / 2 + gap)
                .margin_bottom(gap)
                .build_cartesian_2d(
                    axes::Axis::new(axes::x_range(axes.days), t.x.clone()),
                    axes::Axis::new(axes.y.0..axes.y.1, t.y.clone()),
                )?;
            chart
                .configure_mesh()
                .bold_line_style(theme::GRID.stroke_width(1))
                .light_line_style(TRANSPARENT)
                .draw()?;
            for run in band_runs(ev) {
                axes::band(&mut chart, &run, theme::BLUE)?;
            }
            axes::zero_line(&mut chart, th, 1.0)?;
            axes::vline(&mut chart, th, 0.0, theme::BLACK, 1.0)?;
            for run in car_runs(ev) {
                chart.draw_series(LineSeries::new(
                    run.iter().map(|&(d, c)| (f64::from(d), c)),
                    theme::BLUE.stroke_width(th.stroke(2.0)),
                ))?;
            }
            axes::y_labels(area, &chart, th, &t, i % cols == 0)?;
            axes::x_labels(area, &chart, th, &t, &[], i + cols >= n)?;
        }
        let desc = theme::text(th.desc_px());
        let y_desc = anchored(&desc, HPos::Left, VPos::Center);
        text::draw(area, th, &axes.y_desc, (m, top / 2), &y_desc)?;
        let x_desc = anchored(&desc, HPos::Center, VPos::Bottom);
        let at = (
            left + iw as i32 / 2,
            h as i32 - (th.desc_px() * 0.25) as i32,
        );
        text::draw(area, th, &axes.x_desc, at, &x_desc)?;
        Ok(())
    }
}

impl Chart for OverviewChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, th: Theme) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (title, subtitle) = self.titles();
        let grid = self.events.len() > MAX_SHARED;
        let legend: Vec<LegendItem> = if grid {
            vec![
                LegendItem::new(
                    Swatch::Line {
                        color: theme::BLUE,
                        dashed: false,
                    },
                    "CAR",
                ),
                LegendItem::new(Swatch::Band(theme::BLUE), "95% band: CAR ± 1.96 s.e."),
                day0_item(),
            ]
        } else {
            let mut items: Vec<LegendItem> = self
                .events
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    LegendItem::new(
                        Swatch::Line {
                            color: theme::SERIES[i % theme::SERIES.len()],
                            dashed: false,
                        },
                        e.event_id.clone(),
                    )
                })
                .collect();
            items.push(day0_item());
            items
        };
        let area = frame::frame(root, th, &title, &subtitle, &legend)?;
        if grid {
            self.grid(&area, th)
        } else {
            self.shared(&area, th)
        }
    }
}

fn day0_item() -> LegendItem {
    LegendItem::new(
        Swatch::Line {
            color: theme::BLACK,
            dashed: true,
        },
        "day 0",
    )
}

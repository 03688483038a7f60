//! Daily price limits inside a study (METHODS-SPEC §6–§7): which rule applies to each
//! ticker, the calendar-aligned limit classification of the days an event needs, and the
//! per-event limit summary with `CAR_free = CAR(0, f)` and its standardization.
//!
//! A ticker gets limit analysis when its board is known (an instruments file, or inferred
//! from the A-share code with a warning) or a custom `--limit-rule` is given; otherwise its
//! rows carry no limit columns.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::config::StudyConfig;
use crate::data::csv::{self, Col, Kind};
use crate::data::{PricePanel, columns};
use crate::error::{Error, Result};
use crate::limits::{Bar, Board, Instrument, LimitDay, Pct, RuleSet, infer_board};

/// The limit columns of one event (METHODS-SPEC §7.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventLimits {
    /// Board whose rule applied (`custom` for `--limit-rule`).
    pub limit_board: String,
    /// Counts, run from day 0, first limit and free days, `car_free`, continuation.
    #[serde(flatten)]
    pub summary: crate::limits::EventLimitSummary,
    /// `CAR_free / S_CAR(0, f)`.
    pub sar_free: Option<f64>,
    /// Limit-close days in the estimation window (truncated returns).
    pub n_limit_days_estimation: usize,
    /// Whether those days were dropped from the fit.
    pub dropped_limit_days: bool,
}

/// Rules and instrument facts for one study.
pub struct LimitContext {
    rules: RuleSet,
    custom: bool,
    instruments: HashMap<String, Instrument>,
    panel_start: Option<NaiveDate>,
    /// Tickers whose board was inferred from the code (for one warning).
    pub inferred: BTreeMap<String, Board>,
}

impl LimitContext {
    /// Build from the settings.
    ///
    /// # Errors
    /// A bad `--limit-rule`, rules file or instruments file.
    pub fn new(cfg: &StudyConfig, panel: &PricePanel) -> Result<Self> {
        let custom = cfg
            .limit_rule
            .as_deref()
            .map(str::parse::<Pct>)
            .transpose()
            .map_err(|e| {
                Error::Settings(format!(
                    "--limit-rule {:?}: {e} (expected a percentage such as 10%)",
                    cfg.limit_rule.as_deref().unwrap_or("")
                ))
            })?;
        let rules = match (&custom, &cfg.limit_rules) {
            (Some(p), _) => RuleSet::custom(*p),
            (None, Some(path)) => RuleSet::builtin_with_file(path).map_err(|e| Error::Config {
                path: path.clone(),
                message: e.to_string(),
            })?,
            (None, None) => RuleSet::builtin(),
        };
        let instruments = match &cfg.instruments {
            Some(path) => load_instruments(path)?,
            None => HashMap::new(),
        };
        Ok(LimitContext {
            rules,
            custom: custom.is_some(),
            instruments,
            panel_start: panel.date.iter().min().copied(),
            inferred: BTreeMap::new(),
        })
    }

    /// The instrument of `ticker`, or `None` when no rule can apply to it.
    pub fn instrument(
        &mut self,
        panel: &PricePanel,
        ticker: usize,
    ) -> Option<(Instrument, &'static str)> {
        let name = &panel.tickers[ticker];
        let mut inst = self.instruments.get(name).cloned().unwrap_or_default();
        if inst.board.is_none() && !self.custom {
            let b = infer_board(name)?;
            self.inferred.insert(name.clone(), b);
            inst.board = Some(b);
        }
        if inst.st_periods.is_empty()
            && let Some(st) = &panel.st
        {
            inst.st_periods = st_periods(panel, ticker, st);
        }
        if inst.listing_date.is_none() {
            // The first row is the listing day, unless the data simply start there.
            let first = panel.date[panel.ranges[ticker].start];
            inst.listing_date = Some(if Some(first) == self.panel_start {
                first - chrono::Duration::days(400)
            } else {
                first
            });
        }
        let label = if self.custom {
            "custom"
        } else {
            inst.board.map_or("custom", Board::as_str)
        };
        Some((inst, label))
    }

    /// Classify calendar days `lo..=hi` of a ticker (one earlier day is read for the
    /// previous close when the file has no `prev_close`).
    pub fn classify(
        &self,
        panel: &PricePanel,
        cal: &Calendar,
        ticker: usize,
        inst: &Instrument,
        lo: usize,
        hi: usize,
    ) -> Vec<LimitDay> {
        let start = lo.saturating_sub(1);
        let dates = &cal.dates()[start..=hi];
        let r = panel.ranges[ticker].clone();
        let pd = &panel.date[r.clone()];
        let mut j = pd.partition_point(|d| *d < dates[0]);
        let rows: Vec<Option<Bar>> = dates
            .iter()
            .map(|d| {
                while j < pd.len() && pd[j] < *d {
                    j += 1;
                }
                (j < pd.len() && pd[j] == *d).then(|| bar(panel, r.start + j))
            })
            .collect();
        let mut days = crate::limits::classify(dates, &rows, inst, &self.rules).unwrap_or_default();
        if start < lo && !days.is_empty() {
            days.remove(0);
        }
        days
    }
}

/// Date ranges of consecutive rows flagged ST (`st == 1`) in the price file.
fn st_periods(panel: &PricePanel, ticker: usize, st: &[f64]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    let mut open: Option<(NaiveDate, NaiveDate)> = None;
    for r in panel.ranges[ticker].clone() {
        if st[r] >= 0.5 {
            open = Some(open.map_or((panel.date[r], panel.date[r]), |(from, _)| {
                (from, panel.date[r])
            }));
        } else if let Some(p) = open.take() {
            out.push(p);
        }
    }
    out.extend(open);
    out
}

fn bar(p: &PricePanel, row: usize) -> Bar {
    let opt = |c: &Option<Vec<f64>>| c.as_ref().map(|v| v[row]).filter(|x| x.is_finite());
    Bar {
        open: opt(&p.open),
        high: opt(&p.high),
        low: opt(&p.low),
        close: p.close[row],
        prev_close: opt(&p.prev_close),
    }
}

/// Instruments file: `ticker[,board][,listing_date][,st_from,st_to]`, one row per ST period.
fn load_instruments(path: &Path) -> Result<HashMap<String, Instrument>> {
    let headers = csv::read_header(path)?;
    let map = crate::config::ColumnMap::new();
    let ti = columns::require(path, &headers, columns::TICKER, &map)?;
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| columns::normalize(h) == columns::normalize(name))
    };
    let opt_cols = [
        ("board", find("board")),
        ("listing_date", find("listing_date")),
        ("st_from", find("st_from")),
        ("st_to", find("st_to")),
    ];
    let mut cols = vec![Col {
        index: ti,
        header: headers[ti].clone(),
        kind: Kind::Text,
    }];
    cols.extend(opt_cols.iter().filter_map(|(_, i)| {
        i.map(|i| Col {
            index: i,
            header: headers[i].clone(),
            kind: Kind::Text,
        })
    }));
    let df = csv::read_columns(path, &cols)?;
    let text = |i: Option<usize>| -> Result<Option<Vec<String>>> {
        i.map(|i| {
            csv::text_column(path, &df, &headers[i]).map(|c| {
                c.iter()
                    .map(|v| v.unwrap_or("").trim().to_string())
                    .collect()
            })
        })
        .transpose()
    };
    let tickers = text(Some(ti))?.unwrap_or_default();
    let [board, listing, st_from, st_to] = opt_cols.map(|(_, i)| text(i));
    let (board, listing, st_from, st_to) = (board?, listing?, st_from?, st_to?);
    let mut out: HashMap<String, Instrument> = HashMap::new();
    let date_at = |v: &Option<Vec<String>>, row: usize, col: &str| -> Result<Option<NaiveDate>> {
        let Some(s) = v
            .as_ref()
            .map(|v| v[row].as_str())
            .filter(|s| !s.is_empty())
        else {
            return Ok(None);
        };
        csv::parse_date(s).map(Some).ok_or_else(|| Error::BadDate {
            path: path.to_path_buf(),
            line: csv::line_of(row),
            column: col.into(),
            value: s.into(),
        })
    };
    for (row, t) in tickers.iter().enumerate() {
        let inst = out.entry(t.clone()).or_default();
        if let Some(b) = board
            .as_ref()
            .map(|b| b[row].as_str())
            .filter(|s| !s.is_empty())
        {
            inst.board = Some(b.parse().map_err(|m: String| Error::Config {
                path: path.to_path_buf(),
                message: format!("line {}: column \"board\": {m}", csv::line_of(row)),
            })?);
        }
        if let Some(d) = date_at(&listing, row, "listing_date")? {
            inst.listing_date = Some(d);
        }
        if let Some(from) = date_at(&st_from, row, "st_from")? {
            let to = date_at(&st_to, row, "st_to")?.unwrap_or(NaiveDate::MAX);
            inst.st_periods.push((from, to));
        }
    }
    Ok(out)
}

/// The per-event limit columns from the days `ext` (window start to the extended end).
#[allow(clippy::too_many_arguments)]
pub(super) fn event_limits(
    cfg: &StudyConfig,
    fit: &crate::models::Fitted,
    board: &'static str,
    ext: &[usize],
    days: &[crate::stats::event::DayInput],
    stats: &[crate::stats::event::DayStats],
    limit_at: &dyn Fn(usize) -> Option<LimitDay>,
    n_limit_days_estimation: usize,
) -> EventLimits {
    use crate::limits::{EventDay, EventLimitParams, summarize_event};
    let rows: Vec<EventDay> = ext
        .iter()
        .zip(days)
        .zip(stats)
        .filter_map(|((&k, d), s)| {
            Some(EventDay {
                rel_day: d.rel_day,
                limit: limit_at(k)?,
                ar: s.ar,
                ret: d.ret.map(|r| simple(cfg, r)),
                normal_ret: s.normal_ret.map(|r| simple(cfg, r)),
            })
        })
        .collect();
    let params = EventLimitParams {
        tau1: cfg.window.from,
        tau2: cfg.window.to,
        max_limit_run: cfg.max_limit_run,
        k: cfg.post_free_days,
        allow_partial_car: cfg.allow_partial_car,
    };
    let summary = summarize_event(&rows, &params);
    let sar_free = summary
        .first_free_day
        .zip(summary.car_free)
        .and_then(|(f, car)| {
            let (n, rm) = days
                .iter()
                .zip(stats)
                .filter(|(d, s)| (0..=f).contains(&d.rel_day) && s.ar.is_some())
                .fold((0usize, 0.0), |(n, rm), (d, _)| {
                    (n + 1, rm + d.market_ret.unwrap_or(0.0))
                });
            (n > 0).then(|| car / (fit.sigma2() * fit.window_factor(n, rm)).sqrt())
        });
    EventLimits {
        limit_board: board.to_string(),
        summary,
        sar_free,
        n_limit_days_estimation,
        dropped_limit_days: cfg.drop_limit_days_in_estimation,
    }
}

fn simple(cfg: &StudyConfig, r: f64) -> f64 {
    match cfg.returns {
        crate::config::ReturnKind::Simple => r,
        crate::config::ReturnKind::Log => r.exp_m1(),
    }
}

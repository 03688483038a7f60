//! Daily price limits on a loaded panel: which rule applies to each ticker (an instruments
//! file, the A-share code with a warning, or one custom `--limit-rule`), and the
//! calendar-aligned classification of a ticker's days that both `evstudy run` (per event)
//! and `evstudy limits` (per panel) use.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::board::{Board, Instrument, infer_board};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::classify::{Bar, LimitDay, classify, classify_numbered, mark_runs, numbering_agrees};
use super::price::Pct;
use super::rules::RuleSet;
use crate::calendar::Calendar;
use crate::config::StudyConfig;
use crate::data::PricePanel;
use crate::data::instruments::InstrumentFile;
use crate::error::{Error, Result, SettingsError};

/// The limit settings of a study or a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitSettings {
    /// One custom daily limit for every ticker, e.g. `10%` (overrides the dated rules).
    pub limit_rule: Option<String>,
    /// A TOML rules file extending the compiled-in dated rules.
    pub limit_rules: Option<PathBuf>,
    /// Instruments file: `ticker[,board][,listing_date][,st_from,st_to]`.
    pub instruments: Option<PathBuf>,
}

impl From<&StudyConfig> for LimitSettings {
    fn from(cfg: &StudyConfig) -> Self {
        LimitSettings {
            limit_rule: cfg.limit_rule.clone(),
            limit_rules: cfg.limit_rules.clone(),
            instruments: cfg.instruments.clone(),
        }
    }
}

/// Rules and instrument facts for one study.
pub struct LimitContext {
    rules: RuleSet,
    custom: bool,
    instruments: HashMap<String, Instrument>,
    panel_start: Option<NaiveDate>,
    /// Tickers whose board was inferred from the code (for one warning).
    pub inferred: BTreeMap<String, Board>,
    /// Days classified with a price off the rule's tick grid, by ticker index (for one
    /// warning: back-adjusted prices, #15).
    off_grid: BTreeMap<usize, BTreeSet<NaiveDate>>,
    /// Per ticker: its whole calendar classified once, when its events ask for many more days
    /// than the calendar has (`classify_days`).
    history: Vec<History>,
}

/// A ticker's classified calendar, made once its events have asked for
/// `HISTORY_AFTER` times the calendar's length in days.
#[derive(Default)]
struct History {
    /// Calendar days asked for so far.
    asked: AtomicUsize,
    /// The whole calendar classified, with the last day numbered near listing.
    days: OnceLock<(Vec<LimitDay>, Option<NaiveDate>)>,
}

/// See [`History`]: a ticker with fewer events (and so fewer days asked for) is classified
/// per event, which then costs less than its whole calendar and holds no memory.
const HISTORY_AFTER: usize = 8;

impl LimitContext {
    /// Build from the settings; the instruments file is read with `opts` (its
    /// `--columns instruments.…` mapping and `--date-format`).
    ///
    /// # Errors
    /// A bad `--limit-rule`, rules file or instruments file.
    pub fn new(
        cfg: &LimitSettings,
        panel: &PricePanel,
        opts: &crate::data::ReadOptions<'_>,
    ) -> Result<Self> {
        let custom = cfg
            .limit_rule
            .as_deref()
            .map(|v| {
                v.parse::<Pct>().map_err(|e| SettingsError::LimitRule {
                    value: v.to_string(),
                    reason: e.to_string(),
                })
            })
            .transpose()?;
        let rules = match (&custom, &cfg.limit_rules) {
            (Some(p), _) => RuleSet::custom(*p),
            (None, Some(path)) => {
                RuleSet::builtin_with_file(path).map_err(|source| Error::Rules { source })?
            }
            (None, None) => RuleSet::builtin(),
        };
        let instruments = match &cfg.instruments {
            Some(path) => instruments(&InstrumentFile::load_with(path, opts)?)?,
            None => HashMap::new(),
        };
        Ok(LimitContext {
            rules,
            custom: custom.is_some(),
            instruments,
            panel_start: panel.date.iter().min().copied(),
            inferred: BTreeMap::new(),
            off_grid: BTreeMap::new(),
            history: (0..panel.tickers.len())
                .map(|_| History::default())
                .collect(),
        })
    }

    /// The instrument of `ticker`, or `None` when no rule can apply to it; the board
    /// inferred from its code is noted for [`LimitContext::inferred`].
    pub fn instrument(
        &mut self,
        panel: &PricePanel,
        ticker: usize,
    ) -> Option<(Instrument, &'static str)> {
        let (inst, label, inferred) = self.instrument_of(panel, ticker)?;
        if let Some(b) = inferred {
            self.note_inferred(panel, ticker, b);
        }
        Some((inst, label))
    }

    /// [`LimitContext::instrument`] without noting anything (for per-event work on several
    /// threads): also the board inferred from the code, if it was.
    pub fn instrument_of(
        &self,
        panel: &PricePanel,
        ticker: usize,
    ) -> Option<(Instrument, &'static str, Option<Board>)> {
        let name = &panel.tickers[ticker];
        let mut inst = self.instruments.get(name).cloned().unwrap_or_default();
        let mut inferred = None;
        if inst.board.is_none() && !self.custom {
            let b = infer_board(name)?;
            inferred = Some(b);
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
        Some((inst, label, inferred))
    }

    /// Note that `ticker`'s board was inferred from its code (one warning lists them).
    pub fn note_inferred(&mut self, panel: &PricePanel, ticker: usize, board: Board) {
        self.inferred.insert(panel.tickers[ticker].clone(), board);
    }

    /// Note the days of `ticker` classified with a price off the tick grid.
    pub fn note_off_grid(&mut self, ticker: usize, dates: &[NaiveDate]) {
        if !dates.is_empty() {
            self.off_grid
                .entry(ticker)
                .or_default()
                .extend(dates.iter().copied());
        }
    }

    /// Classify calendar days `lo..=hi` of a ticker (one earlier day is read for the
    /// previous close when the file has no `prev_close`), noting off-grid days.
    pub fn classify(
        &mut self,
        panel: &PricePanel,
        cal: &Calendar,
        ticker: usize,
        inst: &Instrument,
        lo: usize,
        hi: usize,
    ) -> Vec<LimitDay> {
        let days = self.classify_days(panel, cal, ticker, inst, lo, hi);
        self.note_off_grid(ticker, &off_grid_dates(&days));
        days
    }

    /// [`LimitContext::classify`] without noting anything.
    ///
    /// The days are those of classifying `lo - 1..=hi` alone, bit for bit. A ticker whose
    /// events ask for many days (a dense study: hundreds of events on one stock) has its
    /// whole calendar classified once and each request copied from it when that gives the
    /// same days — the reference price and the day count since listing do not depend on
    /// where the classification starts (`history_fits`); the runs are re-marked on the copy,
    /// as they would be on the slice. Otherwise the slice is classified alone.
    pub fn classify_days(
        &self,
        panel: &PricePanel,
        cal: &Calendar,
        ticker: usize,
        inst: &Instrument,
        lo: usize,
        hi: usize,
    ) -> Vec<LimitDay> {
        let start = lo.saturating_sub(1);
        let mut days = self
            .history_days(panel, cal, ticker, inst, start, hi)
            .unwrap_or_else(|| {
                let dates = &cal.dates()[start..=hi];
                classify(
                    dates,
                    &calendar_bars(panel, ticker, dates),
                    inst,
                    &self.rules,
                )
                .unwrap_or_default()
            });
        if start < lo && !days.is_empty() {
            days.remove(0);
        }
        days
    }

    /// Calendar days `start..=hi` of `ticker` copied from its classified calendar, when it
    /// is (or now gets) made and gives the same days as classifying them alone.
    fn history_days(
        &self,
        panel: &PricePanel,
        cal: &Calendar,
        ticker: usize,
        inst: &Instrument,
        start: usize,
        hi: usize,
    ) -> Option<Vec<LimitDay>> {
        let history = self.history.get(ticker)?;
        let asked = history.asked.fetch_add(hi + 1 - start, Ordering::Relaxed);
        if history.days.get().is_none() && asked < HISTORY_AFTER * cal.len() {
            return None;
        }
        let (all, last_near) = history.days.get_or_init(|| {
            let dates = cal.dates();
            classify_numbered(
                dates,
                &calendar_bars(panel, ticker, dates),
                inst,
                &self.rules,
            )
            .unwrap_or_default()
        });
        if all.len() != cal.len()
            || !self.history_fits(panel, ticker, inst, cal.date(start), *last_near)
        {
            return None;
        }
        let mut days = all[start..=hi].to_vec();
        for d in &mut days {
            d.limit_run = 0;
            d.run_spans_suspension = false;
        }
        mark_runs(&mut days);
        Some(days)
    }

    /// Whether the whole-calendar classification of `ticker` has, from date `d0` on, the
    /// days a classification starting there would: the same day numbers since listing
    /// ([`numbering_agrees`]) and the same reference prices — those differ only when the
    /// first bar from `d0` on has no exchange `prev_close` (the slice then has no previous
    /// close) and an earlier bar exists (the whole calendar has one).
    fn history_fits(
        &self,
        panel: &PricePanel,
        ticker: usize,
        inst: &Instrument,
        d0: NaiveDate,
        last_near: Option<NaiveDate>,
    ) -> bool {
        if !numbering_agrees(inst, &self.rules, d0, last_near) {
            return false;
        }
        let r = panel.ranges[ticker].clone();
        let first = r.start + panel.date[r.clone()].partition_point(|d| *d < d0);
        let earlier_bar = first > r.start;
        let own_reference = first < r.end
            && panel
                .prev_close
                .as_ref()
                .is_some_and(|p| p[first].is_finite() && p[first] > 0.0);
        !earlier_bar || own_reference
    }

    /// Frees the classified calendars (when the events are done).
    pub fn forget_history(&mut self) {
        self.history = Vec::new();
    }

    /// One warning when any classified day had a price off its rule's tick grid: the count
    /// of days and tickers and the first such day. Off-grid prices are what back-adjusted
    /// (or converted) files look like; limit prices computed from them are not the
    /// exchange's, so the limit states of those days are unreliable.
    pub fn off_grid_warning(&self, panel: &PricePanel) -> Option<String> {
        let days: usize = self.off_grid.values().map(BTreeSet::len).sum();
        let (&t, dates) = self
            .off_grid
            .iter()
            .min_by_key(|(t, d)| (d.first().copied(), panel.tickers[**t].as_str()))?;
        let &date = dates.first()?;
        let r = panel.ranges[t].clone();
        let row = r.start + panel.date[r].partition_point(|d| *d < date);
        let close = panel.close.get(row).copied().unwrap_or(f64::NAN);
        let line = panel.line_at(row);
        Some(format!(
            "{}: prices off the tick grid on {days} {} checked for price limits, in {} {} (first: line {line}, {} {date}, close {close}): they look back-adjusted; price limits need the unadjusted prices the exchange traded at, so the limit states of these days are unreliable",
            panel.file_of(row).display(),
            if days == 1 { "day" } else { "days" },
            self.off_grid.len(),
            if self.off_grid.len() == 1 {
                "ticker"
            } else {
                "tickers"
            },
            panel.tickers[t],
        ))
    }
}

/// The dates of `days` classified with a price off the tick grid.
pub fn off_grid_dates(days: &[LimitDay]) -> Vec<NaiveDate> {
    days.iter().filter(|d| d.off_grid).map(|d| d.date).collect()
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

/// `ticker`'s bar on each of `dates` (ascending calendar dates), `None` where it has none.
fn calendar_bars(panel: &PricePanel, ticker: usize, dates: &[NaiveDate]) -> Vec<Option<Bar>> {
    let r = panel.ranges[ticker].clone();
    let pd = &panel.date[r.clone()];
    let mut j = dates.first().map_or(0, |d0| pd.partition_point(|d| d < d0));
    dates
        .iter()
        .map(|d| {
            while j < pd.len() && pd[j] < *d {
                j += 1;
            }
            (j < pd.len() && pd[j] == *d).then(|| bar(panel, r.start + j))
        })
        .collect()
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

/// The instruments of an instruments file, keyed by ticker (ST periods accumulate).
fn instruments(file: &InstrumentFile) -> Result<HashMap<String, Instrument>> {
    let mut out: HashMap<String, Instrument> = HashMap::new();
    for row in &file.rows {
        let inst = out.entry(row.ticker.clone()).or_default();
        if let Some(b) = &row.board {
            inst.board = Some(b.parse().map_err(|m: String| Error::Config {
                path: file.path.clone(),
                message: format!("line {}: column \"board\": {m}", row.line),
            })?);
        }
        if let Some(d) = row.listing_date {
            inst.listing_date = Some(d);
        }
        if let Some(from) = row.st_from {
            inst.st_periods
                .push((from, row.st_to.unwrap_or(NaiveDate::MAX)));
        }
    }
    Ok(out)
}

#[cfg(test)]
#[path = "context_tests.rs"]
mod tests;

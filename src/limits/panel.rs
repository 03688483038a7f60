//! `evstudy limits`: every daily-limit hit of a price panel (METHODS-SPEC §6.3), the scan
//! analysts run on its own. Classification is the study's ([`LimitContext`]);
//! the calendar is the market file's dates when given, else the union of the panel's dates.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::classify::{LimitState, RefPriceSource};
use super::context::{LimitContext, LimitSettings};
use super::scan::LimitHit;
use crate::calendar::Calendar;
use crate::config::ColumnMap;
use crate::data::{MarketIndex, PricePanel};
use crate::error::Result;

/// Settings of a scan.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScanConfig {
    /// Price file(s), patterns or folders (#11).
    pub prices: crate::config::Paths,
    /// Optional market file (its dates are the calendar; suspensions show against it).
    pub market: Option<PathBuf>,
    /// Column mapping of the price file.
    pub columns: ColumnMap,
    /// `--date-format` (#11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// `--ticker` of a price file without a ticker column (#11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticker: Option<String>,
    /// `--layout` (#11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<crate::config::Layout>,
    /// First date reported.
    pub from: Option<NaiveDate>,
    /// Last date reported.
    pub to: Option<NaiveDate>,
    /// Limit rules and instruments.
    #[serde(flatten)]
    pub limits: LimitSettings,
}

/// The hits of a scan and their counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LimitScan {
    /// Rows read.
    pub n_rows: usize,
    /// Tickers read.
    pub n_tickers: usize,
    /// Tickers with a limit rule (board known or inferred, or a custom rule).
    pub n_tickers_with_rule: usize,
    /// Trading days in the reported range, by state (suspended days included).
    pub counts: BTreeMap<String, usize>,
    /// Days trading outside the band.
    pub n_rule_mismatch: usize,
    /// Notes on how the file was read (encoding, title lines, duplicates dropped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Warnings (suspension rows, implausible bars, board inference, reference-price
    /// fallback).
    pub warnings: Vec<String>,
    /// Every hit (state other than none / no_limit / suspended, or a rule mismatch), by ticker then date.
    pub hits: Vec<LimitHit>,
}

/// Scan a panel for limit hits.
///
/// # Errors
/// Input errors of the price or market file, or a bad rule/instruments file.
pub fn scan_limits(cfg: &ScanConfig) -> Result<LimitScan> {
    let files = cfg.prices.expand("prices")?;
    let opts = crate::data::ReadOptions {
        columns: &cfg.columns,
        date_format: cfg.date_format.as_deref(),
        ticker: cfg.ticker.as_deref(),
        returns_column: None,
        layout: cfg.layout,
    };
    let panel = PricePanel::load_many(&files, &opts)?;
    let dates = if let Some(m) = &cfg.market {
        MarketIndex::load_with(m, &opts)?.dates
    } else {
        let mut d = panel.date.clone();
        d.sort_unstable();
        d.dedup();
        d
    };
    let cal = Calendar::new(dates);
    let mut lctx = LimitContext::new(&cfg.limits, &panel, &opts)?;
    let mut out = LimitScan {
        n_rows: panel.len(),
        n_tickers: panel.tickers.len(),
        n_tickers_with_rule: 0,
        counts: BTreeMap::new(),
        n_rule_mismatch: 0,
        notes: panel.notices.clone(),
        warnings: panel
            .warnings
            .iter()
            .cloned()
            .chain(panel.plausibility())
            .collect(),
        hits: Vec::new(),
    };
    let in_range = |d: NaiveDate| cfg.from.is_none_or(|f| d >= f) && cfg.to.is_none_or(|t| d <= t);
    let mut fallback_ref = 0usize;
    for t in 0..panel.tickers.len() {
        let Some((inst, _)) = lctx.instrument(&panel, t) else {
            continue;
        };
        let r = panel.ranges[t].clone();
        // The ticker's span on the calendar (rows before or after the calendar are not scanned).
        let lo = cal.dates().partition_point(|d| *d < panel.date[r.start]);
        let hi = cal.dates().partition_point(|d| *d <= panel.date[r.end - 1]);
        if lo >= hi {
            continue;
        }
        let hi = hi - 1;
        out.n_tickers_with_rule += 1;
        let days = lctx.classify(&panel, &cal, t, &inst, lo, hi);
        let mut row = r.start;
        for d in days.iter().filter(|d| in_range(d.date)) {
            *out.counts.entry(d.state.as_str().to_string()).or_default() += 1;
            out.n_rule_mismatch += usize::from(d.rule_mismatch);
            fallback_ref += usize::from(d.ref_price_source == RefPriceSource::PreviousClose);
            let quiet = matches!(
                d.state,
                LimitState::None | LimitState::NoLimit | LimitState::Suspended
            );
            if quiet && !d.rule_mismatch {
                continue;
            }
            while row < r.end && panel.date[row] < d.date {
                row += 1;
            }
            out.hits.push(LimitHit {
                date: d.date,
                ticker: panel.tickers[t].clone(),
                state: d.state,
                close: panel.close.get(row).copied().unwrap_or(f64::NAN),
                ref_price: d.ref_price,
                up_limit: d.up_limit,
                down_limit: d.down_limit,
                run_length: d.limit_run,
                rule_mismatch: d.rule_mismatch,
                run_spans_suspension: d.run_spans_suspension,
            });
        }
    }
    if !lctx.inferred.is_empty() {
        out.warnings.push(format!(
            "limit board inferred from the A-share code for {} tickers; give --instruments to set boards, ST periods and listing dates",
            lctx.inferred.len()
        ));
    }
    out.warnings.extend(lctx.off_grid_warning(&panel));
    if fallback_ref > 0 {
        out.warnings.push(format!(
            "{}: no prev_close for {fallback_ref} days: limits computed from the previous raw close, which is wrong on ex-dividend days",
            panel.files_display()
        ));
    }
    Ok(out)
}

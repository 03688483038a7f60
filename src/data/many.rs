//! Several price files read as one (#11): `--prices` repeated, a pattern or a folder. The
//! files are read in parallel (each as [`PricePanel::load_with`] reads one) and merged into
//! the panel one concatenated file would give: tickers in name order, each ticker's rows in
//! date order across files, an exact duplicate row (the same ticker, date and values in two
//! files) dropped with a count, a conflicting one a located error naming both files.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::ReadOptions;
use super::prices::PricePanel;
use crate::error::{Error, Result};

/// Notes kept from the files before they are summarized (one per file would bury the rest).
const MAX_NOTES: usize = 12;

impl PricePanel {
    /// Read `files` (at least one) in parallel and merge them.
    ///
    /// # Errors
    /// The first file's error in the given order (whatever finished first); a ticker and
    /// date in two files with different values ([`Error::DuplicateAcrossFiles`]).
    pub fn load_many(files: &[PathBuf], opts: &ReadOptions<'_>) -> Result<Self> {
        match files {
            [] => Err(Error::Internal("no price file to read".into())),
            [one] => PricePanel::load_with(one, opts),
            many => merge(&read_parallel(many, opts)?),
        }
    }
}

/// Each file's panel, in the order given; the error of the first file (in that order) that
/// fails.
fn read_parallel(files: &[PathBuf], opts: &ReadOptions<'_>) -> Result<Vec<PricePanel>> {
    use rayon::prelude::*;
    let read: Vec<Result<PricePanel>> = files
        .par_iter()
        .map(|f| PricePanel::load_with(f, opts))
        .collect();
    read.into_iter().collect()
}

/// One row's place: panel, row.
type Row = (usize, usize);

/// An optional column of a panel.
type Get = fn(&PricePanel) -> Option<&[f64]>;
fn open(p: &PricePanel) -> Option<&[f64]> {
    p.open.as_deref()
}
fn high(p: &PricePanel) -> Option<&[f64]> {
    p.high.as_deref()
}
fn low(p: &PricePanel) -> Option<&[f64]> {
    p.low.as_deref()
}
fn prev_close(p: &PricePanel) -> Option<&[f64]> {
    p.prev_close.as_deref()
}
fn adj_close(p: &PricePanel) -> Option<&[f64]> {
    p.adj_close.as_deref()
}
fn st(p: &PricePanel) -> Option<&[f64]> {
    p.st.as_deref()
}
fn ret(p: &PricePanel) -> Option<&[f64]> {
    p.ret.as_deref()
}

fn merge(panels: &[PricePanel]) -> Result<PricePanel> {
    let names: BTreeSet<&String> = panels.iter().flat_map(|p| &p.tickers).collect();
    let getters: [Get; 7] = [open, high, low, prev_close, adj_close, st, ret];
    let optional: Vec<(Get, bool)> = getters
        .iter()
        .map(|&f| (f, panels.iter().any(|p| f(p).is_some())))
        .collect();
    let value = |(p, r): Row, k: usize| -> f64 {
        if k == 0 {
            panels[p].close[r]
        } else {
            optional[k - 1].0(&panels[p])
                .as_ref()
                .map_or(f64::NAN, |v| v[r])
        }
    };
    let same = |a: Row, b: Row| {
        (0..=optional.len()).all(|k| value(a, k).to_bits() == value(b, k).to_bits())
    };

    let mut rows: Vec<Row> = Vec::new();
    let mut ranges = Vec::with_capacity(names.len());
    let (mut dropped, mut first_dropped): (usize, Option<(Row, Row)>) = (0, None);
    for name in &names {
        let start = rows.len();
        let mut mine: Vec<Row> = Vec::new();
        for (p, panel) in panels.iter().enumerate() {
            if let Some(t) = panel.ticker_index(name) {
                mine.extend(panel.ranges[t].clone().map(|r| (p, r)));
            }
        }
        // Stable: rows of one date keep the order of the files.
        mine.sort_by_key(|&(p, r)| panels[p].date[r]);
        for row in mine {
            if let Some(&prev) = rows.last().filter(|_| rows.len() > start)
                && panels[prev.0].date[prev.1] == panels[row.0].date[row.1]
            {
                if !same(prev, row) {
                    return Err(Error::DuplicateAcrossFiles {
                        path: panels[row.0].path.clone(),
                        line: u64::from(panels[row.0].line_at(row.1)),
                        other: panels[prev.0].path.clone(),
                        other_line: u64::from(panels[prev.0].line_at(prev.1)),
                        ticker: (*name).clone(),
                        date: panels[row.0].date[row.1].to_string(),
                    });
                }
                dropped += 1;
                first_dropped.get_or_insert((row, prev));
                continue;
            }
            rows.push(row);
        }
        ranges.push(start..rows.len());
    }

    let column = |k: usize| -> Vec<f64> { rows.iter().map(|&r| value(r, k)).collect() };
    let file_of = |p: usize| u16::try_from(p).unwrap_or(u16::MAX);
    let mut notices: Vec<String> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    for p in panels {
        notices.extend(p.notices.iter().cloned());
        warnings.extend(p.warnings.iter().cloned());
    }
    if notices.len() > MAX_NOTES {
        let more = notices.len() - (MAX_NOTES - 1);
        notices.truncate(MAX_NOTES - 1);
        notices.push(format!(
            "… and {more} more notes of this kind on the other price files (evstudy inspect shows each file's)"
        ));
    }
    notices.insert(
        0,
        format!(
            "read {} price files as one: {} rows, {} tickers",
            panels.len(),
            rows.len(),
            names.len()
        ),
    );
    if let Some((row, prev)) = first_dropped {
        notices.push(format!(
            "dropped {dropped} exact duplicate {} found in two price files (first: {} line {}, repeats {} line {})",
            if dropped == 1 { "row" } else { "rows" },
            panels[row.0].path.display(),
            panels[row.0].line_at(row.1),
            panels[prev.0].path.display(),
            panels[prev.0].line_at(prev.1),
        ));
    }
    let mut merged = PricePanel {
        path: panels[0].path.clone(),
        files: panels.iter().map(|p| p.path.clone()).collect(),
        file: rows.iter().map(|&(p, _)| file_of(p)).collect(),
        tickers: names.iter().map(|n| (*n).clone()).collect(),
        ranges,
        date: rows.iter().map(|&(p, r)| panels[p].date[r]).collect(),
        close: column(0),
        ret: None,
        ret_column: panels[0].ret_column.clone(),
        open: None,
        high: None,
        low: None,
        prev_close: None,
        adj_close: None,
        st: None,
        line: super::prices::Lines::Rows(rows.iter().map(|&(p, r)| panels[p].line_at(r)).collect()),
        notices,
        warnings,
        index: std::collections::HashMap::default(),
    };
    let cols: Vec<Option<Vec<f64>>> = (0..optional.len())
        .map(|k| optional[k].1.then(|| column(k + 1)))
        .collect();
    let [open, high, low, prev_close, adj_close, st, ret]: [Option<Vec<f64>>; 7] = cols
        .try_into()
        .map_err(|_| Error::Internal("optional price columns".into()))?;
    (
        merged.open,
        merged.high,
        merged.low,
        merged.prev_close,
        merged.adj_close,
        merged.st,
        merged.ret,
    ) = (open, high, low, prev_close, adj_close, st, ret);
    merged.reindex();
    Ok(merged)
}

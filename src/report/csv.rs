//! CSV tables: `ar.csv` (one row per event × relative day), `events.csv` (one row per
//! event, skipped ones included with their reason), `aar.csv`, `tests.csv` and the
//! `evstudy limits` hit list. Pure functions from a finished [`Study`] to bytes.
//!
//! Records are `Serialize` row structs (`csv_rows.rs`) written by the `csv` crate: fields
//! quoted only when they hold a comma, quote or line break (`QuoteStyle::Necessary`),
//! records ended by `\n`. Numbers are written in Rust's shortest round-trip form (never
//! an exponent), missing values as empty cells, so the same study always gives the same
//! bytes.

use csv::{ByteRecord, QuoteStyle, Terminator, WriterBuilder};
use serde::Serialize;

use crate::data::convert::TableType;
use crate::error::{Error, Result};
use crate::result::Study;

#[path = "csv_rows.rs"]
mod rows;
#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;

use rows::{
    AarCells, ArRow, CoefCells, EventCells, HitRow, LimitCells, StatCells, TestRow, WindowCells,
};

/// The Parquet type of a column of `ar.csv` or `events.csv`, by its name (the schema of
/// `--format parquet` does not depend on the rows).
pub fn column_type(name: &str) -> TableType {
    const TEXT: &[&str] = &[
        "event_id",
        "ticker",
        "ticker_as_written",
        "group",
        "label",
        "shift_reason",
        "status",
        "skip_reason",
        "model",
        "limit_board",
        "limit_state",
        "ref_price_source",
    ];
    const DATE: &[&str] = &[
        "event_date",
        "day0",
        "date",
        "first_trade_date",
        "first_free_date",
    ];
    const INT: &[&str] = &[
        "rel_day",
        "span",
        "return_span",
        "line",
        "shift_days",
        "df",
        "halt_days",
        "first_trade_day",
        "resumption_span",
        "limit_run_day0",
        "first_limit_day",
        "first_free_day",
    ];
    const BOOL: &[&str] = &[
        "censored",
        "free_day",
        "rule_mismatch",
        "continuation",
        "limit_run_censored",
    ];
    if TEXT.contains(&name) {
        TableType::Text
    } else if DATE.contains(&name) {
        TableType::Date
    } else if INT.contains(&name) || name.starts_with("n_") {
        TableType::Int
    } else if BOOL.contains(&name) {
        TableType::Bool
    } else {
        TableType::Float
    }
}

/// Format an optional number: shortest round-trip decimal ([`push_num`]), empty when missing
/// or not finite.
pub fn num(v: Option<f64>) -> String {
    let mut out = String::new();
    push_num(v, &mut out);
    out
}

/// [`num`] appended to `out`: the shortest decimal that reads back as the same double, laid
/// out as Rust's `{}` does (never an exponent: `0.0000001`, `1`, `-0`), and when several are
/// as short the nearest (as Python's `repr` and numpy print it; `{}` picks another in about
/// 1 double of 7,500). From `ryu`'s digits: several times faster than `format!`, which
/// dominated the writing of `ar.csv` (#13).
pub fn push_num(v: Option<f64>, out: &mut String) {
    let Some(x) = v.filter(|x| x.is_finite()) else {
        return;
    };
    let mut buf = ryu::Buffer::new();
    let text = buf.format_finite(x);
    // ryu writes `[-]d[.ddd][e[-]k]` (or `[-]0.000ddd`, `[-]ddd.0` without an exponent):
    // split off the sign, gather the significant digits and the position of the point.
    let (neg, body) = text.strip_prefix('-').map_or((false, text), |b| (true, b));
    let (mantissa, exp) = body
        .split_once('e')
        .map_or((body, 0), |(m, e)| (m, e.parse::<i32>().unwrap_or(0)));
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let frac = frac.trim_end_matches('0');
    // The significant digits are `head` then `tail`, and value = 0.<digits> x 10^point. ryu
    // writes no leading zero but the lone `0` before a point (`0.000ddd`, `0.0`), so the
    // digits are one slice there and `int`, `frac` otherwise: no copy of them is made
    // (this runs once per number of ar.csv).
    let (head, tail, point) = if int == "0" {
        let sig = frac.trim_start_matches('0');
        (sig, "", exp - (frac.len() - sig.len()) as i32)
    } else {
        (int, frac, int.len() as i32 + exp)
    };
    let n = head.len() + tail.len();
    if neg {
        out.push('-');
    }
    if n == 0 {
        out.push('0');
        return;
    }
    // Digits `from..to` of `head` + `tail`.
    let push_digits = |out: &mut String, from: usize, to: usize| {
        let h = head.len();
        if from < h {
            out.push_str(&head[from..to.min(h)]);
        }
        if to > h {
            out.push_str(&tail[from.max(h) - h..to - h]);
        }
    };
    match usize::try_from(point) {
        Err(_) | Ok(0) => {
            out.push_str("0.");
            for _ in point..0 {
                out.push('0');
            }
            push_digits(out, 0, n);
        }
        Ok(p) if p < n => {
            push_digits(out, 0, p);
            out.push('.');
            push_digits(out, p, n);
        }
        Ok(p) => {
            push_digits(out, 0, n);
            for _ in n..p {
                out.push('0');
            }
        }
    }
}

/// `ar.csv`.
///
/// # Errors
/// `Internal` when a record cannot be written (a bug: every record has the header's length).
pub fn ar_csv(study: &Study) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_ar_csv(study, &mut out).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(out)
}

/// [`ar_csv`] written to `w` as it is rendered, [`STREAM_CHUNK`] events at a time (#13).
///
/// # Errors
/// What `w` returns; a record that cannot be written (a bug) as an `Other` error.
pub fn write_ar_csv(study: &Study, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let other = |e: Error| std::io::Error::other(e.to_string());
    let header = columns::<ArRow>().map_err(other)?;
    w.write_all(
        &Table::new("ar.csv", &header)
            .and_then(Table::finish)
            .map_err(other)?,
    )?;
    super::write::pipelined(
        study.events.chunks(STREAM_CHUNK),
        |chunk| {
            Table::rows_par("ar.csv", &header, chunk, |t, e| {
                e.days.iter().try_for_each(|d| t.row(ArRow::new(e, d)))
            })
            .map_err(other)
        },
        |rows| w.write_all(&rows),
    )
}

/// Events rendered before their rows are written out by [`write_ar_csv`].
pub const STREAM_CHUNK: usize = 8192;

/// `events.csv`: the event's fixed cells, then `car,bhar,scar,t,p,n_ar` suffixed by each
/// CAR window (`car_m1_1`), then the limit cells; for a factor model then `n_no_factors`
/// and `coef_`/`se_`/`t_` of `const` and each factor (`coef_mkt_rf`, ...).
///
/// # Errors
/// `Internal` when a record cannot be written, e.g. a study whose events do not have one
/// result per CAR window of its settings.
pub fn events_csv(study: &Study) -> Result<Vec<u8>> {
    let mut header = columns::<EventCells>()?;
    let stems = columns::<WindowCells>()?;
    for w in &study.config.car_windows {
        let s = w.column_suffix();
        for stem in &stems {
            header.push_field(&[stem, b"_", s.as_bytes()].concat());
        }
    }
    header.extend(&columns::<LimitCells>()?);
    // Factor models: the days without factors and every coefficient with se and t.
    let factor_model = study.config.model.is_factor_model();
    let coefs: Vec<String> = if factor_model {
        std::iter::once("const".to_string())
            .chain(study.config.factor_names())
            .collect()
    } else {
        Vec::new()
    };
    if factor_model {
        header.push_field(b"n_no_factors");
    }
    for c in &coefs {
        for stem in ["coef", "se", "t"] {
            header.push_field(format!("{stem}_{c}").as_bytes());
        }
    }
    let model = study.config.model.name();
    let factor_cells = |e: Option<&crate::result::EventResult>| {
        let n_no: Vec<Option<usize>> = if factor_model {
            vec![e.and_then(|e| e.n_no_factors)]
        } else {
            Vec::new()
        };
        let cells: Vec<CoefCells> = coefs
            .iter()
            .map(|c| {
                CoefCells::new(e.and_then(|e| e.fit.coefficients().iter().find(|k| &k.name == c)))
            })
            .collect();
        (n_no, cells)
    };
    let computed = Table::rows_par("events.csv", &header, &study.events, |t, e| {
        let windows: Vec<_> = e.windows.iter().map(WindowCells::new).collect();
        let limits = LimitCells::new(e.limits.as_ref());
        t.row((
            EventCells::computed(e, model),
            windows,
            limits,
            factor_cells(Some(e)),
        ))
    })?;
    let skipped = Table::rows_par("events.csv", &header, &study.skipped, |t, s| {
        let n = study.config.car_windows.len();
        let windows: Vec<_> = std::iter::repeat_with(WindowCells::default)
            .take(n)
            .collect();
        let limits = LimitCells::default();
        t.row((
            EventCells::skipped(s, model),
            windows,
            limits,
            factor_cells(None),
        ))
    })?;
    let mut out = Table::new("events.csv", &header)?.finish()?;
    out.extend_from_slice(&computed);
    out.extend_from_slice(&skipped);
    Ok(out)
}

/// `aar.csv`: per group and relative day, n, AAR, CAAR and each day test (statistic and p).
///
/// # Errors
/// `Internal` when a record cannot be written (a day without one result per test).
pub fn aar_csv(study: &Study) -> Result<Vec<u8>> {
    let mut header = columns::<AarCells>()?;
    for t in &study.config.tests {
        header.push_field(t.name().as_bytes());
        header.push_field(format!("{}_p", t.name()).as_bytes());
    }
    let mut t = Table::new("aar.csv", &header)?;
    for g in &study.groups {
        for d in &g.days {
            let stats: Vec<_> = d.tests.iter().map(StatCells::new).collect();
            t.row((AarCells::new(&g.group, d), stats))?;
        }
    }
    t.finish()
}

/// `tests.csv`: long table, one row per group × CAR window × test, preceded by the window's
/// CAAR as test `caar`:
/// `group,window,test,statistic,p_value,df,n,distribution,note,n_excluded,excluded,rbar,rbar_pairs,mean_overlap`.
/// `n_excluded` and `excluded` (`reason:count;...`) describe the window, so every row of it
/// repeats them (all its tests use the same events); `rbar`, `rbar_pairs` and
/// `mean_overlap` are filled on the rows of the Kolari–Pynnönen tests.
///
/// # Errors
/// `Internal` when a record cannot be written (a bug).
pub fn tests_csv(study: &Study) -> Result<Vec<u8>> {
    let mut t = Table::new("tests.csv", &columns::<TestRow>()?)?;
    for g in &study.groups {
        let group = g.group.as_str();
        if let Some(f) = &g.car_free {
            let note = format!(
                "abhar_free={};continuation={};reversal={}",
                num(f.abhar_free),
                f.n_continuation,
                f.n_reversal
            );
            let window = "0:f";
            let excluded = exclusion_summary(&f.excluded);
            let out = (f.n_excluded, excluded.as_str());
            t.row(TestRow::average(
                group,
                window,
                "caar_free",
                (f.caar_free, f.n),
                note,
                out,
            ))?;
            for s in &f.tests {
                t.row(TestRow::test(group, window, s, out))?;
            }
        }
        for w in &g.windows {
            let note = format!("abhar={}", num(w.abhar));
            let window = w.window.to_string();
            let excluded = exclusion_summary(&w.excluded);
            let out = (w.n_excluded, excluded.as_str());
            t.row(TestRow::average(
                group,
                &window,
                "caar",
                (w.caar, w.n),
                note,
                out,
            ))?;
            for s in &w.tests {
                t.row(TestRow::test(group, &window, s, out))?;
            }
        }
    }
    t.finish()
}

/// `reason:count;...` of the events a window left out (empty when none).
pub fn exclusion_summary(excluded: &[crate::result::Exclusion]) -> String {
    excluded
        .iter()
        .map(|e| format!("{}:{}", e.reason, e.n))
        .collect::<Vec<_>>()
        .join(";")
}

/// `evstudy limits` CSV: one row per hit.
///
/// # Errors
/// `Internal` when a record cannot be written (a bug).
pub fn hits_csv(scan: &crate::limits::LimitScan) -> Result<Vec<u8>> {
    let mut t = Table::new("limits CSV", &columns::<HitRow>()?)?;
    for h in &scan.hits {
        t.row(HitRow::new(h))?;
    }
    t.finish()
}

/// The writer every table uses: quotes only where needed, `\n` after each record, and
/// every record as long as the header (the csv crate checks it).
fn writer() -> csv::Writer<Vec<u8>> {
    WriterBuilder::new()
        .has_headers(false)
        .quote_style(QuoteStyle::Necessary)
        .terminator(Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

/// The column names of record type `R`: its serde field names.
///
/// The csv crate writes these only as the header above a first record, so they are taken
/// from the header it writes above `R::default()` (the header must be written even when no
/// record follows, e.g. `ar.csv` of a study whose events were all skipped).
fn columns<R: Serialize + Default>() -> Result<ByteRecord> {
    let internal = |e: &dyn std::fmt::Display| {
        let what = std::any::type_name::<R>();
        Error::Internal(format!("cannot name the columns of {what}: {e}"))
    };
    let mut w = WriterBuilder::new()
        .has_headers(true)
        .from_writer(Vec::new());
    w.serialize(R::default()).map_err(|e| internal(&e))?;
    let bytes = w.into_inner().map_err(|e| internal(e.error()))?;
    let mut header = ByteRecord::new();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice())
        .read_byte_record(&mut header)
        .map_err(|e| internal(&e))?;
    Ok(header)
}

/// Items per chunk of a table rendered in parallel ([`Table::rows_par`]).
const ROW_CHUNK: usize = 256;

/// A CSV file being written: the header first, then one record per [`Table::row`].
struct Table {
    name: &'static str,
    wtr: csv::Writer<Vec<u8>>,
}

impl Table {
    fn new(name: &'static str, header: &ByteRecord) -> Result<Self> {
        let mut t = Table {
            name,
            wtr: writer(),
        };
        t.wtr.write_byte_record(header).map_err(|e| t.error(&e))?;
        Ok(t)
    }

    /// The rows that `rows` writes for each of `items` (no header), rendered on the rayon
    /// pool [`ROW_CHUNK`] items at a time and joined in order: the bytes one writer would
    /// write (#13). Each chunk's writer starts with the header, so the csv crate checks every
    /// record's length against it; the copies are cut when the chunks are joined.
    fn rows_par<T: Sync>(
        name: &'static str,
        header: &ByteRecord,
        items: &[T],
        rows: impl Fn(&mut Table, &T) -> Result<()> + Sync,
    ) -> Result<Vec<u8>> {
        use rayon::prelude::*;
        let head = Table::new(name, header)?.finish()?.len();
        let chunks = items
            .par_chunks(ROW_CHUNK)
            .map(|chunk| {
                let mut t = Table::new(name, header)?;
                chunk.iter().try_for_each(|item| rows(&mut t, item))?;
                t.finish()
            })
            .collect::<Result<Vec<Vec<u8>>>>()?;
        let mut out = Vec::with_capacity(chunks.iter().map(|c| c.len() - head).sum());
        for c in chunks {
            out.extend_from_slice(&c[head..]);
        }
        Ok(out)
    }

    fn row(&mut self, record: impl Serialize) -> Result<()> {
        self.wtr.serialize(record).map_err(|e| self.error(&e))
    }

    fn finish(self) -> Result<Vec<u8>> {
        let name = self.name;
        self.wtr
            .into_inner()
            .map_err(|e| Error::Internal(format!("cannot write {name}: {}", e.error())))
    }

    fn error(&self, e: &csv::Error) -> Error {
        Error::Internal(format!("cannot write {}: {e}", self.name))
    }
}

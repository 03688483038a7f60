//! Which rows of a price file become panel rows (#11): exact duplicate rows are dropped and
//! counted (a duplicate with other values stays a located error), and vendor suspension rows
//! are dropped and counted, so a halted day is exactly a missing row (METHODS.md,
//! "Suspension rows"). Works on the row order sorted by (ticker, date).

use chrono::NaiveDate;

/// The values of one file row that two duplicates must share, and the halt markers.
pub struct RowData<'a> {
    /// Ticker id of each row.
    pub ids: &'a [u32],
    /// Date of each row.
    pub dates: &'a [NaiveDate],
    /// Every numeric column read (close first), `NaN` for empty cells.
    pub numbers: Vec<&'a [f64]>,
    /// `open`, `high`, `low` when present.
    pub ohl: Vec<&'a [f64]>,
    /// `close`.
    pub close: &'a [f64],
    /// The exchange previous close, when present.
    pub prev_close: Option<&'a [f64]>,
    /// `volume`, when present.
    pub volume: Option<&'a [f64]>,
    /// baostock's `tradestatus` (`0` = suspended), when present.
    pub tradestatus: Option<&'a [f64]>,
    /// A `suspended`/`停牌` flag per row, when present.
    pub suspended: Option<Vec<bool>>,
}

/// The rows kept, and what was dropped.
#[derive(Debug, Default)]
pub struct Kept {
    /// Rows kept, in (ticker, date) order (the order given, with the dropped rows taken out
    /// in place: no second row list, #13).
    pub rows: Vec<u32>,
    /// Exact duplicates dropped: count and the first one's (row, row it repeats).
    pub duplicates: usize,
    /// First dropped duplicate (its row, the row it repeats).
    pub first_duplicate: Option<(usize, usize)>,
    /// Suspension rows dropped, by marker: tradestatus, flag, zero volume at the last close.
    pub halts: [usize; 3],
    /// First dropped suspension row.
    pub first_halt: Option<usize>,
}

/// Two rows with one (ticker, date) and another value: the rows (first, second in file order).
pub struct Conflict(pub usize, pub usize);

/// Walk `order` (sorted by ticker, date; ties in file order) keeping the first of exact
/// duplicates and dropping suspension rows; the rows kept are `order` with the others
/// taken out.
///
/// # Errors
/// The first two rows with one (ticker, date) whose values differ.
pub fn keep(mut order: Vec<u32>, d: &RowData<'_>) -> Result<Kept, Conflict> {
    let mut out = Kept::default();
    let same = |a: usize, b: usize| {
        d.numbers
            .iter()
            .all(|c| c[a] == c[b] || (c[a].is_nan() && c[b].is_nan()))
            && d.suspended.as_ref().is_none_or(|s| s[a] == s[b])
    };
    let mut last_trade: Option<usize> = None;
    let mut prev: Option<usize> = None;
    // Rows kept so far: order[..kept] (never ahead of the walk).
    let mut kept = 0;
    for k in 0..order.len() {
        let i = order[k] as usize;
        if let Some(p) = prev
            && d.ids[p] == d.ids[i]
            && d.dates[p] == d.dates[i]
        {
            if !same(p, i) {
                return Err(Conflict(p.min(i), p.max(i)));
            }
            out.duplicates += 1;
            out.first_duplicate.get_or_insert((i, p));
            continue;
        }
        if prev.is_some_and(|p| d.ids[p] != d.ids[i]) {
            last_trade = None;
        }
        prev = Some(i);
        if let Some(kind) = halt(i, last_trade, d) {
            out.halts[kind] += 1;
            out.first_halt.get_or_insert(i);
            continue;
        }
        last_trade = Some(i);
        order[kept] = order[k];
        kept += 1;
    }
    order.truncate(kept);
    out.rows = order;
    Ok(out)
}

/// Whether row `i` is a suspension row, and by which marker (0 tradestatus, 1 flag, 2 zero
/// volume with open, high, low and close at the previous close).
fn halt(i: usize, last_trade: Option<usize>, d: &RowData<'_>) -> Option<usize> {
    if d.tradestatus.is_some_and(|t| t[i] == 0.0) {
        return Some(0);
    }
    if d.suspended.as_ref().is_some_and(|s| s[i]) {
        return Some(1);
    }
    let volume = d.volume?;
    if volume[i] != 0.0 {
        return None;
    }
    let reference = last_trade
        .map(|p| d.close[p])
        .or_else(|| d.prev_close.map(|pc| pc[i]))?;
    let at = |x: f64| (x - reference).abs() <= 1e-9 * reference.abs().max(1.0);
    (at(d.close[i]) && d.ohl.iter().all(|c| c[i].is_nan() || at(c[i]))).then_some(2)
}

/// A suspension flag cell: `1`, `true`, `yes`, `y`, `停牌`, `是`, `suspended`, `halted`.
pub fn flag(cell: &str) -> bool {
    matches!(
        cell.trim().to_lowercase().as_str(),
        "1" | "1.0" | "true" | "yes" | "y" | "t" | "停牌" | "是" | "suspended" | "halted" | "halt"
    )
}

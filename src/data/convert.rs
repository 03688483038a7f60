//! `evstudy convert` (#11, #13): any price files the loader accepts → one canonical long
//! Parquet file, sorted by ticker and date, one row group per ticker (so a reader that needs
//! some tickers reads only their groups). The columns are what evstudy reads: `date` (a
//! Parquet date), `ticker` (canonical), `close` and whichever of `open, high, low,
//! prev_close, adj_close, st, ret` the input had (`ret`: a `--returns-column`, as decimal
//! simple returns); empty cells are nulls. Suspension rows and exact duplicates are already
//! gone (the loader's notes say how many); volume, used only to find suspension rows, is not
//! kept.

use polars::prelude::{
    Column, DataFrame, DataType, NamedFrom, ParquetCompression, ParquetWriter, Series,
};

use super::PricePanel;
use crate::error::{Error, Result};

/// The Parquet bytes of `panel`.
///
/// # Errors
/// `Internal` when polars cannot build or write the frame (not input-dependent).
pub fn panel_to_parquet(panel: &PricePanel) -> Result<Vec<u8>> {
    let internal = |e: polars::prelude::PolarsError| Error::Internal(format!("parquet write: {e}"));
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let optional: [(&str, Option<&[f64]>); 7] = [
        ("open", panel.open.as_deref()),
        ("high", panel.high.as_deref()),
        ("low", panel.low.as_deref()),
        ("prev_close", panel.prev_close.as_deref()),
        ("adj_close", panel.adj_close.as_deref()),
        ("st", panel.st.as_deref()),
        ("ret", panel.ret.as_deref()),
    ];
    let frame = |t: usize| -> Result<DataFrame> {
        let r = panel.ranges[t].clone();
        let days: Vec<i32> = panel.date[r.clone()]
            .iter()
            .map(|d| i32::try_from((*d - epoch).num_days()).unwrap_or(i32::MAX))
            .collect();
        let nullable = |v: &[f64]| -> Vec<Option<f64>> {
            v.iter().map(|x| x.is_finite().then_some(*x)).collect()
        };
        let mut cols = vec![
            Column::from(
                Series::new("date".into(), days)
                    .cast(&DataType::Date)
                    .map_err(internal)?,
            ),
            Column::from(Series::new(
                "ticker".into(),
                vec![panel.tickers[t].as_str(); r.len()],
            )),
            Column::from(Series::new(
                "close".into(),
                nullable(&panel.close[r.clone()]),
            )),
        ];
        for (name, v) in optional {
            if let Some(v) = v {
                cols.push(Column::from(Series::new(
                    name.into(),
                    nullable(&v[r.clone()]),
                )));
            }
        }
        DataFrame::new(r.len(), cols).map_err(internal)
    };
    if panel.tickers.is_empty() {
        return Err(Error::Internal(
            "convert: a loaded panel has no ticker".into(),
        ));
    }
    let first = frame(0)?;
    let mut out = Vec::new();
    let mut writer = ParquetWriter::new(&mut out)
        .with_compression(ParquetCompression::Zstd(None))
        .batched(first.schema())
        .map_err(internal)?;
    writer.write_batch(&first).map_err(internal)?;
    for t in 1..panel.tickers.len() {
        writer.write_batch(&frame(t)?).map_err(internal)?;
    }
    writer.finish().map_err(internal)?;
    Ok(out)
}

/// The Parquet type of one column of evstudy's own tables, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableType {
    Text,
    Date,
    Int,
    Bool,
    Float,
}

/// One of evstudy's own CSV tables (`ar.csv`, `events.csv`) as Parquet (`--format parquet`,
/// #13): the same columns in the same order, each typed by `type_of(name)` so that the
/// schema does not depend on the rows (a column of nulls keeps its type). Floats are the
/// CSV's shortest round-trip decimals, so they come back as the same `f64` bits; empty cells
/// are nulls.
///
/// # Errors
/// `Internal` when the table cannot be read back or written (it is evstudy's own output, so
/// a cell that does not parse as its column's type is a bug).
pub fn table_to_parquet(csv_bytes: &[u8], type_of: impl Fn(&str) -> TableType) -> Result<Vec<u8>> {
    let internal = |e: &dyn std::fmt::Display| Error::Internal(format!("parquet table: {e}"));
    let mut reader = csv::ReaderBuilder::new().from_reader(csv_bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| internal(&e))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    for record in reader.records() {
        let record = record.map_err(|e| internal(&e))?;
        for (col, v) in cells.iter_mut().zip(record.iter()) {
            col.push(v.to_string());
        }
    }
    let rows = cells.first().map_or(0, Vec::len);
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let columns: Vec<Column> = header
        .iter()
        .zip(&cells)
        .map(|(name, col)| -> Result<Column> {
            fn typed<T>(
                name: &str,
                col: &[String],
                parse: impl Fn(&str) -> Option<T>,
            ) -> Result<Vec<Option<T>>> {
                col.iter()
                    .map(|v| {
                        if v.is_empty() {
                            return Ok(None);
                        }
                        parse(v).map(Some).ok_or_else(|| {
                            Error::Internal(format!("parquet table: column {name}: cell {v:?}"))
                        })
                    })
                    .collect()
            }
            let series = match type_of(name) {
                TableType::Text => {
                    Series::new(name.into(), typed(name, col, |v| Some(v.to_string()))?)
                }
                TableType::Bool => Series::new(
                    name.into(),
                    typed(name, col, |v| match v {
                        "true" => Some(true),
                        "false" => Some(false),
                        _ => None,
                    })?,
                ),
                TableType::Date => Series::new(
                    name.into(),
                    typed(name, col, |v| {
                        let d = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()?;
                        i32::try_from((d - epoch).num_days()).ok()
                    })?,
                )
                .cast(&DataType::Date)
                .map_err(|e| internal(&e))?,
                TableType::Int => {
                    Series::new(name.into(), typed(name, col, |v| v.parse::<i64>().ok())?)
                }
                TableType::Float => {
                    Series::new(name.into(), typed(name, col, |v| v.parse::<f64>().ok())?)
                }
            };
            Ok(Column::from(series))
        })
        .collect::<Result<_>>()?;
    let mut df = DataFrame::new(rows, columns).map_err(|e| internal(&e))?;
    let mut out = Vec::new();
    ParquetWriter::new(&mut out)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut df)
        .map_err(|e| internal(&e))?;
    Ok(out)
}

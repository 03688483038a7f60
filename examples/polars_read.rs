//! The baseline of the CLI benchmark: polars alone reading a price file, printing the row
//! count. A CSV is read with the columns, types and options evstudy's loader uses; a Parquet
//! file (one that starts with `PAR1`) with polars' Parquet reader, every column.
//!
//! `cargo run --release --example polars_read -- PRICES.csv|PRICES.parquet`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use evstudy::data::csv::read_header;
use polars::prelude::{CsvReadOptions, DataFrame, DataType, ParquetReader, Schema, SerReader};

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: polars_read PRICES.csv|PRICES.parquet");
        return ExitCode::from(2);
    };
    match read(&path) {
        Ok(df) => {
            println!("{}", df.height());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(3)
        }
    }
}

/// The file, read by polars alone.
fn read(path: &Path) -> Result<DataFrame, String> {
    let parquet = std::fs::File::open(path)
        .and_then(|mut f| {
            let mut magic = [0u8; 4];
            std::io::Read::read_exact(&mut f, &mut magic).map(|()| magic)
        })
        .is_ok_and(|m| &m == b"PAR1");
    if parquet {
        let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
        return ParquetReader::new(f).finish().map_err(|e| e.to_string());
    }
    // The CSV: polars alone, as evstudy's loader asks it to read (header by name, `date`
    // and `ticker` as text, every other column but `volume` as Float64), without evstudy's
    // front end (decoding, sniffing, the structure check).
    let headers = read_header(path).map_err(|e| e.to_string())?;
    let mut schema = Schema::default();
    for h in &headers {
        let dtype = if matches!(h.as_str(), "date" | "ticker" | "volume") {
            DataType::String
        } else {
            DataType::Float64
        };
        schema.with_column(h.as_str().into(), dtype);
    }
    let projection: Vec<usize> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.as_str() != "volume")
        .map(|(i, _)| i)
        .collect();
    CsvReadOptions::default()
        .with_has_header(true)
        .with_schema(Some(std::sync::Arc::new(schema)))
        .with_projection(Some(std::sync::Arc::new(projection)))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(SerReader::finish)
        .map_err(|e| e.to_string())
}

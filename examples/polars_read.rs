//! The baseline of the CLI benchmark: polars alone reading a price file, printing the row
//! count. A CSV is read with the columns, types and options evstudy's loader uses; a Parquet
//! file (one that starts with `PAR1`) with polars' Parquet reader, every column.
//!
//! `cargo run --release --example polars_read -- PRICES.csv|PRICES.parquet`

use std::path::PathBuf;
use std::process::ExitCode;

use evstudy::data::csv::{Col, Kind, read_columns, read_header};

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: polars_read PRICES.csv");
        return ExitCode::from(2);
    };
    if std::fs::File::open(&path)
        .and_then(|mut f| {
            let mut magic = [0u8; 4];
            std::io::Read::read_exact(&mut f, &mut magic).map(|()| magic)
        })
        .is_ok_and(|m| &m == b"PAR1")
    {
        use polars::prelude::{ParquetReader, SerReader};
        let read = std::fs::File::open(&path)
            .map_err(|e| e.to_string())
            .and_then(|f| ParquetReader::new(f).finish().map_err(|e| e.to_string()));
        return match read {
            Ok(df) => {
                println!("{}", df.height());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(3)
            }
        };
    }
    let headers = match read_header(&path) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(3);
        }
    };
    let cols: Vec<Col> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h.as_str() != "volume")
        .map(|(index, h)| Col {
            index,
            header: h.clone(),
            kind: if matches!(h.as_str(), "date" | "ticker") {
                Kind::Text
            } else {
                Kind::Number
            },
        })
        .collect();
    match read_columns(&path, &cols) {
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

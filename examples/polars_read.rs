//! The baseline of the CLI benchmark: polars alone reading a price CSV (the same columns,
//! types and options evstudy's loader uses), printing the row count.
//!
//! `cargo run --release --example polars_read -- PRICES.csv`

use std::path::PathBuf;
use std::process::ExitCode;

use evstudy::data::csv::{Col, Kind, read_columns, read_header};

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: polars_read PRICES.csv");
        return ExitCode::from(2);
    };
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

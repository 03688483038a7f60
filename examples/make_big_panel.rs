//! A seeded synthetic panel as canonical long Parquet, for the CLI benchmark's CRSP-size run
//! (#13): `TICKERS` tickers × `YEARS` years of business days (default 20,000 × 20 = 5,218
//! sessions, 104,360,000 rows), written one row group per ticker without holding the panel in
//! memory, plus `index.csv` (the calendar) and `events.csv` (`EVENTS` seeded events, each
//! with 260 sessions before and 20 after).
//!
//! `cargo run --release --example make_big_panel -- OUTDIR [TICKERS YEARS EVENTS SEED]`
//!
//! Prices follow `r = beta r_m + sigma z` (z uniform-sum, capped at ±9.5% so every close
//! respects its ±10% band), rounded to the 0.01 grid; `prev_close` is the previous close,
//! `open`/`high`/`low` bracket it. The generator is splitmix64 (seeded; the same arguments
//! give the same files).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use polars::prelude::{
    Column, DataFrame, DataType, NamedFrom, ParquetCompression, ParquetWriter, Series,
};

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Approximately standard normal (a scaled sum of three uniforms).
    fn z(&mut self) -> f64 {
        (self.uniform() + self.uniform() + self.uniform() - 1.5) * 2.0
    }
}

fn ticker(k: usize) -> String {
    if k.is_multiple_of(2) {
        format!("{:06}.SH", 600_000 + k / 2)
    } else {
        format!("{:06}.SZ", 1 + k / 2)
    }
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[allow(clippy::print_stderr)]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first().map(PathBuf::from) else {
        eprintln!("usage: make_big_panel OUTDIR [TICKERS YEARS EVENTS SEED]");
        return ExitCode::from(2);
    };
    let num =
        |i: usize, default: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default);
    let (tickers, years, events, seed) = (
        num(1, 20_000),
        num(2, 20),
        num(3, 100_000),
        num(4, 1) as u64,
    );
    match run(&out, tickers, years, events, seed) {
        Ok(rows) => {
            eprintln!(
                "{rows} rows, {tickers} tickers, {events} events -> {}",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(
    out: &std::path::Path,
    tickers: usize,
    years: usize,
    events: usize,
    seed: u64,
) -> Result<usize, String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    std::fs::create_dir_all(out).map_err(|e| err(&e))?;
    let start = chrono::NaiveDate::from_ymd_opt(2005, 1, 3).ok_or("date")?;
    let end = start + chrono::Duration::days(365 * years as i64 + years as i64 / 4);
    let days: Vec<chrono::NaiveDate> = start
        .iter_days()
        .take_while(|d| *d < end)
        .filter(|d| chrono::Datelike::weekday(d).num_days_from_monday() < 5)
        .collect();
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).ok_or("date")?;
    let day_numbers: Vec<i32> = days
        .iter()
        .map(|d| (*d - epoch).num_days() as i32)
        .collect();
    let mut rng = SplitMix(seed);
    // The market: a random walk from 1000.
    let mut market = Vec::with_capacity(days.len());
    let mut level = 1000.0;
    for _ in &days {
        let r = 0.012 * rng.z();
        level *= 1.0 + r;
        market.push((r, level));
    }
    let mut index =
        std::io::BufWriter::new(std::fs::File::create(out.join("index.csv")).map_err(|e| err(&e))?);
    writeln!(index, "date,ticker,close").map_err(|e| err(&e))?;
    for (d, (_, level)) in days.iter().zip(&market) {
        writeln!(index, "{d},BENCHIDX,{level:.4}").map_err(|e| err(&e))?;
    }
    index.flush().map_err(|e| err(&e))?;

    let file = std::fs::File::create(out.join("prices.parquet")).map_err(|e| err(&e))?;
    let mut writer: Option<polars::io::parquet::write::BatchedWriter<std::fs::File>> = None;
    let mut file = Some(file);
    let n = days.len();
    for k in 0..tickers {
        let beta = 0.6 + 0.8 * rng.uniform();
        let sigma = 0.015 + 0.015 * rng.uniform();
        let mut close = cents(5.0 + 45.0 * rng.uniform());
        let (mut o, mut h, mut l, mut c, mut p) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for (rm, _) in &market {
            let prev = close;
            let r = (beta * rm + sigma * rng.z()).clamp(-0.095, 0.095);
            close = cents((prev * (1.0 + r)).max(1.0));
            let open = cents(prev * (1.0 + 0.3 * r));
            let high = open.max(close) + cents(prev * 0.004 * rng.uniform());
            let low = open.min(close) - cents(prev * 0.004 * rng.uniform());
            let up = cents(prev * 1.1);
            let down = cents(prev * 0.9);
            o.push(open);
            h.push(cents(high.min(up)));
            l.push(cents(low.max(down)));
            c.push(close);
            p.push(prev);
        }
        let name = ticker(k);
        let date = Series::new("date".into(), day_numbers.clone())
            .cast(&DataType::Date)
            .map_err(|e| err(&e))?;
        let df = DataFrame::new(
            n,
            vec![
                Column::from(date),
                Column::from(Series::new("ticker".into(), vec![name.as_str(); n])),
                Column::from(Series::new("open".into(), o)),
                Column::from(Series::new("high".into(), h)),
                Column::from(Series::new("low".into(), l)),
                Column::from(Series::new("close".into(), c)),
                Column::from(Series::new("prev_close".into(), p)),
            ],
        )
        .map_err(|e| err(&e))?;
        if writer.is_none() {
            let f = file.take().ok_or("writer")?;
            writer = Some(
                ParquetWriter::new(f)
                    .with_compression(ParquetCompression::Zstd(None))
                    .batched(df.schema())
                    .map_err(|e| err(&e))?,
            );
        }
        if let Some(w) = writer.as_mut() {
            w.write_batch(&df).map_err(|e| err(&e))?;
        }
    }
    if let Some(w) = writer {
        w.finish().map_err(|e| err(&e))?;
    }
    // Events: distinct (ticker, session) pairs with 260 sessions before and 20 after.
    let (lo, hi) = (260usize, n.saturating_sub(21));
    let mut seen = std::collections::HashSet::new();
    let mut ev = std::io::BufWriter::new(
        std::fs::File::create(out.join("events.csv")).map_err(|e| err(&e))?,
    );
    writeln!(ev, "event_id,ticker,date").map_err(|e| err(&e))?;
    let mut written = 0;
    while written < events && hi > lo {
        let t = (rng.next() % tickers as u64) as usize;
        let d = lo + (rng.next() % (hi - lo) as u64) as usize;
        if seen.insert((t, d)) {
            written += 1;
            writeln!(ev, "EV{written:07},{},{}", ticker(t), days[d]).map_err(|e| err(&e))?;
        }
    }
    ev.flush().map_err(|e| err(&e))?;
    Ok(tickers * n)
}

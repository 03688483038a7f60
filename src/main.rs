//! The `evstudy` binary: parse → run → print → exit code. All work is in the library.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use evstudy::cli::{Cli, Command};
use evstudy::{Error, report};

/// Exit codes (documented in the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Exit {
    /// Results written.
    Success = 0,
    /// The machine failed us: a file could not be read or written.
    Failure = 1,
    /// Bad command line or settings.
    Usage = 2,
    /// Bad input data (the message names file, line, column and value).
    BadInput = 3,
    /// `--strict` and at least one event was skipped (results are still written).
    EventsSkipped = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Success
            }
            .into();
        }
    };
    match cli.command {
        Command::Run(args) => run(*args).into(),
        Command::Limits(args) => limits(args).into(),
        Command::Chart(args) => rerender(&args.study, &args.out, |study| {
            if !args.chart.is_empty() {
                study.config.chart.clone_from(&args.chart);
            } else if study.config.chart.is_empty() {
                study.config.chart = vec![evstudy::chart::ChartFormat::Png];
            }
            study.config.chart_width = args.chart_width.unwrap_or(study.config.chart_width);
            study.config.chart_height = args.chart_height.unwrap_or(study.config.chart_height);
            (Vec::new(), study.config.chart.clone())
        })
        .into(),
        Command::Report(args) => rerender(&args.study, &args.out, |_| {
            let formats = if args.format.is_empty() {
                vec![evstudy::config::ReportFormat::Md]
            } else {
                args.format.clone()
            };
            (formats, Vec::new())
        })
        .into(),
    }
}

#[allow(clippy::print_stderr)]
fn fail(e: &Error) -> Exit {
    eprintln!("error: {e}");
    match e {
        Error::Settings(_) => Exit::Usage,
        e if e.is_input_error() => Exit::BadInput,
        _ => Exit::Failure,
    }
}

#[allow(clippy::print_stderr)]
fn run(args: evstudy::cli::RunArgs) -> Exit {
    let quiet = args.quiet;
    let config = match args.into_config() {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let bar = progress_bar();
    let study = match evstudy::study::run_with_progress(&config, &mut |done, total| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    }) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for w in &study.warnings {
        eprintln!("warning: {w}");
    }
    for s in &study.skipped {
        eprintln!("warning: {}", s.message);
    }
    let out = config.out.clone().unwrap_or_default();
    let written = match report::write_study(&study, &out) {
        Ok(w) => w,
        Err(e) => return fail(&e),
    };
    if !quiet {
        let stdout = io::stdout();
        let mut lock = stdout.lock();
        let res = report::summary::write_summary(&study, &mut lock).and_then(|()| {
            writeln!(
                lock,
                "wrote {}",
                written
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        if let Err(e) = res
            && e.kind() != io::ErrorKind::BrokenPipe
        {
            eprintln!("error: writing to stdout: {e}");
            return Exit::Failure;
        }
    }
    if config.strict && !study.skipped.is_empty() {
        eprintln!(
            "error: --strict: {} events were skipped",
            study.skipped.len()
        );
        return Exit::EventsSkipped;
    }
    Exit::Success
}

#[allow(clippy::print_stderr)]
fn limits(args: evstudy::cli::LimitsArgs) -> Exit {
    let (cfg, format, out) = match args.into_config() {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let scan = match evstudy::scan::scan_limits(&cfg) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    for w in &scan.warnings {
        eprintln!("warning: {w}");
    }
    let bytes = match format {
        evstudy::cli::ScanFormat::Csv => report::csv::hits_csv(&scan),
        evstudy::cli::ScanFormat::Json => match serde_json::to_vec_pretty(&scan) {
            Ok(mut v) => {
                v.push(b'\n');
                v
            }
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::Failure;
            }
        },
    };
    let counts: Vec<String> = scan
        .counts
        .iter()
        .filter(|(k, _)| k.as_str() != "none")
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    eprintln!(
        "{} rows, {} tickers ({} with a limit rule): {}; rule mismatches {}",
        scan.n_rows,
        scan.n_tickers,
        scan.n_tickers_with_rule,
        counts.join(", "),
        scan.n_rule_mismatch
    );
    match out {
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if let Err(e) = report::write::write_all(dir, &[(name, bytes)]) {
                return fail(&e);
            }
        }
        None => {
            if let Err(e) = io::stdout().lock().write_all(&bytes)
                && e.kind() != io::ErrorKind::BrokenPipe
            {
                eprintln!("error: writing to stdout: {e}");
                return Exit::Failure;
            }
        }
    }
    Exit::Success
}

type Selection = (
    Vec<evstudy::config::ReportFormat>,
    Vec<evstudy::chart::ChartFormat>,
);

/// `evstudy chart` / `evstudy report`: read a saved study and render, computing nothing.
#[allow(clippy::print_stdout, clippy::print_stderr)]
fn rerender(
    path: &std::path::Path,
    out: &std::path::Path,
    select: impl FnOnce(&mut evstudy::Study) -> Selection,
) -> Exit {
    let mut study = match report::read_study(path) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let (formats, charts) = select(&mut study);
    let written = report::render(&study, &formats, &charts)
        .and_then(|files| report::write::write_all(out, &files));
    match written {
        Ok(w) => {
            let _ = writeln!(
                io::stdout(),
                "wrote {} files into {}",
                w.len(),
                out.display()
            );
            Exit::Success
        }
        Err(e) => fail(&e),
    }
}

/// A progress bar on stderr, only when stderr is a terminal (never in CI or pipes).
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} events {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

//! The `evstudy` binary: parse → run → print → exit code. All work is in the library.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use evstudy::cli::{Cli, Command, ScanFormat, SummaryFormat};
use evstudy::config::{ChartFormat, ReportFormat, Step};
use evstudy::error::ErrorClass;
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
    match run() {
        Ok(exit) => exit.into(),
        Err(e) => fail(&e).into(),
    }
}

/// Parse the command line and carry out the subcommand.
fn run() -> Result<Exit, Error> {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return Ok(if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Success
            });
        }
    };
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n))
            .build_global()
            .map_err(|e| Error::Internal(format!("cannot start {n} threads: {e}")))?;
    }
    match cli.command {
        Command::Run(args) => run_study(*args),
        Command::Limits(args) => limits(args),
        Command::Inspect(args) => inspect(&args),
        Command::Convert(args) => convert(&args),
        Command::Chart(args) => rerender(&args.study, &args.out, |study| {
            if !args.chart.is_empty() {
                study.config.chart.clone_from(&args.chart);
            } else if study.config.chart.is_empty() {
                study.config.chart = vec![ChartFormat::Png];
            }
            study.config.chart_width = args.chart_width.unwrap_or(study.config.chart_width);
            study.config.chart_height = args.chart_height.unwrap_or(study.config.chart_height);
            (Vec::new(), study.config.chart.clone())
        }),
        Command::Init(args) => init(&args),
        Command::Completions(args) => {
            print_stdout(|w| w.write_all(&evstudy::cli::completions(args.shell)))?;
            Ok(Exit::Success)
        }
        Command::Help(args) => {
            let text = evstudy::cli::help_text(args.command.as_deref())?;
            print_stdout(|w| w.write_all(text.as_bytes()))?;
            Ok(Exit::Success)
        }
        Command::Man => {
            let page = evstudy::cli::man_page()?;
            print_stdout(|w| w.write_all(&page))?;
            Ok(Exit::Success)
        }
        Command::Report(args) => rerender(&args.study, &args.out, |study| {
            if args.tex_fragment {
                study.config.tex_form = evstudy::config::TexForm::Fragment;
            }
            let formats = if args.format.is_empty() {
                vec![ReportFormat::Md]
            } else {
                args.format.clone()
            };
            (formats, Vec::new())
        }),
    }
}

/// Print the error and choose its exit code.
fn fail(e: &Error) -> Exit {
    say(format_args!("error: {e}"));
    match e.class() {
        ErrorClass::Usage => Exit::Usage,
        ErrorClass::Input => Exit::BadInput,
        ErrorClass::Machine => Exit::Failure,
    }
}

/// One line on stderr. A stderr that cannot be written (`2>/dev/full`, a closed pipe) is
/// not a reason to fail or panic: the exit code still says what happened. See #15.
fn say(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Write to stdout; a closed pipe is not an error (ripgrep, ruff).
fn print_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    match write(&mut lock).and_then(|()| lock.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::Io {
            path: "<stdout>".into(),
            source: e,
        }),
        _ => Ok(()),
    }
}

fn run_study(args: evstudy::cli::RunArgs) -> Result<Exit, Error> {
    let quiet = args.quiet;
    let summary = args.summary.unwrap_or_default();
    let (config, notice) = args.into_config_with_notice()?;
    if let Some(n) = notice {
        say(format_args!("note: {n}"));
    }
    let out = config.out.clone().unwrap_or_default();
    report::guard::check_out_dir(&out, &report::guard::run_inputs(&config))?;
    report::guard::check_planned(&out, &config.format, !config.chart.is_empty())?;
    let bar = progress_bar();
    let mut timings = Timings::from_env();
    let mut show = |step: Step| {
        timings.step(step);
        show_step(bar.as_ref(), step);
    };
    let study = evstudy::study::run_with_progress(&config, &mut show);
    let mut study = match study {
        Ok(s) => s,
        Err(e) => {
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            return Err(e);
        }
    };
    let messages = || {
        for n in &study.notes {
            say(format_args!("note: {n}"));
        }
        for w in &study.warnings {
            say(format_args!("warning: {w}"));
        }
        for s in &study.skipped {
            say(format_args!("warning: {}", s.message));
        }
    };
    match &bar {
        Some(b) => b.suspend(messages),
        None => messages(),
    }
    let (written, cleanup) = report::write_study_with_progress(&mut study, &out, &mut show)?;
    timings.done();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if !cleanup.removed.is_empty() {
        say(format_args!(
            "note: removed {} files of the previous run in {} that this run does not write (listed in its study.json)",
            cleanup.removed.len(),
            out.display()
        ));
    }
    for p in &cleanup.kept_changed {
        say(format_args!(
            "note: kept {}: a file of the previous run, changed since it was written",
            p.display()
        ));
    }
    let names: Vec<String> = written
        .iter()
        .map(|p| {
            p.strip_prefix(&out)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    if !quiet {
        match summary {
            SummaryFormat::Text => print_stdout(|w| {
                report::summary::write_summary(&study, w)?;
                writeln!(w, "{}", wrote_line(&names, &out))
            })?,
            SummaryFormat::Json => {
                let doc = report::summary_json::summary_json(&study, &out, &names)?;
                print_stdout(|w| w.write_all(&doc))?;
            }
        }
    }
    if config.strict && !study.skipped.is_empty() {
        say(format_args!(
            "error: --strict: {} events were skipped",
            study.skipped.len()
        ));
        return Ok(Exit::EventsSkipped);
    }
    Ok(Exit::Success)
}

fn limits(args: evstudy::cli::LimitsArgs) -> Result<Exit, Error> {
    let (cfg, format, out) = args.into_config()?;
    if let Some(path) = &out {
        report::guard::check_out_file(path, &report::guard::scan_inputs(&cfg))?;
    }
    let scan = evstudy::limits::scan_limits(&cfg)?;
    for n in &scan.notes {
        say(format_args!("note: {n}"));
    }
    for w in &scan.warnings {
        say(format_args!("warning: {w}"));
    }
    let bytes = match format {
        ScanFormat::Csv => report::csv::hits_csv(&scan)?,
        ScanFormat::Json => report::json::scan_json(&scan)?,
    };
    let counts: Vec<String> = scan
        .counts
        .iter()
        .filter(|(k, _)| k.as_str() != "none")
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    say(format_args!(
        "{} rows, {} tickers ({} with a limit rule): {}; rule mismatches {}",
        scan.n_rows,
        scan.n_tickers,
        scan.n_tickers_with_rule,
        counts.join(", "),
        scan.n_rule_mismatch
    ));
    match out {
        Some(path) => {
            report::write::write_file(&path, &bytes)?;
        }
        None => print_stdout(|w| w.write_all(&bytes))?,
    }
    Ok(Exit::Success)
}

/// `evstudy convert`: the price files as one canonical long Parquet file.
fn convert(args: &evstudy::cli::ConvertArgs) -> Result<Exit, Error> {
    let columns = args.read.columns()?;
    let opts = args.read.options(&columns, &args.returns);
    let paths = evstudy::config::Paths(args.files.clone());
    let files = paths.expand("prices")?;
    let inputs: Vec<report::guard::Input<'_>> = files
        .iter()
        .map(|f| ("prices", f.as_path().into()))
        .collect();
    report::guard::check_out_file(&args.to, &inputs)?;
    let panel = evstudy::data::PricePanel::load_many(&files, &opts)?;
    for n in &panel.notices {
        say(format_args!("note: {n}"));
    }
    for w in panel.warnings.iter().chain(&panel.plausibility()) {
        say(format_args!("warning: {w}"));
    }
    let bytes = evstudy::data::convert::panel_to_parquet(&panel)?;
    report::write::write_file(&args.to, &bytes)?;
    say(format_args!(
        "wrote {} ({} rows, {} tickers, one row group per ticker)",
        args.to.display(),
        panel.len(),
        panel.tickers.len()
    ));
    Ok(Exit::Success)
}

/// `evstudy inspect`: a report per file on stdout; exit 3 when a file would stop a run.
fn inspect(args: &evstudy::cli::InspectArgs) -> Result<Exit, Error> {
    use evstudy::cli::{InspectFormat, InspectRole};
    use evstudy::data::inspect::{FileRole, inspect};
    let columns = args.read.columns()?;
    let opts = args.read.options(&columns, &args.returns);
    let role = match args.role {
        InspectRole::Prices => FileRole::Prices,
        InspectRole::Market => FileRole::Market,
        InspectRole::Events => FileRole::Events,
    };
    let found: Vec<_> = args.files.iter().map(|f| inspect(f, role, &opts)).collect();
    match args.format {
        InspectFormat::Text => {
            let text: Vec<String> = found
                .iter()
                .map(evstudy::data::inspect::Inspection::to_text)
                .collect();
            print_stdout(|w| w.write_all(text.join("\n").as_bytes()))?;
        }
        InspectFormat::Json => {
            let mut bytes = serde_json::to_vec_pretty(&found)
                .map_err(|e| Error::Internal(format!("inspect JSON: {e}")))?;
            bytes.push(b'\n');
            print_stdout(|w| w.write_all(&bytes))?;
        }
    }
    Ok(if found.iter().any(|i| i.error.is_some()) {
        Exit::BadInput
    } else {
        Exit::Success
    })
}

/// `wrote N files to DIR (a, b, ...; charts/: K files)`: the top-level files by name, each
/// sub-folder by its count.
fn wrote_line(names: &[String], dir: &Path) -> String {
    let mut top: Vec<&str> = Vec::new();
    let mut sub: Vec<(&str, usize)> = Vec::new();
    for n in names {
        match n.split_once('/') {
            Some((folder, _)) => match sub.iter_mut().find(|(f, _)| *f == folder) {
                Some((_, k)) => *k += 1,
                None => sub.push((folder, 1)),
            },
            None => top.push(n),
        }
    }
    let mut parts = top.join(", ");
    for (folder, k) in sub {
        if !parts.is_empty() {
            parts.push_str("; ");
        }
        parts.push_str(folder);
        parts.push_str("/: ");
        parts.push_str(&k.to_string());
        parts.push_str(" files");
    }
    format!("wrote {} files to {} ({parts})", names.len(), dir.display())
}

/// `evstudy init FILE`: the commented study template, never over an existing file unless
/// `--force`.
fn init(args: &evstudy::cli::InitArgs) -> Result<Exit, Error> {
    let path = &args.path;
    if !args.force && std::fs::symlink_metadata(path).is_ok() {
        return Err(evstudy::error::SettingsError::InitExists {
            path: path.display().to_string(),
        }
        .into());
    }
    report::write::write_file(path, evstudy::config::STUDY_TEMPLATE.as_bytes())?;
    print_stdout(|w| {
        writeln!(
            w,
            "wrote {}: edit the three input paths, then: evstudy run --config {} --out results",
            path.display(),
            path.display()
        )
    })?;
    Ok(Exit::Success)
}

type Selection = (Vec<ReportFormat>, Vec<ChartFormat>);

/// `evstudy chart` / `evstudy report`: read a saved study and render, computing nothing.
fn rerender(
    path: &Path,
    out: &Path,
    select: impl FnOnce(&mut evstudy::Study) -> Selection,
) -> Result<Exit, Error> {
    report::guard::check_out_dir(out, &[])?;
    let (mut study, notes) = report::read_study(path)?;
    for note in notes {
        say(format_args!("note: {note}"));
    }
    let (formats, charts) = select(&mut study);
    if !charts.is_empty() {
        evstudy::config::check_chart_size(study.config.chart_width, study.config.chart_height)?;
    }
    let mut files = report::render(&study, &formats, &charts)?;
    if formats.is_empty() {
        // `evstudy chart --out DIR` writes the charts into DIR itself, not DIR/charts/.
        for (name, _) in &mut files {
            if let Some(rest) = name.strip_prefix("charts/") {
                *name = rest.to_string();
            }
        }
    }
    // The study.json read may sit in the output folder; it is never replaced (`report
    // --format json` there would rewrite the very file it reads). See #15.
    for (name, _) in &files {
        report::guard::check_not_input(&out.join(name), &[("study", path.into())])?;
    }
    let written = report::write::write_all(out, &files)?;
    print_stdout(|w| writeln!(w, "wrote {} files into {}", written.len(), out.display()))?;
    Ok(Exit::Success)
}

/// One line on stderr showing the current step, only when stderr is a terminal (never in CI
/// or pipes); cleared at the end.
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:<18} {bar:40} {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// With `EVSTUDY_TIMINGS` set, one stderr line per step of a run as it starts, with the
/// seconds since the study started (`timing: 0.412 s events`), and one for the end: the
/// phase breakdown `benches/cli_bench.sh` records. Nothing otherwise.
struct Timings {
    start: Option<std::time::Instant>,
    last: &'static str,
}

impl Timings {
    fn from_env() -> Self {
        Timings {
            start: std::env::var_os("EVSTUDY_TIMINGS").map(|_| std::time::Instant::now()),
            last: "",
        }
    }

    fn step(&mut self, step: Step) {
        let name = match step {
            Step::Loading => "loading",
            Step::Events { .. } => "events",
            Step::Tests => "tests",
            Step::Table(name) => name,
            Step::Charts { .. } => "charts",
            Step::Writing { .. } => "saving",
        };
        if name != self.last {
            self.last = name;
            self.print(name);
        }
    }

    fn done(&self) {
        self.print("done");
    }

    fn print(&self, what: &str) {
        if let Some(start) = self.start {
            say(format_args!(
                "timing: {:.3} s {what}",
                start.elapsed().as_secs_f64()
            ));
        }
    }
}

/// Show a [`Step`] on the progress line.
fn show_step(bar: Option<&indicatif::ProgressBar>, step: Step) {
    let Some(b) = bar else {
        return;
    };
    let (msg, pos, len) = match step {
        Step::Loading => ("loading inputs".to_string(), 0, 0),
        Step::Events { done, total } => ("events".to_string(), done, total),
        Step::Tests => ("cross-event tests".to_string(), 0, 0),
        Step::Table(name) => (format!("writing {name}"), 0, 0),
        Step::Charts { done, total } => ("charts".to_string(), done, total),
        Step::Writing { files } => ("saving files".to_string(), files, files),
    };
    // A counted step shows a bar; the others only their name and the time.
    let template = if len > 0 {
        "{msg:<18} {bar:40} {pos}/{len} {elapsed}"
    } else {
        "{msg:<18} {elapsed}"
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        b.set_style(style);
    }
    b.set_message(msg);
    b.set_length(len as u64);
    b.set_position(pos as u64);
}

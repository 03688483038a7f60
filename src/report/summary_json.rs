//! `evstudy run --summary json`: the terminal summary as one JSON document on stdout, for CI
//! and scripts (#14). The schema is [`Summary`] (version `SCHEMA`); keys are stable, added
//! only, and documented in the README. Every number is the one `tests.csv` and `events.csv`
//! hold; missing values are `null`.

use serde::Serialize;

use super::summary::{censored_notices, halt_notices};
use crate::error::{Error, Result};
use crate::result::Study;
use crate::stats::TestStat;

/// The schema version of the summary document. Schema 2 (#13): an input's `sha256` became
/// `hash` with its `algorithm` (`blake3`); within a schema keys are only added.
pub const SCHEMA: u32 = 2;

/// The whole document.
#[derive(Serialize)]
pub struct Summary<'a> {
    /// `evstudy-summary`.
    pub kind: &'static str,
    /// [`SCHEMA`].
    pub schema: u32,
    /// evstudy's version.
    pub evstudy: &'a str,
    /// The settings that shape the numbers.
    pub settings: Settings<'a>,
    /// Input files with their SHA-256.
    pub inputs: Vec<Input<'a>>,
    /// Events computed and skipped.
    pub events: Counts,
    /// Per group: the CAR windows and their tests.
    pub groups: Vec<Group<'a>>,
    /// Halt notices, in words (as on the terminal).
    pub halt_notices: Vec<String>,
    /// Limit notices, in words (as on the terminal).
    pub limit_notices: Vec<String>,
    /// Warnings about the inputs and settings.
    pub warnings: &'a [String],
    /// Skipped events with their reasons.
    pub skipped: Vec<Skipped<'a>>,
    /// Files written by the run.
    pub written: Written<'a>,
}

/// The settings digest.
#[derive(Serialize)]
pub struct Settings<'a> {
    pub model: &'static str,
    pub factors: Vec<String>,
    pub estimation: String,
    pub window: String,
    pub car_windows: Vec<String>,
    pub returns: &'a crate::config::ReturnKind,
    pub gaps: &'static str,
    pub alternative: &'a crate::config::Alternative,
    pub rbar: &'a crate::config::RbarMethod,
    pub tests: Vec<&'static str>,
}

/// One input file.
#[derive(Serialize)]
pub struct Input<'a> {
    pub role: &'a str,
    pub path: &'a str,
    pub hash: &'a str,
    pub algorithm: &'a str,
}

/// Event counts.
#[derive(Serialize)]
pub struct Counts {
    pub computed: usize,
    pub skipped: usize,
}

/// One group.
#[derive(Serialize)]
pub struct Group<'a> {
    pub group: &'a str,
    pub n_events: usize,
    /// Calendar `rbar` over every pair of the group (descriptive).
    pub rbar: f64,
    pub windows: Vec<WindowSummary<'a>>,
}

/// One CAR window of a group (`0:f` for the limit-adjusted window).
#[derive(Serialize)]
pub struct WindowSummary<'a> {
    pub window: String,
    pub n: usize,
    pub n_excluded: usize,
    pub excluded: Vec<(&'a str, usize)>,
    pub caar: Option<f64>,
    pub abhar: Option<f64>,
    pub tests: Vec<Test<'a>>,
}

/// One test.
#[derive(Serialize)]
pub struct Test<'a> {
    pub test: &'a str,
    pub statistic: Option<f64>,
    pub p_value: Option<f64>,
    pub df: Option<f64>,
    pub n: usize,
    pub distribution: &'a str,
}

/// One skipped event.
#[derive(Serialize)]
pub struct Skipped<'a> {
    pub event_id: &'a str,
    pub ticker: &'a str,
    pub line: u64,
    pub reason: &'static str,
    pub message: &'a str,
}

/// What the run wrote.
#[derive(Serialize)]
pub struct Written<'a> {
    pub dir: String,
    pub files: &'a [String],
}

fn tests(v: &[TestStat]) -> Vec<Test<'_>> {
    v.iter()
        .map(|t| Test {
            test: &t.name,
            statistic: t.statistic,
            p_value: t.p_value,
            df: t.df,
            n: t.n,
            distribution: &t.distribution,
        })
        .collect()
}

/// The summary document of `study`, whose files `files` (relative names) went to `dir`.
///
/// # Errors
/// `Internal` when serialization fails (a bug).
pub fn summary_json(study: &Study, dir: &std::path::Path, files: &[String]) -> Result<Vec<u8>> {
    let cfg = &study.config;
    let groups = study
        .groups
        .iter()
        .map(|g| {
            let mut windows: Vec<WindowSummary<'_>> = g
                .windows
                .iter()
                .map(|w| WindowSummary {
                    window: w.window.to_string(),
                    n: w.n,
                    n_excluded: w.n_excluded,
                    excluded: w
                        .excluded
                        .iter()
                        .map(|e| (e.reason.as_str(), e.n))
                        .collect(),
                    caar: w.caar,
                    abhar: w.abhar,
                    tests: tests(&w.tests),
                })
                .collect();
            if let Some(f) = &g.car_free {
                windows.push(WindowSummary {
                    window: "0:f".to_string(),
                    n: f.n,
                    n_excluded: f.n_excluded,
                    excluded: f
                        .excluded
                        .iter()
                        .map(|e| (e.reason.as_str(), e.n))
                        .collect(),
                    caar: f.caar_free,
                    abhar: f.abhar_free,
                    tests: tests(&f.tests),
                });
            }
            Group {
                group: &g.group,
                n_events: g.n_events,
                rbar: g.cross_correlation.rbar,
                windows,
            }
        })
        .collect();
    let doc = Summary {
        kind: "evstudy-summary",
        schema: SCHEMA,
        evstudy: &study.version,
        settings: Settings {
            model: cfg.model.name(),
            factors: cfg.factor_names(),
            estimation: cfg.estimation.to_string(),
            window: cfg.window.to_string(),
            car_windows: cfg.car_windows.iter().map(ToString::to_string).collect(),
            returns: &cfg.returns,
            gaps: cfg.gaps.name(),
            alternative: &cfg.alternative,
            rbar: &cfg.rbar,
            tests: cfg.tests.iter().map(|t| t.name()).collect(),
        },
        inputs: study
            .inputs
            .iter()
            .map(|f| Input {
                role: &f.role,
                path: &f.path,
                hash: &f.hash,
                algorithm: &f.algorithm,
            })
            .collect(),
        events: Counts {
            computed: study.events.len(),
            skipped: study.skipped.len(),
        },
        groups,
        halt_notices: halt_notices(study),
        limit_notices: censored_notices(study),
        warnings: &study.warnings,
        skipped: study
            .skipped
            .iter()
            .map(|s| Skipped {
                event_id: &s.event_id,
                ticker: &s.ticker,
                line: s.line,
                reason: s.reason.name(),
                message: &s.message,
            })
            .collect(),
        written: Written {
            dir: dir.display().to_string(),
            files,
        },
    };
    let mut out = serde_json::to_vec_pretty(&doc)
        .map_err(|e| Error::Internal(format!("cannot serialize the summary: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

//! `StudyConfig`: every setting of a study, from the TOML study file and the command line
//! (flags override the file; STYLE.md §2). It is `Serialize`, so `study.json` records the
//! exact settings that produced it. Windows are inclusive relative trading days
//! (METHODS-SPEC §2).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::tests::{Alternative, GrankVariant, TestKind, TestOptions};

/// Largest relative day a window may reach (about 400 years of sessions).
pub const MAX_REL_DAY: i32 = 100_000;

/// An inclusive interval of relative trading days, written `from:to` (e.g. `-250:-11`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Window {
    /// First relative day.
    pub from: i32,
    /// Last relative day (inclusive).
    pub to: i32,
}

impl Window {
    /// A window from `from` to `to`, inclusive.
    ///
    /// # Errors
    /// `Error::Settings` when `from > to`.
    pub fn new(from: i32, to: i32) -> Result<Self> {
        if from > to {
            return Err(Error::Settings(format!(
                "window {from}:{to} starts after it ends"
            )));
        }
        Ok(Window { from, to })
    }

    /// Number of days `L = to - from + 1`.
    pub fn len(self) -> usize {
        (self.to - self.from + 1) as usize
    }

    /// Never empty: kept for clippy's `len_without_is_empty`.
    pub fn is_empty(self) -> bool {
        false
    }

    /// Whether day `t` lies inside.
    pub fn contains(self, t: i32) -> bool {
        (self.from..=self.to).contains(&t)
    }

    /// A label safe in column names: `0:1` → `0_1`, `-1:1` → `m1_1`.
    pub fn column_suffix(self) -> String {
        fn part(v: i32) -> String {
            if v < 0 {
                format!("m{}", -v)
            } else {
                v.to_string()
            }
        }
        format!("{}_{}", part(self.from), part(self.to))
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.from, self.to)
    }
}

impl FromStr for Window {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let bad = || format!("{s:?} is not a window: expected FROM:TO in relative days, e.g. -1:1");
        let (a, b) = s.trim().split_once(':').ok_or_else(bad)?;
        let from: i32 = a.trim().parse().map_err(|_| bad())?;
        let to: i32 = b.trim().parse().map_err(|_| bad())?;
        if from > to {
            return Err(format!("window {s:?} starts after it ends"));
        }
        if from.unsigned_abs() > MAX_REL_DAY.unsigned_abs()
            || to.unsigned_abs() > MAX_REL_DAY.unsigned_abs()
        {
            return Err(format!(
                "window {s:?} reaches beyond ±{MAX_REL_DAY} trading days"
            ));
        }
        Ok(Window { from, to })
    }
}

impl Serialize for Window {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Window {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The normal-return model (METHODS-SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// Market model, OLS of `R_i` on `[1, R_m]` (MacKinlay 1997).
    #[default]
    Market,
    /// Constant-mean-return model.
    Mean,
    /// Market-adjusted model: `AR = R_i - R_m`, nothing estimated.
    MarketAdjusted,
}

impl ModelKind {
    /// Stable name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Market => "market",
            ModelKind::Mean => "mean",
            ModelKind::MarketAdjusted => "market_adjusted",
        }
    }
}

/// Simple or log returns (METHODS-SPEC §1.2). BHAR always uses simple returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReturnKind {
    /// `P_t / P_{t-1} - 1`.
    #[default]
    Simple,
    /// `ln(P_t / P_{t-1})`.
    Log,
}

/// Which columns of the price file hold which field, when the header spellings are not ones
/// evstudy recognises (`--columns date=trade_date,ticker=ts_code`).
pub type ColumnMap = BTreeMap<String, String>;

/// Every setting of one study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StudyConfig {
    /// Long price file: one row per ticker and day.
    pub prices: PathBuf,
    /// Market index file: `date,close`.
    pub market: PathBuf,
    /// Events file: `ticker,date[,event_id,label,timing,group]`.
    pub events: PathBuf,
    /// Output folder (the CLI's `--out`); not used by the library's `run`, and not
    /// recorded in `study.json` so that the same study is byte-identical wherever it is written.
    #[serde(skip_serializing)]
    pub out: Option<PathBuf>,
    /// Normal-return model.
    pub model: ModelKind,
    /// Estimation window (default `-250:-11`).
    pub estimation: Window,
    /// Event window (default `-10:10`).
    pub window: Window,
    /// CAR windows reported per event and across events.
    pub car_windows: Vec<Window>,
    /// Simple or log returns for the model.
    pub returns: ReturnKind,
    /// Minimum number of estimation returns (default 100).
    pub min_estimation_obs: usize,
    /// Sum available days when a CAR window has a missing AR (records `n_ar`).
    pub allow_partial_car: bool,
    /// Explicit column mapping for the price file.
    pub columns: ColumnMap,
    /// Fail (exit code 4) when any event was skipped.
    pub strict: bool,
    /// Test statistics to compute across events.
    pub tests: Vec<TestKind>,
    /// Alternative hypothesis of the p-values.
    pub alternative: Alternative,
    /// GRANK variant (`paper` or `estudy`).
    pub grank_variant: GrankVariant,
    /// One custom daily limit for every ticker, e.g. `10%` (overrides the dated rules).
    pub limit_rule: Option<String>,
    /// A TOML rules file extending the compiled-in dated rules (`src/limits/rules.toml`).
    pub limit_rules: Option<PathBuf>,
    /// Instruments file: `ticker[,board][,listing_date][,st_from,st_to]`.
    pub instruments: Option<PathBuf>,
    /// Trading days after day 0 searched for the first free day (default 20).
    pub max_limit_run: u32,
    /// Days after the first free day in the continuation/reversal figure (default 5).
    pub post_free_days: u32,
    /// Drop limit-close days from the estimation window (their returns are truncated).
    pub drop_limit_days_in_estimation: bool,
    /// Table formats written by `run` (default `csv, json`).
    pub format: Vec<ReportFormat>,
    /// Chart formats written by `run` (default none).
    pub chart: Vec<crate::chart::ChartFormat>,
    /// Chart width in pixels (default 1200).
    pub chart_width: u32,
    /// Chart height in pixels (default 675).
    pub chart_height: u32,
}

/// A table format of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// `ar.csv`, `events.csv`, `aar.csv`, `tests.csv`.
    Csv,
    /// `study.json`.
    Json,
    /// `report.md`.
    Md,
    /// `report.tex` (booktabs).
    Tex,
}

impl FromStr for ReportFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ReportFormat::Csv),
            "json" => Ok(ReportFormat::Json),
            "md" | "markdown" => Ok(ReportFormat::Md),
            "tex" | "latex" => Ok(ReportFormat::Tex),
            _ => Err(format!("unknown format {s:?} (use csv, json, md or tex)")),
        }
    }
}

impl Default for StudyConfig {
    fn default() -> Self {
        StudyConfig {
            prices: PathBuf::new(),
            market: PathBuf::new(),
            events: PathBuf::new(),
            out: None,
            model: ModelKind::Market,
            estimation: Window {
                from: -250,
                to: -11,
            },
            window: Window { from: -10, to: 10 },
            car_windows: default_car_windows(),
            returns: ReturnKind::Simple,
            min_estimation_obs: 100,
            allow_partial_car: false,
            columns: ColumnMap::new(),
            strict: false,
            tests: TestKind::DEFAULT.to_vec(),
            alternative: Alternative::TwoSided,
            grank_variant: GrankVariant::Paper,
            limit_rule: None,
            limit_rules: None,
            instruments: None,
            max_limit_run: 20,
            post_free_days: 5,
            drop_limit_days_in_estimation: false,
            format: vec![ReportFormat::Csv, ReportFormat::Json],
            chart: Vec::new(),
            chart_width: 1200,
            chart_height: 675,
        }
    }
}

/// `0:0, 0:1, -1:1, -5:5, -10:10`.
pub fn default_car_windows() -> Vec<Window> {
    [(0, 0), (0, 1), (-1, 1), (-5, 5), (-10, 10)]
        .into_iter()
        .map(|(from, to)| Window { from, to })
        .collect()
}

impl StudyConfig {
    /// Read a TOML study file; relative paths inside it are taken relative to its folder.
    ///
    /// # Errors
    /// `Error::Io` when unreadable, `Error::Config` when not valid TOML for a study.
    pub fn from_toml_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut cfg: StudyConfig = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().replace('\n', "\n  "),
        })?;
        let base = path.parent().unwrap_or_else(|| Path::new(""));
        for p in [&mut cfg.prices, &mut cfg.market, &mut cfg.events]
            .into_iter()
            .chain(cfg.limit_rules.as_mut())
            .chain(cfg.instruments.as_mut())
        {
            if !p.as_os_str().is_empty() && p.is_relative() {
                *p = base.join(&*p);
            }
        }
        if let Some(out) = cfg.out.as_mut().filter(|o| o.is_relative()) {
            *out = base.join(&*out);
        }
        Ok(cfg)
    }

    /// Check the cross-setting rules once (METHODS-SPEC §2.1–§2.2).
    ///
    /// # Errors
    /// `Error::Settings` naming the rule that is broken.
    pub fn validate(&self) -> Result<()> {
        for (name, p) in [
            ("prices", &self.prices),
            ("market", &self.market),
            ("events", &self.events),
        ] {
            if p.as_os_str().is_empty() {
                return Err(Error::Settings(format!(
                    "no {name} file given (use --{name} or `{name} = \"...\"` in the study file)"
                )));
            }
        }
        if self.estimation.to >= self.window.from {
            return Err(Error::Settings(format!(
                "the estimation window {} must end before the event window {} starts",
                self.estimation, self.window
            )));
        }
        for w in &self.car_windows {
            if w.from < self.window.from || w.to > self.window.to {
                return Err(Error::Settings(format!(
                    "CAR window {w} lies outside the event window {}",
                    self.window
                )));
            }
        }
        let need = self.model_params().max(1) + 3;
        if self.min_estimation_obs < need {
            return Err(Error::Settings(format!(
                "--min-estimation-obs {} is below the hard minimum {need} for the {} model (p + 3)",
                self.min_estimation_obs,
                self.model.name()
            )));
        }
        Ok(())
    }

    /// The options of the cross-event tests.
    pub fn test_options(&self) -> TestOptions {
        TestOptions {
            tests: self.tests.clone(),
            alternative: self.alternative,
            grank_variant: self.grank_variant,
            min_common_dates: 30,
        }
    }

    /// Number of estimated mean parameters `p` of the chosen model.
    pub fn model_params(&self) -> usize {
        match self.model {
            ModelKind::Market => 2,
            ModelKind::Mean => 1,
            ModelKind::MarketAdjusted => 0,
        }
    }
}

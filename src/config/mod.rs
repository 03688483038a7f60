//! `StudyConfig`: every setting of a study, from the TOML study file and the command line
//! (flags override the file; STYLE.md §2). It is `Serialize`, so `study.json` records the
//! exact settings that produced it. Windows are inclusive relative trading days
//! (METHODS-SPEC §2).

mod formats;
mod paths;
mod progress;
mod significance;
mod window;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, SettingsError};
pub use formats::{
    ChartFormat, JsonStyle, MAX_CHART_SIDE, MIN_CHART_SIZE, ReportFormat, TexForm, check_chart_size,
};
pub use paths::{FOLDER_EXTENSIONS, Paths};
pub use progress::Step;
pub use significance::{Alternative, GrankVariant, RbarMethod, TestKind, UnknownName};
pub use window::{MAX_REL_DAY, Window};

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
    /// Scholes–Williams (1977) market model for thin trading (METHODS-SPEC §3.3).
    ScholesWilliams,
    /// Dimson (1979) market model with `dimson_lags` lags and leads (METHODS-SPEC §3.3).
    Dimson,
    /// Fama–French (1993) three factors: `Mkt-RF, SMB, HML` (METHODS-SPEC §3.4).
    Ff3,
    /// Carhart (1997) four factors: the three of FF3 plus momentum `MOM`.
    Carhart,
    /// Fama–French (2015) five factors: FF3 plus `RMW, CMA`.
    Ff5,
    /// Any factors, named by `factor_columns`.
    Factors,
}

impl ModelKind {
    /// Stable name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Market => "market",
            ModelKind::Mean => "mean",
            ModelKind::MarketAdjusted => "market_adjusted",
            ModelKind::ScholesWilliams => "scholes_williams",
            ModelKind::Dimson => "dimson",
            ModelKind::Ff3 => "ff3",
            ModelKind::Carhart => "carhart",
            ModelKind::Ff5 => "ff5",
            ModelKind::Factors => "factors",
        }
    }

    /// Whether the model regresses excess returns on factors from `--factors` files.
    pub fn is_factor_model(self) -> bool {
        matches!(
            self,
            ModelKind::Ff3 | ModelKind::Carhart | ModelKind::Ff5 | ModelKind::Factors
        )
    }
}

/// The commented study file `evstudy init` writes: every setting with its default.
pub const STUDY_TEMPLATE: &str = include_str!("template.toml");

/// Most factor columns a factor model takes (`p = 1 + k`).
pub const MAX_FACTORS: usize = 10;

/// Default [`StudyConfig::rbar_exact_max`]: the exact pairwise `rbar` up to this many events.
pub const RBAR_EXACT_MAX: usize = 2000;

/// Units of a factor file's values (`--factor-units`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorUnits {
    /// `1.00` is 1% (Kenneth French's library).
    Percent,
    /// `0.01` is 1%.
    Decimal,
}

/// The canonical name of a factor column header: `Mkt-RF`, `mkt_rf`, `MKT`, `RMRF` →
/// `mkt_rf`; `Mom`, `UMD`, `WML` → `mom`; `RF`, `riskfree` → `rf`; any other header
/// lowercased with only its letters and digits kept (`SMB` → `smb`).
pub fn canonical_factor(header: &str) -> String {
    let h: String = header
        .trim()
        .to_ascii_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    match h.as_str() {
        "mktrf" | "mkt" | "rmrf" | "mktexcess" => "mkt_rf".into(),
        "mom" | "umd" | "wml" => "mom".into(),
        "rf" | "riskfree" => "rf".into(),
        _ => h,
    }
}

/// What a stock's return is after days without a trade (METHODS-SPEC §1.4; #10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GapPolicy {
    /// Trade-to-trade: the first row after a halt carries the return since the last trade,
    /// with its span (Maynes–Rumsey 1993; estudy2 `multi_day`).
    #[default]
    Span,
    /// A return needs rows on two consecutive calendar days; the resumption day has none.
    Missing,
}

impl GapPolicy {
    /// Stable name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            GapPolicy::Span => "span",
            GapPolicy::Missing => "missing",
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

/// The layout of a price file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// One row per ticker and day.
    Long,
    /// `date` plus one close column per ticker.
    Wide,
    /// yfinance's three-line header (or Yahoo's classic single-ticker download).
    Yahoo,
}

/// Units of a returns column (`--returns-units`, #11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReturnUnits {
    /// `0.0123` is 1.23% (CRSP `RET`).
    #[default]
    Decimal,
    /// `1.23` is 1.23% (baostock `pctChg`, tushare `pct_chg`).
    Percent,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if signature
fn is_decimal(u: &ReturnUnits) -> bool {
    *u == ReturnUnits::Decimal
}

/// Most lags (and leads) the Dimson model takes.
pub const MAX_DIMSON_LAGS: u32 = 5;

/// Which columns hold which field, when the header spellings are not ones evstudy
/// recognises: `--columns date=trade_date,ticker=ts_code` for the price file, and
/// `market.close=px_last`, `events.date=event_date` for the others.
pub type ColumnMap = BTreeMap<String, String>;

/// Every setting of one study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StudyConfig {
    /// Long price file(s): one row per ticker and day; several files, patterns or folders
    /// are read as one concatenated file (#11).
    pub prices: Paths,
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
    /// Returns after days without a trade: trade-to-trade `span` (default) or `missing`.
    pub gaps: GapPolicy,
    /// Longest halt, in sessions, bridged by a trade-to-trade return (default 20).
    pub max_span: u32,
    /// Lags and leads of the Dimson model (default 1).
    pub dimson_lags: u32,
    /// Factor files (`--factors`, repeatable; joined on date) for the factor models.
    pub factors: Vec<PathBuf>,
    /// Units of factor files whose layout is not recognised (`--factor-units`).
    pub factor_units: Option<FactorUnits>,
    /// Factor columns of `--model factors` (`--factor-columns mkt_rf,smb,liq`).
    pub factor_columns: Vec<String>,
    /// Minimum number of estimation returns (default 100).
    pub min_estimation_obs: usize,
    /// Sum available days when a CAR window has a missing AR (records `n_ar`).
    pub allow_partial_car: bool,
    /// Explicit column mapping: `field` (the price file) or `role.field`
    /// (`market.close`, `events.date`, `instruments.ticker`).
    pub columns: ColumnMap,
    /// strftime layout of the date columns (`--date-format %d.%m.%Y`), for dates the
    /// detector cannot settle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// Ticker of a price file without a ticker column (`--ticker`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticker: Option<String>,
    /// A column of the price file holding each day's simple return (`--returns-column RET`,
    /// #11): the returns are read, not computed from prices; the price column (its absolute
    /// value, for CRSP's negative bid/ask midpoints) is then only used for price limits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returns_column: Option<String>,
    /// Layout of the price files (`--layout long|wide|yahoo`, #11); detected when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<crate::config::Layout>,
    /// Units of `returns_column`.
    #[serde(skip_serializing_if = "is_decimal")]
    pub returns_units: ReturnUnits,
    /// Fail (exit code 4) when any event was skipped.
    pub strict: bool,
    /// Test statistics to compute across events.
    pub tests: Vec<TestKind>,
    /// Alternative hypothesis of the p-values.
    pub alternative: Alternative,
    /// GRANK variant (`paper` or `estudy`).
    pub grank_variant: GrankVariant,
    /// `rbar` of the Kolari–Pynnönen tests: `overlap` (Kolari–Pape–Pynnönen 2018, default)
    /// or `calendar` (Kolari–Pynnönen 2010).
    pub rbar: RbarMethod,
    /// Largest number of events whose `rbar` is the exact average over their pairs; above
    /// it, the day-0 grouped estimate, linear in events (default 2000; METHODS.md §4.9).
    pub rbar_exact_max: usize,
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
    /// `study.json` compact (default, one line) or `pretty` (indented for reading).
    pub json_style: JsonStyle,
    /// Table formats written by `run` (default `csv, json`).
    pub format: Vec<ReportFormat>,
    /// Chart formats written by `run` (default none).
    pub chart: Vec<ChartFormat>,
    /// `report.tex` as a whole document (default) or an include-able fragment.
    pub tex_form: TexForm,
    /// Chart width in pixels (default 1200).
    pub chart_width: u32,
    /// Chart height in pixels (default 675).
    pub chart_height: u32,
}

impl Default for StudyConfig {
    fn default() -> Self {
        StudyConfig {
            prices: Paths::default(),
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
            gaps: GapPolicy::Span,
            max_span: 20,
            dimson_lags: 1,
            factors: Vec::new(),
            factor_units: None,
            factor_columns: Vec::new(),
            min_estimation_obs: 100,
            allow_partial_car: false,
            columns: ColumnMap::new(),
            date_format: None,
            ticker: None,
            returns_column: None,
            layout: None,
            returns_units: ReturnUnits::Decimal,
            strict: false,
            tests: TestKind::DEFAULT.to_vec(),
            alternative: Alternative::TwoSided,
            grank_variant: GrankVariant::Paper,
            rbar: RbarMethod::Overlap,
            rbar_exact_max: crate::config::RBAR_EXACT_MAX,
            limit_rule: None,
            limit_rules: None,
            instruments: None,
            max_limit_run: 20,
            post_free_days: 5,
            drop_limit_days_in_estimation: false,
            json_style: JsonStyle::Compact,
            format: vec![ReportFormat::Csv, ReportFormat::Json],
            chart: Vec::new(),
            tex_form: TexForm::Document,
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
    /// `Error::Io` when unreadable, `Error::StudyFile` when not UTF-8 or not valid TOML for a study.
    pub fn from_toml_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let (line, column) = crate::error::text_position(&bytes, e.valid_up_to());
            Error::StudyFile {
                path: path.to_path_buf(),
                message: format!(
                    "line {line}, column {column}: not UTF-8 (byte 0x{:02x}); save the study file as UTF-8",
                    bytes.get(e.valid_up_to()).copied().unwrap_or(0)
                ),
            }
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut cfg: StudyConfig = toml::from_str(text).map_err(|e| Error::StudyFile {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().replace('\n', "\n  "),
        })?;
        let base = path.parent().unwrap_or_else(|| Path::new(""));
        for p in cfg
            .prices
            .iter_mut()
            .chain([&mut cfg.market, &mut cfg.events])
            .chain(cfg.limit_rules.as_mut())
            .chain(cfg.instruments.as_mut())
            .chain(cfg.factors.iter_mut())
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
    /// [`Error::Settings`] naming the rule that is broken.
    pub fn validate(&self) -> Result<()> {
        if self.prices.is_empty() {
            return Err(SettingsError::MissingInput { role: "prices" }.into());
        }
        for (role, p) in [("market", &self.market), ("events", &self.events)] {
            if p.as_os_str().is_empty() {
                return Err(SettingsError::MissingInput { role }.into());
            }
        }
        if self.estimation.to >= self.window.from {
            return Err(SettingsError::EstimationOverlapsWindow {
                estimation: self.estimation.bounds(),
                window: self.window.bounds(),
            }
            .into());
        }
        for w in &self.car_windows {
            if w.from < self.window.from || w.to > self.window.to {
                return Err(SettingsError::CarWindowOutside {
                    car: w.bounds(),
                    window: self.window.bounds(),
                }
                .into());
            }
        }
        if self.dimson_lags > MAX_DIMSON_LAGS {
            return Err(SettingsError::DimsonLags {
                given: self.dimson_lags,
                max: MAX_DIMSON_LAGS,
            }
            .into());
        }
        self.validate_factors()?;
        check_chart_size(self.chart_width, self.chart_height)?;
        let need = self.model_params().max(1) + 3;
        if self.min_estimation_obs < need {
            return Err(SettingsError::MinEstimationObs {
                given: self.min_estimation_obs,
                need,
                model: self.model.name(),
            }
            .into());
        }
        Ok(())
    }

    /// Number of estimated mean parameters `p` of the chosen model.
    pub fn model_params(&self) -> usize {
        match self.model {
            ModelKind::Market | ModelKind::ScholesWilliams => 2,
            ModelKind::Mean => 1,
            ModelKind::MarketAdjusted => 0,
            ModelKind::Dimson => 2 * self.dimson_lags as usize + 2,
            ModelKind::Ff3 | ModelKind::Carhart | ModelKind::Ff5 | ModelKind::Factors => {
                1 + self.factor_names().len()
            }
        }
    }

    /// The factor columns of the chosen model, canonical names (empty for the models
    /// without factors): FF3 `mkt_rf, smb, hml`; Carhart FF3 + `mom`; FF5 FF3 + `rmw, cma`;
    /// `factors` the `factor_columns` as given.
    pub fn factor_names(&self) -> Vec<String> {
        let named = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect();
        match self.model {
            ModelKind::Ff3 => named(&["mkt_rf", "smb", "hml"]),
            ModelKind::Carhart => named(&["mkt_rf", "smb", "hml", "mom"]),
            ModelKind::Ff5 => named(&["mkt_rf", "smb", "hml", "rmw", "cma"]),
            ModelKind::Factors => self
                .factor_columns
                .iter()
                .map(|c| canonical_factor(c))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn validate_factors(&self) -> Result<()> {
        let model = self.model.name();
        if self.model.is_factor_model() && self.factors.is_empty() {
            return Err(SettingsError::MissingFactors { model }.into());
        }
        if !self.model.is_factor_model() && !self.factors.is_empty() {
            return Err(SettingsError::FactorsWithoutFactorModel { model }.into());
        }
        if self.model == ModelKind::Factors {
            let names = self.factor_names();
            if names.is_empty() {
                return Err(SettingsError::FactorColumns {
                    reason: "--model factors needs --factor-columns (e.g. mkt_rf,smb,hml)".into(),
                }
                .into());
            }
            if names.len() > MAX_FACTORS {
                return Err(SettingsError::FactorColumns {
                    reason: format!("{} columns given, at most {MAX_FACTORS}", names.len()),
                }
                .into());
            }
            for (i, n) in names.iter().enumerate() {
                if n.is_empty() || n == "rf" || names[..i].contains(n) {
                    return Err(SettingsError::FactorColumns {
                        reason: format!(
                            "{:?} {}",
                            self.factor_columns[i],
                            if n == "rf" {
                                "is the risk-free rate, which is subtracted, not a factor"
                            } else if n.is_empty() {
                                "is not a column name"
                            } else {
                                "is given twice"
                            }
                        ),
                    }
                    .into());
                }
            }
        } else if !self.factor_columns.is_empty() {
            return Err(SettingsError::FactorColumns {
                reason: format!(
                    "--factor-columns is for --model factors; --model {model} has its own factors"
                ),
            }
            .into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod template_tests {
    use super::*;

    #[test]
    fn the_init_template_parses_to_the_defaults_with_its_three_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("study.toml");
        std::fs::write(&path, STUDY_TEMPLATE).unwrap();
        let cfg = StudyConfig::from_toml_file(&path).unwrap();
        let want = StudyConfig {
            prices: Paths::one(dir.path().join("prices.csv")),
            market: dir.path().join("index.csv"),
            events: dir.path().join("events.csv"),
            ..StudyConfig::default()
        };
        assert_eq!(cfg, want);
    }
}

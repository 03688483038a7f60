//! Command-line parsing (clap derive) and the one conversion into [`StudyConfig`]
//! (STYLE.md §2). Nothing else in the crate imports clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Alternative, GrankVariant, RbarMethod, TestKind};
use crate::config::{
    ChartFormat, ColumnMap, FactorUnits, GapPolicy, ModelKind, ReportFormat, ReturnKind,
    StudyConfig, Window,
};
use crate::error::{Result, SettingsError};
use crate::limits::{LimitSettings, ScanConfig};

/// Financial event studies: abnormal returns, CAR/BHAR, cross-event tests and daily
/// price-limit analysis from daily price CSVs.
#[derive(Debug, Parser)]
#[command(
    name = "evstudy",
    version,
    about,
    long_about = None,
    propagate_version = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Threads for the per-event and cross-event work [default: all cores]; the results are
    /// the same, byte for byte, on any number. (Polars' file reader sizes its own pool:
    /// POLARS_MAX_THREADS.)
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run an event study and write ar.csv, events.csv, aar.csv, tests.csv and study.json.
    Run(Box<RunArgs>),
    /// List every daily price-limit hit of a price panel (CSV or JSON).
    Limits(LimitsArgs),
    /// Show what evstudy sees in input files: encoding, delimiter, header, the column each
    /// field is read from, tickers, dates, and every note, warning and error a run would give.
    Inspect(InspectArgs),
    /// Read price files as `run` does (any layout, vendor or encoding) and write one canonical
    /// long Parquet file: sorted by ticker and date, one row group per ticker.
    Convert(ConvertArgs),
    /// Redraw the charts of a saved study.json (computes nothing).
    Chart(ChartArgs),
    /// Re-render the tables and reports (md, tex, html, xlsx) of a saved study.json (computes nothing).
    Report(ReportArgs),
    /// Write a commented study file with every setting and its default, to edit.
    Init(InitArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the man page (roff) on stdout: `evstudy man > evstudy.1`.
    Man,
    /// Print the help of evstudy or of a subcommand (`evstudy help run`).
    Help(HelpArgs),
}

/// `--layout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// A row per ticker and day.
    Long,
    /// Date and one close column per ticker.
    Wide,
    /// yfinance's three-line header, or Yahoo's classic download (ticker from the file name).
    Yahoo,
}

impl From<LayoutArg> for crate::config::Layout {
    fn from(l: LayoutArg) -> Self {
        match l {
            LayoutArg::Long => Self::Long,
            LayoutArg::Wide => Self::Wide,
            LayoutArg::Yahoo => Self::Yahoo,
        }
    }
}

/// What `inspect` reads a file as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectRole {
    /// A price file (--prices).
    Prices,
    /// A market index file (--market).
    Market,
    /// An events file (--events).
    Events,
}

/// `inspect` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    /// A readable report per file.
    Text,
    /// One JSON array, an object per file.
    Json,
}

/// How to read input files: `run`, `limits`, `inspect` and `convert` share these.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Map headers: --columns date=trade_date,ticker=ts_code (the price file; also
    /// prices.close=…) and market.close=px_last, events.date=event_date,
    /// instruments.ticker=code for the other files.
    #[arg(long, value_name = "[FILE.]FIELD=HEADER,...", value_delimiter = ',')]
    pub columns: Vec<String>,
    /// Layout of the date columns as a chrono strftime pattern (e.g. %d.%m.%Y), for dates
    /// that are not YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, YYYY/M/D or an unambiguous M/D/YYYY.
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// Ticker of a price file without a ticker column [default: the file name when it is a
    /// code, such as 002415.csv or sz.002415.csv].
    #[arg(long, value_name = "CODE")]
    pub ticker: Option<String>,
    /// Layout of the price files [default: detected]: long (a row per ticker and day), wide
    /// (date and a close column per ticker), yahoo (yfinance's Price/Ticker/Date header).
    #[arg(long, value_enum)]
    pub layout: Option<LayoutArg>,
}

impl ReadArgs {
    /// The column mapping, checked with `--date-format`.
    ///
    /// # Errors
    /// `Settings` for a malformed `--columns` entry or `--date-format`.
    pub fn columns(&self) -> Result<ColumnMap> {
        check_date_format(self.date_format.as_deref())?;
        parse_columns(&self.columns)
    }

    /// The reading options, with `columns` (from [`ReadArgs::columns`]) and a returns column.
    pub fn options<'a>(
        &'a self,
        columns: &'a ColumnMap,
        returns: &'a ReturnsColumnArgs,
    ) -> crate::data::ReadOptions<'a> {
        crate::data::ReadOptions {
            columns,
            date_format: self.date_format.as_deref(),
            ticker: self.ticker.as_deref(),
            returns_column: returns
                .returns_column
                .as_deref()
                .map(|c| (c, returns.units())),
            layout: self.layout.map(Into::into),
        }
    }
}

/// `--returns-column` and its units (`run`, `inspect`, `convert`).
#[derive(Debug, Args)]
pub struct ReturnsColumnArgs {
    /// Read each day's simple return from this column of the price file (CRSP RET, a vendor's
    /// pctChg) instead of computing it from prices; the price column (its absolute value)
    /// is then used only for price limits.
    #[arg(long, value_name = "COL")]
    pub returns_column: Option<String>,
    /// Units of --returns-column [default: decimal].
    #[arg(long, value_enum, requires = "returns_column")]
    pub returns_units: Option<ReturnUnitsArg>,
}

impl ReturnsColumnArgs {
    /// The units of `--returns-column`.
    pub fn units(&self) -> crate::config::ReturnUnits {
        match self.returns_units {
            Some(ReturnUnitsArg::Percent) => crate::config::ReturnUnits::Percent,
            _ => crate::config::ReturnUnits::Decimal,
        }
    }
}

/// `evstudy convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Price files, patterns or folders (read as one, as `run --prices`).
    #[arg(value_name = "PRICES", required = true)]
    pub files: Vec<PathBuf>,
    /// The Parquet file to write (whole or not at all).
    #[arg(long, value_name = "FILE.parquet")]
    pub to: PathBuf,
    /// The returns column (kept as `ret`).
    #[command(flatten)]
    pub returns: ReturnsColumnArgs,
    /// How to read the files.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `evstudy inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The files to look at (each read on its own).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Read the files as this kind of input.
    #[arg(long = "as", value_enum, default_value = "prices")]
    pub role: InspectRole,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: InspectFormat,
    /// The returns column, as for `run`.
    #[command(flatten)]
    pub returns: ReturnsColumnArgs,
    /// How to read the files, as for `run`.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `evstudy help`.
#[derive(Debug, Args)]
pub struct HelpArgs {
    /// The subcommand whose help to print.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// The help text of `evstudy` or of one of its subcommands.
///
/// # Errors
/// `Settings` for an unknown subcommand.
pub fn help_text(command: Option<&str>) -> Result<String> {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    let mut cmd = match command {
        None => cli,
        Some(name) => cli.find_subcommand_mut(name).cloned().ok_or_else(|| {
            SettingsError::UnknownSubcommand {
                name: name.to_string(),
            }
        })?,
    };
    if let Some(name) = command {
        cmd = cmd.bin_name(format!("evstudy {name}"));
    }
    Ok(cmd.render_long_help().to_string())
}

/// `evstudy init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The study file to write [default: study.toml].
    #[arg(value_name = "FILE", default_value = "study.toml")]
    pub path: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `evstudy completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The completion script of `shell` for the `evstudy` command line.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "evstudy", &mut out);
    out
}

/// The man page (roff) of the `evstudy` command line.
///
/// # Errors
/// `Internal` when the page cannot be rendered (a bug).
pub fn man_page() -> Result<Vec<u8>> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| crate::error::Error::Internal(format!("cannot render the man page: {e}")))?;
    Ok(out)
}

/// `evstudy chart`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// A study.json written by `evstudy run`.
    pub study: PathBuf,
    /// Output folder: the charts are written into it (`DIR/car_<event>.png`, ...).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Chart formats [default: png].
    #[arg(long, value_name = "png,svg", value_delimiter = ',')]
    pub chart: Vec<ChartFormat>,
    /// Image width in pixels [default: the study's, 1200].
    #[arg(long, value_name = "PX")]
    pub chart_width: Option<u32>,
    /// Image height in pixels [default: the study's, 675].
    #[arg(long, value_name = "PX")]
    pub chart_height: Option<u32>,
}

/// `evstudy report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A study.json written by `evstudy run`.
    pub study: PathBuf,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Report formats: csv, json, md, tex, html (one page, charts inlined), xlsx [default: md].
    #[arg(long, value_name = "FORMAT,...", value_delimiter = ',')]
    pub format: Vec<ReportFormat>,
    /// Write report.tex as a fragment to \input instead of a whole document.
    #[arg(long)]
    pub tex_fragment: bool,
}

/// Output format of `evstudy limits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// One row per hit.
    Csv,
    /// Counts, warnings and hits.
    Json,
}

/// `evstudy limits`.
#[derive(Debug, Args)]
pub struct LimitsArgs {
    /// Price CSV with raw OHLC and (ideally) the exchange prev_close; repeat it, or give a
    /// pattern ('data/stocks/*.csv') or a folder, to read several files as one.
    #[arg(long, value_name = "CSV", required = true)]
    pub prices: Vec<PathBuf>,
    /// Market index CSV whose dates are the trading calendar (suspended days show against it).
    #[arg(long, value_name = "CSV")]
    pub market: Option<PathBuf>,
    /// First date to report (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub from: Option<chrono::NaiveDate>,
    /// Last date to report (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub to: Option<chrono::NaiveDate>,
    /// Write here instead of stdout (written whole or not at all): a folder, like `run`
    /// (`DIR/limits.csv` or `DIR/limits.json`), or a file named `.csv` or `.json`.
    #[arg(long, value_name = "DIR|FILE")]
    pub out: Option<PathBuf>,
    /// Output format [default: from --out's extension, else csv].
    #[arg(long, value_enum)]
    pub format: Option<ScanFormat>,
    /// Limit rules, instruments and column mapping.
    #[command(flatten)]
    pub shared: SharedArgs,
}

/// Flags `run` and `limits` share: how to read the price file and which limit rules apply.
#[derive(Debug, Args)]
pub struct SharedArgs {
    /// How to read the files.
    #[command(flatten)]
    pub read: ReadArgs,
    /// One custom daily price limit for every ticker, e.g. 10% (overrides the dated rules).
    #[arg(long, value_name = "PCT")]
    pub limit_rule: Option<String>,
    /// TOML file of dated limit rules extending the built-in ones.
    #[arg(long, value_name = "FILE")]
    pub limit_rules: Option<PathBuf>,
    /// Instruments CSV: ticker[,board][,listing_date][,st_from,st_to] (boards are otherwise
    /// inferred from A-share codes).
    #[arg(long, value_name = "CSV")]
    pub instruments: Option<PathBuf>,
}

fn parse_date_arg(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    crate::data::csv::parse_date(s)
        .ok_or_else(|| format!("{s:?} is not a date (expected YYYY-MM-DD or YYYYMMDD)"))
}

impl LimitsArgs {
    /// The scan settings and the output format.
    ///
    /// # Errors
    /// `Settings` for a malformed `--columns` entry.
    pub fn into_config(self) -> Result<(ScanConfig, ScanFormat, Option<PathBuf>)> {
        let columns = self.shared.read.columns()?;
        let format = self.format.unwrap_or_else(|| {
            match self
                .out
                .as_ref()
                .and_then(|p| p.extension())
                .and_then(|e| e.to_str())
            {
                Some("json") => ScanFormat::Json,
                _ => ScanFormat::Csv,
            }
        });
        let cfg = ScanConfig {
            prices: crate::config::Paths(self.prices),
            market: self.market,
            columns,
            date_format: self.shared.read.date_format,
            ticker: self.shared.read.ticker,
            layout: self.shared.read.layout.map(Into::into),
            from: self.from,
            to: self.to,
            limits: LimitSettings {
                limit_rule: self.shared.limit_rule,
                limit_rules: self.shared.limit_rules,
                instruments: self.shared.instruments,
            },
        };
        let out = self.out.map(|p| limits_target(p, format));
        Ok((cfg, format, out))
    }
}

/// The file `evstudy limits --out` writes: a path ending `.csv`/`.json` is the file; any
/// other path is a folder, holding `limits.csv` or `limits.json`.
fn limits_target(out: PathBuf, format: ScanFormat) -> PathBuf {
    let is_file = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("json"));
    if is_file {
        out
    } else {
        out.join(match format {
            ScanFormat::Csv => "limits.csv",
            ScanFormat::Json => "limits.json",
        })
    }
}

fn parse_columns(pairs: &[String]) -> Result<ColumnMap> {
    let mut map = ColumnMap::new();
    for pair in pairs.iter().filter(|p| !p.trim().is_empty()) {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| SettingsError::ColumnsPair { pair: pair.clone() })?;
        map.insert(k.trim().to_string(), v.trim().to_string());
    }
    check_column_fields(&map)?;
    Ok(map)
}

/// Model choice on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModelArg {
    /// Market model (OLS on the market return).
    Market,
    /// Constant mean return.
    Mean,
    /// Market-adjusted (AR = R - Rm).
    MarketAdjusted,
    /// Scholes-Williams (1977) thin-trading beta.
    ScholesWilliams,
    /// Dimson (1979) thin-trading beta with --dimson-lags lags and leads.
    Dimson,
    /// Fama-French three factors (Mkt-RF, SMB, HML) from --factors.
    Ff3,
    /// Carhart four factors (FF3 + momentum) from --factors.
    Carhart,
    /// Fama-French five factors (FF3 + RMW, CMA) from --factors.
    Ff5,
    /// The factors named by --factor-columns, from --factors.
    Factors,
}

/// The stdout summary of `evstudy run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SummaryFormat {
    /// The summary table, then one `wrote N files to DIR (...)` line.
    #[default]
    Text,
    /// One JSON document (`report::summary_json`; schema in the README).
    Json,
}

/// Factor-file units on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FactorUnitsArg {
    /// 1.00 means 1% (as Kenneth French's files).
    Percent,
    /// 0.01 means 1%.
    Decimal,
}

/// Gap policy on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GapsArg {
    /// Trade-to-trade: the first row after a halt carries the return since the last trade.
    Span,
    /// No return on the first row after a halt.
    Missing,
}

/// Return type on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReturnsArg {
    /// P_t / P_{t-1} - 1.
    Simple,
    /// ln(P_t / P_{t-1}).
    Log,
}

/// Units of a returns column on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReturnUnitsArg {
    /// 0.0123 is 1.23% (CRSP RET).
    Decimal,
    /// 1.23 is 1.23% (baostock pctChg, tushare pct_chg).
    Percent,
}

/// `evstudy run`.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Args)]
pub struct RunArgs {
    /// TOML study file; its relative paths are relative to its folder. Flags override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Price CSV, one row per ticker and day: date,ticker,close [open,high,low,prev_close,adj_close,volume];
    /// repeat it, or give a pattern ('data/stocks/*.csv') or a folder, to read several
    /// files as one.
    #[arg(long, value_name = "CSV")]
    pub prices: Vec<PathBuf>,
    /// Market index CSV: date,close (its dates are the trading calendar).
    #[arg(long, value_name = "CSV")]
    pub market: Option<PathBuf>,
    /// Events CSV: ticker,date [event_id,label,timing,group].
    #[arg(long, value_name = "CSV")]
    pub events: Option<PathBuf>,
    /// Output folder (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Normal-return model [default: market].
    #[arg(long, value_enum)]
    pub model: Option<ModelArg>,
    /// Estimation window in relative trading days, inclusive [default: -250:-11].
    #[arg(long, value_name = "FROM:TO", allow_hyphen_values = true)]
    pub estimation: Option<Window>,
    /// Event window in relative trading days, inclusive [default: -10:10].
    #[arg(long, value_name = "FROM:TO", allow_hyphen_values = true)]
    pub window: Option<Window>,
    /// CAR windows, repeatable or comma-separated (--car-window=-1:1,0:2); the defaults that
    /// do not fit a narrower --window are left out [default: 0:0,0:1,-1:1,-5:5,-10:10].
    #[arg(
        long = "car-window",
        value_name = "FROM:TO",
        allow_hyphen_values = true,
        value_delimiter = ','
    )]
    pub car_windows: Vec<Window>,
    /// Returns after halts: span (trade-to-trade, the first row after a halt carries the
    /// return since the last trade) or missing [default: span].
    #[arg(long, value_enum)]
    pub gaps: Option<GapsArg>,
    /// Longest halt, in sessions, that a trade-to-trade return bridges [default: 20].
    #[arg(long, value_name = "N")]
    pub max_span: Option<u32>,
    /// Lags and leads of the Dimson model, at most 5 [default: 1].
    #[arg(long, value_name = "K")]
    pub dimson_lags: Option<u32>,
    /// A factor file for --model ff3|carhart|ff5|factors (repeatable; joined on date):
    /// Kenneth French's CSV or .zip as downloaded, or `date` plus factor columns.
    #[arg(long = "factors", value_name = "FILE")]
    pub factors: Vec<PathBuf>,
    /// Units of factor files that are not in Kenneth French's layout: percent or decimal.
    #[arg(long, value_enum)]
    pub factor_units: Option<FactorUnitsArg>,
    /// Factor columns of --model factors, comma-separated (e.g. mkt_rf,smb,liq).
    #[arg(long, value_name = "COL,...", value_delimiter = ',')]
    pub factor_columns: Vec<String>,
    /// Simple or log returns for the model (BHAR always uses simple returns) [default: simple].
    #[arg(long, value_enum)]
    pub returns: Option<ReturnsArg>,
    /// The returns column.
    #[command(flatten)]
    pub returns_col: ReturnsColumnArgs,
    /// Minimum estimation returns per event [default: 100].
    #[arg(long, value_name = "N")]
    pub min_estimation_obs: Option<usize>,
    /// Sum the available days of a CAR window that has a missing AR (records n_ar).
    #[arg(long)]
    pub allow_partial_car: bool,
    /// Cross-event tests to run, comma-separated (csect_t, bw_t, j1, patell_z, patell_z_kp,
    /// bmp_t, kp_bmp_t, corrado, corrado_zivney, sign, gen_sign, grank_t, grank_z, wilcoxon,
    /// skew_t) [default: csect_t,bw_t,patell_z,bmp_t,kp_bmp_t,corrado,gen_sign,grank_t,wilcoxon,skew_t].
    #[arg(long, value_name = "TEST,...", value_delimiter = ',')]
    pub tests: Vec<TestKind>,
    /// Alternative hypothesis of the p-values: two-sided, less, greater [default: two-sided].
    #[arg(long, value_name = "ALT")]
    pub alternative: Option<Alternative>,
    /// GRANK variant: paper (Kolari-Pynnonen 2011) or estudy (Stata estudy) [default: paper].
    #[arg(long, value_name = "VARIANT")]
    pub grank_variant: Option<GrankVariant>,
    /// rbar of kp_bmp_t and patell_z_kp: overlap (pair correlations weighted by the overlap
    /// of the event windows, Kolari-Pape-Pynnonen 2018) or calendar (Kolari-Pynnonen 2010)
    /// [default: overlap].
    #[arg(long, value_name = "METHOD")]
    pub rbar: Option<RbarMethod>,
    /// Largest number of events whose rbar is the exact average over their pairs; above it,
    /// rbar comes from day-0 groups at a cost linear in events (METHODS.md 4.9)
    /// [default: 2000].
    #[arg(long, value_name = "N")]
    pub rbar_exact_max: Option<usize>,
    /// Limit rules, instruments and column mapping.
    #[command(flatten)]
    pub shared: SharedArgs,
    /// Trading days after day 0 searched for the first free (non-limit) day [default: 20].
    #[arg(long, value_name = "N")]
    pub max_limit_run: Option<u32>,
    /// Days after the first free day for the continuation/reversal figure [default: 5].
    #[arg(long, value_name = "K")]
    pub post_free_days: Option<u32>,
    /// Drop limit-close days (truncated returns) from the estimation window.
    #[arg(long)]
    pub drop_limit_days_in_estimation: bool,
    /// Report formats to write: csv, json, md, tex, html (one page, charts inlined), xlsx
    /// [default: csv,json].
    #[arg(long, value_name = "FORMAT,...", value_delimiter = ',')]
    pub format: Vec<ReportFormat>,
    /// Charts to draw: png, svg [default: none].
    #[arg(long, value_name = "png,svg", value_delimiter = ',')]
    pub chart: Vec<ChartFormat>,
    /// Write report.tex as a fragment to \input (needs booktabs, graphicx) instead of a
    /// document that compiles on its own.
    #[arg(long)]
    pub tex_fragment: bool,
    /// Indent study.json for reading (default: compact, one line; charts and reports
    /// re-render from either).
    #[arg(long)]
    pub pretty_json: bool,
    /// Chart width in pixels [default: 1200].
    #[arg(long, value_name = "PX")]
    pub chart_width: Option<u32>,
    /// Chart height in pixels [default: 675].
    #[arg(long, value_name = "PX")]
    pub chart_height: Option<u32>,
    /// Exit with code 4 when any event was skipped.
    #[arg(long)]
    pub strict: bool,
    /// Print no summary on stdout (warnings and skip reasons still go to stderr).
    #[arg(long, short)]
    pub quiet: bool,
    /// The stdout summary: text (the table) or json (one JSON document, for CI)
    /// [default: text].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub summary: Option<SummaryFormat>,
}

impl RunArgs {
    /// The study settings: the TOML file (if any), then every flag given on top.
    ///
    /// # Errors
    /// `Config`/`Io` for the study file, `Settings` for contradictory or missing settings.
    pub fn into_config(self) -> Result<StudyConfig> {
        self.into_config_with_notice().map(|(cfg, _)| cfg)
    }

    /// [`RunArgs::into_config`], and one line for stderr naming the CAR windows and tests
    /// given more than once (each is kept once, at its first place), if any were. See #15.
    ///
    /// # Errors
    /// As [`RunArgs::into_config`].
    pub fn into_config_with_notice(self) -> Result<(StudyConfig, Option<String>)> {
        let mut cfg = self.merge()?;
        let mut repeats: Vec<String> = dedup(&mut cfg.car_windows)
            .into_iter()
            .map(|(w, n)| format!("--car-window {w} ({n} times)"))
            .collect();
        repeats.extend(
            dedup(&mut cfg.tests)
                .into_iter()
                .map(|(t, n)| format!("--tests {t} ({n} times)")),
        );
        repeats.extend(
            dedup(&mut cfg.format)
                .into_iter()
                .map(|(f, n)| format!("--format {} ({n} times)", f.name())),
        );
        repeats.extend(
            dedup(&mut cfg.chart)
                .into_iter()
                .map(|(c, n)| format!("--chart {} ({n} times)", c.extension())),
        );
        let mut notes: Vec<String> = Vec::new();
        if !repeats.is_empty() {
            notes.push(format!(
                "duplicates ignored, each kept once: {}",
                repeats.join(", ")
            ));
        }
        notes.extend(narrow_default_car_windows(&mut cfg));
        cfg.validate()?;
        let notice = (!notes.is_empty()).then(|| notes.join("\nnote: "));
        Ok((cfg, notice))
    }

    /// The TOML file (if any) with every flag given on top, before the settings rules.
    fn merge(self) -> Result<StudyConfig> {
        let mut cfg = match &self.config {
            Some(path) => StudyConfig::from_toml_file(path)?,
            None => StudyConfig::default(),
        };
        if !self.prices.is_empty() {
            cfg.prices = crate::config::Paths(self.prices);
        }
        if let Some(p) = self.market {
            cfg.market = p;
        }
        if let Some(p) = self.events {
            cfg.events = p;
        }
        if let Some(p) = self.out {
            cfg.out = Some(p);
        }
        if let Some(m) = self.model {
            cfg.model = match m {
                ModelArg::Market => ModelKind::Market,
                ModelArg::Mean => ModelKind::Mean,
                ModelArg::MarketAdjusted => ModelKind::MarketAdjusted,
                ModelArg::ScholesWilliams => ModelKind::ScholesWilliams,
                ModelArg::Dimson => ModelKind::Dimson,
                ModelArg::Ff3 => ModelKind::Ff3,
                ModelArg::Carhart => ModelKind::Carhart,
                ModelArg::Ff5 => ModelKind::Ff5,
                ModelArg::Factors => ModelKind::Factors,
            };
        }
        if !self.factors.is_empty() {
            cfg.factors = self.factors;
        }
        if let Some(u) = self.factor_units {
            cfg.factor_units = Some(match u {
                FactorUnitsArg::Percent => FactorUnits::Percent,
                FactorUnitsArg::Decimal => FactorUnits::Decimal,
            });
        }
        if !self.factor_columns.is_empty() {
            cfg.factor_columns = self.factor_columns;
        }
        if let Some(g) = self.gaps {
            cfg.gaps = match g {
                GapsArg::Span => GapPolicy::Span,
                GapsArg::Missing => GapPolicy::Missing,
            };
        }
        if let Some(n) = self.max_span {
            cfg.max_span = n;
        }
        if let Some(k) = self.dimson_lags {
            cfg.dimson_lags = k;
        }
        if let Some(w) = self.estimation {
            cfg.estimation = w;
        }
        if let Some(w) = self.window {
            cfg.window = w;
        }
        if !self.car_windows.is_empty() {
            cfg.car_windows = self.car_windows;
        }
        if let Some(r) = self.returns {
            cfg.returns = match r {
                ReturnsArg::Simple => ReturnKind::Simple,
                ReturnsArg::Log => ReturnKind::Log,
            };
        }
        if self.returns_col.returns_units.is_some() {
            cfg.returns_units = self.returns_col.units();
        }
        if self.returns_col.returns_column.is_some() {
            cfg.returns_column = self.returns_col.returns_column;
        }
        if let Some(n) = self.min_estimation_obs {
            cfg.min_estimation_obs = n;
        }
        if !self.tests.is_empty() {
            cfg.tests = self.tests;
        }
        if let Some(a) = self.alternative {
            cfg.alternative = a;
        }
        if let Some(g) = self.grank_variant {
            cfg.grank_variant = g;
        }
        if let Some(m) = self.rbar {
            cfg.rbar = m;
        }
        if let Some(n) = self.rbar_exact_max {
            cfg.rbar_exact_max = n;
        }
        cfg.allow_partial_car |= self.allow_partial_car;
        cfg.drop_limit_days_in_estimation |= self.drop_limit_days_in_estimation;
        if self.pretty_json {
            cfg.json_style = crate::config::JsonStyle::Pretty;
        }
        if !self.format.is_empty() {
            cfg.format = self.format;
        }
        if !self.chart.is_empty() {
            cfg.chart = self.chart;
        }
        if let Some(w) = self.chart_width {
            cfg.chart_width = w;
        }
        if let Some(h) = self.chart_height {
            cfg.chart_height = h;
        }
        if self.tex_fragment {
            cfg.tex_form = crate::config::TexForm::Fragment;
        }
        let SharedArgs {
            read:
                ReadArgs {
                    columns,
                    date_format,
                    ticker,
                    layout,
                },
            limit_rule,
            limit_rules,
            instruments,
        } = self.shared;
        if date_format.is_some() {
            cfg.date_format = date_format;
        }
        check_date_format(cfg.date_format.as_deref())?;
        if ticker.is_some() {
            cfg.ticker = ticker;
        }
        if let Some(l) = layout {
            cfg.layout = Some(l.into());
        }
        if limit_rule.is_some() {
            cfg.limit_rule = limit_rule;
        }
        if limit_rules.is_some() {
            cfg.limit_rules = limit_rules;
        }
        if instruments.is_some() {
            cfg.instruments = instruments;
        }
        if let Some(n) = self.max_limit_run {
            cfg.max_limit_run = n;
        }
        if let Some(k) = self.post_free_days {
            cfg.post_free_days = k;
        }
        cfg.strict |= self.strict;
        cfg.columns.extend(parse_columns(&columns)?);
        check_column_fields(&cfg.columns)?;
        if cfg.out.is_none() {
            return Err(SettingsError::MissingOutput.into());
        }
        Ok(cfg)
    }
}

/// Keep the first of equal entries of `v`, in order; return each repeated entry with the
/// number of times it was given.
/// With the default CAR windows (none given) and an event window they do not all fit in,
/// keep the ones that fit (the whole event window when none does), with a notice; explicit
/// CAR windows that do not fit stay an error. See #14.
fn narrow_default_car_windows(cfg: &mut StudyConfig) -> Option<String> {
    if cfg.car_windows != crate::config::default_car_windows() {
        return None;
    }
    let fits = |w: &Window| w.from >= cfg.window.from && w.to <= cfg.window.to;
    let (kept, dropped): (Vec<Window>, Vec<Window>) = cfg.car_windows.iter().partition(|w| fits(w));
    if dropped.is_empty() {
        return None;
    }
    let names = |v: &[Window]| {
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let note = if kept.is_empty() {
        cfg.car_windows = vec![cfg.window];
        format!(
            "no default CAR window fits the event window {}: using {} itself (give --car-window to choose)",
            cfg.window, cfg.window
        )
    } else {
        cfg.car_windows = kept;
        format!(
            "default CAR windows {} do not fit the event window {}: using {} (give --car-window to choose)",
            names(&dropped),
            cfg.window,
            names(&cfg.car_windows)
        )
    };
    Some(note)
}

fn dedup<T: PartialEq + Copy>(v: &mut Vec<T>) -> Vec<(T, usize)> {
    let mut kept: Vec<(T, usize)> = Vec::with_capacity(v.len());
    for &x in v.iter() {
        match kept.iter_mut().find(|(k, _)| *k == x) {
            Some((_, n)) => *n += 1,
            None => kept.push((x, 1)),
        }
    }
    *v = kept.iter().map(|&(x, _)| x).collect();
    kept.into_iter().filter(|&(_, n)| n > 1).collect()
}

/// Every `--columns` key is `FIELD` (a price-file field) or `FILE.FIELD` with a field that
/// file has (#11).
fn check_column_fields(map: &ColumnMap) -> Result<()> {
    use crate::data::columns::Role;
    for key in map.keys() {
        let (role, field) = match key.split_once('.') {
            Some((file, field)) => match Role::ALL.iter().find(|r| r.name() == file) {
                Some(&r) => (r, field),
                None => {
                    return Err(SettingsError::UnknownColumnFile {
                        key: key.clone(),
                        file: file.to_string(),
                    }
                    .into());
                }
            },
            None => (Role::Prices, key.as_str()),
        };
        if !role.fields().contains(&field) {
            return Err(SettingsError::UnknownColumnField {
                field: key.clone(),
                role: role.name(),
                known: role.fields().join(", "),
            }
            .into());
        }
    }
    Ok(())
}

/// A `--date-format` chrono can use: it must name a year, a month and a day.
fn check_date_format(format: Option<&str>) -> Result<()> {
    let Some(f) = format else {
        return Ok(());
    };
    let sample = chrono::NaiveDate::from_ymd_opt(2022, 6, 30).unwrap_or_default();
    let mut text = String::new();
    let printed = std::fmt::Write::write_fmt(&mut text, format_args!("{}", sample.format(f)));
    let round_trip = printed.is_ok() && chrono::NaiveDate::parse_from_str(&text, f) == Ok(sample);
    if round_trip {
        Ok(())
    } else {
        Err(SettingsError::DateFormat {
            format: f.to_string(),
        }
        .into())
    }
}

#[cfg(test)]
#[path = "cli_tests.rs"]
mod tests;

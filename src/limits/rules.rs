//! Dated limit rules as data: the compiled-in `rules.toml`, user rule files and `--limit-rule`.
//!
//! METHODS-SPEC §6.1 keeps the rules as `(market, board, st, from, to, kind, pct | band_table,
//! no_limit_first_n_days, tick, rounding)` rows, because limits change by date (ChiNext ±10% →
//! ±20% on 2020-08-24 `[PAN20]`, Korea 6% → 30% `[KRX]`, Japan's band table `[JPX]`).
//! Lookup rule: for a trading day the **last** matching row wins, so a user file read after the
//! builtin one overrides or extends it. The new-listing window (`no_limit_first_n_days`,
//! `listing_day_pct`) is read from the row in force on the listing date.

use std::path::Path;
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::board::{Board, Market};
use super::price::{Pct, Rounding, StepTable, Unit};
use super::rules_toml::{builtin_tables, parse};
use crate::error::LimitsError;

/// The compiled-in rules file.
pub const BUILTIN_RULES_TOML: &str = include_str!("rules.toml");
const BUILTIN_PATH: &str = "<builtin>/limits/rules.toml";

/// What kind of limit a rule sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// `ref × (1 ± pct)` put on the tick grid by the rule's rounding.
    Pct(Pct),
    /// `ref ± band(ref)`; the table is in price units.
    BandTable(StepTable),
    /// No daily limit.
    NoLimit,
}

/// One dated rule row, with its tables resolved into price units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Market, `None` for a rule that applies everywhere (`--limit-rule`).
    pub market: Option<Market>,
    /// Board, `None` for every board of the market.
    pub board: Option<Board>,
    /// `Some(true)`: ST days only; `Some(false)`: other days only; `None`: both.
    pub st: Option<bool>,
    /// First day in force.
    pub from: NaiveDate,
    /// Last day in force (inclusive), `None` = still in force.
    pub to: Option<NaiveDate>,
    /// The limit.
    pub kind: RuleKind,
    /// Price unit of the integer arithmetic.
    pub unit: Unit,
    /// Tick by price level, in units.
    pub ticks: StepTable,
    /// Rounding of percentage limits.
    pub rounding: Rounding,
    /// Trading days 1..=n after listing have no limit (read at the listing date).
    pub no_limit_first_n_days: u32,
    /// Limit on the first trading day instead of `kind` (read at the listing date).
    pub listing_day_pct: Option<Pct>,
    /// Where the row comes from, `file:line`.
    pub origin: String,
    /// Sources and caveats.
    pub note: String,
}

impl Rule {
    /// Whether the row is in force for a stock on `board` on `date`.
    pub fn matches(&self, board: Option<Board>, st: bool, date: NaiveDate) -> bool {
        let market_ok = self
            .market
            .is_none_or(|m| board.is_some_and(|b| b.market() == m));
        let board_ok = self.board.is_none_or(|rb| board == Some(rb));
        market_ok
            && board_ok
            && self.st.is_none_or(|s| s == st)
            && self.from <= date
            && self.to.is_none_or(|to| date <= to)
    }
}

/// An ordered set of rule rows; the last matching row wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

static BUILTIN: LazyLock<RuleSet> = LazyLock::new(|| RuleSet {
    rules: parse(
        BUILTIN_RULES_TOML,
        Path::new(BUILTIN_PATH),
        &Default::default(),
    )
    .expect("the builtin rules.toml parses (unit test builtin_rules_parse)"),
});

impl RuleSet {
    /// The compiled-in rules (`rules.toml`).
    ///
    /// # Panics
    /// Never in a tested build: the file is a compile-time constant checked by the unit test
    /// `builtin_rules_parse`.
    pub fn builtin() -> RuleSet {
        BUILTIN.clone()
    }

    /// Rules from TOML text in the `rules.toml` format. Table names may refer to the builtin
    /// tables (`krx_2023`, `tse`, ...).
    ///
    /// # Errors
    /// [`LimitsError::Toml`], [`LimitsError::BadValue`] or [`LimitsError::UnknownTable`],
    /// naming the line of the offending value.
    pub fn from_toml_str(text: &str) -> Result<RuleSet, LimitsError> {
        Self::from_toml_named(text, Path::new("<string>"))
    }

    /// As [`RuleSet::from_toml_str`], with `path` used in messages.
    ///
    /// # Errors
    /// As [`RuleSet::from_toml_str`].
    pub fn from_toml_named(text: &str, path: &Path) -> Result<RuleSet, LimitsError> {
        Ok(RuleSet {
            rules: parse(text, path, &builtin_tables())?,
        })
    }

    /// Rules from a user file.
    ///
    /// # Errors
    /// [`LimitsError::Read`] when the file cannot be read, else as [`RuleSet::from_toml_str`].
    pub fn from_file(path: &Path) -> Result<RuleSet, LimitsError> {
        let bytes = std::fs::read(path).map_err(|source| LimitsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let at = e.valid_up_to();
            let (line, column) = crate::error::text_position(&bytes, at);
            LimitsError::NotUtf8 {
                path: path.to_path_buf(),
                line,
                column,
                byte: bytes.get(at).copied().unwrap_or(0),
            }
        })?;
        Self::from_toml_named(text.strip_prefix('\u{feff}').unwrap_or(text), path)
    }

    /// The builtin rules extended (and overridden) by a user file.
    ///
    /// # Errors
    /// As [`RuleSet::from_file`].
    pub fn builtin_with_file(path: &Path) -> Result<RuleSet, LimitsError> {
        Ok(Self::builtin().extended(Self::from_file(path)?))
    }

    /// `self` followed by `later`, whose rows win where both match.
    #[must_use]
    pub fn extended(mut self, later: RuleSet) -> RuleSet {
        self.rules.extend(later.rules);
        self
    }

    /// One rule for every stock and date: `±pct` on the 0.01 grid, rounded half up, no
    /// new-listing window (`--limit-rule 10%`).
    pub fn custom(pct: Pct) -> RuleSet {
        RuleSet {
            rules: vec![Rule {
                market: None,
                board: None,
                st: None,
                from: NaiveDate::MIN,
                to: None,
                kind: RuleKind::Pct(pct),
                unit: Unit::CENT,
                ticks: StepTable::flat(1),
                rounding: Rounding::HalfUp,
                no_limit_first_n_days: 0,
                listing_day_pct: None,
                origin: format!("--limit-rule {pct}"),
                note: String::new(),
            }],
        }
    }

    /// The rule in force for a stock on `board` on `date`, if any.
    pub fn rule_for(&self, board: Option<Board>, st: bool, date: NaiveDate) -> Option<&Rule> {
        self.rules.iter().rev().find(|r| r.matches(board, st, date))
    }

    /// The first date after `date` on which some row starts or stops being in force (`None`:
    /// none does). [`RuleSet::rule_for`] gives the same row for every date from `date` up to
    /// it, whatever the board and ST flag, so a stock's days can share one look-up.
    pub fn next_change(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.rules
            .iter()
            .flat_map(|r| [Some(r.from), r.to.and_then(|t| t.succ_opt())])
            .flatten()
            .filter(|&d| d > date)
            .min()
    }

    /// All rows in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;

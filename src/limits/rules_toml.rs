//! Reading `rules.toml`-format text into [`Rule`] rows, with errors that name the line.
//!
//! Dates may be quoted (`"2020-08-24"`) or bare TOML dates; percentages are whole basis points;
//! tick and band tables are written in currency and turned into the rule's integer price units
//! (METHODS-SPEC §6.2), so every table value must lie on the unit grid. Table names resolve
//! against the file's own `[tick_tables]` / `[band_tables]` first, then the builtin ones.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use super::board::{Board, Market};
use super::price::{Pct, Rounding, StepTable, Unit};
use super::rules::{BUILTIN_RULES_TOML, Rule, RuleKind};
use crate::error::LimitsError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
    #[serde(default)]
    tick_tables: Tables,
    #[serde(default)]
    band_tables: Tables,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSteps {
    steps: Vec<(f64, f64)>,
    top: Option<f64>,
}

#[derive(Deserialize, Clone, Copy, PartialEq)]
#[serde(rename_all = "snake_case")]
enum RawKind {
    Pct,
    BandTable,
    None,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    market: Market,
    board: Option<Board>,
    st: Option<bool>,
    from: Spanned<toml::Value>,
    to: Option<Spanned<toml::Value>>,
    kind: RawKind,
    pct: Option<Spanned<f64>>,
    band_table: Option<Spanned<String>>,
    unit: Option<Spanned<f64>>,
    tick: Option<Spanned<f64>>,
    tick_table: Option<Spanned<String>>,
    rounding: Option<Rounding>,
    no_limit_first_n_days: Option<u32>,
    listing_day_pct: Option<Spanned<f64>>,
    note: Option<String>,
}

/// Tick or band tables by name, in currency.
pub(super) type Tables = BTreeMap<String, RawSteps>;

struct Ctx<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Ctx<'_> {
    fn line(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end].split(|&b| b == b'\n').count()
    }

    fn bad(
        &self,
        offset: usize,
        field: &'static str,
        value: String,
        reason: &'static str,
    ) -> LimitsError {
        LimitsError::BadValue {
            path: self.path.to_path_buf(),
            line: self.line(offset),
            field,
            value,
            reason,
        }
    }
}

/// The builtin file's tables, visible to user files (empty if it did not parse; the
/// `builtin_rules_parse` test rules that out).
pub(super) fn builtin_tables() -> (Tables, Tables) {
    toml::from_str::<RawFile>(BUILTIN_RULES_TOML)
        .map(|raw| (raw.tick_tables, raw.band_tables))
        .unwrap_or_default()
}

pub(super) fn parse(
    text: &str,
    path: &Path,
    base: &(Tables, Tables),
) -> Result<Vec<Rule>, LimitsError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| LimitsError::Toml {
        path: path.to_path_buf(),
        source: Box::new(e),
    })?;
    let (mut ticks, mut bands) = base.clone();
    ticks.extend(raw.tick_tables);
    bands.extend(raw.band_tables);
    let ctx = Ctx { text, path };
    let rules = raw
        .rule
        .iter()
        .map(|row| rule_from_raw(&ctx, row, &ticks, &bands))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rules)
}

fn rule_from_raw(
    ctx: &Ctx<'_>,
    row: &Spanned<RawRule>,
    ticks: &Tables,
    bands: &Tables,
) -> Result<Rule, LimitsError> {
    let r = row.get_ref();
    let row_at = row.span().start;
    if let Some(b) = r.board
        && b.market() != r.market
    {
        let reason = "board belongs to another market";
        return Err(ctx.bad(row_at, "board", b.to_string(), reason));
    }
    let from = date(ctx, &r.from, "from")?;
    let to = r.to.as_ref().map(|t| date(ctx, t, "to")).transpose()?;
    if let (Some(to_date), Some(to_raw)) = (to, &r.to)
        && to_date < from
    {
        let value = to_date.to_string();
        return Err(ctx.bad(to_raw.span().start, "to", value, "is before `from`"));
    }
    let unit = unit(ctx, r, row_at)?;
    Ok(Rule {
        market: Some(r.market),
        board: r.board,
        st: r.st,
        from,
        to,
        kind: kind(ctx, r, unit, bands, row_at)?,
        unit,
        ticks: tick_table(ctx, r, unit, ticks, row_at)?,
        rounding: r.rounding.unwrap_or_default(),
        no_limit_first_n_days: r.no_limit_first_n_days.unwrap_or(0),
        listing_day_pct: r
            .listing_day_pct
            .as_ref()
            .map(|p| pct(ctx, p, "listing_day_pct"))
            .transpose()?,
        origin: format!("{}:{}", ctx.path.display(), ctx.line(row_at)),
        note: r.note.clone().unwrap_or_default(),
    })
}

fn unit(ctx: &Ctx<'_>, r: &RawRule, row_at: usize) -> Result<Unit, LimitsError> {
    let Some(u) = &r.unit else {
        let size = r.market.default_unit();
        return Unit::from_size(size)
            .ok_or_else(|| ctx.bad(row_at, "unit", size.to_string(), "bad market default"));
    };
    Unit::from_size(*u.get_ref()).ok_or_else(|| {
        let reason = "must be a whole number or 1/n, e.g. 0.01";
        ctx.bad(u.span().start, "unit", u.get_ref().to_string(), reason)
    })
}

fn tick_table(
    ctx: &Ctx<'_>,
    r: &RawRule,
    unit: Unit,
    ticks: &Tables,
    row_at: usize,
) -> Result<StepTable, LimitsError> {
    let flat = |tick: f64| RawSteps {
        steps: Vec::new(),
        top: Some(tick),
    };
    let (steps, at) = match (&r.tick, &r.tick_table) {
        (Some(_), Some(name)) => {
            let reason = "give tick or tick_table, not both";
            return Err(ctx.bad(
                name.span().start,
                "tick_table",
                name.get_ref().clone(),
                reason,
            ));
        }
        (Some(t), None) => (flat(*t.get_ref()), t.span().start),
        (None, Some(name)) => (
            lookup(ctx, ticks, name, "tick_table")?.clone(),
            name.span().start,
        ),
        (None, None) => (flat(unit.size()), row_at),
    };
    let table = to_units(ctx, &steps, unit, at, "tick")?;
    let values = table.steps.iter().map(|s| s.1).chain(table.top);
    if let Some(bad) = values.into_iter().find(|&t| t <= 0) {
        return Err(ctx.bad(
            at,
            "tick",
            unit.to_price(bad).to_string(),
            "ticks must be positive",
        ));
    }
    Ok(table)
}

fn kind(
    ctx: &Ctx<'_>,
    r: &RawRule,
    unit: Unit,
    bands: &Tables,
    row_at: usize,
) -> Result<RuleKind, LimitsError> {
    let missing = |kind, field| LimitsError::MissingField {
        path: ctx.path.to_path_buf(),
        line: ctx.line(row_at),
        kind,
        field,
    };
    Ok(match r.kind {
        RawKind::Pct => {
            let p = r.pct.as_ref().ok_or_else(|| missing("pct", "pct"))?;
            RuleKind::Pct(pct(ctx, p, "pct")?)
        }
        RawKind::BandTable => {
            let name = r.band_table.as_ref();
            let name = name.ok_or_else(|| missing("band_table", "band_table"))?;
            let steps = lookup(ctx, bands, name, "band_table")?;
            RuleKind::BandTable(to_units(ctx, steps, unit, name.span().start, "band_table")?)
        }
        RawKind::None => RuleKind::NoLimit,
    })
}

fn date(
    ctx: &Ctx<'_>,
    v: &Spanned<toml::Value>,
    field: &'static str,
) -> Result<NaiveDate, LimitsError> {
    let text = match v.get_ref() {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| ctx.bad(v.span().start, field, text, "expected a date YYYY-MM-DD"))
}

fn pct(ctx: &Ctx<'_>, v: &Spanned<f64>, field: &'static str) -> Result<Pct, LimitsError> {
    Pct::from_percent(*v.get_ref()).ok_or_else(|| {
        ctx.bad(
            v.span().start,
            field,
            v.get_ref().to_string(),
            "expected a percent above 0 and below 100 in whole basis points",
        )
    })
}

fn lookup<'t>(
    ctx: &Ctx<'_>,
    tables: &'t Tables,
    name: &Spanned<String>,
    field: &'static str,
) -> Result<&'t RawSteps, LimitsError> {
    tables
        .get(name.get_ref())
        .ok_or_else(|| LimitsError::UnknownTable {
            path: ctx.path.to_path_buf(),
            line: ctx.line(name.span().start),
            field,
            name: name.get_ref().clone(),
            known: tables.keys().cloned().collect::<Vec<_>>().join(", "),
        })
}

/// A currency table as whole units, ascending, every value on the unit grid.
fn to_units(
    ctx: &Ctx<'_>,
    raw: &RawSteps,
    unit: Unit,
    at: usize,
    field: &'static str,
) -> Result<StepTable, LimitsError> {
    let conv = |x: f64| match unit.to_units(x) {
        Some((u, true)) => Ok(u),
        _ => Err(ctx.bad(
            at,
            field,
            x.to_string(),
            "is not a whole number of the rule's price unit",
        )),
    };
    let steps = raw
        .steps
        .iter()
        .map(|&(below, value)| Ok((conv(below)?, conv(value)?)))
        .collect::<Result<Vec<_>, LimitsError>>()?;
    if steps.windows(2).any(|w| w[0].0 >= w[1].0) {
        return Err(ctx.bad(
            at,
            field,
            format!("{:?}", raw.steps),
            "steps must ascend in price",
        ));
    }
    Ok(StepTable {
        steps,
        top: raw.top.map(conv).transpose()?,
    })
}

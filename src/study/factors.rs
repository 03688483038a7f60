//! The factors of a factor model on the market calendar (#12): the model's columns and the
//! risk-free rate from the `--factors` files, checked once, and the sums over a row's span.

use crate::calendar::Calendar;
use crate::config::{ModelKind, StudyConfig};
use crate::data::FactorTable;
use crate::error::{Error, Result};

/// The model's factor columns and `RF` on each calendar day (`NaN` where missing).
pub(super) struct FactorDays {
    /// Canonical column names, in the model's order.
    pub names: Vec<String>,
    /// `k = names.len()` values per calendar day, row-major.
    values: Vec<f64>,
    /// `RF` per calendar day (0 when the files have no `RF` and the model allows it).
    rf: Vec<f64>,
}

impl FactorDays {
    /// Read the factor files of a factor model and put the model's columns on the calendar.
    /// Returns the factors and the notices about them.
    ///
    /// # Errors
    /// The loader's located errors; `BadFactor` at the header of the first file when a column
    /// the model needs is in none of the files, or when `RF` is missing for a named model.
    pub(super) fn load(cfg: &StudyConfig, calendar: &Calendar) -> Result<(Self, Vec<String>)> {
        let table = FactorTable::load(&cfg.factors, cfg.factor_units)?;
        let mut warnings = table.warnings.clone();
        let names = cfg.factor_names();
        let first = table.sources.first();
        let header_error = |value: &str, what: String| Error::BadFactor {
            path: first.map(|s| s.path.clone()).unwrap_or_default(),
            line: first.map_or(1, |s| s.header_line) as u64,
            column: String::new(),
            value: value.to_string(),
            what,
        };
        let have: Vec<&str> = table.columns.keys().map(String::as_str).collect();
        for n in &names {
            if !table.columns.contains_key(n) {
                return Err(header_error(
                    n,
                    format!(
                        "--model {} needs the factor column {n}{}, which no --factors file has (they have {}); give the file that holds it as another --factors{}",
                        cfg.model.name(),
                        aliases(n),
                        have.join(", "),
                        if cfg.model == ModelKind::Factors {
                            " or correct --factor-columns"
                        } else {
                            ""
                        }
                    ),
                ));
            }
        }
        let has_rf = table.columns.contains_key("rf");
        if !has_rf {
            if cfg.model == ModelKind::Factors {
                warnings.push(format!(
                    "{}: no RF column in the factor files: the factor model explains raw returns (RF = 0)",
                    first.map(|s| s.path.display().to_string()).unwrap_or_default()
                ));
            } else {
                return Err(header_error(
                    "rf",
                    format!(
                        "--model {} regresses the excess return R - RF, but no --factors file has an RF column (they have {}); add the file with RF (e.g. F-F_Research_Data_Factors_daily.CSV)",
                        cfg.model.name(),
                        have.join(", ")
                    ),
                ));
            }
        }
        let mut wanted = names.clone();
        if has_rf {
            wanted.push("rf".into());
        }
        let k = names.len();
        let on = table.on_calendar(calendar.dates(), &wanted);
        let mut values = Vec::with_capacity(on.len() * k);
        let mut rf = Vec::with_capacity(on.len());
        for day in &on {
            if let Some(v) = day {
                values.extend_from_slice(&v[..k]);
                rf.push(if has_rf { v[k] } else { 0.0 });
            } else {
                values.extend(std::iter::repeat_n(f64::NAN, k));
                rf.push(f64::NAN);
            }
        }
        let covered = rf.iter().filter(|v| v.is_finite()).count();
        if covered == 0 {
            let (a, b) = (
                table
                    .dates
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                table
                    .dates
                    .last()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            );
            warnings.push(format!(
                "the factor files ({a}..{b}) cover none of the market calendar's trading days: every event is skipped (no_factors)"
            ));
        }
        Ok((FactorDays { names, values, rf }, warnings))
    }

    /// Whether calendar day `k` has every factor and `RF`.
    pub(super) fn present(&self, k: usize) -> bool {
        self.rf.get(k).is_some_and(|v| v.is_finite())
    }

    /// The factors and `RF` summed over the `span` sessions ending on calendar day `k`
    /// (`NaN` in every entry when one of the sessions has none).
    pub(super) fn over(&self, k: usize, span: usize, out: &mut [f64]) -> f64 {
        let n = self.names.len();
        let mut rf = 0.0;
        out[..n].fill(0.0);
        let span = span.max(1);
        if span > k + 1 {
            out[..n].fill(f64::NAN);
            return f64::NAN;
        }
        for j in k + 1 - span..=k {
            if !self.present(j) {
                out[..n].fill(f64::NAN);
                return f64::NAN;
            }
            for (o, v) in out[..n].iter_mut().zip(&self.values[j * n..(j + 1) * n]) {
                *o += v;
            }
            rf += self.rf[j];
        }
        rf
    }
}

/// ` (read from Mkt-RF, MKT, ...)`: the headers that a canonical name is read from.
fn aliases(name: &str) -> &'static str {
    match name {
        "mkt_rf" => " (header Mkt-RF, mkt_rf, MKT or RMRF)",
        "mom" => " (header Mom, MOM, UMD or WML)",
        "smb" => " (header SMB)",
        "hml" => " (header HML)",
        "rmw" => " (header RMW)",
        "cma" => " (header CMA)",
        _ => "",
    }
}

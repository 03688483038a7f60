//! Windows of relative trading days, written `from:to` (METHODS-SPEC §2).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Result, SettingsError};

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
    /// [`SettingsError::WindowReversed`] when `from > to`.
    pub fn new(from: i32, to: i32) -> Result<Self> {
        if from > to {
            return Err(SettingsError::WindowReversed { from, to }.into());
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

impl Window {
    /// `(from, to)`, for error values.
    pub fn bounds(self) -> (i32, i32) {
        (self.from, self.to)
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

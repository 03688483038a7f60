//! Exact limit prices in integer price units (METHODS-SPEC §6.2).
//!
//! Every price is turned into an integer count of the market's price `unit` (0.01 CNY, 1 KRW,
//! 0.1 JPY, ...) with `(p / unit).round()`; the limits are computed and compared in integers.
//! The conversion is exact for prices on the unit grid: a decimal price such as 38.24 is
//! stored as the double nearest to it, `38.24 / 0.01` is within a few ulps of 3824, and
//! rounding recovers the integer. A price further than 1e-6 units from the grid is *off grid*
//! (back-adjusted or averaged prices): it is still rounded, and the day is flagged.
//!
//! With `ref` the reference price in units, `bp` the limit in basis points and `t` a tick in
//! units (all integers, so the arithmetic is exact):
//!
//! * `half_up` (China, "四舍五入" to the 0.01 tick `[SZSE-EN] [AET] [CNQA]`):
//!   `up = ((2·ref·(10000+bp) + 10000·t) div (2·10000·t))·t`, likewise `down` with `10000-bp`.
//!   For whole percent and `t = 1` this is `up_fen = (ref_fen·(100+pct) + 50) div 100`.
//!   Floats are wrong here: `floor(1.15·0.9·100 + 0.5)` gives 1.03, not 1.04.
//! * `toward_ref` (HOSE `[LAWNET]`; Taiwan and Thailand **DECISION**, §10 item 6): the up limit
//!   is rounded down and the down limit up, to the tick at the limit's own price level.
//! * `krx` `[KRX]`: `width = trunc(ref·bp/10000, tick(ref))`; `up = trunc(ref + width,
//!   tick(ref + width))`; `down = trunc(ref - width, tick(ref - width))`.
//! * band table (Japan `[JPX]`): `ref ± band(ref)`, yen amounts, no rounding.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::LimitsError;

/// Distance from the unit grid (in units) above which a price is flagged off grid.
const GRID_TOLERANCE: f64 = 1e-6;

/// A price unit as an exact fraction `num / den` of the currency (0.01 = 1/100, 50 = 50/1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    num: i64,
    den: i64,
}

impl Unit {
    /// One hundredth of the currency (China, Taiwan, Thailand).
    pub const CENT: Unit = Unit { num: 1, den: 100 };

    /// The unit for a decimal size such as 0.01, 0.1, 1 or 50; `None` unless the size is a
    /// whole number or the inverse of one.
    pub fn from_size(size: f64) -> Option<Unit> {
        if !size.is_finite() || size <= 0.0 {
            return None;
        }
        if size >= 1.0 {
            let num = size.round();
            return ((num - size).abs() < 1e-9).then_some(Unit {
                num: num as i64,
                den: 1,
            });
        }
        let den = (1.0 / size).round();
        ((1.0 / den - size).abs() < 1e-12 * den.max(1.0)).then_some(Unit {
            num: 1,
            den: den as i64,
        })
    }

    /// The unit size in currency.
    pub fn size(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// `price` in whole units and whether it was on the grid; `None` for a price that is not
    /// finite, negative, or beyond `i64`.
    pub fn to_units(self, price: f64) -> Option<(i64, bool)> {
        let x = price * self.den as f64 / self.num as f64;
        if !(0.0..=9.0e15).contains(&x) {
            return None;
        }
        let r = x.round();
        Some((r as i64, (x - r).abs() <= GRID_TOLERANCE))
    }

    /// Whole units back to a price; `3824` cents is the double nearest to 38.24.
    pub fn to_price(self, units: i64) -> f64 {
        (units * self.num) as f64 / self.den as f64
    }
}

/// A limit width in basis points (1% = 100 bp), so 7.5% is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pct {
    bp: u32,
}

impl Pct {
    /// A width of `bp` basis points; `None` outside `1..10000` (a limit must leave a price).
    pub fn from_bp(bp: u32) -> Option<Pct> {
        (1..10_000).contains(&bp).then_some(Pct { bp })
    }

    /// A width given in percent (10.0 = ±10%); `None` unless it is a whole number of basis
    /// points strictly between 0% and 100%.
    pub fn from_percent(percent: f64) -> Option<Pct> {
        let bp = percent * 100.0;
        if !bp.is_finite() || (bp - bp.round()).abs() > 1e-6 || bp.round() < 1.0 {
            return None;
        }
        Pct::from_bp(bp.round() as u32)
    }

    /// Basis points.
    pub fn bp(self) -> u32 {
        self.bp
    }

    /// Percent (10.0 for ±10%).
    pub fn percent(self) -> f64 {
        f64::from(self.bp) / 100.0
    }
}

impl fmt::Display for Pct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.percent())
    }
}

impl FromStr for Pct {
    type Err = LimitsError;

    /// Parses `"10%"`, `"7.5%"` or a bare `"10"` (percent), as given to `--limit-rule`.
    fn from_str(s: &str) -> Result<Pct, LimitsError> {
        let bad = |reason| LimitsError::BadCustomRule {
            value: s.to_owned(),
            reason,
        };
        let number = s.trim().trim_end_matches('%').trim();
        let percent: f64 = number.parse().map_err(|_| bad("not a number"))?;
        Pct::from_percent(percent)
            .ok_or_else(|| bad("must be above 0% and below 100%, in whole basis points (0.01%)"))
    }
}

/// A price-level table in units: `steps[i] = (below, value)` gives `value` for prices below
/// `below` (ascending), `top` applies at or above the last step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepTable {
    /// `(below, value)` pairs in units, ascending in `below`.
    pub steps: Vec<(i64, i64)>,
    /// Value at or above the last step; `None` = undefined there.
    pub top: Option<i64>,
}

impl StepTable {
    /// A table with one value at every price level.
    pub fn flat(value: i64) -> StepTable {
        StepTable {
            steps: Vec::new(),
            top: Some(value),
        }
    }

    /// The value at price level `units`.
    pub fn at(&self, units: i64) -> Option<i64> {
        self.steps
            .iter()
            .find(|&&(below, _)| units < below)
            .map(|&(_, v)| v)
            .or(self.top)
    }
}

/// How a percentage limit is put on the tick grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Nearest tick, halves up (China).
    #[default]
    HalfUp,
    /// Up limit rounded down, down limit rounded up (HOSE; Taiwan/Thailand DECISION).
    TowardRef,
    /// Korea Exchange: width truncated to the base tick, then each limit to its own tick.
    Krx,
}

/// Up and down limit prices in units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitPrices {
    /// Highest price allowed.
    pub up: i64,
    /// Lowest price allowed.
    pub down: i64,
}

/// Limits for a percentage rule; `None` when a tick is undefined at the price level.
pub fn pct_limits(
    reference: i64,
    pct: Pct,
    ticks: &StepTable,
    rounding: Rounding,
) -> Option<LimitPrices> {
    let r = i128::from(reference);
    let bp = i128::from(pct.bp());
    let up_num = r * (10_000 + bp); // exact limit × 10000, in units
    let down_num = r * (10_000 - bp);
    let tick = |units: i128| ticks.at(units as i64).map(i128::from);
    let (up, down) = match rounding {
        Rounding::HalfUp => {
            let (tu, td) = (tick(up_num / 10_000)?, tick(down_num / 10_000)?);
            (
                (2 * up_num + 10_000 * tu) / (20_000 * tu) * tu,
                (2 * down_num + 10_000 * td) / (20_000 * td) * td,
            )
        }
        Rounding::TowardRef => {
            let tu = tick(up_num / 10_000)?;
            let td = tick(ceil_div(down_num, 10_000))?;
            (
                up_num / (10_000 * tu) * tu,
                ceil_div(down_num, 10_000 * td) * td,
            )
        }
        Rounding::Krx => {
            let tb = tick(r)?;
            let width = r * bp / 10_000 / tb * tb;
            let (u, d) = (r + width, r - width);
            (u / tick(u)? * tick(u)?, d / tick(d)? * tick(d)?)
        }
    };
    Some(LimitPrices {
        up: up as i64,
        down: down.max(0) as i64,
    })
}

/// Limits for a band-table rule (`ref ± band(ref)`); `None` above the table.
pub fn band_limits(reference: i64, bands: &StepTable) -> Option<LimitPrices> {
    let band = bands.at(reference)?;
    Some(LimitPrices {
        up: reference + band,
        down: (reference - band).max(0),
    })
}

fn ceil_div(a: i128, b: i128) -> i128 {
    (a + b - 1).div_euclid(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cn(reference: f64, percent: f64) -> (f64, f64) {
        let (r, on_grid) = Unit::CENT.to_units(reference).unwrap();
        assert!(on_grid);
        let pct = Pct::from_percent(percent).unwrap();
        let l = pct_limits(r, pct, &StepTable::flat(1), Rounding::HalfUp).unwrap();
        (Unit::CENT.to_price(l.up), Unit::CENT.to_price(l.down))
    }

    #[test]
    fn china_half_up_passes_the_rounding_traps() {
        assert_eq!(cn(10.05, 10.0), (11.06, 9.05), "9.045 rounds half up");
        assert_eq!(
            cn(1.15, 10.0),
            (1.27, 1.04),
            "float floor(x*100+0.5) gives 1.03"
        );
        assert_eq!(cn(3.33, 5.0), (3.50, 3.16), "ST 5%");
        assert_eq!(cn(25.67, 20.0), (30.80, 20.54), "ChiNext 20%");
        assert_eq!(
            cn(19.50, 10.0),
            (21.45, 17.55),
            "ex-dividend reference 20.00 - 0.50"
        );
    }

    #[test]
    fn hikvision_inversion_gives_three_distinct_down_limits() {
        assert_eq!(cn(42.48, 10.0).1, 38.23);
        assert_eq!(cn(42.49, 10.0), (46.74, 38.24));
        assert_eq!(cn(42.50, 10.0).1, 38.25);
        assert_eq!(cn(38.24, 10.0), (42.06, 34.42));
    }

    #[test]
    fn fractional_percent_uses_whole_basis_points() {
        assert_eq!(cn(10.00, 7.5), (10.75, 9.25));
        assert_eq!(cn(10.01, 7.5), (10.76, 9.26), "10.76075 and 9.25925");
        assert!(Pct::from_percent(7.123).is_none());
    }

    #[test]
    fn japan_band_3310_yen_gives_4010_and_2610() {
        let unit = Unit::from_size(0.1).unwrap();
        let bands = StepTable {
            steps: vec![(30_000, 5_000), (50_000, 7_000), (70_000, 10_000)],
            top: None,
        };
        let (r, _) = unit.to_units(3310.0).unwrap();
        let l = band_limits(r, &bands).unwrap();
        assert_eq!(
            (unit.to_price(l.up), unit.to_price(l.down)),
            (4010.0, 2610.0)
        );
    }

    #[test]
    fn hose_23300_with_tick_50_gives_24900_and_21700() {
        let ticks = StepTable {
            steps: vec![(10_000, 10), (50_000, 50)],
            top: Some(100),
        };
        let pct = Pct::from_percent(7.0).unwrap();
        let l = pct_limits(23_300, pct, &ticks, Rounding::TowardRef).unwrap();
        assert_eq!((l.up, l.down), (24_900, 21_700), "24,931 down, 21,669 up");
    }

    #[test]
    fn krx_examples_match_the_exchange_pages() {
        let pct = Pct::from_percent(30.0).unwrap();
        // 2023-01-25 unified table: 10 won from 5,000 to below 20,000.
        let unified = StepTable {
            steps: vec![(2_000, 1), (5_000, 5), (20_000, 10), (50_000, 50)],
            top: Some(100),
        };
        let l = pct_limits(9_980, pct, &unified, Rounding::Krx).unwrap();
        assert_eq!(
            (l.up, l.down),
            (12_970, 6_990),
            "KOSPI page: 2,994 -> 2,990"
        );
        // Pre-2023 KOSDAQ table: 50 won from 10,000 to below 50,000.
        let kosdaq = StepTable {
            steps: vec![(1_000, 1), (5_000, 5), (10_000, 10), (50_000, 50)],
            top: Some(100),
        };
        let l = pct_limits(9_940, pct, &kosdaq, Rounding::Krx).unwrap();
        assert_eq!(
            (l.up, l.down),
            (12_900, 6_960),
            "KOSDAQ page: 12,920 -> 12,900"
        );
    }

    #[test]
    fn off_grid_prices_are_flagged_and_grid_prices_are_exact() {
        assert_eq!(Unit::CENT.to_units(38.24), Some((3824, true)));
        assert_eq!(Unit::CENT.to_units(0.07), Some((7, true)));
        assert_eq!(Unit::CENT.to_units(38.2437), Some((3824, false)));
        assert_eq!(Unit::CENT.to_units(f64::NAN), None);
        assert_eq!(Unit::CENT.to_price(3824), 38.24);
        assert_eq!(Unit::from_size(0.01), Some(Unit::CENT));
        assert_eq!(Unit::from_size(0.03), None);
    }

    #[test]
    fn pct_parses_cli_spellings() {
        assert_eq!("10%".parse::<Pct>().unwrap().bp(), 1000);
        assert_eq!(" 7.5 % ".parse::<Pct>().unwrap().bp(), 750);
        assert_eq!("20".parse::<Pct>().unwrap().to_string(), "20%");
        let err = "ten%".parse::<Pct>().unwrap_err().to_string();
        assert_eq!(
            err,
            "limit rule \"ten%\": not a number (expected a percentage such as \"10%\")"
        );
        assert!("100%".parse::<Pct>().is_err());
        assert!("0%".parse::<Pct>().is_err());
    }
}

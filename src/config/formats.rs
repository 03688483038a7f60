//! Output formats a study can be asked for: tables and charts.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::significance::UnknownName;
use crate::error::SettingsError;

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
    /// `report.html`: one self-contained page with the charts inlined as SVG.
    Html,
    /// `results.xlsx`: one sheet per table, typed cells.
    Xlsx,
    /// `ar.parquet`, `events.parquet`: the two big tables, typed and compressed (#13).
    Parquet,
}

impl ReportFormat {
    /// Stable name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Csv => "csv",
            ReportFormat::Json => "json",
            ReportFormat::Md => "md",
            ReportFormat::Tex => "tex",
            ReportFormat::Html => "html",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Parquet => "parquet",
        }
    }
}

impl FromStr for ReportFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ReportFormat::Csv),
            "json" => Ok(ReportFormat::Json),
            "md" | "markdown" => Ok(ReportFormat::Md),
            "tex" | "latex" => Ok(ReportFormat::Tex),
            "html" => Ok(ReportFormat::Html),
            "xlsx" | "excel" => Ok(ReportFormat::Xlsx),
            "parquet" => Ok(ReportFormat::Parquet),
            _ => Err(format!(
                "unknown format {s:?} (use csv, json, md, tex, html, xlsx or parquet)"
            )),
        }
    }
}

/// Image format of a chart file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartFormat {
    /// PNG raster (8-bit RGB).
    Png,
    /// SVG vector (text as `<text>` in `sans-serif`).
    Svg,
}

impl ChartFormat {
    /// File extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ChartFormat::Png => "png",
            ChartFormat::Svg => "svg",
        }
    }
}

impl fmt::Display for ChartFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for ChartFormat {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        match s.to_ascii_lowercase().as_str() {
            "png" => Ok(ChartFormat::Png),
            "svg" => Ok(ChartFormat::Svg),
            _ => Err(UnknownName {
                what: "chart format",
                given: s.to_string(),
                expected: vec!["png", "svg"],
            }),
        }
    }
}

/// Smallest accepted chart size (width, height), in pixels.
pub const MIN_CHART_SIZE: (u32, u32) = (320, 240);
/// Largest accepted chart side, in pixels.
pub const MAX_CHART_SIDE: u32 = 8000;

/// Check a chart size once, with the settings (a size of 0 is bad usage, not bad data).
/// See #15.
///
/// # Errors
/// [`SettingsError::ChartSize`] when a side is outside
/// [`MIN_CHART_SIZE`]..=[`MAX_CHART_SIDE`].
pub fn check_chart_size(width: u32, height: u32) -> Result<(), SettingsError> {
    let (min_w, min_h) = MIN_CHART_SIZE;
    if (min_w..=MAX_CHART_SIDE).contains(&width) && (min_h..=MAX_CHART_SIDE).contains(&height) {
        return Ok(());
    }
    Err(SettingsError::ChartSize {
        width,
        height,
        min_w,
        min_h,
        max: MAX_CHART_SIDE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_sizes_from_320x240_to_8000_are_accepted_and_0_is_not() {
        assert_eq!(check_chart_size(1200, 675), Ok(()));
        assert_eq!(check_chart_size(320, 240), Ok(()));
        assert_eq!(check_chart_size(8000, 8000), Ok(()));
        for (w, h) in [(0, 675), (1200, 0), (319, 675), (1200, 239), (8001, 675)] {
            assert!(
                matches!(check_chart_size(w, h), Err(SettingsError::ChartSize { width, height, .. }) if (width, height) == (w, h)),
                "{w}x{h}"
            );
        }
    }
}

/// How `study.json` is written (#13): compact (one line, the default) or indented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonStyle {
    /// One line: about half the bytes, and quicker to write and read.
    #[default]
    Compact,
    /// Indented for reading (`--pretty-json`).
    Pretty,
}

/// How `report.tex` is written (#14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TexForm {
    /// A whole document (`\documentclass` … `\end{document}`) that pdflatex compiles.
    #[default]
    Document,
    /// The tables and notes only, to `\input` (needs booktabs and graphicx).
    Fragment,
}

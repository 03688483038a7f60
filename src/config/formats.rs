//! Output formats a study can be asked for: tables and charts.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::significance::UnknownName;

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
            _ => Err(format!(
                "unknown format {s:?} (use csv, json, md, tex, html or xlsx)"
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

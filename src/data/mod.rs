//! Loading: price panel, market index, events and instruments (polars lives here and nowhere
//! else).

pub mod codes;
pub mod columns;
pub mod convert;
pub mod csv;
pub mod dates;
pub mod events;
pub mod factors;
pub mod inspect;
pub mod instruments;
pub mod layout;
pub mod many;
pub mod market;
pub mod prices;
pub mod rows;
pub mod source;

pub use events::{EventFile, EventProblem, EventRow, Timing};
pub use factors::{FactorLayout, FactorSource, FactorTable, FactorUnits};
pub use instruments::{InstrumentFile, InstrumentRow};
pub use market::MarketIndex;
pub use prices::{PricePanel, ReturnSource};

use crate::config::ColumnMap;

static NO_COLUMNS: ColumnMap = ColumnMap::new();

/// How to read the input files: the `--columns` mapping (keys `field` or `role.field`),
/// `--date-format` and `--ticker` (#11).
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions<'a> {
    /// `--columns`.
    pub columns: &'a ColumnMap,
    /// `--date-format` (chrono strftime), for dates the detector cannot settle.
    pub date_format: Option<&'a str>,
    /// `--ticker`: the ticker of a price file without a ticker column.
    pub ticker: Option<&'a str>,
    /// `--returns-column` and whether it is in percent.
    pub returns_column: Option<(&'a str, crate::config::ReturnUnits)>,
    /// `--layout` of the price files (`None`: detected).
    pub layout: Option<crate::config::Layout>,
}

impl Default for ReadOptions<'_> {
    fn default() -> Self {
        ReadOptions {
            columns: &NO_COLUMNS,
            date_format: None,
            ticker: None,
            returns_column: None,
            layout: None,
        }
    }
}

impl<'a> ReadOptions<'a> {
    /// Only a `--columns` mapping (the plain `load` of each file).
    pub fn with_columns(columns: &'a ColumnMap) -> Self {
        ReadOptions {
            columns,
            ..ReadOptions::default()
        }
    }

    /// The options of a study.
    pub fn of(config: &'a crate::config::StudyConfig) -> Self {
        ReadOptions {
            columns: &config.columns,
            date_format: config.date_format.as_deref(),
            ticker: config.ticker.as_deref(),
            returns_column: config
                .returns_column
                .as_deref()
                .map(|c| (c, config.returns_units)),
            layout: config.layout,
        }
    }
}

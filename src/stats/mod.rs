//! Statistics: per event (AR, CAR, BHAR, SAR, SCAR) and across events (tests).

pub mod aggregate;
pub mod cross_section;
pub mod event;
pub mod group_rows;
pub mod pvalue;
pub mod significance;
pub mod test_events;

#[cfg(test)]
mod test_events_tests;

pub use cross_section::{EventSeries, TestStat, WindowValues};

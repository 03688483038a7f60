//! Statistics: per event (AR, CAR, BHAR, SAR, SCAR) and across events (tests).

pub mod aggregate;
pub mod cross_section;
pub mod event;
pub mod pvalue;
pub mod significance;

pub use cross_section::{EventSeries, TestStat, WindowValues};

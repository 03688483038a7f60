//! Loading: price panel, market index, events and instruments (polars lives here and nowhere
//! else).

pub mod columns;
pub mod csv;
pub mod events;
pub mod factors;
pub mod instruments;
pub mod market;
pub mod prices;

pub use events::{EventFile, EventProblem, EventRow, Timing};
pub use factors::{FactorLayout, FactorSource, FactorTable, FactorUnits};
pub use instruments::{InstrumentFile, InstrumentRow};
pub use market::MarketIndex;
pub use prices::{PricePanel, ReturnSource};

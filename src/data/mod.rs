//! Loading: price panel, market index and events (polars lives here and nowhere else).

pub mod columns;
pub mod csv;
pub mod events;
pub mod market;
pub mod prices;

pub use events::{EventFile, EventProblem, EventRow, Timing};
pub use market::MarketIndex;
pub use prices::{PricePanel, ReturnSource};

//! evstudy: financial event studies, textbook methods (MacKinlay 1997; Campbell, Lo and
//! MacKinlay 1997, ch. 4), with daily price-limit awareness.
//!
//! The pipeline, one module per step:
//!
//! 1. [`data`] loads the price panel, the market index (its dates are the trading calendar)
//!    and the events (polars lives there and nowhere else);
//! 2. [`calendar`] aligns each event to day 0 and slices windows;
//! 3. [`models`] fits the normal-return model on the estimation window;
//! 4. [`stats`] computes AR, CAR, BHAR, SAR, SCAR per event and the tests across events;
//! 5. [`report`] writes CSV, JSON and the terminal summary from a finished [`Study`],
//!    computing nothing.
//!
//! ```no_run
//! let config = evstudy::StudyConfig::from_toml_file("data/study.toml".as_ref())?;
//! let study = evstudy::run(&config)?;
//! println!("{} events computed, {} skipped", study.events.len(), study.skipped.len());
//! # Ok::<(), evstudy::Error>(())
//! ```

pub mod calendar;
pub mod chart;
pub mod cli;
pub mod config;
pub mod data;
pub mod error;
pub mod limits;
pub mod models;
pub mod report;
pub mod result;
pub mod stats;
pub mod study;

pub use config::{ModelKind, ReturnKind, StudyConfig, Window};
pub use error::{Error, Result};
pub use result::Study;
pub use study::run;

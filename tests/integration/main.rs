//! Integration tests: one binary, one module per area (STYLE.md §6).

mod cli;
mod common;
mod errors;
mod properties;
mod reference_core;

//! Integration tests: one binary, one module per area (STYLE.md §6).
#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::format_push_string,
    clippy::format_collect
)]

mod browser;
mod cli;
mod common;
mod contract;
mod errors;
mod factors;
mod fuzz_harness;
mod fuzz_regressions;
mod inspect;
mod kill;
mod latex;
mod layers;
mod limits;
mod many_files;
mod outputs;
mod properties;
mod readme;
mod reference_core;
mod reference_factors;
mod reference_span;
mod reference_stats;
mod reliability;
mod scale;
mod snapshots;
mod vendor;
mod xlsx;

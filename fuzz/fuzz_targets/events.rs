//! Fuzz target `events` (#15): the checks of `tests/integration/fuzz_harness.rs`.
#![no_main]

#[path = "../../tests/integration/fuzz_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run("events", data));

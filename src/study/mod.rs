//! The engine: load → align → estimation sample → fit → days → windows, per event, on each
//! ticker's contiguous slice of the panel (no per-event scan of the whole panel; each event
//! costs `O(estimation + window + log rows)`), then the cross-event statistics. A bad event is
//! skipped with its reason; the others go on. The result is plain data ([`crate::result`]).
//!
//! | file | step |
//! |---|---|
//! | `inputs.rs` | load the files, hash them, warn about the inputs |
//! | `returns.rs` | market and stock returns on the calendar |
//! | `event.rs` | one event: the named steps of `compute_event` |
//! | `limits.rs` | one event's limit columns and `sar_free` |
//! | `overlap.rs` | same-ticker events inside an estimation window |

mod event;
mod factors;
mod inputs;
mod limits;
mod overlap;
mod returns;

use rayon::prelude::*;

use crate::config::{Step, StudyConfig};
use crate::error::{Error, Result};
use crate::limits::{LimitContext, LimitSettings};
use crate::result::{Skip, SkipReason, Study};
use crate::stats::aggregate::by_group;
use crate::stats::significance::TestOptions;

/// Events computed in parallel between two progress steps.
const EVENT_CHUNK: usize = 512;

/// Run a study from its settings, on the threads of the current rayon pool (the global one
/// unless the caller installs another; `evstudy --threads N` sizes it).
///
/// # Errors
/// File-level input errors; `NoEvents` when every event was skipped.
pub fn run(config: &StudyConfig) -> Result<Study> {
    run_with_progress(config, &mut |_| {})
}

/// [`run`], calling `progress` at each [`Step`] (loading, every 64 events, the tests; the CLI
/// draws its terminal line from them).
///
/// # Errors
/// As [`run`].
pub fn run_with_progress(config: &StudyConfig, progress: &mut dyn FnMut(Step)) -> Result<Study> {
    config.validate()?;
    progress(Step::Loading);
    let inputs = inputs::load(config)?;
    let mut warnings = inputs.warnings.clone();
    let events = &inputs.events;
    let mut merge = event::Merge::default();
    // Most events compute: one allocation of the results' table, not a doubling series
    // whose last step holds the old and the new table at once (~0.15 GB at 100,000, #13).
    merge.computed.reserve_exact(events.rows.len());
    merge.skipped = events
        .problems
        .iter()
        .map(|p| Skip {
            event_id: p.event_id.clone(),
            ticker: p.ticker.clone(),
            line: p.line,
            reason: SkipReason::BadEventRow,
            message: format!("{}; event skipped", p.message),
        })
        .collect();
    let mut lctx = LimitContext::new(
        &LimitSettings::from(config),
        &inputs.panel,
        &crate::data::ReadOptions::of(config),
    )?;
    // Events are computed on all threads of the pool, a chunk at a time, and merged in
    // event order: the same study on any number of threads.
    let total = events.rows.len();
    for (k, chunk) in events.rows.chunks(EVENT_CHUNK).enumerate() {
        progress(Step::Events {
            done: k * EVENT_CHUNK,
            total,
        });
        let done: Vec<event::Computed> = chunk
            .par_iter()
            .map(|ev| event::compute_event(&inputs, config, ev, &lctx))
            .collect();
        for (ev, c) in chunk.iter().zip(done) {
            merge.push(&inputs, ev, c, &mut lctx);
        }
    }
    lctx.forget_history();
    let event::Merge {
        mut computed,
        mut skipped,
        ..
    } = merge;
    skipped.sort_by_key(|s| s.line);
    if !lctx.inferred.is_empty() {
        let list: Vec<String> = lctx
            .inferred
            .iter()
            .take(6)
            .map(|(t, b)| format!("{t} -> {b}"))
            .collect();
        warnings.push(format!(
            "limit board inferred from the A-share code for {} tickers ({}{}); give an instruments file (--instruments) to set boards, ST periods and listing dates",
            lctx.inferred.len(),
            list.join(", "),
            if lctx.inferred.len() > 6 { ", …" } else { "" }
        ));
    }
    warnings.extend(lctx.off_grid_warning(&inputs.panel));
    overlap::count_overlaps(&mut computed, config, &mut warnings);
    let too_long: Vec<&str> = computed
        .iter()
        .filter(|e| e.n_span_too_long > 0)
        .map(|e| e.event_id.as_str())
        .collect();
    if !too_long.is_empty() {
        warnings.push(format!(
            "{} events have event-window rows after a halt longer than --max-span {} sessions: their return is missing (span_too_long; see n_span_too_long): {}",
            too_long.len(),
            config.max_span,
            too_long.join(", ")
        ));
    }
    progress(Step::Events { done: total, total });
    if computed.is_empty() {
        return Err(Error::NoEvents {
            skipped: skipped.len(),
            reasons: skipped.iter().map(|s| s.message.clone()).collect(),
        });
    }
    progress(Step::Tests);
    let groups = by_group(
        &computed,
        config.window,
        &config.car_windows,
        &TestOptions::from_config(config),
    );
    // The estimation series served the tests alone (study.json does not hold them): freed
    // before the outputs are rendered, about half of a large study's memory (#13).
    for e in &mut computed {
        e.series = crate::stats::EventSeries::default();
    }
    Ok(Study {
        format: crate::result::STUDY_FORMAT,
        version: env!("CARGO_PKG_VERSION").to_string(),
        config: config.clone(),
        inputs: inputs.files.clone(),
        return_source: inputs.panel.return_source(),
        warnings,
        notes: inputs.notes.clone(),
        groups,
        events: computed,
        skipped,
        manifest: None,
    })
}

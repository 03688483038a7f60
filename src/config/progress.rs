//! What a long run reports while it works (#14): the CLI draws one terminal line from these
//! steps (nothing when stderr is not a terminal); the library calls a `FnMut(Step)`.

/// One step of a run, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Reading and checking the input files.
    Loading,
    /// Computing the events: `done` of `total`.
    Events { done: usize, total: usize },
    /// The cross-event tests.
    Tests,
    /// Rendering a table format (`csv`, `json`, `md`, `tex`, `html`, `xlsx`).
    Table(&'static str),
    /// Drawing the charts: `done` of `total` files.
    Charts { done: usize, total: usize },
    /// Writing `files` files into the output folder.
    Writing { files: usize },
}

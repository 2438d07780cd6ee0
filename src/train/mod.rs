//! Training: a run (one network and its regularizer), sessions of runs
//! side by side on worker threads, their metrics and the events they emit.

pub mod live;
mod metrics;
mod report;
mod run;
pub mod seeds;
mod session;
mod spec;
pub mod sweep;

pub use metrics::{
    EPSILON_GRID, EpochMetrics, Evaluation, HISTOGRAM_BINS, Histogram, WeightStats, WeightSummary, evaluate,
    weight_summary,
};
pub use report::{AtomicFile, MetricsLog, metrics_header, metrics_row, weights_json, write_atomic};
pub use run::{
    Change, DIVERGED_ERROR_FACTOR, DIVERGED_WEIGHT, EpochContext, LiveChange, Run, RunStatus,
    ScheduledChange, auto_lr,
};
pub use session::{Both, Event, Observer, ScheduleError, Session, SessionError};
pub use spec::{
    Batch, DEFAULT_EPOCHS, DEFAULT_FULL_BATCH_EPOCHS, DEFAULT_FULL_BATCH_TOL, MAX_NAME_CHARS, MAX_RUNS,
    NetworkSpec, RunSpec, SpecError, TrainingSpec, check_bounds, check_name, check_runs, check_size, compact,
    human_bytes, parse_hidden,
};

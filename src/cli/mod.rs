//! The headless commands: `reglab train`, `reglab sweep`, `reglab data`,
//! `reglab bench`, `reglab render`; without one, `reglab [FILE]` opens the window.

mod args;
mod data;
mod render;
mod sweep;
mod train;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use args::{
    DataArgs, Hidden, OnOff, SweepArgs, TrainArgs, experiment_from_args, load_data, session_from_experiment,
};
pub use data::{describe_data, describe_dataset};
pub use render::{RenderArgs, render};
pub use sweep::sweep;
pub use train::train;

use crate::train::SessionError;

/// A command's failure, which decides the exit code (SPEC §3).
#[derive(Debug)]
pub enum CliError {
    /// A bad flag, value or settings file: exit 2.
    Usage(anyhow::Error),
    /// The work failed (bad data, a diverged run): exit 1.
    Failure(anyhow::Error),
    /// Stopped by a signal after writing what was done, as the message
    /// says: exit 128 + the signal (130 for SIGINT, 143 for SIGTERM).
    Stopped { signal: i32, message: anyhow::Error },
    /// Standard output has no reader any more (`reglab data … | head`):
    /// nothing to say, exit 0.
    Closed,
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Failure(_) => 1,
            CliError::Stopped { signal, .. } => 128 + signal,
            CliError::Closed => 0,
        }
    }

    /// What to say on standard error; nothing for a closed output.
    pub fn error(&self) -> Option<&anyhow::Error> {
        match self {
            CliError::Usage(e) | CliError::Failure(e) | CliError::Stopped { message: e, .. } => Some(e),
            CliError::Closed => None,
        }
    }
}

impl From<crate::console::out::Closed> for CliError {
    fn from(_: crate::console::out::Closed) -> CliError {
        CliError::Closed
    }
}

/// An error and its causes on one line, each cause said once: an error
/// whose text already quotes its cause (`…: Permission denied (os error
/// 13)`) is not followed by that cause again.
pub fn error_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text = format!("{text}: {cause}");
        }
    }
    text
}

impl From<SessionError> for CliError {
    /// Settings that cannot be used (a bad value, a network too large for
    /// memory, a change naming no run) are usage errors; the rest failures.
    fn from(e: SessionError) -> CliError {
        match e {
            SessionError::Spec(_) | SessionError::Network(_) | SessionError::Schedule(_) => usage(e),
            SessionError::NoTrainingRows | SessionError::Internal(_) => failure(e),
        }
    }
}

impl From<crate::data::DataError> for CliError {
    /// A data setting that cannot be used is a usage error; a file that
    /// cannot be read is a failure of the work.
    fn from(e: crate::data::DataError) -> CliError {
        match e {
            crate::data::DataError::Invalid(_) => usage(e),
            _ => failure(e),
        }
    }
}

fn usage(e: impl Into<anyhow::Error>) -> CliError {
    CliError::Usage(e.into())
}
fn failure(e: impl Into<anyhow::Error>) -> CliError {
    CliError::Failure(e.into())
}

#[derive(Debug, Parser)]
#[command(
    name = "reglab",
    version,
    about = "Regularization Lab: train small networks with L1, L2 and friends side by side",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A data file to open in the workbench.
    pub file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train an experiment headless: progress on stderr, metrics and weights to files.
    Train(Box<TrainArgs>),
    /// Print what reglab understands of a data file.
    Data(DataArgs),
    /// Time the reference workloads W1–W3.
    Bench(crate::bench::BenchArgs),
    /// Regularization path: train each --reg at every λ of a log grid, warm-started, and write a CSV.
    Sweep(Box<SweepArgs>),
    /// Open the workbench on a lesson: steps moved on with the arrows or a clicker.
    Lesson(LessonArgs),
    /// Draw the window or one view after training a session, as a PNG, or
    /// over the run as an animated PNG, without a display.
    Render(Box<RenderArgs>),
}

#[derive(Debug, clap::Args)]
pub struct LessonArgs {
    /// A lesson file (TOML with [[steps]]), e.g. assets/lessons/workshop.toml.
    #[arg(value_name = "LESSON.toml")]
    pub file: PathBuf,
}

/// Runs the command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Some(Command::Train(a)) => train(&a),
        Some(Command::Data(a)) => describe_data(&a),
        Some(Command::Bench(a)) => crate::bench::run(&a, window_bench()).map_err(|e| {
            if e.is::<crate::console::out::Closed>() { CliError::Closed } else { CliError::Failure(e) }
        }),
        Some(Command::Sweep(a)) => sweep(&a),
        Some(Command::Lesson(a)) => crate::lesson::Lesson::load(&a.file)
            .map_err(usage)
            .and_then(|lesson| open_window_with(None, Some(lesson))),
        Some(Command::Render(a)) => render(&a),
        None => open_window_with(cli.file, None),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            if let Some(error) = e.error() {
                crate::errln!("reglab: {}", error_text(error));
            }
            e.exit_code()
        }
    }
}

#[cfg(feature = "gui")]
fn open_window_with(file: Option<PathBuf>, lesson: Option<crate::lesson::Lesson>) -> Result<(), CliError> {
    crate::gui::run(file, lesson).map_err(CliError::Failure)
}

#[cfg(not(feature = "gui"))]
fn open_window_with(_file: Option<PathBuf>, _lesson: Option<crate::lesson::Lesson>) -> Result<(), CliError> {
    Err(usage(anyhow::anyhow!(
        "this reglab was built without its window (the cargo feature `gui`); use reglab train, sweep, data or bench"
    )))
}

/// The window's workloads of `reglab bench`, when the window is built in.
#[cfg(feature = "gui")]
fn window_bench() -> Option<&'static dyn crate::bench::WindowBench> {
    Some(&crate::gui::timing::WINDOW_BENCH)
}

#[cfg(not(feature = "gui"))]
fn window_bench() -> Option<&'static dyn crate::bench::WindowBench> {
    None
}

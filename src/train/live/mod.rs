//! Interactive training for the workbench: a named background thread that
//! owns a [`Session`], obeys commands (start, pause, step, stop, reset, live
//! changes of λ, η and the regularizer) and sends what it trained. It trains
//! with [`Session::advance`], the scheduler of `reglab train`, and reports
//! every evaluated epoch (the session's `eval_every`, never the clock), so
//! that what the window records equals what the command line writes. Both
//! channels are bounded; the thread calls `notify` after sending so that a
//! window wakes up only when there is something new.

mod worker;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::metrics::EpochMetrics;
use super::run::{Change, RunStatus};
use super::session::SessionError;
use super::spec::{NetworkSpec, RunSpec, TrainingSpec};
use crate::data::Prepared;
use worker::Worker;

/// Everything a session is built from.
#[derive(Debug, Clone)]
pub struct SessionSetup {
    pub data: Arc<Prepared>,
    pub network: NetworkSpec,
    pub training: TrainingSpec,
    pub runs: Vec<RunSpec>,
    pub seed: u64,
    /// Changes to replay at their epochs (an opened session).
    pub changes: Vec<super::run::ScheduledChange>,
}

pub use super::run::LiveChange;

#[derive(Debug)]
pub enum Command {
    /// Builds a new session (all runs back to the shared initial weights).
    Setup(Box<SessionSetup>),
    /// Back to epoch 0 with the same setup.
    Reset,
    /// Train until every run ends or a pause.
    Start,
    Pause,
    /// One epoch of every active run, then pause.
    Step,
    /// End every run now.
    Stop,
    /// At most this many epochs per second (`None`: as fast as possible).
    SpeedLimit(Option<f64>),
    /// Train as fast as possible until every run has reached this epoch,
    /// then pause (a restored session catching up with where it was).
    TrainTo(usize),
    /// This many epochs more for the runs that reached their end (the same
    /// runs go on; the session's epochs grow).
    Extend(usize),
    Change {
        run: usize,
        change: LiveChange,
    },
    /// Write `metrics.csv` and `weights.json` into this folder, with the
    /// writers of `reglab train --metrics` / `--weights`.
    Export(PathBuf),
    /// A run that panics, to show that a failure stays in its run.
    #[cfg(test)]
    InjectPanic {
        run: usize,
    },
}

/// Where the trainer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TrainerState {
    /// No session, or one that has not started.
    #[default]
    Idle,
    Running,
    Paused,
    /// Every run has ended.
    Finished,
}

/// The grid on which a decision boundary is sampled (2-input classification).
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryGrid {
    pub x_range: (f32, f32),
    pub y_range: (f32, f32),
    pub cells: usize,
}

#[derive(Debug)]
pub enum Update {
    /// A new session is ready; each run's name and step size.
    Ready {
        runs: Vec<(String, f64)>,
        boundary: Option<BoundaryGrid>,
    },
    /// Every evaluated epoch since the last update, each run's in order.
    Metrics(Vec<(usize, Box<EpochMetrics>)>),
    Status {
        run: usize,
        status: RunStatus,
    },
    /// A change made by the trainer itself: one of a session file, replayed
    /// at its epoch.
    Changed {
        run: usize,
        change: Change,
    },
    /// The answer to [`Command::Change`]: the change asked, and the change
    /// made (`None`: the setting had that value already, or there is no such run).
    Confirmed {
        run: usize,
        asked: LiveChange,
        made: Option<Change>,
    },
    /// Predicted P(class 1) (binary) or class index (multiclass) per grid
    /// cell, row by row from the bottom.
    Boundary {
        run: usize,
        epoch: usize,
        values: Vec<f32>,
    },
    /// A run's network as it is now (for the network and geometry views).
    Network {
        run: usize,
        epoch: usize,
        net: Box<crate::nn::Mlp<f32>>,
    },
    State(TrainerState),
    /// The runs could not be set up; the session before stays.
    SetupFailed(SessionError),
    /// The answer to [`Command::Export`]: the files written, or what failed.
    Exported(Result<Vec<String>, ExportError>),
}

/// Why the trainer could not write an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no runs are set up")]
    NoRuns,
    #[error("the metrics are no longer recorded for export ({0}); the plots go on")]
    LogLost(std::io::Error),
    #[error("cannot gather the metrics: {0}")]
    Gather(std::io::Error),
    #[error("cannot write the weights: {0}")]
    Weights(serde_json::Error),
    #[error("{path}: {source}")]
    Write { path: String, source: std::io::Error },
}

/// The window's end of the trainer thread.
pub struct LiveTrainer {
    commands: SyncSender<Command>,
    updates: Receiver<Update>,
    thread: Option<JoinHandle<()>>,
}

impl LiveTrainer {
    /// Starts the thread `reglab-trainer`.
    pub fn spawn(notify: impl Fn() + Send + 'static) -> std::io::Result<LiveTrainer> {
        let (commands, command_rx) = mpsc::sync_channel(256);
        let (update_tx, updates) = mpsc::sync_channel(1024);
        let thread = std::thread::Builder::new()
            .name("reglab-trainer".into())
            .spawn(move || Worker::new(command_rx, update_tx, Box::new(notify)).main_loop())?;
        Ok(LiveTrainer { commands, updates, thread: Some(thread) })
    }

    /// Sends a command without waiting; `false` if the trainer is gone or busy.
    pub fn send(&self, command: Command) -> bool {
        match self.commands.try_send(command) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => false,
        }
    }

    /// Updates waiting now, without blocking.
    pub fn try_recv(&self) -> Option<Update> {
        self.updates.try_recv().ok()
    }

    /// Waits up to `timeout` for an update (for tests and headless use).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Update> {
        self.updates.recv_timeout(timeout).ok()
    }

    pub fn is_alive(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }
}

impl Drop for LiveTrainer {
    fn drop(&mut self) {
        // Closing both channels ends the loop, even one blocked on a full
        // update channel.
        let (dead_tx, _) = mpsc::sync_channel(1);
        drop(std::mem::replace(&mut self.commands, dead_tx));
        let (_, dead_rx) = mpsc::sync_channel(1);
        drop(std::mem::replace(&mut self.updates, dead_rx));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

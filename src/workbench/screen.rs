//! The session on screen: its runs, each with its settings, colour,
//! history and pictures together, and where the trainer stands. The trainer
//! owns the live settings of its runs; a run here holds how it started and
//! the changes the trainer confirmed, and shows a change it has sent as
//! pending until the trainer confirms it.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::history::{Pictures, RunHistory};
use super::messages::Note;
use crate::data::{Dataset, Prepared};
use crate::experiment::Experiment;
use crate::train::live::{BoundaryGrid, TrainerState};
use crate::train::{Change, LiveChange, RunSpec, RunStatus, ScheduledChange, TrainingSpec};

/// One run of the session on screen.
#[derive(Debug, Clone)]
pub struct ScreenRun {
    pub name: String,
    pub color: [u8; 3],
    /// Its settings as the session started it.
    pub started: RunSpec,
    /// Changes sent to the trainer that it has not confirmed yet.
    pub pending: Vec<LiveChange>,
    /// The step size in force.
    pub lr: f64,
    pub status: RunStatus,
    /// The changes the trainer made, with their epochs.
    pub changes: Vec<Change>,
    pub history: RunHistory,
    pub pictures: Pictures,
}

impl ScreenRun {
    pub fn new(started: RunSpec, color: [u8; 3], lr: f64) -> ScreenRun {
        ScreenRun {
            name: started.name.clone(),
            color,
            started,
            pending: Vec::new(),
            lr,
            status: RunStatus::Ready,
            changes: Vec::new(),
            history: RunHistory::default(),
            pictures: Pictures::default(),
        }
    }

    /// The epoch of the last metrics received.
    pub fn epoch(&self) -> usize {
        self.history.epoch()
    }

    /// The settings it trains with now: how it started, with every change
    /// the trainer confirmed, and its step size.
    pub fn live(&self) -> RunSpec {
        let mut spec = self.started.clone();
        for c in &self.changes {
            c.to.apply_to(&mut spec);
        }
        spec.lr = Some(self.lr);
        spec
    }

    /// The settings it will train with once the changes sent are made.
    pub fn expected(&self) -> RunSpec {
        let mut spec = self.live();
        for c in &self.pending {
            c.apply_to(&mut spec);
        }
        spec
    }

    /// The trainer answered a change this run sent.
    pub fn confirm(&mut self, asked: LiveChange, made: Option<Change>) {
        if let Some(k) = self.pending.iter().position(|c| *c == asked) {
            self.pending.remove(k);
        }
        if let Some(change) = made {
            self.take_change(change);
        }
    }

    /// A change the trainer made (sent or replayed from a session file).
    pub fn take_change(&mut self, change: Change) {
        if let LiveChange::Lr(lr) = change.to {
            self.lr = lr;
        }
        self.changes.push(change);
    }
}

/// What a session was set up from.
#[derive(Debug, Clone)]
pub(crate) struct Setup {
    /// The experiment as it started (its runs before any live change).
    pub experiment: Experiment,
    /// The data the runs were set up on (the data on screen may be newer).
    pub data: Arc<Prepared>,
    pub dataset: Option<Arc<Dataset>>,
    pub colors: Vec<[u8; 3]>,
    /// The epochs it was set up with: what Go on adds once they are done.
    pub epochs_step: usize,
}

/// The session on screen.
#[derive(Debug, Default)]
pub struct Screen {
    pub runs: Vec<ScreenRun>,
    pub trainer_state: TrainerState,
    /// The grid of the decision boundary (two-input classification).
    pub boundary: Option<BoundaryGrid>,
    /// Counts the sessions set up, so that the window knows when its
    /// pictures of the runs are out of date.
    pub session_id: u64,
    /// Epochs per second, measured.
    pub epochs_per_s: f64,
    /// The preset (or named session) on screen: its name and explanation.
    pub note: Option<Note>,
    pub(crate) setup: Option<Setup>,
    /// Sessions sent to the trainer, in order: each Ready or failure answers the first.
    pub(crate) pending_setup: VecDeque<Setup>,
    /// Changes an opened session replays at their epochs.
    pub(crate) replay: Vec<ScheduledChange>,
    /// The epoch an opened session had reached, to train again to once set up.
    pub(crate) resume_to: Option<usize>,
    rate_mark: Option<(Instant, usize)>,
    /// Pause was asked since the last Train: runs that reach their end
    /// meanwhile do not go on by themselves.
    pub(crate) pause_asked: bool,
}

impl Screen {
    /// The furthest epoch any run has reached.
    pub fn epoch(&self) -> usize {
        self.runs.iter().map(ScreenRun::epoch).max().unwrap_or(0)
    }

    pub fn has_session(&self) -> bool {
        self.setup.is_some()
    }

    /// The experiment the session on screen started from.
    pub fn experiment(&self) -> Option<&Experiment> {
        self.setup.as_ref().map(|s| &s.experiment)
    }

    /// The training settings of the session on screen.
    pub fn training(&self) -> Option<&TrainingSpec> {
        self.experiment().map(|e| &e.training)
    }

    /// The data the session on screen trains on.
    pub fn data(&self) -> Option<&Arc<Prepared>> {
        self.setup.as_ref().map(|s| &s.data)
    }

    /// The runs on screen reached their epochs (none was stopped by hand):
    /// Train goes on with them, unless `stale`.
    pub fn reached_end(&self) -> bool {
        self.trainer_state == TrainerState::Finished
            && self.runs.iter().any(|r| r.status == RunStatus::Done)
            && !self.runs.iter().any(|r| r.status == RunStatus::Stopped)
    }

    /// A new session is ready: its runs, from the first setup sent.
    pub(crate) fn ready(&mut self, runs: Vec<(String, f64)>, boundary: Option<BoundaryGrid>) {
        self.session_id += 1;
        self.setup = self.pending_setup.pop_front().or_else(|| self.setup.take());
        let specs = self.setup.as_ref().map(|s| (s.experiment.runs.clone(), s.colors.clone()));
        let (specs, colors) = specs.unwrap_or_default();
        self.runs = runs
            .into_iter()
            .enumerate()
            .map(|(i, (name, lr))| {
                let spec = specs.get(i).cloned().unwrap_or(RunSpec { name, ..RunSpec::default() });
                let color = colors.get(i).copied().unwrap_or([0x99, 0x99, 0x99]);
                ScreenRun::new(spec, color, lr)
            })
            .collect();
        self.boundary = boundary;
        self.rate_mark = None;
        self.epochs_per_s = 0.0;
        // New runs at epoch 0: whatever the last ones were doing (finished,
        // paused) is not theirs, until the trainer says otherwise.
        self.trainer_state = TrainerState::Idle;
    }

    /// Measures epochs per second over half a second at a time.
    pub(crate) fn measure_rate(&mut self) {
        let epoch = self.epoch();
        match self.rate_mark {
            Some((t, e)) if t.elapsed() >= Duration::from_millis(500) => {
                self.epochs_per_s = (epoch.saturating_sub(e)) as f64 / t.elapsed().as_secs_f64();
                self.rate_mark = Some((Instant::now(), epoch));
            }
            None => self.rate_mark = Some((Instant::now(), epoch)),
            _ => {}
        }
        if self.trainer_state != TrainerState::Running {
            self.epochs_per_s = 0.0;
        }
    }

    /// The changes every run went through, as a session file saves them.
    pub fn scheduled_changes(&self) -> Vec<ScheduledChange> {
        self.runs
            .iter()
            .flat_map(|r| {
                r.changes.iter().map(|c| ScheduledChange {
                    run: r.name.clone(),
                    epoch: c.epoch,
                    change: c.to,
                })
            })
            .collect()
    }
}

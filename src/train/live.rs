//! Interactive training for the workbench: a named background thread that
//! owns a [`Session`], obeys commands (start, pause, step, stop, reset, live
//! changes of λ, η and the regularizer) and sends what it trained. It trains
//! with [`Session::advance`], the scheduler of `reglab train`, and reports
//! every evaluated epoch (the session's `eval_every`, never the clock), so
//! that what the window records equals what the command line writes. Both
//! channels are bounded; the thread calls `notify` after sending so that a
//! window wakes up only when there is something new.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TryRecvError, TrySendError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ndarray::Array2;

use super::metrics::EpochMetrics;
use super::report::{MetricsLog, weights_json};
use super::run::{Change, RunStatus};
use super::session::{Event, Session, SessionError};
use super::spec::{NetworkSpec, RunSpec, TrainingSpec};
use crate::data::Prepared;
use crate::nn::Task;

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
    #[doc(hidden)]
    InjectPanic {
        run: usize,
    },
}

/// Where the trainer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainerState {
    /// No session, or one that has not started.
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
    Changed {
        run: usize,
        change: Change,
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
    Exported(Result<Vec<String>, String>),
}

/// The window's end of the trainer thread.
pub struct LiveTrainer {
    commands: SyncSender<Command>,
    updates: Receiver<Update>,
    thread: Option<JoinHandle<()>>,
}

const BOUNDARY_INTERVAL: Duration = Duration::from_millis(200);
const BOUNDARY_CELLS: usize = 60;
/// Networks with at most this many weights are sent to the window every tick.
const SMALL_NETWORK: usize = 4096;
/// An epoch of all runs slower than this trains them on parallel threads.
const PARALLEL_ABOVE: Duration = Duration::from_micros(200);
/// How long a tick of several epochs aims to take: commands wait at most this.
const TICK_TARGET: Duration = Duration::from_millis(10);
const MAX_EPOCHS_PER_TICK: usize = 1000;
/// The slowest pace still trains an epoch a minute.
const MAX_TICK_WAIT_SECS: f64 = 60.0;

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

struct Worker {
    commands: Receiver<Command>,
    tx: SyncSender<Update>,
    notify: Box<dyn Fn() + Send>,
    setup: Option<SessionSetup>,
    session: Option<Session>,
    /// Every evaluated epoch of the session, for exports.
    log: Option<MetricsLog>,
    state: TrainerState,
    speed: Option<f64>,
    last_boundary: Instant,
    last_tick: Duration,
    boundary: Option<(BoundaryGrid, Array2<f32>)>,
    epochs_per_tick: usize,
    cores: usize,
    /// The last setup could not be built (the session before stays).
    build_failed: bool,
    /// When the next epochs are due at a limited pace.
    next_tick: Instant,
}

impl Worker {
    fn new(commands: Receiver<Command>, tx: SyncSender<Update>, notify: Box<dyn Fn() + Send>) -> Worker {
        let long_ago = Instant::now().checked_sub(Duration::from_secs(3600)).unwrap_or_else(Instant::now);
        Worker {
            commands,
            tx,
            notify,
            setup: None,
            session: None,
            log: None,
            state: TrainerState::Idle,
            speed: None,
            last_boundary: long_ago,
            last_tick: Duration::ZERO,
            boundary: None,
            epochs_per_tick: 1,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            build_failed: false,
            next_tick: Instant::now(),
        }
    }

    /// `false` when the window is gone.
    fn send(&self, update: Update) -> bool {
        let ok = self.tx.send(update).is_ok();
        (self.notify)();
        ok
    }

    fn set_state(&mut self, state: TrainerState) -> bool {
        self.state = state;
        self.send(Update::State(state))
    }

    fn main_loop(mut self) {
        loop {
            let command = if self.state == TrainerState::Running {
                let wait = self.next_tick.saturating_duration_since(Instant::now());
                match self.commands.recv_timeout(wait) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                match self.commands.recv() {
                    Ok(c) => Some(c),
                    Err(_) => return,
                }
            };
            if let Some(c) = command {
                if !self.handle(c) {
                    return;
                }
                continue;
            }
            // Drain what else is waiting before the next epoch.
            match self.commands.try_recv() {
                Ok(c) => {
                    if !self.handle(c) {
                        return;
                    }
                    continue;
                }
                Err(TryRecvError::Disconnected) => return,
                Err(TryRecvError::Empty) => {}
            }
            let started = Instant::now();
            if !self.tick(false) {
                return;
            }
            self.next_tick = match self.speed {
                Some(eps) if eps > 0.0 => {
                    started + Duration::from_secs_f64((1.0 / eps).min(MAX_TICK_WAIT_SECS))
                }
                _ => Instant::now(),
            };
        }
    }

    /// Applies one command; `false` when the window is gone.
    fn handle(&mut self, command: Command) -> bool {
        match command {
            Command::Setup(setup) => {
                let previous = self.setup.replace(*setup);
                let ok = self.build();
                if self.build_failed {
                    // A setup that failed leaves the one before in place.
                    self.setup = previous;
                }
                ok
            }
            Command::Reset => self.build(),
            Command::Start => {
                // Train after a setup that failed does not go on with the runs before.
                if self.build_failed {
                    return self.set_state(self.state);
                }
                if self.session.as_ref().is_some_and(|s| s.runs.iter().any(|r| r.status.is_active())) {
                    self.set_state(TrainerState::Running)
                } else {
                    true
                }
            }
            Command::Pause => {
                if self.state == TrainerState::Running {
                    self.set_state(TrainerState::Paused)
                } else {
                    true
                }
            }
            Command::Step => {
                if self.state == TrainerState::Finished || self.session.is_none() {
                    return true;
                }
                self.tick(true)
                    && (self.state == TrainerState::Finished || self.set_state(TrainerState::Paused))
            }
            Command::Stop => {
                if self.session.is_none() {
                    return true;
                }
                self.restatus(|s| s.is_active(), RunStatus::Stopped) && self.set_state(TrainerState::Finished)
            }
            Command::SpeedLimit(s) => {
                self.speed = s.filter(|v| v.is_finite() && *v > 0.0);
                // A new pace counts from now, not from a tick planned at the old one.
                self.next_tick = Instant::now();
                true
            }
            Command::Extend(more) => {
                let Some(session) = self.session.as_mut() else { return true };
                let total = session.training.epochs().saturating_add(more);
                session.training.epochs = Some(total);
                self.restatus(|s| *s == RunStatus::Done, RunStatus::Training)
                    && self.set_state(TrainerState::Paused)
            }
            Command::Change { run, change } => self.change(run, change),
            Command::Export(dir) => {
                let result = self.export(&dir);
                self.send(Update::Exported(result))
            }
            Command::InjectPanic { run } => {
                if let Some(r) = self.session.as_mut().and_then(|s| s.runs.get_mut(run)) {
                    r.inject_panic = true;
                }
                true
            }
        }
    }

    /// Gives every run whose status matches `which` the status `to`, and
    /// tells the window; `false` when the window is gone.
    fn restatus(&mut self, which: impl Fn(&RunStatus) -> bool, to: RunStatus) -> bool {
        let Some(session) = self.session.as_mut() else { return true };
        let mut changed = Vec::new();
        for (i, run) in session.runs.iter_mut().enumerate() {
            if which(&run.status) {
                run.status = to.clone();
                changed.push(i);
            }
        }
        changed.into_iter().all(|i| self.send(Update::Status { run: i, status: to.clone() }))
    }

    /// Writes the metrics and the weights of the session into `dir`.
    fn export(&mut self, dir: &Path) -> Result<Vec<String>, String> {
        let (Some(session), Some(log)) = (self.session.as_ref(), self.log.as_mut()) else {
            return Err("no runs are set up".into());
        };
        let mut csv = Vec::new();
        log.write_csv(&mut csv).map_err(|e| format!("cannot gather the metrics: {e}"))?;
        let at = |name: &str| dir.join(name);
        super::report::write_atomic(&at("metrics.csv"), &csv)
            .map_err(|e| format!("{}: {e}", at("metrics.csv").display()))?;
        let json = weights_json(session).map_err(|e| format!("cannot write the weights: {e}"))?;
        super::report::write_atomic(&at("weights.json"), json.as_bytes())
            .map_err(|e| format!("{}: {e}", at("weights.json").display()))?;
        Ok(vec!["metrics.csv".into(), "weights.json".into()])
    }

    fn build(&mut self) -> bool {
        let Some(setup) = self.setup.clone() else { return true };
        let built = Session::new(setup.data, setup.network, setup.training, setup.runs, setup.seed)
            .and_then(|mut s| s.schedule(&setup.changes).map(|()| s).map_err(SessionError::from));
        let session = match built {
            Ok(s) => s,
            Err(e) => {
                self.build_failed = true;
                return self.send(Update::SetupFailed(e));
            }
        };
        self.build_failed = false;
        self.boundary = boundary_grid(&session.data);
        let runs = session.runs.iter().map(|r| (r.spec.name.clone(), r.lr)).collect();
        if !self.send(Update::Ready { runs, boundary: self.boundary.as_ref().map(|b| b.0.clone()) }) {
            return false;
        }
        // Epoch 0: every run starts from the same weights.
        let mut log = MetricsLog::for_session(&session);
        let mut start = Vec::new();
        for (i, run) in session.runs.iter().enumerate() {
            if let Some(m) = &run.last {
                let _ = log.push(i, m);
                start.push((i, Box::new(m.clone())));
            }
        }
        self.log = Some(log);
        self.session = Some(session);
        if !self.send(Update::Metrics(start)) || !self.send_boundaries(true) {
            return false;
        }
        self.set_state(TrainerState::Idle)
    }

    fn change(&mut self, index: usize, change: LiveChange) -> bool {
        let Some(session) = self.session.as_mut() else { return true };
        let Some(run) = session.runs.get_mut(index) else { return true };
        match run.apply(change) {
            Some(change) => self.send(Update::Changed { run: index, change }),
            None => true,
        }
    }

    /// A few epochs of every active run; `false` when the window is gone.
    fn tick(&mut self, single: bool) -> bool {
        let Some(session) = self.session.as_mut() else { return true };
        let started = Instant::now();
        let changes_before: Vec<usize> = session.runs.iter().map(|r| r.changes.len()).collect();
        // Single steps and a speed limit go one epoch at a time; otherwise a
        // tick trains several epochs of each run to keep the overhead small
        // beside the work. Which epochs are evaluated does not depend on it.
        let per_tick = if single || self.speed.is_some() { 1 } else { self.epochs_per_tick };
        let active = session.runs.iter().filter(|r| r.status.is_active()).count();
        let threads = if self.last_tick > PARALLEL_ABOVE { self.cores.min(active) } else { 1 };
        let mut metrics: Vec<(usize, Box<EpochMetrics>)> = Vec::new();
        let mut statuses: Vec<Update> = Vec::new();
        let mut log_error = None;
        let log = &mut self.log;
        let mut observer = |e: &Event<'_>| match e {
            Event::Epoch { run, epoch, metrics: m } => {
                if let Some(m) = m {
                    if let Some(log) = log.as_mut()
                        && let Err(e) = log.push(*run, m)
                    {
                        log_error = Some(e);
                    }
                    metrics.push((*run, Box::new((*m).clone())));
                }
                if *epoch == 1 {
                    statuses.push(Update::Status { run: *run, status: RunStatus::Training });
                }
            }
            Event::RunFinished { run, status, .. } => {
                statuses.push(Update::Status { run: *run, status: (*status).clone() })
            }
            Event::Started { .. } | Event::Finished => {}
        };
        session.advance(per_tick, threads, &mut observer, &AtomicBool::new(false));
        let took = started.elapsed();
        if per_tick == self.epochs_per_tick {
            // Aim at ticks of about TICK_TARGET.
            let per_epoch = took.as_secs_f64() / per_tick as f64;
            self.epochs_per_tick =
                ((TICK_TARGET.as_secs_f64() / per_epoch.max(1e-9)) as usize).clamp(1, MAX_EPOCHS_PER_TICK);
        }
        self.last_tick = took / per_tick as u32;
        let mut updates = Vec::new();
        // Scheduled changes made during the tick.
        for (i, run) in session.runs.iter().enumerate() {
            for change in &run.changes[changes_before[i]..] {
                updates.push(Update::Changed { run: i, change: change.clone() });
            }
        }
        let finished = session.runs.iter().all(|r| !r.status.is_active());
        if !metrics.is_empty() {
            updates.push(Update::Metrics(metrics));
        }
        updates.extend(statuses);
        if let Some(e) = log_error {
            self.log = None;
            updates.push(Update::Exported(Err(format!(
                "the metrics can no longer be recorded for export ({e}); the plots go on"
            ))));
        }
        for u in updates {
            if !self.send(u) {
                return false;
            }
        }
        if !self.send_boundaries(single || finished) {
            return false;
        }
        if finished {
            return self.set_state(TrainerState::Finished);
        }
        true
    }

    /// The pictures of the runs that the window draws but never exports:
    /// each run's network (the network and geometry views) and its decision
    /// boundary, at most every [`BOUNDARY_INTERVAL`] unless `force`; a
    /// network small enough is sent every tick, so that its weights' path
    /// can be drawn step by step.
    fn send_boundaries(&mut self, force: bool) -> bool {
        let Some(session) = self.session.as_ref() else { return true };
        let small = session.initial.weight_count() <= SMALL_NETWORK;
        let due = force || self.last_boundary.elapsed() >= BOUNDARY_INTERVAL;
        if !due && !small {
            return true;
        }
        let mut out = Vec::new();
        for (i, run) in session.runs.iter().enumerate() {
            if matches!(run.status, RunStatus::Diverged { .. }) {
                continue;
            }
            out.push(Update::Network { run: i, epoch: run.epoch, net: Box::new(run.net.clone()) });
        }
        if !due {
            return out.into_iter().all(|u| self.send(u));
        }
        self.last_boundary = Instant::now();
        let Some((_, grid)) = self.boundary.as_ref() else {
            return out.into_iter().all(|u| self.send(u));
        };
        for (i, run) in session.runs.iter().enumerate() {
            if matches!(run.status, RunStatus::Diverged { .. }) {
                continue;
            }
            let p = run.net.predict(grid.view());
            let values: Vec<f32> = match run.net.task {
                Task::Multiclass(_) => p
                    .rows()
                    .into_iter()
                    .map(|r| {
                        r.iter()
                            .enumerate()
                            .fold((0, f32::NEG_INFINITY), |b, (k, &v)| if v > b.1 { (k, v) } else { b })
                            .0 as f32
                    })
                    .collect(),
                _ => p.column(0).to_vec(),
            };
            out.push(Update::Boundary { run: i, epoch: run.epoch, values });
        }
        out.into_iter().all(|u| self.send(u))
    }
}

/// For classification on exactly two inputs: a square grid over the
/// training rows' range with a margin, cell centres row by row from the bottom.
fn boundary_grid(data: &Prepared) -> Option<(BoundaryGrid, Array2<f32>)> {
    if data.inputs() != 2 || !data.task.is_classification() || data.train_rows() == 0 {
        return None;
    }
    let range = |c: usize| {
        let col = data.x_train.column(c);
        let (lo, hi) = col.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        let pad = ((hi - lo) * 0.1).max(0.1);
        (lo - pad, hi + pad)
    };
    let (xr, yr) = (range(0), range(1));
    let n = BOUNDARY_CELLS;
    let mut grid = Array2::<f32>::zeros((n * n, 2));
    for r in 0..n {
        for c in 0..n {
            let x = xr.0 + (xr.1 - xr.0) * (c as f32 + 0.5) / n as f32;
            let y = yr.0 + (yr.1 - yr.0) * (r as f32 + 0.5) / n as f32;
            grid[[r * n + c, 0]] = x;
            grid[[r * n + c, 1]] = y;
        }
    }
    Some((BoundaryGrid { x_range: xr, y_range: yr, cells: n }, grid))
}

//! Interactive training for the workbench: a named background thread that
//! owns a [`Session`], obeys commands (start, pause, step, stop, reset, live
//! changes of λ, η and the regularizer) and sends snapshots. Both channels
//! are bounded; the thread calls `notify` after sending so that a window can
//! wake up only when there is something new.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TryRecvError, TrySendError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ndarray::Array2;

use super::metrics::EpochMetrics;
use super::run::{Change, EpochContext, Run, RunStatus};
use super::session::Session;
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
    Change {
        run: usize,
        change: LiveChange,
    },
    /// Send the weights of every run as the weights JSON of `reglab train`.
    ExportWeights,
    /// Record metrics after every epoch instead of at most every 15 ms
    /// (benchmarks of long histories).
    RecordEveryEpoch(bool),
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
    Metrics {
        run: usize,
        metrics: Box<EpochMetrics>,
    },
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
    State(TrainerState),
    Error(String),
    /// The answer to [`Command::ExportWeights`].
    WeightsJson(Result<String, String>),
}

/// The window's end of the trainer thread.
pub struct LiveTrainer {
    commands: SyncSender<Command>,
    updates: Receiver<Update>,
    thread: Option<JoinHandle<()>>,
}

/// Points of history taken every epoch at the start, then at most this often.
const EVAL_INTERVAL: Duration = Duration::from_millis(15);
const EVAL_EVERY_EPOCH_UNTIL: usize = 100;
const BOUNDARY_INTERVAL: Duration = Duration::from_millis(200);
const BOUNDARY_CELLS: usize = 60;
/// An epoch of all runs slower than this trains them on parallel threads.
const PARALLEL_ABOVE: Duration = Duration::from_micros(200);
/// How long a tick of several epochs aims to take: commands wait at most this.
const TICK_TARGET: Duration = Duration::from_millis(10);
const MAX_EPOCHS_PER_TICK: usize = 1000;

impl LiveTrainer {
    /// Starts the thread `reglab-trainer`.
    pub fn spawn(notify: impl Fn() + Send + 'static) -> std::io::Result<LiveTrainer> {
        let (commands, command_rx) = mpsc::sync_channel(256);
        let (update_tx, updates) = mpsc::sync_channel(4096);
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
    state: TrainerState,
    speed: Option<f64>,
    last_eval: Instant,
    last_boundary: Instant,
    last_tick: Duration,
    boundary: Option<(BoundaryGrid, Array2<f32>)>,
    panic_next: Option<usize>,
    every_epoch: bool,
    epochs_per_tick: usize,
    cores: usize,
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into())
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
            state: TrainerState::Idle,
            speed: None,
            last_eval: long_ago,
            last_boundary: long_ago,
            last_tick: Duration::ZERO,
            boundary: None,
            panic_next: None,
            every_epoch: false,
            epochs_per_tick: 1,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
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
        let mut next_tick = Instant::now();
        loop {
            let command = if self.state == TrainerState::Running {
                let wait = next_tick.saturating_duration_since(Instant::now());
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
            next_tick = match self.speed {
                Some(eps) if eps > 0.0 => started + Duration::from_secs_f64(1.0 / eps),
                _ => Instant::now(),
            };
        }
    }

    /// Applies one command; `false` when the window is gone.
    fn handle(&mut self, command: Command) -> bool {
        match command {
            Command::Setup(setup) => {
                self.setup = Some(*setup);
                self.build()
            }
            Command::Reset => self.build(),
            Command::Start => {
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
                let Some(session) = self.session.as_mut() else { return true };
                let mut stopped = Vec::new();
                for (i, run) in session.runs.iter_mut().enumerate() {
                    if run.status.is_active() {
                        run.status = RunStatus::Stopped;
                        stopped.push(i);
                    }
                }
                for i in stopped {
                    if !self.send(Update::Status { run: i, status: RunStatus::Stopped }) {
                        return false;
                    }
                }
                self.set_state(TrainerState::Finished)
            }
            Command::SpeedLimit(s) => {
                self.speed = s.filter(|v| v.is_finite() && *v > 0.0);
                true
            }
            Command::Change { run, change } => self.change(run, change),
            Command::ExportWeights => {
                let json = match &self.session {
                    Some(session) => super::report::weights_json(session).map_err(|e| e.to_string()),
                    None => Err("no runs are set up".into()),
                };
                self.send(Update::WeightsJson(json))
            }
            Command::RecordEveryEpoch(on) => {
                self.every_epoch = on;
                true
            }
            Command::InjectPanic { run } => {
                self.panic_next = Some(run);
                true
            }
        }
    }

    fn build(&mut self) -> bool {
        let Some(setup) = self.setup.clone() else { return true };
        let built = Session::new(setup.data, setup.network, setup.training, setup.runs, setup.seed)
            .map_err(|e| e.to_string())
            .and_then(|mut s| s.schedule(&setup.changes).map(|()| s));
        let mut session = match built {
            Ok(s) => s,
            Err(e) => {
                self.session = None;
                return self.send(Update::Error(format!("cannot set up the runs: {e}")))
                    && self.set_state(TrainerState::Idle);
            }
        };
        self.boundary = boundary_grid(&session.data);
        let runs = session.runs.iter().map(|r| (r.spec.name.clone(), r.lr)).collect();
        if !self.send(Update::Ready { runs, boundary: self.boundary.as_ref().map(|b| b.0.clone()) }) {
            return false;
        }
        // Epoch 0: every run starts from the same weights.
        let ctx = live_context(&session);
        let data = Arc::clone(&session.data);
        for i in 0..session.runs.len() {
            let metrics = session.runs[i].metrics(&data, &ctx);
            if !self.send(Update::Metrics { run: i, metrics: Box::new(metrics) }) {
                return false;
            }
        }
        self.session = Some(session);
        self.last_eval = Instant::now();
        if !self.send_boundaries(true) {
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

    /// One epoch of every active run; `false` when the window is gone.
    fn tick(&mut self, always_evaluate: bool) -> bool {
        let Some(session) = self.session.as_mut() else { return true };
        let ctx = live_context(session);
        let data = Arc::clone(&session.data);
        let started = Instant::now();
        let panic_run = self.panic_next.take();
        let active: Vec<usize> =
            (0..session.runs.len()).filter(|&i| session.runs[i].status.is_active()).collect();
        let changes_before: Vec<usize> = session.runs.iter().map(|r| r.changes.len()).collect();
        // Early epochs, single steps, a speed limit and every-epoch records
        // go one epoch at a time; otherwise a tick trains several epochs of
        // each run (the same number for all, so that every run is evaluated
        // at the same epochs) to keep thread start-up small beside the work.
        let max_epoch = active.iter().map(|&i| session.runs[i].epoch).max().unwrap_or(0);
        let per_tick = if always_evaluate
            || self.every_epoch
            || self.speed.is_some()
            || max_epoch < EVAL_EVERY_EPOCH_UNTIL
        {
            1
        } else {
            self.epochs_per_tick
        };
        let train_one = |i: usize, run: &mut Run| {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                if panic_run == Some(i) {
                    panic!("injected failure in run {}", i + 1);
                }
                run.train_epoch(&data, &ctx)
            }));
            if let Err(panic) = outcome {
                run.status = RunStatus::Diverged {
                    epoch: run.epoch,
                    reason: format!("internal error: {}", panic_text(&*panic)),
                };
            }
        };
        let threads = self.cores.min(active.len());
        if threads > 1 && self.last_tick > PARALLEL_ABOVE {
            // A free thread takes the next epoch of any run that has one left
            // in this tick: three runs keep two cores busy.
            let queue: std::sync::Mutex<std::collections::VecDeque<(usize, &mut Run, usize)>> =
                std::sync::Mutex::new(
                    session
                        .runs
                        .iter_mut()
                        .enumerate()
                        .filter(|(_, r)| r.status.is_active())
                        .map(|(i, r)| (i, r, per_tick))
                        .collect(),
                );
            let worker = || {
                loop {
                    let Some((i, run, left)) = queue.lock().ok().and_then(|mut q| q.pop_front()) else {
                        return;
                    };
                    train_one(i, run);
                    if left > 1
                        && run.status.is_active()
                        && let Ok(mut q) = queue.lock()
                    {
                        q.push_back((i, run, left - 1));
                    }
                }
            };
            std::thread::scope(|scope| {
                let mut handles = Vec::new();
                for k in 1..threads {
                    match std::thread::Builder::new()
                        .name(format!("reglab-train-{k}"))
                        .spawn_scoped(scope, worker)
                    {
                        Ok(h) => handles.push(h),
                        Err(e) => eprintln!("reglab: could not start a training thread: {e}"),
                    }
                }
                // This thread works too.
                worker();
                for h in handles {
                    let _ = h.join();
                }
            });
        } else {
            for _ in 0..per_tick {
                for &i in &active {
                    if session.runs[i].status.is_active() {
                        train_one(i, &mut session.runs[i]);
                    }
                }
            }
        }
        let took = started.elapsed();
        if per_tick == self.epochs_per_tick {
            // Aim at ticks of about TICK_TARGET.
            let per_epoch = took.as_secs_f64() / per_tick as f64;
            self.epochs_per_tick =
                ((TICK_TARGET.as_secs_f64() / per_epoch.max(1e-9)) as usize).clamp(1, MAX_EPOCHS_PER_TICK);
        }
        self.last_tick = took / per_tick as u32;

        let ended: Vec<usize> =
            active.iter().copied().filter(|&i| !session.runs[i].status.is_active()).collect();
        let epoch = active.iter().map(|&i| session.runs[i].epoch).max().unwrap_or(0);
        let due = always_evaluate
            || self.every_epoch
            || !ended.is_empty()
            || epoch <= EVAL_EVERY_EPOCH_UNTIL
            || self.last_eval.elapsed() >= EVAL_INTERVAL;
        let mut updates = Vec::new();
        // Scheduled changes made during the tick.
        for (i, run) in session.runs.iter().enumerate() {
            for change in &run.changes[changes_before[i]..] {
                updates.push(Update::Changed { run: i, change: change.clone() });
            }
        }
        if due {
            self.last_eval = Instant::now();
            for &i in &active {
                let run = &mut session.runs[i];
                if matches!(run.status, RunStatus::Diverged { .. }) {
                    continue;
                }
                let metrics = run.metrics(&data, &ctx);
                if !metrics.total.is_finite() && run.status.is_active() {
                    run.status = RunStatus::Diverged {
                        epoch: run.epoch,
                        reason: format!(
                            "the training error is {}; the step size η is too large for this run",
                            metrics.total
                        ),
                    };
                }
                updates.push(Update::Metrics { run: i, metrics: Box::new(metrics) });
            }
        }
        for &i in &active {
            let status = &session.runs[i].status;
            if !status.is_active() {
                updates.push(Update::Status { run: i, status: status.clone() });
            } else if session.runs[i].epoch == 1 {
                updates.push(Update::Status { run: i, status: RunStatus::Training });
            }
        }
        let finished = session.runs.iter().all(|r| !r.status.is_active());
        for u in updates {
            if !self.send(u) {
                return false;
            }
        }
        if !self.send_boundaries(always_evaluate || finished) {
            return false;
        }
        if finished {
            return self.set_state(TrainerState::Finished);
        }
        true
    }

    fn send_boundaries(&mut self, force: bool) -> bool {
        let (Some(session), Some((_, grid))) = (self.session.as_ref(), self.boundary.as_ref()) else {
            return true;
        };
        if !force && self.last_boundary.elapsed() < BOUNDARY_INTERVAL {
            return true;
        }
        self.last_boundary = Instant::now();
        let mut out = Vec::new();
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

/// The session's context, with evaluation left to the trainer's schedule.
fn live_context(session: &Session) -> EpochContext {
    EpochContext { eval_every: usize::MAX, ..session.context() }
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

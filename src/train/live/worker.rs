//! The trainer thread's loop: it owns the session, obeys the window's
//! commands, trains a few epochs per tick at the pace asked, and sends what
//! it trained.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::time::{Duration, Instant};

use ndarray::Array2;

use super::{BoundaryGrid, Command, ExportError, LiveChange, SessionSetup, TrainerState, Update};
use crate::data::Prepared;
use crate::nn::Task;
use crate::train::metrics::EpochMetrics;
use crate::train::report::{MetricsLog, weights_json};
use crate::train::run::RunStatus;
use crate::train::session::{Both, Event, Session, SessionError};

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

pub(super) struct Worker {
    commands: Receiver<Command>,
    tx: SyncSender<Update>,
    notify: Box<dyn Fn() + Send>,
    setup: Option<SessionSetup>,
    session: Option<Session>,
    /// Every evaluated epoch of the session, for exports.
    log: Option<MetricsLog>,
    state: TrainerState,
    pacing: Pacing,
    last_boundary: Instant,
    last_tick: Duration,
    boundary: Option<(BoundaryGrid, Array2<f32>)>,
    epochs_per_tick: usize,
    cores: usize,
    /// The last setup could not be built (the session before stays).
    build_failed: bool,
}

/// How fast the runs train: a limit counted by the clock from when it was
/// set or training (re)started, so that a session of N epochs at N/20
/// epochs a second takes 20 seconds even when a tick costs more than the
/// time between two epochs; or as fast as possible up to an epoch (a
/// restored session catching up).
struct Pacing {
    /// Epochs per second at most (`None`: as fast as possible).
    speed: Option<f64>,
    origin: Instant,
    /// Epochs trained since `origin`.
    done: usize,
    /// Train as fast as possible until every run has reached this epoch, then pause.
    target: Option<usize>,
}

impl Pacing {
    fn restart(&mut self) {
        self.origin = Instant::now();
        self.done = 0;
    }

    /// The epochs a limited pace has due now (at least one, at most a tenth
    /// of a second's worth at once, so that a stall is caught up smoothly).
    fn due(&self, eps: f64) -> usize {
        let by_clock = ((self.origin.elapsed().as_secs_f64() * eps).floor() as usize).saturating_add(1);
        by_clock.saturating_sub(self.done).clamp(1, ((eps / 10.0) as usize).clamp(1, MAX_EPOCHS_PER_TICK))
    }

    /// When the next epoch is due.
    fn next_tick(&self) -> Instant {
        match self.speed {
            Some(eps) if self.target.is_none() => {
                let at = self.origin + Duration::from_secs_f64((self.done as f64 / eps).min(1e9));
                // The slowest pace still trains an epoch a minute.
                at.min(Instant::now() + Duration::from_secs_f64(MAX_TICK_WAIT_SECS))
            }
            _ => Instant::now(),
        }
    }
}

impl Worker {
    pub(super) fn new(
        commands: Receiver<Command>,
        tx: SyncSender<Update>,
        notify: Box<dyn Fn() + Send>,
    ) -> Worker {
        let long_ago = Instant::now().checked_sub(Duration::from_secs(3600)).unwrap_or_else(Instant::now);
        Worker {
            commands,
            tx,
            notify,
            setup: None,
            session: None,
            log: None,
            state: TrainerState::Idle,
            pacing: Pacing { speed: None, origin: Instant::now(), done: 0, target: None },
            last_boundary: long_ago,
            last_tick: Duration::ZERO,
            boundary: None,
            epochs_per_tick: 1,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            build_failed: false,
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

    pub(super) fn main_loop(mut self) {
        loop {
            let command = if self.state == TrainerState::Running {
                let wait = self.pacing.next_tick().saturating_duration_since(Instant::now());
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
            if !self.tick(false) {
                return;
            }
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
                    self.pacing.restart();
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
                self.pacing.speed = s.filter(|v| v.is_finite() && *v > 0.0);
                // A new pace counts from now, not from a tick planned at the old one.
                self.pacing.restart();
                true
            }
            Command::TrainTo(epoch) => {
                let behind = self
                    .session
                    .as_ref()
                    .is_some_and(|s| s.runs.iter().any(|r| r.status.is_active() && r.epoch < epoch));
                if !behind {
                    return true;
                }
                self.pacing.target = Some(epoch);
                self.set_state(TrainerState::Running)
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
            #[cfg(test)]
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
    fn export(&mut self, dir: &Path) -> Result<Vec<String>, ExportError> {
        let (Some(session), Some(log)) = (self.session.as_ref(), self.log.as_mut()) else {
            return Err(ExportError::NoRuns);
        };
        let mut csv = Vec::new();
        log.write_csv(&mut csv).map_err(ExportError::Gather)?;
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.join(name);
            crate::train::report::write_atomic(&path, bytes)
                .map_err(|source| ExportError::Write { path: path.display().to_string(), source })
        };
        write("metrics.csv", &csv)?;
        let json = weights_json(session).map_err(ExportError::Weights)?;
        write("weights.json", json.as_bytes())?;
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

    /// Makes a change asked by the window, and confirms it.
    fn change(&mut self, index: usize, asked: LiveChange) -> bool {
        let run = self.session.as_mut().and_then(|s| s.runs.get_mut(index));
        let made = run.and_then(|r| r.apply(asked));
        self.send(Update::Confirmed { run: index, asked, made })
    }

    /// A few epochs of every active run; `false` when the window is gone.
    fn tick(&mut self, single: bool) -> bool {
        let Some(session) = self.session.as_mut() else { return true };
        let started = Instant::now();
        let changes_before: Vec<usize> = session.runs.iter().map(|r| r.changes.len()).collect();
        // A tick trains several epochs of each run to keep the overhead
        // small beside the work: as many as the pace has due, or up to the
        // target. Which epochs are evaluated does not depend on it.
        let behind = |target: usize| {
            session.runs.iter().filter(|r| r.status.is_active()).map(|r| target.saturating_sub(r.epoch)).max()
        };
        let per_tick = match (single, self.pacing.target, self.pacing.speed) {
            (true, _, _) => 1,
            (false, Some(target), _) => self.epochs_per_tick.min(behind(target).unwrap_or(1).max(1)),
            (false, None, Some(eps)) => self.pacing.due(eps),
            (false, None, None) => self.epochs_per_tick,
        };
        let active = session.runs.iter().filter(|r| r.status.is_active()).count();
        let threads = if self.last_tick > PARALLEL_ABOVE { self.cores.min(active) } else { 1 };
        let mut metrics: Vec<(usize, Box<EpochMetrics>)> = Vec::new();
        let mut statuses: Vec<Update> = Vec::new();
        let mut collect = |e: &Event<'_>| match e {
            Event::Epoch { run, epoch, metrics: m } => {
                if let Some(m) = m {
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
        let stop = AtomicBool::new(false);
        match self.log.as_mut() {
            Some(log) => session.advance(per_tick, threads, &mut Both(log, &mut collect), &stop),
            None => session.advance(per_tick, threads, &mut collect, &stop),
        }
        let log_error = self.log.as_mut().and_then(MetricsLog::take_error);
        let took = started.elapsed();
        if per_tick == self.epochs_per_tick {
            // Aim at ticks of about TICK_TARGET.
            let per_epoch = took.as_secs_f64() / per_tick as f64;
            self.epochs_per_tick =
                ((TICK_TARGET.as_secs_f64() / per_epoch.max(1e-9)) as usize).clamp(1, MAX_EPOCHS_PER_TICK);
        }
        self.last_tick = took / per_tick as u32;
        self.pacing.done += per_tick;
        let reached = self
            .pacing
            .target
            .is_some_and(|t| session.runs.iter().filter(|r| r.status.is_active()).all(|r| r.epoch >= t));
        let mut updates = Vec::new();
        // Scheduled changes made during the tick.
        for (i, run) in session.runs.iter().enumerate() {
            for change in &run.changes[changes_before[i]..] {
                updates.push(Update::Changed { run: i, change: *change });
            }
        }
        let finished = session.runs.iter().all(|r| !r.status.is_active());
        if !metrics.is_empty() {
            updates.push(Update::Metrics(metrics));
        }
        updates.extend(statuses);
        if let Some(e) = log_error {
            self.log = None;
            updates.push(Update::Exported(Err(ExportError::LogLost(e))));
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
            self.pacing.target = None;
            return self.set_state(TrainerState::Finished);
        }
        if reached {
            // A restored session has caught up: it waits, paused, as it was left.
            self.pacing.target = None;
            return self.set_state(TrainerState::Paused);
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
            if run.status.is_failure() {
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
            if run.status.is_failure() {
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

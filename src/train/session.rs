use std::collections::VecDeque;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use super::metrics::EpochMetrics;
use super::run::{EpochContext, Run, RunStatus, auto_lr};
use super::spec::{NetworkSpec, RunSpec, SpecError, TrainingSpec, check_runs, check_size};
use crate::data::Prepared;
use crate::nn::{Mlp, NetworkError};

/// Why a session could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Network(#[from] NetworkError),
    #[error("the training split has no rows")]
    NoTrainingRows,
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    /// A worker thread stopped with an internal error.
    #[error("{0}")]
    Internal(String),
}

/// A change to replay that does not fit the session.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScheduleError {
    #[error("a change names the run '{0}', which the session does not have")]
    UnknownRun(String),
}

/// What the training loop reports, to a progress bar or a window.
#[derive(Debug)]
pub enum Event<'a> {
    Started {
        runs: &'a [String],
        epochs: usize,
    },
    /// A run finished an epoch (epoch 0: the shared starting point); `metrics`
    /// when that epoch was evaluated.
    Epoch {
        run: usize,
        epoch: usize,
        metrics: Option<&'a EpochMetrics>,
    },
    /// A run stopped training (done, converged, diverged or stopped).
    RunFinished {
        run: usize,
        epoch: usize,
        status: &'a RunStatus,
    },
    Finished,
}

/// Receives the events of a training loop, on the thread that called `train`.
pub trait Observer {
    fn on_event(&mut self, event: &Event<'_>);
}

impl<F: FnMut(&Event<'_>)> Observer for F {
    fn on_event(&mut self, event: &Event<'_>) {
        self(event)
    }
}

/// Two observers, each told every event in turn: a metrics log and a
/// progress bar (`reglab train`), a metrics log and the window's collector.
pub struct Both<'a, A: Observer + ?Sized, B: Observer + ?Sized>(pub &'a mut A, pub &'a mut B);

impl<A: Observer + ?Sized, B: Observer + ?Sized> Observer for Both<'_, A, B> {
    fn on_event(&mut self, event: &Event<'_>) {
        self.0.on_event(event);
        self.1.on_event(event);
    }
}

/// Runs compared side by side: same data, same initial weights, same batches.
#[derive(Debug, Clone)]
pub struct Session {
    pub data: Arc<Prepared>,
    pub network: NetworkSpec,
    pub training: TrainingSpec,
    pub seed: u64,
    pub initial: Mlp<f32>,
    pub runs: Vec<Run>,
}

/// One trained epoch of one run, on its way to the observer.
struct Message {
    run: usize,
    epoch: usize,
    metrics: Option<EpochMetrics>,
    finished: Option<RunStatus>,
}

impl Session {
    /// Checks the settings and the memory the runs need, builds the shared
    /// initial network and evaluates it (epoch 0) for every run.
    pub fn new(
        data: Arc<Prepared>,
        network: NetworkSpec,
        training: TrainingSpec,
        mut runs: Vec<RunSpec>,
        seed: u64,
    ) -> Result<Session, SessionError> {
        training.check()?;
        check_runs(&mut runs)?;
        if data.train_rows() == 0 {
            return Err(SessionError::NoTrainingRows);
        }
        let batch_rows = training.batch.rows(data.train_rows());
        check_size(data.inputs(), &network.hidden, data.task.outputs(), batch_rows, runs.len())?;
        let initial = Mlp::new(data.inputs(), &network.hidden, network.activation, data.task, seed)?;
        let mut runs: Vec<Run> = runs
            .into_iter()
            .map(|spec| {
                let lr = spec
                    .lr
                    .or(training.lr)
                    .unwrap_or_else(|| auto_lr(&data, &network.hidden, &spec, batch_rows));
                Run::new(spec, &initial, lr, batch_rows, data.train_rows(), seed)
            })
            .collect();
        let mut session = Session { data, network, training, seed, initial, runs: Vec::new() };
        let ctx = session.context();
        let data = Arc::clone(&session.data);
        for run in &mut runs {
            run.start(&data, &ctx);
        }
        session.runs = runs;
        Ok(session)
    }

    /// Queues changes to replay, each on the run of that name when it has
    /// trained that many epochs.
    pub fn schedule(&mut self, changes: &[super::run::ScheduledChange]) -> Result<(), ScheduleError> {
        for c in changes {
            let run = self
                .runs
                .iter_mut()
                .find(|r| r.spec.name == c.run)
                .ok_or_else(|| ScheduleError::UnknownRun(c.run.clone()))?;
            run.schedule.push_back((c.epoch, c.change));
        }
        for run in &mut self.runs {
            run.schedule.make_contiguous().sort_by_key(|(e, _)| *e);
        }
        Ok(())
    }

    pub fn context(&self) -> EpochContext {
        EpochContext {
            batch_rows: self.training.batch.rows(self.data.train_rows()),
            epochs: self.training.epochs(),
            momentum: self.training.momentum,
            tol: self.training.tol(),
            epsilon: self.training.epsilon,
            eval_every: self.training.eval_every,
        }
    }

    pub fn run_names(&self) -> Vec<String> {
        self.runs.iter().map(|r| r.spec.name.clone()).collect()
    }

    /// Weight matrices per network (the metrics have a column group per layer).
    pub fn layers(&self) -> usize {
        self.initial.layers.len()
    }

    /// Reports the runs that are still at epoch 0 with their starting metrics.
    pub fn report_start(&self, observer: &mut dyn Observer) {
        for (i, run) in self.runs.iter().enumerate() {
            if run.epoch == 0 {
                observer.on_event(&Event::Epoch { run: i, epoch: 0, metrics: run.last.as_ref() });
            }
        }
    }

    /// Trains every run to its end on up to `threads` threads: the starting
    /// metrics, then every epoch, reach `observer` on this thread.
    pub fn train(&mut self, threads: usize, observer: &mut dyn Observer, stop: &AtomicBool) {
        let names = self.run_names();
        let ctx = self.context();
        observer.on_event(&Event::Started { runs: &names, epochs: ctx.epochs });
        self.report_start(observer);
        self.advance(usize::MAX, threads, observer, stop);
        observer.on_event(&Event::Finished);
    }

    /// Trains up to `epochs` more epochs of every active run, the scheduler
    /// of both `reglab train` and the window. Runs are independent between
    /// epochs, so a free thread takes the next epoch of any run: three runs
    /// keep two cores busy. A panic inside a run ends that run alone. Events
    /// reach `observer` on this thread, each run's in epoch order; the
    /// numbers do not depend on the scheduling.
    pub fn advance(&mut self, epochs: usize, threads: usize, observer: &mut dyn Observer, stop: &AtomicBool) {
        if epochs == 0 {
            return;
        }
        let ctx = self.context();
        let data = Arc::clone(&self.data);
        let queue: Queue<'_> = Mutex::new(
            self.runs
                .iter_mut()
                .enumerate()
                .filter(|(_, r)| r.status.is_active())
                .map(|(i, r)| (i, r, epochs))
                .collect(),
        );
        let active = queue.lock().map_or(0, |q| q.len());
        let threads = threads.clamp(1, active.max(1));
        if threads == 1 {
            let mut deliver_here = |m: Message| {
                deliver(observer, &m);
                true
            };
            while next_epoch(&queue, &data, &ctx, stop, &mut deliver_here) {}
            return;
        }
        let (tx, rx) = mpsc::sync_channel::<Message>(256);
        std::thread::scope(|scope| {
            for k in 1..threads {
                let tx = tx.clone();
                let (queue, data, ctx) = (&queue, &data, &ctx);
                let worker = move || {
                    let mut send = |m: Message| tx.send(m).is_ok();
                    while next_epoch(queue, data, ctx, stop, &mut send) {}
                };
                if let Err(e) =
                    std::thread::Builder::new().name(format!("reglab-train-{k}")).spawn_scoped(scope, worker)
                {
                    // Not eprintln!: a closed standard error is no reason to panic.
                    let _ = writeln!(
                        std::io::stderr(),
                        "reglab: could not start a training thread ({e}); continuing with fewer"
                    );
                }
            }
            drop(tx);
            // This thread trains too, and passes on what the others finished.
            let mut local = |m: Message| {
                while let Ok(other) = rx.try_recv() {
                    deliver(observer, &other);
                }
                deliver(observer, &m);
                true
            };
            while next_epoch(&queue, &data, &ctx, stop, &mut local) {}
            for m in rx {
                deliver(observer, &m);
            }
        });
    }
}

fn deliver(observer: &mut dyn Observer, m: &Message) {
    observer.on_event(&Event::Epoch { run: m.run, epoch: m.epoch, metrics: m.metrics.as_ref() });
    if let Some(status) = &m.finished {
        observer.on_event(&Event::RunFinished { run: m.run, epoch: m.epoch, status });
    }
}

/// Runs with epochs left to train in this call.
type Queue<'a> = Mutex<VecDeque<(usize, &'a mut Run, usize)>>;

/// Takes the next run from the queue, trains it one epoch, hands the result
/// to `emit` and puts the run back if it goes on (after `emit`, so that a
/// run's epochs are emitted in order). `false` when there is nothing left
/// or `emit` has nowhere to send.
fn next_epoch(
    queue: &Queue<'_>,
    data: &Prepared,
    ctx: &EpochContext,
    stop: &AtomicBool,
    emit: &mut dyn FnMut(Message) -> bool,
) -> bool {
    let Some((index, run, left)) = queue.lock().ok().and_then(|mut q| q.pop_front()) else {
        return false;
    };
    if stop.load(Ordering::Relaxed) {
        run.status = RunStatus::Stopped;
        return emit(Message {
            run: index,
            epoch: run.epoch,
            metrics: None,
            finished: Some(RunStatus::Stopped),
        });
    }
    let metrics = run.train_epoch_guarded(data, ctx);
    let finished = (!run.status.is_active()).then(|| run.status.clone());
    let goes_on = finished.is_none() && left > 1;
    if !emit(Message { run: index, epoch: run.epoch, metrics, finished }) {
        return false;
    }
    if goes_on && let Ok(mut q) = queue.lock() {
        q.push_back((index, run, left - 1));
    }
    true
}

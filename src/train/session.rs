use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use super::metrics::EpochMetrics;
use super::run::{EpochContext, Run, RunStatus, auto_lr};
use super::spec::{NetworkSpec, RunSpec, SpecError, TrainingSpec, check_runs};
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
    #[error("{0}")]
    Failed(String),
}

/// What the training loop reports, to a progress bar or a window.
#[derive(Debug)]
pub enum Event<'a> {
    Started {
        runs: &'a [String],
        epochs: usize,
    },
    /// A run finished an epoch; `metrics` when that epoch was evaluated.
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

struct Message {
    run: usize,
    epoch: usize,
    metrics: Option<EpochMetrics>,
    finished: Option<RunStatus>,
}

impl Session {
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
        let initial = Mlp::new(data.inputs(), &network.hidden, network.activation, data.task, seed)?;
        let batch_rows = training.batch.rows(data.train_rows());
        let runs = runs
            .into_iter()
            .map(|spec| {
                let lr = spec
                    .lr
                    .or(training.lr)
                    .unwrap_or_else(|| auto_lr(&data, &network.hidden, &spec, batch_rows));
                Run::new(spec, &initial, lr, batch_rows, data.train_rows(), seed)
            })
            .collect();
        Ok(Session { data, network, training, seed, initial, runs })
    }

    /// Queues changes to replay, each on the run of that name when it has
    /// trained that many epochs.
    pub fn schedule(&mut self, changes: &[super::run::ScheduledChange]) -> Result<(), String> {
        for c in changes {
            let run = self.runs.iter_mut().find(|r| r.spec.name == c.run).ok_or_else(|| {
                format!("a change names the run '{}', which the session does not have", c.run)
            })?;
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

    /// Trains every run to its end on up to `threads` named worker threads.
    /// Runs are independent between epochs, so a free thread takes the next
    /// epoch of any run: three runs keep two cores busy. Events reach
    /// `observer` on this thread; results do not depend on the scheduling.
    pub fn train(&mut self, threads: usize, observer: &mut dyn Observer, stop: &AtomicBool) {
        let names = self.run_names();
        let ctx = self.context();
        observer.on_event(&Event::Started { runs: &names, epochs: ctx.epochs });
        let data = Arc::clone(&self.data);
        let threads = threads.clamp(1, self.runs.len().max(1));
        let queue: Queue<'_> =
            Mutex::new(self.runs.iter_mut().enumerate().filter(|(_, r)| r.status.is_active()).collect());
        let (tx, rx) = mpsc::sync_channel::<Message>(256);
        std::thread::scope(|scope| {
            let mut spawned = 0;
            for k in 0..threads {
                let tx = tx.clone();
                let (queue, data) = (&queue, &data);
                let worker = move || worker_loop(queue, data, &ctx, stop, &tx);
                match std::thread::Builder::new()
                    .name(format!("reglab-train-{k}"))
                    .spawn_scoped(scope, worker)
                {
                    Ok(_) => spawned += 1,
                    Err(e) => {
                        eprintln!("reglab: could not start a training thread ({e}); continuing with fewer")
                    }
                }
            }
            if spawned == 0 {
                // Without a thread of its own the work still gets done, here.
                while let Some(m) = next_epoch(&queue, &data, &ctx, stop) {
                    deliver(observer, &m);
                }
            }
            drop(tx);
            for m in rx {
                deliver(observer, &m);
            }
        });
        observer.on_event(&Event::Finished);
    }
}

fn deliver(observer: &mut dyn Observer, m: &Message) {
    observer.on_event(&Event::Epoch { run: m.run, epoch: m.epoch, metrics: m.metrics.as_ref() });
    if let Some(status) = &m.finished {
        observer.on_event(&Event::RunFinished { run: m.run, epoch: m.epoch, status });
    }
}

type Queue<'a> = Mutex<VecDeque<(usize, &'a mut Run)>>;

fn worker_loop(
    queue: &Queue<'_>,
    data: &Prepared,
    ctx: &EpochContext,
    stop: &AtomicBool,
    tx: &mpsc::SyncSender<Message>,
) {
    while let Some(m) = next_epoch(queue, data, ctx, stop) {
        if tx.send(m).is_err() {
            return;
        }
    }
}

/// Takes the next run from the queue, trains it one epoch (a panic becomes
/// the run's failure, not the program's) and puts it back if it goes on.
fn next_epoch(queue: &Queue<'_>, data: &Prepared, ctx: &EpochContext, stop: &AtomicBool) -> Option<Message> {
    let (index, run) = queue.lock().ok()?.pop_front()?;
    if stop.load(Ordering::Relaxed) {
        run.status = RunStatus::Stopped;
        return Some(Message {
            run: index,
            epoch: run.epoch,
            metrics: None,
            finished: Some(RunStatus::Stopped),
        });
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run.train_epoch(data, ctx)));
    let metrics = match outcome {
        Ok(m) => m,
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            run.status = RunStatus::Diverged { epoch: run.epoch, reason: format!("internal error: {what}") };
            None
        }
    };
    let finished = (!run.status.is_active()).then(|| run.status.clone());
    let message = Message { run: index, epoch: run.epoch, metrics, finished };
    if message.finished.is_none()
        && let Ok(mut q) = queue.lock()
    {
        q.push_back((index, run));
    }
    Some(message)
}

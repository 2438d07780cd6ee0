use std::collections::VecDeque;

use ndarray::Axis;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::metrics::{EpochMetrics, evaluate, max_abs, weight_summary};
use super::spec::RunSpec;
use crate::data::Prepared;
use crate::nn::{Dropout, Mlp, Scope, StepParams, Task, Workspace};

/// Rows per chunk when a run evaluates its error.
const EVAL_CHUNK: usize = 1024;

/// A run has diverged when its training error is more than this many times
/// its error at epoch 0 (taken as at least 1)…
pub const DIVERGED_ERROR_FACTOR: f64 = 1e4;
/// …or when a weight's magnitude exceeds this: far beyond any weight a
/// useful network on standardised or raw data has, long before float32 ends.
pub const DIVERGED_WEIGHT: f32 = 1e12;

/// Where a run stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum RunStatus {
    Ready,
    Training,
    /// Trained all its epochs.
    Done,
    /// Stopped early: no weight moved more than the tolerance in an epoch.
    Converged {
        epoch: usize,
    },
    /// Stopped by a non-finite error or weight; the other runs go on.
    Diverged {
        epoch: usize,
        reason: String,
    },
    /// Stopped by an internal error (a panic inside its epoch, a bug); the
    /// other runs go on.
    Panicked {
        epoch: usize,
        message: String,
    },
    /// Stopped by the user.
    Stopped,
}

impl RunStatus {
    pub fn is_active(&self) -> bool {
        matches!(self, RunStatus::Ready | RunStatus::Training)
    }

    /// Ended by a failure: diverged, or an internal error.
    pub fn is_failure(&self) -> bool {
        matches!(self, RunStatus::Diverged { .. } | RunStatus::Panicked { .. })
    }

    pub fn describe(&self) -> String {
        match self {
            RunStatus::Ready => "ready".into(),
            RunStatus::Training => "training".into(),
            RunStatus::Done => "done".into(),
            RunStatus::Converged { epoch } => format!("converged at epoch {epoch}"),
            RunStatus::Diverged { epoch, reason } => format!("diverged at epoch {epoch}: {reason}"),
            RunStatus::Panicked { epoch, message } => {
                format!("stopped at epoch {epoch} by an internal error: {message}")
            }
            RunStatus::Stopped => "stopped".into(),
        }
    }
}

/// A change of a setting while a run trains, with the epoch it took effect
/// at: the setting's value before and after (the same kind of setting).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    pub epoch: usize,
    pub from: LiveChange,
    /// The change itself, as a session file saves it.
    pub to: LiveChange,
}

impl std::fmt::Display for Change {
    /// "λ 0.01 to 0.1 at epoch 40".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} to {} at epoch {}",
            self.to.setting(),
            self.from.value(),
            self.to.value(),
            self.epoch
        )
    }
}

/// A setting of one run that can change while it trains.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
#[serde(tag = "setting", content = "value", rename_all = "snake_case")]
pub enum LiveChange {
    Lambda(f64),
    Lr(f64),
    Regularizer(crate::nn::Regularizer),
    L1Rule(crate::nn::L1Rule),
    Alpha(f64),
}

impl LiveChange {
    /// The name of the setting, as shown on the plots.
    pub fn setting(self) -> &'static str {
        match self {
            LiveChange::Lambda(_) => "λ",
            LiveChange::Lr(_) => "η",
            LiveChange::Regularizer(_) => "regularizer",
            LiveChange::L1Rule(_) => "L1 rule",
            LiveChange::Alpha(_) => "α",
        }
    }

    /// The value, as text: `0.1`, `l1`, `proximal`, `1e308`.
    pub fn value(self) -> String {
        match self {
            LiveChange::Lambda(v) | LiveChange::Lr(v) | LiveChange::Alpha(v) => super::spec::compact(v),
            LiveChange::Regularizer(r) => r.to_string(),
            LiveChange::L1Rule(r) => r.to_string(),
        }
    }

    /// The same setting with the value it has in `spec` (η: `lr`, the one in force).
    pub fn current(self, spec: &RunSpec, lr: f64) -> LiveChange {
        match self {
            LiveChange::Lambda(_) => LiveChange::Lambda(spec.lambda),
            LiveChange::Lr(_) => LiveChange::Lr(lr),
            LiveChange::Regularizer(_) => LiveChange::Regularizer(spec.reg),
            LiveChange::L1Rule(_) => LiveChange::L1Rule(spec.l1_rule),
            LiveChange::Alpha(_) => LiveChange::Alpha(spec.alpha),
        }
    }

    /// Sets the setting in `spec`.
    pub fn apply_to(self, spec: &mut RunSpec) {
        match self {
            LiveChange::Lambda(v) => spec.lambda = v,
            LiveChange::Lr(v) => spec.lr = Some(v),
            LiveChange::Regularizer(r) => spec.reg = r,
            LiveChange::L1Rule(r) => spec.l1_rule = r,
            LiveChange::Alpha(v) => spec.alpha = v,
        }
    }
}

/// A change to make to a run when it has trained `epoch` epochs (before the
/// next one), as a saved session replays it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ScheduledChange {
    /// The run's name.
    pub run: String,
    pub epoch: usize,
    #[serde(flatten)]
    pub change: LiveChange,
}

/// What every run of a session shares for an epoch.
#[derive(Debug, Clone, Copy)]
pub struct EpochContext {
    pub batch_rows: usize,
    pub epochs: usize,
    pub momentum: f64,
    pub tol: f64,
    pub epsilon: f64,
    pub eval_every: usize,
}

/// One network with its regularizer, buffers and random streams.
#[derive(Debug, Clone)]
pub struct Run {
    pub spec: RunSpec,
    pub net: Mlp<f32>,
    pub epoch: usize,
    pub status: RunStatus,
    /// The learning rate in force.
    pub lr: f64,
    pub changes: Vec<Change>,
    /// Changes still to make, with the epoch count they wait for, in order.
    pub schedule: VecDeque<(usize, LiveChange)>,
    pub last: Option<EpochMetrics>,
    /// What an epoch works in: buffers, the batch order and the random streams.
    scratch: Scratch,
    /// How far the weights moved in recent epochs, for the convergence test.
    convergence: Convergence,
    /// The training error at epoch 0, which the divergence rule compares with.
    pub start_error: f64,
    /// The next epoch panics (tests: a failure stays in its run).
    #[cfg(test)]
    pub inject_panic: bool,
}

/// A run's buffers (allocated once, so that an epoch allocates nothing),
/// its batch order and its random streams.
#[derive(Debug, Clone)]
struct Scratch {
    ws: Workspace<f32>,
    eval_ws: Workspace<f32>,
    order: Vec<usize>,
    shuffle_rng: ChaCha8Rng,
    dropout_rng: ChaCha8Rng,
}

/// The weights of the epoch before and the largest move of each recent epoch.
#[derive(Debug, Clone, Default)]
struct Convergence {
    previous: Vec<f32>,
    moves: VecDeque<f64>,
}

impl Run {
    /// Every run of a session gets the same initial network and the same
    /// seed, hence the same batch order (and the same dropout masks for the
    /// same keep probability).
    pub fn new(
        spec: RunSpec,
        initial: &Mlp<f32>,
        lr: f64,
        batch_rows: usize,
        train_rows: usize,
        seed: u64,
    ) -> Run {
        let ws = Workspace::new(initial, batch_rows);
        let eval_ws = Workspace::new(initial, EVAL_CHUNK.min(train_rows.max(1)));
        Run {
            spec,
            net: initial.clone(),
            epoch: 0,
            status: RunStatus::Ready,
            lr,
            changes: Vec::new(),
            schedule: VecDeque::new(),
            last: None,
            scratch: Scratch {
                ws,
                eval_ws,
                order: (0..train_rows).collect(),
                shuffle_rng: ChaCha8Rng::seed_from_u64(seed ^ 0x0BA7_C4E5),
                dropout_rng: ChaCha8Rng::seed_from_u64(seed ^ 0x000D_4090_u64),
            },
            convergence: Convergence::default(),
            start_error: f64::NAN,
            #[cfg(test)]
            inject_panic: false,
        }
    }

    /// Evaluates the starting weights (epoch 0): the first record of the run
    /// and the error the divergence rule compares with.
    pub fn start(&mut self, data: &Prepared, ctx: &EpochContext) {
        let m = self.metrics(data, ctx);
        self.start_error = m.train.error;
        self.last = Some(m);
    }

    /// [`Run::train_epoch`], with a panic turned into this run's failure
    /// instead of the program's.
    pub fn train_epoch_guarded(&mut self, data: &Prepared, ctx: &EpochContext) -> Option<EpochMetrics> {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            #[cfg(test)]
            if std::mem::take(&mut self.inject_panic) {
                panic!("injected failure in run '{}'", self.spec.name);
            }
            self.train_epoch(data, ctx)
        }));
        outcome.unwrap_or_else(|panic| {
            self.status = RunStatus::Panicked { epoch: self.epoch, message: panic_text(&*panic) };
            None
        })
    }

    /// `R(w)` as the error shown adds it: the `n` of a full-size step.
    pub fn penalty_value(&self, batch_rows: usize, train_rows: usize) -> f64 {
        let penalty = self.spec.penalty();
        let n = self.spec.lambda_scale.n(batch_rows, train_rows);
        let nl = self.net.layers.len();
        self.net
            .layers
            .iter()
            .enumerate()
            .filter(|(l, _)| self.spec.scope == Scope::All || l + 1 == nl)
            .map(|(_, layer)| penalty.value(&layer.weight_values(), n))
            .sum()
    }

    /// Starts counting epochs again from the weights the run has (a warm
    /// start), forgetting momentum and the convergence history.
    pub fn restart(&mut self) {
        self.epoch = 0;
        self.status = RunStatus::Ready;
        self.convergence.previous.clear();
        self.convergence.moves.clear();
        self.scratch.ws.clear_velocity();
    }

    /// Changes a setting from now on, recording the change with the epoch it
    /// took effect after; `None` when the value is the same.
    pub fn apply(&mut self, change: LiveChange) -> Option<Change> {
        let from = change.current(&self.spec, self.lr);
        if from == change {
            return None;
        }
        change.apply_to(&mut self.spec);
        if let LiveChange::Lr(v) = change {
            self.lr = v;
        }
        let change = Change { epoch: self.epoch, from, to: change };
        self.changes.push(change);
        Some(change)
    }

    /// Trains one epoch; returns the metrics when this epoch is evaluated.
    pub fn train_epoch(&mut self, data: &Prepared, ctx: &EpochContext) -> Option<EpochMetrics> {
        if !self.status.is_active() {
            return None;
        }
        while self.schedule.front().is_some_and(|(e, _)| *e <= self.epoch) {
            if let Some((_, change)) = self.schedule.pop_front() {
                self.apply(change);
            }
        }
        self.status = RunStatus::Training;
        let train_rows = data.train_rows();
        let x = data.x_train.view();
        let y = data.y_train.view();
        let penalty = self.spec.penalty();
        let keep = self.spec.dropout.filter(|&p| p < 1.0);
        self.scratch.order.shuffle(&mut self.scratch.shuffle_rng);
        for chunk in self.scratch.order.chunks(ctx.batch_rows) {
            let params = StepParams {
                lr: self.lr,
                momentum: ctx.momentum,
                penalty: &penalty,
                n: self.spec.lambda_scale.n(chunk.len(), train_rows),
                scope: self.spec.scope,
            };
            let dropout = keep.map(|keep| Dropout { keep, rng: &mut self.scratch.dropout_rng });
            self.scratch.ws.train_step(&mut self.net, x, y, chunk, &params, dropout);
        }
        self.epoch += 1;
        let epoch = self.epoch;

        let largest = self.net.largest_magnitude();
        if !largest.is_finite() {
            self.status = RunStatus::Diverged {
                epoch,
                reason: "a weight became NaN or infinite; the step size η is too large for this run".into(),
            };
        } else if largest > DIVERGED_WEIGHT {
            self.status = RunStatus::Diverged {
                epoch,
                reason: format!(
                    "a weight reached {largest:.3e}, past {DIVERGED_WEIGHT:e}; the step size η is too large for this run"
                ),
            };
        } else if ctx.tol > 0.0 && self.converged(ctx.tol) {
            self.status = RunStatus::Converged { epoch };
        } else if epoch >= ctx.epochs {
            self.status = RunStatus::Done;
        }
        let evaluate_now = epoch.is_multiple_of(ctx.eval_every) || !self.status.is_active();
        if !evaluate_now || matches!(self.status, RunStatus::Diverged { .. }) {
            return None;
        }
        let metrics = self.metrics(data, ctx);
        if let Some(reason) = self.diverged(&metrics) {
            self.status = RunStatus::Diverged { epoch, reason };
        }
        self.last = Some(metrics.clone());
        Some(metrics)
    }

    /// Why these metrics mean the run has diverged, if they do: a training
    /// error that is not finite, or more than [`DIVERGED_ERROR_FACTOR`] times
    /// the error at epoch 0.
    fn diverged(&self, m: &EpochMetrics) -> Option<String> {
        let e = m.train.error;
        let limit = DIVERGED_ERROR_FACTOR * self.start_error.max(1.0);
        if !e.is_finite() || !m.total.is_finite() {
            Some(format!("the training error is {}; the step size η is too large for this run", m.total))
        } else if e > limit {
            Some(format!(
                "the training error {e:.4e} is more than {DIVERGED_ERROR_FACTOR:e} times its starting value {:.4}; \
                 the step size η is too large for this run",
                self.start_error
            ))
        } else {
            None
        }
    }

    /// True when the weights are within `tol·max|w|` of where they are heading.
    ///
    /// Full-batch gradient descent converges linearly: the largest move per
    /// epoch `Δ` shrinks by a steady factor `r`, and the distance still to go
    /// is about `Δ/(1 − r)`. Judging by `Δ` alone would stop an
    /// ill-conditioned problem (r close to 1) far from its optimum.
    fn converged(&mut self, tol: f64) -> bool {
        let scale = max_abs(&self.net);
        let mut moved = 0.0f64;
        let first = self.convergence.previous.is_empty();
        let mut k = 0;
        for layer in &self.net.layers {
            for &v in layer.weights.iter().chain(layer.bias.iter()) {
                if first {
                    self.convergence.previous.push(v);
                } else {
                    moved = moved.max((v - self.convergence.previous[k]).abs() as f64);
                    self.convergence.previous[k] = v;
                }
                k += 1;
            }
        }
        if first {
            return false;
        }
        if moved == 0.0 {
            return true;
        }
        self.convergence.moves.push_back(moved);
        const WINDOW: usize = 20;
        if self.convergence.moves.len() <= WINDOW {
            return false;
        }
        let Some(old) = self.convergence.moves.pop_front() else { return false };
        let rate = (moved / old).powf(1.0 / WINDOW as f64);
        rate < 1.0 && moved / (1.0 - rate) <= tol * scale
    }

    /// Computes every metric of the current weights.
    pub fn metrics(&mut self, data: &Prepared, ctx: &EpochContext) -> EpochMetrics {
        let train = evaluate(&self.net, &mut self.scratch.eval_ws, data.x_train.view(), data.y_train.view());
        let val = (data.val_rows() > 0)
            .then(|| evaluate(&self.net, &mut self.scratch.eval_ws, data.x_val.view(), data.y_val.view()));
        let penalty = self.penalty_value(ctx.batch_rows, data.train_rows());
        let summary = weight_summary(&self.net, ctx.epsilon);
        EpochMetrics {
            epoch: self.epoch,
            train,
            val,
            penalty,
            total: train.error + penalty,
            weights: summary.all,
            layers: summary.layers,
            histograms: summary.histograms,
            histogram_all: summary.histogram_all,
            small_by_epsilon: summary.small_by_epsilon,
            importance: summary.importance,
            lr: self.lr,
            lambda: self.spec.lambda,
        }
    }
}

/// A step size that is stable for a linear or logistic model: `1/L`, with
/// `L` the Lipschitz constant of the gradient of `E0` (plus the L2 part of
/// the penalty), from the largest eigenvalue of `[X 1]ᵀ[X 1]/n`. Networks
/// with hidden layers get [`super::spec::DEFAULT_NETWORK_LR`].
pub fn auto_lr(data: &Prepared, hidden: &[usize], spec: &RunSpec, batch_rows: usize) -> f64 {
    if !hidden.is_empty() {
        return super::spec::DEFAULT_NETWORK_LR;
    }
    let curvature = match data.task {
        Task::Regression => 1.0,
        Task::Binary => 0.25,
        Task::Multiclass(_) => 0.5,
    };
    let l_data = curvature * largest_gram_eigenvalue(data);
    let (_, k2) = spec.penalty().coefficients(spec.lambda_scale.n(batch_rows, data.train_rows()));
    let l = l_data + k2;
    if l > 0.0 && l.is_finite() { 1.0 / l } else { super::spec::DEFAULT_NETWORK_LR }
}

/// Power iteration for the top eigenvalue of `AᵀA/n`, `A = [X 1]`, in f64.
fn largest_gram_eigenvalue(data: &Prepared) -> f64 {
    // A leading sample is plenty for a step size and keeps this cheap on big sets.
    let x = data.x_train.slice(ndarray::s![..data.train_rows().min(20_000), ..]);
    let (n, d) = (x.nrows(), x.ncols());
    if n == 0 {
        return 0.0;
    }
    let mut v = vec![1.0f64; d + 1];
    let mut lambda = 0.0;
    for _ in 0..200 {
        let mut w = vec![0.0f64; d + 1];
        for row in x.axis_iter(Axis(0)) {
            let mut u = v[d];
            for (a, b) in row.iter().zip(&v) {
                u += *a as f64 * b;
            }
            for (wj, a) in w.iter_mut().zip(row.iter()) {
                *wj += *a as f64 * u;
            }
            w[d] += u;
        }
        let norm = w.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm == 0.0 {
            return 0.0;
        }
        let next = norm / n as f64;
        v = w.into_iter().map(|a| a / norm).collect();
        if (next - lambda).abs() <= 1e-9 * next {
            return next;
        }
        lambda = next;
    }
    lambda
}

/// The text of a caught panic.
pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into())
}

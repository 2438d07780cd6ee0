//! Regularization paths: one run trained at each λ of a log grid, each λ
//! starting from the weights the previous one ended with (warm starts),
//! recording the weights, their sparsity and the validation error. Paths of
//! different regularizers train on their own threads.
//!
//! A linear model goes from the largest λ down, as glmnet does (the problem
//! is convex, and each solution is a good start for the next). A network
//! goes from the smallest λ up: at a large λ all its weights reach 0, and
//! all-zero weights are a stationary point it would never leave.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ndarray::{Axis, s};
use serde::Serialize;

use super::run::RunStatus;
use super::session::{Session, SessionError};
use super::spec::{NetworkSpec, RunSpec, TrainingSpec};
use crate::data::Prepared;
use crate::nn::{Mlp, Task, Workspace};

/// One λ of a path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepPoint {
    pub lambda: f64,
    pub epochs: usize,
    pub converged: bool,
    pub train_error: f64,
    /// Mean validation error (the training error when there is no validation split).
    pub val_error: f64,
    /// Its standard error over the rows.
    pub val_se: f64,
    /// First-layer weights `w[i][j]`, row by row (inputs × units).
    pub weights: Vec<f32>,
    /// Per input: Σ|w| of its first-layer weights.
    pub importance: Vec<f32>,
    /// First-layer weights not exactly 0.
    pub nonzero: usize,
}

/// A whole path, with the λ of least validation error and the largest λ
/// within one standard error of it (the one-standard-error rule).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepPath {
    pub name: String,
    pub points: Vec<SweepPoint>,
    pub lambda_min: f64,
    pub lambda_1se: f64,
    /// Inputs × units of the first layer.
    pub shape: (usize, usize),
}

/// `count` values from `max` down to `max·min_ratio`, evenly spaced in log λ.
pub fn lambda_grid(max: f64, min_ratio: f64, count: usize) -> Vec<f64> {
    let count = count.max(1);
    if count == 1 {
        return vec![max];
    }
    let (hi, lo) = (max.ln(), (max * min_ratio).ln());
    (0..count).map(|k| (hi + (lo - hi) * k as f64 / (count - 1) as f64).exp()).collect()
}

/// The λ above which L1 keeps every first-layer weight of a linear model at
/// 0: `n·max|∂E₀/∂w|` at `w = 0` with the bias at its best constant (and a
/// scale for other models).
pub fn lambda_max(data: &Prepared, network: &NetworkSpec, training: &TrainingSpec, base: &RunSpec) -> f64 {
    let Ok(mut net) = Mlp::<f32>::new(data.inputs(), &network.hidden, network.activation, data.task, 1)
    else {
        return 1.0;
    };
    if network.hidden.is_empty() {
        let layer = &mut net.layers[0];
        layer.weights.fill(0.0);
        for (k, b) in layer.bias.iter_mut().enumerate() {
            let mean = data.y_train.column(k).mean().unwrap_or(0.0);
            *b = match data.task {
                Task::Regression => mean,
                _ => {
                    let p = mean.clamp(1e-6, 1.0 - 1e-6);
                    (p / (1.0 - p)).ln()
                }
            };
        }
    }
    let n_rows = data.train_rows();
    let mut ws = Workspace::new(&net, n_rows.max(1));
    ws.load_rows(data.x_train.view(), Some(data.y_train.view()));
    ws.forward(&net, n_rows, None);
    ws.backward(&net, n_rows);
    let g = ws.grad_w[0].iter().fold(0.0f64, |m, v| m.max((*v as f64).abs()));
    let n = base.lambda_scale.n(training.batch.rows(n_rows), n_rows);
    let scale = if network.hidden.is_empty() { 1.0 } else { 10.0 };
    (g * n * scale).max(1e-12)
}

/// Per-row data errors of `net` on `x`, `y` (no penalty).
fn row_errors(net: &Mlp<f32>, x: ndarray::ArrayView2<f32>, y: ndarray::ArrayView2<f32>) -> Vec<f64> {
    let p = net.predict(x);
    p.axis_iter(Axis(0))
        .zip(y.axis_iter(Axis(0)))
        .map(|(p, t)| match net.task {
            Task::Regression => p.iter().zip(t.iter()).map(|(a, b)| 0.5 * ((a - b) as f64).powi(2)).sum(),
            Task::Binary => {
                let q = (p[0] as f64).clamp(1e-12, 1.0 - 1e-12);
                if t[0] > 0.5 { -q.ln() } else { -(1.0 - q).ln() }
            }
            Task::Multiclass(_) => {
                let k = t.iter().position(|&v| v > 0.5).unwrap_or(0);
                -(p[k] as f64).clamp(1e-12, 1.0).ln()
            }
        })
        .collect()
}

/// Trains one path. `done` counts finished λ values (for progress);
/// `cancel` stops between epochs.
#[allow(clippy::too_many_arguments)]
pub fn sweep_path(
    data: &Arc<Prepared>,
    network: &NetworkSpec,
    training: &TrainingSpec,
    base: &RunSpec,
    lambdas: &[f64],
    seed: u64,
    done: &AtomicUsize,
    cancel: &AtomicBool,
) -> Result<SweepPath, SessionError> {
    let mut order: Vec<f64> = lambdas.to_vec();
    order.sort_by(|a, b| b.total_cmp(a));
    if !network.hidden.is_empty() {
        order.reverse();
    }
    let first = RunSpec { lambda: order.first().copied().unwrap_or(0.0), ..base.clone() };
    let mut session = Session::new(Arc::clone(data), network.clone(), training.clone(), vec![first], seed)?;
    let ctx = session.context();
    let name = session.runs[0].spec.name.clone();
    let shape = session.runs[0].net.layers[0].weights.dim();
    let mut points = Vec::with_capacity(order.len());
    for &lambda in &order {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let run = &mut session.runs[0];
        run.restart();
        run.spec.lambda = lambda;
        while run.status.is_active() && !cancel.load(Ordering::Relaxed) {
            run.train_epoch(data, &ctx);
        }
        if run.status.is_failure() {
            break;
        }
        let m = run.metrics(data, &ctx);
        let (vx, vy) = if data.val_rows() > 0 {
            (data.x_val.view(), data.y_val.view())
        } else {
            (data.x_train.slice(s![.., ..]), data.y_train.slice(s![.., ..]))
        };
        let errors = row_errors(&run.net, vx, vy);
        let n = errors.len().max(1) as f64;
        let mean = errors.iter().sum::<f64>() / n;
        let var = errors.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
        let weights: Vec<f32> = run.net.layers[0].weights.iter().copied().collect();
        points.push(SweepPoint {
            lambda,
            epochs: run.epoch,
            converged: matches!(run.status, RunStatus::Converged { .. }),
            train_error: m.train.error,
            val_error: mean,
            val_se: (var / n).sqrt(),
            nonzero: weights.iter().filter(|w| **w != 0.0).count(),
            importance: m.importance,
            weights,
        });
        done.fetch_add(1, Ordering::Relaxed);
    }
    points.sort_by(|a, b| b.lambda.total_cmp(&a.lambda));
    let best = points.iter().min_by(|a, b| a.val_error.total_cmp(&b.val_error));
    let (lambda_min, lambda_1se) = match best {
        Some(b) => {
            let limit = b.val_error + b.val_se;
            let one_se =
                points.iter().filter(|p| p.val_error <= limit).map(|p| p.lambda).fold(b.lambda, f64::max);
            (b.lambda, one_se)
        }
        None => (f64::NAN, f64::NAN),
    };
    Ok(SweepPath { name, points, lambda_min, lambda_1se, shape })
}

/// One path per run spec, each on its own named thread.
#[allow(clippy::too_many_arguments)]
pub fn sweep_all(
    data: &Arc<Prepared>,
    network: &NetworkSpec,
    training: &TrainingSpec,
    bases: &[RunSpec],
    lambdas: &[f64],
    seed: u64,
    done: &AtomicUsize,
    cancel: &AtomicBool,
) -> Vec<Result<SweepPath, SessionError>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = bases
            .iter()
            .enumerate()
            .map(|(k, base)| {
                std::thread::Builder::new().name(format!("reglab-sweep-{k}")).spawn_scoped(scope, move || {
                    sweep_path(data, network, training, base, lambdas, seed, done, cancel)
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(bases)
            .map(|(h, base)| match h {
                Ok(h) => h.join().unwrap_or_else(|_| {
                    Err(SessionError::Internal(format!(
                        "the path of '{}' stopped with an internal error",
                        base.name
                    )))
                }),
                // Without a thread of its own the path is trained here.
                Err(_) => sweep_path(data, network, training, base, lambdas, seed, done, cancel),
            })
            .collect()
    })
}

//! The reference workloads W1–W3 of `shared/bench/README.md`, timed as the
//! reference times them.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde::Serialize;

use super::median;
use crate::data::{self, Dataset, Preparation, TaskKind};
use crate::nn::{Activation, L1Rule, LambdaScale, Regularizer};
use crate::train::{Batch, NetworkSpec, RunSpec, Session, TrainingSpec};

/// One reference workload.
struct Workload {
    id: &'static str,
    name: &'static str,
    data: fn() -> Dataset,
    hidden: Vec<usize>,
    activation: Activation,
    batch: usize,
    lr: f64,
    epochs: usize,
    runs: Vec<(Regularizer, f64)>,
}

fn workloads() -> Vec<Workload> {
    let w1_data = || data::synthetic::workshop_classification(2000, 1001);
    vec![
        Workload {
            id: "W1",
            name: "workshop",
            data: w1_data,
            hidden: vec![32, 32],
            activation: Activation::Tanh,
            batch: 32,
            lr: 0.1,
            epochs: 50,
            runs: vec![(Regularizer::L2, 1e-3)],
        },
        Workload {
            id: "W2",
            name: "wide",
            data: || data::synthetic::prototype_classification(10_000, 784, 10, 2002),
            hidden: vec![128],
            activation: Activation::Relu,
            batch: 64,
            lr: 0.05,
            epochs: 3,
            runs: vec![(Regularizer::L1, 1e-4)],
        },
        Workload {
            id: "W3",
            name: "three-way",
            data: w1_data,
            hidden: vec![32, 32],
            activation: Activation::Tanh,
            batch: 32,
            lr: 0.1,
            epochs: 50,
            runs: vec![(Regularizer::None, 0.0), (Regularizer::L1, 1e-3), (Regularizer::L2, 1e-3)],
        },
    ]
}

/// Timing of one workload.
#[derive(Debug, Serialize)]
pub struct WorkloadResult {
    pub id: String,
    /// The kernels the step ran on (`nn::simd::Kernel::name`).
    pub kernel: String,
    pub name: String,
    pub runs: usize,
    pub threads: usize,
    pub samples_per_s: f64,
    pub us_per_step: f64,
    /// The training steps (median of the repeats).
    pub seconds: f64,
    /// The evaluation after the last epoch, which the reference does not do,
    /// timed apart and not counted in `seconds`.
    pub evaluation_seconds: f64,
    pub seconds_per_epoch: f64,
    pub gflop_per_s: f64,
    pub fraction_of_gemm_peak: f64,
    /// W3: samples/s of the same runs trained one after another, and the speed-up.
    pub sequential_samples_per_s: Option<f64>,
    pub parallel_speedup: Option<f64>,
    pub repeats: Vec<f64>,
}

/// FLOPs of one epoch of one run, counted as `shared/bench/reference_bench.py` does.
fn flops_per_epoch(sizes: &[usize], n: usize, batch: usize) -> f64 {
    let steps = n.div_ceil(batch);
    let pairs: Vec<(usize, usize)> = sizes.windows(2).map(|w| (w[0], w[1])).collect();
    let mut total = 0usize;
    for (i, &(a, b)) in pairs.iter().enumerate() {
        total += 2 * n * a * b * if i == 0 { 2 } else { 3 };
        total += 2 * n * b;
        if i + 1 < pairs.len() {
            total += 3 * n * b;
        }
        total += steps * (4 * a * b + 2 * b);
    }
    total += 5 * n * sizes[sizes.len() - 1];
    total as f64
}

fn session_for(w: &Workload, prepared: &Arc<data::Prepared>, epochs: usize) -> anyhow::Result<Session> {
    let runs = w
        .runs
        .iter()
        .map(|&(reg, lambda)| RunSpec {
            reg,
            lambda,
            lambda_scale: LambdaScale::None,
            l1_rule: L1Rule::Subgradient,
            ..RunSpec::default()
        })
        .collect();
    let training = TrainingSpec {
        lr: Some(w.lr),
        batch: Batch::Size(w.batch),
        epochs: Some(epochs),
        eval_every: epochs,
        ..TrainingSpec::default()
    };
    let network = NetworkSpec { hidden: w.hidden.clone(), activation: w.activation };
    Session::new(Arc::clone(prepared), network, training, runs, 1).map_err(anyhow::Error::from)
}

/// Seconds of each timed repeat: the training steps alone, as the reference
/// times them. The session also evaluates every run after its last epoch
/// (error and weight statistics over all training rows), which the reference
/// does not; that evaluation is timed again apart and taken out (divided by
/// the threads that shared it). Returns (steps, evaluation) per repeat.
fn time_training(
    w: &Workload,
    prepared: &Arc<data::Prepared>,
    threads: usize,
    repeats: usize,
) -> anyhow::Result<Vec<(f64, f64)>> {
    // An untimed epoch first, as the reference does.
    session_for(w, prepared, 1)?.train(
        threads,
        &mut |_: &crate::train::Event<'_>| {},
        &AtomicBool::new(false),
    );
    let mut times = Vec::with_capacity(repeats);
    for _ in 0..repeats.max(1) {
        let mut s = session_for(w, prepared, w.epochs)?;
        let t = Instant::now();
        s.train(threads, &mut |_: &crate::train::Event<'_>| {}, &AtomicBool::new(false));
        let total = t.elapsed().as_secs_f64();
        let ctx = s.context();
        let t = Instant::now();
        for run in &mut s.runs {
            std::hint::black_box(run.metrics(prepared, &ctx));
        }
        let evaluation = t.elapsed().as_secs_f64() / threads.clamp(1, s.runs.len()) as f64;
        times.push((total - evaluation, evaluation));
    }
    Ok(times)
}

/// Times the workloads `wants` names, each `repeats` times (the median is
/// reported); W3 also one run after another, for the speed-up.
pub fn time_workloads(
    wants: &dyn Fn(&str) -> bool,
    repeats: usize,
    kernel: &str,
    peak: f64,
    cores: usize,
) -> anyhow::Result<Vec<WorkloadResult>> {
    let mut results = Vec::new();
    for w in workloads() {
        if !wants(w.id) {
            continue;
        }
        let ds = (w.data)();
        let prep =
            Preparation { task: Some(TaskKind::Multiclass), standardize: false, ..Preparation::default() };
        let prepared = Arc::new(data::prepare(&ds, &prep, 1).map_err(anyhow::Error::from)?);
        let n = prepared.train_rows();
        let threads = if w.runs.len() > 1 { cores } else { 1 };
        let timed = time_training(&w, &prepared, threads, repeats)?;
        let times: Vec<f64> = timed.iter().map(|t| t.0).collect();
        let seconds = median(&times);
        let evaluation_seconds = median(&timed.iter().map(|t| t.1).collect::<Vec<_>>());
        let runs = w.runs.len();
        let samples = (n * w.epochs * runs) as f64;
        let steps = (n.div_ceil(w.batch) * w.epochs * runs) as f64;
        let mut sizes = vec![prepared.inputs()];
        sizes.extend(&w.hidden);
        sizes.push(prepared.task.outputs());
        let flops = flops_per_epoch(&sizes, n, w.batch) * (w.epochs * runs) as f64;
        let (sequential, speedup) = if runs > 1 && threads > 1 {
            let seq =
                median(&time_training(&w, &prepared, 1, repeats)?.iter().map(|t| t.0).collect::<Vec<_>>());
            (Some(samples / seq), Some(seq / seconds))
        } else {
            (None, None)
        };
        results.push(WorkloadResult {
            id: w.id.into(),
            kernel: kernel.into(),
            name: w.name.into(),
            runs,
            threads: threads.min(runs),
            samples_per_s: samples / seconds,
            us_per_step: seconds / steps * 1e6,
            seconds,
            evaluation_seconds,
            seconds_per_epoch: seconds / w.epochs as f64,
            gflop_per_s: flops / seconds / 1e9,
            fraction_of_gemm_peak: flops / seconds / 1e9 / (peak * threads.min(runs) as f64),
            sequential_samples_per_s: sequential,
            parallel_speedup: speedup,
            repeats: times,
        });
    }
    Ok(results)
}

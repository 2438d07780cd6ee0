use ndarray::{ArrayView2, Axis, s};
use serde::Serialize;

use crate::nn::{Float, Mlp, Workspace};

/// Number of bins of the weight histograms (exact zeros are counted apart).
pub const HISTOGRAM_BINS: usize = 41;

/// A histogram of one layer's weights over `[lo, hi]`, exact zeros apart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    pub lo: f32,
    pub hi: f32,
    /// Counts of the non-zero weights in equal bins over `[lo, hi]`.
    pub counts: Vec<u32>,
    /// Weights exactly equal to 0.
    pub zeros: u32,
}

impl Histogram {
    /// Symmetric range `[−max|w|, max|w|]`, so that 0 sits in the middle.
    pub fn of(weights: &[f32], bins: usize) -> Histogram {
        let m = weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
        let (lo, hi) = if m > 0.0 && m.is_finite() { (-m, m) } else { (-1.0, 1.0) };
        let mut counts = vec![0u32; bins];
        let mut zeros = 0;
        let width = (hi - lo) / bins as f32;
        for &w in weights {
            if w == 0.0 {
                zeros += 1;
            } else if w.is_finite() {
                let b = (((w - lo) / width) as usize).min(bins - 1);
                counts[b] += 1;
            }
        }
        Histogram { lo, hi, counts, zeros }
    }
}

/// Size and sparsity of one weight matrix (biases are never counted).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightStats {
    pub count: usize,
    pub l1: f64,
    /// `‖w‖₂ = sqrt(Σ w²)`.
    pub l2: f64,
    /// Fraction of weights exactly 0.
    pub zero_frac: f64,
    /// Fraction of weights with `|w| < ε`.
    pub small_frac: f64,
}

impl WeightStats {
    pub fn of(weights: &[f32], epsilon: f64) -> WeightStats {
        let (mut l1, mut sq, mut zeros, mut small) = (0.0, 0.0, 0usize, 0usize);
        for &w in weights {
            let a = (w as f64).abs();
            l1 += a;
            sq += a * a;
            zeros += (w == 0.0) as usize;
            small += (a < epsilon) as usize;
        }
        let n = weights.len().max(1) as f64;
        WeightStats {
            count: weights.len(),
            l1,
            l2: sq.sqrt(),
            zero_frac: zeros as f64 / n,
            small_frac: small as f64 / n,
        }
    }

    fn merge(parts: &[WeightStats]) -> WeightStats {
        let count: usize = parts.iter().map(|p| p.count).sum();
        let n = count.max(1) as f64;
        WeightStats {
            count,
            l1: parts.iter().map(|p| p.l1).sum(),
            l2: parts.iter().map(|p| p.l2 * p.l2).sum::<f64>().sqrt(),
            zero_frac: parts.iter().map(|p| p.zero_frac * p.count as f64).sum::<f64>() / n,
            small_frac: parts.iter().map(|p| p.small_frac * p.count as f64).sum::<f64>() / n,
        }
    }
}

/// Error and accuracy of a network over a set of rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evaluation {
    /// Mean data error `E0`.
    pub error: f64,
    pub accuracy: Option<f64>,
}

/// Evaluates in chunks of the workspace's capacity (no dropout).
pub fn evaluate(
    net: &Mlp<f32>,
    ws: &mut Workspace<f32>,
    x: ArrayView2<f32>,
    y: ArrayView2<f32>,
) -> Evaluation {
    let n = x.nrows();
    let chunk = ws.capacity();
    let (mut err, mut correct) = (0.0, 0usize);
    let mut start = 0;
    while start < n {
        let end = (start + chunk).min(n);
        ws.load_rows(x.slice(s![start..end, ..]), Some(y.slice(s![start..end, ..])));
        err += ws.forward_with_error(net, end - start);
        correct += net.task.correct(ws.output(end - start), ws.targets(end - start));
        start = end;
    }
    let d = n.max(1) as f64;
    Evaluation { error: err / d, accuracy: net.task.is_classification().then_some(correct as f64 / d) }
}

/// Everything recorded about one run at the end of one epoch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpochMetrics {
    pub epoch: usize,
    pub train: Evaluation,
    pub val: Option<Evaluation>,
    /// The penalty `R(w)` with the `n` of a full-size step.
    pub penalty: f64,
    /// `E = E0(train) + R`.
    pub total: f64,
    /// Over all weight matrices.
    pub weights: WeightStats,
    pub layers: Vec<WeightStats>,
    pub histograms: Vec<Histogram>,
    /// All weight matrices together.
    pub histogram_all: Histogram,
    /// Fraction of all weights with `|w| < ε` for each ε of [`EPSILON_GRID`].
    pub small_by_epsilon: Vec<f64>,
    /// Per input: Σ|w| over its outgoing first-layer weights.
    pub importance: Vec<f32>,
    pub lr: f64,
    pub lambda: f64,
}

/// The thresholds ε at which small-weight sparsity is recorded, so that an
/// ε chosen afterwards can be shown over the whole history: 10⁻⁶ to 1 in
/// quarter decades.
pub const EPSILON_GRID: [f64; 25] = {
    let mut g = [0.0; 25];
    let mut i = 0;
    while i < 25 {
        // 10^(-6 + i/4), built by repeated multiplication (const context).
        let mut v = 1e-6;
        let mut k = 0;
        while k < i {
            v *= 1.778_279_410_038_923; // 10^(1/4)
            k += 1;
        }
        g[i] = v;
        i += 1;
    }
    g
};

/// What [`weight_summary`] computes.
#[derive(Debug, Clone)]
pub struct WeightSummary {
    pub all: WeightStats,
    pub layers: Vec<WeightStats>,
    pub histograms: Vec<Histogram>,
    pub histogram_all: Histogram,
    pub small_by_epsilon: Vec<f64>,
    pub importance: Vec<f32>,
}

/// Per-layer and overall weight statistics, histograms and input importance.
pub fn weight_summary(net: &Mlp<f32>, epsilon: f64) -> WeightSummary {
    let mut layers = Vec::with_capacity(net.layers.len());
    let mut hists = Vec::with_capacity(net.layers.len());
    let mut all: Vec<f32> = Vec::with_capacity(net.weight_count());
    for l in &net.layers {
        let w = l.weight_values();
        layers.push(WeightStats::of(&w, epsilon));
        hists.push(Histogram::of(&w, HISTOGRAM_BINS));
        all.extend_from_slice(&w);
    }
    let histogram_all = Histogram::of(&all, HISTOGRAM_BINS);
    let mut magnitudes: Vec<f32> = all.iter().map(|w| w.abs()).collect();
    magnitudes.sort_by(f32::total_cmp);
    let n = magnitudes.len().max(1) as f64;
    let small_by_epsilon =
        EPSILON_GRID.iter().map(|&e| magnitudes.partition_point(|&m| (m as f64) < e) as f64 / n).collect();
    let importance = net.layers[0]
        .weights
        .axis_iter(Axis(0))
        .map(|row| row.iter().map(|w| w.abs()).sum::<f32>())
        .collect();
    WeightSummary {
        all: WeightStats::merge(&layers),
        layers,
        histograms: hists,
        histogram_all,
        small_by_epsilon,
        importance,
    }
}

pub(crate) fn max_abs<F: Float>(net: &Mlp<F>) -> f64 {
    net.layers
        .iter()
        .flat_map(|l| l.weights.iter().chain(l.bias.iter()))
        .fold(0.0f64, |m, v| m.max(v.as_f64().abs()))
}

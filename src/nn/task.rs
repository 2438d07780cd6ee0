use ndarray::{ArrayView2, ArrayViewMut2, Axis};

use super::Float;
use super::activation::sigmoid;

/// What the network predicts, which fixes its output units, output
/// function and data error `E0` (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Task {
    /// Identity outputs, `E0 = mean(½ Σ_k (ŷ_k − y_k)²)`.
    Regression,
    /// One sigmoid output, binary cross-entropy.
    Binary,
    /// Softmax over this many classes, cross-entropy.
    Multiclass(usize),
}

impl Task {
    pub fn outputs(self) -> usize {
        match self {
            Task::Regression | Task::Binary => 1,
            Task::Multiclass(k) => k,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Task::Regression => "regression",
            Task::Binary => "binary",
            Task::Multiclass(_) => "multiclass",
        }
    }

    pub fn is_classification(self) -> bool {
        !matches!(self, Task::Regression)
    }

    /// The data error `E0` summed (not averaged) over the rows, computed from
    /// the output pre-activations `z` so that it stays exact where the
    /// probabilities round to 0 or 1.
    pub fn error_sum_from_logits<F: Float>(self, z: ArrayView2<F>, y: ArrayView2<F>) -> f64 {
        let mut total = 0.0f64;
        match self {
            Task::Regression => {
                for (zi, yi) in z.iter().zip(y.iter()) {
                    let d = (*zi - *yi).as_f64();
                    total += 0.5 * d * d;
                }
            }
            Task::Binary => {
                for (zi, yi) in z.iter().zip(y.iter()) {
                    let (z, y) = (zi.as_f64(), yi.as_f64());
                    total += z.max(0.0) - z * y + (-z.abs()).exp().ln_1p();
                }
            }
            Task::Multiclass(_) => {
                for (zr, yr) in z.rows().into_iter().zip(y.rows()) {
                    let max = zr.iter().fold(f64::NEG_INFINITY, |m, v| m.max(v.as_f64()));
                    let lse = max + zr.iter().map(|v| (v.as_f64() - max).exp()).sum::<f64>().ln();
                    let yz: f64 = zr.iter().zip(yr.iter()).map(|(a, b)| a.as_f64() * b.as_f64()).sum();
                    let ysum: f64 = yr.iter().map(|v| v.as_f64()).sum();
                    total += ysum * lse - yz;
                }
            }
        }
        total
    }

    /// Turns output pre-activations into predictions in place.
    pub fn apply_output<F: Float>(self, mut z: ArrayViewMut2<F>) {
        match self {
            Task::Regression => {}
            Task::Binary => z.iter_mut().for_each(|v| *v = sigmoid(*v)),
            Task::Multiclass(_) => {
                for mut row in z.axis_iter_mut(Axis(0)) {
                    let max = row.iter().fold(F::neg_infinity(), |m, v| m.max(*v));
                    let mut sum = F::zero();
                    row.iter_mut().for_each(|v| {
                        *v = (*v - max).exp();
                        sum += *v;
                    });
                    row.iter_mut().for_each(|v| *v /= sum);
                }
            }
        }
    }

    /// How many rows are classified correctly, from predictions (not logits).
    pub fn correct<F: Float>(self, pred: ArrayView2<F>, y: ArrayView2<F>) -> usize {
        match self {
            Task::Regression => 0,
            Task::Binary => {
                pred.iter().zip(y.iter()).filter(|(p, t)| (p.as_f64() >= 0.5) == (t.as_f64() >= 0.5)).count()
            }
            Task::Multiclass(_) => pred
                .rows()
                .into_iter()
                .zip(y.rows())
                .filter(|(p, t)| argmax(p.iter().copied()) == argmax(t.iter().copied()))
                .count(),
        }
    }
}

pub(crate) fn argmax<F: Float>(it: impl Iterator<Item = F>) -> usize {
    let mut best = (0, F::neg_infinity());
    for (i, v) in it.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}

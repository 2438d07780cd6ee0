//! The penalties of SPEC §1. For each regularizer this file is the one place
//! that defines its value `R(w)`, its (sub)gradient, the weight update it
//! uses, and the formula text a user is shown.

use serde::{Deserialize, Serialize};

use super::Float;
use crate::text::text_enum;

text_enum!(
    /// Which penalty a run adds to its data error.
    #[derive(Default)]
    pub enum Regularizer, "regularizer" {
        #[default]
        None => "none",
        L1 => "l1",
        L2 => "l2",
        ElasticNet => "elastic-net",
    }
);

text_enum!(
    /// How an L1 penalty moves a weight (SPEC §1).
    #[derive(Default)]
    pub enum L1Rule, "L1 rule" {
        /// The book's rule: weights jitter around 0 but are almost never 0.
        #[default]
        Subgradient => "subgradient",
        /// TensorFlow Playground's rule: a penalty step that crosses 0 stops at 0.
        Clip => "clip",
        /// Soft-thresholding (ISTA): exact zeros.
        Proximal => "proximal",
    }
);

text_enum!(
    /// What `n` in `λ/n` is.
    #[derive(Default)]
    pub enum LambdaScale, "lambda scale" {
        /// The book: the size of the mini-batch used for the step.
        #[default]
        Batch => "batch",
        /// The size of the training set.
        Dataset => "dataset",
        /// `n = 1`: Keras regularizers, PyTorch `weight_decay`.
        None => "none",
    }
);

text_enum!(
    /// Which weight matrices are penalised. Biases never are.
    #[derive(Default)]
    pub enum Scope, "scope" {
        #[default]
        All => "all",
        /// Only the final layer's weights (the book's first version).
        Output => "output",
    }
);

impl LambdaScale {
    /// The `n` of `λ/n` for a step over `batch_rows` rows of a training set
    /// of `train_rows` rows.
    pub fn n(self, batch_rows: usize, train_rows: usize) -> f64 {
        match self {
            LambdaScale::Batch => batch_rows.max(1) as f64,
            LambdaScale::Dataset => train_rows.max(1) as f64,
            LambdaScale::None => 1.0,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            LambdaScale::Batch => "n = mini-batch size (the book)",
            LambdaScale::Dataset => "n = training-set size",
            LambdaScale::None => "n = 1 (Keras, PyTorch weight_decay)",
        }
    }
}

/// A regularizer with its strength: everything needed to compute `R(w)` and
/// to take a penalised step, given `n`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Penalty {
    pub regularizer: Regularizer,
    /// λ ≥ 0.
    pub lambda: f64,
    /// Elastic-net mixing α ∈ [0, 1]: `R = α·L1 + (1 − α)·L2`.
    pub alpha: f64,
    pub l1_rule: L1Rule,
}

impl Default for Penalty {
    fn default() -> Self {
        Penalty::NONE
    }
}

/// The penalised error and the update rule of a run, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    pub error: String,
    pub update: String,
    /// Where reglab's form differs from the printed book, or how momentum enters.
    pub note: Option<String>,
}

#[inline(always)]
fn sign<F: Float>(w: F) -> F {
    if w > F::zero() {
        F::one()
    } else if w < F::zero() {
        -F::one()
    } else {
        F::zero()
    }
}

#[inline(always)]
fn soft_threshold<F: Float>(v: F, t: F) -> F {
    if v > t {
        v - t
    } else if v < -t {
        v + t
    } else {
        F::zero()
    }
}

impl Penalty {
    pub const NONE: Penalty =
        Penalty { regularizer: Regularizer::None, lambda: 0.0, alpha: 0.5, l1_rule: L1Rule::Subgradient };

    pub fn l2(lambda: f64) -> Self {
        Penalty { regularizer: Regularizer::L2, lambda, ..Penalty::NONE }
    }

    pub fn l1(lambda: f64, rule: L1Rule) -> Self {
        Penalty { regularizer: Regularizer::L1, lambda, l1_rule: rule, ..Penalty::NONE }
    }

    pub fn elastic_net(lambda: f64, alpha: f64, rule: L1Rule) -> Self {
        Penalty { regularizer: Regularizer::ElasticNet, lambda, alpha, l1_rule: rule }
    }

    /// Shares of the L1 and L2 terms: (1, 0) for L1, (0, 1) for L2, (α, 1 − α)
    /// for elastic net.
    pub fn mix(&self) -> (f64, f64) {
        match self.regularizer {
            Regularizer::None => (0.0, 0.0),
            Regularizer::L1 => (1.0, 0.0),
            Regularizer::L2 => (0.0, 1.0),
            Regularizer::ElasticNet => (self.alpha, 1.0 - self.alpha),
        }
    }

    /// `(k1, k2)` with `R = k1·Σ|w| + (k2/2)·Σw²`, i.e. `k1 = a1·λ/n`, `k2 = a2·λ/n`.
    pub fn coefficients(&self, n: f64) -> (f64, f64) {
        let (a1, a2) = self.mix();
        let s = self.lambda / n;
        (a1 * s, a2 * s)
    }

    pub fn is_active(&self) -> bool {
        self.regularizer != Regularizer::None && self.lambda != 0.0
    }

    /// `R(w)` for one weight matrix.
    pub fn value<F: Float>(&self, w: &[F], n: f64) -> f64 {
        let (k1, k2) = self.coefficients(n);
        if k1 == 0.0 && k2 == 0.0 {
            return 0.0;
        }
        let (mut l1, mut l2) = (0.0f64, 0.0f64);
        for v in w {
            let v = v.as_f64();
            l1 += v.abs();
            l2 += v * v;
        }
        k1 * l1 + 0.5 * k2 * l2
    }

    /// `∂R/∂w` (the subgradient with `sign(0) = 0` for the L1 part), added to `grad`.
    pub fn add_gradient<F: Float>(&self, w: &[F], n: f64, grad: &mut [F]) {
        let (k1, k2) = self.coefficients(n);
        let (k1, k2) = (F::of(k1), F::of(k2));
        for (g, &v) in grad.iter_mut().zip(w) {
            *g += k1 * sign(v) + k2 * v;
        }
    }

    /// One SGD step on a weight matrix, `g` being `∂E0/∂w` of the batch.
    ///
    /// With momentum μ the smooth part of the step goes through the velocity
    /// `u ← μ·u − η·(∂E0/∂w + k2·w [+ k1·sign(w) for subgradient])`, `w′ = w + u`;
    /// `clip` and `proximal` then apply their L1 part to `w′`.
    pub fn step<F: Float>(
        &self,
        w: &mut [F],
        g: &[F],
        velocity: Option<&mut [F]>,
        lr: F,
        momentum: F,
        n: f64,
    ) {
        #[cfg(target_arch = "x86_64")]
        if super::simd::active() != super::simd::Kernel::Portable {
            // SAFETY: the CPU has AVX2 (the AVX2 and AVX-512 kernels both need
            // it), which `step_avx2` is compiled for. The
            // arithmetic is the same (no contraction into FMA), so both paths
            // give the same numbers.
            unsafe { self.step_avx2(w, g, velocity, lr, momentum, n) };
            return;
        }
        self.step_portable(w, g, velocity, lr, momentum, n);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn step_avx2<F: Float>(
        &self,
        w: &mut [F],
        g: &[F],
        velocity: Option<&mut [F]>,
        lr: F,
        momentum: F,
        n: f64,
    ) {
        self.step_portable(w, g, velocity, lr, momentum, n);
    }

    #[inline(always)]
    fn step_portable<F: Float>(
        &self,
        w: &mut [F],
        g: &[F],
        velocity: Option<&mut [F]>,
        lr: F,
        momentum: F,
        n: f64,
    ) {
        debug_assert_eq!(w.len(), g.len());
        let (k1f, k2f) = self.coefficients(n);
        let (k1, k2) = (F::of(k1f), F::of(k2f));
        let rule = if k1f == 0.0 { None } else { Some(self.l1_rule) };
        let subgrad_in_smooth = rule == Some(L1Rule::Subgradient);
        match velocity {
            None => match rule {
                None => {
                    for (w, &g) in w.iter_mut().zip(g) {
                        *w -= lr * (g + k2 * *w);
                    }
                }
                Some(L1Rule::Subgradient) => {
                    for (w, &g) in w.iter_mut().zip(g) {
                        *w -= lr * (g + k2 * *w + k1 * sign(*w));
                    }
                }
                Some(L1Rule::Clip) => {
                    let t = lr * k1;
                    for (w, &g) in w.iter_mut().zip(g) {
                        let moved = *w - lr * (g + k2 * *w);
                        *w = clip_l1(*w, moved, t);
                    }
                }
                Some(L1Rule::Proximal) => {
                    let t = lr * k1;
                    for (w, &g) in w.iter_mut().zip(g) {
                        *w = soft_threshold(*w - lr * (g + k2 * *w), t);
                    }
                }
            },
            Some(u) => {
                let t = lr * k1;
                for ((w, &g), u) in w.iter_mut().zip(g).zip(u.iter_mut()) {
                    let mut d = g + k2 * *w;
                    if subgrad_in_smooth {
                        d += k1 * sign(*w);
                    }
                    *u = momentum * *u - lr * d;
                    let moved = *w + *u;
                    *w = match rule {
                        Some(L1Rule::Clip) => clip_l1(*w, moved, t),
                        Some(L1Rule::Proximal) => soft_threshold(moved, t),
                        _ => moved,
                    };
                }
            }
        }
    }

    /// The penalised error and the update this penalty uses, as shown to users.
    pub fn formula(&self) -> Formula {
        let (error, l1_text) = match self.regularizer {
            Regularizer::None => ("E = E₀".to_string(), ""),
            Regularizer::L2 => ("E = E₀ + (λ/2n)·Σw²".to_string(), ""),
            Regularizer::L1 => ("E = E₀ + (λ/n)·Σ|w|".to_string(), "(λ/n)"),
            Regularizer::ElasticNet => ("E = E₀ + α·(λ/n)·Σ|w| + (1−α)·(λ/2n)·Σw²".to_string(), "α·(λ/n)"),
        };
        let smooth = match self.regularizer {
            Regularizer::L2 => "∂E₀/∂w + (λ/n)·w",
            Regularizer::ElasticNet => "∂E₀/∂w + (1−α)·(λ/n)·w",
            _ => "∂E₀/∂w",
        };
        let update = match (self.regularizer, self.l1_rule) {
            (Regularizer::None | Regularizer::L2, _) => format!("w ← w − η·({smooth})"),
            (_, L1Rule::Subgradient) => {
                format!("w ← w − η·({smooth} + {l1_text}·sign(w)),   sign(0) = 0")
            }
            (_, L1Rule::Clip) => {
                format!("w′ = w − η·({smooth});   w ← w′ − η·{l1_text}·sign(w), or 0 if that step crosses 0")
            }
            (_, L1Rule::Proximal) => format!("v = w − η·({smooth});   w ← sign(v)·max(|v| − η·{l1_text}, 0)"),
        };
        let note = match self.regularizer {
            Regularizer::L2 | Regularizer::ElasticNet => Some(
                "The book prints E₀ + (λ/n)·Σw² but derives the step (λ/n)·w; \
                 reglab keeps the ½ so that the error shown and the gradient used agree."
                    .to_string(),
            ),
            _ => None,
        };
        Formula { error, update, note }
    }
}

/// TensorFlow Playground's clip: the L1 step is taken from `moved` (the
/// weight after its data step); if it would carry the weight across zero,
/// the weight stops at zero.
#[inline(always)]
fn clip_l1<F: Float>(before: F, moved: F, t: F) -> F {
    let after = moved - t * sign(before);
    if moved * after <= F::zero() { F::zero() } else { after }
}

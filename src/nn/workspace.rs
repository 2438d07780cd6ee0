use ndarray::{Array1, Array2, ArrayView2, Axis, Zip, s};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::gemm::{GemmScratch, gemm, gemm_bias};
use super::{Float, Mlp, Penalty, Scope};

/// Inverted dropout for one forward pass: each hidden unit is kept with
/// probability `keep` and scaled by `1/keep`, so evaluation needs no rescaling.
pub struct Dropout<'a> {
    pub keep: f64,
    pub rng: &'a mut ChaCha8Rng,
}

/// Everything one SGD step needs besides the gradients.
#[derive(Debug, Clone, Copy)]
pub struct StepParams<'a> {
    pub lr: f64,
    pub momentum: f64,
    pub penalty: &'a Penalty,
    /// The `n` of `λ/n` for this step.
    pub n: f64,
    pub scope: Scope,
}

/// The buffers of forward and backward passes over up to `capacity` rows,
/// allocated once so that a training step allocates nothing.
#[derive(Debug, Clone)]
pub struct Workspace<F> {
    capacity: usize,
    x: Array2<F>,
    y: Array2<F>,
    /// Output of each layer; the last holds logits, then predictions.
    acts: Vec<Array2<F>>,
    /// Dropout multipliers (0 or 1/keep) of the hidden layers.
    masks: Vec<Array2<F>>,
    dropout_used: bool,
    deltas: Vec<Array2<F>>,
    /// `∂E0/∂W` of the last backward pass, mean over its rows.
    pub grad_w: Vec<Array2<F>>,
    /// `∂E0/∂b` of the last backward pass.
    pub grad_b: Vec<Array1<F>>,
    vel_w: Vec<Array2<F>>,
    vel_b: Vec<Array1<F>>,
    gemm: GemmScratch<F>,
}

pub(crate) fn flat<F>(a: &mut Array2<F>) -> &mut [F] {
    a.as_slice_memory_order_mut().expect("owned arrays built by Array2::zeros or from_shape are contiguous")
}

pub(crate) fn flat1<F>(a: &mut Array1<F>) -> &mut [F] {
    a.as_slice_memory_order_mut().expect("owned arrays are contiguous")
}

impl<F: Float> Workspace<F> {
    pub fn new(net: &Mlp<F>, capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let sizes = net.sizes();
        let units = &sizes[1..];
        let nl = net.layers.len();
        Workspace {
            capacity,
            x: Array2::zeros((capacity, sizes[0])),
            y: Array2::zeros((capacity, net.outputs())),
            acts: units.iter().map(|&u| Array2::zeros((capacity, u))).collect(),
            masks: units[..nl - 1].iter().map(|&u| Array2::zeros((capacity, u))).collect(),
            dropout_used: false,
            deltas: units.iter().map(|&u| Array2::zeros((capacity, u))).collect(),
            grad_w: net.layers.iter().map(|l| Array2::zeros(l.weights.raw_dim())).collect(),
            grad_b: net.layers.iter().map(|l| Array1::zeros(l.bias.raw_dim())).collect(),
            vel_w: net.layers.iter().map(|l| Array2::zeros(l.weights.raw_dim())).collect(),
            vel_b: net.layers.iter().map(|l| Array1::zeros(l.bias.raw_dim())).collect(),
            gemm: GemmScratch::new(),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Copies consecutive rows (at most `capacity`) into the input buffers.
    pub fn load_rows(&mut self, x: ArrayView2<F>, y: Option<ArrayView2<F>>) {
        let m = x.nrows();
        self.x.slice_mut(s![..m, ..]).assign(&x);
        if let Some(y) = y {
            self.y.slice_mut(s![..m, ..]).assign(&y);
        }
    }

    /// Gathers the rows `idx` of `x` and `y` into the input buffers.
    pub fn load_batch(&mut self, x: ArrayView2<F>, y: ArrayView2<F>, idx: &[usize]) {
        for (k, &i) in idx.iter().enumerate() {
            copy_row(self.x.row_mut(k), x.row(i));
            copy_row(self.y.row_mut(k), y.row(i));
        }
    }

    /// Predictions (or, between the passes, logits) of the first `m` rows.
    pub fn output(&self, m: usize) -> ArrayView2<'_, F> {
        self.acts[self.acts.len() - 1].slice(s![..m, ..])
    }

    pub fn targets(&self, m: usize) -> ArrayView2<'_, F> {
        self.y.slice(s![..m, ..])
    }

    fn forward_logits(&mut self, net: &Mlp<F>, m: usize, mut dropout: Option<Dropout<'_>>) {
        let nl = net.layers.len();
        self.dropout_used = dropout.as_ref().is_some_and(|d| d.keep < 1.0);
        for (l, layer) in net.layers.iter().enumerate() {
            let (prev, rest) = self.acts.split_at_mut(l);
            let input = if l == 0 { self.x.slice(s![..m, ..]) } else { prev[l - 1].slice(s![..m, ..]) };
            let mut z = rest[0].slice_mut(s![..m, ..]);
            let bias = layer.bias.as_slice().expect("an owned bias vector is contiguous");
            gemm_bias(input, layer.weights.view(), F::zero(), Some(bias), z.view_mut(), &mut self.gemm);
            if l + 1 < nl {
                match z.as_slice_mut() {
                    Some(flat) => net.activation.apply(flat),
                    None => {
                        let act = net.activation;
                        z.mapv_inplace(|v| act_apply(act, v));
                    }
                }
                if let Some(d) = dropout.as_mut().filter(|d| d.keep < 1.0) {
                    let keep = d.keep as f32;
                    let scale = F::of(1.0 / d.keep);
                    let mut mask = self.masks[l].slice_mut(s![..m, ..]);
                    Zip::from(&mut z).and(&mut mask).for_each(|a, q| {
                        *q = if d.rng.random::<f32>() < keep { scale } else { F::zero() };
                        *a *= *q;
                    });
                }
            }
        }
    }

    /// Forward pass over the first `m` loaded rows, ending in predictions.
    pub fn forward(&mut self, net: &Mlp<F>, m: usize, dropout: Option<Dropout<'_>>) {
        self.forward_logits(net, m, dropout);
        let last = self.acts.len() - 1;
        net.task.apply_output(self.acts[last].slice_mut(s![..m, ..]));
    }

    /// Forward pass without dropout that returns `Σ E0` over the `m` rows
    /// (computed from the logits), leaving predictions in the output buffer.
    pub fn forward_with_error(&mut self, net: &Mlp<F>, m: usize) -> f64 {
        self.forward_logits(net, m, None);
        let last = self.acts.len() - 1;
        let err =
            net.task.error_sum_from_logits(self.acts[last].slice(s![..m, ..]), self.y.slice(s![..m, ..]));
        net.task.apply_output(self.acts[last].slice_mut(s![..m, ..]));
        err
    }

    /// Backward pass after `forward`: fills `grad_w`, `grad_b` with the
    /// gradient of the mean data error `E0` over the `m` rows.
    ///
    /// For each task the output function and loss are the canonical pair, so
    /// `∂E0/∂z = (ŷ − y)/m` at the output.
    pub fn backward(&mut self, net: &Mlp<F>, m: usize) {
        let nl = net.layers.len();
        let inv_m = F::of(1.0 / m as f64);
        {
            let out = self.acts[nl - 1].slice(s![..m, ..]);
            let y = self.y.slice(s![..m, ..]);
            let mut d = self.deltas[nl - 1].slice_mut(s![..m, ..]);
            Zip::from(&mut d).and(&out).and(&y).for_each(|d, &p, &t| *d = (p - t) * inv_m);
        }
        for l in (0..nl).rev() {
            let (lower, upper) = self.deltas.split_at_mut(l);
            let delta = upper[0].slice(s![..m, ..]);
            let input = if l == 0 { self.x.slice(s![..m, ..]) } else { self.acts[l - 1].slice(s![..m, ..]) };
            gemm(input.t(), delta, F::zero(), self.grad_w[l].view_mut(), &mut self.gemm);
            let gb = flat1(&mut self.grad_b[l]);
            gb.iter_mut().for_each(|v| *v = F::zero());
            for row in delta.axis_iter(Axis(0)) {
                for (g, &d) in gb.iter_mut().zip(row.iter()) {
                    *g += d;
                }
            }
            if l > 0 {
                let mut below = lower[l - 1].slice_mut(s![..m, ..]);
                gemm(delta, net.layers[l].weights.t(), F::zero(), below.view_mut(), &mut self.gemm);
                let act = net.activation;
                let a = self.acts[l - 1].slice(s![..m, ..]);
                if self.dropout_used {
                    let mask = self.masks[l - 1].slice(s![..m, ..]);
                    Zip::from(&mut below).and(&a).and(&mask).for_each(|d, &a, &q| {
                        *d = if q == F::zero() {
                            F::zero()
                        } else {
                            *d * act.derivative_from_output(a / q) * q
                        };
                    });
                } else if let (Some(d), Some(a)) = (below.as_slice_mut(), a.as_slice()) {
                    act.scale_by_derivative(d, a);
                } else {
                    Zip::from(&mut below).and(&a).for_each(|d, &a| *d *= act.derivative_from_output(a));
                }
            }
        }
    }

    /// Applies one update with the gradients of the last backward pass.
    pub fn step(&mut self, net: &mut Mlp<F>, p: &StepParams<'_>) {
        let nl = net.layers.len();
        let lr = F::of(p.lr);
        let mu = F::of(p.momentum);
        let use_momentum = p.momentum != 0.0;
        for (l, layer) in net.layers.iter_mut().enumerate() {
            let penalised = p.scope == Scope::All || l + 1 == nl;
            let penalty = if penalised { p.penalty } else { &Penalty::NONE };
            let vw = use_momentum.then(|| flat(&mut self.vel_w[l]));
            penalty.step(flat(&mut layer.weights), flat(&mut self.grad_w[l]), vw, lr, mu, p.n);
            let vb = use_momentum.then(|| flat1(&mut self.vel_b[l]));
            Penalty::NONE.step(flat1(&mut layer.bias), flat1(&mut self.grad_b[l]), vb, lr, mu, p.n);
        }
    }

    /// Forgets the momentum (after a reset of the weights).
    pub fn clear_velocity(&mut self) {
        self.vel_w.iter_mut().for_each(|v| v.fill(F::zero()));
        self.vel_b.iter_mut().for_each(|v| v.fill(F::zero()));
    }

    /// One mini-batch step on rows `idx`: gather, forward, backward, update.
    pub fn train_step(
        &mut self,
        net: &mut Mlp<F>,
        x: ArrayView2<F>,
        y: ArrayView2<F>,
        idx: &[usize],
        params: &StepParams<'_>,
        dropout: Option<Dropout<'_>>,
    ) {
        let m = idx.len();
        self.load_batch(x, y, idx);
        self.forward(net, m, dropout);
        self.backward(net, m);
        self.step(net, params);
    }
}

/// A row copy, as one `memcpy` when both rows are contiguous.
#[inline(always)]
fn copy_row<F: Float>(mut to: ndarray::ArrayViewMut1<F>, from: ndarray::ArrayView1<F>) {
    match (to.as_slice_mut(), from.as_slice()) {
        (Some(t), Some(f)) => t.copy_from_slice(f),
        _ => to.assign(&from),
    }
}

#[inline(always)]
fn act_apply<F: Float>(act: super::Activation, v: F) -> F {
    match act {
        super::Activation::Tanh | super::Activation::Sigmoid => {
            // The same functions as the contiguous path.
            let mut one = [v];
            act.apply(&mut one);
            one[0]
        }
        super::Activation::Relu => v.max(F::zero()),
        super::Activation::Identity => v,
    }
}

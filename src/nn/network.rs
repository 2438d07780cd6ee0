use std::borrow::Cow;

use ndarray::{Array1, Array2, ArrayView2, s};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Activation, Float, Task, Workspace};

/// One fully connected layer: `z = a·W + b`, `W[i][j]` from input `i` to unit `j`.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer<F> {
    pub weights: Array2<F>,
    pub bias: Array1<F>,
}

impl<F: Float> Layer<F> {
    pub fn inputs(&self) -> usize {
        self.weights.nrows()
    }
    pub fn units(&self) -> usize {
        self.weights.ncols()
    }

    /// The weights as one slice, borrowed (owned layers are contiguous);
    /// copied only for a strided view.
    pub fn weight_values(&self) -> Cow<'_, [F]> {
        match self.weights.as_slice_memory_order() {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(self.weights.iter().copied().collect()),
        }
    }
}

/// A network shape that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    #[error("a network needs at least one input, found 0")]
    NoInputs,
    #[error("hidden layer {index} has 0 units; every layer needs at least one")]
    EmptyLayer { index: usize },
    #[error("a multi-class task needs at least 2 classes, found {0}")]
    TooFewClasses(usize),
}

/// A multilayer perceptron: hidden layers with one activation, then the
/// output layer whose function and loss the task fixes.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp<F> {
    pub layers: Vec<Layer<F>>,
    pub activation: Activation,
    pub task: Task,
}

impl<F: Float> Mlp<F> {
    /// Seeded initialisation: Glorot-uniform for tanh, sigmoid, identity and
    /// the output layer, He-uniform for layers followed by relu. Biases are 0.
    pub fn new(
        inputs: usize,
        hidden: &[usize],
        activation: Activation,
        task: Task,
        seed: u64,
    ) -> Result<Self, NetworkError> {
        if inputs == 0 {
            return Err(NetworkError::NoInputs);
        }
        if let Some(index) = hidden.iter().position(|&h| h == 0) {
            return Err(NetworkError::EmptyLayer { index });
        }
        if let Task::Multiclass(k) = task
            && k < 2
        {
            return Err(NetworkError::TooFewClasses(k));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut sizes = vec![inputs];
        sizes.extend_from_slice(hidden);
        sizes.push(task.outputs());
        let last = sizes.len() - 2;
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(l, io)| {
                let act = if l == last { Activation::Tanh } else { activation };
                let limit = act.init_limit(io[0], io[1]);
                let weights =
                    Array2::from_shape_simple_fn((io[0], io[1]), || F::of(rng.random_range(-limit..limit)));
                Layer { weights, bias: Array1::zeros(io[1]) }
            })
            .collect();
        Ok(Mlp { layers, activation, task })
    }

    pub fn inputs(&self) -> usize {
        self.layers[0].inputs()
    }

    pub fn outputs(&self) -> usize {
        self.layers[self.layers.len() - 1].units()
    }

    /// Units of every layer, inputs first: `[20, 32, 32, 2]`.
    pub fn sizes(&self) -> Vec<usize> {
        let mut s = vec![self.inputs()];
        s.extend(self.layers.iter().map(|l| l.units()));
        s
    }

    pub fn weight_count(&self) -> usize {
        self.layers.iter().map(|l| l.weights.len()).sum()
    }

    /// Predictions for every row of `x` (probabilities for classification).
    /// Allocates; meant for tests, exports and one-off use, not training.
    pub fn predict(&self, x: ArrayView2<F>) -> Array2<F> {
        let chunk = x.nrows().clamp(1, 1024);
        let mut ws = Workspace::new(self, chunk);
        let mut out = Array2::zeros((x.nrows(), self.outputs()));
        let mut start = 0;
        while start < x.nrows() {
            let end = (start + chunk).min(x.nrows());
            ws.load_rows(x.slice(s![start..end, ..]), None);
            ws.forward(self, end - start, None);
            out.slice_mut(s![start..end, ..]).assign(&ws.output(end - start));
            start = end;
        }
        out
    }

    /// Mean data error `E0` over the rows of `x` with targets `y` (no dropout).
    pub fn data_error(&self, x: ArrayView2<F>, y: ArrayView2<F>) -> f64 {
        let n = x.nrows().max(1);
        let chunk = n.min(1024);
        let mut ws = Workspace::new(self, chunk);
        let mut total = 0.0;
        let mut start = 0;
        while start < x.nrows() {
            let end = (start + chunk).min(x.nrows());
            ws.load_rows(x.slice(s![start..end, ..]), Some(y.slice(s![start..end, ..])));
            total += ws.forward_with_error(self, end - start);
            start = end;
        }
        total / n as f64
    }

    /// The largest |value| of any weight or bias; NaN when one is NaN.
    pub fn largest_magnitude(&self) -> F {
        let mut m = F::zero();
        for l in &self.layers {
            for &v in l.weights.iter().chain(l.bias.iter()) {
                let a = v.abs();
                if a.is_nan() {
                    return a;
                }
                if a > m {
                    m = a;
                }
            }
        }
        m
    }

    /// The same network in another float type (checks run in f64).
    pub fn cast<G: Float>(&self) -> Mlp<G> {
        Mlp {
            layers: self
                .layers
                .iter()
                .map(|l| Layer {
                    weights: l.weights.mapv(|v| G::of(v.as_f64())),
                    bias: l.bias.mapv(|v| G::of(v.as_f64())),
                })
                .collect(),
            activation: self.activation,
            task: self.task,
        }
    }
}

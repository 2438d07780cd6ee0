//! The textbook picture of why L1 gives zeros, from a run's real network:
//! the data error E0 over the plane of two of its weights (the others held
//! where they are), and the penalty on that plane, whose level set through
//! the run's weights is a diamond for L1, a circle for L2 and between the
//! two for elastic net. Computed off the window's thread by the engine.

use crate::data::Prepared;
use crate::nn::Mlp;
use crate::train::RunSpec;

/// Cells along each side of the plane.
pub const CELLS: usize = 41;
/// Training rows the contours are computed on at most.
pub const ROWS: usize = 2000;

/// E0 over a square of the plane of weights `a` and `b`.
#[derive(Debug, Clone, PartialEq)]
pub struct Plane {
    /// The run and the epoch of the weights.
    pub run: usize,
    pub epoch: usize,
    /// `(input, unit)` of the two first-layer weights.
    pub a: (usize, usize),
    pub b: (usize, usize),
    pub names: (String, String),
    /// The square is `[−half, half]²`.
    pub half: f64,
    pub cells: usize,
    /// E0 at the cell centres, row by row from the bottom (`b` up, `a` right).
    pub error: Vec<f64>,
    /// The penalty on the plane: `k1·(|a| + |b|) + (k2/2)·(a² + b²)` plus what
    /// the other weights add.
    pub k1: f64,
    pub k2: f64,
    /// Where the run's two weights are.
    pub now: (f64, f64),
    pub rows: usize,
}

impl Plane {
    /// The centre of cell `(row, col)`: (a, b).
    pub fn cell(&self, row: usize, col: usize) -> (f64, f64) {
        let step = 2.0 * self.half / self.cells as f64;
        (-self.half + (col as f64 + 0.5) * step, -self.half + (row as f64 + 0.5) * step)
    }

    /// The penalty's part that depends on the two weights.
    pub fn penalty(&self, a: f64, b: f64) -> f64 {
        self.k1 * (a.abs() + b.abs()) + 0.5 * self.k2 * (a * a + b * b)
    }
}

/// The two weights to draw: the two inputs of a model with two inputs and
/// one output, else the two largest first-layer weights.
pub fn choose_pair(net: &Mlp<f32>) -> ((usize, usize), (usize, usize)) {
    let w = &net.layers[0].weights;
    if w.nrows() == 2 && w.ncols() == 1 {
        return ((0, 0), (1, 0));
    }
    let mut all: Vec<((usize, usize), f32)> = w.indexed_iter().map(|(i, v)| (i, v.abs())).collect();
    all.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    let first = all.first().map_or((0, 0), |x| x.0);
    let second = all.get(1).map_or((0, 0), |x| x.0);
    (first, second)
}

/// E0 of `net` with its weights `a` and `b` set to `(va, vb)`, on `rows`
/// training rows: the engine's own error.
pub fn error_at(
    data: &Prepared,
    net: &Mlp<f32>,
    pair: ((usize, usize), (usize, usize)),
    va: f64,
    vb: f64,
    rows: usize,
) -> f64 {
    let mut n = net.clone();
    n.layers[0].weights[[pair.0.0, pair.0.1]] = va as f32;
    n.layers[0].weights[[pair.1.0, pair.1.1]] = vb as f32;
    let r = rows.min(data.train_rows());
    n.data_error(data.x_train.slice(ndarray::s![..r, ..]), data.y_train.slice(ndarray::s![..r, ..]))
}

/// The largest |value| the pair of weights took along `path` (the first
/// layer's weights by epoch, row-major) up to `epoch`.
pub fn path_reach(
    path: &[(usize, Vec<f32>)],
    pair: ((usize, usize), (usize, usize)),
    ncols: usize,
    epoch: usize,
) -> f64 {
    let at = |w: &[f32], (i, j): (usize, usize)| w.get(i * ncols + j).map_or(0.0, |v| (*v as f64).abs());
    path.iter()
        .filter(|(e, _)| *e <= epoch)
        .map(|(_, w)| at(w, pair.0).max(at(w, pair.1)))
        .fold(0.0, f64::max)
}

/// The plane of `net`'s chosen pair of weights ([`choose_pair`]), for run
/// `run` at `epoch`; `reach` is the largest |value| the two weights took on
/// their way ([`path_reach`]), so that the plane reaches as far as they went.
pub fn plane(
    data: &Prepared,
    net: &Mlp<f32>,
    reach: f64,
    spec: &RunSpec,
    (batch_rows, run, epoch): (usize, usize, usize),
) -> Plane {
    let pair = choose_pair(net);
    let w = &net.layers[0].weights;
    let now = (w[[pair.0.0, pair.0.1]] as f64, w[[pair.1.0, pair.1.1]] as f64);
    // Wide enough for the level set through the weights (the diamond's
    // corners lie at |a| + |b|, the circle within) and for their path: the
    // view frames all of it, and the shading is to fill the frame.
    let half = (1.5 * now.0.abs().max(now.1.abs()).max(0.25))
        .max(1.1 * (now.0.abs() + now.1.abs()))
        .max(1.25 * reach);
    let rows = ROWS.min(data.train_rows());
    let n = spec.lambda_scale.n(batch_rows, data.train_rows());
    let (k1, k2) = spec.penalty().coefficients(n);
    let name = |(i, j): (usize, usize)| {
        let input = data.feature_names.get(i).cloned().unwrap_or_else(|| format!("x{}", i + 1));
        if net.layers[0].weights.ncols() == 1 {
            format!("w({input})")
        } else {
            format!("w({input}, h{})", j + 1)
        }
    };
    let mut plane = Plane {
        run,
        epoch,
        a: pair.0,
        b: pair.1,
        names: (name(pair.0), name(pair.1)),
        half,
        cells: CELLS,
        error: Vec::with_capacity(CELLS * CELLS),
        k1,
        k2,
        now,
        rows,
    };
    for row in 0..CELLS {
        for col in 0..CELLS {
            let (a, b) = plane.cell(row, col);
            plane.error.push(error_at(data, net, pair, a, b, rows));
        }
    }
    plane
}

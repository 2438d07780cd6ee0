//! The products of the training step, on every kernel this CPU runs,
//! beside the general-purpose GEMM.

use std::time::Instant;

use ndarray::Array2;
use ndarray::linalg::general_mat_mul;
use serde::Serialize;

/// The best float32 GEMM rate on one thread at 512³: the training step's own
/// kernels or the general-purpose GEMM, whichever is faster here.
pub fn gemm_peak_gflops() -> f64 {
    let n = 512;
    let a = Array2::<f32>::from_shape_fn((n, n), |(i, j)| ((i * 7 + j * 3) % 11) as f32 * 0.1);
    let b = a.t().to_owned();
    let mut c = Array2::<f32>::zeros((n, n));
    let mut scratch = crate::nn::gemm::GemmScratch::<f32>::new();
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let t = Instant::now();
        general_mat_mul(1.0, &a, &b, 0.0, &mut c);
        best = best.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        crate::nn::gemm::gemm(a.view(), b.view(), 0.0, c.view_mut(), &mut scratch);
        best = best.min(t.elapsed().as_secs_f64());
    }
    2.0 * (n * n * n) as f64 / best / 1e9
}

/// GFLOP/s of one product shape on each kernel this CPU runs.
#[derive(Debug, Serialize)]
pub struct GemmResult {
    /// `m×k·k×n`, and which operand is a transposed view, as in the step.
    pub shape: String,
    /// (kernel name, GFLOP/s), best of 5.
    pub own: Vec<(String, f64)>,
    /// ndarray's general-purpose GEMM (the `matrixmultiply` crate).
    pub general_purpose: f64,
}

/// GFLOP/s of the training step's own GEMM, on every kernel this CPU runs,
/// and of the general one on the products of W2's and W1's steps, with their
/// operands laid out as the step has them (`reglab bench --workloads GEMM`).
pub fn gemm_shapes() -> Vec<GemmResult> {
    use crate::nn::gemm::{GemmScratch, gemm_with};
    use crate::nn::simd::Kernel;
    // (m, k, n, A is a transposed view, B is a transposed view, what it is)
    let shapes = [
        (512, 512, 512, false, false, "512³"),
        (64, 784, 128, false, false, "W2 forward X·W"),
        (784, 64, 128, true, false, "W2 gradient Xᵀ·δ"),
        (64, 128, 784, false, true, "W2-sized δ·Wᵀ"),
        (32, 32, 32, false, false, "W1 forward"),
        (32, 20, 32, false, false, "W1 first layer"),
        (32, 32, 32, true, false, "W1 gradient"),
        (32, 32, 32, false, true, "W1 backward δ·Wᵀ"),
    ];
    let mut out = Vec::new();
    let mut scratch = GemmScratch::<f32>::new();
    for (m, k, n, a_t, b_t, what) in shapes {
        let a = if a_t {
            Array2::<f32>::from_shape_fn((k, m), |(i, j)| ((i * 7 + j * 3) % 11) as f32 * 0.1).reversed_axes()
        } else {
            Array2::<f32>::from_shape_fn((m, k), |(i, j)| ((i * 7 + j * 3) % 11) as f32 * 0.1)
        };
        let b = if b_t {
            Array2::<f32>::from_shape_fn((n, k), |(i, j)| ((i * 5 + j * 3) % 13) as f32 * 0.1).reversed_axes()
        } else {
            Array2::<f32>::from_shape_fn((k, n), |(i, j)| ((i * 5 + j * 3) % 13) as f32 * 0.1)
        };
        let mut c = Array2::<f32>::zeros((m, n));
        let reps = (2e8 / (2.0 * (m * n * k) as f64)).max(3.0) as usize;
        let time = |f: &mut dyn FnMut()| {
            let mut best = f64::INFINITY;
            for _ in 0..5 {
                let t = Instant::now();
                for _ in 0..reps {
                    f();
                }
                best = best.min(t.elapsed().as_secs_f64() / reps as f64);
            }
            2.0 * (m * n * k) as f64 / best / 1e9
        };
        let own = Kernel::ALL
            .into_iter()
            .filter(|k| k.supported())
            .map(|kernel| {
                let rate = time(&mut || {
                    gemm_with(kernel, a.view(), b.view(), 0.0, None, c.view_mut(), &mut scratch)
                });
                (kernel.name().to_string(), rate)
            })
            .collect();
        let general_purpose = time(&mut || general_mat_mul(1.0, &a, &b, 0.0, &mut c));
        let layout = match (a_t, b_t) {
            (true, _) => ", Aᵀ",
            (_, true) => ", Bᵀ",
            _ => "",
        };
        out.push(GemmResult { shape: format!("{m}×{k}·{k}×{n} ({what}{layout})"), own, general_purpose });
    }
    out
}

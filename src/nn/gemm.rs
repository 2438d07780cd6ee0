//! Matrix multiplication for the training step, `C = A·B + β·C`, packing
//! into buffers the caller keeps so that a step allocates nothing (the
//! general-purpose GEMM allocates its packing buffers on every call).
//!
//! Blocked the usual way: `KC` columns of A (rows of B) at a time are packed
//! into `MR`-row and `NR`-column panels, and a register-sized `MR × NR`
//! kernel accumulates their products. On x86-64 with AVX2 and FMA the same
//! code is compiled for those instructions and chosen at run time.

use ndarray::{ArrayView2, ArrayViewMut2};

use super::Float;

/// Kernel sizes: 6 × 16 for AVX2 (12 of 16 registers), 12 × 32 for AVX-512
/// (24 of 32); the largest is what the scratch buffers are sized for.
const MR_MAX: usize = 12;
const NR_MAX: usize = 32;
const KC: usize = 256;
const MC: usize = 96;

/// Packing buffers, grown on first use and kept.
#[derive(Debug, Clone, Default)]
pub struct GemmScratch<F> {
    a: Vec<F>,
    b: Vec<F>,
}

impl<F: Float> GemmScratch<F> {
    pub fn new() -> Self {
        GemmScratch { a: Vec::new(), b: Vec::new() }
    }

    /// Grows the buffers for an m×k by k×n product.
    pub fn reserve(&mut self, m: usize, n: usize, k: usize) {
        let kc = k.min(KC);
        let a = kc * MC.min(m).next_multiple_of(MR_MAX);
        let b = kc * n.next_multiple_of(NR_MAX);
        if self.a.len() < a {
            self.a.resize(a, F::zero());
        }
        if self.b.len() < b {
            self.b.resize(b, F::zero());
        }
    }
}

/// `c = a·b + beta·c`. Shapes: `a` is m×k, `b` k×n, `c` m×n; any strides
/// (transposed views are fine).
pub fn gemm<F: Float>(
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    c: ArrayViewMut2<F>,
    scratch: &mut GemmScratch<F>,
) {
    gemm_bias(a, b, beta, None, c, scratch);
}

/// `c = a·b + beta·c + bias` with `bias` (length n) added to every row, in
/// the same pass over `c`.
pub fn gemm_bias<F: Float>(
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    bias: Option<&[F]>,
    c: ArrayViewMut2<F>,
    scratch: &mut GemmScratch<F>,
) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert_eq!(k, k2, "gemm: inner dimensions differ");
    assert_eq!(c.dim(), (m, n), "gemm: output shape");
    scratch.reserve(m, n, k);
    #[cfg(target_arch = "x86_64")]
    {
        let f32_elements = std::any::TypeId::of::<F>() == std::any::TypeId::of::<f32>();
        if f32_elements && std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has the features `gemm_avx512` is compiled for.
            unsafe { gemm_avx512(a, b, beta, bias, c, scratch) };
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has the features `gemm_fma` is compiled for.
            unsafe { gemm_fma(a, b, beta, bias, c, scratch) };
            return;
        }
    }
    gemm_blocked::<F, false, 6, 16>(a, b, beta, bias, c, scratch);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn gemm_avx512<F: Float>(
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    bias: Option<&[F]>,
    c: ArrayViewMut2<F>,
    scratch: &mut GemmScratch<F>,
) {
    gemm_blocked::<F, true, 12, 32>(a, b, beta, bias, c, scratch);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gemm_fma<F: Float>(
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    bias: Option<&[F]>,
    c: ArrayViewMut2<F>,
    scratch: &mut GemmScratch<F>,
) {
    gemm_blocked::<F, true, 6, 16>(a, b, beta, bias, c, scratch);
}

#[inline(always)]
fn gemm_blocked<F: Float, const FMA: bool, const MR: usize, const NR: usize>(
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    bias: Option<&[F]>,
    mut c: ArrayViewMut2<F>,
    scratch: &mut GemmScratch<F>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    if let Some(bias) = bias {
        assert_eq!(bias.len(), n, "gemm: bias length");
    }
    if k == 0 {
        if beta == F::zero() {
            c.fill(F::zero());
        } else {
            c.mapv_inplace(|v| v * beta);
        }
        if let Some(bias) = bias {
            for mut row in c.rows_mut() {
                row.iter_mut().zip(bias).for_each(|(v, &b)| *v += b);
            }
        }
        return;
    }
    let panels_n = n.div_ceil(NR);
    // Equal blocks of at most KC, so that no block is a short remainder.
    let kc_step = k.div_ceil(k.div_ceil(KC));
    for pc in (0..k).step_by(kc_step) {
        let kc = kc_step.min(k - pc);
        // First block: C = β·C + A·B; later blocks add.
        let beta_now = if pc == 0 { beta } else { F::one() };
        pack_b::<F, NR>(&b, pc, kc, n, &mut scratch.b);
        for ic in (0..m).step_by(MC) {
            let mc = MC.min(m - ic);
            pack_a::<F, MR>(&a, ic, mc, pc, kc, &mut scratch.a);
            let panels_m = mc.div_ceil(MR);
            for jp in 0..panels_n {
                let bp = &scratch.b[jp * kc * NR..(jp + 1) * kc * NR];
                for ip in 0..panels_m {
                    let ap = &scratch.a[ip * kc * MR..(ip + 1) * kc * MR];
                    let acc = kernel_dispatch::<F, FMA, MR, NR>(kc, ap, bp);
                    let rows = MR.min(mc - ip * MR);
                    let cols = NR.min(n - jp * NR);
                    let bias_now = if pc == 0 { bias.map(|b| &b[jp * NR..jp * NR + cols]) } else { None };
                    for (i, acc_row) in acc.iter().enumerate().take(rows) {
                        let r = ic + ip * MR + i;
                        let mut row = c.row_mut(r);
                        let out = row.as_slice_mut().map(|s| &mut s[jp * NR..jp * NR + cols]);
                        match (out, bias_now) {
                            (Some(out), Some(bz)) if beta_now == F::zero() => {
                                for ((o, &v), &bv) in out.iter_mut().zip(acc_row).zip(bz) {
                                    *o = v + bv;
                                }
                            }
                            (Some(out), None) if beta_now == F::zero() => {
                                out.copy_from_slice(&acc_row[..cols])
                            }
                            (Some(out), None) if beta_now == F::one() => {
                                for (o, &v) in out.iter_mut().zip(acc_row) {
                                    *o += v;
                                }
                            }
                            _ => {
                                for (j, &v) in acc_row.iter().enumerate().take(cols) {
                                    let cell = &mut row[jp * NR + j];
                                    let base =
                                        if beta_now == F::zero() { F::zero() } else { beta_now * *cell };
                                    let bv = bias_now.map_or(F::zero(), |b| b[j]);
                                    *cell = base + v + bv;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The hand-written AVX2 kernel for f32 (the compiler keeps a generic
/// accumulator array in memory), the generic one otherwise.
#[inline(always)]
fn kernel_dispatch<F: Float, const FMA: bool, const MR: usize, const NR: usize>(
    kc: usize,
    ap: &[F],
    bp: &[F],
) -> [[F; NR]; MR] {
    #[cfg(target_arch = "x86_64")]
    if FMA && std::any::TypeId::of::<F>() == std::any::TypeId::of::<f32>() {
        assert!(ap.len() >= kc * MR && bp.len() >= kc * NR);
        // SAFETY: F is f32 (checked above), so the slices and the result have
        // f32's layout (transmute_copy between arrays of the same shape); FMA
        // is only true inside `gemm_fma` (AVX2 and FMA present, 6 × 16) or
        // `gemm_avx512` (AVX-512F present, 12 × 32); the lengths are checked.
        unsafe {
            let (a, b) = (ap.as_ptr().cast::<f32>(), bp.as_ptr().cast::<f32>());
            if MR == 6 && NR == 16 {
                let acc = kernel_f32_avx2(kc, a, b);
                return std::mem::transmute_copy::<[[f32; 16]; 6], [[F; NR]; MR]>(&acc);
            }
            if MR == 12 && NR == 32 {
                let acc = kernel_f32_avx512(kc, a, b);
                return std::mem::transmute_copy::<[[f32; 32]; 12], [[F; NR]; MR]>(&acc);
            }
        }
    }
    kernel::<F, FMA, MR, NR>(kc, ap, bp)
}

/// 12 × 32 in twenty-four 16-lane registers.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn kernel_f32_avx512(kc: usize, ap: *const f32, bp: *const f32) -> [[f32; 32]; 12] {
    use std::arch::x86_64::*;
    // SAFETY (whole body): the caller guarantees kc·12 values at `ap` and
    // kc·32 at `bp`; unaligned loads are used.
    unsafe {
        let mut acc = [[_mm512_setzero_ps(); 2]; 12];
        for p in 0..kc {
            let b0 = _mm512_loadu_ps(bp.add(p * 32));
            let b1 = _mm512_loadu_ps(bp.add(p * 32 + 16));
            let a = ap.add(p * 12);
            for (i, row) in acc.iter_mut().enumerate() {
                let ai = _mm512_set1_ps(*a.add(i));
                row[0] = _mm512_fmadd_ps(ai, b0, row[0]);
                row[1] = _mm512_fmadd_ps(ai, b1, row[1]);
            }
        }
        let mut out = [[0.0f32; 32]; 12];
        for (o, row) in out.iter_mut().zip(acc) {
            _mm512_storeu_ps(o.as_mut_ptr(), row[0]);
            _mm512_storeu_ps(o.as_mut_ptr().add(16), row[1]);
        }
        out
    }
}

/// 6 × 16 in twelve 8-lane registers: per step, two loads of B and six
/// broadcasts of A.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn kernel_f32_avx2(kc: usize, ap: *const f32, bp: *const f32) -> [[f32; 16]; 6] {
    use std::arch::x86_64::*;
    // SAFETY (whole body): the caller guarantees kc·MR values at `ap` and
    // kc·NR at `bp`; unaligned loads are used.
    unsafe {
        let z = _mm256_setzero_ps();
        let (mut c00, mut c01, mut c10, mut c11, mut c20, mut c21) = (z, z, z, z, z, z);
        let (mut c30, mut c31, mut c40, mut c41, mut c50, mut c51) = (z, z, z, z, z, z);
        for p in 0..kc {
            let b0 = _mm256_loadu_ps(bp.add(p * 16));
            let b1 = _mm256_loadu_ps(bp.add(p * 16 + 8));
            let a = ap.add(p * 6);
            let a0 = _mm256_broadcast_ss(&*a);
            c00 = _mm256_fmadd_ps(a0, b0, c00);
            c01 = _mm256_fmadd_ps(a0, b1, c01);
            let a1 = _mm256_broadcast_ss(&*a.add(1));
            c10 = _mm256_fmadd_ps(a1, b0, c10);
            c11 = _mm256_fmadd_ps(a1, b1, c11);
            let a2 = _mm256_broadcast_ss(&*a.add(2));
            c20 = _mm256_fmadd_ps(a2, b0, c20);
            c21 = _mm256_fmadd_ps(a2, b1, c21);
            let a3 = _mm256_broadcast_ss(&*a.add(3));
            c30 = _mm256_fmadd_ps(a3, b0, c30);
            c31 = _mm256_fmadd_ps(a3, b1, c31);
            let a4 = _mm256_broadcast_ss(&*a.add(4));
            c40 = _mm256_fmadd_ps(a4, b0, c40);
            c41 = _mm256_fmadd_ps(a4, b1, c41);
            let a5 = _mm256_broadcast_ss(&*a.add(5));
            c50 = _mm256_fmadd_ps(a5, b0, c50);
            c51 = _mm256_fmadd_ps(a5, b1, c51);
        }
        let mut out = [[0.0f32; 16]; 6];
        for (row, (lo, hi)) in
            out.iter_mut().zip([(c00, c01), (c10, c11), (c20, c21), (c30, c31), (c40, c41), (c50, c51)])
        {
            _mm256_storeu_ps(row.as_mut_ptr(), lo);
            _mm256_storeu_ps(row.as_mut_ptr().add(8), hi);
        }
        out
    }
}

/// `kc` steps of the MR × NR outer-product update.
#[inline(always)]
fn kernel<F: Float, const FMA: bool, const MR: usize, const NR: usize>(
    kc: usize,
    ap: &[F],
    bp: &[F],
) -> [[F; NR]; MR] {
    let mut acc = [[F::zero(); NR]; MR];
    for (a, b) in ap.chunks_exact(MR).zip(bp.chunks_exact(NR)).take(kc) {
        for i in 0..MR {
            let ai = a[i];
            for j in 0..NR {
                acc[i][j] = if FMA { ai.mul_add(b[j], acc[i][j]) } else { acc[i][j] + ai * b[j] };
            }
        }
    }
    acc
}

/// B's rows `pc..pc+kc` as panels of NR columns, zero-padded: panel `jp`
/// holds `b[pc + p][jp·NR + j]` at `(jp·kc + p)·NR + j`. Reads along
/// whichever direction B is contiguous in (B is often a transposed view).
fn pack_b<F: Float, const NR: usize>(b: &ArrayView2<F>, pc: usize, kc: usize, n: usize, out: &mut [F]) {
    let by_columns = b.strides()[0] == 1 && b.strides()[1] != 1;
    for jp in 0..n.div_ceil(NR) {
        let j0 = jp * NR;
        let cols = NR.min(n - j0);
        let panel = &mut out[jp * kc * NR..(jp + 1) * kc * NR];
        if by_columns {
            for j in 0..NR {
                if j < cols {
                    let col = b.column(j0 + j);
                    let src = &col.as_slice().expect("a column of unit stride")[pc..pc + kc];
                    for (p, &v) in src.iter().enumerate() {
                        panel[p * NR + j] = v;
                    }
                } else {
                    for p in 0..kc {
                        panel[p * NR + j] = F::zero();
                    }
                }
            }
        } else {
            for (p, dst) in panel.chunks_exact_mut(NR).enumerate() {
                let row = b.row(pc + p);
                match row.as_slice() {
                    Some(r) => dst[..cols].copy_from_slice(&r[j0..j0 + cols]),
                    None => {
                        for j in 0..cols {
                            dst[j] = row[j0 + j];
                        }
                    }
                }
                dst[cols..].fill(F::zero());
            }
        }
    }
}

/// A's block `ic..ic+mc` × `pc..pc+kc` as panels of MR rows, zero-padded:
/// panel `ip` holds `a[ic + ip·MR + i][pc + p]` at `(ip·kc + p)·MR + i`.
/// Reads along whichever direction A is contiguous in.
fn pack_a<F: Float, const MR: usize>(
    a: &ArrayView2<F>,
    ic: usize,
    mc: usize,
    pc: usize,
    kc: usize,
    out: &mut [F],
) {
    let by_columns = a.strides()[0] == 1 && a.strides()[1] != 1;
    for ip in 0..mc.div_ceil(MR) {
        let i0 = ic + ip * MR;
        let rows = MR.min(ic + mc - i0);
        let panel = &mut out[ip * kc * MR..(ip + 1) * kc * MR];
        if by_columns {
            for (p, dst) in panel.chunks_exact_mut(MR).enumerate() {
                let col = a.column(pc + p);
                let src = col.as_slice().expect("a column of unit stride");
                dst[..rows].copy_from_slice(&src[i0..i0 + rows]);
                dst[rows..].fill(F::zero());
            }
        } else {
            for i in 0..MR {
                if i < rows {
                    let row = a.row(i0 + i);
                    match row.as_slice() {
                        Some(r) => {
                            for (p, &v) in r[pc..pc + kc].iter().enumerate() {
                                panel[p * MR + i] = v;
                            }
                        }
                        None => {
                            for p in 0..kc {
                                panel[p * MR + i] = row[pc + p];
                            }
                        }
                    }
                } else {
                    for p in 0..kc {
                        panel[p * MR + i] = F::zero();
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;
    use ndarray::linalg::general_mat_mul;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn matches_a_reference_product_for_odd_shapes_and_strides() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut scratch = GemmScratch::<f64>::new();
        for &(m, k, n) in &[(1, 1, 1), (7, 3, 5), (6, 16, 16), (33, 300, 17), (100, 513, 40), (64, 784, 128)]
        {
            let a = Array2::from_shape_simple_fn((m, k), || rng.random_range(-1.0..1.0));
            let b = Array2::from_shape_simple_fn((k, n), || rng.random_range(-1.0..1.0));
            let c0 = Array2::from_shape_simple_fn((m, n), || rng.random_range(-1.0..1.0));
            for beta in [0.0, 1.0, 0.5] {
                let mut expected = c0.clone();
                general_mat_mul(1.0, &a, &b, beta, &mut expected);
                let mut got = c0.clone();
                gemm(a.view(), b.view(), beta, got.view_mut(), &mut scratch);
                let err = (&got - &expected).iter().fold(0.0f64, |e, v| e.max(v.abs()));
                assert!(err < 1e-10, "{m}×{k}·{k}×{n}, β={beta}: {err}");
                // Transposed operands, as the backward pass uses them.
                let at = a.t().to_owned();
                let bt = b.t().to_owned();
                let mut got_t = c0.clone();
                gemm(at.t(), bt.t(), beta, got_t.view_mut(), &mut scratch);
                let err = (&got_t - &expected).iter().fold(0.0f64, |e, v| e.max(v.abs()));
                assert!(err < 1e-10, "transposed {m}×{k}·{k}×{n}: {err}");
            }
        }
    }

    /// The f32 path runs the hand-written SIMD kernels where the CPU has them.
    #[test]
    fn float32_kernels_match_a_float64_product() {
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        let mut scratch = GemmScratch::<f32>::new();
        for &(m, k, n) in &[(1, 1, 1), (13, 7, 33), (12, 32, 32), (6, 16, 16), (70, 300, 45), (64, 784, 128)]
        {
            let a = Array2::<f64>::from_shape_simple_fn((m, k), || rng.random_range(-1.0..1.0));
            let b = Array2::<f64>::from_shape_simple_fn((k, n), || rng.random_range(-1.0..1.0));
            let bias: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
            let mut expected = Array2::<f64>::zeros((m, n));
            general_mat_mul(1.0, &a, &b, 0.0, &mut expected);
            for mut row in expected.rows_mut() {
                row.iter_mut().zip(&bias).for_each(|(v, &bv)| *v += bv);
            }
            let (a32, b32) = (a.mapv(|v| v as f32), b.mapv(|v| v as f32));
            let bias32: Vec<f32> = bias.iter().map(|&v| v as f32).collect();
            let mut got = Array2::<f32>::zeros((m, n));
            gemm_bias(a32.view(), b32.view(), 0.0, Some(&bias32), got.view_mut(), &mut scratch);
            let err = (&got.mapv(|v| v as f64) - &expected).iter().fold(0.0f64, |e, v| e.max(v.abs()));
            assert!(err < 1e-5 * (k as f64).sqrt() + 1e-6, "{m}×{k}·{k}×{n}: {err}");
            let at = a32.t().to_owned();
            let mut got_t = Array2::<f32>::zeros((m, n));
            gemm_bias(at.t(), b32.view(), 0.0, Some(&bias32), got_t.view_mut(), &mut scratch);
            assert_eq!(got_t, got, "a transposed A gives the same numbers");
        }
    }
}

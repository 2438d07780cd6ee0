//! Matrix multiplication for the training step, `C = A·B + β·C (+ bias)`,
//! allocating nothing: the only buffer is one packed panel, kept by the
//! caller (the general-purpose GEMM crates allocate their packing buffers on
//! every call).
//!
//! A register-sized `MR × NR` kernel accumulates `kc` steps of an outer
//! product of `MR` values of A (broadcast) and `NR` values of B (vectors).
//! Both are read where they lie: A with any strides (a transposed view of
//! the layer's input in the weight gradient is as good as the input), B when
//! its rows are contiguous (the weights in the forward pass, the deltas in the
//! weight gradient). Only a B whose rows are not contiguous (`Wᵀ` in the
//! backward product `δ·Wᵀ`) and the last, narrower panel are packed, `kc × NR`
//! at a time. When the transposed operand is the larger one the product is
//! computed as `Cᵀ = Bᵀ·Aᵀ` instead, so that the smaller is packed.
//!
//! The kernels are those of [`Kernel`]: 12 × 32 for AVX-512, 6 × 16 for AVX2
//! and FMA (hand-written; the compiler keeps a generic accumulator array in
//! memory there), and generic code the compiler vectorises elsewhere.

use ndarray::{ArrayView2, ArrayViewMut2};

use super::Float;
use super::simd::{self, Kernel};

/// The widest panel of B (AVX-512's) and the depth of one block.
const NR_MAX: usize = 32;
const KC: usize = 256;

/// The portable kernel's tile: 8 × 8 in 16 of NEON's 32 registers, 4 × 16
/// in SSE2's 16.
#[cfg(target_arch = "aarch64")]
const PORTABLE_TILE: (usize, usize) = (8, 8);
#[cfg(not(target_arch = "aarch64"))]
const PORTABLE_TILE: (usize, usize) = (4, 16);
/// Fused multiply-add in the portable kernel where every CPU of the target
/// has it (64-bit ARM); elsewhere `mul_add` would be a library call.
const PORTABLE_FMA: bool = cfg!(target_arch = "aarch64");

/// The buffer for one packed panel of B, allocated once.
#[derive(Debug, Clone)]
pub struct GemmScratch<F> {
    panel: Vec<F>,
}

impl<F: Float> Default for GemmScratch<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Float> GemmScratch<F> {
    pub fn new() -> Self {
        GemmScratch { panel: vec![F::zero(); KC * NR_MAX] }
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
    gemm_with(simd::active(), a, b, beta, None, c, scratch);
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
    gemm_with(simd::active(), a, b, beta, bias, c, scratch);
}

/// [`gemm_bias`] on the given kernels, which this CPU must support.
pub fn gemm_with<F: Float>(
    kernel: Kernel,
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    bias: Option<&[F]>,
    mut c: ArrayViewMut2<F>,
    scratch: &mut GemmScratch<F>,
) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert_eq!(k, k2, "gemm: inner dimensions differ");
    assert_eq!(c.dim(), (m, n), "gemm: output shape");
    if let Some(bias) = bias {
        assert_eq!(bias.len(), n, "gemm: bias length");
    }
    assert!(kernel.supported(), "gemm: this CPU cannot run the {} kernels", kernel.name());
    if m == 0 || n == 0 {
        return;
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
    // B not row-contiguous but column-contiguous, and A the smaller: Cᵀ = Bᵀ·Aᵀ
    // reads Bᵀ in place and packs Aᵀ instead.
    let rows_contiguous = |v: &ArrayView2<F>| v.strides()[1] == 1 || v.ncols() == 1;
    if bias.is_none() && !rows_contiguous(&b) && rows_contiguous(&b.t()) && m < n {
        product(kernel, b.reversed_axes(), a.reversed_axes(), beta, None, c.reversed_axes(), scratch);
    } else {
        product(kernel, a, b, beta, bias, c, scratch);
    }
}

fn product<F: Float>(
    kernel: Kernel,
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    bias: Option<&[F]>,
    c: ArrayViewMut2<F>,
    scratch: &mut GemmScratch<F>,
) {
    match kernel {
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx512 if std::any::TypeId::of::<F>() == std::any::TypeId::of::<f32>() => {
            // SAFETY: `gemm_with` checked that the CPU runs AVX-512 kernels.
            unsafe { product_avx512(a, b, beta, bias, c, scratch) }
        }
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx512 | Kernel::Avx2 => {
            // SAFETY: AVX-512 kernels imply AVX2 and FMA (`Kernel::supported`),
            // and `gemm_with` checked that the CPU runs the chosen one.
            unsafe { product_fma(a, b, beta, bias, c, scratch) }
        }
        _ => {
            blocked::<F, PORTABLE_FMA, { PORTABLE_TILE.0 }, { PORTABLE_TILE.1 }>(a, b, beta, bias, c, scratch)
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn product_avx512<F: Float>(
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    bias: Option<&[F]>,
    c: ArrayViewMut2<F>,
    scratch: &mut GemmScratch<F>,
) {
    blocked::<F, true, 12, 32>(a, b, beta, bias, c, scratch);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn product_fma<F: Float>(
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    bias: Option<&[F]>,
    c: ArrayViewMut2<F>,
    scratch: &mut GemmScratch<F>,
) {
    blocked::<F, true, 6, 16>(a, b, beta, bias, c, scratch);
}

/// A whole tile of C for a kernel to write itself: rows of NR contiguous
/// values `row_stride` apart, overwritten or added to.
#[derive(Clone, Copy)]
struct Direct<F> {
    c: *mut F,
    row_stride: isize,
    add: bool,
}

/// Where a panel of B is read from: a pointer to its first value and the
/// distance between its rows.
#[derive(Clone, Copy)]
struct Panel<F> {
    ptr: *const F,
    row_stride: isize,
}

#[inline(always)]
fn blocked<F: Float, const FMA: bool, const MR: usize, const NR: usize>(
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    bias: Option<&[F]>,
    mut c: ArrayViewMut2<F>,
    scratch: &mut GemmScratch<F>,
) {
    const { assert!(NR <= NR_MAX) };
    let (m, k) = a.dim();
    let n = b.ncols();
    let (rs_a, cs_a) = (a.strides()[0], a.strides()[1]);
    let (rs_b, cs_b) = (b.strides()[0], b.strides()[1]);
    let (rs_c, cs_c) = (c.strides()[0], c.strides()[1]);
    let (a_ptr, b_ptr, c_ptr) = (a.as_ptr(), b.as_ptr(), c.as_mut_ptr());
    let b_in_place = cs_b == 1 || n == 1;
    // Equal blocks of at most KC, so that no block is a short remainder.
    let kc_step = k.div_ceil(k.div_ceil(KC));
    for pc in (0..k).step_by(kc_step) {
        let kc = kc_step.min(k - pc);
        // First block: C = β·C + A·B (+ bias); later blocks add.
        let beta_now = if pc == 0 { beta } else { F::one() };
        for j0 in (0..n).step_by(NR) {
            let cols = NR.min(n - j0);
            // SAFETY: (pc, j0) is inside B; a panel read in place has NR
            // columns, and one packed has kc rows of NR in `scratch`.
            let panel = unsafe {
                let origin = b_ptr.offset(pc as isize * rs_b + j0 as isize * cs_b);
                if b_in_place && cols == NR {
                    Panel { ptr: origin, row_stride: rs_b }
                } else {
                    pack_panel::<F, NR>(origin, rs_b, cs_b, kc, cols, &mut scratch.panel);
                    Panel { ptr: scratch.panel.as_ptr(), row_stride: NR as isize }
                }
            };
            let bias_now = if pc == 0 { bias.map(|b| &b[j0..j0 + cols]) } else { None };
            for i0 in (0..m).step_by(MR) {
                let rows = MR.min(m - i0);
                // SAFETY: rows i0..i0+rows and columns pc..pc+kc are inside A
                // (the kernel reads no row past `rows`); the panel holds kc
                // rows of NR; the tile of C is inside C and no view aliases it.
                unsafe {
                    let a_tile = a_ptr.offset(i0 as isize * rs_a + pc as isize * cs_a);
                    let c_tile = c_ptr.offset(i0 as isize * rs_c + j0 as isize * cs_c);
                    // A whole tile of contiguous rows, no bias, β 0 or 1: the
                    // SIMD kernels write it from their registers.
                    let whole = rows == MR && cols == NR && cs_c == 1 && bias_now.is_none();
                    let direct = match beta_now {
                        v if whole && v == F::zero() => {
                            Some(Direct { c: c_tile, row_stride: rs_c, add: false })
                        }
                        v if whole && v == F::one() => {
                            Some(Direct { c: c_tile, row_stride: rs_c, add: true })
                        }
                        _ => None,
                    };
                    if let Some(acc) = kernel::<F, FMA, MR, NR>(kc, a_tile, rs_a, cs_a, rows, panel, direct) {
                        store(&acc, rows, cols, c_tile, rs_c, cs_c, beta_now, bias_now);
                    }
                }
            }
        }
    }
}

/// Copies `kc` rows of `cols` columns of B from `origin` into `out` as rows
/// of NR, zero-padded; reads along whichever direction B is contiguous in.
///
/// # Safety
/// `origin` with the strides must address kc × cols values.
#[inline(always)]
unsafe fn pack_panel<F: Float, const NR: usize>(
    origin: *const F,
    rs: isize,
    cs: isize,
    kc: usize,
    cols: usize,
    out: &mut [F],
) {
    let out = &mut out[..kc * NR];
    // SAFETY: the caller's promise, for every (p, j) with p < kc, j < cols.
    unsafe {
        if rs == 1 && cs != 1 {
            for j in 0..cols {
                let col = origin.offset(j as isize * cs);
                for p in 0..kc {
                    out[p * NR + j] = *col.add(p);
                }
            }
            for p in 0..kc {
                out[p * NR + cols..(p + 1) * NR].fill(F::zero());
            }
        } else {
            for (p, dst) in out.chunks_exact_mut(NR).enumerate() {
                let row = origin.offset(p as isize * rs);
                for (j, d) in dst[..cols].iter_mut().enumerate() {
                    *d = *row.offset(j as isize * cs);
                }
                dst[cols..].fill(F::zero());
            }
        }
    }
}

/// Writes an MR × NR tile into C: `c = beta·c + acc (+ bias)` over its first
/// `rows` × `cols`; with β = 0 the old values are not read.
///
/// # Safety
/// `c` with the strides must address rows × cols values no one else uses.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn store<F: Float, const MR: usize, const NR: usize>(
    acc: &[[F; NR]; MR],
    rows: usize,
    cols: usize,
    c: *mut F,
    rs: isize,
    cs: isize,
    beta: F,
    bias: Option<&[F]>,
) {
    for (i, acc_row) in acc.iter().enumerate().take(rows) {
        // SAFETY: the caller's promise.
        unsafe {
            let row = c.offset(i as isize * rs);
            if cs == 1 {
                let out = std::slice::from_raw_parts_mut(row, cols);
                match bias {
                    Some(bz) if beta == F::zero() => {
                        for ((o, &v), &bv) in out.iter_mut().zip(acc_row).zip(bz) {
                            *o = v + bv;
                        }
                    }
                    None if beta == F::zero() => out.copy_from_slice(&acc_row[..cols]),
                    None if beta == F::one() => out.iter_mut().zip(acc_row).for_each(|(o, &v)| *o += v),
                    _ => {
                        for (j, (o, &v)) in out.iter_mut().zip(acc_row).enumerate() {
                            let base = if beta == F::zero() { F::zero() } else { beta * *o };
                            *o = base + v + bias.map_or(F::zero(), |b| b[j]);
                        }
                    }
                }
            } else if rs != 1 {
                for (j, &v) in acc_row.iter().enumerate().take(cols) {
                    let o = row.offset(j as isize * cs);
                    let base = if beta == F::zero() { F::zero() } else { beta * *o };
                    *o = base + v + bias.map_or(F::zero(), |b| b[j]);
                }
            }
        }
    }
    if cs != 1 && rs == 1 {
        // A transposed C (the product computed as Cᵀ = Bᵀ·Aᵀ): its columns
        // are contiguous, so it is written column by column.
        for j in 0..cols {
            let bj = bias.map_or(F::zero(), |b| b[j]);
            for (i, acc_row) in acc.iter().enumerate().take(rows) {
                // SAFETY: the caller's promise.
                unsafe {
                    let o = c.offset(i as isize + j as isize * cs);
                    let base = if beta == F::zero() { F::zero() } else { beta * *o };
                    *o = base + acc_row[j] + bj;
                }
            }
        }
    }
}

/// `kc` steps of the MR × NR outer-product update: the hand-written SIMD
/// kernels for f32 where they were compiled in, the generic one otherwise.
/// Rows of A past `rows` are read as its last row (their sums are not
/// stored), so that A needs no padding.
///
/// # Safety
/// `a` with the strides must address rows × kc values, the panel kc rows of
/// NR, and `direct`, if given, MR rows of NR that no one else uses (then the
/// kernel writes them and returns `None`); with FMA, the CPU must have AVX2
/// and FMA (AVX-512F for 12 × 32).
#[inline(always)]
unsafe fn kernel<F: Float, const FMA: bool, const MR: usize, const NR: usize>(
    kc: usize,
    a: *const F,
    rs_a: isize,
    cs_a: isize,
    rows: usize,
    panel: Panel<F>,
    direct: Option<Direct<F>>,
) -> Option<[[F; NR]; MR]> {
    let mut row_ptrs = [a; MR];
    for (i, r) in row_ptrs.iter_mut().enumerate() {
        // SAFETY: rows below `rows` are inside A.
        *r = unsafe { a.offset(i.min(rows - 1) as isize * rs_a) };
    }
    #[cfg(target_arch = "x86_64")]
    if FMA && std::any::TypeId::of::<F>() == std::any::TypeId::of::<f32>() {
        // SAFETY: F is f32 (checked above), so the pointers and the result
        // have f32's layout (transmute_copy between arrays of the same
        // shape); the caller promises the CPU features and the extents.
        unsafe {
            let rp: [*const f32; MR] = std::mem::transmute_copy(&row_ptrs);
            let (b, ldb) = (panel.ptr.cast::<f32>(), panel.row_stride);
            let out = direct.map(|d| Direct { c: d.c.cast::<f32>(), row_stride: d.row_stride, add: d.add });
            if MR == 6 && NR == 16 {
                let rp: [*const f32; 6] = std::mem::transmute_copy(&rp);
                let acc = kernel_f32_avx2(kc, &rp, cs_a, b, ldb, out);
                return acc.map(|acc| std::mem::transmute_copy::<[[f32; 16]; 6], [[F; NR]; MR]>(&acc));
            }
            if MR == 12 && NR == 32 {
                let rp: [*const f32; 12] = std::mem::transmute_copy(&rp);
                let acc = kernel_f32_avx512(kc, &rp, cs_a, b, ldb, out);
                return acc.map(|acc| std::mem::transmute_copy::<[[f32; 32]; 12], [[F; NR]; MR]>(&acc));
            }
        }
    }
    let mut acc = [[F::zero(); NR]; MR];
    for p in 0..kc {
        // SAFETY: p < kc rows of the panel, NR values each; p < kc columns of A.
        let b = unsafe { std::slice::from_raw_parts(panel.ptr.offset(p as isize * panel.row_stride), NR) };
        for (acc_row, r) in acc.iter_mut().zip(row_ptrs) {
            let ai = unsafe { *r.offset(p as isize * cs_a) };
            for (s, &bj) in acc_row.iter_mut().zip(b) {
                *s = if FMA { ai.mul_add(bj, *s) } else { *s + ai * bj };
            }
        }
    }
    if let Some(d) = direct {
        for (i, acc_row) in acc.iter().enumerate() {
            // SAFETY: the caller's promise of MR rows of NR at d.c.
            let c = unsafe { std::slice::from_raw_parts_mut(d.c.offset(i as isize * d.row_stride), NR) };
            if d.add {
                c.iter_mut().zip(acc_row).for_each(|(o, &v)| *o += v);
            } else {
                c.copy_from_slice(acc_row);
            }
        }
        return None;
    }
    Some(acc)
}

/// A hand-written kernel: `ROWS` rows of A broadcast against two vectors of
/// `LANES` values of B per step, `2·ROWS` accumulators in registers. One
/// body for both instruction sets, with their intrinsics as arguments.
#[cfg(target_arch = "x86_64")]
macro_rules! simd_kernel {
    ($(#[$doc:meta])* $name:ident, $features:literal, $rows:literal, $lanes:literal,
     $zero:ident, $set1:ident, $load:ident, $store:ident, $fma:ident, $add:ident) => {
        $(#[$doc])*
        #[target_feature(enable = $features)]
        unsafe fn $name(
            kc: usize,
            rows: &[*const f32; $rows],
            cs_a: isize,
            b: *const f32,
            ldb: isize,
            direct: Option<Direct<f32>>,
        ) -> Option<[[f32; 2 * $lanes]; $rows]> {
            use std::arch::x86_64::*;
            // SAFETY (whole body): the caller guarantees kc values along each
            // row pointer (stride cs_a), kc rows of 2·LANES at `b` (stride
            // ldb) and, with `direct`, ROWS rows of 2·LANES at its pointer;
            // unaligned loads and stores are used.
            unsafe {
                let mut acc = [[$zero(); 2]; $rows];
                for p in 0..kc as isize {
                    let bp = b.offset(p * ldb);
                    let (b0, b1) = ($load(bp), $load(bp.add($lanes)));
                    for (acc_row, r) in acc.iter_mut().zip(rows) {
                        let ai = $set1(*r.offset(p * cs_a));
                        acc_row[0] = $fma(ai, b0, acc_row[0]);
                        acc_row[1] = $fma(ai, b1, acc_row[1]);
                    }
                }
                if let Some(d) = direct {
                    for (i, [mut lo, mut hi]) in acc.into_iter().enumerate() {
                        let c = d.c.offset(i as isize * d.row_stride);
                        if d.add {
                            lo = $add(lo, $load(c));
                            hi = $add(hi, $load(c.add($lanes)));
                        }
                        $store(c, lo);
                        $store(c.add($lanes), hi);
                    }
                    return None;
                }
                let mut out = [[0.0f32; 2 * $lanes]; $rows];
                for (o, [lo, hi]) in out.iter_mut().zip(acc) {
                    $store(o.as_mut_ptr(), lo);
                    $store(o.as_mut_ptr().add($lanes), hi);
                }
                Some(out)
            }
        }
    };
}

#[cfg(target_arch = "x86_64")]
simd_kernel!(
    /// 12 × 32 in twenty-four 16-lane registers: per step, two loads of B
    /// and twelve broadcasts of A.
    kernel_f32_avx512, "avx512f", 12, 16,
    _mm512_setzero_ps, _mm512_set1_ps, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_fmadd_ps, _mm512_add_ps
);

#[cfg(target_arch = "x86_64")]
simd_kernel!(
    /// 6 × 16 in twelve 8-lane registers (two FMA pipes, each FMA's latency
    /// hidden by eleven others): per step, two loads of B and six broadcasts of A.
    kernel_f32_avx2, "avx2,fma", 6, 8,
    _mm256_setzero_ps, _mm256_set1_ps, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_fmadd_ps, _mm256_add_ps
);

#[cfg(test)]
mod tests {
    use ndarray::Array2;
    use ndarray::linalg::general_mat_mul;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    const SHAPES: [(usize, usize, usize); 9] = [
        (1, 1, 1),
        (7, 3, 5),
        (6, 16, 16),
        (13, 7, 33),
        (12, 32, 32),
        (33, 300, 17),
        (100, 513, 40),
        (64, 784, 128),
        (64, 128, 784),
    ];

    fn random(rng: &mut ChaCha8Rng, shape: (usize, usize)) -> Array2<f64> {
        Array2::from_shape_simple_fn(shape, || rng.random_range(-1.0..1.0))
    }

    fn max_diff(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
        (a - b).iter().fold(0.0f64, |e, v| e.max(v.abs()))
    }

    /// Every layout the step uses (and a few it does not), every β, on
    /// every kernel this CPU runs: the portable one always, so that the code
    /// ARM runs is tested here too.
    #[test]
    fn every_kernel_matches_a_reference_product_for_odd_shapes_and_strides() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut scratch = GemmScratch::<f64>::new();
        for kernel in Kernel::ALL.into_iter().filter(|k| k.supported()) {
            for &(m, k, n) in &SHAPES {
                let (a, b, c0) =
                    (random(&mut rng, (m, k)), random(&mut rng, (k, n)), random(&mut rng, (m, n)));
                let (at, bt) = (a.t().to_owned(), b.t().to_owned());
                for beta in [0.0, 1.0, 0.5] {
                    let mut expected = c0.clone();
                    general_mat_mul(1.0, &a, &b, beta, &mut expected);
                    for (name, av, bv) in [
                        ("plain", a.view(), b.view()),
                        ("Aᵀ", at.t(), b.view()),
                        ("Bᵀ", a.view(), bt.t()),
                        ("Aᵀ Bᵀ", at.t(), bt.t()),
                    ] {
                        let mut got = c0.clone();
                        gemm_with(kernel, av, bv, beta, None, got.view_mut(), &mut scratch);
                        let err = max_diff(&got, &expected);
                        assert!(err < 1e-10, "{kernel:?} {name} {m}×{k}·{k}×{n}, β={beta}: {err}");
                    }
                    // Into a transposed output.
                    let mut got = c0.t().to_owned();
                    gemm_with(
                        kernel,
                        a.view(),
                        b.view(),
                        beta,
                        None,
                        got.view_mut().reversed_axes(),
                        &mut scratch,
                    );
                    let err = max_diff(&got.t().to_owned(), &expected);
                    assert!(err < 1e-10, "{kernel:?} into Cᵀ {m}×{k}·{k}×{n}, β={beta}: {err}");
                }
            }
        }
    }

    /// The f32 path runs the hand-written SIMD kernels where the CPU has them,
    /// with the bias added in the same pass.
    #[test]
    fn float32_kernels_match_a_float64_product() {
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        let mut scratch = GemmScratch::<f32>::new();
        for kernel in Kernel::ALL.into_iter().filter(|k| k.supported()) {
            for &(m, k, n) in &SHAPES {
                let (a, b) = (random(&mut rng, (m, k)), random(&mut rng, (k, n)));
                let bias: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
                let mut expected = Array2::<f64>::zeros((m, n));
                general_mat_mul(1.0, &a, &b, 0.0, &mut expected);
                for mut row in expected.rows_mut() {
                    row.iter_mut().zip(&bias).for_each(|(v, &bv)| *v += bv);
                }
                let (a32, b32) = (a.mapv(|v| v as f32), b.mapv(|v| v as f32));
                let bias32: Vec<f32> = bias.iter().map(|&v| v as f32).collect();
                let tolerance = 1e-5 * (k as f64).sqrt() + 1e-6;
                let mut got = Array2::<f32>::from_elem((m, n), f32::NAN);
                gemm_with(kernel, a32.view(), b32.view(), 0.0, Some(&bias32), got.view_mut(), &mut scratch);
                let err = max_diff(&got.mapv(|v| v as f64), &expected);
                assert!(err < tolerance, "{kernel:?} {m}×{k}·{k}×{n}: {err}");
                let at = a32.t().to_owned();
                let mut got_t = Array2::<f32>::zeros((m, n));
                gemm_with(kernel, at.t(), b32.view(), 0.0, Some(&bias32), got_t.view_mut(), &mut scratch);
                assert_eq!(got_t, got, "{kernel:?}: a transposed A gives the same numbers");
                let bt = b32.t().to_owned();
                let mut got_bt = Array2::<f32>::zeros((m, n));
                gemm_with(kernel, a32.view(), bt.t(), 0.0, None, got_bt.view_mut(), &mut scratch);
                let err = max_diff(
                    &got_bt.mapv(|v| v as f64),
                    &(&expected - &Array2::from_shape_fn((m, n), |(_, j)| bias[j])),
                );
                assert!(err < tolerance, "{kernel:?} Bᵀ {m}×{k}·{k}×{n}: {err}");
            }
        }
    }

    /// Views with negative and stepped strides read the right values.
    #[test]
    fn reversed_and_stepped_views_multiply_correctly() {
        use ndarray::s;
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let mut scratch = GemmScratch::<f32>::new();
        let big_a = random(&mut rng, (40, 70)).mapv(|v| v as f32);
        let big_b = random(&mut rng, (70, 66)).mapv(|v| v as f32);
        for kernel in Kernel::ALL.into_iter().filter(|k| k.supported()) {
            for (a, b) in [
                (big_a.slice(s![..;-1, ..]), big_b.slice(s![.., ..;-2])),
                (big_a.slice(s![..;3, ..;-1]), big_b.slice(s![..;-1, ..])),
                (big_a.slice(s![.., 5..]).reversed_axes().reversed_axes(), big_b.slice(s![5..;1, ..;-1])),
            ] {
                let (a64, b64) = (a.mapv(|v| v as f64), b.mapv(|v| v as f64));
                let mut expected = Array2::<f64>::zeros((a.nrows(), b.ncols()));
                general_mat_mul(1.0, &a64, &b64, 0.0, &mut expected);
                let mut got = Array2::<f32>::zeros((a.nrows(), b.ncols()));
                gemm_with(kernel, a, b, 0.0, None, got.view_mut(), &mut scratch);
                let err = max_diff(&got.mapv(|v| v as f64), &expected);
                assert!(err < 1e-4, "{kernel:?} {:?}·{:?}: {err}", a.strides(), b.strides());
            }
        }
    }

    /// f32 with β 1 and ½ (the SIMD kernels add to C from their registers)
    /// into a plain, a row-reversed and a transposed C.
    #[test]
    fn float32_products_add_into_any_layout_of_c() {
        use ndarray::s;
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut scratch = GemmScratch::<f32>::new();
        for kernel in Kernel::ALL.into_iter().filter(|k| k.supported()) {
            for &(m, k, n) in &[(64, 784, 128), (13, 40, 33), (24, 64, 64)] {
                let (a, b, c0) =
                    (random(&mut rng, (m, k)), random(&mut rng, (k, n)), random(&mut rng, (m, n)));
                let (a32, b32) = (a.mapv(|v| v as f32), b.mapv(|v| v as f32));
                for beta in [1.0, 0.5] {
                    let mut expected = c0.clone();
                    general_mat_mul(1.0, &a, &b, beta, &mut expected);
                    let tolerance = 1e-5 * (k as f64).sqrt() + 1e-5;
                    let mut plain = c0.mapv(|v| v as f32);
                    gemm_with(
                        kernel,
                        a32.view(),
                        b32.view(),
                        beta as f32,
                        None,
                        plain.view_mut(),
                        &mut scratch,
                    );
                    let mut reversed = c0.slice(s![..;-1, ..]).mapv(|v| v as f32);
                    gemm_with(
                        kernel,
                        a32.view(),
                        b32.view(),
                        beta as f32,
                        None,
                        reversed.slice_mut(s![..;-1, ..]),
                        &mut scratch,
                    );
                    let mut transposed = c0.t().mapv(|v| v as f32);
                    gemm_with(
                        kernel,
                        a32.view(),
                        b32.view(),
                        beta as f32,
                        None,
                        transposed.view_mut().reversed_axes(),
                        &mut scratch,
                    );
                    for (name, got) in [
                        ("plain", plain),
                        ("reversed", reversed.slice(s![..;-1, ..]).to_owned()),
                        ("transposed", transposed.t().to_owned()),
                    ] {
                        let err = max_diff(&got.mapv(|v| v as f64), &expected);
                        assert!(err < tolerance, "{kernel:?} {name} {m}×{k}·{k}×{n} β={beta}: {err}");
                    }
                }
            }
        }
    }

    /// ARM's tile (8 × 8 with fused multiply-add) built and checked here.
    #[test]
    fn the_arm_tile_of_the_portable_kernel_is_right() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut scratch = GemmScratch::<f64>::new();
        for &(m, k, n) in &SHAPES {
            let (a, b) = (random(&mut rng, (m, k)), random(&mut rng, (k, n)));
            let mut expected = Array2::zeros((m, n));
            general_mat_mul(1.0, &a, &b, 0.0, &mut expected);
            let bt = b.t().to_owned();
            for bv in [b.view(), bt.t()] {
                let mut got = Array2::zeros((m, n));
                blocked::<f64, true, 8, 8>(a.view(), bv, 0.0, None, got.view_mut(), &mut scratch);
                assert!(max_diff(&got, &expected) < 1e-10, "{m}×{k}·{k}×{n}");
            }
        }
    }
}

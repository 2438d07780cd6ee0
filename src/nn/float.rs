use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

/// The scalar a network computes in: `f32` for training (as the peers do),
/// `f64` for finite-difference checks of the same code.
pub trait Float:
    num_traits::Float
    + ndarray::LinalgScalar
    + ndarray::ScalarOperand
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + Debug
    + Display
    + Default
    + Send
    + Sync
    + Elementwise
    + 'static
{
    fn of(x: f64) -> Self;
    fn as_f64(self) -> f64;
}

impl Float for f32 {
    #[inline(always)]
    fn of(x: f64) -> Self {
        x as f32
    }
    #[inline(always)]
    fn as_f64(self) -> f64 {
        self as f64
    }
}

impl Float for f64 {
    #[inline(always)]
    fn of(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn as_f64(self) -> f64 {
        self
    }
}

/// Elementwise tanh and logistic sigmoid over slices. `f32` uses the
/// branch-free approximations in [`fast`], which the compiler vectorises
/// (libm's `tanhf` took most of a small network's step); `f64`, used for the
/// finite-difference checks, uses the standard library.
pub trait Elementwise: Sized {
    fn tanh_all(v: &mut [Self]);
    fn sigmoid_all(v: &mut [Self]);
}

impl Elementwise for f32 {
    fn tanh_all(v: &mut [f32]) {
        map_all(v, fast::tanh);
    }
    fn sigmoid_all(v: &mut [f32]) {
        map_all(v, fast::sigmoid);
    }
}

/// `v[i] = f(v[i])`, compiled for the vector width of the active kernels.
#[inline(always)]
fn map_all(v: &mut [f32], f: impl Fn(f32) -> f32) {
    match super::simd::active() {
        // SAFETY: `active` only returns kernels this CPU runs.
        #[cfg(target_arch = "x86_64")]
        super::simd::Kernel::Avx512 => unsafe { vector::map_avx512(v, f) },
        #[cfg(target_arch = "x86_64")]
        super::simd::Kernel::Avx2 => unsafe { vector::map_avx2(v, f) },
        _ => v.iter_mut().for_each(|x| *x = f(*x)),
    }
}

/// The same loop compiled for AVX2 and FMA (8 lanes) and for AVX-512 (16).
#[cfg(target_arch = "x86_64")]
mod vector {
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn map_avx2(v: &mut [f32], f: impl Fn(f32) -> f32) {
        v.iter_mut().for_each(|x| *x = f(*x));
    }

    #[target_feature(enable = "avx512f,avx2,fma")]
    pub unsafe fn map_avx512(v: &mut [f32], f: impl Fn(f32) -> f32) {
        v.iter_mut().for_each(|x| *x = f(*x));
    }
}

impl Elementwise for f64 {
    fn tanh_all(v: &mut [f64]) {
        v.iter_mut().for_each(|x| *x = x.tanh());
    }
    fn sigmoid_all(v: &mut [f64]) {
        v.iter_mut().for_each(|x| *x = super::activation::sigmoid(*x));
    }
}

/// Float32 `exp`, `tanh` and `sigmoid` to about float32 precision, without
/// branches or table lookups.
pub mod fast {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    /// Adding and subtracting 1.5·2²³ rounds a float to the nearest integer.
    const ROUND: f32 = 12_582_912.0;

    /// `eˣ = 2ⁿ·eᵍ` with `n = round(x·log₂e)` and `g = x − n·ln 2`, the
    /// latter in two parts so that it stays exact (Cody and Waite); `eᵍ`,
    /// `|g| ≤ ½ ln 2`, by its Taylor series to degree 7.
    #[inline(always)]
    pub fn exp(x: f32) -> f32 {
        const LN2_HI: f32 = 0.693_145_75;
        const LN2_LO: f32 = 1.428_606_8e-6;
        let x = x.clamp(-87.0, 88.0);
        let t = x * LOG2_E + ROUND;
        let n = t - ROUND;
        // n as an integer, from the low bits of t (as a cast, the saturating
        // conversion would not vectorise): t = 1.5·2²³ + n, |n| < 2²².
        let ni = (t.to_bits() as i32).wrapping_sub(ROUND.to_bits() as i32);
        let g = (x - n * LN2_HI) - n * LN2_LO;
        let p = 1.0
            + g * (1.0
                + g * (0.5
                    + g * (1.0 / 6.0
                        + g * (1.0 / 24.0 + g * (1.0 / 120.0 + g * (1.0 / 720.0 + g * (1.0 / 5040.0)))))));
        let scale = f32::from_bits(((ni + 127) << 23) as u32);
        p * scale
    }

    /// `tanh x`: its odd Taylor series near 0 (where `1 − 2/(1 + e²ˣ)` would
    /// cancel), that formula elsewhere.
    #[inline(always)]
    pub fn tanh(x: f32) -> f32 {
        let a = x.abs();
        let s = x * x;
        // x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835 − 1382x¹¹/155925, for |x| < 0.25
        let near = x
            * (1.0
                + s * (-1.0 / 3.0
                    + s * (2.0 / 15.0
                        + s * (-17.0 / 315.0 + s * (62.0 / 2835.0 + s * (-1382.0 / 155_925.0))))));
        let far = (1.0 - 2.0 / (1.0 + exp(2.0 * a))).copysign(x);
        if a < 0.25 { near } else { far }
    }

    /// `1/(1 + e⁻ˣ)`.
    #[inline(always)]
    pub fn sigmoid(x: f32) -> f32 {
        1.0 / (1.0 + exp(-x))
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn float32_functions_are_accurate_to_float_precision() {
            let (mut worst_exp, mut worst_tanh, mut worst_sig) = (0.0f64, 0.0f64, 0.0f64);
            let mut x = -30.0f64;
            while x <= 30.0 {
                let xf = x as f32;
                let xd = xf as f64;
                if xd.abs() < 80.0 {
                    let e = super::exp(xf) as f64;
                    worst_exp = worst_exp.max(((e - xd.exp()) / xd.exp()).abs());
                }
                let t = super::tanh(xf) as f64;
                let rel = if xd.tanh().abs() > 1e-30 { ((t - xd.tanh()) / xd.tanh()).abs() } else { t.abs() };
                worst_tanh = worst_tanh.max(rel);
                let s = super::sigmoid(xf) as f64;
                let sd = 1.0 / (1.0 + (-xd).exp());
                worst_sig = worst_sig.max(((s - sd) / sd).abs());
                x += 0.000_731;
            }
            assert!(worst_exp < 4e-7, "exp: {worst_exp}");
            assert!(worst_tanh < 4e-7, "tanh: {worst_tanh}");
            assert!(worst_sig < 4e-7, "sigmoid: {worst_sig}");
            assert_eq!(super::tanh(0.0), 0.0);
            assert_eq!(super::tanh(100.0), 1.0);
            assert_eq!(super::tanh(-100.0), -1.0);
            assert!(super::sigmoid(-100.0) >= 0.0 && super::sigmoid(100.0) == 1.0);
        }
    }
}

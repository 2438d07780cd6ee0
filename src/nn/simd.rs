//! Which vector instructions the numeric loops use: the best this CPU has, or
//! one chosen (`REGLAB_KERNEL`, `reglab bench --kernel`) to measure or test
//! another on the same machine.
//!
//! Every loop that has more than one version (the matrix products, tanh and
//! the logistic function, the SGD step) asks [`active`], so a choice applies
//! to the whole training step.

use std::io::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};

/// A family of kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// x86-64 with AVX-512F: 12 × 32 float32 products in 24 of 32 registers.
    Avx512,
    /// x86-64 with AVX2 and FMA: 6 × 16 products in 12 of 16 registers.
    Avx2,
    /// Plain Rust the compiler vectorises for the target's baseline: NEON on
    /// 64-bit ARM (8 × 8 products with fused multiply-add), SSE2 on x86-64.
    Portable,
}

impl Kernel {
    pub const ALL: [Kernel; 3] = [Kernel::Avx512, Kernel::Avx2, Kernel::Portable];

    /// The name `REGLAB_KERNEL` and `--kernel` take.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Avx512 => "avx512",
            Kernel::Avx2 => "avx2",
            Kernel::Portable => "portable",
        }
    }

    /// What it is, for reports.
    pub fn description(self) -> &'static str {
        match self {
            Kernel::Avx512 => "AVX-512, 12×32 float32 tile",
            Kernel::Avx2 => "AVX2 + FMA, 6×16 float32 tile",
            Kernel::Portable if cfg!(target_arch = "aarch64") => "portable, compiled for NEON, 8×8 tile",
            Kernel::Portable => "portable, compiled for the baseline (SSE2 on x86-64), 4×16 tile",
        }
    }

    pub fn from_name(name: &str) -> Option<Kernel> {
        Kernel::ALL.into_iter().find(|k| k.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether this CPU can run it.
    pub fn supported(self) -> bool {
        match self {
            Kernel::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => {
                std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
            }
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => Kernel::Avx2.supported() && std::arch::is_x86_feature_detected!("avx512f"),
            #[cfg(not(target_arch = "x86_64"))]
            Kernel::Avx2 | Kernel::Avx512 => false,
        }
    }

    /// The fastest this CPU can run.
    pub fn best() -> Kernel {
        Kernel::ALL.into_iter().find(|k| k.supported()).unwrap_or(Kernel::Portable)
    }
}

/// 0 while nothing is chosen, else 1 + the index in [`Kernel::ALL`].
static CHOSEN: AtomicU8 = AtomicU8::new(0);

/// The kernels in use: the one [`select`]ed, else `REGLAB_KERNEL` if this CPU
/// runs it, else the best.
pub fn active() -> Kernel {
    match CHOSEN.load(Ordering::Relaxed) {
        0 => {
            let wanted = std::env::var("REGLAB_KERNEL").ok().filter(|v| !v.trim().is_empty());
            let kernel = match wanted.as_deref().map(|v| (v, Kernel::from_name(v))) {
                None => Kernel::best(),
                Some((_, Some(k))) if k.supported() => k,
                Some((v, found)) => {
                    let why = if found.is_some() { "this CPU cannot run it" } else { "no such kernel" };
                    // Not eprintln!: a closed standard error is no reason to panic.
                    let _ = writeln!(
                        std::io::stderr(),
                        "reglab: REGLAB_KERNEL={v} ignored ({why}; one of avx512, avx2, portable); using {}",
                        Kernel::best().name()
                    );
                    Kernel::best()
                }
            };
            store(kernel);
            kernel
        }
        v => Kernel::ALL[usize::from(v) - 1],
    }
}

/// Makes every later step use `kernel`.
pub fn select(kernel: Kernel) -> Result<(), String> {
    if !kernel.supported() {
        return Err(format!(
            "this CPU cannot run the {} kernels ({}); it can run: {}",
            kernel.name(),
            kernel.description(),
            Kernel::ALL
                .into_iter()
                .filter(|k| k.supported())
                .map(Kernel::name)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    store(kernel);
    Ok(())
}

fn store(kernel: Kernel) {
    let index = Kernel::ALL.iter().position(|&k| k == kernel).expect("every kernel is in ALL");
    CHOSEN.store(index as u8 + 1, Ordering::Relaxed);
}

/// The CPU's model name as the operating system reports it.
pub fn cpu_model() -> String {
    let from_proc = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|text| {
        text.lines()
            .find(|l| l.starts_with("model name") || l.starts_with("Model") || l.starts_with("Hardware"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
    });
    from_proc.filter(|s| !s.is_empty()).unwrap_or_else(|| format!("unknown {} CPU", std::env::consts::ARCH))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_the_portable_kernel_runs_everywhere() {
        for k in Kernel::ALL {
            assert_eq!(Kernel::from_name(k.name()), Some(k));
        }
        assert_eq!(Kernel::from_name(" AVX2 "), Some(Kernel::Avx2));
        assert_eq!(Kernel::from_name("sse"), None);
        assert!(Kernel::Portable.supported());
        assert!(Kernel::best().supported());
        assert!(!cpu_model().is_empty());
    }
}

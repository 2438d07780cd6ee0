//! `reglab bench`: times the reference workloads of `shared/bench/README.md`,
//! and, when the window is built in, its drawing while runs train.

mod gemm;
mod load;
mod training;

use clap::Args;
use serde::Serialize;

pub use gemm::{GemmResult, gemm_peak_gflops, gemm_shapes};
pub use load::{LoadResult, WideResult, time_load, time_wide};
pub use training::WorkloadResult;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Workloads to time, comma-separated.
    /// LOAD writes a 1 000 000 × 20 numeric CSV to a temporary file and times reading it;
    /// WIDE times reading a CSV of one 10 MB line (a header and a row of 1 000 000 columns);
    /// UI times the window's drawing code with 5 runs training to 100 000 epochs.
    #[arg(long, value_delimiter = ',', default_value = "W1,W2,W3,LOAD,WIDE,UI")]
    pub workloads: Vec<String>,
    /// Timed repeats per workload; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub repeats: usize,
    /// The kernels to train with: avx512, avx2 or portable (default: the best
    /// this CPU runs), to measure on one machine what another CPU would run.
    #[arg(long)]
    pub kernel: Option<String>,
}

#[derive(Debug, Serialize)]
struct Report {
    cpu: String,
    kernel: String,
    kernel_description: String,
    gemm_peak_gflop_per_s: f64,
    threads_available: usize,
    workloads: Vec<WorkloadResult>,
    load: Option<LoadResult>,
    wide: Option<WideResult>,
    gemm: Vec<GemmResult>,
    ui: Option<UiResult>,
    window_throughput: Option<WindowThroughput>,
}

/// Training throughput of the same runs with and without the window drawing.
#[derive(Debug, Serialize)]
pub struct WindowThroughput {
    pub runs: usize,
    pub epochs: usize,
    pub headless_samples_per_s: f64,
    pub window_samples_per_s: f64,
    /// window / headless.
    pub ratio: f64,
    pub frames: usize,
}

/// Time spent in the window's own `ui` code per frame.
#[derive(Debug, Serialize)]
pub struct UiResult {
    pub runs: usize,
    pub epochs: usize,
    pub width: f32,
    pub height: f32,
    /// Metrics each run received (points of history before thinning).
    pub history_points_per_run: usize,
    pub frames: usize,
    /// Over the frames drawn once every run had its full history.
    pub final_frames: usize,
    pub final_mean_ms: f64,
    pub final_p95_ms: f64,
    pub final_max_ms: f64,
    /// Over every frame while training.
    pub all_mean_ms: f64,
    pub all_p95_ms: f64,
    /// The app's drawing plus egui's tessellation, 95th percentile: after
    /// training, and while training.
    pub final_with_tessellation_p95_ms: f64,
    pub all_with_tessellation_p95_ms: f64,
    pub seconds: f64,
}

pub fn percentile(v: &[f64], q: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s.get(((s.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0)
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    s[s.len() / 2]
}

/// What the window's workloads need: the window's own code drives them.
pub trait WindowBench: Sync {
    /// The window's frame while 5 runs train to `epochs`, every epoch recorded.
    fn time_ui(&self, epochs: usize) -> anyhow::Result<UiResult>;
    /// Training throughput with and without the window drawing.
    fn time_window_throughput(&self, epochs: usize) -> anyhow::Result<WindowThroughput>;
}

/// Runs `reglab bench`; `window` times the window's workloads (`UI`) when
/// the window is built in.
pub fn run(args: &BenchArgs, window: Option<&dyn WindowBench>) -> anyhow::Result<()> {
    use crate::nn::simd::{self, Kernel};
    if let Some(name) = &args.kernel {
        let kernel = Kernel::from_name(name)
            .ok_or_else(|| anyhow::anyhow!("--kernel {name}: expected one of avx512, avx2, portable"))?;
        simd::select(kernel).map_err(|e| anyhow::anyhow!("--kernel {name}: {e}"))?;
    }
    let kernel = simd::active();
    let cpu = simd::cpu_model();
    let peak = gemm_peak_gflops();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let wants = |id: &str| args.workloads.iter().any(|w| w.eq_ignore_ascii_case(id));
    let results = training::time_workloads(&wants, args.repeats, kernel.name(), peak, cores)?;
    let load = if wants("LOAD") { Some(time_load(1_000_000, 21, args.repeats)?) } else { None };
    let wide = if wants("WIDE") { Some(time_wide(1_000_000, args.repeats)?) } else { None };
    let gemm = if wants("GEMM") { gemm_shapes() } else { Vec::new() };
    let (ui, window_throughput) = match (wants("UI"), window) {
        (true, Some(w)) => (Some(w.time_ui(100_000)?), Some(w.time_window_throughput(3000)?)),
        (true, None) => {
            anyhow::bail!("the UI workload needs the window, and this reglab was built without it")
        }
        (false, _) => (None, None),
    };
    let report = Report {
        cpu,
        kernel: kernel.name().into(),
        kernel_description: kernel.description().into(),
        gemm_peak_gflop_per_s: peak,
        threads_available: cores,
        workloads: results,
        load,
        wide,
        gemm,
        ui,
        window_throughput,
    };
    if args.json {
        crate::outln!("{}", serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?)?;
    } else {
        print_table(&report)?;
    }
    Ok(())
}

/// The report as a table.
/// Ends early, with [`crate::console::out::Closed`], when nobody reads it any more.
fn print_table(r: &Report) -> Result<(), crate::console::out::Closed> {
    crate::outln!(
        "CPU: {}; {} core(s); kernels: {} ({})",
        r.cpu,
        r.threads_available,
        r.kernel,
        r.kernel_description
    )?;
    crate::outln!(
        "float32 GEMM peak (512³, one thread, best of own and general-purpose): {:.1} GFLOP/s",
        r.gemm_peak_gflop_per_s
    )?;
    for g in &r.gemm {
        let own: Vec<String> = g.own.iter().map(|(k, r)| format!("{k} {r:6.1}")).collect();
        crate::outln!(
            "GEMM {:<26} GFLOP/s: {}; general-purpose {:6.1}",
            g.shape,
            own.join(", "),
            g.general_purpose
        )?;
    }
    if !r.workloads.is_empty() {
        crate::outln!(
            "{:<4} {:<10} {:>5} {:>8} {:>14} {:>10} {:>10} {:>10} {:>9}",
            "id",
            "workload",
            "runs",
            "threads",
            "samples/s",
            "µs/step",
            "seconds",
            "GFLOP/s",
            "of peak"
        )?;
        crate::outln!(
            "     (training steps only, as the reference times them; the evaluation after the last epoch is timed apart)"
        )?;
    }
    for w in &r.workloads {
        crate::outln!(
            "{:<4} {:<10} {:>5} {:>8} {:>14.0} {:>10.2} {:>10.3} {:>10.2} {:>8.1}%",
            w.id,
            w.name,
            w.runs,
            w.threads,
            w.samples_per_s,
            w.us_per_step,
            w.seconds,
            w.gflop_per_s,
            100.0 * w.fraction_of_gemm_peak
        )?;
        crate::outln!("     final evaluation: {:.1} ms", w.evaluation_seconds * 1e3)?;
        if let (Some(seq), Some(sp)) = (w.sequential_samples_per_s, w.parallel_speedup) {
            crate::outln!("     one after another: {seq:.0} samples/s; side by side is {sp:.2}× faster")?;
        }
    }
    if let Some(l) = &r.load {
        crate::outln!(
            "LOAD {} × {} numeric CSV ({:.0} MB): {:.2} s ({:.0} MB/s); peak memory {} for a {:.0} MB float32 matrix",
            l.rows,
            l.columns - 1,
            l.file_mb,
            l.seconds,
            l.mb_per_s,
            l.peak_extra_mb.map_or("unknown".to_string(), |m| format!("+{m:.0} MB")),
            l.matrix_mb
        )?;
    }
    if let Some(w) = &r.wide {
        crate::outln!(
            "WIDE one line of {} columns ({:.1} MB): {:.2} s, {} the budget of {:.0} s",
            w.columns,
            w.file_mb,
            w.seconds,
            if w.seconds <= w.budget_seconds { "within" } else { "OVER" },
            w.budget_seconds
        )?;
    }
    print_window(r)
}

/// The window's workloads of the report, when it has them.
fn print_window(r: &Report) -> Result<(), crate::console::out::Closed> {
    if let Some(u) = &r.ui {
        crate::outln!(
            "UI   {} runs to {} epochs ({} points of history each), {}×{}: ui code {:.2} ms mean, {:.2} ms p95, {:.2} ms max \
             per frame with the full history ({:.2} ms mean, {:.2} ms p95 while training); with egui's tessellation \
             {:.2} ms p95 ({:.2} ms p95 while training); {:.0} s",
            u.runs,
            u.epochs,
            u.history_points_per_run,
            u.width,
            u.height,
            u.final_mean_ms,
            u.final_p95_ms,
            u.final_max_ms,
            u.all_mean_ms,
            u.all_p95_ms,
            u.final_with_tessellation_p95_ms,
            u.all_with_tessellation_p95_ms,
            u.seconds
        )?;
    }
    if let Some(t) = &r.window_throughput {
        crate::outln!(
            "     training 3 runs × {} epochs: {:.0} samples/s on the trainer alone, {:.0} with the window drawing \
             ({:.0}%, {} frames)",
            t.epochs,
            t.headless_samples_per_s,
            t.window_samples_per_s,
            100.0 * t.ratio,
            t.frames
        )?;
    }
    Ok(())
}

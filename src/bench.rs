//! `reglab bench`: times the reference workloads of `shared/bench/README.md`.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use clap::Args;
use ndarray::Array2;
use ndarray::linalg::general_mat_mul;
use serde::Serialize;

use crate::data::{self, Dataset, Preparation, TaskKind};
use crate::nn::{Activation, L1Rule, LambdaScale, Regularizer};
use crate::train::{Batch, NetworkSpec, RunSpec, Session, TrainingSpec};

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Workloads to time, comma-separated.
    /// LOAD writes a 1 000 000 × 20 numeric CSV to a temporary file and times reading it;
    /// UI times the window's drawing code with 5 runs training to 100 000 epochs.
    #[arg(long, value_delimiter = ',', default_value = "W1,W2,W3,LOAD,UI")]
    pub workloads: Vec<String>,
    /// Timed repeats per workload; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub repeats: usize,
    /// The kernels to train with: avx512, avx2 or portable (default: the best
    /// this CPU runs), to measure on one machine what another CPU would run.
    #[arg(long)]
    pub kernel: Option<String>,
}

/// One reference workload.
struct Workload {
    id: &'static str,
    name: &'static str,
    data: fn() -> Dataset,
    hidden: Vec<usize>,
    activation: Activation,
    batch: usize,
    lr: f64,
    epochs: usize,
    runs: Vec<(Regularizer, f64)>,
}

fn workloads() -> Vec<Workload> {
    let w1_data = || data::synthetic::workshop_classification(2000, 1001);
    vec![
        Workload {
            id: "W1",
            name: "workshop",
            data: w1_data,
            hidden: vec![32, 32],
            activation: Activation::Tanh,
            batch: 32,
            lr: 0.1,
            epochs: 50,
            runs: vec![(Regularizer::L2, 1e-3)],
        },
        Workload {
            id: "W2",
            name: "wide",
            data: || data::synthetic::prototype_classification(10_000, 784, 10, 2002),
            hidden: vec![128],
            activation: Activation::Relu,
            batch: 64,
            lr: 0.05,
            epochs: 3,
            runs: vec![(Regularizer::L1, 1e-4)],
        },
        Workload {
            id: "W3",
            name: "three-way",
            data: w1_data,
            hidden: vec![32, 32],
            activation: Activation::Tanh,
            batch: 32,
            lr: 0.1,
            epochs: 50,
            runs: vec![(Regularizer::None, 0.0), (Regularizer::L1, 1e-3), (Regularizer::L2, 1e-3)],
        },
    ]
}

/// Timing of one workload.
#[derive(Debug, Serialize)]
pub struct WorkloadResult {
    pub id: String,
    /// The kernels the step ran on (`nn::simd::Kernel::name`).
    pub kernel: String,
    pub name: String,
    pub runs: usize,
    pub threads: usize,
    pub samples_per_s: f64,
    pub us_per_step: f64,
    /// The training steps (median of the repeats).
    pub seconds: f64,
    /// The evaluation after the last epoch, which the reference does not do,
    /// timed apart and not counted in `seconds`.
    pub evaluation_seconds: f64,
    pub seconds_per_epoch: f64,
    pub gflop_per_s: f64,
    pub fraction_of_gemm_peak: f64,
    /// W3: samples/s of the same runs trained one after another, and the speed-up.
    pub sequential_samples_per_s: Option<f64>,
    pub parallel_speedup: Option<f64>,
    pub repeats: Vec<f64>,
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

/// Trains three runs (none, L1, L2) on 2000 × 20 rows, 20-32-32-2 tanh,
/// batch 32: first on the trainer thread alone, then inside the app drawing
/// 60 frames a second at 1600×1000.
pub fn time_window_throughput(epochs: usize) -> anyhow::Result<WindowThroughput> {
    use crate::data::{SyntheticKind, SyntheticSpec};
    use crate::experiment::DataSource;
    use crate::gui::ReglabApp;
    use crate::train::live::{Command, LiveTrainer, SessionSetup, TrainerState, Update};
    use crate::workbench::{Action, Settings};
    let fail = |e: String| anyhow::anyhow!(e);
    let spec = SyntheticSpec {
        kind: SyntheticKind::Irrelevant,
        rows: 2000,
        features: 20,
        informative: 4,
        ..SyntheticSpec::default()
    };
    let mut settings = Settings { pace: crate::workbench::Pace::Fastest, ..Settings::default() };
    let exp = &mut settings.experiment;
    exp.network = NetworkSpec { hidden: vec![32, 32], activation: Activation::Tanh };
    exp.training.lr = Some(0.1);
    exp.training.epochs = Some(epochs);
    exp.runs = [(Regularizer::None, 0.0), (Regularizer::L1, 1e-3), (Regularizer::L2, 1e-3)]
        .iter()
        .map(|&(reg, lambda)| RunSpec {
            name: reg.to_string(),
            reg,
            lambda,
            lambda_scale: LambdaScale::None,
            ..RunSpec::default()
        })
        .collect();
    exp.data.set(DataSource::Synthetic(spec.clone()));
    let exp = settings.experiment.clone();
    let prep = exp.data.preparation();
    let prepared =
        Arc::new(data::prepare(&spec.generate(), &prep, exp.seed).map_err(|e| fail(e.to_string()))?);
    let samples = (prepared.train_rows() * epochs * exp.runs.len()) as f64;

    // The trainer alone.
    let trainer = LiveTrainer::spawn(|| {}).map_err(|e| fail(e.to_string()))?;
    let setup = SessionSetup {
        data: Arc::clone(&prepared),
        network: exp.network.clone(),
        training: exp.training.clone(),
        runs: exp.runs.clone(),
        seed: exp.seed,
        changes: Vec::new(),
    };
    trainer.send(Command::Setup(Box::new(setup)));
    trainer.send(Command::Start);
    let start = Instant::now();
    loop {
        match trainer.recv_timeout(std::time::Duration::from_secs(600)) {
            Some(Update::State(TrainerState::Finished)) => break,
            Some(_) => {}
            None => return Err(fail("the trainer did not finish".into())),
        }
    }
    let headless = samples / start.elapsed().as_secs_f64();
    drop(trainer);

    // The same inside the app.
    let ctx = egui::Context::default();
    let mut app = ReglabApp::with_settings(ctx.clone(), settings);
    app.wb.load_current();
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1600.0, 1000.0))),
        ..Default::default()
    };
    let frame = |app: &mut ReglabApp| {
        app.take_updates(&ctx);
        let _ = ctx.run_ui(input(), |ui| app.draw(ui));
    };
    let setup_start = Instant::now();
    while app.wb.runs.is_empty() || app.wb.runs.iter().any(|r| r.latest.is_none()) {
        frame(&mut app);
        std::thread::sleep(std::time::Duration::from_millis(5));
        if setup_start.elapsed().as_secs() > 60 {
            return Err(fail("the runs were not set up".into()));
        }
    }
    app.act(Action::Train);
    let start = Instant::now();
    let mut frames = 0;
    while app.wb.trainer_state != TrainerState::Finished || app.wb.runs.iter().any(|r| r.epoch() < epochs) {
        frame(&mut app);
        frames += 1;
        std::thread::sleep(std::time::Duration::from_millis(16));
        if start.elapsed().as_secs() > 600 {
            return Err(fail("training in the window did not finish".into()));
        }
    }
    let window = samples / start.elapsed().as_secs_f64();
    Ok(WindowThroughput {
        runs: 3,
        epochs,
        headless_samples_per_s: headless,
        window_samples_per_s: window,
        ratio: window / headless,
        frames,
    })
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

fn percentile(v: &[f64], q: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s.get(((s.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0)
}

/// Drives the real app headless at 1600×1000, 60 frames a second, while 5
/// runs train on the circle set with metrics recorded after every epoch.
pub fn time_ui(epochs: usize) -> anyhow::Result<UiResult> {
    use crate::experiment::DataSource;
    use crate::gui::ReglabApp;
    use crate::workbench::Settings;
    let (width, height) = (1920.0, 1080.0);
    let ctx = egui::Context::default();
    let mut settings = Settings { pace: crate::workbench::Pace::Fastest, ..Settings::default() };
    settings.experiment.training.epochs = Some(epochs);
    let regs = [
        (Regularizer::None, 0.0),
        (Regularizer::L1, 0.1),
        (Regularizer::L2, 0.1),
        (Regularizer::ElasticNet, 0.1),
        (Regularizer::L1, 1.0),
    ];
    settings.experiment.runs = regs
        .iter()
        .enumerate()
        .map(|(i, &(reg, lambda))| RunSpec {
            name: format!("run {}", i + 1),
            reg,
            lambda,
            l1_rule: L1Rule::Proximal,
            ..RunSpec::default()
        })
        .collect();
    settings.experiment.data.set(DataSource::Synthetic(crate::data::SyntheticSpec::default()));
    let mut app = ReglabApp::with_settings(ctx.clone(), settings);
    app.view.histogram_history = true;
    app.wb.load_current();
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(width, height))),
        ..Default::default()
    };
    // The app's own drawing, and that plus egui's tessellation of the frame.
    let frame = |app: &mut ReglabApp| -> (f64, f64) {
        app.take_updates(&ctx);
        let mut ms = 0.0;
        let output = ctx.run_ui(input(), |ui| {
            let start = Instant::now();
            app.draw(ui);
            ms = start.elapsed().as_secs_f64() * 1e3;
        });
        let start = Instant::now();
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        let tessellation = start.elapsed().as_secs_f64() * 1e3;
        drop(primitives);
        (ms, ms + tessellation)
    };
    let started = Instant::now();
    while app.wb.runs.is_empty() || app.wb.runs.iter().any(|r| r.latest.is_none()) {
        frame(&mut app);
        std::thread::sleep(std::time::Duration::from_millis(5));
        if started.elapsed().as_secs() > 60 {
            return Err(anyhow::anyhow!("the runs were not set up: {:?}", app.wb.notices));
        }
    }
    app.act(crate::workbench::Action::Train);
    let (mut all, mut all_total) = (Vec::new(), Vec::new());
    let (mut last, mut last_total) = (Vec::new(), Vec::new());
    let mut done_frames = 0;
    loop {
        let (ms, total) = frame(&mut app);
        let finished = app.wb.runs.iter().all(|r| r.epoch() >= epochs);
        if finished {
            last.push(ms);
            last_total.push(total);
            done_frames += 1;
            if done_frames >= 120 {
                break;
            }
        } else {
            all.push(ms);
            all_total.push(total);
        }
        std::thread::sleep(std::time::Duration::from_millis(16));
        if started.elapsed().as_secs() > 3600 {
            return Err(anyhow::anyhow!("training did not finish within an hour"));
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    Ok(UiResult {
        runs: app.wb.runs.len(),
        epochs,
        width,
        height,
        history_points_per_run: app.wb.runs.iter().map(|r| r.received).min().unwrap_or(0),
        frames: all.len() + last.len(),
        final_frames: last.len(),
        final_mean_ms: mean(&last),
        final_p95_ms: percentile(&last, 0.95),
        final_max_ms: last.iter().copied().fold(0.0, f64::max),
        all_mean_ms: mean(&all),
        all_p95_ms: percentile(&all, 0.95),
        final_with_tessellation_p95_ms: percentile(&last_total, 0.95),
        all_with_tessellation_p95_ms: percentile(&all_total, 0.95),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Reading a large numeric CSV.
#[derive(Debug, Serialize)]
pub struct LoadResult {
    pub rows: usize,
    pub columns: usize,
    pub file_mb: f64,
    pub seconds: f64,
    pub mb_per_s: f64,
    /// Growth of the process's peak resident memory while loading (Linux).
    pub peak_extra_mb: Option<f64>,
    /// The float32 feature matrix alone.
    pub matrix_mb: f64,
    pub repeats: Vec<f64>,
}

fn status_kb(field: &str) -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Writes the file, then loads it `repeats` times.
pub fn time_load(rows: usize, cols: usize, repeats: usize) -> anyhow::Result<LoadResult> {
    use std::io::Write;
    let fail = |e: anyhow::Error| e;
    let dir = tempfile_dir().map_err(fail)?;
    let path = dir.join("reglab-bench-load.csv");
    {
        let file = std::fs::File::create(&path).map_err(|e| fail(e.into()))?;
        let mut out = std::io::BufWriter::new(file);
        let names: Vec<String> = (1..cols).map(|j| format!("x{j}")).chain(["y".to_string()]).collect();
        writeln!(out, "{}", names.join(",")).map_err(|e| fail(e.into()))?;
        let x = data::synthetic::normal_matrix(rows, cols, 77);
        let mut line = String::new();
        for r in 0..rows {
            line.clear();
            for c in 0..cols {
                if c > 0 {
                    line.push(',');
                }
                if c + 1 == cols {
                    line.push_str(if x[[r, c]] > 0.0 { "1" } else { "0" });
                } else {
                    line.push_str(&format!("{:.6}", x[[r, c]]));
                }
            }
            line.push('\n');
            out.write_all(line.as_bytes()).map_err(|e| fail(e.into()))?;
        }
        out.flush().map_err(|e| fail(e.into()))?;
    }
    let file_mb = std::fs::metadata(&path).map_err(|e| fail(e.into()))?.len() as f64 / 1e6;
    let mut times = Vec::new();
    let mut peak_extra_mb = None;
    for _ in 0..repeats.max(1) {
        // Resets the peak-memory mark so that the peak of this load alone is seen.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let before = status_kb("VmRSS:");
        let start = Instant::now();
        let ds = data::load_file(&path, &data::ColumnRoles::default(), None).map_err(|e| fail(e.into()))?;
        times.push(start.elapsed().as_secs_f64());
        if let (Some(b), Some(peak)) = (before, status_kb("VmHWM:")) {
            peak_extra_mb = Some((peak - b) * 1024.0 / 1e6);
        }
        if ds.rows() != rows || ds.feature_count() != cols - 1 {
            return Err(fail(anyhow::anyhow!("loaded {}×{}", ds.rows(), ds.feature_count())));
        }
        drop(ds);
    }
    let _ = std::fs::remove_file(&path);
    let seconds = median(&times);
    Ok(LoadResult {
        rows,
        columns: cols,
        file_mb,
        seconds,
        mb_per_s: file_mb / seconds,
        peak_extra_mb,
        matrix_mb: (rows * (cols - 1) * 4) as f64 / 1e6,
        repeats: times,
    })
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir();
    anyhow::ensure!(dir.is_dir(), "no temporary folder at {}", dir.display());
    Ok(dir)
}

/// FLOPs of one epoch of one run, counted as `shared/bench/reference_bench.py` does.
fn flops_per_epoch(sizes: &[usize], n: usize, batch: usize) -> f64 {
    let steps = n.div_ceil(batch);
    let pairs: Vec<(usize, usize)> = sizes.windows(2).map(|w| (w[0], w[1])).collect();
    let mut total = 0usize;
    for (i, &(a, b)) in pairs.iter().enumerate() {
        total += 2 * n * a * b * if i == 0 { 2 } else { 3 };
        total += 2 * n * b;
        if i + 1 < pairs.len() {
            total += 3 * n * b;
        }
        total += steps * (4 * a * b + 2 * b);
    }
    total += 5 * n * sizes[sizes.len() - 1];
    total as f64
}

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

fn session_for(w: &Workload, prepared: &Arc<data::Prepared>, epochs: usize) -> anyhow::Result<Session> {
    let runs = w
        .runs
        .iter()
        .map(|&(reg, lambda)| RunSpec {
            reg,
            lambda,
            lambda_scale: LambdaScale::None,
            l1_rule: L1Rule::Subgradient,
            ..RunSpec::default()
        })
        .collect();
    let training = TrainingSpec {
        lr: Some(w.lr),
        batch: Batch::Size(w.batch),
        epochs: Some(epochs),
        eval_every: epochs,
        ..TrainingSpec::default()
    };
    let network = NetworkSpec { hidden: w.hidden.clone(), activation: w.activation };
    Session::new(Arc::clone(prepared), network, training, runs, 1).map_err(anyhow::Error::from)
}

/// Seconds of each timed repeat: the training steps alone, as the reference
/// times them. The session also evaluates every run after its last epoch
/// (error and weight statistics over all training rows), which the reference
/// does not; that evaluation is timed again apart and taken out (divided by
/// the threads that shared it). Returns (steps, evaluation) per repeat.
fn time_training(
    w: &Workload,
    prepared: &Arc<data::Prepared>,
    threads: usize,
    repeats: usize,
) -> anyhow::Result<Vec<(f64, f64)>> {
    // An untimed epoch first, as the reference does.
    session_for(w, prepared, 1)?.train(
        threads,
        &mut |_: &crate::train::Event<'_>| {},
        &AtomicBool::new(false),
    );
    let mut times = Vec::with_capacity(repeats);
    for _ in 0..repeats.max(1) {
        let mut s = session_for(w, prepared, w.epochs)?;
        let t = Instant::now();
        s.train(threads, &mut |_: &crate::train::Event<'_>| {}, &AtomicBool::new(false));
        let total = t.elapsed().as_secs_f64();
        let ctx = s.context();
        let t = Instant::now();
        for run in &mut s.runs {
            std::hint::black_box(run.metrics(prepared, &ctx));
        }
        let evaluation = t.elapsed().as_secs_f64() / threads.clamp(1, s.runs.len()) as f64;
        times.push((total - evaluation, evaluation));
    }
    Ok(times)
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    s[s.len() / 2]
}

pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
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
    let mut results = Vec::new();
    for w in workloads() {
        if !args.workloads.iter().any(|id| id.eq_ignore_ascii_case(w.id)) {
            continue;
        }
        let ds = (w.data)();
        let prep =
            Preparation { task: Some(TaskKind::Multiclass), standardize: false, ..Preparation::default() };
        let prepared = Arc::new(data::prepare(&ds, &prep, 1).map_err(anyhow::Error::from)?);
        let n = prepared.train_rows();
        let threads = if w.runs.len() > 1 { cores } else { 1 };
        let timed = time_training(&w, &prepared, threads, args.repeats)?;
        let times: Vec<f64> = timed.iter().map(|t| t.0).collect();
        let seconds = median(&times);
        let evaluation_seconds = median(&timed.iter().map(|t| t.1).collect::<Vec<_>>());
        let runs = w.runs.len();
        let samples = (n * w.epochs * runs) as f64;
        let steps = (n.div_ceil(w.batch) * w.epochs * runs) as f64;
        let mut sizes = vec![prepared.inputs()];
        sizes.extend(&w.hidden);
        sizes.push(prepared.task.outputs());
        let flops = flops_per_epoch(&sizes, n, w.batch) * (w.epochs * runs) as f64;
        let (sequential, speedup) = if runs > 1 && threads > 1 {
            let seq = median(
                &time_training(&w, &prepared, 1, args.repeats)?.iter().map(|t| t.0).collect::<Vec<_>>(),
            );
            (Some(samples / seq), Some(seq / seconds))
        } else {
            (None, None)
        };
        results.push(WorkloadResult {
            id: w.id.into(),
            kernel: kernel.name().into(),
            name: w.name.into(),
            runs,
            threads: threads.min(runs),
            samples_per_s: samples / seconds,
            us_per_step: seconds / steps * 1e6,
            seconds,
            evaluation_seconds,
            seconds_per_epoch: seconds / w.epochs as f64,
            gflop_per_s: flops / seconds / 1e9,
            fraction_of_gemm_peak: flops / seconds / 1e9 / (peak * threads.min(runs) as f64),
            sequential_samples_per_s: sequential,
            parallel_speedup: speedup,
            repeats: times,
        });
    }
    let load = if args.workloads.iter().any(|id| id.eq_ignore_ascii_case("LOAD")) {
        Some(time_load(1_000_000, 21, args.repeats)?)
    } else {
        None
    };
    let gemm = if args.workloads.iter().any(|id| id.eq_ignore_ascii_case("GEMM")) {
        gemm_shapes()
    } else {
        Vec::new()
    };
    let ui = if args.workloads.iter().any(|id| id.eq_ignore_ascii_case("UI")) {
        Some(time_ui(100_000)?)
    } else {
        None
    };
    let window_throughput = if args.workloads.iter().any(|id| id.eq_ignore_ascii_case("UI")) {
        Some(time_window_throughput(3000)?)
    } else {
        None
    };
    if args.json {
        let report = Report {
            cpu,
            kernel: kernel.name().into(),
            kernel_description: kernel.description().into(),
            gemm_peak_gflop_per_s: peak,
            threads_available: cores,
            workloads: results,
            load,
            gemm,
            ui,
            window_throughput,
        };
        println!("{}", serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?);
    } else {
        println!("CPU: {cpu}; {cores} core(s); kernels: {} ({})", kernel.name(), kernel.description());
        println!("float32 GEMM peak (512³, one thread, best of own and general-purpose): {peak:.1} GFLOP/s");
        for g in &gemm {
            let own: Vec<String> = g.own.iter().map(|(k, r)| format!("{k} {r:6.1}")).collect();
            println!(
                "GEMM {:<26} GFLOP/s: {}; general-purpose {:6.1}",
                g.shape,
                own.join(", "),
                g.general_purpose
            );
        }
        println!(
            "{:<4} {:<10} {:>5} {:>8} {:>14} {:>10} {:>10} {:>10} {:>9}",
            "id", "workload", "runs", "threads", "samples/s", "µs/step", "seconds", "GFLOP/s", "of peak"
        );
        if !results.is_empty() {
            println!(
                "     (training steps only, as the reference times them; the evaluation after the last epoch is timed apart)"
            );
        }
        for r in &results {
            println!(
                "{:<4} {:<10} {:>5} {:>8} {:>14.0} {:>10.2} {:>10.3} {:>10.2} {:>8.1}%",
                r.id,
                r.name,
                r.runs,
                r.threads,
                r.samples_per_s,
                r.us_per_step,
                r.seconds,
                r.gflop_per_s,
                100.0 * r.fraction_of_gemm_peak
            );
            println!("     final evaluation: {:.1} ms", r.evaluation_seconds * 1e3);
            if let (Some(seq), Some(sp)) = (r.sequential_samples_per_s, r.parallel_speedup) {
                println!("     one after another: {seq:.0} samples/s; side by side is {sp:.2}× faster");
            }
        }
        if let Some(l) = &load {
            println!(
                "LOAD {} × {} numeric CSV ({:.0} MB): {:.2} s ({:.0} MB/s); peak memory {} for a {:.0} MB float32 matrix",
                l.rows,
                l.columns - 1,
                l.file_mb,
                l.seconds,
                l.mb_per_s,
                l.peak_extra_mb.map_or("unknown".to_string(), |m| format!("+{m:.0} MB")),
                l.matrix_mb
            );
        }
        if let Some(u) = &ui {
            println!(
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
            );
        }
        if let Some(w) = &window_throughput {
            println!(
                "     training 3 runs × {} epochs: {:.0} samples/s on the trainer alone, {:.0} with the window drawing \
                 ({:.0}%, {} frames)",
                w.epochs,
                w.headless_samples_per_s,
                w.window_samples_per_s,
                100.0 * w.ratio,
                w.frames
            );
        }
    }
    Ok(())
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

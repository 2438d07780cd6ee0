//! The window's workloads of `reglab bench`: its frame while runs train,
//! and training throughput with and without the window drawing. They drive
//! the real app headless, through egui's own frame loop.

use std::sync::Arc;
use std::time::Instant;

use super::ReglabApp;
use crate::bench::{UiResult, WindowBench, WindowThroughput, percentile};
use crate::data;
use crate::nn::{Activation, L1Rule, LambdaScale, Regularizer};
use crate::train::{NetworkSpec, RunSpec};

/// The window's workloads.
pub struct Workloads;

pub static WINDOW_BENCH: Workloads = Workloads;

impl WindowBench for Workloads {
    fn time_ui(&self, epochs: usize) -> anyhow::Result<UiResult> {
        time_ui(epochs)
    }

    fn time_window_throughput(&self, epochs: usize) -> anyhow::Result<WindowThroughput> {
        time_window_throughput(epochs)
    }
}

/// Trains three runs (none, L1, L2) on 2000 × 20 rows, 20-32-32-2 tanh,
/// batch 32: first on the trainer thread alone, then inside the app drawing
/// 60 frames a second at 1600×1000.
fn time_window_throughput(epochs: usize) -> anyhow::Result<WindowThroughput> {
    use crate::data::{SyntheticKind, SyntheticSpec};
    use crate::experiment::DataSource;
    use crate::train::live::TrainerState;
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

    let headless = samples / time_trainer_alone(&prepared, &exp)?;

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
        // No renderer takes the textures: they are dropped on purpose.
        ctx.run_ui(input(), |ui| app.draw(ui)).textures_delta.clear();
    };
    let setup_start = Instant::now();
    while app.wb.screen.runs.is_empty() || app.wb.screen.runs.iter().any(|r| r.history.latest.is_none()) {
        frame(&mut app);
        std::thread::sleep(std::time::Duration::from_millis(5));
        if setup_start.elapsed().as_secs() > 60 {
            return Err(fail("the runs were not set up".into()));
        }
    }
    app.act(Action::Train);
    let start = Instant::now();
    let mut frames = 0;
    while app.wb.screen.trainer_state != TrainerState::Finished
        || app.wb.screen.runs.iter().any(|r| r.epoch() < epochs)
    {
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

/// Drives the real app headless at 1600×1000, 60 frames a second, while 5
/// runs train on the circle set with metrics recorded after every epoch.
fn time_ui(epochs: usize) -> anyhow::Result<UiResult> {
    use crate::experiment::DataSource;
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
    app.view.histograms.history = true;
    app.wb.load_current();
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(width, height))),
        ..Default::default()
    };
    // The app's own drawing, and that plus egui's tessellation of the frame.
    let frame = |app: &mut ReglabApp| -> (f64, f64) {
        app.take_updates(&ctx);
        let mut ms = 0.0;
        let mut output = ctx.run_ui(input(), |ui| {
            let start = Instant::now();
            app.draw(ui);
            ms = start.elapsed().as_secs_f64() * 1e3;
        });
        let start = Instant::now();
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        let tessellation = start.elapsed().as_secs_f64() * 1e3;
        drop(primitives);
        // No renderer takes the textures: they are dropped on purpose.
        output.textures_delta.clear();
        (ms, ms + tessellation)
    };
    let started = Instant::now();
    while app.wb.screen.runs.is_empty() || app.wb.screen.runs.iter().any(|r| r.history.latest.is_none()) {
        frame(&mut app);
        std::thread::sleep(std::time::Duration::from_millis(5));
        if started.elapsed().as_secs() > 60 {
            return Err(anyhow::anyhow!("the runs were not set up: {:?}", app.wb.notices.list));
        }
    }
    app.act(crate::workbench::Action::Train);
    let (mut all, mut all_total) = (Vec::new(), Vec::new());
    let (mut last, mut last_total) = (Vec::new(), Vec::new());
    let mut done_frames = 0;
    loop {
        let (ms, total) = frame(&mut app);
        let finished = app.wb.screen.runs.iter().all(|r| r.epoch() >= epochs);
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
        runs: app.wb.screen.runs.len(),
        epochs,
        width,
        height,
        history_points_per_run: app.wb.screen.runs.iter().map(|r| r.history.received).min().unwrap_or(0),
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

/// Seconds for the trainer thread alone to train `exp` on `prepared`.
fn time_trainer_alone(
    prepared: &Arc<data::Prepared>,
    exp: &crate::experiment::Experiment,
) -> anyhow::Result<f64> {
    use crate::train::live::{Command, LiveTrainer, SessionSetup, TrainerState, Update};
    let fail = |e: String| anyhow::anyhow!(e);
    // The trainer alone.
    let trainer = LiveTrainer::spawn(|| {}).map_err(|e| fail(e.to_string()))?;
    let setup = SessionSetup {
        data: Arc::clone(prepared),
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
    Ok(start.elapsed().as_secs_f64())
}

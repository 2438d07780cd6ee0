//! The workbench driven through its real widgets with egui_kittest: buttons
//! are clicked by their labels, frames are run, and what the app shows is
//! checked. Training runs on the app's real trainer thread.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use reglab::data::{Builtin, SyntheticKind, SyntheticSpec};
use reglab::experiment::DataSource;
use reglab::gui::ReglabApp;
use reglab::nn::Regularizer;
use reglab::train::live::TrainerState;
use reglab::train::{LiveChange, RunStatus};
use reglab::workbench::{Action, Pace, Settings};

const TIMEOUT: Duration = Duration::from_secs(60);

fn harness_with(settings: Settings, choice: DataSource) -> Harness<'static, ReglabApp> {
    let mut harness = Harness::builder().with_size(egui::vec2(1600.0, 1000.0)).build_eframe(move |cc| {
        let mut app = ReglabApp::with_settings(cc.egui_ctx.clone(), settings);
        app.wb.start_load(choice);
        app
    });
    wait_for(&mut harness, "the data to load", |app| !app.wb.is_loading() && app.wb.data.prepared.is_some());
    wait_for(&mut harness, "the runs to be set up", runs_ready);
    harness
}

/// Short runs so that tests finish quickly.
fn quick_settings(epochs: usize) -> Settings {
    let mut s = Settings::default();
    s.experiment.training.epochs = Some(epochs);
    s.pace = Pace::Fastest;
    s
}

/// Runs frames until `done` holds, or fails after a timeout.
fn wait_for(harness: &mut Harness<'static, ReglabApp>, what: &str, done: impl Fn(&ReglabApp) -> bool) {
    let start = Instant::now();
    loop {
        harness.step();
        if done(harness.state()) {
            return;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "timed out waiting for {what}; messages: {:?}",
            harness.state().wb.notices.list
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Every run on screen is set up and evaluated at epoch 0.
fn runs_ready(app: &ReglabApp) -> bool {
    !app.wb.screen.runs.is_empty() && app.wb.screen.runs.iter().all(|r| r.history.latest.is_some())
}

/// A window drawn on the CPU (wgpu) at `w`×`h`, set up by `setup`, once its runs are ready.
fn rendering(
    w: f32,
    h: f32,
    settings: Settings,
    setup: impl FnOnce(&mut ReglabApp) + 'static,
) -> Harness<'static, ReglabApp> {
    let mut harness = Harness::builder().with_size(egui::vec2(w, h)).wgpu().build_eframe(move |cc| {
        let mut app = ReglabApp::with_settings(cc.egui_ctx.clone(), settings);
        setup(&mut app);
        app
    });
    wait_for(&mut harness, "the runs", runs_ready);
    harness
}

fn epochs(app: &ReglabApp) -> Vec<usize> {
    app.wb.screen.runs.iter().map(|r| r.epoch()).collect()
}

#[test]
fn a_built_in_set_trains_and_every_plot_gets_data_for_every_run() {
    let mut harness = harness_with(quick_settings(150), DataSource::Synthetic(SyntheticSpec::default()));
    // Choose Iris in the Dataset menu, as a person would.
    harness.get_by_label("Dataset").click();
    harness.run_steps(2);
    harness.get_by_label("iris").click();
    harness.run_steps(2);
    wait_for(&mut harness, "Iris to load", |app| {
        app.wb.data.dataset.as_ref().is_some_and(|d| d.name == "iris")
    });
    wait_for(&mut harness, "the runs on Iris", |app| {
        app.wb.screen.runs.len() == 3 && app.wb.screen.runs.iter().all(|r| r.history.latest.is_some())
    });
    assert_eq!(harness.state().wb.screen.epoch(), 0);

    harness.get_by_label("Train").click();
    wait_for(&mut harness, "epochs to advance", |app| app.wb.screen.epoch() >= 5);
    wait_for(&mut harness, "training to finish", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    let app = harness.state();
    assert_eq!(epochs(app), vec![150, 150, 150]);
    for r in &app.wb.screen.runs {
        assert!(matches!(r.status, RunStatus::Done), "{}: {:?}", r.name, r.status);
        // Error, accuracy, sparsity and norm plots.
        for (what, len) in [
            ("train error", r.history.curves.train_error.len()),
            ("validation error", r.history.curves.val_error.len()),
            ("accuracy", r.history.curves.train_accuracy.len()),
            ("exact zeros", r.history.curves.zero_frac.len()),
            ("small weights", r.history.curves.small_frac[12].len()),
            ("L1 norm", r.history.curves.l1.len()),
            ("L2 norm", r.history.curves.l2.len()),
        ] {
            assert!(len >= 2, "{}: the {what} plot has {len} points", r.name);
        }
        let m = r.history.latest.as_ref().unwrap();
        assert_eq!(m.epoch, 150);
        // Histograms (per layer and all) and input importance.
        assert_eq!(m.histograms.len(), 2);
        let counted: u32 = m.histogram_all.counts.iter().sum::<u32>() + m.histogram_all.zeros;
        assert_eq!(counted as usize, m.weights.count);
        assert_eq!(m.importance.len(), 4);
        assert!(r.history.histograms.snapshots.len() >= 2, "history heat map");
    }
    // L1 (proximal) makes exact zeros, L2 and none do not.
    let zero = |i: usize| app.wb.screen.runs[i].history.latest.as_ref().unwrap().weights.zero_frac;
    assert!(zero(1) > 0.0 && zero(0) == 0.0 && zero(2) == 0.0, "{} {} {}", zero(0), zero(1), zero(2));
    // Iris has 4 inputs: no decision boundary, and its view (a tab) says why.
    assert!(app.wb.screen.boundary.is_none());
    harness.get_by_label("Decision boundary").click();
    harness.run_steps(2);
    harness.get_by_label_contains("Shown for classification with exactly two input features");
}

#[test]
fn a_two_feature_set_draws_a_decision_boundary_per_run() {
    let spec = SyntheticSpec { kind: SyntheticKind::Xor, rows: 200, ..SyntheticSpec::default() };
    let mut harness = harness_with(quick_settings(30), DataSource::Synthetic(spec));
    harness.get_by_label("Train").click();
    wait_for(&mut harness, "training to finish", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    let app = harness.state();
    assert!(app.wb.screen.boundary.is_some());
    for r in &app.wb.screen.runs {
        let (epoch, values) = r.pictures.boundary.as_ref().expect("a boundary for every run");
        assert_eq!(*epoch, 30);
        assert!(values.iter().all(|v| (0.0..=1.0).contains(v)));
    }
    let names: Vec<String> = app.wb.screen.runs.iter().map(|r| r.name.clone()).collect();
    harness.get_by_label("Decision boundary").click();
    harness.run_steps(2);
    for name in names {
        harness.get_by_label(&format!("{name} · epoch 30"));
    }
}

#[test]
fn pause_resume_and_step() {
    let mut s = quick_settings(100_000);
    s.pace = Pace::Fixed(200.0);
    let mut harness = harness_with(s, DataSource::Builtin(Builtin::Iris));
    harness.get_by_label("Train").click();
    wait_for(&mut harness, "epochs to advance", |app| app.wb.screen.epoch() >= 3);
    harness.get_by_label("Pause").click();
    wait_for(&mut harness, "the pause", |app| app.wb.screen.trainer_state == TrainerState::Paused);
    // Whatever was in flight arrives; then nothing moves.
    harness.run_steps(5);
    std::thread::sleep(Duration::from_millis(100));
    harness.run_steps(5);
    let paused_at = epochs(harness.state());
    std::thread::sleep(Duration::from_millis(200));
    harness.run_steps(5);
    assert_eq!(epochs(harness.state()), paused_at, "paused runs do not train");

    harness.get_by_label("Step").click();
    wait_for(&mut harness, "one step", |app| epochs(app) != paused_at);
    let stepped = epochs(harness.state());
    assert_eq!(stepped, paused_at.iter().map(|e| e + 1).collect::<Vec<_>>(), "Step trains exactly one epoch");
    // The step's metrics are recorded for every run.
    for r in &harness.state().wb.screen.runs {
        assert_eq!(r.history.latest.as_ref().unwrap().epoch, stepped[0]);
    }
    std::thread::sleep(Duration::from_millis(100));
    harness.run_steps(3);
    assert_eq!(epochs(harness.state()), stepped);

    harness.get_by_label("Resume").click();
    wait_for(&mut harness, "training to resume", |app| app.wb.screen.epoch() >= stepped[0] + 3);
    // Space pauses too.
    harness.key_press(egui::Key::Space);
    wait_for(&mut harness, "the pause by keyboard", |app| {
        app.wb.screen.trainer_state == TrainerState::Paused
    });
    harness.get_by_label("Stop").click();
    wait_for(&mut harness, "the stop", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    assert!(harness.state().wb.screen.runs.iter().all(|r| r.status == RunStatus::Stopped));
}

#[test]
fn changing_lambda_mid_run_continues_from_the_same_weights() {
    let mut s = quick_settings(100_000);
    s.pace = Pace::Fixed(300.0);
    let mut harness = harness_with(s, DataSource::Builtin(Builtin::Iris));
    harness.get_by_label("Train").click();
    wait_for(&mut harness, "some training", |app| app.wb.screen.epoch() >= 20);
    harness.get_by_label("Pause").click();
    wait_for(&mut harness, "the pause", |app| app.wb.screen.trainer_state == TrainerState::Paused);
    harness.run_steps(5);
    let before = harness.state().wb.screen.runs[1].clone();
    let epoch_before = before.epoch();

    // The L1 run's λ slider (the first of the λ sliders), set as a screen reader would.
    harness
        .get_all_by_role_and_label(egui::accesskit::Role::Slider, "λ")
        .next()
        .expect("a λ slider")
        .set_value_accesskit(2.0);
    harness.run_steps(2);
    assert_eq!(harness.state().wb.settings.experiment.runs[1].lambda, 2.0);
    harness.get_by_label("Resume").click();
    wait_for(&mut harness, "training after the change", |app| {
        app.wb.screen.runs[1].epoch() >= epoch_before + 10
    });
    harness.get_by_label("Pause").click();
    wait_for(&mut harness, "the pause", |app| app.wb.screen.trainer_state == TrainerState::Paused);
    let after = &harness.state().wb.screen.runs[1];
    assert!(!harness.state().wb.stale(), "λ changes live, no reset needed");
    assert_eq!(after.changes.len(), 1);
    let change = &after.changes[0];
    assert_eq!((change.from, change.to), (LiveChange::Lambda(0.1), LiveChange::Lambda(2.0)));
    assert!(after.pending.is_empty(), "the trainer confirmed the change");
    assert!(
        change.epoch >= epoch_before && change.epoch < epoch_before + 5,
        "{} vs {epoch_before}",
        change.epoch
    );
    // Same history, continued: nothing was reset.
    assert_eq!(after.history.curves.train_error.points()[0], before.history.curves.train_error.points()[0]);
    assert!(after.history.curves.train_error.len() > before.history.curves.train_error.len());
    // The bigger λ shrinks the weights from where they were.
    let l1 = |h: &reglab::workbench::ScreenRun| h.history.latest.as_ref().unwrap().weights.l1;
    assert!(l1(after) < l1(&before), "{} → {}", l1(&before), l1(after));
    assert_eq!(after.history.latest.as_ref().unwrap().lambda, 2.0);
    // The other runs did not change.
    assert!(
        harness.state().wb.screen.runs[0].changes.is_empty()
            && harness.state().wb.screen.runs[2].changes.is_empty()
    );
}

#[test]
fn a_bad_file_shows_its_error_and_the_loaded_data_stays() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.csv");
    std::fs::write(&bad, "a,b,y\n1,2,0\n3,4,1\n5,oops,0\n7,8,1\n").unwrap();
    let mut harness = harness_with(quick_settings(50), DataSource::Builtin(Builtin::Wine));
    let runs_before = harness.state().wb.screen.runs.len();
    // The path field and Load button: the same loading code the dialog's answer takes.
    harness.get_by_label("Path").focus();
    harness.run_steps(1);
    harness.get_by_label("Path").type_text(bad.to_str().unwrap());
    harness.run_steps(1);
    harness.get_by_label("Load").click();
    harness.run_steps(2);
    wait_for(&mut harness, "the load to fail", |app| {
        !app.wb.is_loading() && app.wb.notices.list.iter().any(|n| n.error)
    });
    let app = harness.state();
    let error = app.wb.notices.list.iter().find(|n| n.error).unwrap();
    assert!(
        error.text.contains("broken.csv") && error.text.contains("line 4, column 2 ('b')"),
        "{}",
        error.text
    );
    assert!(error.text.contains("The data on screen (wine) is unchanged"), "{}", error.text);
    assert_eq!(app.wb.data.dataset.as_ref().unwrap().name, "wine");
    assert_eq!(app.wb.settings.experiment.data.source(), Some(DataSource::Builtin(Builtin::Wine)));
    assert_eq!(app.wb.screen.runs.len(), runs_before);
    harness.get_by_label_contains("line 4, column 2");
    // And the old data still trains.
    harness.get_by_label("Train").click();
    wait_for(&mut harness, "training on the old data", |app| {
        app.wb.screen.trainer_state == TrainerState::Finished
    });
}

#[test]
fn a_diverging_run_is_marked_while_the_others_finish() {
    let mut s = quick_settings(60);
    s.experiment.runs[2].lr = Some(1e9);
    s.experiment.runs[2].name = "huge η".into();
    let mut harness = harness_with(s, DataSource::Builtin(Builtin::BreastCancer));
    harness.get_by_label("Train").click();
    wait_for(&mut harness, "training to finish", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    let app = harness.state();
    assert!(matches!(app.wb.screen.runs[0].status, RunStatus::Done), "{:?}", app.wb.screen.runs[0].status);
    assert!(matches!(app.wb.screen.runs[1].status, RunStatus::Done), "{:?}", app.wb.screen.runs[1].status);
    let RunStatus::Diverged { epoch, reason } = &app.wb.screen.runs[2].status else {
        panic!("expected a diverged run, found {:?}", app.wb.screen.runs[2].status)
    };
    assert!(*epoch <= 5, "diverged at epoch {epoch}");
    assert!(reason.contains("step size"), "{reason}");
    assert_eq!(app.wb.screen.runs[0].epoch(), 60);
    assert!(
        app.wb
            .notices
            .list
            .iter()
            .any(|n| n.error && n.text.contains("huge η") && n.text.contains("stopped at epoch"))
    );
    harness.get_by_label_contains("diverged at epoch");
}

#[test]
fn with_lambda_zero_every_run_has_the_same_curves() {
    let mut s = quick_settings(40);
    for r in &mut s.experiment.runs {
        r.lambda = 0.0;
    }
    s.experiment.runs[1].reg = Regularizer::L1;
    s.experiment.runs[2].reg = Regularizer::L2;
    let mut harness = harness_with(s, DataSource::Builtin(Builtin::Wine));
    harness.get_by_label("Train").click();
    wait_for(&mut harness, "training to finish", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    let app = harness.state();
    let first = &app.wb.screen.runs[0];
    assert!(first.history.curves.train_error.len() > 10);
    for r in &app.wb.screen.runs[1..] {
        assert_eq!(
            r.history.curves.train_error.points(),
            first.history.curves.train_error.points(),
            "{} vs {}",
            r.name,
            first.name
        );
        assert_eq!(r.history.curves.val_error.points(), first.history.curves.val_error.points());
        assert_eq!(r.history.curves.l2.points(), first.history.curves.l2.points());
        assert_eq!(
            r.history.latest.as_ref().unwrap().histogram_all,
            first.history.latest.as_ref().unwrap().histogram_all
        );
    }
}

#[test]
fn reset_returns_every_run_to_epoch_zero_and_new_runs_join() {
    let mut harness = harness_with(quick_settings(30), DataSource::Builtin(Builtin::Iris));
    harness.get_by_label("Train").click();
    wait_for(&mut harness, "training to finish", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    // Below the fold of the settings panel: pressed through accessibility.
    harness.get_by_label("Add run").click_accesskit();
    harness.run_steps(2);
    assert_eq!(harness.state().wb.settings.experiment.runs.len(), 4);
    assert!(harness.state().wb.stale());
    harness.get_by_label("Reset").click();
    wait_for(&mut harness, "the new runs", |app| {
        app.wb.screen.runs.len() == 4 && app.wb.screen.runs.iter().all(|r| r.history.latest.is_some())
    });
    let app = harness.state();
    assert!(!app.wb.stale());
    assert_eq!(epochs(app), vec![0, 0, 0, 0]);
}

/// Renders a frame mid-training on the CPU (wgpu on lavapipe or llvmpipe) and
/// checks that the plots are drawn: the picture is not one flat colour.
#[test]
fn the_window_renders_mid_training() {
    let spec = SyntheticSpec { kind: SyntheticKind::Circle, ..SyntheticSpec::default() };
    let mut s = quick_settings(100_000);
    s.pace = Pace::Fixed(300.0);
    let mut harness = rendering(1600.0, 1000.0, s, move |app| {
        app.wb.start_load(DataSource::Synthetic(spec));
    });
    harness.get_by_label("Train").click();
    wait_for(&mut harness, "training", |app| {
        app.wb.screen.epoch() >= 60 && app.wb.screen.runs.iter().all(|r| r.pictures.boundary.is_some())
    });
    harness.get_by_label("Pause").click();
    harness.run_steps(3);
    let image = harness.render().expect("a frame renders");
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("window-mid-training.png");
    image.save(&out).unwrap();
    let first = image.get_pixel(800, 500);
    let varied = image.pixels().filter(|p| *p != first).count();
    assert!(varied > 100_000, "only {varied} pixels differ: nothing drawn? see {}", out.display());
    eprintln!("rendered to {}", out.display());
}

#[test]
fn the_preset_menu_and_keys_load_a_ready_comparison_with_its_explanation() {
    let mut harness = harness_with(quick_settings(50), DataSource::Builtin(Builtin::Iris));
    harness.get_by_label("Preset").click();
    harness.run_steps(2);
    harness.get_by_label("1  L1 finds the relevant inputs").click();
    harness.run_steps(2);
    wait_for(&mut harness, "the preset's data", |app| {
        app.wb.data.dataset.as_ref().is_some_and(|d| d.name.starts_with("irrelevant"))
            && app.wb.screen.runs.len() == 3
    });
    let app = harness.state();
    assert_eq!(app.wb.screen.note.as_ref().unwrap().name, "L1 finds the relevant inputs");
    let names: Vec<&str> = app.wb.screen.runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["none", "L1", "L2"]);
    assert_eq!(app.wb.settings.experiment.network.hidden, vec![8]);
    assert_eq!(app.wb.data.prepared.as_ref().unwrap().inputs(), 30);
    harness.get_by_label_contains("of which only the first 4 (x1–x4) carry the class");
    // Key 2 loads the second preset.
    harness.key_press(egui::Key::Num2);
    wait_for(&mut harness, "preset 2", |app| {
        app.wb.screen.note.as_ref().is_some_and(|p| p.name == "L2 against overfitting")
            && app.wb.data.dataset.as_ref().is_some_and(|d| d.name.starts_with("moons"))
            && app.wb.screen.runs.len() == 2
    });
    harness.get_by_label("Close").click();
    harness.run_steps(2);
    assert!(harness.state().wb.screen.note.is_none());
}

#[test]
fn the_formula_panel_shows_the_chosen_runs_rule_and_numbers() {
    let mut harness = harness_with(quick_settings(50), DataSource::Builtin(Builtin::Iris));
    // Run 2 (L1, proximal, λ 0.1) is shown by default; batch 32.
    harness.run_steps(2);
    harness.get_by_label_contains("E = E₀ + (λ/n)·Σ|w|");
    harness.get_by_label_contains("max(|v| − η·(λ/n), 0)");
    harness.get_by_label_contains("λ = 0.1,  n = 32 (the batch size),  λ/n = 0.00313");
    // The L2 run: the error with ½ and the note on the book's printed formula.
    harness.state_mut().view.formula_run = 2;
    harness.run_steps(2);
    harness.get_by_label_contains("E = E₀ + (λ/2n)·Σw²");
    harness.get_by_label_contains("The book prints E₀ + (λ/n)·Σw²");
    // A live λ change.
    harness
        .get_all_by_role_and_label(egui::accesskit::Role::Slider, "λ")
        .nth(1)
        .expect("the L2 run's λ slider")
        .set_value_accesskit(0.5);
    harness.run_steps(3);
    assert_eq!(harness.state().wb.settings.experiment.runs[2].lambda, 0.5);
    // The formula shows what the run trains with: λ once the trainer has made the change.
    wait_for(&mut harness, "the change made", |app| app.wb.screen.runs[2].pending.is_empty());
    harness.run_steps(2);
    harness.get_by_label_contains("λ = 0.5,  n = 32");
}

#[test]
fn projector_controls_zoom_theme_presentation_and_help() {
    let mut harness = harness_with(quick_settings(50), DataSource::Builtin(Builtin::Iris));
    let zoom = harness.ctx.zoom_factor();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Plus);
    harness.run_steps(2);
    assert!(harness.ctx.zoom_factor() > zoom, "Ctrl + zooms in");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Minus);
    harness.run_steps(2);
    assert!((harness.ctx.zoom_factor() - zoom).abs() < 1e-6, "Ctrl − zooms back");

    harness.get_by_label("View").click();
    harness.run_steps(2);
    harness.get_by_label("high contrast").click();
    harness.run_steps(2);
    assert_eq!(harness.state().view.theme, reglab::gui::Theme::HighContrast);
    assert_eq!(harness.ctx.global_style().visuals.panel_fill, egui::Color32::WHITE);

    harness.get_by_label("Present").click();
    harness.run_steps(2);
    assert!(harness.state().view.presentation);
    assert!(harness.query_by_label("Open file…").is_none(), "the settings panel is hidden");
    harness.key_press(egui::Key::P);
    harness.run_steps(2);
    assert!(!harness.state().view.presentation);
    harness.get_by_label("Open file…");

    harness.key_press(egui::Key::F1);
    harness.run_steps(2);
    assert!(harness.state().window.show_help);
    harness.get_by_label_contains("Presentation view: plots only");
}

/// Trains Wine 12 epochs one step at a time, changes the L1 run's λ after
/// epoch 5 and trains on to the end.
fn train_with_a_change(harness: &mut Harness<'static, ReglabApp>) {
    for k in 1..=5 {
        harness.get_by_label("Step").click();
        wait_for(harness, "a step", |app| app.wb.screen.epoch() == k);
    }
    harness
        .get_all_by_role_and_label(egui::accesskit::Role::Slider, "λ")
        .next()
        .expect("the L1 run's λ slider")
        .set_value_accesskit(3.0);
    harness.run_steps(2);
    harness.get_by_label("Resume").click();
    wait_for(harness, "training to finish", |app| app.wb.screen.trainer_state == TrainerState::Finished);
}

#[test]
fn a_saved_session_reopens_and_retrains_to_the_same_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workshop.toml");
    let mut first = harness_with(quick_settings(12), DataSource::Builtin(Builtin::Wine));
    train_with_a_change(&mut first);
    assert_eq!(first.state().wb.screen.runs[1].changes.len(), 1);
    assert_eq!(first.state().wb.screen.runs[1].changes[0].epoch, 5);
    first.state_mut().wb.save_session_to(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("[[changes]]") && text.contains("setting = \"lambda\""), "{text}");
    assert!(dir.path().read_dir().unwrap().count() == 1, "no temporary file is left behind");

    // A new window (as after a restart) offers it, and opens it with one click.
    let restarted = Settings { last_session: Some(path.clone()), pace: Pace::Fastest, ..Settings::default() };
    let mut second = harness_with(restarted, DataSource::Builtin(Builtin::Iris));
    second.get_by_label("Reopen the last session (workshop.toml)").click();
    second.run_steps(2);
    // It was saved at its end: it trains again to there by itself.
    wait_for(&mut second, "the session trained again to where it was left", |app| {
        app.wb.data.dataset.as_ref().is_some_and(|d| d.name == "wine")
            && app.wb.screen.runs.len() == 3
            && app.wb.screen.epoch() == 12
            && app.wb.screen.trainer_state == TrainerState::Finished
    });
    let (a, b) = (first.state(), second.state());
    for (ra, rb) in a.wb.screen.runs.iter().zip(&b.wb.screen.runs) {
        assert_eq!(ra.name, rb.name);
        assert_eq!(
            ra.history.latest.as_ref().unwrap(),
            rb.history.latest.as_ref().unwrap(),
            "{}: the last epoch's metrics",
            ra.name
        );
        // Every epoch both recorded has the same error, bit for bit.
        let shared = ra
            .history
            .curves
            .train_error
            .points()
            .iter()
            .filter(|p| rb.history.curves.train_error.points().iter().any(|q| q.x == p.x));
        for p in shared {
            let q = rb.history.curves.train_error.points().iter().find(|q| q.x == p.x).unwrap();
            assert_eq!(p.y.to_bits(), q.y.to_bits(), "{} at epoch {}", ra.name, p.x);
        }
        assert_eq!(ra.changes.len(), rb.changes.len());
    }
    assert_eq!(b.wb.screen.runs[1].history.latest.as_ref().unwrap().lambda, 3.0, "the change was replayed");

    // Removing the changed run and resetting still works: its change is dropped.
    second.state_mut().act(Action::RemoveRun(1));
    second.run_steps(2);
    second.get_by_label("Reset").click();
    wait_for(&mut second, "the runs without L1", |app| {
        app.wb.screen.runs.len() == 2 && app.wb.screen.runs.iter().all(|r| r.history.latest.is_some())
    });
    assert!(!second.state().wb.notices.list.iter().any(|n| n.error), "{:?}", second.state().wb.notices.list);

    // The command line replays it too.
    let metrics = dir.path().join("m.csv");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_reglab"))
        .args(["train", "-q", "--config"])
        .arg(&path)
        .arg("--metrics")
        .arg(&metrics)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = std::fs::read_to_string(&metrics).unwrap();
    let last_l1 = csv.lines().find(|l| l.starts_with("L1,12,")).expect("L1's epoch 12");
    let train_error: f64 = last_l1.split(',').nth(2).unwrap().parse().unwrap();
    assert_eq!(
        train_error.to_bits(),
        a.wb.screen.runs[1].history.latest.as_ref().unwrap().train.error.to_bits()
    );
}

#[test]
fn export_all_writes_every_file_and_the_pictures_decode() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    let spec = SyntheticSpec { kind: SyntheticKind::Circle, rows: 200, ..SyntheticSpec::default() };
    let settings = quick_settings(40);
    let mut harness = rendering(1600.0, 1000.0, settings, move |app| {
        app.wb.start_load(DataSource::Synthetic(spec));
    });
    harness.get_by_label("Train").click();
    wait_for(&mut harness, "training to finish", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    harness.run_steps(3);
    harness.state_mut().wb.export_to(&out);
    wait_for(&mut harness, "the export", |app| app.wb.exports.last.is_some());
    let reglab::workbench::Exported { dir: folder, files } = harness.state().wb.exports.last.clone().unwrap();
    assert!(!files.iter().any(|f| f == "path.png"), "no path was swept, so there is no picture of one");
    assert_eq!(folder, out);
    for f in [
        "session.toml",
        "metrics.csv",
        "weights.json",
        "window.png",
        "error.png",
        "accuracy.png",
        "histograms.png",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} missing from {files:?}");
    }
    for f in &files {
        let path = out.join(f);
        assert!(std::fs::metadata(&path).unwrap().len() > 0, "{f} is empty");
        if f.ends_with(".png") {
            let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
            let mut reader = decoder.read_info().unwrap();
            let mut buf = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut buf).unwrap();
            assert!(info.width > 100 && info.height > 50, "{f}: {}×{}", info.width, info.height);
            let first = &buf[..4];
            assert!(buf.chunks(4).any(|p| p != first), "{f} is one flat colour");
        }
    }
    let csv = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    assert!(csv.lines().any(|l| l.starts_with("L1,40,")), "the last epoch of L1 is in the CSV");
    let weights: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("weights.json")).unwrap()).unwrap();
    assert_eq!(weights["runs"].as_array().unwrap().len(), 3);
    reglab::experiment::Experiment::load(&out.join("session.toml")).unwrap();
}

#[test]
fn the_regularization_path_sweeps_every_penalised_run() {
    let mut harness = harness_with(quick_settings(50), DataSource::Builtin(Builtin::Iris));
    harness.key_press(egui::Key::Num1);
    wait_for(&mut harness, "preset 1", |app| {
        app.wb.data.dataset.as_ref().is_some_and(|d| d.name.starts_with("irrelevant"))
            && app.wb.screen.runs.len() == 3
    });
    harness.state_mut().view.sweep.count = 8;
    harness.state_mut().view.sweep.epochs = 40;
    harness.get_by_label("Regularization path").click();
    harness.run_steps(2);
    harness.get_by_label("Sweep λ").click();
    harness.run_steps(2);
    assert!(harness.state().wb.sweep_progress().is_some(), "the sweep runs in the background");
    wait_for(&mut harness, "the sweep", |app| app.wb.studies.sweep.is_some());
    let paths = harness.state().wb.studies.sweep.clone().unwrap();
    let names: Vec<&str> = paths.iter().map(|(p, _)| p.name.as_str()).collect();
    assert_eq!(names, ["L1", "L2"], "one path per penalised run");
    for (p, _) in &paths {
        assert_eq!(p.points.len(), 8);
        assert!(p.points.windows(2).all(|w| w[0].lambda > w[1].lambda), "λ decreases along the path");
        assert!(p.lambda_1se >= p.lambda_min);
    }
    let l1 = &paths[0].0;
    assert!(
        l1.points[0].nonzero < l1.points[7].nonzero,
        "the largest λ leaves fewer weights than the smallest"
    );
    harness.run_steps(2);
    harness.get_by_label_contains("L1: input importance against log₁₀ λ");
}

#[test]
fn ctrl_e_exports_the_metrics_that_reglab_train_writes() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_path_buf();
    let mut harness = rendering(1600.0, 1000.0, quick_settings(25), move |app| {
        // As on a machine without an XDG desktop portal: the default folder.
        app.wb.dialog_unavailable = true;
        app.wb.data_dir = data_dir;
        app.wb.start_load(DataSource::Builtin(Builtin::Wine));
    });
    train_with_a_change(&mut harness);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    wait_for(&mut harness, "the export", |app| app.wb.exports.last.is_some());
    let reglab::workbench::Exported { dir: folder, files } = harness.state().wb.exports.last.clone().unwrap();
    assert!(folder.starts_with(dir.path().join("exports")), "{}", folder.display());
    harness.run_steps(2);
    harness.get_by_label_contains(&format!("Exported {} files to {}", files.len(), folder.display()));
    assert!(files.iter().any(|f| f == "window.png"), "{files:?}");
    let cli = dir.path().join("cli.csv");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_reglab"))
        .args(["train", "-q", "--config"])
        .arg(folder.join("session.toml"))
        .arg("--metrics")
        .arg(&cli)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let window = std::fs::read_to_string(folder.join("metrics.csv")).unwrap();
    assert_eq!(window.lines().count(), 1 + 3 * 26);
    assert_eq!(window, std::fs::read_to_string(&cli).unwrap(), "Export all's metrics are reglab train's");
}

#[test]
fn a_network_too_large_for_memory_shows_an_error_and_the_window_goes_on() {
    let mut harness = harness_with(quick_settings(20), DataSource::Builtin(Builtin::Iris));
    harness.get_by_label("Hidden layers").focus();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Hidden layers").type_text("100000,100000");
    harness.run_steps(2);
    assert_eq!(harness.state().wb.settings.experiment.network.hidden, vec![100_000, 100_000]);
    harness.get_by_label("Reset").click();
    harness.run_steps(3);
    let error = harness.state().wb.notices.list.iter().rev().find(|n| n.error).cloned().expect("an error");
    assert!(error.text.contains("4-100000-100000-3") && error.text.contains("more than"), "{}", error.text);
    harness.get_by_label_contains("Cannot set up the runs");
    assert_eq!(harness.state().wb.screen.runs.len(), 3, "the runs on screen stay");
    // Back to a network that fits, and on it goes.
    harness.get_by_label("Hidden layers").focus();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Hidden layers").type_text("4");
    harness.run_steps(2);
    assert_eq!(harness.state().wb.settings.experiment.network.hidden, vec![4]);
    harness.get_by_label("Train").click();
    wait_for(&mut harness, "training", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    assert!(harness.state().wb.screen.runs.iter().all(|r| r.epoch() == 20));
}

/// The views that make each experiment's point lie whole inside the window,
/// large enough to read, at the most common projector size and at full HD;
/// a picture of each is written beside the test binary to look at.
#[test]
fn every_preset_shows_its_key_views_whole_at_projector_sizes() {
    use reglab::experiment::{ViewKind, preset};
    for (w, h) in [(1280.0, 720.0), (1920.0, 1080.0)] {
        let mut harness = rendering(w, h, quick_settings(20), |app| app.wb.load_current());
        for k in std::iter::once(None).chain((0..reglab::experiment::PRESETS.len()).map(Some)) {
            let (name, keys) = match k {
                None => ("default".to_string(), reglab::experiment::default_experiment().views),
                Some(k) => {
                    let exp = preset(k).unwrap().unwrap();
                    harness.key_press(
                        [
                            egui::Key::Num1,
                            egui::Key::Num2,
                            egui::Key::Num3,
                            egui::Key::Num4,
                            egui::Key::Num5,
                            egui::Key::Num6,
                            egui::Key::Num7,
                            egui::Key::Num8,
                        ][k],
                    );
                    let first = exp.runs[0].name.clone();
                    let runs = exp.runs.len();
                    let title = exp.name.clone().unwrap();
                    wait_for(&mut harness, "the preset", |app| {
                        app.wb.screen.note.as_ref().is_some_and(|p| p.name == title)
                            && app.wb.screen.runs.len() == runs
                            && app.wb.screen.runs[0].name == first
                            && app.wb.screen.runs.iter().all(|r| r.history.latest.is_some())
                    });
                    (format!("preset-{}", k + 1), exp.views)
                }
            };
            assert!(!keys.is_empty(), "{name} names its key views");
            harness.get_by_label("Train").click();
            wait_for(&mut harness, "training", |app| app.wb.screen.trainer_state == TrainerState::Finished);
            if keys.contains(&ViewKind::Geometry) {
                wait_for(&mut harness, "the contours", |app| !app.wb.studies.geometry.is_empty());
            }
            harness.run_steps(4);
            let window = harness.ctx.content_rect();
            for kind in &keys {
                let rect = harness
                    .state()
                    .window
                    .dashboard
                    .rect_of(*kind)
                    .unwrap_or_else(|| panic!("{name} at {w}×{h}: {kind:?} is not on screen"));
                assert!(
                    window.contains_rect(rect),
                    "{name} at {w}×{h}: {kind:?} at {rect:?} is cut by {window:?}"
                );
                assert!(
                    rect.width() >= 300.0 && rect.height() >= 220.0,
                    "{name} at {w}×{h}: {kind:?} is only {}×{}",
                    rect.width(),
                    rect.height()
                );
            }
            if keys.contains(&ViewKind::Network) {
                // One picture per run, each saying how many weights are not 0.
                let drawn = harness.query_all_by_label_contains("weights not 0").count();
                assert_eq!(drawn, harness.state().wb.screen.runs.len(), "{name}: a network per run");
            }
            let image = harness.render().expect("a frame renders");
            let out =
                std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("layout-{name}-{w}x{h}.png"));
            image.save(&out).unwrap();
        }
    }
}

#[test]
fn the_layout_is_kept_with_the_settings_and_in_a_session() {
    use reglab::experiment::{Layout, ViewKind};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("layout.toml");
    let mut first = harness_with(quick_settings(5), DataSource::Builtin(Builtin::Iris));
    let chosen = Layout::Horizontal {
        children: vec![Layout::View { view: ViewKind::Importance }, Layout::View { view: ViewKind::Norms }],
        shares: vec![3.0, 1.0],
    };
    first.state_mut().window.dashboard.set_layout(&chosen);
    first.run_steps(2);
    let shown = first.state().window.dashboard.layout();
    assert_eq!(
        first.state().wb.settings.experiment.layout.as_ref(),
        Some(&shown),
        "kept with the app's settings"
    );
    assert_eq!(&shown.views()[..2], &[ViewKind::Importance, ViewKind::Norms]);
    first.state_mut().wb.save_session_to(&path).unwrap();
    assert!(std::fs::read_to_string(&path).unwrap().contains("[layout]"));

    // A new window with the saved settings shows it; so does opening the session.
    let settings = first.state().wb.settings.clone();
    let second = harness_with(settings, DataSource::Builtin(Builtin::Iris));
    assert_eq!(second.state().window.dashboard.layout(), shown);
    let mut third = harness_with(quick_settings(5), DataSource::Builtin(Builtin::Wine));
    assert_ne!(third.state().window.dashboard.layout(), shown);
    third.state_mut().act(Action::OpenSessionFile(path));
    wait_for(&mut third, "the session", |app| app.wb.data.dataset.as_ref().is_some_and(|d| d.name == "iris"));
    third.run_steps(2);
    assert_eq!(third.state().window.dashboard.layout(), shown);
    // Reset layout brings back the experiment's own.
    third.get_by_label("View").click();
    third.run_steps(2);
    third.get_by_label("Reset layout").click();
    third.run_steps(2);
    assert_eq!(third.state().window.dashboard.layout(), Layout::focus(&[]));
}

#[test]
fn a_view_maximises_and_restores() {
    use reglab::experiment::ViewKind;
    let mut harness = harness_with(quick_settings(5), DataSource::Builtin(Builtin::Iris));
    harness.run_steps(2);
    let before = harness.state().window.dashboard.layout();
    harness.get_all_by_label("Maximise").next().expect("a Maximise button").click();
    harness.run_steps(2);
    let shown = harness.state().window.dashboard.maximized.expect("one view alone");
    let rect = harness.state().window.dashboard.rect_of(shown).unwrap();
    assert!(rect.width() > 1000.0, "{rect:?}");
    assert!(harness.state().window.dashboard.drawn.len() == 1);
    harness.get_by_label("Restore").click();
    harness.run_steps(2);
    assert_eq!(harness.state().window.dashboard.maximized, None);
    assert_eq!(harness.state().window.dashboard.layout(), before);
    assert!(harness.state().window.dashboard.rect_of(ViewKind::Error).is_some());
}

/// Every view alone (maximised) after training, with the band over seeds,
/// the contours and the networks drawn; a picture of each is written
/// beside the test binary.
#[test]
fn every_view_draws_alone() {
    use reglab::experiment::ViewKind;
    let spec = SyntheticSpec { kind: SyntheticKind::Circle, rows: 200, ..SyntheticSpec::default() };
    let mut harness = rendering(1280.0, 720.0, quick_settings(60), move |app| {
        app.wb.start_load(DataSource::Synthetic(spec));
    });
    harness.get_by_label("Train").click();
    wait_for(&mut harness, "training", |app| {
        app.wb.screen.trainer_state == TrainerState::Finished && !app.wb.studies.geometry.is_empty()
    });
    harness.state_mut().act(Action::RunSeeds { count: 3 });
    wait_for(&mut harness, "the seeds", |app| app.wb.studies.seeds.is_some());
    for kind in ViewKind::ALL {
        harness.state_mut().window.dashboard.maximized = Some(kind);
        harness.run_steps(3);
        let rect = harness.state().window.dashboard.rect_of(kind).expect("drawn");
        assert!(rect.width() > 1000.0, "{kind:?}: {rect:?}");
        assert_eq!(harness.state().window.dashboard.drawn.len(), 1);
        let image = harness.render().expect("a frame renders");
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("view-{}.png", kind.id()));
        image.save(&out).unwrap();
    }
    harness.get_by_label_contains("below none in");
}

/// A window that autosaves under `data_dir`, with `set` loaded.
fn autosaving(data_dir: &std::path::Path, set: Builtin) -> Harness<'static, ReglabApp> {
    let d = data_dir.to_path_buf();
    Harness::builder().with_size(egui::vec2(1600.0, 1000.0)).build_eframe(move |cc| {
        let mut app = ReglabApp::with_settings(cc.egui_ctx.clone(), quick_settings(12));
        app.wb.data_dir = d;
        app.wb.enable_autosave();
        app.wb.start_load(DataSource::Builtin(set));
        app
    })
}

/// The session is autosaved every few seconds; a reglab that stops without
/// closing (killed, crashed: no exit) offers it back at the next start.
#[test]
fn an_autosaved_session_is_offered_back_after_a_stop_without_closing() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_path_buf();
    let mut first = autosaving(&data_dir, Builtin::Wine);
    wait_for(&mut first, "the runs", runs_ready);
    train_with_a_change(&mut first);
    let autosave = first.state().wb.autosave_path();
    let expected = first.state().wb.session_experiment().unwrap();
    wait_for(&mut first, "the autosave", |app| {
        std::fs::read_to_string(app.wb.autosave_path())
            .ok()
            .and_then(|t| reglab::experiment::Experiment::from_toml(&t).ok())
            .is_some_and(|e| e == app.wb.session_experiment().unwrap())
    });
    // Stopped without closing: no exit, the autosave stays.
    drop(first);
    assert!(autosave.exists());

    let mut second = autosaving(&data_dir, Builtin::Iris);
    wait_for(&mut second, "the runs", runs_ready);
    assert!(second.state().wb.notices.offer_restore.is_some());
    second.get_by_label("Restore the session reglab had when it stopped without closing").click();
    second.run_steps(2);
    wait_for(&mut second, "the restored session", |app| {
        app.wb.data.dataset.as_ref().is_some_and(|d| d.name == "wine")
            && app.wb.screen.runs.iter().all(|r| r.history.latest.is_some())
    });
    let restored = second.state().wb.session_experiment().unwrap();
    assert_eq!(restored.runs, expected.runs);
    assert_eq!(restored.training, expected.training);
    // It trains again, by itself, to where it was left, replaying the change made while training.
    wait_for(&mut second, "the replay", |app| {
        app.wb.screen.trainer_state == TrainerState::Finished && app.wb.screen.epoch() == 12
    });
    assert_eq!(second.state().wb.screen.runs[1].changes.len(), 1);
    assert_eq!(second.state().wb.screen.runs[1].history.latest.as_ref().unwrap().lambda, 3.0);
}

/// Thousands of random actions, as a person (or a cat on the keyboard)
/// might do them: every kind of button, menu, key, field and slider, with
/// random and extreme values, on the presets and data sets, while training.
/// Nothing may panic, abort or hang. Seeded, so that a failure replays:
/// `REGLAB_MONKEY_SEED=7 REGLAB_MONKEY_STEPS=20000 cargo test --test gui monkey`.
#[test]
fn a_monkey_cannot_break_the_window() {
    use egui::accesskit::Role;
    use rand::{Rng, SeedableRng};
    use reglab::data::SyntheticKind;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let var =
        |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let seed = var("REGLAB_MONKEY_SEED", 1);
    let steps = var("REGLAB_MONKEY_STEPS", 1500) as usize;
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_path_buf();
    let mut s = quick_settings(300);
    s.pace = Pace::Fixed(400.0);
    // As in the app itself, a character no font has shows as a box (egui's
    // own colour picker has one); the other tests keep reglab's text strict.
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .allow_missing_glyphs()
        .build_eframe(move |cc| {
            let mut app = ReglabApp::with_settings(cc.egui_ctx.clone(), s);
            // No system dialogs here: sessions and exports go to the data folder.
            app.wb.dialog_unavailable = true;
            app.wb.data_dir = data_dir;
            app.wb.start_load(DataSource::Builtin(Builtin::Iris));
            app
        });
    wait_for(&mut harness, "the runs", |app| !app.wb.screen.runs.is_empty());

    // A hang is a failure too: the watchdog says where it stopped.
    let step_now = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    {
        let (step_now, done) = (Arc::clone(&step_now), Arc::clone(&done));
        std::thread::spawn(move || {
            let limit = Duration::from_secs(60 + steps as u64 / 4);
            let start = Instant::now();
            while start.elapsed() < limit {
                if done.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            eprintln!(
                "monkey (seed {seed}): no progress after {limit:?}, at step {}",
                step_now.load(Ordering::Relaxed)
            );
            std::process::exit(1);
        });
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let values = [0.0, 1e-9, 1e-4, 0.01, 0.3, 1.0, 7.0, 1e3, 1e6, 1e30, -1.0, -1e9];
    let texts = [
        "",
        "0",
        "-5",
        "abc",
        "1e9",
        "8",
        "16,16",
        "100000,100000",
        "none",
        "3,0,3",
        "é,ü",
        "/no/such/file.csv",
    ];
    let keys = [
        egui::Key::Space,
        egui::Key::S,
        egui::Key::R,
        egui::Key::Escape,
        egui::Key::ArrowRight,
        egui::Key::M,
        egui::Key::P,
        egui::Key::F1,
        egui::Key::Num1,
        egui::Key::Num2,
        egui::Key::Num3,
        egui::Key::Num4,
        egui::Key::Num5,
        egui::Key::Num6,
        egui::Key::Num7,
    ];
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 720.0));
    let mut counts = [0usize; 10];
    for step in 0..steps {
        step_now.store(step, Ordering::Relaxed);
        let what = rng.random_range(0..10);
        counts[what] += 1;
        match what {
            0..=3 => {
                let role = [Role::Button, Role::CheckBox, Role::RadioButton, Role::ComboBox, Role::Tab]
                    [rng.random_range(0..5)];
                let nodes: Vec<_> = harness
                    .query_all_by_role(role)
                    .filter(|n| {
                        use egui_kittest::kittest::NodeT;
                        !n.accesskit_node().is_disabled() && screen.contains_rect(n.rect())
                    })
                    .map(|n| n.rect().center())
                    .collect();
                if !nodes.is_empty() {
                    let p = nodes[rng.random_range(0..nodes.len())];
                    harness.hover_at(p);
                    harness.run_steps(1);
                    harness.event(egui::Event::PointerButton {
                        pos: p,
                        button: egui::PointerButton::Primary,
                        pressed: true,
                        modifiers: egui::Modifiers::NONE,
                    });
                    harness.event(egui::Event::PointerButton {
                        pos: p,
                        button: egui::PointerButton::Primary,
                        pressed: false,
                        modifiers: egui::Modifiers::NONE,
                    });
                }
            }
            4 => {
                let key = keys[rng.random_range(0..keys.len())];
                if rng.random_bool(0.15) {
                    let k = [egui::Key::S, egui::Key::E, egui::Key::O, egui::Key::Plus, egui::Key::Minus]
                        [rng.random_range(0..5)];
                    harness.key_press_modifiers(egui::Modifiers::COMMAND, k);
                } else {
                    harness.key_press(key);
                }
            }
            5 | 6 => {
                let role = if what == 5 { Role::Slider } else { Role::SpinButton };
                let count = harness.query_all_by_role(role).count();
                if count > 0 {
                    let k = rng.random_range(0..count);
                    let v = values[rng.random_range(0..values.len())];
                    if let Some(node) = harness.query_all_by_role(role).nth(k) {
                        node.set_value_accesskit(v);
                    }
                }
            }
            7 => {
                let count = harness.query_all_by_role(Role::TextInput).count();
                if count > 0 {
                    let k = rng.random_range(0..count);
                    let text = texts[rng.random_range(0..texts.len())];
                    if let Some(node) = harness.query_all_by_role(Role::TextInput).nth(k) {
                        node.focus();
                    }
                    harness.run_steps(1);
                    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
                    if let Some(node) = harness.query_all_by_role(Role::TextInput).nth(k) {
                        node.type_text(text);
                    }
                    harness.key_press(egui::Key::Enter);
                }
            }
            8 => {
                let app = harness.state_mut();
                let runs = app.wb.settings.experiment.runs.len();
                let action = match rng.random_range(0..14) {
                    0 => Action::Preset(rng.random_range(0..reglab::experiment::PRESETS.len())),
                    1 => Action::AddRun,
                    2 => Action::RemoveRun(rng.random_range(0..runs.max(1))),
                    3 => Action::DuplicateRun(rng.random_range(0..runs.max(1))),
                    4 => {
                        let mut data = app.wb.settings.experiment.data.clone();
                        data.validation = rng.random_range(-0.2..1.2);
                        Action::SetData { data: Box::new(data), commit: true }
                    }
                    5 => Action::SetPace(Pace::Fixed(
                        values[rng.random_range(0..values.len())].abs().max(1e-3),
                    )),
                    6 => Action::RunSeeds { count: rng.random_range(0..4) },
                    7 => Action::ComputeGeometry,
                    8 => Action::RunSweep {
                        count: rng.random_range(0..5),
                        min_ratio: rng.random_range(-0.5..1.5),
                        epochs: 3,
                    },
                    9 => {
                        let kinds = SyntheticKind::ALL;
                        let spec = SyntheticSpec {
                            kind: kinds[rng.random_range(0..kinds.len())],
                            rows: rng.random_range(0..400),
                            extra: rng.random_range(0..5),
                            ..SyntheticSpec::default()
                        };
                        Action::Load(DataSource::Synthetic(spec))
                    }
                    10 => Action::Load(DataSource::Builtin(
                        [Builtin::Iris, Builtin::Wine, Builtin::Diabetes][rng.random_range(0..3)],
                    )),
                    11 => Action::SetPace(Pace::Fastest),
                    12 => Action::CancelSweep,
                    _ => Action::ExportAll,
                };
                app.act(action);
            }
            _ => {
                std::thread::sleep(Duration::from_millis(rng.random_range(0..20)));
            }
        }
        harness.run_steps(1);
    }
    // Still alive: with sane settings again, it loads, sets up and trains.
    let mut data = harness.state().wb.settings.experiment.data.clone();
    (data.validation, data.test) = (0.3, 0.0);
    harness.state_mut().act(Action::SetData { data: Box::new(data), commit: false });
    harness.state_mut().act(Action::Load(DataSource::Builtin(Builtin::Iris)));
    wait_for(&mut harness, "Iris again", |app| {
        app.wb.data.dataset.as_ref().is_some_and(|d| d.name == "iris") && !app.wb.is_loading()
    });
    let mut network = harness.state().wb.settings.experiment.network.clone();
    network.hidden = vec![4];
    harness.state_mut().act(Action::SetNetwork(network));
    let mut training = reglab::experiment::default_experiment().training;
    training.epochs = Some(50);
    harness.state_mut().act(Action::SetTraining(training));
    harness.state_mut().act(Action::SetUntilPaused(false));
    harness.state_mut().act(Action::SetPace(Pace::Fastest));
    harness.state_mut().act(Action::Reset);
    harness.run_steps(2);
    harness.state_mut().act(Action::Train);
    harness.run_steps(20);
    {
        let wb = &harness.state().wb;
        eprintln!(
            "after the monkey: state {:?}, stale {}, runs {:?}, training {:?}, pace {:?}",
            wb.screen.trainer_state,
            wb.stale(),
            wb.screen.runs.iter().map(|r| (r.name.clone(), r.epoch(), r.status.clone())).collect::<Vec<_>>(),
            wb.settings.experiment.training,
            wb.settings.pace
        );
    }
    wait_for(&mut harness, "training after the monkey", |app| {
        app.wb.screen.trainer_state == TrainerState::Finished
            && app.wb.screen.runs.iter().any(|r| r.epoch() > 0)
    });
    done.store(true, Ordering::Relaxed);
    assert_eq!(
        harness.state().wb.notices.internal_errors,
        0,
        "monkey (seed {seed}): background work failed inside"
    );
    eprintln!("monkey (seed {seed}): {steps} steps {counts:?}, still training");
}

/// Cells copied from a spreadsheet or a web table and pasted (Ctrl+V) load
/// as a dataset named "pasted", with the rules of a file: here a column of
/// names set aside as the rows' labels, a class "none" kept as a class, and
/// the Data panel saying so; a session saved with them holds the cells.
#[test]
fn pasted_cells_load_as_a_dataset() {
    let mut harness = harness_with(quick_settings(10), DataSource::Builtin(Builtin::Iris));
    let mut text = String::from("name\tlength\twidth\tkind\n");
    for k in 0..24 {
        let kind = ["none", "small", "large"][k % 3];
        text += &format!("animal {k}\t{}.{}\t{}\t{kind}\n", 10 + k, k % 10, 3 + k % 5);
    }
    harness.event(egui::Event::Paste(text.clone()));
    wait_for(&mut harness, "the pasted cells", |app| {
        app.wb.screen.experiment().is_some_and(|e| e.data.pasted.is_some()) && runs_ready(app)
    });
    let app = harness.state();
    let ds = app.wb.data.dataset.as_ref().unwrap();
    assert_eq!(ds.rows(), 24);
    assert_eq!(ds.feature_count(), 2, "length and width; the names are the rows' labels");
    assert_eq!(ds.class_labels().len(), 3, "'none' is a class: {:?}", ds.class_labels());
    assert!(ds.row_labels.as_ref().is_some_and(|l| l.column == "name"));
    harness.get_by_label_contains("pasted: 24 rows × 2 features");
    harness.get_by_label_contains("'name'");
    let session = harness.state().wb.session_experiment().unwrap();
    assert_eq!(session.data.pasted.as_deref(), Some(text.as_str()), "the session keeps the cells");
}

/// The shipped workshop, walked from its first step to its last with a
/// presenter's keys: each step shows its number and title, opens its
/// experiment with its views, and its cues happen (train at the start, a λ
/// raised at an epoch, a view maximised at the end); Esc leaves the lesson
/// and keeps the workbench as it is.
#[test]
fn the_workshop_lesson_walks_from_its_first_step_to_its_last() {
    let mut harness = harness_with(quick_settings(10), DataSource::Builtin(Builtin::Iris));
    harness.state_mut().act(Action::OpenShippedLesson(0));
    harness.run_steps(2);
    let lesson = harness.state().wb.lesson.clone().expect("the lesson is on").lesson;
    let n = lesson.steps.len();
    for (k, step) in lesson.steps.iter().enumerate() {
        // The session on screen before the step: its own runs come after.
        let before = harness.state().wb.screen.session_id;
        if k > 0 {
            harness.key_press(egui::Key::PageDown);
            harness.run_steps(2);
        }
        assert_eq!(harness.state().wb.lesson.as_ref().unwrap().step, k, "step {}", k + 1);
        harness.get_by_label_contains(&format!("step {} of {n}", k + 1));
        assert!(harness.get_all_by_label(&step.title).count() >= 1, "step {}: its title", k + 1);
        let Some(exp) = &step.experiment else { continue };
        let names: Vec<String> = exp.runs.iter().map(|r| r.name.clone()).collect();
        wait_for(&mut harness, &format!("step {}: its runs, training", k + 1), |app| {
            app.wb.screen.session_id > before
                && app.wb.screen.note.as_ref().is_some_and(|n| n.name == step.title)
                && app.wb.screen.runs.iter().map(|r| r.name.clone()).collect::<Vec<_>>() == names
                && app.wb.screen.trainer_state != TrainerState::Idle
        });
        let views = if step.views.is_empty() { exp.views.clone() } else { step.views.clone() };
        harness.run_steps(3);
        for v in views {
            assert!(harness.state().window.dashboard.rect_of(v).is_some(), "step {}: {v:?} on screen", k + 1);
        }
        if step.title == "A stronger L1 mid-run" {
            wait_for(&mut harness, "the end of the step", |app| {
                app.wb.screen.trainer_state == TrainerState::Finished && app.wb.screen.epoch() >= 150
            });
            let l1 = &harness.state().wb.screen.runs[0];
            assert_eq!((l1.changes[0].epoch, l1.changes[0].to), (150, LiveChange::Lambda(2.0)));
        }
        if step.title == "Why L1 gives zeros: the picture" {
            wait_for(&mut harness, "the view maximised at the end", |app| {
                app.window.dashboard.maximized == Some(reglab::experiment::ViewKind::Geometry)
            });
        }
    }
    // Past the last step nothing moves; Left arrow goes back; Esc leaves.
    harness.key_press(egui::Key::PageDown);
    harness.run_steps(2);
    assert_eq!(harness.state().wb.lesson.as_ref().unwrap().step, n - 1);
    harness.key_press(egui::Key::ArrowLeft);
    harness.run_steps(2);
    assert_eq!(harness.state().wb.lesson.as_ref().unwrap().step, n - 2);
    let runs_before = harness.state().wb.screen.runs.len();
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(harness.state().wb.lesson.is_none(), "Esc leaves the lesson");
    assert_eq!(
        harness.state().wb.screen.runs.len(),
        runs_before,
        "and the workbench keeps what is on screen"
    );
}

/// The description a screen reader gets of view `kind`: its node is an image
/// named by the view's title.
fn description_of(harness: &Harness<'static, ReglabApp>, kind: reglab::experiment::ViewKind) -> String {
    let node = harness.get_by_role_and_label(egui::accesskit::Role::Image, kind.title());
    node.accesskit_node().description().unwrap_or_else(|| panic!("{kind:?} has no description"))
}

#[test]
fn every_plot_is_found_by_its_name_and_read_with_its_runs_and_numbers() {
    use reglab::experiment::ViewKind;
    use reglab::workbench::describe::{percent, sig};
    let mut harness = harness_with(quick_settings(30), DataSource::Builtin(Builtin::Iris));
    harness.state_mut().act(Action::Train);
    wait_for(&mut harness, "the runs to finish", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    wait_for(&mut harness, "the contours", |app| !app.wb.studies.geometry.is_empty());
    let names: Vec<String> = harness.state().wb.screen.runs.iter().map(|r| r.name.clone()).collect();
    assert!(names.len() >= 2);
    for kind in ViewKind::ALL {
        harness.state_mut().window.dashboard.maximized = Some(kind);
        harness.run_steps(2);
        let text = description_of(&harness, kind);
        let runs: &[String] = if matches!(kind, ViewKind::Path | ViewKind::Boundary) { &[] } else { &names };
        for name in runs {
            assert!(text.contains(name.as_str()), "{kind:?}: {name} in {text:?}");
        }
        let app = harness.state();
        let run = |k: usize| app.wb.screen.runs[k].history.latest.as_ref().unwrap();
        match kind {
            ViewKind::Error => {
                assert!(text.starts_with("Error, epoch 30 (validation): "), "{text}");
                for (k, name) in names.iter().enumerate() {
                    let v = run(k).val.unwrap().error;
                    assert!(text.contains(&format!("{name} {}", sig(v))), "{text}");
                }
            }
            ViewKind::Accuracy => {
                for (k, name) in names.iter().enumerate() {
                    let v = run(k).val.unwrap().accuracy.unwrap();
                    assert!(text.contains(&format!("{name} {}", percent(v))), "{text}");
                }
            }
            ViewKind::Sparsity => {
                for (k, name) in names.iter().enumerate() {
                    assert!(
                        text.contains(&format!("{name} {}", percent(run(k).weights.zero_frac))),
                        "{text}"
                    );
                }
            }
            ViewKind::Norms => {
                for (k, name) in names.iter().enumerate() {
                    assert!(text.contains(&format!("{name} Σ|w| {}", sig(run(k).weights.l1))), "{text}");
                }
            }
            ViewKind::Histograms => {
                for (k, name) in names.iter().enumerate() {
                    let m = run(k);
                    assert!(
                        text.contains(&format!("{name} {} weights", m.weights.count))
                            && text.contains(&format!("{} exactly 0", m.histogram_all.zeros)),
                        "{text}"
                    );
                }
            }
            ViewKind::Geometry => {
                let p = &app.wb.studies.geometry[0];
                assert!(text.contains(&format!("{} = {}", p.names.0, sig(p.now.0))), "{text}");
            }
            ViewKind::Network => {
                let p = app.wb.screen.runs[0].pictures.network.as_ref().unwrap();
                assert!(text.contains(&format!("{} of {}", p.nonzero, p.total)), "{text}");
            }
            _ => assert!(text.len() > kind.title().len() + 10, "{kind:?}: {text}"),
        }
    }
}

#[test]
fn a_description_is_renewed_at_a_calm_rate_while_the_runs_train() {
    use reglab::experiment::ViewKind;
    let mut settings = quick_settings(1_000_000);
    settings.pace = Pace::Watch;
    let mut harness = harness_with(settings, DataSource::Builtin(Builtin::Iris));
    harness.state_mut().window.dashboard.maximized = Some(ViewKind::Error);
    harness.state_mut().act(Action::Train);
    wait_for(&mut harness, "training", |app| app.wb.screen.epoch() > 0);
    // Each frame is a quarter of a second of the window's time: seven frames
    // are less than the two seconds between renewals, and see at most one.
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..7 {
        harness.step();
        std::thread::sleep(Duration::from_millis(30));
        let text = description_of(&harness, ViewKind::Error);
        if seen.last() != Some(&text) {
            seen.push(text);
        }
    }
    assert!(seen.len() <= 2, "renewed every frame: {seen:#?}");
    for _ in 0..10 {
        harness.step();
        std::thread::sleep(Duration::from_millis(30));
    }
    let later = description_of(&harness, ViewKind::Error);
    assert_ne!(Some(&later), seen.last(), "renewed as the runs train");
    harness.state_mut().act(Action::TogglePlay);
}

#[test]
fn the_decision_boundary_is_read_with_each_runs_accuracy() {
    use reglab::experiment::ViewKind;
    use reglab::workbench::describe::percent;
    let mut harness = harness_with(quick_settings(20), DataSource::Synthetic(SyntheticSpec::default()));
    harness.state_mut().act(Action::Train);
    wait_for(&mut harness, "the runs to finish", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    harness.state_mut().window.dashboard.maximized = Some(ViewKind::Boundary);
    harness.run_steps(2);
    let text = description_of(&harness, ViewKind::Boundary);
    for r in &harness.state().wb.screen.runs {
        let m = r.history.latest.as_ref().unwrap();
        let accuracy = m.val.unwrap_or(m.train).accuracy.unwrap();
        assert!(text.contains(&format!("{} {}", r.name, percent(accuracy))), "{text}");
    }
}

/// The stroked rectangles of the last frame, with their stroke width.
fn stroked_rects(harness: &Harness<'static, ReglabApp>) -> Vec<(egui::Rect, f32)> {
    fn collect(shape: &egui::Shape, out: &mut Vec<(egui::Rect, f32)>) {
        match shape {
            egui::Shape::Vec(v) => v.iter().for_each(|s| collect(s, out)),
            egui::Shape::Rect(r) if r.stroke.width > 0.0 => out.push((r.rect, r.stroke.width)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &harness.output().shapes {
        collect(&clipped.shape, &mut out);
    }
    out
}

#[test]
fn tab_reaches_the_controls_and_the_focused_one_has_a_ring_to_see() {
    let mut harness = harness_with(quick_settings(10), DataSource::Builtin(Builtin::Iris));
    let mut focused = std::collections::HashSet::new();
    let mut reached_train = false;
    for _ in 0..150 {
        harness.key_press(egui::Key::Tab);
        harness.run_steps(1);
        let Some(id) = harness.ctx.memory(|m| m.focused()) else { continue };
        focused.insert(id);
        reached_train |= harness.get_by_label("Train").accesskit_node().is_focused();
        let rect = harness.ctx.read_response(id).expect("the focused widget was drawn").rect;
        assert!(
            stroked_rects(&harness).iter().any(|(r, w)| *w >= 2.0 && r.contains_rect(rect)),
            "no ring around the focused widget at {rect:?}"
        );
    }
    assert!(reached_train, "Tab reaches Train");
    assert!(focused.len() >= 20, "Tab reaches {} controls", focused.len());
}

/// Runs frames until the window's picture is written, and says what the status bar said.
fn picture_written(harness: &mut Harness<'static, ReglabApp>) -> String {
    let start = Instant::now();
    while harness.state().window.recording.is_some() {
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
        assert!(start.elapsed() < Duration::from_secs(240), "the picture takes too long");
    }
    harness.step();
    harness.state().wb.notices.list.last().expect("a message").text.clone()
}

fn decoded(path: &std::path::Path) -> (png::OutputInfo, Vec<u8>, Option<png::AnimationControl>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let animation = reader.info().animation_control;
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info, buf, animation)
}

#[test]
fn a_picture_from_the_window_is_what_reglab_render_draws_of_the_saved_session() {
    use reglab::experiment::ViewKind;
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_with(quick_settings(12), DataSource::Builtin(Builtin::Iris));
    harness.state_mut().wb.data_dir = dir.path().to_path_buf();
    harness.state_mut().wb.dialog_unavailable = true;
    harness.state_mut().act(Action::Train);
    wait_for(&mut harness, "the runs to finish", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    // Training goes on to epoch 24 from the window: the picture is of the epoch on screen.
    harness.state_mut().act(Action::Train);
    wait_for(&mut harness, "the runs to go on", |app| {
        app.wb.screen.trainer_state == TrainerState::Finished && app.wb.screen.epoch() == 24
    });
    harness.state_mut().act(Action::SavePicture { view: ViewKind::Error, animate: false });
    harness.run_steps(2);
    assert!(harness.state().window.recording.is_some(), "drawing in the background");
    let said = picture_written(&mut harness);
    assert!(said.starts_with("Saved the Error view at epoch 24 to "), "{said}");
    let out = dir.path().join("exports");
    let picture = std::fs::read_dir(&out).unwrap().next().unwrap().unwrap().path();
    assert!(picture.file_name().unwrap().to_string_lossy().starts_with("error-"), "{picture:?}");
    let (info, window_pixels, animation) = decoded(&picture);
    assert!(animation.is_none());
    // At twice the window's 1600×1000 points: the error view's tile (beside the controls at this width).
    assert!(
        info.width > 2 * 1000 && info.width <= 3200 && info.height > 2 * 800 && info.height <= 2000,
        "{info:?}"
    );

    // The same session saved, drawn by `reglab render` at the same size, theme and epoch.
    let session = dir.path().join("session.toml");
    harness.state_mut().act(Action::SaveSessionTo(session.clone()));
    harness.run_steps(2);
    let theme = format!("{:?}", harness.state().view.theme).to_lowercase();
    let cli = dir.path().join("cli.png");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_reglab"))
        .args([
            "render",
            "-q",
            "--config",
            session.to_str().unwrap(),
            "--view",
            "error",
            "--size",
            "1600x1000",
        ])
        .args(["--epoch", "24", "--theme", &theme, "--out", cli.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (cli_info, cli_pixels, _) = decoded(&cli);
    assert_eq!((cli_info.width, cli_info.height), (info.width, info.height));
    // The same drawing code on the same numbers; the font atlas alone may
    // differ (the window drew other text before), and a glyph sampled from
    // another place in it can round one level apart.
    let differing = cli_pixels.chunks(4).zip(window_pixels.chunks(4)).filter(|(a, b)| a != b).count();
    let largest = cli_pixels.iter().zip(&window_pixels).map(|(a, b)| a.abs_diff(*b)).max().unwrap_or(0);
    if differing * 10_000 > cli_pixels.len() / 4 || largest > 2 {
        let keep = std::env::temp_dir().join("reglab-picture-differs");
        let _ = std::fs::create_dir_all(&keep);
        let _ = std::fs::copy(&picture, keep.join("window.png"));
        let _ = std::fs::copy(&cli, keep.join("render.png"));
        panic!(
            "the window's picture and reglab render's differ in {differing} pixels, by up to {largest}; both are in {}",
            keep.display()
        );
    }
}

#[test]
fn a_view_recorded_from_the_window_is_an_animated_png_of_the_run_so_far() {
    use reglab::experiment::ViewKind;
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_with(quick_settings(10), DataSource::Builtin(Builtin::Iris));
    harness.state_mut().wb.data_dir = dir.path().to_path_buf();
    harness.state_mut().wb.dialog_unavailable = true;
    harness.state_mut().act(Action::Train);
    wait_for(&mut harness, "the runs to finish", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    harness.state_mut().act(Action::SavePicture { view: ViewKind::Sparsity, animate: true });
    harness.run_steps(2);
    assert!(harness.state().window.recording.is_some(), "drawing in the background");
    let said = picture_written(&mut harness);
    assert!(said.starts_with("Saved an animation of the Sparsity view to "), "{said}");
    assert!(said.contains("11 frames from epoch 0 to 10"), "{said}");
    let picture = std::fs::read_dir(dir.path().join("exports")).unwrap().next().unwrap().unwrap().path();
    let (_, _, animation) = decoded(&picture);
    assert_eq!(animation.map(|a| a.num_frames), Some(11), "{picture:?}");
}

#[test]
fn a_picture_cancelled_writes_nothing() {
    use reglab::experiment::ViewKind;
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_with(quick_settings(2000), DataSource::Builtin(Builtin::Iris));
    harness.state_mut().wb.data_dir = dir.path().to_path_buf();
    harness.state_mut().wb.dialog_unavailable = true;
    harness.state_mut().act(Action::Train);
    wait_for(&mut harness, "the runs to finish", |app| app.wb.screen.trainer_state == TrainerState::Finished);
    harness.state_mut().act(Action::SavePicture { view: ViewKind::Error, animate: true });
    harness.run_steps(2);
    harness.get_by_label("Cancel").click();
    let said = picture_written(&mut harness);
    assert!(said.starts_with("Cancelled the picture of the Error view"), "{said}");
    let left: Vec<_> = std::fs::read_dir(dir.path().join("exports")).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

//! The window with hooks that only tests have: a run made to panic.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::ReglabApp;
use crate::data::Builtin;
use crate::experiment::DataSource;
use crate::train::RunStatus;
use crate::train::live::TrainerState;
use crate::workbench::{Action, Pace, Settings};

fn wait_for(harness: &mut Harness<'static, ReglabApp>, what: &str, done: impl Fn(&ReglabApp) -> bool) {
    let start = Instant::now();
    while !done(harness.state()) {
        harness.step();
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_panic_in_a_run_is_caught_and_shown() {
    let mut settings = Settings::default();
    settings.experiment.training.epochs = Some(100_000);
    settings.pace = Pace::Fixed(100.0);
    let mut harness = Harness::builder().with_size(egui::vec2(1600.0, 1000.0)).build_eframe(move |cc| {
        let mut app = ReglabApp::with_settings(cc.egui_ctx.clone(), settings);
        app.wb.start_load(DataSource::Builtin(Builtin::Iris));
        app
    });
    wait_for(&mut harness, "the runs", |app| {
        !app.wb.screen.runs.is_empty() && app.wb.screen.runs.iter().all(|r| r.history.latest.is_some())
    });
    harness.get_by_label("Train").click();
    wait_for(&mut harness, "some training", |app| app.wb.screen.epoch() >= 2);
    harness.state_mut().act(Action::InjectPanic(1));
    wait_for(&mut harness, "the failure", |app| {
        matches!(app.wb.screen.runs[1].status, RunStatus::Panicked { .. })
    });
    let app = harness.state();
    let RunStatus::Panicked { message, .. } = &app.wb.screen.runs[1].status else { unreachable!() };
    assert!(message.contains("injected failure"), "{message}");
    assert_eq!(app.wb.notices.internal_errors, 1, "counted as an internal error");
    assert!(app.wb.notices.list.iter().any(|n| n.error && n.text.contains("internal error")));
    let e0 = app.wb.screen.runs[0].epoch();
    wait_for(&mut harness, "the other runs to go on", |app| app.wb.screen.runs[0].epoch() > e0 + 3);
    assert!(
        harness.get_all_by_label_contains("internal error").count() >= 2,
        "in the runs panel and the status bar"
    );
    harness.get_by_label("Stop").click();
    wait_for(&mut harness, "the stop", |app| app.wb.screen.trainer_state == TrainerState::Finished);
}

//! The window stopped from outside: SIGTERM closes it the normal way, so
//! that its settings are saved and its autosave is brought up to date and
//! kept, to be offered at the next start.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use reglab::data::Builtin;
use reglab::experiment::DataSource;
use reglab::gui::ReglabApp;
use reglab::workbench::{Action, Pace, Settings, SettingsFile, Workbench};

fn wait_for(harness: &mut Harness<'static, ReglabApp>, what: &str, done: impl Fn(&ReglabApp) -> bool) {
    let start = Instant::now();
    loop {
        harness.step();
        if done(harness.state()) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "timed out waiting for {what}; messages: {:?}",
            harness.state().wb.notices.list
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn seed_of(path: &std::path::Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    reglab::experiment::Experiment::from_toml(&text).ok().map(|e| e.seed)
}

#[test]
fn sigterm_closes_the_window_with_its_settings_saved_and_its_session_kept() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().to_path_buf();
    let mut harness = Harness::builder().with_size(egui::vec2(1280.0, 800.0)).build_eframe(move |cc| {
        let mut settings = Settings::default();
        settings.experiment.training.epochs = Some(5);
        settings.pace = Pace::Fastest;
        let mut app = ReglabApp::with_settings(cc.egui_ctx.clone(), settings);
        app.wb.data_dir = dir.clone();
        app.use_settings_file(SettingsFile::new(dir.join("settings.json")));
        app.wb.enable_autosave();
        app.close_on_signals(&cc.egui_ctx);
        app.wb.start_load(DataSource::Builtin(Builtin::Iris));
        app
    });
    wait_for(&mut harness, "the runs", |app| {
        !app.wb.is_loading() && app.wb.screen.runs.iter().all(|r| r.history.latest.is_some())
    });
    // A change just made; the signal comes before its autosave is due.
    harness.state_mut().act(Action::SetSeed(77));
    harness.state_mut().act(Action::Reset);
    wait_for(&mut harness, "the new seed", |app| app.wb.session_experiment().is_some_and(|e| e.seed == 77));
    let autosave = harness.state().wb.autosave_path();
    assert_ne!(seed_of(&autosave), Some(77), "not yet autosaved");

    let sent = std::process::Command::new("kill")
        .args(["-s", "TERM", &std::process::id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    wait_for(&mut harness, "the signal", |app| app.stopped_by_signal().is_some());
    harness.step();
    let root = &harness.output().viewport_output[&egui::ViewportId::ROOT];
    assert!(root.commands.iter().any(|c| matches!(c, egui::ViewportCommand::Close)), "the window closes");

    // What eframe does when the window closes.
    eframe::App::on_exit(harness.state_mut(), None);
    assert_eq!(seed_of(&autosave), Some(77), "the autosave holds the session as it was");
    let saved: Option<reglab::workbench::SavedState<reglab::gui::ViewSettings>> =
        SettingsFile::new(home.path().join("settings.json")).load().unwrap();
    assert_eq!(saved.map(|s| s.workbench.experiment.seed), Some(77), "the settings are saved");
    drop(harness);

    let mut next = Workbench::new(Settings::default(), Arc::new(|| {}));
    next.data_dir = home.path().to_path_buf();
    next.enable_autosave();
    let offered = next.notices.offer_restore.clone().expect("offered at the next start");
    assert_eq!(seed_of(&offered), Some(77));
}

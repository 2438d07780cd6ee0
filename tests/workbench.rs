//! The workbench core driven without a window: load a set, edit the runs,
//! change λ while a run trains, save and reopen a session, export; and the
//! numbers it records checked against `reglab train` on the same session
//! file, bit for bit.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reglab::data::Builtin;
use reglab::experiment::{DataSource, Experiment};
use reglab::nn::Regularizer;
use reglab::train::RunStatus;
use reglab::train::live::TrainerState;
use reglab::workbench::{Action, Pace, Settings, Workbench};

fn settings(epochs: usize) -> Settings {
    let mut s = Settings::default();
    s.experiment.training.epochs = Some(epochs);
    s.pace = Pace::Fastest;
    s
}

fn wait(wb: &mut Workbench, what: &str, done: impl Fn(&Workbench) -> bool) {
    let start = Instant::now();
    loop {
        wb.poll();
        if done(wb) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "timed out waiting for {what}; notices: {:?}",
            wb.notices.list
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A workbench with `source` loaded and its runs set up at epoch 0.
fn loaded(settings: Settings, source: DataSource) -> Workbench {
    let mut wb = Workbench::new(settings, Arc::new(|| {}));
    wb.apply(Action::Load(source));
    wait(&mut wb, "the data and the runs", |wb| {
        !wb.is_loading()
            && !wb.screen.runs.is_empty()
            && wb.screen.runs.iter().all(|r| r.history.latest.is_some())
    });
    wb
}

/// Trains the session on screen to its end.
fn train_to_end(wb: &mut Workbench) {
    wb.apply(Action::Train);
    wait(wb, "the end", |wb| wb.screen.trainer_state == TrainerState::Finished);
}

fn reglab(args: &[&str], config: &Path, extra: &[&Path]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_reglab"));
    c.args(["train", "-q", "--config"]).arg(config);
    let mut extra = extra.iter();
    for a in args {
        c.arg(a);
        if a.starts_with("--")
            && let Some(p) = extra.next()
        {
            c.arg(p);
        }
    }
    c.output().unwrap()
}

/// Steps `k` epochs one at a time.
fn step_to(wb: &mut Workbench, k: usize) {
    while wb.screen.epoch() < k {
        let e = wb.screen.epoch();
        wb.apply(Action::Step);
        wait(wb, "a step", |wb| {
            wb.screen.epoch() == e + 1 && wb.screen.trainer_state != TrainerState::Running
        });
    }
}

#[test]
fn a_live_session_records_every_epoch_exactly_as_reglab_train_does() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = settings(40);
    // Four runs, one added by hand, and another removed.
    s.experiment.runs.truncate(3);
    let mut wb = loaded(s, DataSource::Builtin(Builtin::Wine));
    wb.apply(Action::AddRun);
    let mut spec = wb.settings.experiment.runs[3].clone();
    spec.reg = Regularizer::ElasticNet;
    spec.lambda = 0.05;
    wb.apply(Action::SetRun { index: 3, spec: Box::new(spec), commit: true });
    wb.apply(Action::DuplicateRun(2));
    wb.apply(Action::RemoveRun(0));
    assert!(wb.stale(), "a new list of runs needs Reset");
    wb.apply(Action::Reset);
    wait(&mut wb, "the new runs", |wb| {
        wb.screen.runs.len() == 4 && wb.screen.runs.iter().all(|r| r.history.latest.is_some())
    });
    assert!(!wb.stale());
    let names: Vec<&str> = wb.screen.runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["L1", "L2", "L2 copy", "elastic net λ=0.1"]);

    // λ of the L1 run changes after epoch 7, while the runs are paused.
    step_to(&mut wb, 7);
    let mut spec = wb.settings.experiment.runs[0].clone();
    spec.lambda = 1.5;
    wb.apply(Action::SetRun { index: 0, spec: Box::new(spec), commit: true });
    assert!(!wb.stale(), "λ changes live");
    train_to_end(&mut wb);
    assert!(wb.screen.runs.iter().all(|r| r.status == RunStatus::Done && r.epoch() == 40));
    assert_eq!(wb.screen.runs[0].changes.len(), 1);
    assert_eq!(wb.screen.runs[0].changes[0].epoch, 7);

    // Every epoch reached the history: 0 to 40, none skipped.
    for r in &wb.screen.runs {
        let epochs: Vec<f64> = r.history.curves.train_error.points().iter().map(|p| p.x).collect();
        assert_eq!(epochs, (0..=40).map(|e| e as f64).collect::<Vec<_>>(), "{}", r.name);
        assert_eq!(r.history.received, 41);
    }

    // Save, export, and train the saved session with the command line.
    let session = dir.path().join("session.toml");
    wb.save_session_to(&session).unwrap();
    let export = dir.path().join("export");
    wb.apply(Action::ExportTo(export.clone()));
    wait(&mut wb, "the export", |wb| wb.exports.last.is_some());
    let files = wb.exports.last.clone().unwrap().files;
    assert_eq!(files, ["session.toml", "metrics.csv", "weights.json"]);
    let cli_metrics = dir.path().join("cli.csv");
    let cli_weights = dir.path().join("cli.json");
    let out = reglab(&["--metrics", "--weights"], &session, &[&cli_metrics, &cli_weights]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let window_csv = std::fs::read_to_string(export.join("metrics.csv")).unwrap();
    let cli_csv = std::fs::read_to_string(&cli_metrics).unwrap();
    assert_eq!(window_csv.lines().count(), 1 + 4 * 41, "a row per run and epoch, epoch 0 included");
    assert_eq!(window_csv, cli_csv, "the window's metrics are the command line's, every column, bit for bit");
    assert_eq!(std::fs::read(export.join("weights.json")).unwrap(), std::fs::read(&cli_weights).unwrap());
    // The session exported is the one saved.
    let exported = Experiment::load(&export.join("session.toml")).unwrap();
    let saved = Experiment::load(&session).unwrap();
    assert_eq!(exported, saved);
    assert_eq!(saved.changes.len(), 1);

    // The history on screen holds the same numbers as the CSV.
    let mut rows = cli_csv.lines().skip(1).filter(|l| l.starts_with("L1,"));
    for p in wb.screen.runs[0].history.curves.train_error.points() {
        let row: Vec<&str> = rows.next().unwrap().split(',').collect();
        assert_eq!(row[1].parse::<f64>().unwrap(), p.x);
        assert_eq!(row[2].parse::<f64>().unwrap().to_bits(), p.y.to_bits());
    }
}

#[test]
fn the_same_session_trained_twice_gives_the_same_histories() {
    let histories = || {
        let mut wb = loaded(settings(3000), DataSource::Builtin(Builtin::Iris));
        train_to_end(&mut wb);
        wb.screen.runs
    };
    let (a, b) = (histories(), histories());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.history.received, 3001);
        assert!(x.history.curves.train_error.len() < 3001, "thinned");
        // Thinned the same way both times.
        assert_eq!(
            x.history.curves.train_error.points(),
            y.history.curves.train_error.points(),
            "{}",
            x.name
        );
        assert_eq!(x.history.curves.zero_frac.points(), y.history.curves.zero_frac.points());
        let epochs = |h: &reglab::workbench::ScreenRun| {
            h.history.histograms.snapshots.iter().map(|s| s.0).collect::<Vec<_>>()
        };
        assert_eq!(epochs(x), epochs(y));
        assert!(x.history.histograms.snapshots.len() <= reglab::workbench::history::HISTOGRAM_SNAPSHOTS);
    }
}

#[test]
fn a_network_too_large_for_memory_is_refused_and_the_runs_stay() {
    let mut wb = loaded(settings(20), DataSource::Builtin(Builtin::Iris));
    let mut network = wb.settings.experiment.network.clone();
    network.hidden = vec![100_000, 100_000];
    wb.apply(Action::SetNetwork(network));
    wb.apply(Action::Reset);
    wb.poll();
    let error = wb.notices.list.iter().rev().find(|n| n.error).expect("an error");
    assert!(error.text.contains("4-100000-100000-3 has 10,000,700,000 weights"), "{}", error.text);
    assert!(error.text.contains("GB, more than"), "{}", error.text);
    assert_eq!(wb.screen.runs.len(), 3, "the runs on screen stay");
    // They still train.
    let mut network = wb.settings.experiment.network.clone();
    network.hidden = vec![8];
    wb.apply(Action::SetNetwork(network));
    train_to_end(&mut wb);
    assert!(wb.screen.runs.iter().all(|r| r.epoch() == 20));
}

#[test]
fn a_bad_source_or_session_leaves_everything_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = loaded(settings(20), DataSource::Builtin(Builtin::Iris));
    let before = wb.settings.clone();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "seed = \"one\"\n").unwrap();
    wb.apply(Action::OpenSessionFile(bad));
    wb.apply(Action::Load(DataSource::File(dir.path().join("missing.csv"))));
    wait(&mut wb, "the failed load", |wb| !wb.is_loading());
    let errors: Vec<&str> = wb.notices.list.iter().filter(|n| n.error).map(|n| n.text.as_str()).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("bad.toml") && errors[0].contains("unchanged"), "{}", errors[0]);
    assert!(errors[1].contains("missing.csv") && errors[1].contains("(iris) is unchanged"), "{}", errors[1]);
    assert_eq!(wb.settings, before);
    assert_eq!(wb.data.dataset.as_ref().unwrap().name, "iris");
}

#[test]
fn a_preset_opens_with_its_settings_and_its_note_goes_with_its_data() {
    let mut wb = loaded(settings(20), DataSource::Builtin(Builtin::Iris));
    wb.apply(Action::Preset(3));
    wait(&mut wb, "preset 4", |wb| wb.screen.runs.iter().any(|r| r.name == "L2, all layers"));
    let exp = reglab::experiment::preset(3).unwrap().unwrap();
    assert_eq!(wb.settings.experiment.network, exp.network);
    assert_eq!(wb.settings.experiment.runs, exp.runs);
    assert!(!wb.stale());
    wb.apply(Action::Load(DataSource::Builtin(Builtin::Wine)));
    wait(&mut wb, "wine", |wb| wb.data.dataset.as_ref().is_some_and(|d| d.name == "wine"));
    assert!(wb.screen.note.is_none(), "the preset's note went with its data");
}

#[test]
fn train_after_the_end_goes_on_with_the_same_runs_as_if_set_up_for_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = loaded(settings(15), DataSource::Builtin(Builtin::Iris));
    train_to_end(&mut wb);
    assert!(wb.can_continue());
    let first = wb.screen.runs[1].history.curves.train_error.points().to_vec();
    wb.apply(Action::Train);
    wait(&mut wb, "the second end", |wb| {
        wb.screen.trainer_state == TrainerState::Finished && wb.screen.epoch() == 30
    });
    for r in &wb.screen.runs {
        assert_eq!(r.history.received, 31, "{}: one history, epochs 0 to 30", r.name);
        assert_eq!(r.status, RunStatus::Done);
    }
    assert_eq!(
        &wb.screen.runs[1].history.curves.train_error.points()[..16],
        &first[..],
        "the same runs went on"
    );
    assert!(!wb.stale());
    assert_eq!(wb.settings.experiment.training.epochs, Some(30));
    // The session saved is 30 epochs, and the command line gives the same numbers.
    let session = dir.path().join("s.toml");
    wb.save_session_to(&session).unwrap();
    let export = dir.path().join("export");
    wb.apply(Action::ExportTo(export.clone()));
    wait(&mut wb, "the export", |wb| wb.exports.last.is_some());
    let cli = dir.path().join("cli.csv");
    let out = reglab(&["--metrics"], &session, &[&cli]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(export.join("metrics.csv")).unwrap(),
        std::fs::read_to_string(cli).unwrap()
    );
}

#[test]
fn until_paused_the_runs_go_on_past_their_epochs() {
    let mut s = settings(10);
    s.until_paused = true;
    let mut wb = loaded(s, DataSource::Builtin(Builtin::Iris));
    wb.apply(Action::Train);
    wait(&mut wb, "epoch 35", |wb| wb.screen.epoch() >= 35);
    wb.apply(Action::Pause);
    wait(&mut wb, "the pause", |wb| wb.screen.trainer_state == TrainerState::Paused);
    assert!(wb.screen.runs.iter().all(|r| r.status.is_active()));
}

/// Pause pressed just as the runs reach their end, before the window has
/// heard of it: they stay paused instead of going on by themselves.
#[test]
fn until_paused_a_pause_as_the_runs_end_is_kept() {
    let mut s = settings(10);
    s.until_paused = true;
    let mut wb = loaded(s, DataSource::Builtin(Builtin::Iris));
    wb.apply(Action::Train);
    // Ten epochs of Iris end long before this; the window has not looked yet.
    std::thread::sleep(Duration::from_secs(2));
    wb.apply(Action::Pause);
    wait(&mut wb, "the pause", |wb| wb.screen.trainer_state == TrainerState::Paused);
    std::thread::sleep(Duration::from_millis(300));
    wb.poll();
    assert_eq!(wb.screen.trainer_state, TrainerState::Paused);
    assert_eq!(wb.screen.epoch(), 10, "no epoch past the end was trained after the pause");
    assert!(wb.screen.runs.iter().all(|r| r.status.is_active()), "Train goes on from here");
}

#[test]
fn at_the_watchable_pace_a_fresh_start_is_still_moving_after_three_to_six_seconds() {
    let mut wb = Workbench::new(Settings::default(), Arc::new(|| {}));
    wb.load_current();
    wait(&mut wb, "the default comparison", |wb| {
        !wb.screen.runs.is_empty() && wb.screen.runs.iter().all(|r| r.history.latest.is_some())
    });
    let total = wb.settings.experiment.training.epochs();
    let limit = wb.speed_limit().unwrap();
    assert!(
        (15.0..=40.0).contains(&(total as f64 / limit)),
        "{total} epochs at {limit} epochs/s take {} s",
        total as f64 / limit
    );
    wb.apply(Action::Train);
    let start = Instant::now();
    let at = |wb: &mut Workbench, secs: f64| {
        while start.elapsed().as_secs_f64() < secs {
            wb.poll();
            std::thread::sleep(Duration::from_millis(10));
        }
        wb.screen.epoch()
    };
    let (e3, e6) = (at(&mut wb, 3.0), at(&mut wb, 6.0));
    assert!(e3 > 0 && e6 > e3 && e6 < total, "epochs at 3 s: {e3}, at 6 s: {e6}, of {total}");
}

#[test]
fn add_run_adds_a_penalty_not_yet_shown_named_for_what_it_is() {
    let mut wb = Workbench::new(settings(10), Arc::new(|| {}));
    // none, L1 (proximal) and L2 are there: elastic net comes next, then dropout.
    wb.apply(Action::AddRun);
    wb.apply(Action::AddRun);
    let runs = &wb.settings.experiment.runs;
    assert_eq!(runs[3].reg, Regularizer::ElasticNet);
    assert_eq!(runs[3].name, "elastic net λ=0.1");
    assert!(runs[3].lambda > 0.0);
    assert_eq!(runs[4].dropout, Some(0.8));
    assert_eq!(runs[4].name, "dropout p=0.8");
    let colors = wb.settings.run_colors();
    assert_eq!(colors.len(), 5);
    assert!(colors.windows(2).all(|w| w[0] != w[1]), "each kind its own colour: {colors:?}");
}

#[test]
fn the_network_view_draws_the_runs_weights_and_no_exact_zero() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = loaded(settings(200), DataSource::Builtin(Builtin::BreastCancer));
    train_to_end(&mut wb);
    wait(&mut wb, "the final weights", |wb| {
        wb.screen.runs.iter().all(|r| r.pictures.net.as_ref().is_some_and(|w| w.0 == 200))
    });
    wb.apply(Action::ExportTo(dir.path().to_path_buf()));
    wait(&mut wb, "the export", |wb| wb.exports.last.is_some());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("weights.json")).unwrap()).unwrap();
    for (i, h) in wb.screen.runs.iter().enumerate() {
        let (_, net) = h.pictures.net.as_ref().unwrap();
        let layers: Vec<ndarray::Array2<f32>> = net.layers.iter().map(|l| l.weights.clone()).collect();
        let edges = reglab::workbench::network::edges(&layers, usize::MAX);
        let mut expected = Vec::new();
        for (l, layer) in json["runs"][i]["layers"].as_array().unwrap().iter().enumerate() {
            for (from, row) in layer["weights"].as_array().unwrap().iter().enumerate() {
                for (to, w) in row.as_array().unwrap().iter().enumerate() {
                    let w = w.as_f64().unwrap() as f32;
                    if w != 0.0 {
                        expected.push((l, from, to, w));
                    }
                }
            }
        }
        let got: Vec<(usize, usize, usize, f32)> =
            edges.iter().map(|e| (e.layer, e.from, e.to, e.weight)).collect();
        assert_eq!(got, expected, "{}: the edges are the run's non-zero weights", h.name);
        let picture = h.pictures.network.as_ref().expect("the view's picture of the final network");
        assert_eq!((picture.epoch, &picture.edges), (200, &edges), "{}: the view draws them", h.name);
        if h.name == "L1" {
            let total: usize = layers.iter().map(|w| w.len()).sum();
            assert!(
                edges.len() < total,
                "L1's exact zeros are not drawn: {} of {total}, zero_frac {:?}",
                edges.len(),
                h.history.latest.as_ref().map(|m| m.weights.zero_frac)
            );
        }
    }
}

#[test]
fn the_best_epoch_is_the_lowest_validation_error_of_every_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = loaded(settings(3000), DataSource::Builtin(Builtin::Iris));
    train_to_end(&mut wb);
    wb.apply(Action::ExportTo(dir.path().to_path_buf()));
    wait(&mut wb, "the export", |wb| wb.exports.last.is_some());
    let csv = std::fs::read_to_string(dir.path().join("metrics.csv")).unwrap();
    for h in &wb.screen.runs {
        assert!(h.history.curves.val_error.len() < 3001, "the plotted history is thinned");
        let best = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[0] == h.name)
            .map(|c| (c[1].parse::<usize>().unwrap(), c[3].parse::<f64>().unwrap()))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .unwrap();
        assert_eq!(h.history.curves.best_validation(), Some(best), "{}", h.name);
    }
}

/// Coordinate descent for `(1/2m)·Σ(y − b − w·x)² + l1·Σ|w| + (l2/2)·Σw²`,
/// in f64, to a tight tolerance: an implementation apart from the engine's.
fn penalised_least_squares(x: &[[f64; 2]], y: &[f64], l1: f64, l2: f64) -> (f64, [f64; 2]) {
    let m = y.len() as f64;
    let (mut b, mut w) = (0.0, [0.0f64; 2]);
    for _ in 0..100_000 {
        let old = (b, w);
        b = y.iter().zip(x).map(|(t, r)| t - w[0] * r[0] - w[1] * r[1]).sum::<f64>() / m;
        for j in 0..2 {
            let k = 1 - j;
            let rho: f64 = y.iter().zip(x).map(|(t, r)| r[j] * (t - b - w[k] * r[k])).sum::<f64>() / m;
            let z: f64 = x.iter().map(|r| r[j] * r[j]).sum::<f64>() / m;
            w[j] = rho.signum() * (rho.abs() - l1).max(0.0) / (z + l2);
        }
        if (b - old.0).abs() + (w[0] - old.1[0]).abs() + (w[1] - old.1[1]).abs() < 1e-14 {
            break;
        }
    }
    (b, w)
}

#[test]
fn the_geometry_view_draws_the_engines_error_and_the_lasso_and_ridge_optima() {
    // A limited pace trains an epoch a tick: the path has every epoch.
    let mut s = settings(300);
    s.pace = Pace::Fixed(2000.0);
    let mut wb = Workbench::new(s, Arc::new(|| {}));
    wb.apply(Action::Preset(6));
    wait(&mut wb, "preset 7", |wb| {
        wb.screen.runs.len() == 2 && wb.screen.runs[0].name == "L1" && !wb.is_loading()
    });
    wb.apply(Action::Train);
    wait(&mut wb, "the end and the contours", |wb| {
        wb.screen.trainer_state == TrainerState::Finished
            && wb.studies.geometry.len() == 2
            && wb.studies.geometry.iter().all(|p| p.epoch == 300)
    });
    let data = wb.data.prepared.clone().unwrap();
    let x: Vec<[f64; 2]> = data.x_train.rows().into_iter().map(|r| [r[0] as f64, r[1] as f64]).collect();
    let y: Vec<f64> = data.y_train.column(0).iter().map(|v| *v as f64).collect();
    let lambda = 0.3;
    // The contours: E0 at the grid's cells is the engine's E0 with the two weights set there.
    let plane = &wb.studies.geometry[0];
    let (_, net) = wb.screen.runs[0].pictures.net.as_ref().unwrap();
    assert_eq!((plane.a, plane.b), ((0, 0), (1, 0)), "the two inputs of a two-feature linear model");
    for (row, col) in [(0, 0), (20, 20), (7, 33), (40, 40)] {
        let (a, b) = plane.cell(row, col);
        let mut n = net.clone();
        n.layers[0].weights[[0, 0]] = a as f32;
        n.layers[0].weights[[1, 0]] = b as f32;
        let e0 = n.data_error(data.x_train.view(), data.y_train.view());
        assert_eq!(plane.error[row * plane.cells + col], e0, "cell ({row}, {col})");
    }
    // L1's drawn optimum is the lasso solution, on an axis: one weight exactly 0.
    let (_, lasso) = penalised_least_squares(&x, &y, lambda, 0.0);
    let l1 = wb.studies.geometry[0].now;
    assert_eq!(lasso[1], 0.0, "the lasso zeroes x2 ({lasso:?})");
    assert_eq!(l1.1, 0.0, "the L1 run ends exactly on the axis ({l1:?})");
    assert!((l1.0 - lasso[0]).abs() < 1e-3, "{l1:?} vs the lasso {lasso:?}");
    // L2's is the ridge solution, off the axes.
    let (_, ridge) = penalised_least_squares(&x, &y, 0.0, lambda);
    let l2 = wb.studies.geometry[1].now;
    assert!(ridge[1].abs() > 0.02 && l2.1 != 0.0, "{ridge:?} {l2:?}");
    assert!(
        (l2.0 - ridge[0]).abs() < 1e-3 && (l2.1 - ridge[1]).abs() < 1e-3,
        "{l2:?} vs the ridge {ridge:?}"
    );
    // The level sets: a diamond for L1 (k2 = 0), a circle for L2 (k1 = 0).
    assert!(wb.studies.geometry[0].k1 > 0.0 && wb.studies.geometry[0].k2 == 0.0);
    assert!(wb.studies.geometry[1].k1 == 0.0 && wb.studies.geometry[1].k2 > 0.0);
    // The path of the two weights was recorded step by step.
    assert!(
        wb.screen.runs[0].pictures.first_layer_path.len() > 100,
        "{}",
        wb.screen.runs[0].pictures.first_layer_path.len()
    );
}

#[test]
fn the_seed_band_is_the_mean_and_spread_of_reglab_train_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = loaded(settings(20), DataSource::Builtin(Builtin::Iris));
    wb.apply(Action::RunSeeds { count: 3 });
    assert!(wb.seeds_progress().is_some(), "in the background");
    wait(&mut wb, "the runs over seeds", |wb| wb.studies.seeds.is_some());
    let study = wb.studies.seeds.clone().unwrap();
    assert_eq!(study.seeds, vec![1, 2, 3]);
    assert!(study.validation);
    let session = dir.path().join("s.toml");
    wb.save_session_to(&session).unwrap();
    let csv_path = dir.path().join("m.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_reglab"))
        .args(["train", "--repeats", "3", "--config"])
        .arg(&session)
        .arg("--metrics")
        .arg(&csv_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    for (r, name) in study.runs.iter().enumerate() {
        for (epoch, mean, spread) in study.band(r) {
            let v: Vec<f64> = ["1", "2", "3"]
                .iter()
                .map(|seed| {
                    let row =
                        csv.lines().find(|l| l.starts_with(&format!("{seed},{name},{epoch},"))).unwrap();
                    row.split(',').nth(4).unwrap().parse().unwrap()
                })
                .collect();
            let (m, s) = reglab::train::seeds::mean_spread(&v);
            assert_eq!((mean, spread), (m, s), "{name} at epoch {epoch}");
        }
    }
    // The summary the window shows is the command line's.
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in reglab::train::seeds::comparisons(&study.runs, &study.finals()) {
        assert!(stdout.contains(&line), "{line} not in {stdout}");
    }
}

/// reglab killed mid-run: the next start offers the autosaved session, and
/// restoring it trains it again, as fast as it can, to the epoch it had
/// reached, where it waits, paused, with the weights `reglab train` gives
/// for that many epochs.
#[test]
fn a_session_killed_mid_run_is_restored_at_the_same_epoch_with_the_same_weights() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Workbench::new(settings(1000), Arc::new(|| {}));
    first.data_dir = dir.path().to_path_buf();
    first.enable_autosave();
    first.apply(Action::Load(DataSource::Builtin(Builtin::Wine)));
    wait(&mut first, "the runs", |wb| {
        !wb.screen.runs.is_empty() && wb.screen.runs.iter().all(|r| r.history.latest.is_some())
    });
    step_to(&mut first, 37);
    wait(&mut first, "the autosave", |wb| {
        std::fs::read_to_string(wb.autosave_path())
            .ok()
            .and_then(|t| Experiment::from_toml(&t).ok())
            .is_some_and(|e| e.reached == Some(37))
    });
    // Killed: no clean exit, the autosave stays.
    drop(first);

    let mut second = Workbench::new(settings(1000), Arc::new(|| {}));
    second.data_dir = dir.path().to_path_buf();
    second.enable_autosave();
    let offered = second.notices.offer_restore.clone().expect("the session is offered back");
    second.apply(Action::RestoreAutosave);
    wait(&mut second, "the replay to epoch 37", |wb| {
        wb.screen.trainer_state == TrainerState::Paused && wb.screen.epoch() == 37
    });
    assert!(second.screen.runs.iter().all(|r| r.epoch() == 37 && r.status.is_active()));
    let out = dir.path().join("restored");
    second.export_to(&out);
    wait(&mut second, "the export", |wb| wb.exports.last.is_some());

    let reference = dir.path().join("reference.json");
    let o = reglab(&["--weights", "--epochs=37"], &offered, &[&reference]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let layers = |p: &Path| -> Vec<serde_json::Value> {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        v["runs"].as_array().unwrap().iter().map(|r| r["layers"].clone()).collect()
    };
    assert_eq!(
        layers(&out.join("weights.json")),
        layers(&reference),
        "the same weights as reglab train to epoch 37"
    );
}

// ---------------------------------------------------------------------------
// Autosave, stopped sessions, two windows, settings and bounds.

mod faults {
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, Condvar, Mutex};
    use std::time::{Duration, Instant};

    use reglab::data::Builtin;
    use reglab::experiment::{DataSource, Experiment};
    use reglab::workbench::{Action, SavedState, Settings, SettingsError, SettingsFile, Workbench};

    /// The window's event loop without a window: a frame (a poll) only when
    /// the workbench wakes it or when the time it asked for comes; never on
    /// a clock of the test's own, and no input.
    #[derive(Clone, Default)]
    struct EventLoop(Arc<(Mutex<bool>, Condvar)>);

    impl EventLoop {
        fn waker(&self) -> reglab::workbench::jobs::Waker {
            let woken = Arc::clone(&self.0);
            Arc::new(move || {
                let (flag, cv) = &*woken;
                *flag.lock().unwrap() = true;
                cv.notify_all();
            })
        }

        /// Runs frames as eframe would until `done` or `limit`; whether `done` came.
        fn run(&self, wb: &mut Workbench, limit: Duration, done: impl Fn(&Workbench) -> bool) -> bool {
            let end = Instant::now() + limit;
            let mut next: Option<Instant> = Some(Instant::now());
            loop {
                if done(wb) {
                    return true;
                }
                let until = next.map_or(end, |n| n.min(end));
                {
                    let (flag, cv) = &*self.0;
                    let mut woken = flag.lock().unwrap();
                    while !*woken && Instant::now() < until {
                        woken = cv
                            .wait_timeout(woken, until.saturating_duration_since(Instant::now()))
                            .unwrap()
                            .0;
                    }
                    *woken = false;
                }
                if Instant::now() >= end {
                    return done(wb);
                }
                next = wb.poll().map(|d| Instant::now() + d);
            }
        }
    }

    fn settings() -> Settings {
        let mut s = Settings::default();
        s.experiment.training.epochs = Some(5);
        s
    }

    /// A window's workbench on the home `home`, autosaving, with `set` loading.
    fn window(home: &Path, set: Builtin, events: &EventLoop) -> Workbench {
        let mut wb = Workbench::new(settings(), events.waker());
        wb.data_dir = home.to_path_buf();
        wb.enable_autosave();
        wb.apply(Action::Load(DataSource::Builtin(set)));
        wb
    }

    fn read_session(path: &Path) -> Option<Experiment> {
        std::fs::read_to_string(path).ok().and_then(|t| Experiment::from_toml(&t).ok())
    }

    /// The autosave holds the session on screen.
    fn autosaved(wb: &Workbench) -> bool {
        !wb.is_loading()
            && wb.session_experiment().is_some_and(|e| read_session(&wb.autosave_path()) == Some(e))
    }

    /// Every file under the autosave folder that reads as `exp`.
    fn kept(home: &Path, exp: &Experiment) -> Vec<PathBuf> {
        std::fs::read_dir(home.join("autosave"))
            .map(|d| {
                d.flatten().map(|e| e.path()).filter(|p| read_session(p).as_ref() == Some(exp)).collect()
            })
            .unwrap_or_default()
    }

    fn dataset(wb: &Workbench) -> String {
        wb.data.dataset.as_ref().map_or_else(String::new, |d| d.name.clone())
    }

    #[test]
    fn an_idle_window_autosaves_a_change_within_seconds_without_input() {
        let home = tempfile::tempdir().unwrap();
        let events = EventLoop::default();
        let mut wb = window(home.path(), Builtin::Iris, &events);
        let first = events.run(&mut wb, Duration::from_secs(20), autosaved);
        assert!(first, "the first session is autosaved without input; notices: {:?}", wb.notices.list);
        // A preset key, then nothing: no mouse, no key.
        wb.apply(Action::Preset(1));
        let started = Instant::now();
        let followed = events.run(&mut wb, Duration::from_secs(15), |wb| {
            autosaved(wb)
                && wb.screen.note.is_some()
                && read_session(&wb.autosave_path()).is_some_and(|e| e.name.is_some())
        });
        assert!(followed, "after 15 s the autosave still held the previous session");
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[test]
    fn two_stops_in_a_row_keep_both_sessions_newest_first() {
        let home = tempfile::tempdir().unwrap();
        let events = EventLoop::default();
        let mut a = window(home.path(), Builtin::Iris, &events);
        assert!(events.run(&mut a, Duration::from_secs(60), autosaved));
        let session_a = a.session_experiment().unwrap();
        drop(a); // killed: no clean exit

        let mut b = window(home.path(), Builtin::Wine, &events);
        assert!(b.notices.offer_restore.is_some(), "the first stopped session is offered");
        assert!(events.run(&mut b, Duration::from_secs(60), |wb| dataset(wb) == "wine" && autosaved(wb)));
        let session_b = b.session_experiment().unwrap();
        drop(b); // killed too, before anything was restored

        let c = window(home.path(), Builtin::Iris, &events);
        assert_eq!(kept(home.path(), &session_a).len(), 1, "the first session is still there");
        assert_eq!(kept(home.path(), &session_b).len(), 1);
        let stopped = &c.notices.stopped_sessions;
        assert_eq!(stopped.len(), 2, "{stopped:?}");
        assert_eq!(read_session(&stopped[0]), Some(session_b), "newest first");
        assert_eq!(read_session(&stopped[1]), Some(session_a));
        assert_eq!(c.notices.offer_restore.as_ref(), Some(&stopped[0]));
        let name = stopped[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("stopped-20") && name.ends_with(".toml"), "named by date and time: {name}");
    }

    #[test]
    fn only_the_newest_stopped_sessions_are_kept() {
        let home = tempfile::tempdir().unwrap();
        let events = EventLoop::default();
        for _ in 0..reglab::workbench::KEEP_STOPPED + 2 {
            let mut wb = window(home.path(), Builtin::Iris, &events);
            assert!(events.run(&mut wb, Duration::from_secs(60), autosaved));
        }
        let wb = window(home.path(), Builtin::Iris, &events);
        assert_eq!(wb.notices.stopped_sessions.len(), reglab::workbench::KEEP_STOPPED);
        let stopped = std::fs::read_dir(home.path().join("autosave"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("stopped-"))
            .count();
        assert_eq!(stopped, reglab::workbench::KEEP_STOPPED);
    }

    #[test]
    fn two_windows_on_one_home_keep_their_own_autosaves() {
        let home = tempfile::tempdir().unwrap();
        let events = EventLoop::default();
        let mut first = window(home.path(), Builtin::Iris, &events);
        assert!(events.run(&mut first, Duration::from_secs(60), autosaved));
        let first_session = first.session_experiment().unwrap();

        let mut second = window(home.path(), Builtin::Wine, &events);
        assert_eq!(second.notices.offer_restore, None, "a running window's session is not a stopped one");
        assert_eq!(read_session(&first.autosave_path()), Some(first_session), "left where it is");
        assert_ne!(first.autosave_path(), second.autosave_path());
        assert!(
            events.run(&mut second, Duration::from_secs(60), |wb| dataset(wb) == "wine" && autosaved(wb))
        );
        let second_session = second.session_experiment().unwrap();

        // The first closes cleanly: its autosave goes, the second's stays.
        first.clean_exit();
        assert!(!first.autosave_path().exists());
        assert_eq!(read_session(&second.autosave_path()), Some(second_session.clone()));
        // The second is killed: its session is offered at the next start.
        drop(second);
        let third = window(home.path(), Builtin::Iris, &events);
        let offered = third.notices.offer_restore.clone().expect("the second's session is offered");
        assert_eq!(read_session(&offered), Some(second_session));
    }

    #[test]
    fn a_stopped_session_that_cannot_be_read_is_set_aside_and_said_not_offered() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("autosave");
        std::fs::create_dir_all(&dir).unwrap();
        // An autosave cut short, and one with more runs than fit on screen.
        std::fs::write(
            dir.join("session.toml"),
            "seed = 1\n[data]\npath = \"x.csv\"\n[[runs]]\nname = \"cut",
        )
        .unwrap();
        let runs: String = (0..40).map(|k| format!("[[runs]]\nname = \"r{k}\"\n")).collect();
        std::fs::write(dir.join("session-1-0.toml"), runs).unwrap();
        let events = EventLoop::default();
        let wb = window(home.path(), Builtin::Iris, &events);
        assert_eq!(wb.notices.offer_restore, None);
        assert!(wb.notices.stopped_sessions.is_empty());
        let errors: Vec<&str> = wb.notices.list.iter().filter(|n| n.error).map(|n| n.text.as_str()).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().all(|e| e.contains("cannot be read") && e.contains(".corrupt-")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("40 runs; at most 32")), "{errors:?}");
        let aside = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
            .count();
        assert_eq!(aside, 2, "kept aside, not deleted");
    }

    #[test]
    fn a_session_stopped_from_outside_is_written_and_offered_back() {
        let home = tempfile::tempdir().unwrap();
        let events = EventLoop::default();
        let mut wb = window(home.path(), Builtin::Iris, &events);
        assert!(events.run(&mut wb, Duration::from_secs(60), autosaved));
        // A change just made, then SIGTERM before the autosave is due.
        wb.apply(Action::SetSeed(77));
        wb.apply(Action::Reset);
        assert!(events.run(&mut wb, Duration::from_secs(60), |wb| {
            wb.session_experiment().is_some_and(|e| e.seed == 77)
        }));
        wb.autosave_now();
        assert_eq!(read_session(&wb.autosave_path()).map(|e| e.seed), Some(77));
        drop(wb);
        let next = window(home.path(), Builtin::Iris, &events);
        let offered = next.notices.offer_restore.clone().expect("offered");
        assert_eq!(read_session(&offered).map(|e| e.seed), Some(77));
    }

    #[test]
    fn a_corrupt_settings_file_is_kept_aside_and_said_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, "{ \"workbench\": { \"pace\": ").unwrap();
        let mut file = SettingsFile::new(path.clone());
        let error = file.load::<()>().unwrap_err();
        let SettingsError::Corrupt { aside, .. } = &error else { panic!("{error}") };
        assert!(error.to_string().contains("default settings"), "{error}");
        assert_eq!(std::fs::read_to_string(aside).unwrap(), "{ \"workbench\": { \"pace\": ");
        // Saved anew, and read back.
        let mut state = SavedState::<()>::default();
        state.workbench.until_paused = true;
        assert_eq!(file.save(&state), None);
        let mut again = SettingsFile::new(path);
        assert_eq!(again.load::<()>().unwrap(), Some(state));
    }

    #[test]
    fn a_settings_path_that_is_a_folder_is_said_once_and_nothing_breaks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::create_dir(&path).unwrap();
        let mut file = SettingsFile::new(path.clone());
        let error = file.load::<()>().unwrap_err();
        assert!(matches!(error, SettingsError::Folder { .. }), "{error}");
        assert!(error.to_string().contains("is a folder"), "{error}");
        let mut state = SavedState::<()>::default();
        state.workbench.until_paused = true;
        assert_eq!(file.save(&state), None, "said at start already");
        // Without the start's word, the first failed save says it, once.
        let mut fresh = SettingsFile::new(path);
        assert!(matches!(fresh.save(&state), Some(SettingsError::Folder { .. })));
        state.workbench.until_paused = false;
        assert_eq!(fresh.save(&state), None);
        assert!(dir.path().join("settings.json").is_dir(), "the folder is left alone");
    }

    #[test]
    fn a_session_with_too_many_runs_or_a_huge_name_is_refused_before_it_opens() {
        let dir = tempfile::tempdir().unwrap();
        let mut wb = super::loaded(super::settings(5), DataSource::Builtin(Builtin::Iris));
        let before = wb.settings.clone();
        let runs: String = (0..10_000).map(|k| format!("[[runs]]\nname = \"r{k}\"\n")).collect();
        let many = dir.path().join("many.toml");
        std::fs::write(&many, format!("[data]\nbuiltin = \"iris\"\n{runs}")).unwrap();
        let long = dir.path().join("long.toml");
        let name = "x".repeat(5_000_000);
        std::fs::write(&long, format!("name = \"{name}\"\n[data]\nbuiltin = \"iris\"\n")).unwrap();
        for (path, says) in [(many, "10000 runs; at most 32"), (long, "has 5000000 characters; at most 200")]
        {
            wb.apply(Action::OpenSessionFile(path));
            super::wait(&mut wb, "the refusal", |wb| !wb.is_loading());
            let error = wb.notices.list.iter().rev().find(|n| n.error).expect("an error");
            assert!(error.text.contains(says) && error.text.chars().count() <= 400, "{}", error.text);
            assert_eq!(wb.settings, before, "nothing of it was taken");
        }
    }

    #[test]
    fn a_huge_lambda_is_shown_in_a_few_characters() {
        use reglab::nn::Regularizer;
        use reglab::train::{LiveChange, RunSpec};
        let runs =
            vec![RunSpec { reg: Regularizer::L2, lambda: 1e308, name: "L2".into(), ..RunSpec::default() }];
        let next = reglab::workbench::runs::next_run(&runs);
        assert_eq!(next.name, "L1 λ=1e308");
        assert_eq!(LiveChange::Lambda(1e308).value(), "1e308");
        assert_eq!(LiveChange::Lambda(0.001).value(), "0.001");
        assert_eq!(LiveChange::Lambda(2.5e-7).value(), "2.5e-7");
    }
}

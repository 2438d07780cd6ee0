//! The workbench app: state, the trainer and loader threads, and the frame
//! loop. `logic` takes in what the threads sent; `ui` draws and collects
//! [`Action`]s, which are applied after drawing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use egui::{Color32, Key, KeyboardShortcut, Modifiers, TextureHandle};
use serde::{Deserialize, Serialize};

use super::history::RunHistory;
use super::settings::{RunEntry, Settings};
use super::{panels, plots};
use crate::data::{
    Builtin, ColumnRoles, Dataset, LoadProgress, Preparation, Prepared, SyntheticSpec, prepare,
};
use crate::train::RunStatus;
use crate::train::live::{
    BoundaryGrid, Command, LiveChange, LiveTrainer, SessionSetup, TrainerState, Update,
};

/// Where the data on screen comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataChoice {
    Builtin(Builtin),
    Synthetic(SyntheticSpec),
    File(PathBuf),
}

impl DataChoice {
    /// The source an experiment names, in the order `DataSpec::load` takes them.
    pub fn from_spec(d: &crate::experiment::DataSpec) -> Option<DataChoice> {
        match (&d.path, d.builtin, &d.synthetic) {
            (Some(p), _, _) => Some(DataChoice::File(p.clone())),
            (_, Some(b), _) => Some(DataChoice::Builtin(b)),
            (_, _, Some(s)) => Some(DataChoice::Synthetic(s.clone())),
            _ => None,
        }
    }

    /// Names this source in `d` (and no other).
    pub fn set_in(&self, d: &mut crate::experiment::DataSpec) {
        (d.path, d.builtin, d.synthetic) = (None, None, None);
        match self {
            DataChoice::Builtin(b) => d.builtin = Some(*b),
            DataChoice::Synthetic(g) => d.synthetic = Some(g.clone()),
            DataChoice::File(p) => d.path = Some(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            DataChoice::Builtin(b) => b.title().to_string(),
            DataChoice::Synthetic(s) => format!("generated: {}", s.name()),
            DataChoice::File(p) => p.display().to_string(),
        }
    }
}

/// What a click or a key asks for; applied after the frame is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Train,
    Pause,
    TogglePlay,
    Step,
    Stop,
    Reset,
    Load(DataChoice),
    /// Split, standardisation or missing values changed: prepare again.
    Reprepare,
    /// Roles of columns changed: read the file again.
    Reload,
    OpenDialog,
    AddRun,
    DuplicateRun(usize),
    RemoveRun(usize),
    Live(usize, LiveChange),
    /// A setting that needs new runs changed.
    Stale,
    SpeedLimit(Option<f64>),
    DismissNotices,
    /// Load preset `i` of [`crate::experiment::PRESETS`].
    Preset(usize),
    ClosePresetNote,
    TogglePresentation,
    ToggleFullscreen,
    SaveSession,
    OpenSession,
    /// Every plot as PNG, the metrics CSV, the weights JSON and the session, into one folder.
    ExportAll,
    /// Sweep λ for every penalised run of the session on screen.
    RunSweep,
    CancelSweep,
    /// Open this session file.
    OpenSessionFile(PathBuf),
    ToggleHelp,
    SetTheme(super::Theme),
}

/// A message in the status area.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
}

/// What the loader thread sends back: the data, or what went wrong.
type Loaded = Result<(DataChoice, Arc<Dataset>, Arc<Prepared>), String>;

struct LoadJob {
    what: String,
    progress: Arc<LoadProgress>,
    result: Receiver<Loaded>,
    started: Instant,
}

struct DialogJob {
    result: Receiver<Option<PathBuf>>,
    started: Instant,
}

/// Frame timings of the app's own `ui` code.
#[derive(Debug, Default)]
pub struct FrameTimes {
    recent: std::collections::VecDeque<Duration>,
}

impl FrameTimes {
    fn push(&mut self, d: Duration) {
        self.recent.push_back(d);
        if self.recent.len() > 120 {
            self.recent.pop_front();
        }
    }

    /// Mean and worst of the recent frames.
    pub fn summary(&self) -> (Duration, Duration) {
        let n = self.recent.len().max(1) as u32;
        let sum: Duration = self.recent.iter().sum();
        (sum / n, self.recent.iter().max().copied().unwrap_or_default())
    }
}

pub struct ReglabApp {
    pub settings: Settings,
    pub dataset: Option<Arc<Dataset>>,
    pub prepared: Option<Arc<Prepared>>,
    pub runs: Vec<RunHistory>,
    pub trainer_state: TrainerState,
    pub notices: Vec<Notice>,
    /// Settings changed that only new runs can take: applied at Reset.
    pub stale: bool,
    pub path_field: String,
    /// The system file dialog answered nothing at once: it is likely missing.
    pub dialog_unavailable: bool,
    pub frame_times: FrameTimes,
    pub boundary: Option<BoundaryGrid>,
    pub(crate) boundary_textures: Vec<Option<TextureHandle>>,
    /// The training rows of a two-input set by class (at most 1000), drawn
    /// over the decision boundaries; set when the data is prepared.
    pub(crate) boundary_points: Vec<Vec<egui_plot::PlotPoint>>,
    pub(crate) history_textures: plots::HistoryTextures,
    /// Epochs per second, measured.
    pub epochs_per_s: f64,
    rate_mark: Option<(Instant, usize)>,
    trainer: Option<LiveTrainer>,
    load: Option<LoadJob>,
    dialog: Option<DialogJob>,
    actions: Vec<Action>,
    ctx: Option<egui::Context>,
    /// Run settings as the session on screen was built with.
    session_runs: Vec<RunEntry>,
    /// The preset on screen: its name and explanation.
    pub preset: Option<(String, String)>,
    pub show_help: bool,
    fullscreen: bool,
    applied_theme: Option<super::Theme>,
    /// The settings and runs the session on screen was set up with, as a
    /// saved session records them.
    session_settings: Option<Settings>,
    /// Changes an opened session replays at their epochs.
    replay: Vec<crate::train::ScheduledChange>,
    session_dialog: Option<(bool, Receiver<Option<PathBuf>>, Instant)>,
    /// Where the last session was saved (shown in the status bar).
    pub saved_to: Option<PathBuf>,
    /// Where each plot was drawn in the last frame (on screen, unclipped),
    /// with its offset from the top of the scrolled plots.
    pub plot_layout: Vec<(&'static str, f32, egui::Rect)>,
    /// The visible part of the scrolled plots.
    pub plot_viewport: egui::Rect,
    /// Scroll the plots to this offset in the next frame.
    pub scroll_to: Option<f32>,
    pub plot_content_height: f32,
    /// The last session, offered in the status bar until something else is opened.
    pub offer_last_session: Option<PathBuf>,
    export: Option<ExportJob>,
    export_dialog: Option<(Receiver<Option<PathBuf>>, Instant)>,
    /// The folder and files of the last finished export.
    pub exported: Option<(PathBuf, Vec<String>)>,
    sweep: Option<SweepJob>,
    /// The last finished regularization paths, with each path's run colour.
    pub sweep_result: Option<Vec<(crate::train::sweep::SweepPath, Color32)>>,
}

/// A λ sweep under way on its own thread.
struct SweepJob {
    done: Arc<std::sync::atomic::AtomicUsize>,
    cancel: Arc<std::sync::atomic::AtomicBool>,
    total: usize,
    colors: Vec<Color32>,
    result: Receiver<Vec<Result<crate::train::sweep::SweepPath, String>>>,
}

/// An export under way: files written at once, the weights and the
/// screenshot awaited.
struct ExportJob {
    dir: PathBuf,
    files: Vec<String>,
    weights: Option<Result<String, String>>,
    /// Pictures still to take: the window, then each plot.
    pending: std::collections::VecDeque<&'static str>,
    capture: Capture,
}

/// Where the picture being taken stands: each plot is scrolled into view,
/// the window is captured, and the plot's part of the capture is saved.
enum Capture {
    Idle,
    /// Waits until the plot has stayed in place for a few frames.
    Scrolling {
        name: &'static str,
        frames: u8,
        last: Option<egui::Rect>,
        steady: u8,
    },
    Waiting {
        name: &'static str,
        rect: egui::Rect,
        rx: Receiver<Arc<egui::ColorImage>>,
        since: Instant,
    },
}

pub const SHORTCUT_TRAIN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Space);
pub const SHORTCUT_STEP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::S);
pub const SHORTCUT_RESET: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::R);
pub const SHORTCUT_STOP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Escape);
pub const SHORTCUT_OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
pub const SHORTCUT_SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
pub const SHORTCUT_STEP_ARROW: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::ArrowRight);
pub const SHORTCUT_FULLSCREEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F11);
pub const SHORTCUT_PRESENT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::P);
pub const SHORTCUT_HELP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F1);

const SETTINGS_KEY: &str = "reglab-settings";

impl ReglabApp {
    /// The app as eframe creates it: settings restored, the trainer started,
    /// and the data loaded (`file` when given, else the last source).
    pub fn new(cc: &eframe::CreationContext<'_>, file: Option<DataChoice>) -> ReglabApp {
        let settings: Settings =
            cc.storage.and_then(|s| eframe::get_value(s, SETTINGS_KEY)).unwrap_or_default();
        cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = true);
        let mut app = ReglabApp::with_settings(cc.egui_ctx.clone(), settings);
        match file {
            Some(DataChoice::File(p)) if p.extension().is_some_and(|e| e == "toml") => app.open_session(&p),
            Some(choice) => app.start_load(choice),
            None => {
                let choice = app.settings.source.clone();
                app.start_load(choice);
            }
        }
        app
    }

    /// An app with these settings and no data yet (tests start here too).
    pub fn with_settings(ctx: egui::Context, settings: Settings) -> ReglabApp {
        let notify_ctx = ctx.clone();
        let trainer = match LiveTrainer::spawn(move || notify_ctx.request_repaint()) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("reglab: cannot start the training thread: {e}");
                None
            }
        };
        let mut app = ReglabApp {
            settings,
            dataset: None,
            prepared: None,
            runs: Vec::new(),
            trainer_state: TrainerState::Idle,
            notices: Vec::new(),
            stale: false,
            path_field: String::new(),
            dialog_unavailable: false,
            frame_times: FrameTimes::default(),
            boundary: None,
            boundary_textures: Vec::new(),
            boundary_points: Vec::new(),
            history_textures: plots::HistoryTextures::default(),
            epochs_per_s: 0.0,
            rate_mark: None,
            trainer,
            load: None,
            dialog: None,
            actions: Vec::new(),
            ctx: Some(ctx),
            session_runs: Vec::new(),
            preset: None,
            show_help: false,
            fullscreen: false,
            applied_theme: None,
            session_settings: None,
            replay: Vec::new(),
            session_dialog: None,
            saved_to: None,
            plot_layout: Vec::new(),
            plot_viewport: egui::Rect::NOTHING,
            scroll_to: None,
            plot_content_height: 0.0,
            offer_last_session: None,
            export: None,
            export_dialog: None,
            exported: None,
            sweep: None,
            sweep_result: None,
        };
        if app.trainer.is_none() {
            app.error("The training thread could not be started; training is unavailable.".into());
        }
        app.offer_last_session = app.settings.last_session.clone().filter(|p| p.exists());
        if let Some(speed) = app.settings.view.speed_limit {
            app.send(Command::SpeedLimit(Some(speed)));
        }
        app
    }

    pub fn is_loading(&self) -> bool {
        self.load.is_some()
    }

    pub fn load_progress(&self) -> Option<(String, Option<f32>, Duration)> {
        self.load.as_ref().map(|j| (j.what.clone(), j.progress.fraction(), j.started.elapsed()))
    }

    pub fn cancel_load(&mut self) {
        if let Some(j) = &self.load {
            j.progress.cancel();
        }
    }

    /// Queues an action, as a button would.
    pub fn act(&mut self, action: Action) {
        self.actions.push(action);
    }

    pub fn epoch(&self) -> usize {
        self.runs.iter().map(RunHistory::epoch).max().unwrap_or(0)
    }

    fn error(&mut self, text: String) {
        self.notices.push(Notice { error: true, text });
        self.trim_notices();
    }

    fn info(&mut self, text: String) {
        self.notices.push(Notice { error: false, text });
        self.trim_notices();
    }

    fn trim_notices(&mut self) {
        if self.notices.len() > 6 {
            self.notices.remove(0);
        }
    }

    fn send(&mut self, command: Command) {
        let ok = self.trainer.as_ref().is_some_and(|t| t.send(command));
        if !ok {
            self.error("The training thread is not answering; restart reglab to train again.".into());
        }
    }

    /// Loads a source on the loader thread; the data on screen stays until
    /// the new one is ready, and stays for good if it fails.
    pub fn start_load(&mut self, choice: DataChoice) {
        let roles = match &choice {
            DataChoice::File(_) if self.settings.source == choice => {
                ColumnRoles { target: self.settings.target.clone(), ignore: self.settings.ignore.clone() }
            }
            _ => ColumnRoles::default(),
        };
        self.spawn_load(choice, None, roles);
    }

    fn preparation(&self) -> Preparation {
        Preparation {
            task: self.settings.task,
            validation: self.settings.validation,
            test: self.settings.test,
            missing: self.settings.missing,
            standardize: self.settings.standardize,
        }
    }

    fn spawn_load(&mut self, choice: DataChoice, existing: Option<Arc<Dataset>>, roles: ColumnRoles) {
        if let Some(old) = &self.load {
            old.progress.cancel();
        }
        let progress = Arc::new(LoadProgress::new());
        let (tx, rx) = mpsc::sync_channel(1);
        let mut prep = self.preparation();
        if choice != self.settings.source {
            // A task forced for one dataset means nothing for another.
            prep.task = None;
        }
        let seed = self.settings.seed;
        let what = choice.describe();
        let p = Arc::clone(&progress);
        let ctx = self.ctx.clone();
        let job_choice = choice.clone();
        let work = move || {
            let loaded = match existing {
                Some(ds) => Ok(ds),
                None => match &job_choice {
                    DataChoice::Builtin(b) => b.load().map(Arc::new).map_err(|e| e.to_string()),
                    DataChoice::Synthetic(s) => match s.check() {
                        Ok(()) => Ok(Arc::new(s.generate())),
                        Err(e) => Err(format!("cannot generate {}: {e}", s.kind.id())),
                    },
                    DataChoice::File(path) => crate::data::load_file(path, &roles, Some(&p))
                        .map(Arc::new)
                        .map_err(|e| e.to_string()),
                },
            };
            let result = loaded.and_then(|ds| {
                let prepared = prepare(&ds, &prep, seed).map_err(|e| format!("{}: {e}", ds.name))?;
                Ok((job_choice, ds, Arc::new(prepared)))
            });
            let _ = tx.send(result);
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        };
        match std::thread::Builder::new().name("reglab-loader".into()).spawn(work) {
            Ok(_) => self.load = Some(LoadJob { what, progress, result: rx, started: Instant::now() }),
            Err(e) => self.error(format!("cannot start loading: {e}")),
        }
    }

    /// Sets up new runs on the data on screen (all back to epoch 0).
    fn setup_session(&mut self) {
        let Some(prepared) = self.prepared.clone() else {
            self.error("No data is loaded yet.".into());
            return;
        };
        let setup = SessionSetup {
            data: prepared,
            network: self.settings.network.clone(),
            training: self.settings.training.clone(),
            runs: self.settings.runs.iter().map(|r| r.spec.clone()).collect(),
            seed: self.settings.seed,
            // Only the changes of runs still in the list (one may have been removed or renamed).
            changes: self
                .replay
                .iter()
                .filter(|c| self.settings.runs.iter().any(|r| r.spec.name == c.run))
                .cloned()
                .collect(),
        };
        self.session_runs = self.settings.runs.clone();
        self.session_settings = Some(self.settings.clone());
        self.runs.clear();
        self.boundary_textures.clear();
        self.history_textures = plots::HistoryTextures::default();
        self.stale = false;
        self.rate_mark = None;
        self.epochs_per_s = 0.0;
        self.send(Command::Setup(Box::new(setup)));
    }

    /// Run `i`'s settings as the session on screen trains it.
    pub fn session_spec(&self, i: usize) -> Option<crate::train::RunSpec> {
        let mut spec = self.session_runs.get(i)?.spec.clone();
        if spec.lr.is_none() {
            spec.lr = self.runs.get(i).map(|r| r.lr);
        }
        Some(spec)
    }

    /// A colour picked for run `i` applies to the session on screen too.
    pub fn set_session_color(&mut self, i: usize, color: [u8; 3]) {
        if !self.stale
            && let Some(r) = self.session_runs.get_mut(i)
        {
            r.color = color;
        }
    }

    /// The colour of run `i` of the session on screen.
    pub fn run_color(&self, i: usize) -> Color32 {
        let c = self.session_runs.get(i).map_or(super::PALETTE[i % super::PALETTE.len()], |r| r.color);
        Color32::from_rgb(c[0], c[1], c[2])
    }

    /// Takes in what the trainer, the loader and the file dialog sent.
    pub fn take_updates(&mut self, ctx: &egui::Context) {
        let mut updates = Vec::new();
        if let Some(t) = &self.trainer {
            while let Some(u) = t.try_recv() {
                updates.push(u);
            }
        }
        for u in updates {
            self.apply_update(ctx, u);
        }
        if let Some(job) = &self.load {
            match job.result.try_recv() {
                Ok(result) => {
                    self.load = None;
                    self.finish_load(result);
                }
                Err(mpsc::TryRecvError::Empty) => ctx.request_repaint_after(Duration::from_millis(100)),
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.load = None;
                    self.error("Loading stopped unexpectedly; the data on screen is unchanged.".into());
                }
            }
        }
        if let Some((rx, started)) = &self.export_dialog {
            match rx.try_recv() {
                Ok(answer) => {
                    let quick = started.elapsed() < Duration::from_millis(700);
                    self.export_dialog = None;
                    match answer {
                        Some(dir) => self.export_to(&dir),
                        None if quick => {
                            self.dialog_unavailable = true;
                            let dir = Self::default_export_dir();
                            self.export_to(&dir);
                        }
                        None => {}
                    }
                }
                Err(mpsc::TryRecvError::Empty) => ctx.request_repaint_after(Duration::from_millis(200)),
                Err(mpsc::TryRecvError::Disconnected) => self.export_dialog = None,
            }
        }
        if let Some(job) = &self.sweep {
            match job.result.try_recv() {
                Ok(paths) => {
                    let colors = job.colors.clone();
                    let cancelled = job.cancel.load(std::sync::atomic::Ordering::Relaxed);
                    self.sweep = None;
                    let mut done = Vec::new();
                    for (p, c) in paths.into_iter().zip(colors) {
                        match p {
                            Ok(p) => done.push((p, c)),
                            Err(e) => self.error(format!("the regularization path failed: {e}")),
                        }
                    }
                    let lambdas = done.first().map_or(0, |p| p.0.points.len());
                    self.info(format!(
                        "Regularization path{}: {} path(s) over {lambdas} λ values.",
                        if cancelled { " (cancelled)" } else { "" },
                        done.len()
                    ));
                    self.sweep_result = Some(done);
                }
                Err(mpsc::TryRecvError::Empty) => ctx.request_repaint_after(Duration::from_millis(100)),
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.sweep = None;
                    self.error("The regularization path stopped unexpectedly.".into());
                }
            }
        }
        if let Some((save, rx, started)) = &self.session_dialog {
            match rx.try_recv() {
                Ok(answer) => {
                    let (save, quick) = (*save, started.elapsed() < Duration::from_millis(700));
                    self.session_dialog = None;
                    match answer {
                        Some(path) if save => {
                            if let Err(e) = self.save_session_to(&path) {
                                self.error(e);
                            }
                        }
                        Some(path) => self.open_session(&path),
                        None if quick => {
                            self.dialog_unavailable = true;
                            if save {
                                self.apply(Action::SaveSession);
                            } else {
                                self.apply(Action::OpenSession);
                            }
                        }
                        None => {}
                    }
                }
                Err(mpsc::TryRecvError::Empty) => ctx.request_repaint_after(Duration::from_millis(200)),
                Err(mpsc::TryRecvError::Disconnected) => self.session_dialog = None,
            }
        }
        if let Some(d) = &self.dialog {
            match d.result.try_recv() {
                Ok(Some(path)) => {
                    self.dialog = None;
                    self.start_load(DataChoice::File(path));
                }
                Ok(None) => {
                    // A real dialog takes a person some time; one that answers
                    // at once was never shown.
                    if d.started.elapsed() < Duration::from_millis(700) {
                        self.dialog_unavailable = true;
                        self.error(
                            "The system file dialog is not available here (no XDG desktop portal). \
                             Type a path in the Data panel, or drop a file on the window."
                                .into(),
                        );
                    }
                    self.dialog = None;
                }
                Err(mpsc::TryRecvError::Empty) => ctx.request_repaint_after(Duration::from_millis(200)),
                Err(mpsc::TryRecvError::Disconnected) => self.dialog = None,
            }
        }
    }

    fn finish_load(&mut self, result: Loaded) {
        match result {
            Ok((choice, ds, prepared)) => {
                let changed_source = self.settings.source != choice;
                if let DataChoice::File(p) = &choice {
                    self.settings.remember_file(p.clone());
                    self.path_field = p.display().to_string();
                }
                if changed_source {
                    self.settings.target = None;
                    self.settings.ignore.clear();
                    self.settings.task = None;
                }
                let mut text = format!(
                    "Loaded {}: {} rows, {} features; {} for training, {} for validation",
                    ds.name,
                    ds.rows(),
                    ds.feature_count(),
                    prepared.train_rows(),
                    prepared.val_rows()
                );
                if prepared.dropped_rows > 0 {
                    text += &format!("; {} row(s) with missing values left out", prepared.dropped_rows);
                }
                if prepared.filled_cells > 0 {
                    text += &format!(
                        "; {} missing value(s) filled with the training mean",
                        prepared.filled_cells
                    );
                }
                self.info(text);
                self.settings.source = choice;
                self.boundary_points = training_points_by_class(&prepared);
                self.dataset = Some(ds);
                self.prepared = Some(prepared);
                self.setup_session();
            }
            Err(e) => {
                let kept = match &self.dataset {
                    Some(ds) => format!(" The data on screen ({}) is unchanged.", ds.name),
                    None => String::new(),
                };
                self.error(format!("{e}.{kept}"));
            }
        }
    }

    fn apply_update(&mut self, ctx: &egui::Context, u: Update) {
        match u {
            Update::Ready { runs, boundary } => {
                self.runs = runs.into_iter().map(|(name, lr)| RunHistory::new(name, lr)).collect();
                self.boundary_textures = vec![None; self.runs.len()];
                self.boundary = boundary;
            }
            Update::Metrics { run, metrics } => {
                if let Some(h) = self.runs.get_mut(run) {
                    h.record(metrics);
                }
            }
            Update::Status { run, status } => {
                if let Some(h) = self.runs.get_mut(run) {
                    if let RunStatus::Diverged { epoch, reason } = &status {
                        let text = format!("Run '{}' stopped at epoch {epoch}: {reason}", h.name);
                        h.status = status.clone();
                        self.error(text);
                    } else {
                        h.status = status;
                    }
                }
            }
            Update::Changed { run, change } => {
                if let Some(h) = self.runs.get_mut(run) {
                    h.changes.push(change);
                }
            }
            Update::Boundary { run, epoch, values } => {
                if let (Some(grid), Some(h)) = (&self.boundary, self.runs.get_mut(run)) {
                    let classes = self.prepared.as_ref().map_or(2, |p| p.classes.len());
                    let image = plots::boundary_image(grid, &values, classes);
                    let slot = &mut self.boundary_textures[run];
                    match slot {
                        Some(t) => t.set(image, egui::TextureOptions::LINEAR),
                        None => {
                            *slot = Some(ctx.load_texture(
                                format!("boundary-{run}"),
                                image,
                                egui::TextureOptions::LINEAR,
                            ))
                        }
                    }
                    h.boundary = Some((epoch, values));
                }
            }
            Update::State(s) => {
                self.trainer_state = s;
                if s == TrainerState::Finished {
                    let epoch = self.epoch();
                    self.info(format!("Training finished at epoch {epoch}."));
                }
            }
            Update::Error(e) => self.error(e),
            Update::WeightsJson(json) => {
                if let Some(job) = &mut self.export {
                    job.weights = Some(json);
                }
                self.finish_export_if_ready();
            }
        }
    }

    fn measure_rate(&mut self) {
        let epoch = self.epoch();
        match self.rate_mark {
            Some((t, e)) if t.elapsed() >= Duration::from_millis(500) => {
                self.epochs_per_s = (epoch.saturating_sub(e)) as f64 / t.elapsed().as_secs_f64();
                self.rate_mark = Some((Instant::now(), epoch));
            }
            None => self.rate_mark = Some((Instant::now(), epoch)),
            _ => {}
        }
        if self.trainer_state != TrainerState::Running {
            self.epochs_per_s = 0.0;
        }
    }

    fn open_dialog(&mut self) {
        if self.dialog.is_some() {
            return;
        }
        let (tx, rx) = mpsc::sync_channel(1);
        let ctx = self.ctx.clone();
        let start_dir = self.settings.recent_files.first().and_then(|p| p.parent().map(Path::to_path_buf));
        let work = move || {
            let mut dialog = rfd::FileDialog::new()
                .set_title("Open a dataset")
                .add_filter("Data files", &["csv", "tsv", "txt", "gz", "libsvm", "svm", "svmlight", "arff"])
                .add_filter("All files", &["*"]);
            if let Some(dir) = start_dir {
                dialog = dialog.set_directory(dir);
            }
            let _ = tx.send(dialog.pick_file());
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        };
        match std::thread::Builder::new().name("reglab-file-dialog".into()).spawn(work) {
            Ok(_) => self.dialog = Some(DialogJob { result: rx, started: Instant::now() }),
            Err(e) => self.error(format!("cannot open the file dialog: {e}")),
        }
    }

    /// Applies the actions collected while drawing.
    pub fn apply_actions(&mut self) {
        let actions = std::mem::take(&mut self.actions);
        for a in actions {
            self.apply(a);
        }
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Train => {
                if self.prepared.is_none() {
                    return;
                }
                if self.stale || self.runs.is_empty() || self.trainer_state == TrainerState::Finished {
                    self.setup_session();
                }
                self.send(Command::Start);
                self.trainer_state = TrainerState::Running;
            }
            Action::Pause => {
                self.send(Command::Pause);
            }
            Action::TogglePlay => {
                if self.trainer_state == TrainerState::Running {
                    self.apply(Action::Pause);
                } else {
                    self.apply(Action::Train);
                }
            }
            Action::Step => {
                if self.prepared.is_none() {
                    return;
                }
                if self.stale || self.runs.is_empty() || self.trainer_state == TrainerState::Finished {
                    self.setup_session();
                }
                self.send(Command::Step);
            }
            Action::Stop => self.send(Command::Stop),
            Action::Reset => self.setup_session(),
            Action::Load(DataChoice::File(p)) if p.extension().is_some_and(|e| e == "toml") => {
                self.open_session(&p)
            }
            Action::Load(choice) => {
                self.replay.clear();
                self.start_load(choice)
            }
            Action::Reprepare => {
                if let Some(ds) = self.dataset.clone() {
                    let choice = self.settings.source.clone();
                    self.spawn_load(choice, Some(ds), ColumnRoles::default());
                }
            }
            Action::Reload => {
                let choice = self.settings.source.clone();
                self.start_load(choice);
            }
            Action::OpenDialog => self.open_dialog(),
            Action::AddRun => {
                let color = self.settings.free_color();
                let n = self.settings.runs.len() + 1;
                self.settings.runs.push(RunEntry {
                    spec: crate::train::RunSpec { name: format!("run {n}"), ..Default::default() },
                    color,
                });
                self.stale = true;
            }
            Action::DuplicateRun(i) => {
                if let Some(r) = self.settings.runs.get(i).cloned() {
                    let color = self.settings.free_color();
                    let mut copy = r;
                    copy.spec.name = format!("{} copy", copy.spec.name);
                    copy.color = color;
                    self.settings.runs.insert(i + 1, copy);
                    self.stale = true;
                }
            }
            Action::RemoveRun(i) => {
                if i < self.settings.runs.len() && self.settings.runs.len() > 1 {
                    let removed = self.settings.runs.remove(i);
                    self.info(format!("Removed run '{}'; it goes at the next Reset.", removed.spec.name));
                    self.stale = true;
                }
            }
            Action::Live(i, change) => {
                if self.stale || i >= self.runs.len() {
                    self.stale = true;
                } else {
                    if let Some(entry) = self.session_runs.get_mut(i) {
                        change.apply_to(&mut entry.spec);
                    }
                    self.send(Command::Change { run: i, change });
                }
            }
            Action::Stale => self.stale = true,
            Action::SpeedLimit(s) => {
                self.settings.view.speed_limit = s;
                self.send(Command::SpeedLimit(s));
            }
            Action::DismissNotices => self.notices.clear(),
            Action::Preset(i) => self.apply_preset(i),
            Action::ClosePresetNote => self.preset = None,
            Action::TogglePresentation => self.settings.view.presentation = !self.settings.view.presentation,
            Action::ToggleFullscreen => {
                self.fullscreen = !self.fullscreen;
                if let Some(ctx) = &self.ctx {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(self.fullscreen));
                }
            }
            Action::ToggleHelp => self.show_help = !self.show_help,
            Action::SaveSession => {
                if self.session_settings.is_none() {
                    self.error("There is no session to save yet.".into());
                } else if self.dialog_unavailable {
                    let path = Self::default_session_path();
                    if let Err(e) = path.parent().map_or(Ok(()), std::fs::create_dir_all) {
                        self.error(format!("{}: {e}", path.display()));
                    } else if let Err(e) = self.save_session_to(&path) {
                        self.error(e);
                    }
                } else {
                    self.session_file_dialog(true);
                }
            }
            Action::OpenSession => {
                if self.dialog_unavailable {
                    self.error(
                        "No file dialog here: type the session's path in the Data panel's Path field, or drop the file on the window."
                            .into(),
                    );
                } else {
                    self.session_file_dialog(false);
                }
            }
            Action::OpenSessionFile(p) => self.open_session(&p),
            Action::RunSweep => self.start_sweep(),
            Action::CancelSweep => {
                if let Some(job) = &self.sweep {
                    job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            Action::ExportAll => {
                if self.session_settings.is_none() {
                    self.error("There is nothing to export yet.".into());
                } else if self.dialog_unavailable {
                    let dir = Self::default_export_dir();
                    self.export_to(&dir);
                } else if self.export_dialog.is_none() {
                    let (tx, rx) = mpsc::sync_channel(1);
                    let ctx = self.ctx.clone();
                    let work = move || {
                        let _ =
                            tx.send(rfd::FileDialog::new().set_title("Export into a folder").pick_folder());
                        if let Some(ctx) = ctx {
                            ctx.request_repaint();
                        }
                    };
                    match std::thread::Builder::new().name("reglab-export-dialog".into()).spawn(work) {
                        Ok(_) => self.export_dialog = Some((rx, Instant::now())),
                        Err(e) => self.error(format!("cannot open the folder dialog: {e}")),
                    }
                }
            }
            Action::SetTheme(t) => self.settings.view.theme = t,
        }
    }

    /// Takes a preset's data, network, training and runs, and loads its data.
    fn apply_preset(&mut self, i: usize) {
        let exp = match crate::experiment::preset(i) {
            Some(Ok(exp)) => exp,
            Some(Err(e)) => return self.error(format!("cannot read the preset {e}")),
            None => return,
        };
        let name = exp.name.clone().unwrap_or_else(|| format!("preset {}", i + 1));
        if self.apply_experiment(&exp) {
            self.preset = Some((name.clone(), exp.description.clone().unwrap_or_default()));
            self.info(format!("Preset {}: {name}. Press Space to train.", i + 1));
        }
    }

    /// Takes an experiment's data, network, training, runs and changes to
    /// replay, and loads its data; `false` if it names no data.
    fn apply_experiment(&mut self, exp: &crate::experiment::Experiment) -> bool {
        let Some(choice) = DataChoice::from_spec(&exp.data) else {
            self.error("the experiment names no data".into());
            return false;
        };
        let s = &mut self.settings;
        s.source = choice.clone();
        s.target = exp.data.target.clone();
        s.ignore = exp.data.ignore.clone();
        s.task = exp.data.task;
        s.validation = exp.data.validation;
        s.test = exp.data.test;
        s.missing = exp.data.missing;
        s.standardize = exp.data.standardize;
        s.network = exp.network.clone();
        s.training = exp.training.clone();
        s.seed = exp.seed;
        s.runs = exp
            .runs
            .iter()
            .enumerate()
            .map(|(k, spec)| RunEntry { spec: spec.clone(), color: super::PALETTE[k % super::PALETTE.len()] })
            .collect();
        // The sparsity plot shows the experiment's ε (the nearest recorded one).
        let eps = exp.training.epsilon;
        s.view.epsilon_index = crate::train::EPSILON_GRID
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1.ln() - eps.ln()).abs().total_cmp(&(b.1.ln() - eps.ln()).abs()))
            .map_or(s.view.epsilon_index, |(k, _)| k);
        self.replay = exp.changes.clone();
        let roles = ColumnRoles { target: exp.data.target.clone(), ignore: exp.data.ignore.clone() };
        self.spawn_load(choice, None, roles);
        true
    }

    /// The session on screen as an experiment: its data, preparation,
    /// network, runs as they started, and every change made while training.
    pub fn session_experiment(&self) -> Option<crate::experiment::Experiment> {
        let s = self.session_settings.as_ref()?;
        let mut data = crate::experiment::DataSpec {
            target: s.target.clone(),
            ignore: s.ignore.clone(),
            task: s.task,
            validation: s.validation,
            test: s.test,
            missing: s.missing,
            standardize: s.standardize,
            ..Default::default()
        };
        s.source.set_in(&mut data);
        let changes = self
            .runs
            .iter()
            .flat_map(|h| {
                h.changes.iter().map(|c| crate::train::ScheduledChange {
                    run: h.name.clone(),
                    epoch: c.epoch,
                    change: c.live,
                })
            })
            .collect();
        Some(crate::experiment::Experiment {
            name: self.preset.as_ref().map(|p| p.0.clone()),
            description: self.preset.as_ref().map(|p| p.1.clone()),
            seed: s.seed,
            data,
            network: s.network.clone(),
            training: s.training.clone(),
            runs: s.runs.iter().map(|r| r.spec.clone()).collect(),
            changes,
        })
    }

    /// Writes the session on screen to `path` (atomically: a temporary file
    /// renamed over it, so a crash leaves the old file or the new one).
    pub fn save_session_to(&mut self, path: &Path) -> Result<(), String> {
        let exp = self.session_experiment().ok_or("there is no session to save yet")?;
        let text = exp.to_toml()?;
        let header =
            "# A reglab session: open it in the window, or train it with `reglab train --config FILE`.\n";
        write_atomic(path, &format!("{header}{text}"))
            .map_err(|e| format!("{}: cannot save: {e}", path.display()))?;
        self.settings.last_session = Some(path.to_path_buf());
        self.saved_to = Some(path.to_path_buf());
        self.info(format!("Saved the session to {}", path.display()));
        Ok(())
    }

    /// Opens a session file: its data, settings and runs, with its changes
    /// replayed when it trains.
    pub fn open_session(&mut self, path: &Path) {
        self.offer_last_session = None;
        match crate::experiment::Experiment::load(path) {
            Ok(exp) => {
                if self.apply_experiment(&exp) {
                    self.preset = exp.name.clone().map(|n| (n, exp.description.clone().unwrap_or_default()));
                    self.settings.last_session = Some(path.to_path_buf());
                    let replay = if exp.changes.is_empty() {
                        String::new()
                    } else {
                        format!(" Its {} change(s) are replayed when it trains.", exp.changes.len())
                    };
                    self.info(format!("Opened the session {}.{replay}", path.display()));
                }
            }
            Err(e) => self.error(format!("{e}. The session on screen is unchanged.")),
        }
    }

    fn session_file_dialog(&mut self, save: bool) {
        if self.session_dialog.is_some() {
            return;
        }
        let (tx, rx) = mpsc::sync_channel(1);
        let ctx = self.ctx.clone();
        let work = move || {
            let dialog = rfd::FileDialog::new().add_filter("reglab session", &["toml"]);
            let path = if save {
                dialog.set_file_name("session.toml").set_title("Save the session").save_file()
            } else {
                dialog.set_title("Open a session").pick_file()
            };
            let _ = tx.send(path);
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        };
        match std::thread::Builder::new().name("reglab-session-dialog".into()).spawn(work) {
            Ok(_) => self.session_dialog = Some((save, rx, Instant::now())),
            Err(e) => self.error(format!("cannot open the file dialog: {e}")),
        }
    }

    /// The sweep under way: λ values done and in all.
    pub fn sweep_progress(&self) -> Option<(usize, usize)> {
        self.sweep.as_ref().map(|j| (j.done.load(std::sync::atomic::Ordering::Relaxed), j.total))
    }

    /// Sweeps λ for every penalised run of the settings, on the data on
    /// screen, on a thread of its own (each path on its own core).
    fn start_sweep(&mut self) {
        use crate::train::sweep;
        if self.sweep.is_some() {
            return;
        }
        let Some(data) = self.prepared.clone() else {
            return self.error("No data is loaded yet.".into());
        };
        let entries: Vec<RunEntry> = self
            .settings
            .runs
            .iter()
            .filter(|r| r.spec.reg != crate::nn::Regularizer::None)
            .cloned()
            .collect();
        if entries.is_empty() {
            return self
                .error("A regularization path needs a run with a penalty (L1, L2 or elastic net).".into());
        }
        let network = self.settings.network.clone();
        let mut training = self.settings.training.clone();
        // Each λ starts from the last one's weights, so fewer epochs suffice.
        training.epochs = Some(training.epochs().min(self.settings.view.sweep_epochs.max(1)));
        let bases: Vec<crate::train::RunSpec> = entries.iter().map(|r| r.spec.clone()).collect();
        let max = sweep::lambda_max(&data, &network, &training, &bases[0]);
        let grid =
            sweep::lambda_grid(max, self.settings.view.sweep_min_ratio, self.settings.view.sweep_count);
        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let cancel = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (tx, rx) = mpsc::sync_channel(1);
        let (d, c, ctx) = (Arc::clone(&done), Arc::clone(&cancel), self.ctx.clone());
        let seed = self.settings.seed;
        let total = grid.len() * bases.len();
        let work = move || {
            let paths = sweep::sweep_all(&data, &network, &training, &bases, &grid, seed, &d, &c);
            let _ = tx.send(paths.into_iter().map(|p| p.map_err(|e| e.to_string())).collect());
            if let Some(ctx) = ctx {
                ctx.request_repaint();
            }
        };
        match std::thread::Builder::new().name("reglab-sweep".into()).spawn(work) {
            Ok(_) => {
                let colors =
                    entries.iter().map(|e| Color32::from_rgb(e.color[0], e.color[1], e.color[2])).collect();
                self.sweep = Some(SweepJob { done, cancel, total, colors, result: rx });
            }
            Err(e) => self.error(format!("cannot start the sweep: {e}")),
        }
    }

    /// Where exports go when there is no folder dialog.
    pub fn default_export_dir() -> PathBuf {
        let session = Self::default_session_path();
        let stamp = session
            .file_stem()
            .map_or_else(|| "export".into(), |s| s.to_string_lossy().replace("session", "export"));
        session
            .parent()
            .and_then(Path::parent)
            .map_or_else(std::env::temp_dir, Path::to_path_buf)
            .join("exports")
            .join(stamp)
    }

    /// Starts an export into `dir`: the session and the metrics are written
    /// now; the weights (from the trainer) and the pictures (from a capture
    /// of the window) when they arrive.
    pub fn export_to(&mut self, dir: &Path) {
        if self.export.is_some() {
            return self.error("An export is already under way.".into());
        }
        if let Err(e) = std::fs::create_dir_all(dir) {
            return self.error(format!("{}: cannot create the folder: {e}", dir.display()));
        }
        let mut files = Vec::new();
        match self.session_experiment().map(|e| e.to_toml()) {
            Some(Ok(text)) => match write_atomic(&dir.join("session.toml"), &text) {
                Ok(()) => files.push("session.toml".to_string()),
                Err(e) => self.error(format!("{}: {e}", dir.join("session.toml").display())),
            },
            Some(Err(e)) => self.error(e),
            None => {}
        }
        match write_atomic(&dir.join("metrics.csv"), &self.metrics_csv()) {
            Ok(()) => files.push("metrics.csv".to_string()),
            Err(e) => self.error(format!("{}: {e}", dir.join("metrics.csv").display())),
        }
        let mut pending: std::collections::VecDeque<&'static str> =
            std::collections::VecDeque::from(["window"]);
        pending.extend(self.plot_layout.iter().map(|(name, _, _)| *name));
        self.export =
            Some(ExportJob { dir: dir.to_path_buf(), files, weights: None, pending, capture: Capture::Idle });
        if let Some(ctx) = &self.ctx {
            ctx.request_repaint();
        }
        self.send(Command::ExportWeights);
    }

    fn finish_export_if_ready(&mut self) {
        let ready = self.export.as_ref().is_some_and(|j| {
            j.weights.is_some() && j.pending.is_empty() && matches!(j.capture, Capture::Idle)
        });
        if !ready {
            return;
        }
        let Some(mut job) = self.export.take() else { return };
        match job.weights.take() {
            Some(Ok(json)) => match write_atomic(&job.dir.join("weights.json"), &json) {
                Ok(()) => job.files.push("weights.json".into()),
                Err(e) => self.error(format!("{}: {e}", job.dir.join("weights.json").display())),
            },
            Some(Err(e)) => self.error(format!("weights not exported: {e}")),
            None => {}
        }
        self.info(format!("Exported {} files to {}", job.files.len(), job.dir.display()));
        self.exported = Some((job.dir, job.files));
    }

    /// One step of taking the export's pictures, once per frame.
    fn export_step(&mut self, ctx: &egui::Context) {
        let Some(mut job) = self.export.take() else { return };
        ctx.request_repaint();
        job.capture = match std::mem::replace(&mut job.capture, Capture::Idle) {
            Capture::Idle => match job.pending.pop_front() {
                Some("window") => {
                    let rect = ctx.content_rect();
                    Capture::Waiting {
                        name: "window",
                        rect,
                        rx: request_screenshot(ctx),
                        since: Instant::now(),
                    }
                }
                Some(name) => match self.plot_layout.iter().find(|(n, _, _)| *n == name) {
                    Some((_, y, _)) => {
                        self.scroll_to = Some(*y);
                        Capture::Scrolling { name, frames: 0, last: None, steady: 0 }
                    }
                    None => Capture::Idle,
                },
                None => Capture::Idle,
            },
            Capture::Scrolling { name, frames, last, steady } => {
                let now = self.plot_layout.iter().find(|(n, _, _)| *n == name).map(|l| l.2);
                let steady = if now.is_some() && now == last { steady + 1 } else { 0 };
                match now {
                    // Steady for three frames (or given up waiting after 120): capture.
                    Some(rect) if steady >= 3 || frames >= 120 => {
                        let rect = rect.intersect(self.plot_viewport);
                        Capture::Waiting { name, rect, rx: request_screenshot(ctx), since: Instant::now() }
                    }
                    Some(_) => Capture::Scrolling { name, frames: frames + 1, last: now, steady },
                    None => Capture::Idle,
                }
            }
            Capture::Waiting { name, rect, rx, since } => match rx.try_recv() {
                Ok(image) => {
                    let file = format!("{name}.png");
                    match write_png(&job.dir.join(&file), &image, rect, ctx.pixels_per_point()) {
                        Ok(true) => job.files.push(file),
                        Ok(false) => {}
                        Err(e) => self.error(format!("{}: {e}", job.dir.join(&file).display())),
                    }
                    Capture::Idle
                }
                Err(_) if since.elapsed() > Duration::from_secs(10) => {
                    self.error(format!("The window could not be captured; {name}.png was not written."));
                    Capture::Idle
                }
                Err(_) => Capture::Waiting { name, rect, rx, since },
            },
        };
        self.export = Some(job);
        self.finish_export_if_ready();
    }

    /// One row per run and recorded epoch; a cell is empty where the
    /// (thinned) history has no point for that epoch.
    pub fn metrics_csv(&self) -> String {
        let eps = crate::train::EPSILON_GRID
            [self.settings.view.epsilon_index.min(crate::train::EPSILON_GRID.len() - 1)];
        let mut out = format!(
            "run,epoch,train_error,val_error,penalty,total,train_accuracy,val_accuracy,l1_norm,l2_norm,zero_frac,small_frac_{eps:e}\n"
        );
        for h in &self.runs {
            let series = [
                &h.train_error,
                &h.val_error,
                &h.penalty,
                &h.total,
                &h.train_accuracy,
                &h.val_accuracy,
                &h.l1,
                &h.l2,
                &h.zero_frac,
                &h.small_frac[self.settings.view.epsilon_index.min(h.small_frac.len() - 1)],
            ];
            let mut epochs: Vec<f64> = series.iter().flat_map(|s| s.points().iter().map(|p| p.x)).collect();
            epochs.sort_by(f64::total_cmp);
            epochs.dedup();
            let name = if h.name.contains([',', '"']) {
                format!("\"{}\"", h.name.replace('"', "\"\""))
            } else {
                h.name.clone()
            };
            for x in epochs {
                out += &format!("{name},{x}");
                for s in &series {
                    match s.points().binary_search_by(|p| p.x.total_cmp(&x)) {
                        Ok(k) => out += &format!(",{}", s.points()[k].y),
                        Err(_) => out.push(','),
                    }
                }
                out.push('\n');
            }
        }
        out
    }

    /// Where sessions go when there is no file dialog.
    pub fn default_session_path() -> PathBuf {
        let base = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .unwrap_or_else(std::env::temp_dir);
        let stamp =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        base.join("reglab/sessions").join(format!("session-{stamp}.toml"))
    }

    /// Has the trainer record metrics after every epoch (benchmarks).
    #[doc(hidden)]
    pub fn record_every_epoch(&mut self) {
        self.send(Command::RecordEveryEpoch(true));
    }

    /// Sends a panic into a run (tests: a failure stays in its run).
    #[doc(hidden)]
    pub fn inject_panic(&mut self, run: usize) {
        self.send(Command::InjectPanic { run });
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        // Keys typed into a text field are text, not commands.
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        ctx.input_mut(|i| {
            if i.consume_shortcut(&SHORTCUT_TRAIN) {
                self.actions.push(Action::TogglePlay);
            }
            if i.consume_shortcut(&SHORTCUT_SAVE) {
                self.actions.push(Action::SaveSession);
            }
            if i.consume_shortcut(&SHORTCUT_STEP) || i.consume_shortcut(&SHORTCUT_STEP_ARROW) {
                self.actions.push(Action::Step);
            }
            if i.consume_shortcut(&SHORTCUT_FULLSCREEN) {
                self.actions.push(Action::ToggleFullscreen);
            }
            if i.consume_shortcut(&SHORTCUT_PRESENT) {
                self.actions.push(Action::TogglePresentation);
            }
            if i.consume_shortcut(&SHORTCUT_HELP) || i.consume_key(Modifiers::SHIFT, Key::Questionmark) {
                self.actions.push(Action::ToggleHelp);
            }
            if i.consume_shortcut(&SHORTCUT_RESET) {
                self.actions.push(Action::Reset);
            }
            if i.consume_shortcut(&SHORTCUT_STOP) {
                self.actions.push(Action::Stop);
            }
            if i.consume_shortcut(&SHORTCUT_OPEN) {
                self.actions.push(Action::OpenDialog);
            }
            let keys = [
                Key::Num1,
                Key::Num2,
                Key::Num3,
                Key::Num4,
                Key::Num5,
                Key::Num6,
                Key::Num7,
                Key::Num8,
                Key::Num9,
            ];
            for (k, key) in keys.iter().enumerate().take(crate::experiment::PRESETS.len()) {
                if i.consume_key(Modifiers::NONE, *key) {
                    self.actions.push(Action::Preset(k));
                }
            }
        });
    }

    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.actions.push(Action::Load(DataChoice::File(path)));
        }
    }

    /// Draws the whole window.
    pub fn draw(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        let ctx = ui.ctx().clone();
        self.shortcuts(&ctx);
        self.dropped_files(&ctx);
        self.measure_rate();
        if self.applied_theme != Some(self.settings.view.theme) {
            ctx.set_visuals(self.settings.view.theme.visuals());
            self.applied_theme = Some(self.settings.view.theme);
        }
        egui::Panel::top("toolbar").show(ui, |ui| panels::toolbar_ui(self, ui));
        if !self.settings.view.presentation {
            egui::Panel::bottom("status").show(ui, |ui| panels::status_ui(self, ui));
            egui::Panel::left("settings")
                .resizable(true)
                .default_size(380.0)
                .show(ui, |ui| panels::settings_ui(self, ui));
        }
        egui::CentralPanel::default().show(ui, |ui| plots::plots_ui(self, ui));
        if self.show_help {
            panels::help_ui(self, &ctx);
        }
        if ctx.input(|i| !i.raw.hovered_files.is_empty()) {
            panels::drop_hint_ui(&ctx);
        }
        self.frame_times.push(started.elapsed());
        self.export_step(&ctx);
        self.apply_actions();
    }
}

/// Up to 1000 training rows of a two-input set, by class.
fn training_points_by_class(p: &Prepared) -> Vec<Vec<egui_plot::PlotPoint>> {
    if p.inputs() != 2 {
        return Vec::new();
    }
    let (x, y) = (&p.x_train, &p.y_train);
    let mut by_class = vec![Vec::new(); p.classes.len().max(2)];
    for r in 0..x.nrows().min(1000) {
        let k = if y.ncols() == 1 {
            (y[[r, 0]] > 0.5) as usize
        } else {
            y.row(r).iter().position(|&v| v > 0.5).unwrap_or(0)
        };
        if let Some(v) = by_class.get_mut(k) {
            v.push(egui_plot::PlotPoint::new(x[[r, 0]] as f64, x[[r, 1]] as f64));
        }
    }
    by_class
}

/// Asks for a capture of the window as this frame draws it.
fn request_screenshot(ctx: &egui::Context) -> Receiver<Arc<egui::ColorImage>> {
    let (tx, rx) = mpsc::sync_channel(1);
    let repaint = ctx.clone();
    ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(egui::ScreenshotCallback::new(move |image| {
        let _ = tx.send(image);
        repaint.request_repaint();
    })));
    rx
}

/// Writes the part of `image` under `rect` (in points) as a PNG; `false`
/// when nothing of it is on screen.
fn write_png(
    path: &Path,
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
) -> std::io::Result<bool> {
    let [w, h] = image.size;
    let x0 = ((rect.min.x * pixels_per_point).round().max(0.0) as usize).min(w);
    let y0 = ((rect.min.y * pixels_per_point).round().max(0.0) as usize).min(h);
    let x1 = ((rect.max.x * pixels_per_point).round().max(0.0) as usize).min(w);
    let y1 = ((rect.max.y * pixels_per_point).round().max(0.0) as usize).min(h);
    if x1 <= x0 || y1 <= y0 {
        return Ok(false);
    }
    let mut bytes = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for x in x0..x1 {
            bytes.extend_from_slice(&image.pixels[y * w + x].to_srgba_unmultiplied());
        }
    }
    let mut encoded = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut encoded, (x1 - x0) as u32, (y1 - y0) as u32);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
        writer.write_image_data(&bytes).map_err(std::io::Error::other)?;
    }
    let tmp = path.with_extension("png.tmp");
    std::fs::write(&tmp, &encoded)?;
    std::fs::rename(&tmp, path)?;
    Ok(true)
}

/// Writes `text` to a temporary file beside `path`, flushes it to disk and
/// renames it over `path`.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map_or_else(|| "session".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

impl eframe::App for ReglabApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.take_updates(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}

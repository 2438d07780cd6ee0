//! What the window works on, without the window: the experiment being
//! edited (one [`Experiment`], the same model as experiment files), the
//! session on screen and each run's history, and the background jobs
//! (loading, the λ sweep, file dialogs). It changes only through
//! [`Action`]s and takes in what the trainer and the jobs sent in
//! [`Workbench::poll`]; the window reads it and returns actions. Tests drive
//! it without a window.

pub mod geometry;
pub mod history;
pub mod jobs;
pub mod network;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::data::{ColumnRoles, Dataset, LoadProgress, Preparation, Prepared, prepare};
use crate::experiment::{DataSource, DataSpec, Experiment, Layout};
use crate::nn::Regularizer;
use crate::train::live::{
    BoundaryGrid, Command, LiveChange, LiveTrainer, SessionSetup, TrainerState, Update,
};
use crate::train::sweep::SweepPath;
use crate::train::write_atomic;
use crate::train::{NetworkSpec, RunSpec, RunStatus, ScheduledChange, TrainingSpec};
pub use history::{Point, RunHistory, Series};
use jobs::{Counter, Job, NoProgress, Waker, take_ended};

/// Colours that stay apart for colour-blind viewers and on a projector
/// (Okabe & Ito), in the order runs get them.
pub const PALETTE: [[u8; 3]; 8] = [
    [0x99, 0x99, 0x99],
    [0xD5, 0x5E, 0x00],
    [0x00, 0x72, 0xB2],
    [0x00, 0x9E, 0x73],
    [0xCC, 0x79, 0xA7],
    [0xE6, 0x9F, 0x00],
    [0x56, 0xB4, 0xE9],
    [0x33, 0x33, 0x33],
];

/// What the workbench remembers between starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The experiment being edited: data, preparation, network, training, runs.
    pub experiment: Experiment,
    /// Each run's colour, in the order of `experiment.runs`.
    pub colors: Vec<[u8; 3]>,
    pub recent_files: Vec<PathBuf>,
    /// The session file saved or opened last, offered at the next start.
    pub last_session: Option<PathBuf>,
    /// How fast the runs train.
    pub pace: Pace,
    /// When the runs reach their epochs they go on, until paused.
    pub until_paused: bool,
}

/// How fast the runs train in the window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Pace {
    /// The whole session unfolds over about [`WATCH_SECONDS`], so that a
    /// room can follow it.
    Watch,
    /// At most this many epochs per second.
    Fixed(f64),
    /// As fast as the machine goes.
    Fastest,
}

/// How long a session takes at [`Pace::Watch`].
pub const WATCH_SECONDS: f64 = 20.0;

impl Default for Settings {
    fn default() -> Self {
        let experiment = crate::experiment::default_experiment();
        let colors = palette_for(experiment.runs.len());
        Settings {
            experiment,
            colors,
            recent_files: Vec::new(),
            last_session: None,
            pace: Pace::Watch,
            until_paused: false,
        }
    }
}

fn palette_for(n: usize) -> Vec<[u8; 3]> {
    (0..n).map(|k| PALETTE[k % PALETTE.len()]).collect()
}

impl Settings {
    /// Remembers a file at the top of the recent list (at most 8).
    pub fn remember_file(&mut self, path: PathBuf) {
        self.recent_files.retain(|p| *p != path);
        self.recent_files.insert(0, path);
        self.recent_files.truncate(8);
    }

    /// The first palette colour no run uses yet.
    pub fn free_color(&self) -> [u8; 3] {
        PALETTE
            .iter()
            .copied()
            .find(|c| !self.colors.contains(c))
            .unwrap_or(PALETTE[self.colors.len() % PALETTE.len()])
    }

    /// One colour per run, whatever was saved.
    fn fix_colors(&mut self) {
        let n = self.experiment.runs.len();
        while self.colors.len() < n {
            let c = self.free_color();
            self.colors.push(c);
        }
        self.colors.truncate(n);
    }
}

/// What a click, a key or a test asks of the workbench.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Train,
    Pause,
    TogglePlay,
    Step,
    Stop,
    Reset,
    /// Load a data source (a `.toml` file opens as a session).
    Load(DataSource),
    /// The data part of the experiment; when `commit` (an edit finished),
    /// other column roles read the file again, another split, scaling or
    /// handling of missing values prepares it again.
    SetData {
        data: Box<DataSpec>,
        commit: bool,
    },
    SetNetwork(NetworkSpec),
    SetTraining(TrainingSpec),
    SetSeed(u64),
    /// Run `i`'s settings; `commit` when an edit is finished (a slider let
    /// go), which is when a change of λ, η, the regularizer, the L1 rule or
    /// α reaches a run that trains.
    SetRun {
        index: usize,
        spec: Box<RunSpec>,
        commit: bool,
    },
    SetColor(usize, [u8; 3]),
    AddRun,
    DuplicateRun(usize),
    RemoveRun(usize),
    SetPace(Pace),
    /// Runs that reach their epochs go on until paused.
    SetUntilPaused(bool),
    DismissNotices,
    /// Load preset `i` of [`crate::experiment::PRESETS`].
    Preset(usize),
    ClosePresetNote,
    OpenDataDialog,
    CancelLoad,
    SaveSession,
    SaveSessionTo(PathBuf),
    OpenSessionDialog,
    OpenSessionFile(PathBuf),
    DismissLastSession,
    /// Set aside the column a load offered to ignore, and load again.
    IgnoreOfferedColumn,
    DismissIgnore,
    /// Open the session autosaved before reglab last stopped without closing.
    RestoreAutosave,
    DismissAutosave,
    /// Everything into a folder: chosen in a dialog, or the default one.
    ExportAll,
    ExportTo(PathBuf),
    /// The window's pictures of an export are written: the file names, and
    /// what could not be written.
    PicturesWritten {
        files: Vec<String>,
        errors: Vec<String>,
    },
    /// Sweep λ for every penalised run of the experiment.
    RunSweep {
        count: usize,
        min_ratio: f64,
        epochs: usize,
    },
    CancelSweep,
    /// The window's views were arranged anew (saved with the session).
    SetLayout(Layout),
    /// Contours of the data error over two weights of every run, from the
    /// weights the runs have now.
    ComputeGeometry,
    /// Train the session on screen again over `count` seeds, in the
    /// background, for the band of each run's error.
    RunSeeds {
        count: usize,
    },
    CancelSeeds,
    /// A run that panics (tests: a failure stays in its run).
    #[doc(hidden)]
    InjectPanic(usize),
}

/// A message in the status area.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
}

/// What a load job brings back.
type Loaded = Result<(Arc<Dataset>, Arc<Prepared>), LoadFailure>;

/// Why a load failed, and the column that setting aside would let it load.
#[derive(Debug)]
struct LoadFailure {
    text: String,
    ignore: Option<String>,
}

/// A load under way and what to do when it is done.
struct LoadJob {
    job: Job<Loaded, LoadProgress>,
    source: DataSource,
    /// The data settings it loads with.
    data: DataSpec,
    /// The experiment to take on when the data is ready (a preset, a session).
    then: Option<Box<Opened>>,
}

/// An experiment that is opened once its data has loaded.
struct Opened {
    experiment: Experiment,
    preset: Option<(String, String)>,
    session_file: Option<PathBuf>,
}

/// What a file dialog was opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DialogKind {
    OpenData,
    OpenSession,
    SaveSession,
    ExportFolder,
}

/// An export under way: the trainer writes the metrics and weights, the
/// window its pictures.
struct Export {
    dir: PathBuf,
    files: Vec<String>,
    trainer_done: bool,
    pictures_done: bool,
}

/// What the sweep job brings back: each path (or why it failed) and the
/// colours of the runs swept.
type SweepAnswer = (Vec<Result<SweepPath, String>>, Vec<[u8; 3]>);

/// What the job over seeds brings back.
type SeedsAnswer = Result<crate::train::seeds::SeedStudy, String>;

/// A finished λ sweep: each path with its run's colour.
pub type SweepResult = Vec<(SweepPath, [u8; 3])>;

/// The session on screen: the experiment it was set up with, its runs as
/// they train now (live changes applied) and their colours.
#[derive(Debug, Clone)]
struct OnScreen {
    experiment: Experiment,
    /// The data the runs were set up on (the data on screen may be newer).
    data: Arc<Prepared>,
    dataset: Option<Arc<Dataset>>,
    runs: Vec<RunSpec>,
    colors: Vec<[u8; 3]>,
    /// The epochs it was set up with: what Train adds once they are done.
    epochs_step: usize,
}

pub struct Workbench {
    pub settings: Settings,
    pub dataset: Option<Arc<Dataset>>,
    pub prepared: Option<Arc<Prepared>>,
    /// The runs of the session on screen.
    pub runs: Vec<RunHistory>,
    pub trainer_state: TrainerState,
    pub notices: Vec<Notice>,
    pub boundary: Option<BoundaryGrid>,
    /// The training rows of a two-input set by class (at most [`BOUNDARY_POINTS`]).
    pub boundary_points: Vec<Vec<Point>>,
    /// The preset (or named session) on screen: its name and explanation.
    pub preset: Option<(String, String)>,
    /// The system file dialog answered nothing at once: it is likely missing.
    pub dialog_unavailable: bool,
    /// Where the last session was saved.
    pub saved_to: Option<PathBuf>,
    /// The last session, offered until something else is opened.
    pub offer_last_session: Option<PathBuf>,
    /// The folder and files of the last finished export.
    pub exported: Option<(PathBuf, Vec<String>)>,
    pub sweep_result: Option<SweepResult>,
    /// Per run: E0 over the plane of two of its weights (the geometry view).
    pub geometry: Vec<geometry::Plane>,
    /// The session on screen over several seeds.
    pub seed_study: Option<crate::train::seeds::SeedStudy>,
    /// Background work or runs that stopped with an internal error (a bug:
    /// each is reported, and the rest goes on).
    pub internal_errors: usize,
    /// Pause was asked since the last Train: runs that reach their end
    /// meanwhile do not go on by themselves.
    pause_asked: bool,
    /// Epochs per second, measured.
    pub epochs_per_s: f64,
    /// The ε of an experiment just opened, for the sparsity plot to take.
    pub epsilon_hint: Option<f64>,
    /// The arrangement of the views of an experiment just opened, for the
    /// window to take.
    pub layout_hint: Option<Layout>,
    /// The window captures pictures of exports (headless, nobody does).
    pub takes_pictures: bool,
    /// An export folder whose pictures the window should take now.
    pub pictures_wanted: Option<PathBuf>,
    /// Where sessions, exports and the autosave go when there is no file dialog.
    pub data_dir: PathBuf,
    /// A column whose many text values stopped a load: setting it aside
    /// (one click) loads the file.
    pub offer_ignore: Option<(String, DataSource, DataSpec)>,
    /// The session autosaved by a reglab that did not close cleanly, offered
    /// back until opened or dismissed.
    pub offer_restore: Option<PathBuf>,
    /// The session on screen is autosaved (the window turns it on; tests
    /// and headless use leave it off).
    pub autosave_on: bool,
    /// The last autosave written, and when it was looked at.
    autosaved: Option<String>,
    autosave_checked: Instant,
    /// Counts the sessions set up, so that the window knows when its
    /// pictures of the runs are out of date.
    pub session_id: u64,
    /// The data settings the data on screen was loaded and prepared with.
    loaded_data: Option<DataSpec>,
    on_screen: Option<OnScreen>,
    /// Sent to the trainer, waiting for its answer.
    /// Sessions sent to the trainer, in order: each Ready or failure
    /// answers the first.
    pending_setup: std::collections::VecDeque<OnScreen>,
    /// Changes an opened session replays at their epochs.
    replay: Vec<ScheduledChange>,
    trainer: Option<LiveTrainer>,
    load: Option<LoadJob>,
    sweep: Option<Job<SweepAnswer, Counter>>,
    dialog: Option<(DialogKind, Job<Option<PathBuf>, NoProgress>)>,
    /// The contours being computed, for the session it was asked for.
    geometry_job: Option<(u64, Job<Vec<geometry::Plane>, NoProgress>)>,
    /// Contours were asked for while others were being computed.
    geometry_again: bool,
    /// A study over seeds under way, for the session it was asked for.
    seeds_job: Option<(u64, Job<SeedsAnswer, Counter>)>,
    export: Option<Export>,
    rate_mark: Option<(Instant, usize)>,
    wake: Waker,
}

/// How often the session on screen is autosaved when it changed.
pub const AUTOSAVE_EVERY: Duration = Duration::from_secs(3);

/// How long a real file dialog takes a person at least: one that answers
/// sooner was never shown.
const DIALOG_MIN: Duration = Duration::from_millis(700);

impl Workbench {
    /// A workbench with these settings and no data yet; `wake` is called
    /// from other threads when there is something new to take in.
    pub fn new(mut settings: Settings, wake: Waker) -> Workbench {
        settings.fix_colors();
        let notify = Arc::clone(&wake);
        let trainer = LiveTrainer::spawn(move || notify()).ok();
        let mut wb = Workbench {
            offer_last_session: settings.last_session.clone().filter(|p| p.exists()),
            settings,
            dataset: None,
            prepared: None,
            runs: Vec::new(),
            trainer_state: TrainerState::Idle,
            notices: Vec::new(),
            boundary: None,
            boundary_points: Vec::new(),
            preset: None,
            dialog_unavailable: false,
            saved_to: None,
            exported: None,
            sweep_result: None,
            geometry: Vec::new(),
            seed_study: None,
            internal_errors: 0,
            pause_asked: false,
            seeds_job: None,
            geometry_job: None,
            geometry_again: false,
            epochs_per_s: 0.0,
            epsilon_hint: None,
            layout_hint: None,
            takes_pictures: false,
            pictures_wanted: None,
            data_dir: data_dir(),
            offer_restore: None,
            offer_ignore: None,
            autosave_on: false,
            autosaved: None,
            autosave_checked: Instant::now(),
            session_id: 0,
            loaded_data: None,
            on_screen: None,
            pending_setup: std::collections::VecDeque::new(),
            replay: Vec::new(),
            trainer,
            load: None,
            sweep: None,
            dialog: None,
            export: None,
            rate_mark: None,
            wake,
        };
        if wb.trainer.is_none() {
            wb.error("The training thread could not be started; training is unavailable.".into());
        }
        wb.send_pace();
        wb
    }

    /// Autosaves the session on screen from now on, under the data folder,
    /// after offering back one a reglab that stopped without closing left.
    pub fn enable_autosave(&mut self) {
        self.autosave_on = true;
        self.check_autosave();
    }

    /// Where the session on screen is autosaved.
    pub fn autosave_path(&self) -> PathBuf {
        self.data_dir.join("autosave").join("session.toml")
    }

    /// An autosave left by a reglab that did not close cleanly is moved
    /// aside (so that this one's autosaves do not overwrite it) and offered.
    fn check_autosave(&mut self) {
        let path = self.autosave_path();
        if path.exists() {
            let previous = path.with_file_name("before-last-stop.toml");
            match std::fs::rename(&path, &previous) {
                Ok(()) => self.offer_restore = Some(previous),
                Err(_) => self.offer_restore = Some(path),
            }
        }
    }

    /// Writes the session on screen to the autosave file (atomically) when
    /// it changed since the last time; called every few seconds.
    fn autosave(&mut self) {
        let Some(exp) = self.session_experiment() else { return };
        let Ok(text) = exp.to_toml() else { return };
        if self.autosaved.as_deref() == Some(text.as_str()) {
            return;
        }
        let path = self.autosave_path();
        let header =
            "# reglab's autosave of the session on screen; offered back if reglab stops without closing.\n";
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| write_atomic(&path, format!("{header}{text}").as_bytes()));
        match written {
            Ok(()) => self.autosaved = Some(text),
            Err(e) => {
                // Said once, not every few seconds.
                if self.autosaved.as_deref() != Some("") {
                    self.error(format!("{}: cannot autosave: {e}", path.display()));
                }
                self.autosaved = Some(String::new());
            }
        }
    }

    /// reglab closes cleanly: nothing to offer back at the next start.
    pub fn clean_exit(&mut self) {
        if self.autosave_on {
            let _ = std::fs::remove_file(self.autosave_path());
        }
    }

    /// Loads the source the settings name (the start of the window).
    pub fn load_current(&mut self) {
        match self.settings.experiment.data.source() {
            Some(source) => self.start_load(source),
            None => self.error("The experiment names no data: choose a dataset in the Data panel.".into()),
        }
    }

    /// The furthest epoch any run has reached.
    pub fn epoch(&self) -> usize {
        self.runs.iter().map(RunHistory::epoch).max().unwrap_or(0)
    }

    pub fn is_loading(&self) -> bool {
        self.load.is_some()
    }

    /// What is loading, how far, and for how long.
    pub fn load_progress(&self) -> Option<(String, Option<f32>, Duration)> {
        self.load.as_ref().map(|l| (l.job.what.clone(), l.job.progress.fraction(), l.job.elapsed()))
    }

    /// The sweep under way: λ values done and in all.
    pub fn sweep_progress(&self) -> Option<(usize, usize)> {
        self.sweep.as_ref().map(|j| j.progress.counts())
    }

    pub fn is_exporting(&self) -> bool {
        self.export.is_some()
    }

    /// True when a session is on screen.
    pub fn has_session(&self) -> bool {
        self.on_screen.is_some()
    }

    /// Settings were edited that only new runs can take (network, training,
    /// seed, data preparation, the list of runs, a run's scale, scope,
    /// dropout or name): Reset or Train applies them.
    pub fn stale(&self) -> bool {
        let Some(s) = &self.on_screen else { return false };
        let (a, b) = (&self.settings.experiment, &s.experiment);
        a.network != b.network
            || a.training != b.training
            || a.seed != b.seed
            || a.runs.len() != b.runs.len()
            || a.runs.iter().zip(&b.runs).any(|(x, y)| !same_but_live(x, y))
    }

    /// Epochs per second at most, as the pace sets it: at [`Pace::Watch`]
    /// the session's epochs over [`WATCH_SECONDS`].
    pub fn speed_limit(&self) -> Option<f64> {
        match self.settings.pace {
            Pace::Watch => {
                let training = self.session_training().unwrap_or(&self.settings.experiment.training);
                Some((training.epochs() as f64 / WATCH_SECONDS).clamp(2.0, 5000.0))
            }
            Pace::Fixed(eps) => Some(eps),
            Pace::Fastest => None,
        }
    }

    fn send_pace(&mut self) {
        let limit = self.speed_limit();
        self.send(Command::SpeedLimit(limit));
    }

    /// Run `i` as the session on screen trains it (live changes included).
    pub fn session_spec(&self, i: usize) -> Option<RunSpec> {
        let mut spec = self.on_screen.as_ref()?.runs.get(i)?.clone();
        if spec.lr.is_none() {
            spec.lr = self.runs.get(i).map(|r| r.lr);
        }
        Some(spec)
    }

    /// The training settings of the session on screen.
    pub fn session_training(&self) -> Option<&TrainingSpec> {
        self.on_screen.as_ref().map(|s| &s.experiment.training)
    }

    /// The colour of run `i` of the session on screen.
    pub fn run_color(&self, i: usize) -> [u8; 3] {
        self.on_screen.as_ref().and_then(|s| s.colors.get(i).copied()).unwrap_or(PALETTE[i % PALETTE.len()])
    }

    fn error(&mut self, text: String) {
        self.notices.push(Notice { error: true, text });
        self.trim_notices();
    }

    /// A background job's thread ended without an answer (it panicked).
    fn lost(&mut self, text: &str) {
        self.internal_errors += 1;
        self.error(text.into());
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

    /// Sends a command to the trainer; `false` (and says so) when it is not answering.
    fn send(&mut self, command: Command) -> bool {
        let ok = self.trainer.as_ref().is_some_and(|t| t.send(command));
        if !ok {
            self.error("The training thread is not answering; restart reglab to train again.".into());
        }
        ok
    }

    // ----- loading -----

    /// Loads a source in the background; the data on screen stays until the
    /// new one is ready, and stays for good if it fails.
    pub fn start_load(&mut self, source: DataSource) {
        if let DataSource::File(p) = &source
            && p.extension().is_some_and(|e| e == "toml")
        {
            return self.open_session(p);
        }
        let current = self.settings.experiment.data.source();
        let mut data = self.settings.experiment.data.clone();
        if current.as_ref() != Some(&source) {
            // A target or task chosen for one dataset means nothing for another.
            data.target = None;
            data.ignore.clear();
            data.task = None;
        }
        data.set(source.clone());
        let seed = self.settings.experiment.seed;
        self.spawn_load(source, None, data, seed, None);
    }

    fn spawn_load(
        &mut self,
        source: DataSource,
        existing: Option<Arc<Dataset>>,
        data: DataSpec,
        seed: u64,
        then: Option<Box<Opened>>,
    ) {
        if let Some(old) = &self.load {
            old.job.progress.cancel();
        }
        let job_data = data.clone();
        let roles: ColumnRoles = data.roles();
        let prep: Preparation = data.preparation();
        let job_source = source.clone();
        let work = move |p: &LoadProgress| -> Loaded {
            let ds = match existing {
                Some(ds) => ds,
                None => Arc::new(job_source.load(&roles, Some(p)).map_err(|e| LoadFailure {
                    ignore: match &e {
                        crate::data::DataError::TooManyLevels { name, .. } => Some(name.clone()),
                        _ => None,
                    },
                    text: e.to_string(),
                })?),
            };
            let prepared = prepare(&ds, &prep, seed)
                .map_err(|e| LoadFailure { text: format!("{}: {e}", ds.name), ignore: None })?;
            Ok((ds, Arc::new(prepared)))
        };
        let what = source.describe();
        match Job::spawn("loader", what, Arc::new(LoadProgress::new()), Arc::clone(&self.wake), work) {
            Ok(job) => self.load = Some(LoadJob { job, source, data: job_data, then }),
            Err(e) => self.error(format!("cannot start loading: {e}")),
        }
    }

    fn finish_load(&mut self, source: DataSource, data: DataSpec, then: Option<Box<Opened>>, result: Loaded) {
        let (ds, prepared) = match result {
            Ok(v) => v,
            Err(LoadFailure { text: e, ignore }) => {
                if let Some(column) = ignore {
                    self.offer_ignore = Some((column, source, data));
                }
                let kept = match &self.dataset {
                    Some(ds) => format!(" The data on screen ({}) is unchanged.", ds.name),
                    None => String::new(),
                };
                return self.error(format!("{e}.{kept}"));
            }
        };
        match then {
            Some(opened) => {
                let Opened { experiment, preset, session_file } = *opened;
                self.settings.colors = palette_for(experiment.runs.len());
                self.epsilon_hint = Some(experiment.training.epsilon);
                self.layout_hint =
                    Some(experiment.layout.clone().unwrap_or_else(|| Layout::focus(&experiment.views)));
                self.replay = experiment.changes.clone();
                self.settings.experiment = Experiment { changes: Vec::new(), ..experiment };
                self.preset = preset;
                if let Some(p) = session_file {
                    self.settings.last_session = Some(p);
                }
            }
            None => {
                if self.loaded_data.as_ref().and_then(DataSpec::source).as_ref() != Some(&source) {
                    // Another dataset: a preset's note and changes were about the old one.
                    self.preset = None;
                    self.replay.clear();
                }
                self.settings.experiment.data = data.clone();
            }
        }
        self.loaded_data = Some(data);
        self.offer_ignore = None;
        if let DataSource::File(p) = &source {
            self.settings.remember_file(p.clone());
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
            text += &format!("; {} missing value(s) filled with the training mean", prepared.filled_cells);
        }
        self.info(text);
        self.boundary_points = training_points_by_class(&prepared);
        self.dataset = Some(ds);
        self.prepared = Some(prepared);
        self.setup_session();
    }

    /// Opens an experiment: its data loads, and the rest is taken on when it has.
    fn open_experiment(
        &mut self,
        exp: Experiment,
        preset: Option<(String, String)>,
        session_file: Option<PathBuf>,
    ) {
        let Some(source) = exp.data.source() else {
            return self.error("the experiment names no data".into());
        };
        let data = exp.data.clone();
        let seed = exp.seed;
        self.spawn_load(
            source,
            None,
            data,
            seed,
            Some(Box::new(Opened { experiment: exp, preset, session_file })),
        );
    }

    fn apply_preset(&mut self, i: usize) {
        let exp = match crate::experiment::preset(i) {
            Some(Ok(exp)) => exp,
            Some(Err(e)) => return self.error(format!("cannot read the preset: {e}")),
            None => return,
        };
        let name = exp.name.clone().unwrap_or_else(|| format!("preset {}", i + 1));
        let description = exp.description.clone().unwrap_or_default();
        self.info(format!("Preset {}: {name}. Press Space to train.", i + 1));
        self.open_experiment(exp, Some((name, description)), None);
    }

    /// Opens a session file: its data, settings and runs, with its changes
    /// replayed when it trains.
    pub fn open_session(&mut self, path: &Path) {
        self.offer_last_session = None;
        match Experiment::load(path) {
            Ok(exp) => {
                let preset = exp.name.clone().map(|n| (n, exp.description.clone().unwrap_or_default()));
                let replay = if exp.changes.is_empty() {
                    String::new()
                } else {
                    format!(" Its {} change(s) are replayed when it trains.", exp.changes.len())
                };
                self.info(format!("Opening the session {}.{replay}", path.display()));
                self.open_experiment(exp, preset, Some(path.to_path_buf()));
            }
            Err(e) => self.error(format!("{e}. The session on screen is unchanged.")),
        }
    }

    // ----- the session -----

    /// Sets up new runs on the data on screen (all back to epoch 0); `false`
    /// when they cannot be. The runs on screen stay until the trainer has
    /// built the new ones.
    fn setup_session(&mut self) -> bool {
        let Some(prepared) = self.prepared.clone() else {
            self.error("No data is loaded yet.".into());
            return false;
        };
        let exp = &self.settings.experiment;
        let batch_rows = exp.training.batch.rows(prepared.train_rows());
        if let Err(e) = crate::train::check_size(
            prepared.inputs(),
            &exp.network.hidden,
            prepared.task.outputs(),
            batch_rows,
            exp.runs.len(),
        ) {
            self.error(format!("Cannot set up the runs: {e}. The runs on screen are unchanged."));
            return false;
        }
        let setup = SessionSetup {
            data: prepared,
            network: exp.network.clone(),
            training: exp.training.clone(),
            runs: exp.runs.clone(),
            seed: exp.seed,
            // Only the changes of runs still in the list (one may have been removed or renamed).
            changes: self
                .replay
                .iter()
                .filter(|c| exp.runs.iter().any(|r| r.name == c.run))
                .cloned()
                .collect(),
        };
        self.pending_setup.push_back(OnScreen {
            experiment: exp.clone(),
            data: Arc::clone(&setup.data),
            dataset: self.dataset.clone(),
            runs: exp.runs.clone(),
            colors: self.settings.colors.clone(),
            epochs_step: exp.training.epochs(),
        });
        if !self.send(Command::Setup(Box::new(setup))) {
            self.pending_setup.pop_back();
            return false;
        }
        true
    }

    /// The session on screen as an experiment: its data, preparation,
    /// network, runs as they started, and every change made while training.
    pub fn session_experiment(&self) -> Option<Experiment> {
        let s = self.on_screen.as_ref()?;
        // The runs as they started; the changes are replayed from the list.
        let mut exp = s.experiment.clone();
        if let Some(DataSource::File(p)) = exp.data.source() {
            exp.data.set(DataSource::File(std::fs::canonicalize(&p).unwrap_or(p)));
        }
        exp.changes = self
            .runs
            .iter()
            .flat_map(|h| {
                h.changes.iter().map(|c| ScheduledChange {
                    run: h.name.clone(),
                    epoch: c.epoch,
                    change: c.live,
                })
            })
            .collect();
        exp.layout = self.settings.experiment.layout.clone();
        exp.views = self.settings.experiment.views.clone();
        exp.name = self.preset.as_ref().map(|p| p.0.clone());
        exp.description = self.preset.as_ref().map(|p| p.1.clone());
        Some(exp)
    }

    /// Writes the session on screen to `path`, atomically.
    pub fn save_session_to(&mut self, path: &Path) -> Result<(), String> {
        let exp = self.session_experiment().ok_or("there is no session to save yet")?;
        let text = exp.to_toml().map_err(|e| e.to_string())?;
        let header =
            "# A reglab session: open it in the window, or train it with `reglab train --config FILE`.\n";
        write_atomic(path, format!("{header}{text}").as_bytes())
            .map_err(|e| format!("{}: cannot save: {e}", path.display()))?;
        self.settings.last_session = Some(path.to_path_buf());
        self.saved_to = Some(path.to_path_buf());
        self.info(format!("Saved the session to {}", path.display()));
        Ok(())
    }

    // ----- taking in -----

    /// Takes in what the trainer and the jobs sent. Returns how soon to
    /// look again while a job is under way (they also wake the window when
    /// they end).
    pub fn poll(&mut self) -> Option<Duration> {
        let mut updates = Vec::new();
        if let Some(t) = &self.trainer {
            while let Some(u) = t.try_recv() {
                updates.push(u);
            }
        }
        for u in updates {
            self.take(u);
        }
        for h in &mut self.runs {
            h.refresh_picture();
        }
        self.measure_rate();
        if self.autosave_on && self.autosave_checked.elapsed() >= AUTOSAVE_EVERY {
            self.autosave_checked = Instant::now();
            self.autosave();
        }
        let mut again = None;
        let ms = Duration::from_millis;
        if let Some((load, result)) = take_ended(&mut self.load, |l| &l.job, ms(100), &mut again) {
            match result {
                Some(result) => self.finish_load(load.source, load.data, load.then, result),
                None => self.lost("Loading stopped with an internal error; the data on screen is unchanged."),
            }
        }
        if let Some((job, answer)) = take_ended(&mut self.sweep, |j| j, ms(100), &mut again) {
            match answer {
                Some((paths, colors)) => {
                    let cancelled = job.progress.cancel.load(std::sync::atomic::Ordering::Relaxed);
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
                None => self.lost("The regularization path stopped with an internal error."),
            }
        }
        if let Some(((session, _), planes)) =
            take_ended(&mut self.geometry_job, |j| &j.1, ms(100), &mut again)
        {
            match planes {
                Some(planes) => {
                    // Contours of runs no longer on screen are dropped.
                    if session == self.session_id {
                        self.geometry = planes;
                    }
                    if std::mem::take(&mut self.geometry_again) {
                        self.start_geometry();
                    }
                }
                None => self.lost("The contours of the geometry view stopped with an internal error."),
            }
        }
        if let Some(((session, _), result)) = take_ended(&mut self.seeds_job, |j| &j.1, ms(100), &mut again) {
            match result {
                Some(Ok(study)) if session == self.session_id => {
                    self.info(format!(
                        "Over {} seeds: {}",
                        study.seeds.len(),
                        crate::train::seeds::comparisons(&study.runs, &study.finals()).join("; ")
                    ));
                    self.seed_study = Some(study);
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => self.error(format!("The runs over seeds stopped: {e}")),
                None => self.lost("The runs over seeds stopped with an internal error."),
            }
        }
        if let Some(((kind, job), answer)) = take_ended(&mut self.dialog, |j| &j.1, ms(200), &mut again) {
            match answer {
                Some(answer) => self.dialog_answered(kind, answer, job.elapsed() < DIALOG_MIN),
                None => self.internal_errors += 1,
            }
        }
        again
    }

    fn take(&mut self, u: Update) {
        match u {
            Update::Ready { runs, boundary } => {
                self.session_id += 1;
                self.on_screen = self.pending_setup.pop_front().or_else(|| self.on_screen.clone());
                self.runs = runs.into_iter().map(|(name, lr)| RunHistory::new(name, lr)).collect();
                self.boundary = boundary;
                self.rate_mark = None;
                self.epochs_per_s = 0.0;
                self.geometry.clear();
                self.seed_study = None;
                self.send_pace();
            }
            Update::SetupFailed(e) => {
                self.pending_setup.pop_front();
                self.error(format!("Cannot set up the runs: {e}. The runs on screen are unchanged."));
            }
            Update::Metrics(batch) => {
                for (run, m) in batch {
                    if let Some(h) = self.runs.get_mut(run) {
                        h.record(m);
                    }
                }
            }
            Update::Status { run, status } => {
                if let Some(h) = self.runs.get_mut(run) {
                    if let RunStatus::Diverged { epoch, reason } = &status {
                        if reason.starts_with("internal error") {
                            self.internal_errors += 1;
                        }
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
            Update::Network { run, epoch, net } => {
                if let Some(h) = self.runs.get_mut(run) {
                    h.record_network(epoch, *net);
                }
            }
            Update::Boundary { run, epoch, values } => {
                if let Some(h) = self.runs.get_mut(run) {
                    h.boundary = Some((epoch, values));
                    h.boundary_version += 1;
                }
            }
            Update::State(s) => {
                self.trainer_state = s;
                if matches!(s, TrainerState::Finished | TrainerState::Paused) {
                    self.start_geometry();
                }
                if s == TrainerState::Finished {
                    if self.settings.until_paused && self.can_continue() {
                        // The runs go on; paused, when Pause came while they ended.
                        self.extend();
                        if !self.pause_asked {
                            self.send(Command::Start);
                            self.trainer_state = TrainerState::Running;
                        }
                    } else {
                        let epoch = self.epoch();
                        self.info(format!(
                            "Training finished at epoch {epoch}. Train goes on with the same runs."
                        ));
                    }
                }
            }
            Update::Exported(result) => match (result, self.export.as_mut()) {
                (Ok(files), Some(export)) => {
                    export.files.extend(files);
                    export.trainer_done = true;
                    self.finish_export_if_ready();
                }
                (Err(e), Some(_)) => {
                    self.export = None;
                    self.pictures_wanted = None;
                    self.error(format!("The export failed: {e}"));
                }
                (Err(e), None) => self.error(e),
                (Ok(_), None) => {}
            },
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

    // ----- actions -----

    /// Sets up new runs first when the settings changed, there are none or
    /// they have ended; `false` when there is nothing to train.
    fn ready_to_train(&mut self) -> bool {
        if self.prepared.is_none() {
            return false;
        }
        if self.can_continue() {
            self.extend();
            return true;
        }
        let fresh = self.stale() || self.runs.is_empty() || self.trainer_state == TrainerState::Finished;
        !fresh || self.setup_session()
    }

    /// The runs on screen reached their epochs (none was stopped by hand)
    /// and the settings are theirs: Train goes on with them.
    pub fn can_continue(&self) -> bool {
        self.trainer_state == TrainerState::Finished
            && !self.stale()
            && self.runs.iter().any(|r| r.status == RunStatus::Done)
            && !self.runs.iter().any(|r| r.status == RunStatus::Stopped)
    }

    /// The same runs, as many epochs more as they were set up with.
    fn extend(&mut self) {
        let Some(on) = self.on_screen.as_mut() else { return };
        let more = on.epochs_step.max(1);
        let total = on.experiment.training.epochs().saturating_add(more);
        on.experiment.training.epochs = Some(total);
        self.settings.experiment.training.epochs = Some(total);
        self.send(Command::Extend(more));
        self.send_pace();
    }

    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Train => {
                if self.ready_to_train() {
                    self.pause_asked = false;
                    self.send(Command::Start);
                    self.trainer_state = TrainerState::Running;
                }
            }
            Action::Pause => {
                self.pause_asked = true;
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
                if self.ready_to_train() {
                    self.send(Command::Step);
                }
            }
            Action::Stop => {
                self.send(Command::Stop);
            }
            Action::Reset => {
                self.setup_session();
            }
            Action::Load(source) => self.start_load(source),
            Action::SetData { data, commit } => self.set_data(*data, commit),
            Action::SetNetwork(n) => self.settings.experiment.network = n,
            Action::SetTraining(t) => self.settings.experiment.training = t,
            Action::SetSeed(s) => self.settings.experiment.seed = s,
            Action::SetRun { index, spec, commit } => self.set_run(index, *spec, commit),
            Action::SetColor(i, c) => {
                if let Some(slot) = self.settings.colors.get_mut(i) {
                    *slot = c;
                }
                // Colours apply at once; nothing to retrain.
                if let Some(slot) = self.on_screen.as_mut().and_then(|s| s.colors.get_mut(i))
                    && !self.runs.is_empty()
                {
                    *slot = c;
                }
            }
            Action::AddRun => {
                let spec = next_run(&self.settings.experiment.runs);
                let color = self.settings.free_color();
                self.settings.experiment.runs.push(spec);
                self.settings.colors.push(color);
            }
            Action::DuplicateRun(i) => {
                if let Some(r) = self.settings.experiment.runs.get(i).cloned() {
                    let color = self.settings.free_color();
                    let names: Vec<&str> =
                        self.settings.experiment.runs.iter().map(|r| r.name.as_str()).collect();
                    let name =
                        (1..)
                            .map(|k| {
                                if k == 1 {
                                    format!("{} copy", r.name)
                                } else {
                                    format!("{} copy {k}", r.name)
                                }
                            })
                            .find(|n| !names.contains(&n.as_str()))
                            .unwrap_or_default();
                    self.settings.experiment.runs.insert(i + 1, RunSpec { name, ..r });
                    self.settings.colors.insert(i + 1, color);
                }
            }
            Action::RemoveRun(i) => {
                if i < self.settings.experiment.runs.len() && self.settings.experiment.runs.len() > 1 {
                    let removed = self.settings.experiment.runs.remove(i);
                    self.settings.colors.remove(i);
                    self.info(format!("Removed run '{}'; it goes at the next Reset.", removed.name));
                }
            }
            Action::SetPace(pace) => {
                self.settings.pace = pace;
                self.send_pace();
            }
            Action::SetUntilPaused(on) => self.settings.until_paused = on,
            Action::DismissNotices => self.notices.clear(),
            Action::Preset(i) => self.apply_preset(i),
            Action::ClosePresetNote => self.preset = None,
            Action::OpenDataDialog => {
                if self.dialog_unavailable {
                    self.error(
                        "No file dialog here (no XDG desktop portal): type a path in the Data panel, or drop a file on the window."
                            .into(),
                    );
                } else {
                    self.open_dialog(DialogKind::OpenData);
                }
            }
            Action::CancelLoad => {
                if let Some(l) = &self.load {
                    l.job.progress.cancel();
                }
            }
            Action::SaveSession => {
                if self.on_screen.is_none() {
                    self.error("There is no session to save yet.".into());
                } else if self.dialog_unavailable {
                    let path = self.default_session_path();
                    self.apply(Action::SaveSessionTo(path));
                } else {
                    self.open_dialog(DialogKind::SaveSession);
                }
            }
            Action::SaveSessionTo(path) => {
                if let Err(e) = path.parent().map_or(Ok(()), std::fs::create_dir_all) {
                    return self.error(format!("{}: {e}", path.display()));
                }
                if let Err(e) = self.save_session_to(&path) {
                    self.error(e);
                }
            }
            Action::OpenSessionDialog => {
                if self.dialog_unavailable {
                    self.error(
                        "No file dialog here: type the session's path in the Data panel's Path field, or drop the file on the window."
                            .into(),
                    );
                } else {
                    self.open_dialog(DialogKind::OpenSession);
                }
            }
            Action::OpenSessionFile(p) => self.open_session(&p),
            Action::DismissLastSession => self.offer_last_session = None,
            Action::RestoreAutosave => {
                if let Some(p) = self.offer_restore.take() {
                    self.open_session(&p);
                }
            }
            Action::DismissAutosave => self.offer_restore = None,
            Action::IgnoreOfferedColumn => {
                if let Some((column, source, mut data)) = self.offer_ignore.take() {
                    if !data.ignore.contains(&column) {
                        data.ignore.push(column);
                    }
                    let seed = self.settings.experiment.seed;
                    self.spawn_load(source, None, data, seed, None);
                }
            }
            Action::DismissIgnore => self.offer_ignore = None,
            Action::ExportAll => {
                if self.on_screen.is_none() {
                    self.error("There is nothing to export yet.".into());
                } else if self.dialog_unavailable {
                    self.export_to(&self.default_export_dir());
                } else {
                    self.open_dialog(DialogKind::ExportFolder);
                }
            }
            Action::ExportTo(dir) => self.export_to(&dir),
            Action::PicturesWritten { files, errors } => {
                for e in errors {
                    self.error(e);
                }
                if let Some(export) = self.export.as_mut() {
                    export.files.extend(files);
                    export.pictures_done = true;
                    self.finish_export_if_ready();
                }
            }
            Action::RunSweep { count, min_ratio, epochs } => self.start_sweep(count, min_ratio, epochs),
            Action::CancelSweep => {
                if let Some(job) = &self.sweep {
                    jobs::Progress::cancel(&*job.progress);
                }
            }
            Action::SetLayout(layout) => self.settings.experiment.layout = Some(layout),
            Action::ComputeGeometry => self.start_geometry(),
            Action::RunSeeds { count } => self.start_seeds(count),
            Action::CancelSeeds => {
                if let Some((_, job)) = &self.seeds_job {
                    jobs::Progress::cancel(&*job.progress);
                }
            }
            Action::InjectPanic(run) => {
                self.send(Command::InjectPanic { run });
            }
        }
    }

    /// New data settings: the file is read again when column roles
    /// changed, prepared again when the split, scaling or missing values did.
    fn set_data(&mut self, data: DataSpec, commit: bool) {
        self.settings.experiment.data = data.clone();
        let Some(source) = data.source() else { return };
        if !commit {
            return;
        }
        let Some(old) = self.loaded_data.clone() else {
            return self.spawn_load(source, None, data.clone(), self.settings.experiment.seed, None);
        };
        if old.roles() != data.roles() || old.source() != data.source() {
            let seed = self.settings.experiment.seed;
            self.spawn_load(source, None, data, seed, None);
        } else if old.preparation() != data.preparation()
            && let Some(ds) = self.dataset.clone()
        {
            let seed = self.settings.experiment.seed;
            self.spawn_load(source, Some(ds), data, seed, None);
        }
    }

    /// An edit of run `i`. When committed, what changed of λ, η, the
    /// regularizer, the L1 rule and α reaches the run on screen at once,
    /// recorded with its epoch; other settings wait for Reset.
    fn set_run(&mut self, i: usize, spec: RunSpec, commit: bool) {
        let Some(slot) = self.settings.experiment.runs.get_mut(i) else { return };
        *slot = spec.clone();
        if !commit || self.stale() || i >= self.runs.len() {
            return;
        }
        let Some(current) = self.on_screen.as_ref().and_then(|s| s.runs.get(i)).cloned() else {
            return;
        };
        let mut changes = Vec::new();
        if spec.reg != current.reg {
            changes.push(LiveChange::Regularizer(spec.reg));
        }
        if spec.lambda != current.lambda {
            changes.push(LiveChange::Lambda(spec.lambda));
        }
        if spec.l1_rule != current.l1_rule {
            changes.push(LiveChange::L1Rule(spec.l1_rule));
        }
        if spec.alpha != current.alpha {
            changes.push(LiveChange::Alpha(spec.alpha));
        }
        if let Some(lr) = spec.lr
            && spec.lr != current.lr
        {
            changes.push(LiveChange::Lr(lr));
        }
        for change in changes {
            if let Some(on) = self.on_screen.as_mut().and_then(|s| s.runs.get_mut(i)) {
                change.apply_to(on);
            }
            self.send(Command::Change { run: i, change });
        }
    }

    // ----- dialogs -----

    fn open_dialog(&mut self, kind: DialogKind) {
        if self.dialog.is_some() {
            return;
        }
        let start_dir = self.settings.recent_files.first().and_then(|p| p.parent().map(Path::to_path_buf));
        let work = move |_: &NoProgress| -> Option<PathBuf> {
            match kind {
                DialogKind::OpenData => {
                    let mut d = rfd::FileDialog::new()
                        .set_title("Open a dataset")
                        .add_filter(
                            "Data files",
                            &["csv", "tsv", "txt", "gz", "libsvm", "svm", "svmlight", "arff"],
                        )
                        .add_filter("All files", &["*"]);
                    if let Some(dir) = start_dir {
                        d = d.set_directory(dir);
                    }
                    d.pick_file()
                }
                DialogKind::OpenSession => rfd::FileDialog::new()
                    .add_filter("reglab session", &["toml"])
                    .set_title("Open a session")
                    .pick_file(),
                DialogKind::SaveSession => rfd::FileDialog::new()
                    .add_filter("reglab session", &["toml"])
                    .set_file_name("session.toml")
                    .set_title("Save the session")
                    .save_file(),
                DialogKind::ExportFolder => {
                    rfd::FileDialog::new().set_title("Export into a folder").pick_folder()
                }
            }
        };
        match Job::spawn("dialog", "a file dialog".into(), Arc::new(NoProgress), Arc::clone(&self.wake), work)
        {
            Ok(job) => self.dialog = Some((kind, job)),
            Err(e) => self.error(format!("cannot open the file dialog: {e}")),
        }
    }

    fn dialog_answered(&mut self, kind: DialogKind, answer: Option<PathBuf>, quick: bool) {
        match (kind, answer) {
            (DialogKind::OpenData, Some(p)) => self.start_load(DataSource::File(p)),
            (DialogKind::OpenSession, Some(p)) => self.open_session(&p),
            (DialogKind::SaveSession, Some(p)) => self.apply(Action::SaveSessionTo(p)),
            (DialogKind::ExportFolder, Some(dir)) => self.export_to(&dir),
            (_, None) if quick => {
                self.dialog_unavailable = true;
                match kind {
                    DialogKind::OpenData => self.error(
                        "The system file dialog is not available here (no XDG desktop portal). \
                         Type a path in the Data panel, or drop a file on the window."
                            .into(),
                    ),
                    DialogKind::OpenSession => self.apply(Action::OpenSessionDialog),
                    DialogKind::SaveSession => self.apply(Action::SaveSession),
                    DialogKind::ExportFolder => self.export_to(&self.default_export_dir()),
                }
            }
            (_, None) => {}
        }
    }

    // ----- export -----

    /// Starts an export into `dir`: the session now, the metrics and the
    /// weights from the trainer (the writers of `reglab train`), and the
    /// window's pictures when it has taken them.
    pub fn export_to(&mut self, dir: &Path) {
        if self.export.is_some() {
            return self.error("An export is already under way.".into());
        }
        if self.on_screen.is_none() {
            return self.error("There is nothing to export yet.".into());
        }
        if let Err(e) = std::fs::create_dir_all(dir) {
            return self.error(format!("{}: cannot create the folder: {e}", dir.display()));
        }
        let mut files = Vec::new();
        match self.session_experiment().map(|e| e.to_toml()) {
            Some(Ok(text)) => match write_atomic(&dir.join("session.toml"), text.as_bytes()) {
                Ok(()) => files.push("session.toml".to_string()),
                Err(e) => self.error(format!("{}: {e}", dir.join("session.toml").display())),
            },
            Some(Err(e)) => self.error(e.to_string()),
            None => {}
        }
        self.export = Some(Export {
            dir: dir.to_path_buf(),
            files,
            trainer_done: false,
            pictures_done: !self.takes_pictures,
        });
        if self.takes_pictures {
            self.pictures_wanted = Some(dir.to_path_buf());
        }
        self.send(Command::Export(dir.to_path_buf()));
    }

    fn finish_export_if_ready(&mut self) {
        if !self.export.as_ref().is_some_and(|e| e.trainer_done && e.pictures_done) {
            return;
        }
        let Some(export) = self.export.take() else { return };
        self.info(format!("Exported {} files to {}", export.files.len(), export.dir.display()));
        self.exported = Some((export.dir, export.files));
    }

    // ----- geometry -----

    /// Contours of E0 over two weights of every run, from their weights now,
    /// on a background thread.
    fn start_geometry(&mut self) {
        if self.geometry_job.is_some() {
            self.geometry_again = true;
            return;
        }
        // The data the runs were set up on: a newer data set may be on screen already.
        let Some(on) = self.on_screen.as_ref() else { return };
        let data = Arc::clone(&on.data);
        let batch_rows = on.experiment.training.batch.rows(data.train_rows());
        let nets: Vec<(usize, usize, crate::nn::Mlp<f32>, RunSpec)> = self
            .runs
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let (epoch, net) = h.net.as_ref()?;
                Some((i, *epoch, net.clone(), on.runs.get(i)?.clone()))
            })
            .collect();
        if nets.is_empty() {
            return;
        }
        let work = move |_: &NoProgress| {
            nets.iter()
                .map(|(i, epoch, net, spec)| geometry::plane(&data, net, spec, batch_rows, *i, *epoch))
                .collect()
        };
        match Job::spawn("geometry", "contours".into(), Arc::new(NoProgress), Arc::clone(&self.wake), work) {
            Ok(job) => self.geometry_job = Some((self.session_id, job)),
            Err(e) => self.error(format!("cannot compute the contours: {e}")),
        }
    }

    /// Trains the session on screen over `count` seeds (its own first), as
    /// `reglab train --repeats` does, in the background.
    fn start_seeds(&mut self, count: usize) {
        if self.seeds_job.is_some() {
            return;
        }
        let ds = self.on_screen.as_ref().and_then(|s| s.dataset.clone());
        let (Some(ds), Some(exp)) = (ds, self.session_experiment()) else {
            return self.error("There is no session to repeat over seeds yet.".into());
        };
        let count = count.clamp(2, 50);
        let seeds: Vec<u64> = (0..count as u64).map(|k| exp.seed.wrapping_add(k)).collect();
        let setup = crate::train::seeds::StudySetup {
            preparation: exp.data.preparation(),
            network: exp.network.clone(),
            training: exp.training.clone(),
            runs: exp.runs.clone(),
            changes: exp.changes.clone(),
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let work = move |p: &Counter| {
            crate::train::seeds::study(&ds, &setup, &seeds, threads, &p.done, &p.cancel)
                .map_err(|e| e.to_string())
        };
        match Job::spawn(
            "seeds",
            "runs over seeds".into(),
            Arc::new(Counter::new(count)),
            Arc::clone(&self.wake),
            work,
        ) {
            Ok(job) => self.seeds_job = Some((self.session_id, job)),
            Err(e) => self.error(format!("cannot start the runs over seeds: {e}")),
        }
    }

    /// The study over seeds under way: seeds done and in all.
    pub fn seeds_progress(&self) -> Option<(usize, usize)> {
        self.seeds_job.as_ref().map(|(_, j)| j.progress.counts())
    }

    pub fn is_computing_geometry(&self) -> bool {
        self.geometry_job.is_some()
    }

    // ----- sweep -----

    /// Sweeps λ for every penalised run of the experiment, on the data on
    /// screen, in the background (each path on its own core).
    fn start_sweep(&mut self, count: usize, min_ratio: f64, epochs: usize) {
        use crate::train::sweep;
        if self.sweep.is_some() {
            return;
        }
        let Some(data) = self.prepared.clone() else {
            return self.error("No data is loaded yet.".into());
        };
        let exp = &self.settings.experiment;
        let (bases, colors): (Vec<RunSpec>, Vec<[u8; 3]>) = exp
            .runs
            .iter()
            .zip(&self.settings.colors)
            .filter(|(r, _)| r.reg != Regularizer::None)
            .map(|(r, c)| (r.clone(), *c))
            .unzip();
        if bases.is_empty() {
            return self
                .error("A regularization path needs a run with a penalty (L1, L2 or elastic net).".into());
        }
        if let Err(e) = crate::train::check_size(
            data.inputs(),
            &exp.network.hidden,
            data.task.outputs(),
            exp.training.batch.rows(data.train_rows()),
            bases.len(),
        ) {
            return self.error(format!("Cannot sweep λ: {e}"));
        }
        let network = exp.network.clone();
        let mut training = exp.training.clone();
        // Each λ starts from the last one's weights, so fewer epochs suffice.
        training.epochs = Some(training.epochs().min(epochs.max(1)));
        let seed = exp.seed;
        let count = count.clamp(2, 200);
        let min_ratio = if min_ratio.is_finite() { min_ratio.clamp(1e-9, 0.99) } else { 1e-3 };
        let total = count * bases.len();
        let work = move |p: &Counter| {
            let max = sweep::lambda_max(&data, &network, &training, &bases[0]);
            let grid = sweep::lambda_grid(max, min_ratio, count);
            let paths = sweep::sweep_all(&data, &network, &training, &bases, &grid, seed, &p.done, &p.cancel);
            (paths.into_iter().map(|p| p.map_err(|e| e.to_string())).collect(), colors)
        };
        match Job::spawn(
            "sweep",
            "regularization path".into(),
            Arc::new(Counter::new(total)),
            Arc::clone(&self.wake),
            work,
        ) {
            Ok(job) => self.sweep = Some(job),
            Err(e) => self.error(format!("cannot start the sweep: {e}")),
        }
    }
}

/// A new run that shows something beside `runs`: the first of L1
/// (proximal), L2, elastic net and dropout that none of them is, with the
/// largest λ already in use (0.1 when none is), named for what it is.
fn next_run(runs: &[RunSpec]) -> RunSpec {
    use crate::nn::L1Rule;
    let lambda = runs.iter().filter(|r| r.reg != Regularizer::None).map(|r| r.lambda).fold(0.0, f64::max);
    let lambda = if lambda > 0.0 { lambda } else { 0.1 };
    let l1 = RunSpec { reg: Regularizer::L1, l1_rule: L1Rule::Proximal, lambda, ..RunSpec::default() };
    let candidates = [
        (runs.iter().any(|r| r.reg == Regularizer::L1), l1.clone(), format!("L1 λ={lambda}")),
        (
            runs.iter().any(|r| r.reg == Regularizer::L2 && r.dropout.is_none()),
            RunSpec { reg: Regularizer::L2, lambda, ..RunSpec::default() },
            format!("L2 λ={lambda}"),
        ),
        (
            runs.iter().any(|r| r.reg == Regularizer::ElasticNet),
            RunSpec { reg: Regularizer::ElasticNet, l1_rule: L1Rule::Proximal, lambda, ..RunSpec::default() },
            format!("elastic net λ={lambda}"),
        ),
        (
            runs.iter().any(|r| r.dropout.is_some()),
            RunSpec { dropout: Some(0.8), ..RunSpec::default() },
            "dropout p=0.8".to_string(),
        ),
    ];
    let (spec, name) = candidates
        .into_iter()
        .find(|(present, _, _)| !present)
        .map(|(_, spec, name)| (spec, name))
        .unwrap_or_else(|| {
            let lambda = 10.0 * lambda;
            (RunSpec { lambda, ..l1 }, format!("L1 λ={lambda}"))
        });
    let taken = |n: &str| runs.iter().any(|r| r.name == n);
    let name = (1..)
        .map(|k| if k == 1 { name.clone() } else { format!("{name} ({k})") })
        .find(|n| !taken(n))
        .unwrap_or(name);
    RunSpec { name, ..spec }
}

/// The same run but for the settings that may change while it trains.
fn same_but_live(a: &RunSpec, b: &RunSpec) -> bool {
    a.name == b.name && a.lambda_scale == b.lambda_scale && a.dropout == b.dropout && a.scope == b.scope
}

/// Training rows drawn over a decision boundary at most: enough to see the
/// classes, few enough to draw quickly once per run.
const BOUNDARY_POINTS: usize = 500;

/// Up to [`BOUNDARY_POINTS`] training rows of a two-input set, by class.
fn training_points_by_class(p: &Prepared) -> Vec<Vec<Point>> {
    if p.inputs() != 2 || !p.task.is_classification() {
        return Vec::new();
    }
    let (x, y) = (&p.x_train, &p.y_train);
    let mut by_class = vec![Vec::new(); p.classes.len().max(2)];
    for r in 0..x.nrows().min(BOUNDARY_POINTS) {
        let k = if y.ncols() == 1 {
            (y[[r, 0]] > 0.5) as usize
        } else {
            y.row(r).iter().position(|&v| v > 0.5).unwrap_or(0)
        };
        if let Some(v) = by_class.get_mut(k) {
            v.push(Point::new(x[[r, 0]] as f64, x[[r, 1]] as f64));
        }
    }
    by_class
}

/// Where reglab keeps its files: `$XDG_DATA_HOME/reglab`, else `~/.local/share/reglab`.
pub fn data_dir() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir)
        .join("reglab")
}

fn stamp() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Workbench {
    /// Where sessions go when there is no file dialog.
    pub fn default_session_path(&self) -> PathBuf {
        self.data_dir.join("sessions").join(format!("session-{}.toml", stamp()))
    }

    /// Where exports go when there is no folder dialog.
    pub fn default_export_dir(&self) -> PathBuf {
        self.data_dir.join("exports").join(format!("export-{}", stamp()))
    }
}

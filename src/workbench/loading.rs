//! Loading data, presets and session files in the background. The data on
//! screen stays until the new one is ready, and stays for good when a load
//! fails; an experiment (a preset, a session) is taken on once its data has
//! loaded.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Workbench;
use super::history::Point;
use super::jobs::Job;
use super::messages::{IgnoreOffer, Message, Note};
use crate::data::{DataError, Dataset, LoadProgress, Prepared, prepare};
use crate::experiment::{DataSource, DataSpec, Experiment, Layout};

/// The data on screen and what it was loaded with.
#[derive(Debug, Default)]
pub struct DataOnScreen {
    pub dataset: Option<Arc<Dataset>>,
    pub prepared: Option<Arc<Prepared>>,
    /// The training rows of a two-input set by class (at most [`BOUNDARY_POINTS`]).
    pub boundary_points: Vec<Vec<Point>>,
    /// The data settings the data on screen was loaded and prepared with.
    pub(crate) loaded_with: Option<DataSpec>,
}

/// Why a load failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Read(#[from] DataError),
    #[error("{name}: {source}")]
    Prepare { name: String, source: DataError },
}

/// What a load job brings back.
pub(crate) type Loaded = Result<(Arc<Dataset>, Arc<Prepared>), Box<LoadError>>;

/// A load under way and what to do when it is done.
pub(crate) struct LoadJob {
    pub job: Job<Loaded, LoadProgress>,
    pub source: DataSource,
    /// The data settings it loads with.
    pub data: DataSpec,
    /// The experiment to take on when the data is ready (a preset, a session).
    pub then: Option<Box<Opened>>,
}

/// An experiment that is opened once its data has loaded.
pub(crate) struct Opened {
    pub experiment: Experiment,
    pub note: Option<Note>,
    pub session_file: Option<PathBuf>,
}

/// Training rows drawn over a decision boundary at most: enough to see the
/// classes, few enough to draw quickly once per run.
pub const BOUNDARY_POINTS: usize = 500;

impl Workbench {
    /// Loads the source the settings name (the start of the window), with
    /// the experiment's name and explanation on screen.
    pub fn load_current(&mut self) {
        let exp = &self.settings.experiment;
        self.screen.note = exp
            .name
            .clone()
            .map(|name| Note { name, description: exp.description.clone().unwrap_or_default() });
        match self.settings.experiment.data.source() {
            Some(source) => self.start_load(source),
            None => {
                self.notices.error("The experiment names no data: choose a dataset in the Data panel.".into())
            }
        }
    }

    pub fn is_loading(&self) -> bool {
        self.jobs.load.is_some()
    }

    /// What is loading, how far, and for how long.
    pub fn load_progress(&self) -> Option<(String, Option<f32>, std::time::Duration)> {
        self.jobs.load.as_ref().map(|l| (l.job.what.clone(), l.job.progress.fraction(), l.job.elapsed()))
    }

    /// Loads a source in the background (a `.toml` file opens as a session).
    pub fn start_load(&mut self, source: DataSource) {
        if let DataSource::File(p) = &source
            && p.extension().is_some_and(|e| e == "toml")
        {
            // A lesson is a TOML file with steps; any other is a session.
            if std::fs::read_to_string(p).is_ok_and(|t| t.contains("[[steps]]")) {
                return self.open_lesson(p);
            }
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

    pub(crate) fn cancel_load(&self) {
        if let Some(l) = &self.jobs.load {
            l.job.progress.cancel();
        }
    }

    /// Loads `source` (or prepares `existing` again) with `data`'s settings;
    /// a load under way is cancelled.
    pub(crate) fn spawn_load(
        &mut self,
        source: DataSource,
        existing: Option<Arc<Dataset>>,
        data: DataSpec,
        seed: u64,
        then: Option<Box<Opened>>,
    ) {
        self.cancel_load();
        let (roles, prep, job_source) = (data.roles(), data.preparation(), source.clone());
        let work = move |p: &LoadProgress| -> Loaded {
            let ds = match existing {
                Some(ds) => ds,
                None => Arc::new(job_source.load(&roles, Some(p)).map_err(|e| Box::new(LoadError::Read(e)))?),
            };
            let prepared = prepare(&ds, &prep, seed)
                .map_err(|source| Box::new(LoadError::Prepare { name: ds.name.clone(), source }))?;
            Ok((ds, Arc::new(prepared)))
        };
        let what = source.describe();
        match Job::spawn("loader", what, Arc::new(LoadProgress::new()), Arc::clone(&self.wake), work) {
            Ok(job) => self.jobs.load = Some(LoadJob { job, source, data, then }),
            Err(e) => self.notices.error(format!("cannot start loading: {e}")),
        }
    }

    pub(crate) fn finish_load(&mut self, load: LoadJob, result: Loaded) {
        let LoadJob { source, data, then, .. } = load;
        let (ds, prepared) = match result.map_err(|e| *e) {
            Ok(v) => v,
            Err(LoadError::Read(DataError::Cancelled { path })) => {
                return self
                    .notices
                    .info(format!("Loading {path} was cancelled; the data on screen is unchanged."));
            }
            Err(e) => {
                if let LoadError::Read(DataError::TooManyLevels { name, .. }) = &e {
                    self.notices.offer_ignore = Some(IgnoreOffer { column: name.clone(), source, data });
                }
                let kept = match &self.data.dataset {
                    Some(ds) => format!(" The data on screen ({}) is unchanged.", ds.name),
                    None => String::new(),
                };
                return self.notices.error(format!("{e}.{kept}"));
            }
        };
        match then {
            Some(opened) => self.take_experiment(*opened),
            None => {
                let before = self.data.loaded_with.as_ref().and_then(DataSpec::source);
                if before.is_some_and(|b| b != source) {
                    // Another dataset: a preset's note and changes were about the old one.
                    self.screen.note = None;
                    self.screen.replay.clear();
                }
                self.settings.experiment.data = data.clone();
            }
        }
        self.data.loaded_with = Some(data);
        self.notices.offer_ignore = None;
        match &source {
            DataSource::File(p) => self.settings.remember_file(p.clone()),
            DataSource::Pasted(t) if t.len() <= 1 << 20 => self.settings.last_pasted = Some(t.clone()),
            _ => {}
        }
        self.notices.info(loaded_text(&ds, &prepared));
        self.data.boundary_points = training_points_by_class(&prepared);
        self.data.dataset = Some(ds);
        self.data.prepared = Some(prepared);
        self.setup_session();
    }

    /// An opened experiment becomes the one edited, with its note, views and
    /// changes to replay.
    fn take_experiment(&mut self, opened: Opened) {
        let Opened { experiment, note, session_file } = opened;
        let layout = experiment.layout.clone().unwrap_or_else(|| Layout::focus(&experiment.views));
        self.outbox.push(Message::Opened { epsilon: experiment.training.epsilon, layout });
        self.screen.replay = experiment.changes.clone();
        self.screen.resume_to = experiment.reached;
        self.settings.experiment = Experiment { changes: Vec::new(), reached: None, ..experiment };
        self.screen.note = note;
        if let Some(p) = session_file {
            self.settings.last_session = Some(p);
        }
    }

    /// New data settings: the file is read again when column roles
    /// changed, prepared again when the split, scaling or missing values did.
    pub(crate) fn set_data(&mut self, data: DataSpec, commit: bool) {
        self.settings.experiment.data = data.clone();
        let Some(source) = data.source() else { return };
        if !commit {
            return;
        }
        let seed = self.settings.experiment.seed;
        let Some(old) = self.data.loaded_with.clone() else {
            return self.spawn_load(source, None, data, seed, None);
        };
        if old.roles() != data.roles() || old.source() != data.source() {
            self.spawn_load(source, None, data, seed, None);
        } else if old.preparation() != data.preparation()
            && let Some(ds) = self.data.dataset.clone()
        {
            self.spawn_load(source, Some(ds), data, seed, None);
        }
    }

    /// Loads again with the column a load offered to set aside.
    pub(crate) fn ignore_offered_column(&mut self) {
        if let Some(IgnoreOffer { column, source, mut data }) = self.notices.offer_ignore.take() {
            if !data.ignore.contains(&column) {
                data.ignore.push(column);
            }
            let seed = self.settings.experiment.seed;
            self.spawn_load(source, None, data, seed, None);
        }
    }

    /// Opens an experiment: its data loads, and the rest is taken on when it has.
    pub(crate) fn open_experiment(
        &mut self,
        exp: Experiment,
        note: Option<Note>,
        session_file: Option<PathBuf>,
    ) {
        // Before it replaces anything: names and runs that fit on screen.
        if let Err(e) = crate::train::check_bounds(exp.name.as_deref(), &exp.runs) {
            return self
                .notices
                .error(format!("Cannot open the experiment: {e}. The session on screen is unchanged."));
        }
        let Some(source) = exp.data.source() else {
            return self.notices.error("the experiment names no data".into());
        };
        let (data, seed) = (exp.data.clone(), exp.seed);
        self.spawn_load(
            source,
            None,
            data,
            seed,
            Some(Box::new(Opened { experiment: exp, note, session_file })),
        );
    }

    pub(crate) fn apply_preset(&mut self, i: usize) {
        let exp = match crate::experiment::preset(i) {
            Some(Ok(exp)) => exp,
            Some(Err(e)) => return self.notices.error(format!("cannot read the preset: {e}")),
            None => return,
        };
        let name = exp.name.clone().unwrap_or_else(|| format!("preset {}", i + 1));
        let description = exp.description.clone().unwrap_or_default();
        self.notices.info(format!("Preset {}: {name}. Press Space to train.", i + 1));
        self.open_experiment(exp, Some(Note { name, description }), None);
    }

    /// Opens a session file: its data, settings and runs, with its changes
    /// replayed when it trains.
    pub fn open_session(&mut self, path: &Path) {
        self.notices.offer_last_session = None;
        match Experiment::load(path) {
            Ok(exp) => {
                let note = exp
                    .name
                    .clone()
                    .map(|name| Note { name, description: exp.description.clone().unwrap_or_default() });
                let replay = if exp.changes.is_empty() {
                    String::new()
                } else {
                    format!(" Its {} change(s) are replayed when it trains.", exp.changes.len())
                };
                self.notices.info(format!("Opening the session {}.{replay}", path.display()));
                self.open_experiment(exp, note, Some(path.to_path_buf()));
            }
            Err(e) => self.notices.error(format!("{e}. The session on screen is unchanged.")),
        }
    }
}

fn loaded_text(ds: &Dataset, prepared: &Prepared) -> String {
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
    text
}

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

//! What the workbench remembers between starts: the experiment being
//! edited, the recent files, the pace and the colours chosen by hand; and
//! the file that keeps them, with the window's own settings, written whole
//! or not at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::experiment::Experiment;

/// What the workbench remembers between starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The experiment being edited: data, preparation, network, training, runs.
    pub experiment: Experiment,
    /// Colours chosen by hand, by run name; the others follow the run's
    /// regularizer ([`super::colors`]).
    pub color_overrides: BTreeMap<String, [u8; 3]>,
    pub recent_files: Vec<PathBuf>,
    /// The cells pasted last (at most a megabyte), offered with the recent files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_pasted: Option<String>,
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
        Settings {
            experiment: crate::experiment::default_experiment(),
            color_overrides: BTreeMap::new(),
            recent_files: Vec::new(),
            last_pasted: None,
            last_session: None,
            pace: Pace::Watch,
            until_paused: false,
        }
    }
}

impl Settings {
    /// Remembers a file at the top of the recent list (at most 8).
    pub fn remember_file(&mut self, path: PathBuf) {
        self.recent_files.retain(|p| *p != path);
        self.recent_files.insert(0, path);
        self.recent_files.truncate(8);
    }

    /// The colour of each run of the experiment being edited.
    pub fn run_colors(&self) -> Vec<[u8; 3]> {
        super::colors::run_colors(&self.experiment.runs, &self.color_overrides)
    }
}

/// What the window keeps between starts: the workbench's settings and its
/// own (`V`, the window's view settings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, bound(deserialize = "V: Deserialize<'de> + Default"))]
pub struct SavedState<V> {
    pub workbench: Settings,
    pub view: V,
}

/// A settings file that cannot be used, said once in the status bar.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "{path}: the settings cannot be read ({reason}); reglab starts with the default settings, and the file is kept as {aside}"
    )]
    Corrupt { path: String, reason: String, aside: String },
    #[error(
        "{path}: the settings cannot be read ({reason}) nor moved aside ({why}); reglab starts with the default settings and does not save over the file"
    )]
    CorruptKept { path: String, reason: String, why: String },
    #[error("{path} is a folder: the settings cannot be saved there; move it away to keep the settings")]
    Folder { path: String },
    #[error("{path}: cannot read the settings: {reason}; reglab starts with the default settings")]
    Read { path: String, reason: String },
    #[error("{path}: cannot save the settings: {reason}")]
    Write { path: String, reason: String },
}

/// The settings file, `settings.json` in the data folder. It is read once
/// at start; a file that cannot be read is moved aside
/// (`settings.json.corrupt-DATE`), never silently replaced. It is written
/// whole (a temporary file renamed over it) and only when something
/// changed; a failure to save is said once, until a save succeeds.
#[derive(Debug)]
pub struct SettingsFile {
    path: PathBuf,
    /// The text last read or written: the same state is not written again.
    last: Option<String>,
    /// A failure already said.
    failing: bool,
    /// A file that could not be read nor moved aside: kept as it is.
    keep_off: bool,
}

impl SettingsFile {
    pub fn new(path: PathBuf) -> SettingsFile {
        SettingsFile { path, last: None, failing: false, keep_off: false }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved state; `Ok(None)` when there is none yet. On an error
    /// reglab goes on with the default settings.
    pub fn load<V: DeserializeOwned + Default>(&mut self) -> Result<Option<SavedState<V>>, SettingsError> {
        let shown = self.path.display().to_string();
        if self.path.is_dir() {
            // Saving would fail the same way: said now, not again at the first save.
            self.failing = true;
            return Err(SettingsError::Folder { path: shown });
        }
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(SettingsError::Read { path: shown, reason: e.to_string() }),
        };
        match serde_json::from_str::<SavedState<V>>(&text) {
            Ok(state) => {
                self.last = Some(text);
                Ok(Some(state))
            }
            Err(e) => {
                let reason = e.to_string();
                let name = self.path.file_name().map_or_else(|| "settings".into(), |n| n.to_string_lossy());
                let aside = self.path.with_file_name(format!("{name}.corrupt-{}", super::export::stamp()));
                match std::fs::rename(&self.path, &aside) {
                    Ok(()) => Err(SettingsError::Corrupt {
                        path: shown,
                        reason,
                        aside: aside.display().to_string(),
                    }),
                    Err(why) => {
                        self.keep_off = true;
                        Err(SettingsError::CorruptKept { path: shown, reason, why: why.to_string() })
                    }
                }
            }
        }
    }

    /// Saves `state` when it changed. Returns a failure to say, once: the
    /// same failure again returns `None`.
    pub fn save<V: Serialize>(&mut self, state: &SavedState<V>) -> Option<SettingsError> {
        if self.keep_off {
            return None;
        }
        let shown = self.path.display().to_string();
        let text = match serde_json::to_string_pretty(state) {
            Ok(text) => text,
            Err(e) => return self.failed(SettingsError::Write { path: shown, reason: e.to_string() }),
        };
        if self.last.as_deref() == Some(text.as_str()) {
            return None;
        }
        if self.path.is_dir() {
            return self.failed(SettingsError::Folder { path: shown });
        }
        let written = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| crate::train::write_atomic(&self.path, text.as_bytes()));
        match written {
            Ok(()) => {
                self.last = Some(text);
                self.failing = false;
                None
            }
            Err(e) => self.failed(SettingsError::Write { path: shown, reason: e.to_string() }),
        }
    }

    fn failed(&mut self, e: SettingsError) -> Option<SettingsError> {
        let first = !self.failing;
        self.failing = true;
        first.then_some(e)
    }
}

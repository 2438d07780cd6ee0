//! What the workbench remembers between starts: the experiment being
//! edited, the recent files, the pace and the colours chosen by hand.

use std::collections::BTreeMap;
use std::path::PathBuf;

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

//! Experiment files (TOML): the data and how it is prepared, the network,
//! the optimisation and the runs compared, with the seed that makes it all
//! reproducible.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::data::{Preparation, TaskKind};
use crate::train::{NetworkSpec, RunSpec, TrainingSpec};

/// Where the data comes from and how it is prepared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataSpec {
    /// A data file; relative paths are relative to the experiment file.
    pub path: Option<PathBuf>,
    pub target: Option<String>,
    pub ignore: Vec<String>,
    pub task: Option<TaskKind>,
    pub validation: f64,
    pub standardize: bool,
}

impl Default for DataSpec {
    fn default() -> Self {
        let p = Preparation::default();
        DataSpec {
            path: None,
            target: None,
            ignore: Vec::new(),
            task: p.task,
            validation: p.validation,
            standardize: p.standardize,
        }
    }
}

impl DataSpec {
    pub fn preparation(&self) -> Preparation {
        Preparation { task: self.task, validation: self.validation, standardize: self.standardize }
    }
}

/// A whole experiment, as saved in a `.toml` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Experiment {
    pub name: Option<String>,
    pub description: Option<String>,
    pub seed: u64,
    pub data: DataSpec,
    pub network: NetworkSpec,
    pub training: TrainingSpec,
    pub runs: Vec<RunSpec>,
}

impl Default for Experiment {
    fn default() -> Self {
        Experiment {
            name: None,
            description: None,
            seed: 1,
            data: DataSpec::default(),
            network: NetworkSpec::default(),
            training: TrainingSpec::default(),
            runs: Vec::new(),
        }
    }
}

/// An experiment file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    #[error("{path}: cannot read the experiment file: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
}

impl Experiment {
    /// Reads an experiment; a relative data path becomes relative to the file.
    pub fn load(path: &Path) -> Result<Experiment, ExperimentError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|source| ExperimentError::Io { path: shown.clone(), source })?;
        let mut exp = Experiment::from_toml(&text)
            .map_err(|message| ExperimentError::Parse { path: shown, message })?;
        if let (Some(p), Some(dir)) = (&exp.data.path, path.parent())
            && p.is_relative()
        {
            exp.data.path = Some(dir.join(p));
        }
        Ok(exp)
    }

    pub fn from_toml(text: &str) -> Result<Experiment, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
    }

    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string_pretty(self).map_err(|e| e.to_string())
    }
}

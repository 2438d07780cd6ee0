//! Experiment files (TOML): the data and how it is prepared, the network,
//! the optimisation and the runs compared, with the seed that makes it all
//! reproducible.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::data::{
    Builtin, ColumnRoles, DataError, Dataset, LoadProgress, MissingPolicy, Preparation, SyntheticSpec,
    TaskKind,
};
use crate::train::{NetworkSpec, RunSpec, TrainingSpec};

/// Where the data comes from and how it is prepared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataSpec {
    /// A data file; relative paths are relative to the experiment file.
    pub path: Option<PathBuf>,
    /// A dataset that ships with reglab (used when there is no path).
    pub builtin: Option<Builtin>,
    /// A generated dataset (used when there is no path or built-in).
    pub synthetic: Option<SyntheticSpec>,
    pub target: Option<String>,
    pub ignore: Vec<String>,
    pub task: Option<TaskKind>,
    pub validation: f64,
    pub test: f64,
    pub missing: MissingPolicy,
    pub standardize: bool,
}

impl Default for DataSpec {
    fn default() -> Self {
        let p = Preparation::default();
        DataSpec {
            path: None,
            builtin: None,
            synthetic: None,
            target: None,
            ignore: Vec::new(),
            task: p.task,
            validation: p.validation,
            test: p.test,
            missing: p.missing,
            standardize: p.standardize,
        }
    }
}

impl DataSpec {
    pub fn preparation(&self) -> Preparation {
        Preparation {
            task: self.task,
            validation: self.validation,
            test: self.test,
            missing: self.missing,
            standardize: self.standardize,
        }
    }

    pub fn roles(&self) -> ColumnRoles {
        ColumnRoles { target: self.target.clone(), ignore: self.ignore.clone() }
    }

    /// Sets the source from its command-line form: a file path,
    /// `builtin:NAME` (or just NAME when no such file exists), or
    /// `synthetic:KIND[,rows=N,noise=F,extra=K,features=D,informative=S,seed=S]`.
    pub fn set_source(&mut self, text: &str) -> Result<(), String> {
        self.path = None;
        self.builtin = None;
        self.synthetic = None;
        if let Some(rest) = text.strip_prefix("synthetic:") {
            let mut parts = rest.split(',');
            let kind_text = parts.next().unwrap_or("");
            let kind = crate::data::SyntheticKind::from_id(kind_text).ok_or_else(|| {
                let all: Vec<&str> = crate::data::SyntheticKind::ALL.iter().map(|k| k.id()).collect();
                format!("unknown generated dataset '{kind_text}'; expected one of {}", all.join(", "))
            })?;
            let mut spec = SyntheticSpec { kind, ..SyntheticSpec::default() };
            for part in parts {
                let (key, value) =
                    part.split_once('=').ok_or_else(|| format!("expected key=value, found '{part}'"))?;
                let bad = |_| format!("{key}: '{value}' is not a valid number");
                match key.trim() {
                    "rows" | "n" => spec.rows = value.trim().parse().map_err(bad)?,
                    "noise" => {
                        spec.noise =
                            value.trim().parse().map_err(|_| format!("noise: '{value}' is not a number"))?
                    }
                    "extra" => spec.extra = value.trim().parse().map_err(bad)?,
                    "features" => spec.features = value.trim().parse().map_err(bad)?,
                    "informative" => spec.informative = value.trim().parse().map_err(bad)?,
                    "seed" => spec.seed = value.trim().parse().map_err(bad)?,
                    other => {
                        return Err(format!(
                            "unknown setting '{other}'; expected rows, noise, extra, features, informative or seed"
                        ));
                    }
                }
            }
            spec.check()?;
            self.synthetic = Some(spec);
            return Ok(());
        }
        if let Some(name) = text.strip_prefix("builtin:") {
            let b = Builtin::from_id(name).ok_or_else(|| {
                let all: Vec<&str> = Builtin::ALL.iter().map(|b| b.id()).collect();
                format!("unknown built-in dataset '{name}'; expected one of {}", all.join(", "))
            })?;
            self.builtin = Some(b);
            return Ok(());
        }
        match Builtin::from_id(text) {
            Some(b) if !Path::new(text).exists() => self.builtin = Some(b),
            _ => self.path = Some(PathBuf::from(text)),
        }
        Ok(())
    }

    /// True when some source of data is named.
    pub fn has_source(&self) -> bool {
        self.path.is_some() || self.builtin.is_some() || self.synthetic.is_some()
    }

    /// Loads the dataset this spec names: a file, else a built-in set, else a
    /// generated one.
    pub fn load(&self, progress: Option<&LoadProgress>) -> Result<Dataset, DataError> {
        if let Some(path) = &self.path {
            crate::data::load_file(path, &self.roles(), progress)
        } else if let Some(b) = self.builtin {
            b.load()
        } else if let Some(s) = &self.synthetic {
            s.check().map_err(DataError::Invalid)?;
            Ok(s.generate())
        } else {
            Err(DataError::Invalid("no data: name a file, a built-in dataset or a generated one".into()))
        }
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
    /// Settings changed while the runs trained, replayed at the same epochs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<crate::train::ScheduledChange>,
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
            changes: Vec::new(),
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

/// The ready-made experiments of `assets/presets/`, each a point of the
/// chapter made visible: (file name, TOML text).
pub const PRESETS: [(&str, &str); 6] = [
    (
        "1-l1-finds-the-relevant-inputs.toml",
        include_str!("../assets/presets/1-l1-finds-the-relevant-inputs.toml"),
    ),
    ("2-l2-against-overfitting.toml", include_str!("../assets/presets/2-l2-against-overfitting.toml")),
    (
        "3-the-l1-update-rule-matters.toml",
        include_str!("../assets/presets/3-the-l1-update-rule-matters.toml"),
    ),
    (
        "4-final-layer-only-or-all-weights.toml",
        include_str!("../assets/presets/4-final-layer-only-or-all-weights.toml"),
    ),
    ("5-dropout-and-l2.toml", include_str!("../assets/presets/5-dropout-and-l2.toml")),
    ("6-what-lambda-means.toml", include_str!("../assets/presets/6-what-lambda-means.toml")),
];

/// A preset by its position in [`PRESETS`].
pub fn preset(index: usize) -> Option<Result<Experiment, String>> {
    PRESETS.get(index).map(|(file, text)| Experiment::from_toml(text).map_err(|e| format!("{file}: {e}")))
}

//! Experiment files (TOML): the data and how it is prepared, the network,
//! the optimisation and the runs compared, with the seed that makes it all
//! reproducible.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::data::{
    Builtin, ColumnRoles, Cross, DataError, Dataset, LoadProgress, MissingPolicy, Preparation, SyntheticSpec,
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
    /// Cells pasted from a spreadsheet or a web table (tab-separated, the
    /// first row names), kept with the session that uses them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pasted: Option<String>,
    pub target: Option<String>,
    pub ignore: Vec<String>,
    /// Columns used as features that would be set aside otherwise (an
    /// identifier column, R's row names, an Orange meta column).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// The sheet of a spreadsheet (default: the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Words that mean "no value" in every column besides "", ? and NA (e.g. "none").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub na: Vec<String>,
    pub task: Option<TaskKind>,
    pub validation: f64,
    pub test: f64,
    pub missing: MissingPolicy,
    pub standardize: bool,
    /// Feature crosses added as inputs, as TensorFlow Playground offers
    /// them: `expand = ["square", "product", "sin"]` adds `x1²`, `x1·x2`,
    /// `sin(x1)` for every feature (and pair); empty for none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expand: Vec<Cross>,
}

impl Default for DataSpec {
    fn default() -> Self {
        let p = Preparation::default();
        DataSpec {
            path: None,
            builtin: None,
            synthetic: None,
            pasted: None,
            target: None,
            ignore: Vec::new(),
            features: Vec::new(),
            sheet: None,
            na: Vec::new(),
            task: p.task,
            validation: p.validation,
            test: p.test,
            missing: p.missing,
            standardize: p.standardize,
            expand: p.expand,
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
            expand: self.expand.clone(),
        }
    }

    pub fn roles(&self) -> ColumnRoles {
        ColumnRoles {
            target: self.target.clone(),
            ignore: self.ignore.clone(),
            sheet: self.sheet.clone(),
            na: self.na.clone(),
            features: self.features.clone(),
        }
    }

    /// Sets the source from its command-line form: a file path,
    /// `builtin:NAME` (or just NAME when no such file exists), or
    /// `synthetic:KIND[,rows=N,noise=F,extra=K,features=D,informative=S,seed=S]`.
    pub fn set_source(&mut self, text: &str) -> Result<(), SourceError> {
        self.set(DataSource::parse(text)?);
        Ok(())
    }

    /// The source this spec names, in the order [`DataSpec::load`] takes them.
    pub fn source(&self) -> Option<DataSource> {
        match (&self.path, self.builtin, &self.synthetic, &self.pasted) {
            (Some(p), _, _, _) => Some(DataSource::File(p.clone())),
            (_, Some(b), _, _) => Some(DataSource::Builtin(b)),
            (_, _, Some(s), _) => Some(DataSource::Synthetic(s.clone())),
            (_, _, _, Some(t)) => Some(DataSource::Pasted(t.clone())),
            _ => None,
        }
    }

    /// Names this source (and no other).
    pub fn set(&mut self, source: DataSource) {
        (self.path, self.builtin, self.synthetic, self.pasted) = (None, None, None, None);
        match source {
            DataSource::Builtin(b) => self.builtin = Some(b),
            DataSource::Synthetic(g) => self.synthetic = Some(g),
            DataSource::File(p) => self.path = Some(p),
            DataSource::Pasted(t) => self.pasted = Some(t),
        }
    }

    /// True when some source of data is named.
    pub fn has_source(&self) -> bool {
        self.path.is_some() || self.builtin.is_some() || self.synthetic.is_some() || self.pasted.is_some()
    }

    /// Loads the dataset this spec names: a file, else a built-in set, else a
    /// generated one.
    pub fn load(&self, progress: Option<&LoadProgress>) -> Result<Dataset, DataError> {
        match self.source() {
            Some(source) => source.load(&self.roles(), progress),
            None => {
                Err(DataError::Invalid("no data: name a file, a built-in dataset or a generated one".into()))
            }
        }
    }
}

/// Where data comes from: the one field of [`DataSpec`] that a file names
/// as `path`, `builtin` or `[data.synthetic]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataSource {
    Builtin(Builtin),
    Synthetic(SyntheticSpec),
    File(PathBuf),
    /// Cells pasted from a spreadsheet or a web table.
    Pasted(String),
}

/// A data source named on the command line that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SourceError {
    #[error("unknown generated dataset '{found}'; expected one of {expected}")]
    UnknownSynthetic { found: String, expected: String },
    #[error("unknown built-in dataset '{found}'; expected one of {expected}")]
    UnknownBuiltin { found: String, expected: String },
    #[error("expected key=value, found '{0}'")]
    NotKeyValue(String),
    #[error("{key}: '{value}' is not a valid number")]
    BadNumber { key: String, value: String },
    #[error("unknown setting '{0}'; expected rows, noise, extra, features, informative or seed")]
    UnknownSetting(String),
    #[error("{0}")]
    Invalid(String),
}

impl DataSource {
    /// The command-line form: a file path, `builtin:NAME` (or NAME when no
    /// such file exists), or `synthetic:KIND[,key=value…]`.
    pub fn parse(text: &str) -> Result<DataSource, SourceError> {
        if let Some(rest) = text.strip_prefix("synthetic:") {
            let mut parts = rest.split(',');
            let kind_text = parts.next().unwrap_or("");
            let kind = crate::data::SyntheticKind::from_id(kind_text).ok_or_else(|| {
                let all: Vec<&str> = crate::data::SyntheticKind::ALL.iter().map(|k| k.id()).collect();
                SourceError::UnknownSynthetic { found: kind_text.into(), expected: all.join(", ") }
            })?;
            let mut spec = SyntheticSpec { kind, ..SyntheticSpec::default() };
            for part in parts {
                let (key, value) =
                    part.split_once('=').ok_or_else(|| SourceError::NotKeyValue(part.into()))?;
                let bad = || SourceError::BadNumber { key: key.trim().into(), value: value.into() };
                let v = value.trim();
                match key.trim() {
                    "rows" | "n" => spec.rows = v.parse().map_err(|_| bad())?,
                    "noise" => spec.noise = v.parse().map_err(|_| bad())?,
                    "extra" => spec.extra = v.parse().map_err(|_| bad())?,
                    "features" => spec.features = v.parse().map_err(|_| bad())?,
                    "informative" => spec.informative = v.parse().map_err(|_| bad())?,
                    "seed" => spec.seed = v.parse().map_err(|_| bad())?,
                    other => return Err(SourceError::UnknownSetting(other.into())),
                }
            }
            spec.check().map_err(SourceError::Invalid)?;
            return Ok(DataSource::Synthetic(spec));
        }
        if let Some(name) = text.strip_prefix("builtin:") {
            return Builtin::from_id(name).map(DataSource::Builtin).ok_or_else(|| {
                let all: Vec<&str> = Builtin::ALL.iter().map(|b| b.id()).collect();
                SourceError::UnknownBuiltin { found: name.into(), expected: all.join(", ") }
            });
        }
        Ok(match Builtin::from_id(text) {
            Some(b) if !Path::new(text).exists() => DataSource::Builtin(b),
            _ => DataSource::File(PathBuf::from(text)),
        })
    }

    pub fn describe(&self) -> String {
        match self {
            DataSource::Builtin(b) => b.title().to_string(),
            DataSource::Synthetic(s) => format!("generated: {}", s.name()),
            DataSource::File(p) => p.display().to_string(),
            DataSource::Pasted(t) => format!("pasted cells ({} lines)", t.lines().count()),
        }
    }

    /// Loads it (a file with these column roles).
    pub fn load(&self, roles: &ColumnRoles, progress: Option<&LoadProgress>) -> Result<Dataset, DataError> {
        match self {
            DataSource::File(path) => crate::data::load_file(path, roles, progress),
            DataSource::Pasted(text) => crate::data::load_pasted(text, roles),
            DataSource::Builtin(b) => b.load(),
            DataSource::Synthetic(s) => {
                s.check().map_err(DataError::Invalid)?;
                Ok(s.generate())
            }
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
    /// The views that make the experiment's point, shown large.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<ViewKind>,
    /// How the window's views were arranged (saved with a session).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
    /// The epoch the runs had reached when the session was saved: opening
    /// it in the window trains it again to there, as fast as it can, and
    /// pauses (`reglab train` trains all its epochs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reached: Option<usize>,
}

/// A view of the window, by what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViewKind {
    Formula,
    Error,
    Accuracy,
    Histograms,
    /// The histograms of each layer apart.
    Layers,
    Sparsity,
    Norms,
    Importance,
    Boundary,
    Path,
    Network,
    Geometry,
}

impl ViewKind {
    pub const ALL: [ViewKind; 12] = [
        ViewKind::Formula,
        ViewKind::Error,
        ViewKind::Accuracy,
        ViewKind::Histograms,
        ViewKind::Layers,
        ViewKind::Sparsity,
        ViewKind::Norms,
        ViewKind::Importance,
        ViewKind::Boundary,
        ViewKind::Path,
        ViewKind::Network,
        ViewKind::Geometry,
    ];

    /// The views shown large when an experiment names none.
    pub const DEFAULT_KEYS: [ViewKind; 3] = [ViewKind::Error, ViewKind::Histograms, ViewKind::Sparsity];

    pub fn title(self) -> &'static str {
        match self {
            ViewKind::Formula => "Formula",
            ViewKind::Error => "Error",
            ViewKind::Accuracy => "Accuracy",
            ViewKind::Histograms => "Weight histograms",
            ViewKind::Layers => "Histograms by layer",
            ViewKind::Sparsity => "Sparsity",
            ViewKind::Norms => "Weight norms",
            ViewKind::Importance => "Input importance",
            ViewKind::Boundary => "Decision boundary",
            ViewKind::Path => "Regularization path",
            ViewKind::Network => "Network",
            ViewKind::Geometry => "Geometry of L1 and L2",
        }
    }

    /// The name in files and exported pictures: `error`, `histograms`.
    pub fn id(self) -> &'static str {
        match self {
            ViewKind::Formula => "formula",
            ViewKind::Error => "error",
            ViewKind::Accuracy => "accuracy",
            ViewKind::Histograms => "histograms",
            ViewKind::Layers => "layers",
            ViewKind::Sparsity => "sparsity",
            ViewKind::Norms => "norms",
            ViewKind::Importance => "importance",
            ViewKind::Boundary => "boundary",
            ViewKind::Path => "path",
            ViewKind::Network => "network",
            ViewKind::Geometry => "geometry",
        }
    }
}

/// How views are arranged: nested rows, columns, tabs and grids, as a file
/// can hold them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Layout {
    View {
        view: ViewKind,
    },
    Tabs {
        children: Vec<Layout>,
        #[serde(default)]
        active: usize,
    },
    Horizontal {
        children: Vec<Layout>,
        #[serde(default)]
        shares: Vec<f32>,
    },
    Vertical {
        children: Vec<Layout>,
        #[serde(default)]
        shares: Vec<f32>,
    },
    Grid {
        children: Vec<Layout>,
    },
}

impl Layout {
    /// `keys` large, side by side, above the other views in tabs.
    pub fn focus(keys: &[ViewKind]) -> Layout {
        let keys: Vec<ViewKind> =
            if keys.is_empty() { ViewKind::DEFAULT_KEYS.to_vec() } else { keys.to_vec() };
        let view = |view| Layout::View { view };
        let rest: Vec<Layout> =
            ViewKind::ALL.iter().filter(|v| !keys.contains(v)).map(|&v| view(v)).collect();
        let top = Layout::Horizontal {
            children: keys.iter().map(|&v| view(v)).collect(),
            shares: vec![1.0; keys.len()],
        };
        if rest.is_empty() {
            return top;
        }
        Layout::Vertical {
            children: vec![top, Layout::Tabs { children: rest, active: 0 }],
            shares: vec![2.0, 1.0],
        }
    }

    /// Every view it holds, in order.
    pub fn views(&self) -> Vec<ViewKind> {
        match self {
            Layout::View { view } => vec![*view],
            Layout::Tabs { children, .. }
            | Layout::Horizontal { children, .. }
            | Layout::Vertical { children, .. }
            | Layout::Grid { children } => children.iter().flat_map(Layout::views).collect(),
        }
    }
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
            views: Vec::new(),
            layout: None,
            reached: None,
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
    #[error("cannot write the experiment: {0}")]
    Write(String),
}

impl Experiment {
    /// Reads an experiment; a relative data path becomes relative to the file.
    pub fn load(path: &Path) -> Result<Experiment, ExperimentError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|source| ExperimentError::Io { path: shown.clone(), source })?;
        let mut exp = Experiment::from_toml(&text).map_err(|e| ExperimentError::Parse {
            path: shown,
            message: e.to_string().trim_end().to_string(),
        })?;
        if let (Some(p), Some(dir)) = (&exp.data.path, path.parent())
            && p.is_relative()
        {
            exp.data.path = Some(dir.join(p));
        }
        Ok(exp)
    }

    pub fn from_toml(text: &str) -> Result<Experiment, toml::de::Error> {
        toml::from_str(text)
    }

    pub fn to_toml(&self) -> Result<String, ExperimentError> {
        toml::to_string_pretty(self).map_err(|e| ExperimentError::Write(e.to_string()))
    }
}

/// The ready-made experiments of `assets/presets/`, each a point of the
/// chapter made visible: (file name, TOML text).
pub const PRESETS: [(&str, &str); 8] = [
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
    ("7-why-l1-gives-zeros.toml", include_str!("../assets/presets/7-why-l1-gives-zeros.toml")),
    ("8-l1-picks-the-true-terms.toml", include_str!("../assets/presets/8-l1-picks-the-true-terms.toml")),
];

/// A preset by its position in [`PRESETS`].
pub fn preset(index: usize) -> Option<Result<Experiment, ExperimentError>> {
    PRESETS.get(index).map(|(file, text)| {
        Experiment::from_toml(text).map_err(|e| ExperimentError::Parse {
            path: (*file).to_string(),
            message: e.to_string().trim_end().to_string(),
        })
    })
}

/// The comparison the window opens with: `assets/presets/default.toml`.
pub const DEFAULT_EXPERIMENT: &str = include_str!("../assets/presets/default.toml");

/// The experiment the window opens with (a built-in set and three runs).
pub fn default_experiment() -> Experiment {
    // The file ships inside the binary and is tested; an empty experiment
    // would only show if it were broken.
    Experiment::from_toml(DEFAULT_EXPERIMENT).unwrap_or_default()
}

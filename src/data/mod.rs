//! Datasets: loading, synthetic generation and preparation (split,
//! standardisation, target encoding). No threads, no windows.

mod csv_loader;
mod prepare;
pub mod synthetic;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use ndarray::Array2;
use serde::{Deserialize, Serialize};

pub use csv_loader::{CsvOptions, TARGET_NAMES, load_csv, parse_csv};
pub use prepare::{Preparation, Prepared, Scaler, prepare};

use crate::nn::ParseEnumError;

/// The target column of a dataset as read.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetValues {
    Numeric(Vec<f64>),
    /// Text labels, coded `0..labels.len()` in order of first appearance.
    Labels {
        codes: Vec<u32>,
        labels: Vec<String>,
    },
}

/// A table of float32 features with one target column.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub name: String,
    pub source: Option<PathBuf>,
    pub features: Array2<f32>,
    pub feature_names: Vec<String>,
    pub target_name: String,
    pub target: TargetValues,
    /// For generated sets: which features truly carry signal.
    pub informative: Option<Vec<bool>>,
}

/// The kind of task, before the number of classes is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskKind {
    Regression,
    Binary,
    Multiclass,
}

impl TaskKind {
    pub fn name(self) -> &'static str {
        match self {
            TaskKind::Regression => "regression",
            TaskKind::Binary => "binary",
            TaskKind::Multiclass => "multiclass",
        }
    }
}

impl fmt::Display for TaskKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TaskKind {
    type Err = ParseEnumError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "regression" => Ok(TaskKind::Regression),
            "binary" => Ok(TaskKind::Binary),
            "multiclass" | "multi-class" => Ok(TaskKind::Multiclass),
            _ => Err(ParseEnumError {
                what: "task",
                expected: "regression, binary, multiclass",
                found: s.to_string(),
            }),
        }
    }
}

/// A dataset that cannot be read or used, with where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{path}: cannot read the file: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: the file is empty")]
    Empty { path: String },
    #[error("{path}: there is a header but no data rows")]
    NoRows { path: String },
    #[error("{path}: line {line}: expected {expected} fields as in the header, found {found}")]
    Ragged { path: String, line: u64, expected: usize, found: usize },
    #[error("{path}: line {line}, column {column} ('{name}'): expected a number, found '{value}'")]
    NotANumber { path: String, line: u64, column: usize, name: String, value: String },
    #[error("{path}: line {line}, column {column} ('{name}'): the value {value} is not finite")]
    NotFinite { path: String, line: u64, column: usize, name: String, value: String },
    #[error("{path}: line {line}: {message}")]
    Syntax { path: String, line: u64, message: String },
    #[error("{path}: no column named '{name}'; the columns are: {available}")]
    MissingColumn { path: String, name: String, available: String },
    #[error(
        "{path}: line 1: the column name '{name}' appears twice (columns {first} and {second}); names must differ"
    )]
    DuplicateColumn { path: String, name: String, first: usize, second: usize },
    #[error("{path}: needs at least one feature column besides the target '{target}'")]
    NoFeatures { path: String, target: String },
    #[error("{what}: the target has {found} distinct value(s); {expected}")]
    BadTarget { what: String, found: usize, expected: String },
    #[error("{what}: a {task} task needs a numeric target, found text labels such as '{example}'")]
    TextTargetForRegression { what: String, task: TaskKind, example: String },
    #[error("{0}")]
    Invalid(String),
}

/// At most this many distinct integer values make a numeric target a class label.
pub const MAX_INFERRED_CLASSES: usize = 10;

impl Dataset {
    pub fn rows(&self) -> usize {
        self.features.nrows()
    }

    pub fn feature_count(&self) -> usize {
        self.features.ncols()
    }

    /// Text labels or a few distinct integers mean classification; anything
    /// else regression.
    pub fn infer_task(&self) -> TaskKind {
        match &self.target {
            TargetValues::Labels { labels, .. } => {
                if labels.len() == 2 {
                    TaskKind::Binary
                } else {
                    TaskKind::Multiclass
                }
            }
            TargetValues::Numeric(v) => {
                let distinct = distinct_sorted(v);
                let integers = v.iter().all(|x| x.fract() == 0.0);
                if integers && distinct.len() == 2 {
                    TaskKind::Binary
                } else if integers && distinct.len() > 2 && distinct.len() <= MAX_INFERRED_CLASSES {
                    TaskKind::Multiclass
                } else {
                    TaskKind::Regression
                }
            }
        }
    }

    /// The class names, for a classification task: text labels as read,
    /// numbers in increasing order.
    pub fn class_labels(&self) -> Vec<String> {
        match &self.target {
            TargetValues::Labels { labels, .. } => labels.clone(),
            TargetValues::Numeric(v) => distinct_sorted(v).iter().map(|x| format_number(*x)).collect(),
        }
    }

    /// Per row: the class index (classification) or the value (regression).
    pub fn encoded_target(&self, task: TaskKind) -> Result<(Vec<f64>, Vec<String>), DataError> {
        let what = self.name.clone();
        match (&self.target, task) {
            (TargetValues::Labels { labels, .. }, TaskKind::Regression) => {
                Err(DataError::TextTargetForRegression {
                    what,
                    task,
                    example: labels.first().cloned().unwrap_or_default(),
                })
            }
            (TargetValues::Numeric(v), TaskKind::Regression) => Ok((v.clone(), Vec::new())),
            (TargetValues::Labels { codes, labels }, _) => {
                check_class_count(&what, task, labels.len())?;
                Ok((codes.iter().map(|&c| c as f64).collect(), labels.clone()))
            }
            (TargetValues::Numeric(v), _) => {
                let distinct = distinct_sorted(v);
                check_class_count(&what, task, distinct.len())?;
                let codes = v.iter().map(|x| distinct.partition_point(|d| d < x) as f64).collect();
                Ok((codes, distinct.iter().map(|x| format_number(*x)).collect()))
            }
        }
    }
}

fn check_class_count(what: &str, task: TaskKind, k: usize) -> Result<(), DataError> {
    let ok = match task {
        TaskKind::Binary => k == 2,
        TaskKind::Multiclass => k >= 2,
        TaskKind::Regression => true,
    };
    if ok {
        Ok(())
    } else {
        Err(DataError::BadTarget {
            what: what.to_string(),
            found: k,
            expected: match task {
                TaskKind::Binary => "a binary task needs exactly 2".into(),
                _ => "a classification task needs at least 2".into(),
            },
        })
    }
}

fn distinct_sorted(v: &[f64]) -> Vec<f64> {
    let mut d: Vec<f64> = v.to_vec();
    d.sort_by(|a, b| a.total_cmp(b));
    d.dedup();
    d
}

pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

//! Datasets: loading, synthetic generation and preparation (split,
//! standardisation, target encoding). No threads, no windows.

mod arff;
pub mod builtin;
mod cells;
mod crosses;
mod csv_loader;
mod error;
mod finish;
mod guard;
mod libsvm;
mod load;
mod magic;
mod orange;
mod prepare;
mod roles;
mod sniff;
mod spreadsheet;
pub mod synthetic;
mod table;

use std::path::PathBuf;

use ndarray::Array2;

pub use arff::read_arff;
pub use builtin::Builtin;
pub use cells::{ALWAYS_MISSING, MISSING_TOKENS, is_missing};
pub use crosses::{Cross, Expansion, MAX_INPUTS, Term, crosses_text, parse_crosses};
pub use csv_loader::{csv_field, parse_csv, read_csv};
pub use error::{DataError, QUOTE_CHARS, clip};
pub use finish::is_identifier;
pub use guard::memory_budget_bytes;
pub use libsvm::{MAX_CELLS, MAX_COLUMNS, read_libsvm};
pub use load::{Format, LoadProgress, PASTED, load_bytes, load_file, load_pasted};
pub use magic::not_a_text_table;
pub use prepare::{MissingPolicy, Preparation, Prepared, STANDARDIZE_WHY, Scaler, prepare};
pub use roles::{ColumnRoles, TARGET_NAMES};
pub use spreadsheet::{is_spreadsheet_name, read_spreadsheet};
pub use synthetic::{SyntheticKind, SyntheticSpec};
pub use table::{MAX_CLASSES, MAX_ONE_HOT_LEVELS};

use crate::text::text_enum;

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

/// What a column of the source was used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Feature,
    Target,
    /// Left out: by the user, or by the file's own `ignore` flag.
    Ignored,
    /// Set aside by the file (Orange's `meta`, a string column, row
    /// weights, a further class) or as a second identifier; not used.
    Meta,
    /// The rows' labels: an identifier column or R's row names. Naming it
    /// in [`ColumnRoles::features`] makes it a feature instead.
    Labels,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Feature => "feature",
            Role::Target => "target",
            Role::Ignored => "ignored",
            Role::Meta => "meta",
            Role::Labels => "labels",
        }
    }
}

/// The rows' labels (names of animals, patients, R's row names), one per
/// row of the dataset.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowLabels {
    /// The column they come from.
    pub column: String,
    pub labels: Vec<String>,
}

/// What a column of the source holds.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnKind {
    Numeric,
    /// Text values; as a feature, one 0/1 column per level (one-hot).
    Categorical {
        levels: Vec<String>,
    },
}

/// One column of the source as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnInfo {
    pub name: String,
    pub role: Role,
    /// `None` for ignored columns, which are not parsed.
    pub kind: Option<ColumnKind>,
    /// Cells with no value (`""`, NA, ?; in a numeric column also NaN, null, None, -).
    pub missing: usize,
}

/// A table of float32 features with one target column. Missing feature
/// values are NaN until [`prepare`] drops or fills them.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub name: String,
    pub source: Option<PathBuf>,
    /// The file format read, and how it was recognised (for `reglab data`).
    pub format: Option<String>,
    /// The sheets of the workbook it was read from (a spreadsheet).
    pub sheets: Vec<String>,
    pub features: Array2<f32>,
    pub feature_names: Vec<String>,
    pub target_name: String,
    pub target: TargetValues,
    /// Which features carry signal: known for generated sets; `false` marks
    /// a feature known to be pure noise.
    pub informative: Option<Vec<bool>>,
    /// The terms the target is made of, by their names as feature crosses
    /// write them (`x1·x2`, `sin(x2)`), when known (a generated set's
    /// formula). When all of them are among the input columns, exactly
    /// they are marked informative: a linear model needs no other.
    pub target_terms: Option<Vec<String>>,
    /// The source's columns, before one-hot encoding.
    pub columns: Vec<ColumnInfo>,
    /// Rows left out because their target was missing.
    pub dropped_rows: usize,
    /// What the loader did that a reader should know, one line each
    /// ("Orange table: column 'name' is meta, set aside"), for `reglab
    /// data` and the Data panel.
    pub notes: Vec<String>,
    /// The rows' labels, when a column holds them (not a feature).
    pub row_labels: Option<RowLabels>,
    /// The task the file declares (an Orange table's continuous class is a
    /// regression target); [`Dataset::infer_task`] returns it.
    pub task_hint: Option<TaskKind>,
}

text_enum!(
    /// The kind of task, before the number of classes is known.
    pub enum TaskKind, "task" {
        Regression => "regression",
        Binary => "binary",
        Multiclass => "multiclass" | "multi-class",
    }
);

/// At most this many distinct integer values make a numeric target a class label.
pub const MAX_INFERRED_CLASSES: usize = 10;

impl Dataset {
    /// A dataset of numeric features, as generators and tests make them.
    pub fn from_parts(
        name: impl Into<String>,
        features: Array2<f32>,
        feature_names: Vec<String>,
        target_name: impl Into<String>,
        target: TargetValues,
        informative: Option<Vec<bool>>,
    ) -> Dataset {
        let target_name = target_name.into();
        let mut columns: Vec<ColumnInfo> = feature_names
            .iter()
            .map(|n| ColumnInfo {
                name: n.clone(),
                role: Role::Feature,
                kind: Some(ColumnKind::Numeric),
                missing: 0,
            })
            .collect();
        columns.push(ColumnInfo {
            name: target_name.clone(),
            role: Role::Target,
            kind: Some(match &target {
                TargetValues::Numeric(_) => ColumnKind::Numeric,
                TargetValues::Labels { labels, .. } => ColumnKind::Categorical { levels: labels.clone() },
            }),
            missing: 0,
        });
        Dataset {
            name: name.into(),
            source: None,
            format: None,
            sheets: Vec::new(),
            features,
            feature_names,
            target_name,
            target,
            informative,
            target_terms: None,
            columns,
            dropped_rows: 0,
            notes: Vec::new(),
            row_labels: None,
            task_hint: None,
        }
    }

    /// Missing feature cells (NaN), in all.
    pub fn missing_values(&self) -> usize {
        self.features.iter().filter(|v| v.is_nan()).count()
    }

    /// Rows with at least one missing feature.
    pub fn rows_with_missing(&self) -> usize {
        self.features.rows().into_iter().filter(|r| r.iter().any(|v| v.is_nan())).count()
    }

    /// The target of row `r` as text.
    pub fn target_text(&self, r: usize) -> String {
        match &self.target {
            TargetValues::Numeric(v) => format_number(v[r]),
            TargetValues::Labels { codes, labels } => labels[codes[r] as usize].clone(),
        }
    }

    /// Appends `k` standard-normal columns that carry no signal, marked as
    /// noise in [`Dataset::informative`].
    pub fn with_noise_features(mut self, k: usize, seed: u64) -> Dataset {
        if k == 0 {
            return self;
        }
        let n = self.rows();
        let d = self.feature_count();
        let noise = synthetic::normal_matrix(n, k, seed ^ 0xA0A0_5EED);
        let mut x = Array2::<f32>::zeros((n, d + k));
        x.slice_mut(ndarray::s![.., ..d]).assign(&self.features);
        x.slice_mut(ndarray::s![.., d..]).assign(&noise);
        self.features = x;
        let mut informative = self.informative.take().unwrap_or_else(|| vec![true; d]);
        for j in 0..k {
            self.feature_names.push(format!("noise{}", j + 1));
            self.columns.insert(
                self.columns.len() - usize::from(self.columns.last().is_some_and(|c| c.role == Role::Target)),
                ColumnInfo {
                    name: format!("noise{}", j + 1),
                    role: Role::Feature,
                    kind: Some(ColumnKind::Numeric),
                    missing: 0,
                },
            );
            informative.push(false);
        }
        self.informative = Some(informative);
        self
    }

    pub fn rows(&self) -> usize {
        self.features.nrows()
    }

    pub fn feature_count(&self) -> usize {
        self.features.ncols()
    }

    /// Text labels or a few distinct integers mean classification; anything
    /// else regression.
    pub fn infer_task(&self) -> TaskKind {
        if let Some(task) = self.task_hint {
            return task;
        }
        match &self.target {
            TargetValues::Labels { labels, .. } => {
                if labels.len() <= 2 {
                    TaskKind::Binary
                } else {
                    TaskKind::Multiclass
                }
            }
            TargetValues::Numeric(v) => {
                let distinct = distinct_sorted(v);
                let integers = v.iter().all(|x| x.fract() == 0.0);
                // One value only is taken as a (broken) classification so
                // that preparing it says why it cannot be trained.
                if integers && distinct.len() <= 2 {
                    TaskKind::Binary
                } else if integers && distinct.len() > 2 && distinct.len() <= MAX_INFERRED_CLASSES {
                    TaskKind::Multiclass
                } else {
                    TaskKind::Regression
                }
            }
        }
    }

    /// Rows per class, in the order of [`Dataset::class_labels`].
    pub fn class_counts(&self, task: TaskKind) -> Option<Vec<(String, usize)>> {
        if task == TaskKind::Regression {
            return None;
        }
        let (codes, labels) = self.encoded_target(task).ok()?;
        let mut counts = vec![0usize; labels.len()];
        codes.iter().for_each(|&c| counts[c as usize] += 1);
        Some(labels.into_iter().zip(counts).collect())
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

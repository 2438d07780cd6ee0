//! From a dataset to training, validation and test matrices: missing
//! values dropped or filled, a seeded split, target encoding, feature
//! crosses, standardisation.

use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{Cross, DataError, Dataset, Expansion, TaskKind};
use crate::nn::Task;
use crate::text::text_enum;

text_enum!(
    /// What to do with rows that have missing feature values.
    #[derive(Default)]
    pub enum MissingPolicy, "missing" {
        /// Leave those rows out.
        #[default]
        Drop => "drop",
        /// Put the feature's mean over the training rows in each missing cell.
        FillMean => "fill-mean" | "fill_mean" | "mean",
    }
);

/// How a dataset becomes training, validation and test matrices. Part of an
/// experiment, so that a run can be reproduced exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preparation {
    /// Inferred from the target when absent.
    pub task: Option<TaskKind>,
    /// Fraction of rows held out for validation, in `[0, 1)`; stratified by
    /// class for classification.
    pub validation: f64,
    /// Fraction of rows held out as a test set, never seen in training.
    pub test: f64,
    /// Rows with missing feature values.
    pub missing: MissingPolicy,
    /// Scale every feature to mean 0 and standard deviation 1, fitted on the
    /// training rows only. Penalties act on weights, and a weight's size
    /// depends on its feature's scale, so unscaled features are penalised
    /// unequally.
    pub standardize: bool,
    /// Squares, products and sines of the features added as inputs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expand: Vec<Cross>,
}

impl Default for Preparation {
    fn default() -> Self {
        Preparation {
            task: None,
            validation: 0.0,
            test: 0.0,
            missing: MissingPolicy::Drop,
            standardize: true,
            expand: Vec::new(),
        }
    }
}

/// Per-feature affine map fitted on the training rows: `(x − mean) / std`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
}

impl Scaler {
    pub fn fit(x: &Array2<f32>) -> Scaler {
        let n = x.nrows().max(1) as f64;
        let mut mean = Vec::with_capacity(x.ncols());
        let mut std = Vec::with_capacity(x.ncols());
        for col in x.axis_iter(Axis(1)) {
            let m = col.iter().map(|&v| v as f64).sum::<f64>() / n;
            let var = col.iter().map(|&v| (v as f64 - m).powi(2)).sum::<f64>() / n;
            let s = var.sqrt();
            mean.push(m as f32);
            // A constant column stays constant (0) rather than dividing by 0.
            std.push(if s > 1e-12 { s as f32 } else { 1.0 });
        }
        Scaler { mean, std }
    }

    pub fn apply(&self, x: &mut Array2<f32>) {
        for mut row in x.axis_iter_mut(Axis(0)) {
            for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                *v = (*v - m) / s;
            }
        }
    }
}

/// Matrices ready for training: targets encoded for the task's outputs
/// (value, 0/1, or one-hot rows).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub dataset_name: String,
    pub task: Task,
    pub classes: Vec<String>,
    /// One per input column: the dataset's features, then any crosses'
    /// terms (`x1²`, `x1·x2`, `sin(x1)`).
    pub feature_names: Vec<String>,
    pub target_name: String,
    /// One per input column; `false` marks a column known to carry no
    /// signal of its own (a noise feature, or a term the target is not made of).
    pub informative: Option<Vec<bool>>,
    /// How the input columns were made from the features, when crosses
    /// were asked for.
    pub expansion: Option<Expansion>,
    pub x_train: Array2<f32>,
    pub y_train: Array2<f32>,
    pub x_val: Array2<f32>,
    pub y_val: Array2<f32>,
    pub x_test: Array2<f32>,
    pub y_test: Array2<f32>,
    pub scaler: Option<Scaler>,
    /// Rows left out for a missing value (feature or target).
    pub dropped_rows: usize,
    /// Missing cells filled with the training mean.
    pub filled_cells: usize,
}

impl Prepared {
    pub fn train_rows(&self) -> usize {
        self.x_train.nrows()
    }
    pub fn val_rows(&self) -> usize {
        self.x_val.nrows()
    }
    pub fn inputs(&self) -> usize {
        self.x_train.ncols()
    }
}

/// The one-line reason standardisation is on by default.
pub const STANDARDIZE_WHY: &str = "Penalties act on the size of weights, and a weight's size depends on its \
feature's scale: standardising gives every feature the same footing.";

fn check_fractions(prep: &Preparation) -> Result<(), DataError> {
    for (what, f) in [("validation", prep.validation), ("test", prep.test)] {
        if !(0.0..1.0).contains(&f) {
            return Err(DataError::Invalid(format!("the {what} fraction must be in [0, 1), found {f}")));
        }
    }
    if prep.validation + prep.test >= 0.95 {
        return Err(DataError::Invalid(format!(
            "validation ({}) and test ({}) leave too few training rows",
            prep.validation, prep.test
        )));
    }
    Ok(())
}

/// Per row: 0 = train, 1 = validation, 2 = test; seeded, stratified by
/// class for classification.
fn split_parts(
    prep: &Preparation,
    usable: &[usize],
    n: usize,
    codes: &[f64],
    classes: Option<usize>,
    seed: u64,
) -> Vec<u8> {
    let mut part = vec![0u8; n];
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_5B11);
    if prep.validation <= 0.0 && prep.test <= 0.0 {
        return part;
    }
    let groups: Vec<Vec<usize>> = match classes {
        Some(k) => {
            let mut g = vec![Vec::new(); k];
            for &i in usable {
                g[codes[i] as usize].push(i);
            }
            g
        }
        None => vec![usable.to_vec()],
    };
    for mut g in groups {
        g.shuffle(&mut rng);
        let len = g.len();
        let take = |f: f64| (len as f64 * f).round() as usize;
        let n_test = take(prep.test).min(len.saturating_sub(1));
        let n_val = take(prep.validation).min(len.saturating_sub(1 + n_test));
        for &i in &g[..n_test] {
            part[i] = 2;
        }
        for &i in &g[n_test..n_test + n_val] {
            part[i] = 1;
        }
    }
    part
}

/// Fills missing cells with the training rows' means; returns how many.
fn fill_means(x_train: &mut Array2<f32>, others: [&mut Array2<f32>; 2]) -> usize {
    let means: Vec<f32> = x_train
        .axis_iter(Axis(1))
        .map(|col| {
            let (sum, count) =
                col.iter().filter(|v| !v.is_nan()).fold((0.0f64, 0usize), |(s, c), &v| (s + v as f64, c + 1));
            if count > 0 { (sum / count as f64) as f32 } else { 0.0 }
        })
        .collect();
    let mut filled = 0;
    let [a, b] = others;
    for x in [x_train, a, b] {
        for mut row in x.axis_iter_mut(Axis(0)) {
            for (v, m) in row.iter_mut().zip(&means) {
                if v.is_nan() {
                    *v = *m;
                    filled += 1;
                }
            }
        }
    }
    filled
}

/// Drops or fills missing values, splits (seeded, stratified for classes),
/// encodes and standardises, fitting everything on the training rows only.
pub fn prepare(ds: &Dataset, prep: &Preparation, seed: u64) -> Result<Prepared, DataError> {
    check_fractions(prep)?;
    // Planned before anything is split, so that too many terms are refused early.
    let expansion = (!prep.expand.is_empty()).then(|| Expansion::plan(ds, &prep.expand)).transpose()?;
    let kind = prep.task.unwrap_or_else(|| ds.infer_task());
    let (codes, classes) = ds.encoded_target(kind)?;
    let task = match kind {
        TaskKind::Regression => Task::Regression,
        TaskKind::Binary => Task::Binary,
        TaskKind::Multiclass => Task::Multiclass(classes.len()),
    };
    let n = ds.rows();
    let has_missing: Vec<bool> =
        ds.features.rows().into_iter().map(|r| r.iter().any(|v| v.is_nan())).collect();
    let usable: Vec<usize> = match prep.missing {
        MissingPolicy::Drop => (0..n).filter(|&i| !has_missing[i]).collect(),
        MissingPolicy::FillMean => (0..n).collect(),
    };
    if usable.len() < 2 {
        return Err(DataError::Invalid(format!(
            "{}: only {} row(s) have no missing value; fill missing values with the mean instead of dropping rows",
            ds.name,
            usable.len()
        )));
    }
    let dropped_rows = ds.dropped_rows + (n - usable.len());
    let part = split_parts(prep, &usable, n, &codes, task.is_classification().then_some(classes.len()), seed);
    let pick = |p: u8| -> Vec<usize> { usable.iter().copied().filter(|&i| part[i] == p).collect() };
    let (train_idx, val_idx, test_idx) = (pick(0), pick(1), pick(2));
    let outputs = task.outputs();
    let encode = |idx: &[usize]| {
        let mut y = Array2::<f32>::zeros((idx.len(), outputs));
        for (r, &i) in idx.iter().enumerate() {
            match task {
                Task::Multiclass(_) => y[[r, codes[i] as usize]] = 1.0,
                _ => y[[r, 0]] = codes[i] as f32,
            }
        }
        y
    };
    let mut x_train = ds.features.select(Axis(0), &train_idx);
    let mut x_val = ds.features.select(Axis(0), &val_idx);
    let mut x_test = ds.features.select(Axis(0), &test_idx);
    let filled_cells = match prep.missing {
        MissingPolicy::FillMean => fill_means(&mut x_train, [&mut x_val, &mut x_test]),
        MissingPolicy::Drop => 0,
    };
    // Terms from the raw (filled) values, standardised below like any
    // feature with the training rows' statistics (the module docs of
    // `crosses` say why raw).
    if let Some(e) = &expansion {
        x_train = e.apply(&x_train);
        x_val = e.apply(&x_val);
        x_test = e.apply(&x_test);
    }
    let scaler = prep.standardize.then(|| Scaler::fit(&x_train));
    if let Some(s) = &scaler {
        s.apply(&mut x_train);
        s.apply(&mut x_val);
        s.apply(&mut x_test);
    }
    Ok(Prepared {
        dataset_name: ds.name.clone(),
        task,
        classes,
        feature_names: expansion.as_ref().map_or_else(|| ds.feature_names.clone(), |e| e.names.clone()),
        target_name: ds.target_name.clone(),
        informative: match &expansion {
            Some(e) => e.informative.clone(),
            None => ds.informative.clone(),
        },
        expansion,
        y_train: encode(&train_idx),
        y_val: encode(&val_idx),
        y_test: encode(&test_idx),
        x_train,
        x_val,
        x_test,
        scaler,
        dropped_rows,
        filled_cells,
    })
}

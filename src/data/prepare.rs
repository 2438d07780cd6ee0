use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{DataError, Dataset, TaskKind};
use crate::nn::Task;

/// How a dataset becomes training and validation matrices. Part of an
/// experiment, so that a run can be reproduced exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preparation {
    /// Inferred from the target when absent.
    pub task: Option<TaskKind>,
    /// Fraction of rows held out for validation, in `[0, 1)`; stratified by
    /// class for classification.
    pub validation: f64,
    /// Scale every feature to mean 0 and standard deviation 1, fitted on the
    /// training rows only. Penalties act on weights, and a weight's size
    /// depends on its feature's scale, so unscaled features are penalised
    /// unequally.
    pub standardize: bool,
}

impl Default for Preparation {
    fn default() -> Self {
        Preparation { task: None, validation: 0.0, standardize: true }
    }
}

/// Per-feature affine map fitted on the training rows: `(x − mean) / std`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
}

impl Scaler {
    fn fit(x: &Array2<f32>) -> Scaler {
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
    pub feature_names: Vec<String>,
    pub target_name: String,
    pub informative: Option<Vec<bool>>,
    pub x_train: Array2<f32>,
    pub y_train: Array2<f32>,
    pub x_val: Array2<f32>,
    pub y_val: Array2<f32>,
    pub scaler: Option<Scaler>,
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

/// Splits (seeded, stratified for classes), encodes and standardises.
pub fn prepare(ds: &Dataset, prep: &Preparation, seed: u64) -> Result<Prepared, DataError> {
    if !(0.0..1.0).contains(&prep.validation) {
        return Err(DataError::Invalid(format!(
            "validation fraction must be in [0, 1), found {}",
            prep.validation
        )));
    }
    let kind = prep.task.unwrap_or_else(|| ds.infer_task());
    let (codes, classes) = ds.encoded_target(kind)?;
    let task = match kind {
        TaskKind::Regression => Task::Regression,
        TaskKind::Binary => Task::Binary,
        TaskKind::Multiclass => Task::Multiclass(classes.len()),
    };
    let n = ds.rows();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_5B11);
    let mut is_val = vec![false; n];
    if prep.validation > 0.0 {
        let groups: Vec<Vec<usize>> = if task.is_classification() {
            let mut g = vec![Vec::new(); classes.len()];
            for (i, &c) in codes.iter().enumerate() {
                g[c as usize].push(i);
            }
            g
        } else {
            vec![(0..n).collect()]
        };
        for mut g in groups {
            g.shuffle(&mut rng);
            let take = ((g.len() as f64 * prep.validation).round() as usize).min(g.len().saturating_sub(1));
            for &i in &g[..take] {
                is_val[i] = true;
            }
        }
    }
    let train_idx: Vec<usize> = (0..n).filter(|&i| !is_val[i]).collect();
    let val_idx: Vec<usize> = (0..n).filter(|&i| is_val[i]).collect();
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
    let scaler = prep.standardize.then(|| Scaler::fit(&x_train));
    if let Some(s) = &scaler {
        s.apply(&mut x_train);
        s.apply(&mut x_val);
    }
    Ok(Prepared {
        dataset_name: ds.name.clone(),
        task,
        classes,
        feature_names: ds.feature_names.clone(),
        target_name: ds.target_name.clone(),
        informative: ds.informative.clone(),
        y_train: encode(&train_idx),
        y_val: encode(&val_idx),
        x_train,
        x_val,
        scaler,
    })
}

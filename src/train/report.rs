//! The files a session writes: the metrics table (CSV) and the weights (JSON).

use std::io::Write;

use serde::Serialize;

use super::metrics::EpochMetrics;
use super::run::RunStatus;
use super::session::Session;

/// Every evaluated epoch of every run, ready to be written as CSV.
#[derive(Debug, Clone, Default)]
pub struct MetricsTable {
    pub rows: Vec<(usize, String, EpochMetrics)>,
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// A CSV field, quoted when it needs to be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

impl MetricsTable {
    pub fn push(&mut self, run: usize, name: &str, m: &EpochMetrics) {
        self.rows.push((run, name.to_string(), m.clone()));
    }

    /// Writes one row per run and epoch, ordered by run then epoch.
    pub fn write_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut rows: Vec<&(usize, String, EpochMetrics)> = self.rows.iter().collect();
        rows.sort_by_key(|(run, _, m)| (*run, m.epoch));
        let layers = rows.iter().map(|(_, _, m)| m.layers.len()).max().unwrap_or(0);
        let mut header = vec![
            "run",
            "epoch",
            "train_error",
            "val_error",
            "penalty",
            "total",
            "train_accuracy",
            "val_accuracy",
            "l1_norm",
            "l2_norm",
            "zero_frac",
            "small_frac",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
        for l in 1..=layers {
            for c in ["zero_frac", "small_frac", "l1_norm", "l2_norm"] {
                header.push(format!("layer{l}_{c}"));
            }
        }
        header.extend(["lr".to_string(), "lambda".to_string()]);
        writeln!(out, "{}", header.join(","))?;
        for (_, name, m) in rows {
            let mut cells = vec![
                field(name),
                m.epoch.to_string(),
                m.train.error.to_string(),
                opt(m.val.map(|v| v.error)),
                m.penalty.to_string(),
                m.total.to_string(),
                opt(m.train.accuracy),
                opt(m.val.and_then(|v| v.accuracy)),
                m.weights.l1.to_string(),
                m.weights.l2.to_string(),
                m.weights.zero_frac.to_string(),
                m.weights.small_frac.to_string(),
            ];
            for l in 0..layers {
                match m.layers.get(l) {
                    Some(s) => cells.extend([s.zero_frac, s.small_frac, s.l1, s.l2].map(|v| v.to_string())),
                    None => cells.extend(std::iter::repeat_n(String::new(), 4)),
                }
            }
            cells.extend([m.lr.to_string(), m.lambda.to_string()]);
            writeln!(out, "{}", cells.join(","))?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
struct LayerOut {
    /// `weights[i][j]`: from input `i` to unit `j`.
    weights: Vec<Vec<f32>>,
    bias: Vec<f32>,
}

#[derive(Serialize)]
struct RunOut<'a> {
    name: &'a str,
    regularizer: String,
    lambda: f64,
    lambda_scale: String,
    l1_rule: String,
    alpha: f64,
    dropout: Option<f64>,
    scope: String,
    lr: f64,
    epochs: usize,
    status: &'a RunStatus,
    layers: Vec<LayerOut>,
}

#[derive(Serialize)]
struct ScalerOut<'a> {
    mean: &'a [f32],
    std: &'a [f32],
}

#[derive(Serialize)]
struct WeightsOut<'a> {
    /// True when the weights apply to standardised features `(x − mean)/std`.
    standardized: bool,
    scaler: Option<ScalerOut<'a>>,
    units: &'static str,
    task: &'static str,
    classes: &'a [String],
    features: &'a [String],
    target: &'a str,
    activation: String,
    hidden: &'a [usize],
    seed: u64,
    runs: Vec<RunOut<'a>>,
}

/// The weights of every run in the layout of SPEC §3.
pub fn weights_json(session: &Session) -> serde_json::Result<String> {
    let d = &session.data;
    let out = WeightsOut {
        standardized: d.scaler.is_some(),
        scaler: d.scaler.as_ref().map(|s| ScalerOut { mean: &s.mean, std: &s.std }),
        units: if d.scaler.is_some() {
            "standardized features: x' = (x - mean) / std, fitted on the training rows"
        } else {
            "raw features, as in the data file"
        },
        task: d.task.name(),
        classes: &d.classes,
        features: &d.feature_names,
        target: &d.target_name,
        activation: session.network.activation.to_string(),
        hidden: &session.network.hidden,
        seed: session.seed,
        runs: session
            .runs
            .iter()
            .map(|r| RunOut {
                name: &r.spec.name,
                regularizer: r.spec.reg.to_string(),
                lambda: r.spec.lambda,
                lambda_scale: r.spec.lambda_scale.to_string(),
                l1_rule: r.spec.l1_rule.to_string(),
                alpha: r.spec.alpha,
                dropout: r.spec.dropout,
                scope: r.spec.scope.to_string(),
                lr: r.lr,
                epochs: r.epoch,
                status: &r.status,
                layers: r
                    .net
                    .layers
                    .iter()
                    .map(|l| LayerOut {
                        weights: l.weights.rows().into_iter().map(|row| row.to_vec()).collect(),
                        bias: l.bias.to_vec(),
                    })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&out)
}

//! Every preset in `assets/presets/` is trained headless, as
//! `reglab train --config assets/presets/…`, and the claim its explanation
//! makes is checked with numbers.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Trained {
    /// Per run name: its metrics rows in epoch order.
    metrics: HashMap<String, Vec<HashMap<String, String>>>,
    weights: serde_json::Value,
}

fn preset(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/presets").join(file)
}

fn train(file: &str) -> Trained {
    let dir = tempfile::tempdir().unwrap();
    let metrics = dir.path().join("m.csv");
    let weights = dir.path().join("w.json");
    let out = Command::new(env!("CARGO_BIN_EXE_reglab"))
        .args(["train", "-q", "--config"])
        .arg(preset(file))
        .arg("--metrics")
        .arg(&metrics)
        .arg("--weights")
        .arg(&weights)
        .output()
        .unwrap();
    assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
    let mut by_run: HashMap<String, Vec<HashMap<String, String>>> = HashMap::new();
    let mut reader = csv::Reader::from_path(&metrics).unwrap();
    let headers = reader.headers().unwrap().clone();
    for row in reader.records() {
        let row = row.unwrap();
        let map: HashMap<String, String> =
            headers.iter().zip(row.iter()).map(|(h, v)| (h.into(), v.into())).collect();
        by_run.entry(map["run"].clone()).or_default().push(map);
    }
    let weights = serde_json::from_str(&std::fs::read_to_string(&weights).unwrap()).unwrap();
    Trained { metrics: by_run, weights }
}

impl Trained {
    fn series(&self, run: &str, column: &str) -> Vec<f64> {
        self.metrics[run].iter().map(|r| r[column].parse::<f64>().unwrap()).collect()
    }

    fn last(&self, run: &str, column: &str) -> f64 {
        *self.series(run, column).last().unwrap()
    }

    /// `weights[i][j]` of the first layer of a run.
    fn first_layer(&self, run: &str) -> Vec<Vec<f64>> {
        let runs = self.weights["runs"].as_array().unwrap();
        let r = runs.iter().find(|r| r["name"] == run).unwrap();
        r["layers"][0]["weights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect())
            .collect()
    }
}

#[test]
fn every_preset_parses_and_explains_itself() {
    let mut count = 0;
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/presets")).unwrap() {
        let path = entry.unwrap().path();
        let exp = reglab::experiment::Experiment::load(&path).unwrap();
        assert!(
            exp.name.is_some() && exp.description.as_ref().is_some_and(|d| d.len() > 100),
            "{}",
            path.display()
        );
        assert!(exp.data.has_source() && !exp.runs.is_empty(), "{}", path.display());
        count += 1;
    }
    assert_eq!(
        count,
        reglab::experiment::PRESETS.len() + 1,
        "every preset file is in the menu, and the default"
    );
}

#[test]
fn preset_1_l1_zeroes_the_irrelevant_inputs() {
    let t = train("1-l1-finds-the-relevant-inputs.toml");
    let informative = 4;
    for run in ["none", "L1", "L2"] {
        let w = t.first_layer(run);
        let noise: Vec<f64> = w[informative..].iter().flatten().copied().collect();
        let zero = noise.iter().filter(|v| **v == 0.0).count() as f64 / noise.len() as f64;
        let importance: Vec<f64> = w.iter().map(|row| row.iter().map(|v| v.abs()).sum()).collect();
        let mut order: Vec<usize> = (0..importance.len()).collect();
        order.sort_by(|a, b| importance[*b].total_cmp(&importance[*a]));
        let mut top: Vec<usize> = order[..informative].to_vec();
        top.sort();
        if run == "L1" {
            assert!(zero >= 0.9, "L1: {zero} of the noise inputs' weights are exactly 0");
            assert_eq!(top, vec![0, 1, 2, 3], "L1's most important inputs are the informative ones");
            assert!(t.last(run, "val_accuracy") > 0.9);
        } else {
            assert_eq!(zero, 0.0, "{run} has no exact zeros");
            assert_eq!(t.last(run, "zero_frac"), 0.0);
        }
    }
    // L2 only shrinks: its weights are smaller than none's, but not 0.
    assert!(t.last("L2", "l2_norm") < t.last("none", "l2_norm"));
}

#[test]
fn preset_2_l2_keeps_the_validation_error_down() {
    let t = train("2-l2-against-overfitting.toml");
    let none = t.series("none", "val_error");
    let best = none.iter().copied().fold(f64::INFINITY, f64::min);
    let last = *none.last().unwrap();
    assert!(last > 2.0 * best, "none's validation error rises: best {best}, last {last}");
    assert!(t.last("none", "train_error") < 0.02, "none fits the training rows");
    let l2 = t.series("L2", "val_error");
    let l2_best = l2.iter().copied().fold(f64::INFINITY, f64::min);
    let l2_last = *l2.last().unwrap();
    assert!(l2_last < 1.1 * l2_best, "L2 stays near its best: best {l2_best}, last {l2_last}");
    assert!(l2_last < 0.5 * last);
}

#[test]
fn preset_3_only_clip_and_proximal_make_exact_zeros() {
    let t = train("3-the-l1-update-rule-matters.toml");
    let zero = |r: &str| t.last(r, "zero_frac");
    let small = |r: &str| t.last(r, "small_frac");
    assert!(zero("subgradient") < 0.01, "{}", zero("subgradient"));
    assert!(zero("clip") > 0.8 && zero("proximal") > 0.8, "{} {}", zero("clip"), zero("proximal"));
    // |w| < ε (0.02) is much the same for all three.
    for r in ["subgradient", "clip", "proximal"] {
        assert!(small(r) > 0.9, "{r}: {}", small(r));
    }
}

#[test]
fn preset_4_output_scope_leaves_the_first_layer_free() {
    let t = train("4-final-layer-only-or-all-weights.toml");
    let l1 = |r: &str| t.last(r, "layer1_l2_norm");
    let l2 = |r: &str| t.last(r, "layer2_l2_norm");
    assert!(l1("L2, output layer") > 0.9 * l1("none"), "{} vs {}", l1("L2, output layer"), l1("none"));
    assert!(l1("L2, all layers") < 0.7 * l1("none"), "{} vs {}", l1("L2, all layers"), l1("none"));
    assert!(l2("L2, output layer") < 0.7 * l2("none"));
    assert!(l2("L2, all layers") < 0.7 * l2("none"));
}

#[test]
fn preset_5_dropout_and_l2_each_fight_overfitting() {
    let t = train("5-dropout-and-l2.toml");
    let none = t.last("none", "val_error");
    for r in ["dropout", "L2", "dropout + L2"] {
        assert!(t.last(r, "val_error") < 0.7 * none, "{r}: {} vs none {none}", t.last(r, "val_error"));
    }
    // Dropout does not shrink the weights the way L2 does.
    assert!(t.last("dropout", "l2_norm") > 1.5 * t.last("L2", "l2_norm"));
}

#[test]
fn preset_6_the_same_lambda_means_three_strengths() {
    let t = train("6-what-lambda-means.toml");
    let norm = |r: &str| t.last(r, "l2_norm");
    assert!(norm("n = 1") < norm("n = batch") && norm("n = batch") < norm("n = dataset"));
    // The penalty term: λ/(2n)·Σw², so with the same weights 32× apart between n = 1 and n = 32.
    let ratio = t.last("n = 1", "penalty")
        / norm("n = 1").powi(2)
        / (t.last("n = batch", "penalty") / norm("n = batch").powi(2));
    assert!((ratio - 32.0).abs() < 1e-6 * 32.0, "{ratio}");
}

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

fn train_with(file: &str, extra: &[&str]) -> Trained {
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
        .args(extra)
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

/// Trains a preset with another seed (initial weights, split and batch order).
fn train_seeded(file: &str, seed: u64) -> Trained {
    train_with(file, &["--seed", &seed.to_string()])
}

#[test]
fn preset_1_l1_keeps_exactly_the_informative_inputs_for_every_seed() {
    let informative = 4;
    for seed in 1..=5 {
        let t = train_seeded("1-l1-finds-the-relevant-inputs.toml", seed);
        let importance = |run: &str| -> Vec<f64> {
            t.first_layer(run).iter().map(|row| row.iter().map(|v| v.abs()).sum()).collect()
        };
        // L1: every informative input above every noise input, and every
        // noise input's weights exactly 0 (not a tie broken by sort order).
        let l1 = importance("L1");
        let weakest_signal = l1[..informative].iter().copied().fold(f64::INFINITY, f64::min);
        let strongest_noise = l1[informative..].iter().copied().fold(0.0, f64::max);
        assert!(weakest_signal > 0.05, "seed {seed}: an informative input is lost: {:?}", &l1[..informative]);
        assert_eq!(strongest_noise, 0.0, "seed {seed}: noise inputs' importance {:?}", &l1[informative..]);
        let noise_weights: Vec<f64> = t.first_layer("L1")[informative..].iter().flatten().copied().collect();
        assert!(noise_weights.iter().all(|w| *w == 0.0), "seed {seed}");
        assert!(t.last("L1", "val_accuracy") > 0.9, "seed {seed}: {}", t.last("L1", "val_accuracy"));
        // The others: no exact zeros; none keeps using the noise; L2 makes the weights smaller.
        for run in ["none", "L2"] {
            let w: Vec<f64> = t.first_layer(run).iter().flatten().copied().collect();
            assert!(w.iter().all(|v| *v != 0.0), "seed {seed}: {run} has exact zeros");
            assert_eq!(t.last(run, "zero_frac"), 0.0);
        }
        let none = importance("none");
        assert!(none[informative..].iter().all(|v| *v > 0.05), "seed {seed}: none uses every noise input");
        assert!(t.last("L2", "l2_norm") < t.last("none", "l2_norm"), "seed {seed}");
    }
}

#[test]
fn preset_2_l2_keeps_the_validation_error_down_for_every_seed() {
    for seed in 1..=5 {
        let t = train_seeded("2-l2-against-overfitting.toml", seed);
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
}

#[test]
fn preset_3_only_clip_and_proximal_make_exact_zeros_for_every_seed() {
    for seed in 1..=5 {
        let t = train_seeded("3-the-l1-update-rule-matters.toml", seed);
        // Over the last 20 epochs: a clipped weight may be kicked off 0 by
        // the next mini-batch, so one epoch alone says little about clip.
        let mean_last = |r: &str, c: &str| {
            let s = t.series(r, c);
            s[s.len() - 20..].iter().sum::<f64>() / 20.0
        };
        let min_last = |r: &str, c: &str| {
            let s = t.series(r, c);
            s[s.len() - 20..].iter().copied().fold(f64::INFINITY, f64::min)
        };
        assert_eq!(
            mean_last("subgradient", "zero_frac"),
            0.0,
            "seed {seed}: subgradient makes no exact zeros"
        );
        assert!(mean_last("clip", "zero_frac") > 0.3, "seed {seed}: clip {}", mean_last("clip", "zero_frac"));
        assert!(
            mean_last("proximal", "zero_frac") > 0.9,
            "seed {seed}: proximal {}",
            mean_last("proximal", "zero_frac")
        );
        assert!(mean_last("proximal", "zero_frac") > mean_last("clip", "zero_frac"));
        // |w| < ε (0.02) is much the same for all three.
        for r in ["subgradient", "clip", "proximal"] {
            assert!(min_last(r, "small_frac") > 0.85, "seed {seed}: {r}: {}", min_last(r, "small_frac"));
        }
    }
}

#[test]
fn preset_4_output_scope_leaves_the_first_layer_free_for_every_seed() {
    for seed in 1..=5 {
        let t = train_seeded("4-final-layer-only-or-all-weights.toml", seed);
        let l1 = |r: &str| t.last(r, "layer1_l2_norm");
        let l2 = |r: &str| t.last(r, "layer2_l2_norm");
        assert!(l1("L2, output layer") > 0.9 * l1("none"), "{} vs {}", l1("L2, output layer"), l1("none"));
        assert!(l1("L2, all layers") < 0.7 * l1("none"), "{} vs {}", l1("L2, all layers"), l1("none"));
        assert!(l2("L2, output layer") < 0.7 * l2("none"));
        assert!(l2("L2, all layers") < 0.7 * l2("none"));
    }
}

#[test]
fn preset_5_l2_always_dropout_sometimes_fights_overfitting() {
    let mut dropout_helps = Vec::new();
    for seed in 1..=5 {
        let t = train_seeded("5-dropout-and-l2.toml", seed);
        let none = t.last("none", "val_error");
        for r in ["L2", "dropout + L2"] {
            assert!(
                t.last(r, "val_error") < 0.7 * none,
                "seed {seed}: {r}: {} vs none {none}",
                t.last(r, "val_error")
            );
        }
        dropout_helps.push(t.last("dropout", "val_error") < 0.7 * none);
        // Dropout does not shrink the weights the way L2 does.
        assert!(t.last("dropout", "l2_norm") > 1.5 * t.last("L2", "l2_norm"), "seed {seed}");
    }
    assert!(dropout_helps.iter().any(|h| *h), "dropout helps with some seeds: {dropout_helps:?}");
    assert!(dropout_helps.iter().any(|h| !*h), "but not with all: {dropout_helps:?}");
    assert!(!dropout_helps[1] && !dropout_helps[4], "seeds 2 and 5, as the note says: {dropout_helps:?}");
}

#[test]
fn preset_6_the_same_lambda_means_three_strengths_for_every_seed() {
    for seed in 1..=5 {
        let t = train_seeded("6-what-lambda-means.toml", seed);
        let norm = |r: &str| t.last(r, "l2_norm");
        assert!(norm("n = 1") < norm("n = batch") && norm("n = batch") < norm("n = dataset"));
        // The penalty term: λ/(2n)·Σw², so with the same weights 32× apart between n = 1 and n = 32.
        let ratio = t.last("n = 1", "penalty")
            / norm("n = 1").powi(2)
            / (t.last("n = batch", "penalty") / norm("n = batch").powi(2));
        assert!((ratio - 32.0).abs() < 1e-6 * 32.0, "{ratio}");
    }
}

#[test]
fn preset_7_l1_ends_on_the_axis_and_l2_off_it_for_every_seed() {
    for seed in 1..=5 {
        let t = train_seeded("7-why-l1-gives-zeros.toml", seed);
        // A linear model on (x1, x2): one weight from each input.
        let w = |run: &str| -> Vec<f64> { t.first_layer(run).iter().map(|row| row[0]).collect() };
        let (l1, l2) = (w("L1"), w("L2"));
        assert_eq!(l1[1], 0.0, "seed {seed}: L1 keeps w(x2) = {}", l1[1]);
        assert!(l1[0] > 0.5, "seed {seed}: L1's w(x1) = {}", l1[0]);
        assert!(l2[0] > 0.5 && l2[1].abs() > 0.02, "seed {seed}: L2 at {l2:?}");
    }
}

#[test]
fn preset_8_l1_keeps_exactly_the_two_true_terms_for_every_seed() {
    let file = "8-l1-picks-the-true-terms.toml";
    let exp = reglab::experiment::Experiment::load(&preset(file)).unwrap();
    let lambda = exp.runs[0].lambda;
    let ds = exp.data.load(None).unwrap();
    let names = [
        "x1",
        "x2",
        "noise1",
        "x1²",
        "x2²",
        "noise1²",
        "x1·x2",
        "x1·noise1",
        "x2·noise1",
        "sin(x1)",
        "sin(x2)",
        "sin(noise1)",
    ];
    let truth = ["x1·x2", "sin(x2)"];
    for seed in 1..=5 {
        let t = train_seeded(file, seed);
        assert_eq!(t.weights["features"], serde_json::json!(names), "weights.json names the inputs");
        let p = reglab::data::prepare(&ds, &exp.data.preparation(), seed).unwrap();
        assert_eq!(p.feature_names, names);
        // What the importance view and the network shade as noise: all but the two.
        let signal: Vec<&str> =
            names.iter().zip(p.informative.as_ref().unwrap()).filter(|(_, i)| **i).map(|(n, _)| *n).collect();
        assert_eq!(signal, truth);
        // L1: every other term's weight exactly 0, the two true ones kept with the formula's signs.
        let l1: Vec<f64> = t.first_layer("L1").iter().map(|row| row[0]).collect();
        for (n, w) in names.iter().zip(&l1) {
            if !truth.contains(n) {
                assert_eq!(*w, 0.0, "seed {seed}: L1 keeps {n} = {w}");
            }
        }
        assert!(l1[6] > 1.0 && l1[10] < -0.8, "seed {seed}: x1·x2 {}, sin(x2) {}", l1[6], l1[10]);
        assert_eq!(t.last("L1", "zero_frac"), 10.0 / 12.0, "seed {seed}");
        // With margin: at L1's weights, the data error's slope along every
        // zeroed term is well inside the ±λ that keeps it at 0 (a slope
        // near λ would mean a zero that another seed could lose).
        let runs = t.weights["runs"].as_array().unwrap();
        let bias = runs.iter().find(|r| r["name"] == "L1").unwrap()["layers"][0]["bias"][0].as_f64().unwrap();
        let n = p.train_rows() as f64;
        let residual: Vec<f64> = p
            .x_train
            .rows()
            .into_iter()
            .zip(p.y_train.column(0))
            .map(|(x, y)| x.iter().zip(&l1).map(|(a, w)| *a as f64 * w).sum::<f64>() + bias - *y as f64)
            .collect();
        let slope: Vec<f64> = p
            .x_train
            .columns()
            .into_iter()
            .map(|c| c.iter().zip(&residual).map(|(a, r)| *a as f64 * r).sum::<f64>() / n)
            .collect();
        // And at the lasso's solution: along each kept term the slope balances λ.
        assert!((slope[6] + lambda).abs() < 0.05 * lambda, "seed {seed}: x1·x2's slope {}", slope[6]);
        assert!((slope[10] - lambda).abs() < 0.05 * lambda, "seed {seed}: sin(x2)'s slope {}", slope[10]);
        for (k, name) in names.iter().enumerate() {
            if !truth.contains(name) {
                assert!(
                    slope[k].abs() < 0.5 * lambda,
                    "seed {seed}: {name}'s slope {} against λ {lambda}",
                    slope[k]
                );
            }
        }
        // L2 keeps every input, none exactly 0.
        let l2: Vec<f64> = t.first_layer("L2").iter().map(|row| row[0]).collect();
        assert!(l2.iter().all(|w| *w != 0.0), "seed {seed}: L2 {l2:?}");
        assert_eq!(t.last("L2", "zero_frac"), 0.0);
    }
}

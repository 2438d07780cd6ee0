//! Preparation of data and the weight statistics every plot is drawn from.

use reglab::data::{self, ColumnRoles, Preparation, TargetValues, TaskKind, parse_csv};
use reglab::nn::Task;
use reglab::train::{Histogram, WeightStats};

fn csv(text: &str) -> data::Dataset {
    parse_csv("t.csv", text.as_bytes(), &ColumnRoles::default()).unwrap()
}

#[test]
fn the_target_defaults_to_a_conventional_name_then_the_last_column() {
    let ds = csv("label,a,b\n0,1,2\n1,3,4\n");
    assert_eq!(ds.target_name, "label");
    assert_eq!(ds.feature_names, ["a", "b"]);
    let ds = csv("a;b;price\n1;2;3.5\n4;5;6.25\n");
    assert_eq!(ds.target_name, "price", "semicolons are sniffed");
    assert_eq!(ds.infer_task(), TaskKind::Regression);
}

#[test]
fn tasks_are_inferred_from_the_target() {
    assert_eq!(csv("a,y\n1,0\n2,1\n3,1\n").infer_task(), TaskKind::Binary);
    assert_eq!(csv("a,y\n1,0\n2,1\n3,2\n").infer_task(), TaskKind::Multiclass);
    assert_eq!(csv("a,y\n1,0.5\n2,1\n3,2\n").infer_task(), TaskKind::Regression);
    let ds = csv("a,y\n1,cat\n2,dog\n3,cat\n");
    assert!(matches!(ds.target, TargetValues::Labels { ref labels, .. } if labels == &["cat", "dog"]));
    assert_eq!(ds.infer_task(), TaskKind::Binary);
    assert!(ds.encoded_target(TaskKind::Regression).is_err());
    assert!(csv("a,y\n1,0\n2,1\n3,2\n").encoded_target(TaskKind::Binary).is_err());
}

#[test]
fn the_split_is_seeded_and_stratified_and_scaling_is_fitted_on_training_rows() {
    let ds = data::synthetic::informative_classification(400, 5, 2, 4, 8);
    let prep = Preparation { validation: 0.25, ..Preparation::default() };
    let a = data::prepare(&ds, &prep, 3).unwrap();
    let b = data::prepare(&ds, &prep, 3).unwrap();
    assert_eq!(a.x_train, b.x_train);
    assert_eq!((a.train_rows(), a.val_rows()), (300, 100));
    assert_eq!(a.task, Task::Multiclass(4));
    for k in 0..4 {
        let in_val = a.y_val.column(k).sum();
        assert_eq!(in_val, 25.0, "class {k} is held out in proportion");
    }
    for col in a.x_train.columns() {
        let mean = col.mean().unwrap();
        let sd = col.std(0.0);
        assert!(mean.abs() < 1e-5 && (sd - 1.0).abs() < 1e-4, "mean {mean}, sd {sd}");
    }
    let c = data::prepare(&ds, &prep, 4).unwrap();
    assert_ne!(a.x_train, c.x_train, "another seed, another split");
}

#[test]
fn histograms_count_exact_zeros_apart() {
    let w = [0.0, 0.0, 0.5, -0.5, 0.25, 1e-9, 0.0];
    let h = Histogram::of(&w, 4);
    assert_eq!(h.zeros, 3);
    assert_eq!(h.counts.iter().sum::<u32>(), 4, "non-zero weights, including the tiny one, go to bins");
    assert_eq!((h.lo, h.hi), (-0.5, 0.5));
}

#[test]
fn sparsity_and_norms() {
    let s = WeightStats::of(&[0.0, 0.0005, -3.0, 4.0], 1e-3);
    assert_eq!(s.zero_frac, 0.25);
    assert_eq!(s.small_frac, 0.5);
    assert!((s.l1 - 7.0005).abs() < 1e-6);
    assert!((s.l2 - (25.00000025f64).sqrt()).abs() < 1e-6);
}

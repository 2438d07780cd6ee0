//! Loaders against the corpus of bad and odd files in `tests/data/`
//! (written by `tests/data/make_corpus.py`), the built-in datasets, the
//! generators, and arbitrary input (proptest).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use proptest::prelude::*;
use reglab::data::{
    self, Builtin, ColumnKind, ColumnRoles, Cross, DataError, Dataset, LoadProgress, MissingPolicy,
    Preparation, SyntheticKind, SyntheticSpec, TargetValues, TaskKind,
};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn load(name: &str) -> Result<Dataset, DataError> {
    data::load_file(&corpus(name), &ColumnRoles::default(), None)
}

fn load_err(name: &str) -> String {
    match load(name) {
        Ok(ds) => {
            panic!("{name}: expected an error, loaded {} rows × {} features", ds.rows(), ds.feature_count())
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.contains(name), "{name}: the message should name the file: {msg}");
            msg
        }
    }
}

#[test]
fn bad_files_give_typed_errors_that_say_where() {
    // (file, what the message must contain)
    let cases: &[(&str, &[&str])] = &[
        ("empty.csv", &["the file is empty"]),
        ("whitespace_only.csv", &["the file is empty"]),
        ("comments_only.csv", &["the file is empty"]),
        ("header_only.csv", &["no data rows"]),
        ("ragged_short.csv", &["line 3", "expected 3 fields", "found 2"]),
        ("ragged_long.csv", &["line 3", "found 4"]),
        ("text_in_numeric.csv", &["line 41, column 2 ('x2')", "expected a number, found 'forty'"]),
        ("inf_cell.csv", &["line 3, column 2 ('b')", "not finite"]),
        ("overflow_f32.csv", &["line 3, column 2 ('b')", "1e39"]),
        ("many_classes.csv", &["more than 100 distinct text values", "'label'"]),
        ("invalid_utf8.csv", &["line 3", "column 2", "UTF-8"]),
        ("latin1.csv", &["line 2", "UTF-8"]),
        ("duplicate_columns.csv", &["'a' appears twice (columns 1 and 3)"]),
        ("unclosed_quote.csv", &["line 2"]),
        ("only_target.csv", &["needs at least one feature column besides the target 'y'"]),
        ("all_targets_missing.csv", &["every row's target 'y' is missing"]),
        ("too_many_levels.csv", &["column 1 ('city')", "more than 50 distinct values", "ignore the column"]),
        ("../data/workshop/units_row.csv", &["line 2", "second header row", "'cm'"]),
        ("bad.libsvm", &["line 2", "field 2", "found 'x'"]),
        ("decreasing.libsvm", &["line 1", "does not increase"]),
        ("huge_index.libsvm", &["line 1", "99999999", "beyond"]),
        ("no_data.arff", &["no data rows"]),
        ("undeclared.arff", &["line 6, column 2 ('class')", "'z' is not one of the declared values {x, y}"]),
        ("date.arff", &["line 2", "not supported"]),
        ("truncated.csv.gz", &["cannot read", "deflate"]),
        ("not_really.gz.csv", &["cannot read"]),
    ];
    for (name, needles) in cases {
        let msg = load_err(name);
        for needle in *needles {
            assert!(msg.contains(needle), "{name}: expected '{needle}' in: {msg}");
        }
    }
    // Binary garbage must be refused, whatever the first problem found is.
    load_err("binary_garbage.csv");
    let missing = data::load_file(&corpus("no_such_file.csv"), &ColumnRoles::default(), None).unwrap_err();
    assert!(matches!(missing, DataError::Io { .. }), "{missing}");
}

#[test]
fn typed_errors_are_the_right_variants() {
    assert!(matches!(load("empty.csv"), Err(DataError::Empty { .. })));
    assert!(matches!(load("header_only.csv"), Err(DataError::NoRows { .. })));
    assert!(matches!(
        load("ragged_short.csv"),
        Err(DataError::Ragged { line: 3, expected: 3, found: 2, .. })
    ));
    assert!(matches!(load("text_in_numeric.csv"), Err(DataError::NotANumber { line: 41, column: 2, .. })));
    assert!(matches!(load("inf_cell.csv"), Err(DataError::NotFinite { line: 3, column: 2, .. })));
    assert!(matches!(
        load("duplicate_columns.csv"),
        Err(DataError::DuplicateColumn { first: 1, second: 3, .. })
    ));
    assert!(matches!(load("too_many_levels.csv"), Err(DataError::TooManyLevels { column: 1, .. })));
    assert!(matches!(load("many_classes.csv"), Err(DataError::TooManyClasses { .. })));
    assert!(matches!(load("undeclared.arff"), Err(DataError::NotDeclared { line: 6, column: 2, .. })));
}

fn shape(ds: &Dataset) -> (usize, usize) {
    (ds.rows(), ds.feature_count())
}

fn labels(ds: &Dataset) -> Vec<String> {
    match &ds.target {
        TargetValues::Labels { labels, .. } => labels.clone(),
        TargetValues::Numeric(_) => Vec::new(),
    }
}

#[test]
fn odd_files_load_correctly() {
    let ds = load("semicolon_decimal.csv").unwrap();
    assert_eq!(shape(&ds), (3, 2));
    assert_eq!(ds.features.column(0).to_vec(), vec![1.5, 3.25, 5.0], "decimal commas after ';'");

    for name in ["tabs.tsv", "pipes.csv"] {
        let ds = load(name).unwrap();
        assert_eq!(shape(&ds), (2, 2), "{name}");
        assert_eq!(ds.features.row(1).to_vec(), vec![3.0, 4.0], "{name}");
    }

    let ds = load("crlf_bom.csv").unwrap();
    assert_eq!(ds.feature_names, ["a", "b"], "the BOM is not part of the first name");
    assert_eq!(ds.target_name, "y");
    assert_eq!(shape(&ds), (2, 2));

    let ds = load("quoted.csv").unwrap();
    assert_eq!(ds.feature_names, ["first, name", "b"]);
    assert_eq!(labels(&ds), ["a", "b, c"]);

    let ds = load("no_header.csv").unwrap();
    assert_eq!(shape(&ds), (3, 2), "a first line of numbers and a label is data");
    assert_eq!(ds.feature_names, ["x1", "x2"]);
    assert_eq!(labels(&ds), ["setosa", "virginica"]);
    let ds = load("no_header_numeric.csv").unwrap();
    assert_eq!(shape(&ds), (3, 2));
    assert_eq!(ds.infer_task(), TaskKind::Binary);

    let ds = load("comments_blank.csv").unwrap();
    assert_eq!(shape(&ds), (2, 2));

    let ds = load("missing_values.csv").unwrap();
    assert_eq!(shape(&ds), (6, 2));
    assert_eq!(ds.missing_values(), 4);
    assert_eq!(ds.columns[0].missing, 1);
    assert_eq!(ds.columns[1].missing, 3);
    let dropped = data::prepare(&ds, &Preparation::default(), 1).unwrap();
    assert_eq!((dropped.train_rows(), dropped.dropped_rows), (2, 4));
    let filled = data::prepare(
        &ds,
        &Preparation { missing: MissingPolicy::FillMean, standardize: false, ..Preparation::default() },
        1,
    )
    .unwrap();
    assert_eq!((filled.train_rows(), filled.filled_cells), (6, 4));
    // b's mean over its present values 4, 5 and 8.
    assert_eq!(filled.x_train[[0, 1]], 17.0 / 3.0);
    assert_eq!(filled.x_train[[3, 0]], (1.0 + 2.0 + 3.0 + 6.0 + 7.0) / 5.0);

    let ds = load("missing_target.csv").unwrap();
    assert_eq!((ds.rows(), ds.dropped_rows), (2, 1));

    let ds = load("categorical.csv").unwrap();
    assert_eq!(ds.feature_names, ["colour=red", "colour=blue", "colour=green", "size"]);
    assert_eq!(ds.features.row(1).to_vec(), vec![0.0, 1.0, 0.0, 2.0]);
    assert!(matches!(&ds.columns[0].kind, Some(ColumnKind::Categorical { levels }) if levels.len() == 3));

    let roles = ColumnRoles { ignore: vec!["id".into()], ..ColumnRoles::default() };
    let ds = data::load_file(&corpus("id_column.csv"), &roles, None).unwrap();
    assert_eq!(ds.feature_names, ["a", "b"]);
    assert_eq!(ds.target_name, "target");

    let ds = load("gzipped.csv.gz").unwrap();
    assert_eq!(shape(&ds), (100, 2));
    assert_eq!(ds.features[[99, 1]], 198.0);

    let ds = load("sparse.libsvm").unwrap();
    assert_eq!(shape(&ds), (3, 4));
    assert_eq!(ds.features.row(0).to_vec(), vec![0.5, 0.0, 1.5, 0.0]);
    assert_eq!(ds.features.row(2).to_vec(), vec![0.0, 0.0, 0.0, -1.0]);
    assert_eq!(ds.target, TargetValues::Numeric(vec![1.0, -1.0, 1.0]));
    assert_eq!(ds.infer_task(), TaskKind::Binary);
    let ds = load("zero_based.svm").unwrap();
    assert_eq!(shape(&ds), (2, 3));
    assert_eq!(ds.features.row(0).to_vec(), vec![1.0, 0.0, 3.0]);

    let ds = load("weather.arff").unwrap();
    assert_eq!(ds.rows(), 6);
    assert_eq!(
        ds.feature_names,
        [
            "outlook=sunny",
            "outlook=overcast",
            "outlook=rainy",
            "temperature",
            "humidity",
            "windy=TRUE",
            "windy=FALSE"
        ]
    );
    assert_eq!(labels(&ds), ["yes", "no"], "declared order");
    assert_eq!(ds.missing_values(), 1);
    assert_eq!(ds.features.row(5).to_vec()[..4], [0.0, 1.0, 0.0, 64.0], "a quoted nominal value");

    let ds = load("sparse.arff").unwrap();
    assert_eq!(shape(&ds), (2, 2));
    assert_eq!(ds.features.row(0).to_vec(), vec![1.0, 0.0]);
    assert_eq!(ds.features.row(1).to_vec(), vec![0.0, 2.0]);
    assert_eq!(labels(&ds), ["p", "q"]);

    let ds = load("regression_floats.csv").unwrap();
    assert_eq!(ds.infer_task(), TaskKind::Regression);

    let ds = load("wide_50000.csv").unwrap();
    assert_eq!(shape(&ds), (2, 50000));

    let ds = load("nan_cell_ok_missing.csv").unwrap();
    assert_eq!(ds.missing_values(), 1);
}

#[test]
fn a_single_class_is_refused_when_preparing() {
    let ds = load("one_class.csv").unwrap();
    let err = data::prepare(&ds, &Preparation::default(), 1).unwrap_err();
    assert!(err.to_string().contains("1 distinct value"), "{err}");
}

#[test]
fn cancelling_stops_a_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let mut text = String::from("a,b,y\n");
    for i in 0..20_000 {
        text += &format!("{i},{},{}\n", i * 2, i % 2);
    }
    std::fs::write(&path, text).unwrap();
    let progress = LoadProgress::new();
    progress.cancel();
    let err = data::load_file(&path, &ColumnRoles::default(), Some(&progress)).unwrap_err();
    assert!(matches!(err, DataError::Cancelled { .. }), "{err}");
    let progress = LoadProgress::new();
    let ds = data::load_file(&path, &ColumnRoles::default(), Some(&progress)).unwrap();
    assert_eq!(ds.rows(), 20_000);
    assert_eq!(progress.fraction(), Some(1.0));
}

#[test]
fn builtin_datasets_have_their_known_shapes() {
    let expect = [
        (Builtin::Iris, 150, 4, Some(vec![50, 50, 50])),
        (Builtin::Wine, 178, 13, Some(vec![59, 71, 48])),
        (Builtin::BreastCancer, 569, 30, Some(vec![212, 357])),
        (Builtin::Diabetes, 442, 10, None),
    ];
    for (b, rows, features, classes) in expect {
        let start = std::time::Instant::now();
        let ds = b.load().unwrap();
        // Reported, not asserted: timing on a shared machine is noise.
        eprintln!("{}: loaded in {:?}", b.id(), start.elapsed());
        assert_eq!(shape(&ds), (rows, features), "{}", b.id());
        let task = ds.infer_task();
        let counts = ds.class_counts(task).map(|c| c.into_iter().map(|(_, n)| n).collect::<Vec<_>>());
        assert_eq!(counts, classes, "{}", b.id());
        assert_eq!(ds.missing_values(), 0);
        assert_eq!(Builtin::from_id(b.id()), Some(b));
    }
    let iris = Builtin::Iris.load().unwrap();
    assert_eq!(labels(&iris), ["setosa", "versicolor", "virginica"]);
    assert_eq!(iris.features.row(0).to_vec(), vec![5.1, 3.5, 1.4, 0.2]);
    let diabetes = Builtin::Diabetes.load().unwrap();
    assert_eq!(diabetes.infer_task(), TaskKind::Regression);
    assert_eq!(diabetes.target_text(0), "151");
}

#[test]
fn generators_are_seeded_balanced_and_mark_noise() {
    for kind in SyntheticKind::ALL {
        let spec = SyntheticSpec { kind, rows: 300, extra: 3, ..SyntheticSpec::default() };
        spec.check().unwrap();
        let a = spec.generate();
        let b = spec.generate();
        assert_eq!(a, b, "{}: same seed, same data", kind.id());
        let other = SyntheticSpec { seed: 2, ..spec.clone() }.generate();
        assert_ne!(a.features, other.features, "{}: another seed, other data", kind.id());
        let base = if kind.is_planar() { 2 } else { spec.features };
        assert_eq!(shape(&a), (300, base + 3), "{}", kind.id());
        let inf = a.informative.clone().unwrap();
        assert_eq!(
            inf.iter().rev().take(3).filter(|i| !**i).count(),
            3,
            "{}: noise features marked",
            kind.id()
        );
        assert!(a.features.iter().all(|v| v.is_finite()));
        match kind {
            SyntheticKind::SparseRegression => {
                assert_eq!(a.infer_task(), TaskKind::Regression);
                assert_eq!(inf.iter().filter(|i| **i).count(), spec.informative);
            }
            SyntheticKind::Crosses => {
                assert_eq!(a.infer_task(), TaskKind::Regression);
                assert_eq!(inf, [true, true, false, false, false]);
            }
            _ => {
                let counts = a.class_counts(a.infer_task()).unwrap();
                assert_eq!(counts.len(), 2);
                assert!(counts.iter().all(|(_, n)| *n == 150), "{}: {counts:?}", kind.id());
            }
        }
    }
    // Planar sets separate: with no noise, the circle's classes sit at different radii.
    let circle = SyntheticSpec { noise: 0.0, ..SyntheticSpec::default() }.generate();
    let TargetValues::Labels { codes, .. } = &circle.target else { panic!() };
    for (r, &c) in codes.iter().enumerate() {
        let radius = circle.features[[r, 0]].hypot(circle.features[[r, 1]]);
        assert!(if c == 1 { radius <= 2.5 } else { radius >= 3.5 }, "row {r}: radius {radius}, class {c}");
    }
    let xor = SyntheticSpec { kind: SyntheticKind::Xor, noise: 0.0, ..SyntheticSpec::default() }.generate();
    let TargetValues::Labels { codes, .. } = &xor.target else { panic!() };
    for (r, &c) in codes.iter().enumerate() {
        assert_eq!(xor.features[[r, 0]] * xor.features[[r, 1]] > 0.0, c == 1);
    }
}

#[test]
fn preparation_splits_reproducibly_and_stratified() {
    let ds = Builtin::Iris.load().unwrap();
    let prep = Preparation { validation: 0.2, test: 0.2, ..Preparation::default() };
    let a = data::prepare(&ds, &prep, 7).unwrap();
    let b = data::prepare(&ds, &prep, 7).unwrap();
    assert_eq!(a.x_train, b.x_train);
    assert_eq!((a.train_rows(), a.val_rows(), a.x_test.nrows()), (90, 30, 30));
    for y in [&a.y_val, &a.y_test] {
        let per_class: Vec<f32> = (0..3).map(|k| y.column(k).sum()).collect();
        assert_eq!(per_class, vec![10.0, 10.0, 10.0], "stratified");
    }
    // Standardisation is fitted on the training rows only.
    for col in a.x_train.columns() {
        let mean = col.mean().unwrap();
        assert!(mean.abs() < 1e-5, "{mean}");
    }
    let c = data::prepare(&ds, &prep, 8).unwrap();
    assert_ne!(a.x_train, c.x_train);
}

#[test]
fn the_crossed_set_is_its_formula_plus_noise_on_the_plane() {
    let spec =
        SyntheticSpec { kind: SyntheticKind::Crosses, rows: 2000, noise: 0.5, ..SyntheticSpec::default() };
    let ds = spec.generate();
    let TargetValues::Numeric(y) = &ds.target else { panic!("a regression") };
    assert!(ds.features.iter().all(|v| (-5.0..=5.0).contains(v)));
    // What is left after the formula is the noise: mean 0, standard deviation 0.5.
    let rest: Vec<f64> = (0..ds.rows())
        .map(|r| {
            let (a, b) = (ds.features[[r, 0]] as f64, ds.features[[r, 1]] as f64);
            y[r] - (0.25 * a * b - 2.0 * b.sin())
        })
        .collect();
    let mean = rest.iter().sum::<f64>() / rest.len() as f64;
    let sd = (rest.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / rest.len() as f64).sqrt();
    assert!(mean.abs() < 0.04 && (sd - 0.5).abs() < 0.03, "mean {mean}, sd {sd}");
    assert_eq!(ds.target_terms.as_deref(), Some(&["x1·x2".to_string(), "sin(x2)".to_string()][..]));
    assert!(ds.notes[0].contains("y = 0.25·x1·x2 − 2·sin(x2) + 0.5·ε"), "{:?}", ds.notes);
}

#[test]
fn crosses_are_made_from_raw_values_then_standardised_on_the_training_rows() {
    let spec =
        SyntheticSpec { kind: SyntheticKind::Crosses, rows: 400, extra: 1, ..SyntheticSpec::default() };
    let ds = spec.generate();
    let plain = Preparation { validation: 0.25, ..Preparation::default() };
    let crossed = Preparation { expand: vec![Cross::Sin, Cross::Product, Cross::Square], ..plain.clone() };
    let base = data::prepare(&ds, &plain, 3).unwrap();
    let p = data::prepare(&ds, &crossed, 3).unwrap();
    assert_eq!(
        p.feature_names,
        [
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
            "sin(noise1)"
        ]
    );
    // The same split and the same features; the terms come after them.
    assert_eq!(p.x_train.slice(ndarray::s![.., ..3]), base.x_train);
    assert_eq!(p.x_val.slice(ndarray::s![.., ..3]), base.x_val);
    assert_eq!((p.train_rows(), p.val_rows(), p.inputs()), (300, 100, 12));
    // Every input standardised with the training rows' statistics.
    for (k, col) in p.x_train.columns().into_iter().enumerate() {
        let mean = col.mean().unwrap();
        let sd = col.std(0.0);
        assert!(mean.abs() < 1e-4 && (sd - 1.0).abs() < 1e-4, "{}: mean {mean}, sd {sd}", p.feature_names[k]);
    }
    // Undone, each term is the term of the raw values (not of standardised ones).
    let (bs, ps) = (base.scaler.as_ref().unwrap(), p.scaler.as_ref().unwrap());
    let raw = |x: &ndarray::Array2<f32>, s: &data::Scaler, r: usize, k: usize| {
        x[[r, k]] as f64 * s.std[k] as f64 + s.mean[k] as f64
    };
    for (x, bx) in [(&p.x_train, &base.x_train), (&p.x_val, &base.x_val)] {
        for r in 0..x.nrows() {
            let (a, b) = (raw(bx, bs, r, 0), raw(bx, bs, r, 1));
            for (k, want) in [(3, a * a), (4, b * b), (6, a * b), (9, a.sin()), (10, b.sin())] {
                let got = raw(x, ps, r, k);
                assert!(
                    (got - want).abs() < 1e-4 * (1.0 + want.abs()),
                    "row {r}, {}: {got} vs {want}",
                    p.feature_names[k]
                );
            }
        }
    }
    // The target's two terms are the informative inputs; the rest is shaded as noise.
    let marked: Vec<&str> = p
        .feature_names
        .iter()
        .zip(p.informative.as_ref().unwrap())
        .filter(|(_, i)| **i)
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(marked, ["x1·x2", "sin(x2)"]);
    assert_eq!(p.expansion.as_ref().map(|e| e.inputs()), Some(12));
    // Unscaled, a term is exactly the float32 of the raw term.
    let off = data::prepare(&ds, &Preparation { standardize: false, ..crossed }, 3).unwrap();
    for row in off.x_train.rows() {
        assert_eq!(row[6], (row[0] as f64 * row[1] as f64) as f32);
        assert_eq!(row[10], (row[1] as f64).sin() as f32);
    }
}

#[test]
fn the_playground_sets_know_the_terms_of_their_class() {
    let marked = |kind: SyntheticKind, expand: Vec<Cross>| -> Vec<String> {
        let ds = SyntheticSpec { kind, extra: 1, ..SyntheticSpec::default() }.generate();
        let p = data::prepare(&ds, &Preparation { expand, ..Preparation::default() }, 1).unwrap();
        let inf = p.informative.unwrap();
        p.feature_names.into_iter().zip(inf).filter(|(_, i)| *i).map(|(n, _)| n).collect()
    };
    assert_eq!(marked(SyntheticKind::Circle, Cross::ALL.to_vec()), ["x1²", "x2²"]);
    assert_eq!(marked(SyntheticKind::Xor, vec![Cross::Product]), ["x1·x2"]);
    assert_eq!(marked(SyntheticKind::Gaussian, Cross::ALL.to_vec()), ["x1", "x2"]);
    // Without their terms among the inputs, the features are marked as before.
    assert_eq!(marked(SyntheticKind::Circle, vec![]), ["x1", "x2"]);
    assert_eq!(marked(SyntheticKind::Circle, vec![Cross::Sin]), ["x1", "x2", "sin(x1)", "sin(x2)"]);
    // Spirals and moons name no terms: a term is signal when made of signal.
    assert_eq!(marked(SyntheticKind::Spiral, vec![Cross::Product]), ["x1", "x2", "x1·x2"]);
}

#[test]
fn crosses_of_a_file_skip_twins_and_of_too_many_features_are_refused() {
    // A one-hot text column and a number: the levels' squares, sines and
    // product would only repeat columns.
    let text = "colour,size,y\nred,1.5,1\nblue,2.5,0\nred,-1,1\ngreen,0.5,0\n";
    let ds = data::load_bytes("shapes.csv", text.as_bytes(), &ColumnRoles::default()).unwrap();
    let prep =
        Preparation { expand: vec![Cross::Square, Cross::Product, Cross::Sin], ..Preparation::default() };
    let p = data::prepare(&ds, &prep, 1).unwrap();
    assert_eq!(
        p.feature_names,
        [
            "colour=red",
            "colour=blue",
            "colour=green",
            "size",
            "size²",
            "(colour=red)·size",
            "(colour=blue)·size",
            "(colour=green)·size",
            "sin(size)"
        ]
    );
    let left_out = &p.expansion.as_ref().unwrap().left_out;
    assert_eq!(left_out.len(), 2, "{left_out:?}");
    assert!(left_out[1].starts_with("(colour=red)·(colour=blue), (colour=red)·(colour=green), (colour=blue)·(colour=green): the same in every row"), "{left_out:?}");
    // 200 features make 20 100 products: refused before anything is made.
    let wide = SyntheticSpec {
        kind: SyntheticKind::Irrelevant,
        rows: 50,
        features: 200,
        ..SyntheticSpec::default()
    };
    let e = data::prepare(
        &wide.generate(),
        &Preparation { expand: vec![Cross::Product], ..Preparation::default() },
        1,
    )
    .unwrap_err();
    assert!(matches!(e, DataError::TooManyTerms { columns: 20_100, .. }), "{e}");
}

#[test]
fn an_experiment_names_its_crosses_and_a_plain_one_stays_as_it_was() {
    use reglab::experiment::Experiment;
    let exp =
        Experiment::from_toml("[data]\nbuiltin = \"iris\"\nexpand = [\"square\", \"products\", \"sin\"]\n")
            .unwrap();
    assert_eq!(exp.data.expand, [Cross::Square, Cross::Product, Cross::Sin]);
    assert_eq!(exp.data.preparation().expand, exp.data.expand);
    assert!(
        exp.to_toml().unwrap().contains("expand = [\n    \"square\",\n    \"product\",\n    \"sin\",\n]")
    );
    let plain = Experiment::from_toml("[data]\nbuiltin = \"iris\"\n").unwrap();
    assert!(plain.data.expand.is_empty());
    assert!(!plain.to_toml().unwrap().contains("expand"));
    let bad = Experiment::from_toml("[data]\nexpand = [\"cube\"]\n").unwrap_err().to_string();
    assert!(bad.contains("cube") && bad.contains("square"), "{bad}");
}

#[test]
fn sources_parse_from_the_command_line_form() {
    let mut spec = reglab::experiment::DataSpec::default();
    spec.set_source("synthetic:spiral,rows=200,noise=0.3,extra=4").unwrap();
    let s = spec.synthetic.clone().unwrap();
    assert_eq!((s.kind, s.rows, s.noise, s.extra), (SyntheticKind::Spiral, 200, 0.3, 4));
    assert_eq!(shape(&spec.load(None).unwrap()), (200, 6));
    spec.set_source("builtin:wine").unwrap();
    assert_eq!(spec.builtin, Some(Builtin::Wine));
    spec.set_source("iris").unwrap();
    assert_eq!(spec.builtin, Some(Builtin::Iris));
    assert!(
        spec.set_source("synthetic:donut")
            .unwrap_err()
            .to_string()
            .contains("unknown generated dataset 'donut'")
    );
    assert!(spec.set_source("synthetic:xor,rows=ten").unwrap_err().to_string().contains("'ten'"));
    assert!(spec.set_source("builtin:mnist").unwrap_err().to_string().contains("unknown built-in dataset"));
}

fn roles() -> ColumnRoles {
    ColumnRoles::default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for name in ["x.csv", "x.libsvm", "x.arff", "x.dat"] {
            let _ = data::load_bytes(name, &bytes, &roles());
        }
    }

    #[test]
    fn csv_like_text_never_panics(
        rows in proptest::collection::vec(
            proptest::collection::vec("[-+0-9.eE]{0,4}|NA|\\?|[a-c]{1,2}|\"[a-z,]{0,3}\"|inf", 0..6),
            0..12,
        ),
        delimiter in prop::sample::select(vec![",", ";", "\t", "|"]),
        header in any::<bool>(),
    ) {
        let mut text = String::new();
        if header {
            text += &["a", "b", "c", "y"].join(delimiter);
            text.push('\n');
        }
        for r in &rows {
            text += &r.join(delimiter);
            text.push('\n');
        }
        if let Ok(ds) = data::load_bytes("p.csv", text.as_bytes(), &roles()) {
            // What loads is consistent.
            prop_assert_eq!(ds.feature_names.len(), ds.feature_count());
            let n = match &ds.target { TargetValues::Numeric(v) => v.len(), TargetValues::Labels { codes, .. } => codes.len() };
            prop_assert_eq!(n, ds.rows());
        }
    }

    #[test]
    fn libsvm_like_text_never_panics(
        lines in proptest::collection::vec(
            ("[-+]?[0-9]{1,2}", proptest::collection::vec(("[0-9]{1,6}", "[-0-9.e]{1,4}"), 0..5)),
            0..10,
        ),
    ) {
        let text: String = lines
            .iter()
            .map(|(label, pairs)| {
                let p: Vec<String> = pairs.iter().map(|(i, v)| format!("{i}:{v}")).collect();
                format!("{label} {}\n", p.join(" "))
            })
            .collect();
        if let Ok(ds) = data::load_bytes("p.libsvm", text.as_bytes(), &roles()) {
            prop_assert!(ds.feature_count() <= data::MAX_COLUMNS);
        }
    }

    #[test]
    fn arff_like_text_never_panics(
        attrs in proptest::collection::vec(prop::sample::select(vec!["numeric", "{a,b}", "string", "real", "{'x y',z}"]), 1..4),
        rows in proptest::collection::vec(proptest::collection::vec("[0-9]{1,2}|a|b|z|'x y'|\\?|\\{0 1\\}", 0..5), 0..6),
    ) {
        let mut text = String::from("@relation r\n");
        for (i, a) in attrs.iter().enumerate() {
            text += &format!("@attribute c{i} {a}\n");
        }
        text += "@data\n";
        for r in &rows {
            text += &r.join(",");
            text.push('\n');
        }
        let _ = data::load_bytes("p.arff", text.as_bytes(), &roles());
    }
}

/// A loader thread that is cancelled stops, and what it leaves behind is an
/// error, never a half-read dataset.
#[test]
fn progress_is_shared_with_a_loading_thread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.csv");
    let text: String = std::iter::once("a,b,y\n".to_string())
        .chain((0..50_000).map(|i| format!("{i},{},{}\n", i % 7, i % 3)))
        .collect();
    std::fs::write(&path, text).unwrap();
    let progress = std::sync::Arc::new(LoadProgress::new());
    let seen_progress = AtomicBool::new(false);
    std::thread::scope(|s| {
        let p = progress.clone();
        let handle = s.spawn(move || data::load_file(&path, &ColumnRoles::default(), Some(&p)));
        while !handle.is_finished() {
            if progress.fraction().is_some() {
                seen_progress.store(true, Ordering::Relaxed);
            }
            std::thread::yield_now();
        }
        let ds = handle.join().unwrap().unwrap();
        assert_eq!(ds.rows(), 50_000);
    });
    assert_eq!(progress.fraction(), Some(1.0));
}

/// The files of `tests/data/formats/` (written by `make_formats.py` there),
/// each read as `expected.json` says: a table with its rows, features,
/// target and first row, or an error with the words that say what the file
/// is and what to do. No message shows raw bytes.
#[test]
fn files_from_other_tools_load_or_say_what_they_are() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let cases = expected.as_object().unwrap();
    assert!(cases.len() >= 25, "{} files", cases.len());
    for (name, want) in cases {
        let result = reglab::data::load_file(&dir.join(name), &reglab::data::ColumnRoles::default(), None)
            .and_then(|ds| {
                let prepared = reglab::data::prepare(
                    &ds,
                    &reglab::data::Preparation { validation: 0.0, standardize: false, ..Default::default() },
                    1,
                )?;
                Ok((ds, prepared))
            });
        match want.get("error") {
            Some(needles) => {
                let msg = match result {
                    Ok(_) => panic!("{name}: loaded, expected an error"),
                    Err(e) => e.to_string(),
                };
                for n in needles.as_array().unwrap() {
                    let n = n.as_str().unwrap();
                    assert!(msg.contains(n), "{name}: expected '{n}' in: {msg}");
                }
                assert!(
                    !msg.chars().any(|c| c.is_control() && c != '\n'),
                    "{name}: the message shows raw bytes: {msg:?}"
                );
            }
            None => {
                let (ds, prepared) = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(ds.target_name, want["target"].as_str().unwrap(), "{name}: target");
                assert_eq!(prepared.train_rows(), want["rows"].as_u64().unwrap() as usize, "{name}: rows");
                assert_eq!(
                    ds.feature_count(),
                    want["features"].as_u64().unwrap() as usize,
                    "{name}: features"
                );
                let first: Vec<f64> =
                    want["first"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
                let got: Vec<f64> =
                    prepared.x_train.row(0).iter().take(first.len()).map(|v| *v as f64).collect();
                for (k, (a, b)) in got.iter().zip(&first).enumerate() {
                    assert!((a - b).abs() < 1e-5, "{name}: first row, feature {k}: {a} vs {b} ({got:?})");
                }
            }
        }
    }
}

/// The files of `tests/data/workshop/`, written by the tools workshop
/// participants use (Orange's `Table.save`, pandas' `to_csv` as R writes
/// CSV; `make_workshop.py` there, which records the versions), each read
/// with the rows, target, task, classes and column roles that the tool
/// itself reads back from it.
#[test]
fn workshop_files_load_as_their_tools_read_them() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/workshop");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let cases = expected.as_object().unwrap();
    assert!(cases.len() >= 14, "{} files", cases.len());
    for (name, want) in cases.iter().filter(|(n, _)| !n.starts_with('_')) {
        let result = data::load_file(&dir.join(name), &ColumnRoles::default(), None);
        if let Some(needles) = want.get("error") {
            let msg = result.map(|_| ()).unwrap_err().to_string();
            for n in needles.as_array().unwrap() {
                assert!(msg.contains(n.as_str().unwrap()), "{name}: expected {n} in: {msg}");
            }
            continue;
        }
        let ds = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ds.rows(), want["rows"].as_u64().unwrap() as usize, "{name}: rows");
        assert_eq!(ds.target_name, want["target"].as_str().unwrap(), "{name}: target");
        let task = ds.infer_task();
        match want["task"].as_str().unwrap() {
            "regression" => assert_eq!(task, TaskKind::Regression, "{name}"),
            _ => assert_ne!(task, TaskKind::Regression, "{name}"),
        }
        let classes: Vec<String> =
            want["classes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
        if !classes.is_empty() {
            let mut got = labels(&ds);
            let mut wanted = classes.clone();
            if want["class_order"] != true {
                got.sort();
                wanted.sort();
            }
            assert_eq!(got, wanted, "{name}: classes");
        }
        for (column, role) in want["roles"].as_object().unwrap() {
            let info = ds
                .columns
                .iter()
                .find(|c| c.name == *column)
                .unwrap_or_else(|| panic!("{name}: no '{column}'"));
            assert_eq!(info.role.name(), role.as_str().unwrap(), "{name}: the role of '{column}'");
        }
        assert_eq!(ds.columns.len(), want["roles"].as_object().unwrap().len(), "{name}: columns");
        let label_column = ds.row_labels.as_ref().map(|l| l.column.as_str());
        assert_eq!(label_column, want["labels"].as_str(), "{name}: the rows' labels");
        if let Some(l) = &ds.row_labels {
            assert_eq!(l.labels.len(), ds.rows(), "{name}: a label per row");
        }
        for note in want["notes"].as_array().unwrap() {
            let note = note.as_str().unwrap();
            assert!(
                ds.notes.iter().any(|n| n.contains(note)),
                "{name}: no note with '{note}': {:?}",
                ds.notes
            );
            assert!(ds.format.as_deref().unwrap_or("").contains(note), "{name}: {:?}", ds.format);
        }
    }
}

fn parse(text: &str, roles: &ColumnRoles) -> Result<Dataset, DataError> {
    data::parse_csv("t.csv", text.as_bytes(), roles)
}

#[test]
fn a_class_called_none_is_a_class_unless_named_missing() {
    let text = "x,y\n1,none\n2,None\n3,mild\n4,NA\n5,null\n6,none\n";
    let ds = parse(text, &roles()).unwrap();
    assert_eq!(labels(&ds), ["none", "None", "mild", "null"]);
    assert_eq!(ds.rows(), 5, "only NA is missing in a text column");
    let na = ColumnRoles { na: vec!["none".into()], ..ColumnRoles::default() };
    let ds = parse(text, &na).unwrap();
    assert_eq!(labels(&ds), ["mild", "null"], "the words named are missing, in any case");
    // A numeric column keeps its rules: None, null and - are missing there.
    let ds = parse("x,y\n1,0\nNone,1\n-,0\n4,1\nnull,0\n", &roles()).unwrap();
    assert_eq!(ds.columns[0].kind, Some(ColumnKind::Numeric));
    assert_eq!(ds.columns[0].missing, 3);
}

#[test]
fn an_identifier_is_set_aside_and_can_be_made_a_feature() {
    let text: String = std::iter::once("name,legs,y\n".to_string())
        .chain((0..20).map(|i| format!("animal {i},{},{}\n", i % 5, i % 2)))
        .collect();
    let ds = parse(&text, &roles()).unwrap();
    assert_eq!(ds.feature_names, ["legs"]);
    let l = ds.row_labels.as_ref().unwrap();
    assert_eq!((l.column.as_str(), l.labels[3].as_str()), ("name", "animal 3"));
    assert!(ds.notes.iter().any(|n| n.contains("'name'") && n.contains("identifier")), "{:?}", ds.notes);
    let as_feature = ColumnRoles { features: vec!["name".into()], ..ColumnRoles::default() };
    let ds = parse(&text, &as_feature).unwrap();
    assert_eq!(ds.feature_count(), 21, "twenty one-hot columns and legs");
    assert!(ds.row_labels.is_none());
    // Hundreds of names: never a refusal.
    let many: String = std::iter::once("patient,dose,y\n".to_string())
        .chain((0..5000).map(|i| format!("P{i},{},{}\n", i % 7, i % 2)))
        .collect();
    let ds = parse(&many, &roles()).unwrap();
    assert_eq!((ds.rows(), ds.feature_count()), (5000, 1));
}

#[test]
fn pasted_cells_load_like_a_file() {
    let ds =
        data::load_pasted("sepal\tpetal\tkind\r\n5.1\t1.4\tsetosa\r\n7.0\t4.7\tversicolor\r\n", &roles())
            .unwrap();
    assert_eq!((ds.name.as_str(), ds.rows(), ds.feature_count()), (data::PASTED, 2, 2));
    assert!(
        ds.format.as_deref().unwrap().starts_with("pasted cells, fields separated by tabs"),
        "{:?}",
        ds.format
    );
    let err = data::load_pasted("a\tb\ty\n1\t2\t0\n3\tfour\t1\n5\t6\t0\n", &roles()).unwrap_err().to_string();
    assert!(err.starts_with("pasted: line 3, column 2 ('b')"), "{err}");
    let orange = "x\ty\nc\td\n\tclass\n1\ta\n2\tb\n";
    let ds = data::load_pasted(orange, &roles()).unwrap();
    assert_eq!(ds.rows(), 2, "Orange's header rows are never data");
}

#[test]
fn long_values_are_quoted_short() {
    let long = "z".repeat(1 << 20);
    let text = format!("a,y\n1,0\n2,1\n{long},0\n4,1\n5,0\n");
    let err = parse(&text, &roles()).unwrap_err().to_string();
    assert!(err.len() < 300, "{} bytes of message", err.len());
    assert!(err.contains(&format!("({} characters in all)", 1 << 20)), "{err}");
}

#[test]
fn zeros_are_binary_data() {
    let err = data::load_file(std::path::Path::new("/dev/zero"), &roles(), None).unwrap_err().to_string();
    assert!(err.contains("binary data"), "{err}");
}

/// A one-line file of 300,000 columns loads in work proportional to its
/// size (name checks and roles went through every earlier column once,
/// which took minutes at this size); reported, not timed.
#[test]
fn a_one_line_file_of_many_columns_loads() {
    let n = 300_000;
    let mut text: String = (0..n).map(|i| format!("x{i},")).collect();
    text.push_str("y\n");
    let err = parse(&text, &roles()).unwrap_err();
    assert!(matches!(err, DataError::NoRows { .. }), "{err}");
    text.extend((0..n).map(|i| format!("{},", i % 10)));
    text.push_str("1\n");
    let start = std::time::Instant::now();
    let ds = parse(&text, &roles()).unwrap();
    eprintln!("{n} columns: loaded in {:?}", start.elapsed());
    assert_eq!(ds.feature_count(), n);
}

/// Cancelling returns within about a second: while a FIFO has no writer
/// (opening it would block), and while rows of 100,000 columns are parsed.
#[test]
fn cancel_is_prompt_on_a_fifo_and_a_wide_file() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.csv");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let wide = dir.path().join("wide.csv");
    let mut text: String = (0..100_000).map(|i| format!("c{i},")).collect();
    text.push_str("y\n");
    let row: String = (0..100_000).map(|i| format!("{},", i % 9)).collect::<String>() + "1\n";
    for _ in 0..60 {
        text.push_str(&row);
    }
    std::fs::write(&wide, text).unwrap();
    for path in [fifo, wide] {
        let progress = LoadProgress::new();
        std::thread::scope(|s| {
            let handle = s.spawn(|| data::load_file(&path, &roles(), Some(&progress)));
            std::thread::sleep(std::time::Duration::from_millis(30));
            let cancelled_at = std::time::Instant::now();
            progress.cancel();
            while !handle.is_finished() {
                assert!(
                    cancelled_at.elapsed().as_secs_f64() < 5.0,
                    "{}: cancel not effective",
                    path.display()
                );
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            eprintln!("{}: returned {:?} after the cancel", path.display(), cancelled_at.elapsed());
            let result = handle.join().unwrap();
            let fifo = path.ends_with("pipe.csv");
            assert!(
                matches!(result, Err(DataError::Cancelled { .. })) || (!fifo && result.is_ok()),
                "{:?}",
                result.err()
            );
        });
    }
}

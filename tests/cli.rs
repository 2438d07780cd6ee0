//! `reglab train` and `reglab data` as a user runs them: known optima,
//! reproducibility, divergence, and clear errors with the right exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn reglab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reglab")).args(args).output().expect("the reglab binary runs")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn no_panic(o: &Output) {
    let e = stderr(o);
    assert!(!e.contains("panicked"), "reglab panicked: {e}");
}

/// Trains a linear model on a fixture the way the issue describes and
/// compares its weights with the reference minimiser.
fn converges_to_reference(name: &str, reg: &str) {
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture(&format!("{name}.json"))).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let weights = dir.path().join("w.json");
    let lambda = reference["lam"].as_f64().unwrap().to_string();
    let out = reglab(&[
        "train",
        "-q",
        "--data",
        fixture(&format!("{name}.csv")).to_str().unwrap(),
        "--hidden",
        "none",
        "--task",
        reference["task"].as_str().unwrap(),
        "--reg",
        reg,
        "--l1-rule",
        "proximal",
        "--lambda",
        &lambda,
        "--lambda-scale",
        "dataset",
        "--batch",
        "full",
        "--standardize",
        "off",
        "--weights",
        weights.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Value = serde_json::from_str(&std::fs::read_to_string(&weights).unwrap()).unwrap();
    assert_eq!(got["standardized"], false);
    let layer = &got["runs"][0]["layers"][0];
    let coef: Vec<f64> =
        layer["weights"].as_array().unwrap().iter().map(|r| r[0].as_f64().unwrap()).collect();
    let want: Vec<f64> = reference["coef"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    let largest = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for (j, (g, w)) in coef.iter().zip(&want).enumerate() {
        assert!((g - w).abs() <= 1e-3 * largest, "{name}: coefficient {j}: {g} vs reference {w}");
        if reference["zero"][j].as_bool().unwrap() {
            assert_eq!(*g, 0.0, "{name}: coefficient {j} must be exactly 0");
        } else {
            assert_ne!(*g, 0.0, "{name}: coefficient {j} must not be 0");
        }
    }
    let b = layer["bias"][0].as_f64().unwrap();
    let want_b = reference["intercept"].as_f64().unwrap();
    assert!((b - want_b).abs() <= 1e-3 * largest.max(want_b.abs()), "{name}: intercept {b} vs {want_b}");
}

#[test]
fn linear_l2_converges_to_closed_form_ridge() {
    converges_to_reference("ridge", "l2");
}

#[test]
fn linear_proximal_l1_converges_to_the_lasso_with_the_same_zeros() {
    converges_to_reference("lasso", "l1");
}

#[test]
fn logistic_proximal_l1_converges_to_l1_logistic_regression() {
    converges_to_reference("logistic", "l1");
}

fn train_files(dir: &Path, extra: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let (m, w) = (dir.join("m.csv"), dir.join("w.json"));
    let data = fixture("logistic.csv");
    let mut args = vec!["train", "-q", "--data", data.to_str().unwrap(), "--hidden", "8,4"];
    args.extend(["--reg", "none,l1,l2,elastic-net", "--lambda", "0.01", "--dropout", "0.8"]);
    args.extend(["--epochs", "15", "--batch", "16", "--val", "0.25"]);
    args.extend(["--metrics", m.to_str().unwrap(), "--weights", w.to_str().unwrap()]);
    args.extend_from_slice(extra);
    let out = reglab(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    (std::fs::read(m).unwrap(), std::fs::read(w).unwrap())
}

/// Writes an experiment file whose `[data]` section starts with `path = fixture`.
fn write_config(dir: &Path, fixture_name: &str, rest_of_data_and_more: &str) -> PathBuf {
    let config = dir.join("exp.toml");
    let text = format!("[data]\npath = {:?}\n{rest_of_data_and_more}", fixture(fixture_name));
    std::fs::write(&config, text).unwrap();
    config
}

#[test]
fn same_seed_and_config_give_bit_identical_metrics_and_weights() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = train_files(a.path(), &["--threads", "2"]);
    let second = train_files(b.path(), &["--threads", "1"]);
    assert_eq!(first.0, second.0, "metrics differ between identical runs");
    assert_eq!(first.1, second.1, "weights differ between identical runs");
    let csv = String::from_utf8(first.0).unwrap();
    assert_eq!(csv.lines().count(), 1 + 4 * 16, "one row per run and epoch (0 to 15) plus a header");
    assert!(csv.lines().next().unwrap().starts_with("run,epoch,train_error,val_error,penalty,total"));
    // A different seed gives different weights: the comparison can fail.
    let c = tempfile::tempdir().unwrap();
    assert_ne!(train_files(c.path(), &["--seed", "2"]).1, first.1);
}

#[test]
fn a_config_file_defines_runs_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        "logistic.csv",
        "task = \"binary\"\n[network]\nhidden = [4]\n[training]\nepochs = 3\nbatch = 20\n\
         [[runs]]\nname = \"plain\"\n[[runs]]\nname = \"sparse\"\nreg = \"l1\"\nlambda = 0.01\nl1_rule = \"proximal\"\n",
    );
    let m = dir.path().join("m.csv");
    let out = reglab(&[
        "train",
        "-q",
        "--config",
        config.to_str().unwrap(),
        "--epochs",
        "5",
        "--metrics",
        m.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = std::fs::read_to_string(m).unwrap();
    assert_eq!(csv.lines().filter(|l| l.starts_with("plain,")).count(), 6, "--epochs overrides the file");
    assert_eq!(csv.lines().filter(|l| l.starts_with("sparse,")).count(), 6);
}

#[test]
fn a_diverging_run_is_marked_while_the_others_finish() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        "ridge.csv",
        "task = \"regression\"\nstandardize = false\n[network]\nhidden = [8]\nactivation = \"identity\"\n\
         [training]\nepochs = 30\nbatch = 10\nlr = 0.01\n[[runs]]\nname = \"calm\"\n[[runs]]\nname = \"wild\"\nlr = 1e6\n",
    );
    let w = dir.path().join("w.json");
    let out =
        reglab(&["train", "-q", "--config", config.to_str().unwrap(), "--weights", w.to_str().unwrap()]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "a diverged run is a failure of the work");
    assert!(stderr(&out).contains("wild: diverged at epoch"), "{}", stderr(&out));
    let got: Value = serde_json::from_str(&std::fs::read_to_string(w).unwrap()).unwrap();
    assert_eq!(got["runs"][0]["status"]["state"], "done");
    assert_eq!(got["runs"][0]["epochs"], 30);
    assert_eq!(got["runs"][1]["status"]["state"], "diverged");
}

#[test]
fn a_network_too_large_for_memory_is_a_usage_error_before_anything_is_allocated() {
    let out = reglab(&["train", "-q", "--data", "iris", "--hidden", "100000,100000"]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(e.contains("4-100000-100000-3") && e.contains("10,000,700,000 weights"), "{e}");
    assert!(e.contains(" GB") && e.contains("more than"), "{e}");
}

#[test]
fn a_generated_set_too_large_for_memory_is_refused_before_it_is_made() {
    let out =
        reglab(&["train", "-q", "--data", "synthetic:irrelevant,rows=1000000,features=10000,extra=10000"]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("1000000 rows × 20000 features"), "{}", stderr(&out));
}

#[test]
fn an_exploding_run_is_diverged_not_done() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.json");
    let out = reglab(&["train", "-q", "--data", "iris", "--lr", "1e30", "--weights", w.to_str().unwrap()]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("diverged at epoch 1"), "{}", stderr(&out));
    let got: Value = serde_json::from_str(&std::fs::read_to_string(w).unwrap()).unwrap();
    assert_eq!(got["runs"][0]["status"]["state"], "diverged");
    // A run whose error only grows a little is not diverged: η = 5 on Iris trains to the end.
    let out = reglab(&["train", "-q", "--data", "iris", "--lr", "5", "--epochs", "30"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn nonsense_flags_and_values_are_usage_errors() {
    let data = fixture("ridge.csv");
    let d = data.to_str().unwrap();
    for (args, needle) in [
        (vec!["train", "--data", d, "--frobnicate"], "--frobnicate"),
        (vec!["train", "--data", d, "--reg", "l3"], "l3"),
        (vec!["train", "--data", d, "--batch", "0"], "batch"),
        (vec!["train", "--data", d, "--hidden", "32,x"], "hidden"),
        (vec!["train", "--data", d, "--lambda", "-1"], "lambda"),
        (vec!["train", "--data", d, "--dropout", "1.5"], "dropout"),
        (vec!["train", "--data", d, "--standardize", "maybe"], "maybe"),
        (vec!["train"], "no data"),
    ] {
        let out = reglab(&args);
        no_panic(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: message should name '{needle}': {}", stderr(&out));
    }
}

#[test]
fn bad_data_fails_with_a_message_that_names_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let cases = [
        (write("empty.csv", ""), vec![], "empty"),
        (write("header.csv", "a,b,y\n"), vec![], "no data rows"),
        (write("ragged.csv", "a,b,y\n1,2,3\n4,5\n"), vec![], "line 3"),
        (write("text.csv", "a,b,y\n1,2,3\n4,oops,5\n"), vec![], "line 3, column 2 ('b')"),
        (write("nan.csv", "a,b,y\n1,inf,3\n"), vec![], "not finite"),
        (write("ok.csv", "a,b,y\n1,2,3\n4,5,6\n"), vec!["--target", "price"], "no column named 'price'"),
        (write("dup.csv", "a,a,y\n1,2,3\n"), vec![], "'a' appears twice (columns 1 and 2)"),
        ("/no/such/file.csv".to_string(), vec![], "cannot read"),
    ];
    for (path, extra, needle) in cases {
        let mut args = vec!["train", "--data", path.as_str()];
        args.extend(extra.iter().copied());
        let out = reglab(&args);
        no_panic(&out);
        assert_eq!(out.status.code(), Some(1), "{path}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{path}: expected '{needle}' in: {}", stderr(&out));
        let out = reglab(&["data", path.as_str()]);
        no_panic(&out);
        if extra.is_empty() {
            assert_ne!(out.status.code(), Some(0), "reglab data {path} must fail");
        }
    }
}

#[test]
fn data_describes_what_it_read() {
    let out = reglab(&["data", fixture("logistic.csv").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rows:     200"), "{text}");
    assert!(text.contains("task:     binary"), "{text}");
    assert!(text.contains("classes:  2"), "{text}");
    assert!(
        text.contains("format:   delimited text, fields separated by commas (from the file's extension)"),
        "{text}"
    );
    // The format is known from the content too, and a file that is no table says what it is.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats");
    let out = reglab(&["data", dir.join("ws_aligned.dat").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("format:   delimited text, fields separated by spaces (from the content)"),
        "{text}"
    );
    let out = reglab(&["data", dir.join("archive.zip").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("a ZIP archive"), "{}", stderr(&out));
    // Spreadsheets: the first sheet, or the one named.
    let out = reglab(&["data", dir.join("workbook.xlsx").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("format:   spreadsheet, sheet 'flowers' of 2") && text.contains("rows:     4"),
        "{text}"
    );
    let out = reglab(&["data", dir.join("workbook.xlsx").to_str().unwrap(), "--sheet", "numbers"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("sheet 'numbers'") && text.contains("rows:     2"), "{text}");
    let out = reglab(&["data", dir.join("workbook.xlsx").to_str().unwrap(), "--sheet", "nope"]);
    assert!(
        stderr(&out).contains("there is no sheet 'nope'; its sheets are flowers, numbers"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_sweep_follows_the_lasso_path_of_scikit_learn() {
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("lasso_path.json")).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out_csv = dir.path().join("path.csv");
    let out = reglab(&[
        "sweep",
        "-q",
        "--data",
        fixture("lasso.csv").to_str().unwrap(),
        "--hidden",
        "none",
        "--task",
        "regression",
        "--reg",
        "l1",
        "--l1-rule",
        "proximal",
        "--lambda-scale",
        "dataset",
        "--batch",
        "full",
        "--standardize",
        "off",
        "--lambda-max",
        "200",
        "--lambda-min-ratio",
        "0.01",
        "--lambdas",
        "5",
        "--out",
        out_csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&out_csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&header[..3], &["path", "lambda", "epochs"]);
    let w0 = header.iter().position(|h| *h == "w:x1").unwrap();
    let rows: Vec<Vec<f64>> =
        lines.map(|l| l.split(',').skip(1).map(|v| v.parse::<f64>().unwrap_or(f64::NAN)).collect()).collect();
    let lambdas = reference["lambdas"].as_array().unwrap();
    assert_eq!(rows.len(), lambdas.len());
    for (k, row) in rows.iter().enumerate() {
        let lambda = lambdas[k].as_f64().unwrap();
        assert!((row[0] - lambda).abs() < 1e-9 * lambda, "λ {} vs {lambda}", row[0]);
        let want: Vec<f64> =
            reference["coef"][k].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        let got = &row[w0 - 1..w0 - 1 + want.len()];
        let largest = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for (j, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!((g - w).abs() <= 1e-3 * largest, "λ {lambda}: coefficient {j}: {g} vs {w}");
            assert_eq!(*g == 0.0, *w == 0.0, "λ {lambda}: coefficient {j} is zero in one only ({g} vs {w})");
        }
    }
    // Fewer weights survive as λ grows: the non-zero count falls along the path.
    let nonzero: Vec<f64> = rows.iter().map(|r| r[6]).collect();
    assert!(nonzero.windows(2).all(|w| w[0] <= w[1]), "{nonzero:?}");
}

#[test]
fn repeats_write_every_seeds_rows_and_compare_the_runs_across_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let (all, one) = (dir.path().join("all.csv"), dir.path().join("one.csv"));
    let common =
        ["train", "--data", "iris", "--reg", "none,l2", "--lambda", "0.5", "--epochs", "20", "--val", "0.3"];
    let mut args = common.to_vec();
    args.extend(["--repeats", "3", "--seed", "7", "--metrics", all.to_str().unwrap()]);
    let out = reglab(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.contains("seed 7") && stdout.contains("seed 9"), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("l2 λ=0.5 below none in "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains(" of 3 seeds; mean difference ") && line.contains("spread"), "{line}");
    let csv = std::fs::read_to_string(&all).unwrap();
    assert!(csv.starts_with("seed,run,epoch,"));
    assert_eq!(csv.lines().count(), 1 + 3 * 2 * 21);
    // Seed 8's rows are what a single run with --seed 8 writes.
    let mut args = common.to_vec();
    args.extend(["-q", "--seed", "8", "--metrics", one.to_str().unwrap()]);
    assert!(reglab(&args).status.success());
    let single: Vec<String> =
        std::fs::read_to_string(&one).unwrap().lines().skip(1).map(String::from).collect();
    let eight: Vec<String> = csv.lines().filter_map(|l| l.strip_prefix("8,")).map(String::from).collect();
    assert_eq!(eight, single);
    // The mean and spread printed are those of the per-seed rows.
    let last = |seed: &str, run: &str| -> f64 {
        csv.lines()
            .filter(|l| l.starts_with(&format!("{seed},{run},20,")))
            .map(|l| l.split(',').nth(4).unwrap().parse::<f64>().unwrap())
            .next()
            .unwrap()
    };
    let d: Vec<f64> = ["7", "8", "9"].iter().map(|s| last(s, "l2 λ=0.5") - last(s, "none")).collect();
    let mean = d.iter().sum::<f64>() / 3.0;
    assert!(line.contains(&format!("mean difference {mean:+.4}")), "{line} vs {mean}");
}

#[test]
fn data_says_what_it_did_with_an_orange_table_and_a_name_column() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/workshop");
    let out = reglab(&["data", dir.join("houses.tab").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "format:   Orange table (names, types and flags rows), fields separated by tabs (recognised by its header rows)",
        "note:     Orange table: column 'price' is the class (continuous), the target of a regression",
        "note:     Orange table: column 'weights' holds row weights, which reglab does not use; set aside",
        "note:     Orange table: column 'listing' is meta, set aside",
        "task:     regression (as the file declares",
    ] {
        assert!(text.contains(needle), "expected '{needle}' in:\n{text}");
    }
    let out = reglab(&["data", dir.join("states_names.csv").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("note:     column 'state' holds a different text in almost every row"), "{text}");
    assert!(text.contains("[state]") && text.contains("[Alabama]"), "{text}");
    // --as-feature makes the names a feature after all.
    let out = reglab(&["data", dir.join("states_names.csv").to_str().unwrap(), "--as-feature", "state"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1  state   feature  text, 30 values") && !text.contains("[state]"), "{text}");
    // A class called "none" is a class; --na makes it missing.
    let out = reglab(&["data", dir.join("european.csv").to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("none: 14"), "{text}");
    let out = reglab(&["data", dir.join("european.csv").to_str().unwrap(), "--na", "none"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rows:     26") && !text.contains("none: 14"), "{text}");
}

#[test]
fn data_shows_the_inputs_crosses_make_and_how() {
    let out = reglab(&[
        "data",
        "synthetic:crosses,extra=1,noise=0.5",
        "--expand",
        "square,product,sin",
        "--head",
        "2",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "expand:   square, product, sin: 12 input column(s) from 3 feature(s)",
        "    4  x1²          x1 squared\n",
        "    7  x1·x2        x1 times x2  ← a term of the target\n",
        "   11  sin(x2)      the sine of x2 (its value taken as radians)  ← a term of the target\n",
        "signal:   the target is made of x1·x2, sin(x2); the other 10 input(s) carry no signal of their own",
        "  x1\tx2\tnoise1\tx1²\tx2²\tnoise1²\tx1·x2\tx1·noise1\tx2·noise1\tsin(x1)\tsin(x2)\tsin(noise1) | y\n",
    ] {
        assert!(text.contains(needle), "expected '{needle}' in:\n{text}");
    }
    // The first row's terms are those of its values.
    let row: Vec<f64> = text
        .lines()
        .skip_while(|l| !l.starts_with("first rows:"))
        .nth(2)
        .unwrap()
        .split(" | ")
        .next()
        .unwrap()
        .split('\t')
        .map(|v| v.trim().parse().unwrap())
        .collect();
    let (a, b) = (row[0], row[1]);
    for (k, want) in [(3, a * a), (6, a * b), (10, b.sin())] {
        assert!((row[k] - want).abs() < 1e-5 * (1.0 + want.abs()), "column {k}: {} vs {want}", row[k]);
    }
    // Without --expand, nothing about crosses.
    let out = reglab(&["data", "synthetic:crosses"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("expand:") && text.contains("  x1\tx2 | y\n"), "{text}");
}

#[test]
fn crosses_reach_the_weights_file_by_name_and_bad_ones_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.json");
    let out = reglab(&[
        "train",
        "-q",
        "--data",
        "synthetic:xor,rows=200",
        "--expand",
        "product",
        "--hidden",
        "none",
        "--epochs",
        "5",
        "--weights",
        w.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Value = serde_json::from_str(&std::fs::read_to_string(&w).unwrap()).unwrap();
    assert_eq!(got["features"], serde_json::json!(["x1", "x2", "x1·x2"]));
    assert_eq!(got["runs"][0]["layers"][0]["weights"].as_array().unwrap().len(), 3);
    for (args, needle) in [
        (
            vec!["train", "--data", "iris", "--expand", "cube"],
            "expected one of square, product, sin, found 'cube'",
        ),
        (
            vec!["train", "--data", "synthetic:irrelevant,rows=50,features=200", "--expand", "product"],
            "200 features make 20100 input columns",
        ),
        (
            vec!["data", "synthetic:irrelevant,rows=50,features=200", "--expand", "square,product"],
            "more than the 10000",
        ),
    ] {
        let out = reglab(&args);
        no_panic(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: expected '{needle}' in: {}", stderr(&out));
    }
    // `none` takes a file's crosses away.
    let config = dir.path().join("exp.toml");
    std::fs::write(&config, "[data]\nexpand = [\"square\"]\n[data.synthetic]\nkind = \"xor\"\nrows = 100\n")
        .unwrap();
    let out = reglab(&[
        "train",
        "-q",
        "--config",
        config.to_str().unwrap(),
        "--expand",
        "none",
        "--epochs",
        "2",
        "--weights",
        w.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Value = serde_json::from_str(&std::fs::read_to_string(&w).unwrap()).unwrap();
    assert_eq!(got["features"], serde_json::json!(["x1", "x2"]));
}

// ---------------------------------------------------------------------------
// Faults: a full disk, a path that cannot be written, signals, a closed
// output. The outputs are written whole or not at all, and nothing panics.

/// The metrics and weights of a short run on `dir/m.csv` and `dir/w.json`.
fn train_into(m: &Path, w: &Path, epochs: &str) -> Output {
    let data = fixture("ridge.csv");
    reglab(&[
        "train",
        "-q",
        "--data",
        data.to_str().unwrap(),
        "--epochs",
        epochs,
        "--metrics",
        m.to_str().unwrap(),
        "--weights",
        w.to_str().unwrap(),
    ])
}

/// Files an unfinished write would leave beside the outputs.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

/// A small file system of its own (tmpfs), unmounted when dropped; `None`
/// where mounting is not allowed (not root).
struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    fn mount(kb: usize) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kb}k"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk(dir))
    }
    fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.0.path()).status();
    }
}

/// Fills the file system of `dir` until only about `left` bytes are free.
fn fill(dir: &Path, left: usize) {
    use std::io::Write;
    let mut f = std::fs::File::create(dir.join("filler")).unwrap();
    let block = vec![0u8; 1024];
    while f.write_all(&block).and_then(|()| f.sync_all()).is_ok() {}
    drop(f);
    // Give back what is to stay free.
    let len = std::fs::metadata(dir.join("filler")).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(dir.join("filler")).unwrap();
    f.set_len(len.saturating_sub(left as u64)).unwrap();
}

#[test]
fn a_full_disk_keeps_the_complete_files_of_the_run_before() {
    let Some(disk) = SmallDisk::mount(256) else {
        eprintln!("skipped: mounting a small tmpfs is not allowed here (it needs root)");
        return;
    };
    let (m, w) = (disk.path().join("m.csv"), disk.path().join("w.json"));
    let out = train_into(&m, &w, "100");
    assert!(out.status.success(), "{}", stderr(&out));
    let (metrics, weights) = (std::fs::read(&m).unwrap(), std::fs::read(&w).unwrap());
    // Less room than the new metrics need, even with the old files' room.
    fill(disk.path(), 8 * 1024);
    let out = train_into(&m, &w, "400");
    no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(e.contains("No space left on device") && e.contains("left as it was"), "{e}");
    assert_eq!(std::fs::read(&m).unwrap(), metrics, "the complete metrics of the run before stay");
    assert_eq!(std::fs::read(&w).unwrap(), weights, "the complete weights of the run before stay");
    assert!(leftovers(disk.path()).is_empty(), "{:?}", leftovers(disk.path()));
}

#[test]
fn an_output_that_cannot_be_written_fails_before_training_and_touches_no_other_file() {
    let dir = tempfile::tempdir().unwrap();
    let (m, w) = (dir.path().join("m.csv"), dir.path().join("w.json"));
    assert!(train_into(&m, &w, "20").status.success());
    let metrics = std::fs::read(&m).unwrap();
    // Targets no one can write, as root too: a folder, a path under a file,
    // a file made read-only.
    let folder = dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let under_a_file = m.join("w.json");
    let read_only = dir.path().join("read-only.json");
    std::fs::write(&read_only, "{}").unwrap();
    let mut perms = std::fs::metadata(&read_only).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&read_only, perms).unwrap();
    for bad in [&folder, &under_a_file, &read_only] {
        let started = std::time::Instant::now();
        let out = train_into(&m, bad, "100000");
        no_panic(&out);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let e = stderr(&out);
        assert!(e.contains(&format!("{}: cannot write the weights", bad.display())), "{e}");
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "it failed before training");
        assert_eq!(std::fs::read(&m).unwrap(), metrics, "the metrics of the run before stay whole");
    }
    assert_eq!(std::fs::read(&read_only).unwrap(), b"{}");
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
}

/// A child process, killed if the test ends before it does.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `reglab train` on a set large enough to train for minutes, with its
/// outputs in `dir`; returns once it is training.
fn long_training(dir: &Path) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_reglab"))
        .args(["train", "-q", "--data", "synthetic:xor,rows=4000", "--epochs", "1000000", "--threads", "1"])
        .args(["--reg", "l1"])
        .arg("--metrics")
        .arg(dir.join("m.csv"))
        .arg("--weights")
        .arg(dir.join("w.json"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Child(child);
    // The temporary outputs appear once the signals are caught and the data
    // is ready; then a few epochs.
    let start = std::time::Instant::now();
    while leftovers(dir).len() < 2 {
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "reglab train did not start");
        assert!(child.0.try_wait().unwrap().is_none(), "reglab train ended early");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(1500));
    child
}

#[test]
fn sigint_and_sigterm_stop_at_the_end_of_an_epoch_and_write_complete_files() {
    use std::io::Read;
    for (signal, name, code) in [("INT", "SIGINT", 130), ("TERM", "SIGTERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        let (m, w) = (dir.path().join("m.csv"), dir.path().join("w.json"));
        assert!(train_into(&m, &w, "5").status.success());
        let mut child = long_training(dir.path());
        let killed = Command::new("kill").args(["-s", signal, &child.0.id().to_string()]).status().unwrap();
        assert!(killed.success());
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.0.try_wait().unwrap() {
                break status;
            }
            assert!(start.elapsed() < std::time::Duration::from_secs(60), "{name} did not stop reglab train");
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let mut e = String::new();
        child.0.stderr.take().unwrap().read_to_string(&mut e).unwrap();
        assert!(!e.contains("panicked"), "{e}");
        assert_eq!(status.code(), Some(code), "{name}: {e}");
        // "reglab: stopped by SIGINT at epoch 12 of 1000000; m.csv and w.json hold the epochs done"
        let said = e.split(&format!("stopped by {name} at epoch ")).nth(1).unwrap_or_else(|| panic!("{e}"));
        let epoch: usize = said.split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap();
        assert!(epoch > 0, "{e}");
        assert!(e.contains("hold the epochs done"), "{e}");
        let csv = std::fs::read_to_string(&m).unwrap();
        let columns = csv.lines().next().unwrap().split(',').count();
        assert!(csv.ends_with('\n'), "no row cut short");
        assert!(csv.lines().all(|l| l.split(',').count() == columns), "every row complete");
        let last: Vec<usize> =
            csv.lines().skip(1).filter_map(|l| l.split(',').nth(1)).map(|v| v.parse().unwrap()).collect();
        assert_eq!(last.iter().max(), Some(&epoch), "the rows go up to the epoch said");
        assert_eq!(csv.lines().count(), 1 + epoch + 1, "epochs 0 to {epoch}");
        let weights: Value = serde_json::from_str(&std::fs::read_to_string(&w).unwrap()).unwrap();
        assert_eq!(weights["runs"][0]["epochs"], epoch);
        assert_eq!(weights["runs"][0]["status"]["state"], "stopped");
        assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
    }
}

#[test]
fn a_reader_that_goes_away_ends_reglab_data_quietly() {
    use std::io::{BufRead, Write};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("big.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&data).unwrap());
    writeln!(f, "a,b,y").unwrap();
    for i in 0..100_000 {
        writeln!(f, "{},{},{}", i % 97, i % 13, i % 7).unwrap();
    }
    drop(f);
    // `reglab data big.csv --head 100000 | head -1`
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglab"))
        .args(["data", data.to_str().unwrap(), "--head", "100000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("source:"), "{first}");
    let out = child.wait_with_output().unwrap();
    no_panic(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "nothing to say: {}", stderr(&out));
}

#[test]
fn a_closed_standard_error_is_no_reason_to_panic() {
    // The error message has nowhere to go; the exit code still tells.
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglab"))
        .args(["train", "-q", "--data", "/no/such/file.csv"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(1), "exit 1, not a panic's 101");
}

#[test]
fn an_error_names_its_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = reglab(&["train", "-q", "--config", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert_eq!(e.matches("(os error").count(), 1, "{e}");
    assert!(e.contains("cannot read the experiment file"), "{e}");
}

#[test]
fn names_and_runs_are_bounded_and_numbers_shown_short() {
    let dir = tempfile::tempdir().unwrap();
    let long = "n".repeat(5000);
    let config = write_config(dir.path(), "ridge.csv", &format!("[[runs]]\nname = \"{long}\"\n"));
    let out = reglab(&["train", "-q", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(e.contains("has 5000 characters; at most 200") && e.len() < 400, "{e}");
    let config = dir.path().join("named.toml");
    let text = format!("name = \"{long}\"\n\n[data]\npath = {:?}\n", fixture("ridge.csv"));
    std::fs::write(&config, text).unwrap();
    let out = reglab(&["train", "-q", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("experiment name 'nnn"), "{}", stderr(&out));
    let runs: String = (0..33).map(|k| format!("[[runs]]\nname = \"r{k}\"\n")).collect();
    let config = write_config(dir.path(), "ridge.csv", &runs);
    let out = reglab(&["train", "-q", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("33 runs; at most 32"), "{}", stderr(&out));
    // λ = 1e308 named in a few characters.
    let w = dir.path().join("w.json");
    let data = fixture("ridge.csv");
    let out = reglab(&[
        "train",
        "-q",
        "--data",
        data.to_str().unwrap(),
        "--reg",
        "l2",
        "--lambda",
        "1e308",
        "--epochs",
        "2",
        "--weights",
        w.to_str().unwrap(),
    ]);
    no_panic(&out);
    let weights: Value = serde_json::from_str(&std::fs::read_to_string(&w).unwrap()).unwrap();
    assert_eq!(weights["runs"][0]["name"], "l2 λ=1e308");
}

#[test]
fn a_malformed_lesson_is_refused_before_any_window_opens() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("workshop.toml");
    std::fs::write(
        &file,
        "title = \"t\"\n[[steps]]\ntitle = \"a\"\npreset = 1\nactions = [{ at = \"end\", do = \"dance\" }]\n",
    )
    .unwrap();
    let out = reglab(&["lesson", file.to_str().unwrap()]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(
        e.contains("workshop.toml") && e.contains("line 5") && e.contains("unknown action 'dance'"),
        "{e}"
    );
}

//! `reglab data`: what reglab understood of a data file or set.

use super::args::DataArgs;
use anyhow::anyhow;

use super::{CliError, failure, usage};
use crate::data::{self, ColumnKind, Dataset, Expansion, TargetValues};

/// `reglab data FILE`.
pub fn describe_data(a: &DataArgs) -> Result<(), CliError> {
    let mut spec = crate::experiment::DataSpec::default();
    spec.set_source(&a.file).map_err(|e| usage(anyhow!("{e}")))?;
    a.columns.apply(&mut spec);
    let ds = spec.load(None).map_err(failure)?;
    let crosses = a.expand.as_ref().map_or(&[][..], |e| &e.0[..]);
    let expansion = (!crosses.is_empty())
        .then(|| Expansion::plan(&ds, crosses))
        .transpose()
        .map_err(super::args::crosses_error)?;
    crate::console::out::out(format_args!("{}", describe_dataset(&ds, expansion.as_ref(), a.head)))?;
    Ok(())
}

/// What reglab understood of a dataset, as text; with the inputs feature
/// crosses make of it when `expansion` is given.
pub fn describe_dataset(ds: &Dataset, expansion: Option<&Expansion>, head: usize) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let source = ds.source.as_ref().map_or_else(|| ds.name.clone(), |p| p.display().to_string());
    let _ = writeln!(o, "source:   {source}");
    if let Some(format) = &ds.format {
        let _ = writeln!(o, "format:   {format}");
    }
    let _ = writeln!(o, "rows:     {}", ds.rows());
    let _ = writeln!(
        o,
        "columns:  {} in the source; {} feature column(s) after encoding, target '{}'",
        ds.columns.len(),
        ds.feature_count(),
        ds.target_name
    );
    columns_text(ds, &mut o);
    for note in &ds.notes {
        let _ = writeln!(o, "note:     {note}");
    }
    if let Some(e) = expansion {
        expansion_text(e, &mut o);
    }
    let task = ds.infer_task();
    let how = if ds.task_hint.is_some() { "as the file declares" } else { "inferred" };
    let _ = writeln!(o, "task:     {task} ({how}; override with --task)");
    match ds.class_counts(task) {
        Some(counts) => {
            let parts: Vec<String> = counts.iter().map(|(l, c)| format!("{l}: {c}")).collect();
            let _ = writeln!(o, "classes:  {} ({})", counts.len(), parts.join(", "));
            if counts.len() < 2 {
                let _ =
                    writeln!(o, "          a classifier needs at least 2 classes: is this the right target?");
            }
        }
        None => {
            if let TargetValues::Numeric(v) = &ds.target {
                let (lo, hi) =
                    v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
                let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
                let _ = writeln!(o, "target:   numeric, from {lo} to {hi}, mean {mean:.4}");
            }
        }
    }
    let missing = ds.missing_values();
    let _ = writeln!(
        o,
        "missing:  {missing} feature value(s) in {} row(s){}",
        ds.rows_with_missing(),
        if missing > 0 {
            " (dropped by default; --missing fill-mean fills them with the training mean)"
        } else {
            ""
        }
    );
    if ds.dropped_rows > 0 {
        let _ = writeln!(o, "          {} row(s) left out because their target is missing", ds.dropped_rows);
    }
    let (names, informative) = match expansion {
        Some(e) => (&e.names, &e.informative),
        None => (&ds.feature_names, &ds.informative),
    };
    if let Some(inf) = informative {
        let noise: Vec<&str> = inf.iter().zip(names).filter(|(i, _)| !**i).map(|(_, n)| n.as_str()).collect();
        let signal: Vec<&str> = inf.iter().zip(names).filter(|(i, _)| **i).map(|(_, n)| n.as_str()).collect();
        if expansion.is_some_and(|e| e.marks_target_terms) {
            let _ = writeln!(
                o,
                "signal:   the target is made of {}; the other {} input(s) carry no signal of their own: {}",
                signal.join(", "),
                noise.len(),
                noise.join(", ")
            );
        } else if !noise.is_empty() {
            let what = if expansion.is_some() { "input(s)" } else { "feature(s)" };
            let _ = writeln!(
                o,
                "noise:    {} {what} known to carry no signal: {}",
                noise.len(),
                noise.join(", ")
            );
        }
    }
    first_rows_text(ds, expansion, names, head, &mut o);
    o
}

/// The first `head` rows as the network gets them (after any feature
/// crosses), at most 12 columns wide.
fn first_rows_text(
    ds: &Dataset,
    expansion: Option<&Expansion>,
    names: &[String],
    head: usize,
    o: &mut String,
) {
    use std::fmt::Write as _;
    let shown = head.min(ds.rows());
    if shown > 0 {
        let _ = writeln!(o, "first rows:");
        let x = match expansion {
            Some(e) => e.apply(&ds.features.slice(ndarray::s![..shown, ..]).to_owned()),
            None => ds.features.slice(ndarray::s![..shown, ..]).to_owned(),
        };
        let cols = x.ncols().min(12);
        let more = if x.ncols() > cols { "\t…" } else { "" };
        let names: Vec<&str> = names[..cols].iter().map(String::as_str).collect();
        let label = |r: Option<usize>| match (&ds.row_labels, r) {
            (None, _) => String::new(),
            (Some(l), None) => format!("[{}]\t", l.column),
            (Some(l), Some(r)) => format!("[{}]\t", data::clip(&l.labels[r])),
        };
        let _ = writeln!(o, "  {}{}{more} | {}", label(None), names.join("\t"), ds.target_name);
        for r in 0..shown {
            let row: Vec<String> = x.row(r).iter().take(cols).map(|v| format!("{v}")).collect();
            let _ = writeln!(o, "  {}{}{more} | {}", label(Some(r)), row.join("\t"), ds.target_text(r));
        }
    }
}

/// One line per column of the source: its role, kind, encoding and missing values.
fn columns_text(ds: &Dataset, o: &mut String) {
    use std::fmt::Write as _;
    let width = ds.columns.iter().map(|c| c.name.chars().count()).max().unwrap_or(4).clamp(4, 32);
    for (i, c) in ds.columns.iter().enumerate() {
        let kind = match &c.kind {
            None => "-".to_string(),
            Some(ColumnKind::Numeric) => "numeric".to_string(),
            Some(ColumnKind::Categorical { levels }) => {
                let shown: Vec<&str> = levels.iter().take(6).map(String::as_str).collect();
                let more = if levels.len() > 6 { ", …" } else { "" };
                format!("text, {} values ({}{more})", levels.len(), shown.join(", "))
            }
        };
        let missing = if c.missing > 0 { format!("  {} missing", c.missing) } else { String::new() };
        let one_hot = match (&c.kind, c.role) {
            (Some(ColumnKind::Categorical { levels }), data::Role::Feature) => {
                format!("  → {} one-hot columns", levels.len())
            }
            _ => String::new(),
        };
        let _ =
            writeln!(o, "  {:>3}  {:<width$}  {:<8} {kind}{one_hot}{missing}", i + 1, c.name, c.role.name());
    }
}

/// The inputs feature crosses make, one line each with how it is made,
/// and the terms left out.
fn expansion_text(e: &Expansion, o: &mut String) {
    use std::fmt::Write as _;
    let _ = writeln!(
        o,
        "expand:   {}: {} input column(s) from {} feature(s), made from their values as read; \
         standardised like any feature when trained",
        data::crosses_text(&e.crosses),
        e.inputs(),
        e.features.len()
    );
    let width = e.names.iter().map(|n| n.chars().count()).max().unwrap_or(4).clamp(4, 32);
    for (i, (term, name)) in e.terms.iter().zip(&e.names).enumerate() {
        let mark = match e.informative.as_ref().map(|inf| inf[i]) {
            Some(true) if e.marks_target_terms => "  ← a term of the target",
            Some(false) if !e.marks_target_terms => "  (noise)",
            _ => "",
        };
        let _ = writeln!(o, "  {:>3}  {name:<width$}  {}{mark}", i + 1, term.how(&e.features));
    }
    for l in &e.left_out {
        let _ = writeln!(o, "          {l}");
    }
}

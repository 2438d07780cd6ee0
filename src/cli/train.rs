//! `reglab train`: an experiment trained headless, with a progress bar,
//! the metrics CSV and the weights JSON.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::{Context, anyhow};

use super::args::{TrainArgs, experiment_from_args, load_data, session_with_seed};
use super::{CliError, failure, usage};
use crate::train::{Both, Event, MetricsLog, RunStatus, Session, weights_json};

pub(super) fn create(path: &Path) -> Result<BufWriter<File>, CliError> {
    File::create(path)
        .map(BufWriter::new)
        .with_context(|| format!("{}: cannot create the file", path.display()))
        .map_err(failure)
}

/// `reglab train`.
pub fn train(a: &TrainArgs) -> Result<(), CliError> {
    let exp = experiment_from_args(a)?;
    if a.repeats == 0 {
        return Err(usage(anyhow!("--repeats must be at least 1")));
    }
    let ds = load_data(&exp)?;
    let seeds: Vec<u64> = (0..a.repeats as u64).map(|k| exp.seed.wrapping_add(k)).collect();
    let first = session_with_seed(&exp, &ds, seeds[0])?;
    // Open the outputs first, so that a bad path fails before the training, not after.
    let mut metrics_out = a.metrics.as_deref().map(create).transpose()?;
    let mut weights_out = a.weights.as_deref().map(create).transpose()?;
    let has_validation = first.data.val_rows() > 0;

    let names = first.run_names();
    let epochs = first.context().epochs;
    let progress = if a.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let pb = indicatif::ProgressBar::new((seeds.len() * names.len() * epochs) as u64);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} epochs {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    };
    let threads = a.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut finals: Vec<Vec<Option<f64>>> = Vec::new();
    let mut diverged: Vec<String> = Vec::new();
    let mut session = Some(first);
    for (k, &seed) in seeds.iter().enumerate() {
        let mut s = match session.take() {
            Some(s) => s,
            None => session_with_seed(&exp, &ds, seed)?,
        };
        let mut log = MetricsLog::for_session(&s);
        if seeds.len() > 1 {
            log = log.with_seed(seed);
            progress.set_message(format!("seed {seed}"));
        }
        let mut progress_events = |e: &Event<'_>| match e {
            Event::Epoch { epoch, .. } if *epoch > 0 => progress.inc(1),
            Event::RunFinished { run, epoch, status } => {
                progress.inc(epochs.saturating_sub(*epoch) as u64);
                if !matches!(status, RunStatus::Done) {
                    let who = if seeds.len() > 1 { format!(" (seed {seed})") } else { String::new() };
                    progress.println(format!("{}{who}: {}", names[*run], status.describe()));
                }
            }
            _ => {}
        };
        s.train(threads, &mut Both(&mut log, &mut progress_events), &AtomicBool::new(false));
        if let Some(e) = log.take_error() {
            return Err(failure(anyhow!("cannot record the metrics: {e}")));
        }
        if let Some(out) = metrics_out.as_mut() {
            if k == 0 {
                writeln!(out, "{}", log.header()).map_err(write_error("metrics", &a.metrics))?;
            }
            log.write_rows(out).map_err(write_error("metrics", &a.metrics))?;
        }
        if k == 0
            && let Some(out) = weights_out.as_mut()
        {
            let json = weights_json(&s).map_err(failure)?;
            out.write_all(json.as_bytes()).map_err(write_error("weights", &a.weights))?;
        }
        finals.push(
            s.runs
                .iter()
                .map(|r| r.last.as_ref().map(|m| m.val.map_or(m.train.error, |v| v.error)))
                .collect(),
        );
        for r in &s.runs {
            if r.status.is_failure() {
                let who = if seeds.len() > 1 { format!(" (seed {seed})") } else { String::new() };
                diverged.push(format!("{}{who}: {}", r.spec.name, r.status.describe()));
            }
        }
        if !a.quiet && seeds.len() == 1 {
            progress.finish_and_clear();
            print_summary(&s);
        }
    }
    progress.finish_and_clear();
    for out in [metrics_out.as_mut(), weights_out.as_mut()].into_iter().flatten() {
        out.flush().map_err(|e| failure(anyhow!("cannot write the outputs: {e}")))?;
    }
    if !a.quiet && seeds.len() > 1 {
        let which = if has_validation { "validation" } else { "training" };
        println!("{}", crate::train::seeds::compare(&names, &seeds, &finals, which));
    }
    if diverged.is_empty() { Ok(()) } else { Err(failure(anyhow!("{}", diverged.join("; ")))) }
}

/// Turns a failed write to `path` into a failure that names it.
fn write_error(what: &'static str, path: &Option<PathBuf>) -> impl Fn(std::io::Error) -> CliError {
    let shown = path.as_deref().unwrap_or(Path::new("")).display().to_string();
    move |e| failure(anyhow!("{shown}: cannot write the {what}: {e}"))
}

fn print_summary(session: &Session) {
    let classification = session.data.task.is_classification();
    println!(
        "{} rows for training, {} for validation; task {}; network {:?}; η per run below",
        session.data.train_rows(),
        session.data.val_rows(),
        session.data.task.name(),
        session.initial.sizes()
    );
    if session.data.dropped_rows > 0 {
        println!(
            "{} row(s) with a missing value were left out (--missing fill-mean keeps them)",
            session.data.dropped_rows
        );
    }
    if session.data.filled_cells > 0 {
        println!("{} missing value(s) were filled with the training mean", session.data.filled_cells);
    }
    if session.data.x_test.nrows() > 0 {
        println!("{} rows held out as a test set", session.data.x_test.nrows());
    }
    println!(
        "{:<28} {:>7} {:>12} {:>12} {:>12} {:>9} {:>8} {:>9}  status",
        "run", "epochs", "train E0", "val E0", "penalty R", "acc", "zeros", "|w|<ε"
    );
    for r in &session.runs {
        let m = r.last.as_ref();
        let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.6}"));
        println!(
            "{:<28} {:>7} {:>12} {:>12} {:>12} {:>9} {:>7.1}% {:>8.1}%  {} (η={})",
            r.spec.name,
            r.epoch,
            f(m.map(|m| m.train.error)),
            f(m.and_then(|m| m.val.map(|v| v.error))),
            f(m.map(|m| m.penalty)),
            if classification {
                f(m.and_then(|m| m.val.or(Some(m.train)).and_then(|e| e.accuracy)))
            } else {
                "-".into()
            },
            m.map_or(0.0, |m| 100.0 * m.weights.zero_frac),
            m.map_or(0.0, |m| 100.0 * m.weights.small_frac),
            r.status.describe(),
            r.lr
        );
    }
}

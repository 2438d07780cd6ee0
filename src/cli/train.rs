//! `reglab train`: an experiment trained headless, with a progress bar,
//! the metrics CSV and the weights JSON.
//!
//! Each output goes to a temporary file beside it, made before the
//! training (so that a path that cannot be written fails at once) and
//! renamed over the target only when complete: a full disk, an error or a
//! stop never leaves a part of a file, nor costs the complete file of the
//! run before. SIGINT or SIGTERM stops the training at the end of the
//! current epoch; the files then hold the epochs done, and the exit code is
//! 130 or 143.

use std::io::Write;
use std::path::Path;

use anyhow::anyhow;

use super::args::{TrainArgs, experiment_from_args, load_data, session_with_seed};
use super::{CliError, failure, usage};
use crate::console::stop::{StopSignals, signal_name};
use crate::outln;
use crate::train::{AtomicFile, Both, Event, MetricsLog, RunStatus, Session, weights_json};

/// One output file of a command, written whole or not at all.
pub(super) struct Output {
    file: AtomicFile,
    /// What it holds, for messages: "metrics", "weights".
    what: &'static str,
}

impl Output {
    /// The temporary file beside `path`, so that a path that cannot be
    /// written fails before the work, and the file there stays as it is
    /// until the new one is complete.
    pub(super) fn create(path: &Path, what: &'static str) -> Result<Output, CliError> {
        AtomicFile::create(path)
            .map(|file| Output { file, what })
            .map_err(|e| failure(anyhow!("{}: cannot write the {what} there: {e}", path.display())))
    }

    /// Writes with `f`; a failure names the file and says it was left as it was.
    pub(super) fn write(
        &mut self,
        f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), CliError> {
        f(&mut self.file).map_err(|e| self.failed(e))
    }

    fn failed(&self, e: impl std::fmt::Display) -> CliError {
        failure(anyhow!(
            "{}: cannot write the {}: {e}; the file was left as it was",
            self.file.target().display(),
            self.what
        ))
    }

    pub(super) fn path(&self) -> &Path {
        self.file.target()
    }

    /// Puts the complete file in place.
    pub(super) fn commit(self) -> Result<(), CliError> {
        let (shown, what) = (self.file.target().display().to_string(), self.what);
        self.file.commit().map_err(|e| {
            failure(anyhow!("{shown}: cannot write the {what}: {e}; the file was left as it was"))
        })
    }
}

/// Puts the complete outputs in place, once all of them are written.
pub(super) fn commit_all(outputs: Vec<Output>) -> Result<(), CliError> {
    for out in outputs {
        out.commit()?;
    }
    Ok(())
}

/// `reglab train`.
pub fn train(a: &TrainArgs) -> Result<(), CliError> {
    // First of all, so that a signal while the data loads stops cleanly too.
    let signals = StopSignals::install();
    let exp = experiment_from_args(a)?;
    if a.repeats == 0 {
        return Err(usage(anyhow!("--repeats must be at least 1")));
    }
    let ds = load_data(&exp)?;
    let seeds: Vec<u64> = (0..a.repeats as u64).map(|k| exp.seed.wrapping_add(k)).collect();
    let first = session_with_seed(&exp, &ds, seeds[0])?;
    let mut metrics_out = a.metrics.as_deref().map(|p| Output::create(p, "metrics")).transpose()?;
    let mut weights_out = a.weights.as_deref().map(|p| Output::create(p, "weights")).transpose()?;
    let has_validation = first.data.val_rows() > 0;

    let names = first.run_names();
    let epochs = first.context().epochs;
    let progress = progress_bar(a.quiet, (seeds.len() * names.len() * epochs) as u64);
    let threads = a.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut finals: Vec<Vec<Option<f64>>> = Vec::new();
    let mut diverged: Vec<String> = Vec::new();
    let mut session = Some(first);
    let mut shown: Option<Session> = None;
    // Where a signal stopped the training: the seed and the epochs its runs had reached.
    let mut stopped: Option<(u64, Vec<usize>)> = None;
    for (k, &seed) in seeds.iter().enumerate() {
        if signals.received().is_some() {
            break;
        }
        let mut s = match session.take() {
            Some(s) => s,
            None => session_with_seed(&exp, &ds, seed)?,
        };
        let mut log = MetricsLog::for_session(&s);
        if seeds.len() > 1 {
            log = log.with_seed(seed);
            progress.set_message(format!("seed {seed}"));
        }
        let who = if seeds.len() > 1 { format!(" (seed {seed})") } else { String::new() };
        let mut progress_events = progress_events(&progress, &names, epochs, &who);
        s.train(threads, &mut Both(&mut log, &mut progress_events), signals.flag());
        if signals.received().is_some() {
            let reached: Vec<usize> = s.runs.iter().map(|r| r.epoch).collect();
            if k == 0 && reached.iter().all(|&e| e == 0) {
                // Nothing trained: the files of the run before are worth more
                // than a file of starting values.
                progress.finish_and_clear();
                return Err(stopped_error(&signals, "before the first epoch; no file was written".into()));
            }
            stopped = Some((seed, reached));
        }
        if let Some(e) = log.take_error() {
            return Err(failure(anyhow!("cannot record the metrics: {e}")));
        }
        write_seed(k == 0, &mut log, &s, metrics_out.as_mut(), weights_out.as_mut())?;
        diverged.extend(
            s.runs
                .iter()
                .filter(|r| r.status.is_failure())
                .map(|r| format!("{}{who}: {}", r.spec.name, r.status.describe())),
        );
        if stopped.is_some() {
            shown = (seeds.len() == 1).then_some(s);
            break;
        }
        finals.push(
            s.runs
                .iter()
                .map(|r| r.last.as_ref().map(|m| m.val.map_or(m.train.error, |v| v.error)))
                .collect(),
        );
        if seeds.len() == 1 {
            shown = Some(s);
        }
    }
    progress.finish_and_clear();
    let outputs: Vec<Output> = [metrics_out, weights_out].into_iter().flatten().collect();
    let written: Vec<String> = outputs.iter().map(|o| o.path().display().to_string()).collect();
    commit_all(outputs)?;
    // Standard output may have no reader any more: the files are written,
    // and what is printed is a courtesy.
    if !a.quiet {
        let compared = (seeds.len() > 1 && signals.received().is_none()).then(|| {
            let which = if has_validation { "validation" } else { "training" };
            crate::train::seeds::compare(&names, &seeds, &finals, which)
        });
        let _ = print_summaries(shown.as_ref(), compared);
    }
    if signals.received().is_some() {
        let at = stopped_at(stopped, finals.len(), seeds.len(), epochs);
        let files = if written.is_empty() {
            String::new()
        } else {
            format!("; {} hold the epochs done", written.join(" and "))
        };
        return Err(stopped_error(&signals, format!("{at}{files}")));
    }
    if diverged.is_empty() { Ok(()) } else { Err(failure(anyhow!("{}", diverged.join("; ")))) }
}

/// The session's summary (one seed), and the seeds compared.
fn print_summaries(
    shown: Option<&Session>,
    compared: Option<String>,
) -> Result<(), crate::console::out::Closed> {
    if let Some(s) = shown {
        print_summary(s)?;
    }
    if let Some(text) = compared {
        outln!("{text}")?;
    }
    Ok(())
}

/// The progress bar moved on by the trainer's events; a run that fails
/// is said above it (`who` names the seed when there are several).
fn progress_events<'a>(
    progress: &'a indicatif::ProgressBar,
    names: &'a [String],
    epochs: usize,
    who: &'a str,
) -> impl FnMut(&Event<'_>) + 'a {
    move |e: &Event<'_>| match e {
        Event::Epoch { epoch, .. } if *epoch > 0 => progress.inc(1),
        Event::RunFinished { run, epoch, status } => {
            progress.inc(epochs.saturating_sub(*epoch) as u64);
            if !matches!(status, RunStatus::Done | RunStatus::Stopped) {
                progress.println(format!("{}{who}: {}", names[*run], status.describe()));
            }
        }
        _ => {}
    }
}

fn progress_bar(quiet: bool, epochs: u64) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new(epochs);
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} epochs {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    pb
}

/// Appends one seed's rows to the metrics file (with the header first) and,
/// for the first seed, writes the weights.
fn write_seed(
    first: bool,
    log: &mut MetricsLog,
    s: &Session,
    metrics: Option<&mut Output>,
    weights: Option<&mut Output>,
) -> Result<(), CliError> {
    if let Some(out) = metrics {
        if first {
            out.write(|w| writeln!(w, "{}", log.header()))?;
        }
        out.write(|w| log.write_rows(w))?;
    }
    if first && let Some(out) = weights {
        let json = weights_json(s).map_err(failure)?;
        out.write(|w| w.write_all(json.as_bytes()))?;
    }
    Ok(())
}

/// Where a signal stopped the seeds: within one (its seed and the epochs
/// its runs reached), or between two.
fn stopped_at(stopped: Option<(u64, Vec<usize>)>, complete: usize, seeds: usize, epochs: usize) -> String {
    match stopped {
        Some((seed, reached)) => {
            let lo = reached.iter().copied().min().unwrap_or(0);
            let hi = reached.iter().copied().max().unwrap_or(0);
            let at = if lo == hi { format!("epoch {lo}") } else { format!("epochs {lo} to {hi}") };
            let at = if seeds > 1 { format!("{at} of seed {seed}") } else { at };
            format!("at {at} of {epochs}")
        }
        // Between two seeds: the ones before are complete.
        None => format!("after {complete} of {seeds} seeds"),
    }
}

/// The training stopped by a signal, `when` as said.
fn stopped_error(signals: &StopSignals, when: String) -> CliError {
    let signal = signals.received().unwrap_or(0);
    CliError::Stopped { signal, message: anyhow!("stopped by {} {when}", signal_name(signal)) }
}

fn print_summary(session: &Session) -> Result<(), crate::console::out::Closed> {
    let classification = session.data.task.is_classification();
    outln!(
        "{} rows for training, {} for validation; task {}; network {:?}; η per run below",
        session.data.train_rows(),
        session.data.val_rows(),
        session.data.task.name(),
        session.initial.sizes()
    )?;
    if session.data.dropped_rows > 0 {
        outln!(
            "{} row(s) with a missing value were left out (--missing fill-mean keeps them)",
            session.data.dropped_rows
        )?;
    }
    if session.data.filled_cells > 0 {
        outln!("{} missing value(s) were filled with the training mean", session.data.filled_cells)?;
    }
    if session.data.x_test.nrows() > 0 {
        outln!("{} rows held out as a test set", session.data.x_test.nrows())?;
    }
    outln!(
        "{:<28} {:>7} {:>12} {:>12} {:>12} {:>9} {:>8} {:>9}  status",
        "run",
        "epochs",
        "train E0",
        "val E0",
        "penalty R",
        "acc",
        "zeros",
        "|w|<ε"
    )?;
    for r in &session.runs {
        let m = r.last.as_ref();
        let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.6}"));
        outln!(
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
        )?;
    }
    Ok(())
}

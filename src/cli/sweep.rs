//! `reglab sweep`: the regularization path of each penalised run, as a CSV.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::anyhow;

use super::args::{SweepArgs, experiment_from_args, session_from_experiment};
use super::train::Output;
use super::{CliError, failure, usage};
use crate::train::RunSpec;

/// `reglab sweep`.
pub fn sweep(a: &SweepArgs) -> Result<(), CliError> {
    use crate::train::sweep;
    let exp = experiment_from_args(&a.train)?;
    let session = session_from_experiment(&exp)?;
    let data = Arc::clone(&session.data);
    if a.lambdas == 0 || !(a.lambda_min_ratio > 0.0 && a.lambda_min_ratio < 1.0) {
        return Err(usage(anyhow!("--lambdas must be at least 1 and --lambda-min-ratio in (0, 1)")));
    }
    // Made now, so that a path that cannot be written fails before the sweep.
    let out = a.out.as_deref().map(|p| Output::create(p, "sweep")).transpose()?;
    let bases: Vec<RunSpec> = session.runs.iter().map(|r| r.spec.clone()).collect();
    let max = match a.lambda_max {
        Some(m) if m > 0.0 && m.is_finite() => m,
        Some(m) => return Err(usage(anyhow!("--lambda-max must be a number > 0, found {m}"))),
        None => sweep::lambda_max(&data, &exp.network, &exp.training, &bases[0]),
    };
    let grid = sweep::lambda_grid(max, a.lambda_min_ratio, a.lambdas);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let cancel = AtomicBool::new(false);
    let total = (grid.len() * bases.len()) as u64;
    let progress =
        if a.train.quiet { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new(total) };
    let paths = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            sweep::sweep_all(&data, &exp.network, &exp.training, &bases, &grid, exp.seed, &done, &cancel)
        });
        while !worker.is_finished() {
            progress.set_position(done.load(std::sync::atomic::Ordering::Relaxed) as u64);
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        worker.join()
    })
    .map_err(|_| failure(anyhow!("the sweep stopped with an internal error")))?;
    progress.finish_and_clear();
    let names = &data.feature_names;
    let mut rows = Vec::new();
    for path in paths {
        let path = path.map_err(failure)?;
        let (inputs, units) = path.shape;
        if !a.train.quiet {
            let at = |l: f64| path.points.iter().find(|p| p.lambda == l).map_or(0, |p| p.nonzero);
            // A closed standard output does not stop the CSV.
            let _ = crate::outln!(
                "{}: λ with least validation error {:.4e} ({} non-zero weights); one-standard-error choice {:.4e} ({} non-zero)",
                path.name,
                path.lambda_min,
                at(path.lambda_min),
                path.lambda_1se,
                at(path.lambda_1se)
            );
        }
        for p in &path.points {
            let mut cells = vec![
                path.name.clone(),
                format!("{}", p.lambda),
                p.epochs.to_string(),
                p.converged.to_string(),
                format!("{}", p.train_error),
                format!("{}", p.val_error),
                format!("{}", p.val_se),
                p.nonzero.to_string(),
            ];
            if units == 1 {
                cells.extend(p.weights.iter().map(|w| format!("{w}")));
            } else {
                cells.extend(p.importance.iter().map(|w| format!("{w}")));
            }
            rows.push((units, inputs, cells));
        }
    }
    if let Some(mut out) = out {
        let units = rows.first().map_or(1, |r| r.0);
        let mut header: Vec<String> =
            ["path", "lambda", "epochs", "converged", "train_error", "val_error", "val_se", "nonzero"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        let prefix = if units == 1 { "w:" } else { "importance:" };
        header.extend(names.iter().map(|n| format!("{prefix}{n}")));
        out.write(|w| {
            let mut w = csv::Writer::from_writer(w);
            w.write_record(&header)?;
            for (_, _, cells) in &rows {
                w.write_record(cells)?;
            }
            w.flush()
        })?;
        out.commit()?;
    }
    Ok(())
}

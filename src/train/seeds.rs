//! The same runs over several seeds (initial weights, split and batch
//! order), to tell an effect of the regularizer from the noise between
//! seeds: each run's error per epoch over the seeds, and each run against
//! the first at the end. `reglab train --repeats` and the window's seed
//! band both come from here.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::ScheduledChange;
use super::session::{Event, Session, SessionError};
use super::spec::{NetworkSpec, RunSpec, TrainingSpec};
use crate::data::{Dataset, Preparation, prepare};

/// The final error of each run per seed, `[seed][run]`, and how they compare.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedStudy {
    pub seeds: Vec<u64>,
    pub runs: Vec<String>,
    /// Validation error when there are validation rows, else training error.
    pub validation: bool,
    /// The epochs evaluated (the same for every seed).
    pub epochs: Vec<usize>,
    /// `values[run][k][seed]`: the error of `run` at `epochs[k]` with `seeds[seed]`.
    pub values: Vec<Vec<Vec<f64>>>,
}

impl SeedStudy {
    /// Mean and spread (sample standard deviation) over the seeds, per epoch.
    pub fn band(&self, run: usize) -> Vec<(usize, f64, f64)> {
        self.epochs
            .iter()
            .zip(&self.values[run])
            .map(|(&e, v)| {
                let (mean, spread) = mean_spread(v);
                (e, mean, spread)
            })
            .collect()
    }

    /// The last epoch's error, `[seed][run]`.
    pub fn finals(&self) -> Vec<Vec<Option<f64>>> {
        (0..self.seeds.len())
            .map(|s| self.values.iter().map(|run| run.last().and_then(|v| v.get(s).copied())).collect())
            .collect()
    }

    /// Each run against the first, in words.
    pub fn summary(&self) -> String {
        compare(
            &self.runs,
            &self.seeds,
            &self.finals(),
            if self.validation { "validation" } else { "training" },
        )
    }
}

/// Mean and sample standard deviation.
pub fn mean_spread(v: &[f64]) -> (f64, f64) {
    let n = v.len().max(1) as f64;
    let mean = v.iter().sum::<f64>() / n;
    let spread = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
    (mean, spread)
}

/// Each run against the first over the seeds: in how many it ended lower,
/// and the mean and spread of the difference, after a table of the finals.
pub fn compare(names: &[String], seeds: &[u64], finals: &[Vec<Option<f64>>], which: &str) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(o, "final {which} error per seed:");
    let header: String = seeds.iter().map(|s| format!("{:>10}", format!("seed {s}"))).collect();
    let _ = writeln!(o, "  {:<28} {header}", "run");
    for (i, name) in names.iter().enumerate() {
        let cells: String =
            finals.iter().map(|f| f[i].map_or(format!("{:>10}", "-"), |v| format!("{v:>10.4}"))).collect();
        let _ = writeln!(o, "  {name:<28} {cells}");
    }
    for line in comparisons(names, finals) {
        let _ = writeln!(o, "{line}");
    }
    o.trim_end().to_string()
}

/// "L2 below none in 5 of 5 seeds; mean difference −0.2100, spread 0.0400", per run after the first.
pub fn comparisons(names: &[String], finals: &[Vec<Option<f64>>]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate().skip(1) {
        let d: Vec<f64> = finals.iter().filter_map(|f| Some(f[i]? - f[0]?)).collect();
        if d.is_empty() {
            continue;
        }
        let lower = d.iter().filter(|v| **v < 0.0).count();
        let (mean, spread) = mean_spread(&d);
        out.push(format!(
            "{name} below {} in {lower} of {} seeds; mean difference {mean:+.4}, spread {spread:.4}",
            names[0],
            d.len()
        ));
    }
    out
}

/// What a study trains: the session's settings, but the seed.
#[derive(Debug, Clone)]
pub struct StudySetup {
    pub preparation: Preparation,
    pub network: NetworkSpec,
    pub training: TrainingSpec,
    pub runs: Vec<RunSpec>,
    pub changes: Vec<ScheduledChange>,
}

/// Trains the runs once per seed, each as `reglab train --seed S` would
/// (the data prepared with that seed); `done` counts finished seeds and
/// `cancel` stops between epochs.
pub fn study(
    ds: &Dataset,
    setup: &StudySetup,
    seeds: &[u64],
    threads: usize,
    done: &AtomicUsize,
    cancel: &AtomicBool,
) -> Result<SeedStudy, SessionError> {
    let mut result: Option<SeedStudy> = None;
    for (s, &seed) in seeds.iter().enumerate() {
        let prepared =
            prepare(ds, &setup.preparation, seed).map_err(|e| SessionError::Internal(e.to_string()))?;
        let validation = prepared.val_rows() > 0;
        let mut session = Session::new(
            Arc::new(prepared),
            setup.network.clone(),
            setup.training.clone(),
            setup.runs.clone(),
            seed,
        )?;
        session.schedule(&setup.changes)?;
        let names = session.run_names();
        let mut per_run: Vec<Vec<(usize, f64)>> = vec![Vec::new(); names.len()];
        let mut observer = |e: &Event<'_>| {
            if let Event::Epoch { run, epoch, metrics: Some(m) } = e {
                let v = if validation { m.val.map_or(m.train.error, |v| v.error) } else { m.train.error };
                per_run[*run].push((*epoch, v));
            }
        };
        session.train(threads, &mut observer, cancel);
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let study = result.get_or_insert_with(|| SeedStudy {
            seeds: seeds.to_vec(),
            runs: names.clone(),
            validation,
            epochs: per_run.first().map(|r| r.iter().map(|(e, _)| *e).collect()).unwrap_or_default(),
            values: vec![Vec::new(); names.len()],
        });
        for (r, points) in per_run.iter().enumerate() {
            // Epochs a diverged seed did not reach end the band there.
            let keep = points.len().min(study.epochs.len());
            study.epochs.truncate(keep);
            study.values[r].truncate(keep);
            for (k, (_, v)) in points.iter().take(keep).enumerate() {
                if s == 0 {
                    study.values[r].push(vec![*v]);
                } else {
                    study.values[r][k].push(*v);
                }
            }
        }
        done.fetch_add(1, Ordering::Relaxed);
    }
    result.ok_or_else(|| SessionError::Internal("the study was cancelled".into()))
}

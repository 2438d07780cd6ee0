//! Studies of the session in the background: the contours of the geometry
//! view, the session over several seeds, and the regularization path.

use std::sync::Arc;

use super::Workbench;
use super::geometry::{self, Plane};
use super::jobs::{Counter, Job, NoProgress};
use crate::nn::Regularizer;
use crate::train::seeds::{SeedStudy, StudySetup};
use crate::train::sweep::{self, SweepPath};
use crate::train::{RunSpec, SessionError};

/// A finished λ sweep: each path with its run's colour.
pub type SweepResult = Vec<(SweepPath, [u8; 3])>;

/// What the studies found.
#[derive(Debug, Default)]
pub struct Studies {
    /// Per run: E0 over the plane of two of its weights (the geometry view).
    pub geometry: Vec<Plane>,
    /// The session on screen over several seeds.
    pub seeds: Option<SeedStudy>,
    pub sweep: Option<SweepResult>,
    /// Contours were asked for while others were being computed.
    pub(crate) geometry_again: bool,
}

/// What the runs over seeds bring back.
pub(crate) type SeedsAnswer = Result<SeedStudy, SessionError>;

/// The sweep job: the colours of the runs swept, and the paths.
pub(crate) type SweepJob = (Vec<[u8; 3]>, Job<Vec<Result<SweepPath, SessionError>>, Counter>);

impl Workbench {
    /// Contours of E0 over two weights of every run, from their weights now,
    /// on a background thread.
    pub(crate) fn start_geometry(&mut self) {
        if self.jobs.geometry.is_some() {
            self.studies.geometry_again = true;
            return;
        }
        // The data the runs were set up on: a newer data set may be on screen already.
        let (Some(data), Some(exp)) = (self.screen.data().cloned(), self.screen.experiment()) else { return };
        let batch_rows = exp.training.batch.rows(data.train_rows());
        // How far each run's two weights went, read here from the path on
        // screen: the job needs that number, not the path.
        let nets: Vec<(usize, usize, crate::nn::Mlp<f32>, f64, RunSpec)> = self
            .screen
            .runs
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let (epoch, net) = r.pictures.net.as_ref()?;
                let pair = geometry::choose_pair(net);
                let ncols = net.layers[0].weights.ncols();
                let reach = geometry::path_reach(&r.pictures.first_layer_path, pair, ncols, *epoch);
                Some((i, *epoch, net.clone(), reach, r.live()))
            })
            .collect();
        if nets.is_empty() {
            return;
        }
        let work = move |_: &NoProgress| {
            nets.iter()
                .map(|(i, epoch, net, reach, spec)| {
                    geometry::plane(&data, net, *reach, spec, (batch_rows, *i, *epoch))
                })
                .collect()
        };
        match Job::spawn("geometry", "contours".into(), Arc::new(NoProgress), Arc::clone(&self.wake), work) {
            Ok(job) => self.jobs.geometry = Some((self.screen.session_id, job)),
            Err(e) => self.notices.error(format!("cannot compute the contours: {e}")),
        }
    }

    pub(crate) fn geometry_ended(&mut self, session: u64, planes: Vec<Plane>) {
        // Contours of runs no longer on screen are dropped.
        if session == self.screen.session_id {
            self.studies.geometry = planes;
        }
        if std::mem::take(&mut self.studies.geometry_again) {
            self.start_geometry();
        }
    }

    pub fn is_computing_geometry(&self) -> bool {
        self.jobs.geometry.is_some()
    }

    /// Trains the session on screen over `count` seeds (its own first), as
    /// `reglab train --repeats` does, in the background.
    pub(crate) fn start_seeds(&mut self, count: usize) {
        if self.jobs.seeds.is_some() {
            return;
        }
        let ds = self.screen.setup.as_ref().and_then(|s| s.dataset.clone());
        let (Some(ds), Some(exp)) = (ds, self.session_experiment()) else {
            return self.notices.error("There is no session to repeat over seeds yet.".into());
        };
        let count = count.clamp(2, 50);
        let seeds: Vec<u64> = (0..count as u64).map(|k| exp.seed.wrapping_add(k)).collect();
        let setup = StudySetup {
            preparation: exp.data.preparation(),
            network: exp.network.clone(),
            training: exp.training.clone(),
            runs: exp.runs.clone(),
            changes: exp.changes.clone(),
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let work =
            move |p: &Counter| crate::train::seeds::study(&ds, &setup, &seeds, threads, &p.done, &p.cancel);
        let progress = Arc::new(Counter::new(count));
        match Job::spawn("seeds", "runs over seeds".into(), progress, Arc::clone(&self.wake), work) {
            Ok(job) => self.jobs.seeds = Some((self.screen.session_id, job)),
            Err(e) => self.notices.error(format!("cannot start the runs over seeds: {e}")),
        }
    }

    pub(crate) fn seeds_ended(&mut self, session: u64, result: Result<SeedStudy, SessionError>) {
        match result {
            Ok(study) if session == self.screen.session_id => {
                self.notices.info(format!(
                    "Over {} seeds: {}",
                    study.seeds.len(),
                    crate::train::seeds::comparisons(&study.runs, &study.finals()).join("; ")
                ));
                self.studies.seeds = Some(study);
            }
            Ok(_) => {}
            Err(e) => self.notices.error(format!("The runs over seeds stopped: {e}")),
        }
    }

    /// The study over seeds under way: seeds done and in all.
    pub fn seeds_progress(&self) -> Option<(usize, usize)> {
        self.jobs.seeds.as_ref().map(|(_, j)| j.progress.counts())
    }

    /// Sweeps λ for every penalised run of the experiment, on the data on
    /// screen, in the background (each path on its own core).
    pub(crate) fn start_sweep(&mut self, count: usize, min_ratio: f64, epochs: usize) {
        if self.jobs.sweep.is_some() {
            return;
        }
        let Some(data) = self.data.prepared.clone() else {
            return self.notices.error("No data is loaded yet.".into());
        };
        let exp = &self.settings.experiment;
        let (bases, colors): (Vec<RunSpec>, Vec<[u8; 3]>) = exp
            .runs
            .iter()
            .zip(self.settings.run_colors())
            .filter(|(r, _)| r.reg != Regularizer::None)
            .map(|(r, c)| (r.clone(), c))
            .unzip();
        if bases.is_empty() {
            return self
                .notices
                .error("A regularization path needs a run with a penalty (L1, L2 or elastic net).".into());
        }
        if let Err(e) = crate::train::check_size(
            data.inputs(),
            &exp.network.hidden,
            data.task.outputs(),
            exp.training.batch.rows(data.train_rows()),
            bases.len(),
        ) {
            return self.notices.error(format!("Cannot sweep λ: {e}"));
        }
        let network = exp.network.clone();
        let mut training = exp.training.clone();
        // Each λ starts from the last one's weights, so fewer epochs suffice.
        training.epochs = Some(training.epochs().min(epochs.max(1)));
        let seed = exp.seed;
        let count = count.clamp(2, 200);
        let min_ratio = if min_ratio.is_finite() { min_ratio.clamp(1e-9, 0.99) } else { 1e-3 };
        let total = count * bases.len();
        let work = move |p: &Counter| {
            let max = sweep::lambda_max(&data, &network, &training, &bases[0]);
            let grid = sweep::lambda_grid(max, min_ratio, count);
            sweep::sweep_all(&data, &network, &training, &bases, &grid, seed, &p.done, &p.cancel)
        };
        let progress = Arc::new(Counter::new(total));
        match Job::spawn("sweep", "regularization path".into(), progress, Arc::clone(&self.wake), work) {
            Ok(job) => self.jobs.sweep = Some((colors, job)),
            Err(e) => self.notices.error(format!("cannot start the sweep: {e}")),
        }
    }

    pub(crate) fn sweep_ended(
        &mut self,
        colors: Vec<[u8; 3]>,
        cancelled: bool,
        paths: Vec<Result<SweepPath, SessionError>>,
    ) {
        let mut done = Vec::new();
        for (p, c) in paths.into_iter().zip(colors) {
            match p {
                Ok(p) => done.push((p, c)),
                Err(e) => self.notices.error(format!("the regularization path failed: {e}")),
            }
        }
        let lambdas = done.first().map_or(0, |p| p.0.points.len());
        self.notices.info(format!(
            "Regularization path{}: {} path(s) over {lambdas} λ values.",
            if cancelled { " (cancelled)" } else { "" },
            done.len()
        ));
        self.studies.sweep = Some(done);
    }

    /// The sweep under way: λ values done and in all.
    pub fn sweep_progress(&self) -> Option<(usize, usize)> {
        self.jobs.sweep.as_ref().map(|(_, j)| j.progress.counts())
    }
}

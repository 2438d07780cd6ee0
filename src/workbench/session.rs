//! The session on screen: setting up its runs on the trainer, training,
//! pausing and going on, and the session as an experiment file.

use std::path::Path;
use std::sync::Arc;

use super::Workbench;
use super::screen::Setup;
use super::settings::{Pace, WATCH_SECONDS};
use crate::experiment::{DataSource, Experiment};
use crate::train::live::{Command, SessionSetup, TrainerState};
use crate::train::{RunSpec, TrainingSpec, write_atomic};

impl Workbench {
    /// Sets up new runs on the data on screen (all back to epoch 0); `false`
    /// when they cannot be. The runs on screen stay until the trainer has
    /// built the new ones.
    pub(crate) fn setup_session(&mut self) -> bool {
        let Some(prepared) = self.data.prepared.clone() else {
            self.notices.error("No data is loaded yet.".into());
            return false;
        };
        let exp = &self.settings.experiment;
        let batch_rows = exp.training.batch.rows(prepared.train_rows());
        if let Err(e) = crate::train::check_size(
            prepared.inputs(),
            &exp.network.hidden,
            prepared.task.outputs(),
            batch_rows,
            exp.runs.len(),
        ) {
            self.notices.error(format!("Cannot set up the runs: {e}. The runs on screen are unchanged."));
            return false;
        }
        let setup = SessionSetup {
            data: prepared,
            network: exp.network.clone(),
            training: exp.training.clone(),
            runs: exp.runs.clone(),
            seed: exp.seed,
            // Only the changes of runs still in the list (one may have been removed or renamed).
            changes: self
                .screen
                .replay
                .iter()
                .filter(|c| exp.runs.iter().any(|r| r.name == c.run))
                .cloned()
                .collect(),
        };
        self.screen.pending_setup.push_back(Setup {
            experiment: exp.clone(),
            data: Arc::clone(&setup.data),
            dataset: self.data.dataset.clone(),
            colors: self.settings.run_colors(),
            epochs_step: exp.training.epochs(),
        });
        if !self.send(Command::Setup(Box::new(setup))) {
            self.screen.pending_setup.pop_back();
            return false;
        }
        true
    }

    /// Settings were edited that only new runs can take (network, training,
    /// seed, data preparation, the list of runs, a run's scale, scope,
    /// dropout or name): Reset or Train applies them.
    pub fn stale(&self) -> bool {
        let Some(b) = self.screen.experiment() else { return false };
        let a = &self.settings.experiment;
        a.network != b.network
            || a.training != b.training
            || a.seed != b.seed
            || a.runs.len() != b.runs.len()
            || a.runs.iter().zip(&b.runs).any(|(x, y)| !same_but_live(x, y))
    }

    /// The runs on screen reached their epochs (none was stopped by hand)
    /// and the settings are theirs: Train goes on with them.
    pub fn can_continue(&self) -> bool {
        self.screen.reached_end() && !self.stale()
    }

    /// Epochs per second at most, as the pace sets it: at [`Pace::Watch`]
    /// the session's epochs over [`WATCH_SECONDS`].
    pub fn speed_limit(&self) -> Option<f64> {
        match self.settings.pace {
            Pace::Watch => {
                let training = self.screen.training().unwrap_or(&self.settings.experiment.training);
                Some((training.epochs() as f64 / WATCH_SECONDS).clamp(2.0, 5000.0))
            }
            Pace::Fixed(eps) => Some(eps),
            Pace::Fastest => None,
        }
    }

    /// The training settings in force: the session's, else the edited ones.
    pub fn training(&self) -> &TrainingSpec {
        self.screen.training().unwrap_or(&self.settings.experiment.training)
    }

    pub(crate) fn send_pace(&mut self) {
        let limit = self.speed_limit();
        self.send(Command::SpeedLimit(limit));
    }

    /// Sets up new runs first when the settings changed, there are none or
    /// they have ended; `false` when there is nothing to train.
    fn ready_to_train(&mut self) -> bool {
        if self.data.prepared.is_none() {
            return false;
        }
        if self.can_continue() {
            self.extend();
            return true;
        }
        let fresh = self.stale()
            || self.screen.runs.is_empty()
            || self.screen.trainer_state == TrainerState::Finished;
        !fresh || self.setup_session()
    }

    /// The same runs, as many epochs more as they were set up with.
    pub(crate) fn extend(&mut self) {
        let Some(setup) = self.screen.setup.as_mut() else { return };
        let more = setup.epochs_step.max(1);
        let total = setup.experiment.training.epochs().saturating_add(more);
        setup.experiment.training.epochs = Some(total);
        self.settings.experiment.training.epochs = Some(total);
        self.send(Command::Extend(more));
        self.send_pace();
    }

    pub(crate) fn train(&mut self) {
        if self.ready_to_train() {
            self.screen.pause_asked = false;
            self.send(Command::Start);
            self.screen.trainer_state = TrainerState::Running;
        }
    }

    pub(crate) fn pause(&mut self) {
        self.screen.pause_asked = true;
        self.send(Command::Pause);
    }

    pub(crate) fn step(&mut self) {
        if self.ready_to_train() {
            self.send(Command::Step);
        }
    }

    /// An opened session trains again, as fast as it can, to the epoch it
    /// had reached, and waits there, paused.
    pub(crate) fn resume(&mut self) {
        let Some(epoch) = self.screen.resume_to.take() else { return };
        if self.send(Command::TrainTo(epoch)) {
            self.screen.trainer_state = TrainerState::Running;
            self.notices.info(format!("Training the session again to epoch {epoch}, where it was left."));
        }
    }

    /// The runs reached their end: with "until paused" they go on (paused,
    /// when Pause came while they ended); else the status bar says so.
    pub(crate) fn runs_finished(&mut self) {
        if self.settings.until_paused && self.can_continue() {
            self.extend();
            if !self.screen.pause_asked {
                self.send(Command::Start);
                self.screen.trainer_state = TrainerState::Running;
            }
        } else {
            let epoch = self.screen.epoch();
            self.notices
                .info(format!("Training finished at epoch {epoch}. Train goes on with the same runs."));
        }
    }

    /// The session on screen as an experiment: its data, preparation,
    /// network, runs as they started, and every change made while training.
    pub fn session_experiment(&self) -> Option<Experiment> {
        let mut exp = self.screen.experiment()?.clone();
        if let Some(DataSource::File(p)) = exp.data.source() {
            exp.data.set(DataSource::File(std::fs::canonicalize(&p).unwrap_or(p)));
        }
        exp.changes = self.screen.scheduled_changes();
        exp.layout = self.settings.experiment.layout.clone();
        exp.views = self.settings.experiment.views.clone();
        exp.reached = Some(self.screen.epoch()).filter(|&e| e > 0);
        exp.name = self.screen.note.as_ref().map(|n| n.name.clone());
        exp.description = self.screen.note.as_ref().map(|n| n.description.clone());
        Some(exp)
    }

    /// Writes the session on screen to `path`, atomically.
    pub fn save_session_to(&mut self, path: &Path) -> Result<(), String> {
        let exp = self.session_experiment().ok_or("there is no session to save yet")?;
        let text = exp.to_toml().map_err(|e| e.to_string())?;
        let header =
            "# A reglab session: open it in the window, or train it with `reglab train --config FILE`.\n";
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        write_atomic(path, format!("{header}{text}").as_bytes())
            .map_err(|e| format!("{}: cannot save: {e}", path.display()))?;
        self.settings.last_session = Some(path.to_path_buf());
        self.notices.info(format!("Saved the session to {}", path.display()));
        Ok(())
    }
}

/// The same run but for the settings that may change while it trains.
fn same_but_live(a: &RunSpec, b: &RunSpec) -> bool {
    a.name == b.name && a.lambda_scale == b.lambda_scale && a.dropout == b.dropout && a.scope == b.scope
}

//! Taking in what the trainer and the jobs sent, once per frame (or when a
//! test asks): metrics into each run's history, statuses, confirmed
//! changes, pictures of the runs, and the answers of background jobs.

use std::time::Duration;

use super::Workbench;
use super::background::Ended;
use crate::train::RunStatus;
use crate::train::live::{TrainerState, Update};

impl Workbench {
    /// Takes in what the trainer and the jobs sent. Returns how soon to
    /// look again while a job is under way (they also wake the window when
    /// they end).
    pub fn poll(&mut self) -> Option<Duration> {
        let mut updates = Vec::new();
        if let Some(t) = &self.trainer {
            while let Some(u) = t.try_recv() {
                updates.push(u);
            }
        }
        if !updates.is_empty() {
            self.session_may_have_changed();
        }
        for u in updates {
            self.take(u);
        }
        for r in &mut self.screen.runs {
            r.pictures.refresh();
        }
        self.screen.measure_rate();
        let mut again = None;
        for ended in self.jobs.poll(&mut again) {
            self.session_may_have_changed();
            self.job_ended(ended);
        }
        self.lesson_tick();
        self.autosave_if_due(&mut again);
        again
    }

    fn take(&mut self, u: Update) {
        match u {
            Update::Ready { runs, boundary } => {
                self.screen.ready(runs, boundary);
                self.studies.geometry.clear();
                self.studies.seeds = None;
                self.send_pace();
                self.resume();
            }
            Update::SetupFailed(e) => {
                self.screen.pending_setup.pop_front();
                self.notices.error(format!("Cannot set up the runs: {e}. The runs on screen are unchanged."));
            }
            Update::Metrics(batch) => {
                for (run, m) in batch {
                    if let Some(r) = self.screen.runs.get_mut(run) {
                        r.history.record(m);
                    }
                }
            }
            Update::Status { run, status } => self.run_status(run, status),
            Update::Changed { run, change } => {
                if let Some(r) = self.screen.runs.get_mut(run) {
                    r.take_change(change);
                }
            }
            Update::Confirmed { run, asked, made } => {
                if let Some(r) = self.screen.runs.get_mut(run) {
                    r.confirm(asked, made);
                }
            }
            Update::Network { run, epoch, net } => {
                if let Some(r) = self.screen.runs.get_mut(run) {
                    r.pictures.record_network(epoch, *net);
                }
            }
            Update::Boundary { run, epoch, values } => {
                if let Some(r) = self.screen.runs.get_mut(run) {
                    r.pictures.record_boundary(epoch, values);
                }
            }
            Update::State(s) => {
                self.screen.trainer_state = s;
                if matches!(s, TrainerState::Finished | TrainerState::Paused) {
                    self.start_geometry();
                }
                if s == TrainerState::Finished {
                    self.runs_finished();
                }
            }
            Update::Exported(result) => self.trainer_exported(result),
        }
    }

    fn run_status(&mut self, run: usize, status: RunStatus) {
        let Some(r) = self.screen.runs.get_mut(run) else { return };
        r.status = status.clone();
        match status {
            RunStatus::Diverged { epoch, reason } => {
                self.notices.error(format!("Run '{}' stopped at epoch {epoch}: {reason}", r.name))
            }
            RunStatus::Panicked { epoch, message } => self.notices.internal(format!(
                "Run '{}' stopped at epoch {epoch} with an internal error: {message}",
                r.name
            )),
            _ => {}
        }
    }

    fn job_ended(&mut self, ended: Ended) {
        match ended {
            Ended::Load(load, Some(result)) => self.finish_load(*load, result),
            Ended::Load(_, None) => self
                .notices
                .internal("Loading stopped with an internal error; the data on screen is unchanged.".into()),
            Ended::Geometry { session, planes: Some(planes) } => self.geometry_ended(session, planes),
            Ended::Geometry { planes: None, .. } => self
                .notices
                .internal("The contours of the geometry view stopped with an internal error.".into()),
            Ended::Seeds { session, study: Some(result) } => self.seeds_ended(session, result),
            Ended::Seeds { study: None, .. } => {
                self.notices.internal("The runs over seeds stopped with an internal error.".into())
            }
            Ended::Sweep { colors, cancelled, paths: Some(paths) } => {
                self.sweep_ended(colors, cancelled, paths)
            }
            Ended::Sweep { paths: None, .. } => {
                self.notices.internal("The regularization path stopped with an internal error.".into())
            }
        }
    }
}

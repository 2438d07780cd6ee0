//! The workbench's background jobs, at most one of each kind, polled in
//! one loop; each that ended comes back as an [`Ended`] for the workbench to
//! take in.

use std::time::Duration;

use super::geometry::Plane;
use super::jobs::{Counter, Job, NoProgress, Progress, take_ended};
use super::loading::{LoadJob, Loaded};
use super::studies::{SeedsAnswer, SweepJob};
use crate::train::SessionError;
use crate::train::sweep::SweepPath;

/// The workbench's jobs under way, at most one of each kind.
#[derive(Default)]
pub(crate) struct Jobs {
    pub load: Option<LoadJob>,
    /// The contours being computed, for the session they were asked for.
    pub geometry: Option<(u64, Job<Vec<Plane>, NoProgress>)>,
    /// A study over seeds under way, for the session it was asked for.
    pub seeds: Option<(u64, Job<SeedsAnswer, Counter>)>,
    pub sweep: Option<SweepJob>,
}

/// A job that ended, with its answer (`None`: its thread was lost).
pub(crate) enum Ended {
    Load(Box<LoadJob>, Option<Loaded>),
    Geometry { session: u64, planes: Option<Vec<Plane>> },
    Seeds { session: u64, study: Option<SeedsAnswer> },
    Sweep { colors: Vec<[u8; 3]>, cancelled: bool, paths: Option<Vec<Result<SweepPath, SessionError>>> },
}

impl Jobs {
    /// The jobs that ended since the last look. While any runs, `again`
    /// becomes at most how soon to look again.
    pub fn poll(&mut self, again: &mut Option<Duration>) -> Vec<Ended> {
        let every = Duration::from_millis(100);
        let mut ended = Vec::new();
        if let Some((load, answer)) = take_ended(&mut self.load, |l| &l.job, every, again) {
            ended.push(Ended::Load(Box::new(load), answer));
        }
        if let Some(((session, _), planes)) = take_ended(&mut self.geometry, |j| &j.1, every, again) {
            ended.push(Ended::Geometry { session, planes });
        }
        if let Some(((session, _), study)) = take_ended(&mut self.seeds, |j| &j.1, every, again) {
            ended.push(Ended::Seeds { session, study });
        }
        if let Some(((colors, job), paths)) = take_ended(&mut self.sweep, |j| &j.1, every, again) {
            let cancelled = job.progress.is_cancelled();
            ended.push(Ended::Sweep { colors, cancelled, paths });
        }
        ended
    }
}

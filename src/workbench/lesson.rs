//! A lesson under way: which step is on screen, and its cues (train, pause,
//! go on, maximise a view) fired when the step's runs get to their moment.
//! A step that opens an experiment opens it as a preset does, with the
//! lesson's views and pace; a change of a setting is already in the
//! experiment, replayed by the trainer at its epoch.

use std::path::Path;

use super::Workbench;
use super::messages::{Message, Note};
use crate::experiment::Layout;
use crate::lesson::{Lesson, LessonAction, Moment, StepPace};
use crate::train::live::TrainerState;

/// A lesson on screen.
#[derive(Debug, Clone)]
pub struct LessonRun {
    pub lesson: Lesson,
    /// The step on screen.
    pub step: usize,
    /// Which of the step's cues have happened.
    fired: Vec<bool>,
    /// The session on screen when the step began: the step's own runs are
    /// the next one set up (steps without an experiment have none).
    entered_session: u64,
}

impl Workbench {
    /// Opens a lesson file at its first step.
    pub fn open_lesson(&mut self, path: &Path) {
        match Lesson::load(path) {
            Ok(lesson) => self.start_lesson(lesson),
            Err(e) => self.notices.error(format!("{e}. The workbench is unchanged.")),
        }
    }

    /// Starts lesson `k` of those that ship with reglab.
    pub(crate) fn open_shipped_lesson(&mut self, k: usize) {
        let Some((name, text)) = crate::lesson::LESSONS.get(k) else { return };
        match Lesson::from_toml(text, Path::new(name)) {
            Ok(lesson) => self.start_lesson(lesson),
            Err(e) => self.notices.error(e.to_string()),
        }
    }

    pub fn start_lesson(&mut self, lesson: Lesson) {
        self.notices.info(format!(
            "Lesson: {} ({} steps). Right arrow or Page Down: the next step; Esc leaves the lesson.",
            lesson.title,
            lesson.steps.len()
        ));
        self.lesson = Some(LessonRun { lesson, step: 0, fired: Vec::new(), entered_session: 0 });
        self.enter_step(0);
    }

    /// Goes to step `k` of the lesson on screen (nothing past either end).
    pub(crate) fn enter_step(&mut self, k: usize) {
        let Some(run) = self.lesson.as_mut() else { return };
        let Some(step) = run.lesson.steps.get(k).cloned() else { return };
        run.step = k;
        run.fired = vec![false; step.cues.len()];
        run.entered_session = self.screen.session_id;
        self.outbox.push(Message::Maximise(None));
        if let Some(pace) = step.pace {
            self.settings.pace = match pace {
                StepPace::Watch => super::Pace::Watch,
                StepPace::Fastest => super::Pace::Fastest,
                StepPace::Fixed(eps) => super::Pace::Fixed(eps),
            };
            self.send_pace();
        }
        if let Some(mut exp) = step.experiment {
            if !step.views.is_empty() {
                exp.views = step.views.clone();
                exp.layout = None;
            }
            let note = Note { name: step.title.clone(), description: step.caption.clone() };
            self.open_experiment(*exp, Some(note), None);
        } else if !step.views.is_empty() {
            self.outbox.push(Message::Layout(Layout::focus(&step.views)));
        }
    }

    pub(crate) fn next_step(&mut self) {
        if let Some(run) = &self.lesson
            && run.step + 1 < run.lesson.steps.len()
        {
            let k = run.step + 1;
            self.enter_step(k);
        }
    }

    pub(crate) fn previous_step(&mut self) {
        if let Some(run) = &self.lesson
            && run.step > 0
        {
            let k = run.step - 1;
            self.enter_step(k);
        }
    }

    /// Leaves the lesson; what is on screen stays.
    pub(crate) fn leave_lesson(&mut self) {
        if let Some(run) = self.lesson.take() {
            self.notices.info(format!(
                "Left the lesson '{}'; the workbench keeps what is on screen.",
                run.lesson.title
            ));
        }
    }

    /// Fires the cues of the step on screen whose moment has come.
    pub(crate) fn lesson_tick(&mut self) {
        let Some(run) = self.lesson.as_ref() else { return };
        let step = &run.lesson.steps[run.step];
        // The step's own runs are set up (and have their first metrics).
        let ready = step.experiment.is_some()
            && self.screen.session_id > run.entered_session
            && !self.screen.runs.is_empty()
            && self.screen.runs.iter().all(|r| r.history.latest.is_some());
        if !ready {
            return;
        }
        let epoch = self.screen.epoch();
        let ended = self.screen.trainer_state == TrainerState::Finished;
        let due: Vec<(usize, LessonAction)> = step
            .cues
            .iter()
            .enumerate()
            .filter(|(k, cue)| {
                !run.fired[*k]
                    && match cue.at {
                        Moment::Start => true,
                        Moment::Epoch(n) => epoch >= n,
                        Moment::End => ended,
                    }
            })
            .map(|(k, cue)| (k, cue.action.clone()))
            .collect();
        for (k, action) in due {
            if let Some(run) = self.lesson.as_mut() {
                run.fired[k] = true;
            }
            self.cue(action);
        }
    }

    fn cue(&mut self, action: LessonAction) {
        match action {
            LessonAction::Train => self.train(),
            LessonAction::Pause => self.pause(),
            LessonAction::GoOn => {
                if self.can_continue() {
                    self.train();
                }
            }
            LessonAction::Maximise(view) => self.outbox.push(Message::Maximise(Some(view))),
            LessonAction::Restore => self.outbox.push(Message::Maximise(None)),
        }
    }
}

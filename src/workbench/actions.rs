//! What a click, a key or a test asks of the workbench, and where each
//! request goes. The window collects actions while it draws and applies
//! them afterwards.

use std::path::PathBuf;

use super::Workbench;
use super::jobs::Progress;
use super::messages::{Message, PathRequest};
use super::settings::Pace;
use crate::experiment::{DataSource, DataSpec, Layout};
use crate::train::live::{Command, TrainerState};
use crate::train::{NetworkSpec, RunSpec, TrainingSpec};

/// What a click, a key or a test asks of the workbench.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Train,
    Pause,
    TogglePlay,
    Step,
    Stop,
    Reset,
    /// Load a data source (a `.toml` file opens as a session).
    Load(DataSource),
    /// The data part of the experiment; when `commit` (an edit finished),
    /// other column roles read the file again, another split, scaling or
    /// handling of missing values prepares it again.
    SetData {
        data: Box<DataSpec>,
        commit: bool,
    },
    SetNetwork(NetworkSpec),
    SetTraining(TrainingSpec),
    SetSeed(u64),
    /// Run `index`'s settings; `commit` when an edit is finished (a slider
    /// let go), which is when a change of λ, η, the regularizer, the L1 rule
    /// or α reaches a run that trains.
    SetRun {
        index: usize,
        spec: Box<RunSpec>,
        commit: bool,
    },
    SetColor(usize, [u8; 3]),
    AddRun,
    DuplicateRun(usize),
    RemoveRun(usize),
    SetPace(Pace),
    /// Runs that reach their epochs go on until paused.
    SetUntilPaused(bool),
    DismissNotices,
    /// Load preset `i` of [`crate::experiment::PRESETS`].
    Preset(usize),
    ClosePresetNote,
    OpenDataDialog,
    CancelLoad,
    SaveSession,
    SaveSessionTo(PathBuf),
    OpenSessionDialog,
    OpenSessionFile(PathBuf),
    DismissLastSession,
    /// Set aside the column a load offered to ignore, and load again.
    IgnoreOfferedColumn,
    DismissIgnore,
    /// Open the session autosaved before reglab last stopped without closing.
    RestoreAutosave,
    DismissAutosave,
    /// Everything into a folder: chosen in a dialog, or the default one.
    ExportAll,
    ExportTo(PathBuf),
    /// The answer to [`Message::TakePictures`]: the file names written, and
    /// what could not be written.
    PicturesWritten {
        files: Vec<String>,
        errors: Vec<String>,
    },
    /// The answer to [`Message::AskPath`]: the path chosen, or none (cancelled).
    PathChosen {
        request: PathRequest,
        path: Option<PathBuf>,
    },
    /// The system has no file dialog to show (no XDG desktop portal).
    NoFileDialog(PathRequest),
    /// Sweep λ for every penalised run of the experiment.
    RunSweep {
        count: usize,
        min_ratio: f64,
        epochs: usize,
    },
    CancelSweep,
    /// The window's views were arranged anew (saved with the session).
    SetLayout(Layout),
    /// Contours of the data error over two weights of every run, from the
    /// weights the runs have now.
    ComputeGeometry,
    /// Train the session on screen again over `count` seeds, in the
    /// background, for the band of each run's error.
    RunSeeds {
        count: usize,
    },
    CancelSeeds,
    /// Open a lesson file at its first step.
    OpenLesson(PathBuf),
    OpenLessonDialog,
    /// Start lesson `k` of [`crate::lesson::LESSONS`].
    OpenShippedLesson(usize),
    /// The lesson's next step (a clicker's right arrow or Page Down), or the one before.
    NextStep,
    PreviousStep,
    /// Leave the lesson; the workbench keeps what is on screen.
    LeaveLesson,
    /// A picture of a view at 2× (or, `animate`, an animated PNG of it over
    /// the run so far) into a file the user chooses.
    SavePicture {
        view: crate::experiment::ViewKind,
        animate: bool,
    },
    /// The window finished a picture: what it wrote, or why not.
    PictureWritten(Result<String, String>),
    /// A run that panics (tests: a failure stays in its run).
    #[cfg(test)]
    InjectPanic(usize),
}

impl Workbench {
    pub fn apply(&mut self, action: Action) {
        self.session_may_have_changed();
        match action {
            Action::Train => self.train(),
            Action::Pause => self.pause(),
            Action::TogglePlay if self.screen.trainer_state == TrainerState::Running => self.pause(),
            Action::TogglePlay => self.train(),
            Action::Step => self.step(),
            Action::Stop => {
                self.send(Command::Stop);
            }
            Action::Reset => {
                self.setup_session();
            }
            Action::Load(source) => self.start_load(source),
            Action::SetData { data, commit } => self.set_data(*data, commit),
            Action::SetNetwork(n) => self.settings.experiment.network = n,
            Action::SetTraining(t) => self.settings.experiment.training = t,
            Action::SetSeed(s) => self.settings.experiment.seed = s,
            Action::SetRun { index, spec, commit } => self.set_run(index, *spec, commit),
            Action::SetColor(i, c) => self.set_color(i, c),
            Action::AddRun => self.add_run(),
            Action::DuplicateRun(i) => self.duplicate_run(i),
            Action::RemoveRun(i) => self.remove_run(i),
            Action::SetPace(pace) => {
                self.settings.pace = pace;
                self.send_pace();
            }
            Action::SetUntilPaused(on) => self.settings.until_paused = on,
            Action::DismissNotices => self.notices.clear(),
            Action::Preset(i) => self.apply_preset(i),
            Action::ClosePresetNote => self.screen.note = None,
            Action::CancelLoad => self.cancel_load(),
            Action::OpenSessionFile(p) => self.open_session(&p),
            Action::DismissLastSession => self.notices.offer_last_session = None,
            Action::RestoreAutosave => {
                if let Some(p) = self.notices.offer_restore.take() {
                    self.open_session(&p);
                }
            }
            Action::DismissAutosave => self.notices.offer_restore = None,
            Action::IgnoreOfferedColumn => self.ignore_offered_column(),
            Action::DismissIgnore => self.notices.offer_ignore = None,
            Action::ExportTo(dir) => self.export_to(&dir),
            Action::PicturesWritten { files, errors } => self.pictures_written(files, errors),
            Action::RunSweep { count, min_ratio, epochs } => self.start_sweep(count, min_ratio, epochs),
            Action::CancelSweep => {
                if let Some((_, job)) = &self.jobs.sweep {
                    job.progress.cancel();
                }
            }
            Action::SetLayout(layout) => self.settings.experiment.layout = Some(layout),
            Action::ComputeGeometry => self.start_geometry(),
            Action::RunSeeds { count } => self.start_seeds(count),
            Action::CancelSeeds => {
                if let Some((_, job)) = &self.jobs.seeds {
                    job.progress.cancel();
                }
            }
            Action::OpenLesson(p) => self.open_lesson(&p),
            Action::OpenShippedLesson(k) => self.open_shipped_lesson(k),
            Action::NextStep => self.next_step(),
            Action::PreviousStep => self.previous_step(),
            Action::LeaveLesson => self.leave_lesson(),
            Action::PictureWritten(Ok(text)) => self.notices.info(text),
            Action::PictureWritten(Err(text)) => self.notices.error(text),
            Action::OpenDataDialog
            | Action::OpenLessonDialog
            | Action::SaveSession
            | Action::SaveSessionTo(_)
            | Action::OpenSessionDialog
            | Action::ExportAll
            | Action::SavePicture { .. }
            | Action::PathChosen { .. }
            | Action::NoFileDialog(_) => self.file_action(action),
            #[cfg(test)]
            Action::InjectPanic(run) => {
                self.send(Command::InjectPanic { run });
            }
        }
    }

    /// The actions that take a path: asked of the window's file dialog, or
    /// a default one when the system has none.
    fn file_action(&mut self, action: Action) {
        match action {
            Action::OpenDataDialog => self.ask_path(PathRequest::OpenData),
            Action::OpenLessonDialog => self.ask_path(PathRequest::OpenLesson),
            Action::OpenSessionDialog => self.ask_path(PathRequest::OpenSession),
            Action::SaveSession if !self.screen.has_session() => {
                self.notices.error("There is no session to save yet.".into())
            }
            Action::SaveSession => self.ask_path(PathRequest::SaveSession),
            Action::SaveSessionTo(path) => {
                if let Err(e) = self.save_session_to(&path) {
                    self.notices.error(e);
                }
            }
            Action::ExportAll if !self.screen.has_session() => {
                self.notices.error("There is nothing to export yet.".into())
            }
            Action::ExportAll => self.ask_path(PathRequest::ExportFolder),
            Action::SavePicture { .. } if !self.screen.has_session() => {
                self.notices.error("There is nothing to draw yet.".into())
            }
            Action::SavePicture { view, animate } => self.ask_path(PathRequest::Picture { view, animate }),
            Action::PathChosen { request, path: Some(p) } => match request {
                PathRequest::OpenData => self.start_load(DataSource::File(p)),
                PathRequest::OpenLesson => self.open_lesson(&p),
                PathRequest::OpenSession => self.open_session(&p),
                PathRequest::SaveSession => self.file_action(Action::SaveSessionTo(p)),
                PathRequest::ExportFolder => self.export_to(&p),
                PathRequest::Picture { view, animate } => self.render_picture(view, animate, p),
            },
            Action::NoFileDialog(request) => {
                self.dialog_unavailable = true;
                self.without_dialog(request);
            }
            _ => {}
        }
    }

    /// Asks the window for a path, or goes on without a dialog.
    fn ask_path(&mut self, request: PathRequest) {
        if self.dialog_unavailable {
            self.without_dialog(request);
        } else {
            self.outbox.push(Message::AskPath(request));
        }
    }

    /// What each request does when there is no file dialog: files are
    /// opened through the Path field or by dropping them, and saved under
    /// the data folder, with the path in the status bar.
    fn without_dialog(&mut self, request: PathRequest) {
        match request {
            PathRequest::OpenData => self.notices.error(
                "The system file dialog is not available here (no XDG desktop portal). \
                 Type a path in the Data panel, or drop a file on the window."
                    .into(),
            ),
            PathRequest::OpenLesson => self.notices.error(
                "No file dialog here: start a lesson with `reglab lesson FILE`, or drop the lesson file on the window."
                    .into(),
            ),
            PathRequest::OpenSession => self.notices.error(
                "No file dialog here: type the session's path in the Data panel's Path field, or drop the file on the window."
                    .into(),
            ),
            PathRequest::SaveSession => {
                let path = self.default_session_path();
                self.file_action(Action::SaveSessionTo(path));
            }
            PathRequest::ExportFolder => self.export_to(&self.default_export_dir()),
            PathRequest::Picture { view, animate } => {
                let path = self.default_picture_path(view, animate);
                self.render_picture(view, animate, path);
            }
        }
    }
}

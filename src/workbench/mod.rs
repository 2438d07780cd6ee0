//! What the window works on, without the window: the experiment being
//! edited (one [`Experiment`](crate::experiment::Experiment), the same model
//! as experiment files), the data on screen, the session on screen with
//! each run's settings, colour and history, and the background jobs. It
//! changes only through [`Action`]s, takes in what the trainer and the jobs
//! sent in [`Workbench::poll`], and tells the window what only the window
//! can do through typed [`Message`]s. Tests drive it without a window.
//!
//! One concern per file: [`settings`] (what is remembered), [`actions`]
//! (what is asked), [`intake`] (what comes in), [`loading`], [`session`]
//! (the runs on screen and the session file), [`runs`] (editing them and
//! their live changes), [`autosave`], [`export`], [`studies`] (contours,
//! seeds, the λ path), [`messages`] (back to the window).

pub mod actions;
pub mod autosave;
mod background;
pub mod colors;
pub mod describe;
pub mod export;
pub mod geometry;
pub mod history;
pub mod intake;
pub mod jobs;
pub mod lesson;
pub mod loading;
pub mod messages;
pub mod network;
pub mod runs;
pub mod screen;
pub mod session;
pub mod settings;
pub mod studies;

use std::path::PathBuf;
use std::sync::Arc;

use crate::train::live::{Command, LiveTrainer};
pub use actions::Action;
pub use autosave::{AUTOSAVE_EVERY, KEEP_STOPPED, check_session};
use background::Jobs;
pub use export::{Exported, Exports};
pub use history::{Point, RunHistory, Series};
use jobs::Waker;
pub use lesson::LessonRun;
pub use loading::{DataOnScreen, LoadError};
pub use messages::{IgnoreOffer, Message, Note, Notice, Notices, PathRequest, RenderOrder};
pub use screen::{Screen, ScreenRun};
pub use settings::{Pace, SavedState, Settings, SettingsError, SettingsFile, WATCH_SECONDS};
pub use studies::{Studies, SweepResult};

pub struct Workbench {
    pub settings: Settings,
    pub data: DataOnScreen,
    pub screen: Screen,
    pub studies: Studies,
    pub notices: Notices,
    pub exports: Exports,
    /// A lesson on screen, and its step.
    pub lesson: Option<LessonRun>,
    /// The system file dialog answered nothing at once: it is likely missing.
    pub dialog_unavailable: bool,
    /// Where sessions, exports and the autosave go when there is no file dialog.
    pub data_dir: PathBuf,
    pub(crate) jobs: Jobs,
    pub(crate) autosave: autosave::Autosave,
    /// Messages for the window, taken by [`Workbench::take_messages`].
    pub(crate) outbox: Vec<Message>,
    trainer: Option<LiveTrainer>,
    pub(crate) wake: Waker,
}

impl Workbench {
    /// A workbench with these settings and no data yet; `wake` is called
    /// from other threads when there is something new to take in.
    pub fn new(settings: Settings, wake: Waker) -> Workbench {
        let notify = Arc::clone(&wake);
        let trainer = LiveTrainer::spawn(move || notify()).ok();
        let mut wb = Workbench {
            notices: Notices {
                offer_last_session: settings.last_session.clone().filter(|p| p.exists()),
                ..Notices::default()
            },
            settings,
            data: DataOnScreen::default(),
            screen: Screen::default(),
            studies: Studies::default(),
            exports: Exports::default(),
            lesson: None,
            dialog_unavailable: false,
            data_dir: data_dir(),
            jobs: Jobs::default(),
            autosave: autosave::Autosave::default(),
            outbox: Vec::new(),
            trainer,
            wake,
        };
        if wb.trainer.is_none() {
            wb.notices.error("The training thread could not be started; training is unavailable.".into());
        }
        wb.send_pace();
        wb
    }

    /// The messages for the window since the last call, oldest first.
    pub fn take_messages(&mut self) -> Vec<Message> {
        std::mem::take(&mut self.outbox)
    }

    /// Sends a command to the trainer; `false` (and says so) when it is not answering.
    pub(crate) fn send(&mut self, command: Command) -> bool {
        let ok = self.trainer.as_ref().is_some_and(|t| t.send(command));
        if !ok {
            self.notices.error("The training thread is not answering; restart reglab to train again.".into());
        }
        ok
    }
}

/// Where reglab keeps its files: `$XDG_DATA_HOME/reglab`, else `~/.local/share/reglab`.
pub fn data_dir() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir)
        .join("reglab")
}

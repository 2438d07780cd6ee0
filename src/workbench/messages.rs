//! What the workbench tells the window: typed messages the window drains
//! once per frame, the notices of the status bar, and the offers it shows
//! until they are taken or dismissed.

use std::path::PathBuf;

use crate::experiment::{DataSource, DataSpec, Layout};

/// A message to the window, taken by it once.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// An experiment was opened: the sparsity plot takes its ε (the nearest
    /// one recorded) and the views take its arrangement.
    Opened { epsilon: f64, layout: Layout },
    /// An export wants the window's pictures in this folder; the window
    /// answers with [`super::Action::PicturesWritten`].
    TakePictures(PathBuf),
    /// The window asks for a path (a file dialog) and answers with
    /// [`super::Action::PathChosen`], or [`super::Action::NoFileDialog`]
    /// when the system has no dialog to show.
    AskPath(PathRequest),
    /// Show this view alone (`None`: all the views again): a lesson's cue.
    Maximise(Option<crate::experiment::ViewKind>),
    /// Arrange the views so: a lesson's step.
    Layout(Layout),
    /// Draw a view of the session on screen into a file, as `reglab
    /// render` does; the window answers with
    /// [`super::Action::PictureWritten`].
    Render(RenderOrder),
}

/// A picture (or an animation) of a view of the session on screen: the
/// session, saved for it, is trained again to its epoch by the same code as
/// `reglab render` and drawn at 2 pixels per point.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOrder {
    pub view: crate::experiment::ViewKind,
    pub animate: bool,
    /// The session as it is on screen (a file of its own, removed after).
    pub session: PathBuf,
    /// The epoch on screen: a still is drawn there, an animation ends there.
    pub epoch: usize,
    pub out: PathBuf,
}

/// What a path is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathRequest {
    OpenData,
    OpenLesson,
    OpenSession,
    SaveSession,
    ExportFolder,
    /// A file for a picture of a view, or an animation of it.
    Picture {
        view: crate::experiment::ViewKind,
        animate: bool,
    },
}

/// A message in the status area.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
}

/// The name and explanation of the preset (or named session) on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub name: String,
    pub description: String,
}

/// A load stopped by a column of too many text values: setting it aside
/// (one click) loads the file.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoreOffer {
    pub column: String,
    pub source: DataSource,
    pub data: DataSpec,
}

/// Notices have at most this many characters: a message quotes a value,
/// never a whole file.
const MAX_NOTICE_CHARS: usize = 400;

/// The status bar's notices and offers.
#[derive(Debug, Default)]
pub struct Notices {
    /// The newest last; at most a few.
    pub list: Vec<Notice>,
    pub offer_ignore: Option<IgnoreOffer>,
    /// The session autosaved by a reglab that did not close cleanly, offered
    /// back until opened or dismissed: the newest found at this start.
    pub offer_restore: Option<PathBuf>,
    /// Every session kept of reglabs that stopped without closing, newest
    /// first (at most [`super::autosave::KEEP_STOPPED`]), each checked, to
    /// be opened with [`super::Action::OpenSessionFile`].
    pub stopped_sessions: Vec<PathBuf>,
    /// The last session, offered until something else is opened.
    pub offer_last_session: Option<PathBuf>,
    /// Background work or runs that stopped with an internal error (a bug:
    /// each is reported, and the rest goes on).
    pub internal_errors: usize,
}

impl Notices {
    pub fn error(&mut self, text: String) {
        self.push(Notice { error: true, text });
    }

    pub fn info(&mut self, text: String) {
        self.push(Notice { error: false, text });
    }

    /// An internal error (a thread that ended without an answer, a run that panicked).
    pub fn internal(&mut self, text: String) {
        self.internal_errors += 1;
        self.error(text);
    }

    fn push(&mut self, mut notice: Notice) {
        if notice.text.chars().count() > MAX_NOTICE_CHARS {
            notice.text = notice.text.chars().take(MAX_NOTICE_CHARS - 1).chain(['…']).collect();
        }
        // The same words again replace the older ones instead of filling the bar.
        self.list.retain(|n| *n != notice);
        self.list.push(notice);
        if self.list.len() > 6 {
            self.list.remove(0);
        }
    }

    pub fn clear(&mut self) {
        self.list.clear();
    }
}

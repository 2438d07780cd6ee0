//! The system's file dialogs (rfd), each on its own thread as a job, so
//! that the window keeps drawing. A dialog that answers nothing at once was
//! never shown (rfd's Linux backend needs an XDG desktop portal): the
//! workbench is told there is none, and opens and saves without one.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::workbench::jobs::{Job, NoProgress, Poll, Waker};
use crate::workbench::{Action, PathRequest};

/// How long a real file dialog takes a person at least: one that answers
/// sooner was never shown.
const DIALOG_MIN: Duration = Duration::from_millis(700);

/// The file dialog open, if any.
#[derive(Default)]
pub struct Dialogs {
    open: Option<(PathRequest, Job<Option<PathBuf>, NoProgress>)>,
}

impl Dialogs {
    /// Shows the dialog for `request` (one at a time); the folder of the
    /// last file opened is where an Open dialog starts.
    pub fn ask(&mut self, request: PathRequest, start_dir: Option<&Path>, wake: Waker) -> Result<(), String> {
        if self.open.is_some() {
            return Ok(());
        }
        let start_dir = start_dir.map(Path::to_path_buf);
        let work = move |_: &NoProgress| show(request, start_dir);
        let job = Job::spawn("dialog", "a file dialog".into(), Arc::new(NoProgress), wake, work)
            .map_err(|e| format!("cannot open the file dialog: {e}"))?;
        self.open = Some((request, job));
        Ok(())
    }

    /// The answer of the dialog, once it has one.
    pub fn poll(&mut self) -> Option<Action> {
        let (request, job) = self.open.as_ref()?;
        let request = *request;
        let answer = match job.poll() {
            Poll::Pending => return None,
            Poll::Ready(answer) => answer,
            Poll::Lost => None,
        };
        let quick = job.elapsed() < DIALOG_MIN;
        self.open = None;
        Some(match answer {
            None if quick => Action::NoFileDialog(request),
            path => Action::PathChosen { request, path },
        })
    }
}

fn show(request: PathRequest, start_dir: Option<PathBuf>) -> Option<PathBuf> {
    use rfd::FileDialog;
    match request {
        PathRequest::OpenData => {
            let mut d = FileDialog::new()
                .set_title("Open a dataset")
                .add_filter(
                    "Data files",
                    &["csv", "tsv", "txt", "gz", "libsvm", "svm", "svmlight", "arff", "xlsx", "xls", "ods"],
                )
                .add_filter("All files", &["*"]);
            if let Some(dir) = start_dir {
                d = d.set_directory(dir);
            }
            d.pick_file()
        }
        PathRequest::OpenLesson => {
            FileDialog::new().add_filter("reglab lesson", &["toml"]).set_title("Open a lesson").pick_file()
        }
        PathRequest::OpenSession => {
            FileDialog::new().add_filter("reglab session", &["toml"]).set_title("Open a session").pick_file()
        }
        PathRequest::SaveSession => FileDialog::new()
            .add_filter("reglab session", &["toml"])
            .set_file_name("session.toml")
            .set_title("Save the session")
            .save_file(),
        PathRequest::ExportFolder => FileDialog::new().set_title("Export into a folder").pick_folder(),
        PathRequest::Picture { view, animate } => FileDialog::new()
            .add_filter(if animate { "Animated PNG" } else { "PNG" }, &["png"])
            .set_file_name(format!("{}{}.png", view.id(), if animate { "-animation" } else { "" }))
            .set_title(if animate {
                "Record the view as an animated PNG"
            } else {
                "Save a picture of the view"
            })
            .save_file(),
    }
}

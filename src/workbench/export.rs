//! Export all: the session, the metrics and the weights (written by the
//! trainer with the writers of `reglab train`) and the window's pictures,
//! into one folder.

use std::path::{Path, PathBuf};

use super::Workbench;
use super::messages::{Message, RenderOrder};
use crate::experiment::ViewKind;
use crate::train::live::{Command, ExportError};
use crate::train::write_atomic;

/// An export under way: the trainer writes the metrics and weights, the
/// window its pictures.
#[derive(Debug)]
struct UnderWay {
    dir: PathBuf,
    files: Vec<String>,
    trainer_done: bool,
    pictures_done: bool,
}

/// A finished export: its folder and the files written there.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub dir: PathBuf,
    pub files: Vec<String>,
}

/// Exports: the one under way and the last finished.
#[derive(Debug, Default)]
pub struct Exports {
    under_way: Option<UnderWay>,
    pub last: Option<Exported>,
    /// The window takes pictures of exports (headless, nobody does).
    pub takes_pictures: bool,
}

impl Exports {
    pub fn is_under_way(&self) -> bool {
        self.under_way.is_some()
    }
}

impl Workbench {
    /// Starts an export into `dir`: the session now, the metrics and the
    /// weights from the trainer, and the window's pictures when it has
    /// taken them.
    pub fn export_to(&mut self, dir: &Path) {
        if self.exports.under_way.is_some() {
            return self.notices.error("An export is already under way.".into());
        }
        let Some(session) = self.session_experiment() else {
            return self.notices.error("There is nothing to export yet.".into());
        };
        if let Err(e) = std::fs::create_dir_all(dir) {
            return self.notices.error(format!("{}: cannot create the folder: {e}", dir.display()));
        }
        let mut files = Vec::new();
        let target = dir.join("session.toml");
        match session.to_toml() {
            Ok(text) => match write_atomic(&target, text.as_bytes()) {
                Ok(()) => files.push("session.toml".to_string()),
                Err(e) => self.notices.error(format!("{}: {e}", target.display())),
            },
            Err(e) => self.notices.error(e.to_string()),
        }
        let pictures = self.exports.takes_pictures;
        self.exports.under_way =
            Some(UnderWay { dir: dir.to_path_buf(), files, trainer_done: false, pictures_done: !pictures });
        if pictures {
            self.outbox.push(Message::TakePictures(dir.to_path_buf()));
        }
        self.send(Command::Export(dir.to_path_buf()));
    }

    /// The trainer wrote the metrics and the weights, or could not.
    pub(crate) fn trainer_exported(&mut self, result: Result<Vec<String>, ExportError>) {
        match (result, self.exports.under_way.as_mut()) {
            (Ok(files), Some(export)) => {
                export.files.extend(files);
                export.trainer_done = true;
                self.finish_export_if_ready();
            }
            (Err(e), Some(_)) => {
                self.exports.under_way = None;
                self.notices.error(format!("The export failed: {e}"));
            }
            (Err(e), None) => self.notices.error(e.to_string()),
            (Ok(_), None) => {}
        }
    }

    /// The window wrote its pictures (or some could not be written).
    pub(crate) fn pictures_written(&mut self, files: Vec<String>, errors: Vec<String>) {
        for e in errors {
            self.notices.error(e);
        }
        if let Some(export) = self.exports.under_way.as_mut() {
            export.files.extend(files);
            export.pictures_done = true;
            self.finish_export_if_ready();
        }
    }

    fn finish_export_if_ready(&mut self) {
        if !self.exports.under_way.as_ref().is_some_and(|e| e.trainer_done && e.pictures_done) {
            return;
        }
        let Some(UnderWay { dir, files, .. }) = self.exports.under_way.take() else { return };
        self.notices.info(format!("Exported {} files to {}", files.len(), dir.display()));
        self.exports.last = Some(Exported { dir, files });
    }

    /// Where sessions go when there is no file dialog.
    pub fn default_session_path(&self) -> PathBuf {
        unused(&self.data_dir.join("sessions"), "session", ".toml")
    }

    /// Where exports go when there is no folder dialog.
    pub fn default_export_dir(&self) -> PathBuf {
        unused(&self.data_dir.join("exports"), "export", "")
    }

    /// View `kind` has something to show for the session on screen (a
    /// picture of it is worth a file).
    pub fn shows(&self, kind: ViewKind) -> bool {
        match kind {
            ViewKind::Boundary => self.screen.boundary.is_some(),
            ViewKind::Path => self.studies.sweep.is_some(),
            ViewKind::Accuracy => self.data.prepared.as_ref().is_some_and(|p| p.task.is_classification()),
            _ => true,
        }
    }

    /// Where a picture goes without a file dialog: `exports/VIEW-DATE.png`
    /// (`VIEW-animation-DATE.png` for an animation).
    pub fn default_picture_path(&self, view: ViewKind, animate: bool) -> PathBuf {
        let prefix = if animate { format!("{}-animation", view.id()) } else { view.id().to_string() };
        unused(&self.data_dir.join("exports"), &prefix, ".png")
    }

    /// Saves the session on screen for the window to draw `view` of it
    /// into `out`, at the epoch on screen.
    pub(crate) fn render_picture(&mut self, view: ViewKind, animate: bool, out: PathBuf) {
        let Some(mut exp) = self.session_experiment() else {
            return self.notices.error("There is nothing to draw yet.".into());
        };
        // Drawn at the epoch on screen: the session is trained to it by the picture's own code.
        exp.reached = None;
        let epoch = self.screen.epoch();
        let text = match exp.to_toml() {
            Ok(t) => t,
            Err(e) => return self.notices.error(format!("cannot draw the {} view: {e}", view.id())),
        };
        static ORDERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let k = ORDERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let session = std::env::temp_dir().join(format!("reglab-picture-{}-{k}.toml", std::process::id()));
        if let Err(e) = write_atomic(&session, text.as_bytes()) {
            return self.notices.error(format!(
                "cannot draw the {} view: {}: {e}",
                view.id(),
                session.display()
            ));
        }
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            return self.notices.error(format!("{}: {e}", dir.display()));
        }
        self.outbox.push(Message::Render(RenderOrder { view, animate, session, epoch, out }));
    }
}

/// `dir/PREFIX-DATE_TIME[-k]SUFFIX`, the first of these that does not exist.
fn unused(dir: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let base = format!("{prefix}-{}", stamp());
    (1..)
        .map(|k| {
            if k == 1 { dir.join(format!("{base}{suffix}")) } else { dir.join(format!("{base}-{k}{suffix}")) }
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join(format!("{base}{suffix}")))
}

/// The date and time (UTC) as a name part, `2026-11-30_15-42-07`.
pub(crate) fn stamp() -> String {
    stamp_at(std::time::SystemTime::now())
}

/// The date and time (UTC) of `time` as a name part.
pub(crate) fn stamp_at(time: std::time::SystemTime) -> String {
    let secs = time.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}_{:02}-{:02}-{:02}", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard
/// Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_become_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_422), (2025, 11, 30));
        assert_eq!(super::civil_from_days(11_016), (2000, 2, 29));
    }
}

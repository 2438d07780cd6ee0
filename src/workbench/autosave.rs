//! The session on screen, autosaved every few seconds when it changed, so
//! that nothing is lost when reglab is killed or crashes; at the next start
//! it is offered back.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::Workbench;
use crate::train::write_atomic;

/// How often the session on screen is autosaved when it changed.
pub const AUTOSAVE_EVERY: Duration = Duration::from_secs(3);

/// Autosaving: whether it is on and what it wrote last.
#[derive(Debug)]
pub(crate) struct Autosave {
    /// The window turns it on; tests and headless use leave it off.
    pub on: bool,
    /// The text last written (empty after a failure, said once).
    last: Option<String>,
    checked: Instant,
}

impl Default for Autosave {
    fn default() -> Self {
        Autosave { on: false, last: None, checked: Instant::now() }
    }
}

impl Workbench {
    /// Autosaves the session on screen from now on, under the data folder,
    /// after offering back one a reglab that stopped without closing left.
    pub fn enable_autosave(&mut self) {
        self.autosave.on = true;
        self.offer_stopped_session();
    }

    /// Where the session on screen is autosaved.
    pub fn autosave_path(&self) -> PathBuf {
        self.data_dir.join("autosave").join("session.toml")
    }

    /// An autosave left by a reglab that did not close cleanly is moved
    /// aside (so that this one's autosaves do not overwrite it) and offered.
    fn offer_stopped_session(&mut self) {
        let path = self.autosave_path();
        if path.exists() {
            let previous = path.with_file_name("before-last-stop.toml");
            self.notices.offer_restore = match std::fs::rename(&path, &previous) {
                Ok(()) => Some(previous),
                Err(_) => Some(path),
            };
        }
    }

    /// Writes the autosave when it is due.
    pub(crate) fn autosave_if_due(&mut self) {
        if self.autosave.on && self.autosave.checked.elapsed() >= AUTOSAVE_EVERY {
            self.autosave.checked = Instant::now();
            self.write_autosave();
        }
    }

    /// Writes the session on screen to the autosave file (atomically) when
    /// it changed since the last time.
    fn write_autosave(&mut self) {
        let Some(exp) = self.session_experiment() else { return };
        let Ok(text) = exp.to_toml() else { return };
        if self.autosave.last.as_deref() == Some(text.as_str()) {
            return;
        }
        let path = self.autosave_path();
        let header =
            "# reglab's autosave of the session on screen; offered back if reglab stops without closing.\n";
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| write_atomic(&path, format!("{header}{text}").as_bytes()));
        match written {
            Ok(()) => self.autosave.last = Some(text),
            Err(e) => {
                // Said once, not every few seconds.
                if self.autosave.last.as_deref() != Some("") {
                    self.notices.error(format!("{}: cannot autosave: {e}", path.display()));
                }
                self.autosave.last = Some(String::new());
            }
        }
    }

    /// reglab closes cleanly: nothing to offer back at the next start.
    pub fn clean_exit(&mut self) {
        if self.autosave.on {
            let _ = std::fs::remove_file(self.autosave_path());
        }
    }
}

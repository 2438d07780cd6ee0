//! The session on screen, autosaved a few seconds after it changed, so
//! that nothing is lost when reglab is killed or crashes; at the next start
//! it is offered back.
//!
//! Each window has an autosave of its own, `autosave/session-ID.toml`, and
//! holds a lock on `autosave/session-ID.lock` while it runs; the system
//! releases the lock when the process ends, however it ends. At its start a
//! window takes over only the autosaves whose lock is free, the sessions of
//! reglabs that stopped without closing: each is checked (read as an
//! experiment), kept as `stopped-DATE_TIME.toml` (the newest
//! [`KEEP_STOPPED`]) and offered. The autosave of a window still running is
//! left alone, and a clean exit removes only the window's own.
//!
//! The autosave does not wait for input: when the session may have changed
//! (an action, something from the trainer or a job), a timer thread wakes
//! the window once the autosave is due, and [`Workbench::poll`] writes it.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::time::{Duration, Instant, SystemTime};

use super::Workbench;
use super::jobs::Waker;
use crate::experiment::Experiment;
use crate::train::write_atomic;

/// How often the session on screen is autosaved when it changed.
pub const AUTOSAVE_EVERY: Duration = Duration::from_secs(3);

/// How many sessions of reglabs that stopped without closing are kept,
/// newest first; older ones are removed.
pub const KEEP_STOPPED: usize = 5;

/// Autosaving: whether it is on, this window's files, and what it wrote last.
#[derive(Debug)]
pub(crate) struct Autosave {
    /// The window turns it on; tests and headless use leave it off.
    pub on: bool,
    /// This window's name among the autosaves.
    id: String,
    /// The lock held while this window runs: it tells other windows that
    /// its autosave is live.
    lock: Option<File>,
    /// The text last written (empty after a failure, said once).
    last: Option<String>,
    checked: Instant,
    /// The session may have changed since the last check.
    pending: bool,
    /// Wakes the window when the autosave is due.
    timer: Option<SyncSender<Instant>>,
}

static WINDOWS: AtomicUsize = AtomicUsize::new(0);

impl Default for Autosave {
    fn default() -> Self {
        let id = format!("{}-{}", std::process::id(), WINDOWS.fetch_add(1, Ordering::Relaxed));
        Autosave {
            on: false,
            id,
            lock: None,
            last: None,
            checked: Instant::now(),
            pending: false,
            timer: None,
        }
    }
}

impl Workbench {
    /// Autosaves the session on screen from now on, under the data folder,
    /// after taking over (and offering back) the sessions of reglabs that
    /// stopped without closing.
    pub fn enable_autosave(&mut self) {
        self.autosave.on = true;
        let dir = self.autosave_dir();
        if let Err(e) = std::fs::create_dir_all(&dir) {
            return self.notices.error(format!("{}: cannot autosave there: {e}", dir.display()));
        }
        self.take_lock(&dir);
        self.take_over_stopped(&dir);
        self.autosave.timer = spawn_timer(std::sync::Arc::clone(&self.wake));
    }

    /// The folder of the autosaves.
    pub fn autosave_dir(&self) -> PathBuf {
        self.data_dir.join("autosave")
    }

    /// Where this window autosaves the session on screen.
    pub fn autosave_path(&self) -> PathBuf {
        self.autosave_dir().join(format!("session-{}.toml", self.autosave.id))
    }

    fn lock_path(&self) -> PathBuf {
        self.autosave_dir().join(format!("session-{}.lock", self.autosave.id))
    }

    /// Takes this window's lock, under a name no other autosave has (a
    /// process id may come back after a restart).
    fn take_lock(&mut self, dir: &Path) {
        let pid = std::process::id();
        for _ in 0..1000 {
            let (toml, lock) = (self.autosave_path(), self.lock_path());
            if toml.exists() || lock.exists() {
                self.autosave.id = format!("{pid}-{}", WINDOWS.fetch_add(1, Ordering::Relaxed));
                continue;
            }
            let Ok(file) = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&lock)
            else {
                self.autosave.id = format!("{pid}-{}", WINDOWS.fetch_add(1, Ordering::Relaxed));
                continue;
            };
            // The process id is for a system without file locks (and for
            // a person looking in the folder).
            let _ = std::io::Write::write_all(&mut &file, format!("{pid}\n").as_bytes());
            // Where the system has no file locks, other windows fall back
            // on the process id.
            let _ = file.try_lock();
            self.autosave.lock = Some(file);
            return;
        }
        self.notices.error(format!("{}: cannot take a name for this window's autosave", dir.display()));
    }

    /// Takes over the autosaves of reglabs that are no longer running:
    /// checked, kept as stopped sessions and offered, newest first.
    fn take_over_stopped(&mut self, dir: &Path) {
        let own = format!("session-{}.toml", self.autosave.id);
        let mut found = Vec::new();
        for path in files_in(dir) {
            let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else { continue };
            // `session.toml` and `before-last-stop.toml`: the autosaves of
            // a reglab from before the locks, never live here.
            let old = name == "session.toml" || name == "before-last-stop.toml";
            let live = name.starts_with("session-") && name.ends_with(".toml") && name != own;
            if !old && !live {
                continue;
            }
            let lock = path.with_extension("lock");
            let owner = live.then(|| Owner::of(&lock));
            if owner.as_ref().is_some_and(Owner::is_running) {
                continue;
            }
            if let Some(kept) = self.keep_stopped(&path) {
                found.push(kept);
            }
            // Still locked by this window: the stopped one cannot start again.
            if owner.is_some() {
                let _ = std::fs::remove_file(&lock);
            }
        }
        remove_abandoned_locks(dir);
        let kept = rotate_stopped(dir);
        found.retain(|p| kept.contains(p));
        self.notices.offer_restore = kept.iter().find(|p| found.contains(p)).cloned();
        self.notices.stopped_sessions = kept;
    }

    /// Checks the autosave at `path` and keeps it as a stopped session;
    /// one that cannot be read is moved aside and said, not offered.
    fn keep_stopped(&mut self, path: &Path) -> Option<PathBuf> {
        let dir = path.parent()?;
        let when = std::fs::metadata(path).and_then(|m| m.modified()).unwrap_or_else(|_| SystemTime::now());
        let problem = match std::fs::read_to_string(path) {
            Ok(text) => check_session(&text).err(),
            Err(e) => Some(e.to_string()),
        };
        if let Some(problem) = problem {
            let aside = unused(dir, &format!("{}.corrupt-{}", file_name(path), super::export::stamp()), "");
            let kept = match std::fs::rename(path, &aside) {
                Ok(()) => format!("it is kept as {}", aside.display()),
                Err(_) => format!("it stays at {}", path.display()),
            };
            self.notices.error(format!(
                "The session autosaved by a reglab that stopped without closing cannot be read ({problem}); {kept}."
            ));
            return None;
        }
        let target = unused(dir, &format!("stopped-{}", super::export::stamp_at(when)), ".toml");
        match std::fs::rename(path, &target) {
            Ok(()) => Some(target),
            // Another window starting at the same time took it over.
            Err(_) => None,
        }
    }

    /// Notes that the session on screen may have changed: the autosave
    /// follows within [`AUTOSAVE_EVERY`], whether or not input arrives.
    pub(crate) fn session_may_have_changed(&mut self) {
        if !self.autosave.on || self.autosave.pending {
            return;
        }
        self.autosave.pending = true;
        if let Some(timer) = &self.autosave.timer {
            let due = self.autosave.checked + AUTOSAVE_EVERY;
            match timer.try_send(due) {
                // Full: a wake is already on its way.
                Ok(()) | Err(TrySendError::Full(_)) => {}
                Err(TrySendError::Disconnected(_)) => self.autosave.timer = None,
            }
        }
    }

    /// Writes the autosave when it is due; otherwise `again` becomes at
    /// most the time until it is.
    pub(crate) fn autosave_if_due(&mut self, again: &mut Option<Duration>) {
        if !self.autosave.on || !self.autosave.pending {
            return;
        }
        let since = self.autosave.checked.elapsed();
        if since >= AUTOSAVE_EVERY {
            self.autosave.checked = Instant::now();
            self.autosave.pending = false;
            self.write_autosave();
        } else {
            let left = AUTOSAVE_EVERY - since;
            *again = Some(again.map_or(left, |a| a.min(left)));
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

    /// reglab is stopped from outside (SIGTERM, a logout): the autosave is
    /// brought up to date and kept, to be offered at the next start.
    pub fn autosave_now(&mut self) {
        if self.autosave.on {
            self.autosave.checked = Instant::now();
            self.autosave.pending = false;
            self.write_autosave();
        }
    }

    /// reglab closes cleanly: this window's autosave has nothing to offer
    /// back at the next start. Other windows' autosaves stay.
    pub fn clean_exit(&mut self) {
        if self.autosave.on {
            let _ = std::fs::remove_file(self.autosave_path());
            if self.autosave.lock.take().is_some() {
                let _ = std::fs::remove_file(self.lock_path());
            }
            self.autosave.on = false;
        }
    }
}

/// Whether an autosave can be opened: it reads as an experiment whose
/// names and runs fit on screen.
pub fn check_session(text: &str) -> Result<Experiment, String> {
    let exp = Experiment::from_toml(text).map_err(|e| e.message().trim().to_string())?;
    crate::train::check_bounds(exp.name.as_deref(), &exp.runs).map_err(|e| e.to_string())?;
    Ok(exp)
}

/// The window that holds an autosave's lock.
enum Owner {
    /// The lock is held: the window runs.
    Running,
    /// The lock is free: the window stopped. Held by this window until
    /// dropped, so that the stopped one is taken over once.
    Stopped { _lock: Option<File> },
}

impl Owner {
    fn of(lock: &Path) -> Owner {
        let Ok(file) = File::open(lock) else { return Owner::Stopped { _lock: None } };
        match file.try_lock() {
            Ok(()) => Owner::Stopped { _lock: Some(file) },
            Err(std::fs::TryLockError::WouldBlock) => Owner::Running,
            // No file locks here: the process id written in the file tells.
            Err(std::fs::TryLockError::Error(_)) => {
                let pid = std::fs::read_to_string(lock).ok().and_then(|t| t.trim().parse::<u32>().ok());
                match pid {
                    Some(pid) if process_gone(pid) => Owner::Stopped { _lock: None },
                    _ => Owner::Running,
                }
            }
        }
    }

    fn is_running(&self) -> bool {
        matches!(self, Owner::Running)
    }
}

/// Whether process `pid` is known to have ended: only where `/proc` tells.
fn process_gone(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

/// Lock files without an autosave, left by windows that stopped before
/// their first autosave. A minute's grace: a window just starting has
/// made its lock file and is about to lock it.
fn remove_abandoned_locks(dir: &Path) {
    for path in files_in(dir) {
        let name = file_name(&path);
        if !(name.starts_with("session-") && name.ends_with(".lock")) || path.with_extension("toml").exists()
        {
            continue;
        }
        let old = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > Duration::from_secs(60)));
        if old && !Owner::of(&path).is_running() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// The stopped sessions, newest first; all but the newest
/// [`KEEP_STOPPED`] are removed.
fn rotate_stopped(dir: &Path) -> Vec<PathBuf> {
    let mut stopped: Vec<(SystemTime, PathBuf)> = files_in(dir)
        .into_iter()
        .filter(|p| {
            let name = file_name(p);
            name.starts_with("stopped-") && name.ends_with(".toml")
        })
        .map(|p| (std::fs::metadata(&p).and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH), p))
        .collect();
    stopped.sort_by(|a, b| b.cmp(a));
    for (_, old) in stopped.iter().skip(KEEP_STOPPED) {
        let _ = std::fs::remove_file(old);
    }
    stopped.into_iter().take(KEEP_STOPPED).map(|(_, p)| p).collect()
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default()
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// `dir/BASE SUFFIX`, or `dir/BASE-k SUFFIX`: the first that does not exist.
fn unused(dir: &Path, base: &str, suffix: &str) -> PathBuf {
    (1..1000)
        .map(|k| if k == 1 { format!("{base}{suffix}") } else { format!("{base}-{k}{suffix}") })
        .map(|n| dir.join(n))
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join(format!("{base}{suffix}")))
}

/// A thread that calls `wake` when the earliest time it was sent comes; it
/// ends with the workbench (the sender).
fn spawn_timer(wake: Waker) -> Option<SyncSender<Instant>> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Instant>(1);
    std::thread::Builder::new().name("reglab-autosave-timer".into()).spawn(move || timer(&rx, &wake)).ok()?;
    Some(tx)
}

fn timer(rx: &Receiver<Instant>, wake: &Waker) {
    let mut due: Option<Instant> = None;
    loop {
        let next = match due {
            Some(at) => rx.recv_timeout(at.saturating_duration_since(Instant::now())),
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match next {
            Ok(at) => due = Some(due.map_or(at, |d| d.min(at))),
            Err(RecvTimeoutError::Timeout) => {
                due = None;
                wake();
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

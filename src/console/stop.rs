//! SIGINT (Ctrl-C) and SIGTERM while a command works: the first asks the
//! work to stop at the end of the current epoch, so that the command can
//! write complete files for the epochs done and exit 130 or 143; a second
//! ends the process at once, as it would without reglab's handler.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The stop switch the signals turn on, and which signal did.
#[derive(Debug)]
pub struct StopSignals {
    stop: Arc<AtomicBool>,
    signal: Arc<AtomicUsize>,
}

impl StopSignals {
    /// Listens for SIGINT and SIGTERM for the rest of the process (a
    /// command is the whole process). A signal ignored when reglab started
    /// (a background job of a script) stays ignored.
    pub fn install() -> StopSignals {
        let stop = Arc::new(AtomicBool::new(false));
        let signal = Arc::new(AtomicUsize::new(0));
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGINT, SIGTERM};
            use signal_hook::flag;
            for sig in [SIGINT, SIGTERM] {
                if ignored(sig) {
                    continue;
                }
                // Registered first, so it runs first: it ends the process
                // only when the switch is already on, that is at the second
                // signal.
                // A signal that cannot be caught keeps its default action,
                // which ends the process as before.
                let _ = flag::register_conditional_shutdown(sig, 128 + sig, Arc::clone(&stop));
                let _ = flag::register_usize(sig, Arc::clone(&signal), sig as usize);
                let _ = flag::register(sig, Arc::clone(&stop));
            }
        }
        StopSignals { stop, signal }
    }

    /// The switch to hand to the training.
    pub fn flag(&self) -> &AtomicBool {
        &self.stop
    }

    /// The signal that asked to stop, if one did.
    pub fn received(&self) -> Option<i32> {
        match self.signal.load(Ordering::SeqCst) {
            0 => self.stop.load(Ordering::SeqCst).then_some(0),
            s => Some(s as i32),
        }
    }
}

/// The name of a signal, for messages.
pub fn signal_name(signal: i32) -> String {
    #[cfg(unix)]
    {
        if let Some(name) = signal_hook::low_level::signal_name(signal) {
            return name.to_string();
        }
    }
    format!("signal {signal}")
}

/// Whether `sig` was set to be ignored when reglab started.
#[cfg(unix)]
pub fn ignored(sig: i32) -> bool {
    // SAFETY: sigaction with a null new action only reads the current one
    // into `old`, which is a plain C struct that zeroed memory initialises.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN
    }
}

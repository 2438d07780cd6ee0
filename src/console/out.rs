//! Standard output and standard error of the commands. A reader that goes
//! away early (`reglab data big.csv | head -1`) or a stream closed before
//! the start is not a failure of the work: output ends quietly there, as
//! with git or ripgrep, and never with a panic (`println!` panics on a
//! broken pipe, since Rust ignores SIGPIPE).

use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Standard output has no reader any more: the rest of the output goes
/// nowhere, and a command that only prints may stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("standard output is closed")]
pub struct Closed;

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes to standard output; `Err(Closed)` once nobody reads it. Other
/// write errors (a full disk behind a redirection) end the output too: the
/// command cannot say more there.
pub fn out(args: fmt::Arguments<'_>) -> Result<(), Closed> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Err(Closed);
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(_) => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Err(Closed)
        }
    }
}

/// Writes to standard error, ignoring a stream nobody reads: it has no
/// other place to go.
pub fn err(args: fmt::Arguments<'_>) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_fmt(args).and_then(|()| stderr.flush());
}

/// `println!` that ends quietly on a closed standard output:
/// `outln!(...)?` in a command returns `Ok` with exit 0.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::console::out::out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that never panics.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::console::out::err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

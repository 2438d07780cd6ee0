//! What every loader reads through: a reader that stops at once when the
//! load is cancelled and refuses a line longer than any table has; streams
//! (a FIFO, a pipe, a terminal) read on a thread of their own, so that a
//! FIFO that has no writer yet can be abandoned; and the memory budget that
//! files and streams alike are held to.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::time::Duration;

use super::error::format_bytes;
use super::{DataError, LoadProgress};

/// A line longer than this is not a line of a table.
pub const MAX_LINE_BYTES: u64 = 256 << 20;

/// How often a wait on a stream looks at the cancel flag.
const POLL: Duration = Duration::from_millis(50);

/// Memory the loaders may fill: half of what the system has available
/// (Linux `MemAvailable`), or 4 GB where that cannot be read.
pub fn memory_budget_bytes() -> u64 {
    let available = std::fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        text.lines()
            .find(|l| l.starts_with("MemAvailable:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map(|kb| kb.saturating_mul(1024))
    });
    available.map_or(4_000_000_000, |b| b / 2)
}

/// Why a guarded read stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Cancelled,
    LineTooLong,
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stop::Cancelled => "cancelled",
            Stop::LineTooLong => "a line too long",
        })
    }
}

impl std::error::Error for Stop {}

/// The loader's error for an I/O error, which may be a [`Stop`].
pub fn io_error(shown: &str, e: io::Error) -> DataError {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<Stop>()) {
        Some(Stop::Cancelled) => DataError::Cancelled { path: shown.to_string() },
        Some(Stop::LineTooLong) => {
            DataError::LineTooLong { path: shown.to_string(), line: 0, limit: format_bytes(MAX_LINE_BYTES) }
        }
        None => DataError::Io { path: shown.to_string(), source: e },
    }
}

/// Stops a read when the load is cancelled or a line grows past
/// [`MAX_LINE_BYTES`].
pub struct Guard<'a, R> {
    inner: R,
    progress: Option<&'a LoadProgress>,
    line_bytes: u64,
    max_line: u64,
}

impl<'a, R: Read> Guard<'a, R> {
    pub fn new(inner: R, progress: Option<&'a LoadProgress>) -> Self {
        Guard { inner, progress, line_bytes: 0, max_line: MAX_LINE_BYTES }
    }
}

impl<R: Read> Read for Guard<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.progress.is_some_and(LoadProgress::is_cancelled) {
            return Err(io::Error::other(Stop::Cancelled));
        }
        let n = self.inner.read(buf)?;
        match buf[..n].iter().rposition(|&b| b == b'\n') {
            Some(p) => self.line_bytes = (n - p - 1) as u64,
            None => self.line_bytes += n as u64,
        }
        if self.line_bytes > self.max_line {
            return Err(io::Error::other(Stop::LineTooLong));
        }
        Ok(n)
    }
}

/// Chunks of a stream read on a thread of its own. Dropping the reader
/// abandons the thread: it ends when its next read or open returns.
pub struct StreamReader<'a> {
    chunks: Receiver<io::Result<Vec<u8>>>,
    progress: Option<&'a LoadProgress>,
    current: Vec<u8>,
    at: usize,
    done: bool,
}

/// Opens `path` (a FIFO, a character device) and reads it on a named
/// thread; waiting for it gives up when `progress` is cancelled.
pub fn open_stream<'a>(path: &Path, progress: Option<&'a LoadProgress>) -> io::Result<StreamReader<'a>> {
    let (tx, rx) = sync_channel(4);
    let path: PathBuf = path.to_path_buf();
    std::thread::Builder::new().name("reglab-stream-reader".into()).spawn(move || pump(&path, &tx))?;
    Ok(StreamReader { chunks: rx, progress, current: Vec::new(), at: 0, done: false })
}

fn pump(path: &Path, tx: &SyncSender<io::Result<Vec<u8>>>) {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            let _ = tx.send(Err(e));
            return;
        }
    };
    loop {
        let mut chunk = vec![0u8; 64 * 1024];
        match file.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => {
                chunk.truncate(n);
                if tx.send(Ok(chunk)).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
}

impl StreamReader<'_> {
    /// The next chunk, or None at the end of the stream.
    fn next_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if self.progress.is_some_and(LoadProgress::is_cancelled) {
                return Err(io::Error::other(Stop::Cancelled));
            }
            match self.chunks.recv_timeout(POLL) {
                Ok(chunk) => return chunk.map(Some),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(None),
            }
        }
    }
}

impl Read for StreamReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.current.len() {
            if self.done {
                return Ok(0);
            }
            match self.next_chunk()? {
                Some(chunk) => (self.current, self.at) = (chunk, 0),
                None => {
                    self.done = true;
                    return Ok(0);
                }
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_without_end_is_stopped() {
        let mut g = Guard::new(io::repeat(b'x'), None);
        g.max_line = 1 << 20;
        let err = io::copy(&mut g, &mut io::sink()).unwrap_err();
        assert!(matches!(io_error("s", err), DataError::LineTooLong { .. }));
    }

    #[test]
    fn a_cancelled_read_stops() {
        let p = LoadProgress::new();
        p.cancel();
        let mut g = Guard::new(io::repeat(b'\n'), Some(&p));
        let err = g.read(&mut [0u8; 16]).unwrap_err();
        assert!(matches!(io_error("s", err), DataError::Cancelled { .. }));
    }
}

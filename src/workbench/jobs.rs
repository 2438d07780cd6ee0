//! Background jobs of the workbench: one small type for every piece of work
//! that runs off the window's thread (loading data, the contours, the runs
//! over seeds, a λ sweep; the window's file dialogs use it too). A job runs
//! on a named thread, reports how far it is, can be asked to cancel, wakes
//! the window when it ends, and the workbench's jobs are polled in one loop
//! ([`super::background::Jobs::poll`]); the window never waits on one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use crate::data::LoadProgress;

/// Wakes the window (a repaint request), from any thread.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// How far a job is, and its cancel switch.
pub trait Progress: Send + Sync {
    /// Done, as a fraction, when it can be known.
    fn fraction(&self) -> Option<f32>;
    fn cancel(&self);
    fn is_cancelled(&self) -> bool;
}

impl Progress for LoadProgress {
    fn fraction(&self) -> Option<f32> {
        LoadProgress::fraction(self)
    }
    fn cancel(&self) {
        LoadProgress::cancel(self)
    }
    fn is_cancelled(&self) -> bool {
        LoadProgress::is_cancelled(self)
    }
}

/// Steps done out of a known number.
#[derive(Debug, Default)]
pub struct Counter {
    pub done: AtomicUsize,
    pub total: AtomicUsize,
    pub cancel: AtomicBool,
}

impl Counter {
    pub fn new(total: usize) -> Counter {
        Counter { total: AtomicUsize::new(total), ..Counter::default() }
    }
    pub fn counts(&self) -> (usize, usize) {
        (self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed))
    }
}

impl Progress for Counter {
    fn fraction(&self) -> Option<f32> {
        let (done, total) = self.counts();
        (total > 0).then(|| (done as f32 / total as f32).min(1.0))
    }
    fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed)
    }
    fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// A job's state when polled.
#[derive(Debug)]
pub enum Poll<T> {
    Pending,
    Ready(T),
    /// The thread ended without an answer (it panicked).
    Lost,
}

/// Work under way on its own thread, ending in a `T`.
pub struct Job<T, P: ?Sized = dyn Progress> {
    /// What is being done, for the status bar.
    pub what: String,
    pub progress: Arc<P>,
    pub started: Instant,
    result: Receiver<T>,
}

impl<T: Send + 'static, P: Progress + ?Sized + 'static> Job<T, P> {
    /// Starts `work` on a thread named `reglab-{name}`; `wake` is called
    /// when it ends.
    pub fn spawn(
        name: &str,
        what: String,
        progress: Arc<P>,
        wake: Waker,
        work: impl FnOnce(&P) -> T + Send + 'static,
    ) -> std::io::Result<Job<T, P>> {
        let (tx, rx) = mpsc::sync_channel(1);
        let p = Arc::clone(&progress);
        std::thread::Builder::new().name(format!("reglab-{name}")).spawn(move || {
            let _ = tx.send(work(&p));
            wake();
        })?;
        Ok(Job { what, progress, started: Instant::now(), result: rx })
    }

    pub fn poll(&self) -> Poll<T> {
        match self.result.try_recv() {
            Ok(v) => Poll::Ready(v),
            Err(TryRecvError::Empty) => Poll::Pending,
            Err(TryRecvError::Disconnected) => Poll::Lost,
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// Takes the job held in `slot` out once it has ended, with its answer
/// (`None`: its thread was lost). While it runs, `again` becomes at most
/// `every`, so that the window looks again that soon.
pub fn take_ended<S, T: Send + 'static, P: Progress + ?Sized + 'static>(
    slot: &mut Option<S>,
    job: impl Fn(&S) -> &Job<T, P>,
    every: Duration,
    again: &mut Option<Duration>,
) -> Option<(S, Option<T>)> {
    let answer = match job(slot.as_ref()?).poll() {
        Poll::Pending => {
            *again = Some(again.map_or(every, |a| a.min(every)));
            return None;
        }
        Poll::Ready(v) => Some(v),
        Poll::Lost => None,
    };
    slot.take().map(|s| (s, answer))
}

/// A job with nothing to report but its end.
#[derive(Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn fraction(&self) -> Option<f32> {
        None
    }
    fn cancel(&self) {}
    fn is_cancelled(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_answers_once_and_wakes() {
        let woken = Arc::new(AtomicUsize::new(0));
        let w = Arc::clone(&woken);
        let job = Job::spawn(
            "test",
            "adding".into(),
            Arc::new(Counter::new(2)),
            Arc::new(move || {
                w.fetch_add(1, Ordering::Relaxed);
            }),
            |p: &Counter| {
                p.done.store(2, Ordering::Relaxed);
                40 + 2
            },
        )
        .unwrap();
        let start = Instant::now();
        loop {
            match job.poll() {
                Poll::Ready(v) => {
                    assert_eq!(v, 42);
                    break;
                }
                Poll::Pending => assert!(start.elapsed() < Duration::from_secs(10)),
                Poll::Lost => panic!("lost"),
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(job.progress.fraction(), Some(1.0));
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(woken.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn a_panicking_job_is_lost_not_fatal() {
        let job = Job::spawn(
            "test",
            "failing".into(),
            Arc::new(NoProgress),
            Arc::new(|| {}),
            |_: &NoProgress| -> u8 { panic!("boom") },
        )
        .unwrap();
        let start = Instant::now();
        loop {
            match job.poll() {
                Poll::Lost => break,
                Poll::Ready(_) => panic!("answered"),
                Poll::Pending => assert!(start.elapsed() < Duration::from_secs(10)),
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

//! Pictures and animations of a view made from the window (View ▸ Picture,
//! View ▸ Record): the session on screen is drawn in the background by the
//! code of `reglab render`, at 2 pixels per point and at the window's size
//! and theme, with its progress under the views and a Cancel button.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::Theme;
use super::render::{Animation, Progress, RenderError, Rendered, Request, Target, render_apng, render_png};
use crate::workbench::{Action, RenderOrder};

/// A picture being drawn.
pub struct Recording {
    order: RenderOrder,
    progress: Arc<Mutex<Option<Progress>>>,
    cancel: Arc<AtomicBool>,
    work: Option<JoinHandle<Result<Rendered, RenderError>>>,
}

impl Recording {
    /// Starts drawing `order` on a thread of its own; `size` is the window's, in points.
    pub fn start(
        order: RenderOrder,
        size: egui::Vec2,
        theme: Theme,
        ctx: &egui::Context,
    ) -> std::io::Result<Recording> {
        let progress = Arc::new(Mutex::new(None));
        let cancel = Arc::new(AtomicBool::new(false));
        let request = Request {
            config: Some(order.session.clone()),
            target: Target::View(order.view),
            size: egui::vec2(size.x.clamp(640.0, 3840.0), size.y.clamp(400.0, 2160.0)),
            pixels_per_point: 2.0,
            theme,
            epoch: Some(order.epoch),
            cancel: Some(Arc::clone(&cancel)),
        };
        let (animate, out) = (order.animate, order.out.clone());
        let (shared, ctx) = (Arc::clone(&progress), ctx.clone());
        let work = std::thread::Builder::new().name("reglab-picture".into()).spawn(move || {
            let mut report = |p: Progress| {
                if let Ok(mut slot) = shared.lock() {
                    *slot = Some(p);
                }
                ctx.request_repaint();
            };
            let result = if animate {
                render_apng(&request, &Animation::default(), &out, &mut report)
            } else {
                render_png(&request, &out, &mut report)
            };
            ctx.request_repaint();
            result
        })?;
        Ok(Recording { order, progress, cancel, work: Some(work) })
    }

    /// What is being drawn and how far it is, for the line under the views.
    pub fn status(&self) -> (String, Option<f32>) {
        let what = if self.order.animate { "Recording" } else { "Drawing" };
        let view = self.order.view.title();
        let progress = self.progress.lock().ok().and_then(|p| *p);
        match progress {
            None | Some(Progress::Setup) => (format!("{what} the {view} view: opening the session"), None),
            Some(Progress::Training { epoch, .. }) => {
                let to = self.order.epoch.max(1);
                (
                    format!(
                        "{what} the {view} view: training the session again to epoch {} ({epoch})",
                        self.order.epoch
                    ),
                    Some((epoch as f32 / to as f32).min(1.0)),
                )
            }
            Some(Progress::Frame { frame, frames, epoch }) => (
                format!("{what} the {view} view: frame {frame} of {frames} (epoch {epoch})"),
                Some(frame as f32 / frames.max(1) as f32),
            ),
        }
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Once the work is over: what the status bar says of it.
    pub fn poll(&mut self) -> Option<Action> {
        if !self.work.as_ref()?.is_finished() {
            return None;
        }
        let result = self.work.take()?.join();
        let _ = std::fs::remove_file(&self.order.session);
        let view = self.order.view.title();
        let out = self.order.out.display();
        Some(Action::PictureWritten(match result {
            Ok(Ok(r)) if self.order.animate => Ok(format!(
                "Saved an animation of the {view} view to {out}: {} frames from epoch {} to {}, {}×{} pixels (an animated PNG: browsers play it)",
                r.epochs.len(),
                r.epochs.first().copied().unwrap_or(0),
                r.epochs.last().copied().unwrap_or(0),
                r.width,
                r.height
            )),
            Ok(Ok(r)) => Ok(format!(
                "Saved the {view} view at epoch {} to {out} ({}×{} pixels)",
                r.epochs.first().copied().unwrap_or(0),
                r.width,
                r.height
            )),
            Ok(Err(RenderError::Cancelled)) => {
                Ok(format!("Cancelled the picture of the {view} view; nothing was written."))
            }
            Ok(Err(e)) => Err(format!("Cannot draw the {view} view: {e}")),
            Err(_) => Err(format!(
                "Drawing the {view} view failed with an internal error (a bug); nothing was written."
            )),
        }))
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        // A window closing mid-picture stops it; its unfinished file goes with it.
        self.cancel();
        if let Some(work) = self.work.take() {
            let _ = work.join();
            let _ = std::fs::remove_file(&self.order.session);
        }
    }
}

//! The pictures of an export: the whole window, then each view alone
//! (maximised, once it has stayed in place for a few frames), captured from
//! the frames the window draws and written as PNG.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use super::dashboard::Dashboard;
use crate::experiment::ViewKind;
use crate::workbench::Action;

/// The export's pictures being taken.
pub struct PictureJob {
    dir: PathBuf,
    files: Vec<String>,
    errors: Vec<String>,
    /// `None`: the whole window.
    pending: VecDeque<Option<ViewKind>>,
    capture: Capture,
    /// The view that was maximised before, restored at the end.
    maximized_before: Option<ViewKind>,
}

enum Capture {
    Idle,
    /// Waits until the view has stayed in place for a few frames.
    Showing {
        view: ViewKind,
        frames: u8,
        last: Option<egui::Rect>,
        steady: u8,
    },
    Waiting {
        name: &'static str,
        rect: egui::Rect,
        rx: Receiver<Arc<egui::ColorImage>>,
        since: Instant,
    },
}

impl PictureJob {
    /// The window, then each of `views`, into `dir`.
    pub fn new(dir: PathBuf, views: Vec<ViewKind>, dashboard: &Dashboard) -> PictureJob {
        let mut pending = VecDeque::from([None]);
        pending.extend(views.into_iter().map(Some));
        PictureJob {
            dir,
            files: Vec::new(),
            errors: Vec::new(),
            pending,
            capture: Capture::Idle,
            maximized_before: dashboard.maximized,
        }
    }

    /// One step, once per frame; the answer for the workbench when done.
    pub fn step(&mut self, ctx: &egui::Context, dashboard: &mut Dashboard) -> Option<Action> {
        ctx.request_repaint();
        self.capture = match std::mem::replace(&mut self.capture, Capture::Idle) {
            Capture::Idle => match self.pending.pop_front() {
                Some(None) => Capture::Waiting {
                    name: "window",
                    rect: ctx.content_rect(),
                    rx: request_screenshot(ctx),
                    since: Instant::now(),
                },
                Some(Some(view)) => {
                    dashboard.maximized = Some(view);
                    Capture::Showing { view, frames: 0, last: None, steady: 0 }
                }
                None => {
                    dashboard.maximized = self.maximized_before;
                    let (files, errors) = (std::mem::take(&mut self.files), std::mem::take(&mut self.errors));
                    return Some(Action::PicturesWritten { files, errors });
                }
            },
            Capture::Showing { view, frames, last, steady } => {
                showing(ctx, dashboard, view, frames, last, steady)
            }
            Capture::Waiting { name, rect, rx, since } => match rx.try_recv() {
                Ok(image) => {
                    self.write(name, &image, rect, ctx.pixels_per_point());
                    Capture::Idle
                }
                Err(_) if since.elapsed() > Duration::from_secs(10) => {
                    self.errors
                        .push(format!("The window could not be captured; {name}.png was not written."));
                    Capture::Idle
                }
                Err(_) => Capture::Waiting { name, rect, rx, since },
            },
        };
        None
    }

    fn write(&mut self, name: &str, image: &egui::ColorImage, rect: egui::Rect, pixels_per_point: f32) {
        let file = format!("{name}.png");
        let path = self.dir.join(&file);
        match write_png(&path, image, rect, pixels_per_point) {
            Ok(true) => self.files.push(file),
            Ok(false) => {}
            Err(e) => self.errors.push(format!("{}: {e}", path.display())),
        }
    }
}

/// A view is captured once it has stayed in place for three frames (or
/// after 120, however it moves); skipped when it never shows.
fn showing(
    ctx: &egui::Context,
    dashboard: &Dashboard,
    view: ViewKind,
    frames: u8,
    last: Option<egui::Rect>,
    steady: u8,
) -> Capture {
    let now = dashboard.rect_of(view);
    let steady = if now.is_some() && now == last { steady + 1 } else { 0 };
    match now {
        Some(rect) if steady >= 3 || frames >= 120 => {
            Capture::Waiting { name: view.id(), rect, rx: request_screenshot(ctx), since: Instant::now() }
        }
        _ if frames >= 120 => Capture::Idle,
        _ => Capture::Showing { view, frames: frames + 1, last: now, steady },
    }
}

/// Asks for a capture of the window as this frame draws it.
fn request_screenshot(ctx: &egui::Context) -> Receiver<Arc<egui::ColorImage>> {
    let (tx, rx) = mpsc::sync_channel(1);
    let repaint = ctx.clone();
    ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(egui::ScreenshotCallback::new(move |image| {
        let _ = tx.send(image);
        repaint.request_repaint();
    })));
    rx
}

/// Writes the part of `image` under `rect` (in points) as a PNG; `false`
/// when nothing of it is on screen.
pub fn write_png(
    path: &Path,
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
) -> std::io::Result<bool> {
    let [w, h] = image.size;
    let px = |v: f32, max: usize| ((v * pixels_per_point).round().max(0.0) as usize).min(max);
    let (x0, y0, x1, y1) = (px(rect.min.x, w), px(rect.min.y, h), px(rect.max.x, w), px(rect.max.y, h));
    if x1 <= x0 || y1 <= y0 {
        return Ok(false);
    }
    let mut bytes = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for x in x0..x1 {
            bytes.extend_from_slice(&image.pixels[y * w + x].to_srgba_unmultiplied());
        }
    }
    let mut encoded = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut encoded, (x1 - x0) as u32, (y1 - y0) as u32);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
        writer.write_image_data(&bytes).map_err(std::io::Error::other)?;
    }
    crate::train::write_atomic(path, &encoded)?;
    Ok(true)
}

//! Pictures and animations of the window without a window (`reglab
//! render`): the real app driven through egui's frame loop at a chosen
//! size and scale, the session opened and trained as the window opens and
//! trains it, each frame drawn on the CPU by [`super::raster`], and the
//! view's tile cut out (or the whole window kept). A still is the window
//! after training (or paused at an epoch); an animation is the window paused
//! at epochs spread evenly over the run, written as an APNG.

mod headless;

pub use headless::Headless;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use egui::{ColorImage, Rect, Vec2};

use super::Theme;
use super::apng::{Apng, ApngError, Delay};
use super::raster::RasterError;
use crate::experiment::ViewKind;

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the session could not be set up: {0}")]
    Session(String),
    #[error("the {view} view has nothing to show for this session: {why}")]
    NothingToShow { view: &'static str, why: &'static str },
    #[error("{what} made no progress for {} seconds", STALL.as_secs())]
    Stalled { what: &'static str },
    #[error("the runs could not be paused at epoch 0 in {ATTEMPTS} tries")]
    NotPaused,
    #[error("the {0} view was not drawn")]
    NotDrawn(&'static str),
    #[error(transparent)]
    Raster(#[from] RasterError),
    #[error(transparent)]
    Apng(#[from] ApngError),
    #[error("{path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cancelled")]
    Cancelled,
}

/// What is drawn: the whole window, or one view alone (maximised, as its
/// button or M shows it), cut out of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Window,
    View(ViewKind),
}

impl Target {
    /// `window`, or a view by the name files use (`error`, `histograms`, …).
    pub fn parse(name: &str) -> Option<Target> {
        if name == "window" {
            return Some(Target::Window);
        }
        ViewKind::ALL.into_iter().find(|v| v.id() == name).map(Target::View)
    }

    /// Every name [`Target::parse`] takes.
    pub fn names() -> Vec<&'static str> {
        std::iter::once("window").chain(ViewKind::ALL.iter().map(|v| v.id())).collect()
    }

    fn name(self) -> &'static str {
        match self {
            Target::Window => "window",
            Target::View(v) => v.id(),
        }
    }
}

/// What to draw and how.
#[derive(Debug, Clone)]
pub struct Request {
    /// A session or experiment file; `None`: the window's default comparison.
    pub config: Option<PathBuf>,
    pub target: Target,
    /// The window's size in points.
    pub size: Vec2,
    /// Pixels per point: 2 gives a picture twice the window's size in points.
    pub pixels_per_point: f32,
    pub theme: Theme,
    /// Train to this epoch and pause there; `None`: train to the end.
    pub epoch: Option<usize>,
    /// Set by someone waiting for the picture who no longer wants it (the
    /// window's Cancel): the work stops at its next wait or frame.
    pub cancel: Option<Arc<AtomicBool>>,
}

/// How an animation is made.
#[derive(Debug, Clone, Copy)]
pub struct Animation {
    pub fps: u16,
    /// Frames at most; the run is sampled evenly by epochs.
    pub max_frames: usize,
    /// How long the last frame stays before the animation starts again.
    pub hold_seconds: u16,
}

impl Default for Animation {
    fn default() -> Self {
        Animation { fps: 15, max_frames: 300, hold_seconds: 2 }
    }
}

/// Where the work is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The data is loading and the runs are being set up.
    Setup,
    /// Training: the furthest epoch reached, of `epochs`.
    Training { epoch: usize, epochs: usize },
    /// Frame `frame` (from 1) of `frames` drawn, at `epoch`.
    Frame { frame: usize, frames: usize, epoch: usize },
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub width: usize,
    pub height: usize,
    /// The epoch of each frame (one for a still).
    pub epochs: Vec<usize>,
    /// Runs that ended in a failure (diverged, or an internal error), described.
    pub failed_runs: Vec<String>,
    /// Frames of an animation whose tile had another size than the first's
    /// (the toolbar or the key above the views wrapped otherwise): drawn
    /// from the top left, cut or filled out with the window's background.
    pub refit_frames: usize,
}

/// Nothing happening for this long (no data loaded, no epoch trained, no
/// contours computed) means something is stuck.
pub(crate) const STALL: Duration = Duration::from_secs(300);
/// Frames drawn before a picture is taken, so that everything laid out
/// from the frame before (grids, wrapped rows, the tiles) is in place.
pub(crate) const FRAMES_PER_PICTURE: usize = 3;
/// Tries at pausing the runs at epoch 0 (the first nearly always does).
pub(crate) const ATTEMPTS: usize = 20;

/// The part of `image` under `rect` (in points) as RGBA bytes, not
/// premultiplied, and its size in pixels: the crop of [`super::capture::write_png`].
fn crop(image: &ColorImage, rect: Rect, pixels_per_point: f32) -> (Vec<u8>, usize, usize) {
    let [w, h] = image.size;
    let px = |v: f32, max: usize| ((v * pixels_per_point).round().max(0.0) as usize).min(max);
    let (x0, y0, x1, y1) = (px(rect.min.x, w), px(rect.min.y, h), px(rect.max.x, w), px(rect.max.y, h));
    let (cw, ch) = (x1.saturating_sub(x0), y1.saturating_sub(y0));
    let mut bytes = Vec::with_capacity(cw * ch * 4);
    for y in y0..y1 {
        for x in x0..x1 {
            bytes.extend_from_slice(&image.pixels[y * w + x].to_srgba_unmultiplied());
        }
    }
    (bytes, cw, ch)
}

/// `rgba` of `size` pixels drawn from the top left of a picture of
/// `canvas` pixels: cut where larger, filled out with `fill` where smaller.
fn fit(rgba: &[u8], size: [usize; 2], canvas: [usize; 2], fill: [u8; 4]) -> Vec<u8> {
    let [w, h] = size;
    let [cw, ch] = canvas;
    let mut out: Vec<u8> = std::iter::repeat_n(fill, cw * ch).flatten().collect();
    let (rw, rh) = (w.min(cw), h.min(ch));
    for y in 0..rh {
        out[y * cw * 4..(y * cw + rw) * 4].copy_from_slice(&rgba[y * w * 4..(y * w + rw) * 4]);
    }
    out
}

/// Draws `request`'s target after training (or at its epoch) and writes it to `out` as a PNG.
pub fn render_png(
    request: &Request,
    out: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Rendered, RenderError> {
    let mut headless = Headless::open(request, progress)?;
    match request.epoch {
        Some(epoch) => {
            headless.start_paused()?;
            headless.step_to(epoch)?
        }
        None => headless.train_to_end(progress)?,
    }
    headless.settle()?;
    let image = headless.picture()?;
    let rect = headless.rect()?;
    let (_, width, height) = crop(&image, rect, request.pixels_per_point);
    let written = super::capture::write_png(out, &image, rect, request.pixels_per_point)
        .map_err(|source| RenderError::Write { path: out.to_path_buf(), source })?;
    if !written {
        return Err(RenderError::NotDrawn(request.target.name()));
    }
    Ok(Rendered {
        width,
        height,
        epochs: vec![headless.app.wb.screen.epoch()],
        failed_runs: headless.failed_runs(),
        refit_frames: 0,
    })
}

/// The epochs of `frames` frames spread evenly from 0 to `last`, both included.
pub fn frame_epochs(last: usize, frames: usize) -> Vec<usize> {
    let frames = frames.min(last.saturating_add(1)).max(1);
    if frames == 1 {
        return vec![last];
    }
    (0..frames).map(|k| (k * last + (frames - 1) / 2) / (frames - 1)).collect()
}

/// Draws `request`'s target at epochs spread evenly over the run (to the
/// end, or to its epoch) and writes them to `out` as an animated PNG.
pub fn render_apng(
    request: &Request,
    animation: &Animation,
    out: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Rendered, RenderError> {
    let mut headless = Headless::open(request, progress)?;
    headless.start_paused()?;
    // Past the end there is nothing more to see.
    let last = request.epoch.map_or(headless.epochs(), |e| e.min(headless.epochs()));
    let epochs = frame_epochs(last, animation.max_frames);
    let write_error = |source| RenderError::Write { path: out.to_path_buf(), source };
    // Written whole or not at all: the file appears once its last frame is in.
    let mut atomic = crate::train::AtomicFile::create(out).map_err(write_error)?;
    let result: Result<Rendered, RenderError> = (|| {
        let mut apng: Option<Apng<&mut crate::train::AtomicFile>> = None;
        let mut file = Some(&mut atomic);
        // The first frame fixes the size of all.
        let mut canvas = None;
        let mut drawn = Vec::with_capacity(epochs.len());
        let mut refit = 0;
        for (k, &epoch) in epochs.iter().enumerate() {
            headless.step_to(epoch)?;
            headless.wait_for_studies()?;
            for _ in 0..FRAMES_PER_PICTURE {
                headless.frame()?;
            }
            let (rgba, w, h) = crop(&headless.picture()?, headless.rect()?, request.pixels_per_point);
            let (width, height) = *canvas.get_or_insert((w, h));
            let rgba = if (w, h) == (width, height) {
                rgba
            } else {
                refit += 1;
                fit(&rgba, [w, h], [width, height], headless.background())
            };
            let writer = match apng.as_mut() {
                Some(a) => a,
                None => {
                    let out = file.take().ok_or(RenderError::NotDrawn(request.target.name()))?;
                    apng.insert(Apng::new(out, width, height, epochs.len() as u32)?)
                }
            };
            let delay = if k + 1 == epochs.len() && animation.hold_seconds > 0 {
                Delay::seconds(animation.hold_seconds)
            } else {
                Delay::per_frame(animation.fps)
            };
            writer.push(&rgba, delay)?;
            let at = headless.trained().min(epoch);
            drawn.push(at);
            progress(Progress::Frame { frame: k + 1, frames: epochs.len(), epoch: at });
        }
        let apng = apng.ok_or(RenderError::NotDrawn(request.target.name()))?;
        apng.finish()?;
        let (width, height) = canvas.unwrap_or_default();
        Ok(Rendered { width, height, epochs: drawn, failed_runs: Vec::new(), refit_frames: refit })
    })();
    // An error drops the unfinished file; the target stays as it was.
    let rendered = result?;
    atomic.commit().map_err(write_error)?;
    Ok(Rendered { failed_runs: headless.failed_runs(), ..rendered })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_spread_evenly_from_the_start_to_the_end() {
        assert_eq!(frame_epochs(100, 5), vec![0, 25, 50, 75, 100]);
        assert_eq!(frame_epochs(4000, 300).len(), 300);
        assert_eq!(frame_epochs(4000, 300).last(), Some(&4000));
        // Fewer epochs than frames: one frame per epoch.
        assert_eq!(frame_epochs(3, 300), vec![0, 1, 2, 3]);
        assert_eq!(frame_epochs(0, 300), vec![0]);
        let e = frame_epochs(1000, 7);
        assert!(e.windows(2).all(|w| w[0] < w[1]), "{e:?}");
    }

    #[test]
    fn a_frame_of_another_size_is_cut_or_filled_out_from_the_top_left() {
        let px = |v: u8| [v, v, v, 255];
        let two_by_two: Vec<u8> = [px(1), px(2), px(3), px(4)].concat();
        let larger = fit(&two_by_two, [2, 2], [3, 1], px(9));
        assert_eq!(larger, [px(1), px(2), px(9)].concat());
        let smaller = fit(&two_by_two, [2, 2], [1, 3], px(9));
        assert_eq!(smaller, [px(1), px(3), px(9)].concat());
    }

    #[test]
    fn targets_are_named_as_files_name_the_views() {
        assert_eq!(Target::parse("window"), Some(Target::Window));
        assert_eq!(Target::parse("error"), Some(Target::View(ViewKind::Error)));
        assert_eq!(Target::parse("Error"), None);
        assert_eq!(Target::names().len(), ViewKind::ALL.len() + 1);
    }
}

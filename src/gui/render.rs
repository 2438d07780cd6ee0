//! Pictures and animations of the window without a window (`reglab
//! render`): the real app driven through egui's frame loop at a chosen
//! size and scale, the session opened and trained as the window opens and
//! trains it, each frame drawn on the CPU by [`super::raster`], and the
//! view's tile cut out (or the whole window kept). A still is the window
//! after training (or paused at an epoch); an animation is the window paused
//! at epochs spread evenly over the run, written as an APNG.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use egui::{ColorImage, Pos2, Rect, Vec2, ViewportId};

use super::apng::{Apng, ApngError, Delay};
use super::raster::{Painter, RasterError};
use super::{ReglabApp, Theme};
use crate::experiment::ViewKind;
use crate::train::live::TrainerState;
use crate::workbench::{Action, Pace, Settings};

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
const STALL: Duration = Duration::from_secs(300);
/// Frames drawn before a picture is taken, so that everything laid out
/// from the frame before (grids, wrapped rows, the tiles) is in place.
const FRAMES_PER_PICTURE: usize = 3;
/// Frames drawn at most for a still while egui still animates something.
const MAX_SETTLE_FRAMES: usize = 60;
/// Steps sent to the trainer at once (its command queue holds 256).
const STEPS_AT_ONCE: usize = 64;
/// Tries at pausing the runs at epoch 0 (the first nearly always does).
const ATTEMPTS: usize = 20;

/// What is called with every frame's output.
type FrameHook = Box<dyn FnMut(&egui::Context, &egui::FullOutput)>;

/// The app headless: its context, the textures its frames set, the last
/// frame's output.
pub struct Headless {
    ctx: egui::Context,
    pub app: ReglabApp,
    target: Target,
    size: Vec2,
    pixels_per_point: f32,
    painter: Painter,
    last: Option<egui::FullOutput>,
    /// The textures the last frame freed, let go once it has been drawn.
    freed: Vec<egui::TextureId>,
    /// The epoch the steps sent last lead to.
    steps_to: Option<usize>,
    /// Called with every frame's output (a test renders the same frames another way).
    on_frame: Option<FrameHook>,
    cancel: Option<Arc<AtomicBool>>,
}

impl Headless {
    /// The app with `request`'s session opened, its runs set up at epoch 0.
    pub fn open(request: &Request, progress: &mut dyn FnMut(Progress)) -> Result<Headless, RenderError> {
        let ctx = egui::Context::default();
        let mut app = ReglabApp::with_settings(ctx.clone(), Settings::default());
        app.view.theme = request.theme;
        match &request.config {
            Some(path) => app.wb.open_session(path),
            None => app.wb.load_current(),
        }
        let mut headless = Headless {
            ctx,
            app,
            target: request.target,
            size: request.size,
            pixels_per_point: request.pixels_per_point,
            painter: Painter::new(),
            last: None,
            freed: Vec::new(),
            steps_to: None,
            on_frame: None,
            cancel: request.cancel.clone(),
        };
        progress(Progress::Setup);
        headless.wait_for_runs()?;
        headless.check_shows()?;
        Ok(headless)
    }

    /// Calls `f` with the output of every frame from now on.
    pub fn on_frame(&mut self, f: impl FnMut(&egui::Context, &egui::FullOutput) + 'static) {
        self.on_frame = Some(Box::new(f));
    }

    pub fn ctx(&self) -> &egui::Context {
        &self.ctx
    }

    /// The last frame's output.
    pub fn output(&self) -> Option<&egui::FullOutput> {
        self.last.as_ref()
    }

    /// Takes in what the trainer and the jobs sent, as the window does at the start of a frame.
    fn poll(&mut self) {
        self.app.take_updates(&self.ctx);
    }

    fn wait_for_runs(&mut self) -> Result<(), RenderError> {
        let mut watch = self.watch();
        loop {
            self.poll();
            let wb = &self.app.wb;
            if let Some(e) = wb.notices.list.iter().find(|n| n.error) {
                return Err(RenderError::Session(e.text.clone()));
            }
            let ready = !wb.is_loading()
                && !wb.screen.runs.is_empty()
                && wb.screen.runs.iter().all(|r| r.history.latest.is_some());
            if ready {
                return Ok(());
            }
            let loading = wb.load_progress().map(|(_, f, _)| f.unwrap_or(0.0).to_bits());
            watch.wait((loading, wb.screen.runs.len()), "loading the data")?;
        }
    }

    /// A view with nothing to show is refused, as the window's export
    /// leaves it out: a blank picture is worth no file.
    fn check_shows(&self) -> Result<(), RenderError> {
        let Target::View(view) = self.target else { return Ok(()) };
        let wb = &self.app.wb;
        let classification = wb.data.prepared.as_ref().is_some_and(|p| p.task.is_classification());
        let why = match view {
            ViewKind::Boundary if wb.screen.boundary.is_none() => {
                "a decision boundary is drawn for classification on exactly two inputs"
            }
            ViewKind::Accuracy if !classification => "accuracy is shown for classification only",
            _ => return Ok(()),
        };
        Err(RenderError::NothingToShow { view: view.id(), why })
    }

    /// The epochs the session trains.
    pub fn epochs(&self) -> usize {
        self.app.wb.training().epochs()
    }

    /// The furthest epoch the trainer has reached (from the networks it
    /// sends after every step, which come whether or not the epoch's
    /// metrics are taken).
    fn trained(&self) -> usize {
        let runs = &self.app.wb.screen.runs;
        let of = |r: &crate::workbench::ScreenRun| r.pictures.net.as_ref().map_or(r.epoch(), |(e, _)| *e);
        runs.iter()
            .filter(|r| r.status.is_active())
            .map(of)
            .min()
            .unwrap_or_else(|| runs.iter().map(of).max().unwrap_or(0))
    }

    fn finished(&self) -> bool {
        self.app.wb.screen.trainer_state == TrainerState::Finished
    }

    /// Trains as the window's Train button does, at the fastest pace,
    /// until every run has ended.
    pub fn train_to_end(&mut self, progress: &mut dyn FnMut(Progress)) -> Result<(), RenderError> {
        let epochs = self.epochs();
        // The pace the toolbar shows comes back once trained: the picture
        // shows the window as it opens, not a setting made for drawing it.
        let pace = self.app.wb.settings.pace;
        self.act(Action::SetPace(Pace::Fastest));
        let mut watch = self.watch();
        loop {
            self.poll();
            if self.finished() {
                self.act(Action::SetPace(pace));
                return Ok(());
            }
            // Idle before the first Train, paused after catching up with
            // where a saved session was left.
            if matches!(self.app.wb.screen.trainer_state, TrainerState::Idle | TrainerState::Paused) {
                self.act(Action::Train);
            }
            let epoch = self.app.wb.screen.epoch();
            progress(Progress::Training { epoch, epochs });
            watch.wait(epoch, "training")?;
        }
    }

    /// Leaves the runs paused at epoch 0, as Space pressed twice leaves
    /// them: the window as it looks once a run is under way (the toolbar
    /// of a run, no "Space: train" in the key), so that every picture of a
    /// run step by step is laid out alike. A saved session, which trains
    /// again to where it was left as soon as it opens, starts again from
    /// epoch 0 (Reset). Should the trainer take an epoch between Train and
    /// Pause, Reset and Train again.
    pub fn start_paused(&mut self) -> Result<(), RenderError> {
        for _ in 0..ATTEMPTS {
            if self.app.wb.screen.trainer_state != TrainerState::Idle || self.trained() > 0 {
                self.reset()?;
            }
            self.act(Action::Train);
            self.act(Action::Pause);
            let mut watch = self.watch();
            loop {
                self.poll();
                let state = self.app.wb.screen.trainer_state;
                if matches!(state, TrainerState::Paused | TrainerState::Finished) {
                    break;
                }
                watch.wait((state, self.trained()), "pausing the runs")?;
            }
            if self.trained() == 0 && !self.finished() {
                return Ok(());
            }
        }
        Err(RenderError::NotPaused)
    }

    /// Back to epoch 0 with new runs, as the window's Reset.
    fn reset(&mut self) -> Result<(), RenderError> {
        let session = self.app.wb.screen.session_id;
        self.act(Action::Reset);
        let mut watch = self.watch();
        loop {
            self.poll();
            let screen = &self.app.wb.screen;
            let ready = screen.session_id != session
                && screen.trainer_state == TrainerState::Idle
                && screen.runs.iter().all(|r| r.history.latest.is_some());
            if ready {
                return Ok(());
            }
            watch.wait((screen.session_id, screen.trainer_state), "setting up the runs again")?;
        }
    }

    /// Trains one epoch at a time, as the window's Step does, until every
    /// run still training has reached `epoch`, and leaves them paused there
    /// (or stops when they all end before).
    pub fn step_to(&mut self, epoch: usize) -> Result<(), RenderError> {
        let mut watch = self.watch();
        loop {
            self.poll();
            let reached = self.trained();
            if self.finished() || reached >= epoch {
                return Ok(());
            }
            if !self.stepping(reached) {
                let steps = (epoch - reached).min(STEPS_AT_ONCE);
                for _ in 0..steps {
                    self.act(Action::Step);
                }
                self.steps_to = Some(reached + steps);
            }
            watch.wait(reached, "training")?;
        }
    }

    /// Whether steps sent earlier are still on their way.
    fn stepping(&self, reached: usize) -> bool {
        self.steps_to.is_some_and(|to| reached < to)
    }

    fn act(&mut self, action: Action) {
        self.app.act(action);
        self.app.apply_actions();
    }

    /// Waits for what the target shows besides the runs: the contours of
    /// the geometry view (computed whenever the runs pause or end), and for
    /// the regularization path, a sweep of λ as the view's button starts.
    fn wait_for_studies(&mut self) -> Result<(), RenderError> {
        let mut watch = self.watch();
        let needs_geometry = matches!(self.target, Target::Window | Target::View(ViewKind::Geometry));
        if self.target == Target::View(ViewKind::Path) && self.app.wb.studies.sweep.is_none() {
            let s = &self.app.view.sweep;
            let (count, min_ratio, epochs) = (s.count, s.min_ratio, s.epochs);
            self.act(Action::RunSweep { count, min_ratio, epochs });
        }
        loop {
            self.poll();
            let wb = &self.app.wb;
            let geometry = needs_geometry && wb.is_computing_geometry();
            let sweep = wb.sweep_progress();
            if !geometry && sweep.is_none() {
                return Ok(());
            }
            watch.wait((geometry, sweep), "the contours or the λ sweep")?;
        }
    }

    fn watch<T>(&self) -> Watch<T> {
        Watch { last: None, since: Instant::now(), cancel: self.cancel.clone() }
    }

    /// Draws one frame of the window, as the window would now.
    pub fn frame(&mut self) -> Result<(), RenderError> {
        if self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(RenderError::Cancelled);
        }
        // Textures a frame freed stay until it has been drawn.
        self.painter.free_textures(&std::mem::take(&mut self.freed));
        self.poll();
        if let Target::View(view) = self.target {
            // Opening a session sets its layout, which shows every view in its tile.
            self.app.window.dashboard.maximized = Some(view);
        }
        let mut input = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, self.size)),
            ..Default::default()
        };
        if let Some(viewport) = input.viewports.get_mut(&ViewportId::ROOT) {
            viewport.native_pixels_per_point = Some(self.pixels_per_point);
        }
        let app = &mut self.app;
        let mut output = self.ctx.run_ui(input, |ui| app.draw(ui));
        let taken = self.painter.set_textures(&output.textures_delta);
        if let Some(f) = self.on_frame.as_mut() {
            f(&self.ctx, &output);
        }
        self.freed.extend(output.textures_delta.free.iter().copied());
        // Taken in (egui checks that no frame's textures are dropped unseen).
        output.textures_delta.clear();
        taken?;
        self.last = Some(output);
        Ok(())
    }

    /// Waits for what the target shows besides the runs, then draws frames
    /// until the picture has settled: a few, then more while egui still
    /// animates something (an opening panel, a fade).
    pub fn settle(&mut self) -> Result<(), RenderError> {
        self.wait_for_studies()?;
        for k in 0..MAX_SETTLE_FRAMES {
            self.frame()?;
            let animating = self.last.as_ref().is_some_and(|o| {
                o.viewport_output.get(&ViewportId::ROOT).is_some_and(|v| v.repaint_delay.is_zero())
            });
            if k + 1 >= FRAMES_PER_PICTURE && !animating {
                break;
            }
        }
        Ok(())
    }

    /// The last frame drawn on the CPU, the whole window.
    pub fn picture(&self) -> Result<ColorImage, RenderError> {
        let Some(output) = self.last.as_ref() else { return Err(RenderError::NotDrawn(self.target.name())) };
        let ppp = output.pixels_per_point;
        let primitives = self.ctx.tessellate(output.shapes.clone(), ppp);
        let size = self.ctx.content_rect().size() * ppp;
        let size = [size.x.round() as usize, size.y.round() as usize];
        Ok(self.painter.paint(&primitives, ppp, size)?)
    }

    /// Where the target was drawn in the last frame, in points.
    pub fn rect(&self) -> Result<Rect, RenderError> {
        match self.target {
            Target::Window => Ok(self.ctx.content_rect()),
            Target::View(view) => {
                self.app.window.dashboard.rect_of(view).ok_or(RenderError::NotDrawn(view.id()))
            }
        }
    }

    /// The window's background, not premultiplied.
    fn background(&self) -> [u8; 4] {
        self.ctx.global_style().visuals.panel_fill.to_srgba_unmultiplied()
    }

    /// Runs that ended in a failure, described.
    fn failed_runs(&self) -> Vec<String> {
        let runs = &self.app.wb.screen.runs;
        runs.iter()
            .filter(|r| r.status.is_failure())
            .map(|r| format!("{}: {}", r.name, r.status.describe()))
            .collect()
    }
}

/// Fails when the state it watches has not changed for [`STALL`]; sleeps a little between looks.
struct Watch<T> {
    last: Option<T>,
    since: Instant,
    cancel: Option<Arc<AtomicBool>>,
}

impl<T: PartialEq> Watch<T> {
    fn wait(&mut self, now: T, what: &'static str) -> Result<(), RenderError> {
        if self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(RenderError::Cancelled);
        }
        if self.last.as_ref() != Some(&now) {
            self.last = Some(now);
            self.since = Instant::now();
        } else if self.since.elapsed() > STALL {
            return Err(RenderError::Stalled { what });
        }
        std::thread::sleep(Duration::from_millis(1));
        Ok(())
    }
}

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

//! The app headless: the real window's code run through egui's frame
//! loop without a window, its session opened, trained, paused and stepped
//! as the window's buttons do, each frame drawn on the CPU.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use egui::{ColorImage, Pos2, Rect, Vec2, ViewportId};

use super::{ATTEMPTS, FRAMES_PER_PICTURE, Progress, RenderError, Request, STALL, Target};
use crate::experiment::ViewKind;
use crate::gui::ReglabApp;
use crate::gui::raster::Painter;
use crate::train::live::TrainerState;
use crate::workbench::{Action, Pace, Settings};

/// Frames drawn at most for a still while egui still animates something.
const MAX_SETTLE_FRAMES: usize = 60;
/// Steps sent to the trainer at once (its command queue holds 256).
const STEPS_AT_ONCE: usize = 64;

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
    pub(super) fn trained(&self) -> usize {
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
    pub(super) fn wait_for_studies(&mut self) -> Result<(), RenderError> {
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
    pub(super) fn background(&self) -> [u8; 4] {
        self.ctx.global_style().visuals.panel_fill.to_srgba_unmultiplied()
    }

    /// Runs that ended in a failure, described.
    pub(super) fn failed_runs(&self) -> Vec<String> {
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

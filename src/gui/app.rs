//! The eframe glue: the [`Workbench`] and the window's own state. `logic`
//! takes in what the trainer and the jobs sent; `ui` draws the panels,
//! which read the workbench and return [`Action`]s, applied after drawing.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use egui::{Key, Modifiers};

use super::dashboard::Dashboard;
use super::view::{
    FrameTimes, SHORTCUT_EXPORT, SHORTCUT_FULLSCREEN, SHORTCUT_HELP, SHORTCUT_MAXIMISE, SHORTCUT_OPEN,
    SHORTCUT_PRESENT, SHORTCUT_RESET, SHORTCUT_SAVE, SHORTCUT_STEP, SHORTCUT_STEP_ARROW, SHORTCUT_STOP,
    SHORTCUT_TRAIN, ViewSettings,
};
use super::{panels, plots};
use crate::experiment::{DataSource, Layout, ViewKind};
use crate::workbench::{Action, Settings, Workbench};

/// The window's state that is neither the workbench's nor saved.
pub struct WindowState {
    /// The text of the Data panel's Path field.
    pub path_field: String,
    pub show_help: bool,
    pub fullscreen: bool,
    pub frame_times: FrameTimes,
    /// The tiled views.
    pub dashboard: Dashboard,
    pub textures: plots::Textures,
    applied_theme: Option<super::Theme>,
    capture: Option<PictureJob>,
}

impl WindowState {
    fn new(layout: &Layout) -> WindowState {
        WindowState {
            path_field: String::new(),
            show_help: false,
            fullscreen: false,
            frame_times: FrameTimes::default(),
            dashboard: Dashboard::new(layout),
            textures: plots::Textures::default(),
            applied_theme: None,
            capture: None,
        }
    }
}

/// The export's pictures being taken: the whole window, then each view
/// alone (maximised) once it has stayed in place for a few frames.
struct PictureJob {
    dir: std::path::PathBuf,
    files: Vec<String>,
    errors: Vec<String>,
    pending: std::collections::VecDeque<Option<ViewKind>>,
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

const SETTINGS_KEY: &str = "reglab-workbench";
const VIEW_KEY: &str = "reglab-view";

pub struct ReglabApp {
    pub wb: Workbench,
    pub view: ViewSettings,
    pub window: WindowState,
    actions: Vec<Action>,
}

impl ReglabApp {
    /// The app as eframe creates it: settings restored, the trainer started,
    /// and the data loaded (`source` when given, else the last one).
    pub fn new(cc: &eframe::CreationContext<'_>, source: Option<DataSource>) -> ReglabApp {
        let settings: Settings =
            cc.storage.and_then(|s| eframe::get_value(s, SETTINGS_KEY)).unwrap_or_default();
        let view: ViewSettings = cc.storage.and_then(|s| eframe::get_value(s, VIEW_KEY)).unwrap_or_default();
        cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = true);
        let mut app = ReglabApp::with_settings(cc.egui_ctx.clone(), settings);
        app.wb.enable_autosave();
        app.view = view;
        match source {
            Some(source) => app.wb.start_load(source),
            None => app.wb.load_current(),
        }
        app
    }

    /// An app with these settings and no data yet (tests start here too).
    pub fn with_settings(ctx: egui::Context, settings: Settings) -> ReglabApp {
        let wake_ctx = ctx.clone();
        let layout =
            settings.experiment.layout.clone().unwrap_or_else(|| Layout::focus(&settings.experiment.views));
        let mut wb = Workbench::new(settings, Arc::new(move || wake_ctx.request_repaint()));
        wb.takes_pictures = true;
        ReglabApp {
            wb,
            view: ViewSettings::default(),
            window: WindowState::new(&layout),
            actions: Vec::new(),
        }
    }

    /// Queues an action, as a button would.
    pub fn act(&mut self, action: Action) {
        self.actions.push(action);
    }

    /// Takes in what the trainer and the jobs sent.
    pub fn take_updates(&mut self, ctx: &egui::Context) {
        if let Some(again) = self.wb.poll() {
            ctx.request_repaint_after(again);
        }
        if let Some(eps) = self.wb.epsilon_hint.take() {
            // The sparsity plot shows the experiment's ε (the nearest recorded one).
            self.view.epsilon_index = crate::train::EPSILON_GRID
                .iter()
                .enumerate()
                .min_by(|a, b| (a.1.ln() - eps.ln()).abs().total_cmp(&(b.1.ln() - eps.ln()).abs()))
                .map_or(self.view.epsilon_index, |(k, _)| k);
        }
        if let Some(layout) = self.wb.layout_hint.take() {
            self.window.dashboard.set_layout(&layout);
        }
        if let Some(dir) = self.wb.pictures_wanted.take() {
            let mut pending = std::collections::VecDeque::from([None]);
            let shown: Vec<ViewKind> = self.window.dashboard.layout().views();
            pending.extend(shown.into_iter().filter(|v| self.shows(*v)).map(Some));
            self.window.capture = Some(PictureJob {
                dir,
                files: Vec::new(),
                errors: Vec::new(),
                pending,
                capture: Capture::Idle,
                maximized_before: self.window.dashboard.maximized,
            });
            ctx.request_repaint();
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        // Keys typed into a text field are text, not commands.
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let mut out = Vec::new();
        let view = &mut self.view;
        let window = &mut self.window;
        ctx.input_mut(|i| {
            if i.consume_shortcut(&SHORTCUT_TRAIN) {
                out.push(Action::TogglePlay);
            }
            if i.consume_shortcut(&SHORTCUT_SAVE) {
                out.push(Action::SaveSession);
            }
            if i.consume_shortcut(&SHORTCUT_EXPORT) {
                out.push(Action::ExportAll);
            }
            if i.consume_shortcut(&SHORTCUT_STEP) || i.consume_shortcut(&SHORTCUT_STEP_ARROW) {
                out.push(Action::Step);
            }
            if i.consume_shortcut(&SHORTCUT_FULLSCREEN) {
                window.fullscreen = !window.fullscreen;
            }
            if i.consume_shortcut(&SHORTCUT_PRESENT) {
                view.presentation = !view.presentation;
            }
            if i.consume_shortcut(&SHORTCUT_HELP) || i.consume_key(Modifiers::SHIFT, Key::Questionmark) {
                window.show_help = !window.show_help;
            }
            if i.consume_shortcut(&SHORTCUT_MAXIMISE) {
                window.dashboard.toggle_hovered();
            }
            if i.consume_shortcut(&SHORTCUT_RESET) {
                out.push(Action::Reset);
            }
            if i.consume_shortcut(&SHORTCUT_STOP) {
                out.push(Action::Stop);
            }
            if i.consume_shortcut(&SHORTCUT_OPEN) {
                out.push(Action::OpenDataDialog);
            }
            let keys = [
                Key::Num1,
                Key::Num2,
                Key::Num3,
                Key::Num4,
                Key::Num5,
                Key::Num6,
                Key::Num7,
                Key::Num8,
                Key::Num9,
            ];
            for (k, key) in keys.iter().enumerate().take(crate::experiment::PRESETS.len()) {
                if i.consume_key(Modifiers::NONE, *key) {
                    out.push(Action::Preset(k));
                }
            }
        });
        self.actions.extend(out);
    }

    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<std::path::PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.actions.push(Action::Load(DataSource::File(path)));
        }
    }

    /// Draws the whole window, then applies what was asked.
    pub fn draw(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        let ctx = ui.ctx().clone();
        self.shortcuts(&ctx);
        self.dropped_files(&ctx);
        if self.window.applied_theme != Some(self.view.theme) {
            ctx.set_visuals(self.view.theme.visuals());
            self.window.applied_theme = Some(self.view.theme);
        }
        self.window.textures.update(&self.wb, &ctx);
        let fullscreen = self.window.fullscreen;
        let mut out = Vec::new();
        let (wb, view, window) = (&self.wb, &mut self.view, &mut self.window);
        let controls_shown =
            !view.presentation && view.show_controls.unwrap_or_else(|| ctx.content_rect().width() >= 1400.0);
        let mut reset_layout = false;
        egui::Panel::top("toolbar").show(ui, |ui| {
            panels::toolbar_ui(
                wb,
                view,
                &mut window.show_help,
                &mut reset_layout,
                controls_shown,
                ui,
                &mut out,
            )
        });
        if reset_layout {
            window.dashboard.set_layout(&Layout::focus(&wb.settings.experiment.views));
        }
        if !view.presentation {
            egui::Panel::bottom("status")
                .show(ui, |ui| panels::status_ui(wb, &window.frame_times, ui, &mut out));
        }
        if controls_shown {
            egui::Panel::left("settings")
                .resizable(true)
                .default_size(360.0)
                .show(ui, |ui| panels::settings_ui(wb, &mut window.path_field, ui, &mut out));
        }
        egui::CentralPanel::default()
            .show(ui, |ui| window.dashboard.ui(wb, view, &mut window.textures, ui, &mut out));
        let layout = window.dashboard.layout();
        if wb.settings.experiment.layout.as_ref() != Some(&layout) {
            out.push(Action::SetLayout(layout));
        }
        if window.show_help {
            panels::help_ui(&mut window.show_help, &ctx);
        }
        if ctx.input(|i| !i.raw.hovered_files.is_empty()) {
            panels::drop_hint_ui(&ctx);
        }
        if window.fullscreen != fullscreen {
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(window.fullscreen));
        }
        self.window.frame_times.push(started.elapsed());
        self.actions.extend(out);
        self.picture_step(&ctx);
        self.apply_actions();
    }

    /// Applies the actions collected while drawing.
    pub fn apply_actions(&mut self) {
        for a in std::mem::take(&mut self.actions) {
            self.wb.apply(a);
        }
    }

    /// Whether view `kind` has something to show (a picture of an empty
    /// view is not worth a file).
    fn shows(&self, kind: ViewKind) -> bool {
        match kind {
            ViewKind::Boundary => self.wb.boundary.is_some(),
            ViewKind::Path => self.wb.sweep_result.is_some(),
            ViewKind::Accuracy => self.wb.prepared.as_ref().is_some_and(|p| p.task.is_classification()),
            _ => true,
        }
    }

    /// One step of taking the export's pictures, once per frame.
    fn picture_step(&mut self, ctx: &egui::Context) {
        let Some(mut job) = self.window.capture.take() else { return };
        ctx.request_repaint();
        let dashboard = &mut self.window.dashboard;
        job.capture = match std::mem::replace(&mut job.capture, Capture::Idle) {
            Capture::Idle => match job.pending.pop_front() {
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
                    dashboard.maximized = job.maximized_before;
                    self.actions.push(Action::PicturesWritten { files: job.files, errors: job.errors });
                    return;
                }
            },
            Capture::Showing { view, frames, last, steady } => {
                let now = dashboard.rect_of(view);
                let steady = if now.is_some() && now == last { steady + 1 } else { 0 };
                match now {
                    // Steady for three frames (or given up waiting after 120): capture.
                    Some(rect) if steady >= 3 || frames >= 120 => Capture::Waiting {
                        name: view.id(),
                        rect,
                        rx: request_screenshot(ctx),
                        since: Instant::now(),
                    },
                    _ if frames >= 120 => Capture::Idle,
                    _ => Capture::Showing { view, frames: frames + 1, last: now, steady },
                }
            }
            Capture::Waiting { name, rect, rx, since } => match rx.try_recv() {
                Ok(image) => {
                    let file = format!("{name}.png");
                    match write_png(&job.dir.join(&file), &image, rect, ctx.pixels_per_point()) {
                        Ok(true) => job.files.push(file),
                        Ok(false) => {}
                        Err(e) => job.errors.push(format!("{}: {e}", job.dir.join(&file).display())),
                    }
                    Capture::Idle
                }
                Err(_) if since.elapsed() > Duration::from_secs(10) => {
                    job.errors.push(format!("The window could not be captured; {name}.png was not written."));
                    Capture::Idle
                }
                Err(_) => Capture::Waiting { name, rect, rx, since },
            },
        };
        self.window.capture = Some(job);
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
fn write_png(
    path: &Path,
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
) -> std::io::Result<bool> {
    let [w, h] = image.size;
    let x0 = ((rect.min.x * pixels_per_point).round().max(0.0) as usize).min(w);
    let y0 = ((rect.min.y * pixels_per_point).round().max(0.0) as usize).min(h);
    let x1 = ((rect.max.x * pixels_per_point).round().max(0.0) as usize).min(w);
    let y1 = ((rect.max.y * pixels_per_point).round().max(0.0) as usize).min(h);
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

impl eframe::App for ReglabApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.take_updates(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.wb.clean_exit();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.wb.settings);
        eframe::set_value(storage, VIEW_KEY, &self.view);
    }
}

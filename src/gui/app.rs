//! The eframe glue: the [`Workbench`] and the window's own state. `logic`
//! takes in what the trainer and the jobs sent and the workbench's messages;
//! `ui` draws the panels, which read the workbench and return [`Action`]s,
//! applied after drawing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use egui::{Key, Modifiers};

use super::capture::PictureJob;
use super::dashboard::Dashboard;
use super::dialogs::Dialogs;
use super::shortcuts::{
    SHORTCUT_EXPORT, SHORTCUT_FULLSCREEN, SHORTCUT_HELP, SHORTCUT_MAXIMISE, SHORTCUT_OPEN, SHORTCUT_PRESENT,
    SHORTCUT_RESET, SHORTCUT_SAVE, SHORTCUT_STEP, SHORTCUT_STEP_ARROW, SHORTCUT_TRAIN,
};
use super::view::ViewSettings;
use super::{panels, views};
use crate::experiment::{DataSource, Layout, ViewKind};
use crate::workbench::{Action, Message, SavedState, Settings, SettingsFile, Workbench};

/// The window's state that is neither the workbench's nor saved.
pub struct WindowState {
    /// The text of the Data panel's Path field.
    pub path_field: String,
    pub show_help: bool,
    pub fullscreen: bool,
    /// The tiled views.
    pub dashboard: Dashboard,
    pub textures: views::Textures,
    pub dialogs: Dialogs,
    applied_theme: Option<super::Theme>,
    capture: Option<PictureJob>,
    /// How long the last frame's drawing took (the app's own code).
    pub last_frame: std::time::Duration,
    /// A picture or animation of a view being drawn in the background.
    pub recording: Option<super::record::Recording>,
}

impl WindowState {
    fn new(layout: &Layout) -> WindowState {
        WindowState {
            path_field: String::new(),
            show_help: false,
            fullscreen: false,
            dashboard: Dashboard::new(layout),
            textures: views::Textures::default(),
            dialogs: Dialogs::default(),
            applied_theme: None,
            capture: None,
            last_frame: std::time::Duration::ZERO,
            recording: None,
        }
    }
}

/// Where settings were kept before `settings.json` (eframe's storage): read
/// once when there is no settings file yet.
const SETTINGS_KEY: &str = "reglab-workbench";
const VIEW_KEY: &str = "reglab-view";

/// The name of the settings file in the data folder.
pub const SETTINGS_FILE: &str = "settings.json";

pub struct ReglabApp {
    pub wb: Workbench,
    pub view: ViewSettings,
    pub window: WindowState,
    actions: Vec<Action>,
    /// Where the settings are saved (none in tests that do not ask).
    settings_file: Option<SettingsFile>,
    /// The signal that asked the window to close (0: none yet).
    stopped_by: Arc<AtomicUsize>,
    /// `on_exit` ran: the settings and the autosave are written.
    exited: Arc<AtomicBool>,
}

impl ReglabApp {
    /// The app as eframe creates it: settings restored, the trainer started,
    /// and the data loaded (`source` when given, else the last one).
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        source: Option<DataSource>,
        lesson: Option<crate::lesson::Lesson>,
    ) -> ReglabApp {
        let mut file = SettingsFile::new(crate::workbench::data_dir().join(SETTINGS_FILE));
        let (saved, problem) = match file.load::<ViewSettings>() {
            Ok(saved) => (saved, None),
            Err(e) => (None, Some(e)),
        };
        let SavedState { workbench: settings, view } = match (saved, &problem) {
            (Some(saved), _) => saved,
            // No settings file yet: those of an earlier reglab, kept by eframe.
            (None, None) => SavedState {
                workbench: cc.storage.and_then(|s| eframe::get_value(s, SETTINGS_KEY)).unwrap_or_default(),
                view: cc.storage.and_then(|s| eframe::get_value(s, VIEW_KEY)).unwrap_or_default(),
            },
            (None, Some(_)) => SavedState::default(),
        };
        cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = true);
        let mut app = ReglabApp::with_settings(cc.egui_ctx.clone(), settings);
        if let Some(e) = problem {
            app.wb.notices.error(e.to_string());
        }
        app.use_settings_file(file);
        app.wb.enable_autosave();
        app.close_on_signals(&cc.egui_ctx);
        app.view = view;
        match source {
            Some(source) => app.wb.start_load(source),
            None => app.wb.load_current(),
        }
        if let Some(lesson) = lesson {
            app.wb.start_lesson(lesson);
        }
        app
    }

    /// An app with these settings and no data yet (tests start here too).
    pub fn with_settings(ctx: egui::Context, settings: Settings) -> ReglabApp {
        let layout =
            settings.experiment.layout.clone().unwrap_or_else(|| Layout::focus(&settings.experiment.views));
        let mut wb = Workbench::new(settings, waker(&ctx));
        wb.exports.takes_pictures = true;
        ReglabApp {
            wb,
            view: ViewSettings::default(),
            window: WindowState::new(&layout),
            actions: Vec::new(),
            settings_file: None,
            stopped_by: Arc::new(AtomicUsize::new(0)),
            exited: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Saves the settings in `file` from now on (at eframe's saves and at exit).
    pub fn use_settings_file(&mut self, file: SettingsFile) {
        self.settings_file = Some(file);
    }

    /// Writes the settings file when they changed; a failure is said once
    /// in the status bar.
    pub fn save_settings(&mut self) {
        let Some(file) = self.settings_file.as_mut() else { return };
        let state = SavedState { workbench: self.wb.settings.clone(), view: self.view.clone() };
        if let Some(e) = file.save(&state) {
            self.wb.notices.error(e.to_string());
        }
    }

    /// SIGTERM, SIGINT and SIGHUP (a logout, a closed terminal) close the
    /// window the normal way, so that the settings are saved, and the
    /// autosave is brought up to date and kept, to be offered at the next
    /// start. A signal ignored when reglab started stays ignored; a second
    /// signal, or a close that does not happen within a few seconds, ends
    /// reglab at once.
    pub fn close_on_signals(&mut self, ctx: &egui::Context) {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let wanted: Vec<i32> = [SIGTERM, SIGINT, SIGHUP]
                .into_iter()
                .filter(|&s| !crate::console::stop::ignored(s))
                .collect();
            let Ok(mut signals) = signal_hook::iterator::Signals::new(&wanted) else {
                self.wb.notices.error(
                    "Signals cannot be caught: a SIGTERM would end reglab without saving its settings."
                        .into(),
                );
                return;
            };
            let (ctx, stopped_by, exited) =
                (ctx.clone(), Arc::clone(&self.stopped_by), Arc::clone(&self.exited));
            let listener = move || {
                for signal in signals.forever() {
                    if stopped_by.swap(signal as usize, Ordering::SeqCst) != 0 {
                        std::process::exit(128 + signal);
                    }
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    ctx.request_repaint();
                    // A window that cannot draw (minimised on some systems,
                    // or stuck) does not close: end it all the same. The
                    // autosave is at most a few seconds old.
                    let exited = Arc::clone(&exited);
                    let _ =
                        std::thread::Builder::new().name("reglab-signal-deadline".into()).spawn(move || {
                            std::thread::sleep(std::time::Duration::from_secs(10));
                            if !exited.load(Ordering::SeqCst) {
                                std::process::exit(128 + signal);
                            }
                        });
                }
            };
            if std::thread::Builder::new().name("reglab-signals".into()).spawn(listener).is_err() {
                self.wb.notices.error(
                    "Signals cannot be caught: a SIGTERM would end reglab without saving its settings."
                        .into(),
                );
            }
        }
        #[cfg(not(unix))]
        let _ = ctx;
    }

    /// The signal that asked the window to close, if one did.
    pub fn stopped_by_signal(&self) -> Option<i32> {
        match self.stopped_by.load(Ordering::SeqCst) {
            0 => None,
            s => Some(s as i32),
        }
    }

    /// Queues an action, as a button would.
    pub fn act(&mut self, action: Action) {
        self.actions.push(action);
    }

    /// Takes in what the trainer, the jobs and the file dialog sent, and
    /// what the workbench asks of the window.
    pub fn take_updates(&mut self, ctx: &egui::Context) {
        if let Some(again) = self.wb.poll() {
            ctx.request_repaint_after(again);
        }
        if let Some(answer) = self.window.dialogs.poll() {
            self.wb.apply(answer);
        }
        for message in self.wb.take_messages() {
            self.take_message(message, ctx);
        }
        if let Some(done) = self.window.recording.as_mut().and_then(|r| r.poll()) {
            self.window.recording = None;
            self.wb.apply(done);
        }
    }

    fn take_message(&mut self, message: Message, ctx: &egui::Context) {
        match message {
            Message::Opened { epsilon, layout } => {
                // The sparsity plot shows the experiment's ε (the nearest recorded one).
                self.view.epsilon_index = crate::train::EPSILON_GRID
                    .iter()
                    .enumerate()
                    .min_by(|a, b| {
                        (a.1.ln() - epsilon.ln()).abs().total_cmp(&(b.1.ln() - epsilon.ln()).abs())
                    })
                    .map_or(self.view.epsilon_index, |(k, _)| k);
                self.window.dashboard.set_layout(&layout);
            }
            Message::TakePictures(dir) => {
                let views: Vec<ViewKind> =
                    self.window.dashboard.layout().views().into_iter().filter(|v| self.shows(*v)).collect();
                self.window.capture = Some(PictureJob::new(dir, views, &self.window.dashboard));
                ctx.request_repaint();
            }
            Message::Maximise(view) => self.window.dashboard.maximized = view,
            Message::Layout(layout) => self.window.dashboard.set_layout(&layout),
            Message::AskPath(request) => {
                let start = self.wb.settings.recent_files.first().and_then(|p| p.parent());
                if let Err(e) = self.window.dialogs.ask(request, start, waker(ctx)) {
                    self.wb.notices.error(e);
                }
            }
            Message::Render(order) => {
                if self.window.recording.is_some() {
                    let _ = std::fs::remove_file(&order.session);
                    return self.wb.notices.error(
                        "A picture is being drawn already: wait for it, or cancel it under the views.".into(),
                    );
                }
                let size = ctx.content_rect().size();
                match super::record::Recording::start(order, size, self.view.theme, ctx) {
                    Ok(r) => self.window.recording = Some(r),
                    Err(e) => self.wb.notices.error(format!("cannot start drawing the picture: {e}")),
                }
            }
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        // Keys typed into a text field are text, not commands.
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let mut out = Vec::new();
        if self.wb.lesson.is_some() {
            // A presenter's clicker sends arrows and Page Up/Down.
            ctx.input_mut(|i| {
                for (key, action) in [
                    (Key::ArrowRight, Action::NextStep),
                    (Key::PageDown, Action::NextStep),
                    (Key::ArrowLeft, Action::PreviousStep),
                    (Key::PageUp, Action::PreviousStep),
                    (Key::Escape, Action::LeaveLesson),
                ] {
                    if i.consume_key(Modifiers::NONE, key) {
                        out.push(action);
                    }
                }
            });
        }
        let (view, window) = (&mut self.view, &mut self.window);
        ctx.input_mut(|i| {
            let commands = [
                (SHORTCUT_TRAIN, Action::TogglePlay),
                (SHORTCUT_SAVE, Action::SaveSession),
                (SHORTCUT_EXPORT, Action::ExportAll),
                (SHORTCUT_STEP, Action::Step),
                (SHORTCUT_STEP_ARROW, Action::Step),
                (SHORTCUT_RESET, Action::Reset),
                (SHORTCUT_OPEN, Action::OpenDataDialog),
            ];
            for (shortcut, action) in commands {
                if i.consume_shortcut(&shortcut) {
                    out.push(action);
                }
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

    /// Cells pasted (Ctrl+V) outside a text field load as a dataset.
    fn pasted(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let pasted = ctx.input(|i| {
            i.events.iter().find_map(|e| match e {
                egui::Event::Paste(text) if !text.trim().is_empty() => Some(text.clone()),
                _ => None,
            })
        });
        if let Some(text) = pasted {
            self.actions.push(Action::Load(DataSource::Pasted(text)));
        }
    }

    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Option<std::path::PathBuf> = ctx.input(|i| {
            i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).find(|p| !p.as_os_str().is_empty())
        });
        if let Some(path) = dropped {
            self.actions.push(Action::Load(DataSource::File(path)));
        }
    }

    /// Draws the whole window, then applies what was asked.
    pub fn draw(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        let ctx = ui.ctx().clone();
        self.shortcuts(&ctx);
        self.pasted(&ctx);
        self.dropped_files(&ctx);
        if self.window.applied_theme != Some(self.view.theme) {
            ctx.set_visuals(self.view.theme.visuals());
            // Nothing smaller than 12 px at 100%: it is read from the back of a room.
            ctx.all_styles_mut(|s| {
                s.text_styles.insert(egui::TextStyle::Small, egui::FontId::proportional(12.0));
            });
            self.window.applied_theme = Some(self.view.theme);
        }
        let mut out = Vec::new();
        self.panels_ui(ui, &ctx, &mut out);
        focus_ring(&ctx);
        self.window.last_frame = started.elapsed();
        self.actions.extend(out);
        if let Some(mut job) = self.window.capture.take() {
            match job.step(&ctx, &mut self.window.dashboard) {
                Some(answer) => self.actions.push(answer),
                None => self.window.capture = Some(job),
            }
        }
        self.apply_actions();
    }

    /// The toolbar, the status bar, the settings panel and the views.
    fn panels_ui(&mut self, ui: &mut egui::Ui, ctx: &egui::Context, out: &mut Vec<Action>) {
        let fullscreen = self.window.fullscreen;
        let (wb, view, window) = (&self.wb, &mut self.view, &mut self.window);
        let controls_shown =
            !view.presentation && view.show_controls.unwrap_or_else(|| ctx.content_rect().width() >= 1400.0);
        let mut reset_layout = false;
        egui::Panel::top("toolbar").show(ui, |ui| {
            panels::toolbar_ui(wb, view, &mut window.show_help, &mut reset_layout, controls_shown, ui, out)
        });
        if reset_layout {
            window.dashboard.set_layout(&Layout::focus(&wb.settings.experiment.views));
        }
        if !view.presentation {
            egui::Panel::bottom("status").show(ui, |ui| panels::status_ui(wb, ui, out));
        }
        if let Some(recording) = &window.recording {
            egui::Panel::bottom("recording").show(ui, |ui| {
                ui.horizontal(|ui| {
                    let (text, fraction) = recording.status();
                    if ui.button("Cancel").on_hover_text("Stop drawing; nothing is written").clicked() {
                        recording.cancel();
                    }
                    match fraction {
                        Some(f) => {
                            ui.add(egui::ProgressBar::new(f).text(text).desired_width(ui.available_width()))
                        }
                        None => {
                            ui.horizontal(|ui| {
                                ui.spinner();
                                ui.label(text)
                            })
                            .inner
                        }
                    };
                });
            });
        }
        if controls_shown {
            egui::Panel::left("settings")
                .resizable(true)
                .default_size(360.0)
                .show(ui, |ui| panels::settings_ui(wb, &mut window.path_field, ui, out));
        }
        egui::CentralPanel::default()
            .show(ui, |ui| window.dashboard.ui(wb, view, &mut window.textures, ui, out));
        let layout = window.dashboard.layout();
        if wb.settings.experiment.layout.as_ref() != Some(&layout) {
            out.push(Action::SetLayout(layout));
        }
        if window.show_help {
            panels::help_ui(&mut window.show_help, ctx);
        }
        if ctx.input(|i| !i.raw.hovered_files.is_empty()) {
            panels::drop_hint_ui(ctx);
        }
        if window.fullscreen != fullscreen {
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(window.fullscreen));
        }
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
        self.wb.shows(kind)
    }
}

/// Wakes the window from another thread (a repaint request).
fn waker(ctx: &egui::Context) -> crate::workbench::jobs::Waker {
    let ctx = ctx.clone();
    Arc::new(move || ctx.request_repaint())
}

impl eframe::App for ReglabApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if self.stopped_by_signal().is_some() {
            // Again each frame until it closes: a command sent from the
            // signal thread between frames is not lost.
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        self.take_updates(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Also here: eframe calls `save` only where it has a storage.
        self.save_settings();
        if self.stopped_by_signal().is_some() {
            // Stopped from outside, not closed by hand: the session on
            // screen is offered back at the next start.
            self.wb.autosave_now();
        } else {
            self.wb.clean_exit();
        }
        self.exited.store(true, Ordering::SeqCst);
    }

    /// Called by eframe every 30 s and at exit; the window's size and place
    /// stay in eframe's storage, the settings go to their own file.
    fn save(&mut self, _storage: &mut dyn eframe::Storage) {
        self.save_settings();
    }
}

/// A ring around the widget with keyboard focus, thick enough to find on a
/// projector: egui alone only shades it.
fn focus_ring(ctx: &egui::Context) {
    let Some(id) = ctx.memory(|m| m.focused()) else { return };
    let Some(response) = ctx.read_response(id) else { return };
    let color = ctx.global_style().visuals.selection.stroke.color;
    let painter =
        ctx.layer_painter(egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("reglab-focus")));
    painter.rect_stroke(
        response.rect.expand(2.0),
        3.0,
        egui::Stroke::new(2.5, color),
        egui::StrokeKind::Outside,
    );
}

//! How the window shows things (saved with the app, apart from the
//! workbench's settings), the keyboard shortcuts and the colours.

use std::time::Duration;

use egui::{Color32, Key, KeyboardShortcut, Modifiers};
use serde::{Deserialize, Serialize};

pub const SHORTCUT_TRAIN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Space);
pub const SHORTCUT_STEP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::S);
pub const SHORTCUT_RESET: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::R);
pub const SHORTCUT_STOP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Escape);
pub const SHORTCUT_OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
pub const SHORTCUT_SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
pub const SHORTCUT_EXPORT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);
pub const SHORTCUT_STEP_ARROW: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::ArrowRight);
pub const SHORTCUT_FULLSCREEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F11);
pub const SHORTCUT_PRESENT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::P);
pub const SHORTCUT_HELP: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::F1);

/// Frame timings of the app's own `ui` code.
#[derive(Debug, Default)]
pub struct FrameTimes {
    recent: std::collections::VecDeque<Duration>,
}

impl FrameTimes {
    pub fn push(&mut self, d: Duration) {
        self.recent.push_back(d);
        if self.recent.len() > 120 {
            self.recent.pop_front();
        }
    }

    /// Mean and worst of the recent frames.
    pub fn summary(&self) -> (Duration, Duration) {
        let n = self.recent.len().max(1) as u32;
        let sum: Duration = self.recent.iter().sum();
        (sum / n, self.recent.iter().max().copied().unwrap_or_default())
    }
}

/// A run's colour as egui paints it.
pub fn color(c: [u8; 3]) -> Color32 {
    Color32::from_rgb(c[0], c[1], c[2])
}

/// How the plots are shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewSettings {
    pub log_error: bool,
    pub show_validation: bool,
    pub show_penalty: bool,
    pub log_counts: bool,
    /// `None`: all layers together.
    pub histogram_layer: Option<usize>,
    pub histogram_history: bool,
    /// Index into [`crate::train::EPSILON_GRID`].
    pub epsilon_index: usize,
    pub show_formula: bool,
    /// The run whose formula is shown.
    pub formula_run: usize,
    pub theme: Theme,
    /// Plots only: the settings panel and the status bar are hidden.
    pub presentation: bool,
    /// Regularization path: how many λ values, the smallest as a fraction of
    /// the largest, and the epochs at most per λ.
    pub sweep_count: usize,
    pub sweep_min_ratio: f64,
    pub sweep_epochs: usize,
}

/// Colours of the whole window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Theme {
    #[default]
    Dark,
    Light,
    /// Black on white with heavier lines, for a washed-out projector.
    HighContrast,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Dark, Theme::Light, Theme::HighContrast];

    pub fn name(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
            Theme::HighContrast => "high contrast",
        }
    }

    pub fn visuals(self) -> egui::Visuals {
        match self {
            Theme::Dark => egui::Visuals::dark(),
            Theme::Light => egui::Visuals::light(),
            Theme::HighContrast => {
                let mut v = egui::Visuals::light();
                v.override_text_color = Some(Color32::BLACK);
                v.panel_fill = Color32::WHITE;
                v.window_fill = Color32::WHITE;
                v.extreme_bg_color = Color32::WHITE;
                v.widgets.noninteractive.bg_stroke = egui::Stroke::new(1.5, Color32::BLACK);
                v.widgets.noninteractive.fg_stroke = egui::Stroke::new(1.5, Color32::BLACK);
                v.widgets.inactive.fg_stroke = egui::Stroke::new(1.5, Color32::BLACK);
                v.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, Color32::BLACK);
                v
            }
        }
    }
}

impl Default for ViewSettings {
    fn default() -> Self {
        ViewSettings {
            log_error: true,
            show_validation: true,
            show_penalty: true,
            log_counts: false,
            histogram_layer: None,
            histogram_history: false,
            epsilon_index: 12,
            show_formula: true,
            formula_run: 1,
            theme: Theme::Dark,
            presentation: false,
            sweep_count: 20,
            sweep_min_ratio: 1e-3,
            sweep_epochs: 200,
        }
    }
}

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
pub const SHORTCUT_MAXIMISE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::M);
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

/// Relative luminance of an sRGB colour (WCAG 2).
pub fn luminance(c: Color32) -> f64 {
    let lin = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.039_28 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
}

/// Contrast ratio of two colours (WCAG 2): 1 to 21.
pub fn contrast(a: Color32, b: Color32) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The least change of `c` towards black (on a light background) or white
/// (on a dark one) that gives a contrast of at least 3:1 against `bg`, so
/// that a run's lines read from the back of a room in every theme.
pub fn legible(c: [u8; 3], bg: Color32) -> Color32 {
    let base = color(c);
    let target = if luminance(bg) > 0.18 { Color32::BLACK } else { Color32::WHITE };
    for step in 0..=20 {
        let t = step as f32 / 20.0;
        let mix = |x: u8, y: u8| (x as f32 * (1.0 - t) + y as f32 * t).round() as u8;
        let c = Color32::from_rgb(
            mix(base.r(), target.r()),
            mix(base.g(), target.g()),
            mix(base.b(), target.b()),
        );
        if contrast(c, bg) >= 3.0 {
            return c;
        }
    }
    target
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
    /// The panel of data, network and runs; `None`: shown when the window
    /// is at least 1400 points wide.
    pub show_controls: Option<bool>,
    /// Regularization path: how many λ values, the smallest as a fraction of
    /// the largest, and the epochs at most per λ.
    pub sweep_count: usize,
    pub sweep_min_ratio: f64,
    pub sweep_epochs: usize,
    /// Weight of the exponential moving average on the error curves; 0 is off.
    pub smoothing: f32,
    /// Seeds of the band on the error plot.
    pub seed_count: usize,
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
            show_controls: None,
            sweep_count: 20,
            sweep_min_ratio: 1e-3,
            sweep_epochs: 200,
            smoothing: 0.0,
            seed_count: 5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_run_colour_reads_against_the_plots_in_every_theme() {
        for theme in Theme::ALL {
            let bg = theme.visuals().extreme_bg_color;
            for c in crate::workbench::PALETTE {
                let shown = legible(c, bg);
                let ratio = contrast(shown, bg);
                assert!(ratio >= 3.0, "{c:?} on {} ({bg:?}): {ratio:.2}", theme.name());
            }
        }
        // The check can fail: the grey run on white is below 3:1 as it is.
        assert!(contrast(color([0x99, 0x99, 0x99]), Color32::WHITE) < 3.0);
    }

    #[test]
    fn class_colours_stand_apart_from_run_colours() {
        let distance = |a: [u8; 3], b: [u8; 3]| {
            a.iter().zip(&b).map(|(x, y)| (*x as f64 - *y as f64).powi(2)).sum::<f64>().sqrt()
        };
        for k in crate::gui::plots::CLASS_COLORS.iter().take(2) {
            for r in crate::workbench::PALETTE {
                assert!(distance(*k, r) > 60.0, "class colour {k:?} is close to run colour {r:?}");
            }
        }
    }
}

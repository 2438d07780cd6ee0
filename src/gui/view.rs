//! How the window shows things (saved with the app, apart from the
//! workbench's settings): the plots' options, the themes and the colours.

use egui::Color32;
use serde::{Deserialize, Serialize};

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
    pub error: ErrorOptions,
    pub histograms: HistogramOptions,
    /// Input importance as Σ|w| on one scale, instead of each run's shares.
    pub importance_raw: bool,
    /// Index into [`crate::train::EPSILON_GRID`].
    pub epsilon_index: usize,
    /// The run whose formula is shown.
    pub formula_run: usize,
    pub theme: Theme,
    /// Plots only: the settings panel and the status bar are hidden.
    pub presentation: bool,
    /// The panel of data, network and runs; `None`: shown when the window
    /// is at least 1400 points wide.
    pub show_controls: Option<bool>,
    pub sweep: SweepOptions,
}

/// How the error plot shows the runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorOptions {
    pub log: bool,
    pub validation: bool,
    pub penalty: bool,
    /// Weight of the exponential moving average on the error curves; 0 is off.
    pub smoothing: f32,
    /// Seeds of the band on the error plot.
    pub seeds: usize,
}

impl Default for ErrorOptions {
    fn default() -> Self {
        ErrorOptions { log: true, validation: true, penalty: true, smoothing: 0.0, seeds: 5 }
    }
}

/// How the histograms show the weights.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistogramOptions {
    pub log_counts: bool,
    /// `None`: all layers together.
    pub layer: Option<usize>,
    /// The heat map over the epochs instead of the histogram now.
    pub history: bool,
}

/// The regularization path: how many λ values, the smallest as a fraction
/// of the largest, and the epochs at most per λ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SweepOptions {
    pub count: usize,
    pub min_ratio: f64,
    pub epochs: usize,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions { count: 20, min_ratio: 1e-3, epochs: 200 }
    }
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
            error: ErrorOptions::default(),
            histograms: HistogramOptions::default(),
            importance_raw: false,
            epsilon_index: 12,
            formula_run: 1,
            theme: Theme::Dark,
            presentation: false,
            show_controls: None,
            sweep: SweepOptions::default(),
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
            for (_, c) in crate::workbench::colors::all_shades() {
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
        for k in crate::gui::views::boundary::CLASS_COLORS.iter().take(2) {
            for (_, r) in crate::workbench::colors::all_shades() {
                assert!(distance(*k, r) > 60.0, "class colour {k:?} is close to run colour {r:?}");
            }
        }
    }
}

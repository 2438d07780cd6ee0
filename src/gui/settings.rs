//! What the workbench remembers between sessions (eframe persistence).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::PALETTE;
use super::app::DataChoice;
use crate::data::{Builtin, MissingPolicy, TaskKind};
use crate::nn::{Activation, Regularizer};
use crate::train::{Batch, NetworkSpec, RunSpec, TrainingSpec};

/// One run in the runs panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunEntry {
    pub spec: RunSpec,
    pub color: [u8; 3],
}

impl Default for RunEntry {
    fn default() -> Self {
        RunEntry { spec: RunSpec::default(), color: PALETTE[0] }
    }
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
    /// Epochs per second at most; `None` for as fast as possible.
    pub speed_limit: Option<f64>,
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
                v.override_text_color = Some(egui::Color32::BLACK);
                v.panel_fill = egui::Color32::WHITE;
                v.window_fill = egui::Color32::WHITE;
                v.extreme_bg_color = egui::Color32::WHITE;
                v.widgets.noninteractive.bg_stroke = egui::Stroke::new(1.5, egui::Color32::BLACK);
                v.widgets.noninteractive.fg_stroke = egui::Stroke::new(1.5, egui::Color32::BLACK);
                v.widgets.inactive.fg_stroke = egui::Stroke::new(1.5, egui::Color32::BLACK);
                v.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, egui::Color32::BLACK);
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
            speed_limit: None,
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

/// Everything the panels set, saved on exit and restored at start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub source: DataChoice,
    pub target: Option<String>,
    pub ignore: Vec<String>,
    pub task: Option<TaskKind>,
    pub validation: f64,
    pub test: f64,
    pub missing: MissingPolicy,
    pub standardize: bool,
    pub network: NetworkSpec,
    pub training: TrainingSpec,
    pub seed: u64,
    pub runs: Vec<RunEntry>,
    pub recent_files: Vec<PathBuf>,
    pub view: ViewSettings,
    /// The session file saved or opened last, offered at the next start.
    pub last_session: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        let run = |reg: Regularizer, lambda: f64, color: usize| RunEntry {
            spec: RunSpec {
                name: match reg {
                    Regularizer::None => "none".into(),
                    Regularizer::L1 => "L1".into(),
                    Regularizer::L2 => "L2".into(),
                    Regularizer::ElasticNet => "elastic net".into(),
                },
                reg,
                lambda,
                // Exact zeros, which the other rules almost never give.
                l1_rule: crate::nn::L1Rule::Proximal,
                ..RunSpec::default()
            },
            color: PALETTE[color],
        };
        Settings {
            source: DataChoice::Builtin(Builtin::BreastCancer),
            target: None,
            ignore: Vec::new(),
            task: None,
            validation: 0.3,
            test: 0.0,
            missing: MissingPolicy::Drop,
            standardize: true,
            network: NetworkSpec { hidden: vec![8], activation: Activation::Tanh },
            training: TrainingSpec {
                lr: Some(0.05),
                batch: Batch::Size(32),
                epochs: Some(2000),
                ..TrainingSpec::default()
            },
            seed: 1,
            runs: vec![
                run(Regularizer::None, 0.0, 0),
                run(Regularizer::L1, 0.1, 1),
                run(Regularizer::L2, 0.1, 2),
            ],
            recent_files: Vec::new(),
            view: ViewSettings::default(),
            last_session: None,
        }
    }
}

impl Settings {
    /// Remembers a file at the top of the recent list (at most 8).
    pub fn remember_file(&mut self, path: PathBuf) {
        self.recent_files.retain(|p| *p != path);
        self.recent_files.insert(0, path);
        self.recent_files.truncate(8);
    }

    /// The first palette colour no run uses yet.
    pub fn free_color(&self) -> [u8; 3] {
        PALETTE
            .iter()
            .copied()
            .find(|c| !self.runs.iter().any(|r| r.color == *c))
            .unwrap_or(PALETTE[self.runs.len() % PALETTE.len()])
    }
}

//! The keyboard shortcuts, in a window over the views and in the settings panel.

use egui::{RichText, Ui};

use super::shortcut_text;
use crate::gui::shortcuts::{
    SHORTCUT_EXPORT, SHORTCUT_FULLSCREEN, SHORTCUT_HELP, SHORTCUT_OPEN, SHORTCUT_PRESENT, SHORTCUT_RESET,
    SHORTCUT_SAVE, SHORTCUT_STEP, SHORTCUT_TRAIN,
};

/// The keyboard shortcuts, over the plots.
pub fn help_ui(show_help: &mut bool, ctx: &egui::Context) {
    let mut open = true;
    egui::Window::new("Keyboard shortcuts").open(&mut open).collapsible(false).resizable(false).show(
        ctx,
        |ui| {
            shortcuts_grid(ui);
        },
    );
    if !open {
        *show_help = false;
    }
}

pub(super) fn shortcuts_grid(ui: &mut Ui) {
    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
        for (s, what) in [
            (SHORTCUT_TRAIN, "Train / Pause / Resume"),
            (SHORTCUT_STEP, "Step one epoch (also the right arrow)"),
            (SHORTCUT_RESET, "Reset to epoch 0"),
            (SHORTCUT_OPEN, "Open a file"),
            (SHORTCUT_SAVE, "Save the session"),
            (SHORTCUT_EXPORT, "Export all: plots, metrics, weights, session"),
            (SHORTCUT_PRESENT, "Presentation view: plots only"),
            (SHORTCUT_FULLSCREEN, "Full screen"),
            (SHORTCUT_HELP, "This list (also ?)"),
        ] {
            ui.label(RichText::new(shortcut_text(ui, &s)).monospace());
            ui.label(what);
            ui.end_row();
        }
        ui.label(RichText::new(format!("1 … {}", crate::experiment::PRESETS.len())).monospace());
        ui.label("Load a preset");
        ui.end_row();
        ui.label(RichText::new("Ctrl + / Ctrl −").monospace());
        ui.label("Zoom the whole window (for a projector)");
        ui.end_row();
        for (keys, what) in [
            ("Right, Page Down", "In a lesson: the next step (a presenter's clicker)"),
            ("Left, Page Up", "In a lesson: the step before"),
            ("Esc", "In a lesson: leave it, keeping what is on screen"),
        ] {
            ui.label(RichText::new(keys).monospace());
            ui.label(what);
            ui.end_row();
        }
    });
}

//! The panels around the views: the toolbar, the status bar, and the
//! settings panel of data, network and runs, one file each. Each reads the
//! workbench (and the window's own state) and returns actions; none changes
//! the workbench.

mod data;
mod help;
mod network;
mod runs;
mod status;
mod toolbar;

use egui::{RichText, Ui};

pub use help::help_ui;
pub use status::{drop_hint_ui, status_ui};
pub use toolbar::toolbar_ui;

use crate::workbench::{Action, Workbench};

pub(crate) fn shortcut_text(ui: &Ui, s: &egui::KeyboardShortcut) -> String {
    ui.ctx().format_shortcut(s)
}

/// The left panel: data, network and runs.
pub fn settings_ui(wb: &Workbench, path_field: &mut String, ui: &mut Ui, out: &mut Vec<Action>) {
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        egui::CollapsingHeader::new(RichText::new("Data").strong())
            .default_open(true)
            .show(ui, |ui| data::data_ui(wb, path_field, ui, out));
        egui::CollapsingHeader::new(RichText::new("Network and training").strong())
            .default_open(true)
            .show(ui, |ui| network::network_ui(wb, ui, out));
        egui::CollapsingHeader::new(RichText::new("Runs").strong())
            .default_open(true)
            .show(ui, |ui| runs::runs_ui(wb, ui, out));
        ui.add_space(8.0);
        egui::CollapsingHeader::new("Keyboard shortcuts").default_open(false).show(ui, help::shortcuts_grid);
    });
}

/// An edit is finished: a slider let go, or any other widget changed.
fn released(r: &egui::Response) -> bool {
    r.drag_stopped() || (r.changed() && !r.dragged())
}

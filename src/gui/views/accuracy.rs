//! Accuracy over the epochs: the share of rows classified right.

use egui::Ui;
use egui_plot::{Line, LineStyle};

use super::chrome::{Chrome, fill, run_colors};
use super::plot::{change_markers, epoch_plot, points};
use crate::gui::view::ViewSettings;
use crate::workbench::Workbench;

pub fn accuracy_ui(wb: &Workbench, view: &ViewSettings, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    chrome.header(
        ui,
        "Accuracy",
        "Share of rows classified right: training (solid), validation (dashed)",
        "solid: training · dashed: validation",
    );
    let classification = wb.data.prepared.as_ref().is_some_and(|p| p.task.is_classification());
    if !classification {
        ui.label("Accuracy is for classification; this is a regression task (see the error plot).");
        return;
    }
    let (width, height) = fill(ui);
    epoch_plot("accuracy-plot", width, height, "accuracy").include_y(1.0).show(ui, |plot| {
        for (i, h) in wb.screen.runs.iter().enumerate() {
            let c = colors[i];
            plot.line(
                Line::new(format!("{} train", h.name), points(&h.history.curves.train_accuracy, false))
                    .color(c)
                    .width(2.0),
            );
            if view.error.validation && !h.history.curves.val_accuracy.is_empty() {
                plot.line(
                    Line::new(
                        format!("{} validation", h.name),
                        points(&h.history.curves.val_accuracy, false),
                    )
                    .color(c)
                    .style(LineStyle::dashed_loose()),
                );
            }
        }
        change_markers(wb, &colors, plot);
    });
}

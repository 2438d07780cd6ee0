//! Accuracy over the epochs: the share of rows classified right.

use egui::Ui;
use egui_plot::{Line, LineStyle};

use super::chrome::{Chrome, run_colors};
use super::plot::{change_markers, epoch_plot, points, series_extent};
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
    let validation = view.error.validation;
    let curves = wb.screen.runs.iter().map(|r| &r.history.curves);
    let data = series_extent(
        curves.flat_map(|c| [&c.train_accuracy].into_iter().chain(validation.then_some(&c.val_accuracy))),
        false,
    );
    let (width, height) = chrome.fill(ui);
    let response = epoch_plot("accuracy-plot", width, height, "accuracy").include_y(1.0).show(ui, |plot| {
        for (run, &c) in wb.screen.runs.iter().zip(&colors) {
            let curves = &run.history.curves;
            let train = points(&curves.train_accuracy, false);
            plot.line(Line::new(format!("{} train", run.name), train).color(c).width(2.0));
            if validation && !curves.val_accuracy.is_empty() {
                let val = points(&curves.val_accuracy, false);
                plot.line(
                    Line::new(format!("{} validation", run.name), val)
                        .color(c)
                        .style(LineStyle::dashed_loose()),
                );
            }
        }
        change_markers(wb, &colors, plot);
    });
    chrome.plot("accuracy", &response, data);
}

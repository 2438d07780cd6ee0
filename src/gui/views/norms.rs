//! The L1 and L2 norms of each run's weights over the epochs.

use egui::Ui;
use egui_plot::{Line, LineStyle};

use super::chrome::{Chrome, fill, run_colors};
use super::plot::{change_markers, epoch_plot, points};
use crate::workbench::Workbench;

pub fn norms_ui(wb: &Workbench, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    chrome.header(
        ui,
        "Weight norms",
        "L1 norm Σ|w| (solid) and L2 norm √(Σw²) (dashed) over all weight matrices",
        "solid: L1 norm · dashed: L2 norm",
    );
    let (width, height) = fill(ui);
    epoch_plot("norms-plot", width, height, "norm").include_y(0.0).show(ui, |plot| {
        for (i, h) in wb.screen.runs.iter().enumerate() {
            let c = colors[i];
            plot.line(
                Line::new(format!("{} L1 norm", h.name), points(&h.history.curves.l1, false))
                    .color(c)
                    .width(2.0),
            );
            plot.line(
                Line::new(format!("{} L2 norm", h.name), points(&h.history.curves.l2, false))
                    .color(c)
                    .style(LineStyle::dashed_loose()),
            );
        }
        change_markers(wb, &colors, plot);
    });
}

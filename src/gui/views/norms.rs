//! The L1 and L2 norms of each run's weights over the epochs.

use egui::Ui;
use egui_plot::{Line, LineStyle};

use super::chrome::{Chrome, run_colors};
use super::plot::{change_markers, epoch_plot, points, series_extent};
use crate::workbench::Workbench;

pub fn norms_ui(wb: &Workbench, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    chrome.header(
        ui,
        "Weight norms",
        "L1 norm Σ|w| (solid) and L2 norm √(Σw²) (dashed) over all weight matrices",
        "solid: L1 norm · dashed: L2 norm",
    );
    let curves = wb.screen.runs.iter().map(|r| &r.history.curves);
    let data = series_extent(curves.flat_map(|c| [&c.l1, &c.l2]), false);
    let (width, height) = chrome.fill(ui);
    let response = epoch_plot("norms-plot", width, height, "norm").include_y(0.0).show(ui, |plot| {
        for (run, &c) in wb.screen.runs.iter().zip(&colors) {
            let curves = &run.history.curves;
            plot.line(
                Line::new(format!("{} L1 norm", run.name), points(&curves.l1, false)).color(c).width(2.0),
            );
            plot.line(
                Line::new(format!("{} L2 norm", run.name), points(&curves.l2, false))
                    .color(c)
                    .style(LineStyle::dashed_loose()),
            );
        }
        change_markers(wb, &colors, plot);
    });
    chrome.plot("norms", &response, data);
}

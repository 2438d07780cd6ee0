//! The L1 and L2 norms of each run's weights over the epochs.

use egui::Ui;
use egui_plot::{Line, LineStyle};

use super::chrome::{Chrome, run_colors};
use super::plot::{change_markers, end_labels, epoch_plot, label_room, points, series_extent};
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
    let room = label_room(width, wb.screen.runs.iter().map(|r| r.name.chars().count()));
    let plot = epoch_plot("norms-plot", width, height, "norm").include_y(0.0);
    let plot = plot.include_x((wb.screen.epoch() as f64).max(1.0) * (1.0 + room));
    let response = plot.show(ui, |plot| {
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
        let ends = wb.screen.runs.iter().zip(&colors).filter_map(|(run, &c)| {
            let p = run.history.curves.l1.last()?;
            Some((run.name.clone(), c, [p.x, p.y]))
        });
        end_labels(plot, ends.collect());
    });
    chrome.plot("norms", &response, data);
}

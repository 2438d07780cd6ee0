//! Sparsity over the epochs: the share of weights exactly 0, and the share
//! with |w| < ε for an ε that can be changed over the whole history.

use egui::{RichText, Ui};
use egui_plot::{Line, LineStyle};

use super::chrome::{Chrome, fill, run_colors};
use super::plot::{change_markers, epoch_plot, points};
use crate::gui::view::ViewSettings;
use crate::train::EPSILON_GRID;
use crate::workbench::Workbench;

pub fn sparsity_ui(wb: &Workbench, view: &mut ViewSettings, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Sparsity",
            "Share of weights exactly 0 (solid) and with |w| < ε (dashed); ε can be changed for the whole history",
        );
        let v = &mut *view;
        ui.add(
            egui::Slider::new(&mut v.epsilon_index, 0..=EPSILON_GRID.len() - 1)
                .custom_formatter(|x, _| format!("{:.0e}", EPSILON_GRID[(x as usize).min(EPSILON_GRID.len() - 1)]))
                .custom_parser(|s| {
                    let e: f64 = s.trim().parse().ok()?;
                    Some(EPSILON_GRID.iter().position(|&g| g >= e * 0.999).unwrap_or(EPSILON_GRID.len() - 1) as f64)
                })
                .text("ε"),
        );
        ui.label(RichText::new("solid: exactly 0 · dashed: |w| < ε").small().weak());
    });

    let k = view.epsilon_index.min(EPSILON_GRID.len() - 1);
    let (width, height) = fill(ui);
    epoch_plot("sparsity-plot", width, height, "share of weights").include_y(0.0).include_y(1.0).show(
        ui,
        |plot| {
            for (i, h) in wb.screen.runs.iter().enumerate() {
                let c = colors[i];
                plot.line(
                    Line::new(format!("{} exactly 0", h.name), points(&h.history.curves.zero_frac, false))
                        .color(c)
                        .width(2.0),
                );
                plot.line(
                    Line::new(
                        format!("{} |w| < {:.0e}", h.name, EPSILON_GRID[k]),
                        points(&h.history.curves.small_frac[k], false),
                    )
                    .color(c)
                    .style(LineStyle::dashed_loose()),
                );
            }
            change_markers(wb, &colors, plot);
        },
    );
}

//! Sparsity over the epochs: the share of weights exactly 0, and the share
//! with |w| < ε for an ε that can be changed over the whole history.

use egui::{RichText, Ui};
use egui_plot::{FilledArea, Line, LineStyle};

use super::chrome::{Chrome, run_colors};
use super::plot::{change_markers, end_labels, epoch_plot, label_room, series_extent, window_for, windowed};
use crate::gui::view::ViewSettings;
use crate::train::EPSILON_GRID;
use crate::workbench::Workbench;

pub fn sparsity_ui(wb: &Workbench, view: &mut ViewSettings, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    // A share that flickers from epoch to epoch (clip's zeros under
    // mini-batches) reads as its level over a window, within its range.
    let w = window_for(wb.screen.runs.first().map_or(0, |r| r.history.curves.zero_frac.len()));
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Sparsity",
            "Share of weights exactly 0 (solid) and with |w| < ε (dashed); ε can be changed for the whole history",
        );
        ui.spacing_mut().slider_width = 70.0;
        let last = EPSILON_GRID.len() - 1;
        ui.add(
            egui::Slider::new(&mut view.epsilon_index, 0..=last)
                .custom_formatter(|x, _| format!("{:.0e}", EPSILON_GRID[(x as usize).min(last)]))
                .custom_parser(|s| {
                    let e: f64 = s.trim().parse().ok()?;
                    Some(EPSILON_GRID.iter().position(|&g| g >= e * 0.999).unwrap_or(last) as f64)
                })
                .text("ε"),
        )
        .on_hover_text("The threshold of the dashed lines, for the whole history");
        let key = if w > 1 {
            format!("solid: exactly 0 · dashed: |w| < ε · means over {w} points, shaded: their range")
        } else {
            "solid: exactly 0 · dashed: |w| < ε".to_string()
        };
        ui.label(RichText::new(key).weak());
    });
    let k = view.epsilon_index.min(EPSILON_GRID.len() - 1);
    let curves = wb.screen.runs.iter().map(|r| &r.history.curves);
    let data = series_extent(curves.flat_map(|c| [&c.zero_frac, &c.small_frac[k]]), false);
    let (width, height) = chrome.fill(ui);
    let room = label_room(width, wb.screen.runs.iter().map(|r| r.name.chars().count()));
    let plot = epoch_plot("sparsity-plot", width, height, "share of weights")
        .include_y(0.0)
        .include_y(1.0)
        .include_x((wb.screen.epoch() as f64).max(1.0) * (1.0 + room));
    let response = plot.show(ui, |plot| {
        let mut ends = Vec::new();
        for (run, &c) in wb.screen.runs.iter().zip(&colors) {
            let curves = &run.history.curves;
            let zeros = windowed(&curves.zero_frac, w);
            if let Some(end) = zeros.line.last() {
                ends.push((run.name.clone(), c, *end));
            }
            if zeros.lo.iter().zip(&zeros.hi).any(|(a, b)| b > a) {
                let name = format!("{}: range of the share exactly 0", run.name);
                plot.add(
                    FilledArea::new(name, &zeros.xs, &zeros.lo, &zeros.hi)
                        .fill_color(c.gamma_multiply(0.2))
                        .allow_hover(false),
                );
            }
            plot.line(Line::new(format!("{} exactly 0", run.name), zeros.line).color(c).width(2.0));
            let small = windowed(&curves.small_frac[k], w).line;
            let name = format!("{} |w| < {:.0e}", run.name, EPSILON_GRID[k]);
            plot.line(Line::new(name, small).color(c).style(LineStyle::dashed_loose()));
        }
        change_markers(wb, &colors, plot);
        end_labels(plot, ends);
    });
    chrome.plot("sparsity", &response, data);
}

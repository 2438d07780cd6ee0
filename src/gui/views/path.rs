//! The regularization path: controls, each path's weights against log λ
//! with the count of non-zero weights along the top, and the validation
//! error against log λ with λ_min and the one-standard-error choice.

use egui::{Color32, RichText, Ui};
use egui_plot::{Line, LineStyle, Plot, PlotPoint, PlotUi, Text, VLine};

use crate::gui::view::{ViewSettings, color};
use crate::train::sweep::{SweepPath, SweepPoint};
use crate::workbench::{Action, Workbench};

use super::chrome::{Chrome, Extent, grid};

pub fn path_ui(
    wb: &Workbench,
    view: &mut ViewSettings,
    chrome: &mut Chrome,
    ui: &mut Ui,
    out: &mut Vec<Action>,
) {
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Regularization path",
            "Each penalised run trained at every λ of a log grid, each λ starting from the weights of the one before",
        );
        controls_ui(wb, view, ui, out);
    });
    let Some(paths) = &wb.studies.sweep else {
        ui.label("Press Sweep λ to trace how the weights and the validation error change with λ.");
        return;
    };
    let names: &[String] = wb.data.prepared.as_ref().map_or(&[], |p| &p.feature_names);
    let link = egui::Id::unique("path-x");
    let label_height = 2.0 * (ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y);
    let cells = grid(chrome.rest(ui), paths.len() + 1, 1.2, 8.0);
    chrome.panels(ui, &cells, |ui, k, chrome| {
        let cell = ui.max_rect();
        let size = [cell.width(), (cell.height() - label_height).max(16.0)];
        match paths.get(k) {
            Some((path, rgb)) => weights_ui(path, color(*rgb), names, link, size, ui, chrome),
            None => {
                ui.label("validation error against log₁₀ λ (± one standard error)");
                let mut data = Extent::default();
                let response = Plot::new("path-error")
                    .allow_scroll(false)
                    .width(size[0])
                    .height(size[1])
                    .link_axis(link, [true, false])
                    .x_axis_label("log₁₀ λ")
                    .show(ui, |plot| {
                        for (path, rgb) in paths {
                            data = data.union(error_lines(plot, path, color(*rgb)));
                        }
                    });
                chrome.plot("path error", &response, data);
            }
        }
    });
}

/// How many λ values, how far down, how many epochs each; Sweep or Cancel.
fn controls_ui(wb: &Workbench, view: &mut ViewSettings, ui: &mut Ui, out: &mut Vec<Action>) {
    let l = ui.label("λ values");
    ui.add(egui::DragValue::new(&mut view.sweep.count).range(2..=200)).labelled_by(l.id);
    let l = ui.label("smallest λ / largest");
    ui.add(egui::DragValue::new(&mut view.sweep.min_ratio).range(1e-6..=0.5).speed(0.0001)).labelled_by(l.id);
    let l = ui.label("epochs per λ");
    ui.add(egui::DragValue::new(&mut view.sweep.epochs).range(1..=100_000)).labelled_by(l.id);
    match wb.sweep_progress() {
        Some((done, total)) => {
            ui.add(
                egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                    .desired_width(160.0)
                    .text(format!("{done} / {total} λ")),
            );
            if ui.button("Cancel sweep").clicked() {
                out.push(Action::CancelSweep);
            }
        }
        None => {
            if ui
                .button("Sweep λ")
                .on_hover_text("Every run with a penalty, on the data and network above, on both cores")
                .clicked()
            {
                out.push(Action::RunSweep {
                    count: view.sweep.count,
                    min_ratio: view.sweep.min_ratio,
                    epochs: view.sweep.epochs,
                });
            }
        }
    }
}

/// One path's weights (a linear model) or input importances against log λ.
fn weights_ui(
    path: &SweepPath,
    color: Color32,
    names: &[String],
    link: egui::Id,
    size: [f32; 2],
    ui: &mut Ui,
    chrome: &mut Chrome,
) {
    let linear = path.shape.1 == 1;
    let what = if linear { "weights" } else { "input importance" };
    ui.label(RichText::new(format!("{}: {what} against log₁₀ λ", path.name)).color(color));
    let value = |p: &SweepPoint, j: usize| if linear { p.weights[j] } else { p.importance[j] };
    let top = path
        .points
        .iter()
        .flat_map(|p| (0..path.shape.0).map(move |j| value(p, j).abs()))
        .fold(0.0f32, f32::max) as f64;
    let mut data = Extent::default();
    let response = Plot::new(("path-weights", path.name.as_str()))
        .allow_scroll(false)
        .width(size[0])
        .height(size[1])
        .link_axis(link, [true, false])
        .x_axis_label("log₁₀ λ")
        .show(ui, |plot| {
            for j in 0..path.shape.0.min(60) {
                let pts: Vec<[f64; 2]> =
                    path.points.iter().map(|p| [p.lambda.log10(), value(p, j) as f64]).collect();
                data.add_all(pts.iter().copied());
                let name = names.get(j).cloned().unwrap_or_else(|| format!("x{}", j + 1));
                plot.line(Line::new(name, pts).width(1.5));
            }
            for p in &path.points {
                let at = PlotPoint::new(p.lambda.log10(), top * 1.1 + 1e-9);
                plot.text(Text::new("", at, p.nonzero.to_string()));
            }
            plot.vline(VLine::new("λ min", path.lambda_min.log10()).color(color));
            plot.vline(
                VLine::new("λ 1-SE", path.lambda_1se.log10()).color(color).style(LineStyle::dashed_loose()),
            );
        });
    chrome.plot(&format!("path {}", path.name), &response, data);
    ui.label(RichText::new("numbers along the top: weights not exactly 0").weak());
}

/// One path's validation error with ± one standard error, λ_min and λ_1SE.
fn error_lines(plot: &mut PlotUi<'_>, path: &SweepPath, color: Color32) -> Extent {
    let pts = |f: &dyn Fn(&SweepPoint) -> f64| -> Vec<[f64; 2]> {
        path.points.iter().map(|p| [p.lambda.log10(), f(p)]).collect()
    };
    let mut data = Extent::default();
    data.add_all(pts(&|p| p.val_error + p.val_se));
    data.add_all(pts(&|p| p.val_error - p.val_se));
    plot.line(Line::new(path.name.clone(), pts(&|p| p.val_error)).color(color).width(2.0));
    let faint = color.gamma_multiply(0.5);
    plot.line(Line::new(format!("{} + SE", path.name), pts(&|p| p.val_error + p.val_se)).color(faint));
    plot.line(Line::new(format!("{} − SE", path.name), pts(&|p| p.val_error - p.val_se)).color(faint));
    plot.vline(
        VLine::new(format!("{}: λ min {:.3e}", path.name, path.lambda_min), path.lambda_min.log10())
            .color(color),
    );
    plot.vline(
        VLine::new(format!("{}: λ 1-SE {:.3e}", path.name, path.lambda_1se), path.lambda_1se.log10())
            .color(color)
            .style(LineStyle::dashed_loose()),
    );
    data
}

//! The error over the epochs: each run's training error (solid), validation
//! error (dashed) and penalty R(w) (dotted), on a log scale by default, with
//! optional smoothing, each run's lowest validation error marked, and the
//! runs over several seeds as a mean with a band of ± one spread.

use egui::{Color32, RichText, Ui};
use egui_plot::{Line, LineStyle, PlotUi, Points};

use super::chrome::{Chrome, fill, run_colors};
use super::plot::{change_markers, compact, decade_marks, epoch_plot, points, smoothed};
use crate::gui::view::ViewSettings;
use crate::workbench::{Action, ScreenRun, Workbench};

pub fn error_ui(
    wb: &Workbench,
    view: &mut ViewSettings,
    chrome: &mut Chrome,
    ui: &mut Ui,
    out: &mut Vec<Action>,
) {
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Error",
            "Data error E₀ per run: training (solid), validation (dashed); the penalty term R(w) dotted, apart from it",
        );
        controls_ui(wb, view, ui, out);
    });
    if let Some(study) = &wb.studies.seeds {
        let which = if study.validation { "validation" } else { "training" };
        for line in crate::train::seeds::comparisons(&study.runs, &study.finals()) {
            ui.label(RichText::new(format!("{line} (final {which} error)")).small());
        }
    }
    let colors = run_colors(ui, wb);
    plot_ui(wb, view, &colors, ui);
}

/// Scale, which lines, smoothing, and the runs over seeds.
fn controls_ui(wb: &Workbench, view: &mut ViewSettings, ui: &mut Ui, out: &mut Vec<Action>) {
    ui.checkbox(&mut view.error.log, "log scale");
    ui.checkbox(&mut view.error.validation, "validation");
    ui.checkbox(&mut view.error.penalty, "penalty");
    ui.spacing_mut().slider_width = 70.0;
    ui.add(egui::Slider::new(&mut view.error.smoothing, 0.0..=0.99).text("smoothing").max_decimals(2))
        .on_hover_text("An exponential moving average over the epochs, as TensorBoard's; 0 is off. The exact values stay, faint, and show on hover");
    match wb.seeds_progress() {
        Some((done, total)) => {
            ui.add(
                egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                    .desired_width(90.0)
                    .text(format!("seed {done}/{total}")),
            );
            if ui.small_button("Cancel").on_hover_text("Stop the runs over seeds").clicked() {
                out.push(Action::CancelSeeds);
            }
        }
        None => {
            let l = ui.label("seeds");
            ui.add(egui::DragValue::new(&mut view.error.seeds).range(2..=20)).labelled_by(l.id);
            if ui
                .small_button("Repeat")
                .on_hover_text("Train these runs again with this many seeds (initial weights, split and batch order) and draw each run's mean with a band of ± one standard deviation, to tell an effect from noise")
                .clicked()
            {
                out.push(Action::RunSeeds { count: view.error.seeds });
            }
        }
    }
}

fn plot_ui(wb: &Workbench, view: &ViewSettings, colors: &[Color32], ui: &mut Ui) {
    let log = view.error.log;
    let (width, height) = fill(ui);
    let plot = epoch_plot("error-plot", width, height, if log { "error (log scale)" } else { "error" })
        .y_axis_formatter(move |m, _| compact(if log { 10f64.powf(m.value) } else { m.value }))
        .label_formatter(move |hover| {
            let (name, p) = match hover {
                egui_plot::HoverPosition::NearDataPoint { plot_name, position, .. } => {
                    (*plot_name, *position)
                }
                egui_plot::HoverPosition::Elsewhere { position } => ("", *position),
            };
            let y = if log { 10f64.powf(p.y) } else { p.y };
            Some(if name.is_empty() {
                format!("epoch {:.0}\n{y:.4}", p.x)
            } else {
                format!("{name}\nepoch {:.0}\n{y:.4}", p.x)
            })
        });
    let plot = if log { plot.y_grid_spacer(decade_marks) } else { plot };
    let smoothing = view.error.smoothing.clamp(0.0, 0.99) as f64;
    plot.show(ui, |plot| {
        for (run, &c) in wb.screen.runs.iter().zip(colors) {
            run_lines(plot, run, c, view, smoothing);
        }
        seed_bands(wb, colors, log, plot);
        if view.error.validation {
            best_epochs(wb, colors, log, plot);
        }
        change_markers(wb, colors, plot);
    });
}

/// One run's training, validation and penalty lines; smoothed, with the
/// exact curve kept faint beneath.
fn run_lines(plot: &mut PlotUi<'_>, run: &ScreenRun, c: Color32, view: &ViewSettings, smoothing: f64) {
    let log = view.error.log;
    let curves = &run.history.curves;
    let line = |plot: &mut PlotUi<'_>,
                what: &str,
                s: &crate::workbench::Series,
                width: f32,
                style: LineStyle| {
        if smoothing > 0.0 {
            plot.line(
                Line::new(format!("{} {what}", run.name), points(s, log))
                    .color(c.gamma_multiply(0.3))
                    .width(1.0),
            );
            plot.line(
                Line::new(format!("{} {what} (smoothed)", run.name), smoothed(s, smoothing, log))
                    .color(c)
                    .width(width)
                    .style(style),
            );
        } else {
            plot.line(
                Line::new(format!("{} {what}", run.name), points(s, log)).color(c).width(width).style(style),
            );
        }
    };
    line(plot, "train", &curves.train_error, 2.0, LineStyle::Solid);
    if view.error.validation && !curves.val_error.is_empty() {
        line(plot, "validation", &curves.val_error, 1.5, LineStyle::dashed_loose());
    }
    if view.error.penalty && curves.penalty.points().iter().any(|p| p.y > 0.0) {
        plot.line(
            Line::new(format!("{} penalty R(w)", run.name), points(&curves.penalty, log))
                .color(c)
                .width(1.5)
                .style(LineStyle::dotted_dense()),
        );
    }
}

/// The runs over seeds: each run's mean, with a band of ± one spread.
fn seed_bands(wb: &Workbench, colors: &[Color32], log: bool, plot: &mut PlotUi<'_>) {
    let Some(study) = &wb.studies.seeds else { return };
    let tf = |v: f64| if log { v.max(1e-12).log10() } else { v };
    for (i, name) in study.runs.iter().enumerate() {
        let Some(&c) = colors.get(i) else { continue };
        let b = study.band(i);
        let mut poly: Vec<[f64; 2]> = b.iter().map(|(e, m, s)| [*e as f64, tf(m + s)]).collect();
        poly.extend(b.iter().rev().map(|(e, m, s)| [*e as f64, tf((m - s).max(1e-12))]));
        plot.polygon(
            egui_plot::Polygon::new(format!("{name}: ± one spread over {} seeds", study.seeds.len()), poly)
                .fill_color(c.gamma_multiply(0.18))
                .stroke(egui::Stroke::NONE),
        );
        plot.line(
            Line::new(
                format!("{name}: mean over {} seeds", study.seeds.len()),
                b.iter().map(|(e, m, _)| [*e as f64, tf(*m)]).collect::<Vec<_>>(),
            )
            .color(c)
            .width(1.0)
            .style(LineStyle::dashed_dense()),
        );
    }
}

/// Each run's lowest validation error: where early stopping, keeping the
/// best weights, would have stopped.
fn best_epochs(wb: &Workbench, colors: &[Color32], log: bool, plot: &mut PlotUi<'_>) {
    for (run, &c) in wb.screen.runs.iter().zip(colors) {
        let Some((epoch, best)) = run.history.curves.best_validation() else { continue };
        let y = if log { best.max(1e-12).log10() } else { best };
        plot.points(
            Points::new(
                format!(
                    "{}: lowest validation error {best:.4} at epoch {epoch} (early stopping stops here)",
                    run.name
                ),
                vec![[epoch as f64, y]],
            )
            .shape(egui_plot::MarkerShape::Diamond)
            .radius(6.0)
            .filled(true)
            .color(c),
        );
    }
}

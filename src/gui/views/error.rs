//! The error over the epochs: each run's training error (solid), validation
//! error (dashed) and penalty R(w) (dotted), on a log scale by default, with
//! optional smoothing, each run's lowest validation error marked, and the
//! runs over several seeds as a mean with a band of ± one spread.

use egui::{Color32, RichText, Ui};
use egui_plot::{FilledArea, Line, LineStyle, PlotUi, Points};

use super::chrome::{Chrome, Extent, run_colors};
use super::plot::{
    change_markers, compact, decade_marks, end_labels, epoch_plot, label_room, points, range_band,
    series_extent, smoothed,
};
use crate::gui::view::{ErrorOptions, ViewSettings};
use crate::train::seeds::{self, SeedStudy, mean_spread};
use crate::workbench::{Action, ScreenRun, Series, Workbench};

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
        controls_ui(wb, &mut view.error, ui, out);
    });
    let colors = run_colors(ui, wb);
    if let Some(study) = &wb.studies.seeds {
        seed_summary_ui(study, &colors, ui);
    }
    plot_ui(wb, &view.error, &colors, chrome, ui);
}

/// In one line, how often each run ended below the first over the seeds;
/// the full comparison (mean difference and spread) on hover.
fn seed_summary_ui(study: &SeedStudy, colors: &[Color32], ui: &mut Ui) {
    let finals = study.finals();
    let which = if study.validation { "validation" } else { "training" };
    let Some(first) = study.runs.first() else { return };
    let details = seeds::comparisons(&study.runs, &finals).join("\n");
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("Final {which} error below {first}, over {} seeds:", study.seeds.len()))
            .on_hover_text(&details);
        for (i, name) in study.runs.iter().enumerate().skip(1) {
            let d: Vec<f64> = finals.iter().filter_map(|f| Some(f[i]? - f[0]?)).collect();
            let lower = d.iter().filter(|v| **v < 0.0).count();
            let c = colors.get(i).copied().unwrap_or(ui.visuals().text_color());
            ui.label(RichText::new(format!("{name} {lower}/{}", d.len())).strong().color(c))
                .on_hover_text(&details);
        }
    });
}

/// Scale, which lines, and the runs over seeds; smoothing and the number of
/// seeds in a menu, so that the row fits a narrow tile.
fn controls_ui(wb: &Workbench, options: &mut ErrorOptions, ui: &mut Ui, out: &mut Vec<Action>) {
    ui.checkbox(&mut options.log, "log");
    ui.checkbox(&mut options.validation, "validation");
    ui.checkbox(&mut options.penalty, "penalty");
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
            if ui
                .small_button(format!("Repeat ×{}", options.seeds))
                .on_hover_text("Train these runs again with more seeds (initial weights, split and batch order) and draw each run's mean with a band of ± one standard deviation, to tell an effect from noise")
                .clicked()
            {
                out.push(Action::RunSeeds { count: options.seeds });
            }
        }
    }
    ui.menu_button("more", |ui| {
        ui.add(egui::Slider::new(&mut options.smoothing, 0.0..=0.99).text("smoothing").max_decimals(2))
            .on_hover_text("An exponential moving average over the epochs, as TensorBoard's; 0 is off. The exact values stay, faint, and show on hover");
        ui.add(egui::Slider::new(&mut options.seeds, 2..=20).text("seeds for Repeat"));
    })
    .response
    .on_hover_text("Smoothing, and how many seeds Repeat trains");
}

fn plot_ui(wb: &Workbench, options: &ErrorOptions, colors: &[Color32], chrome: &mut Chrome, ui: &mut Ui) {
    let log = options.log;
    let (width, height) = chrome.fill(ui);
    let last = wb.screen.epoch() as f64;
    let room = label_room(width, wb.screen.runs.iter().map(|r| r.name.chars().count()));
    let plot = epoch_plot("error-plot", width, height, if log { "error (log scale)" } else { "error" })
        .include_x(last.max(1.0) * (1.0 + room))
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
    let smoothing = options.smoothing.clamp(0.0, 0.99) as f64;
    let mut data = Extent::default();
    let response = plot.show(ui, |plot| {
        for (run, &c) in wb.screen.runs.iter().zip(colors) {
            data = data.union(run_lines(plot, run, c, options, smoothing));
        }
        data = data.union(seed_bands(wb, colors, log, plot));
        if options.validation {
            best_epochs(wb, colors, log, plot);
        }
        change_markers(wb, colors, plot);
        // Each run named at the end of the line the lesson reads: validation
        // when shown, else training.
        let ends = wb.screen.runs.iter().zip(colors).filter_map(|(run, &c)| {
            let curves = &run.history.curves;
            let s = if options.validation && !curves.val_error.is_empty() {
                &curves.val_error
            } else {
                &curves.train_error
            };
            let p = s.last()?;
            Some((run.name.clone(), c, [p.x, if log { p.y.max(1e-12).log10() } else { p.y }]))
        });
        end_labels(plot, ends.collect());
    });
    chrome.plot("error", &response, data);
}

/// One run's training, validation and penalty lines; smoothed, with the
/// exact curve kept faint beneath. Returns the range of what it drew.
fn run_lines(
    plot: &mut PlotUi<'_>,
    run: &ScreenRun,
    c: Color32,
    options: &ErrorOptions,
    smoothing: f64,
) -> Extent {
    let log = options.log;
    let curves = &run.history.curves;
    let line = |plot: &mut PlotUi<'_>, what: &str, s: &Series, width: f32, style: LineStyle| {
        let name = format!("{} {what}", run.name);
        range_band(plot, &name, s, log, c);
        if smoothing > 0.0 {
            plot.line(Line::new(name.clone(), points(s, log)).color(c.gamma_multiply(0.3)).width(1.0));
            let name = format!("{name} (smoothed)");
            plot.line(Line::new(name, smoothed(s, smoothing, log)).color(c).width(width).style(style));
        } else {
            plot.line(Line::new(name, points(s, log)).color(c).width(width).style(style));
        }
    };
    let mut drawn = vec![&curves.train_error];
    line(plot, "train", &curves.train_error, 2.0, LineStyle::Solid);
    if options.validation && !curves.val_error.is_empty() {
        line(plot, "validation", &curves.val_error, 1.5, LineStyle::dashed_loose());
        drawn.push(&curves.val_error);
    }
    if options.penalty && curves.penalty.points().iter().any(|p| p.y > 0.0) {
        plot.line(
            Line::new(format!("{} penalty R(w)", run.name), points(&curves.penalty, log))
                .color(c)
                .width(1.5)
                .style(LineStyle::dotted_dense()),
        );
        drawn.push(&curves.penalty);
    }
    series_extent(drawn, log)
}

/// The runs over seeds: each run's mean, with a band of ± one spread
/// between two lines (a filled area, never a polygon, which is filled as a
/// fan and streaks when concave). On the log scale the mean and spread are
/// those of log₁₀ of the error (a geometric mean, and a band by a factor),
/// which the scale shows evenly.
fn seed_bands(wb: &Workbench, colors: &[Color32], log: bool, plot: &mut PlotUi<'_>) -> Extent {
    let mut extent = Extent::default();
    let Some(study) = &wb.studies.seeds else { return extent };
    for (i, name) in study.runs.iter().enumerate() {
        let Some(&c) = colors.get(i) else { continue };
        let xs: Vec<f64> = study.epochs.iter().map(|&e| e as f64).collect();
        let (mut lo, mut mid, mut hi) = (Vec::new(), Vec::new(), Vec::new());
        for v in &study.values[i] {
            let (m, s) = if log {
                let logs: Vec<f64> = v.iter().map(|e| e.max(1e-12).log10()).collect();
                mean_spread(&logs)
            } else {
                mean_spread(v)
            };
            lo.push(m - s);
            mid.push(m);
            hi.push(m + s);
        }
        extent.add_all(xs.iter().zip(&lo).map(|(x, y)| [*x, *y]));
        extent.add_all(xs.iter().zip(&hi).map(|(x, y)| [*x, *y]));
        let seeds = study.seeds.len();
        plot.add(
            FilledArea::new(format!("{name}: ± one spread over {seeds} seeds"), &xs, &lo, &hi)
                .fill_color(c.gamma_multiply(0.16)),
        );
        let mean: Vec<[f64; 2]> = xs.iter().zip(&mid).map(|(x, y)| [*x, *y]).collect();
        plot.line(
            Line::new(format!("{name}: mean over {seeds} seeds"), mean)
                .color(c)
                .width(1.0)
                .style(LineStyle::dashed_dense()),
        );
    }
    extent
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

//! The views, each drawn from the workbench's histories into the space its
//! tile gives it: one colour per run everywhere (made legible on the plot's
//! background), values on hover, no legend over the data (the dashboard's
//! key names the runs and line styles). Each reads the workbench and its
//! view settings and returns actions.

use egui::{Color32, ColorImage, RichText, TextureHandle, Ui};
use egui_plot::{
    Bar, BarChart, GridInput, GridMark, Line, LineStyle, Plot, PlotImage, PlotPoint, PlotPoints, Points,
    Text, VLine,
};

use super::chrome::{Chrome, fill, run_colors, shorten};
use super::view::{ViewSettings, color, legible};
use crate::experiment::ViewKind;
use crate::train::live::BoundaryGrid;
use crate::train::{EPSILON_GRID, Histogram};
use crate::workbench::{Action, RunHistory, Series, Workbench};

/// Class colours of the decision boundary plots: purple, olive and browns,
/// apart from every run colour of [`crate::workbench::PALETTE`].
pub const CLASS_COLORS: [[u8; 3]; 6] = [
    [0x76, 0x2A, 0x83],
    [0x80, 0x80, 0x00],
    [0x8C, 0x51, 0x0A],
    [0x4D, 0x4D, 0x80],
    [0xB8, 0x86, 0x0B],
    [0x5A, 0x1E, 0x1E],
];

/// Grid lines of a log₁₀ axis at whole decades (and at 2 and 5 within
/// them when only a few decades show): ticks read 1, 0.1, 0.01.
fn decade_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || hi - lo > 400.0 {
        return Vec::new();
    }
    let mut marks = Vec::new();
    let fine = hi - lo < 3.0;
    for d in (lo.floor() as i64)..=(hi.ceil() as i64) {
        marks.push(GridMark { value: d as f64, step_size: 1.0 });
        if fine {
            for m in [2.0f64, 5.0] {
                marks.push(GridMark { value: d as f64 + m.log10(), step_size: 0.5 });
            }
        }
    }
    marks.retain(|m| m.value >= lo && m.value <= hi);
    marks
}

/// A tick's value as written by hand: 1500, 0.5, 0.0001 (never "0" for 0.5).
fn tick_label(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if v.abs() >= 1e6 || v.abs() < 1e-4 {
        return format!("{v:.0e}");
    }
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Grid lines at round values, 1, 2 or 5 times a power of ten apart, about
/// six across the axis (fewer on a narrow plot), all labelled.
fn nice_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return Vec::new();
    }
    // At most about six, and never closer than a label needs.
    let raw = (span / 6.0).max(input.base_step_size * 8.0);
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|s| *s >= raw).unwrap_or(10.0 * power);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    if last - first > 100 {
        return Vec::new();
    }
    (first..=last).map(|k| GridMark { value: k as f64 * step, step_size: step }).collect()
}

/// An exponential moving average of a series (TensorBoard's smoothing):
/// `s ← w·s + (1 − w)·y`, started at the first value.
fn smoothed(s: &Series, weight: f64, log: bool) -> PlotPoints<'static> {
    let mut acc: Option<f64> = None;
    PlotPoints::Owned(
        s.points()
            .iter()
            .map(|p| {
                let y = if log { p.y.max(1e-12).log10() } else { p.y };
                let v = match acc {
                    Some(a) => weight * a + (1.0 - weight) * y,
                    None => y,
                };
                acc = Some(v);
                PlotPoint::new(p.x, v)
            })
            .collect(),
    )
}

fn class_color(k: usize) -> Color32 {
    let c = CLASS_COLORS[k % CLASS_COLORS.len()];
    Color32::from_rgb(c[0], c[1], c[2])
}

/// The boundary texture: row 0 of the image is the top of the plot.
pub fn boundary_image(grid: &BoundaryGrid, values: &[f32], classes: usize) -> ColorImage {
    let n = grid.cells;
    let mut pixels = Vec::with_capacity(n * n);
    for row in (0..n).rev() {
        for col in 0..n {
            let v = values.get(row * n + col).copied().unwrap_or(0.0);
            let color = if classes <= 2 {
                // P(class 1) from the colour of class 0 to that of class 1, pale.
                let a = class_color(0);
                let b = class_color(1);
                let t = v.clamp(0.0, 1.0);
                let mix = |x: u8, y: u8| (x as f32 * (1.0 - t) + y as f32 * t) as u8;
                let c = Color32::from_rgb(mix(a.r(), b.r()), mix(a.g(), b.g()), mix(a.b(), b.b()));
                let confidence = (2.0 * (t - 0.5)).abs();
                c.gamma_multiply(0.25 + 0.45 * confidence)
            } else {
                class_color(v as usize).gamma_multiply(0.55)
            };
            pixels.push(color);
        }
    }
    ColorImage::new([n, n], pixels)
}

fn points(s: &Series, log: bool) -> PlotPoints<'static> {
    if log {
        PlotPoints::Owned(s.points().iter().map(|p| PlotPoint::new(p.x, p.y.max(1e-12).log10())).collect())
    } else {
        PlotPoints::Owned(s.points().iter().map(|p| PlotPoint::new(p.x, p.y)).collect())
    }
}

/// A short label for an axis value: 0.25, 3.2e-4, 1.5e3.
fn compact(y: f64) -> String {
    let a = y.abs();
    if a == 0.0 {
        "0".into()
    } else if (0.01..1000.0).contains(&a) {
        let s = format!("{y:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{y:.1e}")
    }
}

/// One run's histogram-history texture and what it was built from.
struct HistoryTexture {
    session: u64,
    received: usize,
    layer: Option<usize>,
    log: bool,
    color: Color32,
    texture: TextureHandle,
    /// The weight range shown, `[−m, m]`.
    m: f32,
}

/// The window's textures, rebuilt only when what they show changed.
#[derive(Default)]
pub struct Textures {
    /// Per run: the decision boundary, with the session and version it shows.
    boundary: Vec<Option<((u64, u64), TextureHandle)>>,
    /// Per run: the histogram history heat map.
    history: Vec<Option<HistoryTexture>>,
    /// Per run: the data error over the plane of two weights.
    pub geometry: super::geometry::GeometryTextures,
}

impl Textures {
    /// Follows the workbench's boundaries.
    pub fn update(&mut self, wb: &Workbench, ctx: &egui::Context) {
        self.boundary.resize_with(wb.runs.len(), || None);
        let Some(grid) = &wb.boundary else { return };
        let classes = wb.prepared.as_ref().map_or(2, |p| p.classes.len());
        for (i, h) in wb.runs.iter().enumerate() {
            let Some((_, values)) = &h.boundary else { continue };
            let key = (wb.session_id, h.boundary_version);
            let slot = &mut self.boundary[i];
            if slot.as_ref().is_some_and(|(k, _)| *k == key) {
                continue;
            }
            let image = boundary_image(grid, values, classes);
            match slot {
                Some((k, t)) => {
                    t.set(image, egui::TextureOptions::LINEAR);
                    *k = key;
                }
                None => {
                    *slot = Some((
                        key,
                        ctx.load_texture(format!("boundary-{i}"), image, egui::TextureOptions::LINEAR),
                    ))
                }
            }
        }
    }

    fn boundary(&self, i: usize) -> Option<&TextureHandle> {
        self.boundary.get(i).and_then(|t| t.as_ref()).map(|(_, t)| t)
    }
}

/// Draws view `kind` into the space of its tile.
pub fn view_ui(
    kind: ViewKind,
    wb: &Workbench,
    view: &mut ViewSettings,
    textures: &mut Textures,
    chrome: &mut Chrome,
    ui: &mut Ui,
    out: &mut Vec<Action>,
) {
    match kind {
        ViewKind::Formula => formula_ui(wb, view, chrome, ui),
        ViewKind::Error => error_plot(wb, view, chrome, ui, out),
        ViewKind::Accuracy => accuracy_plot(wb, view, chrome, ui),
        ViewKind::Histograms => histograms_ui(wb, view, textures, chrome, ui),
        ViewKind::Sparsity => sparsity_plot(wb, view, chrome, ui),
        ViewKind::Norms => norms_plot(wb, chrome, ui),
        ViewKind::Importance => importance_plot(wb, chrome, ui),
        ViewKind::Boundary => boundary_ui(wb, textures, chrome, ui),
        ViewKind::Path => path_ui(wb, view, chrome, ui, out),
        ViewKind::Network => super::network::network_ui(wb, chrome, ui),
        ViewKind::Geometry => {
            if super::geometry::geometry_ui(wb, &mut textures.geometry, chrome, ui) {
                out.push(Action::ComputeGeometry);
            }
        }
    }
}

/// The penalised error and the update rule the chosen run uses, with its
/// current numbers, large enough for a projector.
fn formula_ui(wb: &Workbench, view: &mut ViewSettings, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    let Some(prepared) = wb.prepared.clone() else { return };
    ui.horizontal_wrapped(|ui| {
        chrome.title(ui, "Formula", "The penalised error and the update rule a run uses, with its numbers");
    });
    egui::ScrollArea::vertical().id_salt("formula-scroll").auto_shrink([false, false]).show(ui, |ui| {
        let runs = wb.runs.len();
        if runs == 0 {
            return;
        }
        let view = &mut *view;
        view.formula_run = view.formula_run.min(runs - 1);
        ui.horizontal(|ui| {
            egui::ComboBox::from_label("run").selected_text(wb.runs[view.formula_run].name.clone()).show_ui(
                ui,
                |ui| {
                    for (i, r) in wb.runs.iter().enumerate() {
                        ui.selectable_value(&mut view.formula_run, i, r.name.clone());
                    }
                },
            );
        });
        let i = view.formula_run;
        // The settings the session on screen runs with, live changes included.
        let Some(spec) = wb.session_spec(i) else { return };
        let f = spec.penalty().formula();
        let training = wb.session_training().unwrap_or(&wb.settings.experiment.training);
        let batch_rows = training.batch.rows(prepared.train_rows());
        let n = spec.lambda_scale.n(batch_rows, prepared.train_rows());
        let lr = spec.lr.unwrap_or(wb.runs[i].lr);
        let big = |t: String| RichText::new(t).monospace().size(19.0);
        ui.label(big(f.error.clone()).color(colors[i]));
        ui.label(big(f.update.clone()));
        let mut numbers = format!("η = {}", compact(lr));
        if spec.reg != crate::nn::Regularizer::None {
            numbers += &format!(
                ",  λ = {},  n = {} ({}),  λ/n = {},  η·λ/n = {}",
                compact(spec.lambda),
                compact(n),
                match spec.lambda_scale {
                    crate::nn::LambdaScale::Batch => "the batch size",
                    crate::nn::LambdaScale::Dataset => "the training rows",
                    crate::nn::LambdaScale::None => "none",
                },
                compact(spec.lambda / n),
                compact(lr * spec.lambda / n)
            );
        }
        if spec.reg == crate::nn::Regularizer::ElasticNet {
            numbers += &format!(",  α = {}", compact(spec.alpha));
        }
        if let Some(keep) = spec.dropout {
            numbers += &format!(",  dropout keeps {}", compact(keep));
        }
        if spec.scope == crate::nn::Scope::Output {
            numbers += ",  penalty on the output layer only";
        }
        ui.label(big(numbers).size(16.0));
        if let Some(note) = f.note {
            ui.label(RichText::new(note).italics());
        }
    });
}

fn change_markers(wb: &Workbench, colors: &[Color32], plot: &mut egui_plot::PlotUi<'_>) {
    for (i, h) in wb.runs.iter().enumerate() {
        for ch in &h.changes {
            plot.vline(
                VLine::new(
                    format!("{}: {} {} to {} at epoch {}", h.name, ch.setting, ch.from, ch.to, ch.epoch),
                    ch.epoch as f64,
                )
                .color(colors[i])
                .style(LineStyle::dashed_dense())
                .width(1.0),
            );
        }
    }
}

fn error_plot(
    wb: &Workbench,
    view: &mut ViewSettings,
    chrome: &mut Chrome,
    ui: &mut Ui,
    out: &mut Vec<Action>,
) {
    let colors = run_colors(ui, wb);
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Error",
            "Data error E₀ per run: training (solid), validation (dashed); the penalty term R(w) dotted, apart from it",
        );
        let v = &mut *view;
        ui.checkbox(&mut v.log_error, "log scale");
        ui.checkbox(&mut v.show_validation, "validation");
        ui.checkbox(&mut v.show_penalty, "penalty");
        ui.spacing_mut().slider_width = 70.0;
        ui.add(
            egui::Slider::new(&mut v.smoothing, 0.0..=0.99)
                .text("smoothing")
                .max_decimals(2),
        )
        .on_hover_text("An exponential moving average over the epochs, as TensorBoard's; 0 is off. The exact values stay, faint, and show on hover");
        match wb.seeds_progress() {
            Some((done, total)) => {
                ui.add(egui::ProgressBar::new(done as f32 / total.max(1) as f32).desired_width(90.0).text(format!("seed {done}/{total}")));
                if ui.small_button("Cancel").on_hover_text("Stop the runs over seeds").clicked() {
                    out.push(Action::CancelSeeds);
                }
            }
            None => {
                let l = ui.label("seeds");
                ui.add(egui::DragValue::new(&mut v.seed_count).range(2..=20)).labelled_by(l.id);
                if ui
                    .small_button("Repeat")
                    .on_hover_text("Train these runs again with this many seeds (initial weights, split and batch order) and draw each run's mean with a band of ± one standard deviation, to tell an effect from noise")
                    .clicked()
                {
                    out.push(Action::RunSeeds { count: v.seed_count });
                }
            }
        }
    });
    if let Some(study) = &wb.seed_study {
        for line in crate::train::seeds::comparisons(&study.runs, &study.finals()) {
            ui.label(
                RichText::new(format!(
                    "{line} (final {} error)",
                    if study.validation { "validation" } else { "training" }
                ))
                .small(),
            );
        }
    }

    let log = view.log_error;
    let (width, height) = fill(ui);
    let plot = Plot::new("error-plot")
        .allow_scroll(false)
        .width(width)
        .height(height)
        .x_axis_label("epoch")
        .y_axis_label(if log { "error (log scale)" } else { "error" })
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
        })
        .link_cursor(egui::Id::unique("epoch-cursor"), [true, false]);
    let plot = plot.x_grid_spacer(nice_marks).x_axis_formatter(|m, _| tick_label(m.value));
    let plot = if log { plot.y_grid_spacer(decade_marks) } else { plot.y_grid_spacer(nice_marks) };
    let smoothing = view.smoothing.clamp(0.0, 0.99) as f64;
    plot.show(ui, |plot| {
        for (i, h) in wb.runs.iter().enumerate() {
            let c = colors[i];
            if smoothing > 0.0 {
                plot.line(
                    Line::new(format!("{} train", h.name), points(&h.train_error, log))
                        .color(c.gamma_multiply(0.3))
                        .width(1.0),
                );
                plot.line(
                    Line::new(
                        format!("{} train (smoothed)", h.name),
                        smoothed(&h.train_error, smoothing, log),
                    )
                    .color(c)
                    .width(2.0),
                );
            } else {
                plot.line(
                    Line::new(format!("{} train", h.name), points(&h.train_error, log)).color(c).width(2.0),
                );
            }
            if view.show_validation && !h.val_error.is_empty() {
                let line = if smoothing > 0.0 {
                    plot.line(
                        Line::new(format!("{} validation", h.name), points(&h.val_error, log))
                            .color(c.gamma_multiply(0.3))
                            .width(1.0),
                    );
                    Line::new(
                        format!("{} validation (smoothed)", h.name),
                        smoothed(&h.val_error, smoothing, log),
                    )
                } else {
                    Line::new(format!("{} validation", h.name), points(&h.val_error, log))
                };
                plot.line(line.color(c).width(1.5).style(LineStyle::dashed_loose()));
            }
            if view.show_penalty && h.penalty.points().iter().any(|p| p.y > 0.0) {
                plot.line(
                    Line::new(format!("{} penalty R(w)", h.name), points(&h.penalty, log))
                        .color(c)
                        .width(1.5)
                        .style(LineStyle::dotted_dense()),
                );
            }
        }
        // The runs over seeds: each run's mean, with a band of ± one spread.
        if let Some(study) = &wb.seed_study {
            for (i, name) in study.runs.iter().enumerate() {
                let Some(&c) = colors.get(i) else { continue };
                let tf = |v: f64| if log { v.max(1e-12).log10() } else { v };
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
        // Each run's lowest validation error: where early stopping, keeping
        // the best weights, would have stopped.
        if view.show_validation {
            for (i, h) in wb.runs.iter().enumerate() {
                if let Some((epoch, best)) = h.best_validation() {
                    let y = if log { best.max(1e-12).log10() } else { best };
                    plot.points(
                        Points::new(
                            format!("{}: lowest validation error {best:.4} at epoch {epoch} (early stopping stops here)", h.name),
                            vec![[epoch as f64, y]],
                        )
                        .shape(egui_plot::MarkerShape::Diamond)
                        .radius(6.0)
                        .filled(true)
                        .color(colors[i]),
                    );
                }
            }
        }
        change_markers(wb, &colors, plot);
    });
}

fn accuracy_plot(wb: &Workbench, view: &ViewSettings, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    chrome.header(
        ui,
        "Accuracy",
        "Share of rows classified right: training (solid), validation (dashed)",
        "solid: training · dashed: validation",
    );
    let classification = wb.prepared.as_ref().is_some_and(|p| p.task.is_classification());
    if !classification {
        ui.label("Accuracy is for classification; this is a regression task (see the error plot).");
        return;
    }
    let (width, height) = fill(ui);
    Plot::new("accuracy-plot")
        .allow_scroll(false)
        .x_grid_spacer(nice_marks)
        .x_axis_formatter(|m, _| tick_label(m.value))
        .y_grid_spacer(nice_marks)
        .y_axis_formatter(|m, _| tick_label(m.value))
        .width(width)
        .height(height)
        .x_axis_label("epoch")
        .y_axis_label("accuracy")
        .include_y(1.0)
        .link_cursor(egui::Id::unique("epoch-cursor"), [true, false])
        .show(ui, |plot| {
            for (i, h) in wb.runs.iter().enumerate() {
                let c = colors[i];
                plot.line(
                    Line::new(format!("{} train", h.name), points(&h.train_accuracy, false))
                        .color(c)
                        .width(2.0),
                );
                if view.show_validation && !h.val_accuracy.is_empty() {
                    plot.line(
                        Line::new(format!("{} validation", h.name), points(&h.val_accuracy, false))
                            .color(c)
                            .style(LineStyle::dashed_loose()),
                    );
                }
            }
            change_markers(wb, &colors, plot);
        });
}

fn chosen_histogram(h: &RunHistory, layer: Option<usize>) -> Option<&Histogram> {
    let m = h.latest.as_ref()?;
    match layer {
        None => Some(&m.histogram_all),
        Some(l) => m.histograms.get(l),
    }
}

fn histograms_ui(
    wb: &Workbench,
    view: &mut ViewSettings,
    textures: &mut Textures,
    chrome: &mut Chrome,
    ui: &mut Ui,
) {
    let colors = run_colors(ui, wb);
    let layers = wb.runs.first().and_then(|h| h.latest.as_ref()).map_or(0, |m| m.histograms.len());
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Weight histograms",
            "How the weights are distributed, one plot per run with the same axes; the dark bar counts weights exactly 0",
        );
        let v = &mut *view;
        if v.histogram_layer.is_some_and(|l| l >= layers) {
            v.histogram_layer = None;
        }
        let name = |l: Option<usize>| match l {
            None => "all layers".to_string(),
            Some(l) if l + 1 == layers => format!("layer {} (to the output)", l + 1),
            Some(l) => format!("layer {}", l + 1),
        };
        egui::ComboBox::from_label("weights of").selected_text(name(v.histogram_layer)).show_ui(ui, |ui| {
            ui.selectable_value(&mut v.histogram_layer, None, name(None));
            for l in 0..layers {
                ui.selectable_value(&mut v.histogram_layer, Some(l), name(Some(l)));
            }
        });
        ui.checkbox(&mut v.log_counts, "log counts").on_hover_text("Counts on a log scale: log₁₀(1 + count)");
        ui.checkbox(&mut v.histogram_history, "history (heat map)")
            .on_hover_text("The histogram over epochs: time to the right, weight value up, darker = more weights");
    });
    let n = wb.runs.len().max(1);
    let spacing = ui.spacing().item_spacing.x;
    let width = ((ui.available_width() - spacing * n as f32) / n as f32).max(100.0);
    let height = (ui.available_height() - ui.spacing().interact_size.y - 8.0).max(80.0);
    if view.histogram_history {
        update_history_textures(wb, view, textures, ui.ctx());
    }
    // One x range and one y range for every run, so that widths and heights compare.
    let scale = |c: u32| if view.log_counts { (1.0 + c as f64).log10() } else { c as f64 };
    let shown: Vec<&Histogram> =
        wb.runs.iter().filter_map(|h| chosen_histogram(h, view.histogram_layer)).collect();
    let x_max = shown.iter().map(|h| h.hi.abs().max(h.lo.abs()) as f64).fold(1e-6, f64::max) * 1.05;
    let y_max = shown
        .iter()
        .map(|h| h.counts.iter().copied().chain([h.zeros]).map(scale).fold(0.0, f64::max))
        .fold(1.0, f64::max)
        * 1.05;
    ui.horizontal_top(|ui| {
        for (i, h) in wb.runs.iter().enumerate() {
            ui.vertical(|ui| {
                ui.set_width(width);
                let zero = h.latest.as_ref().map_or(0.0, |m| m.weights.zero_frac);
                ui.label(
                    RichText::new(format!("{}: {:.1}% exactly 0", h.name, 100.0 * zero)).color(colors[i]),
                )
                .on_hover_text(format!("{} at epoch {}", h.name, h.epoch()));
                if view.histogram_history {
                    history_plot(wb, textures, ui, i, width, height);
                    return;
                }
                let Some(hist) = chosen_histogram(h, view.histogram_layer) else {
                    ui.allocate_space(egui::vec2(width, height));
                    return;
                };
                let bin = (hist.hi - hist.lo) as f64 / hist.counts.len() as f64;
                let bars: Vec<Bar> = hist
                    .counts
                    .iter()
                    .enumerate()
                    .map(|(k, &c)| {
                        let x = hist.lo as f64 + (k as f64 + 0.5) * bin;
                        Bar::new(x, scale(c)).name(format!(
                            "{:.3} to {:.3}: {c}",
                            x - bin / 2.0,
                            x + bin / 2.0
                        ))
                    })
                    .collect();
                let zero_bar = Bar::new(0.0, scale(hist.zeros)).name(format!("exactly 0: {}", hist.zeros));
                let zero_color = ui.visuals().strong_text_color();
                Plot::new(("histogram", i))
                    .allow_scroll(false)
                    .width(width)
                    .height(height)
                    .x_grid_spacer(nice_marks)
                    .x_axis_formatter(|m, _| tick_label(m.value))
                    .y_grid_spacer(nice_marks)
                    .y_axis_formatter(|m, _| tick_label(m.value))
                    .x_axis_label("weight")
                    .y_axis_label(if i > 0 {
                        ""
                    } else if view.log_counts {
                        "log₁₀(1+count)"
                    } else {
                        "count"
                    })
                    .show_axes([true, i == 0])
                    .show(ui, |plot| {
                        plot.set_plot_bounds(egui_plot::PlotBounds::from_min_max(
                            [-x_max, 0.0],
                            [x_max, y_max],
                        ));
                        plot.bar_chart(
                            BarChart::new(format!("{} weights", h.name), bars).color(colors[i]).width(bin),
                        );
                        plot.bar_chart(
                            BarChart::new("exactly 0", vec![zero_bar]).color(zero_color).width(bin * 0.5),
                        );
                    });
            });
        }
    });
}

fn update_history_textures(
    wb: &Workbench,
    view: &ViewSettings,
    textures: &mut Textures,
    ctx: &egui::Context,
) {
    let layer = view.histogram_layer;
    let log = view.log_counts;
    let background =
        if ctx.global_style().visuals.dark_mode { Color32::from_gray(20) } else { Color32::WHITE };
    let colors: Vec<Color32> = (0..wb.runs.len()).map(|i| legible(wb.run_color(i), background)).collect();
    textures.history.resize_with(wb.runs.len(), || None);
    for (i, h) in wb.runs.iter().enumerate() {
        let fresh = matches!(&textures.history[i], Some(t) if (t.session, t.received) == (wb.session_id, h.received) && t.layer == layer && t.log == log && t.color == colors[i]);
        if fresh || h.histograms.is_empty() {
            continue;
        }
        let pick = |s: &(usize, Histogram, Vec<Histogram>)| -> Option<Histogram> {
            match layer {
                None => Some(s.1.clone()),
                Some(l) => s.2.get(l).cloned(),
            }
        };
        let snaps: Vec<Histogram> = h.histograms.iter().filter_map(pick).collect();
        let m = snaps.iter().map(|s| s.hi).fold(0.0f32, f32::max).max(1e-6);
        let rows = 41usize;
        let cols = snaps.len();
        let mut counts = vec![0f64; rows * cols];
        for (c, s) in snaps.iter().enumerate() {
            let bin = (s.hi - s.lo) / s.counts.len() as f32;
            for (k, &n) in s.counts.iter().enumerate() {
                let x = s.lo + (k as f32 + 0.5) * bin;
                let r = (((x + m) / (2.0 * m)) * rows as f32).clamp(0.0, rows as f32 - 1.0) as usize;
                counts[r * cols + c] += n as f64;
            }
            counts[(rows / 2) * cols + c] += s.zeros as f64;
        }
        let f = |v: f64| if log { (1.0 + v).ln() } else { v };
        let max = counts.iter().copied().map(f).fold(0.0, f64::max).max(1e-9);
        let mut pixels = Vec::with_capacity(rows * cols);
        for r in (0..rows).rev() {
            for c in 0..cols {
                let t = (f(counts[r * cols + c]) / max) as f32;
                pixels.push(lerp_color(background, colors[i], t.sqrt()));
            }
        }
        let image = ColorImage::new([cols, rows], pixels);
        let opts = egui::TextureOptions::NEAREST;
        match &mut textures.history[i] {
            Some(t) => {
                t.texture.set(image, opts);
                (t.session, t.received, t.layer, t.log, t.color, t.m) =
                    (wb.session_id, h.received, layer, log, colors[i], m);
            }
            slot => {
                *slot = Some(HistoryTexture {
                    session: wb.session_id,
                    received: h.received,
                    layer,
                    log,
                    color: colors[i],
                    texture: ctx.load_texture(format!("hist-{i}"), image, opts),
                    m,
                })
            }
        }
    }
}

fn lerp_color(a: Color32, b: Color32, t: f32) -> Color32 {
    let t = t.clamp(0.0, 1.0);
    let mix = |x: u8, y: u8| (x as f32 * (1.0 - t) + y as f32 * t) as u8;
    Color32::from_rgb(mix(a.r(), b.r()), mix(a.g(), b.g()), mix(a.b(), b.b()))
}

fn history_plot(wb: &Workbench, textures: &Textures, ui: &mut Ui, i: usize, width: f32, height: f32) {
    let h = &wb.runs[i];
    let Some(Some(HistoryTexture { texture: tex, m, .. })) = textures.history.get(i) else {
        ui.allocate_space(egui::vec2(width, height));
        return;
    };
    let epochs: Vec<usize> = h.histograms.iter().map(|s| s.0).collect();
    let cols = epochs.len() as f64;
    let m = *m as f64;
    Plot::new(("histogram-history", i))
        .allow_scroll(false)
        .width(width)
        .height(height)
        .x_axis_label("epoch")
        .y_axis_label("weight")
        .x_axis_formatter(move |mark, _| {
            let k = mark.value.round();
            if k >= 0.0 && (k as usize) < epochs.len() {
                epochs[k as usize].to_string()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            plot.add(PlotImage::new(
                format!("{} histogram over epochs", h.name),
                tex.id(),
                PlotPoint::new(cols / 2.0 - 0.5, 0.0),
                egui::vec2(cols as f32, (2.0 * m) as f32),
            ));
        });
}

fn sparsity_plot(wb: &Workbench, view: &mut ViewSettings, chrome: &mut Chrome, ui: &mut Ui) {
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
    Plot::new("sparsity-plot")
        .allow_scroll(false)
        .x_grid_spacer(nice_marks)
        .x_axis_formatter(|m, _| tick_label(m.value))
        .y_grid_spacer(nice_marks)
        .y_axis_formatter(|m, _| tick_label(m.value))
        .width(width)
        .height(height)
        .x_axis_label("epoch")
        .y_axis_label("share of weights")
        .include_y(0.0)
        .include_y(1.0)
        .link_cursor(egui::Id::unique("epoch-cursor"), [true, false])
        .show(ui, |plot| {
            for (i, h) in wb.runs.iter().enumerate() {
                let c = colors[i];
                plot.line(
                    Line::new(format!("{} exactly 0", h.name), points(&h.zero_frac, false))
                        .color(c)
                        .width(2.0),
                );
                plot.line(
                    Line::new(
                        format!("{} |w| < {:.0e}", h.name, EPSILON_GRID[k]),
                        points(&h.small_frac[k], false),
                    )
                    .color(c)
                    .style(LineStyle::dashed_loose()),
                );
            }
            change_markers(wb, &colors, plot);
        });
}

fn norms_plot(wb: &Workbench, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    chrome.header(
        ui,
        "Weight norms",
        "L1 norm Σ|w| (solid) and L2 norm √(Σw²) (dashed) over all weight matrices",
        "solid: L1 norm · dashed: L2 norm",
    );
    let (width, height) = fill(ui);
    Plot::new("norms-plot")
        .allow_scroll(false)
        .x_grid_spacer(nice_marks)
        .x_axis_formatter(|m, _| tick_label(m.value))
        .y_grid_spacer(nice_marks)
        .y_axis_formatter(|m, _| tick_label(m.value))
        .width(width)
        .height(height)
        .x_axis_label("epoch")
        .y_axis_label("norm")
        .include_y(0.0)
        .link_cursor(egui::Id::unique("epoch-cursor"), [true, false])
        .show(ui, |plot| {
            for (i, h) in wb.runs.iter().enumerate() {
                let c = colors[i];
                plot.line(Line::new(format!("{} L1 norm", h.name), points(&h.l1, false)).color(c).width(2.0));
                plot.line(
                    Line::new(format!("{} L2 norm", h.name), points(&h.l2, false))
                        .color(c)
                        .style(LineStyle::dashed_loose()),
                );
            }
            change_markers(wb, &colors, plot);
        });
}

/// Features shown at most in the importance plot.
const MAX_IMPORTANCE_FEATURES: usize = 60;

fn importance_plot(wb: &Workbench, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    let Some(prepared) = &wb.prepared else { return };
    let names = &prepared.feature_names;
    let shown = names.len().min(MAX_IMPORTANCE_FEATURES);
    let informative = prepared.informative.as_deref();
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Input importance",
            "Per input feature: Σ|w| over its weights into the first layer; an input whose weights are all 0 is ignored",
        );
        if informative.is_some_and(|i| i.iter().any(|v| !v)) {
            ui.label(RichText::new("shaded: inputs known to be pure noise").small());
        }
        if shown < names.len() {
            ui.label(RichText::new(format!("(first {shown} of {} features)", names.len())).small().weak());
        }
    });
    let n = wb.runs.len().max(1);
    let group = 0.8;
    let bw = group / n as f64;
    let mut top = 0.0f64;
    for h in &wb.runs {
        if let Some(m) = &h.latest {
            top = m.importance.iter().take(shown).fold(top, |a, &v| a.max(v as f64));
        }
    }
    let (width, height) = fill(ui);
    let band_color = ui.visuals().text_color().gamma_multiply(0.12);
    Plot::new("importance-plot")
        .allow_scroll(false)
        .width(width)
        .height(height)
        .y_axis_label("Σ|w| into layer 1")
        .include_y(0.0)
        .x_axis_formatter(move |mark, _| {
            let k = mark.value;
            if (k - k.round()).abs() < 1e-6 && k >= 0.0 && (k as usize) < names.len() {
                shorten(&names[k as usize], 14)
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            // A faint band behind each input known to be noise.
            if let Some(inf) = informative {
                for (j, _) in inf.iter().take(shown).enumerate().filter(|(_, is)| !**is) {
                    let (a, b) = (j as f64 - 0.5, j as f64 + 0.5);
                    let band = vec![[a, 0.0], [b, 0.0], [b, top * 1.05 + 1e-9], [a, top * 1.05 + 1e-9]];
                    plot.polygon(
                        egui_plot::Polygon::new(format!("{}: noise", names[j]), band)
                            .fill_color(band_color)
                            .stroke(egui::Stroke::NONE),
                    );
                }
            }
            for (i, h) in wb.runs.iter().enumerate() {
                let Some(m) = &h.latest else { continue };
                let offset = (i as f64 - (n as f64 - 1.0) / 2.0) * bw;
                let bars: Vec<Bar> = m
                    .importance
                    .iter()
                    .take(shown)
                    .enumerate()
                    .map(|(j, &v)| {
                        Bar::new(j as f64 + offset, v as f64).name(format!("{}: {}", h.name, names[j]))
                    })
                    .collect();
                plot.bar_chart(BarChart::new(h.name.clone(), bars).color(colors[i]).width(bw * 0.95));
            }
        });
}

fn boundary_ui(wb: &Workbench, textures: &Textures, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Decision boundary",
            "Each run's predicted class over the plane of the two input features, with the training rows",
        );
    });
    let (Some(grid), Some(prepared)) = (&wb.boundary, &wb.prepared) else {
        ui.label("Shown for classification with exactly two input features (try a generated set such as circle or xor).");
        return;
    };
    let n = wb.runs.len().max(1);
    let spacing = ui.spacing().item_spacing.x;
    let size = ((ui.available_width() - spacing * n as f32) / n as f32)
        .min(ui.available_height() - ui.spacing().interact_size.y - 8.0)
        .max(80.0);
    let by_class = &wb.boundary_points;
    let center = PlotPoint::new(
        ((grid.x_range.0 + grid.x_range.1) / 2.0) as f64,
        ((grid.y_range.0 + grid.y_range.1) / 2.0) as f64,
    );
    let extent = egui::vec2(grid.x_range.1 - grid.x_range.0, grid.y_range.1 - grid.y_range.0);
    let link = egui::Id::unique("boundary-axes");
    ui.horizontal_top(|ui| {
        for (i, h) in wb.runs.iter().enumerate() {
            ui.vertical(|ui| {
                let epoch = h.boundary.as_ref().map_or(0, |b| b.0);
                ui.label(RichText::new(format!("{} · epoch {epoch}", h.name)).color(colors[i]));
                Plot::new(("boundary", i))
                    .allow_scroll(false)
                    .width(size)
                    .height(size)
                    .data_aspect(1.0)
                    .link_axis(link, [true, true])
                    .show_axes([false, false])
                    .show(ui, |plot| {
                        if let Some(tex) = textures.boundary(i) {
                            plot.add(PlotImage::new(
                                format!("{} prediction", h.name),
                                tex.id(),
                                center,
                                extent,
                            ));
                        }
                        for (k, pts) in by_class.iter().enumerate() {
                            let label = prepared.classes.get(k).cloned().unwrap_or_else(|| k.to_string());
                            plot.points(
                                Points::new(
                                    format!("class {label}"),
                                    PlotPoints::Owned(pts.iter().map(|p| PlotPoint::new(p.x, p.y)).collect()),
                                )
                                .color(class_color(k))
                                .radius(2.0),
                            );
                        }
                    });
            });
        }
    });
}

/// The regularization path: controls, each path's weights against log λ
/// with the count of non-zero weights along the top, and the validation
/// error against log λ with λ_min and the one-standard-error choice.
fn path_ui(
    wb: &Workbench,
    view: &mut ViewSettings,
    chrome: &mut Chrome,
    ui: &mut Ui,
    actions: &mut Vec<Action>,
) {
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Regularization path",
            "Each penalised run trained at every λ of a log grid, each λ starting from the weights of the one before",
        );
        let v = &mut *view;
        let l = ui.label("λ values");
        ui.add(egui::DragValue::new(&mut v.sweep_count).range(2..=200)).labelled_by(l.id);
        let l = ui.label("smallest λ / largest");
        ui.add(egui::DragValue::new(&mut v.sweep_min_ratio).range(1e-6..=0.5).speed(0.0001)).labelled_by(l.id);
        let l = ui.label("epochs per λ");
        ui.add(egui::DragValue::new(&mut v.sweep_epochs).range(1..=100_000)).labelled_by(l.id);
        match wb.sweep_progress() {
            Some((done, total)) => {
                ui.add(
                    egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                        .desired_width(160.0)
                        .text(format!("{done} / {total} λ")),
                );
                if ui.button("Cancel sweep").clicked() {
                    actions.push(Action::CancelSweep);
                }
            }
            None => {
                if ui
                    .button("Sweep λ")
                    .on_hover_text("Every run with a penalty, on the data and network above, on both cores")
                    .clicked()
                {
                    actions.push(Action::RunSweep {
                        count: view.sweep_count,
                        min_ratio: view.sweep_min_ratio,
                        epochs: view.sweep_epochs,
                    });
                }
            }
        }
    });
    let Some(paths) = &wb.sweep_result else {
        ui.label("Press Sweep λ to trace how the weights and the validation error change with λ.");
        return;
    };
    let n = paths.len().max(1) + 1;
    let spacing = ui.spacing().item_spacing.x;
    let width = ((ui.available_width() - spacing * n as f32) / n as f32).max(150.0);
    let height = (ui.available_height() - 2.0 * ui.spacing().interact_size.y - 8.0).max(80.0);
    let names = wb.prepared.as_ref().map(|p| p.feature_names.clone()).unwrap_or_default();
    let link = egui::Id::unique("path-x");
    ui.horizontal_top(|ui| {
        for (path, rgb) in paths {
            let color = &color(*rgb);
            ui.vertical(|ui| {
                let linear = path.shape.1 == 1;
                ui.label(
                    RichText::new(format!(
                        "{}: {} against log₁₀ λ",
                        path.name,
                        if linear { "weights" } else { "input importance" }
                    ))
                    .color(*color),
                );
                let top = path
                    .points
                    .iter()
                    .flat_map(|p| if linear { p.weights.clone() } else { p.importance.clone() })
                    .fold(0.0f32, |m, v| m.max(v.abs())) as f64;
                Plot::new(("path-weights", path.name.as_str()))
                    .allow_scroll(false)
                    .width(width)
                    .height(height)
                    .link_axis(link, [true, false])
                    .x_axis_label("log₁₀ λ")
                    .show(ui, |plot| {
                        let inputs = path.shape.0;
                        for j in 0..inputs.min(60) {
                            let pts: Vec<[f64; 2]> = path
                                .points
                                .iter()
                                .map(|p| {
                                    let v = if linear { p.weights[j] } else { p.importance[j] };
                                    [p.lambda.log10(), v as f64]
                                })
                                .collect();
                            let name = names.get(j).cloned().unwrap_or_else(|| format!("x{}", j + 1));
                            plot.line(Line::new(name, pts).width(1.5));
                        }
                        for p in &path.points {
                            plot.text(Text::new(
                                "",
                                PlotPoint::new(p.lambda.log10(), top * 1.1 + 1e-9),
                                p.nonzero.to_string(),
                            ));
                        }
                        plot.vline(VLine::new("λ min", path.lambda_min.log10()).color(*color));
                        plot.vline(
                            VLine::new("λ 1-SE", path.lambda_1se.log10())
                                .color(*color)
                                .style(LineStyle::dashed_loose()),
                        );
                    });
                ui.label(RichText::new("numbers along the top: weights not exactly 0").small().weak());
            });
        }
        ui.vertical(|ui| {
            ui.label("validation error against log₁₀ λ (± one standard error)");
            Plot::new("path-error")
                .allow_scroll(false)
                .width(width)
                .height(height)
                .link_axis(link, [true, false])
                .x_axis_label("log₁₀ λ")
                .show(ui, |plot| {
                    for (path, rgb) in paths {
                        let color = &color(*rgb);
                        let pts = |f: &dyn Fn(&crate::train::sweep::SweepPoint) -> f64| -> Vec<[f64; 2]> {
                            path.points.iter().map(|p| [p.lambda.log10(), f(p)]).collect()
                        };
                        plot.line(
                            Line::new(path.name.clone(), pts(&|p| p.val_error)).color(*color).width(2.0),
                        );
                        let faint = color.gamma_multiply(0.5);
                        plot.line(
                            Line::new(format!("{} + SE", path.name), pts(&|p| p.val_error + p.val_se))
                                .color(faint),
                        );
                        plot.line(
                            Line::new(format!("{} − SE", path.name), pts(&|p| p.val_error - p.val_se))
                                .color(faint),
                        );
                        plot.vline(
                            VLine::new(
                                format!("{}: λ min {:.3e}", path.name, path.lambda_min),
                                path.lambda_min.log10(),
                            )
                            .color(*color),
                        );
                        plot.vline(
                            VLine::new(
                                format!("{}: λ 1-SE {:.3e}", path.name, path.lambda_1se),
                                path.lambda_1se.log10(),
                            )
                            .color(*color)
                            .style(LineStyle::dashed_loose()),
                        );
                    }
                });
        });
    });
}

//! Weight histograms: one plot per run on the same weight and count axes,
//! with an explicit bar for the weights exactly 0; or the histogram over the
//! epochs as a heat map.

use egui::{Color32, ColorImage, RichText, TextureHandle, Ui};
use egui_plot::{Bar, BarChart, Plot, PlotImage, PlotPoint};

use super::chrome::{Chrome, run_colors};
use super::plot::{nice_marks, tick_label};
use crate::gui::view::{ViewSettings, legible};
use crate::train::Histogram;
use crate::workbench::{ScreenRun, Workbench};

/// Per run: the heat map of its histogram over the epochs.
#[derive(Default)]
pub struct HistoryTextures {
    entries: Vec<Option<HistoryTexture>>,
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

fn chosen_histogram(h: &ScreenRun, layer: Option<usize>) -> Option<&Histogram> {
    let m = h.history.latest.as_ref()?;
    match layer {
        None => Some(&m.histogram_all),
        Some(l) => m.histograms.get(l),
    }
}

pub fn histograms_ui(
    wb: &Workbench,
    view: &mut ViewSettings,
    textures: &mut HistoryTextures,
    chrome: &mut Chrome,
    ui: &mut Ui,
) {
    let colors = run_colors(ui, wb);
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Weight histograms",
            "How the weights are distributed, one plot per run with the same axes; the dark bar counts weights exactly 0",
        );
        controls_ui(wb, view, ui);
    });
    let n = wb.screen.runs.len().max(1);
    let spacing = ui.spacing().item_spacing.x;
    let width = ((ui.available_width() - spacing * n as f32) / n as f32).max(100.0);
    let height = (ui.available_height() - ui.spacing().interact_size.y - 8.0).max(80.0);
    if view.histograms.history {
        update_history_textures(wb, view, textures, ui.ctx());
    }
    let axes = Axes::shared(wb, view);
    ui.horizontal_top(|ui| {
        for (i, run) in wb.screen.runs.iter().enumerate() {
            ui.vertical(|ui| {
                ui.set_width(width);
                let zero = run.history.latest.as_ref().map_or(0.0, |m| m.weights.zero_frac);
                ui.label(
                    RichText::new(format!("{}: {:.1}% exactly 0", run.name, 100.0 * zero)).color(colors[i]),
                )
                .on_hover_text(format!("{} at epoch {}", run.name, run.epoch()));
                if view.histograms.history {
                    history_plot(
                        run,
                        textures.entries.get(i).and_then(Option::as_ref),
                        ui,
                        i,
                        [width, height],
                    );
                } else {
                    histogram_plot(run, view, &axes, colors[i], ui, i, [width, height]);
                }
            });
        }
    });
}

/// Which layer, log counts, and the heat map.
fn controls_ui(wb: &Workbench, view: &mut ViewSettings, ui: &mut Ui) {
    let layers =
        wb.screen.runs.first().and_then(|r| r.history.latest.as_ref()).map_or(0, |m| m.histograms.len());
    if view.histograms.layer.is_some_and(|l| l >= layers) {
        view.histograms.layer = None;
    }
    let name = |l: Option<usize>| match l {
        None => "all layers".to_string(),
        Some(l) if l + 1 == layers => format!("layer {} (to the output)", l + 1),
        Some(l) => format!("layer {}", l + 1),
    };
    egui::ComboBox::from_label("weights of").selected_text(name(view.histograms.layer)).show_ui(ui, |ui| {
        ui.selectable_value(&mut view.histograms.layer, None, name(None));
        for l in 0..layers {
            ui.selectable_value(&mut view.histograms.layer, Some(l), name(Some(l)));
        }
    });
    ui.checkbox(&mut view.histograms.log_counts, "log counts")
        .on_hover_text("Counts on a log scale: log₁₀(1 + count)");
    ui.checkbox(&mut view.histograms.history, "history (heat map)").on_hover_text(
        "The histogram over epochs: time to the right, weight value up, darker = more weights",
    );
}

/// One weight range and one count range for every run, so that widths and
/// heights compare.
struct Axes {
    x_max: f64,
    y_max: f64,
    log: bool,
}

impl Axes {
    fn shared(wb: &Workbench, view: &ViewSettings) -> Axes {
        let log = view.histograms.log_counts;
        let shown: Vec<&Histogram> =
            wb.screen.runs.iter().filter_map(|r| chosen_histogram(r, view.histograms.layer)).collect();
        let x_max = shown.iter().map(|h| h.hi.abs().max(h.lo.abs()) as f64).fold(1e-6, f64::max) * 1.05;
        let y_max = shown
            .iter()
            .map(|h| h.counts.iter().copied().chain([h.zeros]).map(|c| scale(c, log)).fold(0.0, f64::max))
            .fold(1.0, f64::max)
            * 1.05;
        Axes { x_max, y_max, log }
    }
}

fn scale(count: u32, log: bool) -> f64 {
    if log { (1.0 + count as f64).log10() } else { count as f64 }
}

/// Run `i`'s histogram of the chosen layer, with the bar of exact zeros.
fn histogram_plot(
    run: &ScreenRun,
    view: &ViewSettings,
    axes: &Axes,
    color: Color32,
    ui: &mut Ui,
    i: usize,
    [width, height]: [f32; 2],
) {
    let Some(hist) = chosen_histogram(run, view.histograms.layer) else {
        ui.allocate_space(egui::vec2(width, height));
        return;
    };
    let log = axes.log;
    let bin = (hist.hi - hist.lo) as f64 / hist.counts.len() as f64;
    let bars: Vec<Bar> = hist
        .counts
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            let x = hist.lo as f64 + (k as f64 + 0.5) * bin;
            Bar::new(x, scale(c, log)).name(format!("{:.3} to {:.3}: {c}", x - bin / 2.0, x + bin / 2.0))
        })
        .collect();
    let zero_bar = Bar::new(0.0, scale(hist.zeros, log)).name(format!("exactly 0: {}", hist.zeros));
    let zero_color = ui.visuals().strong_text_color();
    let y_label = match (i, log) {
        (0, true) => "log₁₀(1+count)",
        (0, false) => "count",
        _ => "",
    };
    Plot::new(("histogram", i))
        .allow_scroll(false)
        .width(width)
        .height(height)
        .x_grid_spacer(nice_marks)
        .x_axis_formatter(|m, _| tick_label(m.value))
        .y_grid_spacer(nice_marks)
        .y_axis_formatter(|m, _| tick_label(m.value))
        .x_axis_label("weight")
        .y_axis_label(y_label)
        .show_axes([true, i == 0])
        .show(ui, |plot| {
            plot.set_plot_bounds(egui_plot::PlotBounds::from_min_max(
                [-axes.x_max, 0.0],
                [axes.x_max, axes.y_max],
            ));
            plot.bar_chart(BarChart::new(format!("{} weights", run.name), bars).color(color).width(bin));
            plot.bar_chart(BarChart::new("exactly 0", vec![zero_bar]).color(zero_color).width(bin * 0.5));
        });
}

fn update_history_textures(
    wb: &Workbench,
    view: &ViewSettings,
    textures: &mut HistoryTextures,
    ctx: &egui::Context,
) {
    let layer = view.histograms.layer;
    let log = view.histograms.log_counts;
    let background =
        if ctx.global_style().visuals.dark_mode { Color32::from_gray(20) } else { Color32::WHITE };
    let colors: Vec<Color32> = wb.screen.runs.iter().map(|r| legible(r.color, background)).collect();
    textures.entries.resize_with(wb.screen.runs.len(), || None);
    for (i, h) in wb.screen.runs.iter().enumerate() {
        let fresh = matches!(&textures.entries[i], Some(t) if (t.session, t.received) == (wb.screen.session_id, h.history.received) && t.layer == layer && t.log == log && t.color == colors[i]);
        if fresh || h.history.histograms.snapshots.is_empty() {
            continue;
        }
        let pick = |s: &(usize, Histogram, Vec<Histogram>)| -> Option<Histogram> {
            match layer {
                None => Some(s.1.clone()),
                Some(l) => s.2.get(l).cloned(),
            }
        };
        let snaps: Vec<Histogram> = h.history.histograms.snapshots.iter().filter_map(pick).collect();
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
        match &mut textures.entries[i] {
            Some(t) => {
                t.texture.set(image, opts);
                (t.session, t.received, t.layer, t.log, t.color, t.m) =
                    (wb.screen.session_id, h.history.received, layer, log, colors[i], m);
            }
            slot => {
                *slot = Some(HistoryTexture {
                    session: wb.screen.session_id,
                    received: h.history.received,
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

fn history_plot(
    run: &ScreenRun,
    texture: Option<&HistoryTexture>,
    ui: &mut Ui,
    i: usize,
    [width, height]: [f32; 2],
) {
    let Some(HistoryTexture { texture: tex, m, .. }) = texture else {
        ui.allocate_space(egui::vec2(width, height));
        return;
    };
    let epochs: Vec<usize> = run.history.histograms.snapshots.iter().map(|s| s.0).collect();
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
                format!("{} histogram over epochs", run.name),
                tex.id(),
                PlotPoint::new(cols / 2.0 - 0.5, 0.0),
                egui::vec2(cols as f32, (2.0 * m) as f32),
            ));
        });
}

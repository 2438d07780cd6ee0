//! Weight histograms: one plot per run on the same weight and count axes,
//! with an explicit bar for the weights exactly 0; or the histogram over the
//! epochs as a heat map.

use egui::{Color32, ColorImage, RichText, TextureHandle, Ui};
use egui_plot::{Bar, BarChart, Plot, PlotImage, PlotPoint};

use super::chrome::{Chrome, Extent, grid, run_colors, shorten};
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
            "How the weights are distributed (weight value across, count up), one plot per run with the same bins and axes; the outlined bar counts the weights exactly 0, apart from the small ones around 0",
        );
        controls_ui(wb, view, ui);
    });
    if view.histograms.history {
        update_history_textures(wb, view, textures, ui.ctx());
    }
    let axes = Axes::shared(wb, view.histograms.layer, view.histograms.log_counts);
    let label_height = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    let cells = grid(chrome.rest(ui), wb.screen.runs.len(), 1.3, 6.0);
    let left = cells.first().map_or(0.0, |c| c.left());
    chrome.panels(ui, &cells, |ui, i, chrome| {
        let run = &wb.screen.runs[i];
        let cell = ui.max_rect();
        let zero = run.history.latest.as_ref().map_or(0.0, |m| m.weights.zero_frac);
        let chars = (cell.width() / 7.0) as usize;
        let text = shorten(&format!("{}: {:.1}% exactly 0", run.name, 100.0 * zero), chars.max(8));
        ui.label(RichText::new(text).color(colors[i])).on_hover_text(format!(
            "{}: {:.1}% of its weights exactly 0 at epoch {}",
            run.name,
            100.0 * zero,
            run.epoch()
        ));
        let size = [cell.width(), (cell.height() - label_height).max(16.0)];
        if view.histograms.history {
            history_plot(run, textures.entries.get(i).and_then(Option::as_ref), ui, i, size);
        } else {
            let first_column = cell.left() - left < 1.0;
            let hist = chosen_histogram(run, view.histograms.layer);
            let look = Look { index: i, first_column, bottom_row: true, caption: None };
            histogram_plot(run, hist, &axes, colors[i], ui, look, size, chrome);
        }
    });
}

/// Which layer, log counts, and the heat map.
fn controls_ui(wb: &Workbench, view: &mut ViewSettings, ui: &mut Ui) {
    let layers =
        wb.screen.runs.first().and_then(|r| r.history.latest.as_ref()).map_or(0, |m| m.histograms.len());
    let options = &mut view.histograms;
    if options.layer.is_some_and(|l| l >= layers) {
        options.layer = None;
    }
    let name = |l: Option<usize>| match l {
        None => "all layers".to_string(),
        Some(l) if l + 1 == layers => format!("layer {} (output)", l + 1),
        Some(l) => format!("layer {}", l + 1),
    };
    egui::ComboBox::from_id_salt("histogram-layer")
        .selected_text(name(options.layer))
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut options.layer, None, name(None));
            for l in 0..layers {
                ui.selectable_value(&mut options.layer, Some(l), name(Some(l)));
            }
        })
        .response
        .on_hover_text("The weights of all layers, or of one layer (1: from the inputs)");
    ui.checkbox(&mut options.log_counts, "log").on_hover_text("Counts on a log scale: log₁₀(1 + count)");
    ui.checkbox(&mut options.history, "over epochs")
        .on_hover_text("The histogram over epochs as a heat map: time to the right, weight value up, stronger colour = more weights");
}

/// Bins every run's histogram shares, so that a run whose weights sit in a
/// narrow range shows as a bar as wide as another run's.
const SHARED_BINS: usize = 41;

/// One weight range, one set of bins and one count range for every run, so
/// that widths and heights compare.
struct Axes {
    x_max: f64,
    y_max: f64,
    log: bool,
}

impl Axes {
    fn shared(wb: &Workbench, layer: Option<usize>, log: bool) -> Axes {
        let shown: Vec<&Histogram> =
            wb.screen.runs.iter().filter_map(|r| chosen_histogram(r, layer)).collect();
        let x_max = shown.iter().map(|h| h.hi.abs().max(h.lo.abs()) as f64).fold(1e-6, f64::max) * 1.05;
        let mut axes = Axes { x_max, y_max: 1.0, log };
        // The tallest bin of non-zero weights sets the scale; a bar of exact
        // zeros taller than that is cut at the top, with its count written.
        let tallest = shown.iter().flat_map(|h| axes.rebin(h)).fold(0u32, u32::max);
        axes.y_max = scale(tallest.max(1), log) * 1.2;
        axes
    }

    /// `h`'s non-zero counts in the shared bins over `[−x_max, x_max]`.
    fn rebin(&self, h: &Histogram) -> Vec<u32> {
        let mut out = vec![0u32; SHARED_BINS];
        let bin = (h.hi - h.lo) as f64 / h.counts.len().max(1) as f64;
        for (k, &c) in h.counts.iter().enumerate() {
            let x = h.lo as f64 + (k as f64 + 0.5) * bin;
            let j = ((x + self.x_max) / (2.0 * self.x_max) * SHARED_BINS as f64).floor();
            out[(j.max(0.0) as usize).min(SHARED_BINS - 1)] += c;
        }
        out
    }

    fn bin_width(&self) -> f64 {
        2.0 * self.x_max / SHARED_BINS as f64
    }
}

fn scale(count: u32, log: bool) -> f64 {
    if log { (1.0 + count as f64).log10() } else { count as f64 }
}

/// Where a histogram sits among the others: which it is, whether it has
/// the count axis (the first column) and the weight axis (the bottom row),
/// and a caption drawn inside it, when there is no room above it.
struct Look {
    index: usize,
    first_column: bool,
    bottom_row: bool,
    caption: Option<String>,
}

/// A run's histogram in the shared bins, with the weights exactly 0 as an
/// outlined bar of their own.
#[allow(clippy::too_many_arguments)]
fn histogram_plot(
    run: &ScreenRun,
    hist: Option<&Histogram>,
    axes: &Axes,
    color: Color32,
    ui: &mut Ui,
    look: Look,
    [width, height]: [f32; 2],
    chrome: &mut Chrome,
) {
    let Some(hist) = hist else {
        ui.allocate_space(egui::vec2(width, height));
        return;
    };
    let (log, bin) = (axes.log, axes.bin_width());
    let mut data = Extent::default();
    let bars: Vec<Bar> = axes
        .rebin(hist)
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            let x = -axes.x_max + (k as f64 + 0.5) * bin;
            data.add(x, scale(c, log));
            let name = format!("{:.3} to {:.3}: {c} weights, not 0", x - bin / 2.0, x + bin / 2.0);
            Bar::new(x, scale(c, log))
                .name(name)
                .fill(color.gamma_multiply(0.85))
                .stroke(egui::Stroke::new(1.0, color))
        })
        .collect();
    let zeros = scale(hist.zeros, log);
    let cut = zeros > axes.y_max;
    let strong = ui.visuals().strong_text_color();
    let zero_bar = Bar::new(0.0, zeros.min(axes.y_max))
        .name(format!("exactly 0: {} weights", hist.zeros))
        .fill(ui.visuals().extreme_bg_color)
        .stroke(egui::Stroke::new(2.0, strong));
    let y_label = match (look.first_column, log) {
        (true, true) => "log₁₀(1+count)",
        (true, false) => "count",
        _ => "",
    };
    let response = Plot::new(("histogram", look.index, ui.scope_id()))
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .width(width)
        .height(height)
        .x_grid_spacer(nice_marks)
        .x_axis_formatter(|m, _| tick_label(m.value))
        .y_grid_spacer(nice_marks)
        .y_axis_formatter(|m, _| tick_label(m.value))
        .y_axis_label(y_label)
        .show_axes([look.bottom_row, look.first_column])
        .show(ui, |plot| {
            plot.set_plot_bounds(egui_plot::PlotBounds::from_min_max(
                [-axes.x_max, 0.0],
                [axes.x_max, axes.y_max],
            ));
            plot.bar_chart(BarChart::new(format!("{} weights", run.name), bars).color(color).width(bin));
            if hist.zeros > 0 {
                plot.bar_chart(BarChart::new("exactly 0", vec![zero_bar]).width(bin * 0.6));
                let at = if cut {
                    PlotPoint::new(bin * 0.4, axes.y_max * 0.92)
                } else {
                    PlotPoint::new(0.0, zeros)
                };
                let anchor = if cut { egui::Align2::LEFT_CENTER } else { egui::Align2::CENTER_BOTTOM };
                let text = RichText::new(format!("{} exactly 0", hist.zeros)).strong();
                plot.text(egui_plot::Text::new("exactly 0", at, text).anchor(anchor).color(strong));
            }
            if let Some(caption) = &look.caption {
                let at = PlotPoint::new(-axes.x_max, axes.y_max);
                let text = RichText::new(caption).strong();
                plot.text(
                    egui_plot::Text::new("caption", at, text).anchor(egui::Align2::LEFT_TOP).color(color),
                );
            }
        });
    chrome.plot(&format!("histogram {}", run.name), &response, data);
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

/// The histograms of each layer apart: a row per run, a column per layer
/// (1: from the inputs), each column on its own axes shared by the runs, so
/// that what a penalty on one layer does to that layer is seen beside the
/// other layer.
pub fn layers_ui(wb: &Workbench, view: &mut ViewSettings, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Histograms by layer",
            "Each layer's weights apart, a row per run and a column per layer (1: from the inputs), each column on its own axes; the outlined bar counts the weights exactly 0",
        );
        ui.label(RichText::new("columns: layer 1 (from the inputs), layer 2, … · rows: the runs").weak());
        ui.checkbox(&mut view.histograms.log_counts, "log").on_hover_text("Counts on a log scale: log₁₀(1 + count)");
    });
    let layers =
        wb.screen.runs.first().and_then(|r| r.history.latest.as_ref()).map_or(0, |m| m.histograms.len());
    let runs = wb.screen.runs.len();
    if layers == 0 || runs == 0 {
        return;
    }
    let axes: Vec<Axes> =
        (0..layers).map(|l| Axes::shared(wb, Some(l), view.histograms.log_counts)).collect();
    let rest = chrome.rest(ui);
    let gap = 6.0;
    let (w, h) = (
        (rest.width() - gap * (layers - 1) as f32) / layers as f32,
        (rest.height() - gap * (runs - 1) as f32) / runs as f32,
    );
    let cells: Vec<egui::Rect> = (0..runs * layers)
        .map(|k| {
            let (row, col) = ((k / layers) as f32, (k % layers) as f32);
            egui::Rect::from_min_size(
                rest.min + egui::vec2(col * (w + gap), row * (h + gap)),
                egui::vec2(w.max(1.0), h.max(1.0)),
            )
        })
        .collect();
    chrome.panels(ui, &cells, |ui, k, chrome| {
        let (i, l) = (k / layers, k % layers);
        let run = &wb.screen.runs[i];
        let zero = run.history.latest.as_ref().and_then(|m| m.layers.get(l)).map_or(0.0, |s| s.zero_frac);
        let caption = format!("{} · layer {}: {:.0}% exactly 0", run.name, l + 1, 100.0 * zero);
        let look = Look { index: k, first_column: l == 0, bottom_row: i + 1 == runs, caption: Some(caption) };
        let size = [ui.available_width(), ui.available_height().max(16.0)];
        let hist = run.history.latest.as_ref().and_then(|m| m.histograms.get(l));
        histogram_plot(run, hist, &axes[l], colors[i], ui, look, size, chrome);
    });
}

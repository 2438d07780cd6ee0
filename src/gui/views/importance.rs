//! Input importance: for each input feature, Σ|w| of its weights into the
//! first layer, one bar per run; inputs known to be noise shaded.

use egui::{RichText, Ui};
use egui_plot::{AxisHints, Bar, BarChart, GridMark, Plot, PlotPoint};

use super::chrome::{Chrome, Extent, run_colors, shorten};
use crate::gui::view::ViewSettings;
use crate::workbench::Workbench;

/// Features shown at most in the importance plot.
const MAX_IMPORTANCE_FEATURES: usize = 60;

pub fn importance_ui(wb: &Workbench, view: &mut ViewSettings, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    let Some(prepared) = &wb.data.prepared else { return };
    let names = &prepared.feature_names;
    let shown = names.len().min(MAX_IMPORTANCE_FEATURES);
    let informative = prepared.informative.as_deref();
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Input importance",
            "Per input feature: Σ|w| over its weights into the first layer, as a share of the run's total (each run on its own scale) or as the sum itself; an input whose weights are all 0 is ignored",
        );
        ui.checkbox(&mut view.importance_raw, "Σ|w|")
            .on_hover_text("The sums themselves, on one scale, instead of each run's shares");
        if informative.is_some_and(|i| i.iter().any(|v| !v)) {
            ui.label(RichText::new("shaded: inputs the target does not use").weak());
        }
        if shown < names.len() {
            ui.label(RichText::new(format!("(first {shown} of {} features)", names.len())).weak());
        }
    });
    let raw = view.importance_raw;
    let values = bar_values(wb, raw, shown);
    let top = values.iter().flatten().copied().fold(0.0, f64::max);
    let n = wb.screen.runs.len().max(1);
    let bw = 0.8 / n as f64;
    let mut data = Extent::default();
    let (width, height) = chrome.fill(ui);
    let (widths, step) = name_marks(ui, &names[..shown], width);
    let tallest: Vec<f64> =
        (0..shown).map(|j| values.iter().filter_map(|v| v.get(j)).copied().fold(0.0, f64::max)).collect();
    let ink = ui.visuals().strong_text_color();
    let band_color = ui.visuals().text_color().gamma_multiply(0.12);
    let y_label = if raw { "Σ|w| into layer 1" } else { "share of the run's Σ|w| (%)" };
    let response = Plot::new("importance-plot")
        .allow_scroll(false)
        .width(width)
        .height(height)
        .y_axis_label(y_label)
        .include_y(0.0)
        // A named mark every `step` inputs.
        .x_grid_spacer(move |input| {
            let (lo, hi) = input.bounds;
            (0..shown)
                .step_by(step)
                .map(|j| j as f64)
                .filter(|j| (lo..=hi).contains(j))
                .map(|value| GridMark { value, step_size: step as f64 })
                .collect()
        })
        .include_y(top * 1.15)
        .custom_x_axes(vec![AxisHints::new_x().label_spacing(14.0..=16.0).formatter(move |mark, _| {
            let k = mark.value;
            if (k - k.round()).abs() < 1e-6 && k >= 0.0 && (k as usize) < names.len() {
                shorten(&names[k as usize], 14)
            } else {
                String::new()
            }
        })])
        .show(ui, |plot| {
            // A faint band behind each input known to be noise.
            if let Some(inf) = informative {
                for (j, _) in inf.iter().take(shown).enumerate().filter(|(_, is)| !**is) {
                    let (a, b, h) = (j as f64 - 0.5, j as f64 + 0.5, top * 1.05 + 1e-9);
                    plot.polygon(
                        egui_plot::Polygon::new(
                            format!("{}: noise", names[j]),
                            vec![[a, 0.0], [b, 0.0], [b, h], [a, h]],
                        )
                        .fill_color(band_color)
                        .stroke(egui::Stroke::NONE),
                    );
                }
            }
            for (i, (run, v)) in wb.screen.runs.iter().zip(&values).enumerate() {
                let offset = (i as f64 - (n as f64 - 1.0) / 2.0) * bw;
                let unit = if raw { "" } else { "%" };
                let bars: Vec<Bar> = v
                    .iter()
                    .enumerate()
                    .map(|(j, &v)| {
                        data.add(j as f64 + offset, v);
                        Bar::new(j as f64 + offset, v)
                            .name(format!("{}: {} {v:.3}{unit}", run.name, names[j]))
                    })
                    .collect();
                plot.bar_chart(BarChart::new(run.name.clone(), bars).color(colors[i]).width(bw * 0.95));
            }
            bar_names(plot, names, &widths, &tallest, step, ink);
        });
    chrome.plot("importance", &response, data);
}

/// Each run's bars: Σ|w| per input (`raw`), or its share of the run's total.
fn bar_values(wb: &Workbench, raw: bool, shown: usize) -> Vec<Vec<f64>> {
    wb.screen
        .runs
        .iter()
        .map(|r| {
            let Some(m) = &r.history.latest else { return Vec::new() };
            let total: f64 = m.importance.iter().map(|&v| v as f64).sum();
            let scale = if raw || total <= 0.0 { 1.0 } else { 100.0 / total };
            m.importance.iter().take(shown).map(|&v| v as f64 * scale).collect()
        })
        .collect()
}

/// The width of each input's name, and a mark every `step` inputs along a
/// plot `width` wide, far enough apart for the longest name; the tallest
/// bars between marks get their names above them ([`bar_names`]).
fn name_marks(ui: &Ui, names: &[String], width: f32) -> (Vec<f32>, usize) {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let widths: Vec<f32> = names
        .iter()
        .map(|n| ui.painter().layout_no_wrap(shorten(n, 14), font.clone(), egui::Color32::WHITE).size().x)
        .collect();
    let longest = widths.iter().copied().fold(0.0f32, f32::max) as f64;
    let per_input = width as f64 / (names.len() as f64 + 1.0);
    let step =
        [1, 2, 5, 10, 20, 50].into_iter().find(|k| per_input * *k as f64 >= longest + 10.0).unwrap_or(50);
    (widths, step)
}

/// The names of the tallest inputs whose mark on the axis has no name
/// (between two marks), above their bars, as many as fit without touching.
fn bar_names(
    plot: &mut egui_plot::PlotUi<'_>,
    names: &[String],
    widths: &[f32],
    tallest: &[f64],
    step: usize,
    ink: egui::Color32,
) {
    // Placed by the last frame's scale: none before there is one.
    let b = plot.plot_bounds();
    let spans = [b.max()[0] - b.min()[0], b.max()[1] - b.min()[1]];
    let top = tallest.iter().copied().fold(0.0, f64::max);
    if !spans.iter().all(|w| w.is_finite() && *w > 1e-9) || top <= 0.0 {
        return;
    }
    let mut order: Vec<usize> =
        (0..tallest.len()).filter(|j| j % step != 0 && tallest[*j] >= 0.25 * top).collect();
    order.sort_by(|a, b| tallest[*b].total_cmp(&tallest[*a]));
    let frame = plot.response().rect;
    let mut taken: Vec<egui::Rect> = Vec::new();
    for j in order {
        let bar_top = plot.screen_from_plot(PlotPoint::new(j as f64, tallest[j]));
        let rect =
            egui::Rect::from_center_size(bar_top - egui::vec2(0.0, 11.0), egui::vec2(widths[j] + 6.0, 18.0));
        if !frame.contains_rect(rect) || taken.iter().any(|t| t.intersects(rect)) {
            continue;
        }
        taken.push(rect);
        let at = plot.plot_from_screen(rect.center());
        let name = shorten(&names[j], 14);
        plot.text(
            egui_plot::Text::new(format!("{name} (input)"), at, egui::RichText::new(name))
                .color(ink)
                .anchor(egui::Align2::CENTER_CENTER)
                .allow_hover(false),
        );
        if taken.len() == 8 {
            break;
        }
    }
}

//! Input importance: for each input feature, Σ|w| of its weights into the
//! first layer, one bar per run; inputs known to be noise shaded.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Plot};

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
    // Each run's bars: Σ|w| per input, or its share of the run's total.
    let values: Vec<Vec<f64>> = wb
        .screen
        .runs
        .iter()
        .map(|r| {
            let Some(m) = &r.history.latest else { return Vec::new() };
            let total: f64 = m.importance.iter().map(|&v| v as f64).sum();
            let scale = if raw || total <= 0.0 { 1.0 } else { 100.0 / total };
            m.importance.iter().take(shown).map(|&v| v as f64 * scale).collect()
        })
        .collect();
    let top = values.iter().flatten().copied().fold(0.0, f64::max);
    let n = wb.screen.runs.len().max(1);
    let bw = 0.8 / n as f64;
    let mut data = Extent::default();
    let (width, height) = chrome.fill(ui);
    let band_color = ui.visuals().text_color().gamma_multiply(0.12);
    let y_label = if raw { "Σ|w| into layer 1" } else { "share of the run's Σ|w| (%)" };
    let response = Plot::new("importance-plot")
        .allow_scroll(false)
        .width(width)
        .height(height)
        .y_axis_label(y_label)
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
        });
    chrome.plot("importance", &response, data);
}

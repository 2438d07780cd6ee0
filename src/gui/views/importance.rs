//! Input importance: for each input feature, Σ|w| of its weights into the
//! first layer, one bar per run; inputs known to be noise shaded.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Plot};

use super::chrome::{Chrome, fill, run_colors, shorten};
use crate::workbench::Workbench;

/// Features shown at most in the importance plot.
const MAX_IMPORTANCE_FEATURES: usize = 60;

pub fn importance_ui(wb: &Workbench, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    let Some(prepared) = &wb.data.prepared else { return };
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
    let n = wb.screen.runs.len().max(1);
    let group = 0.8;
    let bw = group / n as f64;
    let mut top = 0.0f64;
    for h in &wb.screen.runs {
        if let Some(m) = &h.history.latest {
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
            for (i, h) in wb.screen.runs.iter().enumerate() {
                let Some(m) = &h.history.latest else { continue };
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

//! The network view, TensorFlow Playground's central picture for any
//! reglab network: the layers as columns of units (inputs named, the
//! generated noise inputs marked), every weight an edge whose width grows
//! with |w| and whose colour gives its sign. A weight exactly 0 is no edge,
//! so L1 visibly prunes the network while it trains. One small picture per
//! run, live; hovering an edge gives its weight.

use egui::{Color32, Pos2, RichText, Stroke, Ui, pos2, vec2};

use super::chrome::{Chrome, grid, run_colors, shorten};
use crate::workbench::Workbench;
use crate::workbench::network::{Edge, Picture};

/// Edge colours by sign, apart from the run colours: positive teal, negative magenta.
const POSITIVE: Color32 = Color32::from_rgb(0x1B, 0x9E, 0x9E);
const NEGATIVE: Color32 = Color32::from_rgb(0xC2, 0x3B, 0x8E);

pub fn network_ui(wb: &Workbench, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    chrome.header(
        ui,
        "Network",
        "Every weight as an edge: wider for larger |w|, teal positive, magenta negative; a weight exactly 0 is not drawn",
        "teal: w > 0 · magenta: w < 0 · width: |w| · no edge: w = 0",
    );
    let names: &[String] = wb.data.prepared.as_ref().map_or(&[], |p| &p.feature_names);
    let informative = wb.data.prepared.as_ref().and_then(|p| p.informative.as_deref());
    let cells = grid(chrome.rest(ui), wb.screen.runs.len(), 1.0, 8.0);
    chrome.panels(ui, &cells, |ui, i, _| {
        let run = &wb.screen.runs[i];
        let Some(picture) = &run.pictures.network else {
            ui.add(egui::Label::new(RichText::new(&run.name).color(colors[i])).wrap());
            return;
        };
        let shown = if picture.edges.len() < picture.nonzero {
            format!(" · strongest {} drawn", picture.edges.len())
        } else {
            String::new()
        };
        let text = format!("{}: {} of {} weights not 0{shown}", run.name, picture.nonzero, picture.total);
        ui.add(egui::Label::new(RichText::new(&text).color(colors[i])).wrap())
            .on_hover_text(format!("{text}, at epoch {}", picture.epoch));
        let size = vec2(ui.available_width(), ui.available_height().max(16.0));
        let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
        draw(ui, rect, &response, picture, names, informative);
    });
}

/// Where unit `k` of a column of `count` units sits.
fn unit_pos(rect: egui::Rect, column: usize, columns: usize, k: usize, count: usize, left: f32) -> Pos2 {
    let x = rect.left() + left + (rect.width() - left - 8.0) * column as f32 / (columns - 1).max(1) as f32;
    let y = rect.top() + 8.0 + (rect.height() - 16.0) * (k as f32 + 0.5) / count.max(1) as f32;
    pos2(x, y)
}

fn draw(
    ui: &Ui,
    rect: egui::Rect,
    response: &egui::Response,
    picture: &Picture,
    names: &[String],
    informative: Option<&[bool]>,
) {
    let painter = ui.painter_at(rect);
    let (sizes, drawn) = (&picture.sizes, &picture.edges);
    let columns = sizes.len();
    // Room on the left for the input names when they can be read.
    let label_inputs = sizes[0] <= 40 && rect.height() / sizes[0] as f32 >= 13.0 && rect.width() >= 160.0;
    let left = if label_inputs { 58.0 } else { 8.0 };
    let max = drawn.iter().fold(0.0f32, |m, e| m.max(e.weight.abs())).max(1e-12);
    let pos = |layer: usize, k: usize| unit_pos(rect, layer, columns, k, sizes[layer], left);
    let hover = response.hover_pos();
    let mut nearest: Option<(f32, &Edge)> = None;
    for e in drawn {
        let (a, b) = (pos(e.layer, e.from), pos(e.layer + 1, e.to));
        let t = e.weight.abs() / max;
        let color = if e.weight > 0.0 { POSITIVE } else { NEGATIVE };
        painter.line_segment([a, b], Stroke::new(0.4 + 3.6 * t, color.gamma_multiply(0.25 + 0.75 * t)));
        if let Some(p) = hover {
            let d = distance_to_segment(p, a, b);
            if d < 5.0 && nearest.is_none_or(|(best, _)| d < best) {
                nearest = Some((d, e));
            }
        }
    }
    let text = ui.visuals().text_color();
    for (layer, &count) in sizes.iter().enumerate() {
        let r = ((rect.height() - 16.0) / count.max(1) as f32 * 0.3).clamp(1.0, 6.0);
        for k in 0..count {
            let p = pos(layer, k);
            let noise = layer == 0 && informative.is_some_and(|inf| inf.get(k) == Some(&false));
            let fill = if noise { ui.visuals().weak_text_color().gamma_multiply(0.5) } else { text };
            painter.circle_filled(p, r, fill);
            if layer == 0 && label_inputs {
                let name = names.get(k).map_or_else(|| format!("x{}", k + 1), |n| shorten(n, 7));
                painter.text(
                    p - vec2(r + 3.0, 0.0),
                    egui::Align2::RIGHT_CENTER,
                    name,
                    egui::FontId::proportional(12.0),
                    if noise { ui.visuals().weak_text_color() } else { text },
                );
            }
        }
    }
    if let Some((_, e)) = nearest {
        let from = if e.layer == 0 {
            names.get(e.from).cloned().unwrap_or_else(|| format!("x{}", e.from + 1))
        } else {
            format!("h{}.{}", e.layer, e.from + 1)
        };
        let to = if e.layer + 2 == columns {
            format!("output {}", e.to + 1)
        } else {
            format!("h{}.{}", e.layer + 1, e.to + 1)
        };
        response.clone().on_hover_text(format!("{from} to {to}: w = {:.5}", e.weight));
    }
}

fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
    (a + ab * t).distance(p)
}

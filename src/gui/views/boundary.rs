//! The decision boundary of each run, for classification on two input
//! features: the predicted class over the plane, with the training rows.

use egui::{Color32, ColorImage, RichText, TextureHandle, Ui};
use egui_plot::{Plot, PlotImage, PlotPoint, PlotPoints, Points};

use super::chrome::{Chrome, Extent, grid as grid_cells, run_colors, shorten};
use crate::train::live::BoundaryGrid;
use crate::workbench::Workbench;

/// Per run: the boundary's texture, with the session and version it shows.
#[derive(Default)]
pub struct BoundaryTextures {
    entries: Vec<Option<((u64, u64), TextureHandle)>>,
}

impl BoundaryTextures {
    /// Follows the workbench's boundaries.
    fn update(&mut self, wb: &Workbench, ctx: &egui::Context) {
        self.entries.resize_with(wb.screen.runs.len(), || None);
        let Some(grid) = &wb.screen.boundary else { return };
        let classes = wb.data.prepared.as_ref().map_or(2, |p| p.classes.len());
        for (i, h) in wb.screen.runs.iter().enumerate() {
            let Some((_, values)) = &h.pictures.boundary else { continue };
            let key = (wb.screen.session_id, h.pictures.boundary_version);
            let slot = &mut self.entries[i];
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
                    let t = ctx.load_texture(format!("boundary-{i}"), image, egui::TextureOptions::LINEAR);
                    *slot = Some((key, t));
                }
            }
        }
    }

    fn get(&self, i: usize) -> Option<&TextureHandle> {
        self.entries.get(i).and_then(|t| t.as_ref()).map(|(_, t)| t)
    }
}

/// Class colours of the decision boundary plots: purple, olive and browns,
/// apart from every run colour of [`crate::workbench::colors`].
pub const CLASS_COLORS: [[u8; 3]; 6] = [
    [0x76, 0x2A, 0x83],
    [0x80, 0x80, 0x00],
    [0x8C, 0x51, 0x0A],
    [0x4D, 0x4D, 0x80],
    [0xB8, 0x86, 0x0B],
    [0x5A, 0x1E, 0x1E],
];

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

pub fn boundary_ui(wb: &Workbench, textures: &mut BoundaryTextures, chrome: &mut Chrome, ui: &mut Ui) {
    textures.update(wb, ui.ctx());
    let colors = run_colors(ui, wb);
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Decision boundary",
            "Each run's predicted class over the plane of the two input features, with the training rows",
        );
    });
    let (Some(grid), Some(prepared)) = (&wb.screen.boundary, &wb.data.prepared) else {
        ui.label("Shown for classification with exactly two input features (try a generated set such as circle or xor).");
        return;
    };
    let by_class = &wb.data.boundary_points;
    let center = PlotPoint::new(
        ((grid.x_range.0 + grid.x_range.1) / 2.0) as f64,
        ((grid.y_range.0 + grid.y_range.1) / 2.0) as f64,
    );
    let extent = egui::vec2(grid.x_range.1 - grid.x_range.0, grid.y_range.1 - grid.y_range.0);
    let link = egui::Id::unique("boundary-axes");
    let label_height = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    let cells = grid_cells(chrome.rest(ui), wb.screen.runs.len(), 1.0, 8.0);
    chrome.panels(ui, &cells, |ui, i, chrome| {
        let run = &wb.screen.runs[i];
        let cell = ui.max_rect();
        let epoch = run.pictures.boundary.as_ref().map_or(0, |b| b.0);
        let chars = ((cell.width() / 7.0) as usize).max(8);
        ui.label(RichText::new(shorten(&format!("{} · epoch {epoch}", run.name), chars)).color(colors[i]));
        let side = cell.width().min(cell.height() - label_height).max(16.0);
        let mut data = Extent::default();
        let response = Plot::new(("boundary", i))
            .allow_scroll(false)
            .width(side)
            .height(side)
            .data_aspect(1.0)
            .link_axis(link, [true, true])
            .show_axes([false, false])
            .show(ui, |plot| {
                if let Some(tex) = textures.get(i) {
                    plot.add(PlotImage::new(format!("{} prediction", run.name), tex.id(), center, extent));
                }
                for (k, pts) in by_class.iter().enumerate() {
                    let label = prepared.classes.get(k).cloned().unwrap_or_else(|| k.to_string());
                    data.add_all(pts.iter().map(|p| [p.x, p.y]));
                    let pts = PlotPoints::Owned(pts.iter().map(|p| PlotPoint::new(p.x, p.y)).collect());
                    plot.points(Points::new(format!("class {label}"), pts).color(class_color(k)).radius(2.0));
                }
            });
        chrome.plot(&format!("boundary {}", run.name), &response, data);
    });
}

//! The geometry view: for each run, the data error E0 over the plane of
//! two of its weights (shaded, darker where lower, in bands that read as
//! contours), the penalty's level set through the run's weights (a diamond
//! for L1, a circle for L2), the path the two weights took, and where they
//! are. Where a corner of the diamond meets the contours, one weight is
//! exactly 0: the chapter's picture, drawn from the user's own run.

use egui::{Color32, ColorImage, RichText, TextureHandle, Ui};
use egui_plot::{HLine, Line, LineStyle, Plot, PlotImage, PlotPoint, Points, VLine};

use super::chrome::{Chrome, run_colors};
use crate::workbench::geometry::Plane;
use crate::workbench::{ScreenRun, Workbench};

/// Bands of the shading: the contours.
const BANDS: usize = 14;

/// One texture per run, rebuilt when its plane changes.
#[derive(Default)]
pub struct GeometryTextures {
    entries: Vec<Option<((u64, usize), TextureHandle)>>,
}

impl GeometryTextures {
    fn get(
        &mut self,
        ctx: &egui::Context,
        session: u64,
        i: usize,
        plane: &Plane,
        dark: bool,
    ) -> TextureHandle {
        self.entries.resize_with(i + 1, || None);
        let key = (session, plane.epoch);
        if let Some((k, t)) = &self.entries[i]
            && *k == key
        {
            return t.clone();
        }
        let texture =
            ctx.load_texture(format!("geometry-{i}"), image(plane, dark), egui::TextureOptions::NEAREST);
        self.entries[i] = Some((key, texture.clone()));
        texture
    }
}

/// log E0 in bands, darker (on light) or brighter (on dark) where lower; row 0 is the top.
fn image(plane: &Plane, dark: bool) -> ColorImage {
    let logs: Vec<f64> = plane.error.iter().map(|e| e.max(1e-12).ln()).collect();
    let (lo, hi) = logs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let span = (hi - lo).max(1e-12);
    let n = plane.cells;
    let mut pixels = Vec::with_capacity(n * n);
    for row in (0..n).rev() {
        for col in 0..n {
            let t = (logs[row * n + col] - lo) / span;
            let band = ((t * BANDS as f64).floor() / BANDS as f64).clamp(0.0, 1.0) as f32;
            let level = if dark { 20.0 + 150.0 * (1.0 - band) } else { 255.0 - 150.0 * (1.0 - band) };
            let g = level as u8;
            pixels.push(Color32::from_rgb(g, g, (g as f32 * 1.05).min(255.0) as u8));
        }
    }
    ColorImage::new([n, n], pixels)
}

/// The level set `penalty(a, b) = c` around the origin, as a closed line.
fn level_set(plane: &Plane, c: f64) -> Vec<[f64; 2]> {
    if plane.k1 == 0.0 && plane.k2 == 0.0 || c <= 0.0 {
        return Vec::new();
    }
    (0..=360)
        .map(|k| {
            let t = (k as f64).to_radians();
            let (cs, sn) = (t.cos(), t.sin());
            let s = cs.abs() + sn.abs();
            let r = if plane.k2 == 0.0 {
                c / (plane.k1 * s)
            } else {
                (-plane.k1 * s + ((plane.k1 * s).powi(2) + 2.0 * plane.k2 * c).sqrt()) / plane.k2
            };
            [r * cs, r * sn]
        })
        .collect()
}

pub fn geometry_ui(
    wb: &Workbench,
    textures: &mut GeometryTextures,
    chrome: &mut Chrome,
    ui: &mut Ui,
) -> bool {
    let colors = run_colors(ui, wb);
    let mut refresh = false;
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Geometry of L1 and L2",
            "The data error E0 over the plane of two weights of each run (the others where they are), shaded darker where lower; \
             the penalty's level set through the run's weights (diamond: L1, circle: L2); the path the two weights took",
        );
        if wb.is_computing_geometry() {
            ui.spinner();
        } else if ui
            .small_button("Contours now")
            .on_hover_text("Compute the contours for the weights the runs have now (done by itself at a pause and at the end)")
            .clicked()
        {
            refresh = true;
        }
        ui.label(RichText::new("shade: E0 (darker: lower) · line: the penalty's level set · dot: the weights · trail: their path").small().weak());
    });
    if wb.studies.geometry.is_empty() {
        ui.label("The contours are drawn when the runs pause or end, or with Contours now.");
        return refresh;
    }
    let n = wb.studies.geometry.len();
    let spacing = ui.spacing().item_spacing.x;
    let size = ((ui.available_width() - spacing * n as f32) / n as f32)
        .min(ui.available_height() - 2.0 * ui.spacing().interact_size.y - 8.0)
        .max(80.0);
    ui.horizontal_top(|ui| {
        for plane in &wb.studies.geometry {
            let Some(run) = wb.screen.runs.get(plane.run) else { continue };
            let color = colors.get(plane.run).copied().unwrap_or(Color32::GRAY);
            let texture =
                textures.get(ui.ctx(), wb.screen.session_id, plane.run, plane, ui.visuals().dark_mode);
            ui.vertical(|ui| plane_ui(run, plane, &texture, color, size, ui));
        }
    });
    refresh
}

/// The path the plane's two weights took up to the plane's epoch.
fn weight_path(run: &ScreenRun, plane: &Plane) -> Vec<[f64; 2]> {
    let ncols = run.pictures.net.as_ref().map_or(1, |(_, n)| n.layers[0].weights.ncols());
    let at = |w: &[f32], (i, j): (usize, usize)| w.get(i * ncols + j).map(|v| *v as f64);
    run.pictures
        .first_layer_path
        .iter()
        .filter(|(e, _)| *e <= plane.epoch)
        .filter_map(|(_, w)| Some([at(w, plane.a)?, at(w, plane.b)?]))
        .collect()
}

/// One run's plane: the shading, the axes, the level set, the path and the weights now.
fn plane_ui(run: &ScreenRun, plane: &Plane, texture: &TextureHandle, color: Color32, size: f32, ui: &mut Ui) {
    ui.label(RichText::new(format!("{} · epoch {}", run.name, plane.epoch)).color(color));
    let path = weight_path(run, plane);
    let level = level_set(plane, plane.penalty(plane.now.0, plane.now.1));
    let (na, nb) = plane.names.clone();
    let dark = ui.visuals().dark_mode;
    Plot::new(("geometry", plane.run))
        .allow_scroll(false)
        .width(size)
        .height(size)
        .data_aspect(1.0)
        .default_x_bounds(-plane.half, plane.half)
        .default_y_bounds(-plane.half, plane.half)
        .x_axis_label(na.clone())
        .y_axis_label(nb.clone())
        .show(ui, |p| {
            let side = 2.0 * plane.half as f32;
            p.add(PlotImage::new(
                "data error E0",
                texture.id(),
                PlotPoint::new(0.0, 0.0),
                egui::vec2(side, side),
            ));
            let axis = if dark { Color32::from_gray(200) } else { Color32::from_gray(60) };
            p.hline(HLine::new(format!("{nb} = 0"), 0.0).color(axis).width(1.0));
            p.vline(VLine::new(format!("{na} = 0"), 0.0).color(axis).width(1.0));
            if !level.is_empty() {
                p.line(
                    Line::new("the penalty's level set through the weights", level).color(color).width(2.5),
                );
            }
            if path.len() > 1 {
                p.line(
                    Line::new("the path of the two weights", path)
                        .color(color)
                        .width(1.5)
                        .style(LineStyle::dotted_dense()),
                );
            }
            let now = format!("{na} = {:.4}, {nb} = {:.4}", plane.now.0, plane.now.1);
            p.points(
                Points::new(now, vec![[plane.now.0, plane.now.1]]).radius(5.0).filled(true).color(color),
            );
        });
}

//! The geometry view: for each run, the data error E0 over the plane of
//! two of its weights (shaded smoothly, with contour lines of log E0 and a
//! cross at its lowest point), the penalty's level set through the run's
//! weights (a diamond for L1, a circle for L2), the path the two weights
//! took, and where they are. Where a corner of the diamond meets the
//! contours, one weight is exactly 0: the chapter's picture, drawn from the
//! user's own run.

use egui::{Color32, ColorImage, RichText, TextureHandle, Ui};
use egui_plot::{HLine, Line, LineStyle, MarkerShape, Plot, PlotImage, PlotPoint, PlotUi, Points, VLine};

use super::chrome::{Chrome, Extent, grid, run_colors, shorten};
use crate::workbench::geometry::Plane;
use crate::workbench::{ScreenRun, Workbench};

/// Contour lines drawn, evenly spaced in log E0.
const CONTOURS: usize = 10;

/// What a plane's texture shows: the session, the epoch and the theme (dark or not).
type PlaneKey = (u64, usize, bool);

/// One texture per run, rebuilt when its plane or the theme changes.
#[derive(Default)]
pub struct GeometryTextures {
    entries: Vec<Option<(PlaneKey, TextureHandle)>>,
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
        let key = (session, plane.epoch, dark);
        if let Some((k, t)) = &self.entries[i]
            && *k == key
        {
            return t.clone();
        }
        let texture =
            ctx.load_texture(format!("geometry-{i}"), image(plane, dark), egui::TextureOptions::LINEAR);
        self.entries[i] = Some((key, texture.clone()));
        texture
    }
}

/// log E0 scaled to [0, 1] over the plane: 0 where lowest.
fn levels(plane: &Plane) -> Vec<f64> {
    let logs: Vec<f64> = plane.error.iter().map(|e| e.max(1e-12).ln()).collect();
    let (lo, hi) = logs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let span = (hi - lo).max(1e-12);
    logs.iter().map(|v| (v - lo) / span).collect()
}

/// The shading: the lower E0, the stronger the contrast with the theme's
/// background (darker on light, lighter on dark); row 0 is the top.
fn image(plane: &Plane, dark: bool) -> ColorImage {
    let t = levels(plane);
    let n = plane.cells;
    let mut pixels = Vec::with_capacity(n * n);
    for row in (0..n).rev() {
        for col in 0..n {
            let depth = 1.0 - t[row * n + col] as f32;
            let level = if dark { 25.0 + 120.0 * depth } else { 250.0 - 120.0 * depth };
            let g = level as u8;
            pixels.push(Color32::from_rgb(g, g, (g as f32 * 1.06).min(255.0) as u8));
        }
    }
    ColorImage::new([n, n], pixels)
}

/// What the shading means, in the theme on screen.
pub fn shading_caption(dark: bool) -> &'static str {
    if dark {
        "shade: E0, lighter where lower, with contour lines; ×: its lowest point · line: the penalty's level set · dot: the weights now · dots: their path"
    } else {
        "shade: E0, darker where lower, with contour lines; ×: its lowest point · line: the penalty's level set · dot: the weights now · dots: their path"
    }
}

/// Contour lines of the plane's log E0 at [`CONTOURS`] levels (marching
/// squares over the grid of cell centres), as segments in weight space.
fn contours(plane: &Plane) -> Vec<[[f64; 2]; 2]> {
    let t = levels(plane);
    let n = plane.cells;
    let at = |row: usize, col: usize| t[row * n + col];
    let pos = |row: f64, col: f64| {
        let step = 2.0 * plane.half / n as f64;
        [-plane.half + (col + 0.5) * step, -plane.half + (row + 0.5) * step]
    };
    let mut segments = Vec::new();
    for level in (1..CONTOURS).map(|k| k as f64 / CONTOURS as f64) {
        for row in 0..n - 1 {
            for col in 0..n - 1 {
                // Corners counter-clockwise from the bottom left, and where the level crosses each edge.
                let v = [at(row, col), at(row, col + 1), at(row + 1, col + 1), at(row + 1, col)];
                let c = [(row, col), (row, col + 1), (row + 1, col + 1), (row + 1, col)];
                let mut cross = Vec::with_capacity(4);
                for e in 0..4 {
                    let (a, b) = (e, (e + 1) % 4);
                    if (v[a] < level) != (v[b] < level) {
                        let f = (level - v[a]) / (v[b] - v[a]);
                        let r = c[a].0 as f64 + f * (c[b].0 as f64 - c[a].0 as f64);
                        let q = c[a].1 as f64 + f * (c[b].1 as f64 - c[a].1 as f64);
                        cross.push(pos(r, q));
                    }
                }
                for pair in cross.chunks(2) {
                    if let [p, q] = pair {
                        segments.push([*p, *q]);
                    }
                }
            }
        }
    }
    segments
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
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        chrome.title(
            ui,
            "Geometry of L1 and L2",
            "The data error E0 over the plane of two weights of each run (the others where they are), with its contour lines; \
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
        ui.label(RichText::new(shading_caption(dark)).weak());
    });
    if wb.studies.geometry.is_empty() {
        ui.label("The contours are drawn when the runs pause or end, or with Contours now.");
        return refresh;
    }
    let label_height = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    let cells = grid(chrome.rest(ui), wb.studies.geometry.len(), 0.9, 8.0);
    chrome.panels(ui, &cells, |ui, k, chrome| {
        let plane = &wb.studies.geometry[k];
        let Some(run) = wb.screen.runs.get(plane.run) else { return };
        let color = colors.get(plane.run).copied().unwrap_or(Color32::GRAY);
        let texture = textures.get(ui.ctx(), wb.screen.session_id, plane.run, plane, dark);
        let cell = ui.max_rect();
        let chars = ((cell.width() / 7.0) as usize).max(8);
        ui.label(
            RichText::new(shorten(&format!("{} · epoch {}", run.name, plane.epoch), chars)).color(color),
        );
        let side = cell.width().min(cell.height() - label_height).max(16.0);
        plane_ui(run, plane, &texture, color, side, ui, chrome);
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

/// The cell of the plane where E0 is lowest.
fn lowest(plane: &Plane) -> [f64; 2] {
    let k = plane.error.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(k, _)| k);
    let (a, b) = plane.cell(k / plane.cells, k % plane.cells);
    [a, b]
}

/// One run's plane: the shading and contours, the axes, the level set, the
/// path, the lowest E0 and the weights now, framed so that all of it shows.
fn plane_ui(
    run: &ScreenRun,
    plane: &Plane,
    texture: &TextureHandle,
    color: Color32,
    side: f32,
    ui: &mut Ui,
    chrome: &mut Chrome,
) {
    let path = weight_path(run, plane);
    let level = level_set(plane, plane.penalty(plane.now.0, plane.now.1));
    let (na, nb) = plane.names.clone();
    let (dark, ink) = (ui.visuals().dark_mode, ui.visuals().strong_text_color());
    let contour_color = if dark { Color32::from_white_alpha(70) } else { Color32::from_black_alpha(70) };
    let mut data = Extent::default();
    data.add(plane.now.0, plane.now.1);
    data.add_all(level.iter().copied());
    data.add_all(path.iter().copied());
    // The whole plane, widened to the weights, their path and the level set.
    let frame = data.get().map_or(plane.half, |[a, b, c, d]| {
        [a, b, c, d].iter().fold(plane.half, |m, v| m.max(v.abs() * 1.08))
    });
    let response = Plot::new(("geometry", plane.run))
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .width(side)
        .height(side)
        .data_aspect(1.0)
        .x_axis_label(na.clone())
        .y_axis_label(nb.clone())
        .show(ui, |p| {
            p.set_plot_bounds(egui_plot::PlotBounds::from_min_max([-frame, -frame], [frame, frame]));
            let s = 2.0 * plane.half as f32;
            p.add(PlotImage::new("data error E0", texture.id(), PlotPoint::new(0.0, 0.0), egui::vec2(s, s)));
            for (k, seg) in contours(plane).into_iter().enumerate() {
                p.line(
                    Line::new(format!("contour {k}"), seg.to_vec())
                        .color(contour_color)
                        .width(1.0)
                        .allow_hover(false),
                );
            }
            let axis = if dark { Color32::from_gray(200) } else { Color32::from_gray(60) };
            p.hline(HLine::new(format!("{nb} = 0"), 0.0).color(axis).width(1.0));
            p.vline(VLine::new(format!("{na} = 0"), 0.0).color(axis).width(1.0));
            if !level.is_empty() {
                p.line(
                    Line::new("the penalty's level set through the weights", level).color(color).width(2.5),
                );
            }
            if path.len() > 1 {
                let trail = Line::new("the path of the two weights", path).color(color).width(1.5);
                p.line(trail.style(LineStyle::dotted_dense()));
            }
            marks(p, plane, color, ink);
        });
    chrome.plot(&format!("geometry {}", run.name), &response, data);
}

/// The lowest E0 (a cross) and the weights now (a dot in the run's colour,
/// ringed in the text colour so that it reads on any shade).
fn marks(p: &mut PlotUi<'_>, plane: &Plane, color: Color32, ink: Color32) {
    let min = lowest(plane);
    p.points(
        Points::new(format!("lowest E0 on this plane: ({:.3}, {:.3})", min[0], min[1]), vec![min])
            .shape(MarkerShape::Cross)
            .radius(6.0)
            .color(ink),
    );
    let now = [plane.now.0, plane.now.1];
    p.points(Points::new("", vec![now]).radius(7.5).filled(true).color(ink).allow_hover(false));
    let (na, nb) = &plane.names;
    let name = format!("{na} = {:.4}, {nb} = {:.4}", plane.now.0, plane.now.1);
    p.points(Points::new(name, vec![now]).radius(5.5).filled(true).color(color));
}

//! egui's output drawn on the CPU, for pictures made without a GPU or a
//! display (`reglab render`). It does what egui's own renderers (glow in
//! the window, wgpu in the tests) do with the meshes of a frame: triangles
//! with per-vertex colours in gamma space, multiplied by a texture sampled
//! in gamma space (the font atlas, the views' images), blended with
//! premultiplied alpha into an 8-bit target, inside each primitive's clip
//! rectangle. egui anti-aliases by feathering its meshes, so one sample at
//! each pixel's centre gives the picture a GPU gives.

use std::collections::HashMap;

use egui::epaint::{ClippedPrimitive, ImageData, Mesh, Primitive, TextureId, Vertex};
use egui::{Color32, ColorImage, TextureFilter, TextureWrapMode, TexturesDelta};

/// Why a frame could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    #[error("a part of texture {id:?} was updated before the texture was set")]
    PatchOfUnknown { id: TextureId },
    #[error("a patch of {size:?} texels at {pos:?} does not fit texture {id:?} of {texture:?} texels")]
    PatchOutside { id: TextureId, pos: [usize; 2], size: [usize; 2], texture: [usize; 2] },
    #[error("a mesh samples texture {id:?}, which was never set or was freed")]
    UnknownTexture { id: TextureId },
    #[error("an image of {width}×{height} pixels is too large to draw")]
    TooLarge { width: usize, height: usize },
}

/// Vertices are snapped to 1/256 of a pixel, as GPUs snap them, so that
/// the coverage tests below are exact integer arithmetic: a pixel centre
/// on an edge shared by two triangles is drawn by exactly one of them.
const SUBPIXEL: i64 = 256;

/// The largest picture drawn (a guard against sizes that would not fit in memory).
const MAX_PIXELS: usize = 1 << 28;

struct Texture {
    size: [usize; 2],
    pixels: Vec<Color32>,
    nearest: bool,
    wrap: TextureWrapMode,
}

/// The textures egui asked for, and the drawing of frames with them.
#[derive(Default)]
pub struct Painter {
    textures: HashMap<TextureId, Texture>,
}

impl Painter {
    pub fn new() -> Painter {
        Painter::default()
    }

    /// Takes in the textures a frame set (whole or in part); call before
    /// drawing that frame.
    pub fn set_textures(&mut self, delta: &TexturesDelta) -> Result<(), RasterError> {
        for (&id, deltas) in &delta.set {
            for d in deltas {
                let ImageData::Color(image) = &d.image;
                match d.pos {
                    None => {
                        // As the GPU renderers do, the sampling options come with a whole texture.
                        self.textures.insert(
                            id,
                            Texture {
                                size: image.size,
                                pixels: image.pixels.clone(),
                                nearest: d.options.magnification == TextureFilter::Nearest,
                                wrap: d.options.wrap_mode,
                            },
                        );
                    }
                    Some(pos) => {
                        let texture = self.textures.get_mut(&id).ok_or(RasterError::PatchOfUnknown { id })?;
                        let [w, h] = image.size;
                        if pos[0] + w > texture.size[0] || pos[1] + h > texture.size[1] {
                            return Err(RasterError::PatchOutside {
                                id,
                                pos,
                                size: image.size,
                                texture: texture.size,
                            });
                        }
                        for y in 0..h {
                            let row = (pos[1] + y) * texture.size[0] + pos[0];
                            texture.pixels[row..row + w].copy_from_slice(&image.pixels[y * w..(y + 1) * w]);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Lets go of the textures a frame freed (its `free`); call after drawing that frame.
    pub fn free_textures<'a>(&mut self, ids: impl IntoIterator<Item = &'a TextureId>) {
        for id in ids {
            self.textures.remove(id);
        }
    }

    /// Draws tessellated primitives into a picture of `size` pixels,
    /// cleared to transparent, as egui's renderers draw a frame.
    pub fn paint(
        &self,
        primitives: &[ClippedPrimitive],
        pixels_per_point: f32,
        size: [usize; 2],
    ) -> Result<ColorImage, RasterError> {
        let [width, height] = size;
        if width.saturating_mul(height) > MAX_PIXELS {
            return Err(RasterError::TooLarge { width, height });
        }
        let mut target = Target { width, height, pixels: vec![[0u8; 4]; width * height] };
        for p in primitives {
            match &p.primitive {
                Primitive::Mesh(mesh) => {
                    let texture = self
                        .textures
                        .get(&mesh.texture_id)
                        .ok_or(RasterError::UnknownTexture { id: mesh.texture_id })?;
                    let clip = Scissor::new(p.clip_rect, pixels_per_point, size);
                    if !clip.is_empty() {
                        target.mesh(mesh, texture, pixels_per_point, clip);
                    }
                }
                // Callbacks draw with a graphics API of their own; reglab's views use none.
                Primitive::Callback(_) => {}
            }
        }
        let pixels = target
            .pixels
            .into_iter()
            .map(|[r, g, b, a]| Color32::from_rgba_premultiplied(r, g, b, a))
            .collect();
        Ok(ColorImage::new(size, pixels))
    }
}

/// A clip rectangle in whole pixels, rounded and clamped as egui-wgpu and
/// egui_glow round and clamp their scissor rectangles.
#[derive(Clone, Copy)]
struct Scissor {
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
}

impl Scissor {
    fn new(rect: egui::Rect, pixels_per_point: f32, [width, height]: [usize; 2]) -> Scissor {
        let px = |v: f32, max: usize| ((pixels_per_point * v).round().max(0.0) as usize).min(max);
        let (x0, y0) = (px(rect.min.x, width), px(rect.min.y, height));
        let (x1, y1) = (px(rect.max.x, width).max(x0), px(rect.max.y, height).max(y0));
        Scissor { x0, y0, x1, y1 }
    }

    fn is_empty(&self) -> bool {
        self.x1 <= self.x0 || self.y1 <= self.y0
    }
}

/// The 8-bit RGBA target, premultiplied, in gamma space.
struct Target {
    width: usize,
    height: usize,
    pixels: Vec<[u8; 4]>,
}

/// A vertex in fixed-point pixels, its colour in 0–1 (gamma) and its texture coordinates.
#[derive(Clone, Copy)]
struct Corner {
    x: i64,
    y: i64,
    color: [f32; 4],
    uv: [f32; 2],
}

impl Corner {
    fn of(v: &Vertex, pixels_per_point: f32) -> Corner {
        let snap = |p: f32| (f64::from(p) * f64::from(pixels_per_point) * SUBPIXEL as f64).round() as i64;
        let c = v.color.to_array();
        Corner {
            x: snap(v.pos.x),
            y: snap(v.pos.y),
            color: c.map(|c| f32::from(c) / 255.0),
            uv: [v.uv.x, v.uv.y],
        }
    }
}

/// The edge function of edge a→b at p: twice the signed area of (a, b, p).
fn edge(a: &Corner, b: &Corner, px: i64, py: i64) -> i64 {
    (b.x - a.x) * (py - a.y) - (b.y - a.y) * (px - a.x)
}

/// Whether a pixel centre exactly on edge a→b belongs to the triangle: the
/// top-left rule of Direct3D and Vulkan rasterizers (y grows downwards, the
/// triangle wound so that its edge functions are positive inside).
fn owns_ties(a: &Corner, b: &Corner) -> bool {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    (dy == 0 && dx > 0) || dy < 0
}

impl Target {
    fn mesh(&mut self, mesh: &Mesh, texture: &Texture, pixels_per_point: f32, clip: Scissor) {
        for tri in mesh.indices.chunks_exact(3) {
            let corner = |i: u32| mesh.vertices.get(i as usize).map(|v| Corner::of(v, pixels_per_point));
            if let (Some(a), Some(b), Some(c)) = (corner(tri[0]), corner(tri[1]), corner(tri[2])) {
                self.triangle(a, b, c, texture, clip);
            }
        }
    }

    fn triangle(&mut self, a: Corner, b: Corner, c: Corner, texture: &Texture, clip: Scissor) {
        // No culling: either winding is drawn, turned so that the inside is positive.
        let (a, b, c) = match edge(&a, &b, c.x, c.y) {
            0 => return,
            area if area < 0 => (a, c, b),
            _ => (a, b, c),
        };
        let area = edge(&a, &b, c.x, c.y) as f32;
        // The pixels whose centres may fall inside, within the clip rectangle.
        let lo = |v: i64| ((v - SUBPIXEL / 2).div_euclid(SUBPIXEL)).max(0) as usize;
        let hi = |v: i64| ((v - SUBPIXEL / 2).div_euclid(SUBPIXEL) + 1).max(0) as usize;
        let x0 = lo(a.x.min(b.x).min(c.x)).max(clip.x0);
        let y0 = lo(a.y.min(b.y).min(c.y)).max(clip.y0);
        let x1 = hi(a.x.max(b.x).max(c.x)).min(clip.x1).min(self.width);
        let y1 = hi(a.y.max(b.y).max(c.y)).min(clip.y1).min(self.height);
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        // A tie counts as inside only on a top or left edge: an edge
        // function less this bias must be ≥ 0.
        let bias = |p: &Corner, q: &Corner| i64::from(!owns_ties(p, q));
        let (bias_a, bias_b, bias_c) = (bias(&b, &c), bias(&c, &a), bias(&a, &b));
        // Most triangles (fills, lines) have one colour and one texel.
        let flat = a.color == b.color && a.color == c.color && a.uv == b.uv && a.uv == c.uv;
        let flat_fragment = flat.then(|| fragment(a.color, texture.sample(a.uv)));
        let step = SUBPIXEL;
        for y in y0..y1 {
            let py = y as i64 * step + step / 2;
            let px0 = x0 as i64 * step + step / 2;
            let (mut wa, mut wb, mut wc) =
                (edge(&b, &c, px0, py), edge(&c, &a, px0, py), edge(&a, &b, px0, py));
            let (da, db, dc) = (-(c.y - b.y) * step, -(a.y - c.y) * step, -(b.y - a.y) * step);
            let row = y * self.width;
            for x in x0..x1 {
                if wa - bias_a >= 0 && wb - bias_b >= 0 && wc - bias_c >= 0 {
                    let src = match flat_fragment {
                        Some(f) => f,
                        None => {
                            let (la, lb, lc) = (wa as f32 / area, wb as f32 / area, wc as f32 / area);
                            let mix4 = |i: usize| la * a.color[i] + lb * b.color[i] + lc * c.color[i];
                            let mix2 = |i: usize| la * a.uv[i] + lb * b.uv[i] + lc * c.uv[i];
                            let color = [mix4(0), mix4(1), mix4(2), mix4(3)];
                            fragment(color, texture.sample([mix2(0), mix2(1)]))
                        }
                    };
                    blend(&mut self.pixels[row + x], src);
                }
                wa += da;
                wb += db;
                wc += dc;
            }
        }
    }
}

/// The fragment shader of egui's renderers: colour times texel, in gamma space.
fn fragment(color: [f32; 4], texel: [f32; 4]) -> [f32; 4] {
    [color[0] * texel[0], color[1] * texel[1], color[2] * texel[2], color[3] * texel[3]]
}

/// egui's blend state: premultiplied colour over the target
/// (`One, OneMinusSrcAlpha`), alpha `OneMinusDstAlpha, One`, stored in 8 bits.
fn blend(dst: &mut [u8; 4], src: [f32; 4]) {
    let unit = |v: u8| f32::from(v) / 255.0;
    let store = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    let keep = 1.0 - src[3];
    let da = unit(dst[3]);
    *dst = [
        store(src[0] + unit(dst[0]) * keep),
        store(src[1] + unit(dst[1]) * keep),
        store(src[2] + unit(dst[2]) * keep),
        store(src[3] * (1.0 - da) + da),
    ];
}

impl Texture {
    /// One sample at `uv`: the texel under it (nearest), or the four
    /// around it mixed (linear), as egui-wgpu's predictable filtering does,
    /// in 0–1 gamma.
    fn sample(&self, uv: [f32; 2]) -> [f32; 4] {
        let [w, h] = self.size;
        if w == 0 || h == 0 {
            return [0.0; 4];
        }
        let texel = |x: i64, y: i64| -> [f32; 4] {
            let x = wrap(x, w, self.wrap);
            let y = wrap(y, h, self.wrap);
            self.pixels[y * w + x].to_array().map(|v| f32::from(v) / 255.0)
        };
        let (u, v) = (uv[0] * w as f32, uv[1] * h as f32);
        if self.nearest {
            return texel(u.floor() as i64, v.floor() as i64);
        }
        let (u, v) = (u - 0.5, v - 0.5);
        let (fx, fy) = (u - u.floor(), v - v.floor());
        let (x, y) = (u.floor() as i64, v.floor() as i64);
        let (tl, tr, bl, br) = (texel(x, y), texel(x + 1, y), texel(x, y + 1), texel(x + 1, y + 1));
        let mix = |p: f32, q: f32, t: f32| p + (q - p) * t;
        std::array::from_fn(|i| mix(mix(tl[i], tr[i], fx), mix(bl[i], br[i], fx), fy))
    }
}

/// A texel coordinate brought into `0..n` by the texture's wrap mode.
fn wrap(i: i64, n: usize, mode: TextureWrapMode) -> usize {
    let n = n as i64;
    let i = match mode {
        TextureWrapMode::ClampToEdge => i.clamp(0, n - 1),
        TextureWrapMode::Repeat => i.rem_euclid(n),
        TextureWrapMode::MirroredRepeat => {
            let phase = i.rem_euclid(2 * n);
            phase.min(2 * n - 1 - phase)
        }
    };
    i as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::ImageDelta;
    use egui::{Pos2, Rect, TextureOptions, pos2};

    fn white_texture() -> Painter {
        let mut painter = Painter::new();
        let mut delta = TexturesDelta::default();
        let image = ColorImage::new([1, 1], vec![Color32::WHITE]);
        delta.set.insert(TextureId::default(), [ImageDelta::full(image, TextureOptions::LINEAR)].into());
        painter.set_textures(&delta).expect("a whole texture is set");
        // egui checks that every delta was taken in: this one was.
        delta.clear();
        painter
    }

    fn rect_mesh(rect: Rect, color: Color32) -> ClippedPrimitive {
        let mut mesh = Mesh::default();
        mesh.add_colored_rect(rect, color);
        ClippedPrimitive { clip_rect: Rect::EVERYTHING, primitive: Primitive::Mesh(mesh) }
    }

    #[test]
    fn two_triangles_of_a_rectangle_cover_each_pixel_once() {
        let painter = white_texture();
        // Half-transparent: a pixel drawn twice would come out darker than once.
        let color = Color32::from_rgba_premultiplied(100, 0, 0, 128);
        // A square: its diagonal runs through pixel centres, which either triangle could take.
        let rect = Rect::from_min_max(pos2(1.0, 1.0), pos2(5.0, 5.0));
        let image = painter.paint(&[rect_mesh(rect, color)], 1.0, [8, 6]).expect("it draws");
        for y in 0..6 {
            for x in 0..8 {
                let inside = (1..5).contains(&x) && (1..5).contains(&y);
                let want = if inside { color } else { Color32::TRANSPARENT };
                assert_eq!(image.pixels[y * 8 + x], want, "pixel ({x}, {y})");
            }
        }
    }

    #[test]
    fn the_clip_rectangle_and_the_scale_are_respected() {
        let painter = white_texture();
        let mut prim = rect_mesh(Rect::from_min_max(Pos2::ZERO, pos2(4.0, 4.0)), Color32::RED);
        prim.clip_rect = Rect::from_min_max(pos2(1.0, 0.0), pos2(4.0, 1.5));
        let image = painter.paint(&[prim], 2.0, [10, 10]).expect("it draws");
        let red = |x: usize, y: usize| image.pixels[y * 10 + x] == Color32::RED;
        assert!(red(2, 0) && red(7, 2) && !red(1, 0) && !red(2, 3) && !red(8, 0));
    }

    #[test]
    fn blending_is_premultiplied_over_the_target() {
        let painter = white_texture();
        let under = rect_mesh(Rect::from_min_max(Pos2::ZERO, pos2(2.0, 2.0)), Color32::from_rgb(0, 0, 200));
        let over = rect_mesh(
            Rect::from_min_max(Pos2::ZERO, pos2(2.0, 2.0)),
            Color32::from_rgba_premultiplied(100, 0, 0, 128),
        );
        let image = painter.paint(&[under, over], 1.0, [2, 2]).expect("it draws");
        // 200 · (1 − 128/255) = 99.6
        assert_eq!(image.pixels[0], Color32::from_rgba_premultiplied(100, 0, 100, 255));
    }

    #[test]
    fn a_patch_updates_part_of_a_texture_and_nearest_sampling_reads_it() {
        let mut painter = Painter::new();
        let id = TextureId::User(7);
        let mut delta = TexturesDelta::default();
        let image = ColorImage::new([2, 1], vec![Color32::BLUE, Color32::BLUE]);
        delta.set.insert(id, [ImageDelta::full(image, TextureOptions::NEAREST)].into());
        painter.set_textures(&delta).expect("set");
        delta.clear();
        let mut patch = TexturesDelta::default();
        let green = ColorImage::new([1, 1], vec![Color32::GREEN]);
        patch.set.insert(id, [ImageDelta::partial([1, 0], green, TextureOptions::NEAREST)].into());
        painter.set_textures(&patch).expect("patch");
        patch.clear();
        let mut mesh = Mesh::with_texture(id);
        let rect = Rect::from_min_max(Pos2::ZERO, pos2(4.0, 1.0));
        mesh.add_rect_with_uv(rect, Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0)), Color32::WHITE);
        let prim = ClippedPrimitive { clip_rect: Rect::EVERYTHING, primitive: Primitive::Mesh(mesh) };
        let image = painter.paint(&[prim], 1.0, [4, 1]).expect("it draws");
        assert_eq!(image.pixels, vec![Color32::BLUE, Color32::BLUE, Color32::GREEN, Color32::GREEN]);
        // A patch outside the texture, and a texture never set, are errors.
        let mut outside = TexturesDelta::default();
        let big = ColorImage::new([2, 1], vec![Color32::RED; 2]);
        outside.set.insert(id, [ImageDelta::partial([1, 0], big, TextureOptions::NEAREST)].into());
        assert!(matches!(painter.set_textures(&outside), Err(RasterError::PatchOutside { .. })));
        outside.clear();
        painter.free_textures(&[id]);
        let mut mesh = Mesh::with_texture(id);
        mesh.add_rect_with_uv(rect, Rect::from_min_max(Pos2::ZERO, pos2(1.0, 1.0)), Color32::WHITE);
        let prim = ClippedPrimitive { clip_rect: Rect::EVERYTHING, primitive: Primitive::Mesh(mesh) };
        assert!(matches!(painter.paint(&[prim], 1.0, [4, 1]), Err(RasterError::UnknownTexture { .. })));
    }

    #[test]
    fn linear_sampling_mixes_neighbouring_texels() {
        let texture = Texture {
            size: [2, 1],
            pixels: vec![Color32::from_gray(0), Color32::from_gray(200)],
            nearest: false,
            wrap: TextureWrapMode::ClampToEdge,
        };
        // Halfway between the two texel centres.
        let mid = texture.sample([0.5, 0.5]);
        assert!((mid[0] - 100.0 / 255.0).abs() < 1e-6, "{mid:?}");
        // Beyond the last centre the edge texel is kept.
        assert_eq!(texture.sample([1.0, 0.5])[0], 200.0 / 255.0);
    }
}

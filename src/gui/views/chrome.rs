//! What every view shares: its header (title, drag, Maximise), the room its
//! tile gives it, the run colours it paints with, and the record of where it
//! drew its plots, which the tests hold against the tile.

use egui::{Color32, Rect, RichText, Ui};

use crate::gui::view::legible;
use crate::workbench::Workbench;

/// Each run's colour, legible on the plots' background.
pub fn run_colors(ui: &Ui, wb: &Workbench) -> Vec<Color32> {
    let bg = ui.visuals().extreme_bg_color;
    wb.screen.runs.iter().map(|r| legible(r.color, bg)).collect()
}

/// `s` cut to at most `max` characters, the last of them "…" when cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        s.chars().take(max.saturating_sub(1)).chain(['…']).collect()
    } else {
        s.to_string()
    }
}

/// Cells for `n` panels in `area`, in rows of equal cells: as many columns
/// as give the largest cells of about the shape `aspect` (width / height).
pub fn grid(area: Rect, n: usize, aspect: f32, gap: f32) -> Vec<Rect> {
    if n == 0 || area.width() <= 0.0 || area.height() <= 0.0 {
        return Vec::new();
    }
    let size = |cols: usize| {
        let rows = n.div_ceil(cols);
        let w = (area.width() - gap * (cols - 1) as f32) / cols as f32;
        let h = (area.height() - gap * (rows - 1) as f32) / rows as f32;
        (w.max(1.0), h.max(1.0))
    };
    let area_of = |cols: usize| {
        let (w, h) = size(cols);
        let fit = w.min(h * aspect);
        fit * fit / aspect
    };
    let cols = (1..=n).max_by(|a, b| area_of(*a).total_cmp(&area_of(*b))).unwrap_or(1);
    let (w, h) = size(cols);
    (0..n)
        .map(|k| {
            let (row, col) = ((k / cols) as f32, (k % cols) as f32);
            Rect::from_min_size(area.min + egui::vec2(col * (w + gap), row * (h + gap)), egui::vec2(w, h))
        })
        .collect()
}

/// Where a plot was drawn: its frame on screen, the data range it shows
/// (`[x_min, x_max, y_min, y_max]`) and the range of the data given to it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotDrawn {
    pub name: String,
    pub rect: Rect,
    pub bounds: [f64; 4],
    pub data: Option<[f64; 4]>,
}

/// The smallest box around some plotted points.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Extent(Option<[f64; 4]>);

impl Extent {
    pub fn add(&mut self, x: f64, y: f64) {
        if !(x.is_finite() && y.is_finite()) {
            return;
        }
        self.0 = Some(match self.0 {
            None => [x, x, y, y],
            Some([a, b, c, d]) => [a.min(x), b.max(x), c.min(y), d.max(y)],
        });
    }

    pub fn add_all(&mut self, points: impl IntoIterator<Item = [f64; 2]>) {
        for [x, y] in points {
            self.add(x, y);
        }
    }

    pub fn union(self, other: Extent) -> Extent {
        let mut e = self;
        if let Some([a, b, c, d]) = other.0 {
            e.add(a, c);
            e.add(b, d);
        }
        e
    }

    pub fn get(self) -> Option<[f64; 4]> {
        self.0
    }
}

/// A view's header and its place: the tile it is drawn in, what it asks of
/// the dashboard (drag, maximise), and where it drew its plots and panels.
#[derive(Debug)]
pub struct Chrome {
    pub maximized: bool,
    pub drag_started: bool,
    pub toggle: bool,
    /// The tile's rectangle: nothing of the view is drawn outside it.
    pub tile: Rect,
    pub plots: Vec<PlotDrawn>,
    /// One per run, where a view draws a panel per run.
    pub panels: Vec<Rect>,
}

impl Chrome {
    pub fn new(tile: Rect, maximized: bool) -> Chrome {
        Chrome { maximized, drag_started: false, toggle: false, tile, plots: Vec::new(), panels: Vec::new() }
    }

    /// The title, then the button that maximises the view or restores the
    /// layout: first in the row, so that a narrow tile never hides it.
    pub fn title(&mut self, ui: &mut Ui, text: &str, help: &str) {
        let r = ui
            .add(
                egui::Label::new(RichText::new(text).strong().size(15.0))
                    .sense(egui::Sense::click_and_drag()),
            )
            .on_hover_text(format!(
                "{help}\n\nDrag the title to move this view beside, above or into the tabs of another; \
                 double-click it, or press M over it, to have it alone."
            ));
        self.drag_started |= r.drag_started();
        self.toggle |= r.double_clicked();
        let (label, tip) = if self.maximized {
            ("Restore", "Back to all the views (M)")
        } else {
            ("Maximise", "This view alone, as large as the window allows (M)")
        };
        if ui.small_button(label).on_hover_text(tip).clicked() {
            self.toggle = true;
        }
    }

    /// A header row of the title and a key to the line styles.
    pub fn header(&mut self, ui: &mut Ui, text: &str, help: &str, key: &str) {
        ui.horizontal_wrapped(|ui| {
            self.title(ui, text, help);
            ui.label(RichText::new(key).weak());
        });
    }

    /// What is left of the tile below the rows drawn so far.
    pub fn rest(&self, ui: &Ui) -> Rect {
        let inner = self.tile.shrink(4.0);
        let top = ui.cursor().min.y.max(inner.top());
        Rect::from_min_max(egui::pos2(inner.left(), top), inner.max)
    }

    /// The size of a plot that fills the rest of the tile.
    pub fn fill(&self, ui: &Ui) -> (f32, f32) {
        let rest = self.rest(ui);
        (rest.width().max(16.0), (rest.height() - 2.0).max(16.0))
    }

    /// Draws one panel per cell of `cells` (a child of `ui` held to the
    /// cell), records where each drew, and takes the area they cover.
    pub fn panels(&mut self, ui: &mut Ui, cells: &[Rect], mut draw: impl FnMut(&mut Ui, usize, &mut Chrome)) {
        let mut covered: Option<Rect> = None;
        for (k, cell) in cells.iter().enumerate() {
            let mut child = ui.new_child(egui::UiBuilder::new().max_rect(*cell).id_salt(("panel", k)));
            draw(&mut child, k, self);
            self.panels.push(child.min_rect());
            covered = Some(covered.map_or(*cell, |c| c.union(*cell)));
        }
        if let Some(c) = covered {
            ui.allocate_rect(c, egui::Sense::hover());
        }
    }

    /// Records where a plot was drawn, the data range it shows, and the
    /// range of the data it was given.
    pub fn plot<R>(&mut self, name: &str, response: &egui_plot::PlotResponse<R>, data: Extent) {
        let b = response.transform.bounds();
        self.plots.push(PlotDrawn {
            name: name.to_string(),
            rect: response.response.rect,
            bounds: [b.min()[0], b.max()[0], b.min()[1], b.max()[1]],
            data: data.get(),
        });
    }
}

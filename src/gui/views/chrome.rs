//! What every view shares: its header (title, drag, Maximise) and the
//! run colours it paints with.

use egui::{Color32, RichText, Ui};

use crate::gui::view::legible;
use crate::workbench::Workbench;

/// Each run's colour, legible on the plots' background.
pub fn run_colors(ui: &Ui, wb: &Workbench) -> Vec<Color32> {
    let bg = ui.visuals().extreme_bg_color;
    wb.screen.runs.iter().map(|r| legible(r.color, bg)).collect()
}

/// What is left of the tile for a plot, after the rows above it.
pub fn fill(ui: &Ui) -> (f32, f32) {
    let a = ui.available_size();
    (a.x.max(120.0), (a.y - 4.0).max(80.0))
}

/// `s` cut to at most `max` characters, the last of them "…" when cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        s.chars().take(max.saturating_sub(1)).chain(['…']).collect()
    } else {
        s.to_string()
    }
}

/// The header of a view in its tile: the title, by which the view is
/// dragged to another place (double-click: maximise), and the button that
/// maximises it or restores the layout.
#[derive(Debug, Default)]
pub struct Chrome {
    pub maximized: bool,
    pub drag_started: bool,
    pub toggle: bool,
}

impl Chrome {
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

    /// A header row of the title and a small key to the line styles.
    pub fn header(&mut self, ui: &mut Ui, text: &str, help: &str, key: &str) {
        ui.horizontal_wrapped(|ui| {
            self.title(ui, text, help);
            ui.label(RichText::new(key).small().weak());
        });
    }
}

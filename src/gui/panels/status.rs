//! The status bar: loading progress, offers (restore, reopen, set a column
//! aside) and the latest messages; and the hint shown while a file is
//! dragged over the window.

use egui::{Color32, RichText, Ui};

use crate::workbench::{Action, Workbench};

/// Messages, loading progress and frame time.
pub fn status_ui(wb: &Workbench, ui: &mut Ui, out: &mut Vec<Action>) {
    if let Some((what, fraction, elapsed)) = wb.load_progress() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!("Loading {what}…"));
            let bar = match fraction {
                Some(f) => egui::ProgressBar::new(f).show_percentage(),
                None => egui::ProgressBar::new(0.0).text(format!("{:.1} s", elapsed.as_secs_f32())),
            };
            ui.add(bar.desired_width(240.0));
            if ui.button("Cancel").on_hover_text("Stop loading; the data on screen stays").clicked() {
                out.push(Action::CancelLoad);
            }
        });
    }
    if let Some(crate::workbench::IgnoreOffer { column, .. }) = &wb.notices.offer_ignore {
        ui.horizontal(|ui| {
            if ui
                .button(RichText::new(format!("Ignore the column '{column}' and load again")).strong())
                .on_hover_text(
                    "Its many text values look like an id or free text: leave it out of the features",
                )
                .clicked()
            {
                out.push(Action::IgnoreOfferedColumn);
            }
            if ui.small_button("Dismiss").clicked() {
                out.push(Action::DismissIgnore);
            }
        });
    }
    if let Some(saved) = &wb.notices.offer_restore {
        ui.horizontal(|ui| {
            if ui
                .button(
                    RichText::new("Restore the session reglab had when it stopped without closing").strong(),
                )
                .on_hover_text(saved.display().to_string())
                .clicked()
            {
                out.push(Action::RestoreAutosave);
            }
            if ui.small_button("Dismiss").clicked() {
                out.push(Action::DismissAutosave);
            }
        });
    }
    if let Some(last) = wb.notices.offer_last_session.clone() {
        ui.horizontal(|ui| {
            let name = last
                .file_name()
                .map_or_else(|| last.display().to_string(), |n| n.to_string_lossy().into_owned());
            if ui
                .button(format!("Reopen the last session ({name})"))
                .on_hover_text(last.display().to_string())
                .clicked()
            {
                out.push(Action::OpenSessionFile(last.clone()));
            }
            if ui.small_button("No thanks").clicked() {
                out.push(Action::DismissLastSession);
            }
        });
    }
    notices_ui(wb, ui, out);
}

/// The newest message on one line; the earlier ones on hover, and a button
/// that clears them.
fn notices_ui(wb: &Workbench, ui: &mut Ui, out: &mut Vec<Action>) {
    let Some(newest) = wb.notices.list.last() else { return };
    ui.horizontal(|ui| {
        let color = if newest.error { ui.visuals().error_fg_color } else { ui.visuals().text_color() };
        let prefix = if newest.error { "Error: " } else { "" };
        let earlier = wb.notices.list.len() - 1;
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.small_button("Clear").on_hover_text("Clear the messages").clicked() {
                out.push(Action::DismissNotices);
            }
            if earlier > 0 {
                let all: Vec<String> = wb.notices.list.iter().rev().skip(1).map(|n| n.text.clone()).collect();
                ui.label(RichText::new(format!("{earlier} earlier")).weak()).on_hover_text(all.join("\n\n"));
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.add(
                    egui::Label::new(RichText::new(format!("{prefix}{}", newest.text)).color(color))
                        .truncate(),
                )
                .on_hover_text(&newest.text);
            });
        });
    });
}

/// Shown while a file is dragged over the window.
pub fn drop_hint_ui(ctx: &egui::Context) {
    let painter =
        ctx.layer_painter(egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("drop-hint")));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(160));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop a CSV, TSV, LIBSVM or ARFF file to load it",
        egui::FontId::proportional(28.0),
        Color32::WHITE,
    );
}

//! A lesson on screen: its step's caption in large type above the views,
//! or, for a step that opens no experiment, as a slide filling the area;
//! the step's number and title in the corner, with the keys that move on.

use egui::{RichText, Ui};

use crate::workbench::{Action, LessonRun};

/// The step's caption above the views; `true` when the step is a slide
/// (no experiment), drawn over the whole area, with no views under it.
pub fn lesson_ui(run: &LessonRun, ui: &mut Ui, out: &mut Vec<Action>) -> bool {
    let step = &run.lesson.steps[run.step];
    corner_ui(run, ui, out);
    if step.experiment.is_none() {
        slide_ui(&step.title, &step.caption, ui);
        return true;
    }
    if !step.caption.is_empty() {
        egui::Frame::new().inner_margin(egui::Margin::symmetric(8, 4)).show(ui, |ui| {
            ui.label(RichText::new(&step.caption).size(20.0));
        });
    }
    false
}

/// Step k of n and its title, and how to move on, at the top right.
fn corner_ui(run: &LessonRun, ui: &mut Ui, out: &mut Vec<Action>) {
    let step = &run.lesson.steps[run.step];
    ui.horizontal_wrapped(|ui| {
        let strong = ui.visuals().strong_text_color();
        ui.label(
            RichText::new(format!(
                "{} · step {} of {}",
                run.lesson.title,
                run.step + 1,
                run.lesson.steps.len()
            ))
            .size(16.0)
            .color(strong),
        );
        ui.label(RichText::new(&step.title).size(18.0).strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Leave").on_hover_text("Leave the lesson, keeping what is on screen (Esc)").clicked()
            {
                out.push(Action::LeaveLesson);
            }
            let last = run.step + 1 == run.lesson.steps.len();
            if ui
                .add_enabled(!last, egui::Button::new(RichText::new("Next").strong()))
                .on_hover_text("The next step (Right arrow, Page Down)")
                .clicked()
            {
                out.push(Action::NextStep);
            }
            if ui
                .add_enabled(run.step > 0, egui::Button::new("Back"))
                .on_hover_text("The step before (Left arrow, Page Up)")
                .clicked()
            {
                out.push(Action::PreviousStep);
            }
        });
    });
}

/// A step that is only words: its title and caption, large, in the middle.
fn slide_ui(title: &str, caption: &str, ui: &mut Ui) {
    let rect = ui.available_rect_before_wrap();
    let mut child = ui.new_child(
        egui::UiBuilder::new().max_rect(rect.shrink(24.0)).layout(egui::Layout::top_down(egui::Align::Min)),
    );
    child.add_space((rect.height() * 0.12).min(80.0));
    child.label(RichText::new(title).size(34.0).strong());
    child.add_space(16.0);
    child.label(RichText::new(caption).size(22.0));
    ui.allocate_rect(rect, egui::Sense::hover());
}

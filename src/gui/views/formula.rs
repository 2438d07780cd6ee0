//! The formula panel: the penalised error and the update rule the chosen
//! run uses, with its current numbers, in large type for a projector.

use egui::{RichText, Ui};

use super::chrome::{Chrome, run_colors};
use super::plot::compact;
use crate::gui::view::ViewSettings;
use crate::workbench::Workbench;

/// The penalised error and the update rule the chosen run uses, with its
/// current numbers, large enough for a projector.
pub fn formula_ui(wb: &Workbench, view: &mut ViewSettings, chrome: &mut Chrome, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    let Some(prepared) = wb.data.prepared.clone() else { return };
    ui.horizontal_wrapped(|ui| {
        chrome.title(ui, "Formula", "The penalised error and the update rule a run uses, with its numbers");
    });
    let rest = chrome.rest(ui).height();
    egui::ScrollArea::vertical()
        .id_salt("formula-scroll")
        .auto_shrink([false, false])
        .min_scrolled_height(0.0)
        .max_height(rest)
        .show(ui, |ui| {
            let runs = wb.screen.runs.len();
            if runs == 0 {
                return;
            }
            let view = &mut *view;
            view.formula_run = view.formula_run.min(runs - 1);
            ui.horizontal(|ui| {
                egui::ComboBox::from_label("run")
                    .selected_text(wb.screen.runs[view.formula_run].name.clone())
                    .show_ui(ui, |ui| {
                        for (i, r) in wb.screen.runs.iter().enumerate() {
                            ui.selectable_value(&mut view.formula_run, i, r.name.clone());
                        }
                    });
            });
            let i = view.formula_run;
            // The settings the session on screen runs with, live changes included.
            let spec = wb.screen.runs[i].live();
            let f = spec.penalty().formula();
            let training = wb.screen.training().unwrap_or(&wb.settings.experiment.training);
            let batch_rows = training.batch.rows(prepared.train_rows());
            let n = spec.lambda_scale.n(batch_rows, prepared.train_rows());
            let lr = wb.screen.runs[i].lr;
            let big = |t: String| RichText::new(t).monospace().size(19.0);
            ui.label(big(f.error.clone()).color(colors[i]));
            ui.label(big(f.update.clone()));
            let mut numbers = format!("η = {}", compact(lr));
            if spec.reg != crate::nn::Regularizer::None {
                numbers += &format!(
                    ",  λ = {},  n = {} ({}),  λ/n = {},  η·λ/n = {}",
                    compact(spec.lambda),
                    compact(n),
                    match spec.lambda_scale {
                        crate::nn::LambdaScale::Batch => "the batch size",
                        crate::nn::LambdaScale::Dataset => "the training rows",
                        crate::nn::LambdaScale::None => "none",
                    },
                    compact(spec.lambda / n),
                    compact(lr * spec.lambda / n)
                );
            }
            if spec.reg == crate::nn::Regularizer::ElasticNet {
                numbers += &format!(",  α = {}", compact(spec.alpha));
            }
            if let Some(keep) = spec.dropout {
                numbers += &format!(",  dropout keeps {}", compact(keep));
            }
            if spec.scope == crate::nn::Scope::Output {
                numbers += ",  penalty on the output layer only";
            }
            ui.label(big(numbers).size(16.0));
            if let Some(note) = f.note {
                ui.label(RichText::new(note).italics());
            }
        });
}

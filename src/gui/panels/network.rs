//! The network and training settings: hidden layers, activation, η, batch,
//! epochs, seed and momentum. These need new runs (Reset applies them).

use egui::{RichText, Ui};

use crate::nn::Activation;
use crate::train::{Batch, parse_hidden};
use crate::workbench::{Action, Workbench};

fn hidden_text(hidden: &[usize]) -> String {
    if hidden.is_empty() {
        "none".into()
    } else {
        hidden.iter().map(|h| h.to_string()).collect::<Vec<_>>().join(",")
    }
}

pub(super) fn network_ui(wb: &Workbench, ui: &mut Ui, out: &mut Vec<Action>) {
    let exp = &wb.settings.experiment;
    let mut network = exp.network.clone();
    let mut training = exp.training.clone();
    let mut seed = exp.seed;
    hidden_ui(&mut network.hidden, ui);
    egui::ComboBox::from_label("Activation").selected_text(network.activation.to_string()).show_ui(
        ui,
        |ui| {
            for a in Activation::ALL {
                ui.selectable_value(&mut network.activation, *a, a.to_string());
            }
        },
    );
    ui.horizontal(|ui| {
        let mut auto = training.lr.is_none();
        let mut lr = training.lr.unwrap_or(0.1);
        ui.spacing_mut().slider_width = 160.0;
        let r = ui.add_enabled(
            !auto,
            egui::Slider::new(&mut lr, 1e-4..=5.0)
                .logarithmic(true)
                .clamping(egui::SliderClamping::Never)
                .text("η (step size)"),
        );
        if r.changed() && lr.is_finite() && lr > 0.0 {
            training.lr = Some(lr);
        }
        if ui
            .checkbox(&mut auto, "auto")
            .on_hover_text("1/L for linear models, 0.1 with hidden layers")
            .changed()
        {
            training.lr = if auto { None } else { Some(lr) };
        }
    });
    ui.horizontal(|ui| {
        let mut full = training.batch == Batch::Full;
        let mut size = match training.batch {
            Batch::Size(n) => n,
            Batch::Full => 32,
        };
        let label = ui.label("Batch");
        let r =
            ui.add_enabled(!full, egui::DragValue::new(&mut size).range(1..=100_000)).labelled_by(label.id);
        if ui.checkbox(&mut full, "full batch").on_hover_text("Every training row in each step").changed()
            || r.changed()
        {
            training.batch = if full { Batch::Full } else { Batch::Size(size) };
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Epochs");
        let mut epochs = training.epochs();
        if ui
            .add(egui::DragValue::new(&mut epochs).range(1..=10_000_000).speed(10))
            .labelled_by(label.id)
            .changed()
        {
            training.epochs = Some(epochs);
        }
        let label = ui.label("Seed");
        ui.add(egui::DragValue::new(&mut seed))
            .labelled_by(label.id)
            .on_hover_text("Initial weights, split and batch order");
    });
    ui.add(
        egui::Slider::new(&mut training.momentum, 0.0..=0.99)
            .clamping(egui::SliderClamping::Never)
            .text("momentum"),
    );
    if network != exp.network {
        out.push(Action::SetNetwork(network));
    }
    if training != exp.training {
        out.push(Action::SetTraining(training));
    }
    if seed != exp.seed {
        out.push(Action::SetSeed(seed));
    }
}

/// The hidden layers as typed: `8`, `16,16` or `none`.
fn hidden_ui(hidden: &mut Vec<usize>, ui: &mut Ui) {
    // The text being typed stays while the layers it was typed for are the
    // experiment's; a preset or session that brings other layers replaces it.
    let id = ui.make_persistent_id("hidden-text");
    let (mut text, _) = ui
        .data_mut(|d| d.get_temp::<(String, Vec<usize>)>(id))
        .filter(|(_, shown_for)| *shown_for == *hidden)
        .unwrap_or_else(|| (hidden_text(hidden), hidden.clone()));
    ui.horizontal(|ui| {
        let label = ui.label("Hidden layers");
        let r = ui
            .add(egui::TextEdit::singleline(&mut text).desired_width(100.0))
            .labelled_by(label.id)
            .on_hover_text("Units per hidden layer, e.g. 8 or 16,16; none for a linear or logistic model");
        match parse_hidden(&text) {
            Ok(h) => {
                if r.changed() {
                    *hidden = h;
                }
            }
            Err(_) => {
                ui.label(RichText::new("e.g. 8 or 16,16 or none").color(ui.visuals().error_fg_color));
            }
        }
    });
    let shown_for = hidden.clone();
    ui.data_mut(|d| d.insert_temp(id, (text, shown_for)));
}

//! The runs: each with its colour, name, regularizer, λ, L1 rule, α, its own
//! η and, under "more", λ scaling, the penalised layers and dropout. The
//! live settings reach a run that trains; a change sent and not yet made
//! shows as pending.

use egui::{RichText, Ui};

use super::released;
use crate::nn::{L1Rule, LambdaScale, Regularizer, Scope};
use crate::train::live::TrainerState;
use crate::train::{RunSpec, RunStatus};
use crate::workbench::{Action, Workbench};

fn status_text(status: &RunStatus, trainer: TrainerState) -> (String, bool) {
    match status {
        RunStatus::Ready | RunStatus::Training => match trainer {
            TrainerState::Running => ("training".into(), false),
            TrainerState::Paused => ("paused".into(), false),
            _ => ("ready".into(), false),
        },
        failed if failed.is_failure() => (failed.describe(), true),
        other => (other.describe(), false),
    }
}

pub(super) fn runs_ui(wb: &Workbench, ui: &mut Ui, out: &mut Vec<Action>) {
    let colors = wb.settings.run_colors();
    for (i, current) in wb.settings.experiment.runs.iter().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| run_ui(wb, i, current, colors[i], ui, out));
    }
    if ui
        .button("Add run")
        .on_hover_text("A new run, trained from the same initial weights at the next Reset")
        .clicked()
    {
        out.push(Action::AddRun);
    }
}

/// One run's settings; an edit goes out as [`Action::SetRun`], committed
/// when it is finished.
fn run_ui(wb: &Workbench, i: usize, current: &RunSpec, color: [u8; 3], ui: &mut Ui, out: &mut Vec<Action>) {
    let mut spec = current.clone();
    let mut commit = header_ui(wb, i, &mut spec, color, ui, out);
    let on_screen = wb.screen.runs.get(i);
    if let Some(run) = on_screen {
        let (text, bad) = status_text(&run.status, wb.screen.trainer_state);
        let color = if bad { ui.visuals().error_fg_color } else { ui.visuals().weak_text_color() };
        let epoch = run.epoch();
        // η as typed (0.05), or to three digits when computed (auto: 0.822).
        let lr = Some(crate::train::compact(run.lr))
            .filter(|s| s.len() <= 7)
            .unwrap_or_else(|| crate::workbench::describe::sig(run.lr));
        ui.label(RichText::new(format!("epoch {epoch} · η {lr} · {text}")).color(color).small());
        for change in &run.pending {
            ui.label(
                RichText::new(format!("{} to {}: waiting for the run", change.setting(), change.value()))
                    .italics()
                    .small(),
            )
            .on_hover_text("Sent to the run; it takes effect at the end of the epoch under way");
        }
    }
    commit |= penalty_ui(i, current, &mut spec, ui);
    commit |= lr_ui(&mut spec, on_screen.map_or(0.1, |r| r.lr), ui);
    egui::CollapsingHeader::new("more").id_salt(("more", i)).show(ui, |ui| more_ui(i, &mut spec, ui));
    if spec != *current || commit {
        out.push(Action::SetRun { index: i, spec: Box::new(spec), commit });
    }
}

/// Colour, name, Duplicate and Remove; `true` when the name changed.
fn header_ui(
    wb: &Workbench,
    i: usize,
    spec: &mut RunSpec,
    color: [u8; 3],
    ui: &mut Ui,
    out: &mut Vec<Action>,
) -> bool {
    let mut commit = false;
    ui.horizontal(|ui| {
        let mut chosen = color;
        egui::color_picker::color_edit_button_srgb(ui, &mut chosen)
            .on_hover_text("This run's colour in every plot (by default, its regularizer's)");
        if chosen != color {
            out.push(Action::SetColor(i, chosen));
        }
        let label = ui.label("Name");
        commit |= ui
            .add(
                egui::TextEdit::singleline(&mut spec.name)
                    .desired_width(120.0)
                    .char_limit(crate::train::MAX_NAME_CHARS),
            )
            .labelled_by(label.id)
            .changed();
    });
    ui.horizontal(|ui| {
        if ui.small_button("Duplicate").on_hover_text("Add a copy of this run").clicked() {
            out.push(Action::DuplicateRun(i));
        }
        if ui
            .add_enabled(wb.settings.experiment.runs.len() > 1, egui::Button::new("Remove").small())
            .on_hover_text("Remove this run (at the next Reset)")
            .clicked()
        {
            out.push(Action::RemoveRun(i));
        }
    });
    commit
}

/// The regularizer, λ, the L1 rule and α: what changes while the run trains.
fn penalty_ui(i: usize, current: &RunSpec, spec: &mut RunSpec, ui: &mut Ui) -> bool {
    let mut commit = false;
    egui::ComboBox::from_id_salt(("reg", i))
        .selected_text(format!("Regularizer: {}", spec.reg))
        .show_ui(ui, |ui| {
            for r in Regularizer::ALL {
                commit |= ui.selectable_value(&mut spec.reg, *r, r.to_string()).changed();
            }
        })
        .response
        .on_hover_text("Which penalty this run adds to its data error; changes apply while it trains");
    if spec.reg != Regularizer::None {
        // About 40 points a decade; the number beside it takes any value typed.
        ui.spacing_mut().slider_width = 200.0;
        let r = ui.add(
            egui::Slider::new(&mut spec.lambda, 0.0..=10.0)
                .logarithmic(true)
                .smallest_positive(1e-4)
                .clamping(egui::SliderClamping::Never)
                .text("λ"),
        );
        if !(spec.lambda.is_finite() && spec.lambda >= 0.0) {
            spec.lambda = current.lambda;
        }
        commit |= released(&r);
    }
    if matches!(spec.reg, Regularizer::L1 | Regularizer::ElasticNet) {
        egui::ComboBox::from_id_salt(("rule", i))
            .selected_text(format!("L1 rule: {}", spec.l1_rule))
            .show_ui(ui, |ui| {
                for r in L1Rule::ALL {
                    commit |= ui.selectable_value(&mut spec.l1_rule, *r, r.to_string()).changed();
                }
            })
            .response
            .on_hover_text("subgradient: weights jitter near 0; clip and proximal: weights reach exactly 0");
    }
    if spec.reg == Regularizer::ElasticNet {
        let r = ui.add(egui::Slider::new(&mut spec.alpha, 0.0..=1.0).text("α (L1 share)"));
        commit |= released(&r);
    }
    commit
}

/// A step size of the run's own; `in_force` is the one it trains with.
fn lr_ui(spec: &mut RunSpec, in_force: f64, ui: &mut Ui) -> bool {
    let mut commit = false;
    ui.horizontal(|ui| {
        let mut own = spec.lr.is_some();
        let mut lr = spec.lr.unwrap_or(in_force);
        if ui.checkbox(&mut own, "own η").on_hover_text("A step size for this run only").changed() {
            spec.lr = own.then_some(lr);
            commit = true;
        }
        if own {
            ui.spacing_mut().slider_width = 160.0;
            let r = ui.add(
                egui::Slider::new(&mut lr, 1e-4..=100.0)
                    .logarithmic(true)
                    .clamping(egui::SliderClamping::Never)
                    .text("η"),
            );
            if lr.is_finite() && lr > 0.0 {
                spec.lr = Some(lr);
            }
            commit |= released(&r);
        }
    });
    commit
}

/// λ scaling, the penalised layers and dropout: these wait for Reset.
fn more_ui(i: usize, spec: &mut RunSpec, ui: &mut Ui) {
    egui::ComboBox::from_id_salt(("scale", i))
        .selected_text(format!("λ scale: {}", spec.lambda_scale))
        .show_ui(ui, |ui| {
            for s in LambdaScale::ALL {
                ui.selectable_value(&mut spec.lambda_scale, *s, s.to_string());
            }
        })
        .response
        .on_hover_text("What n in λ/n is: the batch size, the training set size, or 1");
    egui::ComboBox::from_id_salt(("scope", i))
        .selected_text(format!("penalise: {}", spec.scope))
        .show_ui(ui, |ui| {
            for s in Scope::ALL {
                ui.selectable_value(&mut spec.scope, *s, s.to_string());
            }
        })
        .response
        .on_hover_text("all weight matrices, or the output layer only; biases never");
    ui.horizontal(|ui| {
        let mut on = spec.dropout.is_some();
        let mut keep = spec.dropout.unwrap_or(0.8);
        ui.checkbox(&mut on, "dropout").on_hover_text("Keep each hidden unit with probability p");
        if on {
            ui.add(egui::Slider::new(&mut keep, 0.05..=1.0).text("keep p"));
        }
        spec.dropout = on.then_some(keep);
    });
    ui.label(RichText::new(spec.penalty().formula().update).small().monospace());
}

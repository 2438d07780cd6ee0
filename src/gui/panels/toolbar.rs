//! The toolbar: presets, Train/Pause, Step, Stop, Reset, the pace, the
//! epoch counter, and the File and View menus. It wraps rather than clips
//! when the window is narrow or zoomed.

use egui::{RichText, Ui};

use super::shortcut_text;
use crate::gui::shortcuts::{
    SHORTCUT_EXPORT, SHORTCUT_FULLSCREEN, SHORTCUT_HELP, SHORTCUT_PRESENT, SHORTCUT_RESET, SHORTCUT_SAVE,
    SHORTCUT_STEP, SHORTCUT_TRAIN,
};
use crate::gui::view::ViewSettings;
use crate::train::live::TrainerState;
use crate::workbench::{Action, Pace, Workbench};

/// Presets, Train/Pause, Step, Stop, Reset, the pace, the epoch counter,
/// and the File and View menus. It wraps rather than clips when the window
/// is narrow or zoomed.
pub fn toolbar_ui(
    wb: &Workbench,
    view: &mut ViewSettings,
    show_help: &mut bool,
    reset_layout: &mut bool,
    controls_shown: bool,
    ui: &mut Ui,
    out: &mut Vec<Action>,
) {
    if view.presentation {
        // Presenting: the views, and only what drives them.
        ui.horizontal_wrapped(|ui| {
            play_ui(wb, ui, out);
            ui.separator();
            epoch_ui(wb, ui);
            ui.separator();
            if ui
                .button("Leave presentation")
                .on_hover_text(format!("The controls again ({})", shortcut_text(ui, &SHORTCUT_PRESENT)))
                .clicked()
            {
                view.presentation = false;
            }
        });
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.heading("reglab");
        presets_ui(wb, ui, out);
        ui.separator();
        play_ui(wb, ui, out);
        ui.separator();
        pace_ui(wb, ui, out);
        ui.separator();
        epoch_ui(wb, ui);
        ui.separator();
        window_ui(view, controls_shown, ui);
        menus_ui(wb, view, show_help, reset_layout, ui, out);
    });
}

/// The preset menu (keys 1 to 8 too).
fn presets_ui(wb: &Workbench, ui: &mut Ui, out: &mut Vec<Action>) {
    let current = wb.screen.note.as_ref().map_or("choose…".to_string(), |n| n.name.clone());
    egui::ComboBox::from_label("Preset")
        .selected_text(current)
        .width(240.0)
        .show_ui(ui, |ui| {
            for (k, (_, text)) in crate::experiment::PRESETS.iter().enumerate() {
                let exp = crate::experiment::Experiment::from_toml(text).ok();
                let name =
                    exp.as_ref().and_then(|e| e.name.clone()).unwrap_or_else(|| format!("preset {}", k + 1));
                let tip = exp.and_then(|e| e.description).unwrap_or_default();
                if ui.selectable_label(false, format!("{}  {name}", k + 1)).on_hover_text(tip).clicked() {
                    out.push(Action::Preset(k));
                }
            }
        })
        .response
        .on_hover_text("Ready-made comparisons, one per point of the chapter (keys 1 to 8)");
}

/// Train (Pause, Resume, Go on), Step, Stop, Reset.
fn play_ui(wb: &Workbench, ui: &mut Ui, out: &mut Vec<Action>) {
    let ready = wb.data.prepared.is_some() && !wb.is_loading();
    let running = wb.screen.trainer_state == TrainerState::Running;
    let step = wb.screen.training().map_or(0, |t| t.epochs());
    let (label, tip) = if running {
        ("Pause", "Pause training; Train resumes from the same weights".to_string())
    } else if wb.screen.trainer_state == TrainerState::Paused {
        ("Resume", "Go on training from where the runs are".to_string())
    } else if wb.can_continue() {
        ("Go on", format!("The same runs go on from where they are, to epoch {}", 2 * step))
    } else {
        ("Train", "Train every run side by side from the same initial weights".to_string())
    };
    let play = ui
        .add_enabled(ready, egui::Button::new(RichText::new(label).strong()))
        .on_hover_text(format!("{tip} ({})", shortcut_text(ui, &SHORTCUT_TRAIN)));
    if play.clicked() {
        out.push(if running { Action::Pause } else { Action::Train });
    }
    if ui
        .add_enabled(ready && !running, egui::Button::new("Step"))
        .on_hover_text(format!("Train one epoch of every run ({})", shortcut_text(ui, &SHORTCUT_STEP)))
        .clicked()
    {
        out.push(Action::Step);
    }
    let can_stop = matches!(wb.screen.trainer_state, TrainerState::Running | TrainerState::Paused);
    if ui
        .add_enabled(can_stop, egui::Button::new("Stop"))
        .on_hover_text("End every run now (Train then starts new runs; Pause keeps them)")
        .clicked()
    {
        out.push(Action::Stop);
    }
    if ui
        .add_enabled(ready, egui::Button::new("Reset"))
        .on_hover_text(format!(
            "Back to epoch 0 with the current settings ({})",
            shortcut_text(ui, &SHORTCUT_RESET)
        ))
        .clicked()
    {
        out.push(Action::Reset);
    }
}

/// The epoch counter, the speed, where the trainer stands, and whether
/// settings wait for Reset.
fn epoch_ui(wb: &Workbench, ui: &mut Ui) {
    let training = wb.screen.training().unwrap_or(&wb.settings.experiment.training);
    let of = if wb.settings.until_paused {
        "until paused".to_string()
    } else {
        format!("/ {}", training.epochs())
    };
    ui.label(RichText::new(format!("epoch {} {of}", wb.screen.epoch())).monospace().size(16.0))
        .on_hover_text("The furthest epoch any run has reached");
    if wb.screen.epochs_per_s > 0.0 {
        ui.label(format!("{:.0} epochs/s", wb.screen.epochs_per_s));
    }
    let state = match wb.screen.trainer_state {
        TrainerState::Idle => "ready",
        TrainerState::Running => "training",
        TrainerState::Paused => "paused",
        TrainerState::Finished => "finished",
    };
    ui.label(RichText::new(state).italics());
    if wb.stale() {
        ui.label(
            RichText::new("Settings changed: Reset (or Train) to apply them")
                .color(ui.visuals().warn_fg_color),
        )
        .on_hover_text("Network, batch, data or the list of runs changed; these need new runs from epoch 0");
    }
}

/// Controls shown or hidden; presentation.
fn window_ui(view: &mut ViewSettings, controls_shown: bool, ui: &mut Ui) {
    if ui
        .selectable_label(controls_shown, "Controls")
        .on_hover_text("Show or hide the panel of data, network and runs (the views get the room)")
        .clicked()
    {
        view.show_controls = Some(!controls_shown);
    }
    if ui
        .button("Present")
        .on_hover_text(format!(
            "Views only, for a projector ({}); full screen with {}",
            shortcut_text(ui, &SHORTCUT_PRESENT),
            shortcut_text(ui, &SHORTCUT_FULLSCREEN)
        ))
        .clicked()
    {
        view.presentation = true;
    }
}

/// The File and View menus.
fn menus_ui(
    wb: &Workbench,
    view: &mut ViewSettings,
    show_help: &mut bool,
    reset_layout: &mut bool,
    ui: &mut Ui,
    out: &mut Vec<Action>,
) {
    ui.menu_button("File", |ui| {
        for (k, (name, text)) in crate::lesson::LESSONS.iter().enumerate() {
            let title = crate::lesson::Lesson::from_toml(text, std::path::Path::new(name))
                .map_or_else(|_| name.to_string(), |l| l.title);
            if ui
                .button(format!("Lesson: {title}"))
                .on_hover_text("A workshop in steps: Right arrow or Page Down for the next step, Esc to leave")
                .clicked()
            {
                out.push(Action::OpenShippedLesson(k));
            }
        }
        if ui.button("Open lesson…").on_hover_text("A lesson file (.toml with [[steps]])").clicked() {
            out.push(Action::OpenLessonDialog);
        }
        ui.separator();
        if ui
            .button("Open session…")
            .on_hover_text("Open a saved session (.toml): data, settings, runs and their changes")
            .clicked()
        {
            out.push(Action::OpenSessionDialog);
        }
        if !wb.notices.stopped_sessions.is_empty() {
            ui.menu_button("Sessions of earlier stops", |ui| {
                for path in &wb.notices.stopped_sessions {
                    let name = path.file_stem().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
                    // `stopped-2026-11-30_14-05-09`: when the window stopped without closing.
                    let stamp = name.strip_prefix("stopped-").unwrap_or(&name);
                    let when = match stamp.split_once('_') {
                        Some((day, time)) => format!("{day} {} UTC", time.replace('-', ":")),
                        None => stamp.to_string(),
                    };
                    if ui
                        .button(format!("Stopped {when}"))
                        .on_hover_text(format!("The session a window had when it stopped without closing: {}", path.display()))
                        .clicked()
                    {
                        out.push(Action::OpenSessionFile(path.clone()));
                    }
                }
            });
        }
        if ui
            .button(format!("Save session…  ({})", shortcut_text(ui, &SHORTCUT_SAVE)))
            .on_hover_text("Save the data, settings, runs, layout and every change made while training")
            .clicked()
        {
            out.push(Action::SaveSession);
        }
        if ui
            .button(format!("Export all…  ({})", shortcut_text(ui, &SHORTCUT_EXPORT)))
            .on_hover_text(
                "Into one folder: the window and every view as PNG, the metrics CSV and weights JSON (as reglab train writes them) and the session",
            )
            .clicked()
        {
            out.push(Action::ExportAll);
        }
    });
    ui.menu_button("View", |ui| {
        ui.label(RichText::new("Theme").weak());
        for t in crate::gui::Theme::ALL {
            ui.radio_value(&mut view.theme, t, t.name());
        }
        ui.separator();
        for (animate, label, hover) in [
            (false, "Picture of a view (2×)", "The view alone at the epoch on screen, as a PNG at twice the window's resolution, for slides"),
            (true, "Record a view (animated PNG)", "The view from epoch 0 to the epoch on screen, up to 300 frames at 15 a second, as an animated PNG (browsers play it)"),
        ] {
            ui.menu_button(label, |ui| {
                for kind in crate::experiment::ViewKind::ALL.into_iter().filter(|v| wb.shows(*v)) {
                    if ui.button(format!("{}…", kind.title())).on_hover_text(hover).clicked() {
                        out.push(Action::SavePicture { view: kind, animate });
                    }
                }
            });
        }
        ui.separator();
        if ui
            .button("Reset layout")
            .on_hover_text("The views of this experiment large, the others in tabs below")
            .clicked()
        {
            *reset_layout = true;
        }
        if ui.button(format!("Keyboard shortcuts  ({})", shortcut_text(ui, &SHORTCUT_HELP))).clicked() {
            *show_help = true;
        }
    });
}

/// How fast the runs train: over about 20 s, at a fixed rate, or as fast as
/// possible (each one click); and whether they go on until paused.
fn pace_ui(wb: &Workbench, ui: &mut Ui, out: &mut Vec<Action>) {
    let pace = wb.settings.pace;
    let watch = format!("watchable (~{:.0} s)", crate::workbench::WATCH_SECONDS);
    if ui
        .selectable_label(pace == Pace::Watch, watch)
        .on_hover_text("The whole run unfolds over about 20 seconds, at a pace a room can follow")
        .clicked()
    {
        out.push(Action::SetPace(Pace::Watch));
    }
    let fixed = match pace {
        Pace::Fixed(eps) => Some(eps),
        _ => None,
    };
    if ui
        .selectable_label(fixed.is_some(), "limit")
        .on_hover_text("At most the epochs per second you set")
        .clicked()
        && fixed.is_none()
    {
        out.push(Action::SetPace(Pace::Fixed(wb.speed_limit().unwrap_or(50.0).round().max(1.0))));
    }
    if let Some(mut eps) = fixed {
        let r = ui.add(
            egui::Slider::new(&mut eps, 1.0..=5000.0)
                .logarithmic(true)
                .clamping(egui::SliderClamping::Never)
                .suffix(" epochs/s")
                .text("speed"),
        );
        if r.changed() && eps.is_finite() && eps > 0.0 {
            out.push(Action::SetPace(Pace::Fixed(eps)));
        }
    }
    if ui
        .selectable_label(pace == Pace::Fastest, "fastest")
        .on_hover_text("As fast as the machine goes")
        .clicked()
    {
        out.push(Action::SetPace(Pace::Fastest));
    }
    let mut until = wb.settings.until_paused;
    if ui
        .checkbox(&mut until, "until paused")
        .on_hover_text("The runs go on past their epochs until you pause them, as in TensorFlow Playground")
        .changed()
    {
        out.push(Action::SetUntilPaused(until));
    }
}

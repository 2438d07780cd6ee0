//! The toolbar, the status bar and the settings panel (data, network,
//! runs). Each reads the workbench (and the window's own state) and
//! returns actions; none changes the workbench.

use egui::{Color32, RichText, Ui};

use super::view::{
    FrameTimes, SHORTCUT_EXPORT, SHORTCUT_FULLSCREEN, SHORTCUT_HELP, SHORTCUT_OPEN, SHORTCUT_PRESENT,
    SHORTCUT_RESET, SHORTCUT_SAVE, SHORTCUT_STEP, SHORTCUT_STOP, SHORTCUT_TRAIN, ViewSettings,
};
use crate::data::{
    Builtin, ColumnKind, MissingPolicy, Role, STANDARDIZE_WHY, SyntheticKind, SyntheticSpec, TaskKind,
};
use crate::experiment::DataSource;
use crate::nn::{Activation, L1Rule, LambdaScale, Regularizer, Scope};
use crate::train::live::TrainerState;
use crate::train::{Batch, RunStatus, parse_hidden};
use crate::workbench::{Action, Pace, Workbench};

fn shortcut_text(ui: &Ui, s: &egui::KeyboardShortcut) -> String {
    ui.ctx().format_shortcut(s)
}

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
    ui.horizontal_wrapped(|ui| {
        ui.heading("reglab");
        let current = wb.preset.as_ref().map_or("choose…".to_string(), |p| p.0.clone());
        egui::ComboBox::from_label("Preset")
            .selected_text(current)
            .width(240.0)
            .show_ui(ui, |ui| {
                for (k, (_, text)) in crate::experiment::PRESETS.iter().enumerate() {
                    let exp = crate::experiment::Experiment::from_toml(text).ok();
                    let name = exp
                        .as_ref()
                        .and_then(|e| e.name.clone())
                        .unwrap_or_else(|| format!("preset {}", k + 1));
                    let tip = exp.and_then(|e| e.description).unwrap_or_default();
                    if ui.selectable_label(false, format!("{}  {name}", k + 1)).on_hover_text(tip).clicked() {
                        out.push(Action::Preset(k));
                    }
                }
            })
            .response
            .on_hover_text("Ready-made comparisons, one per point of the chapter (keys 1 to 7)");
        ui.separator();
        let ready = wb.prepared.is_some() && !wb.is_loading();
        let running = wb.trainer_state == TrainerState::Running;
        let step = wb.session_training().map_or(0, |t| t.epochs());
        let (label, tip) = if running {
            ("Pause", "Pause training; Train resumes from the same weights".to_string())
        } else if wb.trainer_state == TrainerState::Paused {
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
        let can_stop = matches!(wb.trainer_state, TrainerState::Running | TrainerState::Paused);
        if ui
            .add_enabled(can_stop, egui::Button::new("Stop"))
            .on_hover_text(format!("End every run now ({})", shortcut_text(ui, &SHORTCUT_STOP)))
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
        ui.separator();
        pace_ui(wb, ui, out);
        ui.separator();
        let training = wb.session_training().unwrap_or(&wb.settings.experiment.training);
        let of = if wb.settings.until_paused { "until paused".to_string() } else { format!("/ {}", training.epochs()) };
        ui.label(RichText::new(format!("epoch {} {of}", wb.epoch())).monospace().size(16.0))
            .on_hover_text("The furthest epoch any run has reached");
        if wb.epochs_per_s > 0.0 {
            ui.label(format!("{:.0} epochs/s", wb.epochs_per_s));
        }
        let state = match wb.trainer_state {
            TrainerState::Idle => "ready",
            TrainerState::Running => "training",
            TrainerState::Paused => "paused",
            TrainerState::Finished => "finished",
        };
        ui.label(RichText::new(state).italics());
        if wb.stale() {
            ui.label(
                RichText::new("Settings changed: Reset (or Train) to apply them").color(ui.visuals().warn_fg_color),
            )
            .on_hover_text("Network, batch, data or the list of runs changed; these need new runs from epoch 0");
        }
        ui.separator();
        if ui
            .selectable_label(controls_shown, "Controls")
            .on_hover_text("Show or hide the panel of data, network and runs (the views get the room)")
            .clicked()
        {
            view.show_controls = Some(!controls_shown);
        }
        let present = if view.presentation { "Show controls" } else { "Present" };
        if ui
            .button(present)
            .on_hover_text(format!(
                "Views only, for a projector ({}); full screen with {}",
                shortcut_text(ui, &SHORTCUT_PRESENT),
                shortcut_text(ui, &SHORTCUT_FULLSCREEN)
            ))
            .clicked()
        {
            view.presentation = !view.presentation;
        }
        ui.menu_button("File", |ui| {
            if ui
                .button("Open session…")
                .on_hover_text("Open a saved session (.toml): data, settings, runs and their changes")
                .clicked()
            {
                out.push(Action::OpenSessionDialog);
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
            for t in super::Theme::ALL {
                ui.radio_value(&mut view.theme, t, t.name());
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

/// The keyboard shortcuts, over the plots.
pub fn help_ui(show_help: &mut bool, ctx: &egui::Context) {
    let mut open = true;
    egui::Window::new("Keyboard shortcuts").open(&mut open).collapsible(false).resizable(false).show(
        ctx,
        |ui| {
            shortcuts_grid(ui);
        },
    );
    if !open {
        *show_help = false;
    }
}

fn shortcuts_grid(ui: &mut Ui) {
    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
        for (s, what) in [
            (SHORTCUT_TRAIN, "Train / Pause / Resume"),
            (SHORTCUT_STEP, "Step one epoch (also the right arrow)"),
            (SHORTCUT_RESET, "Reset to epoch 0"),
            (SHORTCUT_STOP, "Stop"),
            (SHORTCUT_OPEN, "Open a file"),
            (SHORTCUT_SAVE, "Save the session"),
            (SHORTCUT_EXPORT, "Export all: plots, metrics, weights, session"),
            (SHORTCUT_PRESENT, "Presentation view: plots only"),
            (SHORTCUT_FULLSCREEN, "Full screen"),
            (SHORTCUT_HELP, "This list (also ?)"),
        ] {
            ui.label(RichText::new(shortcut_text(ui, &s)).monospace());
            ui.label(what);
            ui.end_row();
        }
        ui.label(RichText::new("1 … 7").monospace());
        ui.label("Load a preset");
        ui.end_row();
        ui.label(RichText::new("Ctrl + / Ctrl −").monospace());
        ui.label("Zoom the whole window (for a projector)");
        ui.end_row();
    });
}

/// Messages, loading progress and frame time.
pub fn status_ui(wb: &Workbench, frame_times: &FrameTimes, ui: &mut Ui, out: &mut Vec<Action>) {
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
    if let Some((column, _, _)) = &wb.offer_ignore {
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
    if let Some(saved) = &wb.offer_restore {
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
    if let Some(last) = wb.offer_last_session.clone() {
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
    let mut dismiss = false;
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            for n in wb.notices.iter().rev().take(3) {
                let color = if n.error { ui.visuals().error_fg_color } else { ui.visuals().text_color() };
                let icon = if n.error { "Error: " } else { "" };
                ui.label(RichText::new(format!("{icon}{}", n.text)).color(color));
            }
        });
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let (mean, worst) = frame_times.summary();
            ui.label(
                RichText::new(format!(
                    "ui {:.2} ms (max {:.2})",
                    mean.as_secs_f64() * 1e3,
                    worst.as_secs_f64() * 1e3
                ))
                .small()
                .weak(),
            )
            .on_hover_text("Time spent in reglab's own drawing code per frame, over the last 120 frames");
            if !wb.notices.is_empty() && ui.small_button("Clear messages").clicked() {
                dismiss = true;
            }
        });
    });
    if dismiss {
        out.push(Action::DismissNotices);
    }
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

/// The left panel: data, network and runs.
pub fn settings_ui(wb: &Workbench, path_field: &mut String, ui: &mut Ui, out: &mut Vec<Action>) {
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        egui::CollapsingHeader::new(RichText::new("Data").strong())
            .default_open(true)
            .show(ui, |ui| data_ui(wb, path_field, ui, out));
        egui::CollapsingHeader::new(RichText::new("Network and training").strong())
            .default_open(true)
            .show(ui, |ui| network_ui(wb, ui, out));
        egui::CollapsingHeader::new(RichText::new("Runs").strong())
            .default_open(true)
            .show(ui, |ui| runs_ui(wb, ui, out));
        ui.add_space(8.0);
        egui::CollapsingHeader::new("Keyboard shortcuts").default_open(false).show(ui, shortcuts_grid);
    });
}

fn source_label(source: Option<&DataSource>) -> String {
    match source {
        None => "choose…".into(),
        Some(DataSource::Builtin(b)) => b.id().to_string(),
        Some(DataSource::Synthetic(s)) => format!("generated: {}", s.kind.id()),
        Some(DataSource::File(p)) => {
            p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
        }
    }
}

/// An edit is finished: a slider let go, or any other widget changed.
fn released(r: &egui::Response) -> bool {
    r.drag_stopped() || (r.changed() && !r.dragged())
}

fn data_ui(wb: &Workbench, path_field: &mut String, ui: &mut Ui, out: &mut Vec<Action>) {
    let current = wb.settings.experiment.data.source();
    egui::ComboBox::from_label("Dataset").selected_text(source_label(current.as_ref())).width(220.0).show_ui(
        ui,
        |ui| {
            ui.label(RichText::new("Built in").weak());
            for b in Builtin::ALL {
                if ui
                    .selectable_label(current == Some(DataSource::Builtin(b)), b.id())
                    .on_hover_text(b.title())
                    .clicked()
                {
                    out.push(Action::Load(DataSource::Builtin(b)));
                }
            }
            ui.separator();
            ui.label(RichText::new("Generated").weak());
            for k in SyntheticKind::ALL {
                let selected = matches!(&current, Some(DataSource::Synthetic(s)) if s.kind == k);
                if ui.selectable_label(selected, k.id()).on_hover_text(k.title()).clicked() {
                    let base = match &current {
                        Some(DataSource::Synthetic(s)) => s.clone(),
                        _ => SyntheticSpec::default(),
                    };
                    out.push(Action::Load(DataSource::Synthetic(SyntheticSpec { kind: k, ..base })));
                }
            }
            if !wb.settings.recent_files.is_empty() {
                ui.separator();
                ui.label(RichText::new("Recent files").weak());
                for p in &wb.settings.recent_files {
                    let name = p.display().to_string();
                    if ui.selectable_label(current == Some(DataSource::File(p.clone())), &name).clicked() {
                        out.push(Action::Load(DataSource::File(p.clone())));
                    }
                }
            }
        },
    );
    ui.horizontal(|ui| {
        if ui
            .button("Open file…")
            .on_hover_text(format!(
                "CSV, TSV, LIBSVM or ARFF, plain or .gz ({}); you can also drop a file on the window",
                shortcut_text(ui, &SHORTCUT_OPEN)
            ))
            .clicked()
        {
            out.push(Action::OpenDataDialog);
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Path");
        let edit = ui
            .add(egui::TextEdit::singleline(path_field).hint_text("/path/to/data.csv").desired_width(220.0));
        let edit = edit.labelled_by(label.id);
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Load").on_hover_text("Load the file at this path").clicked() || enter)
            && !path_field.trim().is_empty()
        {
            let path = std::path::PathBuf::from(path_field.trim());
            out.push(Action::Load(DataSource::File(path)));
        }
    });
    if wb.dialog_unavailable {
        ui.label(
            RichText::new("The system file dialog is not available: type a path above or drop a file.")
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }

    if let Some(DataSource::Synthetic(spec)) = &current {
        generator_ui(wb, ui, spec.clone(), out);
    }

    let Some(ds) = wb.dataset.clone() else {
        ui.label("No data loaded yet.");
        return;
    };
    ui.separator();
    let mut data = wb.settings.experiment.data.clone();
    let task = data.task.unwrap_or_else(|| ds.infer_task());
    ui.label(
        RichText::new(format!("{}: {} rows × {} features", ds.name, ds.rows(), ds.feature_count())).strong(),
    );
    if let Some(p) = &wb.prepared {
        let classes =
            if p.classes.is_empty() { String::new() } else { format!(", {} classes", p.classes.len()) };
        ui.label(format!(
            "{task}{classes}; {} training / {} validation / {} test rows",
            p.train_rows(),
            p.val_rows(),
            p.x_test.nrows()
        ));
        if p.dropped_rows > 0 {
            ui.label(format!("{} row(s) with a missing value left out", p.dropped_rows));
        }
        if p.filled_cells > 0 {
            ui.label(format!("{} missing value(s) filled with the training mean", p.filled_cells));
        }
    }
    if ds.sheets.len() > 1 {
        let current = data.sheet.clone().unwrap_or_else(|| ds.sheets[0].clone());
        let mut chosen = current.clone();
        egui::ComboBox::from_label("Sheet").selected_text(&chosen).show_ui(ui, |ui| {
            for s in &ds.sheets {
                ui.selectable_value(&mut chosen, s.clone(), s);
            }
        });
        if chosen != current {
            let mut d = data.clone();
            d.sheet = Some(chosen);
            out.push(Action::SetData { data: Box::new(d), commit: true });
        }
    }
    if let Some(counts) = ds.class_counts(task) {
        let parts: Vec<String> = counts.iter().map(|(l, c)| format!("{l}: {c}")).collect();
        ui.label(RichText::new(format!("class balance: {}", parts.join(", "))).small());
    }

    let before = data.clone();
    let mut commit = false;
    egui::ComboBox::from_label("Task")
        .selected_text(data.task.map_or_else(|| format!("auto ({})", ds.infer_task()), |t| t.to_string()))
        .show_ui(ui, |ui| {
            if ui.selectable_label(data.task.is_none(), "auto").clicked() {
                data.task = None;
                commit = true;
            }
            for t in [TaskKind::Regression, TaskKind::Binary, TaskKind::Multiclass] {
                if ui.selectable_label(data.task == Some(t), t.name()).clicked() {
                    data.task = Some(t);
                    commit = true;
                }
            }
        });
    let r = ui.add(
        egui::Slider::new(&mut data.validation, 0.0..=0.9)
            .clamping(egui::SliderClamping::Never)
            .text("validation fraction"),
    );
    commit |= released(&r);
    let r = ui.add(
        egui::Slider::new(&mut data.test, 0.0..=0.9)
            .clamping(egui::SliderClamping::Never)
            .text("test fraction"),
    );
    commit |= released(&r);
    commit |=
        ui.checkbox(&mut data.standardize, "Standardise features").on_hover_text(STANDARDIZE_WHY).changed();
    ui.label(
        RichText::new("Penalties depend on feature scale; standardising puts features on equal footing.")
            .small()
            .weak(),
    );
    if ds.missing_values() > 0 {
        egui::ComboBox::from_label(format!("{} missing values", ds.missing_values()))
            .selected_text(match data.missing {
                MissingPolicy::Drop => "drop their rows",
                MissingPolicy::FillMean => "fill with training mean",
            })
            .show_ui(ui, |ui| {
                commit |=
                    ui.selectable_value(&mut data.missing, MissingPolicy::Drop, "drop their rows").changed();
                commit |= ui
                    .selectable_value(&mut data.missing, MissingPolicy::FillMean, "fill with training mean")
                    .changed();
            });
    }
    if matches!(current, Some(DataSource::File(_))) {
        commit |= columns_ui(ui, &ds, &mut data);
    }
    if data != before || commit {
        out.push(Action::SetData { data: Box::new(data), commit });
    }
    egui::CollapsingHeader::new("Preview").default_open(false).show(ui, |ui| preview_ui(ui, &ds));
}

fn generator_ui(wb: &Workbench, ui: &mut Ui, mut spec: SyntheticSpec, out: &mut Vec<Action>) {
    let before = spec.clone();
    egui::Grid::new("generator").num_columns(2).show(ui, |ui| {
        let l = ui.label("rows");
        ui.add(egui::DragValue::new(&mut spec.rows).range(20..=SyntheticSpec::MAX_ROWS).speed(10))
            .labelled_by(l.id);
        ui.end_row();
        let l = ui.label("noise");
        ui.add(egui::Slider::new(&mut spec.noise, 0.0..=1.0).text(""))
            .labelled_by(l.id)
            .on_hover_text("How far points stray from their class's region (0 to 1)");
        ui.end_row();
        let l = ui.label("extra noise features");
        ui.add(egui::DragValue::new(&mut spec.extra).range(0..=200))
            .labelled_by(l.id)
            .on_hover_text("Pure-noise columns added to the data: L1 should learn to ignore them");
        ui.end_row();
        if !spec.kind.is_planar() {
            let l = ui.label("features");
            ui.add(egui::DragValue::new(&mut spec.features).range(1..=2000)).labelled_by(l.id);
            ui.end_row();
            let l = ui.label("informative");
            ui.add(egui::DragValue::new(&mut spec.informative).range(0..=spec.features)).labelled_by(l.id);
            ui.end_row();
        }
        let l = ui.label("data seed");
        ui.add(egui::DragValue::new(&mut spec.seed)).labelled_by(l.id);
        ui.end_row();
    });
    if spec != before {
        // Keep the edits; generate on request so that dragging stays smooth.
        let mut data = wb.settings.experiment.data.clone();
        data.set(DataSource::Synthetic(spec.clone()));
        out.push(Action::SetData { data: Box::new(data), commit: false });
    }
    if ui.button("Generate").on_hover_text("Generate the set with these settings").clicked() {
        out.push(Action::Load(DataSource::Synthetic(spec)));
    }
}

/// The columns of a file with their roles; `true` when a role changed.
fn columns_ui(ui: &mut Ui, ds: &crate::data::Dataset, data: &mut crate::experiment::DataSpec) -> bool {
    let mut changed = false;
    egui::CollapsingHeader::new("Columns").default_open(false).show(ui, |ui| {
        egui::Grid::new("columns").striped(true).num_columns(4).show(ui, |ui| {
            ui.label(RichText::new("column").strong());
            ui.label(RichText::new("kind").strong());
            ui.label(RichText::new("target").strong());
            ui.label(RichText::new("ignore").strong());
            ui.end_row();
            for c in &ds.columns {
                ui.label(&c.name);
                let kind = match &c.kind {
                    None => "-".to_string(),
                    Some(ColumnKind::Numeric) => "numeric".into(),
                    Some(ColumnKind::Categorical { levels }) => format!("text ({} values)", levels.len()),
                };
                let missing = if c.missing > 0 { format!(", {} missing", c.missing) } else { String::new() };
                ui.label(format!("{kind}{missing}"));
                if ui
                    .radio(c.role == Role::Target, "")
                    .on_hover_text(format!("Predict '{}'", c.name))
                    .clicked()
                    && c.role != Role::Target
                {
                    data.target = Some(c.name.clone());
                    data.ignore.retain(|n| *n != c.name);
                    changed = true;
                }
                let mut ignored = c.role == Role::Ignored;
                if ui
                    .add_enabled(c.role != Role::Target, egui::Checkbox::new(&mut ignored, ""))
                    .on_hover_text(format!("Leave '{}' out (an id, a date…)", c.name))
                    .changed()
                {
                    if ignored {
                        data.ignore.push(c.name.clone());
                    } else {
                        data.ignore.retain(|n| *n != c.name);
                    }
                    changed = true;
                }
                ui.end_row();
            }
        });
    });
    changed
}

fn preview_ui(ui: &mut Ui, ds: &crate::data::Dataset) {
    egui::ScrollArea::horizontal().id_salt("preview").show(ui, |ui| {
        egui::Grid::new("preview-grid").striped(true).show(ui, |ui| {
            let cols = ds.feature_count().min(10);
            for name in &ds.feature_names[..cols] {
                ui.label(RichText::new(name).strong());
            }
            ui.label(RichText::new(format!("target: {}", ds.target_name)).strong());
            ui.end_row();
            for r in 0..ds.rows().min(8) {
                for c in 0..cols {
                    ui.label(format!("{}", ds.features[[r, c]]));
                }
                ui.label(ds.target_text(r));
                ui.end_row();
            }
        });
        if ds.feature_count() > 10 {
            ui.label(format!("… and {} more features", ds.feature_count() - 10));
        }
    });
}

fn hidden_text(hidden: &[usize]) -> String {
    if hidden.is_empty() {
        "none".into()
    } else {
        hidden.iter().map(|h| h.to_string()).collect::<Vec<_>>().join(",")
    }
}

fn network_ui(wb: &Workbench, ui: &mut Ui, out: &mut Vec<Action>) {
    let exp = &wb.settings.experiment;
    let mut network = exp.network.clone();
    let mut training = exp.training.clone();
    let mut seed = exp.seed;
    // The text being typed stays while the layers it was typed for are the
    // experiment's; a preset or session that brings other layers replaces it.
    let id = ui.make_persistent_id("hidden-text");
    let (mut text, _) = ui
        .data_mut(|d| d.get_temp::<(String, Vec<usize>)>(id))
        .filter(|(_, shown_for)| *shown_for == network.hidden)
        .unwrap_or_else(|| (hidden_text(&network.hidden), network.hidden.clone()));
    ui.horizontal(|ui| {
        let label = ui.label("Hidden layers");
        let r = ui
            .add(egui::TextEdit::singleline(&mut text).desired_width(100.0))
            .labelled_by(label.id)
            .on_hover_text("Units per hidden layer, e.g. 8 or 16,16; none for a linear or logistic model");
        match parse_hidden(&text) {
            Ok(h) => {
                if r.changed() {
                    network.hidden = h;
                }
            }
            Err(_) => {
                ui.label(RichText::new("e.g. 8 or 16,16 or none").color(ui.visuals().error_fg_color));
            }
        }
    });
    let shown_for = network.hidden.clone();
    ui.data_mut(|d| d.insert_temp(id, (text, shown_for)));
    egui::ComboBox::from_label("Activation").selected_text(network.activation.to_string()).show_ui(
        ui,
        |ui| {
            for a in Activation::ALL {
                ui.selectable_value(&mut network.activation, a, a.to_string());
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

fn status_text(status: &RunStatus, trainer: TrainerState) -> (String, bool) {
    match status {
        RunStatus::Ready | RunStatus::Training => match trainer {
            TrainerState::Running => ("training".into(), false),
            TrainerState::Paused => ("paused".into(), false),
            _ => ("ready".into(), false),
        },
        RunStatus::Diverged { .. } => (status.describe(), true),
        other => (other.describe(), false),
    }
}

fn runs_ui(wb: &Workbench, ui: &mut Ui, out: &mut Vec<Action>) {
    let runs = &wb.settings.experiment.runs;
    let count = runs.len();
    for (i, current) in runs.iter().enumerate() {
        let history = wb.runs.get(i).map(|h| (h.status.clone(), h.epoch(), h.lr));
        egui::Frame::group(ui.style()).show(ui, |ui| {
            let mut spec = current.clone();
            let mut commit = false;
            ui.horizontal(|ui| {
                let mut color = wb.settings.colors.get(i).copied().unwrap_or(crate::workbench::PALETTE[0]);
                let before = color;
                egui::color_picker::color_edit_button_srgb(ui, &mut color)
                    .on_hover_text("This run's colour in every plot");
                if color != before {
                    out.push(Action::SetColor(i, color));
                }
                let label = ui.label("Name");
                commit |= ui
                    .add(egui::TextEdit::singleline(&mut spec.name).desired_width(120.0))
                    .labelled_by(label.id)
                    .changed();
            });
            ui.horizontal(|ui| {
                if ui.small_button("Duplicate").on_hover_text("Add a copy of this run").clicked() {
                    out.push(Action::DuplicateRun(i));
                }
                if ui
                    .add_enabled(count > 1, egui::Button::new("Remove").small())
                    .on_hover_text("Remove this run (at the next Reset)")
                    .clicked()
                {
                    out.push(Action::RemoveRun(i));
                }
            });
            if let Some((status, epoch, lr)) = &history {
                let (text, bad) = status_text(status, wb.trainer_state);
                let color = if bad { ui.visuals().error_fg_color } else { ui.visuals().weak_text_color() };
                ui.label(RichText::new(format!("epoch {epoch} · η {lr:.3e} · {text}")).color(color).small());
            }
            egui::ComboBox::from_id_salt(("reg", i))
                .selected_text(format!("Regularizer: {}", spec.reg))
                .show_ui(ui, |ui| {
                    for r in Regularizer::ALL {
                        commit |= ui.selectable_value(&mut spec.reg, *r, r.to_string()).changed();
                    }
                })
                .response
                .on_hover_text(
                    "Which penalty this run adds to its data error; changes apply while it trains",
                );
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
                    .on_hover_text(
                        "subgradient: weights jitter near 0; clip and proximal: weights reach exactly 0",
                    );
            }
            if spec.reg == Regularizer::ElasticNet {
                let r = ui.add(egui::Slider::new(&mut spec.alpha, 0.0..=1.0).text("α (L1 share)"));
                commit |= released(&r);
            }
            ui.horizontal(|ui| {
                let mut own = spec.lr.is_some();
                let mut lr = spec.lr.unwrap_or_else(|| history.as_ref().map_or(0.1, |h| h.2));
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
            egui::CollapsingHeader::new("more").id_salt(("more", i)).show(ui, |ui| {
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
            });
            if spec != *current || commit {
                out.push(Action::SetRun { index: i, spec: Box::new(spec), commit });
            }
        });
    }
    if ui
        .button("Add run")
        .on_hover_text("A new run, trained from the same initial weights at the next Reset")
        .clicked()
    {
        out.push(Action::AddRun);
    }
}

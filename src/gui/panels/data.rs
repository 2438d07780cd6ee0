//! The Data panel: the dataset (built in, generated, a file by dialog, path
//! or drop, the recent files), the columns' roles, the task, the split,
//! standardisation, missing values and a preview.

use egui::{RichText, Ui};

use super::{released, shortcut_text};
use crate::data::{
    Builtin, ColumnKind, MissingPolicy, Role, STANDARDIZE_WHY, SyntheticKind, SyntheticSpec, TaskKind,
};
use crate::experiment::DataSource;
use crate::gui::shortcuts::SHORTCUT_OPEN;
use crate::workbench::{Action, Workbench};

fn source_label(source: Option<&DataSource>) -> String {
    match source {
        None => "choose…".into(),
        Some(DataSource::Builtin(b)) => b.id().to_string(),
        Some(DataSource::Synthetic(s)) => format!("generated: {}", s.kind.id()),
        Some(DataSource::File(p)) => {
            p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
        }
        Some(DataSource::Pasted(_)) => "pasted cells".into(),
    }
}

pub(super) fn data_ui(wb: &Workbench, path_field: &mut String, ui: &mut Ui, out: &mut Vec<Action>) {
    let current = wb.settings.experiment.data.source();
    source_ui(wb, current.as_ref(), path_field, ui, out);
    if let Some(DataSource::Synthetic(spec)) = &current {
        generator_ui(wb, ui, spec.clone(), out);
    }
    let Some(ds) = wb.data.dataset.clone() else {
        ui.label("No data loaded yet.");
        return;
    };
    ui.separator();
    summary_ui(wb, &ds, ui, out);
    preparation_ui(wb, &ds, matches!(current, Some(DataSource::File(_))), ui, out);
    egui::CollapsingHeader::new("Preview").default_open(false).show(ui, |ui| preview_ui(ui, &ds));
}

/// The dataset menu (built in, generated, recent files), Open file… and the Path field.
fn source_ui(
    wb: &Workbench,
    current: Option<&DataSource>,
    path_field: &mut String,
    ui: &mut Ui,
    out: &mut Vec<Action>,
) {
    egui::ComboBox::from_label("Dataset").selected_text(source_label(current)).width(220.0).show_ui(
        ui,
        |ui| {
            ui.label(RichText::new("Built in").weak());
            for b in Builtin::ALL {
                if ui
                    .selectable_label(current == Some(&DataSource::Builtin(b)), b.id())
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
            if let Some(text) = &wb.settings.last_pasted {
                ui.separator();
                let source = DataSource::Pasted(text.clone());
                if ui
                    .selectable_label(current == Some(&source), source.describe())
                    .on_hover_text(
                        "The cells pasted last (Ctrl+V with cells copied from a spreadsheet or a web page)",
                    )
                    .clicked()
                {
                    out.push(Action::Load(source));
                }
            }
            if !wb.settings.recent_files.is_empty() {
                ui.separator();
                ui.label(RichText::new("Recent files").weak());
                for p in &wb.settings.recent_files {
                    let name = p.display().to_string();
                    if ui.selectable_label(current == Some(&DataSource::File(p.clone())), &name).clicked() {
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
}

/// What is loaded: rows, features, the split, missing values, the sheet and the class balance.
fn summary_ui(wb: &Workbench, ds: &crate::data::Dataset, ui: &mut Ui, out: &mut Vec<Action>) {
    let data = &wb.settings.experiment.data;
    let task = data.task.unwrap_or_else(|| ds.infer_task());
    ui.label(
        RichText::new(format!("{}: {} rows × {} features", ds.name, ds.rows(), ds.feature_count())).strong(),
    );
    if let Some(p) = &wb.data.prepared {
        let classes =
            if p.classes.is_empty() { String::new() } else { format!(", {} classes", p.classes.len()) };
        ui.label(format!(
            "{task}{classes}; {} training / {} validation / {} test rows",
            p.train_rows(),
            p.val_rows(),
            p.x_test.nrows()
        ));
        if p.inputs() != ds.feature_count() {
            ui.label(format!("{} inputs with the crosses", p.inputs()));
        }
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
        ui.label(format!("class balance: {}", parts.join(", ")));
    }
    if let Some(format) = &ds.format {
        ui.label(RichText::new(format!("read as {format}")).weak());
    }
    // What was done with the columns a file flagged or that name the rows.
    for note in &ds.notes {
        ui.label(RichText::new(note).color(ui.visuals().warn_fg_color));
    }
}

/// The task, the split, standardisation, missing values and the columns' roles.
fn preparation_ui(wb: &Workbench, ds: &crate::data::Dataset, file: bool, ui: &mut Ui, out: &mut Vec<Action>) {
    let mut data = wb.settings.experiment.data.clone();
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
    commit |= crosses_ui(ui, &mut data);
    commit |= na_ui(ui, &mut data);
    if file {
        commit |= columns_ui(ui, ds, &mut data);
    }
    if data != before || commit {
        out.push(Action::SetData { data: Box::new(data), commit });
    }
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
            for title in ["column", "kind", "target", "use"] {
                ui.label(RichText::new(title).strong());
            }
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
                changed |= use_ui(ui, c, data);
                ui.end_row();
            }
        });
    });
    changed
}

/// Whether a column is a feature: one the file set aside (its labels, a
/// meta column) can be made one, and a feature can be left out.
fn use_ui(ui: &mut Ui, c: &crate::data::ColumnInfo, data: &mut crate::experiment::DataSpec) -> bool {
    let name = c.name.clone();
    match c.role {
        Role::Target => {
            ui.label("");
            false
        }
        Role::Labels | Role::Meta => {
            let mut feature = data.features.contains(&name);
            let what = if c.role == Role::Labels { "the rows' labels" } else { "set aside by the file" };
            let r = ui
                .checkbox(&mut feature, "as a feature")
                .on_hover_text(format!("'{name}' is {what}; use it as an input feature instead"));
            if r.changed() {
                data.features.retain(|n| *n != name);
                if feature {
                    data.features.push(name);
                }
            }
            r.changed()
        }
        Role::Feature | Role::Ignored => {
            let mut used = c.role == Role::Feature;
            let r = ui
                .checkbox(&mut used, "feature")
                .on_hover_text(format!("Leave '{name}' out (an id, a date…)"));
            if r.changed() {
                data.ignore.retain(|n| *n != name);
                data.features.retain(|n| *n != name);
                if !used {
                    data.ignore.push(name);
                }
            }
            r.changed()
        }
    }
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

/// Words that mean a missing value in every column (`""`, `?` and `NA`
/// always do): a class called "none" stays a class unless named here.
fn na_ui(ui: &mut Ui, data: &mut crate::experiment::DataSpec) -> bool {
    let id = ui.make_persistent_id("na-words");
    // The text being typed stays while the words it was typed for are the data's.
    let (mut text, _) = ui
        .data_mut(|d| d.get_temp::<(String, Vec<String>)>(id))
        .filter(|(_, shown_for)| *shown_for == data.na)
        .unwrap_or_else(|| (data.na.join(", "), data.na.clone()));
    let mut commit = false;
    ui.horizontal(|ui| {
        let label = ui.label("Also missing");
        let r = ui
            .add(egui::TextEdit::singleline(&mut text).hint_text("e.g. none, n/a").desired_width(140.0))
            .labelled_by(label.id)
            .on_hover_text(
                "Words that mean a missing value in every column, comma-separated; \"\", ? and NA always do",
            );
        if r.lost_focus() {
            let words: Vec<String> =
                text.split(',').map(|w| w.trim().to_string()).filter(|w| !w.is_empty()).collect();
            if words != data.na {
                data.na = words;
                commit = true;
            }
        }
    });
    let shown_for = data.na.clone();
    ui.data_mut(|d| d.insert_temp(id, (text, shown_for)));
    commit
}

/// Feature crosses, as TensorFlow Playground offers them: the inputs also
/// as their squares, pairwise products and sines.
fn crosses_ui(ui: &mut Ui, data: &mut crate::experiment::DataSpec) -> bool {
    let mut commit = false;
    ui.horizontal_wrapped(|ui| {
        ui.label("Inputs also as").on_hover_text(
            "Feature crosses: each chosen kind of term is added as an input (x1², x1·x2, sin(x1)), standardised like the others; L1 can then pick the terms a target is made of",
        );
        for cross in crate::data::Cross::ALL {
            let mut on = data.expand.contains(cross);
            if ui.checkbox(&mut on, cross_label(*cross)).changed() {
                data.expand.retain(|c| c != cross);
                if on {
                    data.expand.push(*cross);
                }
                commit = true;
            }
        }
    });
    commit
}

fn cross_label(cross: crate::data::Cross) -> &'static str {
    match cross {
        crate::data::Cross::Square => "squares",
        crate::data::Cross::Product => "products",
        crate::data::Cross::Sin => "sines",
    }
}

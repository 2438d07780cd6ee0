//! The workbench window (eframe/egui): panels to choose the data, the
//! network and the runs, and live plots fed by the trainer's snapshots.
//! Nothing here computes a gradient; training happens in
//! [`crate::train::live`] on its own thread.

mod app;
pub mod history;
mod panels;
mod plots;
mod settings;

use std::path::PathBuf;

pub use app::{Action, DataChoice, ReglabApp};
pub use settings::{RunEntry, Settings, Theme, ViewSettings};

/// Colours that stay apart for colour-blind viewers and on a projector
/// (Okabe & Ito), in the order runs get them.
pub const PALETTE: [[u8; 3]; 8] = [
    [0x99, 0x99, 0x99],
    [0xD5, 0x5E, 0x00],
    [0x00, 0x72, 0xB2],
    [0x00, 0x9E, 0x73],
    [0xCC, 0x79, 0xA7],
    [0xE6, 0x9F, 0x00],
    [0x56, 0xB4, 0xE9],
    [0x33, 0x33, 0x33],
];

/// What `reglab SOURCE` names: a file, or `builtin:NAME` / `synthetic:KIND,…`
/// as `--data` takes them.
pub fn choice_from_arg(arg: &std::path::Path) -> anyhow::Result<DataChoice> {
    let text = arg.to_string_lossy();
    if arg.exists() {
        return Ok(DataChoice::File(arg.to_path_buf()));
    }
    let mut spec = crate::experiment::DataSpec::default();
    spec.set_source(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(DataChoice::from_spec(&spec).unwrap_or_else(|| DataChoice::File(PathBuf::from(text.as_ref()))))
}

/// Opens the workbench; `source` is loaded at start when given.
pub fn run(source: Option<PathBuf>) -> anyhow::Result<()> {
    let file = source.as_deref().map(choice_from_arg).transpose()?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("reglab — Regularization Lab")
            .with_app_id("reglab")
            .with_inner_size([1600.0, 1000.0])
            .with_min_inner_size([900.0, 600.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native("reglab", options, Box::new(move |cc| Ok(Box::new(ReglabApp::new(cc, file)))))
        .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

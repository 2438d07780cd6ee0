//! The workbench window (eframe/egui): the glue ([`app`]), the panels that
//! choose the data, the network and the runs, and the live plots. It reads
//! the [`crate::workbench::Workbench`] and returns its actions; nothing here
//! computes a gradient or owns a thread.

mod app;
mod panels;
mod plots;
mod view;

use std::path::PathBuf;

pub use app::{ReglabApp, WindowState};
pub use view::{FrameTimes, SHORTCUT_EXPORT, Theme, ViewSettings, color};

use crate::experiment::DataSource;

/// What `reglab SOURCE` names: a file, or `builtin:NAME` / `synthetic:KIND,…`
/// as `--data` takes them.
pub fn source_from_arg(arg: &std::path::Path) -> anyhow::Result<DataSource> {
    if arg.exists() {
        return Ok(DataSource::File(arg.to_path_buf()));
    }
    DataSource::parse(&arg.to_string_lossy()).map_err(|e| anyhow::anyhow!("{}: {e}", arg.display()))
}

/// Opens the workbench; `source` is loaded at start when given.
pub fn run(source: Option<PathBuf>) -> anyhow::Result<()> {
    let source = source.as_deref().map(source_from_arg).transpose()?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("reglab — Regularization Lab")
            .with_app_id("reglab")
            .with_inner_size([1600.0, 1000.0])
            .with_min_inner_size([900.0, 600.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native("reglab", options, Box::new(move |cc| Ok(Box::new(ReglabApp::new(cc, source)))))
        .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

//! The workbench window (eframe/egui), behind the default cargo feature
//! `gui`: the glue ([`app`]), the panels around the views ([`panels`]), the
//! tiled views ([`dashboard`], one file per view under [`views`]), the file
//! dialogs, the export's pictures, the window's bench workloads, and its
//! pictures made without a display ([`render`]: drawn on the CPU by
//! [`raster`], animations written by [`apng`]). It reads the
//! [`crate::workbench::Workbench`] and returns its actions; nothing here
//! computes a gradient or trains.

pub mod apng;
mod app;
mod capture;
pub mod dashboard;
mod dialogs;
mod lesson;
mod panels;
pub mod raster;
mod record;
pub mod render;
pub mod shortcuts;
pub mod timing;
mod view;
pub mod views;

use std::path::PathBuf;

pub use app::{ReglabApp, WindowState};
pub use shortcuts::SHORTCUT_EXPORT;
pub use view::{Theme, ViewSettings, color};

use crate::experiment::DataSource;

/// What `reglab SOURCE` names: a file, or `builtin:NAME` / `synthetic:KIND,…`
/// as `--data` takes them.
pub fn source_from_arg(arg: &std::path::Path) -> anyhow::Result<DataSource> {
    if arg.exists() {
        return Ok(DataSource::File(arg.to_path_buf()));
    }
    DataSource::parse(&arg.to_string_lossy()).map_err(|e| anyhow::anyhow!("{}: {e}", arg.display()))
}

/// The window's icon (`assets/icon/reglab.png`, made by `make_icon.py` there).
pub const ICON_PNG: &[u8] = include_bytes!("../../assets/icon/reglab.png");

/// Where the Wayland client library that OpenGL on Wayland needs may be.
const WAYLAND_EGL: [&str; 4] = [
    "/usr/lib/x86_64-linux-gnu/libwayland-egl.so.1",
    "/usr/lib/aarch64-linux-gnu/libwayland-egl.so.1",
    "/usr/lib64/libwayland-egl.so.1",
    "/usr/lib/libwayland-egl.so.1",
];

/// On a Wayland session without `libwayland-egl` the window cannot open
/// there (winit panics loading it); with an X server at hand (XWayland) it
/// opens through X11 instead, and says so.
fn prefer_x11_without_wayland_egl() {
    let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty());
    let x11 = std::env::var_os("DISPLAY").is_some_and(|v| !v.is_empty());
    if wayland && x11 && !WAYLAND_EGL.iter().any(|p| std::path::Path::new(p).exists()) {
        eprintln!(
            "reglab: libwayland-egl is not installed (apt-get install libwayland-egl1); opening the window through X11"
        );
        // SAFETY: called at start, before reglab starts any thread.
        unsafe { std::env::remove_var("WAYLAND_DISPLAY") };
    }
}

/// Opens the workbench; `source` is loaded at start when given.
pub fn run(source: Option<PathBuf>, lesson: Option<crate::lesson::Lesson>) -> anyhow::Result<()> {
    let source = source.as_deref().map(source_from_arg).transpose()?;
    prefer_x11_without_wayland_egl();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("reglab — Regularization Lab")
        .with_app_id("reglab")
        .with_inner_size([1600.0, 1000.0])
        .with_min_inner_size([900.0, 600.0])
        .with_drag_and_drop(true);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions { viewport, ..Default::default() };
    // A window system that cannot start is an error to report, not a crash.
    let started = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        eframe::run_native(
            "reglab",
            options,
            Box::new(move |cc| Ok(Box::new(ReglabApp::new(cc, source, lesson)))),
        )
    }));
    match started {
        Ok(result) => result.map_err(|e| anyhow::anyhow!("cannot open the window: {e}")),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(anyhow::anyhow!(
                "cannot open the window: {what}. On Linux the window needs OpenGL and X11 or Wayland libraries: \
                 apt-get install libgl1 libegl1 libx11-xcb1 libxcursor1 libxi6 libxkbcommon-x11-0 libwayland-egl1"
            ))
        }
    }
}

#[cfg(test)]
mod tests;

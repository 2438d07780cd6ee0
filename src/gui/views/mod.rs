//! The views, one file each, drawn from the workbench's histories into the
//! space their tile gives them: one colour per run everywhere (made legible
//! on the plot's background), values on hover, no legend over the data (the
//! dashboard's key names the runs and line styles). Each reads the
//! workbench and its view settings and returns actions. What they share is
//! in [`plot`] (axes, ticks, change markers) and [`chrome`] (a view's header).

mod accuracy;
pub mod boundary;
pub mod chrome;
mod error;
mod formula;
mod geometry;
mod histograms;
mod importance;
mod network;
mod norms;
mod path;
pub mod plot;
mod sparsity;

use egui::Ui;

use self::chrome::Chrome;
use super::view::ViewSettings;
use crate::experiment::ViewKind;
use crate::workbench::{Action, Workbench};

/// The window's textures, each rebuilt only when what it shows changed.
#[derive(Default)]
pub struct Textures {
    /// Per run: the decision boundary.
    pub boundary: boundary::BoundaryTextures,
    /// Per run: the histogram history heat map.
    history: histograms::HistoryTextures,
    /// Per run: the data error over the plane of two weights.
    geometry: geometry::GeometryTextures,
}

/// Draws view `kind` into the space of its tile.
pub fn view_ui(
    kind: ViewKind,
    wb: &Workbench,
    view: &mut ViewSettings,
    textures: &mut Textures,
    chrome: &mut Chrome,
    ui: &mut Ui,
    out: &mut Vec<Action>,
) {
    match kind {
        ViewKind::Formula => formula::formula_ui(wb, view, chrome, ui),
        ViewKind::Error => error::error_ui(wb, view, chrome, ui, out),
        ViewKind::Accuracy => accuracy::accuracy_ui(wb, view, chrome, ui),
        ViewKind::Histograms => histograms::histograms_ui(wb, view, &mut textures.history, chrome, ui),
        ViewKind::Layers => histograms::layers_ui(wb, view, chrome, ui),
        ViewKind::Sparsity => sparsity::sparsity_ui(wb, view, chrome, ui),
        ViewKind::Norms => norms::norms_ui(wb, chrome, ui),
        ViewKind::Importance => importance::importance_ui(wb, view, chrome, ui),
        ViewKind::Boundary => boundary::boundary_ui(wb, &mut textures.boundary, chrome, ui),
        ViewKind::Path => path::path_ui(wb, view, chrome, ui, out),
        ViewKind::Network => network::network_ui(wb, chrome, ui),
        ViewKind::Geometry => {
            if geometry::geometry_ui(wb, &mut textures.geometry, chrome, ui) {
                out.push(Action::ComputeGeometry);
            }
        }
    }
}

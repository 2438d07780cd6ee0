//! The central area: every view is a tile (egui_tiles, rerun's tiling
//! engine) that can be dragged by its title, resized, put in tabs,
//! maximised (its button, a double-click on its title, or M over it) and
//! restored. Above the tiles, the preset's note and one key for all plots:
//! each run's colour and what solid, dashed and dotted lines mean, so that
//! no legend covers the data. The arrangement is plain data ([`Layout`]),
//! saved with the app and in session files.

use egui::{RichText, Ui};
use egui_tiles::{Container, LinearDir, SimplificationOptions, Tile, TileId, Tiles, Tree, UiResponse};

use super::view::ViewSettings;
use super::views::chrome::{Chrome, PlotDrawn, run_colors};
use super::views::{self, Textures};
use crate::experiment::{Layout, ViewKind};
use crate::workbench::{Action, Workbench};

/// Where a view was drawn in the last frame: its tile, the extent of all
/// it drew (the same as the tile unless something spilled over), its plots,
/// and its panels per run.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub view: ViewKind,
    pub tile: egui::Rect,
    pub content: egui::Rect,
    pub plots: Vec<PlotDrawn>,
    pub panels: Vec<egui::Rect>,
}

pub struct Dashboard {
    tree: Tree<ViewKind>,
    /// The view shown alone, if any.
    pub maximized: Option<ViewKind>,
    /// Where each view was drawn in the last frame.
    pub drawn: Vec<Drawn>,
    /// The view under the pointer in the last frame.
    hovered: Option<ViewKind>,
    /// The view shown when the area is too small for the layout.
    compact: Option<ViewKind>,
    /// What a screen reader reads of each view, renewed at a calm rate.
    pub descriptions: Descriptions,
}

/// Each view's description for a screen reader, and when it was made: it is
/// renewed every [`Descriptions::EVERY`] seconds while the runs train (a
/// reader that re-read it every frame would never finish a sentence), and
/// at once when they stop, when the session changes or when it was made
/// before any metrics.
#[derive(Default)]
pub struct Descriptions {
    made: std::collections::HashMap<ViewKind, Description>,
}

struct Description {
    text: String,
    at: f64,
    state: State,
}

/// What, when it changes, renews every description at once.
#[derive(Debug, Clone, Copy, PartialEq)]
struct State {
    session: u64,
    trainer: crate::train::live::TrainerState,
    /// Every run has metrics.
    measured: bool,
    /// The studies: which runs have contours (and of which epochs), seeds, a path.
    contours: usize,
    seeds: bool,
    sweep: bool,
}

impl State {
    fn of(wb: &Workbench) -> State {
        State {
            session: wb.screen.session_id,
            trainer: wb.screen.trainer_state,
            measured: wb.screen.runs.iter().all(|r| r.history.latest.is_some()),
            contours: wb.studies.geometry.iter().map(|p| p.epoch + 1).sum(),
            seeds: wb.studies.seeds.is_some(),
            sweep: wb.studies.sweep.is_some(),
        }
    }
}

impl Descriptions {
    pub const EVERY: f64 = 2.0;

    /// The description of `kind`, renewed when due.
    pub fn of(&mut self, wb: &Workbench, kind: ViewKind, now: f64) -> &str {
        let state = State::of(wb);
        let due = match self.made.get(&kind) {
            None => true,
            Some(d) => d.state != state || now - d.at >= Self::EVERY,
        };
        if due {
            self.made.insert(
                kind,
                Description { text: crate::workbench::describe::describe(wb, kind), at: now, state },
            );
        }
        &self.made[&kind].text
    }
}

/// Below this size (in points) the views are shown one at a time.
fn is_compact(area: egui::Vec2) -> bool {
    area.x < 800.0 || area.y < 420.0
}

impl Dashboard {
    pub fn new(layout: &Layout) -> Dashboard {
        Dashboard {
            tree: tree_of(layout),
            maximized: None,
            drawn: Vec::new(),
            hovered: None,
            compact: None,
            descriptions: Descriptions::default(),
        }
    }

    /// The arrangement as a file holds it.
    pub fn layout(&self) -> Layout {
        self.tree
            .root()
            .and_then(|root| layout_of(&self.tree.tiles, root))
            .unwrap_or_else(|| Layout::focus(&[]))
    }

    pub fn set_layout(&mut self, layout: &Layout) {
        self.tree = tree_of(layout);
        self.maximized = None;
    }

    /// Where view `kind` was drawn in the last frame.
    pub fn rect_of(&self, kind: ViewKind) -> Option<egui::Rect> {
        self.drawn.iter().find(|d| d.view == kind).map(|d| d.tile)
    }

    /// The tabs of compact mode, the experiment's key views first; the view chosen.
    fn compact_tabs_ui(&mut self, ui: &mut Ui) -> ViewKind {
        let mut views = self.layout().views();
        let current =
            self.compact.filter(|v| views.contains(v)).or(views.first().copied()).unwrap_or(ViewKind::Error);
        views.dedup();
        ui.horizontal_wrapped(|ui| {
            for v in views {
                if ui.selectable_label(v == current, v.title()).clicked() {
                    self.compact = Some(v);
                }
            }
        });
        self.compact.filter(|v| *v != current).unwrap_or(current)
    }

    /// Maximises the view under the pointer, or restores the layout.
    pub fn toggle_hovered(&mut self) {
        self.maximized = match self.maximized {
            Some(_) => None,
            None => self.hovered,
        };
    }

    pub fn ui(
        &mut self,
        wb: &Workbench,
        view: &mut ViewSettings,
        textures: &mut Textures,
        ui: &mut Ui,
        out: &mut Vec<Action>,
    ) {
        if let Some(run) = &wb.lesson
            && super::lesson::lesson_ui(run, ui, out)
        {
            self.drawn.clear();
            return;
        }
        if wb.screen.runs.is_empty() {
            ui.centered_and_justified(|ui| {
                if wb.data.prepared.is_none() && !wb.is_loading() {
                    ui.label("Choose a dataset in the Data panel, open a file, or drop one on the window.");
                } else {
                    ui.spinner();
                }
            });
            return;
        }
        let compact = is_compact(ui.available_size());
        if wb.lesson.is_none() {
            note_ui(wb, compact, ui, out);
        }
        key_ui(wb, ui);
        // A small area (a zoomed projector, a small window) shows one view at
        // a time, chosen by its tab, rather than views too small to read.
        let shown = match self.maximized {
            Some(kind) => Some(kind),
            None if compact => Some(self.compact_tabs_ui(ui)),
            None => None,
        };
        let mut behavior = TileBehavior {
            wb,
            view,
            textures,
            out,
            drawn: Vec::new(),
            toggle: None,
            hovered: None,
            maximized: None,
            descriptions: &mut self.descriptions,
        };
        match shown {
            Some(kind) => {
                behavior.maximized = self.maximized;
                let rect = ui.available_rect_before_wrap();
                let mut child =
                    ui.new_child(egui::UiBuilder::new().max_rect(rect).id_salt(("maximized", kind.id())));
                behavior.draw(&mut child, kind);
                ui.allocate_rect(rect, egui::Sense::hover());
            }
            None => self.tree.ui(&mut behavior, ui),
        }
        self.drawn = behavior.drawn;
        self.hovered = behavior.hovered;
        if let Some(kind) = behavior.toggle {
            self.maximized = if self.maximized.is_some() { None } else { Some(kind) };
        }
    }
}

/// The preset's (or named session's) explanation; on one line, the rest on
/// hover, when the area is small.
fn note_ui(wb: &Workbench, compact: bool, ui: &mut Ui, out: &mut Vec<Action>) {
    let Some(note) = &wb.screen.note else { return };
    ui.horizontal_wrapped(|ui| {
        if ui.small_button("Close").on_hover_text("Hide this explanation").clicked() {
            out.push(Action::ClosePresetNote);
        }
        ui.label(RichText::new(&note.name).strong().size(16.0));
        let text = RichText::new(&note.description).size(14.0);
        if compact {
            ui.add(egui::Label::new(text).truncate()).on_hover_text(&note.description);
        } else {
            ui.label(text);
        }
    });
}

/// One key for every plot: the runs' colours and the line styles.
fn key_ui(wb: &Workbench, ui: &mut Ui) {
    let colors = run_colors(ui, wb);
    ui.horizontal_wrapped(|ui| {
        if wb.screen.trainer_state == crate::train::live::TrainerState::Idle && wb.screen.epoch() == 0 {
            let accent = ui.visuals().selection.bg_fill;
            ui.label(RichText::new(" Space: train ").strong().size(16.0).background_color(accent).color(egui::Color32::WHITE))
                .on_hover_text("Press Space, or Train in the toolbar, to train every run side by side");
            ui.add_space(8.0);
        }
        for (i, h) in wb.screen.runs.iter().enumerate() {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(22.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, colors[i]);
            ui.label(RichText::new(&h.name).strong().color(colors[i]));
            ui.add_space(8.0);
        }
        ui.separator();
        ui.label(RichText::new("solid: training · dashed: validation · dotted: penalty R(w) · shade: the spread behind a thinned line · diamond: lowest validation error (early stopping) · vertical dashes: a setting changed").weak());
    });
}

struct TileBehavior<'a> {
    wb: &'a Workbench,
    view: &'a mut ViewSettings,
    textures: &'a mut Textures,
    out: &'a mut Vec<Action>,
    drawn: Vec<Drawn>,
    toggle: Option<ViewKind>,
    hovered: Option<ViewKind>,
    maximized: Option<ViewKind>,
    descriptions: &'a mut Descriptions,
}

impl TileBehavior<'_> {
    /// Draws one view in `ui`'s space; `true` when its title is being dragged.
    fn draw(&mut self, ui: &mut Ui, kind: ViewKind) -> bool {
        let rect = ui.max_rect();
        if ui.rect_contains_pointer(rect) {
            self.hovered = Some(kind);
        }
        // Nothing of a view is painted outside its tile.
        ui.set_clip_rect(rect.intersect(ui.clip_rect()));
        let mut chrome = Chrome::new(rect, self.maximized.is_some());
        let frame = egui::Frame::new().inner_margin(4).show(ui, |ui| {
            ui.set_min_size(ui.available_size());
            views::view_ui(kind, self.wb, self.view, self.textures, &mut chrome, ui, self.out);
        });
        if chrome.toggle {
            self.toggle = Some(kind);
        }
        self.expose(ui, kind, rect);
        let drag = chrome.drag_started;
        self.drawn.push(Drawn {
            view: kind,
            tile: rect,
            content: frame.response.rect,
            plots: chrome.plots,
            panels: chrome.panels,
        });
        drag
    }
}

impl TileBehavior<'_> {
    /// The view as a screen reader sees it: an image named by the view's
    /// title, described with its numbers now.
    fn expose(&mut self, ui: &mut Ui, kind: ViewKind, rect: egui::Rect) {
        let response =
            ui.interact(rect, ui.scope_id().with(("reglab-view", kind.id())), egui::Sense::hover());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Image, true, kind.title()));
        // Without a screen reader (AccessKit off) there is no node, and nothing to describe.
        if ui.ctx().accesskit_node_builder(response.id, |_| ()).is_none() {
            return;
        }
        let now = ui.input(|i| i.time);
        let text = self.descriptions.of(self.wb, kind, now).to_owned();
        ui.ctx().accesskit_node_builder(response.id, |node| node.set_description(text));
    }
}

impl egui_tiles::Behavior<ViewKind> for TileBehavior<'_> {
    fn tab_title_for_pane(&mut self, pane: &ViewKind) -> egui::WidgetText {
        pane.title().into()
    }

    fn pane_ui(&mut self, ui: &mut Ui, _tile_id: TileId, pane: &mut ViewKind) -> UiResponse {
        if self.draw(ui, *pane) { UiResponse::DragStarted } else { UiResponse::None }
    }

    fn simplification_options(&self) -> SimplificationOptions {
        SimplificationOptions { all_panes_must_have_tabs: false, ..SimplificationOptions::default() }
    }

    fn gap_width(&self, _style: &egui::Style) -> f32 {
        3.0
    }
}

fn tree_of(layout: &Layout) -> Tree<ViewKind> {
    // Every view has a place: one the layout leaves out goes into a tab.
    let mut layout = layout.clone();
    let missing: Vec<ViewKind> =
        ViewKind::ALL.iter().copied().filter(|v| !layout.views().contains(v)).collect();
    if !missing.is_empty() {
        let mut tabs: Vec<Layout> = missing.into_iter().map(|view| Layout::View { view }).collect();
        layout = match layout {
            Layout::Vertical { mut children, mut shares } => {
                children.push(Layout::Tabs { children: std::mem::take(&mut tabs), active: 0 });
                if !shares.is_empty() {
                    shares.push(1.0);
                }
                Layout::Vertical { children, shares }
            }
            other => Layout::Vertical {
                children: vec![other, Layout::Tabs { children: tabs, active: 0 }],
                shares: vec![2.0, 1.0],
            },
        };
    }
    let mut tiles = Tiles::default();
    let root = insert(&mut tiles, &layout);
    Tree::new(egui::Id::unique("reglab-dashboard"), root, tiles)
}

fn insert(tiles: &mut Tiles<ViewKind>, layout: &Layout) -> TileId {
    let children = |tiles: &mut Tiles<ViewKind>, c: &[Layout]| -> Vec<TileId> {
        c.iter().map(|l| insert(tiles, l)).collect()
    };
    match layout {
        Layout::View { view } => tiles.insert_pane(*view),
        Layout::Tabs { children: c, active } => {
            let ids = children(tiles, c);
            let id = tiles.insert_tab_tile(ids.clone());
            if let Some(Tile::Container(Container::Tabs(t))) = tiles.get_mut(id) {
                t.active = ids.get(*active).or(ids.first()).copied();
            }
            id
        }
        Layout::Horizontal { children: c, shares } | Layout::Vertical { children: c, shares } => {
            let ids = children(tiles, c);
            let id = if matches!(layout, Layout::Horizontal { .. }) {
                tiles.insert_horizontal_tile(ids.clone())
            } else {
                tiles.insert_vertical_tile(ids.clone())
            };
            if let Some(Tile::Container(Container::Linear(lin))) = tiles.get_mut(id) {
                for (child, share) in ids.iter().zip(shares) {
                    if share.is_finite() && *share > 0.0 {
                        lin.shares[*child] = *share;
                    }
                }
            }
            id
        }
        Layout::Grid { children: c } => {
            let ids = children(tiles, c);
            tiles.insert_grid_tile(ids)
        }
    }
}

fn layout_of(tiles: &Tiles<ViewKind>, id: TileId) -> Option<Layout> {
    let children =
        |ids: &[TileId]| -> Vec<Layout> { ids.iter().filter_map(|c| layout_of(tiles, *c)).collect() };
    Some(match tiles.get(id)? {
        Tile::Pane(view) => Layout::View { view: *view },
        Tile::Container(Container::Tabs(t)) => Layout::Tabs {
            children: children(&t.children),
            active: t.active.and_then(|a| t.children.iter().position(|c| *c == a)).unwrap_or(0),
        },
        Tile::Container(Container::Linear(lin)) => {
            let c = children(&lin.children);
            let shares = lin.children.iter().map(|child| lin.shares[*child]).collect();
            match lin.dir {
                LinearDir::Horizontal => Layout::Horizontal { children: c, shares },
                LinearDir::Vertical => Layout::Vertical { children: c, shares },
            }
        }
        Tile::Container(Container::Grid(g)) => {
            let ids: Vec<TileId> = g.children().copied().collect();
            Layout::Grid { children: children(&ids) }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layout_survives_the_tree_and_back() {
        let layout = Layout::Vertical {
            children: vec![
                Layout::Horizontal {
                    children: vec![
                        Layout::View { view: ViewKind::Importance },
                        Layout::View { view: ViewKind::Sparsity },
                    ],
                    shares: vec![2.0, 1.0],
                },
                Layout::Tabs {
                    children: ViewKind::ALL
                        .iter()
                        .filter(|v| !matches!(v, ViewKind::Importance | ViewKind::Sparsity))
                        .map(|&view| Layout::View { view })
                        .collect(),
                    active: 2,
                },
            ],
            shares: vec![3.0, 1.0],
        };
        let d = Dashboard::new(&layout);
        assert_eq!(d.layout(), layout);
        // A layout that leaves views out gets them in tabs.
        let d = Dashboard::new(&Layout::View { view: ViewKind::Error });
        let mut views = d.layout().views();
        views.sort_by_key(|v| v.id());
        let mut all = ViewKind::ALL.to_vec();
        all.sort_by_key(|v| v.id());
        assert_eq!(views, all);
    }
}

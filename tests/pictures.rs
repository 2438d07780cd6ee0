//! What the window draws, looked at: in each state a workshop reaches
//! (after the default run, after Go on, after Repeat, with four runs, after
//! each preset), at 1280×720, every view is drawn in its place and alone,
//! and the shapes egui outputs are held to what a picture needs: each view,
//! its plots and its panels inside its tile, each plot's data inside the
//! range it shows, one panel per run, no text under 12 px, no filled shape
//! that egui would fan out wrongly (a concave polygon). Each view is also
//! rendered (on the CPU, through wgpu) and compared with the snapshot under
//! `tests/snapshots/`, and a contact sheet of them all is written to
//! `target/tmp/contact-sheet.png` for a person to look at.

use std::time::{Duration, Instant};

use egui::epaint::{PathShape, Shape};
use egui::{Pos2, Rect};
use egui_kittest::Harness;
use reglab::experiment::ViewKind;
use reglab::gui::ReglabApp;
use reglab::gui::dashboard::Drawn;
use reglab::train::live::TrainerState;
use reglab::workbench::{Action, Pace, Settings};

const SIZE: egui::Vec2 = egui::vec2(1280.0, 720.0);
const TIMEOUT: Duration = Duration::from_secs(120);

fn wait_for(harness: &mut Harness<'static, ReglabApp>, what: &str, done: impl Fn(&ReglabApp) -> bool) {
    let start = Instant::now();
    loop {
        harness.step();
        if done(harness.state()) {
            return;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "timed out waiting for {what}: {:?}",
            harness.state().wb.notices.list
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The runs on screen have all ended, and nothing is computing.
fn settled(app: &ReglabApp) -> bool {
    let wb = &app.wb;
    !wb.is_loading()
        && !wb.screen.runs.is_empty()
        && wb.screen.trainer_state == TrainerState::Finished
        && wb.screen.runs.iter().all(|r| !r.status.is_active() && r.pictures.network.is_some())
        && !wb.is_computing_geometry()
        && wb.seeds_progress().is_none()
        && !wb.studies.geometry.is_empty()
}

/// A window at 1280×720 drawn on the CPU, its runs trained to the end.
fn trained(
    settings: Settings,
    prepare: impl FnOnce(&mut ReglabApp) + 'static,
) -> Harness<'static, ReglabApp> {
    let mut harness = Harness::builder().with_size(SIZE).wgpu().build_eframe(move |cc| {
        let mut app = ReglabApp::with_settings(cc.egui_ctx.clone(), settings);
        prepare(&mut app);
        app
    });
    wait_for(&mut harness, "the runs", |app| {
        !app.wb.is_loading()
            && !app.wb.screen.runs.is_empty()
            && app.wb.screen.runs.iter().all(|r| r.history.latest.is_some())
    });
    harness.state_mut().act(Action::Train);
    wait_for(&mut harness, "the end of training", settled);
    harness
}

fn fastest() -> Settings {
    Settings { pace: Pace::Fastest, ..Settings::default() }
}

/// Every way the last frame's picture goes wrong, in words.
fn faults(harness: &Harness<'static, ReglabApp>, what: &str) -> Vec<String> {
    let mut out = Vec::new();
    let app = harness.state();
    let ppp = harness.ctx.pixels_per_point();
    for d in &app.window.dashboard.drawn {
        out.extend(view_faults(d, app, ppp).into_iter().map(|f| format!("{what}, {}: {f}", d.view.id())));
    }
    let output = harness.output();
    let mut texts = Vec::new();
    let mut paths = Vec::new();
    for clipped in &output.shapes {
        collect(&clipped.shape, &mut texts, &mut paths);
    }
    for (size, text) in texts {
        if size * harness.ctx.pixels_per_point() < 12.0 {
            out.push(format!("{what}: text of {size:.1} px: {text:?}"));
        }
    }
    for p in paths {
        if !convex(&p.points) {
            out.push(format!(
                "{what}: a filled shape of {} points is not convex (egui fans it out)",
                p.points.len()
            ));
        }
    }
    out
}

fn contains(outer: Rect, inner: Rect) -> bool {
    outer.expand(1.0).contains_rect(inner)
}

/// `ppp`: pixels per point, to judge sizes as the screen shows them.
fn view_faults(d: &Drawn, app: &ReglabApp, ppp: f32) -> Vec<String> {
    let mut out = Vec::new();
    if !contains(d.tile, d.content) {
        out.push(format!("drawn over {:?}, outside its tile {:?}", d.content, d.tile));
    }
    for p in &d.plots {
        if !contains(d.tile, p.rect) {
            out.push(format!("plot '{}' at {:?} is outside the tile {:?}", p.name, p.rect, d.tile));
        }
        if p.rect.width() * ppp < 60.0 || p.rect.height() * ppp < 60.0 {
            out.push(format!("plot '{}' is only {:?} pixels", p.name, p.rect.size() * ppp));
        }
        if let Some([x0, x1, y0, y1]) = p.data {
            let [bx0, bx1, by0, by1] = p.bounds;
            let slack = |lo: f64, hi: f64| (hi - lo).abs() * 1e-3 + 1e-9;
            let (sx, sy) = (slack(bx0, bx1), slack(by0, by1));
            if x0 < bx0 - sx || x1 > bx1 + sx || y0 < by0 - sy || y1 > by1 + sy {
                out.push(format!("plot '{}' shows {:?} of data over {:?}", p.name, p.bounds, p.data));
            }
        }
    }
    for r in &d.panels {
        if !contains(d.tile, *r) {
            out.push(format!("a run's panel at {r:?} is outside the tile {:?}", d.tile));
        }
    }
    let runs = app.wb.screen.runs.len();
    let layers =
        app.wb.screen.runs.first().and_then(|r| r.history.latest.as_ref()).map_or(0, |m| m.histograms.len());
    let expected = match d.view {
        ViewKind::Histograms | ViewKind::Network => Some(runs),
        ViewKind::Layers => Some(runs * layers),
        ViewKind::Geometry => Some(app.wb.studies.geometry.len()),
        _ => None,
    };
    if let Some(n) = expected
        && d.panels.len() != n
    {
        out.push(format!("{} panels for {n} runs", d.panels.len()));
    }
    out
}

/// Every text's size in pixels and its words, and every filled closed path.
fn collect(shape: &Shape, texts: &mut Vec<(f32, String)>, paths: &mut Vec<PathShape>) {
    match shape {
        Shape::Vec(shapes) => shapes.iter().for_each(|s| collect(s, texts, paths)),
        Shape::Text(t) => {
            for s in &t.galley.job.sections {
                let range = s.byte_range.start.0..s.byte_range.end.0;
                let text = t.galley.job.text.get(range).unwrap_or_default().trim().to_string();
                if !text.is_empty() {
                    texts.push((s.format.font_id.size, text));
                }
            }
        }
        Shape::Path(p) if p.closed && p.fill.a() > 0 && p.points.len() > 3 => paths.push(p.clone()),
        _ => {}
    }
}

/// All turns of the closed path the same way (collinear points allowed).
fn convex(points: &[Pos2]) -> bool {
    let n = points.len();
    let mut sign = 0.0f32;
    for i in 0..n {
        let (a, b, c) = (points[i], points[(i + 1) % n], points[(i + 2) % n]);
        let cross = (b - a).x * (c - b).y - (b - a).y * (c - b).x;
        if cross.abs() < 1e-3 {
            continue;
        }
        if sign != 0.0 && cross.signum() != sign {
            return false;
        }
        sign = cross.signum();
    }
    true
}

/// The views worth a picture in a state: all but those with nothing to show.
fn shown_views(app: &ReglabApp) -> Vec<ViewKind> {
    ViewKind::ALL
        .into_iter()
        .filter(|v| match v {
            ViewKind::Boundary => app.wb.screen.boundary.is_some(),
            ViewKind::Path => app.wb.studies.sweep.is_some(),
            ViewKind::Accuracy => app.wb.data.prepared.as_ref().is_some_and(|p| p.task.is_classification()),
            _ => true,
        })
        .collect()
}

/// Looks at a state: the layout as it is (and with the Controls panel
/// open), then each view alone; `snap` names the views to render and
/// compare with their snapshots. Returns the faults found.
fn look(harness: &mut Harness<'static, ReglabApp>, state: &str, snap: &[ViewKind]) -> Vec<String> {
    let mut out = Vec::new();
    for controls in [false, true] {
        harness.state_mut().view.show_controls = Some(controls);
        harness.run_steps(3);
        out.extend(faults(
            harness,
            &format!("{state} (controls {})", if controls { "open" } else { "hidden" }),
        ));
    }
    // Zoomed in for a projector (Ctrl + four times).
    harness.state_mut().view.show_controls = None;
    harness.ctx.set_zoom_factor(1.5);
    harness.run_steps(3);
    out.extend(faults(harness, &format!("{state} at zoom 150%")));
    harness.ctx.set_zoom_factor(1.0);
    harness.state_mut().view.show_controls = Some(false);
    for view in shown_views(harness.state()) {
        harness.state_mut().window.dashboard.maximized = Some(view);
        harness.run_steps(3);
        out.extend(faults(harness, &format!("{state}, {} alone", view.id())));
        if snap.contains(&view) {
            out.extend(snapshot(harness, &format!("{state}-{}", view.id()), view));
        }
    }
    harness.state_mut().window.dashboard.maximized = None;
    harness.run_steps(2);
    out
}

/// Renders the window, cuts out `view`'s tile and compares it with
/// `tests/snapshots/NAME.png` (written anew with UPDATE_SNAPSHOTS=1).
fn snapshot(harness: &mut Harness<'static, ReglabApp>, name: &str, view: ViewKind) -> Option<String> {
    let image = harness.render().expect("the window renders");
    let tile = harness.state().window.dashboard.rect_of(view).expect("the view was drawn");
    let ppp = harness.ctx.pixels_per_point();
    let (x, y) = ((tile.min.x * ppp) as u32, (tile.min.y * ppp) as u32);
    let (w, h) = ((tile.width() * ppp) as u32, (tile.height() * ppp) as u32);
    let w = w.min(image.width() - x);
    let h = h.min(image.height() - y);
    let cut = image::imageops::crop_imm(&image, x, y, w, h).to_image();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pictures");
    let _ = std::fs::create_dir_all(&dir);
    let _ = cut.save(dir.join(format!("{name}.png")));
    let options =
        egui_kittest::SnapshotOptions::new().threshold(1.0).max_failed_pixels(w as usize * h as usize / 100);
    egui_kittest::try_image_snapshot_options(&cut, name, &options).err().map(|e| format!("{name}: {e}"))
}

const SNAP: [ViewKind; 8] = [
    ViewKind::Error,
    ViewKind::Histograms,
    ViewKind::Sparsity,
    ViewKind::Norms,
    ViewKind::Importance,
    ViewKind::Network,
    ViewKind::Geometry,
    ViewKind::Formula,
];

fn assert_none(faults: Vec<String>) {
    assert!(faults.is_empty(), "{} fault(s):\n{}", faults.len(), faults.join("\n"));
}

#[test]
fn the_default_run_then_go_on_then_repeat_draw_right() {
    let mut harness = trained(fastest(), |app| app.wb.load_current());
    let mut faults = look(&mut harness, "default", &SNAP);
    harness.state_mut().act(Action::Train);
    wait_for(&mut harness, "Go on to its end", |app| settled(app) && app.wb.screen.epoch() == 4000);
    faults.extend(look(&mut harness, "go-on", &SNAP));
    harness.state_mut().act(Action::RunSeeds { count: 3 });
    wait_for(&mut harness, "the runs over seeds", |app| app.wb.studies.seeds.is_some() && settled(app));
    faults.extend(look(&mut harness, "repeat", &[ViewKind::Error]));
    assert_none(faults);
    contact_sheet();
}

#[test]
fn four_runs_draw_right() {
    let mut harness = trained(fastest(), |app| {
        app.wb.apply(Action::AddRun);
        app.wb.load_current();
    });
    assert_eq!(harness.state().wb.screen.runs.len(), 4);
    assert_none(look(&mut harness, "four-runs", &SNAP));
    contact_sheet();
}

#[test]
fn every_preset_draws_its_key_views_right() {
    let mut faults = Vec::new();
    for (k, _) in reglab::experiment::PRESETS.iter().enumerate() {
        let exp = reglab::experiment::preset(k).expect("a preset").expect("it reads");
        let mut harness = trained(fastest(), move |app| app.wb.apply(Action::Preset(k)));
        let views: Vec<ViewKind> = exp.views.clone();
        faults.extend(look(&mut harness, &format!("preset-{}", k + 1), &views));
    }
    assert_none(faults);
    contact_sheet();
}

/// All snapshots rendered so far, in a grid with their names, as one
/// picture for a person to look at.
fn contact_sheet() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pictures");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let mut files: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    files.sort();
    let images: Vec<(String, egui::ColorImage)> = files
        .iter()
        .filter_map(|p| {
            let img = image::open(p).ok()?.to_rgba8();
            let size = [img.width() as usize, img.height() as usize];
            let name = p.file_stem()?.to_string_lossy().into_owned();
            Some((name, egui::ColorImage::from_rgba_unmultiplied(size, img.as_raw())))
        })
        .collect();
    let cols = 5;
    let (w, h) = (384.0, 236.0);
    let rows = images.len().div_ceil(cols).max(1);
    let size = egui::vec2(cols as f32 * w, rows as f32 * h);
    let mut textures: Vec<(String, egui::TextureHandle)> = Vec::new();
    let mut harness = Harness::builder().with_size(size).wgpu().build_ui(move |ui| {
        if textures.is_empty() {
            for (name, img) in &images {
                textures.push((name.clone(), ui.ctx().load_texture(name, img.clone(), Default::default())));
            }
        }
        egui::Grid::new("sheet").spacing([4.0, 2.0]).show(ui, |ui| {
            for (k, (name, tex)) in textures.iter().enumerate() {
                ui.vertical(|ui| {
                    ui.label(egui::RichText::new(name).strong());
                    ui.add(egui::Image::new(tex).fit_to_exact_size(egui::vec2(w - 8.0, h - 24.0)));
                });
                if k % cols == cols - 1 {
                    ui.end_row();
                }
            }
        });
    });
    harness.run();
    if let Ok(sheet) = harness.render() {
        let _ = sheet.save(dir.parent().unwrap_or(&dir).join("contact-sheet.png"));
    }
}

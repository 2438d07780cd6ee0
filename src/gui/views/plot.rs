//! What the plots share: the plot itself with its axes, ticks written as by
//! hand and the epoch cursor linked across plots, the points of a series,
//! and the dashed marks where a run's setting changed.

use egui::Color32;
use egui_plot::{GridInput, GridMark, LineStyle, Plot, PlotPoint, PlotPoints, VLine};

use super::chrome::Extent;
use crate::workbench::{Series, Workbench};

/// A plot over the epochs of `width` × `height`: round ticks on both axes,
/// always framed on all its data (no pan or zoom to lose it by on a
/// projector), and the epoch under the pointer shared by every plot over
/// epochs.
pub fn epoch_plot(id: &str, width: f32, height: f32, y_label: &str) -> Plot<'static> {
    Plot::new(id)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_boxed_zoom(false)
        .x_grid_spacer(nice_marks)
        .x_axis_formatter(|m, _| tick_label(m.value))
        .y_grid_spacer(nice_marks)
        .y_axis_formatter(|m, _| tick_label(m.value))
        .width(width)
        .height(height)
        .x_axis_label("epoch")
        .y_axis_label(y_label.to_string())
        .link_cursor(egui::Id::unique("epoch-cursor"), [true, false])
}

/// Grid lines of a log₁₀ axis at whole decades (and at 2 and 5 within
/// them when only a few decades show): ticks read 1, 0.1, 0.01.
pub fn decade_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || hi - lo > 400.0 {
        return Vec::new();
    }
    let mut marks = Vec::new();
    let fine = hi - lo < 3.0;
    for d in (lo.floor() as i64)..=(hi.ceil() as i64) {
        marks.push(GridMark { value: d as f64, step_size: 1.0 });
        if fine {
            for m in [2.0f64, 5.0] {
                marks.push(GridMark { value: d as f64 + m.log10(), step_size: 0.5 });
            }
        }
    }
    marks.retain(|m| m.value >= lo && m.value <= hi);
    marks
}

/// A tick's value as written by hand: 1500, 0.5, 0.0001 (never "0" for 0.5).
pub fn tick_label(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if v.abs() >= 1e6 || v.abs() < 1e-4 {
        return format!("{v:.0e}");
    }
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Grid lines at round values, 1, 2 or 5 times a power of ten apart, about
/// six across the axis (fewer on a narrow plot), all labelled.
pub fn nice_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return Vec::new();
    }
    // At most about six, and never closer than a label needs.
    let raw = (span / 6.0).max(input.base_step_size * 8.0);
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|s| *s >= raw).unwrap_or(10.0 * power);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    if last.saturating_sub(first) > 100 {
        return Vec::new();
    }
    (first..=last).map(|k| GridMark { value: k as f64 * step, step_size: step }).collect()
}

/// An exponential moving average of a series (TensorBoard's smoothing):
/// `s ← w·s + (1 − w)·y`, started at the first value.
pub fn smoothed(s: &Series, weight: f64, log: bool) -> PlotPoints<'static> {
    let mut acc: Option<f64> = None;
    PlotPoints::Owned(
        s.points()
            .iter()
            .map(|p| {
                let y = if log { p.y.max(1e-12).log10() } else { p.y };
                let v = match acc {
                    Some(a) => weight * a + (1.0 - weight) * y,
                    None => y,
                };
                acc = Some(v);
                PlotPoint::new(p.x, v)
            })
            .collect(),
    )
}

/// A series as plot points, `log₁₀` of each value when `log`.
pub fn points(s: &Series, log: bool) -> PlotPoints<'static> {
    if log {
        PlotPoints::Owned(s.points().iter().map(|p| PlotPoint::new(p.x, p.y.max(1e-12).log10())).collect())
    } else {
        PlotPoints::Owned(s.points().iter().map(|p| PlotPoint::new(p.x, p.y)).collect())
    }
}

/// A short label for a value: 0.25, 0.001, 3.2e-5, 1500, 2.5e6.
pub fn compact(y: f64) -> String {
    let a = y.abs();
    if a == 0.0 {
        "0".into()
    } else if (1e-4..1e5).contains(&a) {
        // Three significant digits, written as by hand.
        let decimals = (2 - a.log10().floor() as i32).clamp(0, 6) as usize;
        let s = format!("{y:.decimals$}");
        if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
    } else {
        format!("{y:.1e}")
    }
}

/// The range of `series` as the plot draws them, lines and ranges
/// (`log₁₀` of each value when `log`).
pub fn series_extent<'a>(series: impl IntoIterator<Item = &'a Series>, log: bool) -> Extent {
    let f = |y: f64| if log { y.max(1e-12).log10() } else { y };
    let mut e = Extent::default();
    for s in series {
        e.add_all(s.points().iter().map(|p| [p.x, f(p.y)]));
        e.add_all(s.band().iter().flat_map(|b| [[b[0], f(b[1])], [b[0], f(b[2])]]));
    }
    e
}

/// The range of values behind each point of a thinned series, as a faint
/// area around its line, when some values of a bucket differ: a noisy
/// series reads as its trend within its spread.
pub fn range_band(plot: &mut egui_plot::PlotUi<'_>, name: &str, s: &Series, log: bool, color: egui::Color32) {
    if !s.has_spread() {
        return;
    }
    let f = |y: f64| if log { y.max(1e-12).log10() } else { y };
    let band = s.band();
    let xs: Vec<f64> = band.iter().map(|b| b[0]).collect();
    let lo: Vec<f64> = band.iter().map(|b| f(b[1])).collect();
    let hi: Vec<f64> = band.iter().map(|b| f(b[2])).collect();
    plot.add(
        egui_plot::FilledArea::new(format!("{name}: range over the epochs of each point"), &xs, &lo, &hi)
            .fill_color(color.gamma_multiply(0.2))
            .allow_hover(false),
    );
}

/// A dashed vertical line in the run's colour at every change of its settings.
pub fn change_markers(wb: &Workbench, colors: &[Color32], plot: &mut egui_plot::PlotUi<'_>) {
    for (i, h) in wb.screen.runs.iter().enumerate() {
        for ch in &h.changes {
            plot.vline(
                VLine::new(format!("{}: {ch}", h.name), ch.epoch as f64)
                    .color(colors[i])
                    .style(LineStyle::dashed_dense())
                    .width(1.0),
            );
        }
    }
}

/// A series averaged over a window of `w` points around each point, with
/// the lowest and highest value in that window: how a share that flickers
/// from one epoch to the next reads as its level within its range.
pub struct Windowed {
    pub line: Vec<[f64; 2]>,
    pub xs: Vec<f64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
}

/// The window that keeps about fifty steps across a series of `n` points.
pub fn window_for(n: usize) -> usize {
    (n / 50).max(1)
}

pub fn windowed(s: &Series, w: usize) -> Windowed {
    let points = s.points();
    let band = s.band();
    let half = w / 2;
    let mut out = Windowed { line: Vec::new(), xs: Vec::new(), lo: Vec::new(), hi: Vec::new() };
    for (k, p) in points.iter().enumerate() {
        let range = k.saturating_sub(half)..(k + half + 1).min(points.len());
        let mean = points[range.clone()].iter().map(|q| q.y).sum::<f64>() / range.len() as f64;
        out.line.push([p.x, mean]);
    }
    for (k, b) in band.iter().enumerate() {
        let range = k.saturating_sub(half)..(k + half + 1).min(band.len());
        out.xs.push(b[0]);
        out.lo.push(band[range.clone()].iter().map(|c| c[1]).fold(f64::INFINITY, f64::min));
        out.hi.push(band[range].iter().map(|c| c[2]).fold(f64::NEG_INFINITY, f64::max));
    }
    out
}

/// Room to leave right of the last epoch for the runs' names, as a share
/// of the epochs shown, on a plot `width` points wide.
pub fn label_room(width: f32, names: impl IntoIterator<Item = usize>) -> f64 {
    let longest = names.into_iter().max().unwrap_or(0).min(24) as f32;
    let px = 8.0 + 7.5 * longest;
    (px / (width - px).max(40.0)) as f64
}

/// Each run's name at the end of its line, in its colour, moved apart
/// vertically so that no two overlap: the line is named where the eye ends.
pub fn end_labels(plot: &mut egui_plot::PlotUi<'_>, ends: Vec<(String, egui::Color32, [f64; 2])>) {
    const GAP: f32 = 15.0;
    // Labels are placed by the last frame's scale: none before there is one
    // (a text adds its place to the plot's range, which must not collapse).
    let b = plot.plot_bounds();
    let spans = [b.max()[0] - b.min()[0], b.max()[1] - b.min()[1]];
    if !spans.iter().all(|w| w.is_finite() && *w > 1e-9) || ends.iter().all(|(_, _, p)| p[0] <= 0.0) {
        return;
    }
    let mut placed: Vec<(String, egui::Color32, egui::Pos2)> = ends
        .into_iter()
        .filter(|(_, _, p)| p[0].is_finite() && p[1].is_finite())
        .map(|(name, c, p)| (name, c, plot.screen_from_plot(PlotPoint::new(p[0], p[1]))))
        .collect();
    placed.sort_by(|a, b| a.2.y.total_cmp(&b.2.y));
    for k in 1..placed.len() {
        let above = placed[k - 1].2.y;
        placed[k].2.y = placed[k].2.y.max(above + GAP);
    }
    // Labels pushed below the frame move back up, together.
    let bottom = plot.response().rect.bottom() - GAP / 2.0;
    if let Some(last) = placed.last().map(|p| p.2.y)
        && last > bottom
    {
        let shift = last - bottom;
        for p in &mut placed {
            p.2.y -= shift;
        }
    }
    for (name, c, at) in placed {
        let at = plot.plot_from_screen(at + egui::vec2(6.0, 0.0));
        plot.text(
            egui_plot::Text::new(format!("{name} (name)"), at, egui::RichText::new(name).strong())
                .color(c)
                .anchor(egui::Align2::LEFT_CENTER)
                .allow_hover(false),
        );
    }
}

//! What the plots share: the plot itself with its axes, ticks written as by
//! hand and the epoch cursor linked across plots, the points of a series,
//! and the dashed marks where a run's setting changed.

use egui::Color32;
use egui_plot::{GridInput, GridMark, LineStyle, Plot, PlotPoint, PlotPoints, VLine};

use super::chrome::Extent;
use crate::workbench::{Series, Workbench};

/// A plot over the epochs of `width` × `height`: round ticks on both axes,
/// no zoom by the wheel, and the epoch under the pointer shared by every
/// plot over epochs.
pub fn epoch_plot(id: &str, width: f32, height: f32, y_label: &str) -> Plot<'static> {
    Plot::new(id)
        .allow_scroll(false)
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
    if last - first > 100 {
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

/// The range of the points of `series`, as the plot draws them (`log₁₀` of
/// each value when `log`).
pub fn series_extent<'a>(series: impl IntoIterator<Item = &'a Series>, log: bool) -> Extent {
    let mut e = Extent::default();
    for s in series {
        e.add_all(s.points().iter().map(|p| [p.x, if log { p.y.max(1e-12).log10() } else { p.y }]));
    }
    e
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

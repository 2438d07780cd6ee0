//! Each view in words, with its numbers now: what a screen reader says of a
//! plot ("Error, epoch 583 (validation): none 0.024, L1 0.051, L2 0.043"),
//! from the same histories the plot draws.

use std::fmt::Write as _;

use super::Workbench;
use super::screen::ScreenRun;
use crate::experiment::ViewKind;
use crate::train::EpochMetrics;
use crate::train::compact;

/// `x` to three significant digits, without trailing noise.
pub fn sig(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if (0.001..1e5).contains(&a) {
        let decimals = (2 - a.log10().floor() as i32).max(0) as usize;
        format!("{x:.decimals$}")
    } else {
        format!("{x:.2e}")
    }
}

fn latest(r: &ScreenRun) -> Option<&EpochMetrics> {
    r.history.latest.as_deref()
}

pub fn percent(share: f64) -> String {
    format!("{}%", sig(100.0 * share))
}

/// The runs' values joined: "none 0.024, L1 0.051".
fn per_run(wb: &Workbench, value: impl Fn(&ScreenRun) -> Option<String>) -> String {
    let parts: Vec<String> =
        wb.screen.runs.iter().filter_map(|r| value(r).map(|v| format!("{} {v}", r.name))).collect();
    if parts.is_empty() { "no values yet".into() } else { parts.join(", ") }
}

/// What every description starts from.
#[derive(Clone, Copy)]
struct Context<'a> {
    wb: &'a Workbench,
    title: &'static str,
    epoch: usize,
    /// "validation" when the runs have validation rows, else "training".
    which: &'static str,
    validation: bool,
}

/// What view `kind` shows now, in a sentence or three with its numbers.
pub fn describe(wb: &Workbench, kind: ViewKind) -> String {
    let title = kind.title();
    if wb.screen.runs.is_empty() {
        return format!("{title}: no runs on screen.");
    }
    let validation = wb.screen.runs.iter().any(|r| latest(r).is_some_and(|m| m.val.is_some()));
    let which = if validation { "validation" } else { "training" };
    let c = Context { wb, title, epoch: wb.screen.epoch(), which, validation };
    match kind {
        ViewKind::Error => error(&c),
        ViewKind::Accuracy => accuracy(&c),
        ViewKind::Histograms | ViewKind::Layers => histograms(&c, kind),
        ViewKind::Sparsity => sparsity(&c),
        ViewKind::Norms => norms(&c),
        ViewKind::Importance => importance(&c),
        ViewKind::Network => network(&c),
        ViewKind::Boundary if wb.screen.boundary.is_none() => {
            format!("{}: drawn for a classification on two features only.", c.title)
        }
        ViewKind::Boundary => boundary(&c),
        ViewKind::Geometry => geometry(&c),
        ViewKind::Path => path(&c),
        ViewKind::Formula => formula(&c),
    }
}

fn error(c: &Context<'_>) -> String {
    let Context { wb, title, epoch, which, validation } = *c;
    let mut s = String::new();
    let _ = write!(
        s,
        "{title}, epoch {epoch} ({which}): {}.",
        per_run(wb, |r| latest(r).map(|m| sig(m.val.unwrap_or(m.train).error)))
    );
    let _ = write!(s, " Training: {}.", per_run(wb, |r| latest(r).map(|m| sig(m.train.error))));
    if validation {
        let _ = write!(
            s,
            " Lowest validation error: {}.",
            per_run(wb, |r| r.history.curves.val_error.lowest().map(|p| format!(
                "{} at epoch {}",
                sig(p.y),
                p.x as usize
            )))
        );
    }
    if let Some(study) = &wb.studies.seeds {
        let _ = write!(s, " Over {} seeds: {}", study.seeds.len(), study.summary().replace('\n', "; "));
    }
    s
}

fn accuracy(c: &Context<'_>) -> String {
    let Context { wb, title, epoch, which, .. } = *c;
    let mut s = String::new();
    let _ = write!(
        s,
        "{title}, epoch {epoch} ({which}): {}.",
        per_run(wb, |r| latest(r).and_then(|m| m.val.unwrap_or(m.train).accuracy).map(percent))
    );
    s
}

fn histograms(c: &Context<'_>, kind: ViewKind) -> String {
    let Context { wb, title, epoch, .. } = *c;
    let mut s = String::new();
    let _ = write!(s, "{title}, epoch {epoch}: ");
    let parts: Vec<String> = wb
        .screen
        .runs
        .iter()
        .filter_map(|r| {
            let m = latest(r)?;
            let h = &m.histogram_all;
            let mut p = format!(
                "{} {} weights from {} to {}, {} exactly 0",
                r.name,
                m.weights.count,
                sig(-(h.hi.abs().max(h.lo.abs())) as f64),
                sig(h.hi.abs().max(h.lo.abs()) as f64),
                h.zeros
            );
            if kind == ViewKind::Layers && m.layers.len() > 1 {
                let layers: Vec<String> = m
                    .layers
                    .iter()
                    .enumerate()
                    .map(|(k, l)| {
                        format!("layer {} {} of {} exactly 0", k + 1, percent(l.zero_frac), l.count)
                    })
                    .collect();
                let _ = write!(p, " ({})", layers.join(", "));
            }
            Some(p)
        })
        .collect();
    s.push_str(&parts.join("; "));
    s.push('.');
    s
}

fn sparsity(c: &Context<'_>) -> String {
    let Context { wb, title, epoch, .. } = *c;
    let mut s = String::new();
    let _ = write!(
        s,
        "{title}, epoch {epoch}, weights exactly 0: {}.",
        per_run(wb, |r| latest(r).map(|m| percent(m.weights.zero_frac)))
    );
    s
}

fn norms(c: &Context<'_>) -> String {
    let Context { wb, title, epoch, .. } = *c;
    let mut s = String::new();
    let _ = write!(
        s,
        "{title}, epoch {epoch}: {}.",
        per_run(wb, |r| latest(r).map(|m| format!("Σ|w| {}, ‖w‖₂ {}", sig(m.weights.l1), sig(m.weights.l2))))
    );
    s
}

fn importance(c: &Context<'_>) -> String {
    let Context { wb, title, epoch, .. } = *c;
    let mut s = String::new();
    let _ = write!(s, "{title}, epoch {epoch}, each input's share of the run's Σ|w|: ");
    let names = wb.data.prepared.as_ref().map(|p| p.feature_names.clone()).unwrap_or_default();
    let parts: Vec<String> = wb
        .screen
        .runs
        .iter()
        .filter_map(|r| {
            let m = latest(r)?;
            let total: f64 = m.importance.iter().map(|&v| v as f64).sum();
            let mut order: Vec<usize> = (0..m.importance.len()).collect();
            order.sort_by(|&a, &b| m.importance[b].total_cmp(&m.importance[a]));
            let ignored = m.importance.iter().filter(|&&v| v == 0.0).count();
            let top: Vec<String> = order
                .iter()
                .take(3)
                .filter(|&&k| m.importance[k] > 0.0)
                .map(|&k| {
                    let name = names.get(k).cloned().unwrap_or_else(|| format!("input {}", k + 1));
                    format!("{name} {}", percent(m.importance[k] as f64 / total.max(f64::MIN_POSITIVE)))
                })
                .collect();
            let top = if top.is_empty() { "none".to_string() } else { top.join(", ") };
            Some(format!("{} largest {top}; {ignored} of {} inputs ignored", r.name, m.importance.len()))
        })
        .collect();
    s.push_str(&parts.join("; "));
    s.push('.');
    s
}

fn network(c: &Context<'_>) -> String {
    let Context { wb, title, .. } = *c;
    let mut s = String::new();
    let _ = write!(
        s,
        "{title}: weights not exactly 0: {}.",
        per_run(wb, |r| r
            .pictures
            .network
            .as_ref()
            .map(|p| format!("{} of {} at epoch {}", p.nonzero, p.total, p.epoch)))
    );
    s
}

fn boundary(c: &Context<'_>) -> String {
    let Context { wb, title, epoch, which, .. } = *c;
    let mut s = String::new();
    let _ = write!(
        s,
        "{title} of each run over the two features, epoch {epoch}; {which} accuracy: {}.",
        per_run(wb, |r| latest(r).and_then(|m| m.val.unwrap_or(m.train).accuracy).map(percent))
    );
    s
}

fn geometry(c: &Context<'_>) -> String {
    let Context { wb, title, .. } = *c;
    let mut s = String::new();
    if wb.studies.geometry.is_empty() {
        let _ = write!(s, "{title}: drawn when the runs pause or end.");
    } else {
        let _ =
            write!(s, "{title}, the data error E0 over two weights, and where each run's two weights are: ");
        let parts: Vec<String> = wb
            .studies
            .geometry
            .iter()
            .filter_map(|p| {
                let r = wb.screen.runs.get(p.run)?;
                let on_axis = if p.now.0 == 0.0 || p.now.1 == 0.0 { ", on an axis" } else { "" };
                Some(format!(
                    "{} at epoch {}: {} = {}, {} = {}{on_axis}",
                    r.name,
                    p.epoch,
                    p.names.0,
                    sig(p.now.0),
                    p.names.1,
                    sig(p.now.1)
                ))
            })
            .collect();
        s.push_str(&parts.join("; "));
        s.push('.');
    }
    s
}

fn path(c: &Context<'_>) -> String {
    let Context { wb, title, .. } = *c;
    let mut s = String::new();
    match &wb.studies.sweep {
        None => {
            let _ = write!(s, "{title}: not swept yet; Sweep λ trains each penalised run over a grid of λ.");
        }
        Some(paths) => {
            let _ = write!(s, "{title}: ");
            let parts: Vec<String> = paths
                .iter()
                .map(|(p, _)| {
                    let at = |lambda: f64| p.points.iter().find(|q| q.lambda == lambda);
                    let nonzero = |lambda: f64| at(lambda).map_or(String::new(), |q| format!(" ({} weights not 0)", q.nonzero));
                    format!(
                        "{} over {} values of λ, lowest validation error at λ = {}{}, one standard error at λ = {}{}",
                        p.name,
                        p.points.len(),
                        compact(p.lambda_min),
                        nonzero(p.lambda_min),
                        compact(p.lambda_1se),
                        nonzero(p.lambda_1se)
                    )
                })
                .collect();
            s.push_str(&parts.join("; "));
            s.push('.');
        }
    };
    s
}

fn formula(c: &Context<'_>) -> String {
    let Context { wb, title, .. } = *c;
    let mut s = String::new();
    let _ = write!(
        s,
        "{title}: the penalised error and update rule of each run; λ now: {}.",
        per_run(wb, |r| Some(compact(r.live().lambda)))
    );
    s
}

#[cfg(test)]
mod tests {
    use super::sig;

    #[test]
    fn numbers_read_with_three_significant_digits() {
        assert_eq!(sig(0.024_123), "0.0241");
        assert_eq!(sig(0.051), "0.0510");
        assert_eq!(sig(1.5), "1.50");
        assert_eq!(sig(123.456), "123");
        assert_eq!(sig(0.0), "0");
        assert_eq!(sig(1.234e-5), "1.23e-5");
    }
}

//! Bounded histories of what the trainer reported, ready to plot.
//!
//! A series keeps its newest points as they came and halves the resolution
//! of older ones when it is full, keeping the minimum and the maximum of each
//! group so that a spike stays visible. Histogram snapshots are kept at
//! epochs that are multiples of a stride, doubled when they are too many.
//! Both depend only on the epochs recorded, never on the clock: the same
//! session gives the same histories. Memory and drawing time are bounded
//! however long a run trains; the full-resolution numbers are in the
//! trainer's metrics log, for export.

use crate::train::{EPSILON_GRID, EpochMetrics, Histogram};

/// A point of a plotted series: epoch and value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }
}

/// Points a series holds at most.
pub const SERIES_CAPACITY: usize = 1024;
/// The path of the first layer's weights is kept for layers this small…
pub const PATH_WEIGHTS: usize = 256;
/// …at this many points at most.
pub const PATH_POINTS: usize = 4000;
/// Histogram snapshots kept for the history heat map.
pub const HISTOGRAM_SNAPSHOTS: usize = 240;

#[derive(Debug, Clone, Default)]
pub struct Series {
    points: Vec<Point>,
}

impl Series {
    pub fn push(&mut self, x: f64, y: f64) {
        if !y.is_finite() {
            return;
        }
        self.points.push(Point::new(x, y));
        if self.points.len() >= SERIES_CAPACITY {
            self.compact();
        }
    }

    /// Halves the older three quarters: each group of four points becomes
    /// its minimum and maximum, in the order they came.
    fn compact(&mut self) {
        let keep_recent = SERIES_CAPACITY / 4;
        let old_len = self.points.len() - keep_recent;
        let mut out: Vec<Point> = Vec::with_capacity(SERIES_CAPACITY);
        for group in self.points[..old_len].chunks(4) {
            let (mut lo, mut hi) = (0, 0);
            for (k, p) in group.iter().enumerate() {
                if p.y < group[lo].y {
                    lo = k;
                }
                if p.y > group[hi].y {
                    hi = k;
                }
            }
            let (a, b) = if lo <= hi { (lo, hi) } else { (hi, lo) };
            out.push(group[a]);
            if b != a {
                out.push(group[b]);
            }
        }
        out.extend_from_slice(&self.points[old_len..]);
        self.points = out;
    }

    pub fn points(&self) -> &[Point] {
        &self.points
    }

    pub fn last(&self) -> Option<Point> {
        self.points.last().copied()
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    pub fn clear(&mut self) {
        self.points.clear();
    }
}

/// The plotted series of one run, each over the evaluated epochs.
#[derive(Debug, Clone)]
pub struct Curves {
    pub train_error: Series,
    pub val_error: Series,
    pub penalty: Series,
    pub total: Series,
    pub train_accuracy: Series,
    pub val_accuracy: Series,
    pub l1: Series,
    pub l2: Series,
    pub zero_frac: Series,
    /// One series per ε of [`EPSILON_GRID`].
    pub small_frac: Vec<Series>,
}

impl Default for Curves {
    fn default() -> Self {
        Curves {
            train_error: Series::default(),
            val_error: Series::default(),
            penalty: Series::default(),
            total: Series::default(),
            train_accuracy: Series::default(),
            val_accuracy: Series::default(),
            l1: Series::default(),
            l2: Series::default(),
            zero_frac: Series::default(),
            small_frac: vec![Series::default(); EPSILON_GRID.len()],
        }
    }
}

impl Curves {
    fn record(&mut self, m: &EpochMetrics) {
        let x = m.epoch as f64;
        self.train_error.push(x, m.train.error);
        if let Some(v) = &m.val {
            self.val_error.push(x, v.error);
            if let Some(a) = v.accuracy {
                self.val_accuracy.push(x, a);
            }
        }
        if let Some(a) = m.train.accuracy {
            self.train_accuracy.push(x, a);
        }
        self.penalty.push(x, m.penalty);
        self.total.push(x, m.total);
        self.l1.push(x, m.weights.l1);
        self.l2.push(x, m.weights.l2);
        self.zero_frac.push(x, m.weights.zero_frac);
        for (s, &v) in self.small_frac.iter_mut().zip(&m.small_by_epsilon) {
            s.push(x, v);
        }
    }

    /// The lowest validation error and its epoch: where early stopping (with
    /// the best weights kept) would have stopped. Thinning keeps each group's
    /// minimum, so this is the minimum over every epoch recorded.
    pub fn best_validation(&self) -> Option<(usize, f64)> {
        self.val_error.points().iter().min_by(|a, b| a.y.total_cmp(&b.y)).map(|p| (p.x as usize, p.y))
    }

    /// Points held in all.
    pub fn points(&self) -> usize {
        [
            &self.train_error,
            &self.val_error,
            &self.penalty,
            &self.total,
            &self.l1,
            &self.l2,
            &self.train_accuracy,
            &self.val_accuracy,
            &self.zero_frac,
        ]
        .iter()
        .map(|s| s.len())
        .sum::<usize>()
            + self.small_frac.iter().map(Series::len).sum::<usize>()
    }
}

/// Histogram snapshots for the history heat map: (epoch, histogram of all
/// weights, per-layer histograms) at the epochs that are multiples of
/// `stride`, which doubles when they are too many.
#[derive(Debug, Clone)]
pub struct HistogramHistory {
    pub snapshots: Vec<(usize, Histogram, Vec<Histogram>)>,
    pub stride: usize,
}

impl Default for HistogramHistory {
    fn default() -> Self {
        HistogramHistory { snapshots: Vec::new(), stride: 1 }
    }
}

impl HistogramHistory {
    fn record(&mut self, m: &EpochMetrics) {
        if !m.epoch.is_multiple_of(self.stride) {
            return;
        }
        self.snapshots.push((m.epoch, m.histogram_all.clone(), m.histograms.clone()));
        while self.snapshots.len() > HISTOGRAM_SNAPSHOTS {
            self.stride *= 2;
            let stride = self.stride;
            self.snapshots.retain(|(e, _, _)| e.is_multiple_of(stride));
        }
    }

    fn heap_bytes(&self) -> usize {
        let hist = |h: &Histogram| h.counts.len() * 4 + std::mem::size_of::<Histogram>();
        self.snapshots.iter().map(|(_, all, layers)| hist(all) + layers.iter().map(hist).sum::<usize>()).sum()
    }
}

/// What the trainer sends of a run's weights for the pictures the window
/// draws but never exports: its decision boundary, its network (the network
/// and geometry views) and the path its first-layer weights took.
#[derive(Debug, Clone, Default)]
pub struct Pictures {
    /// The epoch and the predictions on the boundary grid.
    pub boundary: Option<(usize, Vec<f32>)>,
    /// Counts the boundaries received, so that a picture of one can follow it.
    pub boundary_version: u64,
    /// The network at an epoch.
    pub net: Option<(usize, crate::nn::Mlp<f32>)>,
    /// What the network view draws of `net`, once [`Pictures::refresh`] ran.
    pub network: Option<super::network::Picture>,
    /// `net` changed since `network` was made.
    stale: bool,
    /// The first layer's weights (flattened) at the epochs the window got
    /// them, for the path the weights took; thinned when long.
    pub first_layer_path: Vec<(usize, Vec<f32>)>,
}

impl Pictures {
    pub fn record_boundary(&mut self, epoch: usize, values: Vec<f32>) {
        self.boundary = Some((epoch, values));
        self.boundary_version += 1;
    }

    /// Takes a network the trainer sent: kept whole, and its first layer
    /// added to the path when it is small.
    pub fn record_network(&mut self, epoch: usize, net: crate::nn::Mlp<f32>) {
        let first = &net.layers[0].weights;
        if first.len() <= PATH_WEIGHTS && self.first_layer_path.last().is_none_or(|(e, _)| *e != epoch) {
            self.first_layer_path.push((epoch, first.iter().copied().collect()));
            if self.first_layer_path.len() > PATH_POINTS {
                // Every other of the older half; the newest stay dense.
                let half = self.first_layer_path.len() / 2;
                let mut k = 0;
                self.first_layer_path.retain(|_| {
                    k += 1;
                    k > half || k % 2 == 1
                });
            }
        }
        self.net = Some((epoch, net));
        self.stale = true;
    }

    /// Brings the network view's picture up to the latest network: once
    /// per network, however many arrived since, never per frame.
    pub fn refresh(&mut self) {
        if std::mem::take(&mut self.stale)
            && let Some((epoch, net)) = &self.net
        {
            self.network = Some(super::network::Picture::of(*epoch, net));
        }
    }
}

/// Everything recorded about one run, bounded.
#[derive(Debug, Clone, Default)]
pub struct RunHistory {
    pub curves: Curves,
    /// The last metrics received.
    pub latest: Option<Box<EpochMetrics>>,
    pub histograms: HistogramHistory,
    /// Metrics received in all, before any thinning.
    pub received: usize,
}

impl RunHistory {
    /// The epoch of the last metrics.
    pub fn epoch(&self) -> usize {
        self.latest.as_ref().map_or(0, |m| m.epoch)
    }

    pub fn record(&mut self, m: Box<EpochMetrics>) {
        self.curves.record(&m);
        self.histograms.record(&m);
        self.received += 1;
        self.latest = Some(m);
    }

    /// Bytes held by the history's points and histograms (not counting the
    /// latest snapshot), for checking that it stays bounded.
    pub fn heap_bytes(&self) -> usize {
        self.curves.points() * std::mem::size_of::<Point>() + self.histograms.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::{Evaluation, WeightStats};

    #[test]
    fn a_million_epochs_of_history_stay_small() {
        let stats = WeightStats { count: 1000, l1: 1.0, l2: 1.0, zero_frac: 0.1, small_frac: 0.2 };
        let hist = Histogram { lo: -1.0, hi: 1.0, counts: vec![3; 41], zeros: 7 };
        let mut h = RunHistory::default();
        for epoch in 0..1_000_000 {
            let e = 1.0 / (1.0 + epoch as f64);
            h.record(Box::new(EpochMetrics {
                epoch,
                train: Evaluation { error: e, accuracy: Some(1.0 - e) },
                val: Some(Evaluation { error: 2.0 * e, accuracy: Some(1.0 - e) }),
                penalty: 0.1 * e,
                total: 1.1 * e,
                weights: stats.clone(),
                layers: vec![stats.clone(), stats.clone()],
                histograms: vec![hist.clone(), hist.clone()],
                histogram_all: hist.clone(),
                small_by_epsilon: vec![0.5; EPSILON_GRID.len()],
                importance: vec![1.0; 20],
                lr: 0.1,
                lambda: 0.01,
            }));
        }
        assert_eq!(h.received, 1_000_000);
        assert!(h.curves.train_error.len() < SERIES_CAPACITY);
        assert!(h.histograms.snapshots.len() <= HISTOGRAM_SNAPSHOTS);
        let mb = h.heap_bytes() as f64 / 1e6;
        assert!(mb < 5.0, "{mb} MB");
        eprintln!("history of 1 000 000 epochs: {mb:.2} MB");
    }

    #[test]
    fn a_series_stays_bounded_and_keeps_spikes() {
        let mut s = Series::default();
        for i in 0..100_000 {
            let y = if i == 1234 {
                1e6
            } else if i == 50_000 {
                -1e6
            } else {
                (i as f64).sin()
            };
            s.push(i as f64, y);
        }
        assert!(s.len() < SERIES_CAPACITY, "{}", s.len());
        assert!(s.points().iter().any(|p| p.y == 1e6), "the spike survives thinning");
        assert!(s.points().iter().any(|p| p.y == -1e6));
        assert_eq!(s.last().map(|p| p.x), Some(99_999.0), "the newest point is kept");
        assert!(s.points().windows(2).all(|w| w[0].x < w[1].x), "still in order");
    }
}

//! Bounded histories of what the trainer reported, ready to plot.
//!
//! A series keeps every value until it is full, then halves its resolution
//! over its whole length, keeping the minimum and the maximum of each group
//! so that a spike stays visible. Histogram snapshots are kept at
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

/// A series over the epochs at one resolution from its first value to its
/// last: values are taken in buckets of `stride` consecutive values, and
/// each bucket keeps its mean (the line drawn, at the bucket's middle) and
/// its lowest and highest value (the range drawn around it), so that a
/// noisy series reads as its trend within its spread and a spike stays
/// visible. When full, every two neighbouring buckets become one and the
/// stride doubles, so the whole history, old and new, stays evenly thinned
/// and in epoch order. The lowest value and its epoch are kept exactly.
#[derive(Debug, Clone)]
pub struct Series {
    closed: Vec<Bucket>,
    /// The bucket being filled.
    open: Option<Bucket>,
    /// Values per bucket.
    stride: usize,
    /// The first value (every run's shared start), each bucket's mean at
    /// its middle, then the newest value.
    line: Vec<Point>,
    /// Each bucket's range: its middle, its lowest and its highest value.
    band: Vec<[f64; 3]>,
    /// Entries at the end of `line` and of `band` that belong to no closed bucket.
    tail: (usize, usize),
    lowest: Option<Point>,
}

/// Consecutive values of a series, summed up.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    first: f64,
    last: f64,
    sum: f64,
    n: usize,
    lo: f64,
    hi: f64,
}

impl Bucket {
    fn of(p: Point) -> Bucket {
        Bucket { first: p.x, last: p.x, sum: p.y, n: 1, lo: p.y, hi: p.y }
    }

    fn add(self, b: Bucket) -> Bucket {
        Bucket {
            first: self.first,
            last: b.last,
            sum: self.sum + b.sum,
            n: self.n + b.n,
            lo: self.lo.min(b.lo),
            hi: self.hi.max(b.hi),
        }
    }

    fn middle(&self) -> f64 {
        (self.first + self.last) / 2.0
    }

    fn mean(&self) -> Point {
        Point::new(self.middle(), self.sum / self.n as f64)
    }

    fn range(&self) -> [f64; 3] {
        [self.middle(), self.lo, self.hi]
    }
}

/// Adds `p` to a line when it lies after the line's last point.
fn push_after(line: &mut Vec<Point>, p: Point) {
    if line.last().is_none_or(|l| l.x < p.x) {
        line.push(p);
    }
}

impl Default for Series {
    fn default() -> Self {
        Series {
            closed: Vec::new(),
            open: None,
            stride: 1,
            line: Vec::new(),
            band: Vec::new(),
            tail: (0, 0),
            lowest: None,
        }
    }
}

impl Series {
    pub fn push(&mut self, x: f64, y: f64) {
        if !y.is_finite() {
            return;
        }
        let p = Point::new(x, y);
        if self.lowest.is_none_or(|l| y < l.y) {
            self.lowest = Some(p);
        }
        if self.line.is_empty() {
            self.line.push(p);
            self.tail.0 = 0;
        }
        self.line.truncate(self.line.len() - self.tail.0);
        self.band.truncate(self.band.len() - self.tail.1);
        let bucket = match self.open.take() {
            None => Bucket::of(p),
            Some(b) => b.add(Bucket::of(p)),
        };
        self.band.push(bucket.range());
        if bucket.n >= self.stride {
            self.closed.push(bucket);
            push_after(&mut self.line, bucket.mean());
            self.tail = (0, 0);
            if self.closed.len() >= SERIES_CAPACITY / 2 {
                self.halve();
            }
        } else {
            self.open = Some(bucket);
            let before = self.line.len();
            push_after(&mut self.line, bucket.mean());
            self.tail = (self.line.len() - before, 1);
        }
        // The line always reaches the newest value.
        let before = self.line.len();
        push_after(&mut self.line, p);
        self.tail.0 += self.line.len() - before;
    }

    /// Every two neighbouring closed buckets become one: half the points,
    /// twice the stride.
    fn halve(&mut self) {
        self.closed = self.closed.chunks(2).map(|c| c.iter().skip(1).fold(c[0], |a, b| a.add(*b))).collect();
        self.line.truncate(1);
        for b in &self.closed {
            push_after(&mut self.line, b.mean());
        }
        self.band = self.closed.iter().map(Bucket::range).collect();
        self.stride *= 2;
    }

    /// The line drawn: each bucket's mean at its middle, then the newest value.
    pub fn points(&self) -> &[Point] {
        &self.line
    }

    /// Each bucket's middle, lowest and highest value; a bucket of one value
    /// has no width.
    pub fn band(&self) -> &[[f64; 3]] {
        &self.band
    }

    /// Whether some bucket holds values that differ: the range is worth drawing.
    pub fn has_spread(&self) -> bool {
        self.band.iter().any(|b| b[2] > b[1])
    }

    /// The newest value.
    pub fn last(&self) -> Option<Point> {
        self.line.last().copied()
    }

    /// The lowest value and its epoch, exactly, over every value pushed.
    pub fn lowest(&self) -> Option<Point> {
        self.lowest
    }

    pub fn len(&self) -> usize {
        self.line.len()
    }

    pub fn is_empty(&self) -> bool {
        self.line.is_empty()
    }

    /// Values per bucket: 1 until the series first filled up.
    pub fn stride(&self) -> usize {
        self.stride
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
    /// the best weights kept) would have stopped, over every epoch recorded.
    pub fn best_validation(&self) -> Option<(usize, f64)> {
        self.val_error.lowest().map(|p| (p.x as usize, p.y))
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
        .map(|s| s.len() + s.band().len())
        .sum::<usize>()
            + self.small_frac.iter().map(|s| s.len() + s.band().len()).sum::<usize>()
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
        assert!(s.band().iter().any(|b| b[2] == 1e6), "the spike survives thinning, in its bucket's range");
        assert!(s.band().iter().any(|b| b[1] == -1e6));
        assert_eq!(s.lowest(), Some(Point::new(50_000.0, -1e6)), "the lowest value, exactly");
        assert_eq!(s.last().map(|p| p.x), Some(99_999.0), "the newest point is kept");
        assert!(s.points().windows(2).all(|w| w[0].x < w[1].x), "still in order");
        // Even resolution over the whole history: no long straight segment
        // through thinned old epochs beside dense new ones.
        assert!(evenly_thinned(s.points()), "a long straight segment through thinned epochs");
        assert!(s.len() > SERIES_CAPACITY / 4, "{} points", s.len());
    }

    /// No gap between neighbouring points is more than four times the
    /// average: the old epochs are as dense as the new ones.
    fn evenly_thinned(p: &[Point]) -> bool {
        let span = p[p.len() - 1].x - p[0].x;
        let widest = p.windows(2).map(|w| w[1].x - w[0].x).fold(0.0, f64::max);
        widest <= 4.0 * span / p.len() as f64
    }

    #[test]
    fn a_series_that_goes_on_stays_even_and_in_order() {
        // A session of 2000 epochs gone on to 4000, then to 8000 (Go on).
        let mut s = Series::default();
        let mut checked = 0;
        for end in [2000, 4000, 8000] {
            while checked <= end {
                s.push(checked as f64, 1.0 / (1.0 + checked as f64) + 0.01 * ((checked % 7) as f64));
                checked += 1;
            }
            let p = s.points();
            assert!(p.windows(2).all(|w| w[0].x < w[1].x), "in epoch order at {end}");
            assert_eq!(p[0].x, 0.0, "epoch 0 is kept");
            assert_eq!(s.last().map(|q| q.x), Some(end as f64));
            assert!(evenly_thinned(p), "a long straight segment through thinned epochs at {end}");
        }
    }
}

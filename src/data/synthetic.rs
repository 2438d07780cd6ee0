//! Seeded generated datasets whose informative features are known.

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use serde::{Deserialize, Serialize};

use super::{Dataset, TargetValues, Term};

/// Standard normal draw (Box–Muller), so that generation depends on nothing
/// but the seed and this code.
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random_range(f64::MIN_POSITIVE..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Classification with `informative` features that carry the class and
/// `features − informative` pure-noise ones: each class has a random centre
/// in the informative subspace, rows are the centre plus unit noise.
pub fn informative_classification(
    rows: usize,
    features: usize,
    informative: usize,
    classes: usize,
    seed: u64,
) -> Dataset {
    let informative = informative.min(features);
    let classes = classes.max(2);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Every informative feature separates the classes: its class centres
    // lie at least one standard deviation apart (a centre drawn close to
    // another would make a feature "informative" in name only).
    let centres: Vec<Vec<f64>> = (0..classes)
        .map(|c| {
            (0..informative)
                .map(|_| {
                    let size = 0.5 + 0.5 * normal(&mut rng).abs();
                    let side = if c % 2 == 0 { 1.0 } else { -1.0 };
                    side * size + 0.5 * (c / 2) as f64 * normal(&mut rng)
                })
                .collect()
        })
        .collect();
    let mut x = Array2::<f32>::zeros((rows, features));
    let mut codes = Vec::with_capacity(rows);
    for r in 0..rows {
        let c = r % classes;
        codes.push(c as u32);
        for j in 0..features {
            let centre = if j < informative { centres[c][j] } else { 0.0 };
            x[[r, j]] = (centre + normal(&mut rng)) as f32;
        }
    }
    let mut ds = Dataset::from_parts(
        format!("informative-{rows}x{features}"),
        x,
        (0..features).map(|j| format!("x{}", j + 1)).collect(),
        "class",
        TargetValues::Labels { codes, labels: (0..classes).map(|c| format!("c{c}")).collect() },
        Some((0..features).map(|j| j < informative).collect()),
    );
    // Classes with one spread differ linearly: the features themselves are the terms.
    ds.target_terms = Some(ds.feature_names[..informative].to_vec());
    ds
}

/// Sparse linear regression `y = X·w* + noise·ε` with `nonzero` of `features`
/// true weights non-zero (the first ones, each of size 1 to 3 with a random sign).
pub fn sparse_regression(rows: usize, features: usize, nonzero: usize, noise: f64, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let nonzero = nonzero.min(features);
    let w: Vec<f64> = (0..features)
        .map(|j| {
            if j < nonzero {
                let m: f64 = rng.random_range(1.0..3.0);
                if rng.random::<bool>() { m } else { -m }
            } else {
                0.0
            }
        })
        .collect();
    let mut x = Array2::<f32>::zeros((rows, features));
    let mut y = Vec::with_capacity(rows);
    for r in 0..rows {
        let mut t = 0.0;
        for j in 0..features {
            let v = normal(&mut rng);
            x[[r, j]] = v as f32;
            t += w[j] * v;
        }
        y.push(t + noise * normal(&mut rng));
    }
    let mut ds = Dataset::from_parts(
        format!("sparse-regression-{rows}x{features}"),
        x,
        (0..features).map(|j| format!("x{}", j + 1)).collect(),
        "y",
        TargetValues::Numeric(y),
        Some((0..features).map(|j| j < nonzero).collect()),
    );
    ds.target_terms = Some(ds.feature_names[..nonzero].to_vec());
    ds
}

/// The plane the 2-D sets are drawn on: inputs in [−5, 5].
const PLANE_RADIUS: f64 = 5.0;

/// A regression on two inputs, uniform on the plane [−5, 5]² of the 2-D
/// sets, whose target is made of two feature crosses:
/// `y = 0.25·x1·x2 − 2·sin(x2) + noise·ε`. On [−5, 5] a sine swings through
/// more than a period and is no straight line of its input (the
/// correlation of x2 and sin(x2) is −0.23), and the two terms weigh about
/// the same once standardised (weights of about 2.1 and −1.5 on them).
pub fn crossed_terms(rows: usize, noise: f64, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::<f32>::zeros((rows, 2));
    let mut y = Vec::with_capacity(rows);
    for r in 0..rows {
        let a = uniform(&mut rng, -PLANE_RADIUS, PLANE_RADIUS) as f32;
        let b = uniform(&mut rng, -PLANE_RADIUS, PLANE_RADIUS) as f32;
        (x[[r, 0]], x[[r, 1]]) = (a, b);
        // From the float32 values the network sees, so that the terms are exact.
        let (a, b) = (a as f64, b as f64);
        y.push(0.25 * a * b - 2.0 * b.sin() + noise * normal(&mut rng));
    }
    let names: Vec<String> = vec!["x1".into(), "x2".into()];
    let terms = vec![Term::Product(0, 1).name(&names), Term::Sin(1).name(&names)];
    let mut ds =
        Dataset::from_parts("crosses", x, names, "y", TargetValues::Numeric(y), Some(vec![true, true]));
    ds.notes.push(format!(
        "generated: y = 0.25·{} − 2·{} + {}·ε (ε standard normal); a linear model sees these two terms \
         when the inputs are expanded with products and sines",
        terms[0],
        terms[1],
        super::format_number(noise)
    ));
    ds.target_terms = Some(terms);
    ds
}

/// The data of benchmark workloads W1 and W3 (`shared/bench`): 20 standard
/// normal columns of which the first 4 decide the class through
/// `x1·x2 + 0.8·x3 − 0.6·x4 + 0.25·ε > 0`.
pub fn workshop_classification(rows: usize, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let d = 20;
    let mut x = Array2::<f32>::zeros((rows, d));
    let mut codes = Vec::with_capacity(rows);
    for r in 0..rows {
        for j in 0..d {
            x[[r, j]] = normal(&mut rng) as f32;
        }
        let v = |j: usize| x[[r, j]] as f64;
        let score = v(0) * v(1) + 0.8 * v(2) - 0.6 * v(3) + 0.25 * normal(&mut rng);
        codes.push((score > 0.0) as u32);
    }
    Dataset::from_parts(
        format!("workshop-{rows}x{d}"),
        x,
        (0..d).map(|j| format!("x{}", j + 1)).collect(),
        "class",
        TargetValues::Labels { codes, labels: vec!["0".into(), "1".into()] },
        Some((0..d).map(|j| j < 4).collect()),
    )
}

/// The data of benchmark workload W2: `classes` Gaussian prototypes in
/// `features` dimensions (scaled by 0.1) plus unit noise.
pub fn prototype_classification(rows: usize, features: usize, classes: usize, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let centres: Vec<f64> = (0..classes * features).map(|_| normal(&mut rng)).collect();
    let mut x = Array2::<f32>::zeros((rows, features));
    let mut codes = Vec::with_capacity(rows);
    for r in 0..rows {
        let c = rng.random_range(0..classes);
        codes.push(c as u32);
        for j in 0..features {
            x[[r, j]] = (0.1 * centres[c * features + j] + normal(&mut rng)) as f32;
        }
    }
    Dataset::from_parts(
        format!("prototypes-{rows}x{features}"),
        x,
        (0..features).map(|j| format!("x{}", j + 1)).collect(),
        "class",
        TargetValues::Labels { codes, labels: (0..classes).map(|c| c.to_string()).collect() },
        None,
    )
}

/// `rows × cols` standard normal values.
pub fn normal_matrix(rows: usize, cols: usize, seed: u64) -> Array2<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_simple_fn((rows, cols), || normal(&mut rng) as f32)
}

/// The generated sets offered in the workbench and on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SyntheticKind {
    /// Class 1 inside a disc, class 0 in a ring around it.
    Circle,
    /// Class by the sign of x·y.
    Xor,
    /// Two Gaussian clusters.
    Gaussian,
    /// Two interleaved spirals.
    Spiral,
    /// Two interleaved half circles.
    Moons,
    /// `y = X·w* + noise` with `informative` of `features` weights non-zero.
    SparseRegression,
    /// Classes that depend on `informative` of `features` columns only.
    Irrelevant,
    /// `y = 0.25·x1·x2 − 2·sin(x2) + noise`: two feature crosses of two inputs.
    Crosses,
}

impl SyntheticKind {
    pub const ALL: [SyntheticKind; 8] = [
        SyntheticKind::Circle,
        SyntheticKind::Xor,
        SyntheticKind::Gaussian,
        SyntheticKind::Spiral,
        SyntheticKind::Moons,
        SyntheticKind::SparseRegression,
        SyntheticKind::Irrelevant,
        SyntheticKind::Crosses,
    ];

    pub fn id(self) -> &'static str {
        match self {
            SyntheticKind::Circle => "circle",
            SyntheticKind::Xor => "xor",
            SyntheticKind::Gaussian => "gaussian",
            SyntheticKind::Spiral => "spiral",
            SyntheticKind::Moons => "moons",
            SyntheticKind::SparseRegression => "sparse-regression",
            SyntheticKind::Irrelevant => "irrelevant",
            SyntheticKind::Crosses => "crosses",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            SyntheticKind::Circle => "Circle (2-D, a disc inside a ring)",
            SyntheticKind::Xor => "XOR (2-D, opposite quadrants)",
            SyntheticKind::Gaussian => "Gaussian clusters (2-D)",
            SyntheticKind::Spiral => "Spiral (2-D, two arms)",
            SyntheticKind::Moons => "Two moons (2-D)",
            SyntheticKind::SparseRegression => "Sparse linear regression (few true weights)",
            SyntheticKind::Irrelevant => "Classification with many irrelevant features",
            SyntheticKind::Crosses => "Crossed terms (2-D regression, y = 0.25·x1·x2 − 2·sin(x2))",
        }
    }

    /// The 2-D sets: two generated inputs (plus any extra noise), whose
    /// `features` and `informative` settings do not apply; the decision
    /// boundary of the classification ones can be drawn.
    pub fn is_planar(self) -> bool {
        !matches!(self, SyntheticKind::SparseRegression | SyntheticKind::Irrelevant)
    }

    pub fn from_id(id: &str) -> Option<SyntheticKind> {
        let id = id.trim().to_ascii_lowercase().replace('_', "-");
        SyntheticKind::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// A generated dataset, fully described by these numbers and its seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyntheticSpec {
    pub kind: SyntheticKind,
    pub rows: usize,
    /// For the 2-D classification sets a fraction of the plane's size (0
    /// to 1, as TensorFlow Playground's 0–50 % slider uses 0 to 0.5); for
    /// the regressions the standard deviation of the noise added to y.
    pub noise: f64,
    /// Pure-noise features added after the generated ones.
    pub extra: usize,
    /// Columns of the sparse regression and irrelevant-features sets.
    pub features: usize,
    /// Of those, how many carry signal.
    pub informative: usize,
    pub seed: u64,
}

impl Default for SyntheticSpec {
    fn default() -> Self {
        SyntheticSpec {
            kind: SyntheticKind::Circle,
            rows: 400,
            noise: 0.1,
            extra: 0,
            features: 20,
            informative: 4,
            seed: 1,
        }
    }
}

impl SyntheticSpec {
    pub const MAX_ROWS: usize = 1_000_000;
    pub const MAX_FEATURES: usize = 10_000;

    /// A short name such as `circle-400` or `xor-400+8noise`.
    pub fn name(&self) -> String {
        let mut n = format!("{}-{}", self.kind.id(), self.rows);
        if self.extra > 0 {
            n += &format!("+{}noise", self.extra);
        }
        n
    }

    pub fn check(&self) -> Result<(), String> {
        if self.rows < 2 || self.rows > Self::MAX_ROWS {
            return Err(format!("rows must be between 2 and {}, found {}", Self::MAX_ROWS, self.rows));
        }
        if !(self.noise.is_finite() && self.noise >= 0.0) {
            return Err(format!("noise must be 0 or more, found {}", self.noise));
        }
        if self.extra > Self::MAX_FEATURES || self.features > Self::MAX_FEATURES {
            return Err(format!("at most {} features", Self::MAX_FEATURES));
        }
        // Checked before anything is generated: the float32 matrix must fit.
        let columns = if self.kind.is_planar() { 2 } else { self.features } + self.extra;
        let cells = self.rows.saturating_mul(columns);
        if cells > super::MAX_CELLS {
            return Err(format!(
                "{} rows × {columns} features is {cells} values, more than the {} reglab holds in memory; \
                 use fewer rows or features",
                self.rows,
                super::MAX_CELLS
            ));
        }
        if !self.kind.is_planar() && (self.features == 0 || self.informative > self.features) {
            return Err(format!(
                "informative features ({}) must be at most the features ({}), which must be at least 1",
                self.informative, self.features
            ));
        }
        Ok(())
    }

    pub fn generate(&self) -> Dataset {
        let n = self.rows;
        let mut ds = match self.kind {
            SyntheticKind::SparseRegression => {
                sparse_regression(n, self.features, self.informative, self.noise, self.seed)
            }
            SyntheticKind::Irrelevant => {
                informative_classification(n, self.features, self.informative, 2, self.seed)
            }
            SyntheticKind::Crosses => crossed_terms(n, self.noise, self.seed),
            planar => planar_set(planar, n, self.noise, self.seed),
        };
        ds.name = self.name();
        ds.with_noise_features(self.extra, self.seed)
    }
}

fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    rng.random_range(lo..hi)
}

/// The 2-D sets of TensorFlow Playground (and scikit-learn's moons), on the
/// square [−6, 6]², classes alternating so both have n/2 rows.
fn planar_set(kind: SyntheticKind, n: usize, noise: f64, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let radius = PLANE_RADIUS;
    let mut x = Array2::<f32>::zeros((n, 2));
    let mut codes = Vec::with_capacity(n);
    for i in 0..n {
        let class = (i % 2) as u32;
        let (a, b) = match kind {
            SyntheticKind::Circle => {
                let r = if class == 1 {
                    uniform(&mut rng, 0.0, 0.5 * radius)
                } else {
                    uniform(&mut rng, 0.7 * radius, radius)
                };
                let t = uniform(&mut rng, 0.0, std::f64::consts::TAU);
                let jitter = radius * noise;
                (
                    r * t.sin() + uniform(&mut rng, -1.0, 1.0) * jitter,
                    r * t.cos() + uniform(&mut rng, -1.0, 1.0) * jitter,
                )
            }
            SyntheticKind::Xor => {
                // Away from the axes, as in Playground, so the classes separate.
                let pad = 0.3;
                let sx = rng.random::<bool>();
                let sy = if class == 1 { sx } else { !sx };
                let side = |positive: bool, v: f64| if positive { v } else { -v };
                let px = side(sx, uniform(&mut rng, pad, radius));
                let py = side(sy, uniform(&mut rng, pad, radius));
                let jitter = radius * noise;
                (px + uniform(&mut rng, -1.0, 1.0) * jitter, py + uniform(&mut rng, -1.0, 1.0) * jitter)
            }
            SyntheticKind::Gaussian => {
                let centre = if class == 1 { 2.0 } else { -2.0 };
                let sd = 0.5 + 3.5 * noise.min(1.0);
                (centre + sd * normal(&mut rng), centre + sd * normal(&mut rng))
            }
            SyntheticKind::Spiral => {
                let k = (i / 2) as f64 / (n / 2).max(1) as f64;
                let r = k * radius;
                let t =
                    1.75 * k * std::f64::consts::TAU + if class == 1 { 0.0 } else { std::f64::consts::PI };
                let jitter = radius * noise * 0.5;
                (
                    r * t.sin() + uniform(&mut rng, -1.0, 1.0) * jitter,
                    r * t.cos() + uniform(&mut rng, -1.0, 1.0) * jitter,
                )
            }
            _ => {
                // Moons: half circles of radius 1 scaled to the square.
                let t = uniform(&mut rng, 0.0, std::f64::consts::PI);
                let (mx, my) = if class == 1 { (t.cos(), t.sin()) } else { (1.0 - t.cos(), 0.5 - t.sin()) };
                let s = 3.0;
                (
                    s * (mx - 0.5) + s * noise * normal(&mut rng),
                    s * (my - 0.25) + s * noise * normal(&mut rng),
                )
            }
        };
        x[[i, 0]] = a as f32;
        x[[i, 1]] = b as f32;
        codes.push(class);
    }
    let names: Vec<String> = vec!["x1".into(), "x2".into()];
    // The terms the class is a function of, as the crosses name them: a
    // radius, the sign of a product, a line; none for spirals and moons.
    let terms = match kind {
        SyntheticKind::Circle => Some(vec![Term::Square(0), Term::Square(1)]),
        SyntheticKind::Xor => Some(vec![Term::Product(0, 1)]),
        SyntheticKind::Gaussian => Some(vec![Term::Feature(0), Term::Feature(1)]),
        _ => None,
    }
    .map(|t| t.iter().map(|t| t.name(&names)).collect());
    let mut ds = Dataset::from_parts(
        kind.id(),
        x,
        names,
        "class",
        TargetValues::Labels { codes, labels: vec!["0".into(), "1".into()] },
        Some(vec![true, true]),
    );
    ds.target_terms = terms;
    ds
}

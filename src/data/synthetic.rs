//! Seeded generated datasets whose informative features are known.

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Dataset, TargetValues};

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
    let centres: Vec<Vec<f64>> =
        (0..classes).map(|_| (0..informative).map(|_| 2.0 * normal(&mut rng)).collect()).collect();
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
    Dataset {
        name: format!("informative-{rows}x{features}"),
        source: None,
        features: x,
        feature_names: (0..features).map(|j| format!("x{}", j + 1)).collect(),
        target_name: "class".into(),
        target: TargetValues::Labels { codes, labels: (0..classes).map(|c| format!("c{c}")).collect() },
        informative: Some((0..features).map(|j| j < informative).collect()),
    }
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
    Dataset {
        name: format!("sparse-regression-{rows}x{features}"),
        source: None,
        features: x,
        feature_names: (0..features).map(|j| format!("x{}", j + 1)).collect(),
        target_name: "y".into(),
        target: TargetValues::Numeric(y),
        informative: Some((0..features).map(|j| j < nonzero).collect()),
    }
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
    Dataset {
        name: format!("workshop-{rows}x{d}"),
        source: None,
        features: x,
        feature_names: (0..d).map(|j| format!("x{}", j + 1)).collect(),
        target_name: "class".into(),
        target: TargetValues::Labels { codes, labels: vec!["0".into(), "1".into()] },
        informative: Some((0..d).map(|j| j < 4).collect()),
    }
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
    Dataset {
        name: format!("prototypes-{rows}x{features}"),
        source: None,
        features: x,
        feature_names: (0..features).map(|j| format!("x{}", j + 1)).collect(),
        target_name: "class".into(),
        target: TargetValues::Labels { codes, labels: (0..classes).map(|c| c.to_string()).collect() },
        informative: None,
    }
}

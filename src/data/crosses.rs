//! Feature crosses, as TensorFlow Playground offers them: the features
//! extended with their squares, pairwise products and sines, so that a
//! linear model (and L1 with it) can use `x1·x2` or `sin(x2)` as an input
//! of its own.
//!
//! The terms are made from the raw values of the features, row by row, as
//! Playground makes them from the raw inputs of its 2-D sets:
//! - a term is then a fixed function of a row, the same whatever the split
//!   and the seed, so `x1²` is the square of the data's own `x1`, and
//!   `reglab data` can show the values the network will see;
//! - a sine only means something in the data's own units: of a
//!   standardised feature it would be almost a straight line of the
//!   feature (a correlation of 0.92 for normal values), a copy that L1
//!   would have to choose between;
//! - missing values are dropped or filled before, so the square of a filled
//!   cell is the square of the value it was filled with.
//!
//! [`super::prepare`] standardises the terms afterwards with the training
//! rows' statistics like any feature, so that L1's penalty weighs a term and
//! a feature alike. The price of raw values: the square of a feature whose
//! values sit far from 0 is nearly a straight line of it (the generated sets
//! are centred on 0).

use ndarray::{Array2, ArrayView1};

use super::{DataError, Dataset};
use crate::text::{ParseEnumError, text_enum};

text_enum!(
    /// A kind of term the features can be extended with.
    pub enum Cross, "expand" {
        /// `x1²`, one per feature.
        Square => "square" | "squares",
        /// `x1·x2`, one per pair of features.
        Product => "product" | "products",
        /// `sin(x1)`, one per feature.
        Sin => "sin" | "sine" | "sines",
    }
);

/// At most this many input columns come out of an expansion: the products
/// of d features are d·(d−1)/2, and a network's first layer grows with them.
pub const MAX_INPUTS: usize = 10_000;

/// Crosses from their command-line form: `square,product,sin`, or `none`
/// (or nothing) for none.
pub fn parse_crosses(text: &str) -> Result<Vec<Cross>, ParseEnumError> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    text.split(',').map(str::parse).collect()
}

/// The crosses as a list for text: `square, product, sin` (or `none`).
pub fn crosses_text(crosses: &[Cross]) -> String {
    if crosses.is_empty() {
        return "none".into();
    }
    crosses.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
}

/// One input column of the network, as made from the features (by index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Term {
    Feature(usize),
    Square(usize),
    /// Of features `i < j`.
    Product(usize, usize),
    Sin(usize),
}

impl Term {
    /// Its name: `x1`, `x1²`, `x1·x2`, `sin(x1)`. A feature name that is
    /// more than a word (`colour=red`, `petal length`) is put in
    /// parentheses, so that `(colour=red)²` squares the whole of it.
    pub fn name(self, features: &[String]) -> String {
        let plain = |i: usize| features.get(i).cloned().unwrap_or_else(|| format!("x{}", i + 1));
        let operand = |i: usize| {
            let n = plain(i);
            if n.chars().all(|c| c.is_alphanumeric() || c == '_') { n } else { format!("({n})") }
        };
        match self {
            Term::Feature(i) => plain(i),
            Term::Square(i) => format!("{}²", operand(i)),
            Term::Product(i, j) => format!("{}·{}", operand(i), operand(j)),
            Term::Sin(i) => format!("sin({})", plain(i)),
        }
    }

    /// How it is made, in words: `x1 squared`.
    pub fn how(self, features: &[String]) -> String {
        let n = |i: usize| Term::Feature(i).name(features);
        match self {
            Term::Feature(i) => format!("the feature {}", n(i)),
            Term::Square(i) => format!("{} squared", n(i)),
            Term::Product(i, j) => format!("{} times {}", n(i), n(j)),
            Term::Sin(i) => format!("the sine of {} (its value taken as radians)", n(i)),
        }
    }

    /// The features it is made of.
    pub fn features(self) -> impl Iterator<Item = usize> {
        let (a, b) = match self {
            Term::Feature(i) | Term::Square(i) | Term::Sin(i) => (i, None),
            Term::Product(i, j) => (i, Some(j)),
        };
        std::iter::once(a).chain(b)
    }

    /// Its value for one row of raw features.
    pub fn value(self, row: ArrayView1<f32>) -> f32 {
        // In f64: a square or product of float32 values rounds once, at the end.
        let v = |i: usize| row[i] as f64;
        let x = match self {
            Term::Feature(i) => return row[i],
            Term::Square(i) => v(i) * v(i),
            Term::Product(i, j) => v(i) * v(j),
            Term::Sin(i) => v(i).sin(),
        };
        x as f32
    }
}

/// The input columns a dataset's features become under some crosses: the
/// features first, then the squares, the products and the sines, whatever
/// the order the crosses were named in.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    /// The crosses, each once, in the order of their columns.
    pub crosses: Vec<Cross>,
    /// The dataset's features, which the terms are made of.
    pub features: Vec<String>,
    /// One per input column.
    pub terms: Vec<Term>,
    /// One per input column: [`Term::name`].
    pub names: Vec<String>,
    /// One per input column, when the dataset knows which features carry
    /// signal: the terms its target is made of when all of them are among
    /// the columns, else the terms made of informative features only.
    pub informative: Option<Vec<bool>>,
    /// True when [`Expansion::informative`] marks exactly the target's
    /// terms (the dataset names them and every one is a column).
    pub marks_target_terms: bool,
    /// Terms left out and why, one line each.
    pub left_out: Vec<String>,
}

/// What the values of a feature allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Values {
    /// One value (or none) in every row.
    Constant,
    /// Two values (a 0/1 column, a one-hot level): any function of it is a
    /// straight line of it.
    Two,
    Many,
}

fn values_of(col: ArrayView1<f32>) -> Values {
    let mut seen: Vec<f32> = Vec::with_capacity(3);
    for &v in col.iter().filter(|v| !v.is_nan()) {
        if !seen.contains(&v) {
            seen.push(v);
            if seen.len() > 2 {
                return Values::Many;
            }
        }
    }
    if seen.len() == 2 { Values::Two } else { Values::Constant }
}

/// True when `x_i·x_j` is the same in every row where both have a value
/// (two levels of one text column, never 1 together).
fn constant_product(x: &Array2<f32>, i: usize, j: usize) -> bool {
    let mut first: Option<f64> = None;
    for row in x.rows() {
        let (a, b) = (row[i], row[j]);
        if a.is_nan() || b.is_nan() {
            continue;
        }
        let p = a as f64 * b as f64;
        match first {
            None => first = Some(p),
            Some(f) if f != p => return false,
            Some(_) => {}
        }
    }
    true
}

/// "a, b and 3 more" for a note.
fn some_names(names: &[String]) -> String {
    const SHOWN: usize = 6;
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!("{} and {} more", names[..SHOWN].join(", "), names.len() - SHOWN)
    }
}

impl Expansion {
    /// The columns `crosses` make of `ds`'s features. Terms that would only
    /// repeat a column are left out (and said so in
    /// [`Expansion::left_out`]): the square or sine of a two-valued column
    /// is a straight line of it, a product with a constant column a copy of
    /// the other, and the product of two levels of one text column is 0 in
    /// every row. L1 would have to choose between such twins at random.
    pub fn plan(ds: &Dataset, crosses: &[Cross]) -> Result<Expansion, DataError> {
        let crosses: Vec<Cross> = Cross::ALL.iter().copied().filter(|c| crosses.contains(c)).collect();
        let d = ds.feature_count();
        let planned = d + crosses
            .iter()
            .map(|c| match c {
                Cross::Square | Cross::Sin => d,
                Cross::Product => d * d.saturating_sub(1) / 2,
            })
            .sum::<usize>();
        let max = MAX_INPUTS.min(super::MAX_CELLS / ds.rows().max(1));
        if planned > max {
            return Err(DataError::TooManyTerms {
                what: ds.name.clone(),
                crosses: crosses_text(&crosses),
                features: d,
                columns: planned,
                rows: ds.rows(),
                max,
            });
        }
        let values: Vec<Values> = ds.features.columns().into_iter().map(values_of).collect();
        let mut terms: Vec<Term> = (0..d).map(Term::Feature).collect();
        let (mut straight, mut copies, mut constant) = (Vec::new(), Vec::new(), Vec::new());
        for cross in &crosses {
            match cross {
                Cross::Square | Cross::Sin => {
                    for (i, v) in values.iter().enumerate() {
                        let term = if *cross == Cross::Square { Term::Square(i) } else { Term::Sin(i) };
                        if *v == Values::Many {
                            terms.push(term);
                        } else {
                            straight.push(term.name(&ds.feature_names));
                        }
                    }
                }
                Cross::Product => {
                    for i in 0..d {
                        for j in i + 1..d {
                            let term = Term::Product(i, j);
                            if values[i] == Values::Constant || values[j] == Values::Constant {
                                copies.push(term.name(&ds.feature_names));
                            } else if values[i] == Values::Two
                                && values[j] == Values::Two
                                && constant_product(&ds.features, i, j)
                            {
                                constant.push(term.name(&ds.feature_names));
                            } else {
                                terms.push(term);
                            }
                        }
                    }
                }
            }
        }
        let mut left_out = Vec::new();
        if !straight.is_empty() {
            left_out.push(format!(
                "{}: of a column with at most two values, a straight line of it, left out",
                some_names(&straight)
            ));
        }
        if !copies.is_empty() {
            left_out.push(format!(
                "{}: a product with a constant column, a copy of the other, left out",
                some_names(&copies)
            ));
        }
        if !constant.is_empty() {
            left_out.push(format!(
                "{}: the same in every row (levels of one text column), left out",
                some_names(&constant)
            ));
        }
        let names: Vec<String> = terms.iter().map(|t| t.name(&ds.feature_names)).collect();
        let target_terms = ds.target_terms.as_ref().filter(|t| t.iter().all(|n| names.contains(n)));
        let marks_target_terms = ds.informative.is_some() && target_terms.is_some();
        let informative = ds.informative.as_ref().map(|inf| match target_terms {
            Some(t) => names.iter().map(|n| t.contains(n)).collect(),
            None => terms.iter().map(|t| t.features().all(|i| inf.get(i) == Some(&true))).collect(),
        });
        Ok(Expansion {
            crosses,
            features: ds.feature_names.clone(),
            terms,
            names,
            informative,
            marks_target_terms,
            left_out,
        })
    }

    /// The input columns of raw feature rows `x`.
    pub fn apply(&self, x: &Array2<f32>) -> Array2<f32> {
        let mut out = Array2::<f32>::zeros((x.nrows(), self.terms.len()));
        for (row, mut to) in x.rows().into_iter().zip(out.rows_mut()) {
            for (t, v) in self.terms.iter().zip(to.iter_mut()) {
                *v = t.value(row);
            }
        }
        out
    }

    /// Input columns.
    pub fn inputs(&self) -> usize {
        self.terms.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::TargetValues;
    use ndarray::array;

    fn dataset(x: Array2<f32>, names: &[&str], informative: Option<Vec<bool>>) -> Dataset {
        let n = x.nrows();
        Dataset::from_parts(
            "t",
            x,
            names.iter().map(|s| s.to_string()).collect(),
            "y",
            TargetValues::Numeric((0..n).map(|i| i as f64 * 0.5).collect()),
            informative,
        )
    }

    #[test]
    fn crosses_parse_from_their_names_and_none() {
        assert_eq!(parse_crosses("square,product,sin"), Ok(vec![Cross::Square, Cross::Product, Cross::Sin]));
        assert_eq!(parse_crosses(" Squares , sine"), Ok(vec![Cross::Square, Cross::Sin]));
        assert_eq!(parse_crosses("none"), Ok(vec![]));
        assert_eq!(parse_crosses(""), Ok(vec![]));
        let e = parse_crosses("square,cube").unwrap_err();
        assert_eq!(e.to_string(), "expand: expected one of square, product, sin, found 'cube'");
        assert_eq!(crosses_text(&[Cross::Product, Cross::Sin]), "product, sin");
        assert_eq!(crosses_text(&[]), "none");
    }

    #[test]
    fn terms_are_named_as_playground_writes_them() {
        let f: Vec<String> = ["x1", "x2", "colour=red", "petal length"].map(String::from).to_vec();
        assert_eq!(Term::Feature(0).name(&f), "x1");
        assert_eq!(Term::Square(0).name(&f), "x1²");
        assert_eq!(Term::Product(0, 1).name(&f), "x1·x2");
        assert_eq!(Term::Sin(1).name(&f), "sin(x2)");
        assert_eq!(Term::Square(2).name(&f), "(colour=red)²");
        assert_eq!(Term::Product(2, 3).name(&f), "(colour=red)·(petal length)");
        assert_eq!(Term::Sin(3).name(&f), "sin(petal length)");
        assert_eq!(Term::Product(0, 1).how(&f), "x1 times x2");
    }

    #[test]
    fn every_cross_in_its_place_with_its_value() {
        let x = array![[1.5f32, -2.0, 0.25], [0.0, 3.0, -1.0], [-0.5, 0.5, 2.0]];
        let ds = dataset(x.clone(), &["x1", "x2", "x3"], None);
        // Named in another order and twice: the columns come in one order.
        let e = Expansion::plan(&ds, &[Cross::Sin, Cross::Square, Cross::Product, Cross::Sin]).unwrap();
        assert_eq!(e.crosses, [Cross::Square, Cross::Product, Cross::Sin]);
        assert_eq!(
            e.names,
            [
                "x1", "x2", "x3", "x1²", "x2²", "x3²", "x1·x2", "x1·x3", "x2·x3", "sin(x1)", "sin(x2)",
                "sin(x3)"
            ]
        );
        let out = e.apply(&x);
        assert_eq!(out.dim(), (3, 12));
        // Row 0 by hand: 1.5, −2, 0.25; 2.25, 4, 0.0625; −3, 0.375, −0.5;
        // sin 1.5 = 0.997494987, sin −2 = −0.909297427, sin 0.25 = 0.247403959.
        let expected = [
            1.5,
            -2.0,
            0.25,
            2.25,
            4.0,
            0.0625,
            -3.0,
            0.375,
            -0.5,
            0.997_494_987,
            -0.909_297_427,
            0.247_403_959,
        ];
        for (k, (got, want)) in out.row(0).iter().zip(expected).enumerate() {
            assert!((*got as f64 - want).abs() < 1e-7, "{}: {got} vs {want}", e.names[k]);
        }
        assert_eq!(out.row(1).to_vec()[6..9], [0.0, -0.0, -3.0]);
        assert!(e.left_out.is_empty(), "{:?}", e.left_out);
        assert_eq!(e.informative, None);
        let only_products = Expansion::plan(&ds, &[Cross::Product]).unwrap();
        assert_eq!(only_products.names, ["x1", "x2", "x3", "x1·x2", "x1·x3", "x2·x3"]);
        assert_eq!(Expansion::plan(&ds, &[]).unwrap().apply(&x), x);
    }

    #[test]
    fn terms_that_repeat_a_column_are_left_out_and_said_so() {
        // A numeric column, two one-hot levels of one text column, a 0/1
        // flag and a constant.
        let x = array![
            [0.5f32, 1.0, 0.0, 1.0, 7.0],
            [1.5, 0.0, 1.0, 0.0, 7.0],
            [-2.0, 0.0, 1.0, 1.0, 7.0],
            [3.0, 1.0, 0.0, 0.0, 7.0]
        ];
        let ds = dataset(x, &["a", "c=u", "c=v", "flag", "k"], None);
        let e = Expansion::plan(&ds, Cross::ALL).unwrap();
        assert_eq!(
            e.names,
            [
                "a",
                "c=u",
                "c=v",
                "flag",
                "k",
                "a²",
                "a·(c=u)",
                "a·(c=v)",
                "a·flag",
                "(c=u)·flag",
                "(c=v)·flag",
                "sin(a)"
            ]
        );
        assert_eq!(e.left_out.len(), 3, "{:#?}", e.left_out);
        assert!(e.left_out[0].starts_with("(c=u)², (c=v)², flag², k², sin(c=u), sin(c=v) and 2 more:"));
        assert!(e.left_out[1].starts_with("a·k, (c=u)·k, (c=v)·k, flag·k: a product with a constant column"));
        assert!(e.left_out[2].starts_with("(c=u)·(c=v): the same in every row"));
    }

    #[test]
    fn informative_terms_are_the_targets_or_made_of_informative_features() {
        let x = array![[1.0f32, 2.0, 3.0], [2.0, -1.0, 0.5], [-1.0, 0.5, 2.0]];
        let mut ds = dataset(x, &["x1", "x2", "noise1"], Some(vec![true, true, false]));
        // Without the target's terms: a term is signal when all it is made of is.
        let e = Expansion::plan(&ds, &[Cross::Square, Cross::Product]).unwrap();
        let marked: Vec<&str> = e
            .names
            .iter()
            .zip(e.informative.as_ref().unwrap())
            .filter(|(_, i)| **i)
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(marked, ["x1", "x2", "x1²", "x2²", "x1·x2"]);
        assert!(!e.marks_target_terms);
        // With them among the columns: exactly those.
        ds.target_terms = Some(vec!["x1·x2".into(), "sin(x2)".into()]);
        let e = Expansion::plan(&ds, Cross::ALL).unwrap();
        let marked: Vec<&str> = e
            .names
            .iter()
            .zip(e.informative.as_ref().unwrap())
            .filter(|(_, i)| **i)
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(marked, ["x1·x2", "sin(x2)"]);
        assert!(e.marks_target_terms);
        // Not all of them there (no sines): back to the features.
        let e = Expansion::plan(&ds, &[Cross::Product]).unwrap();
        assert_eq!(e.informative.unwrap(), [true, true, false, true, false, false]);
        assert!(!e.marks_target_terms);
    }

    #[test]
    fn too_many_products_are_refused_before_anything_is_made() {
        let d = 200;
        let ds = dataset(Array2::zeros((3, d)), &vec!["x"; d], None);
        let e = Expansion::plan(&ds, &[Cross::Product]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t: feature crosses (product) of 200 features make 20100 input columns, more than the 10000 \
             reglab makes for 3 rows; expand without products, or with fewer features"
        );
        assert!(Expansion::plan(&ds, &[Cross::Square, Cross::Sin]).is_ok());
    }
}

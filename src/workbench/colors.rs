//! Run colours that carry meaning: every regularizer has a colour family
//! (none grey, L1 vermillion, L2 blue, elastic net green, dropout alone
//! purple), and a second run of the same kind gets another shade of its
//! family. The same run has the same colour in the key, every plot, the
//! formula and the network view, whatever its place in the list. The hues
//! are Okabe & Ito's, which stay apart for colour-blind viewers and on a
//! projector.

use std::collections::BTreeMap;

use crate::nn::Regularizer;
use crate::train::RunSpec;

/// What a run's colour says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    None,
    L1,
    L2,
    ElasticNet,
    /// Dropout without a penalty (with one, the penalty's family).
    Dropout,
}

impl Family {
    pub const ALL: [Family; 5] = [Family::None, Family::L1, Family::L2, Family::ElasticNet, Family::Dropout];

    pub fn of(spec: &RunSpec) -> Family {
        match spec.reg {
            Regularizer::None if spec.dropout.is_some() => Family::Dropout,
            Regularizer::None => Family::None,
            Regularizer::L1 => Family::L1,
            Regularizer::L2 => Family::L2,
            Regularizer::ElasticNet => Family::ElasticNet,
        }
    }

    /// The family's shades, in the order runs of that kind get them. Each
    /// reads at 3:1 or better on the plots of every theme once made
    /// legible, and the shades stay apart after that.
    pub fn shades(self) -> &'static [[u8; 3]] {
        match self {
            Family::None => &[[0x99, 0x99, 0x99], [0x5E, 0x5E, 0x5E], [0xB8, 0xB0, 0x9A]],
            Family::L1 => &[[0xD5, 0x5E, 0x00], [0xE6, 0x9F, 0x00], [0x99, 0x33, 0x00]],
            Family::L2 => &[[0x00, 0x72, 0xB2], [0x56, 0xB4, 0xE9], [0x2B, 0x3C, 0x9E]],
            Family::ElasticNet => &[[0x00, 0x9E, 0x73], [0x00, 0x66, 0x4A], [0x7F, 0xC9, 0x3A]],
            Family::Dropout => &[[0xCC, 0x79, 0xA7], [0xA0, 0x4C, 0xB8], [0xE0, 0x6C, 0x8C]],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::None => "none",
            Family::L1 => "L1",
            Family::L2 => "L2",
            Family::ElasticNet => "elastic net",
            Family::Dropout => "dropout",
        }
    }
}

/// Each run's colour: its family's next shade in list order, unless the
/// user chose one for a run of that name.
pub fn run_colors(runs: &[RunSpec], overrides: &BTreeMap<String, [u8; 3]>) -> Vec<[u8; 3]> {
    let mut used: BTreeMap<Family, usize> = BTreeMap::new();
    runs.iter()
        .map(|r| {
            let family = Family::of(r);
            let k = used.entry(family).or_insert(0);
            let shades = family.shades();
            let shade = shades[*k % shades.len()];
            *k += 1;
            overrides.get(&r.name).copied().unwrap_or(shade)
        })
        .collect()
}

/// Every shade of every family: what the colour tests go over.
pub fn all_shades() -> impl Iterator<Item = (Family, [u8; 3])> {
    Family::ALL.into_iter().flat_map(|f| f.shades().iter().map(move |&c| (f, c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::L1Rule;

    fn run(name: &str, reg: Regularizer) -> RunSpec {
        RunSpec { name: name.into(), reg, ..RunSpec::default() }
    }

    #[test]
    fn a_colour_follows_the_regularizer_not_the_place_in_the_list() {
        let none = Family::None.shades()[0];
        let l1 = Family::L1.shades()[0];
        let l2 = Family::L2.shades()[0];
        let a = run_colors(&[run("none", Regularizer::None), run("L1", Regularizer::L1)], &BTreeMap::new());
        let b = run_colors(
            &[run("L2", Regularizer::L2), run("L1", Regularizer::L1), run("none", Regularizer::None)],
            &BTreeMap::new(),
        );
        assert_eq!(a, vec![none, l1]);
        assert_eq!(b, vec![l2, l1, none]);
    }

    #[test]
    fn runs_of_one_kind_get_shades_of_one_family() {
        let rules = [L1Rule::Subgradient, L1Rule::Clip, L1Rule::Proximal];
        let runs: Vec<RunSpec> = rules
            .iter()
            .map(|&l1_rule| RunSpec {
                name: l1_rule.to_string(),
                reg: Regularizer::L1,
                l1_rule,
                ..RunSpec::default()
            })
            .collect();
        let colors = run_colors(&runs, &BTreeMap::new());
        assert_eq!(colors, Family::L1.shades().to_vec());
        let dropout_l2 = RunSpec { dropout: Some(0.8), ..run("dropout + L2", Regularizer::L2) };
        let dropout = RunSpec { dropout: Some(0.8), ..run("dropout", Regularizer::None) };
        let colors = run_colors(
            &[run("none", Regularizer::None), dropout, run("L2", Regularizer::L2), dropout_l2],
            &BTreeMap::new(),
        );
        assert_eq!(colors[1], Family::Dropout.shades()[0]);
        assert_eq!(colors[2], Family::L2.shades()[0]);
        assert_eq!(colors[3], Family::L2.shades()[1], "dropout with L2 is a second shade of L2");
    }

    #[test]
    fn a_chosen_colour_stays_with_its_run() {
        let mut overrides = BTreeMap::new();
        overrides.insert("L1".to_string(), [1, 2, 3]);
        let colors = run_colors(&[run("L2", Regularizer::L2), run("L1", Regularizer::L1)], &overrides);
        assert_eq!(colors[1], [1, 2, 3]);
        assert_eq!(colors[0], Family::L2.shades()[0]);
    }
}

//! What the network view draws, computed without a window: the edges of a
//! run's network (every weight that is not exactly 0), and for layers too
//! wide to draw edge by edge, only the strongest ones.

use ndarray::Array2;

use crate::nn::Mlp;

/// What the network view draws of one run's network, worked out once when
/// the network arrives rather than in every frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// The epoch the network is from.
    pub epoch: usize,
    /// Units per layer, inputs first.
    pub sizes: Vec<usize>,
    pub edges: Vec<Edge>,
    /// Weights that are not exactly 0, and weights in all.
    pub nonzero: usize,
    pub total: usize,
}

impl Picture {
    pub fn of(epoch: usize, net: &Mlp<f32>) -> Picture {
        let layers = || net.layers.iter().map(|l| &l.weights);
        Picture {
            epoch,
            sizes: sizes(layers()),
            edges: edges(layers(), MAX_EDGES_PER_LAYER),
            nonzero: layers().map(|w| w.iter().filter(|v| **v != 0.0).count()).sum(),
            total: layers().map(|w| w.len()).sum(),
        }
    }
}

/// One weight, from unit `from` of layer `layer` (0: the inputs) to unit
/// `to` of the next layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub layer: usize,
    pub from: usize,
    pub to: usize,
    pub weight: f32,
}

/// Edges drawn at most per weight matrix; past this the strongest are kept.
pub const MAX_EDGES_PER_LAYER: usize = 1500;

/// The edges of a network: every weight not exactly 0 (an exact zero is no
/// edge at all, which is how L1 prunes the picture), in order; where a
/// matrix has more than `max_per_layer` of them, the strongest by |w|
/// (ties by position, so the picture does not flicker).
pub fn edges<'a>(layers: impl IntoIterator<Item = &'a Array2<f32>>, max_per_layer: usize) -> Vec<Edge> {
    let mut out = Vec::new();
    for (layer, w) in layers.into_iter().enumerate() {
        let mut these: Vec<Edge> = w
            .indexed_iter()
            .filter(|(_, v)| **v != 0.0)
            .map(|((from, to), &weight)| Edge { layer, from, to, weight })
            .collect();
        if these.len() > max_per_layer {
            these.sort_by(|a, b| {
                b.weight.abs().total_cmp(&a.weight.abs()).then((a.from, a.to).cmp(&(b.from, b.to)))
            });
            these.truncate(max_per_layer);
            these.sort_by_key(|e| (e.from, e.to));
        }
        out.extend(these);
    }
    out
}

/// Units per layer, inputs first.
pub fn sizes<'a>(layers: impl IntoIterator<Item = &'a Array2<f32>>) -> Vec<usize> {
    let mut s = Vec::new();
    for w in layers {
        if s.is_empty() {
            s.push(w.nrows());
        }
        s.push(w.ncols());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_are_the_nonzero_weights_and_the_strongest_when_too_many() {
        let w1 = ndarray::array![[0.5f32, 0.0], [-2.0, 0.25]];
        let w2 = ndarray::array![[0.0f32], [1.0]];
        let e = edges(&[w1.clone(), w2.clone()], 100);
        assert_eq!(e.len(), 4);
        assert_eq!(e[1], Edge { layer: 0, from: 1, to: 0, weight: -2.0 });
        assert_eq!(e[3], Edge { layer: 1, from: 1, to: 0, weight: 1.0 });
        assert_eq!(sizes(&[w1.clone(), w2]), vec![2, 2, 1]);
        let strongest = edges(&[w1], 2);
        assert_eq!(strongest.iter().map(|e| e.weight).collect::<Vec<_>>(), vec![0.5, -2.0]);
    }
}

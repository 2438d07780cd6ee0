use super::Float;
use crate::text::text_enum;

text_enum!(
    /// Activation of the hidden units.
    #[derive(Default)]
    pub enum Activation, "activation" {
        #[default]
        Tanh => "tanh",
        Sigmoid => "sigmoid",
        Relu => "relu",
        Identity => "identity",
    }
);

impl Activation {
    /// Applies the activation in place to a slice of pre-activations.
    pub fn apply<F: Float>(self, z: &mut [F]) {
        match self {
            Activation::Tanh => F::tanh_all(z),
            Activation::Sigmoid => F::sigmoid_all(z),
            Activation::Relu => z.iter_mut().for_each(|v| *v = v.max(F::zero())),
            Activation::Identity => {}
        }
    }

    /// f'(z) written in terms of the output a = f(z), which is what the
    /// backward pass has at hand.
    #[inline(always)]
    pub fn derivative_from_output<F: Float>(self, a: F) -> F {
        match self {
            Activation::Tanh => F::one() - a * a,
            Activation::Sigmoid => a * (F::one() - a),
            Activation::Relu => {
                if a > F::zero() {
                    F::one()
                } else {
                    F::zero()
                }
            }
            Activation::Identity => F::one(),
        }
    }

    /// `d *= f'(z)` over slices, with f' from the outputs `a` as in
    /// [`Activation::derivative_from_output`]: the same numbers, one loop per
    /// activation so that the compiler vectorises it.
    pub fn scale_by_derivative<F: Float>(self, d: &mut [F], a: &[F]) {
        let pairs = d.iter_mut().zip(a);
        match self {
            Activation::Tanh => pairs.for_each(|(d, &a)| *d *= F::one() - a * a),
            Activation::Sigmoid => pairs.for_each(|(d, &a)| *d *= a * (F::one() - a)),
            Activation::Relu => {
                pairs.for_each(|(d, &a)| *d *= if a > F::zero() { F::one() } else { F::zero() })
            }
            Activation::Identity => {}
        }
    }

    /// He initialisation suits rectifiers, Glorot the saturating and linear units.
    pub fn init_limit(self, fan_in: usize, fan_out: usize) -> f64 {
        match self {
            Activation::Relu => (6.0 / fan_in as f64).sqrt(),
            _ => (6.0 / (fan_in + fan_out) as f64).sqrt(),
        }
    }
}

/// Logistic function, written to stay finite for any finite input.
#[inline(always)]
pub(crate) fn sigmoid<F: Float>(z: F) -> F {
    if z >= F::zero() {
        F::one() / (F::one() + (-z).exp())
    } else {
        let e = z.exp();
        e / (F::one() + e)
    }
}

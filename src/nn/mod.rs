//! The numbers: a multilayer perceptron in float32 (or float64 for checks),
//! its activations, losses, penalties and the SGD step.
//!
//! Nothing here knows about threads, files or windows. Every formula of the
//! specification lives in exactly one function of this module.

mod activation;
mod float;
pub mod gemm;
mod network;
mod penalty;
pub mod simd;
mod task;
mod workspace;

pub use activation::Activation;
pub use float::Float;
pub use network::{Layer, Mlp, NetworkError};
pub use penalty::{Formula, L1Rule, LambdaScale, Penalty, Regularizer, Scope};
pub use task::Task;
pub use workspace::{Dropout, StepParams, Workspace};

/// A value given as text could not be understood (`"tanhh"` for an activation).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: expected one of {expected}, found '{found}'")]
pub struct ParseEnumError {
    pub what: &'static str,
    pub expected: &'static str,
    pub found: String,
}

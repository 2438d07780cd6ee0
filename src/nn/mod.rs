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

pub use crate::text::ParseEnumError;

//! reglab — Regularization Lab.
//!
//! Train small feed-forward networks with different regularizers side by
//! side and watch what each penalty does to the error, the weights and their
//! sparsity. Layers, in the direction data flows: [`data`] → [`train`]
//! (which owns [`nn`]) → events → [`workbench`] → [`gui`], or → [`cli`];
//! [`console`] holds the streams and signals both ends use.

pub mod text;

pub mod bench;
pub mod cli;
pub mod console;
pub mod data;
pub mod experiment;
#[cfg(feature = "gui")]
pub mod gui;
pub mod lesson;
pub mod nn;
pub mod train;
pub mod workbench;

//! The flags of the headless commands, and the experiment they describe.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::anyhow;
use clap::{Args, ValueEnum};

use super::{CliError, failure, usage};
use crate::data::{self, Dataset, MissingPolicy, TaskKind};
use crate::experiment::Experiment;
use crate::nn::{Activation, L1Rule, LambdaScale, Regularizer, Scope};
use crate::train::{Batch, RunSpec, Session, SessionError, parse_hidden};

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub train: TrainArgs,
    /// Number of λ values.
    #[arg(long, default_value_t = 30)]
    pub lambdas: usize,
    /// The largest λ (default: where L1 makes every weight of a linear model 0, times 10 for networks).
    #[arg(long, allow_negative_numbers = true)]
    pub lambda_max: Option<f64>,
    /// The smallest λ as a fraction of the largest.
    #[arg(long, default_value_t = 1e-3, allow_negative_numbers = true)]
    pub lambda_min_ratio: f64,
    /// Write one row per path and λ to this CSV file.
    #[arg(long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
}

/// Hidden layer sizes as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden(pub Vec<usize>);

/// Feature crosses as given on the command line (`none` for none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expand(pub Vec<data::Cross>);

fn parse_expand(text: &str) -> Result<Expand, String> {
    data::parse_crosses(text).map(Expand).map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

/// How a file's columns are read: the flags `train` and `data` share.
#[derive(Debug, Args, Default)]
pub struct ColumnFlags {
    /// Target column (default: y, target, label or class, else the last column).
    #[arg(long)]
    pub target: Option<String>,
    /// Columns to leave out, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Option<Vec<String>>,
    /// Columns to use as features that would be set aside (an identifier,
    /// R's row names, an Orange meta column), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    pub as_feature: Option<Vec<String>>,
    /// The sheet of a spreadsheet (.xlsx, .ods; default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Words that mean a missing value in every column, comma-separated (e.g. none);
    /// "", ? and NA always do, and in numeric columns NaN, null, None and - too.
    #[arg(long, value_delimiter = ',', value_name = "WORDS")]
    pub na: Option<Vec<String>>,
}

impl ColumnFlags {
    /// The flags given, over what `d` had.
    pub fn apply(&self, d: &mut crate::experiment::DataSpec) {
        if let Some(t) = &self.target {
            d.target = Some(t.clone());
        }
        if let Some(i) = &self.ignore {
            d.ignore = i.clone();
        }
        if let Some(f) = &self.as_feature {
            d.features = f.clone();
        }
        if self.sheet.is_some() {
            d.sheet = self.sheet.clone();
        }
        if let Some(na) = &self.na {
            d.na = na.clone();
        }
    }
}

#[derive(Debug, Args, Default)]
pub struct TrainArgs {
    /// Experiment file (TOML); the flags below override its values for every run.
    #[arg(long, value_name = "FILE.toml")]
    pub config: Option<PathBuf>,
    /// Data: a CSV/TSV, LIBSVM or ARFF file (gzip too), a built-in set
    /// (iris, wine, breast-cancer, diabetes) or synthetic:KIND[,rows=N,noise=F,extra=K]
    /// with KIND circle, xor, gaussian, spiral, moons, sparse-regression, irrelevant or crosses.
    #[arg(long, value_name = "SOURCE")]
    pub data: Option<String>,
    #[command(flatten)]
    pub columns: ColumnFlags,
    /// regression | binary | multiclass (inferred from the target when absent).
    #[arg(long)]
    pub task: Option<TaskKind>,
    /// Hidden layer sizes, e.g. 32,32, or 'none' for a linear/logistic model.
    #[arg(long, value_parser = |s: &str| parse_hidden(s).map(Hidden))]
    pub hidden: Option<Hidden>,
    /// tanh | sigmoid | relu | identity.
    #[arg(long)]
    pub activation: Option<Activation>,
    /// none | l1 | l2 | elastic-net; a comma-separated list trains one run per value.
    #[arg(long, value_delimiter = ',')]
    pub reg: Option<Vec<Regularizer>>,
    /// Regularization strength λ ≥ 0.
    #[arg(long, allow_negative_numbers = true)]
    pub lambda: Option<f64>,
    /// What n is in λ/n: batch (the book) | dataset | none (Keras, PyTorch).
    #[arg(long)]
    pub lambda_scale: Option<LambdaScale>,
    /// L1 update: subgradient (the book) | clip (TensorFlow Playground) | proximal (exact zeros).
    #[arg(long)]
    pub l1_rule: Option<L1Rule>,
    /// Elastic-net mix α ∈ [0, 1]: R = α·L1 + (1−α)·L2.
    #[arg(long, allow_negative_numbers = true)]
    pub alpha: Option<f64>,
    /// Keep probability of inverted dropout on hidden units, in (0, 1].
    #[arg(long, value_name = "KEEP_P", allow_negative_numbers = true)]
    pub dropout: Option<f64>,
    /// Penalised weights: all | output.
    #[arg(long)]
    pub scope: Option<Scope>,
    /// Learning rate η (default: 1/L for models without hidden layers, 0.1 otherwise).
    #[arg(long, allow_negative_numbers = true)]
    pub lr: Option<f64>,
    /// Momentum in [0, 1).
    #[arg(long, allow_negative_numbers = true)]
    pub momentum: Option<f64>,
    /// Mini-batch size, or 'full'.
    #[arg(long)]
    pub batch: Option<Batch>,
    /// Epochs (default 100; with --batch full up to 200000, stopping at --tol).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Stop a run when no weight moves more than TOL·max|w| in an epoch.
    #[arg(long, allow_negative_numbers = true)]
    pub tol: Option<f64>,
    /// Seed of the initial weights, the split and the batch order.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Standardise features (on by default).
    #[arg(long)]
    pub standardize: Option<OnOff>,
    /// Fraction of rows held out for validation (default 0: train on every row).
    #[arg(long, value_name = "FRACTION", allow_negative_numbers = true)]
    pub val: Option<f64>,
    /// Fraction of rows held out as a test set (default 0).
    #[arg(long, value_name = "FRACTION", allow_negative_numbers = true)]
    pub test: Option<f64>,
    /// Rows with missing values: drop them, or fill with the training mean.
    #[arg(long, value_name = "drop|fill-mean")]
    pub missing: Option<MissingPolicy>,
    /// Feature crosses added as inputs, comma-separated: square (x1²),
    /// product (x1·x2, every pair), sin (sin(x1)); or none.
    #[arg(long, value_name = "square,product,sin", value_parser = parse_expand)]
    pub expand: Option<Expand>,
    /// Threshold of the small-weight sparsity |w| < ε.
    #[arg(long, allow_negative_numbers = true)]
    pub epsilon: Option<f64>,
    /// Compute metrics every N epochs (the last epoch always).
    #[arg(long, value_name = "N")]
    pub eval_every: Option<usize>,
    /// Write one row per run and epoch to this CSV file.
    #[arg(long, value_name = "FILE.csv")]
    pub metrics: Option<PathBuf>,
    /// Write the trained weights to this JSON file.
    #[arg(long, value_name = "FILE.json")]
    pub weights: Option<PathBuf>,
    /// Worker threads (default: one per core, at most one per run).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar or summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Train the experiment K times, with seeds SEED, SEED+1, …: the metrics
    /// get a `seed` column, and the summary tells effects from noise.
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub repeats: usize,
}

#[derive(Debug, Args)]
pub struct DataArgs {
    /// A file, a built-in set or synthetic:KIND (as for `train --data`).
    #[arg(value_name = "SOURCE")]
    pub file: String,
    #[command(flatten)]
    pub columns: ColumnFlags,
    /// Rows to show.
    #[arg(long, default_value_t = 5)]
    pub head: usize,
    /// Show the inputs feature crosses make: square, product, sin (comma-separated).
    #[arg(long, value_name = "square,product,sin", value_parser = parse_expand)]
    pub expand: Option<Expand>,
}

/// Builds the experiment from a config file and the flags given.
pub fn experiment_from_args(a: &TrainArgs) -> Result<Experiment, CliError> {
    let mut exp = match &a.config {
        Some(p) => load_experiment(p)?,
        None => Experiment::default(),
    };
    data_from_args(a, &mut exp)?;
    training_from_args(a, &mut exp);
    runs_from_args(a, &mut exp)?;
    // Before the data loads: a name or a list of runs too long is a usage error.
    crate::train::check_bounds(exp.name.as_deref(), &exp.runs).map_err(usage)?;
    Ok(exp)
}

/// The data flags: the source, column roles, task and preparation.
fn data_from_args(a: &TrainArgs, exp: &mut Experiment) -> Result<(), CliError> {
    let d = &mut exp.data;
    if let Some(p) = &a.data {
        d.set_source(p).map_err(|e| usage(anyhow!("--data: {e}")))?;
    }
    a.columns.apply(d);
    if let Some(t) = a.task {
        d.task = Some(t);
    }
    if let Some(s) = a.standardize {
        d.standardize = s == OnOff::On;
    }
    if let Some(v) = a.val {
        d.validation = v;
    }
    if let Some(v) = a.test {
        d.test = v;
    }
    if let Some(m) = a.missing {
        d.missing = m;
    }
    if let Some(e) = &a.expand {
        d.expand = e.0.clone();
    }
    Ok(())
}

/// The network and training flags, and the seed.
fn training_from_args(a: &TrainArgs, exp: &mut Experiment) {
    if let Some(h) = &a.hidden {
        exp.network.hidden = h.0.clone();
    }
    if let Some(act) = a.activation {
        exp.network.activation = act;
    }
    let t = &mut exp.training;
    if a.lr.is_some() {
        t.lr = a.lr;
    }
    if let Some(m) = a.momentum {
        t.momentum = m;
    }
    if let Some(b) = a.batch {
        t.batch = b;
    }
    if a.epochs.is_some() {
        t.epochs = a.epochs;
    }
    if a.tol.is_some() {
        t.tol = a.tol;
    }
    if let Some(e) = a.epsilon {
        t.epsilon = e;
    }
    if let Some(e) = a.eval_every {
        t.eval_every = e;
    }
    if let Some(s) = a.seed {
        exp.seed = s;
    }
}

/// `--reg` makes the runs (or sets every run of a file's); the run flags
/// then apply to every run.
fn runs_from_args(a: &TrainArgs, exp: &mut Experiment) -> Result<(), CliError> {
    if let Some(regs) = &a.reg {
        if a.config.is_some() {
            // With a file, --reg sets the regularizer of every run it defines.
            let reg = *regs.first().ok_or_else(|| usage(anyhow!("--reg needs a value")))?;
            if regs.len() > 1 {
                return Err(usage(anyhow!("--reg with --config takes one value, found {}", regs.len())));
            }
            exp.runs.iter_mut().for_each(|r| r.reg = reg);
        } else {
            exp.runs = regs.iter().map(|&reg| RunSpec { reg, ..RunSpec::default() }).collect();
        }
    }
    if exp.runs.is_empty() {
        exp.runs.push(RunSpec::default());
    }
    let named_by_flags = a.config.is_none();
    for r in &mut exp.runs {
        if let Some(v) = a.lambda {
            r.lambda = v;
        }
        if let Some(v) = a.lambda_scale {
            r.lambda_scale = v;
        }
        if let Some(v) = a.l1_rule {
            r.l1_rule = v;
        }
        if let Some(v) = a.alpha {
            r.alpha = v;
        }
        if a.dropout.is_some() {
            r.dropout = a.dropout;
        }
        if let Some(v) = a.scope {
            r.scope = v;
        }
        if named_by_flags {
            r.name = r.default_name();
        }
    }
    Ok(())
}

/// Loads the experiment's data file.
pub fn load_data(exp: &Experiment) -> Result<Dataset, CliError> {
    if !exp.data.has_source() {
        return Err(usage(anyhow!("no data: give --data SOURCE or a [data] section in --config")));
    }
    exp.data.load(None).map_err(failure)
}

/// Reads an experiment file: one that cannot be read or parsed is a usage error.
fn load_experiment(path: &Path) -> Result<Experiment, CliError> {
    Experiment::load(path).map_err(usage)
}

/// Builds the session of an experiment: data loaded and prepared, runs set up.
pub fn session_from_experiment(exp: &Experiment) -> Result<Session, CliError> {
    let ds = load_data(exp)?;
    session_with_seed(exp, &ds, exp.seed)
}

/// The session of an experiment on data already loaded, with `seed` for the
/// split, the initial weights and the batch order.
pub(super) fn session_with_seed(exp: &Experiment, ds: &Dataset, seed: u64) -> Result<Session, CliError> {
    let prepared = data::prepare(ds, &exp.data.preparation(), seed).map_err(crosses_error)?;
    let mut session =
        Session::new(Arc::new(prepared), exp.network.clone(), exp.training.clone(), exp.runs.clone(), seed)?;
    session.schedule(&exp.changes).map_err(SessionError::from)?;
    Ok(session)
}

/// Feature crosses that would make too many inputs for the data are a
/// setting that cannot be used, like a network too large for memory.
pub(super) fn crosses_error(e: data::DataError) -> CliError {
    match e {
        data::DataError::TooManyTerms { .. } => usage(e),
        e => e.into(),
    }
}

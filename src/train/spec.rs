use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::nn::{Activation, L1Rule, LambdaScale, Penalty, Regularizer, Scope};

/// A setting that cannot be used, named as the user wrote it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    #[error("{name}: expected {expected}, found {found}")]
    OutOfRange { name: String, expected: &'static str, found: String },
    #[error("an experiment needs at least one run")]
    NoRuns,
    #[error("two runs are named '{0}'; run names must differ")]
    DuplicateName(String),
    #[error(
        "the network {shape} has {} weights; {runs} run(s) of it need about {}, more than the {} this machine can give (make the hidden layers smaller)",
        grouped(*.weights),
        human_bytes(*.needed_bytes),
        human_bytes(*.limit_bytes)
    )]
    TooLarge { shape: String, weights: u128, runs: usize, needed_bytes: u128, limit_bytes: u128 },
    #[error("{what} '{shown}' has {chars} characters; at most {} are allowed", MAX_NAME_CHARS)]
    NameTooLong { what: &'static str, shown: String, chars: usize },
    #[error("the experiment has {runs} runs; at most {} can be compared side by side", MAX_RUNS)]
    TooManyRuns { runs: usize },
}

/// The longest name of a run or an experiment, in characters: names are
/// labels in legends, menus and messages, and a longer one would push
/// everything else out of the window.
pub const MAX_NAME_CHARS: usize = 200;

/// The most runs of one experiment: more cannot be told apart on a plot,
/// and every frame draws each of them.
pub const MAX_RUNS: usize = 32;

/// Refuses a name longer than [`MAX_NAME_CHARS`]; `what` says whose
/// ("run name", "experiment name"). The message quotes its start only.
pub fn check_name(what: &'static str, name: &str) -> Result<(), SpecError> {
    let chars = name.chars().count();
    if chars <= MAX_NAME_CHARS {
        return Ok(());
    }
    let shown = name.chars().take(40).chain(['…']).collect();
    Err(SpecError::NameTooLong { what, shown, chars })
}

/// Refuses what would not fit on screen, before anything is loaded: an
/// experiment name or a run name longer than [`MAX_NAME_CHARS`], more than
/// [`MAX_RUNS`] runs.
pub fn check_bounds(experiment_name: Option<&str>, runs: &[RunSpec]) -> Result<(), SpecError> {
    if let Some(name) = experiment_name {
        check_name("experiment name", name)?;
    }
    if runs.len() > MAX_RUNS {
        return Err(SpecError::TooManyRuns { runs: runs.len() });
    }
    runs.iter().try_for_each(|r| check_name("run name", &r.name))
}

/// A number as a label shows it: as written for everyday sizes (`0.1`,
/// `3`, `0.0005`), in scientific notation beyond (`1e308`, `2.5e-7`), so
/// that no λ or η takes more than a few characters.
pub fn compact(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 || !a.is_finite() || (1e-4..1e6).contains(&a) { format!("{v}") } else { format!("{v:e}") }
}

/// `10,000,700,000`.
pub fn grouped(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1.5 GB`, `40 TB`.
pub fn human_bytes(b: u128) -> String {
    crate::text::bytes(b)
}

/// Memory the training may use: half of what the system has available
/// (Linux `MemAvailable`), or 4 GB where that cannot be read.
pub fn memory_limit_bytes() -> u128 {
    let available = std::fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        text.lines()
            .find(|l| l.starts_with("MemAvailable:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u128>().ok())
            .map(|kb| kb * 1024)
    });
    available.map_or(4_000_000_000, |b| b / 2)
}

/// Refuses, before anything is allocated, a network whose runs would not fit
/// in memory: each run holds its weights, their gradients, the momentum and
/// convergence buffers and the copy it started from (about six copies), plus
/// the activations of a batch and of an evaluation chunk.
pub fn check_size(
    inputs: usize,
    hidden: &[usize],
    outputs: usize,
    batch_rows: usize,
    runs: usize,
) -> Result<(), SpecError> {
    let mut sizes = vec![inputs as u128];
    sizes.extend(hidden.iter().map(|&h| h as u128));
    sizes.push(outputs as u128);
    let weights: u128 = sizes.windows(2).map(|w| w[0] * w[1]).sum();
    let params: u128 = weights + sizes[1..].iter().sum::<u128>();
    let units: u128 = sizes.iter().sum();
    let rows = batch_rows.max(1024) as u128;
    let per_run = 4 * (6 * params + 4 * rows * units);
    let needed = per_run * (runs.max(1) as u128 + 1);
    let limit = memory_limit_bytes();
    if needed > limit {
        let shape = sizes.iter().map(|s| s.to_string()).collect::<Vec<_>>().join("-");
        return Err(SpecError::TooLarge { shape, weights, runs, needed_bytes: needed, limit_bytes: limit });
    }
    Ok(())
}

fn out_of_range(name: impl Into<String>, expected: &'static str, found: impl fmt::Display) -> SpecError {
    SpecError::OutOfRange { name: name.into(), expected, found: found.to_string() }
}

/// One run's regularization, as in an experiment file's `[[runs]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunSpec {
    pub name: String,
    pub reg: Regularizer,
    pub lambda: f64,
    pub lambda_scale: LambdaScale,
    pub l1_rule: L1Rule,
    /// Elastic-net mix: `R = α·L1 + (1 − α)·L2`.
    pub alpha: f64,
    /// Keep probability of inverted dropout on hidden units; none when absent.
    pub dropout: Option<f64>,
    pub scope: Scope,
    /// This run's own learning rate, instead of the shared one.
    pub lr: Option<f64>,
}

impl Default for RunSpec {
    fn default() -> Self {
        RunSpec {
            name: String::new(),
            reg: Regularizer::None,
            lambda: 0.0,
            lambda_scale: LambdaScale::Batch,
            l1_rule: L1Rule::Subgradient,
            alpha: 0.5,
            dropout: None,
            scope: Scope::All,
            lr: None,
        }
    }
}

impl RunSpec {
    pub fn penalty(&self) -> Penalty {
        Penalty { regularizer: self.reg, lambda: self.lambda, alpha: self.alpha, l1_rule: self.l1_rule }
    }

    /// A short name from the settings: `l1-proximal λ=0.001`.
    pub fn default_name(&self) -> String {
        let mut s = match self.reg {
            Regularizer::None => "none".to_string(),
            Regularizer::L2 => format!("l2 λ={}", compact(self.lambda)),
            Regularizer::L1 => format!("l1-{} λ={}", self.l1_rule, compact(self.lambda)),
            Regularizer::ElasticNet => {
                format!("enet-{} α={} λ={}", self.l1_rule, compact(self.alpha), compact(self.lambda))
            }
        };
        if let Some(p) = self.dropout {
            s.push_str(&format!(" dropout {p}"));
        }
        s
    }

    pub fn check(&self) -> Result<(), SpecError> {
        check_name("run name", &self.name)?;
        let who = if self.name.is_empty() { self.default_name() } else { self.name.clone() };
        if !(self.lambda.is_finite() && self.lambda >= 0.0) {
            return Err(out_of_range(format!("{who}: lambda"), "a finite number ≥ 0", self.lambda));
        }
        if !(0.0..=1.0).contains(&self.alpha) {
            return Err(out_of_range(format!("{who}: alpha"), "a number in [0, 1]", self.alpha));
        }
        if let Some(p) = self.dropout
            && !(p > 0.0 && p <= 1.0)
        {
            return Err(out_of_range(format!("{who}: dropout keep probability"), "a number in (0, 1]", p));
        }
        if let Some(lr) = self.lr
            && !(lr.is_finite() && lr > 0.0)
        {
            return Err(out_of_range(format!("{who}: lr"), "a finite number > 0", lr));
        }
        Ok(())
    }
}

/// The mini-batch size: a number of rows, or the whole training set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batch {
    Size(usize),
    Full,
}

impl Batch {
    pub fn rows(self, train_rows: usize) -> usize {
        match self {
            Batch::Size(n) => n.min(train_rows).max(1),
            Batch::Full => train_rows.max(1),
        }
    }
}

impl fmt::Display for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Batch::Size(n) => write!(f, "{n}"),
            Batch::Full => f.write_str("full"),
        }
    }
}

impl FromStr for Batch {
    type Err = SpecError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("full") {
            return Ok(Batch::Full);
        }
        match s.parse::<usize>() {
            Ok(n) if n > 0 => Ok(Batch::Size(n)),
            _ => Err(out_of_range("batch", "a whole number ≥ 1 or 'full'", s)),
        }
    }
}

impl Serialize for Batch {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Batch::Size(n) => s.serialize_u64(*n as u64),
            Batch::Full => s.serialize_str("full"),
        }
    }
}

impl<'de> Deserialize<'de> for Batch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u64),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) if n > 0 => Ok(Batch::Size(n as usize)),
            Raw::N(n) => Err(serde::de::Error::custom(format!("batch must be ≥ 1, found {n}"))),
            Raw::S(s) => s.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// Hidden layer sizes, written `32,32` or `none`.
pub fn parse_hidden(s: &str) -> Result<Vec<usize>, SpecError> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|p| match p.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(out_of_range("hidden", "comma-separated layer sizes ≥ 1 (32,32) or 'none'", s)),
        })
        .collect()
}

/// The network shared by every run of an experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkSpec {
    pub hidden: Vec<usize>,
    pub activation: Activation,
}

impl Default for NetworkSpec {
    fn default() -> Self {
        NetworkSpec { hidden: vec![16, 16], activation: Activation::Tanh }
    }
}

/// Optimisation settings shared by every run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingSpec {
    /// Learning rate η; chosen from the data when absent (see [`TrainingSpec::resolve`]).
    pub lr: Option<f64>,
    pub momentum: f64,
    pub batch: Batch,
    /// Default: 100, or up to 200 000 with `batch = "full"` (stopping at `tol`).
    pub epochs: Option<usize>,
    /// Stop a run when no weight moved more than `tol·max|w|` in an epoch.
    /// Default: 1e-6 with `batch = "full"`, off otherwise (SGD noise never settles).
    pub tol: Option<f64>,
    /// Threshold of the "small weight" sparsity, `|w| < ε`.
    pub epsilon: f64,
    /// Compute metrics every this many epochs (the last epoch always).
    pub eval_every: usize,
}

impl Default for TrainingSpec {
    fn default() -> Self {
        TrainingSpec {
            lr: None,
            momentum: 0.0,
            batch: Batch::Size(32),
            epochs: None,
            tol: None,
            epsilon: 1e-3,
            eval_every: 1,
        }
    }
}

pub const DEFAULT_EPOCHS: usize = 100;
pub const DEFAULT_FULL_BATCH_EPOCHS: usize = 200_000;
pub const DEFAULT_FULL_BATCH_TOL: f64 = 1e-6;
/// Learning rate of networks with hidden layers when none is given.
pub const DEFAULT_NETWORK_LR: f64 = 0.1;

impl TrainingSpec {
    pub fn check(&self) -> Result<(), SpecError> {
        if let Some(lr) = self.lr
            && !(lr.is_finite() && lr > 0.0)
        {
            return Err(out_of_range("lr", "a finite number > 0", lr));
        }
        if !(0.0..1.0).contains(&self.momentum) {
            return Err(out_of_range("momentum", "a number in [0, 1)", self.momentum));
        }
        if self.epochs == Some(0) {
            return Err(out_of_range("epochs", "a whole number ≥ 1", 0));
        }
        if let Some(t) = self.tol
            && !(t.is_finite() && t >= 0.0)
        {
            return Err(out_of_range("tol", "a finite number ≥ 0", t));
        }
        if !(self.epsilon.is_finite() && self.epsilon >= 0.0) {
            return Err(out_of_range("epsilon", "a finite number ≥ 0", self.epsilon));
        }
        if self.eval_every == 0 {
            return Err(out_of_range("eval_every", "a whole number ≥ 1", 0));
        }
        Ok(())
    }

    pub fn epochs(&self) -> usize {
        self.epochs.unwrap_or(match self.batch {
            Batch::Full => DEFAULT_FULL_BATCH_EPOCHS,
            Batch::Size(_) => DEFAULT_EPOCHS,
        })
    }

    pub fn tol(&self) -> f64 {
        self.tol.unwrap_or(match (self.batch, self.epochs) {
            (Batch::Full, None) => DEFAULT_FULL_BATCH_TOL,
            _ => 0.0,
        })
    }
}

/// Checks a list of runs and names the unnamed ones.
pub fn check_runs(runs: &mut [RunSpec]) -> Result<(), SpecError> {
    if runs.is_empty() {
        return Err(SpecError::NoRuns);
    }
    if runs.len() > MAX_RUNS {
        return Err(SpecError::TooManyRuns { runs: runs.len() });
    }
    for r in runs.iter_mut() {
        r.check()?;
        if r.name.trim().is_empty() {
            r.name = r.default_name();
        }
    }
    for (i, r) in runs.iter().enumerate() {
        if runs[..i].iter().any(|o| o.name == r.name) {
            return Err(SpecError::DuplicateName(r.name.clone()));
        }
    }
    Ok(())
}

//! The headless commands: `reglab train`, `reglab data`, `reglab bench`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, anyhow};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::data::{self, ColumnKind, Dataset, MissingPolicy, TargetValues, TaskKind};
use crate::experiment::Experiment;
use crate::nn::{Activation, L1Rule, LambdaScale, Regularizer, Scope};
use crate::train::{
    Batch, Event, MetricsLog, RunSpec, RunStatus, Session, SessionError, parse_hidden, weights_json,
};

/// A command's failure, which decides the exit code (SPEC §3).
#[derive(Debug)]
pub enum CliError {
    /// A bad flag, value or settings file: exit 2.
    Usage(anyhow::Error),
    /// The work failed (bad data, a diverged run): exit 1.
    Failure(anyhow::Error),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Failure(_) => 1,
        }
    }
    pub fn error(&self) -> &anyhow::Error {
        match self {
            CliError::Usage(e) | CliError::Failure(e) => e,
        }
    }
}

impl From<SessionError> for CliError {
    /// Settings that cannot be used (a bad value, a network too large for
    /// memory, a change naming no run) are usage errors; the rest failures.
    fn from(e: SessionError) -> CliError {
        match e {
            SessionError::Spec(_) | SessionError::Network(_) | SessionError::Schedule(_) => usage(e),
            SessionError::NoTrainingRows | SessionError::Internal(_) => failure(e),
        }
    }
}

impl From<crate::data::DataError> for CliError {
    /// A data setting that cannot be used is a usage error; a file that
    /// cannot be read is a failure of the work.
    fn from(e: crate::data::DataError) -> CliError {
        match e {
            crate::data::DataError::Invalid(_) => usage(e),
            _ => failure(e),
        }
    }
}

fn usage(e: impl Into<anyhow::Error>) -> CliError {
    CliError::Usage(e.into())
}
fn failure(e: impl Into<anyhow::Error>) -> CliError {
    CliError::Failure(e.into())
}

#[derive(Debug, Parser)]
#[command(
    name = "reglab",
    version,
    about = "Regularization Lab: train small networks with L1, L2 and friends side by side",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A data file to open in the workbench.
    pub file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train an experiment headless: progress on stderr, metrics and weights to files.
    Train(Box<TrainArgs>),
    /// Print what reglab understands of a data file.
    Data(DataArgs),
    /// Time the reference workloads W1–W3.
    Bench(crate::bench::BenchArgs),
    /// Regularization path: train each --reg at every λ of a log grid, warm-started, and write a CSV.
    Sweep(Box<SweepArgs>),
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Args, Default)]
pub struct TrainArgs {
    /// Experiment file (TOML); the flags below override its values for every run.
    #[arg(long, value_name = "FILE.toml")]
    pub config: Option<PathBuf>,
    /// Data: a CSV/TSV, LIBSVM or ARFF file (gzip too), a built-in set
    /// (iris, wine, breast-cancer, diabetes) or synthetic:KIND[,rows=N,noise=F,extra=K]
    /// with KIND circle, xor, gaussian, spiral, moons, sparse-regression or irrelevant.
    #[arg(long, value_name = "SOURCE")]
    pub data: Option<String>,
    /// Target column (default: y, target, label or class, else the last column).
    #[arg(long)]
    pub target: Option<String>,
    /// Columns to leave out, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Option<Vec<String>>,
    /// The sheet of a spreadsheet (.xlsx, .ods; default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Words that mean a missing value in every column, comma-separated (e.g. none);
    /// "", ? and NA always do, and in numeric columns NaN, null, None and - too.
    #[arg(long, value_delimiter = ',', value_name = "WORDS")]
    pub na: Option<Vec<String>>,
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
    /// Target column (default: y, target, label or class, else the last column).
    #[arg(long)]
    pub target: Option<String>,
    /// Columns to leave out, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Option<Vec<String>>,
    /// The sheet of a spreadsheet (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Words that mean a missing value in every column, comma-separated (e.g. none);
    /// "", ? and NA always do, and in numeric columns NaN, null, None and - too.
    #[arg(long, value_delimiter = ',', value_name = "WORDS")]
    pub na: Option<Vec<String>>,
    /// Rows to show.
    #[arg(long, default_value_t = 5)]
    pub head: usize,
}

/// Builds the experiment from a config file and the flags given.
pub fn experiment_from_args(a: &TrainArgs) -> Result<Experiment, CliError> {
    let mut exp = match &a.config {
        Some(p) => load_experiment(p)?,
        None => Experiment::default(),
    };
    let d = &mut exp.data;
    if let Some(p) = &a.data {
        d.set_source(p).map_err(|e| usage(anyhow!("--data: {e}")))?;
    }
    if let Some(t) = &a.target {
        d.target = Some(t.clone());
    }
    if let Some(i) = &a.ignore {
        d.ignore = i.clone();
    }
    if a.sheet.is_some() {
        d.sheet = a.sheet.clone();
    }
    if let Some(na) = &a.na {
        d.na = na.clone();
    }
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
    Ok(exp)
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
fn session_with_seed(exp: &Experiment, ds: &Dataset, seed: u64) -> Result<Session, CliError> {
    let prepared = data::prepare(ds, &exp.data.preparation(), seed)?;
    let mut session =
        Session::new(Arc::new(prepared), exp.network.clone(), exp.training.clone(), exp.runs.clone(), seed)?;
    session.schedule(&exp.changes).map_err(SessionError::from)?;
    Ok(session)
}

fn create(path: &Path) -> Result<BufWriter<File>, CliError> {
    File::create(path)
        .map(BufWriter::new)
        .with_context(|| format!("{}: cannot create the file", path.display()))
        .map_err(failure)
}

/// `reglab sweep`.
pub fn sweep(a: &SweepArgs) -> Result<(), CliError> {
    use crate::train::sweep;
    let exp = experiment_from_args(&a.train)?;
    let session = session_from_experiment(&exp)?;
    let data = Arc::clone(&session.data);
    if a.lambdas == 0 || !(a.lambda_min_ratio > 0.0 && a.lambda_min_ratio < 1.0) {
        return Err(usage(anyhow!("--lambdas must be at least 1 and --lambda-min-ratio in (0, 1)")));
    }
    let mut out = a.out.as_deref().map(create).transpose()?;
    let bases: Vec<RunSpec> = session.runs.iter().map(|r| r.spec.clone()).collect();
    let max = match a.lambda_max {
        Some(m) if m > 0.0 && m.is_finite() => m,
        Some(m) => return Err(usage(anyhow!("--lambda-max must be a number > 0, found {m}"))),
        None => sweep::lambda_max(&data, &exp.network, &exp.training, &bases[0]),
    };
    let grid = sweep::lambda_grid(max, a.lambda_min_ratio, a.lambdas);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let cancel = AtomicBool::new(false);
    let total = (grid.len() * bases.len()) as u64;
    let progress =
        if a.train.quiet { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new(total) };
    let paths = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            sweep::sweep_all(&data, &exp.network, &exp.training, &bases, &grid, exp.seed, &done, &cancel)
        });
        while !worker.is_finished() {
            progress.set_position(done.load(std::sync::atomic::Ordering::Relaxed) as u64);
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        worker.join()
    })
    .map_err(|_| failure(anyhow!("the sweep stopped with an internal error")))?;
    progress.finish_and_clear();
    let names = &data.feature_names;
    let mut rows = Vec::new();
    for path in paths {
        let path = path.map_err(failure)?;
        let (inputs, units) = path.shape;
        if !a.train.quiet {
            let at = |l: f64| path.points.iter().find(|p| p.lambda == l).map_or(0, |p| p.nonzero);
            println!(
                "{}: λ with least validation error {:.4e} ({} non-zero weights); one-standard-error choice {:.4e} ({} non-zero)",
                path.name,
                path.lambda_min,
                at(path.lambda_min),
                path.lambda_1se,
                at(path.lambda_1se)
            );
        }
        for p in &path.points {
            let mut cells = vec![
                path.name.clone(),
                format!("{}", p.lambda),
                p.epochs.to_string(),
                p.converged.to_string(),
                format!("{}", p.train_error),
                format!("{}", p.val_error),
                format!("{}", p.val_se),
                p.nonzero.to_string(),
            ];
            if units == 1 {
                cells.extend(p.weights.iter().map(|w| format!("{w}")));
            } else {
                cells.extend(p.importance.iter().map(|w| format!("{w}")));
            }
            rows.push((units, inputs, cells));
        }
    }
    if let Some(out) = out.as_mut() {
        let units = rows.first().map_or(1, |r| r.0);
        let mut header: Vec<String> =
            ["path", "lambda", "epochs", "converged", "train_error", "val_error", "val_se", "nonzero"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        let prefix = if units == 1 { "w:" } else { "importance:" };
        header.extend(names.iter().map(|n| format!("{prefix}{n}")));
        let mut w = csv::Writer::from_writer(out);
        let io = |e: csv::Error| failure(anyhow!("cannot write the CSV: {e}"));
        w.write_record(&header).map_err(io)?;
        for (_, _, cells) in &rows {
            w.write_record(cells).map_err(io)?;
        }
        w.flush().map_err(|e| failure(anyhow!("cannot write the CSV: {e}")))?;
    }
    Ok(())
}

/// `reglab train`.
pub fn train(a: &TrainArgs) -> Result<(), CliError> {
    let exp = experiment_from_args(a)?;
    if a.repeats == 0 {
        return Err(usage(anyhow!("--repeats must be at least 1")));
    }
    let ds = load_data(&exp)?;
    let seeds: Vec<u64> = (0..a.repeats as u64).map(|k| exp.seed.wrapping_add(k)).collect();
    let first = session_with_seed(&exp, &ds, seeds[0])?;
    // Open the outputs first, so that a bad path fails before the training, not after.
    let mut metrics_out = a.metrics.as_deref().map(create).transpose()?;
    let mut weights_out = a.weights.as_deref().map(create).transpose()?;
    let has_validation = first.data.val_rows() > 0;

    let names = first.run_names();
    let epochs = first.context().epochs;
    let progress = if a.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let pb = indicatif::ProgressBar::new((seeds.len() * names.len() * epochs) as u64);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} epochs {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    };
    let threads = a.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut finals: Vec<Vec<Option<f64>>> = Vec::new();
    let mut diverged: Vec<String> = Vec::new();
    let mut session = Some(first);
    for (k, &seed) in seeds.iter().enumerate() {
        let mut s = match session.take() {
            Some(s) => s,
            None => session_with_seed(&exp, &ds, seed)?,
        };
        let mut log = MetricsLog::for_session(&s);
        if seeds.len() > 1 {
            log = log.with_seed(seed);
            progress.set_message(format!("seed {seed}"));
        }
        let mut log_error = None;
        let mut observer = |e: &Event<'_>| match e {
            Event::Epoch { run, epoch, metrics } => {
                if *epoch > 0 {
                    progress.inc(1);
                }
                if let Some(m) = metrics
                    && let Err(e) = log.push(*run, m)
                {
                    log_error.get_or_insert(e);
                }
            }
            Event::RunFinished { run, epoch, status } => {
                progress.inc(epochs.saturating_sub(*epoch) as u64);
                if !matches!(status, RunStatus::Done) {
                    let who = if seeds.len() > 1 { format!(" (seed {seed})") } else { String::new() };
                    progress.println(format!("{}{who}: {}", names[*run], status.describe()));
                }
            }
            Event::Started { .. } | Event::Finished => {}
        };
        s.train(threads, &mut observer, &AtomicBool::new(false));
        if let Some(e) = log_error {
            return Err(failure(anyhow!("cannot record the metrics: {e}")));
        }
        if let Some(out) = metrics_out.as_mut() {
            if k == 0 {
                writeln!(out, "{}", log.header()).map_err(write_error("metrics", &a.metrics))?;
            }
            log.write_rows(out).map_err(write_error("metrics", &a.metrics))?;
        }
        if k == 0
            && let Some(out) = weights_out.as_mut()
        {
            let json = weights_json(&s).map_err(failure)?;
            out.write_all(json.as_bytes()).map_err(write_error("weights", &a.weights))?;
        }
        finals.push(
            s.runs
                .iter()
                .map(|r| r.last.as_ref().map(|m| m.val.map_or(m.train.error, |v| v.error)))
                .collect(),
        );
        for r in &s.runs {
            if matches!(r.status, RunStatus::Diverged { .. }) {
                let who = if seeds.len() > 1 { format!(" (seed {seed})") } else { String::new() };
                diverged.push(format!("{}{who}: {}", r.spec.name, r.status.describe()));
            }
        }
        if !a.quiet && seeds.len() == 1 {
            progress.finish_and_clear();
            print_summary(&s);
        }
    }
    progress.finish_and_clear();
    for out in [metrics_out.as_mut(), weights_out.as_mut()].into_iter().flatten() {
        out.flush().map_err(|e| failure(anyhow!("cannot write the outputs: {e}")))?;
    }
    if !a.quiet && seeds.len() > 1 {
        let which = if has_validation { "validation" } else { "training" };
        println!("{}", crate::train::seeds::compare(&names, &seeds, &finals, which));
    }
    if diverged.is_empty() { Ok(()) } else { Err(failure(anyhow!("{}", diverged.join("; ")))) }
}

/// Turns a failed write to `path` into a failure that names it.
fn write_error(what: &'static str, path: &Option<PathBuf>) -> impl Fn(std::io::Error) -> CliError {
    let shown = path.as_deref().unwrap_or(Path::new("")).display().to_string();
    move |e| failure(anyhow!("{shown}: cannot write the {what}: {e}"))
}

fn print_summary(session: &Session) {
    let classification = session.data.task.is_classification();
    println!(
        "{} rows for training, {} for validation; task {}; network {:?}; η per run below",
        session.data.train_rows(),
        session.data.val_rows(),
        session.data.task.name(),
        session.initial.sizes()
    );
    if session.data.dropped_rows > 0 {
        println!(
            "{} row(s) with a missing value were left out (--missing fill-mean keeps them)",
            session.data.dropped_rows
        );
    }
    if session.data.filled_cells > 0 {
        println!("{} missing value(s) were filled with the training mean", session.data.filled_cells);
    }
    if session.data.x_test.nrows() > 0 {
        println!("{} rows held out as a test set", session.data.x_test.nrows());
    }
    println!(
        "{:<28} {:>7} {:>12} {:>12} {:>12} {:>9} {:>8} {:>9}  status",
        "run", "epochs", "train E0", "val E0", "penalty R", "acc", "zeros", "|w|<ε"
    );
    for r in &session.runs {
        let m = r.last.as_ref();
        let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.6}"));
        println!(
            "{:<28} {:>7} {:>12} {:>12} {:>12} {:>9} {:>7.1}% {:>8.1}%  {} (η={})",
            r.spec.name,
            r.epoch,
            f(m.map(|m| m.train.error)),
            f(m.and_then(|m| m.val.map(|v| v.error))),
            f(m.map(|m| m.penalty)),
            if classification {
                f(m.and_then(|m| m.val.or(Some(m.train)).and_then(|e| e.accuracy)))
            } else {
                "-".into()
            },
            m.map_or(0.0, |m| 100.0 * m.weights.zero_frac),
            m.map_or(0.0, |m| 100.0 * m.weights.small_frac),
            r.status.describe(),
            r.lr
        );
    }
}

/// `reglab data FILE`.
pub fn describe_data(a: &DataArgs) -> Result<(), CliError> {
    let mut spec = crate::experiment::DataSpec::default();
    spec.set_source(&a.file).map_err(|e| usage(anyhow!("{e}")))?;
    spec.target = a.target.clone();
    spec.ignore = a.ignore.clone().unwrap_or_default();
    spec.sheet = a.sheet.clone();
    spec.na = a.na.clone().unwrap_or_default();
    let ds = spec.load(None).map_err(failure)?;
    print!("{}", describe_dataset(&ds, a.head));
    Ok(())
}

/// What reglab understood of a dataset, as text.
pub fn describe_dataset(ds: &Dataset, head: usize) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let source = ds.source.as_ref().map_or_else(|| ds.name.clone(), |p| p.display().to_string());
    let _ = writeln!(o, "source:   {source}");
    if let Some(format) = &ds.format {
        let _ = writeln!(o, "format:   {format}");
    }
    let _ = writeln!(o, "rows:     {}", ds.rows());
    let _ = writeln!(
        o,
        "columns:  {} in the source; {} feature column(s) after encoding, target '{}'",
        ds.columns.len(),
        ds.feature_count(),
        ds.target_name
    );
    let width = ds.columns.iter().map(|c| c.name.chars().count()).max().unwrap_or(4).clamp(4, 32);
    for (i, c) in ds.columns.iter().enumerate() {
        let kind = match &c.kind {
            None => "-".to_string(),
            Some(ColumnKind::Numeric) => "numeric".to_string(),
            Some(ColumnKind::Categorical { levels }) => {
                let shown: Vec<&str> = levels.iter().take(6).map(String::as_str).collect();
                let more = if levels.len() > 6 { ", …" } else { "" };
                format!("text, {} values ({}{more})", levels.len(), shown.join(", "))
            }
        };
        let missing = if c.missing > 0 { format!("  {} missing", c.missing) } else { String::new() };
        let one_hot = match (&c.kind, c.role) {
            (Some(ColumnKind::Categorical { levels }), data::Role::Feature) => {
                format!("  → {} one-hot columns", levels.len())
            }
            _ => String::new(),
        };
        let _ =
            writeln!(o, "  {:>3}  {:<width$}  {:<8} {kind}{one_hot}{missing}", i + 1, c.name, c.role.name());
    }
    for note in &ds.notes {
        let _ = writeln!(o, "note:     {note}");
    }
    let task = ds.infer_task();
    let how = if ds.task_hint.is_some() { "as the file declares" } else { "inferred" };
    let _ = writeln!(o, "task:     {task} ({how}; override with --task)");
    match ds.class_counts(task) {
        Some(counts) => {
            let parts: Vec<String> = counts.iter().map(|(l, c)| format!("{l}: {c}")).collect();
            let _ = writeln!(o, "classes:  {} ({})", counts.len(), parts.join(", "));
            if counts.len() < 2 {
                let _ =
                    writeln!(o, "          a classifier needs at least 2 classes: is this the right target?");
            }
        }
        None => {
            if let TargetValues::Numeric(v) = &ds.target {
                let (lo, hi) =
                    v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
                let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
                let _ = writeln!(o, "target:   numeric, from {lo} to {hi}, mean {mean:.4}");
            }
        }
    }
    let missing = ds.missing_values();
    let _ = writeln!(
        o,
        "missing:  {missing} feature value(s) in {} row(s){}",
        ds.rows_with_missing(),
        if missing > 0 {
            " (dropped by default; --missing fill-mean fills them with the training mean)"
        } else {
            ""
        }
    );
    if ds.dropped_rows > 0 {
        let _ = writeln!(o, "          {} row(s) left out because their target is missing", ds.dropped_rows);
    }
    if let Some(inf) = &ds.informative {
        let noise: Vec<&str> =
            inf.iter().zip(&ds.feature_names).filter(|(i, _)| !**i).map(|(_, n)| n.as_str()).collect();
        if !noise.is_empty() {
            let _ = writeln!(
                o,
                "noise:    {} feature(s) known to carry no signal: {}",
                noise.len(),
                noise.join(", ")
            );
        }
    }
    let shown = head.min(ds.rows());
    if shown > 0 {
        let _ = writeln!(o, "first rows:");
        let cols = ds.feature_count().min(12);
        let more = if ds.feature_count() > cols { "\t…" } else { "" };
        let names: Vec<&str> = ds.feature_names[..cols].iter().map(String::as_str).collect();
        let label = |r: Option<usize>| match (&ds.row_labels, r) {
            (None, _) => String::new(),
            (Some(l), None) => format!("[{}]\t", l.column),
            (Some(l), Some(r)) => format!("[{}]\t", data::clip(&l.labels[r])),
        };
        let _ = writeln!(o, "  {}{}{more} | {}", label(None), names.join("\t"), ds.target_name);
        for r in 0..shown {
            let row: Vec<String> = ds.features.row(r).iter().take(cols).map(|v| format!("{v}")).collect();
            let _ = writeln!(o, "  {}{}{more} | {}", label(Some(r)), row.join("\t"), ds.target_text(r));
        }
    }
    o
}

/// Runs the command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Some(Command::Train(a)) => train(&a),
        Some(Command::Data(a)) => describe_data(&a),
        Some(Command::Bench(a)) => crate::bench::run(&a).map_err(CliError::Failure),
        Some(Command::Sweep(a)) => sweep(&a),
        None => crate::gui::run(cli.file).map_err(CliError::Failure),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("reglab: {:#}", e.error());
            e.exit_code()
        }
    }
}

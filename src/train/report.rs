//! The files a session writes: the metrics table (CSV) and the weights (JSON).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use super::metrics::EpochMetrics;
use super::run::RunStatus;
use super::session::Session;
use crate::data::csv_field;

fn opt(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The columns of the metrics CSV for networks with `layers` weight matrices.
pub fn metrics_header(layers: usize) -> String {
    let mut header: Vec<String> = [
        "run",
        "epoch",
        "train_error",
        "val_error",
        "penalty",
        "total",
        "train_accuracy",
        "val_accuracy",
        "l1_norm",
        "l2_norm",
        "zero_frac",
        "small_frac",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for l in 1..=layers {
        for c in ["zero_frac", "small_frac", "l1_norm", "l2_norm"] {
            header.push(format!("layer{l}_{c}"));
        }
    }
    header.extend(["lr".to_string(), "lambda".to_string()]);
    header.join(",")
}

/// One row of the metrics CSV (without its line end).
pub fn metrics_row(name: &str, m: &EpochMetrics, layers: usize) -> String {
    let mut cells = vec![
        csv_field(name),
        m.epoch.to_string(),
        m.train.error.to_string(),
        opt(m.val.map(|v| v.error)),
        m.penalty.to_string(),
        m.total.to_string(),
        opt(m.train.accuracy),
        opt(m.val.and_then(|v| v.accuracy)),
        m.weights.l1.to_string(),
        m.weights.l2.to_string(),
        m.weights.zero_frac.to_string(),
        m.weights.small_frac.to_string(),
    ];
    for l in 0..layers {
        match m.layers.get(l) {
            Some(s) => cells.extend([s.zero_frac, s.small_frac, s.l1, s.l2].map(|v| v.to_string())),
            None => cells.extend(std::iter::repeat_n(String::new(), 4)),
        }
    }
    cells.extend([m.lr.to_string(), m.lambda.to_string()]);
    cells.join(",")
}

/// Where one run's rows wait: a temporary file, or memory where no file
/// can be made.
enum Sink {
    /// `path` is `None` once the file has no name (it goes with the process).
    File {
        file: std::io::BufWriter<std::fs::File>,
        path: Option<std::path::PathBuf>,
    },
    Memory(Vec<u8>),
}

/// Every evaluated epoch of every run, at full resolution, as the rows of
/// the metrics CSV. Rows go to a temporary file per run as they come, so
/// memory stays flat however long the runs train (about 300 bytes of disk
/// per row); the CSV is those files one after the other, ordered by run and
/// epoch. `reglab train --metrics` and the window's export both write it.
pub struct MetricsLog {
    names: Vec<String>,
    layers: usize,
    sinks: Vec<Sink>,
    rows: usize,
    /// Written first in every row, under a `seed` column, when set (runs
    /// repeated over seeds).
    seed: Option<u64>,
    /// The first row that could not be recorded, as an observer.
    error: Option<std::io::Error>,
}

/// As an observer, the log records every evaluated epoch; the first error
/// is kept for [`MetricsLog::take_error`].
impl super::session::Observer for MetricsLog {
    fn on_event(&mut self, event: &super::session::Event<'_>) {
        if let super::session::Event::Epoch { run, metrics: Some(m), .. } = event
            && let Err(e) = self.push(*run, m)
        {
            self.error.get_or_insert(e);
        }
    }
}

impl std::fmt::Debug for MetricsLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsLog").field("names", &self.names).field("rows", &self.rows).finish()
    }
}

static SPILL_COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl MetricsLog {
    /// A log for these runs, whose networks have `layers` weight matrices.
    pub fn new(names: Vec<String>, layers: usize) -> MetricsLog {
        let sinks =
            (0..names.len()).map(|_| Self::spill_file().unwrap_or(Sink::Memory(Vec::new()))).collect();
        MetricsLog { names, layers, sinks, rows: 0, seed: None, error: None }
    }

    /// The first row that could not be recorded since the last call.
    pub fn take_error(&mut self) -> Option<std::io::Error> {
        self.error.take()
    }

    /// The same log with a `seed` column first, holding `seed`.
    pub fn with_seed(mut self, seed: u64) -> MetricsLog {
        self.seed = Some(seed);
        self
    }

    /// The header line (without its line end).
    pub fn header(&self) -> String {
        match self.seed {
            Some(_) => format!("seed,{}", metrics_header(self.layers)),
            None => metrics_header(self.layers),
        }
    }

    /// A log for the runs of `session`.
    pub fn for_session(session: &Session) -> MetricsLog {
        MetricsLog::new(session.run_names(), session.layers())
    }

    fn spill_file() -> Option<Sink> {
        let k = SPILL_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("reglab-metrics-{}-{k}.csv", std::process::id()));
        let file = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path).ok()?;
        // Where the system allows it, the file has no name from the start:
        // it goes with the process, even one that is killed.
        let path = if cfg!(unix) && std::fs::remove_file(&path).is_ok() { None } else { Some(path) };
        Some(Sink::File { file: std::io::BufWriter::new(file), path })
    }

    /// Rows logged so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Adds run `run`'s metrics of one epoch (a run's epochs come in order).
    pub fn push(&mut self, run: usize, m: &EpochMetrics) -> std::io::Result<()> {
        let (Some(name), Some(sink)) = (self.names.get(run), self.sinks.get_mut(run)) else {
            return Ok(());
        };
        let mut line = metrics_row(name, m, self.layers);
        if let Some(seed) = self.seed {
            line = format!("{seed},{line}");
        }
        let out: &mut dyn Write = match sink {
            Sink::File { file, .. } => file,
            Sink::Memory(v) => v,
        };
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        self.rows += 1;
        Ok(())
    }

    /// Writes the header and every row, ordered by run then epoch; the log
    /// goes on taking rows afterwards.
    pub fn write_csv(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "{}", self.header())?;
        self.write_rows(out)
    }

    /// Every row without the header, ordered by run then epoch.
    pub fn write_rows(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        use std::io::{Seek, SeekFrom};
        for sink in &mut self.sinks {
            match sink {
                Sink::File { file, .. } => {
                    file.flush()?;
                    let f = file.get_mut();
                    let end = f.stream_position()?;
                    f.seek(SeekFrom::Start(0))?;
                    let copied = std::io::copy(&mut std::io::Read::take(&mut *f, end), out);
                    f.seek(SeekFrom::Start(end))?;
                    copied?;
                }
                Sink::Memory(v) => out.write_all(v)?,
            }
        }
        Ok(())
    }

    /// The whole CSV as text (tests, small logs).
    pub fn to_csv_string(&mut self) -> std::io::Result<String> {
        let mut out = Vec::new();
        self.write_csv(&mut out)?;
        String::from_utf8(out).map_err(std::io::Error::other)
    }
}

impl Drop for MetricsLog {
    fn drop(&mut self) {
        for sink in &self.sinks {
            if let Sink::File { path: Some(path), .. } = sink {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

#[derive(Serialize)]
struct LayerOut {
    /// `weights[i][j]`: from input `i` to unit `j`.
    weights: Vec<Vec<f32>>,
    bias: Vec<f32>,
}

#[derive(Serialize)]
struct RunOut<'a> {
    name: &'a str,
    regularizer: String,
    lambda: f64,
    lambda_scale: String,
    l1_rule: String,
    alpha: f64,
    dropout: Option<f64>,
    scope: String,
    lr: f64,
    epochs: usize,
    status: &'a RunStatus,
    layers: Vec<LayerOut>,
}

#[derive(Serialize)]
struct ScalerOut<'a> {
    mean: &'a [f32],
    std: &'a [f32],
}

#[derive(Serialize)]
struct WeightsOut<'a> {
    /// True when the weights apply to standardised features `(x − mean)/std`.
    standardized: bool,
    scaler: Option<ScalerOut<'a>>,
    units: &'static str,
    task: &'static str,
    classes: &'a [String],
    features: &'a [String],
    target: &'a str,
    activation: String,
    hidden: &'a [usize],
    seed: u64,
    runs: Vec<RunOut<'a>>,
}

/// The weights of every run in the layout of SPEC §3.
pub fn weights_json(session: &Session) -> serde_json::Result<String> {
    let d = &session.data;
    let out = WeightsOut {
        standardized: d.scaler.is_some(),
        scaler: d.scaler.as_ref().map(|s| ScalerOut { mean: &s.mean, std: &s.std }),
        units: if d.scaler.is_some() {
            "standardized features: x' = (x - mean) / std, fitted on the training rows"
        } else {
            "raw features, as in the data file"
        },
        task: d.task.name(),
        classes: &d.classes,
        features: &d.feature_names,
        target: &d.target_name,
        activation: session.network.activation.to_string(),
        hidden: &session.network.hidden,
        seed: session.seed,
        runs: session
            .runs
            .iter()
            .map(|r| RunOut {
                name: &r.spec.name,
                regularizer: r.spec.reg.to_string(),
                lambda: r.spec.lambda,
                lambda_scale: r.spec.lambda_scale.to_string(),
                l1_rule: r.spec.l1_rule.to_string(),
                alpha: r.spec.alpha,
                dropout: r.spec.dropout,
                scope: r.spec.scope.to_string(),
                lr: r.lr,
                epochs: r.epoch,
                status: &r.status,
                layers: r
                    .net
                    .layers
                    .iter()
                    .map(|l| LayerOut {
                        weights: l.weights.rows().into_iter().map(|row| row.to_vec()).collect(),
                        bias: l.bias.to_vec(),
                    })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&out)
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk and
/// renames it over `path`: a crash, a full disk or a failed write leaves the
/// old file or the new one, never a part of either.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// A file written whole or not at all. The bytes go to a temporary file
/// beside the target (same folder, so the rename cannot cross file
/// systems); [`AtomicFile::commit`] flushes it to disk and renames it over
/// the target. Until then the target, if any, is untouched, and a file
/// dropped uncommitted (an error, a stop) removes its temporary file.
///
/// Creating one is how a command checks early that it can write its output:
/// a folder that cannot take files, or a target that is a folder, fails at
/// once instead of after the work.
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
}

impl std::fmt::Debug for AtomicFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AtomicFile").field("target", &self.target).field("tmp", &self.tmp).finish()
    }
}

impl AtomicFile {
    /// A temporary file beside `target`, ready for the bytes.
    pub fn create(target: &Path) -> std::io::Result<AtomicFile> {
        if let Ok(meta) = std::fs::metadata(target) {
            if meta.is_dir() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "it is a folder; a file name is needed",
                ));
            }
            // A rename would replace it all the same: a file made read-only
            // by hand is kept.
            if meta.permissions().readonly() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "the file is read-only",
                ));
            }
        }
        let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = target.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
        static FILES: AtomicUsize = AtomicUsize::new(0);
        let k = FILES.fetch_add(1, Ordering::Relaxed);
        // Hidden and named for the target and this process, so that it is
        // recognisably an unfinished write and two writers never share one.
        let tmp = dir.join(format!(".{name}.{}.{k}.tmp", std::process::id()));
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        // The new file keeps the old one's permissions (a file made
        // read-only by hand stays so).
        if let Ok(meta) = std::fs::metadata(target) {
            let _ = file.set_permissions(meta.permissions());
        }
        Ok(AtomicFile { target: target.to_path_buf(), tmp, file: Some(BufWriter::new(file)) })
    }

    /// The file this one replaces when committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes the bytes to disk and renames the temporary file over the
    /// target.
    pub fn commit(mut self) -> std::io::Result<()> {
        let Some(out) = self.file.take() else {
            return Err(std::io::Error::other("the file was already committed"));
        };
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.tmp, &self.target)?;
        // The rename itself reaches the disk with its folder; where a folder
        // cannot be opened or synced the file is complete all the same.
        #[cfg(unix)]
        if let Some(dir) = self.target.parent().filter(|d| !d.as_os_str().is_empty())
            && let Ok(d) = File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(())
    }

    fn out(&mut self) -> std::io::Result<&mut BufWriter<File>> {
        self.file.as_mut().ok_or_else(|| std::io::Error::other("the file was already committed"))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out()?.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out()?.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed: the work was not complete, and the target stays
        // as it was.
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

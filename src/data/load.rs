//! Opening a data file: gzip is recognised by its magic bytes, the format by
//! the extension and then by the content; progress is counted in bytes of
//! the file as stored and loading can be cancelled.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::csv_loader::{read_csv, read_head};
use super::table::ColumnRoles;
use super::{DataError, Dataset, arff, libsvm};

/// Shared between a loading thread and whoever watches it.
#[derive(Debug, Default)]
pub struct LoadProgress {
    bytes_read: AtomicU64,
    total_bytes: AtomicU64,
    cancel: AtomicBool,
}

impl LoadProgress {
    pub fn new() -> LoadProgress {
        LoadProgress::default()
    }

    /// Fraction of the file read, when its size is known.
    pub fn fraction(&self) -> Option<f32> {
        let total = self.total_bytes.load(Ordering::Relaxed);
        (total > 0).then(|| (self.bytes_read.load(Ordering::Relaxed) as f64 / total as f64).min(1.0) as f32)
    }

    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// A reader that reports how many bytes went through it.
struct Counting<'a, R> {
    inner: R,
    progress: Option<&'a LoadProgress>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = self.progress {
            p.bytes_read.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// The file formats reglab reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Libsvm,
    Arff,
}

impl Format {
    /// From the extension, ignoring a trailing `.gz`.
    pub fn from_name(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        let stem = lower.strip_suffix(".gz").unwrap_or(&lower);
        let ext = stem.rsplit_once('.').map(|(_, e)| e)?;
        match ext {
            "csv" | "tsv" | "tab" | "psv" => Some(Format::Csv),
            "libsvm" | "svm" | "svmlight" => Some(Format::Libsvm),
            "arff" => Some(Format::Arff),
            _ => None,
        }
    }
}

/// Reads a data file of any supported format, plain or gzip-compressed.
pub fn load_file(
    path: &Path,
    roles: &ColumnRoles,
    progress: Option<&LoadProgress>,
) -> Result<Dataset, DataError> {
    let shown = path.display().to_string();
    let io = |source: std::io::Error| DataError::Io { path: shown.clone(), source };
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(DataError::Invalid(format!("{shown}: is a folder, not a data file")));
    }
    if let Some(p) = progress {
        p.total_bytes.store(meta.len(), Ordering::Relaxed);
        p.bytes_read.store(0, Ordering::Relaxed);
    }
    let mut buffered = BufReader::with_capacity(64 * 1024, Counting { inner: file, progress });
    let gzip = buffered.fill_buf().map_err(io)?.starts_with(&[0x1f, 0x8b]);
    let mut ds = if gzip {
        let mut decoder = flate2::bufread::MultiGzDecoder::new(buffered);
        read_any(&shown, &mut decoder, roles, progress, None)
    } else {
        read_any(&shown, &mut buffered, roles, progress, Some(meta.len()))
    }?;
    ds.source = Some(path.to_path_buf());
    Ok(ds)
}

/// Reads data already in memory (a built-in file, a test), gzip or not.
pub fn load_bytes(shown: &str, bytes: &[u8], roles: &ColumnRoles) -> Result<Dataset, DataError> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut decoder = flate2::read::MultiGzDecoder::new(bytes);
        read_any(shown, &mut decoder, roles, None, None)
    } else {
        read_any(shown, &mut Cursor::new(bytes), roles, None, Some(bytes.len() as u64))
    }
}

fn read_any(
    shown: &str,
    reader: &mut dyn Read,
    roles: &ColumnRoles,
    progress: Option<&LoadProgress>,
    size_hint: Option<u64>,
) -> Result<Dataset, DataError> {
    let head = read_head(reader, 4096, shown)?;
    let format = Format::from_name(shown).unwrap_or_else(|| {
        let lower = String::from_utf8_lossy(&head).to_ascii_lowercase();
        let first = lower.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('%'));
        if first.is_some_and(|l| l.starts_with("@relation") || l.starts_with("@attribute")) {
            Format::Arff
        } else if libsvm::looks_like_libsvm(&head) {
            Format::Libsvm
        } else {
            Format::Csv
        }
    });
    let mut whole = Cursor::new(head).chain(reader);
    match format {
        Format::Csv => read_csv(shown, &mut whole, roles, progress, size_hint),
        Format::Libsvm => {
            if roles.target.as_deref().is_some_and(|t| t != "label") || !roles.ignore.is_empty() {
                return Err(DataError::Invalid(format!(
                    "{shown}: a LIBSVM file has no column names; its target is always the label"
                )));
            }
            libsvm::read_libsvm(shown, &mut whole, progress)
        }
        Format::Arff => arff::read_arff(shown, &mut whole, roles, progress),
    }
}

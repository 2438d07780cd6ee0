//! Opening a data file: gzip is recognised by its magic bytes, the format by
//! the extension and then by the content; progress is counted in bytes of
//! the file as stored and loading can be cancelled, even while a FIFO waits
//! for its writer. Cells pasted from a spreadsheet load the same way.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::csv_loader::{read_delimited, read_head};
use super::guard::{Guard, io_error, open_stream};
use super::roles::ColumnRoles;
use super::{DataError, Dataset, arff, libsvm, not_a_text_table};

/// The name of a dataset pasted as text, as its messages say it.
pub const PASTED: &str = "pasted";

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

/// Reads a data file of any supported format, plain or gzip-compressed,
/// or a stream (a FIFO, `/dev/stdin`) with the same rules.
pub fn load_file(
    path: &Path,
    roles: &ColumnRoles,
    progress: Option<&LoadProgress>,
) -> Result<Dataset, DataError> {
    let shown = path.display().to_string();
    let io = |e: std::io::Error| io_error(&shown, e);
    // A stat never blocks, where opening a FIFO waits for its writer.
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(DataError::Invalid(format!("{shown}: is a folder, not a data file")));
    }
    if meta.is_file() && super::is_spreadsheet_name(path) {
        return super::spreadsheet::read_workbook(path, roles, progress);
    }
    if let Some(p) = progress {
        p.total_bytes.store(if meta.is_file() { meta.len() } else { 0 }, Ordering::Relaxed);
        p.bytes_read.store(0, Ordering::Relaxed);
    }
    let source: Box<dyn Read + '_> = if meta.is_file() {
        Box::new(File::open(path).map_err(io)?)
    } else {
        Box::new(open_stream(path, progress).map_err(io)?)
    };
    let mut buffered = BufReader::with_capacity(64 * 1024, Counting { inner: source, progress });
    let head = buffered.fill_buf().map_err(io)?;
    // A workbook under another name is still read as one.
    if meta.is_file()
        && head.starts_with(b"PK\x03\x04")
        && not_a_text_table(head).is_some_and(|w| w.contains("spreadsheet") || w.contains("workbook"))
    {
        return super::spreadsheet::read_workbook(path, roles, progress);
    }
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    let size = meta.is_file().then_some(meta.len());
    let mut ds = if gzip {
        let mut decoder = flate2::bufread::MultiGzDecoder::new(buffered);
        let mut ds = read_any(&shown, &mut decoder, roles, progress, None)?;
        ds.format = ds.format.map(|f| format!("gzip-compressed {f}"));
        ds
    } else {
        read_any(&shown, &mut buffered, roles, progress, size)?
    };
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

/// Loads cells copied from a spreadsheet or a web table (tab-separated
/// rows, names in the first) as a dataset named [`PASTED`], with the rules,
/// roles and messages of a file.
pub fn load_pasted(text: &str, roles: &ColumnRoles) -> Result<Dataset, DataError> {
    if let Some(what) = not_a_text_table(text.as_bytes()) {
        return Err(DataError::Invalid(format!("{PASTED}: {what}")));
    }
    let (mut ds, _) =
        read_delimited(PASTED, &mut Cursor::new(text.as_bytes()), roles, None, Some(text.len() as u64))?;
    ds.name = PASTED.to_string();
    ds.format = ds.format.map(|f| match f.strip_prefix("delimited text") {
        Some(rest) => format!("pasted cells{rest}"),
        None => format!("pasted cells: {f}"),
    });
    Ok(ds)
}

/// The format from the name, else from the first bytes.
fn format_of(shown: &str, head: &[u8]) -> (Format, &'static str) {
    if let Some(f) = Format::from_name(shown) {
        return (f, "from the file's extension");
    }
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    let first = lower.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('%'));
    let format = if first.is_some_and(|l| l.starts_with("@relation") || l.starts_with("@attribute")) {
        Format::Arff
    } else if libsvm::looks_like_libsvm(head) {
        Format::Libsvm
    } else {
        Format::Csv
    };
    (format, "from the content")
}

fn read_any(
    shown: &str,
    reader: &mut dyn Read,
    roles: &ColumnRoles,
    progress: Option<&LoadProgress>,
    size_hint: Option<u64>,
) -> Result<Dataset, DataError> {
    let mut guarded = Guard::new(reader, progress);
    let head = read_head(&mut guarded, 4096, shown)?;
    if let Some(what) = not_a_text_table(&head) {
        return Err(DataError::Invalid(format!("{shown}: {what}")));
    }
    let (format, mut why) = format_of(shown, &head);
    let mut whole = Cursor::new(head).chain(guarded);
    let mut ds = match format {
        Format::Csv => {
            let (ds, orange) = read_delimited(shown, &mut whole, roles, progress, size_hint)?;
            if orange.is_some() {
                why = "recognised by its header rows";
            }
            ds
        }
        Format::Libsvm => {
            if roles.target.as_deref().is_some_and(|t| t != "label") || !roles.ignore.is_empty() {
                return Err(DataError::Invalid(format!(
                    "{shown}: a LIBSVM file has no column names; its target is always the label"
                )));
            }
            libsvm::read_libsvm(shown, &mut whole, progress)?
        }
        Format::Arff => arff::read_arff(shown, &mut whole, roles, progress)?,
    };
    let kind = match format {
        Format::Csv => "",
        Format::Libsvm => "LIBSVM",
        Format::Arff => "ARFF",
    };
    ds.format = Some(match (ds.format.take(), kind) {
        (Some(detail), "") => format!("{detail} ({why})"),
        (Some(detail), kind) => format!("{kind}, {detail} ({why})"),
        (None, kind) => format!("{kind} ({why})"),
    });
    Ok(ds)
}

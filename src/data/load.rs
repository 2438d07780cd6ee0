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
    if super::is_spreadsheet_name(path) && path.is_file() {
        return super::read_spreadsheet(path, roles);
    }
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
    let head = buffered.fill_buf().map_err(io)?;
    // A workbook under another name is still read as one.
    if head.starts_with(b"PK\x03\x04")
        && not_a_text_table(head).is_some_and(|w| w.contains("spreadsheet") || w.contains("workbook"))
    {
        return super::read_spreadsheet(path, roles);
    }
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    let mut ds = if gzip {
        let mut decoder = flate2::bufread::MultiGzDecoder::new(buffered);
        let mut ds = read_any(&shown, &mut decoder, roles, progress, None)?;
        ds.format = ds.format.map(|f| format!("gzip-compressed {f}"));
        ds
    } else {
        read_any(&shown, &mut buffered, roles, progress, Some(meta.len()))?
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

fn read_any(
    shown: &str,
    reader: &mut dyn Read,
    roles: &ColumnRoles,
    progress: Option<&LoadProgress>,
    size_hint: Option<u64>,
) -> Result<Dataset, DataError> {
    let head = read_head(reader, 4096, shown)?;
    if let Some(what) = not_a_text_table(&head) {
        return Err(DataError::Invalid(format!("{shown}: {what}")));
    }
    let by_name = Format::from_name(shown);
    let why = if by_name.is_some() { "from the file's extension" } else { "from the content" };
    let format = by_name.unwrap_or_else(|| {
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
    let mut ds = match format {
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
    }?;
    let kind = match format {
        Format::Csv => "delimited text",
        Format::Libsvm => "LIBSVM",
        Format::Arff => "ARFF",
    };
    ds.format = Some(match ds.format.take() {
        Some(detail) => format!("{kind}, {detail} ({why})"),
        None => format!("{kind} ({why})"),
    });
    Ok(ds)
}

/// What the first bytes say a file is when it is not a text table (an
/// archive, a spreadsheet, a document, UTF-16 text, other binary data),
/// named in words that say what to do; the bytes themselves are never shown.
pub fn not_a_text_table(head: &[u8]) -> Option<String> {
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Some(if has(b"opendocument.spreadsheet") {
            "an OpenDocument spreadsheet (.ods, a ZIP archive), not a text table: save the sheet as CSV"
                .into()
        } else if has(b"xl/") || has(b"[Content_Types].xml") {
            "an Excel workbook (.xlsx, a ZIP archive), not a text table: save the sheet as CSV".into()
        } else {
            "a ZIP archive, not a text table: unpack it and open the data file inside".into()
        });
    }
    if head.len() >= 262 && &head[257..262] == b"ustar" {
        return Some("a tar archive, not a text table: unpack it and open the data file inside".into());
    }
    if head.starts_with(b"%PDF") {
        return Some("a PDF document, not a text table: export its table as CSV".into());
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some("an old Office document (.xls), not a text table: save the sheet as CSV".into());
    }
    for (magic, what) in [
        (&b"\x7fELF"[..], "a program"),
        (&b"MZ"[..], "a program"),
        (&b"\x89PNG"[..], "a PNG image"),
        (&b"\xFF\xD8\xFF"[..], "a JPEG image"),
        (&b"GIF8"[..], "a GIF image"),
        (&b"BZh"[..], "a bzip2 archive"),
        (&b"\xFD7zXZ"[..], "an xz archive"),
        (&b"7z\xBC\xAF"[..], "a 7-Zip archive"),
    ] {
        if head.starts_with(magic) {
            return Some(format!("{what}, not a text table"));
        }
    }
    let utf16_bom = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    let sample = &head[..head.len().min(512)];
    let zeros_at = |parity: usize| sample.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let half = sample.len() / 2;
    if utf16_bom || (half >= 8 && (zeros_at(0) * 10 >= half * 9 || zeros_at(1) * 10 >= half * 9)) {
        return Some("text in UTF-16, not UTF-8: save it as UTF-8 (in a spreadsheet: CSV UTF-8)".into());
    }
    // Text has no NUL and few control characters.
    let control = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)).count();
    if sample.contains(&0) || control * 20 > sample.len().max(1) {
        return Some("binary data, not a text table (is it the right file?)".into());
    }
    None
}

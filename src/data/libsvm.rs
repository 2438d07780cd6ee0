//! LIBSVM / svmlight sparse text: `label index:value index:value …` per line,
//! indices increasing and 1-based (0-based files are recognised), absent
//! entries are 0, `qid:` is ignored and `#` starts a comment.

use std::io::{BufRead, BufReader, Read};

use ndarray::Array2;

use super::error::{clip, format_bytes};
use super::guard::{io_error, memory_budget_bytes};
use super::table::dataset_name;
use super::{DataError, Dataset, LoadProgress, TargetValues};

/// The widest dense matrix a sparse file may become.
pub const MAX_COLUMNS: usize = 100_000;
/// The most cells (rows × columns) a sparse file may become: 1 GiB of float32.
pub const MAX_CELLS: usize = 1 << 28;

/// True when the first data line of `head` looks like LIBSVM.
pub fn looks_like_libsvm(head: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(head) else {
        // A head cut inside a multibyte character: check what is valid.
        return std::str::from_utf8(&head[..head.len().saturating_sub(3)]).is_ok_and(looks);
    };
    looks(text)
}

/// The shape of LIBSVM: after a first token, `index:value` pairs. The
/// values need not be valid (a malformed LIBSVM file is still reported as
/// LIBSVM, with what is wrong where), but most of the first lines' tokens
/// must have an integer index and a colon, and there are no commas.
fn looks(text: &str) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .take(10)
        .collect();
    if lines.is_empty() || lines.iter().any(|l| l.contains(',')) {
        return false;
    }
    let (mut pairs, mut tokens) = (0, 0);
    for line in &lines {
        for t in line.split_ascii_whitespace().skip(1) {
            tokens += 1;
            if t.split_once(':').is_some_and(|(i, _)| i == "qid" || i.parse::<u64>().is_ok()) {
                pairs += 1;
            }
        }
    }
    pairs > 0 && pairs * 10 >= tokens * 8
}

/// What the lines read so far hold.
#[derive(Default)]
struct Sparse {
    labels: Vec<f64>,
    /// (row, column, value) with 0- or 1-based columns as written.
    entries: Vec<(u32, u32, f32)>,
    min_index: Option<u64>,
    max_index: u64,
}

impl Sparse {
    /// Takes one line of `label index:value …` (comments already cut).
    fn push_line(&mut self, shown: &str, line: u64, text: &str) -> Result<(), DataError> {
        let syntax = |message: String| DataError::Syntax { path: shown.to_string(), line, message };
        let row = self.labels.len() as u32;
        let mut tokens = text.split_ascii_whitespace().enumerate();
        let (_, label) = tokens.next().unwrap_or((0, ""));
        let y: f64 = label
            .parse()
            .map_err(|_| syntax(format!("field 1: expected a numeric label, found '{}'", clip(label))))?;
        if !y.is_finite() {
            return Err(syntax(format!("field 1: the label {} is not finite", clip(label))));
        }
        let mut last: Option<u64> = None;
        for (f, token) in tokens {
            let field = f + 1;
            let Some((i, v)) = token.split_once(':') else {
                return Err(syntax(format!("field {field}: expected index:value, found '{}'", clip(token))));
            };
            if i == "qid" {
                continue;
            }
            let index: u64 = i.parse().map_err(|_| {
                syntax(format!("field {field}: expected a whole-number index, found '{}'", clip(i)))
            })?;
            let value: f32 = v.parse().map_err(|_| {
                syntax(format!("field {field}: expected a number after ':', found '{}'", clip(v)))
            })?;
            if !value.is_finite() {
                return Err(syntax(format!("field {field}: the value {} is not finite", clip(v))));
            }
            if last.is_some_and(|l| index <= l) {
                return Err(syntax(format!(
                    "field {field}: index {index} does not increase (indices must be in increasing order)"
                )));
            }
            if index > MAX_COLUMNS as u64 {
                return Err(syntax(format!(
                    "field {field}: index {index} is beyond the {MAX_COLUMNS} columns reglab can hold densely"
                )));
            }
            last = Some(index);
            self.min_index = Some(self.min_index.map_or(index, |m| m.min(index)));
            self.max_index = self.max_index.max(index);
            if value != 0.0 {
                self.entries.push((row, index as u32, value));
            }
        }
        self.labels.push(y);
        Ok(())
    }

    fn held_bytes(&self) -> u64 {
        (12 * self.entries.capacity() + 8 * self.labels.capacity()) as u64
    }

    /// The dense matrix.
    fn into_dataset(self, shown: &str) -> Result<Dataset, DataError> {
        let rows = self.labels.len();
        if rows == 0 {
            return Err(DataError::Empty { path: shown.to_string() });
        }
        let Some(min_index) = self.min_index else {
            return Err(DataError::NoFeatures { path: shown.to_string(), target: "label".into() });
        };
        let zero_based = min_index == 0;
        let cols = (if zero_based { self.max_index + 1 } else { self.max_index }) as usize;
        if rows.saturating_mul(cols) > MAX_CELLS {
            return Err(DataError::Invalid(format!(
                "{shown}: {rows} rows × {cols} columns is more than the {MAX_CELLS} cells reglab holds in memory"
            )));
        }
        let mut x = Array2::<f32>::zeros((rows, cols));
        for (r, c, v) in self.entries {
            let c = if zero_based { c as usize } else { c as usize - 1 };
            x[[r as usize, c]] = v;
        }
        let feature_names: Vec<String> =
            (0..cols).map(|j| format!("f{}", j + usize::from(!zero_based))).collect();
        Ok(Dataset::from_parts(
            dataset_name(shown),
            x,
            feature_names,
            "label",
            TargetValues::Numeric(self.labels),
            None,
        ))
    }
}

/// Reads a LIBSVM file into a dense matrix.
pub fn read_libsvm(
    shown: &str,
    reader: &mut dyn Read,
    progress: Option<&LoadProgress>,
) -> Result<Dataset, DataError> {
    let reader = BufReader::with_capacity(64 * 1024, reader);
    let budget = memory_budget_bytes();
    let mut sparse = Sparse::default();
    for (n, line) in reader.split(b'\n').enumerate() {
        let line_no = n as u64 + 1;
        let bytes = line.map_err(|e| io_error(shown, e))?;
        let text = super::table::text_line(shown, line_no, &bytes)?;
        let text = text.split('#').next().unwrap_or("").trim();
        if text.is_empty() {
            continue;
        }
        sparse.push_line(shown, line_no, text)?;
        if sparse.labels.len().is_multiple_of(4096) {
            if progress.is_some_and(LoadProgress::is_cancelled) {
                return Err(DataError::Cancelled { path: shown.to_string() });
            }
            if sparse.held_bytes() > budget {
                return Err(DataError::TooLarge {
                    path: shown.to_string(),
                    what: format!("its first {} rows", sparse.labels.len()),
                    limit: format_bytes(budget),
                });
            }
        }
    }
    sparse.into_dataset(shown)
}

//! Delimited text (CSV, TSV, semicolon or pipe separated), read as a stream
//! so that a large file costs little more memory than its float32 matrix.

use std::io::{Cursor, Read};

use super::table::{ColumnRoles, Declared, TableBuilder};
use super::{DataError, Dataset, LoadProgress};

/// How much of the start of a file is looked at to guess its delimiter.
const HEAD_BYTES: usize = 64 * 1024;

/// Rows between two looks at the cancel flag.
const CANCEL_EVERY: usize = 1024;

/// Reads the first bytes of `reader` (up to `limit`).
pub(crate) fn read_head(reader: &mut dyn Read, limit: usize, shown: &str) -> Result<Vec<u8>, DataError> {
    let mut head = Vec::with_capacity(limit.min(HEAD_BYTES));
    reader
        .take(limit as u64)
        .read_to_end(&mut head)
        .map_err(|source| DataError::Io { path: shown.to_string(), source })?;
    Ok(head)
}

/// Counts the fields of the first complete lines under each candidate
/// delimiter (quotes respected) and picks the one that splits every line
/// into the same number of fields, the most fields winning.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let complete = match head.iter().rposition(|&b| b == b'\n') {
        Some(p) => &head[..=p],
        None => head,
    };
    let mut best = (b',', 0usize, false);
    for d in [b',', b';', b'\t', b'|'] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(d)
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(complete);
        let counts: Vec<usize> =
            reader.byte_records().take(20).map_while(Result::ok).map(|r| r.len()).collect();
        let Some(&first) = counts.first() else { continue };
        let consistent = counts.iter().all(|&c| c == first);
        let better = match (consistent, best.2) {
            (true, false) => first > 1,
            (true, true) | (false, false) => first > best.1,
            (false, true) => false,
        };
        if better {
            best = (d, first, consistent && first > 1);
        }
    }
    best.0
}

/// True when no delimiter splits the first lines into the same number of
/// fields (at least two) but runs of spaces or tabs do: a table as many
/// numeric tools write it.
fn splits_on_whitespace_only(head: &[u8], sniffed: u8) -> bool {
    let complete = match head.iter().rposition(|&b| b == b'\n') {
        Some(p) => &head[..=p],
        None => head,
    };
    let text = String::from_utf8_lossy(complete);
    let lines: Vec<&str> =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).take(20).collect();
    if lines.len() < 2 {
        return false;
    }
    let by = |f: &dyn Fn(&str) -> usize| -> Option<usize> {
        let first = f(lines[0]);
        lines.iter().all(|l| f(l) == first).then_some(first)
    };
    let sniffed_fields = by(&|l: &str| l.split(sniffed as char).count());
    if sniffed_fields.is_some_and(|n| n > 1) {
        return false;
    }
    by(&|l: &str| l.split_whitespace().count()).is_some_and(|n| n > 1)
}

/// A reader that turns every run of spaces and tabs in a line into one tab
/// (leading and trailing ones dropped), streaming.
struct WhitespaceToTab<R> {
    inner: std::io::BufReader<R>,
    line: Vec<u8>,
    out: Vec<u8>,
    at: usize,
}

impl<R: Read> WhitespaceToTab<R> {
    fn new(inner: R) -> Self {
        WhitespaceToTab { inner: std::io::BufReader::new(inner), line: Vec::new(), out: Vec::new(), at: 0 }
    }
}

impl<R: Read> Read for WhitespaceToTab<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::BufRead;
        while self.at >= self.out.len() {
            self.line.clear();
            self.out.clear();
            self.at = 0;
            if self.inner.read_until(b'\n', &mut self.line)? == 0 {
                return Ok(0);
            }
            let ends_line = self.line.last() == Some(&b'\n');
            let mut first = true;
            for field in self.line.split(|b| b.is_ascii_whitespace()).filter(|f| !f.is_empty()) {
                if !first {
                    self.out.push(b'\t');
                }
                self.out.extend_from_slice(field);
                first = false;
            }
            if ends_line {
                self.out.push(b'\n');
            }
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// A CSV field, quoted when it needs to be.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn is_number(s: &str) -> bool {
    s.parse::<f64>().or_else(|_| s.replace(',', ".").parse::<f64>()).is_ok_and(f64::is_finite)
}

/// Parses CSV text already in memory; `shown` names it in errors.
pub fn parse_csv(shown: &str, bytes: &[u8], roles: &ColumnRoles) -> Result<Dataset, DataError> {
    read_csv(shown, &mut Cursor::new(bytes), roles, None, Some(bytes.len() as u64))
}

/// Reads delimited text from `reader`. `size_hint` (the number of bytes the
/// reader will give, when known) lets the matrix be allocated once.
pub fn read_csv(
    shown: &str,
    reader: &mut dyn Read,
    roles: &ColumnRoles,
    progress: Option<&LoadProgress>,
    size_hint: Option<u64>,
) -> Result<Dataset, DataError> {
    let mut head = read_head(reader, HEAD_BYTES, shown)?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
    }
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(DataError::Empty { path: shown.to_string() });
    }
    let mut delimiter = sniff_delimiter(&head);
    let whitespace = splits_on_whitespace_only(&head, delimiter);
    let source: Box<dyn Read + '_> = if whitespace {
        // Fields separated by runs of spaces: each run becomes one tab.
        delimiter = b'\t';
        Box::new(WhitespaceToTab::new(Cursor::new(head).chain(reader)))
    } else {
        Box::new(Cursor::new(head).chain(reader))
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .buffer_capacity(64 * 1024)
        .from_reader(source);
    let syntax = |e: csv::Error| {
        let line = e.position().map_or(0, |p| p.line());
        match e.kind() {
            csv::ErrorKind::Utf8 { err, .. } => DataError::Syntax {
                path: shown.to_string(),
                line,
                message: format!(
                    "column {}: the text is not valid UTF-8 (is this a binary file, or text in another encoding? save it as UTF-8)",
                    err.field() + 1
                ),
            },
            csv::ErrorKind::Io(io) => DataError::Syntax {
                path: shown.to_string(),
                line,
                message: format!("cannot read further: {io}"),
            },
            _ => DataError::Syntax { path: shown.to_string(), line, message: e.to_string() },
        }
    };

    let mut read_nonblank = |record: &mut csv::StringRecord| -> Result<bool, DataError> {
        loop {
            if !csv.read_record(record).map_err(syntax)? {
                return Ok(false);
            }
            if !(record.len() == 1 && record[0].is_empty()) {
                return Ok(true);
            }
        }
    };
    let mut first = csv::StringRecord::new();
    if !read_nonblank(&mut first)? {
        return Err(DataError::Empty { path: shown.to_string() });
    }
    let mut record = csv::StringRecord::new();
    let has_second = read_nonblank(&mut record)?;
    // A first line is data when it has numbers and its text cells sit where
    // the next line has text too (a label column); otherwise it names columns.
    let has_header = !(first.iter().any(is_number)
        && first
            .iter()
            .enumerate()
            .all(|(c, h)| is_number(h) || (has_second && record.get(c).is_some_and(|v| !is_number(v)))));
    let columns = first.len();
    let names: Vec<String> = if has_header {
        first
            .iter()
            .enumerate()
            .map(|(c, h)| if h.is_empty() { format!("column{}", c + 1) } else { h.to_string() })
            .collect()
    } else {
        (0..columns).map(|c| if c + 1 == columns { "y".to_string() } else { format!("x{}", c + 1) }).collect()
    };
    let mut table = TableBuilder::new(shown, names, vec![Declared::Auto; columns], roles, None)?;
    table.decimal_comma = delimiter == b';';
    let push = |table: &mut TableBuilder, record: &csv::StringRecord| {
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != columns {
            return Err(DataError::Ragged {
                path: shown.to_string(),
                line,
                expected: columns,
                found: record.len(),
            });
        }
        table.push_row(line, |c| &record[c])
    };
    if !has_header {
        push(&mut table, &first)?;
    }
    if has_second {
        push(&mut table, &record)?;
    }
    while csv.read_record(&mut record).map_err(syntax)? {
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        let byte = record.position().map_or(0, |p| p.byte());
        push(&mut table, &record)?;
        let rows = table.rows();
        if rows == 1000
            && let Some(total) = size_hint
            && byte > 0
        {
            let estimate = (total as f64 / byte as f64 * rows as f64 * 1.02) as usize;
            table.reserve_rows(estimate.saturating_sub(rows));
        }
        if rows % CANCEL_EVERY == 0
            && let Some(p) = progress
            && p.is_cancelled()
        {
            return Err(DataError::Cancelled { path: shown.to_string() });
        }
    }
    let mut ds = table.finish()?;
    ds.format = Some(if whitespace {
        "fields separated by spaces".to_string()
    } else {
        let name = match delimiter {
            b',' => "commas",
            b';' => "semicolons (decimal commas)",
            b'\t' => "tabs",
            b'|' => "pipes",
            _ => "another delimiter",
        };
        format!("fields separated by {name}")
    });
    Ok(ds)
}

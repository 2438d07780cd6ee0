//! Delimited text (CSV, TSV, semicolon or pipe separated, runs of spaces,
//! Orange tables), read as a stream so that a large file costs little more
//! memory than its float32 matrix. The first rows decide what the header
//! is: one row of names, Orange's three rows or prefixed names, R's row
//! names under an empty first name, or no header at all; rows that look
//! like the header of another tool are never read as data.

use std::io::{Cursor, Read};

use super::error::clip;
use super::orange::{self, Style};
use super::roles::{ColumnSpec, Declared, FileRole};
use super::sniff::{Dialect, WhitespaceToTab, is_number};
use super::table::TableBuilder;
use super::{ColumnRoles, DataError, Dataset, LoadProgress, TaskKind, is_missing};

/// How much of the start of a file is looked at to guess its delimiter.
const HEAD_BYTES: usize = 64 * 1024;

/// Cells between two looks at the cancel flag.
const CANCEL_EVERY_CELLS: usize = 1 << 16;

/// Reads the first bytes of `reader` (up to `limit`).
pub(crate) fn read_head(reader: &mut dyn Read, limit: usize, shown: &str) -> Result<Vec<u8>, DataError> {
    let mut head = Vec::with_capacity(limit.min(HEAD_BYTES));
    reader.take(limit as u64).read_to_end(&mut head).map_err(|e| super::guard::io_error(shown, e))?;
    Ok(head)
}

/// A CSV field, quoted when it needs to be.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
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
    read_delimited(shown, reader, roles, progress, size_hint).map(|(ds, _)| ds)
}

/// Non-blank records, with errors that name the line.
struct Records<'r> {
    csv: csv::Reader<Box<dyn Read + 'r>>,
    shown: &'r str,
}

impl Records<'_> {
    fn next_into(&mut self, record: &mut csv::StringRecord) -> Result<bool, DataError> {
        loop {
            if !self.csv.read_record(record).map_err(|e| csv_error(self.shown, e))? {
                return Ok(false);
            }
            if !(record.len() == 1 && record[0].is_empty()) {
                return Ok(true);
            }
        }
    }

    fn next(&mut self) -> Result<Option<csv::StringRecord>, DataError> {
        let mut r = csv::StringRecord::new();
        Ok(self.next_into(&mut r)?.then_some(r))
    }
}

fn csv_error(shown: &str, e: csv::Error) -> DataError {
    let line = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "column {}: the text is not valid UTF-8 (is this a binary file, or text in another encoding? save it as UTF-8)",
            err.field() + 1
        ),
        csv::ErrorKind::Io(_) => {
            let csv::ErrorKind::Io(io) = e.into_kind() else { return DataError::Invalid(shown.to_string()) };
            return match super::guard::io_error(shown, io) {
                DataError::Io { path, source } => {
                    DataError::Syntax { path, line, message: format!("cannot read further: {source}") }
                }
                DataError::LineTooLong { path, limit, .. } => {
                    DataError::LineTooLong { path, line: line + 1, limit }
                }
                other => other,
            };
        }
        _ => clip(&e.to_string()),
    };
    DataError::Syntax { path: shown.to_string(), line, message }
}

fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

/// Reads delimited text; says which Orange header it had, if any.
pub(crate) fn read_delimited(
    shown: &str,
    reader: &mut dyn Read,
    roles: &ColumnRoles,
    progress: Option<&LoadProgress>,
    size_hint: Option<u64>,
) -> Result<(Dataset, Option<Style>), DataError> {
    let mut head = read_head(reader, HEAD_BYTES, shown)?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
    }
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(DataError::Empty { path: shown.to_string() });
    }
    let dialect = Dialect::of(&head);
    let source: Box<dyn Read + '_> = if dialect.whitespace {
        Box::new(WhitespaceToTab::new(Cursor::new(head).chain(reader)))
    } else {
        Box::new(Cursor::new(head).chain(reader))
    };
    let csv = csv::ReaderBuilder::new()
        .delimiter(dialect.delimiter)
        .quote(dialect.quote)
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .buffer_capacity(64 * 1024)
        .from_reader(source);
    let mut records = Records { csv, shown };
    let first = records.next()?.ok_or_else(|| DataError::Empty { path: shown.to_string() })?;
    let header = decide_header(shown, &mut records, first)?;
    let style = header.orange;
    let mut table = match style {
        Some(_) => {
            TableBuilder::with_specs(shown, header.specs, roles, None, "Orange table", &orange::MARKERS)?
        }
        None => TableBuilder::with_specs(shown, header.specs, roles, None, "", &[])?,
    };
    table.decimal_comma = dialect.delimiter == b';';
    if style.is_some() {
        note_orange_target(&mut table);
    }
    let columns = table.columns();
    let push = |table: &mut TableBuilder, record: &csv::StringRecord| {
        if record.len() != columns {
            return Err(DataError::Ragged {
                path: shown.to_string(),
                line: line_of(record),
                expected: columns,
                found: record.len(),
            });
        }
        table.push_row(line_of(record), |c| &record[c])
    };
    for record in &header.pending {
        push(&mut table, record)?;
    }
    let cancel_rows = (CANCEL_EVERY_CELLS / columns.max(1)).max(1);
    let mut record = csv::StringRecord::new();
    while records.next_into(&mut record)? {
        push(&mut table, &record)?;
        let rows = table.rows();
        let byte = record.position().map_or(0, |p| p.byte());
        if rows == 1000
            && let Some(total) = size_hint
            && byte > 0
        {
            let estimate = (total as f64 / byte as f64 * rows as f64 * 1.02) as usize;
            table.reserve_rows(estimate.saturating_sub(rows));
        }
        if rows.is_multiple_of(cancel_rows) && progress.is_some_and(LoadProgress::is_cancelled) {
            return Err(DataError::Cancelled { path: shown.to_string() });
        }
    }
    let mut ds = table.finish()?;
    ds.format = Some(match style {
        Some(s) => format!("Orange table ({}), {}", s.describe(), dialect.describe()),
        None => format!("delimited text, {}", dialect.describe()),
    });
    Ok((ds, style))
}

/// Says which column an Orange table's class made the target, and makes a
/// continuous class a regression target as Orange does.
fn note_orange_target(table: &mut TableBuilder) {
    let (c, spec) = table.target_spec();
    let name = clip(&spec.name);
    let regression = matches!(spec.declared, Declared::Numeric | Declared::Time);
    let note = match (spec.role == FileRole::Class, regression) {
        (true, true) => {
            format!("Orange table: column '{name}' is the class (continuous), the target of a regression")
        }
        (true, false) => format!("Orange table: column '{name}' is the class, the target"),
        (false, _) => format!("Orange table: no class column; the target is column {} ('{name}')", c + 1),
    };
    if spec.role == FileRole::Class && regression {
        table.task_hint = Some(TaskKind::Regression);
    }
    table.notes.insert(0, note);
}

/// The columns the first rows declare, and the rows read past the header.
struct Header {
    specs: Vec<ColumnSpec>,
    pending: Vec<csv::StringRecord>,
    orange: Option<Style>,
}

/// Reads what is needed of the first three rows to decide the header.
fn decide_header(shown: &str, records: &mut Records, first: csv::StringRecord) -> Result<Header, DataError> {
    let second = records.next()?;
    let third = if second.is_some() { records.next()? } else { None };
    let names = header_names(&first);
    if let (Some(s), Some(t)) = (&second, &third) {
        let (types, flags): (Vec<&str>, Vec<&str>) = (s.iter().collect(), t.iter().collect());
        if orange::is_three_row_header(&types, &flags) {
            let specs = orange::three_row_specs(&names, &types, &flags);
            return Ok(Header { specs, pending: Vec::new(), orange: Some(Style::ThreeRows) });
        }
        if orange::looks_like_types_row(&types) {
            return Err(DataError::Syntax {
                path: shown.to_string(),
                line: line_of(s),
                message: "this row looks like the types row of an Orange table ('continuous', 'discrete', …), but the next is not a flags row (class, meta, ignore or empty cells); correct the header rows or delete them".into(),
            });
        }
    }
    let mut pending: Vec<csv::StringRecord> = second.into_iter().chain(third).collect();
    if let Some(specs) = orange::prefixed_specs(&names) {
        return Ok(Header { specs, pending, orange: Some(Style::Prefixes) });
    }
    if !first_row_is_header(&first, pending.first()) {
        let n = first.len();
        let specs = (0..n)
            .map(|c| ColumnSpec::auto(if c + 1 == n { "y".to_string() } else { format!("x{}", c + 1) }))
            .collect();
        pending.insert(0, first);
        return Ok(Header { specs, pending, orange: None });
    }
    check_second_header_row(shown, &names, &pending)?;
    let mut specs: Vec<ColumnSpec> = names.into_iter().map(ColumnSpec::auto).collect();
    if first.len() >= 2 && first[0].is_empty() && first.iter().skip(1).all(|h| !h.is_empty()) {
        specs[0].role = FileRole::RowNames;
    }
    Ok(Header { specs, pending, orange: None })
}

/// Names from a header row: single quotes around a name dropped, an empty
/// name made `columnN`.
fn header_names(first: &csv::StringRecord) -> Vec<String> {
    first
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let h = h.strip_prefix('\'').and_then(|h| h.strip_suffix('\'')).unwrap_or(h).trim();
            if h.is_empty() { format!("column{}", c + 1) } else { h.to_string() }
        })
        .collect()
}

/// A first line is data when it has numbers and its text cells sit where
/// the next line has text too (a label column); otherwise it names columns.
fn first_row_is_header(first: &csv::StringRecord, second: Option<&csv::StringRecord>) -> bool {
    !(first.iter().any(is_number)
        && first
            .iter()
            .enumerate()
            .all(|(c, h)| is_number(h) || second.is_some_and(|r| r.get(c).is_some_and(|v| !is_number(v)))))
}

/// Refuses a second header row (units, types): a row without numbers that
/// has text in at least two columns where the row below it has numbers.
fn check_second_header_row(
    shown: &str,
    names: &[String],
    pending: &[csv::StringRecord],
) -> Result<(), DataError> {
    let (Some(second), Some(third)) = (pending.first(), pending.get(1)) else { return Ok(()) };
    if second.iter().any(is_number) {
        return Ok(());
    }
    let numeric: Vec<usize> = (0..third.len()).filter(|&c| is_number(&third[c])).collect();
    let text_above = |c: &usize| second.get(*c).is_some_and(|v| !is_missing(v));
    if numeric.len() < 2 || !numeric.iter().all(text_above) {
        return Ok(());
    }
    let c = numeric[0];
    Err(DataError::Syntax {
        path: shown.to_string(),
        line: line_of(second),
        message: format!(
            "this row looks like a second header row (units or types, such as '{}' above the numbers of column '{}'), not data; delete it, or keep a single header row",
            clip(&second[c]),
            clip(names.get(c).map_or("", String::as_str))
        ),
    })
}

//! ARFF, Weka's format: `@relation`, `@attribute name numeric|{a,b,c}|string`,
//! then `@data` rows separated by commas (or sparse `{index value, …}` rows).
//! `%` starts a comment, `?` is a missing value, quotes may be ' or ".
//! The class is the last attribute unless another one is named.

use std::io::{BufRead, BufReader, Read};

use super::error::clip;
use super::guard::io_error;
use super::roles::{ColumnRoles, ColumnSpec, Declared, FileRole};
use super::table::TableBuilder;
use super::{DataError, Dataset, LoadProgress};

/// Splits on `sep` outside single or double quotes, trimming and unquoting
/// each part, as Weka writes them: spaces around a quoted value (`  'no'`)
/// are not part of it, `\'` inside quotes is a quote, and a quote inside an
/// unquoted value (`O'Brien`) is a character. `None` when a quote is left open.
fn split_quoted(s: &str, sep: char) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut quoted_part = false;
    let mut chars = s.chars();
    while let Some(ch) = chars.next() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) if ch == '\\' => cur.extend(chars.next()),
            Some(_) => cur.push(ch),
            None if (ch == '\'' || ch == '"') && !quoted_part && cur.trim().is_empty() => {
                cur.clear();
                quote = Some(ch);
                quoted_part = true;
            }
            None if ch == sep => {
                parts.push(finish_part(&cur, quoted_part));
                cur.clear();
                quoted_part = false;
            }
            // Spaces after a closing quote, before the separator.
            None if quoted_part && ch.is_whitespace() => {}
            None => cur.push(ch),
        }
    }
    if quote.is_some() {
        return None;
    }
    parts.push(finish_part(&cur, quoted_part));
    Some(parts)
}

fn finish_part(s: &str, quoted: bool) -> String {
    if quoted { s.to_string() } else { s.trim().to_string() }
}

/// The name and the rest of an `@attribute` line.
fn attribute(rest: &str) -> Option<(String, String)> {
    let rest = rest.trim();
    let (name, tail) = match rest.chars().next()? {
        q @ ('\'' | '"') => {
            let end = rest[1..].find(q)? + 1;
            (rest[1..end].to_string(), &rest[end + 1..])
        }
        _ => {
            let end = rest.find(|c: char| c.is_whitespace() || c == '{').unwrap_or(rest.len());
            (rest[..end].to_string(), &rest[end..])
        }
    };
    Some((name, tail.trim().to_string()))
}

/// The type of an `@attribute` line.
fn attribute_kind(name: &str, kind: &str) -> Result<Declared, String> {
    let lower = kind.to_ascii_lowercase();
    let name = clip(name);
    if kind.starts_with('{') {
        let inner = kind
            .strip_prefix('{')
            .and_then(|k| k.trim_end().strip_suffix('}'))
            .ok_or_else(|| format!("attribute '{name}': the value list has no closing '}}'"))?;
        let levels =
            split_quoted(inner, ',').ok_or_else(|| format!("attribute '{name}': a quote is not closed"))?;
        Ok(Declared::Nominal(levels.into_iter().filter(|l| !l.is_empty()).collect()))
    } else if ["numeric", "real", "integer"].iter().any(|k| lower.starts_with(k)) {
        Ok(Declared::Numeric)
    } else if lower.starts_with("string") {
        Ok(Declared::Auto)
    } else if lower.starts_with("date") {
        Err(format!(
            "attribute '{name}': dates are not supported; convert the column to numbers (for example days since a start) or delete it"
        ))
    } else if lower.starts_with("relational") {
        Err(format!(
            "attribute '{name}': relational (multi-instance) attributes are not supported; flatten them into plain columns"
        ))
    } else {
        Err(format!("attribute '{name}': unknown type '{}'", clip(kind)))
    }
}

/// Takes one header line; returns the table when it is `@data`.
fn header_line(
    shown: &str,
    line: u64,
    text: &str,
    specs: &mut Vec<ColumnSpec>,
    roles: &ColumnRoles,
) -> Result<Option<TableBuilder>, DataError> {
    let syntax = |message: String| DataError::Syntax { path: shown.to_string(), line, message };
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("@relation") {
        return Ok(None);
    }
    if lower.starts_with("@attribute") {
        let (name, kind) = attribute(&text["@attribute".len()..])
            .ok_or_else(|| syntax("expected '@attribute NAME TYPE'".into()))?;
        let declared = attribute_kind(&name, &kind).map_err(syntax)?;
        specs.push(ColumnSpec { name, declared, role: FileRole::None });
        return Ok(None);
    }
    if lower.starts_with("@data") {
        if specs.is_empty() {
            return Err(syntax("@data before any @attribute".into()));
        }
        // Weka's convention: the class is the last attribute.
        let last = specs.len() - 1;
        return TableBuilder::with_specs(shown, std::mem::take(specs), roles, Some(last), "ARFF", &[])
            .map(Some);
    }
    Err(syntax(format!("expected @relation, @attribute or @data, found '{}'", clip(text))))
}

/// The cells of a data row, dense or sparse (`{index value, …}`).
fn data_cells(
    shown: &str,
    line: u64,
    text: &str,
    t: &TableBuilder,
    cells: &mut Vec<String>,
) -> Result<(), DataError> {
    let syntax = |message: String| DataError::Syntax { path: shown.to_string(), line, message };
    let columns = t.columns();
    cells.clear();
    let Some(inner) = text.strip_prefix('{') else {
        cells.extend(split_quoted(text, ',').ok_or_else(|| syntax("a quote is not closed".into()))?);
        return Ok(());
    };
    // Sparse row: absent numeric values are 0, absent nominal ones the first value.
    let inner =
        inner.trim_end().strip_suffix('}').ok_or_else(|| syntax("a sparse row has no closing '}'".into()))?;
    cells.extend((0..columns).map(|c| match t.declared(c) {
        Declared::Nominal(levels) => levels.first().cloned().unwrap_or_default(),
        _ => "0".to_string(),
    }));
    for part in split_quoted(inner, ',').ok_or_else(|| syntax("a quote is not closed".into()))? {
        if part.is_empty() {
            continue;
        }
        let (i, v) = part
            .split_once(char::is_whitespace)
            .ok_or_else(|| syntax(format!("expected 'index value', found '{}'", clip(&part))))?;
        let i: usize = i.parse().ok().filter(|&i| i < columns).ok_or_else(|| {
            syntax(format!("'{}' is not an attribute index (0 to {})", clip(i), columns - 1))
        })?;
        cells[i] = v.trim().trim_matches(|c| c == '\'' || c == '"').to_string();
    }
    Ok(())
}

/// Reads an ARFF file.
pub fn read_arff(
    shown: &str,
    reader: &mut dyn Read,
    roles: &ColumnRoles,
    progress: Option<&LoadProgress>,
) -> Result<Dataset, DataError> {
    let reader = BufReader::with_capacity(64 * 1024, reader);
    let mut specs: Vec<ColumnSpec> = Vec::new();
    let mut declared_any = false;
    let mut table: Option<TableBuilder> = None;
    let mut cells: Vec<String> = Vec::new();
    for (n, line) in reader.split(b'\n').enumerate() {
        let line_no = n as u64 + 1;
        let bytes = line.map_err(|e| io_error(shown, e))?;
        let text = super::table::text_line(shown, line_no, &bytes)?;
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() || text.starts_with('%') {
            continue;
        }
        let Some(t) = table.as_mut() else {
            table = header_line(shown, line_no, text, &mut specs, roles)?;
            declared_any |= !specs.is_empty() || table.is_some();
            continue;
        };
        data_cells(shown, line_no, text, t, &mut cells)?;
        if cells.len() != t.columns() {
            return Err(DataError::Ragged {
                path: shown.to_string(),
                line: line_no,
                expected: t.columns(),
                found: cells.len(),
            });
        }
        t.push_row(line_no, |c| cells[c].as_str())?;
        if t.rows() % 4096 == 0 && progress.is_some_and(LoadProgress::is_cancelled) {
            return Err(DataError::Cancelled { path: shown.to_string() });
        }
    }
    match table {
        Some(t) => t.finish(),
        None if !declared_any => Err(DataError::Empty { path: shown.to_string() }),
        None => Err(DataError::NoRows { path: shown.to_string() }),
    }
}

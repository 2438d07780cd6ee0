//! ARFF, Weka's format: `@relation`, `@attribute name numeric|{a,b,c}|string`,
//! then `@data` rows separated by commas (or sparse `{index value, …}` rows).
//! `%` starts a comment, `?` is a missing value, quotes may be ' or ".
//! The class is the last attribute unless another one is named.

use std::io::{BufRead, BufReader, Read};

use super::table::{ColumnRoles, Declared, TableBuilder};
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

/// Reads an ARFF file.
pub fn read_arff(
    shown: &str,
    reader: &mut dyn Read,
    roles: &ColumnRoles,
    progress: Option<&LoadProgress>,
) -> Result<Dataset, DataError> {
    let reader = BufReader::with_capacity(64 * 1024, reader);
    let syntax = |line: u64, message: String| DataError::Syntax { path: shown.to_string(), line, message };
    let mut names: Vec<String> = Vec::new();
    let mut declared: Vec<Declared> = Vec::new();
    let mut table: Option<TableBuilder> = None;
    let mut in_data = false;
    let mut cells: Vec<String> = Vec::new();
    for (n, line) in reader.split(b'\n').enumerate() {
        let line_no = n as u64 + 1;
        let bytes = line.map_err(|source| DataError::Io { path: shown.to_string(), source })?;
        let text = super::table::text_line(shown, line_no, &bytes)?;
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.is_empty() || text.starts_with('%') {
            continue;
        }
        if !in_data {
            let lower = text.to_ascii_lowercase();
            if lower.starts_with("@relation") {
                continue;
            }
            if lower.starts_with("@attribute") {
                let (name, kind) = attribute(&text["@attribute".len()..])
                    .ok_or_else(|| syntax(line_no, "expected '@attribute NAME TYPE'".into()))?;
                let lower_kind = kind.to_ascii_lowercase();
                let d = if kind.starts_with('{') {
                    let inner = kind
                        .strip_prefix('{')
                        .and_then(|k| k.trim_end().strip_suffix('}'))
                        .ok_or_else(|| {
                            syntax(line_no, format!("attribute '{name}': the value list has no closing '}}'"))
                        })?;
                    let levels = split_quoted(inner, ',').ok_or_else(|| {
                        syntax(line_no, format!("attribute '{name}': a quote is not closed"))
                    })?;
                    Declared::Nominal(levels.into_iter().filter(|l| !l.is_empty()).collect())
                } else if ["numeric", "real", "integer"].iter().any(|k| lower_kind.starts_with(k)) {
                    Declared::Numeric
                } else if lower_kind.starts_with("string") {
                    Declared::Auto
                } else if lower_kind.starts_with("date") {
                    return Err(syntax(
                        line_no,
                        format!(
                            "attribute '{name}': dates are not supported; convert the column to numbers (for example days since a start) or delete it"
                        ),
                    ));
                } else if lower_kind.starts_with("relational") {
                    return Err(syntax(
                        line_no,
                        format!(
                            "attribute '{name}': relational (multi-instance) attributes are not supported; flatten them into plain columns"
                        ),
                    ));
                } else {
                    return Err(syntax(line_no, format!("attribute '{name}': unknown type '{kind}'")));
                };
                names.push(name);
                declared.push(d);
                continue;
            }
            if lower.starts_with("@data") {
                if names.is_empty() {
                    return Err(syntax(line_no, "@data before any @attribute".into()));
                }
                in_data = true;
                // Weka's convention: the class is the last attribute.
                let last = names.len() - 1;
                table = Some(TableBuilder::new(shown, names.clone(), declared.clone(), roles, Some(last))?);
                continue;
            }
            return Err(syntax(
                line_no,
                format!("expected @relation, @attribute or @data, found '{}'", clip(text)),
            ));
        }
        let Some(t) = table.as_mut() else { break };
        let columns = t.columns();
        cells.clear();
        if let Some(inner) = text.strip_prefix('{') {
            // Sparse row: absent numeric values are 0, absent nominal ones the first value.
            let inner = inner
                .trim_end()
                .strip_suffix('}')
                .ok_or_else(|| syntax(line_no, "a sparse row has no closing '}'".into()))?;
            cells.extend(declared.iter().map(|d| match d {
                Declared::Nominal(levels) => levels.first().cloned().unwrap_or_default(),
                _ => "0".to_string(),
            }));
            for part in
                split_quoted(inner, ',').ok_or_else(|| syntax(line_no, "a quote is not closed".into()))?
            {
                if part.is_empty() {
                    continue;
                }
                let (i, v) = part.split_once(char::is_whitespace).ok_or_else(|| {
                    syntax(line_no, format!("expected 'index value', found '{}'", clip(&part)))
                })?;
                let i: usize = i.parse().ok().filter(|&i| i < columns).ok_or_else(|| {
                    syntax(line_no, format!("'{i}' is not an attribute index (0 to {})", columns - 1))
                })?;
                cells[i] = v.trim().trim_matches(|c| c == '\'' || c == '"').to_string();
            }
        } else {
            cells.extend(
                split_quoted(text, ',').ok_or_else(|| syntax(line_no, "a quote is not closed".into()))?,
            );
        }
        if cells.len() != columns {
            return Err(DataError::Ragged {
                path: shown.to_string(),
                line: line_no,
                expected: columns,
                found: cells.len(),
            });
        }
        t.push_row(line_no, |c| cells[c].as_str())?;
        if t.rows() % 4096 == 0
            && let Some(p) = progress
            && p.is_cancelled()
        {
            return Err(DataError::Cancelled { path: shown.to_string() });
        }
    }
    match table {
        Some(t) => t.finish(),
        None if names.is_empty() => Err(DataError::Empty { path: shown.to_string() }),
        None => Err(DataError::NoRows { path: shown.to_string() }),
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

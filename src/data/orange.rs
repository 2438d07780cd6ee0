//! Orange's own table format (`.tab`, and the same header in CSV files), as
//! Orange's reader takes it:
//!
//! - three header rows: names; types (`continuous`/`c`/`numeric`/`n`,
//!   `discrete`/`d`/`categorical`, `string`/`s`/`text`, `time`/`t`, empty,
//!   or a discrete column's values separated by spaces, a space inside a
//!   value escaped as `\ `); flags (`class`/`c`, `meta`/`m`,
//!   `ignore`/`i`, `weight`/`w`, `key=value` attributes). Orange takes the
//!   three rows as a header when every cell of the second is a type and
//!   every cell of the third a flag, whatever the first holds;
//! - or one header row whose names carry their type and flag as a prefix:
//!   `C#age`, `D#sex`, `cD#survived`, `m#name`, `S#note`.
//!
//! `?`, `~`, `.`, `nan`, `NA` and empty cells are missing. String columns
//! go to Orange's metas, like flagged ones.

use super::roles::{ColumnSpec, Declared, FileRole};

/// Missing-value cells of Orange, besides `""`, `?` and `NA`.
pub const MARKERS: [&str; 3] = ["~", ".", "nan"];

/// How an Orange header was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Names, types and flags rows.
    ThreeRows,
    /// Types and flags as prefixes of the names (`D#sex`).
    Prefixes,
}

impl Style {
    pub fn describe(self) -> &'static str {
        match self {
            Style::ThreeRows => "names, types and flags rows",
            Style::Prefixes => "types and flags as prefixes of the names",
        }
    }
}

const TYPE_WORDS: [&str; 12] =
    ["continuous", "c", "numeric", "n", "discrete", "d", "categorical", "string", "s", "text", "time", "t"];

/// Type words that no data row would hold by chance (not single letters).
const LONG_TYPE_WORDS: [&str; 7] =
    ["continuous", "numeric", "discrete", "categorical", "string", "text", "time"];

const FLAG_WORDS: [&str; 8] = ["class", "c", "ignore", "i", "meta", "m", "weight", "w"];

/// Splits on spaces not escaped with a backslash, unescaping `\ `.
pub fn split_escaped(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut chars = s.trim().chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' if chars.peek() == Some(&' ') => {
                chars.next();
                part.push(' ');
            }
            ' ' => parts.push(std::mem::take(&mut part)),
            _ => part.push(ch),
        }
    }
    parts.push(part);
    parts
}

/// A cell of a types row: a type word, nothing, or a list of values.
pub fn is_type_cell(s: &str) -> bool {
    let s = s.trim();
    s.is_empty() || TYPE_WORDS.iter().any(|t| s.eq_ignore_ascii_case(t)) || s.split_whitespace().count() >= 2
}

/// A cell of a flags row: flag words and `key=value` attributes, or nothing.
pub fn is_flag_cell(s: &str) -> bool {
    split_escaped(s)
        .iter()
        .filter(|t| !t.is_empty())
        .all(|t| FLAG_WORDS.contains(&t.as_str()) || t.contains('='))
}

/// True when `types` and `flags` (the second and third rows) make the
/// first three rows an Orange header. An all-empty types row is not taken
/// as one: that is a row of missing values more likely than a header.
pub fn is_three_row_header(types: &[&str], flags: &[&str]) -> bool {
    types.iter().any(|t| !t.trim().is_empty())
        && types.iter().all(|t| is_type_cell(t))
        && flags.iter().all(|f| is_flag_cell(f))
}

/// True when a second row holds long type words as only Orange writes them
/// (`continuous`, `discrete`), whatever the third row holds.
pub fn looks_like_types_row(types: &[&str]) -> bool {
    types.iter().all(|t| is_type_cell(t))
        && types.iter().any(|t| LONG_TYPE_WORDS.iter().any(|w| t.trim().eq_ignore_ascii_case(w)))
}

fn declared(t: &str) -> Declared {
    let t = t.trim();
    match t.to_ascii_lowercase().as_str() {
        "" => Declared::Auto,
        "continuous" | "c" | "numeric" | "n" => Declared::Numeric,
        "discrete" | "d" | "categorical" => Declared::Discrete,
        "string" | "s" | "text" => Declared::Text,
        "time" | "t" => Declared::Time,
        _ => Declared::Nominal(split_escaped(t)),
    }
}

/// Orange's order of precedence: ignore, then meta, weight, class.
fn file_role(flags: &str) -> FileRole {
    let words = split_escaped(flags);
    let has = |long: &str, short: &str| words.iter().any(|w| w == long || w == short);
    if has("ignore", "i") {
        FileRole::Ignore
    } else if has("meta", "m") {
        FileRole::Meta
    } else if has("weight", "w") {
        FileRole::Weight
    } else if has("class", "c") {
        FileRole::Class
    } else {
        FileRole::None
    }
}

/// Columns from the three header rows (shorter rows count as empty cells).
pub fn three_row_specs(names: &[String], types: &[&str], flags: &[&str]) -> Vec<ColumnSpec> {
    names
        .iter()
        .enumerate()
        .map(|(c, name)| ColumnSpec {
            name: name.clone(),
            declared: declared(types.get(c).copied().unwrap_or("")),
            role: file_role(flags.get(c).copied().unwrap_or("")),
        })
        .collect()
}

/// The prefix of a one-row header cell (`cD` of `cD#survived`), when it
/// has one: a flag letter, a type letter, or one of each in either order.
fn prefix(cell: &str) -> Option<(&str, &str)> {
    let (p, name) = cell.split_once('#')?;
    let flag = |c: char| "cimw".contains(c);
    let kind = |c: char| "CNDST".contains(c);
    let chars: Vec<char> = p.chars().collect();
    let ok = match chars.as_slice() {
        [a] => flag(*a) || kind(*a),
        [a, b] => (flag(*a) && kind(*b)) || (kind(*a) && flag(*b)),
        _ => false,
    };
    ok.then_some((p, name))
}

/// Columns from a one-row header with prefixes, when any name has one.
pub fn prefixed_specs(names: &[String]) -> Option<Vec<ColumnSpec>> {
    if !names.iter().any(|n| prefix(n).is_some()) {
        return None;
    }
    let specs = names
        .iter()
        .map(|cell| match prefix(cell) {
            None => ColumnSpec::auto(cell.clone()),
            Some((p, name)) => {
                let kind: String = p.chars().filter(char::is_ascii_uppercase).collect();
                let flags: String = p.chars().filter(char::is_ascii_lowercase).collect();
                ColumnSpec { name: name.to_string(), declared: declared(&kind), role: file_role(&flags) }
            }
        })
        .collect();
    Some(specs)
}

/// A date or time as Orange reads its ISO forms (`2024-01-31`,
/// `2024-01-31 12:00:00`, `2024-01-31T12:00:00.5+01:00`, `12:00`), in
/// seconds since 1970-01-01 (a time of day alone: since midnight); or a
/// plain number.
pub fn parse_time(s: &str) -> Option<f64> {
    if let Ok(v) = s.parse::<f64>() {
        return v.is_finite().then_some(v);
    }
    let s = s.trim();
    let (date, time) = match s.split_once(['T', ' ']) {
        Some((d, t)) => (Some(d), Some(t.trim())),
        None if s.contains(':') => (None, Some(s)),
        None => (Some(s), None),
    };
    let days = match date {
        Some(d) => days_of(d)?,
        None => 0,
    };
    let seconds = match time {
        Some(t) => seconds_of(t)?,
        None => 0.0,
    };
    Some(days as f64 * 86_400.0 + seconds)
}

fn days_of(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next().map_or(Some(1), |p| p.parse().ok())?;
    let d: i64 = parts.next().map_or(Some(1), |p| p.parse().ok())?;
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from 1970-01-01 in the proleptic Gregorian calendar.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn seconds_of(time: &str) -> Option<f64> {
    let (clock, offset) = match time.find(['+', '-', 'Z']) {
        Some(i) => (&time[..i], &time[i..]),
        None => (time, ""),
    };
    let mut parts = clock.split(':');
    let h: f64 = parts.next()?.parse().ok()?;
    let m: f64 = parts.next()?.parse().ok()?;
    let s: f64 = parts.next().map_or(Some(0.0), |p| p.parse().ok())?;
    if parts.next().is_some()
        || !(0.0..24.0).contains(&h)
        || !(0.0..60.0).contains(&m)
        || !(0.0..61.0).contains(&s)
    {
        return None;
    }
    let shift = match offset {
        "" | "Z" => 0.0,
        o => {
            let sign = if o.starts_with('-') { -1.0 } else { 1.0 };
            let digits: String = o[1..].chars().filter(char::is_ascii_digit).collect();
            if digits.len() != 4 && digits.len() != 2 {
                return None;
            }
            let oh: f64 = digits[..2].parse().ok()?;
            let om: f64 = if digits.len() == 4 { digits[2..].parse().ok()? } else { 0.0 };
            sign * (oh * 3600.0 + om * 60.0)
        }
    };
    Some(h * 3600.0 + m * 60.0 + s - shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_as_orange_does() {
        assert!(is_three_row_header(&["d", "c", "yes no", ""], &["class", "", "m", "i"]));
        assert!(!is_three_row_header(&["1.5", "c"], &["", ""]));
        assert!(!is_three_row_header(&["", ""], &["", ""]), "an empty types row is data");
        assert!(!is_three_row_header(&["c", "d"], &["b", "c"]), "letter grades are data");
        assert!(looks_like_types_row(&["continuous", "d"]));
        assert_eq!(split_escaped(r"New\ York Paris"), ["New York", "Paris"]);
        let specs =
            prefixed_specs(&["C#age".into(), "cD#survived".into(), "name".into(), "m#id".into()]).unwrap();
        assert_eq!(specs[0].declared, Declared::Numeric);
        assert_eq!((specs[1].name.as_str(), specs[1].role), ("survived", FileRole::Class));
        assert_eq!(specs[3].role, FileRole::Meta);
        assert!(prefixed_specs(&["a#b".into(), "x".into()]).is_none());
    }

    #[test]
    fn times_are_seconds_since_1970() {
        assert_eq!(parse_time("1970-01-02"), Some(86_400.0));
        assert_eq!(parse_time("2000-03-01 00:00:00"), Some(951_868_800.0));
        assert_eq!(parse_time("2000-03-01T01:00:00+01:00"), Some(951_868_800.0));
        assert_eq!(parse_time("12:30"), Some(45_000.0));
        assert_eq!(parse_time("yesterday"), None);
    }
}

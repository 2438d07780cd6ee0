//! What a cell means before its column's kind is known: which cells are
//! missing values, and the distinct text values of a column.
//!
//! A text column keeps words such as `none` or `null` as values (a class
//! may be called "none"); only an empty cell, `?`, `NA`, the format's own
//! marker and the words the user names are missing there. A numeric column
//! also takes the other [`MISSING_TOKENS`] as missing, as it always has.

use std::cmp::Ordering;
use std::collections::HashMap;

/// Cells that mean "no value" in a numeric column (in any case).
pub const MISSING_TOKENS: [&str; 8] = ["", "NA", "N/A", "NaN", "?", "null", "None", "-"];

/// Cells that mean "no value" in every column, text or numeric.
pub const ALWAYS_MISSING: [&str; 3] = ["", "?", "NA"];

/// True for a cell that means "no value" in a numeric column.
pub fn is_missing(cell: &str) -> bool {
    MISSING_TOKENS.iter().any(|t| cell.eq_ignore_ascii_case(t))
}

/// What one cell is, before the column's kind is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// No value, in any column.
    Missing,
    /// No value in a numeric column, a value in a text column (`None`, `null`, `-`).
    MissingIfNumeric,
    Value,
}

/// The missing-value rules of one file: the format's own markers and the
/// words the user named.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MissingRules {
    format: Vec<&'static str>,
    user: Vec<String>,
}

impl MissingRules {
    /// `format`: markers the file's format defines (Orange's `~`, `.`, `nan`);
    /// `user`: words that mean "no value" in this file, compared in any case.
    pub fn new(format: &[&'static str], user: &[String]) -> MissingRules {
        MissingRules { format: format.to_vec(), user: user.to_vec() }
    }

    pub fn classify(&self, s: &str) -> Cell {
        if ALWAYS_MISSING.contains(&s)
            || self.format.contains(&s)
            || self.user.iter().any(|u| u.eq_ignore_ascii_case(s))
        {
            Cell::Missing
        } else if is_missing(s) {
            Cell::MissingIfNumeric
        } else {
            Cell::Value
        }
    }
}

/// The text cells of one column: each distinct value once, and per cell its
/// row and the value's code (in order of first appearance).
#[derive(Debug, Default)]
pub struct TextCells {
    pub cells: Vec<(u32, u32)>,
    pub levels: Vec<String>,
    index: HashMap<String, u32>,
    /// Cells that are missing if the column turns out numeric (`None`, `-`).
    pub missing_if_numeric: usize,
    /// The first cell that is text in any column: its line and (clipped) value.
    pub first: Option<(u64, String)>,
    /// Bytes held by the distinct values.
    pub bytes: usize,
}

impl TextCells {
    pub fn with_levels(levels: &[String]) -> TextCells {
        let mut t = TextCells::default();
        for l in levels {
            t.intern(l);
        }
        t
    }

    pub fn code(&self, cell: &str) -> Option<u32> {
        self.index.get(cell).copied()
    }

    pub fn intern(&mut self, cell: &str) -> u32 {
        if let Some(&c) = self.index.get(cell) {
            return c;
        }
        let c = self.levels.len() as u32;
        self.bytes += 2 * cell.len() + 64;
        self.levels.push(cell.to_string());
        self.index.insert(cell.to_string(), c);
        c
    }

    /// Adds a text cell of row `row`.
    pub fn push(&mut self, row: u32, line: u64, cell: &str, kind: Cell) {
        if kind == Cell::MissingIfNumeric {
            self.missing_if_numeric += 1;
        } else if self.first.is_none() {
            self.first = Some((line, super::error::clip(cell)));
        }
        let code = self.intern(cell);
        self.cells.push((row, code));
    }

    /// Text cells that would be text in a numeric column too.
    pub fn real_text(&self) -> usize {
        self.cells.len() - self.missing_if_numeric
    }
}

/// Orange's order of discrete values: digits compare as numbers
/// (`sth2` before `sth10`), everything else as text.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        let (ta, ra) = split_text(a);
        let (tb, rb) = split_text(b);
        match ta.cmp(tb) {
            Ordering::Equal => {}
            o => return o,
        }
        let (da, ra) = split_digits(ra);
        let (db, rb) = split_digits(rb);
        match (da.is_empty(), db.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        let (na, nb) = (da.trim_start_matches('0'), db.trim_start_matches('0'));
        match na.len().cmp(&nb.len()).then_with(|| na.cmp(nb)) {
            Ordering::Equal => {}
            o => return o,
        }
        (a, b) = (ra, rb);
    }
}

fn split_text(s: &str) -> (&str, &str) {
    s.split_at(s.find(|c: char| c.is_ascii_digit()).unwrap_or(s.len()))
}

fn split_digits(s: &str) -> (&str, &str) {
    s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_columns_keep_none_as_a_value_unless_named() {
        let rules = MissingRules::new(&[], &[]);
        assert_eq!(rules.classify("none"), Cell::MissingIfNumeric);
        assert_eq!(rules.classify("NA"), Cell::Missing);
        assert_eq!(rules.classify("?"), Cell::Missing);
        assert_eq!(rules.classify("cat"), Cell::Value);
        let named = MissingRules::new(&["~"], &["none".into()]);
        assert_eq!(named.classify("None"), Cell::Missing);
        assert_eq!(named.classify("~"), Cell::Missing);
    }

    #[test]
    fn natural_order_is_orange_s() {
        let mut v = vec!["sth10", "sth2", "a", "sth1", "10", "9", "b"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["9", "10", "a", "b", "sth1", "sth2", "sth10"]);
    }
}

//! Turns rows of text cells (from CSV, ARFF, Orange tables, spreadsheets)
//! into a [`Dataset`]: keeps each cell as a number or as a coded text value
//! until every row is in, then [`finish`](super::finish) decides each
//! column's kind.
//!
//! Values are stored row-major as they arrive, so that memory stays near the
//! size of the final float32 matrix; what is held is checked against the
//! memory reglab may use, for a file and a stream alike.

use super::cells::{Cell, MissingRules, TextCells};
use super::error::{clip, format_bytes};
use super::roles::{ColumnRoles, ColumnSpec, Declared, Plan, Slot, plan};
use super::{DataError, TaskKind};

/// A text feature with more distinct values than this is refused (unless
/// it is an identifier): one-hot encoding it would add a column per value.
pub const MAX_ONE_HOT_LEVELS: usize = 50;

/// A classification target with more classes than this is refused.
pub const MAX_CLASSES: usize = 100;

/// Rows between two looks at the memory held.
const MEMORY_CHECK_ROWS: usize = 4096;

/// Accumulates rows; see the module docs.
pub struct TableBuilder {
    pub(super) shown: String,
    pub(super) specs: Vec<ColumnSpec>,
    pub(super) plan: Plan,
    pub(super) rules: MissingRules,
    /// Feature cells, row-major; NaN for missing and text cells.
    pub(super) values: Vec<f32>,
    pub(super) target: Vec<f64>,
    pub(super) text: Vec<TextCells>,
    pub(super) target_text: TextCells,
    /// Every cell of the labels column (R's row names), as text.
    pub(super) labels: Option<TextCells>,
    labels_col: usize,
    pub(super) missing: Vec<usize>,
    pub(super) rows: usize,
    /// `1,5` means 1.5 (files that separate fields with ';').
    pub decimal_comma: bool,
    /// What the file's format says of the task (Orange: a continuous class is regression).
    pub task_hint: Option<TaskKind>,
    /// Lines for `reglab data` and the Data panel, in the order they arose.
    pub notes: Vec<String>,
    pub(super) roles: ColumnRoles,
    budget_bytes: u64,
}

impl TableBuilder {
    /// A table whose format declares kinds and roles. `origin` names the
    /// format in notes; `markers` are its own missing-value cells.
    pub fn with_specs(
        shown: &str,
        specs: Vec<ColumnSpec>,
        roles: &ColumnRoles,
        default_target: Option<usize>,
        origin: &str,
        markers: &[&'static str],
    ) -> Result<TableBuilder, DataError> {
        let plan = plan(shown, &specs, roles, default_target, origin)?;
        let text_for = |c: usize| match &specs[c].declared {
            Declared::Nominal(levels) => TextCells::with_levels(levels),
            _ => TextCells::default(),
        };
        let labels_col = plan.slots.iter().position(|s| *s == Slot::Labels);
        let labels = labels_col.map(|_| TextCells::default());
        Ok(TableBuilder {
            shown: shown.to_string(),
            text: plan.features.iter().map(|&c| text_for(c)).collect(),
            target_text: text_for(plan.target),
            missing: vec![0; plan.features.len()],
            labels,
            labels_col: labels_col.unwrap_or(0),
            notes: plan.notes.clone(),
            specs,
            plan,
            rules: MissingRules::new(markers, &roles.na),
            values: Vec::new(),
            target: Vec::new(),
            rows: 0,
            decimal_comma: false,
            task_hint: None,
            roles: roles.clone(),
            budget_bytes: super::guard::memory_budget_bytes(),
        })
    }

    pub fn columns(&self) -> usize {
        self.specs.len()
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The target column and how the file declares it.
    pub fn target_spec(&self) -> (usize, ColumnSpec) {
        (self.plan.target, self.specs[self.plan.target].clone())
    }

    /// The declared kind of every column (for sparse ARFF rows).
    pub fn declared(&self, c: usize) -> &Declared {
        &self.specs[c].declared
    }

    /// Makes room for about this many more rows, within the memory budget.
    pub fn reserve_rows(&mut self, rows: usize) {
        let per_row = 4 * self.plan.features.len() as u64 + 8;
        let room = (self.budget_bytes / 2).saturating_sub(self.held_bytes()) / per_row.max(1);
        let rows = rows.min(room as usize);
        self.values.reserve(rows.saturating_mul(self.plan.features.len()));
        self.target.reserve(rows);
    }

    /// Sets a smaller memory budget (tests).
    #[cfg(test)]
    pub(crate) fn set_budget(&mut self, bytes: u64) {
        self.budget_bytes = bytes;
    }

    fn held_bytes(&self) -> u64 {
        let text: usize = self
            .text
            .iter()
            .chain(self.labels.iter())
            .chain([&self.target_text])
            .map(|t| t.bytes + 8 * t.cells.len())
            .sum();
        (4 * self.values.capacity() + 8 * self.target.capacity() + text) as u64
    }

    /// Refuses to hold more than the memory budget.
    pub fn check_memory(&self) -> Result<(), DataError> {
        let held = self.held_bytes();
        if held > self.budget_bytes {
            return Err(DataError::TooLarge {
                path: self.shown.clone(),
                what: format!("its first {} rows of {} columns", self.rows, self.specs.len()),
                limit: format_bytes(self.budget_bytes),
            });
        }
        Ok(())
    }

    /// Adds one row; `cell(c)` is the trimmed text of column `c`.
    pub fn push_row<'a>(&mut self, line: u64, cell: impl Fn(usize) -> &'a str) -> Result<(), DataError> {
        if self.rows >= u32::MAX as usize {
            return Err(DataError::Invalid(format!("{}: more than {} rows", self.shown, u32::MAX)));
        }
        let row = self.rows as u32;
        for k in 0..self.plan.features.len() {
            let c = self.plan.features[k];
            let v = self.feature_cell(line, c, k, row, cell(c))?;
            self.values.push(v);
        }
        if let Some(labels) = &mut self.labels {
            let s = cell(self.labels_col);
            if self.rules.classify(s) != Cell::Missing {
                let code = labels.intern(s);
                labels.cells.push((row, code));
            }
        }
        let t = self.target_cell(line, cell(self.plan.target))?;
        self.target.push(t);
        self.rows += 1;
        if self.rows.is_multiple_of(MEMORY_CHECK_ROWS) {
            self.check_memory()?;
        }
        Ok(())
    }

    fn feature_cell(&mut self, line: u64, c: usize, k: usize, row: u32, s: &str) -> Result<f32, DataError> {
        let kind = self.rules.classify(s);
        let numeric = matches!(self.specs[c].declared, Declared::Numeric | Declared::Time);
        if kind == Cell::Missing || (kind == Cell::MissingIfNumeric && numeric) {
            self.missing[k] += 1;
            return Ok(f32::NAN);
        }
        match &self.specs[c].declared {
            Declared::Nominal(_) => {
                let code = self.declared_code(line, c, &self.text[k], s)?;
                self.text[k].cells.push((row, code));
                return Ok(f32::NAN);
            }
            Declared::Discrete | Declared::Text => {
                self.text[k].push(row, line, s, Cell::Value);
                return Ok(f32::NAN);
            }
            Declared::Time => {
                return super::orange::parse_time(s)
                    .map(|v| v as f32)
                    .ok_or_else(|| self.not_a_time(line, c, s));
            }
            Declared::Auto | Declared::Numeric => {}
        }
        if kind == Cell::MissingIfNumeric {
            // Missing if the column is numeric, a value if it is text.
            self.text[k].push(row, line, s, kind);
            return Ok(f32::NAN);
        }
        match self.parse_f32(s) {
            Some(v) if v.is_finite() => Ok(v),
            Some(_) => Err(self.not_finite(line, c, s)),
            None if self.specs[c].declared == Declared::Numeric => Err(self.not_a_number(line, c, s)),
            None => {
                self.text[k].push(row, line, s, kind);
                Ok(f32::NAN)
            }
        }
    }

    fn target_cell(&mut self, line: u64, s: &str) -> Result<f64, DataError> {
        let c = self.plan.target;
        let kind = self.rules.classify(s);
        let numeric = matches!(self.specs[c].declared, Declared::Numeric | Declared::Time);
        if kind == Cell::Missing || (kind == Cell::MissingIfNumeric && numeric) {
            return Ok(f64::NAN);
        }
        let row = self.rows as u32;
        let code = match &self.specs[c].declared {
            Declared::Nominal(_) => Some(self.declared_code(line, c, &self.target_text, s)?),
            Declared::Time => {
                return super::orange::parse_time(s).ok_or_else(|| self.not_a_time(line, c, s));
            }
            Declared::Discrete | Declared::Text => None,
            Declared::Auto if kind == Cell::MissingIfNumeric => None,
            Declared::Auto | Declared::Numeric => match self.parse_number(s) {
                Some(v) if v.is_finite() => return Ok(v),
                Some(_) => return Err(self.not_finite(line, c, s)),
                None if self.specs[c].declared == Declared::Numeric => {
                    return Err(self.not_a_number(line, c, s));
                }
                None => None,
            },
        };
        let t = &mut self.target_text;
        match code {
            Some(code) => t.cells.push((row, code)),
            None => {
                let known = t.code(s).is_some();
                if !known && t.levels.len() >= MAX_CLASSES {
                    return Err(DataError::TooManyClasses {
                        path: self.shown.clone(),
                        name: clip(&self.specs[c].name),
                        max: MAX_CLASSES,
                        line,
                    });
                }
                t.push(row, line, s, kind);
            }
        }
        Ok(f64::NAN)
    }

    fn parse_number(&self, s: &str) -> Option<f64> {
        match s.parse::<f64>() {
            Err(_) if self.decimal_comma && s.contains(',') => s.replace(',', ".").parse::<f64>().ok(),
            p => p.ok(),
        }
    }

    fn parse_f32(&self, s: &str) -> Option<f32> {
        match s.parse::<f32>() {
            Err(_) if self.decimal_comma && s.contains(',') => s.replace(',', ".").parse::<f32>().ok(),
            p => p.ok(),
        }
    }

    fn declared_code(&self, line: u64, c: usize, t: &TextCells, s: &str) -> Result<u32, DataError> {
        let Declared::Nominal(levels) = &self.specs[c].declared else {
            return Ok(t.code(s).unwrap_or(u32::MAX));
        };
        t.code(s).ok_or_else(|| DataError::NotDeclared {
            path: self.shown.clone(),
            line,
            column: c + 1,
            name: clip(&self.specs[c].name),
            value: clip(s),
            declared: clip(&levels.join(", ")),
        })
    }

    pub(super) fn not_a_number(&self, line: u64, c: usize, s: &str) -> DataError {
        DataError::NotANumber {
            path: self.shown.clone(),
            line,
            column: c + 1,
            name: clip(&self.specs[c].name),
            value: clip(s),
        }
    }

    fn not_finite(&self, line: u64, c: usize, s: &str) -> DataError {
        DataError::NotFinite {
            path: self.shown.clone(),
            line,
            column: c + 1,
            name: clip(&self.specs[c].name),
            value: clip(s),
        }
    }

    fn not_a_time(&self, line: u64, c: usize, s: &str) -> DataError {
        DataError::Syntax {
            path: self.shown.clone(),
            line,
            message: format!(
                "column {} ('{}'): expected a date or time such as 2024-01-31 or 2024-01-31 12:00:00, found '{}'",
                c + 1,
                clip(&self.specs[c].name),
                clip(s)
            ),
        }
    }
}

/// The file name without its folder.
pub fn dataset_name(shown: &str) -> String {
    std::path::Path::new(shown)
        .file_name()
        .map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned())
}

/// One line of a line-based format as text, or an error naming the line and
/// the byte where the UTF-8 breaks.
pub(crate) fn text_line<'a>(shown: &str, line: u64, bytes: &'a [u8]) -> Result<&'a str, DataError> {
    std::str::from_utf8(bytes).map_err(|e| DataError::Syntax {
        path: shown.to_string(),
        line,
        message: format!("byte {}: the text is not valid UTF-8", e.valid_up_to() + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows that keep coming (text piped on stdin) stop at the memory budget.
    #[test]
    fn a_stream_without_end_stops_at_the_memory_budget() {
        let specs = vec![ColumnSpec::auto("a".into()), ColumnSpec::auto("y".into())];
        let mut t = TableBuilder::with_specs("stdin", specs, &ColumnRoles::default(), None, "", &[]).unwrap();
        t.set_budget(1 << 20);
        let err =
            (0..10_000_000u64).try_for_each(|i| t.push_row(i + 2, |c| if c == 0 { "1.5" } else { "0" }));
        let err = err.unwrap_err();
        assert!(matches!(err, DataError::TooLarge { .. }), "{err}");
        assert!(t.rows() < 200_000, "{} rows held", t.rows());
    }
}

//! Turns rows of text cells (from CSV or ARFF) into a [`Dataset`]: decides
//! each column's kind (text when most of its cells are not numbers; in a
//! mostly numeric column a text cell is reported as a mistake), one-hot
//! encodes text features, keeps missing values
//! as NaN for the preparation step, and drops rows whose target is missing.
//!
//! Values are stored row-major as they arrive, so that memory stays near the
//! size of the final float32 matrix.

use std::collections::HashMap;

use ndarray::Array2;

use super::{ColumnInfo, ColumnKind, DataError, Dataset, Role, TargetValues, format_number};

/// Cells that mean "no value".
pub const MISSING_TOKENS: [&str; 8] = ["", "NA", "N/A", "NaN", "?", "null", "None", "-"];

/// A text feature with more distinct values than this is refused: one-hot
/// encoding it would add a column per value.
pub const MAX_ONE_HOT_LEVELS: usize = 50;

/// A classification target with more classes than this is refused.
pub const MAX_CLASSES: usize = 100;

pub fn is_missing(cell: &str) -> bool {
    MISSING_TOKENS.iter().any(|t| cell.eq_ignore_ascii_case(t))
}

/// What a file format says a column holds, where it says.
#[derive(Debug, Clone, PartialEq)]
pub enum Declared {
    /// Decide from the values.
    Auto,
    /// Numbers only (ARFF `numeric`).
    Numeric,
    /// One of these values (ARFF nominal `{a,b,c}`), in this order.
    Nominal(Vec<String>),
}

/// Non-numeric cells of one column, interned.
#[derive(Debug, Default)]
struct TextCells {
    cells: Vec<(u32, u32)>,
    levels: Vec<String>,
    index: HashMap<String, u32>,
    /// More distinct values arrived than are kept.
    overflow: bool,
    first: Option<(u64, String)>,
}

impl TextCells {
    fn with_levels(levels: &[String]) -> TextCells {
        let mut t = TextCells::default();
        for l in levels {
            t.intern(l, usize::MAX);
        }
        t
    }

    fn intern(&mut self, cell: &str, cap: usize) -> Option<u32> {
        if let Some(&c) = self.index.get(cell) {
            return Some(c);
        }
        if self.levels.len() >= cap {
            self.overflow = true;
            return None;
        }
        let c = self.levels.len() as u32;
        self.levels.push(cell.to_string());
        self.index.insert(cell.to_string(), c);
        Some(c)
    }
}

/// Accumulates rows; see the module docs.
pub struct TableBuilder {
    shown: String,
    names: Vec<String>,
    declared: Vec<Declared>,
    feature_cols: Vec<usize>,
    target_col: usize,
    ignored: Vec<usize>,
    values: Vec<f32>,
    target: Vec<f64>,
    text: Vec<TextCells>,
    target_text: TextCells,
    missing: Vec<usize>,
    rows: usize,
    /// `1,5` means 1.5 (files that separate fields with ';').
    pub decimal_comma: bool,
}

/// Which columns play which role.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnRoles {
    /// The target column; default: a column named y/target/label/class, else the last.
    pub target: Option<String>,
    /// Columns to leave out (an id, a date).
    pub ignore: Vec<String>,
    /// The sheet of a spreadsheet; default: the first.
    pub sheet: Option<String>,
}

/// Column names that are taken as the target when none is named.
pub const TARGET_NAMES: [&str; 4] = ["y", "target", "label", "class"];

impl TableBuilder {
    pub fn new(
        shown: &str,
        names: Vec<String>,
        declared: Vec<Declared>,
        roles: &ColumnRoles,
        default_target: Option<usize>,
    ) -> Result<TableBuilder, DataError> {
        if names.is_empty() {
            return Err(DataError::Empty { path: shown.to_string() });
        }
        for (c, name) in names.iter().enumerate() {
            if let Some(first) = names[..c].iter().position(|h| h == name) {
                return Err(DataError::DuplicateColumn {
                    path: shown.to_string(),
                    name: name.clone(),
                    first: first + 1,
                    second: c + 1,
                });
            }
        }
        let find = |name: &str| {
            names.iter().position(|h| h == name).ok_or_else(|| DataError::MissingColumn {
                path: shown.to_string(),
                name: name.to_string(),
                available: names.join(", "),
            })
        };
        let target_col = match &roles.target {
            Some(name) => find(name)?,
            None => TARGET_NAMES
                .iter()
                .find_map(|t| names.iter().position(|h| h.eq_ignore_ascii_case(t)))
                .or(default_target)
                .unwrap_or(names.len() - 1),
        };
        let mut ignored = Vec::new();
        for name in &roles.ignore {
            let c = find(name)?;
            if c != target_col {
                ignored.push(c);
            }
        }
        let feature_cols: Vec<usize> =
            (0..names.len()).filter(|&c| c != target_col && !ignored.contains(&c)).collect();
        if feature_cols.is_empty() {
            return Err(DataError::NoFeatures { path: shown.to_string(), target: names[target_col].clone() });
        }
        let text_for = |c: usize| match &declared[c] {
            Declared::Nominal(levels) => TextCells::with_levels(levels),
            _ => TextCells::default(),
        };
        Ok(TableBuilder {
            shown: shown.to_string(),
            text: feature_cols.iter().map(|&c| text_for(c)).collect(),
            target_text: text_for(target_col),
            missing: vec![0; feature_cols.len()],
            names,
            declared,
            feature_cols,
            target_col,
            ignored,
            values: Vec::new(),
            target: Vec::new(),
            rows: 0,
            decimal_comma: false,
        })
    }

    pub fn columns(&self) -> usize {
        self.names.len()
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Makes room for about this many more rows.
    pub fn reserve_rows(&mut self, rows: usize) {
        self.values.reserve(rows.saturating_mul(self.feature_cols.len()));
        self.target.reserve(rows);
    }

    /// Adds one row; `cell(c)` is the trimmed text of column `c`.
    pub fn push_row<'a>(&mut self, line: u64, cell: impl Fn(usize) -> &'a str) -> Result<(), DataError> {
        if self.rows >= u32::MAX as usize {
            return Err(DataError::Invalid(format!("{}: more than {} rows", self.shown, u32::MAX)));
        }
        let row = self.rows as u32;
        for k in 0..self.feature_cols.len() {
            let c = self.feature_cols[k];
            let s = cell(c);
            let v = if is_missing(s) {
                self.missing[k] += 1;
                f32::NAN
            } else {
                self.cell_value(line, c, s, k, row)?
            };
            self.values.push(v);
        }
        let s = cell(self.target_col);
        let t = if is_missing(s) {
            f64::NAN
        } else {
            let parsed = match s.parse::<f64>() {
                Err(_) if self.decimal_comma && s.contains(',') => s.replace(',', ".").parse::<f64>(),
                p => p,
            };
            match (&self.declared[self.target_col], parsed) {
                (Declared::Nominal(_), _) | (_, Err(_)) => {
                    self.target_nominal(line, s)?;
                    f64::NAN
                }
                (_, Ok(v)) if !v.is_finite() => {
                    return Err(self.not_finite(line, self.target_col, s));
                }
                (_, Ok(v)) => v,
            }
        };
        self.target.push(t);
        self.rows += 1;
        Ok(())
    }

    fn cell_value(&mut self, line: u64, c: usize, s: &str, k: usize, row: u32) -> Result<f32, DataError> {
        if let Declared::Nominal(levels) = &self.declared[c] {
            let Some(&code) = self.text[k].index.get(s) else {
                return Err(DataError::NotDeclared {
                    path: self.shown.clone(),
                    line,
                    column: c + 1,
                    name: self.names[c].clone(),
                    value: s.to_string(),
                    declared: levels.join(", "),
                });
            };
            self.text[k].cells.push((row, code));
            return Ok(f32::NAN);
        }
        let parsed = match s.parse::<f32>() {
            Err(_) if self.decimal_comma && s.contains(',') => s.replace(',', ".").parse::<f32>(),
            p => p,
        };
        match parsed {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(_) => Err(self.not_finite(line, c, s)),
            Err(_) if self.declared[c] == Declared::Numeric => Err(DataError::NotANumber {
                path: self.shown.clone(),
                line,
                column: c + 1,
                name: self.names[c].clone(),
                value: s.to_string(),
            }),
            Err(_) => {
                let t = &mut self.text[k];
                if t.first.is_none() {
                    t.first = Some((line, s.to_string()));
                }
                // Past the cap the level is not kept, but the cell still counts.
                let code = t.intern(s, MAX_ONE_HOT_LEVELS + 1).unwrap_or(u32::MAX);
                t.cells.push((row, code));
                Ok(f32::NAN)
            }
        }
    }

    fn target_nominal(&mut self, line: u64, s: &str) -> Result<(), DataError> {
        let row = self.rows as u32;
        if let Declared::Nominal(levels) = &self.declared[self.target_col] {
            let Some(&code) = self.target_text.index.get(s) else {
                return Err(DataError::NotDeclared {
                    path: self.shown.clone(),
                    line,
                    column: self.target_col + 1,
                    name: self.names[self.target_col].clone(),
                    value: s.to_string(),
                    declared: levels.join(", "),
                });
            };
            self.target_text.cells.push((row, code));
            return Ok(());
        }
        if self.declared[self.target_col] == Declared::Numeric {
            return Err(DataError::NotANumber {
                path: self.shown.clone(),
                line,
                column: self.target_col + 1,
                name: self.names[self.target_col].clone(),
                value: s.to_string(),
            });
        }
        let t = &mut self.target_text;
        if t.first.is_none() {
            t.first = Some((line, s.to_string()));
        }
        match t.intern(s, MAX_CLASSES) {
            Some(code) => {
                t.cells.push((row, code));
                Ok(())
            }
            None => Err(DataError::TooManyClasses {
                path: self.shown.clone(),
                name: self.names[self.target_col].clone(),
                max: MAX_CLASSES,
                line,
            }),
        }
    }

    fn not_finite(&self, line: u64, c: usize, s: &str) -> DataError {
        DataError::NotFinite {
            path: self.shown.clone(),
            line,
            column: c + 1,
            name: self.names[c].clone(),
            value: s.to_string(),
        }
    }

    /// Decides the column kinds and builds the dataset.
    #[allow(clippy::needless_range_loop)] // rows and columns index several arrays at once
    pub fn finish(mut self) -> Result<Dataset, DataError> {
        let shown = self.shown.clone();
        if self.rows == 0 {
            return Err(DataError::NoRows { path: shown });
        }
        let d = self.feature_cols.len();
        // Decide each feature column's kind.
        let mut kinds: Vec<ColumnKind> = Vec::with_capacity(d);
        for k in 0..d {
            let c = self.feature_cols[k];
            let t = &self.text[k];
            let nominal = matches!(self.declared[c], Declared::Nominal(_));
            if t.cells.is_empty() && !nominal {
                kinds.push(ColumnKind::Numeric);
                continue;
            }
            let present = self.rows - self.missing[k];
            let numbers = present - t.cells.len();
            if !nominal && numbers * 2 >= present {
                let (line, value) = t.first.clone().unwrap_or_default();
                return Err(DataError::NotANumber {
                    path: shown,
                    line,
                    column: c + 1,
                    name: self.names[c].clone(),
                    value,
                });
            }
            // Numbers in a text column become levels too.
            let mut levels = t.levels.clone();
            if !nominal {
                let mut seen: HashMap<String, ()> = levels.iter().map(|l| (l.clone(), ())).collect();
                for r in 0..self.rows {
                    let v = self.values[r * d + k];
                    if !v.is_nan() {
                        let name = format_number(v as f64);
                        if seen.insert(name.clone(), ()).is_none() {
                            levels.push(name);
                        }
                    }
                    if levels.len() > MAX_ONE_HOT_LEVELS {
                        break;
                    }
                }
            }
            if t.overflow || levels.len() > MAX_ONE_HOT_LEVELS {
                return Err(DataError::TooManyLevels {
                    path: shown,
                    column: c + 1,
                    name: self.names[c].clone(),
                    max: MAX_ONE_HOT_LEVELS,
                    // Never an empty example: a text cell, else a level.
                    example: t
                        .first
                        .clone()
                        .map(|f| f.1)
                        .filter(|e| !e.is_empty())
                        .or_else(|| levels.iter().find(|l| !l.is_empty()).cloned())
                        .unwrap_or_else(|| "?".into()),
                });
            }
            kinds.push(ColumnKind::Categorical { levels });
        }

        // Rows whose target is missing are dropped.
        let mut target_missing = vec![false; self.rows];
        let text_target = !self.target_text.cells.is_empty()
            || matches!(self.declared[self.target_col], Declared::Nominal(_));
        let mut target_codes: Vec<u32> = Vec::new();
        let mut labels: Vec<String> = Vec::new();
        if text_target {
            labels = self.target_text.levels.clone();
            let mut code_of = vec![u32::MAX; self.rows];
            for &(r, code) in &self.target_text.cells {
                code_of[r as usize] = code;
            }
            for r in 0..self.rows {
                if code_of[r] == u32::MAX {
                    let v = self.target[r];
                    if v.is_nan() {
                        target_missing[r] = true;
                        continue;
                    }
                    // A number among text labels is one more label.
                    let name = format_number(v);
                    let code = match labels.iter().position(|l| *l == name) {
                        Some(p) => p as u32,
                        None => {
                            if labels.len() >= MAX_CLASSES {
                                return Err(DataError::TooManyClasses {
                                    path: shown,
                                    name: self.names[self.target_col].clone(),
                                    max: MAX_CLASSES,
                                    line: 0,
                                });
                            }
                            labels.push(name);
                            (labels.len() - 1) as u32
                        }
                    };
                    code_of[r] = code;
                }
            }
            target_codes = code_of;
        } else {
            for (r, m) in target_missing.iter_mut().enumerate() {
                *m = self.target[r].is_nan();
            }
        }
        let missing_target = target_missing.iter().filter(|&&m| m).count();
        if missing_target == self.rows {
            return Err(DataError::Invalid(format!(
                "{shown}: every row's target '{}' is missing",
                self.names[self.target_col]
            )));
        }

        // Codes of categorical features, per kept row.
        let one_hot_width: Vec<usize> = kinds
            .iter()
            .map(|k| match k {
                ColumnKind::Numeric => 1,
                ColumnKind::Categorical { levels } => levels.len(),
            })
            .collect();
        let width: usize = one_hot_width.iter().sum();
        let keep_rows = self.rows - missing_target;
        let any_categorical = kinds.iter().any(|k| matches!(k, ColumnKind::Categorical { .. }));

        let features = if !any_categorical {
            // Compact in place: drop rows without a target.
            let mut w = 0;
            for r in 0..self.rows {
                if target_missing[r] {
                    continue;
                }
                if w != r {
                    self.values.copy_within(r * d..(r + 1) * d, w * d);
                }
                w += 1;
            }
            self.values.truncate(keep_rows * d);
            self.values.shrink_to_fit();
            Array2::from_shape_vec((keep_rows, d), std::mem::take(&mut self.values))
                .map_err(|e| DataError::Invalid(format!("{shown}: {e}")))?
        } else {
            let mut codes: Vec<Vec<u32>> = Vec::with_capacity(d);
            for k in 0..d {
                let ColumnKind::Categorical { levels } = &kinds[k] else {
                    codes.push(Vec::new());
                    continue;
                };
                let mut code_of = vec![u32::MAX; self.rows];
                for &(r, code) in &self.text[k].cells {
                    code_of[r as usize] = code;
                }
                for r in 0..self.rows {
                    let v = self.values[r * d + k];
                    if code_of[r] == u32::MAX && !v.is_nan() {
                        let name = format_number(v as f64);
                        code_of[r] = levels.iter().position(|l| *l == name).map_or(u32::MAX, |p| p as u32);
                    }
                }
                codes.push(code_of);
            }
            let mut x = Array2::<f32>::zeros((keep_rows, width));
            let mut w = 0;
            for r in 0..self.rows {
                if target_missing[r] {
                    continue;
                }
                let mut off = 0;
                for k in 0..d {
                    match &kinds[k] {
                        ColumnKind::Numeric => x[[w, off]] = self.values[r * d + k],
                        ColumnKind::Categorical { .. } => {
                            let code = codes[k][r];
                            for l in 0..one_hot_width[k] {
                                // A missing category leaves every indicator missing.
                                x[[w, off + l]] = if code == u32::MAX {
                                    f32::NAN
                                } else {
                                    (code as usize == l) as u8 as f32
                                };
                            }
                        }
                    }
                    off += one_hot_width[k];
                }
                w += 1;
            }
            x
        };

        let mut feature_names = Vec::with_capacity(width);
        for (k, kind) in kinds.iter().enumerate() {
            let name = &self.names[self.feature_cols[k]];
            match kind {
                ColumnKind::Numeric => feature_names.push(name.clone()),
                ColumnKind::Categorical { levels } => {
                    feature_names.extend(levels.iter().map(|l| format!("{name}={l}")));
                }
            }
        }
        let target = if text_target {
            TargetValues::Labels {
                codes: target_codes.into_iter().filter(|&c| c != u32::MAX).collect(),
                labels,
            }
        } else {
            TargetValues::Numeric(self.target.iter().copied().filter(|v| !v.is_nan()).collect())
        };
        let mut columns: Vec<ColumnInfo> = Vec::with_capacity(self.names.len());
        for (c, name) in self.names.iter().enumerate() {
            let info = if c == self.target_col {
                ColumnInfo {
                    name: name.clone(),
                    role: Role::Target,
                    kind: Some(if text_target {
                        ColumnKind::Categorical {
                            levels: match &target {
                                TargetValues::Labels { labels, .. } => labels.clone(),
                                TargetValues::Numeric(_) => Vec::new(),
                            },
                        }
                    } else {
                        ColumnKind::Numeric
                    }),
                    missing: missing_target,
                }
            } else if let Some(k) = self.feature_cols.iter().position(|&f| f == c) {
                ColumnInfo {
                    name: name.clone(),
                    role: Role::Feature,
                    kind: Some(kinds[k].clone()),
                    missing: self.missing[k],
                }
            } else {
                debug_assert!(self.ignored.contains(&c));
                ColumnInfo { name: name.clone(), role: Role::Ignored, kind: None, missing: 0 }
            };
            columns.push(info);
        }
        Ok(Dataset {
            name: dataset_name(&shown),
            source: None,
            format: None,
            sheets: Vec::new(),
            features,
            feature_names,
            target_name: self.names[self.target_col].clone(),
            target,
            informative: None,
            columns,
            dropped_rows: missing_target,
        })
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

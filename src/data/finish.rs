//! The end of a table: each column's kind decided from all of its cells
//! (text when most are not numbers; in a mostly numeric column a text cell
//! is reported as a mistake; a text column with a different value in
//! almost every row is an identifier, set aside as the rows' labels),
//! text features one-hot encoded, rows whose target is missing dropped.

use std::collections::{HashMap, HashSet};

use ndarray::Array2;

use super::cells::{TextCells, natural_cmp};
use super::error::clip;
use super::roles::{Declared, Slot};
use super::table::{MAX_CLASSES, MAX_ONE_HOT_LEVELS, TableBuilder, dataset_name};
use super::{ColumnInfo, ColumnKind, DataError, Dataset, Role, RowLabels, TargetValues, format_number};

/// An identifier has at least this many values...
const IDENTIFIER_MIN_ROWS: usize = 10;
/// ...and at least this share of them (in tenths) different.
const IDENTIFIER_DISTINCT_TENTHS: usize = 9;

/// What a feature column became.
#[derive(Debug, Clone)]
enum Decision {
    Numeric,
    /// One-hot columns; `remap` turns interned codes into positions in `levels`.
    Categorical {
        levels: Vec<String>,
        remap: Option<Vec<u32>>,
    },
    /// Different text in almost every row: not a feature.
    Identifier {
        levels: Vec<String>,
    },
}

impl Decision {
    fn width(&self) -> usize {
        match self {
            Decision::Numeric => 1,
            Decision::Categorical { levels, .. } => levels.len(),
            Decision::Identifier { .. } => 0,
        }
    }
}

/// A text column with a different value in (almost) every row.
pub fn is_identifier(distinct: usize, present: usize) -> bool {
    present >= IDENTIFIER_MIN_ROWS && distinct * 10 >= present * IDENTIFIER_DISTINCT_TENTHS
}

/// Levels in Orange's natural order, with the code map from the order of
/// first appearance.
fn natural_levels(t: &TextCells) -> (Vec<String>, Vec<u32>) {
    let mut order: Vec<usize> = (0..t.levels.len()).collect();
    order.sort_by(|&a, &b| natural_cmp(&t.levels[a], &t.levels[b]));
    let mut remap = vec![0u32; order.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old] = new as u32;
    }
    (order.iter().map(|&i| t.levels[i].clone()).collect(), remap)
}

impl TableBuilder {
    /// Decides the column kinds and builds the dataset.
    pub fn finish(self) -> Result<Dataset, DataError> {
        if self.rows == 0 {
            return Err(DataError::NoRows { path: self.shown.clone() });
        }
        let decisions =
            (0..self.plan.features.len()).map(|k| self.decide(k)).collect::<Result<Vec<_>, _>>()?;
        let (target, target_missing) = self.target_values()?;
        let dropped = target_missing.iter().filter(|&&m| m).count();
        if dropped == self.rows {
            return Err(DataError::Invalid(format!(
                "{}: every row's target '{}' is missing",
                self.shown,
                clip(&self.specs[self.plan.target].name)
            )));
        }
        self.assemble(decisions, target, &target_missing, dropped)
    }

    /// The kind of feature column `k`.
    fn decide(&self, k: usize) -> Result<Decision, DataError> {
        let c = self.plan.features[k];
        let t = &self.text[k];
        match &self.specs[c].declared {
            Declared::Numeric | Declared::Time => return Ok(Decision::Numeric),
            Declared::Nominal(levels) => {
                return Ok(Decision::Categorical { levels: levels.clone(), remap: None });
            }
            Declared::Discrete | Declared::Text => {
                let (levels, remap) = natural_levels(t);
                return self.categorical(c, t, levels, Some(remap));
            }
            Declared::Auto => {}
        }
        let present = self.rows - self.missing[k];
        let numbers = present - t.cells.len();
        if t.real_text() == 0 && (numbers > 0 || t.cells.is_empty()) {
            return Ok(Decision::Numeric);
        }
        if numbers * 2 >= present - t.missing_if_numeric {
            let (line, value) = t.first.clone().unwrap_or_default();
            return Err(DataError::NotANumber {
                path: self.shown.clone(),
                line,
                column: c + 1,
                name: clip(&self.specs[c].name),
                value,
            });
        }
        // Numbers in a text column are values too.
        let mut levels = t.levels.clone();
        let mut seen: HashSet<String> = levels.iter().cloned().collect();
        for r in 0..self.rows {
            let v = self.values[r * self.plan.features.len() + k];
            if !v.is_nan() {
                let name = format_number(v as f64);
                if seen.insert(name.clone()) {
                    levels.push(name);
                }
            }
        }
        if is_identifier(levels.len(), present) && !self.roles.features.contains(&self.specs[c].name) {
            return Ok(Decision::Identifier { levels });
        }
        self.categorical(c, t, levels, None)
    }

    fn categorical(
        &self,
        c: usize,
        t: &TextCells,
        levels: Vec<String>,
        remap: Option<Vec<u32>>,
    ) -> Result<Decision, DataError> {
        if levels.len() > MAX_ONE_HOT_LEVELS {
            return Err(DataError::TooManyLevels {
                path: self.shown.clone(),
                column: c + 1,
                name: clip(&self.specs[c].name),
                max: MAX_ONE_HOT_LEVELS,
                // Never an empty example: a text cell, else a level.
                example: t
                    .first
                    .clone()
                    .map(|f| f.1)
                    .filter(|e| !e.is_empty())
                    .or_else(|| levels.iter().find(|l| !l.is_empty()).map(|l| clip(l)))
                    .unwrap_or_else(|| "?".into()),
            });
        }
        Ok(Decision::Categorical { levels, remap })
    }

    /// The target of every row, and which rows have none.
    fn target_values(&self) -> Result<(TargetValues, Vec<bool>), DataError> {
        let t = &self.target_text;
        let text = match self.specs[self.plan.target].declared {
            Declared::Nominal(_) | Declared::Discrete | Declared::Text => true,
            Declared::Numeric | Declared::Time => false,
            Declared::Auto => t.real_text() > 0,
        };
        if !text {
            let missing: Vec<bool> = self.target.iter().map(|v| v.is_nan()).collect();
            let kept = self.target.iter().copied().filter(|v| !v.is_nan()).collect();
            return Ok((TargetValues::Numeric(kept), missing));
        }
        let (mut labels, remap) = match self.specs[self.plan.target].declared {
            Declared::Discrete | Declared::Text => {
                let (l, r) = natural_levels(t);
                (l, Some(r))
            }
            _ => (t.levels.clone(), None),
        };
        let mut code_of = vec![u32::MAX; self.rows];
        for &(r, code) in &t.cells {
            code_of[r as usize] = remap.as_ref().map_or(code, |m| m[code as usize]);
        }
        let mut index: HashMap<String, u32> =
            labels.iter().enumerate().map(|(i, l)| (l.clone(), i as u32)).collect();
        for (r, code) in code_of.iter_mut().enumerate() {
            let v = self.target[r];
            if *code != u32::MAX || v.is_nan() {
                continue;
            }
            // A number among text labels is one more label.
            let name = format_number(v);
            *code = match index.get(&name) {
                Some(&p) => p,
                None if labels.len() >= MAX_CLASSES => {
                    return Err(DataError::TooManyClasses {
                        path: self.shown.clone(),
                        name: clip(&self.specs[self.plan.target].name),
                        max: MAX_CLASSES,
                        line: 0,
                    });
                }
                None => {
                    labels.push(name.clone());
                    index.insert(name, (labels.len() - 1) as u32);
                    (labels.len() - 1) as u32
                }
            };
        }
        let missing: Vec<bool> = code_of.iter().map(|&c| c == u32::MAX).collect();
        let codes = code_of.into_iter().filter(|&c| c != u32::MAX).collect();
        Ok((TargetValues::Labels { codes, labels }, missing))
    }

    /// The code of every row of a categorical feature (u32::MAX: missing).
    fn codes(&self, k: usize, levels: &[String], remap: Option<&Vec<u32>>) -> Vec<u32> {
        let d = self.plan.features.len();
        let mut code_of = vec![u32::MAX; self.rows];
        for &(r, code) in &self.text[k].cells {
            code_of[r as usize] = remap.map_or(code, |m| m[code as usize]);
        }
        let index: HashMap<&str, u32> =
            levels.iter().enumerate().map(|(i, l)| (l.as_str(), i as u32)).collect();
        for (r, code) in code_of.iter_mut().enumerate() {
            let v = self.values[r * d + k];
            if *code == u32::MAX && !v.is_nan() {
                *code = index.get(format_number(v as f64).as_str()).copied().unwrap_or(u32::MAX);
            }
        }
        code_of
    }
}

impl TableBuilder {
    fn assemble(
        mut self,
        decisions: Vec<Decision>,
        target: TargetValues,
        target_missing: &[bool],
        dropped: usize,
    ) -> Result<Dataset, DataError> {
        let features = self.matrix(&decisions, target_missing)?;
        let mut feature_names = Vec::with_capacity(features.ncols());
        for (k, decision) in decisions.iter().enumerate() {
            let name = &self.specs[self.plan.features[k]].name;
            match decision {
                Decision::Numeric => feature_names.push(name.clone()),
                Decision::Categorical { levels, .. } => {
                    feature_names.extend(levels.iter().map(|l| format!("{name}={l}")));
                }
                Decision::Identifier { .. } => {}
            }
        }
        let labels_from = self.labels_source(&decisions);
        let row_labels = labels_from.map(|c| self.row_labels(c, &decisions, target_missing));
        let columns = self.column_infos(&decisions, &target, dropped, labels_from);
        Ok(Dataset {
            name: dataset_name(&self.shown),
            source: None,
            format: None,
            sheets: Vec::new(),
            features,
            feature_names,
            target_name: self.specs[self.plan.target].name.clone(),
            target,
            informative: None,
            target_terms: None,
            columns,
            dropped_rows: dropped,
            notes: std::mem::take(&mut self.notes),
            row_labels,
            task_hint: self.task_hint,
        })
    }

    /// The float matrix of the kept rows, text features one-hot.
    fn matrix(&mut self, decisions: &[Decision], target_missing: &[bool]) -> Result<Array2<f32>, DataError> {
        let d = self.plan.features.len();
        let keep = target_missing.iter().filter(|&&m| !m).count();
        if decisions.iter().all(|k| matches!(k, Decision::Numeric)) {
            // Compact in place: drop rows without a target.
            for (w, r) in (0..self.rows).filter(|&r| !target_missing[r]).enumerate() {
                if w != r {
                    self.values.copy_within(r * d..(r + 1) * d, w * d);
                }
            }
            self.values.truncate(keep * d);
            self.values.shrink_to_fit();
            return Array2::from_shape_vec((keep, d), std::mem::take(&mut self.values))
                .map_err(|e| DataError::Invalid(format!("{}: {e}", self.shown)));
        }
        let codes: Vec<Vec<u32>> = decisions
            .iter()
            .enumerate()
            .map(|(k, kind)| match kind {
                Decision::Categorical { levels, remap } => self.codes(k, levels, remap.as_ref()),
                _ => Vec::new(),
            })
            .collect();
        let width: usize = decisions.iter().map(Decision::width).sum();
        let mut x = Array2::<f32>::zeros((keep, width));
        for (w, r) in (0..self.rows).filter(|&r| !target_missing[r]).enumerate() {
            let mut off = 0;
            for (k, kind) in decisions.iter().enumerate() {
                match kind {
                    Decision::Numeric => x[[w, off]] = self.values[r * d + k],
                    Decision::Categorical { levels, .. } => {
                        let code = codes[k][r];
                        for l in 0..levels.len() {
                            // A missing category leaves every indicator missing.
                            x[[w, off + l]] = if code == u32::MAX {
                                f32::NAN
                            } else {
                                f32::from(u8::from(code as usize == l))
                            };
                        }
                    }
                    Decision::Identifier { .. } => {}
                }
                off += kind.width();
            }
        }
        Ok(x)
    }

    /// The column whose values label the rows: R's row names, else the
    /// first identifier.
    fn labels_source(&self, decisions: &[Decision]) -> Option<usize> {
        self.plan.slots.iter().position(|s| *s == Slot::Labels).or_else(|| {
            let k = decisions.iter().position(|d| matches!(d, Decision::Identifier { .. }))?;
            Some(self.plan.features[k])
        })
    }

    fn row_labels(&self, c: usize, decisions: &[Decision], target_missing: &[bool]) -> RowLabels {
        let mut text = vec![String::new(); self.rows];
        match (self.plan.slots[c], &self.labels) {
            (Slot::Labels, Some(t)) => {
                for &(r, code) in &t.cells {
                    text[r as usize].clone_from(&t.levels[code as usize]);
                }
            }
            (Slot::Feature(k), _) => {
                let Decision::Identifier { levels } = &decisions[k] else { return RowLabels::default() };
                let codes = self.codes(k, levels, None);
                for (r, code) in codes.into_iter().enumerate() {
                    if code != u32::MAX {
                        text[r].clone_from(&levels[code as usize]);
                    }
                }
            }
            _ => {}
        }
        let labels = text.into_iter().zip(target_missing).filter(|(_, m)| !**m).map(|(t, _)| t).collect();
        RowLabels { column: self.specs[c].name.clone(), labels }
    }

    fn column_infos(
        &mut self,
        decisions: &[Decision],
        target: &TargetValues,
        dropped: usize,
        labels_from: Option<usize>,
    ) -> Vec<ColumnInfo> {
        let mut columns = Vec::with_capacity(self.specs.len());
        for c in 0..self.specs.len() {
            let name = self.specs[c].name.clone();
            let info = match self.plan.slots[c] {
                Slot::Target => ColumnInfo {
                    name,
                    role: Role::Target,
                    kind: Some(match target {
                        TargetValues::Labels { labels, .. } => {
                            ColumnKind::Categorical { levels: labels.clone() }
                        }
                        TargetValues::Numeric(_) => ColumnKind::Numeric,
                    }),
                    missing: dropped,
                },
                Slot::Feature(k) => self.feature_info(c, k, &decisions[k], labels_from),
                Slot::Labels => {
                    let t = self.labels.as_ref();
                    ColumnInfo {
                        name,
                        role: Role::Labels,
                        kind: Some(ColumnKind::Categorical {
                            levels: t.map(|t| t.levels.clone()).unwrap_or_default(),
                        }),
                        missing: self.rows - t.map_or(0, |t| t.cells.len()),
                    }
                }
                Slot::Aside(role) => ColumnInfo { name, role, kind: None, missing: 0 },
            };
            columns.push(info);
        }
        columns
    }

    fn feature_info(
        &mut self,
        c: usize,
        k: usize,
        decision: &Decision,
        labels_from: Option<usize>,
    ) -> ColumnInfo {
        let name = self.specs[c].name.clone();
        let missing = self.missing[k];
        match decision {
            Decision::Numeric => ColumnInfo {
                name,
                role: Role::Feature,
                kind: Some(ColumnKind::Numeric),
                // `None`, `-` and the like are missing in a numeric column.
                missing: missing + self.text[k].missing_if_numeric,
            },
            Decision::Categorical { levels, .. } => ColumnInfo {
                name,
                role: Role::Feature,
                kind: Some(ColumnKind::Categorical { levels: levels.clone() }),
                missing,
            },
            Decision::Identifier { levels } => {
                let labels = labels_from == Some(c);
                let present = self.rows - missing;
                let what = format!(
                    "column '{}' holds a different text in almost every row ({} values in {present} rows, such as '{}'): an identifier, set aside {}",
                    clip(&name),
                    levels.len(),
                    levels.first().map(|l| clip(l)).unwrap_or_default(),
                    if labels {
                        "as the rows' labels, not a feature".to_string()
                    } else {
                        format!(
                            "(the rows' labels come from '{}')",
                            labels_from.map(|l| clip(&self.specs[l].name)).unwrap_or_default()
                        )
                    }
                );
                self.notes.push(what);
                ColumnInfo {
                    name,
                    role: if labels { Role::Labels } else { Role::Meta },
                    kind: Some(ColumnKind::Categorical { levels: levels.clone() }),
                    missing,
                }
            }
        }
    }
}

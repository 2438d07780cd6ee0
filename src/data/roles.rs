//! Which column of a table plays which role: the target, features, columns
//! set aside by the user, by the file itself (Orange's flags, R's row names)
//! or as the rows' labels. Columns are found by name through one index, so
//! that a table of a hundred thousand columns costs no more per column than
//! a table of three.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use super::error::{clip, name_list};
use super::{DataError, Role};

/// Which columns play which role.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnRoles {
    /// The target column; default: the file's class column, else a column
    /// named y/target/label/class, else the last.
    pub target: Option<String>,
    /// Columns to leave out (an id, a date).
    pub ignore: Vec<String>,
    /// The sheet of a spreadsheet; default: the first.
    pub sheet: Option<String>,
    /// Columns to use as features that would otherwise be set aside: an
    /// identifier column, R's row names, a column an Orange table flags
    /// `meta` or `ignore`.
    pub features: Vec<String>,
    /// Words that mean "no value" in every column of this file (compared in
    /// any case), besides `""`, `?` and `NA`: e.g. `none`.
    pub na: Vec<String>,
}

/// Column names that are taken as the target when none is named.
pub const TARGET_NAMES: [&str; 4] = ["y", "target", "label", "class"];

/// What a file format says a column holds, where it says.
#[derive(Debug, Clone, PartialEq)]
pub enum Declared {
    /// Decide from the values.
    Auto,
    /// Numbers only (ARFF `numeric`, Orange `continuous`).
    Numeric,
    /// One of these values (ARFF `{a,b,c}`, Orange's list of values), in this order.
    Nominal(Vec<String>),
    /// Text values in Orange's natural order (Orange `discrete`).
    Discrete,
    /// Free text (Orange `string`), which Orange keeps as meta.
    Text,
    /// Dates and times (Orange `time`), as seconds since 1970.
    Time,
}

/// What the file itself says a column is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    None,
    /// Orange's `class` flag.
    Class,
    /// Orange's `meta` flag.
    Meta,
    /// Orange's `ignore` flag.
    Ignore,
    /// Orange's `weight` flag: row weights.
    Weight,
    /// A first column without a name: row names as R and pandas write them.
    RowNames,
}

/// One column as the file declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    pub name: String,
    pub declared: Declared,
    pub role: FileRole,
}

impl ColumnSpec {
    pub fn auto(name: String) -> ColumnSpec {
        ColumnSpec { name, declared: Declared::Auto, role: FileRole::None }
    }
}

/// Where each column goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The k-th feature column.
    Feature(usize),
    Target,
    /// The rows' labels.
    Labels,
    /// Set aside, with this role.
    Aside(Role),
}

/// The roles of every column, decided from the file and the user's roles.
#[derive(Debug, Clone)]
pub struct Plan {
    pub slots: Vec<Slot>,
    pub target: usize,
    pub features: Vec<usize>,
    /// What was done with columns the file flags, in words.
    pub notes: Vec<String>,
}

/// The first name that appears twice, as (first index, second index).
pub fn first_duplicate<T: Hash + Eq>(items: impl IntoIterator<Item = T>) -> Option<(usize, usize)> {
    let mut seen: HashMap<T, usize> = HashMap::new();
    for (i, item) in items.into_iter().enumerate() {
        if let Some(&first) = seen.get(&item) {
            return Some((first, i));
        }
        seen.insert(item, i);
    }
    None
}

/// Decides every column's role. `origin` names the format in notes
/// ("Orange table"); `default_target` is the format's choice (ARFF: the last).
pub fn plan(
    shown: &str,
    specs: &[ColumnSpec],
    roles: &ColumnRoles,
    default_target: Option<usize>,
    origin: &str,
) -> Result<Plan, DataError> {
    if specs.is_empty() {
        return Err(DataError::Empty { path: shown.to_string() });
    }
    if let Some((first, second)) = first_duplicate(specs.iter().map(|s| s.name.as_str())) {
        return Err(DataError::DuplicateColumn {
            path: shown.to_string(),
            name: clip(&specs[first].name),
            first: first + 1,
            second: second + 1,
        });
    }
    let index: HashMap<&str, usize> = specs.iter().enumerate().map(|(c, s)| (s.name.as_str(), c)).collect();
    let find = |name: &str| {
        index.get(name).copied().ok_or_else(|| DataError::MissingColumn {
            path: shown.to_string(),
            name: clip(name),
            available: name_list(&specs.iter().map(|s| s.name.clone()).collect::<Vec<_>>()),
        })
    };
    let target = match &roles.target {
        Some(name) => find(name)?,
        None => default_target_of(specs, default_target),
    };
    let ignored = roles.ignore.iter().map(|n| find(n)).collect::<Result<HashSet<_>, _>>()?;
    let wanted = roles.features.iter().map(|n| find(n)).collect::<Result<HashSet<_>, _>>()?;
    let mut slots = vec![Slot::Aside(Role::Ignored); specs.len()];
    let mut notes = Vec::new();
    let mut features = Vec::new();
    for (c, spec) in specs.iter().enumerate() {
        slots[c] = if c == target {
            Slot::Target
        } else if ignored.contains(&c) {
            Slot::Aside(Role::Ignored)
        } else if wanted.contains(&c) {
            Slot::Feature(0)
        } else {
            let (slot, note) = file_slot(spec, origin);
            notes.extend(note);
            slot
        };
        if slots[c] == Slot::Feature(0) {
            slots[c] = Slot::Feature(features.len());
            features.push(c);
        }
    }
    if features.is_empty() {
        return Err(DataError::NoFeatures { path: shown.to_string(), target: clip(&specs[target].name) });
    }
    Ok(Plan { slots, target, features, notes })
}

/// The file's class column, else a conventional name, else the format's
/// choice, else the last column the file does not set aside.
fn default_target_of(specs: &[ColumnSpec], default_target: Option<usize>) -> usize {
    if let Some(c) = specs.iter().position(|s| s.role == FileRole::Class) {
        return c;
    }
    TARGET_NAMES
        .iter()
        .find_map(|t| specs.iter().position(|s| s.name.eq_ignore_ascii_case(t)))
        .or(default_target)
        .or_else(|| specs.iter().rposition(|s| s.role == FileRole::None && s.declared != Declared::Text))
        .unwrap_or(specs.len() - 1)
}

/// Where the file's own flags put a column that the user named no role for.
fn file_slot(spec: &ColumnSpec, origin: &str) -> (Slot, Option<String>) {
    let name = clip(&spec.name);
    let note = |what: String| Some(if origin.is_empty() { what } else { format!("{origin}: {what}") });
    match spec.role {
        FileRole::Ignore => {
            (Slot::Aside(Role::Ignored), note(format!("column '{name}' is flagged ignore, left out")))
        }
        FileRole::Meta => (Slot::Aside(Role::Meta), note(format!("column '{name}' is meta, set aside"))),
        FileRole::Weight => (
            Slot::Aside(Role::Meta),
            note(format!("column '{name}' holds row weights, which reglab does not use; set aside")),
        ),
        FileRole::Class => (
            Slot::Aside(Role::Meta),
            note(format!("column '{name}' is a further class column; reglab trains one target, set aside")),
        ),
        FileRole::RowNames => (
            Slot::Labels,
            note(format!(
                "column 1 ('{name}') has no name in the header: row names as R's write.csv and pandas' to_csv write them, kept as the rows' labels, not a feature"
            )),
        ),
        FileRole::None if spec.declared == Declared::Text => (
            Slot::Aside(Role::Meta),
            note(format!("column '{name}' is a string column, which Orange keeps as meta; set aside")),
        ),
        FileRole::None => (Slot::Feature(0), None),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::hash::Hasher;

    use super::*;

    /// A name that counts how often it is compared.
    struct Counted<'a>(String, &'a Cell<usize>);
    impl PartialEq for Counted<'_> {
        fn eq(&self, other: &Self) -> bool {
            self.1.set(self.1.get() + 1);
            self.0 == other.0
        }
    }
    impl Eq for Counted<'_> {}
    impl Hash for Counted<'_> {
        fn hash<H: Hasher>(&self, state: &mut H) {
            self.1.set(self.1.get() + 1);
            self.0.hash(state);
        }
    }

    /// Finding a repeated name among n names takes work in proportion to n
    /// (it took n²/2 comparisons, which made a one-line file of 800 KB take
    /// 14 s): counted, not timed.
    #[test]
    fn duplicate_names_are_found_in_linear_work() {
        for n in [1_000usize, 100_000] {
            let ops = Cell::new(0);
            let names = (0..n).map(|i| Counted(format!("x{i}"), &ops));
            assert_eq!(first_duplicate(names), None);
            assert!(ops.get() <= 8 * n, "{n} names: {} operations", ops.get());
        }
        assert_eq!(first_duplicate(["a", "b", "a"]), Some((0, 2)));
    }

    #[test]
    fn a_plan_costs_no_search_per_column() {
        let specs: Vec<ColumnSpec> = (0..200_000).map(|i| ColumnSpec::auto(format!("c{i}"))).collect();
        let roles =
            ColumnRoles { ignore: vec!["c5".into()], features: vec!["c7".into()], ..Default::default() };
        let p = plan("t", &specs, &roles, None, "").unwrap();
        assert_eq!((p.target, p.features.len()), (199_999, 199_998));
        assert_eq!(p.slots[5], Slot::Aside(Role::Ignored));
    }
}

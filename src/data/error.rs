//! The one error type of the loaders, and the rule that a message never
//! quotes more than a short piece of a value.

use super::TaskKind;

/// At most this many characters of a value are quoted in a message: a
/// megabyte of text in a numeric column must not become a megabyte of error.
pub const QUOTE_CHARS: usize = 80;

/// A value as a message quotes it: its first [`QUOTE_CHARS`] characters,
/// with "…" and its full length when it was longer.
pub fn clip(s: &str) -> String {
    match s.char_indices().nth(QUOTE_CHARS) {
        None => s.to_string(),
        Some((end, _)) => format!("{}… ({} characters in all)", &s[..end], s.chars().count()),
    }
}

/// Names for a message: the first few, then how many there are.
pub fn name_list(names: &[String]) -> String {
    const SHOWN: usize = 20;
    let shown: Vec<String> = names.iter().take(SHOWN).map(|n| clip(n)).collect();
    if names.len() > SHOWN {
        format!("{}, … ({} in all)", shown.join(", "), names.len())
    } else {
        shown.join(", ")
    }
}

/// A dataset that cannot be read or used, with where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{path}: cannot read the file: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: the file is empty")]
    Empty { path: String },
    #[error("{path}: there is a header but no data rows")]
    NoRows { path: String },
    #[error("{path}: line {line}: expected {expected} fields as in the header, found {found}")]
    Ragged { path: String, line: u64, expected: usize, found: usize },
    #[error("{path}: line {line}, column {column} ('{name}'): expected a number, found '{value}'")]
    NotANumber { path: String, line: u64, column: usize, name: String, value: String },
    #[error("{path}: line {line}, column {column} ('{name}'): the value {value} is not finite")]
    NotFinite { path: String, line: u64, column: usize, name: String, value: String },
    #[error("{path}: line {line}: {message}")]
    Syntax { path: String, line: u64, message: String },
    #[error("{path}: no column named '{name}'; the columns are: {available}")]
    MissingColumn { path: String, name: String, available: String },
    #[error(
        "{path}: line 1: the column name '{name}' appears twice (columns {first} and {second}); names must differ"
    )]
    DuplicateColumn { path: String, name: String, first: usize, second: usize },
    #[error("{path}: needs at least one feature column besides the target '{target}'")]
    NoFeatures { path: String, target: String },
    #[error("{what}: the target has {found} distinct value(s); {expected}")]
    BadTarget { what: String, found: usize, expected: String },
    #[error("{what}: a {task} task needs a numeric target, found text labels such as '{example}'")]
    TextTargetForRegression { what: String, task: TaskKind, example: String },
    #[error(
        "{path}: line {line}, column {column} ('{name}'): '{value}' is not one of the declared values {{{declared}}}"
    )]
    NotDeclared { path: String, line: u64, column: usize, name: String, value: String, declared: String },
    #[error(
        "{path}: column {column} ('{name}') holds text such as '{example}' with more than {max} distinct values, too many to one-hot encode (an id or free text?); set it aside with --ignore {name} (in the window: ignore the column)"
    )]
    TooManyLevels { path: String, column: usize, name: String, max: usize, example: String },
    #[error(
        "{path}: line {line}: the target '{name}' has more than {max} distinct text values, too many classes; is it the right target column?"
    )]
    TooManyClasses { path: String, name: String, max: usize, line: u64 },
    #[error(
        "{path}: {what} would take more than the {limit} of memory reglab may use (half of what the system has available)"
    )]
    TooLarge { path: String, what: String, limit: String },
    #[error("{path}: line {line} is longer than {limit} without a line break: is this a text table?")]
    LineTooLong { path: String, line: u64, limit: String },
    #[error(
        "{what}: feature crosses ({crosses}) of {features} features make {columns} input columns, more than the {max} reglab makes for {rows} rows; expand without products, or with fewer features"
    )]
    TooManyTerms { what: String, crosses: String, features: usize, columns: usize, rows: usize, max: usize },
    #[error("{path}: loading was cancelled")]
    Cancelled { path: String },
    #[error("{0}")]
    Invalid(String),
}

/// Bytes in words ("1.5 GB").
pub fn format_bytes(b: u64) -> String {
    crate::text::bytes(b.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_clipped_in_messages() {
        let long = "é".repeat(1_000_000);
        let c = clip(&long);
        assert!(c.chars().count() < 120, "{}", c.len());
        assert!(c.ends_with("(1000000 characters in all)"), "{c}");
        assert_eq!(clip("short"), "short");
        let names: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
        let list = name_list(&names);
        assert!(list.len() < 300 && list.ends_with("(100000 in all)"), "{list}");
    }
}

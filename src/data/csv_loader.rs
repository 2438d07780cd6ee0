use std::path::Path;

use ndarray::Array2;

use super::{DataError, Dataset, TargetValues};

/// Column names that are taken as the target when none is named.
pub const TARGET_NAMES: [&str; 4] = ["y", "target", "label", "class"];

/// Which columns play which role.
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// The target column; default: y/target/label/class, else the last.
    pub target: Option<String>,
    /// Columns to leave out (an id, a date).
    pub ignore: Vec<String>,
}

/// Reads a delimited text file with a header row: numeric features and a
/// numeric or text target. The delimiter (comma, semicolon, tab or pipe) is
/// taken from the header line; `#` starts a comment line.
pub fn load_csv(path: &Path, options: &CsvOptions) -> Result<Dataset, DataError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| DataError::Io { path: shown.clone(), source })?;
    let mut ds = parse_csv(&shown, &bytes, options)?;
    ds.source = Some(path.to_path_buf());
    Ok(ds)
}

fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let first = bytes
        .split(|&b| b == b'\n')
        .find(|l| !l.starts_with(b"#") && !l.iter().all(|b| b.is_ascii_whitespace()))
        .unwrap_or(&[]);
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let count = first.iter().filter(|&&b| b == d).count();
        if count > best.1 {
            best = (d, count);
        }
    }
    best.0
}

/// Parses CSV text already in memory; `shown` names it in errors.
pub fn parse_csv(shown: &str, bytes: &[u8], options: &CsvOptions) -> Result<Dataset, DataError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DataError::Empty { path: shown.to_string() });
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(bytes))
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes);
    let syntax = |e: csv::Error| DataError::Syntax {
        path: shown.to_string(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };
    let header: Vec<String> = reader.headers().map_err(syntax)?.iter().map(str::to_string).collect();
    if header.is_empty() || header.iter().all(String::is_empty) {
        return Err(DataError::Empty { path: shown.to_string() });
    }
    for (c, name) in header.iter().enumerate() {
        if let Some(first) = header[..c].iter().position(|h| h == name) {
            return Err(DataError::DuplicateColumn {
                path: shown.to_string(),
                name: name.clone(),
                first: first + 1,
                second: c + 1,
            });
        }
    }
    let find = |name: &str| header.iter().position(|h| h == name);
    let target_col = match &options.target {
        Some(name) => find(name).ok_or_else(|| DataError::MissingColumn {
            path: shown.to_string(),
            name: name.clone(),
            available: header.join(", "),
        })?,
        None => TARGET_NAMES
            .iter()
            .find_map(|t| header.iter().position(|h| h.eq_ignore_ascii_case(t)))
            .unwrap_or(header.len() - 1),
    };
    let mut ignored = vec![false; header.len()];
    for name in &options.ignore {
        let c = find(name).ok_or_else(|| DataError::MissingColumn {
            path: shown.to_string(),
            name: name.clone(),
            available: header.join(", "),
        })?;
        ignored[c] = true;
    }
    let feature_cols: Vec<usize> = (0..header.len()).filter(|&c| c != target_col && !ignored[c]).collect();
    if feature_cols.is_empty() {
        return Err(DataError::NoFeatures { path: shown.to_string(), target: header[target_col].clone() });
    }

    let mut values: Vec<f32> = Vec::new();
    let mut target_text: Vec<String> = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(syntax)? {
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        if record.len() != header.len() {
            return Err(DataError::Ragged {
                path: shown.to_string(),
                line,
                expected: header.len(),
                found: record.len(),
            });
        }
        for &c in &feature_cols {
            let cell = &record[c];
            let v: f32 = cell.parse().map_err(|_| DataError::NotANumber {
                path: shown.to_string(),
                line,
                column: c + 1,
                name: header[c].clone(),
                value: cell.to_string(),
            })?;
            if !v.is_finite() {
                return Err(DataError::NotFinite {
                    path: shown.to_string(),
                    line,
                    column: c + 1,
                    name: header[c].clone(),
                    value: cell.to_string(),
                });
            }
            values.push(v);
        }
        target_text.push(record[target_col].to_string());
    }
    let rows = target_text.len();
    if rows == 0 {
        return Err(DataError::NoRows { path: shown.to_string() });
    }
    let features = Array2::from_shape_vec((rows, feature_cols.len()), values)
        .map_err(|e| DataError::Invalid(format!("{shown}: {e}")))?;
    Ok(Dataset {
        name: Path::new(shown)
            .file_name()
            .map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned()),
        source: None,
        features,
        feature_names: feature_cols.iter().map(|&c| header[c].clone()).collect(),
        target_name: header[target_col].clone(),
        target: target_values(target_text),
        informative: None,
    })
}

/// Numbers when every cell is a finite number, otherwise text labels.
fn target_values(text: Vec<String>) -> TargetValues {
    let numbers: Option<Vec<f64>> =
        text.iter().map(|t| t.parse::<f64>().ok().filter(|v| v.is_finite())).collect();
    match numbers {
        Some(v) => TargetValues::Numeric(v),
        None => {
            let mut labels: Vec<String> = Vec::new();
            let mut index = std::collections::HashMap::new();
            let codes = text
                .into_iter()
                .map(|t| {
                    *index.entry(t.clone()).or_insert_with(|| {
                        labels.push(t);
                        (labels.len() - 1) as u32
                    })
                })
                .collect();
            TargetValues::Labels { codes, labels }
        }
    }
}

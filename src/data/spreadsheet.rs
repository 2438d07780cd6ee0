//! Spreadsheets (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`), read with
//! calamine: the first sheet, or the one named, becomes a table with the
//! same column roles, types and errors as a CSV file; an error names the
//! sheet and its row and column.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

use super::table::ColumnRoles;
use super::{DataError, Dataset, csv_field, parse_csv};

/// True for the file names calamine reads.
pub fn is_spreadsheet_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods"))
}

/// A CSV field for a cell, quoted when it needs to be.
fn field(cell: &Data) -> String {
    let text = match cell {
        Data::Empty => String::new(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => (if *b { "1" } else { "0" }).to_string(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(_) => String::new(),
    };
    csv_field(&text)
}

/// Reads sheet `roles.sheet` (default: the first) of the workbook at `path`.
pub fn read_spreadsheet(path: &Path, roles: &ColumnRoles) -> Result<Dataset, DataError> {
    let shown = path.display().to_string();
    let mut book = open_workbook_auto(path)
        .map_err(|e| DataError::Invalid(format!("{shown}: cannot read the spreadsheet: {e}")))?;
    let sheets = book.sheet_names();
    let sheet = match &roles.sheet {
        Some(name) => sheets.iter().find(|s| *s == name).cloned().ok_or_else(|| {
            DataError::Invalid(format!(
                "{shown}: there is no sheet '{name}'; its sheets are {}",
                sheets.join(", ")
            ))
        })?,
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| DataError::Invalid(format!("{shown}: the workbook has no sheet")))?,
    };
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| DataError::Invalid(format!("{shown}, sheet '{sheet}': cannot read it: {e}")))?;
    // Blank rows above the table keep the line numbers equal to the sheet's row numbers.
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut text = "\n".repeat(first_row);
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(field).collect();
        if cells.iter().all(String::is_empty) {
            text.push('\n');
            continue;
        }
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    let label = format!("{shown}, sheet '{sheet}' (rows as lines)");
    let mut ds = parse_csv(&label, text.as_bytes(), roles)?;
    ds.source = Some(path.to_path_buf());
    ds.format = Some(format!("spreadsheet, sheet '{sheet}' of {}", sheets.len()));
    ds.sheets = sheets;
    Ok(ds)
}

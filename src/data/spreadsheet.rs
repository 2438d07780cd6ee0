//! Spreadsheets (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`), read with
//! calamine: the first sheet, or the one named, becomes a table with the
//! same column roles, types and errors as a CSV file; an error names the
//! sheet and its row and column. The workbook is read on a thread of its
//! own, so that a cancelled load returns at once.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{RecvTimeoutError, sync_channel};
use std::time::Duration;

use calamine::{Data, Reader, open_workbook_auto};

use super::csv_loader::read_delimited;
use super::error::clip;
use super::roles::ColumnRoles;
use super::{DataError, Dataset, LoadProgress, csv_field};

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

/// A sheet as CSV text, with its name and the workbook's sheet names.
struct Sheet {
    text: String,
    name: String,
    sheets: Vec<String>,
}

fn read_sheet(path: &Path, wanted: Option<&str>) -> Result<Sheet, DataError> {
    let shown = path.display().to_string();
    let mut book = open_workbook_auto(path).map_err(|e| {
        DataError::Invalid(format!("{shown}: cannot read the spreadsheet: {}", clip(&e.to_string())))
    })?;
    let sheets = book.sheet_names();
    let name = match wanted {
        Some(name) => sheets.iter().find(|s| *s == name).cloned().ok_or_else(|| {
            DataError::Invalid(format!(
                "{shown}: there is no sheet '{}'; its sheets are {}",
                clip(name),
                sheets.join(", ")
            ))
        })?,
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| DataError::Invalid(format!("{shown}: the workbook has no sheet")))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| DataError::Invalid(format!("{shown}, sheet '{name}': cannot read it: {e}")))?;
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
    Ok(Sheet { text, name, sheets })
}

/// Reads sheet `roles.sheet` (default: the first) of the workbook at `path`.
pub fn read_spreadsheet(path: &Path, roles: &ColumnRoles) -> Result<Dataset, DataError> {
    read_workbook(path, roles, None)
}

/// Reads the sheet on a named thread, abandoned when `progress` is cancelled.
pub(crate) fn read_workbook(
    path: &Path,
    roles: &ColumnRoles,
    progress: Option<&LoadProgress>,
) -> Result<Dataset, DataError> {
    let shown = path.display().to_string();
    let sheet = match progress {
        None => read_sheet(path, roles.sheet.as_deref())?,
        Some(p) => {
            let (tx, rx) = sync_channel(1);
            let (owned, wanted): (PathBuf, Option<String>) = (path.to_path_buf(), roles.sheet.clone());
            std::thread::Builder::new()
                .name("reglab-workbook-reader".into())
                .spawn(move || {
                    let _ = tx.send(read_sheet(&owned, wanted.as_deref()));
                })
                .map_err(|source| DataError::Io { path: shown.clone(), source })?;
            loop {
                if p.is_cancelled() {
                    return Err(DataError::Cancelled { path: shown });
                }
                match rx.recv_timeout(Duration::from_millis(50)) {
                    Ok(sheet) => break sheet?,
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => {
                        return Err(DataError::Invalid(format!("{shown}: the spreadsheet reader stopped")));
                    }
                }
            }
        }
    };
    let label = format!("{shown}, sheet '{}' (rows as lines)", sheet.name);
    let bytes = sheet.text.as_bytes();
    let (mut ds, orange) =
        read_delimited(&label, &mut std::io::Cursor::new(bytes), roles, progress, Some(bytes.len() as u64))?;
    ds.source = Some(path.to_path_buf());
    let orange = orange.map_or(String::new(), |s| format!(", an Orange table ({})", s.describe()));
    ds.format = Some(format!("spreadsheet, sheet '{}' of {}{orange}", sheet.name, sheet.sheets.len()));
    ds.sheets = sheet.sheets;
    Ok(ds)
}

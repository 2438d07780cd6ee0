//! The `LOAD` workload, reading a large numeric CSV, and `WIDE`, reading a
//! file of one very long line (its time must stay linear in its size).

use std::time::Instant;

use serde::Serialize;

use super::median;
use crate::data;

/// Reading a large numeric CSV.
#[derive(Debug, Serialize)]
pub struct LoadResult {
    pub rows: usize,
    pub columns: usize,
    pub file_mb: f64,
    pub seconds: f64,
    pub mb_per_s: f64,
    /// Growth of the process's peak resident memory while loading (Linux).
    pub peak_extra_mb: Option<f64>,
    /// The float32 feature matrix alone.
    pub matrix_mb: f64,
    pub repeats: Vec<f64>,
}

fn status_kb(field: &str) -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Writes the file, then loads it `repeats` times.
pub fn time_load(rows: usize, cols: usize, repeats: usize) -> anyhow::Result<LoadResult> {
    use std::io::Write;
    let fail = |e: anyhow::Error| e;
    let dir = tempfile_dir().map_err(fail)?;
    let path = dir.join("reglab-bench-load.csv");
    {
        let file = std::fs::File::create(&path).map_err(|e| fail(e.into()))?;
        let mut out = std::io::BufWriter::new(file);
        let names: Vec<String> = (1..cols).map(|j| format!("x{j}")).chain(["y".to_string()]).collect();
        writeln!(out, "{}", names.join(",")).map_err(|e| fail(e.into()))?;
        let x = data::synthetic::normal_matrix(rows, cols, 77);
        let mut line = String::new();
        for r in 0..rows {
            line.clear();
            for c in 0..cols {
                if c > 0 {
                    line.push(',');
                }
                if c + 1 == cols {
                    line.push_str(if x[[r, c]] > 0.0 { "1" } else { "0" });
                } else {
                    line.push_str(&format!("{:.6}", x[[r, c]]));
                }
            }
            line.push('\n');
            out.write_all(line.as_bytes()).map_err(|e| fail(e.into()))?;
        }
        out.flush().map_err(|e| fail(e.into()))?;
    }
    let file_mb = std::fs::metadata(&path).map_err(|e| fail(e.into()))?.len() as f64 / 1e6;
    let mut times = Vec::new();
    let mut peak_extra_mb = None;
    for _ in 0..repeats.max(1) {
        // Resets the peak-memory mark so that the peak of this load alone is seen.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let before = status_kb("VmRSS:");
        let start = Instant::now();
        let ds = data::load_file(&path, &data::ColumnRoles::default(), None).map_err(|e| fail(e.into()))?;
        times.push(start.elapsed().as_secs_f64());
        if let (Some(b), Some(peak)) = (before, status_kb("VmHWM:")) {
            peak_extra_mb = Some((peak - b) * 1024.0 / 1e6);
        }
        if ds.rows() != rows || ds.feature_count() != cols - 1 {
            return Err(fail(anyhow::anyhow!("loaded {}×{}", ds.rows(), ds.feature_count())));
        }
        drop(ds);
    }
    let _ = std::fs::remove_file(&path);
    let seconds = median(&times);
    Ok(LoadResult {
        rows,
        columns: cols,
        file_mb,
        seconds,
        mb_per_s: file_mb / seconds,
        peak_extra_mb,
        matrix_mb: (rows * (cols - 1) * 4) as f64 / 1e6,
        repeats: times,
    })
}

/// Reading a CSV of one header and one row, both very long.
#[derive(Debug, Serialize)]
pub struct WideResult {
    pub columns: usize,
    pub file_mb: f64,
    pub seconds: f64,
    /// The time this file may take: a load linear in its size reads it in
    /// well under this, one quadratic in the columns takes minutes.
    pub budget_seconds: f64,
    pub repeats: Vec<f64>,
}

/// The time a 10 MB line may take to load.
pub const WIDE_BUDGET_SECONDS: f64 = 5.0;

/// Writes a header and one row of `columns` columns (about 10 MB for a
/// million), then loads it `repeats` times.
pub fn time_wide(columns: usize, repeats: usize) -> anyhow::Result<WideResult> {
    let path = tempfile_dir()?.join("reglab-bench-wide.csv");
    let mut text: String = (1..columns).map(|j| format!("x{j},")).collect();
    text.push_str("y\n");
    text.extend((1..columns).map(|j| format!("{},", j % 10)));
    text.push_str("1\n");
    std::fs::write(&path, &text)?;
    let file_mb = text.len() as f64 / 1e6;
    drop(text);
    let mut times = Vec::new();
    for _ in 0..repeats.max(1) {
        let start = Instant::now();
        let loaded = data::load_file(&path, &data::ColumnRoles::default(), None);
        times.push(start.elapsed().as_secs_f64());
        let ds = loaded.inspect_err(|_| {
            let _ = std::fs::remove_file(&path);
        })?;
        anyhow::ensure!(ds.feature_count() == columns - 1, "loaded {} features", ds.feature_count());
    }
    let _ = std::fs::remove_file(&path);
    Ok(WideResult {
        columns,
        file_mb,
        seconds: median(&times),
        budget_seconds: WIDE_BUDGET_SECONDS,
        repeats: times,
    })
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir();
    anyhow::ensure!(dir.is_dir(), "no temporary folder at {}", dir.display());
    Ok(dir)
}

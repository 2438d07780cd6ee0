//! What the first bytes of delimited text say about how to read the rest:
//! the delimiter, the quote character, whether fields are runs of spaces.

use std::io::Read;

/// How a delimited file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub quote: u8,
    /// Fields are separated by runs of spaces or tabs (read as one tab each).
    pub whitespace: bool,
}

impl Dialect {
    pub fn of(head: &[u8]) -> Dialect {
        let delimiter = sniff_delimiter(head);
        let whitespace = splits_on_whitespace_only(head, delimiter);
        let delimiter = if whitespace { b'\t' } else { delimiter };
        Dialect { delimiter, quote: sniff_quote(head, delimiter), whitespace }
    }

    pub fn describe(&self) -> String {
        if self.whitespace {
            return "fields separated by spaces".to_string();
        }
        let name = match self.delimiter {
            b',' => "commas",
            b';' => "semicolons (decimal commas)",
            b'\t' => "tabs",
            b'|' => "pipes",
            _ => "another delimiter",
        };
        let quotes = if self.quote == b'\'' { ", values in single quotes" } else { "" };
        format!("fields separated by {name}{quotes}")
    }
}

/// The complete lines of `head`.
fn complete_lines(head: &[u8]) -> &[u8] {
    match head.iter().rposition(|&b| b == b'\n') {
        Some(p) => &head[..=p],
        None => head,
    }
}

/// Counts the fields of the first complete lines under each candidate
/// delimiter (quotes respected) and picks the one that splits every line
/// into the same number of fields, the most fields winning.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let complete = complete_lines(head);
    let mut best = (b',', 0usize, false);
    for d in [b',', b';', b'\t', b'|'] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(d)
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(complete);
        let counts: Vec<usize> =
            reader.byte_records().take(20).map_while(Result::ok).map(|r| r.len()).collect();
        let Some(&first) = counts.first() else { continue };
        let consistent = counts.iter().all(|&c| c == first);
        let better = match (consistent, best.2) {
            (true, false) => first > 1,
            (true, true) | (false, false) => first > best.1,
            (false, true) => false,
        };
        if better {
            best = (d, first, consistent && first > 1);
        }
    }
    best.0
}

/// Single quotes when every field of the first line is wrapped in them
/// (`'sepal','petal','class'`) and none in double quotes.
fn sniff_quote(head: &[u8], delimiter: u8) -> u8 {
    let text = String::from_utf8_lossy(complete_lines(head));
    let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')) else {
        return b'"';
    };
    let fields: Vec<&str> = first.split(delimiter as char).map(str::trim).collect();
    let single =
        fields.len() > 1 && fields.iter().all(|f| f.len() >= 2 && f.starts_with('\'') && f.ends_with('\''));
    if single { b'\'' } else { b'"' }
}

/// True when no delimiter splits the first lines into the same number of
/// fields (at least two) but runs of spaces or tabs do: a table as many
/// numeric tools write it.
fn splits_on_whitespace_only(head: &[u8], sniffed: u8) -> bool {
    let text = String::from_utf8_lossy(complete_lines(head));
    let lines: Vec<&str> =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).take(20).collect();
    if lines.len() < 2 {
        return false;
    }
    let by = |f: &dyn Fn(&str) -> usize| -> Option<usize> {
        let first = f(lines[0]);
        lines.iter().all(|l| f(l) == first).then_some(first)
    };
    let sniffed_fields = by(&|l: &str| l.split(sniffed as char).count());
    if sniffed_fields.is_some_and(|n| n > 1) {
        return false;
    }
    by(&|l: &str| l.split_whitespace().count()).is_some_and(|n| n > 1)
}

/// A reader that turns every run of spaces and tabs in a line into one tab
/// (leading and trailing ones dropped), streaming.
pub struct WhitespaceToTab<R> {
    inner: std::io::BufReader<R>,
    line: Vec<u8>,
    out: Vec<u8>,
    at: usize,
}

impl<R: Read> WhitespaceToTab<R> {
    pub fn new(inner: R) -> Self {
        WhitespaceToTab { inner: std::io::BufReader::new(inner), line: Vec::new(), out: Vec::new(), at: 0 }
    }
}

impl<R: Read> Read for WhitespaceToTab<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::BufRead;
        while self.at >= self.out.len() {
            self.line.clear();
            self.out.clear();
            self.at = 0;
            if self.inner.read_until(b'\n', &mut self.line)? == 0 {
                return Ok(0);
            }
            let ends_line = self.line.last() == Some(&b'\n');
            let mut first = true;
            for field in self.line.split(|b| b.is_ascii_whitespace()).filter(|f| !f.is_empty()) {
                if !first {
                    self.out.push(b'\t');
                }
                self.out.extend_from_slice(field);
                first = false;
            }
            if ends_line {
                self.out.push(b'\n');
            }
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// A number as a delimited file writes it (`1,5` too: files separated by ';').
pub fn is_number(s: &str) -> bool {
    s.parse::<f64>().or_else(|_| s.replace(',', ".").parse::<f64>()).is_ok_and(f64::is_finite)
}

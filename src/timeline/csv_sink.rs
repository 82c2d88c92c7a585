//! CSV output: the header of [`super::COLUMNS`], control characters escaped, and cells that a
//! spreadsheet would run as a formula neutralised with a leading `'`.

use super::{escape_controls, Row, Sink, Summary, COLUMNS};
use crate::problem::Problem;
use std::borrow::Cow;
use std::io::Write;

/// Writes the timeline as CSV (RFC 4180: comma-separated, `\n` line ends, a cell quoted when it
/// holds a comma, a quote or a line break, quotes doubled).
pub struct CsvSink<W: Write> {
    out: W,
    neutralize: bool,
    /// The row being built, written in one call.
    line: Vec<u8>,
}

impl<W: Write> CsvSink<W> {
    /// A CSV sink; `neutralize` guards against formula injection (`--raw-csv` turns it off).
    pub fn new(out: W, neutralize: bool) -> Self {
        CsvSink {
            out,
            neutralize,
            line: Vec::with_capacity(4096),
        }
    }

    /// The inner writer, after flushing.
    pub fn into_inner(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Appends one cell to a CSV line: as it is, or in quotes (inner quotes doubled) when it holds a
/// comma, a quote, a CR or a LF.
pub fn push_cell(line: &mut Vec<u8>, cell: &str) {
    let b = cell.as_bytes();
    if !b.iter().any(|&c| matches!(c, b',' | b'"' | b'\r' | b'\n')) {
        line.extend_from_slice(b);
        return;
    }
    line.push(b'"');
    for (i, part) in b.split(|&c| c == b'"').enumerate() {
        if i > 0 {
            line.extend_from_slice(b"\"\"");
        }
        line.extend_from_slice(part);
    }
    line.push(b'"');
}

/// Prefixes `'` to a cell a spreadsheet would evaluate (`=`, `+`, `-`, `@`, TAB, CR first).
pub fn neutralize_formula(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

impl<W: Write> Sink for CsvSink<W> {
    fn begin(&mut self) -> std::io::Result<()> {
        self.line.clear();
        for (i, c) in COLUMNS.iter().enumerate() {
            if i > 0 {
                self.line.push(b',');
            }
            push_cell(&mut self.line, c);
        }
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }

    fn row(&mut self, row: &Row) -> std::io::Result<()> {
        let cells = [
            &row.datetime,
            &row.timestamp_desc,
            &row.message,
            &row.evidence,
            &row.volume,
            &row.os,
            &row.artifact,
            &row.name,
            &row.path,
            &row.command,
            &row.schedule,
            &row.user,
            &row.enabled,
            &row.flags,
            &row.severity,
            &row.technique,
        ];
        self.line.clear();
        for c in cells {
            // Formula check first: a leading TAB/CR is what makes the cell dangerous.
            let c = if self.neutralize {
                neutralize_formula(c)
            } else {
                Cow::Borrowed(c.as_str())
            };
            push_cell(&mut self.line, &escape_controls(&c));
            self.line.push(b',');
        }
        // Made once per record (JSON always starts with `{`: never a formula).
        self.line
            .extend_from_slice(row.details.csv_cell().as_bytes());
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }

    fn problem(&mut self, _p: &Problem) -> std::io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> std::io::Result<()> {
        self.out.flush()
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_quoted_only_when_needed() {
        let cell = |c: &str| {
            let mut v = Vec::new();
            push_cell(&mut v, c);
            String::from_utf8(v).unwrap()
        };
        assert_eq!(cell("C:\\Windows\\a.exe /q"), "C:\\Windows\\a.exe /q");
        assert_eq!(cell(""), "");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("\""), "\"\"\"\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell("cr\r"), "\"cr\r\"");
    }

    #[test]
    fn formulas_neutralised() {
        assert_eq!(
            neutralize_formula("=HYPERLINK(\"x\")"),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(neutralize_formula("-enc AAA"), "'-enc AAA");
        assert_eq!(neutralize_formula("C:\\a.exe"), "C:\\a.exe");
        assert_eq!(neutralize_formula(""), "");
    }
}

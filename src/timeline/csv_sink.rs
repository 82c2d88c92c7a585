//! CSV output: the header of [`super::COLUMNS`], control characters escaped, and cells that a
//! spreadsheet would run as a formula neutralised with a leading `'`.

use super::{escape_controls, Row, Sink, Summary, COLUMNS};
use crate::problem::Problem;
use std::borrow::Cow;
use std::io::Write;

/// Writes the timeline as CSV.
pub struct CsvSink<W: Write> {
    out: csv::Writer<W>,
    neutralize: bool,
}

impl<W: Write> CsvSink<W> {
    /// A CSV sink; `neutralize` guards against formula injection (`--raw-csv` turns it off).
    pub fn new(out: W, neutralize: bool) -> Self {
        CsvSink {
            out: csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(out),
            neutralize,
        }
    }

    /// The inner writer, after flushing.
    pub fn into_inner(self) -> std::io::Result<W> {
        self.out
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
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
        self.out
            .write_record(COLUMNS)
            .map_err(std::io::Error::other)
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
            row.details.as_str(),
        ];
        for c in cells {
            // Formula check first: a leading TAB/CR is what makes the cell dangerous.
            let c = if self.neutralize {
                neutralize_formula(c)
            } else {
                Cow::Borrowed(c)
            };
            self.out.write_field(escape_controls(&c).as_bytes())?;
        }
        self.out
            .write_record(None::<&[u8]>)
            .map_err(std::io::Error::from)
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

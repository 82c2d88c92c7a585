//! JSONL output: one object per row with the CSV's keys (`details` as an object), then typed
//! `problem` lines and one `summary` line.

use super::{Row, Sink, Summary};
use crate::problem::Problem;
use serde_json::{json, Value};
use std::io::Write;

/// Writes the timeline as JSON Lines.
pub struct JsonlSink<W: Write> {
    out: W,
}

impl<W: Write> JsonlSink<W> {
    /// A JSONL sink over `out`.
    pub fn new(out: W) -> Self {
        JsonlSink { out }
    }

    /// The inner writer.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// Writes `{"type": kind, ...fields of v}` (the type first, for readers that peek).
    fn typed(&mut self, kind: &str, v: Value) -> std::io::Result<()> {
        let mut m = serde_json::Map::new();
        m.insert("type".into(), json!(kind));
        if let Value::Object(fields) = v {
            m.extend(fields);
        }
        self.line(&Value::Object(m))
    }

    fn line(&mut self, v: &Value) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, v).map_err(std::io::Error::other)?;
        self.out.write_all(b"\n")
    }
}

impl<W: Write> Sink for JsonlSink<W> {
    fn begin(&mut self) -> std::io::Result<()> {
        Ok(())
    }

    fn row(&mut self, row: &Row) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, row).map_err(std::io::Error::other)?;
        self.out.write_all(b"\n")
    }

    fn problem(&mut self, p: &Problem) -> std::io::Result<()> {
        let v = serde_json::to_value(p).map_err(std::io::Error::other)?;
        self.typed("problem", v)
    }

    fn evidence_summary(&mut self, s: &crate::app::EvidenceSummary) -> std::io::Result<()> {
        let mut v = serde_json::to_value(s).map_err(std::io::Error::other)?;
        if let Value::Object(m) = &mut v {
            m.insert("scope".into(), json!("evidence"));
        }
        self.typed("summary", v)
    }

    fn finish(&mut self, summary: &Summary) -> std::io::Result<()> {
        let mut v = serde_json::to_value(summary).map_err(std::io::Error::other)?;
        if let Value::Object(m) = &mut v {
            m.insert("scope".into(), json!("total"));
        }
        self.typed("summary", v)?;
        self.out.flush()
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

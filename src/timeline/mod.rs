//! The timeline: one row per distinct meaningful timestamp of a record, stably sorted, written
//! as CSV or JSONL. The column set is a contract (`docs/timeline-format.md`).

mod csv_sink;
mod jsonl_sink;

pub use csv_sink::CsvSink;
pub use jsonl_sink::JsonlSink;

use crate::problem::Problem;
use crate::record::Record;
use crate::time::Time;
use serde::Serialize;
use serde_json::Value;

/// The CSV header, in order. Changing it breaks users' imports: it is tested.
pub const COLUMNS: [&str; 17] = [
    "datetime",
    "timestamp_desc",
    "message",
    "evidence",
    "volume",
    "os",
    "artifact",
    "name",
    "path",
    "command",
    "schedule",
    "user",
    "enabled",
    "flags",
    "severity",
    "technique",
    "details",
];

/// One timeline row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// RFC 3339 UTC with the source's precision; empty for an artifact without any time.
    pub datetime: String,
    /// What the time means.
    pub timestamp_desc: String,
    /// Human summary.
    pub message: String,
    /// The evidence path as given on the command line.
    pub evidence: String,
    /// The volume (`p2`, `whole`, `folder`).
    pub volume: String,
    /// `windows`, `linux` or `macos`.
    pub os: String,
    /// Artifact id.
    pub artifact: String,
    /// Task path / cron file + line / unit / label.
    pub name: String,
    /// Path on the file system.
    pub path: String,
    /// Full command line.
    pub command: String,
    /// When it runs.
    pub schedule: String,
    /// Who it runs as.
    pub user: String,
    /// `true`, `false` or empty.
    pub enabled: String,
    /// `;`-separated rule ids.
    pub flags: String,
    /// Highest severity.
    pub severity: String,
    /// ATT&CK id.
    pub technique: String,
    /// Every parsed field.
    pub details: Details,
    #[serde(skip)]
    sort_time: Option<Time>,
}

/// The `details` of a record as compact JSON text, made once per record and shared by all its
/// rows: a task with many instants has many rows, and copying or re-serialising a large details
/// object for each one was most of the cost of building a timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Details {
    json: std::sync::Arc<str>,
    /// The same text as a CSV cell: control characters escaped, quoted.
    csv: std::sync::Arc<str>,
}

impl Details {
    /// Serialises a details map once, and renders its CSV cell once.
    pub fn new(map: &serde_json::Map<String, Value>) -> Self {
        let json = serde_json::to_string(map).unwrap_or_else(|_| "{}".into());
        let mut cell = Vec::with_capacity(json.len() + json.len() / 8 + 2);
        csv_sink::push_cell(&mut cell, &escape_controls(&json));
        Details {
            csv: String::from_utf8_lossy(&cell).into(),
            json: json.into(),
        }
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.json
    }

    /// The JSON text as a finished CSV cell.
    pub fn csv_cell(&self) -> &str {
        &self.csv
    }

    /// Parsed back into a value (for callers of the library that inspect rows).
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.json).unwrap_or(Value::Null)
    }
}

impl Serialize for Details {
    /// Embeds the stored JSON as it is (an object in JSONL), without rebuilding it.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw: &serde_json::value::RawValue =
            serde_json::from_str(&self.json).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

/// Where a record was found: the evidence and volume columns plus the OS.
#[derive(Debug, Clone)]
pub struct Origin {
    /// Evidence path as given.
    pub evidence: String,
    /// Volume name.
    pub volume: String,
    /// OS name.
    pub os: String,
}

/// Turns a record into rows: one per distinct instant (descriptions of equal instants joined
/// with `; `), or one row with an empty datetime when it has no time at all.
pub fn rows_of(rec: &Record, origin: &Origin) -> Vec<Row> {
    let mut groups: Vec<(Time, bool, Vec<String>)> = Vec::new();
    for t in &rec.times {
        match groups.iter_mut().find(|g| g.0 == t.time && g.1 == t.local) {
            Some(g) => {
                if !g.2.contains(&t.desc) {
                    g.2.push(t.desc.clone())
                }
            }
            None => groups.push((t.time, t.local, vec![t.desc.clone()])),
        }
    }
    let base = Row {
        datetime: String::new(),
        timestamp_desc: String::new(),
        message: rec.message.clone(),
        evidence: origin.evidence.clone(),
        volume: origin.volume.clone(),
        os: origin.os.clone(),
        artifact: rec.artifact.to_string(),
        name: rec.name.clone(),
        path: rec.path.clone(),
        command: rec.command.clone(),
        schedule: rec.schedule.clone(),
        user: rec.user.clone(),
        enabled: rec.enabled.map(|b| b.to_string()).unwrap_or_default(),
        flags: rec.flags.join(";"),
        severity: rec
            .severity
            .map(|s| s.name().to_string())
            .unwrap_or_default(),
        technique: rec.technique.to_string(),
        details: Details::new(&rec.details),
        sort_time: None,
    };
    if groups.is_empty() {
        return vec![Row {
            timestamp_desc: "No Timestamp".into(),
            ..base
        }];
    }
    groups
        .into_iter()
        .map(|(time, _, descs)| Row {
            datetime: time.to_string(),
            timestamp_desc: descs.join("; "),
            sort_time: Some(time),
            ..base.clone()
        })
        .collect()
}

/// Sorts rows by time (rows without time first), then by stable text keys, so that the same
/// evidence always gives byte-identical output.
pub fn sort_rows(rows: &mut [Row]) {
    rows.sort_by(compare_rows);
}

/// The timeline order: time (rows without one last), then evidence, volume, artifact, name, path,
/// meaning and command, so that equal inputs always give byte-identical output.
pub fn compare_rows(a: &Row, b: &Row) -> std::cmp::Ordering {
    a.sort_time
        .cmp(&b.sort_time)
        .then_with(|| a.evidence.cmp(&b.evidence))
        .then_with(|| a.volume.cmp(&b.volume))
        .then_with(|| a.artifact.cmp(&b.artifact))
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.path.cmp(&b.path))
        .then_with(|| a.timestamp_desc.cmp(&b.timestamp_desc))
        .then_with(|| a.command.cmp(&b.command))
}

/// Run totals for the end-of-run summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Evidence inputs processed.
    pub evidence: usize,
    /// Volumes examined.
    pub volumes: usize,
    /// File systems analysed.
    pub filesystems: usize,
    /// OS roots found.
    pub targets: usize,
    /// Records produced.
    pub records: usize,
    /// Rows written.
    pub rows: usize,
    /// Problems at level error or fatal.
    pub errors: usize,
    /// Notices (skipped volumes and similar).
    pub notices: usize,
    /// Bytes read from the evidence.
    pub bytes_read: u64,
}

/// Where the timeline goes.
pub trait Sink {
    /// Called once before any row.
    fn begin(&mut self) -> std::io::Result<()>;
    /// One row, in final order.
    fn row(&mut self, row: &Row) -> std::io::Result<()>;
    /// One problem (sinks that cannot hold problems ignore it).
    fn problem(&mut self, p: &Problem) -> std::io::Result<()>;
    /// The totals of one evidence (sinks that cannot hold them ignore them).
    fn evidence_summary(&mut self, _s: &crate::app::EvidenceSummary) -> std::io::Result<()> {
        Ok(())
    }
    /// The end: the run summary; flushes.
    fn finish(&mut self, summary: &Summary) -> std::io::Result<()>;
    /// Pushes buffered output to the writer without ending the stream (rows are rendered in
    /// parallel chunks, each by its own sink over a buffer).
    fn flush(&mut self) -> std::io::Result<()>;
}

/// Escapes control characters (C0, DEL, C1 and the bidi overrides) so that no text from evidence
/// reaches a terminal or spreadsheet as a raw control sequence: `\n`, `\r`, `\t`, `\x1b`, `\u{202e}`.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    // Printable ASCII needs nothing: checked a byte at a time, the common case stays cheap.
    let plain =
        |s: &str| s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(needs_escape);
    if plain(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && needs_escape(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_serialised_once_and_embedded_raw() {
        let mut m = serde_json::Map::new();
        m.insert("sd_present".into(), Value::Bool(false));
        m.insert(
            "actions".into(),
            serde_json::json!([{"type": "exec", "args": "/c \u{1b}x"}]),
        );
        let d = Details::new(&m);
        assert_eq!(
            d.as_str(),
            r#"{"sd_present":false,"actions":[{"type":"exec","args":"/c \u001bx"}]}"#
        );
        assert_eq!(d.to_value(), Value::Object(m));
        let copy = d.clone();
        assert!(std::sync::Arc::ptr_eq(&d.json, &copy.json));
        assert!(std::sync::Arc::ptr_eq(&d.csv, &copy.csv));
        // The CSV cell: quoted (it holds commas and quotes), quotes doubled.
        assert_eq!(
            d.csv_cell(),
            r#""{""sd_present"":false,""actions"":[{""type"":""exec"",""args"":""/c \u001bx""}]}""#
        );
        // Raw controls that JSON leaves alone (DEL, C1, bidi overrides) are escaped in the cell.
        let mut m2 = serde_json::Map::new();
        m2.insert("n".into(), Value::String("a\u{202e}b\u{7f}".into()));
        assert_eq!(
            Details::new(&m2).csv_cell(),
            r#"{"n":"a\u{202e}b\x7f"}"#.replace('"', "\"\"").replacen("{", "\"{", 1) + "\""
        );
        #[derive(Serialize)]
        struct Wrap {
            details: Details,
        }
        assert_eq!(
            serde_json::to_string(&Wrap { details: d }).unwrap(),
            r#"{"details":{"sd_present":false,"actions":[{"type":"exec","args":"/c \u001bx"}]}}"#
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(
            escape_controls("a\r\nb\x1b[31m\u{202e}"),
            "a\\r\\nb\\x1b[31m\\u{202e}"
        );
        assert_eq!(escape_controls("plain"), "plain");
    }

    #[test]
    fn equal_instants_share_a_row() {
        let mut r = Record {
            artifact: "windows.task_xml",
            ..Record::default()
        };
        let t = Time::from_unix(10, 0, 7).unwrap();
        r.time(t, "File Created ($SI)");
        r.time(t, "File Modified ($SI)");
        r.local_time(t, "Task Registered (XML Date)");
        let o = Origin {
            evidence: "e".into(),
            volume: "v".into(),
            os: "windows".into(),
        };
        let rows = rows_of(&r, &o);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].timestamp_desc,
            "File Created ($SI); File Modified ($SI)"
        );
        assert_eq!(
            rows[1].timestamp_desc,
            "Task Registered (XML Date) (local time)"
        );
    }
}

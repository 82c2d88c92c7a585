//! What a collector produces: one record per artifact (a task, a job line, a unit), carrying
//! every meaningful timestamp; the timeline turns each into rows.

use crate::time::Time;
use serde_json::{Map, Value};

/// One timestamp of a record and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordTime {
    /// The instant (a local clock reading held as UTC when `local` is set).
    pub time: Time,
    /// The `timestamp_desc`, e.g. `File Created ($SI)`.
    pub desc: String,
    /// True for clock readings without a zone (written with `(local time)` in the desc).
    pub local: bool,
}

/// Severity of a record's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// The lowercase name used in the `severity` column.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// One artifact found on the evidence.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// Stable artifact id (`windows.task_xml`, …).
    pub artifact: &'static str,
    /// Task path, cron file + line, unit or label.
    pub name: String,
    /// Where it was found, on its file system (`Windows/System32/Tasks/GameOver`).
    pub path: String,
    /// The full command line as the system would run it.
    pub command: String,
    /// Human summary of when it runs.
    pub schedule: String,
    /// The principal it runs as.
    pub user: String,
    /// Whether it is enabled; `None` when the source cannot tell.
    pub enabled: Option<bool>,
    /// Stable ids of the rules and verdicts that fired.
    pub flags: Vec<String>,
    /// Highest severity among the flags.
    pub severity: Option<Severity>,
    /// ATT&CK technique id.
    pub technique: &'static str,
    /// Summary sentence for the `message` column.
    pub message: String,
    /// Every parsed field.
    pub details: Map<String, Value>,
    /// Every meaningful timestamp.
    pub times: Vec<RecordTime>,
}

impl Record {
    /// Adds a timestamp with its meaning.
    pub fn time(&mut self, time: Time, desc: impl Into<String>) {
        self.times.push(RecordTime {
            time,
            desc: desc.into(),
            local: false,
        });
    }

    /// Adds a zone-less clock reading; the desc gets ` (local time)` appended.
    pub fn local_time(&mut self, time: Time, desc: &str) {
        self.times.push(RecordTime {
            time,
            desc: format!("{desc} (local time)"),
            local: true,
        });
    }
}

//! Problems: everything that went wrong without stopping the run, and notices about what was
//! deliberately skipped.

use serde::Serialize;

/// The text of a caught panic (`&str` or `String` payloads), for the "crashed (bug)" and
/// damaged-structure problems that crash guards report.
pub fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Something was skipped on purpose (an unsupported volume): does not change the exit code.
    Notice,
    /// Evidence could not be read or parsed: the run finishes with exit code 1.
    Error,
    /// The evidence could not be opened at all: exit code 2.
    Fatal,
}

/// One problem, with where it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// How serious it is.
    pub level: Level,
    /// The evidence path as given.
    pub evidence: String,
    /// The volume (`p2`, `whole`, `folder`), empty before volumes are known.
    pub volume: String,
    /// The stage: `evidence`, `volume`, `fs`, `target`, or a collector id.
    pub stage: String,
    /// The path or item concerned, when there is one.
    pub location: String,
    /// What went wrong.
    pub message: String,
}

impl Problem {
    /// A one-line rendering for stderr.
    pub fn line(&self) -> String {
        let lvl = match self.level {
            Level::Notice => "notice",
            Level::Error => "error",
            Level::Fatal => "fatal",
        };
        let mut s = format!("{lvl}: {}", self.evidence);
        if !self.volume.is_empty() {
            s.push_str(&format!(" [{}]", self.volume));
        }
        s.push_str(&format!(" {}", self.stage));
        if !self.location.is_empty() {
            s.push_str(&format!(" {}", self.location));
        }
        s.push_str(&format!(": {}", self.message));
        crate::timeline::escape_controls(&s).into_owned()
    }
}

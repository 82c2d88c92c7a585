//! Problems: everything that went wrong without stopping the run, and notices about what was
//! deliberately skipped.

use serde::Serialize;

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
        crate::timeline::escape_controls(&s)
    }
}

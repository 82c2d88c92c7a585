//! `runs-as-root`: informational — the Unix job runs as root.

use super::{AppliedBy, Rule, RuleCtx, RuleInfo};
use crate::record::{Record, Severity};

/// Runs as root.
pub struct RunsAsRoot;

static INFO: RuleInfo = RuleInfo {
    id: "runs-as-root",
    title: "Runs as root",
    severity: Severity::Info,
    technique: "T1053",
    rationale: "The Linux or macOS job runs as root. Informational; it makes other findings on the row more serious.",
    references: &[],
    applied_by: AppliedBy::Rule,
};

impl Rule for RunsAsRoot {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, rec: &Record, _ctx: &RuleCtx<'_>) -> Option<String> {
        (!rec.artifact.starts_with("windows.") && rec.user == "root")
            .then(|| "runs as root".to_string())
    }
}

//! `runs-as-system`: informational — the Windows task runs as LocalSystem.

use super::{AppliedBy, Rule, RuleCtx, RuleInfo};
use crate::record::{Record, Severity};

/// Runs as SYSTEM.
pub struct RunsAsSystem;

static INFO: RuleInfo = RuleInfo {
    id: "runs-as-system",
    title: "Runs as SYSTEM",
    severity: Severity::Info,
    technique: "T1053.005",
    rationale: "The task runs as LocalSystem (S-1-5-18): whatever it runs has full control of the machine. Informational; it makes other findings on the row more serious.",
    references: &[],
    applied_by: AppliedBy::Rule,
};

impl Rule for RunsAsSystem {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, rec: &Record, _ctx: &RuleCtx<'_>) -> Option<String> {
        let u = rec.user.to_uppercase();
        (rec.artifact.starts_with("windows.")
            && matches!(
                u.as_str(),
                "S-1-5-18"
                    | "SYSTEM"
                    | "NT AUTHORITY\\SYSTEM"
                    | "LOCALSYSTEM"
                    | "NT AUTHORITY\\LOCALSYSTEM"
            ))
        .then(|| "principal is LocalSystem".to_string())
    }
}

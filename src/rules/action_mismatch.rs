//! `action-mismatch`: xml and registry actions differ. Computed by the Windows cross-check (src/reconcile.rs).

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// XML and registry actions differ.
pub struct ActionMismatch;

static INFO: RuleInfo = RuleInfo {
    id: "action-mismatch",
    title: "XML and registry actions differ",
    severity: Severity::High,
    technique: "T1053.005",
    rationale: "The command in the task XML differs from the TaskCache Actions blob (compared ignoring whitespace runs and case). The service runs the registry's copy; an edited XML or an edited blob hides what really runs.",
    references: &["winreg-tasks (GDATAAdvancedAnalytics)", "formats.md section 3.3"],
    applied_by: AppliedBy::Reconcile,
};

impl Rule for ActionMismatch {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}

//! `deleted-task`: task deleted (per the logs) and gone from disk. Computed by the Windows cross-check (src/reconcile.rs).

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Task deleted (per the logs) and gone from disk.
pub struct DeletedTask;

static INFO: RuleInfo = RuleInfo {
    id: "deleted-task",
    title: "Task deleted (per the logs) and gone from disk",
    severity: Severity::Medium,
    technique: "T1070",
    rationale: "The logs record the task's deletion (4699, 141) and neither its XML file nor a TaskCache entry exists any more: only the events tell what it ran.",
    references: &["MITRE ATT&CK T1070"],
    applied_by: AppliedBy::Reconcile,
};

impl Rule for DeletedTask {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
